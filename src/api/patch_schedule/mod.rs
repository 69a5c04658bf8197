//! `PatchSchedule`: when and how a team's instances are patched (SSM maintenance window, patch baseline,
//! inventory), with patch compliance in status. The spec sections live one per file; every type is re-exported
//! here, so `crate::api::patch_schedule::X` names each of them.
// Repeated `printcolumn(type_ = "string", ...)` arguments are separate columns, not duplicates.
#![allow(clippy::duplicated_attributes)]

use kube::{CustomResource, KubeSchema};
use serde::{Deserialize, Serialize};

use super::common::{AccountRef, DeletionPolicy, DriftPolicy};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::LabelSelector;

mod baseline;
mod inventory;
mod status;
mod targets;
mod tasks;
mod window;

pub use baseline::*;
pub use inventory::*;
pub use status::*;
pub use targets::*;
pub use tasks::*;
pub use window::*;

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

/// When and how a team's instances are patched: an SSM maintenance window with its targets, the
/// `AWS-RunPatchBaseline` task and optional extra steps, an optional custom patch baseline and an optional
/// software inventory association. Without `patching` it is a plain maintenance window that runs its general
/// `tasks` (start or stop instances at fixed hours, run a document on a schedule).
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
#[x_kube(validation = Rule::new("(has(self.patching) ? 1 : 0) + (has(self.preSteps) ? size(self.preSteps) : 0) + (has(self.postSteps) ? size(self.postSteps) : 0) + (has(self.tasks) ? size(self.tasks) : 0) <= 20").message("a maintenance window holds at most 20 tasks: the patch task plus preSteps, postSteps and tasks"))]
#[x_kube(validation = Rule::new("has(self.patching) || (has(self.tasks) && size(self.tasks) > 0) || (has(self.preSteps) && size(self.preSteps) > 0) || (has(self.postSteps) && size(self.postSteps) > 0)").message("declare patching, tasks or steps: a window without tasks does nothing"))]
#[x_kube(validation = Rule::new("has(self.accountRef) != has(self.accountSelector)").message("set exactly one of accountRef or accountSelector"))]
#[serde(rename_all = "camelCase")]
pub struct PatchScheduleSpec {
    /// The `AwsAccount` whose instances are patched. Exactly one of `accountRef` and `accountSelector`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub account_ref: Option<AccountRef>,
    /// Apply this object to every `AwsAccount` whose labels match (`{}` matches all) and that admits this object's
    /// namespace in `allowedNamespaces`: an account the namespace may not use is invisible, so a team's `{}`
    /// never lists another team's accounts. Status then carries a per-account rollup (counts and the first 20
    /// accounts not in sync) and a small per-account ledger; per-account detail is in Events. Exactly one of
    /// `accountRef` and `accountSelector`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub account_selector: Option<LabelSelector>,
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
    /// The `AWS-RunPatchBaseline` task. Without it the window runs only `tasks` and the steps, and status shows
    /// no patch compliance.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub patching: Option<PatchTaskSpec>,
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
    /// General tasks of the window, patching or not: start or stop instances (`AWS-StartEC2Instance`,
    /// `AWS-StopEC2Instance`), run any Run Command document or Automation runbook with its concurrency and error
    /// limits. By default they run after the patch task and the post-steps, in list order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[schemars(length(max = 20))]
    #[schemars(extend("x-kubernetes-list-type" = "map", "x-kubernetes-list-map-keys" = ["name"]))]
    pub tasks: Vec<StepSpec>,
}

impl PatchScheduleSpec {
    /// Every IAM role this spec hands to Systems Manager (checked against the AwsAccount's `passableRoles`).
    pub fn passed_roles(&self) -> Vec<&String> {
        self.steps()
            .filter_map(|s| s.service_role_arn.as_ref())
            .chain(
                self.patching
                    .as_ref()
                    .and_then(|p| p.service_role_arn.as_ref()),
            )
            .collect()
    }

    /// Every task besides the patch task: pre-steps, post-steps, then the general tasks.
    pub fn steps(&self) -> impl Iterator<Item = &StepSpec> {
        self.pre_steps
            .iter()
            .chain(&self.post_steps)
            .chain(&self.tasks)
    }

    /// How many tasks the window holds: the patch task when declared, the steps and the general tasks.
    pub fn task_count(&self) -> usize {
        usize::from(self.patching.is_some()) + self.steps().count()
    }
}

impl PatchScheduleSpec {
    /// The name `accountRef` gives (empty with `accountSelector`).
    pub fn account_name(&self) -> &str {
        self.account_ref
            .as_ref()
            .map(|r| r.name.as_str())
            .unwrap_or_default()
    }
}
