//! Each service module's `OPERATIONS` rows match the operations it calls, docs/aws-operations.md is the table
//! generated from those rows, and every operation marked `moto` (or `moto+ext`) is really called against moto by the scenarios below (create, change, correct, re-locate by name,
//! delete), as counted by the interceptor.

use crate::support;

use aws_baseline_operator::api::account_baseline::AccountBaselineSpec;
use aws_baseline_operator::api::common::{DeletionPolicy, DriftPolicy, Owner};
use aws_baseline_operator::aws::{self, operation};
use aws_baseline_operator::engine::baseline::{cleanup, run, BaselineInput};
use aws_baseline_operator::engine::status::common_status;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::Time;
use serde_json::json;
use std::collections::BTreeSet;
use std::path::Path;

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// Each service module declares exactly the operations it calls: a call without a row, or a row for an operation
/// the module no longer calls, fails here and names the module to fix.
#[test]
fn every_module_declares_exactly_the_operations_it_calls() {
    let code = support::operations::called_per_module();
    let mut problems = Vec::new();
    for (module, called) in &code {
        let Some(m) = aws::MODULES.iter().find(|m| m.name == module.as_str()) else {
            problems.push(format!(
                "src/aws/{module}.rs calls {called:?} but is not listed in aws::MODULES (src/aws/mod.rs)"
            ));
            continue;
        };
        let declared: BTreeSet<(String, String)> = m
            .operations
            .iter()
            .map(|r| (r.service.to_string(), r.operation.to_string()))
            .collect();
        let missing: Vec<_> = called.difference(&declared).collect();
        let stale: Vec<_> = declared.difference(called).collect();
        if !missing.is_empty() || !stale.is_empty() {
            problems.push(format!(
                "src/aws/{module}.rs OPERATIONS: add {missing:?}; remove {stale:?}"
            ));
        }
    }
    for m in aws::MODULES {
        if !code.contains_key(m.name) {
            problems.push(format!(
                "aws::MODULES lists {} but src/aws/{}.rs calls no operation",
                m.name, m.name
            ));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    // Sanity of the scan itself: it finds the operations of every service module.
    let services: BTreeSet<String> = code.values().flatten().map(|(s, _)| s.clone()).collect();
    for s in [
        "cloudtrail",
        "ec2",
        "guardduty",
        "iam",
        "s3",
        "s3control",
        "ssm",
        "sts",
    ] {
        assert!(services.contains(s), "no {s} operation found in src/aws");
    }
}

/// docs/aws-operations.md is generated from the rows; the committed copy must be current.
#[test]
fn the_operations_doc_is_generated_from_the_rows() {
    let committed = std::fs::read_to_string(root().join("docs/aws-operations.md")).unwrap();
    assert!(
        committed == operation::markdown(),
        "docs/aws-operations.md is stale: regenerate it with\n  cargo run -q -- docs aws-operations > docs/aws-operations.md"
    );
}

/// A `mock` row names a test file that mocks the operation; every row's test file exists.
#[test]
fn every_row_names_a_test_file_that_exercises_it() {
    for r in operation::all() {
        let file = r.exercised.file();
        let text = std::fs::read_to_string(root().join(file))
            .unwrap_or_else(|_| panic!("{}: {file} missing", r.operation));
        if let operation::Exercised::Mock(_) = r.exercised {
            let snake: String = r
                .operation
                .chars()
                .flat_map(|c| {
                    if c.is_ascii_uppercase() {
                        vec!['_', c.to_ascii_lowercase()]
                    } else {
                        vec![c]
                    }
                })
                .collect();
            assert!(
                text.contains(snake.trim_start_matches('_')),
                "{} not mocked in {file}",
                r.operation
            );
        }
    }
}

#[tokio::test]
async fn every_moto_row_is_called_against_moto() {
    let moto = support::Moto::start();
    let (factory, stats) = moto.factory().await;
    let acct = support::account(&["us-east-1"]);
    let owner = Owner {
        kind: "AccountBaseline".into(),
        name: "ops".into(),
        uid: "ops-uid".into(),
    };
    // The trail's key declared by alias: CloudTrail reports the key ARN, so a later pass asks KMS DescribeKey.
    let kms = aws_sdk_kms::Client::new(&moto.sdk_config("us-east-1").await);
    let key = kms.create_key().send().await.unwrap();
    kms.create_alias()
        .alias_name("alias/ops-trail")
        .target_key_id(key.key_metadata().unwrap().key_id())
        .send()
        .await
        .unwrap();
    let mut spec: AccountBaselineSpec = serde_json::from_value(json!({
        "accountRef": {"name": "a"},
        "deletionPolicy": "Delete",
        "cloudTrail": {"name": "ops-trail", "s3": {"bucketName": "ops-trail-logs", "createBucket": true}, "insights": ["ApiCallRateInsight"], "kmsKeyId": "alias/ops-trail",
            "cloudWatchLogs": {"logGroupArn": "arn:aws:logs:us-east-1:123456789012:log-group:/ops/trail:*", "createRole": true,
                "createLogGroup": {"retentionInDays": 365}}},
        "guardDuty": {"features": {"s3DataEvents": true}},
        "passwordPolicy": {"minimumPasswordLength": 14},
        "s3BlockPublicAccess": {},
        "ebsEncryptionByDefault": {},
        "rootAccount": {}
    }))
    .unwrap();
    let now = Time("2026-01-01T00:00:00Z".parse().unwrap());
    let pass = |spec: AccountBaselineSpec, previous: Vec<_>| {
        let (factory, acct, owner) = (&factory, &acct, owner.clone());
        async move {
            let input = BaselineInput {
                spec: &spec,
                account: acct,
                owner,
                previous: &previous,
                mode: DriftPolicy::Correct,
            };
            run(factory, &input).await
        }
    };
    let created = pass(spec.clone(), vec![]).await;
    assert!(
        created.error_category().is_none(),
        "{:#?}",
        created.outcomes
    );
    let previous = common_status(None, &created, None, &now).components;
    // The delivery role's trust handed to another service out of band: UpdateAssumeRolePolicy corrects it.
    aws_sdk_iam::Client::new(&moto.sdk_config("us-east-1").await)
        .update_assume_role_policy()
        .role_name(aws_baseline_operator::engine::role::role_name("cloudtrail-logs", &owner))
        .policy_document(r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}]}"#)
        .send()
        .await
        .unwrap();
    // Spec changes drive the remaining writes: stop logging, config update.
    let mut changed = spec.clone();
    changed.cloud_trail.as_mut().unwrap().logging = false;
    changed.cloud_trail.as_mut().unwrap().log_file_validation = false;
    changed
        .guard_duty
        .as_mut()
        .unwrap()
        .finding_publishing_frequency =
        aws_baseline_operator::api::account_baseline::FindingPublishingFrequency::OneHour;
    let r = pass(changed, previous.clone()).await;
    assert!(r.error_category().is_none(), "{:#?}", r.outcomes);
    spec.deletion_policy = DeletionPolicy::Delete;
    let input = BaselineInput {
        spec: &spec,
        account: &acct,
        owner: owner.clone(),
        previous: &previous,
        mode: DriftPolicy::Correct,
    };
    let report = cleanup(&factory, &input).await.unwrap();
    assert!(report.errors.is_empty(), "{:?}", report.errors);
    baseline_sections_scenario(&factory).await;
    budgets_scenario(&factory).await;
    access_logs_and_trusted_advisor_scenario(&moto, &factory).await;
    backup_scenario(&factory).await;

    patch_schedule_scenario(&moto, &factory).await;
    monitoring_scenario(&moto, &factory).await;
    container_insights_scenario(&moto, &factory).await;
    change_events_scenario(&moto, &factory).await;
    crate::organization::organizations_scenario(&moto, &factory).await;
    // Last: they turn moto's default account into an organization's management account.
    organization_scenario(&moto, &factory).await;

    // Any outcome counts as "called": moto's GetBucketVersioning reply fails the SDK's XML parser and is read
    // through the documented compatibility path in src/aws/s3.rs.
    let called: BTreeSet<String> = stats
        .snapshot()
        .keys()
        .map(|k| k.operation.clone())
        .collect();
    let not_called: Vec<&str> = operation::all()
        .filter(|r| r.exercised.on_moto())
        .map(|r| r.operation)
        .filter(|op| !called.contains(*op))
        .collect();
    assert!(
        not_called.is_empty(),
        "rows say moto exercises these, but the scenario never called them: {not_called:?}"
    );
}

