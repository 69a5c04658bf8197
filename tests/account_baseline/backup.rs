//! The `backup` section of AccountBaseline against moto's server (with the AWS Backup extension in tests/moto_ext)
//! and the real aws-sdk-rust clients: convergence in two regions, zero writes in sync (reads counted), out-of-band
//! drift reported field by field with its Security Hub controls under Report and corrected exactly under Correct,
//! adoption of existing vaults and plans, a vault key that can't be corrected, and deletion of vaults, plans and
//! the job-failure rule only when their tags prove this baseline created them.

use crate::account_baseline::{baseline, components, delete, pass};
use crate::support;
use crate::support::calls::sorted_writes;
use aws_baseline_operator::api::account_baseline::AccountBaselineSpec;
use aws_baseline_operator::api::common::{ComponentState, DriftAction, DriftPolicy, Ownership};
use aws_baseline_operator::engine::status::common_status;
use aws_baseline_operator::engine::{ComponentOutcome, PassReport};
use aws_sdk_backup::types::{BackupPlanInput, BackupRuleInput, BackupSelection};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::Time;
use serde_json::{json, Value};
use support::{Moto, ACCOUNT};

const ROLE: &str = "arn:aws:iam::123456789012:role/backup";
const KEY: &str = "arn:aws:kms:us-east-1:123456789012:key/1111-2222";

fn policy() -> Value {
    json!({"Version": "2012-10-17", "Statement": [{"Sid": "no-delete", "Effect": "Deny", "Principal": "*",
        "Action": "backup:DeleteRecoveryPoint", "Resource": "*"}]})
}

/// Two regions: `central` everywhere, the `dr` copy target in eu-west-1 only, the `daily` plan in us-east-1 copying
/// to `dr`, failed jobs to the `ops` topic.
fn spec() -> AccountBaselineSpec {
    baseline(json!({"backup": {
        "vaults": [
            {"name": "central", "accessPolicy": policy(), "lock": {"minRetentionDays": 7, "maxRetentionDays": 365},
             "tags": {"team": "platform"}},
            {"name": "dr", "regions": ["eu-west-1"]}
        ],
        "plans": [
            {"name": "daily", "regions": ["us-east-1"], "tags": {"tier": "gold"},
             "rules": [{"name": "daily", "targetVault": "central", "schedule": "cron(0 5 ? * * *)",
                "startWindowMinutes": 60, "completionWindowMinutes": 180,
                "lifecycle": {"moveToColdStorageAfterDays": 30, "deleteAfterDays": 120},
                "copyActions": [{"destinationVaultArn": format!("arn:aws:backup:eu-west-1:{ACCOUNT}:backup-vault:dr"),
                                 "lifecycle": {"deleteAfterDays": 35}}],
                "recoveryPointTags": {"backup": "daily"}}],
             "selections": [{"name": "tagged", "iamRoleArn": ROLE, "tags": [{"key": "backup", "value": "daily"}]}]}
        ],
        "jobFailureNotifications": {"topic": "ops"}
    }}))
}

fn outcome<'a>(r: &'a PassReport, region: &str) -> &'a ComponentOutcome {
    r.outcomes
        .iter()
        .find(|o| o.component == "backup" && o.region == region)
        .unwrap_or_else(|| panic!("no backup outcome in {region}: {:#?}", r.outcomes))
}

/// (region, field) of the backup drift.
fn fields(r: &PassReport) -> Vec<(String, String)> {
    let mut v: Vec<_> = r
        .outcomes
        .iter()
        .filter(|o| o.component == "backup")
        .flat_map(|o| o.drift.iter().map(|d| (o.region.clone(), d.field.clone())))
        .collect();
    v.sort();
    v
}

fn pairs(v: &[(&str, &str)]) -> Vec<(String, String)> {
    v.iter()
        .map(|(a, b)| (a.to_string(), b.to_string()))
        .collect()
}

async fn client(moto: &Moto, region: &str) -> aws_sdk_backup::Client {
    aws_sdk_backup::Client::new(&moto.sdk_config(region).await)
}

async fn events(moto: &Moto, region: &str) -> aws_sdk_eventbridge::Client {
    aws_sdk_eventbridge::Client::new(&moto.sdk_config(region).await)
}

async fn vault_names(c: &aws_sdk_backup::Client) -> Vec<String> {
    let mut v: Vec<String> = c
        .list_backup_vaults()
        .send()
        .await
        .unwrap()
        .backup_vault_list()
        .iter()
        .filter_map(|v| v.backup_vault_name().map(str::to_string))
        .collect();
    v.sort();
    v
}

