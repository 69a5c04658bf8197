//! `AccountBaseline`: the operational baseline of one AWS account.
// Repeated `printcolumn(type_ = "string", ...)` arguments are separate columns, not duplicates.
#![allow(clippy::duplicated_attributes)]

use kube::{CustomResource, KubeSchema};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::common::{AccountRef, DeletionPolicy, DriftPolicy, ReconcileStatus};
pub use super::fleet::{AccountLedger, AccountNotInSync, AccountRollup};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::LabelSelector;

mod security_hub;
pub use security_hub::*;
mod cloudtrail;
pub use cloudtrail::*;
mod guardduty;
pub use guardduty::*;
mod hardening;
pub use hardening::*;
mod session_manager;
pub use session_manager::*;
mod ssm_inventory;
pub use ssm_inventory::*;
mod inspector;
pub use inspector::*;
mod config;
pub use config::*;
mod flowlogs;
pub use flowlogs::*;
mod access_analyzer;
pub use access_analyzer::*;
mod budgets;
pub use budgets::*;
mod trusted_advisor;
pub use trusted_advisor::*;
mod access_logs;
pub use access_logs::*;
mod backup;
pub use backup::*;
mod organization;
pub use organization::*;

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
#[x_kube(validation = Rule::new("has(self.cloudTrail) || has(self.guardDuty) || has(self.passwordPolicy) || has(self.s3BlockPublicAccess) || has(self.ebsEncryptionByDefault) || has(self.rootAccount) || has(self.sessionManager) || has(self.ssmInventory) || has(self.inspector) || has(self.config) || has(self.vpcFlowLogs) || has(self.accessAnalyzer) || has(self.securityHub) || has(self.budgets) || has(self.backup) || has(self.trustedAdvisor) || has(self.accessLogs) || has(self.organization)").message("declare at least one baseline section"))]
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
    /// Inventory of every instance in every listed region, independent of patching: the fleet-wide
    /// `AWS-GatherSoftwareInventory` association, a Resource Data Sync to S3 and the Default Host Management
    /// Configuration, with unmanaged EC2 instances counted in status.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ssm_inventory: Option<SsmInventorySpec>,
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
    /// AWS Trusted Advisor checks (read through the Support API, us-east-1), expected `ok`. Detect-only: a check
    /// that is not `ok` is always reported, never corrected, also under `driftPolicy: Correct`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub trusted_advisor: Option<TrustedAdvisorSpec>,
    /// S3 server access logging and load balancer access logs into log buckets with the delivery bucket policy.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub access_logs: Option<AccessLogsSpec>,
    /// AWS Backup in every listed region: vaults (KMS key, access policy, Vault Lock, tags), plans (rules with
    /// schedule, windows, lifecycle, cross-region/-account copies and recovery point tags; selections by tag) and
    /// an EventBridge rule routing failed backup jobs to an SNS topic.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub backup: Option<BackupSpec>,
    /// Organization-level settings (AWS Organizations): delegated administrators of GuardDuty, Security Hub, Config,
    /// Inspector and IAM Access Analyzer (in the management account's baseline), auto-enable for new members and an
    /// organization Config aggregator (in the delegated administrator's baseline). The organization trail is
    /// `cloudTrail.isOrganizationTrail`, the organization-wide analyzer an `accessAnalyzer` analyzer of type
    /// `ORGANIZATION`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub organization: Option<OrganizationSpec>,
}

impl AccountBaselineSpec {
    /// The spec as it applies to one account whose home region is `home` (what a pass and a deletion work
    /// with): names that stand for per-account ARNs (the trail's `cloudWatchLogs.logGroupName`) resolved.
    pub fn for_account(&self, account: &str, home: &str) -> Self {
        let mut s = self.clone();
        if let Some(ct) = &self.cloud_trail {
            s.cloud_trail = Some(ct.for_account(account, home));
        }
        s
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
    /// With `accountSelector`: how many selected accounts are in sync, drifted or failed, and the first 20 that
    /// are not (their drift in `drift`; components are listed only for those). See `ledger` for the rest.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub accounts: Option<AccountRollup>,
    /// With `accountSelector`: per selected account, its state and what the baseline created or adopted there
    /// (ownership and identifiers, which deletion and adoption decide by). Kept small so that hundreds of accounts
    /// stay far inside the object size limit; per-account detail is in Events and `check` output.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub ledger: Vec<AccountLedger>,
}