/// AccountBaseline sections added after the foundation (issue 3): create, change, delete.
/// `accessLogs` (an existing bucket and load balancer logging into a log bucket the pass creates, then turned off
/// by a `Delete` cleanup) and `trustedAdvisor` (detect-only reads).
async fn access_logs_and_trusted_advisor_scenario(
    moto: &support::Moto,
    factory: &aws_baseline_operator::aws::AwsFactory,
) {
    let config = moto.sdk_config("us-east-1").await;
    let s3 = aws_sdk_s3::Client::from_conf(
        aws_sdk_s3::config::Builder::from(&config)
            .force_path_style(true)
            .build(),
    );
    s3.create_bucket().bucket("ops-app").send().await.unwrap();
    let ec2 = aws_sdk_ec2::Client::new(&config);
    let subnets: Vec<String> = ec2
        .describe_subnets()
        .send()
        .await
        .unwrap()
        .subnets()
        .iter()
        .filter_map(|s| s.subnet_id().map(str::to_string))
        .take(2)
        .collect();
    aws_sdk_elasticloadbalancingv2::Client::new(&config)
        .create_load_balancer()
        .name("ops-alb")
        .set_subnets(Some(subnets))
        .send()
        .await
        .unwrap();
    let acct = support::account(&["us-east-1"]);
    let owner = Owner {
        kind: "AccountBaseline".into(),
        name: "logs".into(),
        uid: "logs-uid".into(),
    };
    let spec: AccountBaselineSpec = serde_json::from_value(json!({
        "accountRef": {"name": "a"},
        "deletionPolicy": "Delete",
        "trustedAdvisor": {"checks": [{"name": "securityGroupsSpecificPortsUnrestricted"}]},
        "accessLogs": {
            "buckets": [{"name": "ops-app", "targetBucket": "ops-access-logs", "targetPrefix": "s3/"}],
            "loadBalancers": [{"name": "ops-alb", "bucket": "ops-access-logs", "prefix": "alb"}]
        }
    }))
    .unwrap();
    let input = BaselineInput {
        spec: &spec,
        account: &acct,
        owner: owner.clone(),
        previous: &[],
        mode: DriftPolicy::Correct,
    };
    let created = run(factory, &input).await;
    assert!(
        created.error_category().is_none(),
        "{:#?}",
        created.outcomes
    );
    let now = Time("2026-01-01T00:00:00Z".parse().unwrap());
    let previous = common_status(None, &created, None, &now).components;
    let input = BaselineInput {
        previous: &previous,
        ..input
    };
    let report = cleanup(factory, &input).await.unwrap();
    assert!(report.errors.is_empty(), "{:?}", report.errors);
}