/// (name, id) of the plans.
async fn plans(c: &aws_sdk_backup::Client) -> Vec<(String, String)> {
    let mut v: Vec<(String, String)> = c
        .list_backup_plans()
        .send()
        .await
        .unwrap()
        .backup_plans_list()
        .iter()
        .map(|p| {
            (
                p.backup_plan_name().unwrap().to_string(),
                p.backup_plan_id().unwrap().to_string(),
            )
        })
        .collect();
    v.sort();
    v
}

async fn plan_id(c: &aws_sdk_backup::Client, name: &str) -> String {
    plans(c)
        .await
        .into_iter()
        .find(|(n, _)| n == name)
        .unwrap()
        .1
}

async fn tags(c: &aws_sdk_backup::Client, arn: &str) -> Vec<(String, String)> {
    let mut t: Vec<(String, String)> = c
        .list_tags()
        .resource_arn(arn)
        .send()
        .await
        .unwrap()
        .tags()
        .cloned()
        .unwrap_or_default()
        .into_iter()
        .collect();
    t.sort();
    t
}

fn vault_arn(region: &str, name: &str) -> String {
    format!("arn:aws:backup:{region}:{ACCOUNT}:backup-vault:{name}")
}

fn rule_input(name: &str, vault: &str, schedule: &str) -> BackupRuleInput {
    BackupRuleInput::builder()
        .rule_name(name)
        .target_backup_vault_name(vault)
        .schedule_expression(schedule)
        .build()
        .unwrap()
}

