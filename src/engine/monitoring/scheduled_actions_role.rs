//! The IAM role EventBridge assumes for the scheduled actions that ask for it (`scheduledActions[].createRole`):
//! one per policy, global, so reconciled in one region's pass ([`super::global_region`]) before the rules that
//! name it. When no action asks for it any more, the role this policy created is deleted in the next pass (or
//! reported, under `driftPolicy: Report`); on deletion it goes with the policy.

use super::{Cleanup, Component, Ctx};
use crate::api::common::Ownership;
use crate::api::monitoring_policy::{MonitoringPolicySpec, MonitoringResources};
use crate::aws::{self, AwsError};
use crate::engine::role;
use crate::engine::{failed, CleanupReport, ComponentOutcome, Settle};
use crate::monitoring::event_rules::{scheduled_actions_role_name, SCHEDULES_ROLE};

pub(super) const COMPONENT: Component = Component {
    name: "scheduledActionsRole",
    components: &[SCHEDULES_ROLE],
    iam: &["MonitoringPolicy.scheduledActions.createRole"],
    usage: |spec| {
        let mut used = super::uses_when(&[(
            spec.scheduled_actions.iter().any(|a| a.create_role),
            "MonitoringPolicy.scheduledActions.createRole",
        )])?;
        // The rules' targets are handed the operator's own role.
        used.passes = vec![(
            crate::aws::operation::EVENTS_PRINCIPAL,
            role::ARN_PATTERN.to_string(),
        )];
        Some(used)
    },
    runs: |ctx, _| wanted(ctx.input.spec) || recorded(ctx.input),
    reconcile: |ctx, region, res| Box::pin(reconcile(ctx, region, res)),
    cleanup: Some(|c, report| Box::pin(cleanup(c, report))),
};

fn wanted(spec: &MonitoringPolicySpec) -> bool {
    spec.scheduled_actions.iter().any(|a| a.create_role)
}

/// Status records the role (so it may need deleting).
fn recorded(input: &super::MonitoringInput<'_>) -> bool {
    input.previous.is_some_and(|p| {
        p.common
            .components
            .iter()
            .any(|c| c.component == SCHEDULES_ROLE && c.ownership == Ownership::Created)
    })
}

async fn reconcile(
    ctx: &Ctx<'_>,
    region: &str,
    _res: &mut MonitoringResources,
) -> Vec<ComponentOutcome> {
    if super::global_region(ctx.input).as_deref() != Some(region) {
        return vec![];
    }
    let client = ctx.session.iam(region);
    let previous = ctx.previous_ownership(SCHEDULES_ROLE, region);
    if let Some((r, _)) = &ctx.scheduled_role {
        return vec![
            role::reconcile(
                &client,
                r,
                &ctx.input.owner,
                ctx.may_write(),
                region,
                previous,
            )
            .await,
        ];
    }
    // No action asks for the role any more: the one this policy created is drift until deleted.
    let name = scheduled_actions_role_name(&ctx.input.owner);
    let state = match aws::iam::role(&client, &name, role::POLICY_NAME).await {
        Ok(s) => s,
        Err(e) => return vec![failed(SCHEDULES_ROLE, region, Ownership::Created, e)],
    };
    let Some(state) = state.filter(|s| ctx.owns(&s.tags)) else {
        return vec![];
    };
    let writes = if ctx.may_write() {
        Some(aws::iam::delete_role(&client, &name, role::POLICY_NAME).await)
    } else {
        None
    };
    vec![Settle {
        component: SCHEDULES_ROLE,
        region,
        drift: vec![crate::monitoring::removed(SCHEDULES_ROLE)],
        writes,
        created: false,
        ownership: Ownership::Created,
        id: Some(state.arn),
    }
    .outcome()]
}

/// On deletion, in the region whose pass manages it: the role, when its tags prove this policy created it.
async fn cleanup(c: &Cleanup<'_>, report: &mut CleanupReport) -> Result<(), AwsError> {
    if super::global_region(c.input).as_deref() != Some(c.region)
        || !(wanted(c.input.spec) || recorded(c.input))
    {
        return Ok(());
    }
    let client = c.session.iam(c.region);
    if let Some(action) = role::cleanup(
        &client,
        &scheduled_actions_role_name(&c.input.owner),
        &c.input.owner,
    )
    .await?
    {
        report.actions.push(action);
    }
    Ok(())
}