async fn baseline_sections_scenario(factory: &aws_baseline_operator::aws::AwsFactory) {
    let acct = support::account(&["us-east-1"]);
    let owner = Owner {
        kind: "AccountBaseline".into(),
        name: "sections".into(),
        uid: "sections-uid".into(),
    };
    let spec: AccountBaselineSpec = serde_json::from_value(json!({
        "accountRef": {"name": "a"},
        "deletionPolicy": "Delete",
        "inspector": {"scanTypes": {"ec2": true, "ecr": true}},
        "config": {
            "recorder": {"createRole": true},
            "deliveryChannel": {"s3BucketName": "ops-config"},
            "rules": [
                {"name": "ct", "sourceIdentifier": "CLOUD_TRAIL_ENABLED",
                 "remediation": {"documentName": "AWS-ConfigureCloudTrailLogging", "resourceIdParameter": "TrailName"}},
                {"name": "keys", "sourceIdentifier": "ACCESS_KEYS_ROTATED", "inputParameters": {"maxAccessKeyAge": "90"}}
            ]
        },
        "vpcFlowLogs": {"cloudWatchLogs": {"logGroupName": "/ops/flow", "deliverLogsPermissionArn": "arn:aws:iam::123456789012:role/flow-logs"}},
        "sessionManager": {"cloudWatchLogGroupName": "/ops/ssm-sessions"},
        "ssmInventory": {
            "resourceDataSync": {"name": "ops-inventory", "bucketName": "ops-inventory", "bucketRegion": "us-east-1"},
            "defaultHostManagement": {"roleArn": "arn:aws:iam::123456789012:role/service-role/ops-dhmc"}
        },
        "securityHub": {
            "standards": ["aws-foundational-security-best-practices/1.0.0", "cis-aws-foundations-benchmark/1.4.0"],
            "disabledControls": [{"controlId": "IAM.6", "reason": "break-glass root"}],
            "findingAggregator": {"region": "us-east-1"}
        },
        "accessAnalyzer": {"analyzers": [
            {"name": "ops-external", "type": "ACCOUNT", "archiveRules": [
                {"name": "own-account", "filter": {"principal.AWS": {"eq": ["123456789012"]}}},
                {"name": "private-buckets", "filter": {"isPublic": {"eq": ["false"]}}}]},
            {"name": "ops-unused", "type": "ACCOUNT_UNUSED_ACCESS", "unusedAccessAge": 60}]}
    }))
    .unwrap();
    let mut changed = spec.clone();
    // Access Analyzer (tests/moto_ext/accessanalyzer_ext.py): one archive rule changed, one dropped, one added, the
    // unused-access age changed.
    changed.access_analyzer = serde_json::from_value(json!({"analyzers": [
        {"name": "ops-external", "type": "ACCOUNT", "archiveRules": [
            {"name": "own-account", "filter": {"principal.AWS": {"eq": ["123456789012", "210987654321"]}}},
            {"name": "roles", "filter": {"resourceType": {"eq": ["AWS::IAM::Role"]}}}]},
        {"name": "ops-unused", "type": "ACCOUNT_UNUSED_ACCESS", "unusedAccessAge": 30}]}))
    .unwrap();
    // Security Hub: one standard fewer, auto-enable off, no linked regions (IAM.6 is disabled by the first pass,
    // right after its standards are subscribed).
    let hub = changed.security_hub.as_mut().unwrap();
    hub.standards.as_mut().unwrap().truncate(1);
    hub.auto_enable_controls = false;
    hub.finding_aggregator.as_mut().unwrap().linking_mode =
        aws_baseline_operator::api::account_baseline::RegionLinkingMode::NoRegions;
    changed
        .session_manager
        .as_mut()
        .unwrap()
        .idle_session_timeout_minutes = 10;
    changed.inspector.as_mut().unwrap().scan_types.ecr = Some(false);
    // Inventory gathered daily (UpdateAssociation), the sync to another prefix (deleted and created again).
    let inventory = changed.ssm_inventory.as_mut().unwrap();
    inventory.gather = Some(aws_baseline_operator::api::patch_schedule::InventorySpec {
        schedule: "rate(1 day)".into(),
        ..inventory.gather()
    });
    inventory.resource_data_sync.as_mut().unwrap().prefix = Some("inv".into());
    let config = changed.config.as_mut().unwrap();
    config.recording = false;
    config.delivery_channel.s3_key_prefix = Some("cfg".into());
    config.rules.truncate(1);
    // The remediation leaves the spec, the rule stays: DeleteRemediationConfiguration.
    config.rules[0].remediation = None;
    changed.vpc_flow_logs.as_mut().unwrap().traffic_type =
        aws_baseline_operator::api::account_baseline::FlowLogsTrafficType::Reject;
    let now = Time("2026-01-01T00:00:00Z".parse().unwrap());
    let mut previous = vec![];
    for s in [&spec, &changed] {
        let input = BaselineInput {
            spec: s,
            account: &acct,
            owner: owner.clone(),
            previous: &previous,
            mode: DriftPolicy::Correct,
        };
        let r = run(factory, &input).await;
        assert!(r.error_category().is_none(), "{:#?}", r.outcomes);
        previous = common_status(None, &r, None, &now).components;
    }
    let input = BaselineInput {
        spec: &changed,
        account: &acct,
        owner,
        previous: &previous,
        mode: DriftPolicy::Correct,
    };
    let report = cleanup(factory, &input).await.unwrap();
    assert!(report.errors.is_empty(), "{:?}", report.errors);
}

