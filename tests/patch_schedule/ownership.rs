//! Deletion and cleanup remove only what the operator created, proven by tags not status; default names never
//! collide or adopt what is not ours; a region removed from the spec is cleaned up.

use super::*;

#[tokio::test]
async fn deletion_removes_only_what_the_operator_created() {
    let moto = Moto::start();
    let (factory, _stats) = moto.factory().await;
    let (account, mut schedules) = examples();
    let client = ssm(&moto).await;
    // An existing window, not created by the operator, that the daily scan names explicitly: adopted.
    schedules[1].spec.window.name = Some("payments-prod-daily-scan".into());
    let adopted = client
        .create_maintenance_window()
        .name("payments-prod-daily-scan")
        .schedule("cron(0 3 ? * * *)")
        .schedule_timezone("Europe/Berlin")
        .duration(1)
        .cutoff(0)
        .allow_unassociated_targets(false)
        .send()
        .await
        .unwrap()
        .window_id()
        .unwrap()
        .to_string();
    let mut statuses = Vec::new();
    for p in &schedules[..2] {
        let r = pass(&factory, &account, p, &p.spec, None).await;
        assert!(r.pass.error_category().is_none(), "{:#?}", r.pass.outcomes);
        statuses.push(status(None, &r));
    }
    let scan_window = statuses[1]
        .common
        .components
        .iter()
        .find(|c| c.component == "window")
        .unwrap();
    assert_eq!(scan_window.ownership, Ownership::Adopted);
    assert_eq!(scan_window.id.as_deref(), Some(adopted.as_str()));

    for (p, s) in schedules[..2].iter().zip(&statuses) {
        let input = input(&account, p, &p.spec, Some(s));
        let report = cleanup(&factory, &input).await.unwrap();
        assert!(report.errors.is_empty(), "{:?}", report.errors);
    }
    let left: Vec<String> = client
        .describe_maintenance_windows()
        .send()
        .await
        .unwrap()
        .window_identities()
        .iter()
        .filter_map(|w| w.window_id().map(str::to_string))
        .collect();
    assert_eq!(left, vec![adopted]);
    let own = client
        .describe_patch_baselines()
        .filters(
            aws_sdk_ssm::types::PatchOrchestratorFilter::builder()
                .key("OWNER")
                .values("Self")
                .build(),
        )
        .send()
        .await
        .unwrap();
    assert!(own.baseline_identities().is_empty());
    let assoc = client.list_associations().send().await.unwrap();
    assert!(assoc.associations().is_empty());

    // Retain leaves everything.
    let p = &schedules[2];
    let s = status(None, &pass(&factory, &account, p, &p.spec, None).await);
    let mut spec = p.spec.clone();
    spec.deletion_policy = DeletionPolicy::Retain;
    let input = PatchInput {
        namespace: "payments",
        name: "staging-scan",
        mode: DriftPolicy::Correct,
        ..input(&account, p, &spec, Some(&s))
    };
    cleanup(&factory, &input).await.unwrap();
    let windows = client.describe_maintenance_windows().send().await.unwrap();
    assert_eq!(windows.window_identities().len(), 2);
}