#[tokio::test]
async fn backup_converges_writes_nothing_in_sync_and_tampering_is_reported_with_controls_then_corrected(
) {
    let moto = Moto::start();
    let (factory, stats) = moto.factory().await;
    let us = client(&moto, "us-east-1").await;
    let s = spec();

    // Report first: everything is missing, nothing is written.
    let report = pass(&factory, &s, DriftPolicy::Report, &[]).await;
    assert_eq!(stats.writes(), 0, "{:?}", stats.write_operations());
    assert_eq!(
        fields(&report),
        pairs(&[
            ("eu-west-1", "backup.jobFailureNotifications.exists"),
            ("eu-west-1", "backup.vaults.central.exists"),
            ("eu-west-1", "backup.vaults.dr.exists"),
            ("us-east-1", "backup.jobFailureNotifications.exists"),
            ("us-east-1", "backup.plans.daily.exists"),
            ("us-east-1", "backup.vaults.central.exists"),
        ])
    );

    // Correct: each vault with its policy and lock, the plan with its selection, the rule in both regions.
    stats.reset();
    let created = pass(&factory, &s, DriftPolicy::Correct, &[]).await;
    for region in ["us-east-1", "eu-west-1"] {
        let o = outcome(&created, region);
        assert_eq!(
            (o.state, o.ownership),
            (ComponentState::Created, Ownership::Created),
            "{o:#?}"
        );
    }
    assert_eq!(
        outcome(&created, "us-east-1").id.as_deref(),
        Some("vault:central,plan:daily")
    );
    assert_eq!(
        outcome(&created, "eu-west-1").id.as_deref(),
        Some("vault:central,vault:dr")
    );
    assert_eq!(
        sorted_writes(&stats),
        vec![
            "Backup:CreateBackupPlan",
            "Backup:CreateBackupSelection",
            "Backup:CreateBackupVault",
            "Backup:PutBackupVaultAccessPolicy",
            "Backup:PutBackupVaultLockConfiguration",
            "EventBridge:PutRule",
            "EventBridge:PutTargets",
        ]
    );
    assert_eq!(
        [
            "CreateBackupVault",
            "PutBackupVaultAccessPolicy",
            "PutBackupVaultLockConfiguration",
            "CreateBackupPlan",
            "CreateBackupSelection",
            "PutRule",
            "PutTargets"
        ]
        .map(|op| stats.count(op)),
        [3, 2, 2, 1, 1, 2, 2]
    );
    assert_eq!(vault_names(&us).await, vec!["central"]);
    assert_eq!(
        vault_names(&client(&moto, "eu-west-1").await).await,
        vec!["central", "dr"]
    );
    let central_tags = tags(&us, &vault_arn("us-east-1", "central")).await;
    assert!(
        central_tags.contains(&("team".into(), "platform".into())),
        "{central_tags:?}"
    );
    assert!(central_tags.contains(&("awsbaseline.io/owner-uid".into(), "sections-uid-1".into())));
    let daily = plan_id(&us, "daily").await;
    let got = us
        .get_backup_plan()
        .backup_plan_id(&daily)
        .send()
        .await
        .unwrap();
    let rule = &got.backup_plan().unwrap().rules()[0];
    assert_eq!(rule.target_backup_vault_name(), "central");
    assert_eq!(rule.lifecycle().unwrap().delete_after_days(), Some(120));
    assert_eq!(
        rule.copy_actions()[0].destination_backup_vault_arn(),
        vault_arn("eu-west-1", "dr")
    );
    let eb = events(&moto, "us-east-1").await;
    let listed = eb
        .list_rules()
        .name_prefix("awsbaseline-")
        .send()
        .await
        .unwrap();
    assert_eq!(listed.rules().len(), 1);
    let job_rule = listed.rules()[0].name().unwrap().to_string();
    assert!(job_rule.ends_with("-backup-jobs"), "{job_rule}");
    let pattern: Value = serde_json::from_str(listed.rules()[0].event_pattern().unwrap()).unwrap();
    assert_eq!(
        pattern,
        json!({"source": ["aws.backup"], "detail-type": ["Backup Job State Change"],
               "detail": {"state": ["ABORTED", "EXPIRED", "FAILED"]}})
    );
    let targets = eb
        .list_targets_by_rule()
        .rule(&job_rule)
        .send()
        .await
        .unwrap();
    assert_eq!(
        targets.targets()[0].arn(),
        format!("arn:aws:sns:us-east-1:{ACCOUNT}:ops")
    );
    let previous = components(&created);

    // In sync: zero writes. Reads per region: ListBackupVaults, ListBackupPlans, a ListTags per declared vault and
    // plan, GetBackupVaultAccessPolicy (central declares a policy), GetBackupPlan, ListBackupSelections, one
    // GetBackupSelection, ListRules and ListTargetsByRule (+ STS).
    stats.reset();
    let steady = pass(&factory, &s, DriftPolicy::Correct, &previous).await;
    assert!(fields(&steady).is_empty(), "{:?}", fields(&steady));
    assert_eq!(stats.writes(), 0, "{:?}", stats.write_operations());
    let reads = [
        "ListBackupVaults",
        "ListBackupPlans",
        "ListTags",
        "GetBackupVaultAccessPolicy",
        "GetBackupPlan",
        "ListBackupSelections",
        "GetBackupSelection",
        "ListRules",
        "ListTargetsByRule",
        "GetCallerIdentity",
    ]
    .map(|op| (op, stats.count(op)));
    eprintln!(
        "in-sync pass, 2 regions / 3 vaults / 1 plan: reads {reads:?}, total {}",
        stats.reads()
    );
    assert_eq!(
        reads,
        [
            ("ListBackupVaults", 2),
            ("ListBackupPlans", 2),
            ("ListTags", 4),
            ("GetBackupVaultAccessPolicy", 2),
            ("GetBackupPlan", 1),
            ("ListBackupSelections", 1),
            ("GetBackupSelection", 1),
            ("ListRules", 2),
            ("ListTargetsByRule", 2),
            // The session verified the account on the first pass and remembers it (`IDENTITY_TTL`).
            ("GetCallerIdentity", 0),
        ]
    );
    assert_eq!(stats.reads(), 17);

    // Out of band in us-east-1: the vault loses its declared tag and its policy, the rule's recovery point tags and
    // schedule change, the selection is deleted, the job-failure rule is disabled.
    us.untag_resource()
        .resource_arn(vault_arn("us-east-1", "central"))
        .tag_key_list("team")
        .send()
        .await
        .unwrap();
    us.delete_backup_vault_access_policy()
        .backup_vault_name("central")
        .send()
        .await
        .unwrap();
    us.update_backup_plan()
        .backup_plan_id(&daily)
        .backup_plan(
            BackupPlanInput::builder()
                .backup_plan_name("daily")
                .rules(rule_input("daily", "central", "cron(0 1 ? * * *)"))
                .build()
                .unwrap(),
        )
        .send()
        .await
        .unwrap();
    let sel = us
        .list_backup_selections()
        .backup_plan_id(&daily)
        .send()
        .await
        .unwrap()
        .backup_selections_list()[0]
        .selection_id()
        .unwrap()
        .to_string();
    us.delete_backup_selection()
        .backup_plan_id(&daily)
        .selection_id(&sel)
        .send()
        .await
        .unwrap();
    eb.disable_rule().name(&job_rule).send().await.unwrap();

    // Report: exactly those fields, each with its Security Hub control where one checks it; nothing written.
    stats.reset();
    let reported = pass(&factory, &s, DriftPolicy::Report, &previous).await;
    assert_eq!(stats.writes(), 0, "{:?}", stats.write_operations());
    let o = outcome(&reported, "us-east-1");
    assert_eq!(
        (o.state, o.action),
        (ComponentState::Drifted, DriftAction::Reported)
    );
    assert_eq!(
        outcome(&reported, "eu-west-1").state,
        ComponentState::InSync
    );
    let st = common_status(
        None,
        &reported,
        Some(1),
        &Time("2026-01-01T00:00:00Z".parse().unwrap()),
    );
    let mut drift: Vec<(String, Vec<String>)> = st
        .drift
        .iter()
        .map(|d| (d.field.clone(), d.controls.clone()))
        .collect();
    drift.sort();
    let c = |ids: &[&str]| ids.iter().map(|s| s.to_string()).collect::<Vec<_>>();
    assert_eq!(
        drift,
        vec![
            ("backup.jobFailureNotifications.state".to_string(), c(&[])),
            (
                "backup.plans.daily.rules.daily.completionWindowMinutes".into(),
                c(&[])
            ),
            ("backup.plans.daily.rules.daily.copyActions".into(), c(&[])),
            ("backup.plans.daily.rules.daily.lifecycle".into(), c(&[])),
            (
                "backup.plans.daily.rules.daily.recoveryPointTags".into(),
                c(&["Backup.2"])
            ),
            ("backup.plans.daily.rules.daily.schedule".into(), c(&[])),
            (
                "backup.plans.daily.rules.daily.startWindowMinutes".into(),
                c(&[])
            ),
            ("backup.plans.daily.selections.tagged.exists".into(), c(&[])),
            ("backup.vaults.central.accessPolicy".into(), c(&[])),
            ("backup.vaults.central.tags".into(), c(&["Backup.3"])),
        ]
    );
    let tag_drift = o
        .drift
        .iter()
        .find(|d| d.field == "backup.vaults.central.tags")
        .unwrap();
    assert_eq!(
        (&tag_drift.desired, &tag_drift.actual),
        (&json!({"team": "platform"}), &json!({}))
    );

    // Correct: exactly one write per drifted thing.
    stats.reset();
    let corrected = pass(&factory, &s, DriftPolicy::Correct, &previous).await;
    assert_eq!(
        outcome(&corrected, "us-east-1").state,
        ComponentState::Corrected
    );
    assert_eq!(
        sorted_writes(&stats),
        vec![
            "Backup:CreateBackupSelection",
            "Backup:PutBackupVaultAccessPolicy",
            "Backup:TagResource",
            "Backup:UpdateBackupPlan",
            "EventBridge:PutRule",
            "EventBridge:PutTargets",
        ]
    );
    assert_eq!(stats.writes(), 6, "{:?}", stats.write_operations());
    stats.reset();
    let again = pass(&factory, &s, DriftPolicy::Correct, &components(&corrected)).await;
    assert!(fields(&again).is_empty(), "{:?}", fields(&again));
    assert_eq!(stats.writes(), 0, "{:?}", stats.write_operations());

    // The plan leaves the spec and dr leaves eu-west-1's vaults: both were created here, so both are deleted (the
    // plan's selection first); the job-failure rule stays declared.
    let mut fewer = s.clone();
    let b = fewer.backup.as_mut().unwrap();
    b.plans.clear();
    b.vaults.retain(|v| v.name != "dr");
    stats.reset();
    let removed = pass(&factory, &fewer, DriftPolicy::Correct, &components(&again)).await;
    assert_eq!(
        fields(&removed),
        pairs(&[
            ("eu-west-1", "backup.vaults.dr.exists"),
            ("us-east-1", "backup.plans.daily.exists"),
        ])
    );
    assert_eq!(
        sorted_writes(&stats),
        vec![
            "Backup:DeleteBackupPlan",
            "Backup:DeleteBackupSelection",
            "Backup:DeleteBackupVault"
        ]
    );
    assert_eq!(
        outcome(&removed, "eu-west-1").id.as_deref(),
        Some("vault:central")
    );
    assert!(plans(&us).await.is_empty());
    assert_eq!(
        vault_names(&client(&moto, "eu-west-1").await).await,
        vec!["central"]
    );
}

