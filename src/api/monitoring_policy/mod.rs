//! `MonitoringPolicy`: how a team is told that something is wrong — SNS topics and subscriptions, CloudWatch
//! metric alarms, log metric filters (with the CIS AWS Foundations monitoring preset) and log group retention.
// Repeated `printcolumn(type_ = "string", ...)` arguments are separate columns, not duplicates.
#![allow(clippy::duplicated_attributes)]

use kube::{CustomResource, KubeSchema};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

use super::common::{AccountRef, DeletionPolicy, DriftPolicy, ReconcileStatus};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::LabelSelector;

mod alarms;
mod cloudwatch_agent;
mod container_insights;
mod dashboards;
mod events;
mod logs;
mod topics;
mod user_checks;

pub use alarms::*;
pub use cloudwatch_agent::*;
pub use container_insights::*;
pub use dashboards::*;
pub use events::*;
pub use logs::*;
pub use topics::*;
pub use user_checks::*;

fn delete() -> DeletionPolicy {
    DeletionPolicy::Delete
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
#[x_kube(validation = Rule::new("has(self.topics) || has(self.alarms) || has(self.compositeAlarms) || has(self.logMetricFilters) || has(self.cisAwsFoundations) || has(self.logGroups) || has(self.dashboards) || has(self.billingAlarm) || has(self.findingRoutes) || has(self.scheduledActions) || has(self.insightsQueries) || has(self.containerInsights) || has(self.healthChecks) || has(self.canaries) || has(self.cloudWatchAgent)").message("declare at least one of topics, alarms, compositeAlarms, logMetricFilters, cisAwsFoundations, logGroups, dashboards, billingAlarm, findingRoutes, scheduledActions, insightsQueries, containerInsights, healthChecks, canaries or cloudWatchAgent"))]
#[x_kube(validation = Rule::new("!has(self.healthChecks) || self.healthChecks.all(h, !has(h.alarm) || (has(self.topics) && self.topics.exists(x, x.name == h.alarm.topic)))").message("healthChecks[].alarm.topic must name a topic declared in spec.topics"))]
#[x_kube(validation = Rule::new("!has(self.findingRoutes) || self.findingRoutes.all(r, has(self.topics) && self.topics.exists(x, x.name == r.topic))").message("findingRoutes[].topic must name a topic declared in spec.topics"))]
#[x_kube(validation = Rule::new("!has(self.compositeAlarms) || self.compositeAlarms.all(a, (has(a.alarmTopics) ? a.alarmTopics : []).all(t, has(self.topics) && self.topics.exists(x, x.name == t)))").message("compositeAlarms[].alarmTopics must name topics declared in spec.topics"))]
#[x_kube(validation = Rule::new("!has(self.billingAlarm) || !has(self.billingAlarm.topic) || (has(self.topics) && self.topics.exists(x, x.name == self.billingAlarm.topic))").message("billingAlarm.topic must name a topic declared in spec.topics"))]
#[x_kube(validation = Rule::new("!has(self.alarms) || !has(self.topics) || self.alarms.all(a, (has(a.alarmTopics) ? a.alarmTopics : []).all(t, self.topics.exists(x, x.name == t)))").message("alarmTopics must name topics declared in spec.topics"))]
#[x_kube(validation = Rule::new("!has(self.alarms) || has(self.topics) || self.alarms.all(a, !has(a.alarmTopics))").message("alarmTopics must name topics declared in spec.topics"))]
#[x_kube(validation = Rule::new("!has(self.cisAwsFoundations) || !has(self.cisAwsFoundations.topic) || (has(self.topics) && self.topics.exists(x, x.name == self.cisAwsFoundations.topic))").message("cisAwsFoundations.topic must name a topic declared in spec.topics"))]
#[x_kube(validation = Rule::new("has(self.accountRef) != has(self.accountSelector)").message("set exactly one of accountRef or accountSelector"))]
#[serde(rename_all = "camelCase")]
pub struct MonitoringPolicySpec {
    /// The `AwsAccount` to monitor (it must admit this object's namespace in `allowedNamespaces`). Exactly one of `accountRef` and `accountSelector`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub account_ref: Option<AccountRef>,
    /// Apply this object to every `AwsAccount` whose labels match (`{}` matches all) and that admits this object's
    /// namespace in `allowedNamespaces`: an account the namespace may not use is invisible, so a team's `{}`
    /// never lists another team's accounts. Status then carries a per-account rollup (counts and the first 20
    /// accounts not in sync) and a small per-account ledger; per-account detail is in Events. Exactly one of
    /// `accountRef` and `accountSelector`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub account_selector: Option<LabelSelector>,
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
    /// Route 53 health checks of the endpoints users reach (global), each with an optional CloudWatch alarm on its
    /// status (in us-east-1, where Route 53 publishes its metrics: a policy with such an alarm must list it).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[schemars(length(max = 50))]
    #[schemars(extend("x-kubernetes-list-type" = "map", "x-kubernetes-list-map-keys" = ["name"]))]
    pub health_checks: Vec<HealthCheckSpec>,
    /// CloudWatch Synthetics canaries (heartbeat or API checks from a declared script), in every policy region.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[schemars(length(max = 20))]
    #[schemars(extend("x-kubernetes-list-type" = "map", "x-kubernetes-list-map-keys" = ["name"]))]
    pub canaries: Vec<CanarySpec>,
    /// The CloudWatch agent on the EC2 instances the tags select, in every policy region: its configuration in
    /// Parameter Store, installed and configured by State Manager associations whose compliance status reports.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cloud_watch_agent: Option<CloudWatchAgentSpec>,
}

impl MonitoringPolicySpec {
    /// Every IAM role this spec hands to AWS services: the scheduled actions' roles (EventBridge), the
    /// Container Insights add-on roles (EKS) and the canaries' execution roles (Lambda), and the
    /// `AutomationAssumeRole` of runbooks the scheduled actions' own role starts (SSM). Checked against the
    /// AwsAccount's `passableRoles`.
    pub fn passed_roles(&self) -> Vec<&String> {
        let eks = self.container_insights.iter().flat_map(|c| &c.eks);
        // A runbook's AutomationAssumeRole is passed by the scheduled actions' own role (`createRole`): the
        // tenant must be allowed to pass it too.
        let assumed = self
            .scheduled_actions
            .iter()
            .filter(|a| a.create_role)
            .filter_map(|a| a.automation.as_ref())
            .filter_map(|auto| auto.parameters.get("AutomationAssumeRole"))
            .flatten();
        self.scheduled_actions
            .iter()
            .filter_map(|a| a.role_arn.as_ref())
            .chain(assumed)
            .chain(eks.flat_map(|e| {
                e.service_account_role_arn
                    .iter()
                    .chain(e.pod_identity_role_arn.iter())
            }))
            .chain(self.canaries.iter().map(|c| &c.execution_role_arn))
            .collect()
    }
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
    /// Route 53 health check IDs by declared name, recorded in the one region whose pass manages them (us-east-1
    /// when the policy lists it, else its first region): the ID is what identifies a health check, never its name.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub health_checks: BTreeMap<String, String>,
    /// Synthetics canaries by declared name: their AWS names (derived, at most 21 characters).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub canaries: BTreeMap<String, String>,
    /// The CloudWatch agent's parameter and associations (recorded so a removed section is still cleaned up).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cloud_watch_agent: Option<CloudWatchAgentResources>,
}

/// The CloudWatch agent's resources in one region.
#[derive(Deserialize, Serialize, Clone, Debug, Default, PartialEq, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct CloudWatchAgentResources {
    /// Name of the configuration parameter.
    pub parameter_name: String,
    /// The associations, with their compliance.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub associations: Vec<AgentAssociationStatus>,
}

