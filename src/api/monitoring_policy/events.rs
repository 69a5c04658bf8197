//! `spec.findingRoutes` and `spec.scheduledActions`: EventBridge rules.

use kube::KubeSchema;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// What a finding route forwards.
#[derive(
    Deserialize, Serialize, Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, JsonSchema,
)]
#[serde(rename_all = "camelCase")]
pub enum FindingSource {
    /// GuardDuty findings at or above `minSeverity` (default 7, high).
    GuardDuty,
    /// Security Hub imported findings with a severity label in `severityLabels` (default CRITICAL and HIGH),
    /// workflow status NEW and record state ACTIVE.
    SecurityHub,
    /// AWS Config rule evaluations that became NON_COMPLIANT.
    Config,
    /// AWS Health events (optionally only some event type categories).
    Health,
}

/// A Security Hub severity label.
#[derive(
    Deserialize, Serialize, Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, JsonSchema,
)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum SeverityLabel {
    /// CRITICAL.
    Critical,
    /// HIGH.
    High,
    /// MEDIUM.
    Medium,
    /// LOW.
    Low,
    /// INFORMATIONAL.
    Informational,
}

/// An AWS Health event type category.
#[derive(
    Deserialize, Serialize, Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, JsonSchema,
)]
#[serde(rename_all = "camelCase")]
pub enum HealthCategory {
    /// Service issues.
    Issue,
    /// Planned changes such as maintenance.
    ScheduledChange,
    /// Account notifications.
    AccountNotification,
    /// Investigations.
    Investigation,
}

/// An EventBridge rule (`awsbaseline-<policy hash>-route-<name>`) that sends matching events, as a readable
/// message, to a declared topic. The operator also adds a statement to that topic's policy letting EventBridge
/// publish (without it AWS drops the events silently).
#[derive(KubeSchema, Deserialize, Serialize, Clone, Debug, PartialEq)]
#[x_kube(validation = Rule::new("self.source == 'guardDuty' || !has(self.minSeverity)").message("minSeverity applies to guardDuty routes"))]
#[x_kube(validation = Rule::new("self.source == 'securityHub' || !has(self.severityLabels)").message("severityLabels applies to securityHub routes"))]
#[x_kube(validation = Rule::new("self.source == 'health' || !has(self.healthCategories)").message("healthCategories applies to health routes"))]
#[serde(rename_all = "camelCase")]
pub struct FindingRouteSpec {
    /// Name within the policy.
    #[schemars(regex(pattern = r"^[A-Za-z0-9_-]{1,32}$"), length(max = 32))]
    pub name: String,
    /// `guardDuty`, `securityHub`, `config` or `health`.
    pub source: FindingSource,
    /// Declared topic the messages go to.
    #[schemars(length(min = 1, max = 256))]
    pub topic: String,
    /// GuardDuty: lowest severity forwarded (1.0-8.9; 7 and above is high).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 1.0, max = 8.9))]
    pub min_severity: Option<f64>,
    /// Security Hub: severity labels forwarded.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[schemars(extend("x-kubernetes-list-type" = "set"))]
    pub severity_labels: Vec<SeverityLabel>,
    /// Health: event type categories forwarded (all when empty).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[schemars(extend("x-kubernetes-list-type" = "set"))]
    pub health_categories: Vec<HealthCategory>,
    /// Whether the rule is enabled.
    #[serde(default = "yes")]
    pub enabled: bool,
}

fn yes() -> bool {
    true
}

/// A scheduled EventBridge rule (`awsbaseline-<policy hash>-sched-<name>`) that starts an SSM Automation runbook
/// or sends a Run Command document to targets — e.g. restart a service at night.
#[derive(KubeSchema, Deserialize, Serialize, Clone, Debug, PartialEq)]
#[x_kube(validation = Rule::new("has(self.automation) != has(self.runCommand)").message("set exactly one of automation or runCommand"))]
#[x_kube(validation = Rule::new("has(self.roleArn) != (has(self.createRole) && self.createRole)").message("set exactly one of roleArn or createRole: true"))]
#[serde(rename_all = "camelCase")]
pub struct ScheduledActionSpec {
    /// Name within the policy.
    #[schemars(regex(pattern = r"^[A-Za-z0-9_-]{1,32}$"), length(max = 32))]
    pub name: String,
    /// `cron(...)` or `rate(...)` in EventBridge syntax (UTC), e.g. `cron(0 3 ? * SUN *)`.
    #[schemars(regex(pattern = r"^(cron|rate)\(.+\)$"), length(max = 256))]
    pub schedule: String,
    /// Description of the rule.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(length(max = 512))]
    pub description: Option<String>,
    /// IAM role EventBridge assumes to start the runbook or send the command (or `createRole: true`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(regex(pattern = r"^arn:aws[a-z-]*:iam::[0-9]{12}:role/.+$"))]
    pub role_arn: Option<String>,
    /// Have the operator create and own the role EventBridge assumes: one role per policy
    /// (`awsbaseline-events-ssm-<hash>`), trusted by EventBridge for this account only, allowed exactly the
    /// runbooks and documents (and, for Run Command, the instances by ID or tag) of the actions that ask for it,
    /// and `iam:PassRole` of a runbook's `AutomationAssumeRole` parameter to Systems Manager. A runbook given no
    /// `AutomationAssumeRole` runs with this role, which can start it but do nothing else: give runbooks that act
    /// on resources their own assume role.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub create_role: bool,
    /// Start an SSM Automation runbook.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub automation: Option<AutomationActionSpec>,
    /// Send a Run Command document to instances.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub run_command: Option<RunCommandActionSpec>,
    /// Whether the rule is enabled.
    #[serde(default = "yes")]
    pub enabled: bool,
}

/// An SSM Automation runbook started by a schedule (its `$DEFAULT` version).
#[derive(KubeSchema, Deserialize, Serialize, Clone, Debug, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct AutomationActionSpec {
    /// Runbook name, e.g. `AWS-RestartEC2Instance`.
    #[schemars(regex(pattern = r"^[a-zA-Z0-9_.-]{3,128}$"))]
    pub document_name: String,
    /// Runbook parameters.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub parameters: BTreeMap<String, Vec<String>>,
}

/// A Run Command document sent by a schedule.
#[derive(KubeSchema, Deserialize, Serialize, Clone, Debug, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct RunCommandActionSpec {
    /// Document name, e.g. `AWS-RunShellScript`.
    #[schemars(regex(pattern = r"^[a-zA-Z0-9_.-]{3,128}$"))]
    pub document_name: String,
    /// Document parameters, e.g. `commands: ["systemctl restart app"]`.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub parameters: BTreeMap<String, Vec<String>>,
    /// Instances to run on: `InstanceIds` or `tag:<key>` with values.
    #[schemars(length(min = 1, max = 5))]
    pub targets: Vec<RunCommandTargetSpec>,
}

/// Instances a Run Command goes to.
#[derive(KubeSchema, Deserialize, Serialize, Clone, Debug, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct RunCommandTargetSpec {
    /// `InstanceIds` or `tag:<tag key>`.
    #[schemars(regex(pattern = r"^(InstanceIds|tag:.{1,128})$"))]
    pub key: String,
    /// Instance IDs or tag values.
    #[schemars(length(min = 1, max = 50))]
    pub values: Vec<String>,
}
