//! `PatchSchedule`: when and how a team's instances are patched (SSM maintenance window, patch baseline,
//! inventory), with patch compliance in status.
// Repeated `printcolumn(type_ = "string", ...)` arguments are separate columns, not duplicates.
#![allow(clippy::duplicated_attributes)]

use k8s_openapi::apimachinery::pkg::apis::meta::v1::Time;
use kube::{CustomResource, KubeSchema};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

use super::common::{AccountRef, DeletionPolicy, DriftPolicy, ReconcileStatus};

/// AWS cap: maintenance windows per account and region.
pub const MAX_WINDOWS_PER_REGION: usize = 50;
/// AWS cap: custom patch baselines per account and region.
pub const MAX_BASELINES_PER_REGION: usize = 50;
/// AWS cap: tasks per maintenance window.
pub const MAX_TASKS_PER_WINDOW: usize = 20;
/// AWS cap: targets per maintenance window.
pub const MAX_TARGETS_PER_WINDOW: usize = 100;

fn yes() -> bool {
    true
}
fn delete() -> DeletionPolicy {
    DeletionPolicy::Delete
}
fn ten_percent() -> String {
    "10%".to_string()
}
fn one() -> String {
    "1".to_string()
}
fn thirty_minutes() -> String {
    "rate(30 minutes)".to_string()
}

/// When and how a team's instances are patched: an SSM maintenance window with its targets, the
/// `AWS-RunPatchBaseline` task and optional extra steps, an optional custom patch baseline and an optional
/// software inventory association.
#[derive(CustomResource, KubeSchema, Deserialize, Serialize, Clone, Debug, PartialEq)]
#[kube(
    group = "awsbaseline.io",
    version = "v1alpha1",
    kind = "PatchSchedule",
    plural = "patchschedules",
    shortname = "patch",
    category = "awsbaseline",
    namespaced,
    status = "PatchScheduleStatus",
    cel,
    doc = "When and how a team's instances are patched: SSM maintenance window, patch task, patch baseline and inventory, with next execution and patch compliance in status.",
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
    printcolumn(
        name = "Next",
        type_ = "string",
        json_path = ".status.nextExecutionTime"
    ),
    printcolumn(
        name = "NonCompliant",
        type_ = "integer",
        json_path = ".status.compliance[0].nonCompliant"
    ),
    printcolumn(name = "Regions", type_ = "string", json_path = ".status.regions"),
    printcolumn(
        name = "Age",
        type_ = "date",
        json_path = ".metadata.creationTimestamp"
    )
)]
#[x_kube(validation = Rule::new("(has(self.preSteps) ? size(self.preSteps) : 0) + (has(self.postSteps) ? size(self.postSteps) : 0) < 20").message("a maintenance window holds at most 20 tasks: the patch task plus preSteps and postSteps"))]
#[serde(rename_all = "camelCase")]
pub struct PatchScheduleSpec {
    /// The `AwsAccount` whose instances are patched.
    pub account_ref: AccountRef,
    /// Regions the window, baseline and inventory are created in. Defaults to the AwsAccount's regions.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[schemars(length(max = 40))]
    #[schemars(inner(regex(pattern = r"^[a-z]{2}(-gov|-iso[a-z]*)?-[a-z]+-[0-9]$")))]
    #[schemars(extend("x-kubernetes-list-type" = "set"))]
    pub regions: Vec<String>,
    /// `Correct` changes AWS back to the spec; `Report` only records drift and never writes to AWS.
    #[serde(default)]
    pub drift_policy: DriftPolicy,
    /// `Delete` (default) removes the window, baseline and associations the operator created when this object
    /// is deleted; `Retain` leaves them.
    #[serde(default = "delete")]
    pub deletion_policy: DeletionPolicy,
    /// How often AWS is re-read to detect drift and refresh compliance, e.g. `5m` (minimum 30s). Defaults to the
    /// operator's `--default-drift-interval` (5m).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(regex(pattern = r"^([0-9]+(s|m|h))+$"), length(max = 32))]
    #[x_kube(validation = Rule::new("duration(self) >= duration('30s')").message("driftCheckInterval must be at least 30s"))]
    pub drift_check_interval: Option<String>,
    /// The maintenance window.
    pub window: WindowSpec,
    /// Instances the window targets; each group becomes one window target. Several groups are OR-ed.
    #[schemars(length(min = 1, max = 100))]
    #[schemars(extend("x-kubernetes-list-type" = "map", "x-kubernetes-list-map-keys" = ["name"]))]
    pub targets: Vec<TargetGroup>,
    /// The `AWS-RunPatchBaseline` task.
    pub patching: PatchTaskSpec,
    /// A custom patch baseline. Without it, instances use the AWS default baseline for their operating system.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub baseline: Option<PatchBaselineSpec>,
    /// Software inventory collection (`AWS-GatherSoftwareInventory`) on the same targets.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub inventory: Option<InventorySpec>,
    /// Tasks that run before patching in the same window (e.g. take a snapshot).
    #[serde(default)]
    #[schemars(length(max = 19))]
    pub pre_steps: Vec<StepSpec>,
    /// Tasks that run after patching in the same window (e.g. a health check).
    #[serde(default)]
    #[schemars(length(max = 19))]
    pub post_steps: Vec<StepSpec>,
}

