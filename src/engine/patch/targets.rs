//! The window's targets in one region. They go with the window: deleting the window removes them, so there is
//! no cleanup of their own.

use super::{ownership, Component, Ctx};
use crate::api::common::Ownership;
use crate::aws::ssm;
use crate::aws::AwsError;
use crate::engine::{failed, settle, ComponentOutcome};
use crate::patching::members::MemberWrite;
use crate::patching::{self, names, TARGETS};
use std::collections::BTreeMap;

pub(super) const COMPONENT: Component = Component {
    components: &[TARGETS],
    // Only `PatchSchedule` itself (expanding tag targets is compliance's).
    iam: &[],
    usage: |_| None,
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
        let r: Result<(), AwsError> = async {
            for w in &plan.writes {
                match w {
                    MemberWrite::Create { name, config } => {
                        let id = ssm::register_target(client, window_id, config).await?;
                        ids.insert(name.clone(), id);
                    }
                    MemberWrite::Update { id, config, .. } => {
                        ssm::update_target(client, window_id, id, config).await?
                    }
                    MemberWrite::Remove { id, .. } => {
                        ssm::deregister_target(client, window_id, id).await?
                    }
                }
            }
            Ok(())
        }
        .await;
        Some(r)
    } else {
        None
    };
    (
        settle(
            c,
            region,
            plan.drift,
            exec,
            plan.only_missing,
            ownership(window_owned),
            None,
        ),
        ids,
    )
}

/// The outcome when the window does not exist: every target is missing.
pub(super) fn missing(ctx: &Ctx<'_>, region: &str) -> ComponentOutcome {
    let drift = patching::targets::missing(ctx.input.spec);
    settle(TARGETS, region, drift, None, false, Ownership::None, None)
}
