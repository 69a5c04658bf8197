//! `AccountBaseline`: the operational baseline of one AWS account.
// Repeated `printcolumn(type_ = "string", ...)` arguments are separate columns, not duplicates.
#![allow(clippy::duplicated_attributes)]

use kube::{CustomResource, KubeSchema};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::common::{AccountRef, DeletionPolicy, DriftPolicy, ReconcileStatus};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::LabelSelector;

mod security_hub;
pub use security_hub::*;

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
#[x_kube(validation = Rule::new("has(self.accountRef) != has(self.accountSelector)").message("set exactly one of accountRef or accountSelector"))]
#[x_kube(validation = Rule::new("has(self.cloudTrail) || has(self.guardDuty) || has(self.passwordPolicy) || has(self.s3BlockPublicAccess) || has(self.ebsEncryptionByDefault) || has(self.rootAccount) || has(self.sessionManager) || has(self.inspector) || has(self.config) || has(self.vpcFlowLogs) || has(self.accessAnalyzer) || has(self.securityHub) || has(self.budgets)").message("declare at least one baseline section"))]
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
    /// Session Manager preferences (the `SSM-SessionManagerRunShell` document) in every listed region: where
    /// session logs go, encryption, idle timeout, run-as.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub session_manager: Option<SessionManagerSpec>,
    /// Amazon Inspector scanning in every listed region.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub inspector: Option<InspectorSpec>,
    /// AWS Config in every listed region: the recorder (adopted whatever its name), the delivery channel, recording
    /// on, and managed rules.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub config: Option<ConfigSpec>,
    /// VPC flow logs for every VPC (or the VPCs selected by tag) in every listed region; VPCs created later are
    /// picked up by the next drift check.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vpc_flow_logs: Option<VpcFlowLogsSpec>,
    /// IAM Access Analyzer analyzers and their archive rules.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub access_analyzer: Option<AccessAnalyzerSpec>,
    /// AWS Security Hub in every listed region: standards by name, disabled controls with their reason, the
    /// control finding generator, and a cross-region finding aggregator.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub security_hub: Option<SecurityHubSpec>,
    /// AWS Budgets: cost and usage budgets with their notifications, managed account-wide from the home region.
    /// A budget with a declared name that exists is adopted (updated, never deleted); budgets this baseline
    /// created (proven by tags) that leave the list are deleted. `[]` manages no budget but still deletes those.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(length(max = 50))]
    #[schemars(extend("x-kubernetes-list-type" = "map", "x-kubernetes-list-map-keys" = ["name"]))]
    pub budgets: Option<BudgetsSpec>,
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

/// Account-level S3 Block Public Access (S3.1, CIS 2.1.5).
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

/// Session Manager preferences: the `SSM-SessionManagerRunShell` Session document of each region. Every
/// preference is written; what is left out takes Session Manager's default (no S3 or CloudWatch Logs delivery,
/// 20 minutes idle timeout, no run-as).
#[derive(KubeSchema, Deserialize, Serialize, Clone, Debug, PartialEq)]
#[x_kube(validation = Rule::new("!self.runAsEnabled || has(self.runAsDefaultUser)").message("runAsEnabled needs runAsDefaultUser"))]
#[x_kube(validation = Rule::new("has(self.s3BucketName) || !has(self.s3KeyPrefix)").message("s3KeyPrefix needs s3BucketName"))]
#[serde(rename_all = "camelCase")]
pub struct SessionManagerSpec {
    /// S3 bucket session logs are uploaded to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(regex(pattern = r"^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$"))]
    pub s3_bucket_name: Option<String>,
    /// Key prefix of the uploaded logs.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(length(max = 256))]
    pub s3_key_prefix: Option<String>,
    /// Upload to S3 only if the bucket is encrypted.
    #[serde(default = "yes")]
    pub s3_encryption_enabled: bool,
    /// CloudWatch Logs group session logs are sent to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(regex(pattern = r"^[A-Za-z0-9_./#-]{1,512}$"))]
    pub cloud_watch_log_group_name: Option<String>,
    /// Send to CloudWatch Logs only if the log group is encrypted.
    #[serde(default = "yes")]
    pub cloud_watch_encryption_enabled: bool,
    /// Stream session data continuously (instead of uploading it when the session ends).
    #[serde(default = "yes")]
    pub cloud_watch_streaming_enabled: bool,
    /// KMS key (ID, ARN or alias) that encrypts session data between client and instance; sessions are refused
    /// without it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(length(min = 1, max = 2048))]
    pub kms_key_id: Option<String>,
    /// Minutes without activity before a session ends.
    #[serde(default = "twenty")]
    #[schemars(range(min = 1, max = 60))]
    pub idle_session_timeout_minutes: i32,
    /// Longest a session may last, in minutes (no limit when unset).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 1, max = 1440))]
    pub max_session_duration_minutes: Option<i32>,
    /// Run sessions as `runAsDefaultUser` (Linux) instead of `ssm-user`.
    #[serde(default)]
    pub run_as_enabled: bool,
    /// OS user sessions run as.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(regex(pattern = r"^[a-z_][a-z0-9_-]{0,31}$"))]
    pub run_as_default_user: Option<String>,
    /// Commands run at session start, per platform.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub shell_profile: Option<ShellProfileSpec>,
}

