//! The `config` section of an AccountBaseline: recorder, delivery channel, rules and remediation.

use super::yes;
use kube::KubeSchema;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// AWS Config in every listed region (Config.1, CIS 3.5).
#[derive(KubeSchema, Deserialize, Serialize, Clone, Debug, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct ConfigSpec {
    /// The configuration recorder (defaults: every supported resource type, global ones in the home region, the
    /// service-linked role, continuous recording). A region has at most one; an existing one is adopted whatever
    /// its name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub recorder: Option<ConfigRecorderSpec>,
    /// Where configuration history and snapshots are delivered. An existing channel is adopted whatever its name.
    pub delivery_channel: ConfigDeliveryChannelSpec,
    /// Whether the recorder is recording.
    #[serde(default = "yes")]
    pub recording: bool,
    /// AWS managed rules, created in every listed region as `<baseline name>-<rule name>` and tagged; rules this
    /// baseline created that leave the spec are deleted.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[schemars(length(max = 100))]
    #[schemars(extend("x-kubernetes-list-type" = "map", "x-kubernetes-list-map-keys" = ["name"]))]
    pub rules: Vec<ConfigRuleSpec>,
}

/// The configuration recorder: every supported resource type, optionally minus exclusions.
#[derive(KubeSchema, Deserialize, Serialize, Clone, Debug, PartialEq)]
#[serde(rename_all = "camelCase")]
#[x_kube(validation = Rule::new("!has(self.excludedResourceTypes) || size(self.excludedResourceTypes) == 0 || (has(self.includeGlobalResourceTypes) && !self.includeGlobalResourceTypes)").message("excludedResourceTypes needs includeGlobalResourceTypes: false (exclusions record global types unless excluded)"))]
#[x_kube(validation = Rule::new("!(has(self.roleArn) && has(self.createRole) && self.createRole)").message("set roleArn or createRole: true, not both (createRole is the service-linked role)"))]
pub struct ConfigRecorderSpec {
    /// IAM role the recorder uses. Unset: the service-linked role `AWSServiceRoleForConfig` (Config.1), which
    /// must exist in the account (or set `createRole`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(regex(pattern = r"^arn:aws[a-z-]*:iam::[0-9]{12}:role/.+$"))]
    pub role_arn: Option<String>,
    /// Create AWS Config's service-linked role `AWSServiceRoleForConfig` when the account lacks it
    /// (CreateServiceLinkedRole for `config.amazonaws.com`; AWS writes its trust and policy). It is never deleted:
    /// the role is shared by every user of AWS Config in the account (other tools, conformance packs, an
    /// organization's aggregator), and AWS refuses to delete it while any recorder uses it.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub create_role: bool,
    /// Record global resource types (IAM users, roles, policies) too; done in the home region only, so each global
    /// item is recorded once.
    #[serde(default = "yes")]
    pub include_global_resource_types: bool,
    /// Resource types not to record, e.g. `AWS::EC2::NetworkInterface`.
    #[serde(default)]
    #[schemars(length(max = 100))]
    #[schemars(inner(regex(pattern = r"^AWS::[A-Za-z0-9]+::[A-Za-z0-9]+$")))]
    #[schemars(extend("x-kubernetes-list-type" = "set"))]
    pub excluded_resource_types: Vec<String>,
    /// How often changes are recorded.
    #[serde(default)]
    pub recording_frequency: RecordingFrequency,
}

impl Default for ConfigRecorderSpec {
    fn default() -> Self {
        Self {
            role_arn: None,
            create_role: false,
            include_global_resource_types: true,
            excluded_resource_types: vec![],
            recording_frequency: RecordingFrequency::default(),
        }
    }
}

/// AWS Config recording frequency.
#[derive(JsonSchema, Deserialize, Serialize, Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum RecordingFrequency {
    /// Every change as it happens (the AWS default).
    #[default]
    #[serde(rename = "CONTINUOUS")]
    Continuous,
    /// Once a day, the latest state of changed resources.
    #[serde(rename = "DAILY")]
    Daily,
}

impl RecordingFrequency {
    /// The API value.
    pub fn as_str(&self) -> &'static str {
        match self {
            Self::Continuous => "CONTINUOUS",
            Self::Daily => "DAILY",
        }
    }
}

