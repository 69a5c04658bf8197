//! The `cloudTrail` section of an AccountBaseline: the trail, its delivery and its event selectors.

use super::yes;
use kube::KubeSchema;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// A CloudTrail trail, managed in the home region.
#[derive(KubeSchema, Deserialize, Serialize, Clone, Debug, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct CloudTrailSpec {
    /// Trail name. A trail with this name that the operator did not create is adopted, never duplicated.
    #[schemars(regex(pattern = r"^[A-Za-z0-9][A-Za-z0-9._-]{2,127}$"))]
    pub name: String,
    /// Record events in every region (CloudTrail.1, CIS 3.1).
    #[serde(default = "yes")]
    pub multi_region: bool,
    /// Include events from global services such as IAM.
    #[serde(default = "yes")]
    pub include_global_service_events: bool,
    /// Write digest files so log integrity can be validated (CloudTrail.4, CIS 3.2).
    #[serde(default = "yes")]
    pub log_file_validation: bool,
    /// Where log files are delivered.
    pub s3: CloudTrailBucket,
    /// KMS key (ID, ARN or alias) that encrypts log files (CloudTrail.2, CIS 3.7).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(length(min = 1, max = 2048))]
    pub kms_key_id: Option<String>,
    /// Also deliver events to CloudWatch Logs (CloudTrail.5, CIS 3.4).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cloud_watch_logs: Option<CloudWatchLogsDelivery>,
    /// Which management events are recorded. Defaults to all read and write events.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub management_events: Option<ManagementEvents>,
    /// Data events recorded through advanced event selectors.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[schemars(length(max = 10))]
    pub data_events: Vec<DataEventSelector>,
    /// CloudTrail Insights types to enable; an empty list turns Insights off.
    #[serde(default)]
    #[schemars(extend("x-kubernetes-list-type" = "set"))]
    pub insights: Vec<InsightType>,
    /// Whether the trail is logging.
    #[serde(default = "yes")]
    pub logging: bool,
    /// An organization trail (`IsOrganizationTrail`): it logs every account of the organization into this trail's
    /// bucket. Only the organization's management account (or CloudTrail's delegated administrator) may set it, so
    /// declare it in the baseline of that account, usually next to its `organization` section; the trail is managed
    /// exactly as any other (drift, ownership, deletion). With `s3.createBucket` the bucket policy also lets this
    /// trail write the member accounts' logs (`AWSLogs/*`, only from this trail's ARN).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub is_organization_trail: bool,
}

/// S3 delivery of a trail.
#[derive(KubeSchema, Deserialize, Serialize, Clone, Debug, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct CloudTrailBucket {
    /// Bucket name.
    #[schemars(regex(pattern = r"^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$"))]
    pub bucket_name: String,
    /// Key prefix for log files.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(length(min = 1, max = 200))]
    pub key_prefix: Option<String>,
    /// Create the bucket when missing, with default encryption, versioning, Block Public Access and the bucket
    /// policy CloudTrail needs. The bucket is never deleted by the operator: audit logs outlive the baseline.
    #[serde(default)]
    pub create_bucket: bool,
}

/// CloudWatch Logs delivery of a trail.
#[derive(KubeSchema, Deserialize, Serialize, Clone, Debug, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct CloudWatchLogsDelivery {
    /// Log group ARN as CloudTrail expects it, ending in `:*`.
    #[schemars(regex(pattern = r"^arn:aws[a-z-]*:logs:[a-z0-9-]+:[0-9]{12}:log-group:[^:]+:\*$"))]
    pub log_group_arn: String,
    /// IAM role CloudTrail assumes to write to the log group.
    #[schemars(regex(pattern = r"^arn:aws[a-z-]*:iam::[0-9]{12}:role/.+$"))]
    pub role_arn: String,
}

/// Management event recording.
#[derive(KubeSchema, Deserialize, Serialize, Clone, Debug, PartialEq, Default)]
#[serde(rename_all = "camelCase")]
pub struct ManagementEvents {
    /// Record management events at all.
    #[serde(default = "yes")]
    pub enabled: bool,
    /// Read, write or both.
    #[serde(default)]
    pub read_write_type: ReadWriteType,
    /// Event sources to leave out, e.g. `kms.amazonaws.com` or `rdsdata.amazonaws.com`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[schemars(extend("x-kubernetes-list-type" = "set"))]
    pub exclude_event_sources: Vec<EventSourceExclusion>,
}

/// Event sources CloudTrail lets a trail exclude from management events.
#[derive(
    JsonSchema, Deserialize, Serialize, Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord,
)]
pub enum EventSourceExclusion {
    /// AWS KMS events.
    #[serde(rename = "kms.amazonaws.com")]
    Kms,
    /// RDS Data API events.
    #[serde(rename = "rdsdata.amazonaws.com")]
    RdsData,
}

impl EventSourceExclusion {
    /// The event source as CloudTrail writes it.
    pub fn as_str(&self) -> &'static str {
        match self {
            Self::Kms => "kms.amazonaws.com",
            Self::RdsData => "rdsdata.amazonaws.com",
        }
    }
}

/// Which events of a kind are recorded.
#[derive(JsonSchema, Deserialize, Serialize, Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum ReadWriteType {
    /// Read and write events.
    #[default]
    All,
    /// Only read events.
    ReadOnly,
    /// Only write events.
    WriteOnly,
}

/// A data event selector.
#[derive(KubeSchema, Deserialize, Serialize, Clone, Debug, PartialEq)]
#[serde(rename_all = "camelCase")]
#[x_kube(validation = Rule::new("self.resourceType != 'S3Object' || self.arnPrefixes.all(p, p.startsWith('arn:aws:s3:::'))").message("S3Object arnPrefixes must start with arn:aws:s3:::"))]
#[x_kube(validation = Rule::new("self.resourceType != 'LambdaFunction' || self.arnPrefixes.all(p, p.startsWith('arn:aws:lambda:'))").message("LambdaFunction arnPrefixes must start with arn:aws:lambda:"))]
pub struct DataEventSelector {
    /// Resource type whose data events are recorded.
    pub resource_type: DataResourceType,
    /// Limit to resources whose ARN starts with one of these; empty records every resource of the type.
    #[serde(default)]
    #[schemars(length(max = 50))]
    #[schemars(inner(length(min = 1, max = 2048)))]
    pub arn_prefixes: Vec<String>,
    /// Read, write or both.
    #[serde(default)]
    pub read_write_type: ReadWriteType,
}

/// Resource types with data events.
#[derive(JsonSchema, Deserialize, Serialize, Clone, Copy, Debug, PartialEq, Eq)]
pub enum DataResourceType {
    /// S3 object-level API activity (`AWS::S3::Object`).
    S3Object,
    /// Lambda function invocations (`AWS::Lambda::Function`).
    LambdaFunction,
}

impl DataResourceType {
    /// The CloudTrail `resources.type` value.
    pub fn as_aws(&self) -> &'static str {
        match self {
            Self::S3Object => "AWS::S3::Object",
            Self::LambdaFunction => "AWS::Lambda::Function",
        }
    }
}

/// CloudTrail Insights types.
#[derive(
    JsonSchema, Deserialize, Serialize, Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord,
)]
pub enum InsightType {
    /// Unusual write API call volume.
    ApiCallRateInsight,
    /// Unusual API error rates.
    ApiErrorRateInsight,
}
