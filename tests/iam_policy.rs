//! The IAM policy is derived from the rows the service modules declare (`iam_policy::operations()`), which cover
//! exactly the AWS operations the code calls (checked per module in tests/aws_operations.rs); the printed policy (the real binary) is valid, stable JSON, everything without manifests and only
//! what the manifests' sections use with them. No AWS calls.

use crate::support;
use aws_baseline_operator::iam_policy::{self, Usage};
use aws_baseline_operator::manifests;
use serde_json::{json, Value};
use std::collections::BTreeSet;
use std::path::Path;
use std::process::{Command, Output};

fn cli(args: &[&str]) -> Output {
    Command::new(crate::support::operator_bin())
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .output()
        .unwrap()
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).to_string()
}

/// Runs `iam-policy ARGS`, expects success and returns the parsed document and its raw text.
fn policy_cli(args: &[&str]) -> (Value, String) {
    let mut full = vec!["iam-policy"];
    full.extend_from_slice(args);
    let out = cli(&full);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}\n{}",
        stdout(&out),
        String::from_utf8_lossy(&out.stderr)
    );
    let text = stdout(&out);
    let json: Value = serde_json::from_str(&text).expect("iam-policy prints valid JSON");
    (json, text)
}

/// Every action of a policy document.
fn actions(doc: &Value) -> BTreeSet<String> {
    doc["Statement"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|s| s["Action"].as_array().unwrap().iter())
        .map(|a| a.as_str().unwrap().to_string())
        .collect()
}

fn statement<'a>(doc: &'a Value, sid: &str) -> Option<&'a Value> {
    doc["Statement"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["Sid"] == sid)
}

/// Every action the table can grant.
fn table_actions() -> BTreeSet<String> {
    iam_policy::operations()
        .flat_map(|r| r.perms.iter())
        .map(|p| match p.grant {
            iam_policy::Grant::Action(a) | iam_policy::Grant::On(a, _) => a.to_string(),
            iam_policy::Grant::PassRole(_) => "iam:PassRole".to_string(),
            iam_policy::Grant::ServiceLinkedRole(..) => "iam:CreateServiceLinkedRole".to_string(),
        })
        .collect()
}

fn write(dir: &Path, name: &str, body: &str) -> std::path::PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, body).unwrap();
    p
}

const ACCOUNT: &str = "apiVersion: awsbaseline.io/v1alpha1\nkind: AwsAccount\nmetadata: {name: a}\nspec: {accountId: '123456789012', regions: [us-east-1]}\n";

fn policy_for(yaml: &str) -> (Value, Usage) {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "m.yaml", &format!("{ACCOUNT}---\n{yaml}"));
    let m = manifests::load(&[dir.path().to_path_buf()]).unwrap();
    let usage = Usage::from_manifests(&m, false);
    let doc = serde_json::to_value(iam_policy::policy(&usage)).unwrap();
    (doc, usage)
}

#[test]
fn iam_policy_every_operation_the_code_calls_has_exactly_one_row() {
    let code = support::operations::called();
    let rows: Vec<(String, String)> = iam_policy::operations()
        .map(|r| (r.service.to_string(), r.operation.to_string()))
        .collect();
    let table: BTreeSet<(String, String)> = rows.iter().cloned().collect();
    assert_eq!(table.len(), rows.len(), "duplicate rows");
    let uncovered: Vec<_> = code.difference(&table).collect();
    let stale: Vec<_> = table.difference(&code).collect();
    assert!(
        uncovered.is_empty() && stale.is_empty(),
        "add an OPERATIONS row to the calling src/aws module: {uncovered:?}; remove: {stale:?}"
    );
}

#[test]
fn iam_policy_without_manifests_the_policy_allows_everything_in_the_table() {
    let (doc, text) = policy_cli(&[]);
    assert_eq!(doc["Version"], "2012-10-17");
    let got = actions(&doc);
    let missing: Vec<_> = table_actions().difference(&got).cloned().collect();
    assert!(missing.is_empty(), "missing from the policy: {missing:?}");
    // Every operation the code calls is covered: each row's actions are in the policy.
    for r in iam_policy::operations() {
        for p in r.perms {
            if let iam_policy::Grant::Action(a) = p.grant {
                assert!(got.contains(a), "{}:{} needs {a}", r.service, r.operation);
            }
        }
    }
    assert!(
        !got.contains("sts:GetCallerIdentity"),
        "GetCallerIdentity needs no permission"
    );
    assert!(got.contains("sts:AssumeRole"));
    // Plain "*" resources for service actions; PassRole only towards the services that receive roles.
    let pass_ct = statement(&doc, "PassRoleToCloudTrail").expect("PassRoleToCloudTrail");
    assert_eq!(
        pass_ct["Condition"]["StringEquals"]["iam:PassedToService"],
        "cloudtrail.amazonaws.com"
    );
    assert_eq!(statement(&doc, "S3").unwrap()["Resource"], "*");
    // Stable output: the same bytes twice.
    let (_, again) = policy_cli(&[]);
    assert_eq!(text, again);
}