/// AccountBaseline organization: an organization in moto with a security account; the management account names
/// the delegated administrators, the security account (AssumeRole) sets auto-enable and the organization aggregator,
/// then its baseline is deleted (the aggregator it created goes).
async fn organization_scenario(
    moto: &support::Moto,
    factory: &aws_baseline_operator::aws::AwsFactory,
) {
    let org = aws_sdk_organizations::Client::new(&moto.sdk_config("us-east-1").await);
    // The discovery scenario before this one may have made the organization already.
    if org.describe_organization().send().await.is_err() {
        org.create_organization().send().await.unwrap();
    }
    let admin = org
        .create_account()
        .account_name("security")
        .email("security@example.com")
        .send()
        .await
        .unwrap()
        .create_account_status()
        .unwrap()
        .account_id()
        .unwrap()
        .to_string();
    let owner = Owner {
        kind: "AccountBaseline".into(),
        name: "organization".into(),
        uid: "organization-uid".into(),
    };
    let management: AccountBaselineSpec = serde_json::from_value(json!({
        "accountRef": {"name": "management"},
        "organization": {"delegatedAdministrators": {
            "guardDuty": admin, "securityHub": admin, "config": admin, "inspector": admin, "accessAnalyzer": admin}}
    }))
    .unwrap();
    let security_account: aws_baseline_operator::api::aws_account::AwsAccountSpec =
        serde_json::from_value(json!({
            "accountId": admin, "regions": ["us-east-1"],
            "assumeRole": {"roleArn": format!("arn:aws:iam::{admin}:role/baseline")}
        }))
        .unwrap();
    let security: AccountBaselineSpec = serde_json::from_value(json!({
        "accountRef": {"name": "security"},
        "deletionPolicy": "Delete",
        "guardDuty": {},
        "organization": {
            "autoEnable": {"guardDuty": "NEW", "securityHub": true, "inspector": {"ec2": true, "ecr": true}},
            "configAggregator": {"name": "organization", "roleArn": "arn:aws:iam::123456789012:role/aggregator"}
        }
    }))
    .unwrap();
    let management_account = support::account(&["us-east-1"]);
    let now = Time("2026-01-01T00:00:00Z".parse().unwrap());
    let mut previous = vec![];
    for (spec, acct) in [
        (&management, &management_account),
        (&security, &security_account),
    ] {
        let input = BaselineInput {
            spec,
            account: acct,
            owner: owner.clone(),
            previous: &[],
            mode: DriftPolicy::Correct,
        };
        let r = run(factory, &input).await;
        assert!(r.error_category().is_none(), "{:#?}", r.outcomes);
        previous = common_status(None, &r, None, &now).components;
    }
    let input = BaselineInput {
        spec: &security,
        account: &security_account,
        owner,
        previous: &previous,
        mode: DriftPolicy::Correct,
    };
    let report = cleanup(factory, &input).await.unwrap();
    assert!(report.errors.is_empty(), "{:?}", report.errors);
}

/// AccountBaseline backup: create vaults, plans with selections and the job-failure rule; change a vault's policy,
/// lock and tags, a rule's schedule, a selection's tags and a plan's tags; drop a selection, a plan and a vault from
/// the spec; delete.
async fn backup_scenario(factory: &aws_baseline_operator::aws::AwsFactory) {
    let acct = support::account(&["us-east-1"]);
    let owner = Owner {
        kind: "AccountBaseline".into(),
        name: "backup".into(),
        uid: "backup-uid".into(),
    };
    let role = "arn:aws:iam::123456789012:role/backup";
    let rule = |vault: &str, schedule: &str| json!({"name": "r", "targetVault": vault, "schedule": schedule, "lifecycle": {"deleteAfterDays": 35}});
    let spec: AccountBaselineSpec = serde_json::from_value(json!({
        "accountRef": {"name": "a"},
        "deletionPolicy": "Delete",
        "backup": {
            "vaults": [
                {"name": "ops-vault", "accessPolicy": {"Version": "2012-10-17", "Statement": []},
                 "lock": {"minRetentionDays": 7}, "tags": {"team": "ops"}},
                {"name": "ops-old"}
            ],
            "plans": [
                {"name": "ops-plan", "tags": {"tier": "gold"}, "rules": [rule("ops-vault", "cron(0 5 ? * * *)")],
                 "selections": [
                    {"name": "s1", "iamRoleArn": role, "tags": [{"key": "backup", "value": "daily"}]},
                    {"name": "s2", "iamRoleArn": role, "tags": [{"key": "backup", "value": "weekly"}]}
                 ]},
                {"name": "ops-old-plan", "rules": [rule("ops-old", "cron(0 6 ? * * *)")],
                 "selections": [{"name": "x", "iamRoleArn": role, "tags": [{"key": "a", "value": "b"}]}]}
            ],
            "jobFailureNotifications": {"topic": "ops"}
        }
    }))
    .unwrap();
    let mut changed = spec.clone();
    let b = changed.backup.as_mut().unwrap();
    b.vaults.truncate(1);
    let v = &mut b.vaults[0];
    v.access_policy = Some(json!({"Version": "2012-10-17", "Statement": [
        {"Effect": "Deny", "Principal": "*", "Action": "backup:DeleteRecoveryPoint", "Resource": "*"}]}));
    v.lock.as_mut().unwrap().min_retention_days = 14;
    v.tags.insert("team".into(), "platform".into());
    b.plans.truncate(1);
    let p = &mut b.plans[0];
    p.tags.insert("tier".into(), "silver".into());
    p.rules[0].schedule = "cron(0 3 ? * * *)".into();
    p.selections.truncate(1);
    p.selections[0].tags[0].value = "nightly".into();
    let now = Time("2026-01-01T00:00:00Z".parse().unwrap());
    let mut previous = vec![];
    for s in [&spec, &changed] {
        let input = BaselineInput {
            spec: s,
            account: &acct,
            owner: owner.clone(),
            previous: &previous,
            mode: DriftPolicy::Correct,
        };
        let r = run(factory, &input).await;
        assert!(r.error_category().is_none(), "{:#?}", r.outcomes);
        assert_eq!(r.remaining_drift(), 0, "{:#?}", r.outcomes);
        previous = common_status(None, &r, None, &now).components;
    }
    let input = BaselineInput {
        spec: &changed,
        account: &acct,
        owner,
        previous: &previous,
        mode: DriftPolicy::Correct,
    };
    let report = cleanup(factory, &input).await.unwrap();
    assert!(report.errors.is_empty(), "{:?}", report.errors);
    assert_eq!(report.actions.len(), 3, "{:?}", report.actions);
}

