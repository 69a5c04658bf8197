//! The `backup` section of an AccountBaseline: AWS Backup vaults, plans (rules, lifecycle, copies, tag selections)
//! and the route of failed backup jobs to an SNS topic.

use kube::KubeSchema;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// AWS Backup in every listed region (or the regions a vault or plan names): vaults, plans and their tag
/// selections, and an EventBridge rule sending failed backup jobs to a topic. Vaults and plans are identified by
/// name; an existing one of a declared name is adopted (updated, never deleted, never tagged); those this baseline
/// created (proven by its owner tags) that leave the spec are deleted.
#[derive(KubeSchema, Deserialize, Serialize, Clone, Debug, PartialEq, Default)]
#[serde(rename_all = "camelCase")]
pub struct BackupSpec {
    /// Backup vaults by name.
    #[serde(default)]
    #[schemars(length(max = 20))]
    #[schemars(extend("x-kubernetes-list-type" = "map", "x-kubernetes-list-map-keys" = ["name"]))]
    pub vaults: Vec<BackupVaultSpec>,
    /// Backup plans by name.
    #[serde(default)]
    #[schemars(length(max = 20))]
    #[schemars(extend("x-kubernetes-list-type" = "map", "x-kubernetes-list-map-keys" = ["name"]))]
    pub plans: Vec<BackupPlanSpec>,
    /// Route backup jobs that end in one of `states` (AWS Backup's "Backup Job State Change" events) to an SNS
    /// topic, through an EventBridge rule in every region of the baseline.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub job_failure_notifications: Option<BackupJobNotificationsSpec>,
}

/// A backup vault.
#[derive(KubeSchema, Deserialize, Serialize, Clone, Debug, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct BackupVaultSpec {
    /// Vault name (2 to 50 letters, digits, hyphens or underscores, as AWS Backup allows).
    #[schemars(regex(pattern = r"^[A-Za-z0-9_-]{2,50}$"), length(max = 50))]
    pub name: String,
    /// Regions of the baseline the vault is managed in; empty: all of them.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[schemars(inner(regex(pattern = r"^[a-z]{2}(-gov|-iso[a-z]*)?-[a-z]+-[0-9]$")))]
    #[schemars(extend("x-kubernetes-list-type" = "set"))]
    pub regions: Vec<String>,
    /// ARN of the KMS key that encrypts the vault's recovery points (Backup.1). Unset: AWS Backup's managed key
    /// `aws/backup`, not compared. A vault's key cannot change: a different key is reported, never corrected.
    /// A key is regional, so a vault with a key is usually declared for one region.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(regex(pattern = r"^arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:key/[A-Za-z0-9-]+$"))]
    pub kms_key_arn: Option<String>,
    /// The vault's access policy (an IAM policy document, e.g. denying `backup:DeleteRecoveryPoint`). Unset: not
    /// managed; `{}` is not allowed (leave it unset).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(schema_with = "crate::api::common::free_form_object")]
    pub access_policy: Option<serde_json::Value>,
    /// AWS Backup Vault Lock. Unset: not managed (an existing lock is left as it is).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lock: Option<BackupVaultLockSpec>,
    /// Tags the vault must carry (Backup.3); other tags are left alone. A vault this baseline creates also carries
    /// its owner tags.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    #[schemars(length(max = 40))]
    pub tags: BTreeMap<String, String>,
}

/// Vault Lock: how long recovery points in the vault must and may be kept.
#[derive(KubeSchema, Deserialize, Serialize, Clone, Debug, PartialEq)]
#[serde(rename_all = "camelCase")]
#[x_kube(validation = Rule::new("!has(self.maxRetentionDays) || self.maxRetentionDays >= self.minRetentionDays").message("maxRetentionDays must be at least minRetentionDays"))]
pub struct BackupVaultLockSpec {
    /// Shortest retention a recovery point in the vault may have, in days.
    #[schemars(range(min = 1, max = 36500))]
    pub min_retention_days: i64,
    /// Longest retention, in days.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 1, max = 36500))]
    pub max_retention_days: Option<i64>,
    /// Compliance mode: days (at least 3) after which the lock can no longer be changed or removed, by anyone.
    /// Unset: governance mode (the lock can be changed or removed with the right permissions).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 3, max = 36500))]
    pub changeable_for_days: Option<i64>,
}