fn twenty() -> i32 {
    20
}

/// Commands run when a session starts.
#[derive(KubeSchema, Deserialize, Serialize, Clone, Debug, PartialEq, Default)]
#[serde(rename_all = "camelCase")]
pub struct ShellProfileSpec {
    /// On Linux, e.g. `exec bash`.
    #[serde(default)]
    #[schemars(length(max = 1024))]
    pub linux: String,
    /// On Windows.
    #[serde(default)]
    #[schemars(length(max = 1024))]
    pub windows: String,
}

/// Amazon Inspector in every listed region.
#[derive(KubeSchema, Deserialize, Serialize, Clone, Debug, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct InspectorSpec {
    /// Resource scan types, each on or off; a scan type left out is not managed.
    pub scan_types: InspectorScanTypes,
}

/// Amazon Inspector resource scan types. Unset means "not managed".
#[derive(KubeSchema, Deserialize, Serialize, Clone, Debug, PartialEq, Default)]
#[serde(rename_all = "camelCase")]
#[x_kube(validation = Rule::new("has(self.ec2) || has(self.ecr) || has(self.lambda) || has(self.lambdaCode)").message("declare at least one scan type"))]
#[x_kube(validation = Rule::new("!has(self.lambdaCode) || !self.lambdaCode || (has(self.lambda) && self.lambda)").message("lambdaCode requires lambda: true"))]
pub struct InspectorScanTypes {
    /// EC2 instance scanning (`EC2`; Inspector.1).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ec2: Option<bool>,
    /// ECR container image scanning (`ECR`; Inspector.2).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ecr: Option<bool>,
    /// Lambda standard scanning (`LAMBDA`; Inspector.4).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lambda: Option<bool>,
    /// Lambda code scanning (`LAMBDA_CODE`; Inspector.3); needs `lambda: true`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lambda_code: Option<bool>,
}

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
pub struct ConfigRecorderSpec {
    /// IAM role the recorder uses. Unset: the service-linked role `AWSServiceRoleForConfig` (Config.1), which
    /// must exist in the account.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(regex(pattern = r"^arn:aws[a-z-]*:iam::[0-9]{12}:role/.+$"))]
    pub role_arn: Option<String>,
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
pub struct FlowLogsCloudWatch {
    /// Log group name (created by AWS on first delivery when missing).
    #[schemars(regex(pattern = r"^[A-Za-z0-9_/.#-]{1,512}$"))]
    pub log_group_name: String,
    /// IAM role the flow logs service assumes to write to the log group.
    #[schemars(regex(pattern = r"^arn:aws[a-z-]*:iam::[0-9]{12}:role/.+$"))]
    pub deliver_logs_permission_arn: String,
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

/// IAM Access Analyzer (IAM.28, CIS 1.20). External access analyzers (`ACCOUNT`, `ORGANIZATION`) are managed in
/// every listed region; unused access analyzers, which analyze account-wide IAM, in the home region only.
#[derive(KubeSchema, Deserialize, Serialize, Clone, Debug, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct AccessAnalyzerSpec {
    /// Analyzers by name. An existing analyzer with the name is adopted (never deleted); analyzers this baseline
    /// created (proven by tags) that leave the spec are deleted.
    #[schemars(length(min = 1, max = 10))]
    #[schemars(extend("x-kubernetes-list-type" = "map", "x-kubernetes-list-map-keys" = ["name"]))]
    pub analyzers: Vec<AnalyzerSpec>,
}

/// One analyzer.
#[derive(KubeSchema, Deserialize, Serialize, Clone, Debug, PartialEq)]
#[serde(rename_all = "camelCase")]
#[x_kube(validation = Rule::new("!has(self.unusedAccessAge) || self.type.endsWith('_UNUSED_ACCESS')").message("unusedAccessAge applies to ACCOUNT_UNUSED_ACCESS and ORGANIZATION_UNUSED_ACCESS analyzers only"))]
pub struct AnalyzerSpec {
    /// Analyzer name (the same in every region).
    #[schemars(regex(pattern = r"^[A-Za-z][A-Za-z0-9_.-]{0,254}$"))]
    pub name: String,
    /// What the analyzer looks at.
    #[serde(rename = "type")]
    pub analyzer_type: AnalyzerType,
    /// Days after which unused access is reported, 1–365 (AWS default 90).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 1, max = 365))]
    pub unused_access_age: Option<i32>,
    /// Archive rules: findings matching a rule's filter are archived automatically. Rules not listed are left
    /// alone on an adopted analyzer and deleted from one this baseline created.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[schemars(length(max = 50))]
    #[schemars(extend("x-kubernetes-list-type" = "map", "x-kubernetes-list-map-keys" = ["name"]))]
    pub archive_rules: Vec<ArchiveRuleSpec>,
}

/// IAM Access Analyzer analyzer types.
#[derive(JsonSchema, Deserialize, Serialize, Clone, Copy, Debug, PartialEq, Eq)]
pub enum AnalyzerType {
    /// External access to this account's resources.
    #[serde(rename = "ACCOUNT")]
    Account,
    /// External access to the organization's resources (from the management or delegated administrator account).
    #[serde(rename = "ORGANIZATION")]
    Organization,
    /// Unused roles, users, keys and permissions of this account.
    #[serde(rename = "ACCOUNT_UNUSED_ACCESS")]
    AccountUnusedAccess,
    /// Unused access across the organization.
    #[serde(rename = "ORGANIZATION_UNUSED_ACCESS")]
    OrganizationUnusedAccess,
}

impl AnalyzerType {
    /// The API value.
    pub fn as_str(&self) -> &'static str {
        match self {
            Self::Account => "ACCOUNT",
            Self::Organization => "ORGANIZATION",
            Self::AccountUnusedAccess => "ACCOUNT_UNUSED_ACCESS",
            Self::OrganizationUnusedAccess => "ORGANIZATION_UNUSED_ACCESS",
        }
    }