/// Schedule and limits of the maintenance window.
#[derive(KubeSchema, Deserialize, Serialize, Clone, Debug, PartialEq)]
#[x_kube(validation = Rule::new("self.cutoff < self.duration").message("cutoff must be less than duration"))]
#[x_kube(validation = Rule::new("!has(self.scheduleOffset) || self.schedule.startsWith('cron(')").message("scheduleOffset is only allowed with a cron schedule"))]
#[serde(rename_all = "camelCase")]
pub struct WindowSpec {
    /// Window name. Defaults to `<namespace>.<name>` of this object; a window with the default name is managed
    /// only when its tags prove this object created it. Naming an existing window here adopts it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(regex(pattern = r"^[a-zA-Z0-9_.-]{3,128}$"))]
    pub name: Option<String>,
    /// Description of the window.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(length(min = 1, max = 128))]
    pub description: Option<String>,
    /// `cron(min hour day-of-month month day-of-week year)`, `rate(N minutes|hours|days)` or `at(yyyy-mm-ddThh:mm:ss)`,
    /// e.g. `cron(0 2 ? * SUN *)`. The operator also checks every field and reports a bad expression as
    /// `Ready=False` reason `InvalidSpec` before calling AWS.
    #[schemars(
        regex(
            pattern = r"^(cron\([^ ()]+( [^ ()]+){5,6}\)|rate\([1-9][0-9]* (minute|minutes|hour|hours|day|days)\)|at\([0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\))$"
        ),
        length(max = 256)
    )]
    pub schedule: String,
    /// IANA time zone the schedule is evaluated in, e.g. `Europe/Berlin`. Defaults to UTC.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(regex(pattern = r"^[A-Za-z][A-Za-z0-9_+/-]{0,63}$"))]
    pub timezone: Option<String>,
    /// Days to wait after the cron date before the window runs (1-6), e.g. "the Tuesday after Patch Tuesday".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 1, max = 6))]
    pub schedule_offset: Option<i32>,
    /// Window length in hours (1-24).
    #[schemars(range(min = 1, max = 24))]
    pub duration: i32,
    /// Hours before the end of the window when no new task starts (0-23, less than duration).
    #[schemars(range(min = 0, max = 23))]
    pub cutoff: i32,
    /// The window is not active before this time (RFC 3339).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(extend("format" = "date-time"))]
    pub start_date: Option<String>,
    /// The window is not active after this time (RFC 3339).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(extend("format" = "date-time"))]
    pub end_date: Option<String>,
    /// Whether the window runs.
    #[serde(default = "yes")]
    pub enabled: bool,
    /// Allow tasks to run on instances that are not registered targets.
    #[serde(default)]
    pub allow_unassociated_targets: bool,
}

