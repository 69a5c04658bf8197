//! The window's tasks in one region. They go with the window: deleting the window removes them, so there is no
//! cleanup of their own.

use super::{members, ownership, Component, Ctx};
use crate::api::common::Ownership;
use crate::aws::operation::SectionUsage;
use crate::aws::operation::SSM_PRINCIPAL;
use crate::aws::ssm::{self, TaskConfig};
use crate::engine::{failed, ComponentOutcome, Settle};
use crate::patching::{self, TASKS};
use std::collections::BTreeMap;

pub(super) const COMPONENT: Component = Component {
    components: &[TASKS, patching::PATCH_ROLE],
    iam: &[
        "PatchSchedule.serviceRoleArn",
        "PatchSchedule.serviceLinkedRole",
        "PatchSchedule.createRole",
    ],
    usage: |spec| {
        // The tasks the engine registers (patch task, steps and general tasks), with the roles they pass.
        let mut tasks = patching::tasks::config(spec, &BTreeMap::new());
        let mut used = SectionUsage::default();
        // The patch task runs with the role the operator creates (`createRole`): one of its `awsbaseline-` roles.
        if spec.patching.as_ref().is_some_and(|p| p.create_role) {
            used.uses.push("PatchSchedule.createRole");
            for t in tasks
                .iter_mut()
                .filter(|t| t.name == patching::tasks::PATCH_TASK)
            {
                t.service_role_arn = Some(crate::engine::role::ARN_PATTERN.to_string());
            }
        }
        // Some task names a serviceRoleArn.
        if tasks.iter().any(|t| t.service_role_arn.is_some()) {
            used.uses.push("PatchSchedule.serviceRoleArn");
        }
        // Some task names none, so Systems Manager runs it with its service-linked role.
        if tasks.iter().any(|t| t.service_role_arn.is_none()) {
            used.uses.push("PatchSchedule.serviceLinkedRole");
        }
        used.passes = tasks
            .into_iter()
            .filter_map(|t| t.service_role_arn)
            .map(|role| (SSM_PRINCIPAL, role))
            .collect();
        Some(used)
    },
};

/// Register, update and (in a window the operator created) deregister tasks until the window's tasks are the
/// spec's, running on `target_ids` (window target IDs by target group name). Returns the outcome and the task IDs
/// by task name.
pub(super) async fn reconcile(
    ctx: &Ctx<'_>,
    client: &aws_sdk_ssm::Client,
    region: &str,
    window_id: &str,
    window_owned: bool,
    target_ids: &BTreeMap<String, String>,
) -> (ComponentOutcome, BTreeMap<String, String>) {
    let c = TASKS;
    let own = ownership(window_owned);
    let listed = match ssm::tasks(client, window_id).await {
        Ok(t) => t,
        Err(e) => return (failed(c, region, own, e), BTreeMap::new()),
    };
    let mut want: Vec<TaskConfig> = patching::tasks::config(ctx.input.spec, target_ids);
    if let Some(role) = ctx.service_role_arn(region) {
        for t in want
            .iter_mut()
            .filter(|t| t.name == patching::tasks::PATCH_TASK)
        {
            t.service_role_arn = Some(role.clone());
        }
    }
    // The listing holds names only: read the settings of each declared task the window has.
    let mut found = BTreeMap::new();
    let mut ids = BTreeMap::new();
    for t in &want {
        let Some(l) = listed.iter().find(|l| l.name == t.name) else {
            continue;
        };
        match ssm::get_task(client, window_id, &l.id).await {
            Ok(Some(cfg)) => {
                ids.insert(t.name.clone(), l.id.clone());
                found.insert(t.name.clone(), (l.id.clone(), cfg));
            }
            Ok(None) => {}
            Err(e) => return (failed(c, region, own, e), ids),
        }
    }
    let plan = patching::tasks::plan(&want, &found, &listed, window_owned);
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
            ownership: own,
            id: None,
        }
        .outcome(),
        ids,
    )
}

/// The outcome when the window does not exist: every task is missing.
pub(super) fn missing(ctx: &Ctx<'_>, region: &str) -> ComponentOutcome {
    let drift = patching::tasks::missing(ctx.input.spec);
    Settle {
        component: TASKS,
        region,
        drift,
        writes: None,
        created: false,
        ownership: Ownership::None,
        id: None,
    }
    .outcome()
}