/// A backup plan: rules and the resources they back up.
#[derive(KubeSchema, Deserialize, Serialize, Clone, Debug, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct BackupPlanSpec {
    /// Plan name (letters, digits, hyphens, underscores; AWS also allows dots, which this operator keeps out of
    /// names as they are part of field paths).
    #[schemars(regex(pattern = r"^[A-Za-z0-9_-]{1,50}$"), length(max = 50))]
    pub name: String,
    /// Regions of the baseline the plan is managed in; empty: all of them (its rules' vaults must be there too).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[schemars(inner(regex(pattern = r"^[a-z]{2}(-gov|-iso[a-z]*)?-[a-z]+-[0-9]$")))]
    #[schemars(extend("x-kubernetes-list-type" = "set"))]
    pub regions: Vec<String>,
    /// Backup rules. Rules not listed are kept in an adopted plan and removed from one this baseline created.
    #[schemars(length(min = 1, max = 20))]
    #[schemars(extend("x-kubernetes-list-type" = "map", "x-kubernetes-list-map-keys" = ["name"]))]
    pub rules: Vec<BackupRuleSpec>,
    /// Resource assignments by tag. Selections not listed are kept in an adopted plan and deleted from one this
    /// baseline created.
    #[serde(default)]
    #[schemars(length(max = 50))]
    #[schemars(extend("x-kubernetes-list-type" = "map", "x-kubernetes-list-map-keys" = ["name"]))]
    pub selections: Vec<BackupSelectionSpec>,
    /// Tags the plan must carry (Backup.5); other tags are left alone. A plan this baseline creates also carries
    /// its owner tags.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    #[schemars(length(max = 40))]
    pub tags: BTreeMap<String, String>,
}

/// One backup rule.
#[derive(KubeSchema, Deserialize, Serialize, Clone, Debug, PartialEq)]
#[serde(rename_all = "camelCase")]
#[x_kube(validation = Rule::new("self.completionWindowMinutes >= self.startWindowMinutes").message("completionWindowMinutes must be at least startWindowMinutes"))]
pub struct BackupRuleSpec {
    /// Rule name.
    #[schemars(regex(pattern = r"^[A-Za-z0-9_-]{1,50}$"), length(max = 50))]
    pub name: String,
    /// The vault (by name, in the same region) the recovery points go to: usually one of `vaults`, created before
    /// the plan; an existing vault is named as it is.
    #[schemars(regex(pattern = r"^[A-Za-z0-9_-]{2,50}$"), length(max = 50))]
    pub target_vault: String,
    /// When backups start: a `cron(...)` expression in UTC, e.g. `cron(0 5 ? * * *)` (daily at 05:00).
    #[schemars(regex(pattern = r"^cron\(.+\)$"), length(max = 256))]
    pub schedule: String,
    /// Minutes after the scheduled time within which a backup must start, else it is cancelled (AWS default 480).
    #[serde(default = "default_start_window")]
    #[schemars(range(min = 60, max = 43200))]
    pub start_window_minutes: i64,
    /// Minutes after the start within which a backup must complete, else it is cancelled (AWS default 10080).
    #[serde(default = "default_completion_window")]
    #[schemars(range(min = 60, max = 5256000))]
    pub completion_window_minutes: i64,
    /// When recovery points move to cold storage and are deleted. Unset: kept forever in warm storage.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lifecycle: Option<BackupLifecycleSpec>,
    /// Copies of each recovery point to vaults in other regions or accounts.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[schemars(length(max = 10))]
    #[schemars(extend("x-kubernetes-list-type" = "map", "x-kubernetes-list-map-keys" = ["destinationVaultArn"]))]
    pub copy_actions: Vec<BackupCopyActionSpec>,
    /// Tags every recovery point the rule creates carries (Backup.2).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    #[schemars(length(max = 40))]
    pub recovery_point_tags: BTreeMap<String, String>,
}

fn default_start_window() -> i64 {
    480
}

fn default_completion_window() -> i64 {
    10080
}

