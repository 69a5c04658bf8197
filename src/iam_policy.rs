//! The least-privilege IAM policy the operator needs: `aws-baseline-operator iam-policy [-f PATHS]`.
//!
//! The rows are declared by the service modules next to their calls (`OPERATIONS` in `src/aws/<service>.rs`, listed
//! in [`crate::aws::MODULES`]; see [`crate::aws::operation`]): one row per AWS operation, with the IAM permissions
//! that operation needs and the spec sections whose reconciliation calls it. `tests/aws_operations.rs` fails when
//! a module calls an operation it has no row for, or keeps a row for one it no longer calls.
//!
//! A *use* names a spec section (or a condition on one), optionally with a phase:
//! - `AccountBaseline.guardDuty`: whenever the section is declared (observing it; `plan` and `check` too);
//! - `AccountBaseline.guardDuty#correct`: only when the object may write, i.e. `driftPolicy: Correct`;
//! - `AccountBaseline.guardDuty#delete`: only when the object is deleted with `deletionPolicy: Delete`.
//!
//! Without manifests every use counts (everything the operator can call); with manifests only the uses their
//! objects make, and `iam:PassRole` / `sts:AssumeRole` are limited to the role ARNs the manifests name.

use crate::api::common::{DeletionPolicy, DriftPolicy};
pub use crate::aws::operation::{
    Grant, Operation, Perm, ACCESS_ANALYZER_PRINCIPAL, CLOUDTRAIL_PRINCIPAL, CONFIG_PRINCIPAL,
    CONFIG_SERVICE_LINKED_ROLE, EKS_POD_IDENTITY_PRINCIPAL, EVENTS_PRINCIPAL, GUARDDUTY_PRINCIPAL,
    INSPECTOR_PRINCIPAL, SECURITY_HUB_PRINCIPAL, SSM_PRINCIPAL, VPC_FLOW_LOGS_PRINCIPAL,
};
use crate::manifests::{self, Manifests};
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;

/// Every operation the service modules call: the rows the policy is built from.
pub fn operations() -> impl Iterator<Item = &'static Operation> {
    crate::aws::operation::all()
}

/// Every section (or condition) a use may name; a phase suffix `#correct` / `#delete` may follow.
pub const SECTIONS: &[&str] = &[
    "AwsAccount",
    "AccountBaseline",
    "AccountBaseline.cloudTrail",
    "AccountBaseline.cloudTrail.s3.createBucket",
    "AccountBaseline.cloudTrail.cloudWatchLogs",
    "AccountBaseline.guardDuty",
    "AccountBaseline.passwordPolicy",
    "AccountBaseline.s3BlockPublicAccess",
    "AccountBaseline.ebsEncryptionByDefault",
    "AccountBaseline.ebsEncryptionByDefault.kmsKeyId",
    "AccountBaseline.rootAccount",
    "AccountBaseline.sessionManager",
    "AccountBaseline.inspector",
    "AccountBaseline.config",
    // Some Config rule declares a remediation.
    "AccountBaseline.config.remediation",
    // AWS Config's delivery bucket is created by the operator.
    "AccountBaseline.config.deliveryChannel.createBucket",
    "AccountBaseline.vpcFlowLogs",
    "AccountBaseline.vpcFlowLogs.s3",
    "AccountBaseline.vpcFlowLogs.cloudWatchLogs",
    "AccountBaseline.accessAnalyzer",
    "AccountBaseline.securityHub",
    "AccountBaseline.securityHub.findingAggregator",
    "AccountBaseline.budgets",
    "PatchSchedule",
    // A target group selects instances by tags (compliance expands them with EC2).
    "PatchSchedule.targets.tags",
    "PatchSchedule.baseline",
    "PatchSchedule.inventory",
    // Some task (patching or a pre/post step) names a serviceRoleArn.
    "PatchSchedule.serviceRoleArn",
    // Some task names none, so Systems Manager runs it with its service-linked role.
    "PatchSchedule.serviceLinkedRole",
    "MonitoringPolicy",
    "MonitoringPolicy.topics",
    // Alarms, the CIS preset's included.
    "MonitoringPolicy.alarms",
    // Metric filters, the CIS preset's included.
    "MonitoringPolicy.logMetricFilters",
    "MonitoringPolicy.logGroups",
    "MonitoringPolicy.compositeAlarms",
    "MonitoringPolicy.dashboards",
    // A log group names a KMS key.
    "MonitoringPolicy.logGroups.kmsKeyId",
    "MonitoringPolicy.findingRoutes",
    "MonitoringPolicy.scheduledActions",
    "MonitoringPolicy.insightsQueries",
    "MonitoringPolicy.containerInsights",
    // Some EKS cluster's add-on gets a pod identity role.
    "MonitoringPolicy.containerInsights.podIdentity",
];