/// One group of instances, selected by exactly one of tags, resource group or instance IDs.
#[derive(KubeSchema, Deserialize, Serialize, Clone, Debug, PartialEq)]
#[x_kube(validation = Rule::new("(has(self.tags) ? 1 : 0) + (has(self.resourceGroup) ? 1 : 0) + (has(self.instanceIds) ? 1 : 0) == 1").message("select instances by exactly one of tags, resourceGroup or instanceIds"))]
#[serde(rename_all = "camelCase")]
pub struct TargetGroup {
    /// Name of the window target (unique in this object).
    #[schemars(regex(pattern = r"^[a-zA-Z0-9_.-]{3,128}$"))]
    pub name: String,
    /// Instances carrying all of these tags (each with one of the listed values).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[schemars(length(min = 1, max = 5))]
    pub tags: Vec<TagFilter>,
    /// Instances in this AWS resource group.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(length(min = 1, max = 256))]
    pub resource_group: Option<String>,
    /// These instances.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[schemars(length(min = 1, max = 50))]
    #[schemars(inner(regex(pattern = r"^(i|mi)-[0-9a-f]{8,17}$")))]
    pub instance_ids: Vec<String>,
}

/// A tag key with its accepted values.
#[derive(KubeSchema, Deserialize, Serialize, Clone, Debug, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct TagFilter {
    /// Tag key, e.g. `Patch Group` or `env`.
    #[schemars(length(min = 1, max = 128))]
    pub key: String,
    /// Accepted values.
    #[schemars(length(min = 1, max = 50))]
    pub values: Vec<String>,
}

/// What `AWS-RunPatchBaseline` does.
#[derive(Deserialize, Serialize, Clone, Copy, Debug, PartialEq, Eq, JsonSchema)]
pub enum PatchOperation {
    /// Only report missing patches.
    Scan,
    /// Install missing approved patches.
    Install,
}

/// Reboot behaviour after installing.
#[derive(Deserialize, Serialize, Clone, Copy, Debug, PartialEq, Eq, Default, JsonSchema)]
pub enum RebootOption {
    /// Reboot when a patch needs it.
    #[default]
    RebootIfNeeded,
    /// Never reboot (patches may stay pending).
    NoReboot,
}

/// What happens to running tasks at the window's cutoff.
#[derive(Deserialize, Serialize, Clone, Copy, Debug, PartialEq, Eq, Default, JsonSchema)]
pub enum CutoffBehavior {
    /// Tasks that started keep running.
    #[default]
    ContinueTask,
    /// Running tasks are cancelled.
    CancelTask,
}

/// The patch task.
#[derive(KubeSchema, Deserialize, Serialize, Clone, Debug, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct PatchTaskSpec {
    /// `Scan` or `Install`.
    pub operation: PatchOperation,
    /// Reboot behaviour after installing.
    #[serde(default)]
    pub reboot_option: RebootOption,
    /// Instances patched at once: a count (`10`) or a percentage (`10%`).
    #[serde(default = "ten_percent")]
    #[schemars(regex(pattern = r"^([1-9][0-9]*|[1-9][0-9]?%|100%)$"))]
    pub max_concurrency: String,
    /// Errors tolerated before the task stops: a count (`0`, `1`) or a percentage.
    #[serde(default = "one")]
    #[schemars(regex(pattern = r"^([0-9]+|[0-9]{1,2}%|100%)$"))]
    pub max_errors: String,
    /// Task priority in the window; lower runs first. Defaults to after every pre-step.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 0, max = 100))]
    pub priority: Option<i32>,
    /// Behaviour of a running task at the cutoff.
    #[serde(default)]
    pub cutoff_behavior: CutoffBehavior,
    /// IAM role Systems Manager assumes to run the task. Defaults to the service-linked role.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(regex(pattern = r"^arn:aws[a-z-]*:iam::[0-9]{12}:role/.+$"))]
    pub service_role_arn: Option<String>,
    /// Command output delivery.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub output: Option<TaskOutput>,
    /// CloudWatch alarms that stop the task when they go into ALARM.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub alarms: Option<AlarmStop>,
}