#[test]
fn iam_policy_statements_are_grouped_per_service_with_sorted_unique_actions() {
    let (doc, _) = policy_cli(&[]);
    let mut sids = BTreeSet::new();
    for s in doc["Statement"].as_array().unwrap() {
        assert_eq!(s["Effect"], "Allow");
        let sid = s["Sid"].as_str().unwrap();
        assert!(sid.chars().all(|c| c.is_ascii_alphanumeric()), "{sid}");
        assert!(sids.insert(sid.to_string()), "duplicate Sid {sid}");
        let acts: Vec<&str> = s["Action"]
            .as_array()
            .unwrap()
            .iter()
            .map(|a| a.as_str().unwrap())
            .collect();
        let mut sorted = acts.clone();
        sorted.sort();
        sorted.dedup();
        assert_eq!(acts, sorted, "{sid}: Action sorted and de-duplicated");
        assert!(s["Resource"].is_string() || s["Resource"].is_array());
    }
    let ssm = statement(&doc, "SSM").unwrap();
    assert!(ssm["Action"]
        .as_array()
        .unwrap()
        .iter()
        .all(|a| a.as_str().unwrap().starts_with("ssm:")));
}

#[test]
fn iam_policy_a_password_policy_only_baseline_needs_only_the_password_policy_actions() {
    let base = "apiVersion: awsbaseline.io/v1alpha1\nkind: AccountBaseline\nmetadata: {name: b}\nspec:\n  accountRef: {name: a}\n  passwordPolicy: {minimumPasswordLength: 14}\n";
    let (doc, usage) = policy_for(base);
    assert_eq!(
        actions(&doc),
        BTreeSet::from([
            "iam:GetAccountPasswordPolicy".to_string(),
            "iam:UpdateAccountPasswordPolicy".to_string(),
        ]),
        "{doc:#}"
    );
    assert!(usage.notes.is_empty(), "{:?}", usage.notes);

    // deletionPolicy Delete adds the delete; driftPolicy Report leaves only the read.
    let (doc, _) = policy_for(&format!("{base}  deletionPolicy: Delete\n"));
    assert!(actions(&doc).contains("iam:DeleteAccountPasswordPolicy"));
    let (doc, _) = policy_for(&format!("{base}  driftPolicy: Report\n"));
    assert_eq!(
        actions(&doc),
        BTreeSet::from(["iam:GetAccountPasswordPolicy".to_string()])
    );
}

