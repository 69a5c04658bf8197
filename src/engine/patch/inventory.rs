//! The software inventory associations in one region (one per target group): reconcile, delete when dropped
//! from the spec, and delete on cleanup.

use super::{CleanupCtx, Component, Ctx};
use crate::api::common::Ownership;
use crate::api::patch_schedule::PatchResources;
use crate::aws::operation::SectionUsage;
use crate::aws::ssm::{self, AssociationConfig};
use crate::aws::AwsError;
use crate::engine::{failed, CleanupReport, ComponentOutcome, Settle};
use crate::patching::inventory::INVENTORY_DOCUMENT;
use crate::patching::members::MemberWrite;
use crate::patching::{self, INVENTORY};
use aws_sdk_ssm::types::ResourceTypeForTagging;
use std::collections::BTreeMap;

pub(super) const COMPONENT: Component = Component {
    components: &[INVENTORY],
    iam: &["PatchSchedule.inventory"],
    usage: |spec| {
        spec.inventory
            .as_ref()
            .map(|_| SectionUsage::of(&["PatchSchedule.inventory"]))
    },
};

/// Create, update and remove associations until there is one per target group as the spec says; with no
/// inventory in the spec, delete the ones this object created. Returns the outcomes and the association IDs by
/// group.
pub(super) async fn reconcile(
    ctx: &Ctx<'_>,
    client: &aws_sdk_ssm::Client,
    region: &str,
    prev: &PatchResources,
) -> (Vec<ComponentOutcome>, BTreeMap<String, String>) {
    let c = INVENTORY;
    let spec = ctx.input.spec;
    let prev_own = ctx.previous_ownership(c, region);
    let Some(inv) = &spec.inventory else {
        return delete_dropped(ctx, client, region, prev, prev_own).await;
    };
    let have = match ssm::associations(client, INVENTORY_DOCUMENT).await {
        Ok(a) => a,
        Err(e) => {
            return (
                vec![failed(c, region, prev_own.unwrap_or(Ownership::None), e)],
                prev.association_ids.clone(),
            )
        }
    };
    let want = patching::inventory::config_per_group(spec, inv, &ctx.default_name);
    let mut found: BTreeMap<String, AssociationConfig> = BTreeMap::new();
    let mut ids = BTreeMap::new();
    let mut owned = prev_own != Some(Ownership::Adopted);
    for (g, a) in &want {
        let Some(h) = patching::inventory::find(&have, a, prev.association_ids.get(g)) else {
            continue;
        };
        if patching::inventory::first_sight(&prev.association_ids, &h.id) {
            // Never recorded: prove ownership by tags.
            match ssm::tags(client, ResourceTypeForTagging::Association, &h.id).await {
                Ok(t) => owned &= ctx.owns(&t),
                Err(e) => return (vec![failed(c, region, Ownership::None, e)], ids),
            }
        }
        // The listing has no parameters: read them.
        match ssm::association_parameters(client, &h.id).await {
            Ok(p) => {
                ids.insert(g.clone(), h.id.clone());
                let mut cfg = h.config.clone();
                cfg.parameters = p;
                found.insert(g.clone(), cfg);
            }
            Err(e) => return (vec![failed(c, region, Ownership::None, e)], ids),
        }
    }
    let unlisted = patching::inventory::unlisted(&prev.association_ids, &want, owned);
    let plan = patching::inventory::plan(&want, &found, &ids, &unlisted);
    let any_existed = !ids.is_empty();
    let exec = if ctx.may_write() && !plan.writes.is_empty() {
        let tags = ctx.input.owner.tags();
        let r: Result<(), AwsError> = async {
            for w in &plan.writes {
                match w {
                    MemberWrite::Create { name, config } => {
                        let id = ssm::create_association(client, config, &tags).await?;
                        ids.insert(name.clone(), id);
                    }
                    MemberWrite::Update { id, config, .. } => {
                        ssm::update_association(client, id, config).await?
                    }
                    MemberWrite::Remove { id, .. } => ssm::delete_association(client, id).await?,
                }
            }
            Ok(())
        }
        .await;
        Some(r)
    } else {
        None
    };
    let own = patching::inventory::ownership(
        any_existed,
        exec.as_ref().is_some_and(|r| r.is_ok()),
        owned,
    );
    let created = !any_existed && plan.only_missing;
    (
        vec![Settle {
            component: c,
            region,
            drift: plan.drift,
            writes: exec,
            created,
            ownership: own,
            id: None,
        }
        .outcome()],
        ids,
    )
}

/// Inventory removed from the spec: delete the associations this object created. On an error the failed one
/// stays recorded so the next pass tries again.
async fn delete_dropped(
    ctx: &Ctx<'_>,
    client: &aws_sdk_ssm::Client,
    region: &str,
    prev: &PatchResources,
    prev_own: Option<Ownership>,
) -> (Vec<ComponentOutcome>, BTreeMap<String, String>) {
    if !patching::inventory::delete_when_dropped(&prev.association_ids, prev_own)
        || !ctx.may_write()
    {
        return (vec![], prev.association_ids.clone());
    }
    let mut left = BTreeMap::new();
    for (g, id) in &prev.association_ids {
        if let Err(e) = ssm::delete_association(client, id).await {
            left.insert(g.clone(), id.clone());
            return (vec![failed(INVENTORY, region, Ownership::Created, e)], left);
        }
    }
    (vec![], left)
}

/// Delete the recorded associations and any of the inventory document named after this object, each only when
/// its tags prove this object created it.
pub(super) async fn cleanup(cx: &CleanupCtx<'_>, report: &mut CleanupReport) {
    let client = &cx.client;
    let found = async {
        // Only a schedule with (or that had) inventory lists associations: ssm:ListAssociations is granted
        // per section.
        if cx.input.spec.inventory.is_none() && cx.recorded.association_ids.is_empty() {
            return Ok(vec![]);
        }
        let listed = ssm::associations(client, INVENTORY_DOCUMENT).await?;
        Ok::<_, AwsError>(patching::inventory::cleanup_candidates(
            &listed,
            &cx.recorded.association_ids,
            &cx.default_name,
            &cx.legacy_name,
        ))
    }
    .await;
    // Listed just above: each exists.
    let exists = |_: String| async { Ok(true) };
    let delete = |id: String| async move { ssm::delete_association(client, &id).await };
    let kind = ResourceTypeForTagging::Association;
    cx.delete_found(report, found, kind, "inventory association", exists, delete)
        .await;
}