/// Where command output goes.
#[derive(KubeSchema, Deserialize, Serialize, Clone, Debug, PartialEq)]
#[x_kube(validation = Rule::new("has(self.s3BucketName) || has(self.cloudWatchLogGroup)").message("set s3BucketName and/or cloudWatchLogGroup"))]
#[serde(rename_all = "camelCase")]
pub struct TaskOutput {
    /// S3 bucket for command output.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(regex(pattern = r"^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$"))]
    pub s3_bucket_name: Option<String>,
    /// Key prefix in that bucket.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(length(min = 1, max = 500))]
    pub s3_key_prefix: Option<String>,
    /// CloudWatch Logs group for command output.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(regex(pattern = r"^[.\-_/#A-Za-z0-9]{1,512}$"))]
    pub cloud_watch_log_group: Option<String>,
}

/// Alarms that stop a task.
#[derive(KubeSchema, Deserialize, Serialize, Clone, Debug, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct AlarmStop {
    /// CloudWatch alarm names.
    #[schemars(length(min = 1, max = 1))]
    pub names: Vec<String>,
    /// Run the task even when the alarm state cannot be read.
    #[serde(default)]
    pub ignore_poll_alarm_failure: bool,
}

/// Kind of an extra step.
#[derive(Deserialize, Serialize, Clone, Copy, Debug, PartialEq, Eq, JsonSchema)]
pub enum StepType {
    /// A Run Command document (`AWS-RunShellScript`, ...).
    RunCommand,
    /// An Automation runbook (`AWS-CreateSnapshot`, ...).
    Automation,
}

/// An extra task in the window.
#[derive(KubeSchema, Deserialize, Serialize, Clone, Debug, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct StepSpec {
    /// Task name (unique in this object; `patch` is taken).
    #[schemars(regex(pattern = r"^[a-zA-Z0-9_.-]{3,128}$"))]
    #[x_kube(validation = Rule::new("self != 'patch'").message("'patch' is the patch task's name"))]
    pub name: String,
    /// `RunCommand` or `Automation`.
    pub task_type: StepType,
    /// SSM document name or ARN.
    #[schemars(length(min = 1, max = 1600))]
    pub document_name: String,
    /// Document version (`$LATEST`, `$DEFAULT` or a number).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(regex(pattern = r"^([$]LATEST|[$]DEFAULT|[0-9]+)$"))]
    pub document_version: Option<String>,
    /// Document parameters.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub parameters: BTreeMap<String, Vec<String>>,
    /// Task priority; lower runs first. Defaults by position: pre-steps before the patch task, post-steps after.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 0, max = 100))]
    pub priority: Option<i32>,
    /// Instances handled at once.
    #[serde(default = "ten_percent")]
    #[schemars(regex(pattern = r"^([1-9][0-9]*|[1-9][0-9]?%|100%)$"))]
    pub max_concurrency: String,
    /// Errors tolerated.
    #[serde(default = "one")]
    #[schemars(regex(pattern = r"^([0-9]+|[0-9]{1,2}%|100%)$"))]
    pub max_errors: String,
    /// IAM role for the task.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(regex(pattern = r"^arn:aws[a-z-]*:iam::[0-9]{12}:role/.+$"))]
    pub service_role_arn: Option<String>,
}

impl PatchScheduleSpec {
    /// Every IAM role this spec hands to Systems Manager (checked against the AwsAccount's `passableRoles`).
    pub fn passed_roles(&self) -> Vec<&String> {
        self.pre_steps
            .iter()
            .chain(&self.post_steps)
            .filter_map(|s| s.service_role_arn.as_ref())
            .chain(self.patching.service_role_arn.as_ref())
            .collect()
    }
}