#[test]
fn iam_policy_the_examples_need_a_subset_including_the_patch_schedule_actions() {
    let (full, _) = policy_cli(&[]);
    let (doc, text) = policy_cli(&["-f", "examples/"]);
    let all = actions(&full);
    let got = actions(&doc);
    let extra: Vec<_> = got.difference(&all).collect();
    assert!(extra.is_empty(), "not in the full policy: {extra:?}");
    assert!(got.len() < all.len(), "manifests narrow the policy");
    for a in [
        "ssm:CreateMaintenanceWindow",
        "ssm:AddTagsToResource",
        "ssm:RegisterTaskWithMaintenanceWindow",
        "ec2:DescribeInstances",
        "cloudtrail:CreateTrail",
        "guardduty:CreateDetector",
        "s3:CreateBucket",
        "s3:PutAccountPublicAccessBlock",
        // The CIS-ready baseline: Trusted Advisor reads, S3 server access logging of the trail's bucket.
        "support:DescribeTrustedAdvisorChecks",
        "support:DescribeTrustedAdvisorCheckSummaries",
        "s3:GetBucketLogging",
        "s3:PutBucketLogging",
    ] {
        assert!(got.contains(a), "{a} missing for examples/");
    }
    // The example baseline retains what it created and sets no KMS key for EBS; it declares no load balancer, and
    // Trusted Advisor is detect-only (no refresh).
    for a in [
        "cloudtrail:DeleteTrail",
        "guardduty:DeleteDetector",
        "ec2:ModifyEbsDefaultKmsKeyId",
        "elasticloadbalancing:ModifyLoadBalancerAttributes",
        "support:RefreshTrustedAdvisorCheck",
    ] {
        assert!(!got.contains(a), "{a} is not used by examples/");
    }
    // The application policy's scheduled action runs with a role the operator creates (`createRole`): only its own
    // `awsbaseline-` roles are passed to EventBridge.
    let pass = statement(&doc, "PassRoleToEvents").expect("PassRoleToEvents");
    assert_eq!(pass["Resource"], "arn:aws:iam::*:role/awsbaseline-*");
    assert_eq!(
        pass["Condition"]["StringEquals"]["iam:PassedToService"],
        "events.amazonaws.com"
    );
    assert!(statement(&doc, "PassRoleToSSM").is_none());
    // The trails deliver to CloudWatch Logs with roles the operator creates (`createRole`): only its own
    // `awsbaseline-` roles may be passed to CloudTrail, and every role write is limited to them. The baselines
    // retain what they create; the application MonitoringPolicy (deletionPolicy: Delete) deletes its scheduled
    // actions' role with it.
    let pass = statement(&doc, "PassRoleToCloudTrail").expect("PassRoleToCloudTrail");
    assert_eq!(pass["Resource"], "arn:aws:iam::*:role/awsbaseline-*");
    assert_eq!(
        pass["Condition"]["StringEquals"]["iam:PassedToService"],
        "cloudtrail.amazonaws.com"
    );
    let roles = statement(&doc, "IAMRoleAwsbaseline").expect("IAMRoleAwsbaseline");
    assert_eq!(roles["Resource"], "arn:aws:iam::*:role/awsbaseline-*");
    assert_eq!(
        roles["Action"],
        json!([
            "iam:CreateRole",
            "iam:DeleteRole",
            "iam:DeleteRolePolicy",
            "iam:GetRole",
            "iam:GetRolePolicy",
            "iam:PutRolePolicy",
            "iam:TagRole",
            "iam:UpdateAssumeRolePolicy"
        ])
    );
    // The CIS-ready baseline creates AWS Config's service-linked role when missing.
    assert!(statement(&doc, "CreateConfigServiceLinkedRole").is_some());
    // The PatchSchedules run tasks without serviceRoleArn: Systems Manager's service-linked role.
    let slr = statement(&doc, "CreateSSMServiceLinkedRole").expect("SSM service-linked role");
    assert_eq!(
        slr["Resource"],
        "arn:*:iam::*:role/aws-service-role/ssm.amazonaws.com/AWSServiceRoleForAmazonSSM"
    );
    // The two accounts of examples/baselines/ are reached through their roles: exactly those may be assumed.
    let assume = statement(&doc, "AssumeAccountRoles").expect("AssumeAccountRoles");
    assert_eq!(
        assume["Resource"],
        json!([
            "arn:aws:iam::111111111111:role/baseline-operator",
            "arn:aws:iam::222222222222:role/baseline-operator"
        ]),
        "{assume:#}"
    );
    // The CIS-ready example's sections: Security Hub with its aggregator, Config with its service-linked role.
    for a in [
        "securityhub:BatchEnableStandards",
        "securityhub:CreateFindingAggregator",
        "config:PutConfigurationRecorder",
    ] {
        assert!(got.contains(a), "{a} missing for examples/");
    }
    let (_, again) = policy_cli(&["-f", "examples/"]);
    assert_eq!(text, again, "stable output");
}

#[test]
fn iam_policy_roles_are_limited_to_the_arns_the_manifests_name() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "m.yaml",
        r#"apiVersion: awsbaseline.io/v1alpha1
kind: AwsAccount
metadata: {name: prod}
spec:
  accountId: "210987654321"
  regions: [eu-west-1]
  assumeRole: {roleArn: "arn:aws:iam::210987654321:role/baseline-operator", externalId: x1}
  allowedNamespaces: {names: [team]}
  passableRoles: ["arn:aws:iam::210987654321:role/mw-*"]
---
apiVersion: awsbaseline.io/v1alpha1
kind: AccountBaseline
metadata: {name: prod}
spec:
  accountRef: {name: prod}
  cloudTrail:
    name: audit
    s3: {bucketName: prod-audit-logs}
    cloudWatchLogs:
      logGroupArn: "arn:aws:logs:eu-west-1:210987654321:log-group:trail:*"
      roleArn: "arn:aws:iam::210987654321:role/trail-to-logs"
---
apiVersion: awsbaseline.io/v1alpha1
kind: PatchSchedule
metadata: {name: p, namespace: team}
spec:
  accountRef: {name: prod}
  window: {schedule: "cron(0 2 ? * SUN *)", duration: 3, cutoff: 1}
  targets: [{name: web, instanceIds: [i-0123456789abcdef0]}]
  patching: {operation: Scan, serviceRoleArn: "arn:aws:iam::210987654321:role/mw-task"}
