//! `MonitoringPolicy`: how a team is told that something is wrong — SNS topics and subscriptions, CloudWatch
//! metric alarms, log metric filters (with the CIS AWS Foundations monitoring preset) and log group retention.
// Repeated `printcolumn(type_ = "string", ...)` arguments are separate columns, not duplicates.
#![allow(clippy::duplicated_attributes)]

use kube::{CustomResource, KubeSchema};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

use super::common::{AccountRef, DeletionPolicy, DriftPolicy, ReconcileStatus};

fn delete() -> DeletionPolicy {
    DeletionPolicy::Delete
}
fn one() -> String {
    "1".to_string()
}
fn usd() -> String {
    "USD".to_string()
}
fn cis_namespace() -> String {
    "CISBenchmark".to_string()
}

/// How a team is told that something is wrong: SNS topics with their subscriptions, CloudWatch metric alarms,
/// log metric filters (and the CIS AWS Foundations monitoring set on a CloudTrail log group), log group retention.
#[derive(CustomResource, KubeSchema, Deserialize, Serialize, Clone, Debug, PartialEq)]
#[kube(
    group = "awsbaseline.io",
    version = "v1alpha1",
    kind = "MonitoringPolicy",
    plural = "monitoringpolicies",
    shortname = "mp",
    category = "awsbaseline",
    namespaced,
    status = "MonitoringPolicyStatus",
    cel,
    // The policy's name prefix (`awsbaseline.<namespace>.<name>.`) plus a 100-character alarm name must fit
    // CloudWatch's 255: a 63-character namespace and name leave 240.
    validation = Rule::new("size(self.metadata.name) <= 63").message("a MonitoringPolicy name has at most 63 characters (its alarms' names carry it, and CloudWatch allows 255)"),
    doc = "How a team is told that something is wrong: SNS topics and subscriptions, CloudWatch alarms and dashboards, log metric filters (CIS AWS Foundations preset), log groups and saved queries, EventBridge finding routes and scheduled actions, Container Insights, with field-level drift in status.",
    printcolumn(
        name = "Ready",
        type_ = "string",
        json_path = ".status.conditions[?(@.type==\"Ready\")].status"
    ),
    printcolumn(
        name = "Reason",
        type_ = "string",
        json_path = ".status.conditions[?(@.type==\"Ready\")].reason"
    ),
    printcolumn(
        name = "Drifted",
        type_ = "string",
        json_path = ".status.conditions[?(@.type==\"Drifted\")].status"
    ),
    printcolumn(name = "Regions", type_ = "string", json_path = ".status.regions"),
    printcolumn(
        name = "Age",
        type_ = "date",
        json_path = ".metadata.creationTimestamp"
    )
)]
#[x_kube(validation = Rule::new("has(self.topics) || has(self.alarms) || has(self.compositeAlarms) || has(self.logMetricFilters) || has(self.cisAwsFoundations) || has(self.logGroups) || has(self.dashboards) || has(self.billingAlarm) || has(self.findingRoutes) || has(self.scheduledActions) || has(self.insightsQueries) || has(self.containerInsights)").message("declare at least one of topics, alarms, compositeAlarms, logMetricFilters, cisAwsFoundations, logGroups, dashboards, billingAlarm, findingRoutes, scheduledActions, insightsQueries or containerInsights"))]
#[x_kube(validation = Rule::new("!has(self.findingRoutes) || self.findingRoutes.all(r, has(self.topics) && self.topics.exists(x, x.name == r.topic))").message("findingRoutes[].topic must name a topic declared in spec.topics"))]
#[x_kube(validation = Rule::new("!has(self.compositeAlarms) || self.compositeAlarms.all(a, (has(a.alarmTopics) ? a.alarmTopics : []).all(t, has(self.topics) && self.topics.exists(x, x.name == t)))").message("compositeAlarms[].alarmTopics must name topics declared in spec.topics"))]
#[x_kube(validation = Rule::new("!has(self.billingAlarm) || !has(self.billingAlarm.topic) || (has(self.topics) && self.topics.exists(x, x.name == self.billingAlarm.topic))").message("billingAlarm.topic must name a topic declared in spec.topics"))]
#[x_kube(validation = Rule::new("!has(self.alarms) || !has(self.topics) || self.alarms.all(a, (has(a.alarmTopics) ? a.alarmTopics : []).all(t, self.topics.exists(x, x.name == t)))").message("alarmTopics must name topics declared in spec.topics"))]
#[x_kube(validation = Rule::new("!has(self.alarms) || has(self.topics) || self.alarms.all(a, !has(a.alarmTopics))").message("alarmTopics must name topics declared in spec.topics"))]
#[x_kube(validation = Rule::new("!has(self.cisAwsFoundations) || !has(self.cisAwsFoundations.topic) || (has(self.topics) && self.topics.exists(x, x.name == self.cisAwsFoundations.topic))").message("cisAwsFoundations.topic must name a topic declared in spec.topics"))]
#[serde(rename_all = "camelCase")]
pub struct MonitoringPolicySpec {
    /// The `AwsAccount` to monitor (it must admit this object's namespace in `allowedNamespaces`).
    pub account_ref: AccountRef,
    /// Regions everything is created in. Defaults to the AwsAccount's regions.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[schemars(length(max = 40))]
    #[schemars(inner(regex(pattern = r"^[a-z]{2}(-gov|-iso[a-z]*)?-[a-z]+-[0-9]$")))]
    #[schemars(extend("x-kubernetes-list-type" = "set"))]
    pub regions: Vec<String>,
    /// `Correct` changes AWS back to the spec; `Report` only records drift and never writes to AWS.
    #[serde(default)]
    pub drift_policy: DriftPolicy,
    /// `Delete` (default) removes the topics, alarms and metric filters the operator created for this policy
    /// when it is deleted (log groups are never deleted: they hold logs); `Retain` leaves them.
    #[serde(default = "delete")]
    pub deletion_policy: DeletionPolicy,
    /// How often AWS is re-read to detect drift, e.g. `5m` (minimum 30s). Defaults to the operator's
    /// `--default-drift-interval` (5m).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(regex(pattern = r"^([0-9]+(s|m|h))+$"), length(max = 32))]
    #[x_kube(validation = Rule::new("duration(self) >= duration('30s')").message("driftCheckInterval must be at least 30s"))]
    pub drift_check_interval: Option<String>,
    /// SNS topics that alarms notify, with their subscriptions.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[schemars(length(max = 50))]
    #[schemars(extend("x-kubernetes-list-type" = "map", "x-kubernetes-list-map-keys" = ["name"]))]
    pub topics: Vec<TopicSpec>,
    /// CloudWatch metric alarms.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[schemars(length(max = 2000))]
    #[schemars(extend("x-kubernetes-list-type" = "map", "x-kubernetes-list-map-keys" = ["name"]))]
    pub alarms: Vec<AlarmSpec>,
    /// CloudWatch Logs metric filters.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[schemars(length(max = 500))]
    #[schemars(extend("x-kubernetes-list-type" = "map", "x-kubernetes-list-map-keys" = ["name"]))]
    pub log_metric_filters: Vec<MetricFilterSpec>,
    /// The CIS AWS Foundations monitoring set (metric filter + alarm per item) on a CloudTrail log group.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cis_aws_foundations: Option<CisPresetSpec>,
    /// Retention of named log groups (created, tagged, when missing; never deleted).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[schemars(length(max = 200))]
    #[schemars(extend("x-kubernetes-list-type" = "map", "x-kubernetes-list-map-keys" = ["name"]))]
    pub log_groups: Vec<LogGroupSpec>,
    /// Composite alarms over this policy's metric alarms (and any other alarm by its AWS name).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[schemars(length(max = 200))]
    #[schemars(extend("x-kubernetes-list-type" = "map", "x-kubernetes-list-map-keys" = ["name"]))]
    pub composite_alarms: Vec<CompositeAlarmSpec>,
    /// CloudWatch dashboards.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[schemars(length(max = 50))]
    #[schemars(extend("x-kubernetes-list-type" = "map", "x-kubernetes-list-map-keys" = ["name"]))]
    pub dashboards: Vec<DashboardSpec>,
    /// Estimated-charges alarms (CloudWatch publishes billing metrics only in us-east-1, which must be one of
    /// the policy's regions).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub billing_alarm: Option<BillingAlarmSpec>,
    /// EventBridge rules that send security findings, compliance changes and AWS Health events to a declared
    /// topic, filtered by severity and rewritten into a readable message.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[schemars(length(max = 50))]
    #[schemars(extend("x-kubernetes-list-type" = "map", "x-kubernetes-list-map-keys" = ["name"]))]
    pub finding_routes: Vec<FindingRouteSpec>,
    /// EventBridge scheduled rules that start an SSM Automation runbook or a Run Command document.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[schemars(length(max = 50))]
    #[schemars(extend("x-kubernetes-list-type" = "map", "x-kubernetes-list-map-keys" = ["name"]))]
    pub scheduled_actions: Vec<ScheduledActionSpec>,
    /// CloudWatch Logs Insights saved queries.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[schemars(length(max = 100))]
    #[schemars(extend("x-kubernetes-list-type" = "map", "x-kubernetes-list-map-keys" = ["name"]))]
    pub insights_queries: Vec<InsightsQuerySpec>,
    /// Container Insights on EKS clusters (the `amazon-cloudwatch-observability` add-on) and ECS clusters (the
    /// `containerInsights` cluster setting).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub container_insights: Option<ContainerInsightsSpec>,
}

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
    /// IAM role EventBridge assumes to start the runbook or send the command.
    #[schemars(regex(pattern = r"^arn:aws[a-z-]*:iam::[0-9]{12}:role/.+$"))]
    pub role_arn: String,
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