/// Operating systems a patch baseline can be for.
#[allow(non_camel_case_types, clippy::upper_case_acronyms)]
#[derive(Deserialize, Serialize, Clone, Copy, Debug, PartialEq, Eq, JsonSchema)]
pub enum OperatingSystem {
    /// Windows Server.
    WINDOWS,
    /// Amazon Linux.
    AMAZON_LINUX,
    /// Amazon Linux 2.
    AMAZON_LINUX_2,
    /// Amazon Linux 2022.
    AMAZON_LINUX_2022,
    /// Amazon Linux 2023.
    AMAZON_LINUX_2023,
    /// Ubuntu.
    UBUNTU,
    /// Red Hat Enterprise Linux.
    REDHAT_ENTERPRISE_LINUX,
    /// SUSE Linux Enterprise Server.
    SUSE,
    /// CentOS.
    CENTOS,
    /// Oracle Linux.
    ORACLE_LINUX,
    /// Debian.
    DEBIAN,
    /// macOS.
    MACOS,
    /// Raspberry Pi OS.
    RASPBIAN,
    /// Rocky Linux.
    ROCKY_LINUX,
    /// AlmaLinux.
    ALMA_LINUX,
}

/// Patch filter keys (`PatchFilter.Key`).
#[derive(
    Deserialize, Serialize, Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, JsonSchema,
)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum PatchFilterKey {
    /// Advisory ID.
    AdvisoryId,
    /// Architecture.
    Arch,
    /// Bugzilla ID.
    BugzillaId,
    /// Classification, e.g. `SecurityUpdates`, `Security`.
    Classification,
    /// CVE ID.
    CveId,
    /// Epoch.
    Epoch,
    /// MSRC severity (Windows).
    MsrcSeverity,
    /// Package name.
    Name,
    /// Patch ID.
    PatchId,
    /// Patch set (Windows: OS or APPLICATION).
    PatchSet,
    /// Priority (Debian/Ubuntu).
    Priority,
    /// Product, e.g. `AmazonLinux2023`, `WindowsServer2022`.
    Product,
    /// Product family.
    ProductFamily,
    /// Release.
    Release,
    /// Repository.
    Repository,
    /// Section (Debian/Ubuntu).
    Section,
    /// Security.
    Security,
    /// Severity, e.g. `Critical`, `Important`.
    Severity,
    /// Version.
    Version,
}

/// Compliance severity of patches a rule approves.
#[derive(Deserialize, Serialize, Clone, Copy, Debug, PartialEq, Eq, Default, JsonSchema)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum ComplianceLevel {
    /// Critical.
    Critical,
    /// High.
    High,
    /// Medium.
    Medium,
    /// Low.
    Low,
    /// Informational.
    Informational,
    /// Unspecified.
    #[default]
    Unspecified,
}

/// What happens to rejected patches.
#[derive(Deserialize, Serialize, Clone, Copy, Debug, PartialEq, Eq, Default, JsonSchema)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum RejectedPatchesAction {
    /// Installed when another package depends on it.
    #[default]
    AllowAsDependency,
    /// Never installed.
    Block,
}

/// A patch filter.
#[derive(KubeSchema, Deserialize, Serialize, Clone, Debug, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct PatchFilter {
    /// Filter key.
    pub key: PatchFilterKey,
    /// Values, e.g. `["Security", "Bugfix"]` or `["*"]`.
    #[schemars(length(min = 1, max = 20))]
    pub values: Vec<String>,
}