    /// An unused access analyzer.
    pub fn is_unused_access(&self) -> bool {
        matches!(
            self,
            Self::AccountUnusedAccess | Self::OrganizationUnusedAccess
        )
    }
}

/// An archive rule.
#[derive(KubeSchema, Deserialize, Serialize, Clone, Debug, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct ArchiveRuleSpec {
    /// Rule name.
    #[schemars(regex(pattern = r"^[A-Za-z][A-Za-z0-9_.-]{0,254}$"))]
    pub name: String,
    /// Finding attribute (e.g. `resourceType`, `principal.AWS`, `isPublic`) -> condition.
    #[schemars(length(min = 1, max = 20))]
    pub filter: std::collections::BTreeMap<String, ArchiveCriterion>,
}

/// A condition on one finding attribute.
#[derive(KubeSchema, Deserialize, Serialize, Clone, Debug, PartialEq, Default)]
#[serde(rename_all = "camelCase")]
#[x_kube(validation = Rule::new("has(self.eq) || has(self.neq) || has(self.contains) || has(self.exists)").message("set eq, neq, contains or exists"))]
pub struct ArchiveCriterion {
    /// Attribute equals one of these.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[schemars(length(max = 20))]
    pub eq: Vec<String>,
    /// Attribute equals none of these.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[schemars(length(max = 20))]
    pub neq: Vec<String>,
    /// Attribute contains one of these.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[schemars(length(max = 20))]
    pub contains: Vec<String>,
    /// Attribute is present (or absent).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub exists: Option<bool>,
}

/// The `budgets` section: budgets by name.
pub type BudgetsSpec = Vec<BudgetSpec>;