/// A CloudWatch Logs Insights saved query (its AWS name is `awsbaseline/<namespace>/<policy>/<name>`, a folder
/// in the console).
#[derive(KubeSchema, Deserialize, Serialize, Clone, Debug, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct InsightsQuerySpec {
    /// Name within the policy.
    #[schemars(regex(pattern = r"^[A-Za-z0-9 _.-]{1,100}$"), length(max = 100))]
    pub name: String,
    /// The query, e.g. `fields @timestamp, @message | filter @message like /ERROR/`.
    #[schemars(length(min = 1, max = 10000))]
    pub query_string: String,
    /// Log groups the query runs on by default.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[schemars(length(max = 50))]
    #[schemars(inner(regex(pattern = r"^[A-Za-z0-9_./#-]{1,512}$")))]
    pub log_group_names: Vec<String>,
}

/// Container Insights for EKS and ECS clusters.
#[derive(KubeSchema, Deserialize, Serialize, Clone, Debug, PartialEq)]
#[x_kube(validation = Rule::new("has(self.eks) || has(self.ecs)").message("containerInsights needs eks or ecs clusters"))]
#[serde(rename_all = "camelCase")]
pub struct ContainerInsightsSpec {
    /// EKS clusters that run the `amazon-cloudwatch-observability` add-on.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[schemars(length(max = 50))]
    #[schemars(extend("x-kubernetes-list-type" = "map", "x-kubernetes-list-map-keys" = ["clusterName"]))]
    pub eks: Vec<EksInsightsSpec>,
    /// ECS clusters and their `containerInsights` setting.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[schemars(length(max = 100))]
    #[schemars(extend("x-kubernetes-list-type" = "map", "x-kubernetes-list-map-keys" = ["clusterName"]))]
    pub ecs: Vec<EcsInsightsSpec>,
}