/// The AWS Config delivery channel.
#[derive(KubeSchema, Deserialize, Serialize, Clone, Debug, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct ConfigDeliveryChannelSpec {
    /// S3 bucket for configuration history and snapshots (its policy must let AWS Config write).
    #[schemars(regex(pattern = r"^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$"))]
    pub s3_bucket_name: String,
    /// Key prefix inside the bucket.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(length(min = 1, max = 200))]
    pub s3_key_prefix: Option<String>,
    /// KMS key ARN that encrypts delivered objects.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(regex(pattern = r"^arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:key/.+$"))]
    pub s3_kms_key_arn: Option<String>,
    /// SNS topic ARN notified of configuration changes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(regex(pattern = r"^arn:aws[a-z-]*:sns:[a-z0-9-]+:[0-9]{12}:.+$"))]
    pub sns_topic_arn: Option<String>,
    /// How often configuration snapshots are delivered; unset means no periodic snapshots.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub snapshot_delivery_frequency: Option<SnapshotDeliveryFrequency>,
    /// Create the bucket (in the home region) when missing, like the CloudTrail bucket: default encryption,
    /// versioning, Block Public Access and the bucket policy AWS Config needs. When it is also the CloudTrail bucket
    /// with `createBucket`, that one bucket carries both policies. Never deleted by the operator.
    #[serde(default)]
    pub create_bucket: bool,
}

/// How often AWS Config delivers configuration snapshots.
#[derive(JsonSchema, Deserialize, Serialize, Clone, Copy, Debug, PartialEq, Eq)]
pub enum SnapshotDeliveryFrequency {
    /// Hourly.
    #[serde(rename = "One_Hour")]
    OneHour,
    /// Every three hours.
    #[serde(rename = "Three_Hours")]
    ThreeHours,
    /// Every six hours.
    #[serde(rename = "Six_Hours")]
    SixHours,
    /// Every twelve hours.
    #[serde(rename = "Twelve_Hours")]
    TwelveHours,
    /// Daily.
    #[serde(rename = "TwentyFour_Hours")]
    TwentyFourHours,
}

impl SnapshotDeliveryFrequency {
    /// The API value.
    pub fn as_str(&self) -> &'static str {
        match self {
            Self::OneHour => "One_Hour",
            Self::ThreeHours => "Three_Hours",
            Self::SixHours => "Six_Hours",
            Self::TwelveHours => "Twelve_Hours",
            Self::TwentyFourHours => "TwentyFour_Hours",
        }
    }
}

/// An AWS managed Config rule.
#[derive(KubeSchema, Deserialize, Serialize, Clone, Debug, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct ConfigRuleSpec {
    /// Name within this baseline; the AWS rule is `<baseline name>-<name>`.
    #[schemars(regex(pattern = r"^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$"))]
    pub name: String,
    /// Managed rule identifier, e.g. `CLOUD_TRAIL_ENABLED`, `ACCESS_KEYS_ROTATED`.
    #[schemars(regex(pattern = r"^[A-Z0-9_]{1,256}$"))]
    pub source_identifier: String,
    /// Rule parameters, e.g. `{maxAccessKeyAge: "90"}`.
    #[serde(default, skip_serializing_if = "std::collections::BTreeMap::is_empty")]
    pub input_parameters: std::collections::BTreeMap<String, String>,
    /// Remediation of non-compliant resources through an SSM Automation document. Unset: not managed (a
    /// remediation configured on the rule stays as it is).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub remediation: Option<ConfigRemediationSpec>,
}

/// Remediation of a Config rule's non-compliant resources by an SSM Automation document, e.g.
/// `AWS-ConfigureCloudTrailLogging` for `CLOUD_TRAIL_ENABLED`.
#[derive(KubeSchema, Deserialize, Serialize, Clone, Debug, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct ConfigRemediationSpec {
    /// SSM Automation document name (or ARN).
    #[schemars(length(min = 1, max = 256))]
    pub document_name: String,
    /// Document version; unset means the default version.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(length(min = 1, max = 256))]
    pub document_version: Option<String>,
    /// Run the document automatically when a resource becomes non-compliant (else on request only).
    #[serde(default = "yes")]
    pub automatic: bool,
    /// Automatic attempts per resource before giving up, 1–25.
    #[serde(default = "five")]
    #[schemars(range(min = 1, max = 25))]
    pub maximum_automatic_attempts: i32,
    /// Window in seconds in which `maximumAutomaticAttempts` are made, 1–2678000.
    #[serde(default = "sixty")]
    #[schemars(range(min = 1, max = 2678000))]
    pub retry_attempt_seconds: i64,
    /// Document parameter that receives the ID of the non-compliant resource.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(length(min = 1, max = 256))]
    pub resource_id_parameter: Option<String>,
    /// Static document parameters, e.g. `{AutomationAssumeRole: ["arn:aws:iam::123456789012:role/remediation"]}`.
    #[serde(default, skip_serializing_if = "std::collections::BTreeMap::is_empty")]
    pub parameters: std::collections::BTreeMap<String, Vec<String>>,
}

fn five() -> i32 {
    5
}
fn sixty() -> i64 {
    60
}