/// An approval rule.
#[derive(KubeSchema, Deserialize, Serialize, Clone, Debug, PartialEq)]
#[x_kube(validation = Rule::new("has(self.approveAfterDays) != has(self.approveUntilDate)").message("set exactly one of approveAfterDays or approveUntilDate"))]
#[serde(rename_all = "camelCase")]
pub struct ApprovalRule {
    /// Patches the rule applies to (all filters must match).
    #[schemars(length(min = 1, max = 10))]
    pub patch_filters: Vec<PatchFilter>,
    /// Approve patches this many days after release (0-360).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 0, max = 360))]
    pub approve_after_days: Option<i32>,
    /// Approve patches released up to this date (`YYYY-MM-DD`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(regex(pattern = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"))]
    pub approve_until_date: Option<String>,
    /// Compliance severity of approved patches.
    #[serde(default)]
    pub compliance_level: ComplianceLevel,
    /// Also install non-security updates from the repositories (Linux).
    #[serde(default)]
    pub enable_non_security: bool,
}

/// An alternative patch source (Linux).
#[derive(KubeSchema, Deserialize, Serialize, Clone, Debug, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct PatchSource {
    /// Source name.
    #[schemars(regex(pattern = r"^[a-zA-Z0-9_.-]{1,50}$"))]
    pub name: String,
    /// Products the source applies to, e.g. `AmazonLinux2023`.
    #[schemars(length(min = 1, max = 20))]
    pub products: Vec<String>,
    /// yum/apt repository configuration.
    #[schemars(length(min = 1, max = 1024))]
    pub configuration: String,
}

/// A custom patch baseline.
#[derive(KubeSchema, Deserialize, Serialize, Clone, Debug, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct PatchBaselineSpec {
    /// Baseline name. Defaults to `<namespace>.<name>` of this object; a baseline with the default name is
    /// managed only when its tags prove this object created it. Naming an existing baseline here adopts it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(regex(pattern = r"^[a-zA-Z0-9_.-]{3,128}$"))]
    pub name: Option<String>,
    /// Description.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(length(min = 1, max = 1024))]
    pub description: Option<String>,
    /// Operating system (cannot change once the baseline exists).
    #[x_kube(validation = Rule::new("self == oldSelf").message("operatingSystem is immutable"))]
    pub operating_system: OperatingSystem,
    /// Filters applied before the approval rules.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[schemars(length(max = 4))]
    pub global_filters: Vec<PatchFilter>,
    /// Approval rules.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[schemars(length(max = 10))]
    pub approval_rules: Vec<ApprovalRule>,
    /// Explicitly approved patches.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[schemars(length(max = 50))]
    pub approved_patches: Vec<String>,
    /// Compliance severity of explicitly approved patches.
    #[serde(default)]
    pub approved_patches_compliance_level: ComplianceLevel,
    /// Explicitly approved patches include non-security updates (Linux).
    #[serde(default)]
    pub approved_patches_enable_non_security: bool,
    /// Explicitly rejected patches.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[schemars(length(max = 50))]
    pub rejected_patches: Vec<String>,
    /// What happens to rejected patches.
    #[serde(default)]
    pub rejected_patches_action: RejectedPatchesAction,
    /// Alternative patch repositories (Linux).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[schemars(length(max = 20))]
    pub sources: Vec<PatchSource>,
    /// Patch groups the baseline is registered for; instances join with the `Patch Group` tag.
    #[schemars(length(min = 1, max = 25))]
    #[schemars(inner(length(min = 1, max = 256)))]
    #[schemars(extend("x-kubernetes-list-type" = "set"))]
    pub patch_groups: Vec<String>,
}