/// AccountBaseline budgets: create, change the limit, replace a notification, swap / remove / add subscribers,
/// drop a budget from the spec, delete.
async fn budgets_scenario(factory: &aws_baseline_operator::aws::AwsFactory) {
    let acct = support::account(&["us-east-1"]);
    let owner = Owner {
        kind: "AccountBaseline".into(),
        name: "budgets".into(),
        uid: "budgets-uid".into(),
    };
    let spec: AccountBaselineSpec = serde_json::from_value(json!({
        "accountRef": {"name": "a"},
        "deletionPolicy": "Delete",
        "budgets": [
            {"name": "ops-cost", "budgetType": "COST", "limit": {"amount": "100", "unit": "USD"}, "notifications": [
                {"type": "ACTUAL", "threshold": 80, "emails": ["a@example.com", "b@example.com"]},
                {"type": "FORECASTED", "threshold": 100, "emails": ["c@example.com", "d@example.com"]}
            ]},
            {"name": "ops-old", "budgetType": "COST", "limit": {"amount": "5", "unit": "USD"}}
        ]
    }))
    .unwrap();
    let mut changed = spec.clone();
    let budgets = changed.budgets.as_mut().unwrap();
    budgets.truncate(1);
    budgets[0].limit.as_mut().unwrap().amount = "200".into();
    budgets[0].notifications[0].threshold = 85.0;
    budgets[0].notifications[1].emails = vec!["e@example.com".into()];
    let mut added = changed.clone();
    added.budgets.as_mut().unwrap()[0].notifications[1].emails =
        vec!["e@example.com".into(), "f@example.com".into()];
    let now = Time("2026-01-01T00:00:00Z".parse().unwrap());
    let mut previous = vec![];
    for s in [&spec, &changed, &added] {
        let input = BaselineInput {
            spec: s,
            account: &acct,
            owner: owner.clone(),
            previous: &previous,
            mode: DriftPolicy::Correct,
        };
        let r = run(factory, &input).await;
        assert!(r.error_category().is_none(), "{:#?}", r.outcomes);
        assert_eq!(r.remaining_drift(), 0, "{:#?}", r.outcomes);
        previous = common_status(None, &r, None, &now).components;
    }
    let input = BaselineInput {
        spec: &added,
        account: &acct,
        owner,
        previous: &previous,
        mode: DriftPolicy::Correct,
    };
    let report = cleanup(factory, &input).await.unwrap();
    assert!(report.errors.is_empty(), "{:?}", report.errors);
    assert_eq!(report.actions, vec!["deleted budget ops-cost"]);
}