/// The `amazon-cloudwatch-observability` add-on on one EKS cluster.
#[derive(KubeSchema, Deserialize, Serialize, Clone, Debug, PartialEq)]
#[x_kube(validation = Rule::new("!(has(self.serviceAccountRoleArn) && has(self.podIdentityRoleArn))").message("set serviceAccountRoleArn (IRSA) or podIdentityRoleArn (EKS Pod Identity), not both"))]
#[serde(rename_all = "camelCase")]
pub struct EksInsightsSpec {
    /// Cluster name.
    #[schemars(regex(pattern = r"^[0-9A-Za-z][A-Za-z0-9_-]{0,99}$"))]
    pub cluster_name: String,
    /// Add-on version, e.g. `v2.1.0-eksbuild.1`; the latest version compatible with the cluster's Kubernetes
    /// version when unset.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(regex(pattern = r"^v[0-9A-Za-z.+-]{1,99}$"))]
    pub addon_version: Option<String>,
    /// Add-on configuration values (the add-on's configuration schema), e.g. `containerLogs: {enabled: true}`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(schema_with = "crate::api::common::free_form_object")]
    pub configuration_values: Option<serde_json::Value>,
    /// IAM role for the add-on's `cloudwatch-agent` service account through IRSA.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(regex(pattern = r"^arn:aws[a-z-]*:iam::[0-9]{12}:role/.+$"))]
    pub service_account_role_arn: Option<String>,
    /// IAM role for the `cloudwatch-agent` service account through EKS Pod Identity.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(regex(pattern = r"^arn:aws[a-z-]*:iam::[0-9]{12}:role/.+$"))]
    pub pod_identity_role_arn: Option<String>,
}

impl MonitoringPolicySpec {
    /// Every IAM role this spec hands to AWS services: the scheduled actions' roles (EventBridge) and the
    /// Container Insights add-on roles (EKS). Checked against the AwsAccount's `passableRoles`.
    pub fn passed_roles(&self) -> Vec<&String> {
        let eks = self.container_insights.iter().flat_map(|c| &c.eks);
        self.scheduled_actions
            .iter()
            .map(|a| &a.role_arn)
            .chain(eks.flat_map(|e| {
                e.service_account_role_arn
                    .iter()
                    .chain(e.pod_identity_role_arn.iter())
            }))
            .collect()
    }
}

/// Container Insights mode of an ECS cluster.
#[derive(Deserialize, Serialize, Clone, Copy, Debug, PartialEq, Eq, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub enum EcsInsightsMode {
    /// Container Insights with enhanced observability.
    Enhanced,
    /// Container Insights.
    Enabled,
    /// Off.
    Disabled,
}

impl EcsInsightsMode {
    /// The ECS setting value.
    pub fn as_str(&self) -> &'static str {
        match self {
            Self::Enhanced => "enhanced",
            Self::Enabled => "enabled",
            Self::Disabled => "disabled",
        }
    }
}