/// One budget (AWS Budgets `Budget`), its limit, period, cost filters and notifications.
#[derive(KubeSchema, Deserialize, Serialize, Clone, Debug, PartialEq)]
#[serde(rename_all = "camelCase")]
#[x_kube(validation = Rule::new("has(self.limit) || !(self.budgetType in ['COST', 'USAGE'])").message("COST and USAGE budgets need a limit"))]
pub struct BudgetSpec {
    /// Budget name, unique in the account (AWS allows neither `:` nor `\`; this operator also keeps `.`, `,` and
    /// `/` out, as names are part of field paths and status).
    #[schemars(
        regex(pattern = r"^[A-Za-z0-9][A-Za-z0-9 _+=@()-]{0,99}$"),
        length(min = 1, max = 100)
    )]
    pub name: String,
    /// What the budget tracks.
    pub budget_type: BudgetType,
    /// The amount tracked per period, e.g. `{amount: "1000", unit: USD}`; required for `COST` and `USAGE` budgets
    /// (RI and Savings Plans utilization and coverage budgets default to 100 percent).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub limit: Option<BudgetLimit>,
    /// The period after which actual and forecasted spend reset.
    #[serde(default)]
    pub time_unit: BudgetTimeUnit,
    /// Cost filters, e.g. `{Service: ["Amazon Elastic Compute Cloud - Compute"], Region: [us-east-1]}`. Unset: not
    /// managed (a created budget has none, an adopted one keeps its own); `{}` means no filters.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(length(max = 20))]
    pub cost_filters: Option<std::collections::BTreeMap<String, Vec<String>>>,
    /// Alerts. A notification is identified by type, comparison, threshold and threshold type: changing any of
    /// them replaces it. Notifications not listed are left alone on an adopted budget and deleted from one this
    /// baseline created.
    #[serde(default)]
    #[schemars(length(max = 10))]
    #[x_kube(validation = Rule::new("self.all(a, self.exists_one(b, b.type == a.type && b.comparison == a.comparison && b.threshold == a.threshold && b.thresholdType == a.thresholdType))").message("notifications must differ in type, comparison, threshold or thresholdType"))]
    pub notifications: Vec<BudgetNotificationSpec>,
}

/// AWS Budgets budget types.
#[derive(JsonSchema, Deserialize, Serialize, Clone, Copy, Debug, PartialEq, Eq)]
pub enum BudgetType {
    /// Costs.
    #[serde(rename = "COST")]
    Cost,
    /// Usage (e.g. hours, GB).
    #[serde(rename = "USAGE")]
    Usage,
    /// Reserved Instance utilization.
    #[serde(rename = "RI_UTILIZATION")]
    RiUtilization,
    /// Reserved Instance coverage.
    #[serde(rename = "RI_COVERAGE")]
    RiCoverage,
    /// Savings Plans utilization.
    #[serde(rename = "SAVINGS_PLANS_UTILIZATION")]
    SavingsPlansUtilization,
    /// Savings Plans coverage.
    #[serde(rename = "SAVINGS_PLANS_COVERAGE")]
    SavingsPlansCoverage,
}

impl BudgetType {
    /// The API value.
    pub fn as_str(&self) -> &'static str {
        match self {
            Self::Cost => "COST",
            Self::Usage => "USAGE",
            Self::RiUtilization => "RI_UTILIZATION",
            Self::RiCoverage => "RI_COVERAGE",
            Self::SavingsPlansUtilization => "SAVINGS_PLANS_UTILIZATION",
            Self::SavingsPlansCoverage => "SAVINGS_PLANS_COVERAGE",
        }
    }
}

/// The amount a budget tracks.
#[derive(KubeSchema, Deserialize, Serialize, Clone, Debug, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct BudgetLimit {
    /// A decimal number as a string, e.g. `"1000"` or `"99.5"`; compared numerically (AWS answers `"1000.0"`).
    #[schemars(regex(pattern = r"^([0-9]*\.)?[0-9]+$"), length(min = 1, max = 40))]
    pub amount: String,
    /// Currency (`USD`) for cost budgets, the usage unit (e.g. `Hrs`, `GB`) for usage budgets, `PERCENTAGE` for RI
    /// and Savings Plans budgets.
    #[schemars(length(min = 1, max = 64))]
    pub unit: String,
}

/// How long a budget period lasts.
#[derive(JsonSchema, Deserialize, Serialize, Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum BudgetTimeUnit {
    /// A day.
    #[serde(rename = "DAILY")]
    Daily,
    /// A calendar month (the default).
    #[default]
    #[serde(rename = "MONTHLY")]
    Monthly,
    /// A calendar quarter.
    #[serde(rename = "QUARTERLY")]
    Quarterly,
    /// A calendar year.
    #[serde(rename = "ANNUALLY")]
    Annually,
}