/// PatchSchedule: create, change every managed kind of setting, re-locate without status, delete.
async fn patch_schedule_scenario(
    moto: &support::Moto,
    factory: &aws_baseline_operator::aws::AwsFactory,
) {
    use aws_baseline_operator::api::aws_account::AllowedNamespaces;
    use aws_baseline_operator::api::PatchScheduleSpec;
    use aws_baseline_operator::engine::patch::{self, PatchInput};
    use aws_baseline_operator::engine::status::patch_schedule_status;

    let mut acct = support::account(&["us-east-1"]);
    acct.allowed_namespaces = Some(AllowedNamespaces {
        names: vec!["ops".into()],
        selector: None,
    });
    let no_labels = std::collections::BTreeMap::new();
    let owner = Owner {
        kind: "PatchSchedule".into(),
        name: "ops/patch".into(),
        uid: "ops-patch-uid".into(),
    };
    let spec: PatchScheduleSpec = serde_json::from_value(json!({
        "accountRef": {"name": "a"},
        "window": {"schedule": "cron(0 2 ? * SUN *)", "duration": 3, "cutoff": 1},
        "targets": [
            {"name": "by-tag", "tags": [{"key": "Patch Group", "values": ["ops"]}]},
            {"name": "by-id", "instanceIds": ["i-0123456789abcdef0"]}
        ],
        "patching": {"operation": "Install"},
        "preSteps": [{"name": "snapshot", "taskType": "Automation", "documentName": "AWS-CreateSnapshot"}],
        "baseline": {"operatingSystem": "AMAZON_LINUX_2023", "patchGroups": ["ops", "old"],
                     "approvalRules": [{"patchFilters": [{"key": "CLASSIFICATION", "values": ["Security"]}], "approveAfterDays": 7}]},
        "inventory": {}
    }))
    .unwrap();
    let mut changed = spec.clone();
    changed.window.duration = 4;
    changed.targets.truncate(1);
    changed.targets[0].tags[0].values = vec!["ops".into(), "ops-2".into()];
    changed.pre_steps.clear();
    changed.patching.as_mut().unwrap().max_concurrency = "5".into();
    let b = changed.baseline.as_mut().unwrap();
    b.patch_groups = vec!["ops".into(), "new".into()];
    b.approval_rules[0].approve_after_days = Some(3);
    changed.inventory.as_mut().unwrap().schedule = "rate(1 day)".into();

    // The instance targeted by ID has reported a scan missing a critical patch
    // (tests/moto_ext/ssm_patch_compliance_ext.py), so its missing patches are read.
    aws_sdk_ssm::Client::new(&moto.sdk_config("us-east-1").await)
        .put_compliance_items()
        .resource_id("i-0123456789abcdef0")
        .resource_type("ManagedInstance")
        .compliance_type("Patch")
        .execution_summary(
            aws_sdk_ssm::types::ComplianceExecutionSummary::builder()
                .execution_time(aws_smithy_types::DateTime::from_secs(1_767_000_000))
                .build()
                .unwrap(),
        )
        .items(
            aws_sdk_ssm::types::ComplianceItemEntry::builder()
                .id("KB5001")
                .severity(aws_sdk_ssm::types::ComplianceSeverity::Critical)
                .status(aws_sdk_ssm::types::ComplianceStatus::NonCompliant)
                .details("PatchState", "Missing")
                .details("PatchSeverity", "Critical")
                .build()
                .unwrap(),
        )
        .send()
        .await
        .unwrap();
    let now = Time("2026-01-01T00:00:00Z".parse().unwrap());
    let input = |spec, previous| PatchInput {
        spec,
        account: &acct,
        owner: owner.clone(),
        namespace: "ops",
        name: "patch",
        namespace_labels: &no_labels,
        previous,
        mode: DriftPolicy::Correct,
        now: now.0,
    };
    let created = patch::run(factory, &input(&spec, None)).await;
    assert!(
        created.pass.error_category().is_none(),
        "{:#?}",
        created.pass.outcomes
    );
    let first = patch_schedule_status(None, &created, None, &now);
    let r = patch::run(factory, &input(&changed, Some(&first))).await;
    assert!(r.pass.error_category().is_none(), "{:#?}", r.pass.outcomes);
    let second = patch_schedule_status(Some(&first), &r, None, &now);
    // Without status the resources are found by name and proven by their tags.
    let r = patch::run(factory, &input(&changed, None)).await;
    assert_eq!(r.pass.remaining_drift(), 0, "{:#?}", r.pass.outcomes);
    let mut delete = changed.clone();
    delete.deletion_policy = DeletionPolicy::Delete;
    let report = patch::cleanup(factory, &input(&delete, Some(&second)))
        .await
        .unwrap();
    assert!(report.errors.is_empty(), "{:?}", report.errors);
    assert_eq!(report.actions.len(), 3, "{:?}", report.actions);
}

