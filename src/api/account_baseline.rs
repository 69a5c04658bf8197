//! `AccountBaseline`: the operational baseline of one AWS account.
// Repeated `printcolumn(type_ = "string", ...)` arguments are separate columns, not duplicates.
#![allow(clippy::duplicated_attributes)]

use kube::{CustomResource, KubeSchema};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::common::{AccountRef, DeletionPolicy, DriftPolicy, ReconcileStatus};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::LabelSelector;

fn yes() -> bool {
    true
}
fn retain() -> DeletionPolicy {
    DeletionPolicy::Retain
}

/// The operational baseline of one AWS account: audit trail, threat detection and account hardening.
#[derive(CustomResource, KubeSchema, Deserialize, Serialize, Clone, Debug, PartialEq)]
#[kube(
    group = "awsbaseline.io",
    version = "v1alpha1",
    kind = "AccountBaseline",
    plural = "accountbaselines",
    shortname = "ab",
    category = "awsbaseline",
    status = "AccountBaselineStatus",
    cel,
    doc = "The operational baseline of one AWS account: audit trail, threat detection and account hardening, with field-level drift in status.",
    printcolumn(name = "Account", type_ = "string", json_path = ".status.accountId"),
    printcolumn(
        name = "Ready",
        type_ = "string",
        json_path = ".status.conditions[?(@.type==\"Ready\")].status"
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
#[x_kube(validation = Rule::new("has(self.accountRef) != has(self.accountSelector)").message("set exactly one of accountRef or accountSelector"))]
#[x_kube(validation = Rule::new("has(self.cloudTrail) || has(self.guardDuty) || has(self.passwordPolicy) || has(self.s3BlockPublicAccess) || has(self.ebsEncryptionByDefault) || has(self.rootAccount)").message("declare at least one baseline section"))]
#[serde(rename_all = "camelCase")]
pub struct AccountBaselineSpec {
    /// The `AwsAccount` this baseline applies to. Exactly one of `accountRef` and `accountSelector`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub account_ref: Option<AccountRef>,
    /// Apply this baseline to every `AwsAccount` whose labels match (`{}` matches all); status then carries a
    /// per-account rollup. Exactly one of `accountRef` and `accountSelector`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub account_selector: Option<LabelSelector>,
    /// Regions for regional sections (GuardDuty, EBS encryption). The first one is the home region where
    /// account-wide settings (CloudTrail trail, IAM, S3 account settings) are managed. Defaults to the
    /// AwsAccount's regions.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[schemars(length(max = 40))]
    #[schemars(inner(regex(pattern = r"^[a-z]{2}(-gov|-iso[a-z]*)?-[a-z]+-[0-9]$")))]
    #[schemars(extend("x-kubernetes-list-type" = "set"))]
    pub regions: Vec<String>,
    /// `Correct` changes AWS back to the spec; `Report` only records drift and never writes to AWS.
    #[serde(default)]
    pub drift_policy: DriftPolicy,
    /// `Retain` (default) leaves AWS as it is when this object is deleted; `Delete` removes what the operator
    /// created and disables what it adopted where that is safe.
    #[serde(default = "retain")]
    pub deletion_policy: DeletionPolicy,
    /// How often AWS is re-read to detect drift, as a duration such as `5m` or `1h30m` (minimum 30s). Defaults to
    /// the operator's `--default-drift-interval` (5m).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(regex(pattern = r"^([0-9]+(s|m|h))+$"), length(max = 32))]
    #[x_kube(validation = Rule::new("duration(self) >= duration('30s')").message("driftCheckInterval must be at least 30s"))]
    pub drift_check_interval: Option<String>,
    /// The organisation's audit trail.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cloud_trail: Option<CloudTrailSpec>,
    /// Amazon GuardDuty in every listed region.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub guard_duty: Option<GuardDutySpec>,
    /// The IAM account password policy. Settings left out are not managed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub password_policy: Option<PasswordPolicySpec>,
    /// Account-level S3 Block Public Access.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub s3_block_public_access: Option<S3BlockPublicAccessSpec>,
    /// EBS encryption by default in every listed region.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ebs_encryption_by_default: Option<EbsEncryptionSpec>,
    /// Root user expectations. Detect-only: the API cannot change them, so they are always reported.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub root_account: Option<RootAccountSpec>,
}

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

/// GuardDuty publishing frequency of updated findings.
#[derive(JsonSchema, Deserialize, Serialize, Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum FindingPublishingFrequency {
    /// Every 15 minutes.
    #[serde(rename = "FIFTEEN_MINUTES")]
    FifteenMinutes,
    /// Every hour.
    #[serde(rename = "ONE_HOUR")]
    OneHour,
    /// Every six hours (the AWS default).
    #[default]
    #[serde(rename = "SIX_HOURS")]
    SixHours,
}