#[tokio::test]
async fn existing_vaults_and_plans_are_adopted_never_deleted_and_deletion_removes_only_what_was_created(
) {
    let moto = Moto::start();
    let (factory, stats) = moto.factory().await;
    let us = client(&moto, "us-east-1").await;
    // Before the operator: a vault "shared" and a plan "legacy" with a second rule and its own selection.
    us.create_backup_vault()
        .backup_vault_name("shared")
        .send()
        .await
        .unwrap();
    let legacy = us
        .create_backup_plan()
        .backup_plan(
            BackupPlanInput::builder()
                .backup_plan_name("legacy")
                .rules(rule_input("nightly", "shared", "cron(0 2 ? * * *)"))
                .rules(rule_input("hourly", "shared", "cron(0 * ? * * *)"))
                .build()
                .unwrap(),
        )
        .send()
        .await
        .unwrap()
        .backup_plan_id()
        .unwrap()
        .to_string();
    us.create_backup_selection()
        .backup_plan_id(&legacy)
        .backup_selection(
            BackupSelection::builder()
                .selection_name("theirs")
                .iam_role_arn(ROLE)
                .resources("*")
                .build()
                .unwrap(),
        )
        .send()
        .await
        .unwrap();
    let s = baseline(
        json!({"regions": ["us-east-1"], "deletionPolicy": "Delete", "backup": {
            "vaults": [{"name": "shared", "tags": {"team": "platform"}}, {"name": "mine"}],
            "plans": [
                {"name": "legacy", "rules": [{"name": "nightly", "targetVault": "shared", "schedule": "cron(0 3 ? * * *)"}]},
                {"name": "fresh", "rules": [{"name": "weekly", "targetVault": "mine", "schedule": "cron(0 4 ? * SUN *)"}],
                 "selections": [{"name": "all", "iamRoleArn": ROLE, "tags": [{"key": "backup", "value": "weekly"}]}]}
            ],
            "jobFailureNotifications": {"topic": "ops", "states": ["FAILED"]}
        }}),
    );

    let first = pass(&factory, &s, DriftPolicy::Correct, &[]).await;
    let o = outcome(&first, "us-east-1");
    assert_eq!(o.ownership, Ownership::Adopted, "{o:#?}");
    assert_eq!(
        o.message.as_deref(),
        Some("existed before the operator; adopted (never deleted)")
    );
    assert_eq!(
        fields(&first),
        pairs(&[
            ("us-east-1", "backup.jobFailureNotifications.exists"),
            ("us-east-1", "backup.plans.fresh.exists"),
            // The adopted plan's declared rule is updated; its hourly rule and selection are not the spec's to remove.
            ("us-east-1", "backup.plans.legacy.rules.nightly.schedule"),
            ("us-east-1", "backup.vaults.mine.exists"),
            ("us-east-1", "backup.vaults.shared.tags"),
        ])
    );
    // The rule was created without windows: AWS's defaults (480 / 10080 minutes) are the spec's defaults too.
    assert_eq!(
        sorted_writes(&stats),
        vec![
            "Backup:CreateBackupPlan",
            "Backup:CreateBackupSelection",
            "Backup:CreateBackupVault",
            "Backup:TagResource",
            "Backup:UpdateBackupPlan",
            "EventBridge:PutRule",
            "EventBridge:PutTargets",
        ]
    );
    // The adopted vault carries the declared tag, never the owner tags; the adopted plan keeps its other rule and
    // selection.
    assert_eq!(
        tags(&us, &vault_arn("us-east-1", "shared")).await,
        vec![("team".to_string(), "platform".to_string())]
    );
    let rules: Vec<String> = us
        .get_backup_plan()
        .backup_plan_id(&legacy)
        .send()
        .await
        .unwrap()
        .backup_plan()
        .unwrap()
        .rules()
        .iter()
        .map(|r| format!("{} {}", r.rule_name(), r.schedule_expression().unwrap()))
        .collect();
    assert_eq!(
        rules,
        vec!["nightly cron(0 3 ? * * *)", "hourly cron(0 * ? * * *)"]
    );
    let previous = components(&first);
    stats.reset();
    let steady = pass(&factory, &s, DriftPolicy::Correct, &previous).await;
    assert!(fields(&steady).is_empty(), "{:?}", fields(&steady));
    assert_eq!(stats.writes(), 0, "{:?}", stats.write_operations());

    // Everything leaves the spec: only what this baseline created is deleted; the adopted vault and plan are no
    // longer managed.
    let none = baseline(json!({"regions": ["us-east-1"], "deletionPolicy": "Delete",
        "backup": {"vaults": [], "plans": []}}));
    stats.reset();
    let removed = pass(&factory, &none, DriftPolicy::Correct, &components(&steady)).await;
    assert_eq!(
        fields(&removed),
        pairs(&[
            ("us-east-1", "backup.jobFailureNotifications.exists"),
            ("us-east-1", "backup.plans.fresh.exists"),
            ("us-east-1", "backup.vaults.mine.exists"),
        ])
    );
    assert_eq!(
        sorted_writes(&stats),
        vec![
            "Backup:DeleteBackupPlan",
            "Backup:DeleteBackupSelection",
            "Backup:DeleteBackupVault",
            "EventBridge:DeleteRule",
            "EventBridge:RemoveTargets",
        ]
    );
    assert_eq!(outcome(&removed, "us-east-1").id, None);
    assert_eq!(vault_names(&us).await, vec!["shared"]);
    assert_eq!(plans(&us).await.len(), 1);

    // deletionPolicy Delete: what was created goes, what was adopted stays.
    let again = pass(&factory, &s, DriftPolicy::Correct, &components(&removed)).await;
    assert_eq!(vault_names(&us).await, vec!["mine", "shared"]);
    stats.reset();
    let report = delete(&factory, &s, &components(&again)).await;
    assert!(report.errors.is_empty(), "{:?}", report.errors);
    let mut actions = report.actions.clone();
    actions.sort();
    let job_rule = format!(
        "{}backup-jobs",
        aws_baseline_operator::monitoring::short_prefix("AccountBaseline", "sections")
    );
    assert_eq!(
        actions,
        vec![
            "deleted backup plan fresh in us-east-1".to_string(),
            "deleted backup vault mine in us-east-1".into(),
            format!("deleted the backup job-failure rule {job_rule} in us-east-1"),
            "kept backup plan legacy in us-east-1 (not created by this baseline)".into(),
            "kept backup vault shared in us-east-1 (not created by this baseline)".into(),
        ]
    );
    assert_eq!(vault_names(&us).await, vec!["shared"]);
    assert_eq!(
        plans(&us)
            .await
            .into_iter()
            .map(|p| p.0)
            .collect::<Vec<_>>(),
        vec!["legacy"]
    );
    assert!(events(&moto, "us-east-1")
        .await
        .list_rules()
        .name_prefix("awsbaseline-")
        .send()
        .await
        .unwrap()
        .rules()
        .is_empty());
}