/// The `containerInsights` setting of one ECS cluster (the cluster itself is not managed).
#[derive(KubeSchema, Deserialize, Serialize, Clone, Debug, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct EcsInsightsSpec {
    /// Cluster name.
    #[schemars(regex(pattern = r"^[A-Za-z0-9_-]{1,255}$"), length(max = 255))]
    pub cluster_name: String,
    /// `enhanced`, `enabled` or `disabled`.
    pub mode: EcsInsightsMode,
}

/// An SNS topic.
#[derive(KubeSchema, Deserialize, Serialize, Clone, Debug, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct TopicSpec {
    /// Topic name (standard topic; FIFO topics cannot notify from CloudWatch alarms).
    #[schemars(regex(pattern = r"^[A-Za-z0-9_-]{1,256}$"), length(max = 256))]
    pub name: String,
    /// KMS key for server-side encryption (`alias/aws/sns` for the AWS managed key). Unset leaves an existing
    /// topic's encryption as it is (never removed).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(length(min = 1, max = 2048))]
    pub kms_master_key_id: Option<String>,
    /// Statements the topic's access policy must hold, in IAM policy syntax (`Sid` letters and digits, `Effect`,
    /// `Principal`, `Action`, `Condition`; `Resource` defaults to the topic). They are written with Sid
    /// `awsbaseline-<Sid>`; statements with that prefix the spec no longer declares are removed, any other
    /// statement (the default owner statement, statements added by hand) is kept.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[schemars(schema_with = "policy_statements")]
    pub policy_statements: Vec<serde_json::Value>,
    /// Subscriptions that must exist. Others on the topic are left alone; pending email confirmations are shown
    /// in status, not treated as drift.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[schemars(length(max = 100))]
    pub subscriptions: Vec<SubscriptionSpec>,
}

fn policy_statements(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
    schemars::json_schema!({
        "type": "array",
        "maxItems": 20,
        "items": {"type": "object", "x-kubernetes-preserve-unknown-fields": true},
    })
}

/// Subscription protocol.
#[derive(
    Deserialize, Serialize, Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, JsonSchema,
)]
#[serde(rename_all = "lowercase")]
pub enum SubscriptionProtocol {
    /// An email address (needs confirming by the recipient).
    Email,
    /// An HTTPS endpoint.
    Https,
    /// An SQS queue ARN.
    Sqs,
    /// A Lambda function ARN.
    Lambda,
}

impl SubscriptionProtocol {
    /// The SNS protocol string.
    pub fn as_str(&self) -> &'static str {
        match self {
            Self::Email => "email",
            Self::Https => "https",
            Self::Sqs => "sqs",
            Self::Lambda => "lambda",
        }
    }
}

/// A subscription.
#[derive(KubeSchema, Deserialize, Serialize, Clone, Debug, PartialEq)]
#[x_kube(validation = Rule::new("self.protocol != 'https' || self.endpoint.startsWith('https://')").message("an https subscription needs an https:// endpoint"))]
#[x_kube(validation = Rule::new("!(self.protocol in ['sqs', 'lambda']) || self.endpoint.startsWith('arn:')").message("sqs and lambda subscriptions need an ARN endpoint"))]
#[serde(rename_all = "camelCase")]
pub struct SubscriptionSpec {
    /// `email`, `https`, `sqs` or `lambda`.
    pub protocol: SubscriptionProtocol,
    /// Address, URL or ARN.
    #[schemars(length(min = 1, max = 2048))]
    pub endpoint: String,
}

/// Comparison of a metric alarm.
#[derive(Deserialize, Serialize, Clone, Copy, Debug, PartialEq, Eq, JsonSchema)]
pub enum ComparisonOperator {
    /// `>=`
    GreaterThanOrEqualToThreshold,
    /// `>`
    GreaterThanThreshold,
    /// `<`
    LessThanThreshold,
    /// `<=`
    LessThanOrEqualToThreshold,
    /// Outside the anomaly detection band.
    LessThanLowerOrGreaterThanUpperThreshold,
    /// Below the anomaly detection band.
    LessThanLowerThreshold,
    /// Above the anomaly detection band.
    GreaterThanUpperThreshold,
}

impl ComparisonOperator {
    /// The CloudWatch name.
    pub fn as_str(&self) -> &'static str {
        match self {
            Self::GreaterThanOrEqualToThreshold => "GreaterThanOrEqualToThreshold",
            Self::GreaterThanThreshold => "GreaterThanThreshold",
            Self::LessThanThreshold => "LessThanThreshold",
            Self::LessThanOrEqualToThreshold => "LessThanOrEqualToThreshold",
            Self::LessThanLowerOrGreaterThanUpperThreshold => {
                "LessThanLowerOrGreaterThanUpperThreshold"
            }
            Self::LessThanLowerThreshold => "LessThanLowerThreshold",
            Self::GreaterThanUpperThreshold => "GreaterThanUpperThreshold",
        }
    }

    /// True for the comparisons against an anomaly detection band.
    pub fn is_band(&self) -> bool {
        matches!(
            self,
            Self::LessThanLowerOrGreaterThanUpperThreshold
                | Self::LessThanLowerThreshold
                | Self::GreaterThanUpperThreshold
        )
    }
}