/// Windows and baselines under the default name: `<namespace>.<name>` keeps `team/a-b` and `team-a/b` apart; a
/// same-named window without this object's tags is someone else's and is left alone (adopted only when named
/// explicitly); a window created under the old default name (`<namespace>-<name>`) with this object's tags is
/// taken over and renamed, not duplicated.
#[tokio::test]
async fn default_names_never_collide_or_adopt_what_is_not_ours() {
    let moto = Moto::start();
    let (factory, _stats) = moto.factory().await;
    let (mut account, schedules) = examples();
    account.allowed_namespaces =
        serde_json::from_value(serde_json::json!({"names": ["team", "team-a", "ops", "legacy"]}))
            .unwrap();
    let client = ssm(&moto).await;
    let windows = || async {
        let mut names: Vec<String> = client
            .describe_maintenance_windows()
            .send()
            .await
            .unwrap()
            .window_identities()
            .iter()
            .filter_map(|w| w.name().map(str::to_string))
            .collect();
        names.sort();
        names
    };
    let named = |ns: &str, name: &str| {
        let mut p = schedules[2].clone();
        p.metadata.namespace = Some(ns.into());
        p.metadata.name = Some(name.into());
        p
    };
    // team/a-b and team-a/b: two objects, two windows.
    let (ab, a_b) = (named("team", "a-b"), named("team-a", "b"));
    for p in [&ab, &a_b] {
        let r = pass(&factory, &account, p, &p.spec, None).await;
        assert!(r.pass.error_category().is_none(), "{:#?}", r.pass.outcomes);
    }
    assert_eq!(windows().await, vec!["team-a.b", "team.a-b"]);

    // Someone else's window under this object's default name: left alone, and the object says why.
    let other = named("ops", "nightly");
    client
        .create_maintenance_window()
        .name("ops.nightly")
        .schedule("cron(0 3 ? * * *)")
        .duration(1)
        .cutoff(0)
        .allow_unassociated_targets(false)
        .send()
        .await
        .unwrap();
    let r = pass(&factory, &account, &other, &other.spec, None).await;
    let window = r
        .pass
        .outcomes
        .iter()
        .find(|o| o.component == "window")
        .unwrap();
    let e = window.error.as_ref().expect("a name conflict is an error");
    assert!(
        e.message
            .contains("exists and is not tagged as this PatchSchedule's")
            && e.message.contains("spec.window.name"),
        "{e}"
    );
    let ours = client
        .describe_maintenance_windows()
        .send()
        .await
        .unwrap()
        .window_identities()
        .iter()
        .find(|w| w.name() == Some("ops.nightly"))
        .map(|w| (w.duration(), w.schedule().map(str::to_string)))
        .unwrap();
    assert_eq!(
        ours,
        (Some(1), Some("cron(0 3 ? * * *)".into())),
        "untouched"
    );

    // A window an earlier version created under `<namespace>-<name>`, with this object's tags: renamed.
    let legacy = named("legacy", "scan");
    let tags = namespaced_owner("PatchSchedule", &legacy.metadata).tags();
    client
        .create_maintenance_window()
        .name("legacy-scan")
        .schedule("cron(0 3 ? * * *)")
        .duration(1)
        .cutoff(0)
        .allow_unassociated_targets(false)
        .set_tags(Some(
            tags.iter()
                .map(|(k, v)| {
                    aws_sdk_ssm::types::Tag::builder()
                        .key(k)
                        .value(v)
                        .build()
                        .unwrap()
                })
                .collect(),
        ))
        .send()
        .await
        .unwrap();
    let r = pass(&factory, &account, &legacy, &legacy.spec, None).await;
    assert!(r.pass.error_category().is_none(), "{:#?}", r.pass.outcomes);
    let names = windows().await;
    assert!(names.contains(&"legacy.scan".to_string()), "{names:?}");
    assert!(
        !names.contains(&"legacy-scan".to_string()),
        "renamed, not duplicated: {names:?}"
    );
    assert_eq!(names.len(), 4, "{names:?}");
}