#[tokio::test]
async fn a_vault_with_another_key_is_reported_with_backup_1_and_never_replaced() {
    let moto = Moto::start();
    let (factory, stats) = moto.factory().await;
    let us = client(&moto, "us-east-1").await;
    us.create_backup_vault()
        .backup_vault_name("keyed")
        .encryption_key_arn("arn:aws:kms:us-east-1:123456789012:key/other")
        .send()
        .await
        .unwrap();
    let s = baseline(json!({"regions": ["us-east-1"], "backup": {
        "vaults": [{"name": "keyed", "kmsKeyArn": KEY, "lock": {"minRetentionDays": 1}}]}}));
    let r = pass(&factory, &s, DriftPolicy::Correct, &[]).await;
    let o = outcome(&r, "us-east-1");
    assert_eq!(o.state, ComponentState::Error, "{o:#?}");
    assert!(
        o.message
            .as_deref()
            .unwrap_or_default()
            .contains("another KMS key"),
        "{o:#?}"
    );
    // The lock is still applied; the vault is neither deleted nor re-created.
    assert_eq!(
        sorted_writes(&stats),
        vec!["Backup:PutBackupVaultLockConfiguration"]
    );
    let st = common_status(
        None,
        &r,
        Some(1),
        &Time("2026-01-01T00:00:00Z".parse().unwrap()),
    );
    let key = st
        .drift
        .iter()
        .find(|d| d.field == "backup.vaults.keyed.kmsKeyArn")
        .unwrap();
    assert_eq!(key.controls, vec!["Backup.1"]);
}
