//! The maintenance window in one region: locate (by recorded ID, else by name with proof of ownership),
//! reconcile, and delete on cleanup.

use super::{name_taken, ownership, CleanupCtx, Component, Ctx, Found};
use crate::api::common::Ownership;
use crate::api::patch_schedule::PatchResources;
use crate::aws::ssm::{self, WindowState};
use crate::aws::AwsError;
use crate::diff::diff;
use crate::engine::{CleanupReport, ComponentOutcome, Settle};
use crate::patching::window::WindowWrite;
use crate::patching::{self, names, WINDOW};
use aws_sdk_ssm::types::ResourceTypeForTagging;

pub(super) const COMPONENT: Component = Component {
    components: &[WINDOW],
    ..Component::NO_IAM
};

/// The window this object manages in the region: the recorded one, else one under its name (or the default name
/// of earlier versions) whose tags prove this object created it, else — only when the spec names the window — one
/// with that name, adopted. A window with the default name that is not this object's is an error.
pub(super) async fn locate(
    ctx: &Ctx<'_>,
    client: &aws_sdk_ssm::Client,
    region: &str,
    prev: &PatchResources,
) -> Result<Option<Found<WindowState>>, AwsError> {
    if let Some(id) = &prev.window_id {
        if let Some(state) = ssm::get_window(client, id).await? {
            let owned = ctx.previous_ownership(WINDOW, region) != Some(Ownership::Adopted);
            return Ok(Some(Found { state, owned }));
        }
    }
    let name = patching::window::config(ctx.input.spec, &ctx.default_name).name;
    let explicit = ctx.input.spec.window.name.is_some();
    let mut adopted = None;
    for candidate in names::candidate_names(&name, explicit, &ctx.legacy_name) {
        for id in ssm::find_windows(client, &candidate).await? {
            let tags = ssm::tags(client, ResourceTypeForTagging::MaintenanceWindow, &id).await?;
            if ctx.owns(&tags) {
                return Ok(ssm::get_window(client, &id)
                    .await?
                    .map(|state| Found { state, owned: true }));
            }
            if candidate == name {
                adopted.get_or_insert(id);
            }
        }
    }
    match adopted {
        Some(id) if explicit => Ok(ssm::get_window(client, &id).await?.map(|state| Found {
            state,
            owned: false,
        })),
        Some(_) => Err(name_taken("maintenance window", &name, "spec.window.name")),
        None => Ok(None),
    }
}

/// The window after reconcile.
pub(super) struct Reconciled {
    /// Its outcome.
    pub outcome: ComponentOutcome,
    /// Its ID, `None` when it does not exist.
    pub id: Option<String>,
    /// Whether this object created it (targets and tasks it does not list are then removed).
    pub owned: bool,
    /// When it was created (anchors `rate()` schedules).
    pub created_at: Option<jiff::Timestamp>,
}

/// Compare the window `found` with the spec and create or update it.
pub(super) async fn reconcile(
    ctx: &Ctx<'_>,
    client: &aws_sdk_ssm::Client,
    region: &str,
    found: Option<Found<WindowState>>,
) -> Reconciled {
    let c = WINDOW;
    let want = patching::window::config(ctx.input.spec, &ctx.default_name);
    let drift = diff(
        c,
        &patching::window::desired(&want),
        &patching::window::observed(found.as_ref().map(|f| &f.state.config)),
    );
    let write = if ctx.may_write() {
        patching::window::plan(found.as_ref().map(|f| f.state.id.as_str()), &drift)
    } else {
        None
    };
    match (found, write) {
        (None, Some(WindowWrite::Create)) => {
            let tags = ctx.input.owner.tags();
            let token = ctx.client_token(region, "window");
            match ssm::create_window(client, &want, &tags, &token).await {
                Ok(id) => Reconciled {
                    outcome: Settle {
                        component: c,
                        region,
                        drift,
                        writes: Some(Ok(())),
                        created: true,
                        ownership: Ownership::Created,
                        id: Some(id.clone()),
                    }
                    .outcome(),
                    id: Some(id),
                    owned: true,
                    created_at: Some(ctx.input.now),
                },
                Err(e) => Reconciled {
                    outcome: Settle {
                        component: c,
                        region,
                        drift,
                        writes: Some(Err(e)),
                        created: true,
                        ownership: Ownership::None,
                        id: None,
                    }
                    .outcome(),
                    id: None,
                    owned: false,
                    created_at: None,
                },
            }
        }
        (None, _) => Reconciled {
            outcome: Settle {
                component: c,
                region,
                drift,
                writes: None,
                created: false,
                ownership: Ownership::None,
                id: None,
            }
            .outcome(),
            id: None,
            owned: false,
            created_at: None,
        },
        (Some(f), write) => {
            let exec = match write {
                Some(WindowWrite::Update { id }) => {
                    Some(ssm::update_window(client, &id, &want).await)
                }
                _ => None,
            };
            Reconciled {
                outcome: Settle {
                    component: c,
                    region,
                    drift,
                    writes: exec,
                    created: false,
                    ownership: ownership(f.owned),
                    id: Some(f.state.id.clone()),
                }
                .outcome(),
                id: Some(f.state.id),
                owned: f.owned,
                created_at: f.state.created,
            }
        }
    }
}

/// Delete the recorded window and any under this object's names (deleting a window removes its targets and
/// tasks), each only when its tags prove this object created it.
pub(super) async fn cleanup(cx: &CleanupCtx<'_>, report: &mut CleanupReport) {
    let client = &cx.client;
    let window_name = patching::window::config(cx.input.spec, &cx.default_name).name;
    let found: Result<Vec<String>, AwsError> = async {
        let mut ids: Vec<String> = cx.recorded.window_id.iter().cloned().collect();
        for name in [&window_name, &cx.legacy_name] {
            ids.extend(ssm::find_windows(client, name).await?);
        }
        ids.sort();
        ids.dedup();
        Ok(ids)
    }
    .await;
    let exists = |id: String| async move { Ok(ssm::get_window(client, &id).await?.is_some()) };
    let delete = |id: String| async move { ssm::delete_window(client, &id).await };
    let kind = ResourceTypeForTagging::MaintenanceWindow;
    cx.delete_found(report, found, kind, "maintenance window", exists, delete)
        .await;
}
