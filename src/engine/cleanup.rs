//! Deletion shared by the namespaced kinds (MonitoringPolicy, PatchSchedule): the deletion pass (the gates, then
//! each region the spec or status names, the account verified once) and what a pass keeps of a region removed
//! from the spec. What each kind deletes in a region stays in its engine.

use super::{CleanupReport, ComponentOutcome, EngineError, RemovedRegion};
use crate::api::aws_account::AwsAccountSpec;
use crate::api::common::{DeletionPolicy, Owner};
use crate::aws::{AccountSession, AwsFactory};
use std::collections::BTreeMap;
use std::future::Future;

/// What a deletion pass needs to know of a namespaced object.
pub(crate) struct Namespaced<'a> {
    /// `spec.deletionPolicy`.
    pub deletion_policy: DeletionPolicy,
    /// The AwsAccount it names.
    pub account: &'a AwsAccountSpec,
    /// The AwsAccount's name (`spec.accountRef.name`).
    pub account_name: &'a str,
    /// Namespace of the object.
    pub namespace: &'a str,
    /// Labels of the object's namespace.
    pub namespace_labels: &'a BTreeMap<String, String>,
    /// Who owns what the object created.
    pub owner: &'a Owner,
    /// `spec.regions`.
    pub regions: &'a [String],
    /// The regions status records (`status.resources[].region`).
    pub recorded: Vec<&'a String>,
}

/// The [`Namespaced`] of a namespaced kind's pass input (`MonitoringInput`, `PatchInput`: the same field names).
macro_rules! namespaced {
    ($input:expr) => {{
        let input = $input;
        $crate::engine::cleanup::Namespaced {
            deletion_policy: input.spec.deletion_policy,
            account: input.account,
            account_name: input.spec.account_name(),
            namespace: input.namespace,
            namespace_labels: input.namespace_labels,
            owner: &input.owner,
            regions: &input.spec.regions,
            recorded: input
                .previous
                .iter()
                .flat_map(|p| &p.resources)
                .map(|r| &r.region)
                .collect(),
        }
    }};
}
pub(crate) use namespaced;

/// Undo what a namespaced object created, following `deletionPolicy` (and leaving everything in place when its
/// namespace may no longer use the account): `region` for each region of the spec (else the account) and each
/// recorded in status, reports merged.
pub(crate) async fn cleanup_namespaced<F, Fut>(
    factory: &AwsFactory,
    object: Namespaced<'_>,
    region: F,
) -> Result<CleanupReport, EngineError>
where
    F: Fn(AccountSession, String) -> Fut,
    Fut: Future<Output = CleanupReport>,
{
    if let Some(report) = super::cleanup_gate(
        object.deletion_policy,
        object.account,
        object.account_name,
        object.namespace,
        object.namespace_labels,
    ) {
        return Ok(report);
    }
    super::cleanup_each_region(
        factory,
        object.account,
        object.owner,
        object.regions,
        object.recorded,
        region,
    )
    .await
}

/// Add what happened to a region removed from the spec (`previous`: what status recorded there) to a pass:
/// reported or failed, its outcomes go in and the region stays in status (`resources`), so the next pass tries
/// again and a deletion still finds it; retained or cleaned, it is forgotten.
pub(crate) fn keep_removed<R>(
    outcome: RemovedRegion,
    previous: R,
    outcomes: &mut Vec<ComponentOutcome>,
    resources: &mut Vec<R>,
) {
    match outcome {
        RemovedRegion::Retained | RemovedRegion::Cleaned => {}
        RemovedRegion::Reported(o) => {
            outcomes.push(*o);
            resources.push(previous);
        }
        RemovedRegion::Failed(o) => {
            outcomes.extend(o);
            resources.push(previous);
        }
    }
}
