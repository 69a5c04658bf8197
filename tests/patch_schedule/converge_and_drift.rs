//! The examples converge, a second pass writes nothing, drift in the window, task and baseline is reported field by
//! field then corrected, and Report from scratch writes nothing.

use super::*;

#[tokio::test]
async fn examples_converge_and_a_second_pass_writes_nothing() {
    let moto = Moto::start();
    let (factory, stats) = moto.factory().await;
    let (account, schedules) = examples();

    let mut statuses = Vec::new();
    for p in &schedules {
        let r = pass(&factory, &account, p, &p.spec, None).await;
        assert!(r.pass.error_category().is_none(), "{:#?}", r.pass.outcomes);
        for o in &r.pass.outcomes {
            if o.component != "compliance" {
                assert_eq!(o.state, ComponentState::Created, "{o:#?}");
                assert_eq!(o.ownership, Ownership::Created, "{o:#?}");
            }
        }
        assert_eq!(r.pass.remaining_drift(), 0);
        let s = status(None, &r);
        let res = &s.resources[0];
        assert!(res.window_id.as_deref().unwrap().starts_with("mw-"));
        assert_eq!(res.target_ids.len(), p.spec.targets.len());
        assert_eq!(
            res.task_ids.len(),
            1 + p.spec.pre_steps.len() + p.spec.post_steps.len()
        );
        statuses.push(s);
    }
    // Sunday 02:00 Europe/Berlin (CET) after Monday 2026-11-23 is 2026-11-29T01:00Z.
    assert_eq!(
        statuses[0].next_execution_time.as_deref(),
        Some("2026-11-29T01:00:00Z")
    );
    // Daily 03:00 Europe/Berlin after 10:00 UTC is tomorrow 02:00Z.
    assert_eq!(
        statuses[1].next_execution_time.as_deref(),
        Some("2026-11-24T02:00:00Z")
    );
    let prod = &statuses[0].resources[0];
    assert!(prod.baseline_id.as_deref().unwrap().starts_with("pb-"));
    assert_eq!(prod.association_ids.len(), 1);

    // AWS really holds what the spec says.
    let client = ssm(&moto).await;
    let w = client
        .get_maintenance_window()
        .window_id(prod.window_id.clone().unwrap())
        .send()
        .await
        .unwrap();
    assert_eq!(
        (
            w.schedule(),
            w.schedule_timezone(),
            w.duration(),
            w.cutoff()
        ),
        (
            Some("cron(0 2 ? * SUN *)"),
            Some("Europe/Berlin"),
            Some(4),
            1
        )
    );
    let g = client
        .get_patch_baseline_for_patch_group()
        .patch_group("prod")
        .operating_system(aws_sdk_ssm::types::OperatingSystem::AmazonLinux2023)
        .send()
        .await
        .unwrap();
    assert_eq!(g.baseline_id(), prod.baseline_id.as_deref());

    // Further passes, with and without remembered status: zero writes.
    stats.reset();
    for (p, s) in schedules.iter().zip(&statuses) {
        let r = pass(&factory, &account, p, &p.spec, Some(s)).await;
        assert!(r.pass.error_category().is_none(), "{:#?}", r.pass.outcomes);
        assert_eq!(r.pass.remaining_drift(), 0, "{:#?}", r.pass.outcomes);
        assert!(r
            .pass
            .outcomes
            .iter()
            .all(|o| o.state == ComponentState::InSync));
        // The first re-check flips Created -> InSync; after that the status is stable (no Kubernetes write).
        let settled = status(Some(s), &r);
        let r = pass(&factory, &account, p, &p.spec, Some(&settled)).await;
        let again = status(Some(&settled), &r);
        assert!(
            !status_changed(Some(&settled), &again),
            "{settled:#?}\n{again:#?}"
        );
    }
    assert_eq!(stats.writes(), 0, "{:?}", stats.write_operations());
    stats.reset();
    for p in &schedules {
        let r = pass(&factory, &account, p, &p.spec, None).await;
        assert_eq!(r.pass.remaining_drift(), 0, "{:#?}", r.pass.outcomes);
    }
    assert_eq!(stats.writes(), 0, "{:?}", stats.write_operations());
}