impl BudgetTimeUnit {
    /// The API value.
    pub fn as_str(&self) -> &'static str {
        match self {
            Self::Daily => "DAILY",
            Self::Monthly => "MONTHLY",
            Self::Quarterly => "QUARTERLY",
            Self::Annually => "ANNUALLY",
        }
    }
}

/// A budget alert and who receives it.
#[derive(KubeSchema, Deserialize, Serialize, Clone, Debug, PartialEq)]
#[serde(rename_all = "camelCase")]
#[x_kube(validation = Rule::new("size(self.emails) + size(self.snsTopicArns) >= 1").message("a notification needs at least one subscriber in emails or snsTopicArns"))]
#[x_kube(validation = Rule::new("self.thresholdType != 'PERCENTAGE' || self.threshold <= 1000000.0").message("a PERCENTAGE threshold can be at most 1000000"))]
pub struct BudgetNotificationSpec {
    /// Alert on actual spend or on the forecast.
    #[serde(rename = "type")]
    pub notification_type: BudgetNotificationType,
    /// How spend is compared with the threshold.
    #[serde(default)]
    pub comparison: BudgetComparison,
    /// The threshold: a percentage of the limit, or an amount in the limit's unit (`thresholdType`).
    #[schemars(range(min = 0.0, max = 15000000000000.0))]
    pub threshold: f64,
    /// Whether `threshold` is a percentage of the limit or an absolute value.
    #[serde(default)]
    pub threshold_type: BudgetThresholdType,
    /// Email addresses that receive the alert (at most 10).
    #[serde(default)]
    #[schemars(length(max = 10))]
    #[schemars(inner(regex(pattern = r"^[^@\s]+@[^@\s]+$"), length(max = 254)))]
    #[schemars(extend("x-kubernetes-list-type" = "set"))]
    pub emails: Vec<String>,
    /// SNS topic that receives the alert (at most one; its policy must let `budgets.amazonaws.com` publish).
    #[serde(default)]
    #[schemars(length(max = 1))]
    #[schemars(inner(regex(
        pattern = r"^arn:aws[a-z-]*:sns:[a-z0-9-]+:[0-9]{12}:[A-Za-z0-9_-]{1,256}$"
    )))]
    #[schemars(extend("x-kubernetes-list-type" = "set"))]
    pub sns_topic_arns: Vec<String>,
}

/// What a budget notification watches.
#[derive(JsonSchema, Deserialize, Serialize, Clone, Copy, Debug, PartialEq, Eq)]
pub enum BudgetNotificationType {
    /// Spend so far.
    #[serde(rename = "ACTUAL")]
    Actual,
    /// Forecasted spend for the period.
    #[serde(rename = "FORECASTED")]
    Forecasted,
}

impl BudgetNotificationType {
    /// The API value.
    pub fn as_str(&self) -> &'static str {
        match self {
            Self::Actual => "ACTUAL",
            Self::Forecasted => "FORECASTED",
        }
    }
}

/// Comparison of spend with a notification's threshold.
#[derive(JsonSchema, Deserialize, Serialize, Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum BudgetComparison {
    /// Spend above the threshold (the default).
    #[default]
    #[serde(rename = "GREATER_THAN")]
    GreaterThan,
    /// Spend below the threshold.
    #[serde(rename = "LESS_THAN")]
    LessThan,
    /// Spend equal to the threshold.
    #[serde(rename = "EQUAL_TO")]
    EqualTo,
}

impl BudgetComparison {
    /// The API value.
    pub fn as_str(&self) -> &'static str {
        match self {
            Self::GreaterThan => "GREATER_THAN",
            Self::LessThan => "LESS_THAN",
            Self::EqualTo => "EQUAL_TO",
        }
    }
}

/// How a notification's threshold is read.
#[derive(JsonSchema, Deserialize, Serialize, Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum BudgetThresholdType {
    /// Percent of the budget limit (the default).
    #[default]
    #[serde(rename = "PERCENTAGE")]
    Percentage,
    /// An amount in the limit's unit.
    #[serde(rename = "ABSOLUTE_VALUE")]
    AbsoluteValue,
}

impl BudgetThresholdType {
    /// The API value.
    pub fn as_str(&self) -> &'static str {
        match self {
            Self::Percentage => "PERCENTAGE",
            Self::AbsoluteValue => "ABSOLUTE_VALUE",
        }
    }
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
