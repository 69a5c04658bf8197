//! PatchSchedule engine against moto's server (with the SSM extension in tests/moto_ext) and the real
//! aws-sdk-rust clients: the examples converge, a second pass writes nothing, drift is reported field by field,
//! Report never writes, caps are checked before writing, deletion removes only what the operator created.

use crate::support;

use aws_baseline_operator::api::aws_account::AwsAccountSpec;
use aws_baseline_operator::api::common::{
    ComponentState, DeletionPolicy, DriftAction, DriftPolicy, Owner, Ownership,
};
use aws_baseline_operator::api::{PatchSchedule, PatchScheduleSpec, PatchScheduleStatus};
use aws_baseline_operator::aws::AwsFactory;
use aws_baseline_operator::engine::patch::{cleanup, run, PatchInput, PatchReport};
use aws_baseline_operator::engine::status::{patch_status, patch_status_changed};
use aws_baseline_operator::manifests;
use aws_sdk_ssm::types::{
    MaintenanceWindowRunCommandParameters, MaintenanceWindowTaskInvocationParameters, PatchFilter,
    PatchFilterGroup, PatchFilterKey, PatchRule, PatchRuleGroup,
};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::Time;
use std::path::PathBuf;
use support::Moto;

const REGION: &str = "eu-west-1";
static NO_LABELS: std::collections::BTreeMap<String, String> = std::collections::BTreeMap::new();

fn examples() -> (AwsAccountSpec, Vec<PatchSchedule>) {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("examples");
    let m = manifests::load(&[
        root.join("aws-account.yaml"),
        root.join("patch-schedule-production.yaml"),
        root.join("patch-schedule-scan-only.yaml"),
    ])
    .unwrap();
    assert_eq!(m.schedules.len(), 3);
    (m.accounts[0].spec.clone(), m.schedules)
}

fn now() -> jiff::Timestamp {
    // Monday 2026-11-23 10:00 UTC.
    "2026-11-23T10:00:00Z".parse().unwrap()
}

fn owner(p: &PatchSchedule) -> Owner {
    let ns = p.metadata.namespace.clone().unwrap();
    let name = p.metadata.name.clone().unwrap();
    Owner {
        kind: "PatchSchedule".into(),
        name: format!("{ns}/{name}"),
        uid: format!("uid-{name}"),
    }
}

async fn pass(
    factory: &AwsFactory,
    account: &AwsAccountSpec,
    p: &PatchSchedule,
    spec: &PatchScheduleSpec,
    previous: Option<&PatchScheduleStatus>,
) -> PatchReport {
    let input = PatchInput {
        spec,
        account,
        owner: owner(p),
        namespace: p.metadata.namespace.as_deref().unwrap(),
        name: p.metadata.name.as_deref().unwrap(),
        namespace_labels: &NO_LABELS,
        previous,
        mode: spec.drift_policy,
        now: now(),
    };
    run(factory, &input).await
}

fn status(previous: Option<&PatchScheduleStatus>, r: &PatchReport) -> PatchScheduleStatus {
    patch_status(previous, r, Some(1), &Time(now()))
}

async fn ssm(moto: &Moto) -> aws_sdk_ssm::Client {
    aws_sdk_ssm::Client::new(&moto.sdk_config(REGION).await)
}

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
            !patch_status_changed(Some(&settled), &again),
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

#[tokio::test]
async fn invalid_schedule_is_rejected_before_any_aws_call() {
    let moto = Moto::start();
    let (factory, stats) = moto.factory().await;
    let (account, schedules) = examples();
    let p = &schedules[0];
    let mut spec = p.spec.clone();
    spec.window.schedule = "cron(0 2 ? * FUNDAY *)".into();
    let r = pass(&factory, &account, p, &spec, None).await;
    let fatal = r.pass.fatal.clone().unwrap();
    assert_eq!(fatal.category(), "InvalidSpec");
    assert!(
        fatal.to_string().contains("spec.window.schedule"),
        "{fatal}"
    );
    assert_eq!(stats.snapshot().values().sum::<u64>(), 0);
    let s = status(None, &r);
    let ready = s
        .common
        .conditions
        .iter()
        .find(|c| c.type_ == "Ready")
        .unwrap();
    assert_eq!(
        (ready.status.as_str(), ready.reason.as_str()),
        ("False", "InvalidSpec")
    );
}

#[tokio::test]
async fn window_cap_is_checked_before_anything_is_written() {
    let moto = Moto::start();
    let (factory, stats) = moto.factory().await;
    let (account, schedules) = examples();
    let client = ssm(&moto).await;
    for i in 0..50 {
        client
            .create_maintenance_window()
            .name(format!("other-{i}"))
            .schedule("rate(7 days)")
            .duration(2)
            .cutoff(0)
            .allow_unassociated_targets(false)
            .send()
            .await
            .unwrap();
    }
    let p = &schedules[0];
    stats.reset();
    let r = pass(&factory, &account, p, &p.spec, None).await;
    assert_eq!(r.pass.error_category(), Some("QuotaExceeded"));
    assert_eq!(stats.writes(), 0, "{:?}", stats.write_operations());
    let s = status(None, &r);
    let ready = s
        .common
        .conditions
        .iter()
        .find(|c| c.type_ == "Ready")
        .unwrap();
    assert_eq!(ready.reason, "QuotaExceeded");
    assert!(ready.message.contains("AWS allows 50"), "{}", ready.message);
}