---
apiVersion: awsbaseline.io/v1alpha1
kind: PatchSchedule
metadata: {name: q, namespace: team}
spec:
  accountRef: {name: prod}
  window: {schedule: "cron(0 2 ? * SUN *)", duration: 3, cutoff: 1}
  targets: [{name: web, instanceIds: [i-0123456789abcdef0]}]
  patching: {operation: Scan, serviceRoleArn: "arn:aws:iam::210987654321:role/admin"}
"#,
    );
    let path = dir.path().to_str().unwrap();
    let (doc, _) = policy_cli(&["-f", path]);
    let assume = statement(&doc, "AssumeAccountRoles").expect("AssumeAccountRoles");
    assert_eq!(assume["Action"][0], "sts:AssumeRole");
    assert_eq!(
        assume["Resource"],
        "arn:aws:iam::210987654321:role/baseline-operator"
    );
    let ct = statement(&doc, "PassRoleToCloudTrail").expect("PassRoleToCloudTrail");
    assert_eq!(
        ct["Resource"],
        "arn:aws:iam::210987654321:role/trail-to-logs"
    );
    // Only the role the AwsAccount lets tenants pass: role/admin is refused by the operator and not granted.
    let ssm = statement(&doc, "PassRoleToSSM").expect("PassRoleToSSM");
    assert_eq!(ssm["Resource"], "arn:aws:iam::210987654321:role/mw-task");
    let out = cli(&["iam-policy", "-f", path]);
    let notes = String::from_utf8_lossy(&out.stderr);
    assert!(
        notes.contains("role/admin is not in AwsAccount prod's passableRoles"),
        "{notes}"
    );
    assert_eq!(
        ssm["Condition"]["StringEquals"]["iam:PassedToService"],
        "ssm.amazonaws.com"
    );
    // Every task names a role: no service-linked role; instance-ID targets: no EC2 lookup; no log bucket made.
    assert!(statement(&doc, "CreateSSMServiceLinkedRole").is_none());
    let got = actions(&doc);
    assert!(!got.contains("ec2:DescribeInstances"));
    assert!(!got.contains("s3:CreateBucket"));
    assert!(got.contains("cloudtrail:AddTags"));
    // No manifest asks the operator to create a role: no IAM role write at all.
    assert!(statement(&doc, "IAMRoleAwsbaseline").is_none());
    assert!(!got.contains("iam:CreateRole") && !got.contains("iam:PutRolePolicy"));
}

#[test]
fn iam_policy_read_only_and_errors() {
    let (doc, _) = policy_cli(&["--read-only", "-f", "examples/"]);
    let got = actions(&doc);
    assert!(got.contains("ssm:GetMaintenanceWindow"));
    assert!(!got.contains("ssm:CreateMaintenanceWindow"));
    assert!(!got.contains("iam:UpdateAccountPasswordPolicy"));

    let out = cli(&["iam-policy", "-f", "does/not/exist.yaml"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("error:"));
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "cm.yaml",
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\n",
    );
    let out = cli(&["iam-policy", "-f", dir.path().to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
}

#[test]
fn iam_policy_role_chains_and_missing_accounts_are_noted() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "m.yaml",
        r#"apiVersion: awsbaseline.io/v1alpha1
kind: AwsAccount
metadata: {name: chained}
spec:
  accountId: "210987654321"
  regions: [eu-west-1]
  assumeRole:
    roleArn: "arn:aws:iam::210987654321:role/baseline-operator"
    via: [{roleArn: "arn:aws:iam::999999999999:role/hub"}]
    sessionTags: true
---
apiVersion: awsbaseline.io/v1alpha1
kind: AwsAccount
metadata: {name: tagged}
spec:
  accountId: "123456789012"
  regions: [us-east-1]
  assumeRole: {roleArn: "arn:aws:iam::123456789012:role/baseline-operator", sessionTags: true}
---
apiVersion: awsbaseline.io/v1alpha1
kind: AccountBaseline
metadata: {name: elsewhere}
spec:
  accountRef: {name: not-in-files}
  rootAccount: {}
"#,
    );
    let m = manifests::load(&[dir.path().to_path_buf()]).unwrap();
    let usage = Usage::from_manifests(&m, false);
    // The pod's credentials assume the first hop of each chain, and tag only sessions they open themselves.
    assert_eq!(
        usage.assumed_roles,
        BTreeSet::from([
            "arn:aws:iam::123456789012:role/baseline-operator".to_string(),
            "arn:aws:iam::999999999999:role/hub".to_string(),
        ])
    );
    assert_eq!(
        usage.tagged_roles,
        BTreeSet::from(["arn:aws:iam::123456789012:role/baseline-operator".to_string()])
    );
    let notes = usage.notes.join("\n");
    assert!(
        notes.contains("arn:aws:iam::999999999999:role/hub must allow sts:AssumeRole on arn:aws:iam::210987654321:role/baseline-operator"),
        "{notes}"
    );
    assert!(notes.contains("sts:TagSession"), "{notes}");
    assert!(notes.contains("AwsAccount not-in-files"), "{notes}");
    let doc = serde_json::to_value(iam_policy::policy(&usage)).unwrap();
    assert_eq!(
        statement(&doc, "TagAccountRoleSessions").unwrap()["Resource"],
        "arn:aws:iam::123456789012:role/baseline-operator"
    );
    assert_eq!(
        actions(&doc),
        BTreeSet::from([
            "iam:GetAccountSummary".to_string(),
            "sts:AssumeRole".to_string(),
            "sts:TagSession".to_string(),
        ])
    );
}