/// Statistic of a metric alarm.
#[derive(Deserialize, Serialize, Clone, Copy, Debug, PartialEq, Eq, JsonSchema)]
pub enum Statistic {
    /// Average.
    Average,
    /// Sum.
    Sum,
    /// Minimum.
    Minimum,
    /// Maximum.
    Maximum,
    /// SampleCount.
    SampleCount,
}

impl Statistic {
    /// The CloudWatch name.
    pub fn as_str(&self) -> &'static str {
        match self {
            Self::Average => "Average",
            Self::Sum => "Sum",
            Self::Minimum => "Minimum",
            Self::Maximum => "Maximum",
            Self::SampleCount => "SampleCount",
        }
    }
}

/// How missing data is treated.
#[derive(Deserialize, Serialize, Clone, Copy, Debug, PartialEq, Eq, Default, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub enum TreatMissingData {
    /// Missing data keeps the alarm state (CloudWatch's default).
    #[default]
    Missing,
    /// Missing data is treated as good.
    NotBreaching,
    /// Missing data is treated as bad.
    Breaching,
    /// The alarm state is not changed.
    Ignore,
}

impl TreatMissingData {
    /// The CloudWatch name.
    pub fn as_str(&self) -> &'static str {
        match self {
            Self::Missing => "missing",
            Self::NotBreaching => "notBreaching",
            Self::Breaching => "breaching",
            Self::Ignore => "ignore",
        }
    }
}

