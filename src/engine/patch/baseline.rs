//! The custom patch baseline and its patch groups in one region: locate, reconcile, delete when dropped from the
//! spec, and delete on cleanup.

use super::{name_taken, ownership, CleanupCtx, Component, Ctx, Found};
use crate::api::common::Ownership;
use crate::api::patch_schedule::{PatchBaselineSpec, PatchResources};
use crate::aws::operation::SectionUsage;
use crate::aws::ssm::{self, BaselineState};
use crate::aws::{AwsError, ErrorCategory};
use crate::diff::diff;
use crate::engine::{failed, CleanupReport, ComponentOutcome, Settle};
use crate::patching::baseline::BaselineWrite;
use crate::patching::{self, names, BASELINE};
use aws_sdk_ssm::types::ResourceTypeForTagging;

pub(super) const COMPONENT: Component = Component {
    components: &[BASELINE],
    iam: &["PatchSchedule.baseline"],
    usage: |spec| {
        spec.baseline
            .as_ref()
            .map(|_| SectionUsage::of(&["PatchSchedule.baseline"]))
    },
};

/// The baseline this object manages in the region: the recorded one, else one under its name (or the default
/// name of earlier versions) whose tags prove this object created it, else — only when the spec names the
/// baseline — one with that name, adopted. A baseline with the default name that is not this object's is an error.
pub(super) async fn locate(
    ctx: &Ctx<'_>,
    client: &aws_sdk_ssm::Client,
    region: &str,
    prev: &PatchResources,
    spec: &PatchBaselineSpec,
) -> Result<Option<Found<BaselineState>>, AwsError> {
    if let Some(id) = &prev.baseline_id {
        if let Some(state) = ssm::get_baseline(client, id).await? {
            let owned = ctx.previous_ownership(BASELINE, region) != Some(Ownership::Adopted);
            return Ok(Some(Found { state, owned }));
        }
    }
    let name = patching::baseline::config(spec, &ctx.default_name).name;
    let explicit = spec.name.is_some();
    let existing = ssm::own_baselines(client).await?;
    let mut adopted = None;
    for candidate in names::candidate_names(&name, explicit, &ctx.legacy_name) {
        for (id, _) in existing.iter().filter(|(_, n)| *n == candidate) {
            let tags = ssm::tags(client, ResourceTypeForTagging::PatchBaseline, id).await?;
            if ctx.owns(&tags) {
                return Ok(ssm::get_baseline(client, id)
                    .await?
                    .map(|state| Found { state, owned: true }));
            }
            if candidate == name {
                adopted.get_or_insert(id.clone());
            }
        }
    }
    match adopted {
        Some(id) if explicit => Ok(ssm::get_baseline(client, &id).await?.map(|state| Found {
            state,
            owned: false,
        })),
        Some(_) => Err(name_taken("patch baseline", &name, "spec.baseline.name")),
        None => Ok(None),
    }
}

