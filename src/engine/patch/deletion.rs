//! Deletion of what a PatchSchedule created: on deletion of the object and for a region removed from its spec.
//! Each component's cleanup is in its file; this holds the pass, the per-region context and the proof of
//! ownership by tags every deletion goes through.

use super::{baseline, inventory, owned_by, window, PatchInput};
use crate::api::patch_schedule::PatchResources;
use crate::aws::ssm;
use crate::aws::{AccountSession, AwsError, AwsFactory};
use crate::engine::cleanup::{cleanup_namespaced, namespaced};
use crate::engine::{CleanupReport, EngineError};
use crate::patching::names;
use aws_sdk_ssm::types::ResourceTypeForTagging;

/// Undo what the operator created, following `deletionPolicy`: the windows (with their targets and tasks),
/// baselines (after deregistering their patch groups) and inventory associations it created. Adopted
/// resources are left alone.
pub async fn cleanup(
    factory: &AwsFactory,
    input: &PatchInput<'_>,
) -> Result<CleanupReport, EngineError> {
    // The service role the operator created (`createRole`) goes once, with the home region; IAM is global.
    let home = crate::engine::resolve_regions(&input.spec.regions, &input.account.regions)
        .ok()
        .and_then(|r| r.into_iter().next());
    cleanup_namespaced(factory, namespaced!(input), |session, region| {
        let home = home.clone();
        async move {
            let mut report = cleanup_region(&session, input, &region).await;
            let role = crate::patching::role::service_role(
                input.spec,
                &input.account.account_id,
                crate::aws::partition(&region),
                &input.owner,
            );
            if let Some(r) = role.filter(|_| home.as_deref() == Some(region.as_str())) {
                let client = session.iam(&region);
                report.record(crate::engine::role::cleanup(&client, &r.name, &input.owner).await);
            }
            report
        }
    })
    .await
}

/// What every component's cleanup in one region reads.
pub(super) struct CleanupCtx<'a> {
    pub(super) client: aws_sdk_ssm::Client,
    pub(super) input: &'a PatchInput<'a>,
    pub(super) region: &'a str,
    /// The IDs status recorded for the region (empty when none).
    pub(super) recorded: PatchResources,
    pub(super) default_name: String,
    pub(super) legacy_name: String,
}

impl CleanupCtx<'_> {
    /// Delete one window, baseline or association (`what` with ID `id`, of tagging type `kind`) when its AWS tags
    /// prove this object created it; `Ok(None)` when it is already gone, `Ok(Some(action))` saying what was
    /// deleted or left.
    async fn delete_if_ours<D, F>(
        &self,
        kind: ResourceTypeForTagging,
        what: &str,
        id: &str,
        exists: impl std::future::Future<Output = Result<bool, AwsError>>,
        delete: D,
    ) -> Result<Option<String>, AwsError>
    where
        D: FnOnce() -> F,
        F: std::future::Future<Output = Result<(), AwsError>>,
    {
        let region = self.region;
        if !exists.await? {
            return Ok(None);
        }
        match ssm::tags(&self.client, kind, id).await {
            Ok(t) if owned_by(&self.input.owner, &t) => {
                delete().await?;
                Ok(Some(format!("deleted {what} {id} in {region}")))
            }
            Ok(_) => Ok(Some(format!(
                "left {what} {id} in {region}: not tagged as this object's"
            ))),
            Err(e) if e.is_not_found() => Ok(None),
            Err(e) => Err(e),
        }
    }

    /// Delete each `what` (of tagging type `kind`) that `found` lists when its tags prove this object created it
    /// (`exists` and `delete` per ID), recording each result; an error finding them is recorded instead.
    pub(super) async fn delete_found<E, EF, D, DF>(
        &self,
        report: &mut CleanupReport,
        found: Result<Vec<String>, AwsError>,
        kind: ResourceTypeForTagging,
        what: &str,
        exists: E,
        delete: D,
    ) where
        E: Fn(String) -> EF,
        EF: std::future::Future<Output = Result<bool, AwsError>>,
        D: Fn(String) -> DF,
        DF: std::future::Future<Output = Result<(), AwsError>>,
    {
        let ids = found.unwrap_or_else(|e| {
            report.errors.push(e);
            vec![]
        });
        for id in ids {
            let r = self
                .delete_if_ours(kind.clone(), what, &id, exists(id.clone()), || {
                    delete(id.clone())
                })
                .await;
            report.record(r);
        }
    }
}

/// Delete in one region what this object created: the window, baseline and inventory associations recorded in
/// status and those found under its names (a crash between a create and the status write leaves no record). Each
/// is deleted only when its AWS tags prove this object created it — status alone is never proof, since anyone
/// who may write status could otherwise point the operator at any resource.
pub(super) async fn cleanup_region(
    session: &AccountSession,
    input: &PatchInput<'_>,
    region: &str,
) -> CleanupReport {
    let mut report = CleanupReport::default();
    let cx = CleanupCtx {
        client: session.ssm(region),
        input,
        region,
        recorded: input
            .previous
            .and_then(|p| p.resources.iter().find(|r| r.region == region))
            .cloned()
            .unwrap_or_default(),
        default_name: names::default_name(input.namespace, input.name),
        legacy_name: names::legacy_name(input.namespace, input.name),
    };
    window::cleanup(&cx, &mut report).await;
    baseline::cleanup(&cx, &mut report).await;
    inventory::cleanup(&cx, &mut report).await;
    report
}