#[test]
fn iam_policy_change_events_are_scoped_to_their_rules_queue_and_bus() {
    let scoped = |doc: &Value| -> Vec<String> {
        doc["Statement"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|s| s["Resource"] != "*" && s["Sid"] != "AssumeAccountRoles")
            .map(|s| s["Sid"].as_str().unwrap().to_string())
            .collect()
    };
    // Without changeEvents: nothing of it.
    let (doc, _) = policy_for("");
    assert!(scoped(&doc).is_empty(), "{doc}");
    assert!(!actions(&doc).contains("events:PutRule"));
    // A forwarding account: its rules, scoped; of the queue and the bus policy only what removes the ones it
    // created if it was the hub before.
    let (doc, usage) = policy_for(
        "apiVersion: awsbaseline.io/v1alpha1\nkind: AwsAccount\nmetadata: {name: f}\nspec: {accountId: '222222222222', regions: [eu-west-1], changeEvents: {}}\n",
    );
    assert!(usage.uses.contains("AwsAccount.changeEvents#correct"));
    assert!(!usage.uses.contains("AwsAccount.changeEvents.hub"));
    assert_eq!(
        scoped(&doc),
        [
            "EventsEventBusDefault",
            "EventsRuleAwsbaselineChangeEvents",
            "SqsAwsbaselineChangeEvents"
        ]
    );
    assert_eq!(
        statement(&doc, "EventsEventBusDefault").unwrap()["Action"],
        serde_json::json!(["events:DescribeEventBus", "events:RemovePermission"])
    );
    assert_eq!(
        statement(&doc, "SqsAwsbaselineChangeEvents").unwrap()["Action"],
        serde_json::json!(["sqs:DeleteQueue", "sqs:GetQueueUrl", "sqs:ListQueueTags"])
    );
    let rules = statement(&doc, "EventsRuleAwsbaselineChangeEvents").unwrap();
    assert_eq!(
        rules["Resource"],
        "arn:aws:events:*:*:rule/awsbaseline-change-events*"
    );
    assert_eq!(
        rules["Action"],
        serde_json::json!([
            "events:DeleteRule",
            "events:PutRule",
            "events:PutTargets",
            "events:RemoveTargets",
            "events:TagResource"
        ])
    );
    // Reads on "*" (ListRules cannot be scoped); no write on "*".
    let events = statement(&doc, "Events").unwrap();
    assert_eq!(
        events["Action"],
        serde_json::json!([
            "events:ListRules",
            "events:ListTagsForResource",
            "events:ListTargetsByRule"
        ])
    );
    // The hub: also its queue and its default bus's policy.
    let (doc, _) = policy_for(
        "apiVersion: awsbaseline.io/v1alpha1\nkind: AwsAccount\nmetadata: {name: h}\nspec: {accountId: '123456789012', regions: [eu-west-1], changeEvents: {role: Hub}}\n",
    );
    assert_eq!(
        scoped(&doc),
        [
            "EventsEventBusDefault",
            "EventsRuleAwsbaselineChangeEvents",
            "SqsAwsbaselineChangeEvents"
        ]
    );
    assert_eq!(
        statement(&doc, "SqsAwsbaselineChangeEvents").unwrap()["Resource"],
        "arn:aws:sqs:*:*:awsbaseline-change-events"
    );
    assert_eq!(
        statement(&doc, "EventsEventBusDefault").unwrap()["Action"],
        serde_json::json!([
            "events:DescribeEventBus",
            "events:PutPermission",
            "events:RemovePermission"
        ])
    );
}