/// Phase suffix: the object may write (`driftPolicy: Correct`).
pub const CORRECT: &str = "#correct";
/// Phase suffix: the object's deletion removes what it created (`deletionPolicy: Delete`).
pub const DELETE: &str = "#delete";

/// True when a namespaced object using AwsAccount `account` may pass `role`: the operator refuses any other
/// (`passableRoles`), so the policy does not grant it either (a note says so). An account missing from the
/// manifests cannot be checked here; its roles are granted as named.
fn passable(m: &Manifests, account: &str, role: &str, notes: &mut Vec<String>) -> bool {
    let Some(a) = m
        .accounts
        .iter()
        .find(|a| a.metadata.name.as_deref() == Some(account))
    else {
        return true;
    };
    let ok = a.spec.may_pass(role);
    if !ok {
        notes.push(format!(
            "{role} is not in AwsAccount {account}'s passableRoles: the operator refuses it, so iam:PassRole is not granted"
        ));
    }
    ok
}

/// What a set of manifests (or the whole operator) uses.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Usage {
    /// Uses (`Section`, `Section#correct`, `Section#delete`).
    pub uses: BTreeSet<String>,
    /// Any role may be passed or assumed (no manifests): role statements get `Resource: "*"`.
    pub any_role: bool,
    /// Roles handed to each service principal (`iam:PassRole`).
    pub passed_roles: BTreeMap<String, BTreeSet<String>>,
    /// Roles the operator's own credentials assume (the first hop of each AwsAccount's `assumeRole`).
    pub assumed_roles: BTreeSet<String>,
    /// Roles the operator's own credentials assume with session tags (`sts:TagSession`).
    pub tagged_roles: BTreeSet<String>,
    /// Things the policy cannot express for this identity (role-chain hops, accounts missing from the files).
    pub notes: Vec<String>,
}

impl Usage {
    /// Everything the operator can call; `read_only` keeps only what observing needs (`plan`, `check`,
    /// `driftPolicy: Report` with `deletionPolicy: Retain`).
    pub fn everything(read_only: bool) -> Self {
        let mut uses = BTreeSet::new();
        for r in operations() {
            for p in r.perms {
                uses.extend(r.uses_of(p).iter().map(|u| u.to_string()));
            }
            uses.extend(r.uses.iter().map(|u| u.to_string()));
        }
        if read_only {
            uses.retain(|u| !u.contains('#'));
        }
        Self {
            uses,
            any_role: true,
            ..Default::default()
        }
    }

    fn declare(&mut self, sections: &[&str], correct: bool, delete: bool) {
        for s in sections {
            self.uses.insert(s.to_string());
            if correct {
                self.uses.insert(format!("{s}{CORRECT}"));
            }
            if delete {
                self.uses.insert(format!("{s}{DELETE}"));
            }
        }
    }

    fn pass(&mut self, principal: &str, role: &str) {
        self.passed_roles
            .entry(principal.to_string())
            .or_default()
            .insert(role.to_string());
    }

