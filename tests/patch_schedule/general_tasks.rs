//! Maintenance windows that are not about patching (examples/maintenance-windows/office-hours.yaml): a
//! PatchSchedule without `patching` is a plain window whose general tasks (Automation runbooks, Run Command
//! documents) are registered on their target groups, diffed and corrected like the patch task, and deleted with
//! the window.

use super::*;
use aws_sdk_ssm::types::{MaintenanceWindowTaskCutoffBehavior, MaintenanceWindowTaskType, Target};

fn office_hours() -> (AwsAccountSpec, Vec<PatchSchedule>) {
    let m = load_examples(&["aws-account.yaml", "maintenance-windows/office-hours.yaml"]);
    assert_eq!(m.schedules.len(), 2);
    (m.accounts[0].spec.clone(), m.schedules)
}

#[tokio::test]
async fn plain_windows_with_tasks_converge_drift_is_corrected_and_deletion_removes_them() {
    let moto = Moto::start();
    let (factory, stats) = moto.factory().await;
    let (account, schedules) = office_hours();
    assert!(schedules.iter().all(|p| p.spec.patching.is_none()));

    let mut statuses = Vec::new();
    for p in &schedules {
        let r = pass(&factory, &account, p, &p.spec, None).await;
        assert!(r.pass.error_category().is_none(), "{:#?}", r.pass.outcomes);
        for o in &r.pass.outcomes {
            assert_eq!(o.state, ComponentState::Created, "{o:#?}");
            assert_eq!(o.ownership, Ownership::Created, "{o:#?}");
        }
        // No patch task: no patch compliance is read or shown.
        assert!(r.pass.outcomes.iter().all(|o| o.component != "compliance"));
        let s = status(None, &r);
        assert!(s.compliance.is_empty(), "{:#?}", s.compliance);
        let res = &s.resources[0];
        assert_eq!(res.target_ids.len(), 2);
        let names: Vec<&str> = res.task_ids.keys().map(String::as_str).collect();
        let want: Vec<&str> = {
            let mut v: Vec<&str> = p.spec.tasks.iter().map(|t| t.name.as_str()).collect();
            v.sort();
            v
        };
        assert_eq!(names, want);
        assert!(!res.task_ids.contains_key("patch"));
        statuses.push(s);
    }
    // 19:00 Europe/Berlin (CET) on Monday 2026-11-23 is 18:00Z, still ahead of 10:00Z.
    assert_eq!(
        statuses[1].next_execution_time.as_deref(),
        Some("2026-11-23T18:00:00Z")
    );

    // AWS holds the tasks as declared: the runbook, its limits and role, each on its target groups.
    let client = ssm(&moto).await;
    let evening = &statuses[1].resources[0];
    let window = evening.window_id.clone().unwrap();
    let stop = client
        .get_maintenance_window_task()
        .window_id(&window)
        .window_task_id(&evening.task_ids["stop-dev"])
        .send()
        .await
        .unwrap();
    assert_eq!(
        stop.task_type(),
        Some(&MaintenanceWindowTaskType::Automation)
    );
    assert_eq!(stop.task_arn(), Some("AWS-StopEC2Instance"));
    assert_eq!(
        (stop.max_concurrency(), stop.max_errors(), stop.priority()),
        (Some("10"), Some("2"), 2)
    );
    assert_eq!(
        stop.service_role_arn(),
        Some("arn:aws:iam::123456789012:role/checkout-instance-scheduler")
    );
    let auto = stop
        .task_invocation_parameters()
        .and_then(|i| i.automation())
        .unwrap();
    assert_eq!(
        auto.parameters().unwrap()["InstanceId"],
        vec!["{{RESOURCE_ID}}".to_string()]
    );
    let mut all_targets: Vec<String> = evening.target_ids.values().cloned().collect();
    all_targets.sort();
    assert_eq!(stop.targets()[0].values(), all_targets.as_slice());
    let drain = client
        .get_maintenance_window_task()
        .window_id(&window)
        .window_task_id(&evening.task_ids["drain-queues"])
        .send()
        .await
        .unwrap();
    assert_eq!(
        drain.task_type(),
        Some(&MaintenanceWindowTaskType::RunCommand)
    );
    assert_eq!(
        drain.targets()[0].values(),
        [evening.target_ids["dev-workers"].clone()]
    );
    assert_eq!(
        drain.cutoff_behavior(),
        Some(&MaintenanceWindowTaskCutoffBehavior::CancelTask)
    );

    // A second pass, with and without remembered status, writes nothing.
    stats.reset();
    for (p, s) in schedules.iter().zip(&statuses) {
        for prev in [Some(s), None] {
            let r = pass(&factory, &account, p, &p.spec, prev).await;
            assert_eq!(r.pass.remaining_drift(), 0, "{:#?}", r.pass.outcomes);
        }
    }
    assert_eq!(stats.writes(), 0, "{:?}", stats.write_operations());

    // Out of band: the stop task tolerates more errors, the drain task is deregistered, a task nobody declared
    // appears in the window.
    client
        .update_maintenance_window_task()
        .window_id(&window)
        .window_task_id(&evening.task_ids["stop-dev"])
        .max_errors("10")
        .send()
        .await
        .unwrap();
    client
        .deregister_task_from_maintenance_window()
        .window_id(&window)
        .window_task_id(&evening.task_ids["drain-queues"])
        .send()
        .await
        .unwrap();
    client
        .register_task_with_maintenance_window()
        .window_id(&window)
        .name("by-hand")
        .task_type(MaintenanceWindowTaskType::RunCommand)
        .task_arn("AWS-RunShellScript")
        .targets(
            Target::builder()
                .key("WindowTargetIds")
                .values(evening.target_ids["dev-web"].clone())
                .build(),
        )
        .max_concurrency("1")
        .max_errors("1")
        .priority(9)
        .send()
        .await
        .unwrap();

    let p = &schedules[1];
    let first = &statuses[1];
    let mut report_spec = p.spec.clone();
    report_spec.drift_policy = DriftPolicy::Report;
    stats.reset();
    let r = pass(&factory, &account, p, &report_spec, Some(first)).await;
    assert_eq!(stats.writes(), 0, "{:?}", stats.write_operations());
    let s = status(Some(first), &r);
    let mut fields: Vec<&str> = s.common.drift.iter().map(|d| d.field.as_str()).collect();
    fields.sort();
    assert_eq!(
        fields,
        vec![
            "tasks.by-hand.exists",
            "tasks.drain-queues.exists",
            "tasks.stop-dev.maxErrors"
        ]
    );
    let errors = s
        .common
        .drift
        .iter()
        .find(|d| d.field == "tasks.stop-dev.maxErrors")
        .unwrap();
    assert_eq!(
        (errors.desired.as_str(), errors.actual.as_str()),
        ("\"2\"", "\"10\"")
    );
    assert!(s
        .common
        .drift
        .iter()
        .all(|d| d.action == DriftAction::Reported));

    stats.reset();
    let r = pass(&factory, &account, p, &p.spec, Some(first)).await;
    assert!(r.pass.error_category().is_none(), "{:#?}", r.pass.outcomes);
    let mut ops = stats.write_operations();
    ops.sort();
    assert_eq!(
        ops,
        vec![
            "SSM:DeregisterTaskFromMaintenanceWindow",
            "SSM:RegisterTaskWithMaintenanceWindow",
            "SSM:UpdateMaintenanceWindowTask",
        ],
        "{ops:?}"
    );
    let corrected = status(Some(first), &r);
    assert!(corrected
        .common
        .drift
        .iter()
        .all(|d| d.action == DriftAction::Corrected));
    assert_ne!(
        corrected.resources[0].task_ids["drain-queues"],
        evening.task_ids["drain-queues"]
    );
    assert!(!corrected.resources[0].task_ids.contains_key("by-hand"));
    stats.reset();
    let r = pass(&factory, &account, p, &p.spec, Some(&corrected)).await;
    assert_eq!(r.pass.remaining_drift(), 0, "{:#?}", r.pass.outcomes);
    assert_eq!(stats.writes(), 0, "{:?}", stats.write_operations());

    // Dropping a task from the spec deregisters it from the window the operator created.
    let mut fewer = p.spec.clone();
    fewer.tasks.retain(|t| t.name != "drain-queues");
    let r = pass(&factory, &account, p, &fewer, Some(&corrected)).await;
    let s = status(Some(&corrected), &r);
    assert_eq!(
        s.resources[0].task_ids.keys().collect::<Vec<_>>(),
        vec!["stop-dev"]
    );
    let listed = client
        .describe_maintenance_window_tasks()
        .window_id(&window)
        .send()
        .await
        .unwrap();
    assert_eq!(listed.tasks().len(), 1);

    // Deletion removes both windows (created by the operator, proven by tags) with their tasks.
    for (p, s) in schedules.iter().zip([&statuses[0], &s]) {
        let report = cleanup(&factory, &input(&account, p, &p.spec, Some(s)))
            .await
            .unwrap();
        assert!(report.errors.is_empty(), "{:?}", report.errors);
    }
    let left = client.describe_maintenance_windows().send().await.unwrap();
    assert!(left.window_identities().is_empty(), "{left:?}");
}