/// A CloudWatch metric alarm. Its AWS name is derived from the policy (`awsbaseline.<namespace>.<policy>.<name>`),
/// so two policies never collide. It watches one metric (`namespace`, `metricName`, `period`, a statistic),
/// optionally against an anomaly detection band, or a metric math expression (`metrics`).
#[derive(KubeSchema, Deserialize, Serialize, Clone, Debug, PartialEq)]
#[x_kube(validation = Rule::new("has(self.metricName) != has(self.metrics)").message("set either metricName (with namespace, period and a statistic) or metrics"))]
// `namespace` is a CEL reserved word (Kubernetes escapes it as `__namespace__`, which local CEL evaluation does
// not know), so the engine refuses a single-metric alarm without one instead of a rule here.
#[x_kube(validation = Rule::new("has(self.metrics) || has(self.period)").message("a single-metric alarm needs a period"))]
#[x_kube(validation = Rule::new("has(self.metrics) ? (!has(self.statistic) && !has(self.extendedStatistic)) : (has(self.statistic) != has(self.extendedStatistic))").message("set exactly one of statistic or extendedStatistic (metric math alarms set the stat per metric)"))]
#[x_kube(validation = Rule::new("!has(self.datapointsToAlarm) || self.datapointsToAlarm <= self.evaluationPeriods").message("datapointsToAlarm cannot exceed evaluationPeriods"))]
#[x_kube(validation = Rule::new("has(self.metricName) || !has(self.anomalyBand)").message("anomalyBand applies to a single-metric alarm; with metrics, set thresholdMetricId"))]
#[x_kube(validation = Rule::new("has(self.threshold) != (has(self.anomalyBand) || has(self.thresholdMetricId))").message("set threshold, or anomalyBand / thresholdMetricId for an anomaly detection alarm"))]
#[x_kube(validation = Rule::new("(has(self.anomalyBand) || has(self.thresholdMetricId)) == (self.comparisonOperator in ['LessThanLowerOrGreaterThanUpperThreshold', 'LessThanLowerThreshold', 'GreaterThanUpperThreshold'])").message("anomaly detection alarms use a band comparison (LessThanLowerOrGreaterThanUpperThreshold, LessThanLowerThreshold, GreaterThanUpperThreshold), threshold alarms the others"))]
#[serde(rename_all = "camelCase")]
pub struct AlarmSpec {
    /// Name within the policy.
    #[schemars(regex(pattern = r"^[A-Za-z0-9_.-]{1,100}$"), length(max = 100))]
    pub name: String,
    /// Description shown with the alarm.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(length(max = 1024))]
    pub description: Option<String>,
    /// Metric namespace, e.g. `AWS/ApplicationELB`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(length(min = 1, max = 255))]
    pub namespace: Option<String>,
    /// Metric name, e.g. `HTTPCode_Target_5XX_Count`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(length(min = 1, max = 255))]
    pub metric_name: Option<String>,
    /// Metric dimensions.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    #[schemars(length(max = 30))]
    pub dimensions: BTreeMap<String, String>,
    /// Statistic (or `extendedStatistic`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub statistic: Option<Statistic>,
    /// Percentile statistic, e.g. `p99`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(regex(pattern = r"^(p|tm|tc|ts|wm)[0-9]{1,2}(\.[0-9]{1,2})?$"))]
    pub extended_statistic: Option<String>,
    /// Period in seconds (10, 30 or a multiple of 60).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 10, max = 86400))]
    #[x_kube(validation = Rule::new("self == 10 || self == 30 || self % 60 == 0").message("period must be 10, 30 or a multiple of 60 seconds"))]
    pub period: Option<i32>,
    /// Metric math: the metrics and expressions the alarm evaluates; exactly one returns data (the alarm's
    /// value), plus the band with `thresholdMetricId`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[schemars(length(max = 10))]
    #[schemars(extend("x-kubernetes-list-type" = "map", "x-kubernetes-list-map-keys" = ["id"]))]
    pub metrics: Vec<MetricQuerySpec>,
    /// With `metrics`: the id of the `ANOMALY_DETECTION_BAND(...)` expression the alarm compares with.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(regex(pattern = r"^[a-z][a-zA-Z0-9_]{0,254}$"))]
    pub threshold_metric_id: Option<String>,
    /// Compare the metric with an anomaly detection band instead of a static threshold.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub anomaly_band: Option<AnomalyBandSpec>,
    /// Periods evaluated.
    #[schemars(range(min = 1, max = 100))]
    pub evaluation_periods: i32,
    /// Breaching datapoints within the evaluated periods that trigger the alarm (default: all of them).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 1, max = 100))]
    pub datapoints_to_alarm: Option<i32>,
    /// Static threshold (not with an anomaly band).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub threshold: Option<f64>,
    /// Comparison with the threshold or band.
    pub comparison_operator: ComparisonOperator,
    /// How missing data is treated.
    #[serde(default)]
    pub treat_missing_data: TreatMissingData,
    /// Declared topics notified when the alarm fires (and on OK / INSUFFICIENT_DATA with `notifyOk` /
    /// `notifyInsufficientData`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[schemars(length(max = 5), inner(length(min = 1, max = 256)))]
    pub alarm_topics: Vec<String>,
    /// Other action ARNs when the alarm fires (SNS topics of other teams, Auto Scaling, EC2 actions).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[schemars(length(max = 5))]
    pub alarm_action_arns: Vec<String>,
    /// Action ARNs when the alarm returns to OK.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[schemars(length(max = 5))]
    pub ok_action_arns: Vec<String>,
    /// Action ARNs on INSUFFICIENT_DATA.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[schemars(length(max = 5))]
    pub insufficient_data_action_arns: Vec<String>,
    /// Also notify `alarmTopics` when the alarm returns to OK.
    #[serde(default)]
    pub notify_ok: bool,
    /// Also notify `alarmTopics` on INSUFFICIENT_DATA.
    #[serde(default)]
    pub notify_insufficient_data: bool,
}

/// An anomaly detection band around the alarm's metric.
#[derive(KubeSchema, Deserialize, Serialize, Clone, Debug, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct AnomalyBandSpec {
    /// Width of the band in standard deviations.
    #[schemars(range(min = 0.1, max = 100.0))]
    pub standard_deviations: f64,
}

/// One metric or expression of a metric math alarm.
#[derive(KubeSchema, Deserialize, Serialize, Clone, Debug, PartialEq)]
#[x_kube(validation = Rule::new("has(self.expression) != has(self.metric)").message("set exactly one of expression or metric"))]
#[serde(rename_all = "camelCase")]
pub struct MetricQuerySpec {
    /// Id used in expressions (starts with a lowercase letter).
    #[schemars(regex(pattern = r"^[a-z][a-zA-Z0-9_]{0,254}$"))]
    pub id: String,
    /// Metric math expression, e.g. `errors / requests * 100` or `ANOMALY_DETECTION_BAND(m1, 2)`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(length(min = 1, max = 2048))]
    pub expression: Option<String>,
    /// A metric with its statistic and period.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub metric: Option<MetricStatSpec>,
    /// Label.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(length(max = 255))]
    pub label: Option<String>,
    /// Whether this query is the alarm's value (default true, as in CloudWatch; set false on inputs).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub return_data: Option<bool>,
}

