//! `status`: AWS identifiers, executions and patch compliance of a `PatchSchedule`.

use k8s_openapi::apimachinery::pkg::apis::meta::v1::Time;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

use crate::api::common::ReconcileStatus;

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
    /// With `accountSelector`: how many selected accounts are in sync, drifted or failed, and the first 20 that
    /// are not (their drift in `drift`, their failing components in `components`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub accounts: Option<crate::api::fleet::AccountRollup>,
    /// With `accountSelector`: per selected account, its state, the components it created or adopted there and
    /// their AWS identifiers (what the next pass and a deletion need); `resources` then stays empty.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub ledger: Vec<crate::api::fleet::AccountRecord<PatchResources>>,
}