    /// What the AwsAccounts, AccountBaselines and PatchSchedules in `m` use. `read_only` treats every object
    /// as `driftPolicy: Report`, `deletionPolicy: Retain` (what `plan` and `check` need).
    pub fn from_manifests(m: &Manifests, read_only: bool) -> Self {
        let mut u = Usage::default();
        for a in &m.accounts {
            u.declare(&["AwsAccount"], false, false);
            let Some(r) = &a.spec.assume_role else {
                continue;
            };
            let name = a.metadata.name.clone().unwrap_or_default();
            // The pod's credentials assume the first hop; each hop assumes the next, the last the target role.
            let chain: Vec<&String> = r
                .via
                .iter()
                .map(|h| &h.role_arn)
                .chain(std::iter::once(&r.role_arn))
                .collect();
            u.assumed_roles.insert(chain[0].clone());
            for hop in chain.windows(2) {
                u.notes.push(format!(
                    "AwsAccount {name}: {} must allow sts:AssumeRole on {} (a role-chain hop, not this identity)",
                    hop[0], hop[1]
                ));
            }
            if r.session_tags {
                match chain.len() {
                    1 => {
                        u.tagged_roles.insert(r.role_arn.clone());
                    }
                    n => u.notes.push(format!(
                        "AwsAccount {name}: {} must allow sts:TagSession on {} (session tags on the last hop)",
                        chain[n - 2],
                        r.role_arn
                    )),
                }
            }
        }
        // An object naming an AwsAccount the files lack: that account's assumeRole cannot be covered. Read through
        // the serialized spec, so an object selecting accounts by label (no `accountRef`) is simply skipped.
        let mut missing_account = |kind: &str, name: Option<&String>, spec: serde_json::Value| {
            let Some(account) = spec.pointer("/accountRef/name").and_then(|v| v.as_str()) else {
                return;
            };
            if !m
                .accounts
                .iter()
                .any(|a| a.metadata.name.as_deref() == Some(account))
            {
                u.notes.push(format!(
                    "{kind} {}: AwsAccount {account} is not in the files; its assumeRole is not covered",
                    name.cloned().unwrap_or_default()
                ));
            }
        };
        for b in &m.baselines {
            missing_account(
                "AccountBaseline",
                b.metadata.name.as_ref(),
                serde_json::to_value(&b.spec).unwrap_or_default(),
            );
        }
        for p in &m.schedules {
            missing_account(
                "PatchSchedule",
                p.metadata.name.as_ref(),
                serde_json::to_value(&p.spec).unwrap_or_default(),
            );
        }
        for p in &m.monitoring {
            missing_account(
                "MonitoringPolicy",
                p.metadata.name.as_ref(),
                serde_json::to_value(&p.spec).unwrap_or_default(),
            );
        }
        for b in &m.baselines {
            let s = &b.spec;
            let correct = !read_only && s.drift_policy == DriftPolicy::Correct;
            let delete = !read_only && s.deletion_policy == DeletionPolicy::Delete;
            let mut secs = vec!["AccountBaseline"];
            if let Some(ct) = &s.cloud_trail {
                secs.push("AccountBaseline.cloudTrail");
                if ct.s3.create_bucket {
                    secs.push("AccountBaseline.cloudTrail.s3.createBucket");
                }
                // The trail configuration the engine sends: its CloudWatch Logs role is passed to CloudTrail.
                if let Some((_, role)) = crate::baseline::cloudtrail::config(ct).cloud_watch_logs {
                    secs.push("AccountBaseline.cloudTrail.cloudWatchLogs");
                    if correct {
                        u.pass(CLOUDTRAIL_PRINCIPAL, &role);
                    }
                }
            }
            if s.guard_duty.is_some() {
                secs.push("AccountBaseline.guardDuty");
            }
            if s.password_policy.is_some() {
                secs.push("AccountBaseline.passwordPolicy");
            }
            if s.s3_block_public_access.is_some() {
                secs.push("AccountBaseline.s3BlockPublicAccess");
            }
            if let Some(e) = &s.ebs_encryption_by_default {
                secs.push("AccountBaseline.ebsEncryptionByDefault");
                if e.kms_key_id.is_some() {
                    secs.push("AccountBaseline.ebsEncryptionByDefault.kmsKeyId");
                }
            }
            if s.root_account.is_some() {
                secs.push("AccountBaseline.rootAccount");
            }
            if s.session_manager.is_some() {
                secs.push("AccountBaseline.sessionManager");
            }
            if s.inspector.is_some() {
                secs.push("AccountBaseline.inspector");
            }
            if s.access_analyzer.is_some() {
                secs.push("AccountBaseline.accessAnalyzer");
            }
            if let Some(h) = &s.security_hub {
                secs.push("AccountBaseline.securityHub");
                if h.finding_aggregator.is_some() {
                    secs.push("AccountBaseline.securityHub.findingAggregator");
                }
            }
            if s.budgets.is_some() {
                secs.push("AccountBaseline.budgets");
            }
            if let Some(f) = &s.vpc_flow_logs {
                secs.push("AccountBaseline.vpcFlowLogs");
                if f.s3.is_some() {
                    secs.push("AccountBaseline.vpcFlowLogs.s3");
                }
                if let Some(cw) = &f.cloud_watch_logs {
                    secs.push("AccountBaseline.vpcFlowLogs.cloudWatchLogs");
                    if correct {
                        u.pass(VPC_FLOW_LOGS_PRINCIPAL, &cw.deliver_logs_permission_arn);
                    }
                }
            }
            if let Some(c) = &s.config {
                secs.push("AccountBaseline.config");
                if c.rules.iter().any(|r| r.remediation.is_some()) {
                    secs.push("AccountBaseline.config.remediation");
                }
                if c.delivery_channel.create_bucket {
                    secs.push("AccountBaseline.config.deliveryChannel.createBucket");
                }
                // The recorder's role is passed to AWS Config (the service-linked role when none is named).
                if correct {
                    let role = c.recorder.as_ref().and_then(|r| r.role_arn.as_deref());
                    u.pass(CONFIG_PRINCIPAL, role.unwrap_or(CONFIG_SERVICE_LINKED_ROLE));
                }
            }
            u.declare(&secs, correct, delete);
        }
        for p in &m.schedules {
            let s = &p.spec;
            let correct = !read_only && s.drift_policy == DriftPolicy::Correct;
            let delete = !read_only && s.deletion_policy == DeletionPolicy::Delete;
            let mut secs = vec!["PatchSchedule"];
            if s.targets.iter().any(|t| !t.tags.is_empty()) {
                secs.push("PatchSchedule.targets.tags");
            }
            if s.baseline.is_some() {
                secs.push("PatchSchedule.baseline");
            }
            if s.inventory.is_some() {
                secs.push("PatchSchedule.inventory");
            }
            // The tasks the engine registers (patch task and pre/post steps), with the roles they pass.
            let tasks = crate::patching::rules::tasks(s, &[]);
            if tasks.iter().any(|t| t.service_role_arn.is_some()) {
                secs.push("PatchSchedule.serviceRoleArn");
            }
            if tasks.iter().any(|t| t.service_role_arn.is_none()) {
                secs.push("PatchSchedule.serviceLinkedRole");
            }
            if correct {
                for role in tasks.iter().filter_map(|t| t.service_role_arn.as_deref()) {
                    if passable(m, &s.account_ref.name, role, &mut u.notes) {
                        u.pass(SSM_PRINCIPAL, role);
                    }
                }
            }
            u.declare(&secs, correct, delete);
        }
        for p in &m.monitoring {
            let s = &p.spec;
            let correct = !read_only && s.drift_policy == DriftPolicy::Correct;
            let delete = !read_only && s.deletion_policy == DeletionPolicy::Delete;
            let mut secs = vec!["MonitoringPolicy"];
            if !s.topics.is_empty() {
                secs.push("MonitoringPolicy.topics");
            }
            if !s.alarms.is_empty() || s.cis_aws_foundations.is_some() || s.billing_alarm.is_some()
            {
                secs.push("MonitoringPolicy.alarms");
            }
            if !s.composite_alarms.is_empty() {
                secs.push("MonitoringPolicy.compositeAlarms");
            }
            if !s.dashboards.is_empty() {
                secs.push("MonitoringPolicy.dashboards");
            }
            if !s.log_metric_filters.is_empty() || s.cis_aws_foundations.is_some() {
                secs.push("MonitoringPolicy.logMetricFilters");
            }
            if !s.log_groups.is_empty() {
                secs.push("MonitoringPolicy.logGroups");
            }
            if s.log_groups.iter().any(|g| g.kms_key_id.is_some()) {
                secs.push("MonitoringPolicy.logGroups.kmsKeyId");
            }
            if !s.finding_routes.is_empty() {
                secs.push("MonitoringPolicy.findingRoutes");
            }
            if !s.scheduled_actions.is_empty() {
                secs.push("MonitoringPolicy.scheduledActions");
                if correct {
                    for a in &s.scheduled_actions {
                        if passable(m, &s.account_ref.name, &a.role_arn, &mut u.notes) {
                            u.pass(EVENTS_PRINCIPAL, &a.role_arn);
                        }
                    }
                }
            }
            if !s.insights_queries.is_empty() {
                secs.push("MonitoringPolicy.insightsQueries");
            }
            if let Some(ci) = &s.container_insights {
                secs.push("MonitoringPolicy.containerInsights");
                let pod_roles: Vec<&String> = ci
                    .eks
                    .iter()
                    .filter_map(|e| e.pod_identity_role_arn.as_ref())
                    .collect();
                if !pod_roles.is_empty() {
                    secs.push("MonitoringPolicy.containerInsights.podIdentity");
                }
                if correct {
                    for role in pod_roles {
                        if passable(m, &s.account_ref.name, role, &mut u.notes) {
                            u.pass(EKS_POD_IDENTITY_PRINCIPAL, role);
                        }
                    }
                }
            }
            u.declare(&secs, correct, delete);
        }
        u
    }
}