#[tokio::test]
async fn drift_in_window_task_and_baseline_is_reported_field_by_field_then_corrected() {
    let moto = Moto::start();
    let (factory, stats) = moto.factory().await;
    let (account, schedules) = examples();
    let p = &schedules[0];
    let first = status(None, &pass(&factory, &account, p, &p.spec, None).await);
    let res = first.resources[0].clone();
    let window = res.window_id.clone().unwrap();

    // Out-of-band edits, as a person in the console would make them.
    let client = ssm(&moto).await;
    client
        .update_maintenance_window()
        .window_id(&window)
        .duration(6)
        .send()
        .await
        .unwrap();
    let mut params = std::collections::HashMap::new();
    params.insert("Operation".to_string(), vec!["Scan".to_string()]);
    params.insert(
        "RebootOption".to_string(),
        vec!["RebootIfNeeded".to_string()],
    );
    client
        .update_maintenance_window_task()
        .window_id(&window)
        .window_task_id(&res.task_ids["patch"])
        .max_concurrency("50%")
        .task_invocation_parameters(
            MaintenanceWindowTaskInvocationParameters::builder()
                .run_command(
                    MaintenanceWindowRunCommandParameters::builder()
                        .set_parameters(Some(params))
                        .output_s3_bucket_name("payments-patch-logs")
                        .output_s3_key_prefix("prod-weekly")
                        .build(),
                )
                .build(),
        )
        .send()
        .await
        .unwrap();
    let rule = |days: i32, class: &[&str], cl: &str| {
        PatchRule::builder()
            .patch_filter_group(
                PatchFilterGroup::builder()
                    .patch_filters(
                        PatchFilter::builder()
                            .key(PatchFilterKey::Classification)
                            .set_values(Some(class.iter().map(|c| c.to_string()).collect()))
                            .build()
                            .unwrap(),
                    )
                    .build()
                    .unwrap(),
            )
            .approve_after_days(days)
            .compliance_level(cl.into())
            .build()
    };
    client
        .update_patch_baseline()
        .baseline_id(res.baseline_id.clone().unwrap())
        .approval_rules(
            PatchRuleGroup::builder()
                .patch_rules(rule(30, &["Security"], "HIGH"))
                .build()
                .unwrap(),
        )
        .send()
        .await
        .unwrap();

    // Report: every changed field is listed, nothing is written.
    let mut report_spec = p.spec.clone();
    report_spec.drift_policy = DriftPolicy::Report;
    stats.reset();
    let r = pass(&factory, &account, p, &report_spec, Some(&first)).await;
    assert_eq!(stats.writes(), 0, "{:?}", stats.write_operations());
    let s = status(Some(&first), &r);
    let fields: Vec<&str> = s.common.drift.iter().map(|d| d.field.as_str()).collect();
    assert!(fields.contains(&"window.duration"), "{fields:?}");
    assert!(fields.contains(&"tasks.patch.parameters"), "{fields:?}");
    assert!(fields.contains(&"tasks.patch.maxConcurrency"), "{fields:?}");
    assert!(
        fields.contains(&"patchBaseline.approvalRules"),
        "{fields:?}"
    );
    let duration = s
        .common
        .drift
        .iter()
        .find(|d| d.field == "window.duration")
        .unwrap();
    assert_eq!(
        (duration.desired.as_str(), duration.actual.as_str()),
        ("4", "6")
    );
    assert!(s
        .common
        .drift
        .iter()
        .all(|d| d.action == DriftAction::Reported));
    let task = s
        .common
        .drift
        .iter()
        .find(|d| d.field == "tasks.patch.maxConcurrency")
        .unwrap();
    assert_eq!(task.controls, vec!["SSM.2"]);

    // Correct: the update APIs put it back, IDs survive, the next pass is clean.
    stats.reset();
    let r = pass(&factory, &account, p, &p.spec, Some(&first)).await;
    assert!(r.pass.error_category().is_none(), "{:#?}", r.pass.outcomes);
    let ops = stats.write_operations();
    assert!(
        ops.iter().any(|o| o.contains("UpdateMaintenanceWindow")),
        "{ops:?}"
    );
    assert!(
        ops.iter()
            .any(|o| o.contains("UpdateMaintenanceWindowTask")),
        "{ops:?}"
    );
    assert!(
        ops.iter().any(|o| o.contains("UpdatePatchBaseline")),
        "{ops:?}"
    );
    assert!(
        !ops.iter()
            .any(|o| o.contains("Create") || o.contains("Delete")),
        "{ops:?}"
    );
    let corrected = status(Some(&first), &r);
    assert_eq!(corrected.resources, first.resources);
    stats.reset();
    let r = pass(&factory, &account, p, &p.spec, Some(&corrected)).await;
    assert_eq!(r.pass.remaining_drift(), 0, "{:#?}", r.pass.outcomes);
    assert_eq!(stats.writes(), 0, "{:?}", stats.write_operations());
}

#[tokio::test]
async fn report_mode_from_scratch_writes_nothing_and_lists_what_is_missing() {
    let moto = Moto::start();
    let (factory, stats) = moto.factory().await;
    let (account, schedules) = examples();
    let p = &schedules[0];
    let mut spec = p.spec.clone();
    spec.drift_policy = DriftPolicy::Report;
    let r = pass(&factory, &account, p, &spec, None).await;
    assert_eq!(stats.writes(), 0, "{:?}", stats.write_operations());
    let fields: Vec<String> = r
        .pass
        .outcomes
        .iter()
        .flat_map(|o| o.drift.iter().map(|d| d.field.clone()))
        .collect();
    for f in [
        "window.exists",
        "windowTargets.prod-linux.exists",
        "tasks.patch.exists",
        "tasks.snapshot.exists",
        "patchBaseline.exists",
        "inventory.prod-linux.exists",
    ] {
        assert!(fields.iter().any(|x| x == f), "{f} missing from {fields:?}");
    }
}
