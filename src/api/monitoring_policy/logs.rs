//! `spec.logMetricFilters`, `spec.cisAwsFoundations`, `spec.logGroups` and `spec.insightsQueries`: CloudWatch Logs.

use kube::KubeSchema;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

fn one() -> String {
    "1".to_string()
}
fn cis_namespace() -> String {
    "CISBenchmark".to_string()
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