/// An IAM policy document.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct PolicyDocument {
    /// Policy language version.
    #[serde(rename = "Version")]
    pub version: &'static str,
    /// Statements, in a stable order.
    #[serde(rename = "Statement")]
    pub statement: Vec<Statement>,
}

/// One Allow statement.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Statement {
    /// Statement ID (alphanumeric).
    #[serde(rename = "Sid")]
    pub sid: String,
    /// Always `Allow`.
    #[serde(rename = "Effect")]
    pub effect: &'static str,
    /// Sorted, de-duplicated actions.
    #[serde(rename = "Action")]
    pub action: Vec<String>,
    /// `*` or a sorted list of ARNs.
    #[serde(rename = "Resource")]
    pub resource: Resource,
    /// Condition block, if any.
    #[serde(rename = "Condition", skip_serializing_if = "Option::is_none")]
    pub condition: Option<BTreeMap<String, BTreeMap<String, String>>>,
}

/// A statement's resources.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(untagged)]
pub enum Resource {
    /// One ARN or `*`.
    One(String),
    /// Several ARNs.
    Many(Vec<String>),
}

impl Resource {
    fn of(arns: &BTreeSet<String>) -> Self {
        if arns.len() == 1 {
            Resource::One(arns.iter().next().cloned().unwrap_or_default())
        } else {
            Resource::Many(arns.iter().cloned().collect())
        }
    }
}