/// Compare the baseline `found` with the spec; create or update it and its patch group registrations. Returns
/// the outcome and the baseline ID.
pub(super) async fn reconcile(
    ctx: &Ctx<'_>,
    client: &aws_sdk_ssm::Client,
    region: &str,
    spec: &PatchBaselineSpec,
    found: Option<Found<BaselineState>>,
) -> (ComponentOutcome, Option<String>) {
    let c = BASELINE;
    let want = patching::baseline::config(spec, &ctx.default_name);
    let groups = patching::baseline::patch_groups(spec);
    let found_state = found.as_ref().map(|f| &f.state);
    let drift = diff(
        c,
        &patching::baseline::desired(&want, &groups),
        &patching::baseline::observed(found_state),
    );
    let id = found.as_ref().map(|f| f.state.id.clone());
    let own = found
        .as_ref()
        .map(|f| ownership(f.owned))
        .unwrap_or(Ownership::None);
    if !ctx.may_write() || drift.is_empty() {
        return (
            Settle {
                component: c,
                region,
                drift,
                writes: None,
                created: false,
                ownership: own,
                id: id.clone(),
            }
            .outcome(),
            id,
        );
    }
    let writes = match patching::baseline::plan(found_state, &groups, &drift) {
        Ok(w) => w,
        Err(why) => {
            let e = AwsError::new(
                "ssm",
                "UpdatePatchBaseline",
                ErrorCategory::InvalidInput,
                why,
            );
            return (
                Settle {
                    component: c,
                    region,
                    drift,
                    writes: Some(Err(e)),
                    created: false,
                    ownership: own,
                    id: id.clone(),
                }
                .outcome(),
                id,
            );
        }
    };
    let created = found.is_none();
    let mut baseline_id = id.clone();
    let r: Result<(), AwsError> = async {
        for w in &writes {
            match w {
                BaselineWrite::Create => {
                    let tags = ctx.input.owner.tags();
                    let token = ctx.client_token(region, "baseline");
                    let bid = ssm::create_baseline(client, &want, &tags, &token).await?;
                    baseline_id = Some(bid);
                }
                BaselineWrite::UpdateSettings => {
                    if let Some(bid) = &baseline_id {
                        ssm::update_baseline(client, bid, &want).await?;
                    }
                }
                BaselineWrite::RegisterPatchGroup(g) => {
                    if let Some(bid) = &baseline_id {
                        ssm::register_patch_group(client, bid, g).await?;
                    }
                }
                BaselineWrite::DeregisterPatchGroup(g) => {
                    if let Some(bid) = &baseline_id {
                        ssm::deregister_patch_group(client, bid, g).await?;
                    }
                }
            }
        }
        Ok(())
    }
    .await;
    let own = if created && baseline_id.is_some() {
        Ownership::Created
    } else {
        own
    };
    (
        Settle {
            component: c,
            region,
            drift,
            writes: Some(r),
            created,
            ownership: own,
            id: baseline_id.clone(),
        }
        .outcome(),
        baseline_id,
    )
}

/// With no baseline in the spec: delete the recorded one when this object created it. `Err` carries the failed
/// outcome and the ID, which stays recorded so the next pass tries again.
pub(super) async fn delete_dropped(
    ctx: &Ctx<'_>,
    client: &aws_sdk_ssm::Client,
    region: &str,
    prev: &PatchResources,
) -> Result<(), (ComponentOutcome, String)> {
    let recorded = patching::baseline::delete_when_dropped(
        prev.baseline_id.as_ref(),
        ctx.previous_ownership(BASELINE, region),
    );
    let Some(id) = recorded.filter(|_| ctx.may_write()) else {
        return Ok(());
    };
    delete(client, id)
        .await
        .map_err(|e| (failed(BASELINE, region, Ownership::Created, e), id.clone()))
}

/// Deregister the baseline's patch groups, then delete it (a baseline with groups cannot be deleted).
async fn delete(client: &aws_sdk_ssm::Client, id: &str) -> Result<(), AwsError> {
    if let Some(b) = ssm::get_baseline(client, id).await? {
        for g in &b.patch_groups {
            ssm::deregister_patch_group(client, id, g).await?;
        }
        ssm::delete_baseline(client, id).await?;
    }
    Ok(())
}

/// Delete the recorded baseline and any custom baseline under this object's names, each only when its tags prove
/// this object created it.
pub(super) async fn cleanup(cx: &CleanupCtx<'_>, report: &mut CleanupReport) {
    let client = &cx.client;
    let baseline_name = cx
        .input
        .spec
        .baseline
        .as_ref()
        .map(|b| patching::baseline::config(b, &cx.default_name).name);
    let found: Result<Vec<String>, AwsError> = async {
        let mut ids: Vec<String> = cx.recorded.baseline_id.iter().cloned().collect();
        if baseline_name.is_some() || !ids.is_empty() {
            let names: Vec<&String> = baseline_name
                .iter()
                .chain([&cx.legacy_name, &cx.default_name])
                .collect();
            ids.extend(
                ssm::own_baselines(client)
                    .await?
                    .into_iter()
                    .filter(|(_, n)| names.contains(&n))
                    .map(|(id, _)| id),
            );
        }
        ids.sort();
        ids.dedup();
        Ok(ids)
    }
    .await;
    let exists = |id: String| async move { Ok(ssm::get_baseline(client, &id).await?.is_some()) };
    let remove = |id: String| async move { delete(client, &id).await };
    let kind = ResourceTypeForTagging::PatchBaseline;
    cx.delete_found(report, found, kind, "patch baseline", exists, remove)
        .await;
}