/// The software inventory association.
#[derive(KubeSchema, Deserialize, Serialize, Clone, Debug, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct InventorySpec {
    /// How often inventory is gathered: `rate(30 minutes)`, `rate(12 hours)`, `rate(1 day)` or a cron expression.
    #[serde(default = "thirty_minutes")]
    #[schemars(regex(
        pattern = r"^(rate\([1-9][0-9]* (minute|minutes|hour|hours|day|days)\)|cron\([^ ()]+( [^ ()]+){5,6}\))$"
    ))]
    pub schedule: String,
    /// Collect installed applications.
    #[serde(default = "yes")]
    pub applications: bool,
    /// Collect AWS components (agents, drivers).
    #[serde(default = "yes")]
    pub aws_components: bool,
    /// Collect network configuration.
    #[serde(default = "yes")]
    pub network_config: bool,
    /// Collect Windows updates.
    #[serde(default = "yes")]
    pub windows_updates: bool,
    /// Collect detailed instance information.
    #[serde(default = "yes")]
    pub instance_detailed_information: bool,
    /// Collect services.
    #[serde(default = "yes")]
    pub services: bool,
    /// Collect Windows roles.
    #[serde(default = "yes")]
    pub windows_roles: bool,
    /// Collect custom inventory.
    #[serde(default = "yes")]
    pub custom_inventory: bool,
}

/// AWS identifiers of what a PatchSchedule manages in one region.
#[derive(Deserialize, Serialize, Clone, Debug, Default, PartialEq, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct PatchResources {
    /// Region.
    pub region: String,
    /// Maintenance window ID.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub window_id: Option<String>,
    /// Window target IDs by target group name.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub target_ids: BTreeMap<String, String>,
    /// Window task IDs by task name (`patch` and the steps).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub task_ids: BTreeMap<String, String>,
    /// Patch baseline ID.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub baseline_id: Option<String>,
    /// Inventory association IDs by target group name.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub association_ids: BTreeMap<String, String>,
}

/// One maintenance window execution.
#[derive(Deserialize, Serialize, Clone, Debug, PartialEq, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct WindowExecution {
    /// Region.
    pub region: String,
    /// Execution ID.
    pub execution_id: String,
    /// `SUCCESS`, `FAILED`, `IN_PROGRESS`, `TIMED_OUT`, ...
    pub status: String,
    /// Start time.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub start_time: Option<Time>,
    /// End time.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub end_time: Option<Time>,
}

/// A missing critical patch.
#[derive(Deserialize, Serialize, Clone, Debug, PartialEq, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct MissingPatch {
    /// Patch ID (KB or package).
    pub kb_id: String,
    /// Title.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// An instance missing it.
    pub instance_id: String,
    /// When the operator first saw it missing on that instance.
    pub since: Time,
}

/// Patch compliance over the targeted instances in one region. Non-compliance is shown here, not as drift.
#[derive(Deserialize, Serialize, Clone, Debug, Default, PartialEq, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct ComplianceSummary {
    /// Region.
    pub region: String,
    /// Instances the targets select (tag and instance-ID targets; resource groups are not expanded).
    pub targeted_instances: u32,
    /// Instances whose last patch scan found nothing missing or failed.
    pub compliant: u32,
    /// Instances with missing or failed patches.
    pub non_compliant: u32,
    /// Targeted instances that have not reported a patch state.
    pub not_reported: u32,
    /// Missing patches, summed over instances.
    pub missing_patches: u32,
    /// Failed patches, summed over instances.
    pub failed_patches: u32,
    /// Instances missing a critical patch.
    pub critical_non_compliant: u32,
    /// The missing critical patch the operator has seen missing the longest.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub oldest_missing_critical: Option<MissingPatch>,
}

/// Observed state of a `PatchSchedule`.
#[derive(Deserialize, Serialize, Clone, Debug, Default, PartialEq, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct PatchScheduleStatus {
    /// Conditions, components and drift, as for every kind.
    #[serde(flatten)]
    pub common: ReconcileStatus,
    /// AWS identifiers per region.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub resources: Vec<PatchResources>,
    /// Next time the window opens (RFC 3339, computed from schedule, time zone, offset and dates).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next_execution_time: Option<String>,
    /// The last few executions per region, newest first.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub executions: Vec<WindowExecution>,
    /// Patch compliance per region.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub compliance: Vec<ComplianceSummary>,
}