/// A metric with statistic and period, inside a metric math alarm.
#[derive(KubeSchema, Deserialize, Serialize, Clone, Debug, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct MetricStatSpec {
    /// Namespace.
    #[schemars(length(min = 1, max = 255))]
    pub namespace: String,
    /// Metric name.
    #[schemars(length(min = 1, max = 255))]
    pub metric_name: String,
    /// Dimensions.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    #[schemars(length(max = 30))]
    pub dimensions: BTreeMap<String, String>,
    /// Statistic, e.g. `Sum`, `Average`, `p99`.
    #[schemars(length(min = 1, max = 64))]
    pub stat: String,
    /// Period in seconds.
    #[schemars(range(min = 10, max = 86400))]
    pub period: i32,
}

/// A composite alarm: a rule over other alarms. In `rule`, `ALARM(name)`, `OK(name)` and
/// `INSUFFICIENT_DATA(name)` with the name of one of this policy's alarms refer to that alarm; any other name is
/// taken as an AWS alarm name.
#[derive(KubeSchema, Deserialize, Serialize, Clone, Debug, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct CompositeAlarmSpec {
    /// Name within the policy.
    #[schemars(regex(pattern = r"^[A-Za-z0-9_.-]{1,100}$"), length(max = 100))]
    pub name: String,
    /// Description.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(length(max = 1024))]
    pub description: Option<String>,
    /// Alarm rule, e.g. `ALARM(alb-5xx) AND ALARM(latency-p99)`.
    #[schemars(length(min = 1, max = 10240))]
    pub rule: String,
    /// Declared topics notified when the composite alarm fires (and on OK with `notifyOk`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[schemars(length(max = 5), inner(length(min = 1, max = 256)))]
    pub alarm_topics: Vec<String>,
    /// Other action ARNs when it fires.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[schemars(length(max = 5))]
    pub alarm_action_arns: Vec<String>,
    /// Also notify `alarmTopics` on OK.
    #[serde(default)]
    pub notify_ok: bool,
}

/// A CloudWatch dashboard.
#[derive(KubeSchema, Deserialize, Serialize, Clone, Debug, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct DashboardSpec {
    /// Name within the policy (the AWS name is `awsbaseline-<policy hash>-<name>`).
    #[schemars(regex(pattern = r"^[A-Za-z0-9_-]{1,200}$"), length(max = 200))]
    pub name: String,
    /// The dashboard body as structured YAML/JSON (`widgets`, `periodOverride`, ...), per the CloudWatch
    /// dashboard body structure.
    #[schemars(schema_with = "crate::api::common::free_form_object")]
    pub body: serde_json::Value,
}

/// Estimated-charges alarms: one per threshold, on `AWS/Billing EstimatedCharges` (maximum over 6 hours).
#[derive(KubeSchema, Deserialize, Serialize, Clone, Debug, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct BillingAlarmSpec {
    /// Thresholds in `currency`, e.g. `[500, 1000]`.
    #[schemars(length(min = 1, max = 10))]
    #[x_kube(validation = Rule::new("self.all(t, t > 0.0)").message("billing thresholds must be positive"))]
    pub thresholds: Vec<f64>,
    /// Currency of the estimate.
    #[serde(default = "usd")]
    #[schemars(regex(pattern = r"^[A-Z]{3}$"))]
    pub currency: String,
    /// Declared topic the alarms notify.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(length(min = 1, max = 256))]
    pub topic: Option<String>,
}

/// A metric filter on a log group.
#[derive(KubeSchema, Deserialize, Serialize, Clone, Debug, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct MetricFilterSpec {
    /// Name within the policy.
    #[schemars(regex(pattern = r"^[A-Za-z0-9_.-]{1,100}$"), length(max = 100))]
    pub name: String,
    /// Log group the filter reads.
    #[schemars(regex(pattern = r"^[A-Za-z0-9_./#-]{1,512}$"), length(max = 512))]
    pub log_group_name: String,
    /// CloudWatch Logs filter pattern.
    #[schemars(length(max = 1024))]
    pub pattern: String,
    /// Namespace of the metric the filter publishes.
    #[schemars(length(min = 1, max = 255))]
    pub metric_namespace: String,
    /// Name of the metric.
    #[schemars(length(min = 1, max = 255))]
    pub metric_name: String,
    /// Value published per matching event (a number or a `$.field` selector).
    #[serde(default = "one")]
    #[schemars(length(min = 1, max = 100))]
    pub metric_value: String,
}

