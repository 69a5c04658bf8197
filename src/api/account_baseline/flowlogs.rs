//! The `vpcFlowLogs` section of an AccountBaseline.

use kube::KubeSchema;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// VPC flow logs (EC2.6, CIS 3.9).
#[derive(KubeSchema, Deserialize, Serialize, Clone, Debug, PartialEq)]
#[serde(rename_all = "camelCase")]
#[x_kube(validation = Rule::new("has(self.cloudWatchLogs) != has(self.s3)").message("set exactly one destination: cloudWatchLogs or s3"))]
pub struct VpcFlowLogsSpec {
    /// Only VPCs carrying all of these tags; unset (or empty) means every VPC in the region.
    #[serde(default, skip_serializing_if = "std::collections::BTreeMap::is_empty")]
    #[schemars(length(max = 10))]
    pub vpc_tags: std::collections::BTreeMap<String, String>,
    /// Deliver to a CloudWatch Logs log group.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cloud_watch_logs: Option<FlowLogsCloudWatch>,
    /// Deliver to an S3 bucket.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub s3: Option<FlowLogsS3>,
    /// Which traffic is logged. EC2.6 evaluates `REJECT`; `ALL` includes it.
    #[serde(default)]
    pub traffic_type: FlowLogsTrafficType,
    /// Custom log format (e.g. `${version} ${vpc-id} ${srcaddr} ...`); unset means AWS's default format, not managed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(length(min = 1, max = 4096))]
    pub log_format: Option<String>,
    /// Maximum aggregation interval in seconds: 60 or 600.
    #[serde(default = "six_hundred")]
    #[schemars(range(min = 60, max = 600))]
    #[x_kube(validation = Rule::new("self == 60 || self == 600").message("maxAggregationInterval must be 60 or 600"))]
    pub max_aggregation_interval: i32,
}

fn six_hundred() -> i32 {
    600
}

/// CloudWatch Logs delivery of flow logs.
#[derive(KubeSchema, Deserialize, Serialize, Clone, Debug, PartialEq)]
#[serde(rename_all = "camelCase")]
#[x_kube(validation = Rule::new("has(self.deliverLogsPermissionArn) != (has(self.createRole) && self.createRole)").message("set exactly one of deliverLogsPermissionArn or createRole: true"))]
pub struct FlowLogsCloudWatch {
    /// Log group name (created by AWS on first delivery when missing).
    #[schemars(regex(pattern = r"^[A-Za-z0-9_/.#-]{1,512}$"))]
    pub log_group_name: String,
    /// IAM role the flow logs service assumes to write to the log group (one you manage). Exactly one of
    /// `deliverLogsPermissionArn` and `createRole`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(regex(pattern = r"^arn:aws[a-z-]*:iam::[0-9]{12}:role/.+$"))]
    pub deliver_logs_permission_arn: Option<String>,
    /// The operator creates and owns the delivery role: `awsbaseline-flow-logs-<hash of this baseline>`, trusting
    /// `vpc-flow-logs.amazonaws.com` for this account's flow logs only (`aws:SourceAccount`, `aws:SourceArn`), with
    /// an inline policy allowing delivery to this log group (in any region) and nothing else. Drift is corrected; it
    /// is deleted with the baseline under `deletionPolicy: Delete` when its tags prove the operator created it.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub create_role: bool,
}

/// S3 delivery of flow logs.
#[derive(KubeSchema, Deserialize, Serialize, Clone, Debug, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct FlowLogsS3 {
    /// Bucket ARN, optionally with a folder: `arn:aws:s3:::bucket/prefix`.
    #[schemars(regex(pattern = r"^arn:aws[a-z-]*:s3:::[a-z0-9][a-z0-9.-]{1,61}[a-z0-9](/.*)?$"))]
    pub bucket_arn: String,
}

/// Traffic a flow log records.
#[derive(JsonSchema, Deserialize, Serialize, Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum FlowLogsTrafficType {
    /// Accepted and rejected traffic.
    #[default]
    #[serde(rename = "ALL")]
    All,
    /// Accepted traffic only.
    #[serde(rename = "ACCEPT")]
    Accept,
    /// Rejected traffic only.
    #[serde(rename = "REJECT")]
    Reject,
}

impl FlowLogsTrafficType {
    /// The API value.
    pub fn as_str(&self) -> &'static str {
        match self {
            Self::All => "ALL",
            Self::Accept => "ACCEPT",
            Self::Reject => "REJECT",
        }
    }
}