/// One CloudWatch agent association and where its runs stand.
#[derive(Deserialize, Serialize, Clone, Debug, Default, PartialEq, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct AgentAssociationStatus {
    /// `install` (AWS-ConfigureAWSPackage) or `configure` (AmazonCloudWatch-ManageAgent).
    pub role: String,
    /// Association ID.
    pub association_id: String,
    /// The association's overall status: `Pending`, `Success` or `Failed`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<String>,
    /// Targeted instances per association status (`Success`, `Failed`, `Pending`, ...).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub instances: BTreeMap<String, i32>,
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
    /// With `accountSelector`: how many selected accounts are in sync, drifted or failed, and the first 20 that
    /// are not (their drift in `drift`, their failing components in `components`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub accounts: Option<crate::api::fleet::AccountRollup>,
    /// With `accountSelector`: per selected account, its state, the components it created or adopted there and
    /// their AWS identifiers (what the next pass and a deletion need); `resources` then stays empty.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub ledger: Vec<crate::api::fleet::AccountRecord<MonitoringResources>>,
}

impl MonitoringPolicySpec {
    /// The name `accountRef` gives (empty with `accountSelector`).
    pub fn account_name(&self) -> &str {
        self.account_ref
            .as_ref()
            .map(|r| r.name.as_str())
            .unwrap_or_default()
    }
}