/// One item of the CIS AWS Foundations monitoring set.
#[derive(
    Deserialize, Serialize, Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, JsonSchema,
)]
#[serde(rename_all = "camelCase")]
pub enum CisItem {
    /// Unauthorized API calls (CloudWatch.2, CIS 4.1).
    UnauthorizedApiCalls,
    /// Console sign-in without MFA (CloudWatch.3, CIS 4.2).
    ConsoleSignInWithoutMfa,
    /// Root account use (CloudWatch.1, CIS 4.3).
    RootAccountUsage,
    /// IAM policy changes (CloudWatch.4, CIS 4.4).
    IamPolicyChanges,
    /// CloudTrail configuration changes (CloudWatch.5, CIS 4.5).
    CloudTrailChanges,
    /// Console authentication failures (CloudWatch.6, CIS 4.6).
    ConsoleAuthenticationFailures,
    /// Disabling or scheduled deletion of customer managed keys (CloudWatch.7, CIS 4.7).
    CmkDisableOrDeletion,
    /// S3 bucket policy changes (CloudWatch.8, CIS 4.8).
    S3BucketPolicyChanges,
    /// AWS Config configuration changes (CloudWatch.9, CIS 4.9).
    ConfigChanges,
    /// Security group changes (CloudWatch.10, CIS 4.10).
    SecurityGroupChanges,
    /// Network ACL changes (CloudWatch.11, CIS 4.11).
    NaclChanges,
    /// Network gateway changes (CloudWatch.12, CIS 4.12).
    NetworkGatewayChanges,
    /// Route table changes (CloudWatch.13, CIS 4.13).
    RouteTableChanges,
    /// VPC changes (CloudWatch.14, CIS 4.14).
    VpcChanges,
    /// AWS Organizations changes (CIS 4.15).
    OrganizationsChanges,
}

/// The CIS AWS Foundations monitoring set: per item a metric filter on the CloudTrail log group and an alarm
/// (Sum over 300 s, 1 evaluation period, threshold >= 1, missing data not breaching) notifying `topic`.
#[derive(KubeSchema, Deserialize, Serialize, Clone, Debug, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct CisPresetSpec {
    /// The CloudWatch Logs group CloudTrail delivers to.
    #[schemars(regex(pattern = r"^[A-Za-z0-9_./#-]{1,512}$"), length(max = 512))]
    pub log_group_name: String,
    /// Declared topic the alarms notify.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(length(min = 1, max = 256))]
    pub topic: Option<String>,
    /// Metric namespace of the filters.
    #[serde(default = "cis_namespace")]
    #[schemars(length(min = 1, max = 255))]
    pub metric_namespace: String,
    /// Items switched off.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[schemars(extend("x-kubernetes-list-type" = "set"))]
    pub exclude: Vec<CisItem>,
}

/// Retention of a log group.
#[derive(KubeSchema, Deserialize, Serialize, Clone, Debug, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct LogGroupSpec {
    /// Log group name.
    #[schemars(regex(pattern = r"^[A-Za-z0-9_./#-]{1,512}$"), length(max = 512))]
    pub name: String,
    /// Days events are kept (one of the values CloudWatch Logs accepts).
    #[x_kube(validation = Rule::new("self in [1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653]").message("retentionInDays must be a value CloudWatch Logs accepts (1, 3, 5, 7, 14, 30, 60, 90, ... 3653)"))]
    pub retention_in_days: i32,
    /// KMS key ARN the log group is encrypted with (its key policy must allow CloudWatch Logs); unset leaves
    /// the group's encryption as it is.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(regex(pattern = r"^arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:key/.+$"))]
    pub kms_key_id: Option<String>,
    /// Allow lowering the retention of a group that keeps its events longer (or forever), which deletes its older
    /// events. Without it a lower `retentionInDays` is reported and not applied: a policy never shortens another
    /// team's audit logs by naming their group.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub allow_retention_decrease: bool,
}

/// AWS identifiers of what a MonitoringPolicy manages in one region.
#[derive(Deserialize, Serialize, Clone, Debug, Default, PartialEq, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct MonitoringResources {
    /// Region.
    pub region: String,
    /// Topic ARNs by declared name.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub topic_arns: BTreeMap<String, String>,
    /// Subscriptions waiting for the recipient's confirmation (`topic: endpoint`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub pending_confirmations: Vec<String>,
    /// Alarms managed (AWS names).
    #[serde(default)]
    pub alarms: u32,
    /// Metric filters managed (`logGroup:filterName`) the operator created.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub metric_filters: Vec<String>,
    /// Dashboards the operator created (AWS names).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub dashboards: Vec<String>,
    /// EventBridge rules managed (finding routes and scheduled actions).
    #[serde(default)]
    pub event_rules: u32,
    /// Logs Insights query definitions the operator created, id by AWS name.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub query_definitions: BTreeMap<String, String>,
    /// EKS clusters whose `amazon-cloudwatch-observability` add-on this policy manages (cluster names), so
    /// that add-ons of clusters removed from the spec are found; the add-on's tags prove ownership before a
    /// delete.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub eks_addons: Vec<String>,
}

/// Observed state of a `MonitoringPolicy`.
#[derive(Deserialize, Serialize, Clone, Debug, Default, PartialEq, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct MonitoringPolicyStatus {
    /// Conditions, components and drift, as for every kind.
    #[serde(flatten)]
    pub common: ReconcileStatus,
    /// AWS identifiers per region.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub resources: Vec<MonitoringResources>,
}