/// A recovery point lifecycle.
#[derive(KubeSchema, Deserialize, Serialize, Clone, Debug, PartialEq, Default)]
#[serde(rename_all = "camelCase")]
#[x_kube(validation = Rule::new("!has(self.moveToColdStorageAfterDays) || !has(self.deleteAfterDays) || self.deleteAfterDays >= self.moveToColdStorageAfterDays + 90").message("deleteAfterDays must be at least 90 days after moveToColdStorageAfterDays"))]
pub struct BackupLifecycleSpec {
    /// Days after creation a recovery point moves to cold storage.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 1, max = 36500))]
    pub move_to_cold_storage_after_days: Option<i64>,
    /// Days after creation a recovery point is deleted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 1, max = 36500))]
    pub delete_after_days: Option<i64>,
}

/// A copy of each recovery point to another vault.
#[derive(KubeSchema, Deserialize, Serialize, Clone, Debug, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct BackupCopyActionSpec {
    /// ARN of the destination vault (another region and/or account), e.g.
    /// `arn:aws:backup:eu-west-1:123456789012:backup-vault:dr`.
    #[schemars(regex(
        pattern = r"^arn:aws[a-z-]*:backup:[a-z0-9-]+:[0-9]{12}:backup-vault:[A-Za-z0-9_-]{2,50}$"
    ))]
    pub destination_vault_arn: String,
    /// Lifecycle of the copies. Unset: kept forever.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lifecycle: Option<BackupLifecycleSpec>,
}

/// A resource assignment: the resources carrying any of `tags` are backed up by the plan's rules.
#[derive(KubeSchema, Deserialize, Serialize, Clone, Debug, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct BackupSelectionSpec {
    /// Selection name.
    #[schemars(regex(pattern = r"^[A-Za-z0-9_-]{1,50}$"), length(max = 50))]
    pub name: String,
    /// The role AWS Backup assumes to back the resources up (passed to `backup.amazonaws.com`).
    #[schemars(regex(pattern = r"^arn:aws[a-z-]*:iam::[0-9]{12}:role/.+$"))]
    pub iam_role_arn: String,
    /// Tag conditions (`key` equals `value`); a resource matching any of them is selected.
    #[schemars(length(min = 1, max = 30))]
    pub tags: Vec<BackupTagCondition>,
}

/// A resource tag that selects a resource.
#[derive(KubeSchema, Deserialize, Serialize, Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
#[serde(rename_all = "camelCase")]
pub struct BackupTagCondition {
    /// Tag key.
    #[schemars(length(min = 1, max = 128))]
    pub key: String,
    /// Tag value.
    #[schemars(length(max = 256))]
    pub value: String,
}

/// The EventBridge rule for backup job state changes.
#[derive(KubeSchema, Deserialize, Serialize, Clone, Debug, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct BackupJobNotificationsSpec {
    /// Name of the SNS topic in each region of the account (e.g. a MonitoringPolicy's operations topic); its
    /// access policy must let `events.amazonaws.com` publish.
    #[schemars(regex(pattern = r"^[A-Za-z0-9_-]{1,256}$"), length(max = 256))]
    pub topic: String,
    /// Job states routed (default FAILED, ABORTED and EXPIRED).
    #[serde(default = "default_job_states")]
    #[schemars(length(min = 1, max = 3))]
    #[schemars(extend("x-kubernetes-list-type" = "set"))]
    pub states: Vec<BackupJobState>,
}

fn default_job_states() -> Vec<BackupJobState> {
    vec![
        BackupJobState::Failed,
        BackupJobState::Aborted,
        BackupJobState::Expired,
    ]
}

/// A final state of a backup job that is worth telling someone about.
#[derive(
    JsonSchema, Deserialize, Serialize, Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord,
)]
pub enum BackupJobState {
    /// The job failed.
    #[serde(rename = "FAILED")]
    Failed,
    /// The job was aborted.
    #[serde(rename = "ABORTED")]
    Aborted,
    /// The job did not start or complete within its windows.
    #[serde(rename = "EXPIRED")]
    Expired,
}

impl BackupJobState {
    /// The event's `detail.state` value.
    pub fn as_str(&self) -> &'static str {
        match self {
            Self::Failed => "FAILED",
            Self::Aborted => "ABORTED",
            Self::Expired => "EXPIRED",
        }
    }
}