/// MonitoringPolicy: create, steady read, change encryption, move a subscription and drop a filter, change a composite
/// alarm, a log group's KMS key and a saved query and drop another, change the CloudWatch agent's configuration and
/// drop its install association, delete.
async fn monitoring_scenario(
    moto: &support::Moto,
    factory: &aws_baseline_operator::aws::AwsFactory,
) {
    use aws_baseline_operator::api::aws_account::AllowedNamespaces;
    use aws_baseline_operator::api::MonitoringPolicySpec;
    use aws_baseline_operator::engine::monitoring::{self, MonitoringInput};
    use aws_baseline_operator::engine::status::monitoring_status;

    let mut acct = support::account(&["us-east-1"]);
    acct.allowed_namespaces = Some(AllowedNamespaces {
        names: vec!["ops".into()],
        selector: None,
    });
    acct.passable_roles = vec![
        "arn:aws:iam::123456789012:role/events-ssm".into(),
        "arn:aws:iam::123456789012:role/canary".into(),
    ];
    let no_labels = std::collections::BTreeMap::new();
    let owner = Owner {
        kind: "MonitoringPolicy".into(),
        name: "ops/alerts".into(),
        uid: "alerts-uid".into(),
    };
    let spec: MonitoringPolicySpec = serde_json::from_value(json!({
        "accountRef": {"name": "a"},
        "topics": [{"name": "ops-alerts", "subscriptions": [{"protocol": "email", "endpoint": "ops@example.com"}]}],
        "alarms": [{"name": "cpu", "namespace": "AWS/EC2", "metricName": "CPUUtilization", "statistic": "Average",
            "period": 300, "evaluationPeriods": 2, "threshold": 90.0, "comparisonOperator": "GreaterThanThreshold",
            "alarmTopics": ["ops-alerts"]}],
        "compositeAlarms": [{"name": "cpu-any", "rule": "ALARM(cpu)", "alarmTopics": ["ops-alerts"]}],
        "billingAlarm": {"thresholds": [100.0], "topic": "ops-alerts"},
        "dashboards": [{"name": "overview", "body": {"widgets": [{"type": "text", "x": 0, "y": 0, "width": 6, "height": 2, "properties": {"markdown": "ops"}}]}}],
        "logGroups": [{"name": "/ops/app", "retentionInDays": 14, "kmsKeyId": moto.kms_key("us-east-1")}],
        "insightsQueries": [{"name": "errors", "queryString": "fields @message | filter @message like /ERROR/"},
            {"name": "slow", "queryString": "stats avg(latency)", "logGroupNames": ["/ops/app"]}],
        "logMetricFilters": [{"name": "errors", "logGroupName": "/ops/app", "pattern": "ERROR",
            "metricNamespace": "Ops", "metricName": "Errors"}],
        "findingRoutes": [{"name": "guardduty", "source": "guardDuty", "topic": "ops-alerts"}],
        "scheduledActions": [{"name": "restart", "schedule": "rate(1 day)",
            "roleArn": "arn:aws:iam::123456789012:role/events-ssm",
            "automation": {"documentName": "AWS-RestartEC2Instance", "parameters": {"InstanceId": ["i-0123456789abcdef0"]}}}],
        "healthChecks": [
            {"name": "web", "type": "HTTPS", "fqdn": "shop.example.com", "alarm": {"topic": "ops-alerts"}},
            {"name": "db", "type": "TCP", "ipAddress": "192.0.2.10", "port": 5432}],
        "canaries": [{"name": "api", "runtimeVersion": "syn-nodejs-puppeteer-9.1", "script": "exports.handler = async () => {};",
            "schedule": "rate(5 minutes)", "artifactS3Location": "s3://ops-canaries/api",
            "executionRoleArn": "arn:aws:iam::123456789012:role/canary"}],
        "cloudWatchAgent": {"config": {"agent": {"metrics_collection_interval": 60}},
            "targets": [{"key": "team", "values": ["ops"]}]}
    }))
    .unwrap();
    let now = Time("2026-01-01T00:00:00Z".parse().unwrap());
    let input = |spec, previous| MonitoringInput {
        spec,
        account: &acct,
        owner: owner.clone(),
        namespace: "ops",
        name: "alerts",
        namespace_labels: &no_labels,
        previous,
        mode: DriftPolicy::Correct,
        alarm_write_interval: std::time::Duration::ZERO,
        shared_reads: None,
    };
    let created = monitoring::run(factory, &input(&spec, None)).await;
    assert!(
        created.pass.error_category().is_none(),
        "{:#?}",
        created.pass.outcomes
    );
    let st = monitoring_status(None, &created, None, &now);
    let mut changed = spec.clone();
    changed.topics[0].kms_master_key_id = Some("alias/aws/sns".into());
    // The declared subscription moves: the new one is subscribed, the old one (now undeclared) unsubscribed.
    changed.topics[0].subscriptions[0].endpoint = "oncall@example.com".into();
    changed.topics[0].undeclared_subscriptions =
        aws_baseline_operator::api::monitoring_policy::UndeclaredSubscriptions::Remove;
    changed.log_metric_filters.clear();
    changed.dashboards[0].body = json!({"widgets": []});
    changed.scheduled_actions.clear();
    // A health check updated and one removed (its tags read before the delete), the canary's script changed.
    changed.health_checks[0].failure_threshold = 5;
    changed.health_checks.truncate(1);
    changed.canaries[0].script = "exports.handler = async () => { /* v2 */ };".into();
    // Composite alarm, log group key and saved queries (tests/moto_ext: cloudwatch_composite_ext.py, logs_ext.py).
    changed.composite_alarms[0].description = Some("any CPU alarm".into());
    changed.log_groups[0].kms_key_id = Some(moto.kms_key("us-east-1"));
    changed.insights_queries[0].query_string = "fields @message".into();
    changed.insights_queries.truncate(1);
    // The agent configuration changes (PutParameter overwrite) and the install association goes (deleted).
    let agent = changed.cloud_watch_agent.as_mut().unwrap();
    agent.config = json!({"agent": {"metrics_collection_interval": 30}});
    agent.install_package = false;
    let r = monitoring::run(factory, &input(&changed, Some(&st))).await;
    assert!(r.pass.error_category().is_none(), "{:#?}", r.pass.outcomes);
    let st = monitoring_status(Some(&st), &r, None, &now);
    let report = monitoring::cleanup(factory, &input(&changed, Some(&st)))
        .await
        .unwrap();
    assert!(report.errors.is_empty(), "{:?}", report.errors);
}