impl FindingPublishingFrequency {
    /// The API value.
    pub fn as_str(&self) -> &'static str {
        match self {
            Self::FifteenMinutes => "FIFTEEN_MINUTES",
            Self::OneHour => "ONE_HOUR",
            Self::SixHours => "SIX_HOURS",
        }
    }
}

/// GuardDuty in every listed region.
#[derive(KubeSchema, Deserialize, Serialize, Clone, Debug, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct GuardDutySpec {
    /// Whether the detector is enabled (GuardDuty.1). `false` suspends an existing detector; none is created.
    #[serde(default = "yes")]
    pub enabled: bool,
    /// How often updated findings are exported.
    #[serde(default)]
    pub finding_publishing_frequency: FindingPublishingFrequency,
    /// Protection plans; a plan left out is not managed.
    #[serde(default)]
    pub features: GuardDutyFeatures,
}

/// GuardDuty protection plans, each on or off. Unset means "not managed".
#[derive(KubeSchema, Deserialize, Serialize, Clone, Debug, PartialEq, Default)]
#[serde(rename_all = "camelCase")]
#[x_kube(validation = Rule::new("!has(self.eksAddonManagement) || !self.eksAddonManagement || (has(self.runtimeMonitoring) && self.runtimeMonitoring)").message("eksAddonManagement requires runtimeMonitoring: true"))]
pub struct GuardDutyFeatures {
    /// S3 Protection (`S3_DATA_EVENTS`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub s3_data_events: Option<bool>,
    /// EKS audit log monitoring (`EKS_AUDIT_LOGS`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub eks_audit_logs: Option<bool>,
    /// Runtime Monitoring (`RUNTIME_MONITORING`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub runtime_monitoring: Option<bool>,
    /// Let GuardDuty manage its security agent add-on on EKS clusters (`EKS_ADDON_MANAGEMENT`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub eks_addon_management: Option<bool>,
    /// Malware Protection for EC2 EBS volumes (`EBS_MALWARE_PROTECTION`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ebs_malware_protection: Option<bool>,
    /// RDS Protection (`RDS_LOGIN_EVENTS`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rds_login_events: Option<bool>,
    /// Lambda Protection (`LAMBDA_NETWORK_LOGS`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lambda_network_logs: Option<bool>,
}

/// IAM account password policy (IAM.7, IAM.15, IAM.16; CIS 1.8, 1.9). Fields left out keep their AWS value.
#[derive(KubeSchema, Deserialize, Serialize, Clone, Debug, PartialEq, Default)]
#[serde(rename_all = "camelCase")]
#[x_kube(validation = Rule::new("!has(self.hardExpiry) || !self.hardExpiry || has(self.maxPasswordAge)").message("hardExpiry requires maxPasswordAge"))]
pub struct PasswordPolicySpec {
    /// Minimum length, 6–128 (CIS asks for 14).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 6, max = 128))]
    pub minimum_password_length: Option<i32>,
    /// Require at least one symbol.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub require_symbols: Option<bool>,
    /// Require at least one number.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub require_numbers: Option<bool>,
    /// Require at least one uppercase letter.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub require_uppercase_characters: Option<bool>,
    /// Require at least one lowercase letter.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub require_lowercase_characters: Option<bool>,
    /// Let IAM users change their own password.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub allow_users_to_change_password: Option<bool>,
    /// Days before a password expires, 1–1095.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 1, max = 1095))]
    pub max_password_age: Option<i32>,
    /// Number of previous passwords that cannot be reused, 1–24 (CIS asks for 24).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 1, max = 24))]
    pub password_reuse_prevention: Option<i32>,
    /// Users whose password expired need an administrator to reset it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hard_expiry: Option<bool>,
}

