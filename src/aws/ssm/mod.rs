//! Systems Manager: maintenance windows with targets and tasks, patch baselines and patch groups, State Manager
//! associations, execution history and patch compliance; one file per concern, each with the `OPERATIONS` rows
//! of the calls it makes. Everything is re-exported here, so `crate::aws::ssm::get_window` and the like name it.
//!
//! Updates use the real update APIs with `Replace=true` and the full desired configuration, so IDs and execution
//! history survive a change and a field removed from the spec is really cleared.

pub mod association;
pub mod compliance;
pub mod fleet;
pub mod parameter;
pub mod patch_baseline;
pub mod window;
pub mod window_target;
pub mod window_task;

pub use association::{
    association_parameters, associations, create_association, delete_association,
    update_association, AssociationConfig, AssociationOverview, AssociationState,
};
pub use compliance::{executions, missing_critical, patch_states, Execution, PatchState};
pub use parameter::{delete_parameter, get_parameter, put_parameter, ParameterState};
pub use patch_baseline::{
    create_baseline, delete_baseline, deregister_patch_group, get_baseline, own_baselines,
    register_patch_group, update_baseline, BaselineConfig, BaselineState, RuleConfig,
};
pub use window::{
    count_windows, create_window, delete_window, find_windows, get_window, update_window,
    WindowConfig, WindowState,
};
pub use window_target::{
    deregister_target, register_target, targets, update_target, TargetConfig, TargetState,
};
pub use window_task::{
    deregister_task, get_task, register_task, tasks, update_task, TaskConfig, TaskKind, TaskSummary,
};

use crate::aws::error::{not_found_as_none, ok_if_gone, AwsError, AwsResultExt, ErrorCategory};
use crate::aws::operation::{act, read, Operation, MOTO};
use crate::aws::tags;
use aws_sdk_ssm::types::{ResourceTypeForTagging, Tag, Target};
use aws_sdk_ssm::Client;
use std::collections::{BTreeMap, HashMap};

/// The service of every file in this directory (the operations scan reads it here for all of them).
const SVC: &str = "ssm";

/// Key/values of one SSM `Target` entry, e.g. `("tag:env", ["prod"])`.
pub type TargetEntry = (String, Vec<String>);

fn sdk_targets(t: &[TargetEntry]) -> Vec<Target> {
    t.iter()
        .map(|(k, v)| Target::builder().key(k).set_values(Some(v.clone())).build())
        .collect()
}

fn our_targets(t: &[Target]) -> Vec<TargetEntry> {
    t.iter()
        .map(|t| (t.key().unwrap_or_default().to_string(), t.values().to_vec()))
        .collect()
}

fn sdk_tags(tags: &[(String, String)]) -> Result<Vec<Tag>, AwsError> {
    tags::to_sdk(tags).map_err(|e| build_err("AddTagsToResource", e))
}

fn sorted(map: Option<&HashMap<String, Vec<String>>>) -> BTreeMap<String, Vec<String>> {
    map.map(|m| m.iter().map(|(k, v)| (k.clone(), v.clone())).collect())
        .unwrap_or_default()
}

fn build_err(op: &'static str, e: impl std::fmt::Display) -> AwsError {
    AwsError::new(SVC, op, ErrorCategory::InvalidInput, e.to_string())
}

fn timestamp(t: Option<&aws_smithy_types::DateTime>) -> Option<jiff::Timestamp> {
    t.and_then(|t| jiff::Timestamp::new(t.secs(), t.subsec_nanos() as i32).ok())
}

/// The error code SSM answers for a window, task or baseline that does not exist.
const MISSING: &[&str] = &["DoesNotExistException"];

/// A read of a window, task or baseline: `None` when it does not exist.
fn unless_missing<T>(r: Result<T, AwsError>) -> Result<Option<T>, AwsError> {
    not_found_as_none(r, MISSING)
}

/// A delete or deregister: done when the object is already gone.
fn gone<T>(r: Result<T, AwsError>) -> Result<(), AwsError> {
    ok_if_gone(r, MISSING)
}

/// ListTagsForResource for a window, baseline or association.
pub async fn tags(
    client: &Client,
    kind: ResourceTypeForTagging,
    id: &str,
) -> Result<BTreeMap<String, String>, AwsError> {
    let r = client
        .list_tags_for_resource()
        .resource_type(kind)
        .resource_id(id)
        .send()
        .await
        .aws(SVC, "ListTagsForResource")?;
    Ok(tags::pairs(r.tag_list()))
}

/// The AWS operations this file calls (see [`crate::aws::operation`]); each file of this directory declares its
/// own, and `crate::aws::MODULES` lists them all.
pub const OPERATIONS: &[Operation] = &[read(
    SVC,
    "ListTagsForResource",
    MOTO,
    &[act("ssm:ListTagsForResource")],
    // Ownership proof of windows, baselines, associations and parameters found by name, and of the Session
    // Manager preferences document.
    &[
        "PatchSchedule",
        "AccountBaseline.sessionManager",
        "AccountBaseline.ssmInventory",
        "MonitoringPolicy.cloudWatchAgent",
    ],
)];

/// How CloudTrail records the writes that change what this module manages: the `eventSource` (EventBridge
/// events reference, https://docs.aws.amazon.com/eventbridge/latest/ref/events-ref-ssm.html), the rows logged under
/// another `eventName`, and the writes the operator never makes that change it (see [`crate::change_events`]).
pub const EVENTS: crate::aws::operation::Events = crate::aws::operation::Events {
    source: Some("ssm.amazonaws.com"),
    renamed: &[],
    foreign_writes: &[
        // The owner tags prove windows, baselines, associations and documents are ours.
        crate::aws::operation::foreign(
            "RemoveTagsFromResource",
            &[
                "PatchSchedule",
                "AccountBaseline.sessionManager",
                "MonitoringPolicy.cloudWatchAgent",
            ],
        ),
    ],
};