/// MonitoringPolicy Container Insights: an existing ECS cluster's setting is read and corrected; the EKS add-on
/// (tests/moto_ext/eks_ext.py) is created with a Pod Identity association, updated, and deleted with the policy.
async fn container_insights_scenario(
    moto: &support::Moto,
    factory: &aws_baseline_operator::aws::AwsFactory,
) {
    use aws_baseline_operator::api::MonitoringPolicySpec;
    use aws_baseline_operator::engine::monitoring::{self, MonitoringInput};

    aws_sdk_ecs::Client::new(&moto.sdk_config("us-east-1").await)
        .create_cluster()
        .cluster_name("ops-ecs")
        .send()
        .await
        .unwrap();
    aws_sdk_eks::Client::new(&moto.sdk_config("us-east-1").await)
        .create_cluster()
        .name("ops-eks")
        .version("1.31")
        .role_arn("arn:aws:iam::123456789012:role/eks")
        .resources_vpc_config(aws_sdk_eks::types::VpcConfigRequest::builder().build())
        .send()
        .await
        .unwrap();
    let role = "arn:aws:iam::123456789012:role/cloudwatch-agent";
    let mut acct = support::account(&["us-east-1"]);
    acct.allowed_namespaces = Some(aws_baseline_operator::api::aws_account::AllowedNamespaces {
        names: vec!["ops".into()],
        selector: None,
    });
    acct.passable_roles = vec![role.into()];
    let no_labels = std::collections::BTreeMap::new();
    let spec: MonitoringPolicySpec = serde_json::from_value(json!({
        "accountRef": {"name": "a"},
        "deletionPolicy": "Delete",
        "containerInsights": {"ecs": [{"clusterName": "ops-ecs", "mode": "enhanced"}],
            "eks": [{"clusterName": "ops-eks", "podIdentityRoleArn": role}]}
    }))
    .unwrap();
    let mut changed = spec.clone();
    changed.container_insights.as_mut().unwrap().eks[0].configuration_values =
        Some(json!({"containerLogs": {"enabled": false}}));
    let input = |spec| MonitoringInput {
        spec,
        account: &acct,
        owner: Owner {
            kind: "MonitoringPolicy".into(),
            name: "ops/containers".into(),
            uid: "containers-uid".into(),
        },
        namespace: "ops",
        name: "containers",
        namespace_labels: &no_labels,
        previous: None,
        mode: DriftPolicy::Correct,
        alarm_write_interval: std::time::Duration::ZERO,
        shared_reads: None,
    };
    let r = monitoring::run(factory, &input(&spec)).await;
    assert!(r.pass.error_category().is_none(), "{:#?}", r.pass.outcomes);
    assert_eq!(r.pass.outcomes.len(), 2, "{:#?}", r.pass.outcomes);
    assert!(r.pass.outcomes.iter().all(|o| o.drift.len() == 1));
    let r = monitoring::run(factory, &input(&changed)).await;
    assert!(r.pass.error_category().is_none(), "{:#?}", r.pass.outcomes);
    let report = monitoring::cleanup(factory, &input(&changed))
        .await
        .unwrap();
    assert!(report.errors.is_empty(), "{:?}", report.errors);
}

/// AwsAccount changeEvents on a hub: queue, bus statement and rule created, the queue policy corrected, an event
/// received and deleted by the consumer's calls, then everything cleaned up (tests/change_events/ covers the rest).
async fn change_events_scenario(
    moto: &support::Moto,
    factory: &aws_baseline_operator::aws::AwsFactory,
) {
    use aws_baseline_operator::api::aws_account::ChangeEventsRole;
    use aws_baseline_operator::engine::change_events::{self, Hub, Input};

    let session = factory
        .session_for(&support::account(&["us-east-1"]), "us-east-1", &[])
        .await
        .unwrap();
    let hub = Hub {
        account_id: support::ACCOUNT.into(),
        region: "us-east-1".into(),
    };
    let owner = Owner {
        kind: "AwsAccount".into(),
        name: "hub".into(),
        uid: "hub-uid".into(),
    };
    let forwarders = vec!["222222222222".to_string()];
    let patterns = vec![json!({"source": ["ops.test"]}).to_string()];
    let input = Input {
        account_id: support::ACCOUNT,
        role: ChangeEventsRole::Hub,
        regions: vec!["us-east-1".into()],
        hub: Some(&hub),
        forwarders: &forwarders,
        forward_role_arn: None,
        patterns: &patterns,
        owner: &owner,
        may_write: true,
        previous: &[],
    };
    let r = change_events::reconcile(&session, &input).await;
    assert!(r.iter().all(|o| o.error.is_none()), "{r:#?}");
    // Out of band (not counted): the queue policy replaced; the next pass sets it back.
    let url = change_events::queue_url(&session, "us-east-1")
        .await
        .unwrap()
        .unwrap();
    aws_sdk_sqs::Client::new(&moto.sdk_config("us-east-1").await)
        .set_queue_attributes()
        .queue_url(&url)
        .attributes(aws_sdk_sqs::types::QueueAttributeName::Policy, "")
        .send()
        .await
        .unwrap();
    let r = change_events::reconcile(&session, &input).await;
    assert!(r.iter().all(|o| o.error.is_none()), "{r:#?}");
    aws_sdk_eventbridge::Client::new(&moto.sdk_config("us-east-1").await)
        .put_events()
        .entries(
            aws_sdk_eventbridge::types::PutEventsRequestEntry::builder()
                .source("ops.test")
                .detail_type("test")
                .detail("{}")
                .build(),
        )
        .send()
        .await
        .unwrap();
    let sqs = session.sqs("us-east-1");
    let msgs = aws::sqs::receive(&sqs, &url, 10, 1).await.unwrap();
    assert_eq!(msgs.len(), 1);
    let handles: Vec<String> = msgs.into_iter().map(|m| m.receipt_handle).collect();
    aws::sqs::delete_batch(&sqs, &url, &handles).await.unwrap();
    let report = change_events::cleanup(&session, &input).await;
    assert!(report.errors.is_empty(), "{:?}", report.errors);
}