/// Account-level S3 Block Public Access (S3.1, CIS 2.1.4).
#[derive(KubeSchema, Deserialize, Serialize, Clone, Debug, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct S3BlockPublicAccessSpec {
    /// Reject new public ACLs.
    #[serde(default = "yes")]
    pub block_public_acls: bool,
    /// Ignore existing public ACLs.
    #[serde(default = "yes")]
    pub ignore_public_acls: bool,
    /// Reject public bucket policies.
    #[serde(default = "yes")]
    pub block_public_policy: bool,
    /// Restrict access to buckets with public policies.
    #[serde(default = "yes")]
    pub restrict_public_buckets: bool,
}

/// EBS encryption by default (EC2.7, CIS 2.2.1).
#[derive(KubeSchema, Deserialize, Serialize, Clone, Debug, PartialEq)]
#[serde(rename_all = "camelCase")]
#[x_kube(validation = Rule::new("self.enabled || !has(self.kmsKeyId)").message("kmsKeyId needs enabled: true"))]
pub struct EbsEncryptionSpec {
    /// New EBS volumes are encrypted.
    #[serde(default = "yes")]
    pub enabled: bool,
    /// Default KMS key (ID, ARN or alias ARN); unset means "not managed".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(length(min = 1, max = 2048))]
    pub kms_key_id: Option<String>,
}

/// Root user expectations, read from the IAM account summary. Always reported, never corrected.
#[derive(KubeSchema, Deserialize, Serialize, Clone, Debug, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct RootAccountSpec {
    /// Expect MFA on the root user (IAM.9, CIS 1.5).
    #[serde(default = "yes")]
    pub require_mfa: bool,
    /// Expect no access keys on the root user (IAM.4, CIS 1.4).
    #[serde(default = "yes")]
    pub forbid_access_keys: bool,
}

/// Observed state of an `AccountBaseline`: the status every kind shares, plus a per-account rollup when the
/// baseline selects accounts by label.
#[derive(Deserialize, Serialize, Clone, Debug, Default, PartialEq, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct AccountBaselineStatus {
    /// Conditions, components and drift (each entry names its account when several are selected).
    #[serde(flatten)]
    pub common: ReconcileStatus,
    /// With `accountSelector`: how many selected accounts are in sync, drifted or failed, and which are not in sync.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub accounts: Option<AccountRollup>,
}

/// Per-account rollup of a baseline applied to several accounts.
#[derive(Deserialize, Serialize, Clone, Debug, Default, PartialEq, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct AccountRollup {
    /// Accounts the selector matched.
    pub selected: u32,
    /// Accounts where the baseline holds.
    pub in_sync: u32,
    /// Accounts with drift left in AWS.
    pub drifted: u32,
    /// Accounts the pass could not read or change.
    pub failed: u32,
    /// The accounts not in sync and why.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub not_in_sync: Vec<AccountNotInSync>,
}

/// One account that is not in sync.
#[derive(Deserialize, Serialize, Clone, Debug, PartialEq, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct AccountNotInSync {
    /// AwsAccount name.
    pub name: String,
    /// AWS account ID.
    pub account_id: String,
    /// Ready condition reason, e.g. `DriftReported`, `AccessDenied`.
    pub reason: String,
    /// Ready condition message.
    pub message: String,
}