/// Readable statement-ID part for an IAM service prefix or principal (`cloudtrail.amazonaws.com` -> `CloudTrail`).
fn display(prefix: &str) -> String {
    let prefix = prefix.split('.').next().unwrap_or(prefix);
    match prefix {
        "cloudtrail" => "CloudTrail".into(),
        "ec2" => "EC2".into(),
        "guardduty" => "GuardDuty".into(),
        "iam" => "IAM".into(),
        "s3" => "S3".into(),
        "ssm" => "SSM".into(),
        "sts" => "STS".into(),
        other => {
            let mut s: String = other.chars().filter(char::is_ascii_alphanumeric).collect();
            if let Some(first) = s.get_mut(0..1) {
                first.make_ascii_uppercase();
            }
            s
        }
    }
}

fn condition(
    op: &str,
    key: &str,
    value: &str,
) -> Option<BTreeMap<String, BTreeMap<String, String>>> {
    Some(BTreeMap::from([(
        op.to_string(),
        BTreeMap::from([(key.to_string(), value.to_string())]),
    )]))
}

/// The permissions `usage` needs, grouped per service (one statement per IAM service prefix on `*`), then
/// `iam:PassRole` per receiving service, service-linked roles, and the STS statements for AwsAccount roles.
pub fn policy(usage: &Usage) -> PolicyDocument {
    let mut actions: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let mut pass_to: BTreeSet<&str> = BTreeSet::new();
    let mut linked: BTreeSet<(&str, &str)> = BTreeSet::new();
    for r in operations() {
        for p in r.perms {
            if !r.uses_of(p).iter().any(|u| usage.uses.contains(*u)) {
                continue;
            }
            match p.grant {
                Grant::Action(a) => {
                    let prefix = a.split(':').next().unwrap_or(a).to_string();
                    actions.entry(prefix).or_default().insert(a.to_string());
                }
                Grant::PassRole(principal) => {
                    pass_to.insert(principal);
                }
                Grant::ServiceLinkedRole(principal, role) => {
                    linked.insert((principal, role));
                }
            }
        }
    }
    let mut statement: Vec<Statement> = actions
        .into_iter()
        .map(|(prefix, acts)| Statement {
            sid: display(&prefix),
            effect: "Allow",
            action: acts.into_iter().collect(),
            resource: Resource::One("*".into()),
            condition: None,
        })
        .collect();
    for principal in pass_to {
        let resource = if usage.any_role {
            Resource::One("*".into())
        } else {
            match usage.passed_roles.get(principal) {
                Some(roles) if !roles.is_empty() => Resource::of(roles),
                _ => continue,
            }
        };
        statement.push(Statement {
            sid: format!("PassRoleTo{}", display(principal)),
            effect: "Allow",
            action: vec!["iam:PassRole".into()],
            resource,
            condition: condition("StringEquals", "iam:PassedToService", principal),
        });
    }
    for (principal, role) in linked {
        statement.push(Statement {
            sid: format!("Create{}ServiceLinkedRole", display(principal)),
            effect: "Allow",
            action: vec!["iam:CreateServiceLinkedRole".into()],
            resource: Resource::One(format!(
                "arn:*:iam::*:role/aws-service-role/{principal}/{role}"
            )),
            condition: condition("StringEquals", "iam:AWSServiceName", principal),
        });
    }
    let roles = |set: &BTreeSet<String>| {
        if usage.any_role {
            Some(Resource::One("*".into()))
        } else if set.is_empty() {
            None
        } else {
            Some(Resource::of(set))
        }
    };
    if let Some(resource) = roles(&usage.assumed_roles) {
        statement.push(Statement {
            sid: "AssumeAccountRoles".into(),
            effect: "Allow",
            action: vec!["sts:AssumeRole".into()],
            resource,
            condition: None,
        });
    }
    if let Some(resource) = roles(&usage.tagged_roles) {
        statement.push(Statement {
            sid: "TagAccountRoleSessions".into(),
            effect: "Allow",
            action: vec!["sts:TagSession".into()],
            resource,
            condition: None,
        });
    }
    PolicyDocument {
        version: "2012-10-17",
        statement,
    }
}

