//! The window's targets in one region. They go with the window: deleting the window removes them, so there is
//! no cleanup of their own.

use super::{members, ownership, Component, Ctx};
use crate::api::common::Ownership;
use crate::aws::ssm;
use crate::engine::{failed, ComponentOutcome, Settle};
use crate::patching::{self, names, TARGETS};
use std::collections::BTreeMap;

/// Expanding tag targets to instances is compliance's IAM use.
pub(super) const COMPONENT: Component = Component {
    components: &[TARGETS],
    ..Component::NO_IAM
};

/// Register, update and (in a window the operator created) deregister targets until the window's targets are
/// the spec's. Returns the outcome and the target IDs by group name.
pub(super) async fn reconcile(
    ctx: &Ctx<'_>,
    client: &aws_sdk_ssm::Client,
    region: &str,
    window_id: &str,
    window_owned: bool,
) -> (ComponentOutcome, BTreeMap<String, String>) {
    let c = TARGETS;
    let have = match ssm::targets(client, window_id).await {
        Ok(t) => t,
        Err(e) => {
            return (
                failed(c, region, ownership(window_owned), e),
                BTreeMap::new(),
            )
        }
    };
    let owner = names::owner_information(ctx.input.namespace, ctx.input.name);
    let want = patching::targets::config(ctx.input.spec, &owner);
    let (mut ids, plan) = patching::targets::plan(&want, &have, window_owned);
    let exec = if ctx.may_write() && !plan.writes.is_empty() {
        Some(members::write(client, window_id, &plan.writes, &mut ids).await)
    } else {
        None
    };
    (
        Settle {
            component: c,
            region,
            drift: plan.drift,
            writes: exec,
            created: plan.only_missing,
            ownership: ownership(window_owned),
            id: None,
        }
        .outcome(),
        ids,
    )
}

/// The outcome when the window does not exist: every target is missing.
pub(super) fn missing(ctx: &Ctx<'_>, region: &str) -> ComponentOutcome {
    let drift = patching::targets::missing(ctx.input.spec);
    Settle {
        component: TARGETS,
        region,
        drift,
        writes: None,
        created: false,
        ownership: Ownership::None,
        id: None,
    }
    .outcome()
}