/// Deletion finds what the object created by its names and proves ownership by AWS tags: a crash between the
/// create call and the status write (no status at all) still deletes the window, and a status rewritten to point
/// at someone else's window never gets that window deleted.
#[tokio::test]
async fn cleanup_proves_ownership_by_tags_not_by_status() {
    let moto = Moto::start();
    let (factory, _stats) = moto.factory().await;
    let (account, schedules) = examples();
    let client = ssm(&moto).await;
    let p = &schedules[2];
    let r = pass(&factory, &account, p, &p.spec, None).await;
    assert!(r.pass.error_category().is_none(), "{:#?}", r.pass.outcomes);
    let foreign = client
        .create_maintenance_window()
        .name("someone-elses-window")
        .schedule("cron(0 3 ? * * *)")
        .duration(1)
        .cutoff(0)
        .allow_unassociated_targets(false)
        .send()
        .await
        .unwrap()
        .window_id()
        .unwrap()
        .to_string();
    // A status that says the foreign window is ours (anyone who may write status could write this).
    let mut forged = status(None, &r);
    forged.resources[0].window_id = Some(foreign.clone());
    let input = |previous| input(&account, p, &p.spec, previous);
    let report = cleanup(&factory, &input(Some(&forged))).await.unwrap();
    assert!(report.errors.is_empty(), "{:?}", report.errors);
    let left: Vec<String> = client
        .describe_maintenance_windows()
        .send()
        .await
        .unwrap()
        .window_identities()
        .iter()
        .filter_map(|w| w.window_id().map(str::to_string))
        .collect();
    assert_eq!(left, vec![foreign.clone()], "{:?}", report.actions);

    // Crash before the status write: the window exists, status knows nothing; deletion still finds it.
    let r = pass(&factory, &account, p, &p.spec, None).await;
    assert!(r.pass.error_category().is_none(), "{:#?}", r.pass.outcomes);
    let report = cleanup(&factory, &input(None)).await.unwrap();
    assert!(report.errors.is_empty(), "{:?}", report.errors);
    assert!(
        report
            .actions
            .iter()
            .any(|a| a.starts_with("deleted maintenance window")),
        "{:?}",
        report.actions
    );
    let left = client
        .describe_maintenance_windows()
        .send()
        .await
        .unwrap()
        .window_identities()
        .len();
    assert_eq!(left, 1, "only the foreign window is left");
}

/// A region removed from the spec is cleaned up like a deleted object: under Report the window left there is
/// drift, under Correct it is deleted (by tags) and the region leaves status.
#[tokio::test]
async fn a_region_removed_from_the_spec_is_cleaned_up() {
    let moto = Moto::start();
    let (factory, _stats) = moto.factory().await;
    let (account, schedules) = examples();
    let p = &schedules[2];
    let mut both = p.spec.clone();
    both.regions = vec![REGION.into(), "us-east-1".into()];
    let r = pass(&factory, &account, p, &both, None).await;
    assert!(r.pass.error_category().is_none(), "{:#?}", r.pass.outcomes);
    let st = status(None, &r);
    assert_eq!(st.resources.len(), 2);
    let us = aws_sdk_ssm::Client::new(&moto.sdk_config("us-east-1").await);
    let windows = || async {
        us.describe_maintenance_windows()
            .send()
            .await
            .unwrap()
            .window_identities()
            .len()
    };
    assert_eq!(windows().await, 1);

    let mut one = p.spec.clone();
    one.regions = vec![REGION.into()];
    one.drift_policy = DriftPolicy::Report;
    let r = pass(&factory, &account, p, &one, Some(&st)).await;
    let reported: Vec<_> = r
        .pass
        .outcomes
        .iter()
        .filter(|o| o.region == "us-east-1")
        .collect();
    assert_eq!(reported.len(), 1, "{reported:#?}");
    assert_eq!(reported[0].drift[0].field, "region.exists");
    assert_eq!(windows().await, 1, "Report leaves it");
    let reported_status = status(Some(&st), &r);
    assert_eq!(reported_status.resources.len(), 2, "still recorded");

    one.drift_policy = DriftPolicy::Correct;
    let r = pass(&factory, &account, p, &one, Some(&reported_status)).await;
    assert!(r.pass.error_category().is_none(), "{:#?}", r.pass.outcomes);
    assert_eq!(windows().await, 0, "deleted with the region");
    let st = status(Some(&reported_status), &r);
    assert_eq!(
        st.resources
            .iter()
            .map(|r| r.region.as_str())
            .collect::<Vec<_>>(),
        vec![REGION]
    );
}