/// Arguments of `iam-policy`.
#[derive(clap::Args, Clone, Debug)]
pub struct IamPolicyArgs {
    /// Manifest files or directories (AwsAccount, AccountBaseline, PatchSchedule): only the actions their
    /// sections use, roles limited to the ARNs they name. Without: everything the operator can call.
    #[arg(short = 'f', long = "filename", num_args = 1..)]
    pub files: Vec<PathBuf>,
    /// Only what observing needs (`plan` and `check`): as if every object were `driftPolicy: Report` and
    /// `deletionPolicy: Retain`.
    #[arg(long)]
    pub read_only: bool,
}

/// The policy for `args` as pretty JSON, with notes for stderr.
pub fn render(args: &IamPolicyArgs) -> Result<(String, Vec<String>), String> {
    let usage = if args.files.is_empty() {
        Usage::everything(args.read_only)
    } else {
        let m = manifests::load(&args.files).map_err(|e| e.to_string())?;
        if m.accounts.is_empty()
            && m.baselines.is_empty()
            && m.schedules.is_empty()
            && m.monitoring.is_empty()
        {
            return Err(format!(
                "no AwsAccount, AccountBaseline or PatchSchedule found in {:?}",
                args.files
            ));
        }
        Usage::from_manifests(&m, args.read_only)
    };
    let json = serde_json::to_string_pretty(&policy(&usage)).map_err(|e| e.to_string())?;
    Ok((json, usage.notes))
}