#[tokio::test]
async fn compliance_counts_targeted_instances_that_have_not_reported() {
    let moto = Moto::start();
    let (factory, _stats) = moto.factory().await;
    let (account, schedules) = examples();
    let ec2 = aws_sdk_ec2::Client::new(&moto.sdk_config(REGION).await);
    let image = ec2
        .describe_images()
        .owners("amazon")
        .send()
        .await
        .unwrap()
        .images()[0]
        .image_id()
        .unwrap()
        .to_string();
    let tag = |k: &str, v: &str| {
        aws_sdk_ec2::types::TagSpecification::builder()
            .resource_type(aws_sdk_ec2::types::ResourceType::Instance)
            .tags(aws_sdk_ec2::types::Tag::builder().key(k).value(v).build())
            .build()
    };
    for (k, v) in [
        ("Patch Group", "prod"),
        ("Patch Group", "prod"),
        ("env", "dev"),
    ] {
        ec2.run_instances()
            .image_id(&image)
            .min_count(1)
            .max_count(1)
            .tag_specifications(tag(k, v))
            .send()
            .await
            .unwrap();
    }
    let p = &schedules[0];
    let r = pass(&factory, &account, p, &p.spec, None).await;
    assert!(r.pass.error_category().is_none(), "{:#?}", r.pass.outcomes);
    let c = &r.compliance[0];
    assert_eq!(c.region, REGION);
    // Two instances carry `Patch Group=prod`; none has reported a patch state yet.
    assert_eq!((c.targeted_instances, c.not_reported), (2, 2));
    assert_eq!((c.compliant, c.non_compliant), (0, 0));
}

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
        let input = PatchInput {
            spec: &p.spec,
            account: &account,
            owner: owner(p),
            namespace: p.metadata.namespace.as_deref().unwrap(),
            name: p.metadata.name.as_deref().unwrap(),
            namespace_labels: &NO_LABELS,
            previous: Some(s),
            mode: p.spec.drift_policy,
            now: now(),
        };
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
        spec: &spec,
        account: &account,
        owner: owner(p),
        namespace: "payments",
        name: "staging-scan",
        namespace_labels: &NO_LABELS,
        previous: Some(&s),
        mode: DriftPolicy::Correct,
        now: now(),
    };
    cleanup(&factory, &input).await.unwrap();
    let windows = client.describe_maintenance_windows().send().await.unwrap();
    assert_eq!(windows.window_identities().len(), 2);
}

#[tokio::test]
async fn a_namespace_the_account_does_not_allow_gets_a_condition_and_zero_aws_calls() {
    let moto = Moto::start();
    let (factory, stats) = moto.factory().await;
    let (account, schedules) = examples();
    let mut p = schedules[0].clone();
    p.metadata.namespace = Some("intruders".into());
    let r = pass(&factory, &account, &p, &p.spec, None).await;
    let fatal = r.pass.fatal.clone().expect("must not run");
    assert_eq!(fatal.category(), "AccountNotAllowed");
    assert!(fatal.to_string().contains("intruders"), "{fatal}");
    assert_eq!(stats.snapshot().values().sum::<u64>(), 0);
    let s = status(None, &r);
    let ready = s
        .common
        .conditions
        .iter()
        .find(|c| c.type_ == "Ready")
        .unwrap();
    assert_eq!(
        (ready.status.as_str(), ready.reason.as_str()),
        ("False", "AccountNotAllowed")
    );
    // Deleting such an object never reaches AWS either.
    let input = PatchInput {
        spec: &p.spec,
        account: &account,
        owner: owner(&p),
        namespace: "intruders",
        name: "prod-weekly-install",
        namespace_labels: &NO_LABELS,
        previous: Some(&s),
        mode: DriftPolicy::Correct,
        now: now(),
    };
    let report = cleanup(&factory, &input).await.unwrap();
    assert!(report.actions[0].contains("left in place"), "{report:?}");
    assert_eq!(stats.snapshot().values().sum::<u64>(), 0);
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
    let tags = owner(&legacy).tags();
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
    let input = |previous| PatchInput {
        spec: &p.spec,
        account: &account,
        owner: owner(p),
        namespace: p.metadata.namespace.as_deref().unwrap(),
        name: p.metadata.name.as_deref().unwrap(),
        namespace_labels: &NO_LABELS,
        previous,
        mode: p.spec.drift_policy,
        now: now(),
    };
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