/// Run `iam-policy`: the policy on stdout, notes on stderr; returns the exit code.
pub fn run(args: &IamPolicyArgs) -> i32 {
    match render(args) {
        Ok((json, notes)) => {
            for n in notes {
                eprintln!("note: {n}");
            }
            println!("{json}");
            0
        }
        Err(e) => {
            eprintln!("error: {e}");
            1
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn section_of(u: &str) -> (&str, &str) {
        match u.split_once('#') {
            Some((s, phase)) => (s, phase),
            None => (u, ""),
        }
    }

    #[test]
    fn rows_are_well_formed() {
        for r in operations() {
            assert!(!r.uses.is_empty(), "{}: no uses", r.operation);
            for p in r.perms {
                match p.grant {
                    Grant::Action(a) => {
                        let (prefix, name) = a.split_once(':').expect("prefix:Action");
                        assert!(
                            prefix
                                .chars()
                                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-'),
                            "{a}"
                        );
                        assert!(name.starts_with(|c: char| c.is_ascii_uppercase()), "{a}");
                        assert!(name.chars().all(|c| c.is_ascii_alphanumeric()), "{a}");
                    }
                    Grant::PassRole(s) | Grant::ServiceLinkedRole(s, _) => {
                        assert!(s.ends_with(".amazonaws.com"), "{s}")
                    }
                }
            }
        }
    }

    #[test]
    fn every_use_names_a_known_section_and_phase_and_every_section_is_used() {
        let mut seen = BTreeSet::new();
        for r in operations() {
            for u in r.uses.iter().chain(r.perms.iter().flat_map(|p| p.only)) {
                let (s, phase) = section_of(u);
                assert!(
                    SECTIONS.contains(&s),
                    "{}: unknown section {s}",
                    r.operation
                );
                assert!(
                    ["", "correct", "delete"].contains(&phase),
                    "{}: unknown phase in {u}",
                    r.operation
                );
                seen.insert(s);
            }
        }
        let unused: Vec<_> = SECTIONS.iter().filter(|s| !seen.contains(*s)).collect();
        assert!(unused.is_empty(), "sections no row uses: {unused:?}");
    }

    #[test]
    fn mutating_operations_only_run_in_correct_or_delete_phases() {
        for r in operations() {
            let mutating = crate::aws::counter::is_mutating(r.operation);
            for u in r.uses {
                let (_, phase) = section_of(u);
                if mutating {
                    assert!(
                        !phase.is_empty(),
                        "{} writes but is used in {u}",
                        r.operation
                    );
                }
            }
            if !mutating {
                assert!(
                    r.uses.iter().any(|u| !u.contains('#')),
                    "{} reads: it must be allowed while observing",
                    r.operation
                );
            }
        }
    }

    #[test]
    fn everything_allows_every_grant_and_read_only_no_write() {
        let all = policy(&Usage::everything(false));
        let actions: BTreeSet<&str> = all
            .statement
            .iter()
            .flat_map(|s| s.action.iter().map(String::as_str))
            .collect();
        for r in operations() {
            for p in r.perms {
                let a = match p.grant {
                    Grant::Action(a) => a,
                    Grant::PassRole(_) => "iam:PassRole",
                    Grant::ServiceLinkedRole(..) => "iam:CreateServiceLinkedRole",
                };
                assert!(actions.contains(a), "{a} missing");
            }
        }
        assert!(actions.contains("sts:AssumeRole") && actions.contains("sts:TagSession"));
        assert!(!actions.contains("sts:GetCallerIdentity"));

        let ro = policy(&Usage::everything(true));
        let ro_actions: BTreeSet<&str> = ro
            .statement
            .iter()
            .flat_map(|s| s.action.iter().map(String::as_str))
            .collect();
        assert!(ro_actions.contains("ssm:GetMaintenanceWindow"));
        for a in &ro_actions {
            let name = a.split(':').nth(1).unwrap_or_default();
            let allowed_write = ["AssumeRole", "TagSession"].contains(&name);
            assert!(
                // s3:ListBucket (HeadBucket) and budgets:ViewBudget (Describe*) read, whatever their names say.
                allowed_write
                    || !crate::aws::counter::is_mutating(name)
                    || ["ListBucket", "ViewBudget"].contains(&name),
                "read-only policy allows {a}"
            );
        }
    }

    #[test]
    fn statements_have_sorted_actions_and_alphanumeric_unique_sids() {
        let p = policy(&Usage::everything(false));
        let mut sids = BTreeSet::new();
        for s in &p.statement {
            let mut sorted = s.action.clone();
            sorted.sort();
            sorted.dedup();
            assert_eq!(s.action, sorted);
            assert!(
                s.sid.chars().all(|c| c.is_ascii_alphanumeric()),
                "{}",
                s.sid
            );
            assert!(sids.insert(s.sid.clone()), "duplicate Sid {}", s.sid);
        }
        assert_eq!(display("cloudtrail.amazonaws.com"), "CloudTrail");
        assert_eq!(display("kms"), "Kms");
    }
}
