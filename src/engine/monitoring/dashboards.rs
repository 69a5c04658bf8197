//! Dashboards of one region: ListDashboards by the policy's short prefix with the bodies, then the puts and
//! deletes the plan (`monitoring::dashboards`) names; and cleanup. Dashboards cannot carry tags, so the status
//! record (`dashboards`) is the proof of ownership.

use super::{Cleanup, Component, Ctx};
use crate::api::common::Ownership;
use crate::api::monitoring_policy::MonitoringResources;
use crate::aws::operation::SectionUsage;
use crate::aws::{self, AwsError};
use crate::engine::{failed, CleanupReport, ComponentOutcome, Settle};
use crate::monitoring::dashboards::{plan, DASHBOARDS};
use std::collections::BTreeSet;

pub(super) const COMPONENT: Component = Component {
    name: "dashboards",
    components: &[DASHBOARDS],
    iam: &["MonitoringPolicy.dashboards"],
    usage: |spec| {
        (!spec.dashboards.is_empty()).then(|| SectionUsage::of(&["MonitoringPolicy.dashboards"]))
    },
    runs: |ctx, previous| !ctx.input.spec.dashboards.is_empty() || !previous.dashboards.is_empty(),
    reconcile: |ctx, region, res| Box::pin(async move { vec![reconcile(ctx, region, res).await] }),
    cleanup: Some(|c, report| Box::pin(cleanup(c, report))),
};

async fn reconcile(ctx: &Ctx<'_>, region: &str, res: &mut MonitoringResources) -> ComponentOutcome {
    const C: &str = DASHBOARDS;
    let client = ctx.session.cloudwatch(region);
    let recorded: BTreeSet<String> = ctx.previous(region).dashboards.into_iter().collect();
    let observed = match aws::cloudwatch::dashboards(&client, &ctx.short_prefix).await {
        Ok(o) => o,
        Err(e) => return failed(C, region, Ownership::Created, e),
    };
    let plan = plan(
        &ctx.input.spec.dashboards,
        &ctx.short_prefix,
        &observed,
        &recorded,
    );
    let mut writes: Option<Result<(), AwsError>> = None;
    // What stays recorded as created by this policy.
    let mut created = plan.in_sync.clone();
    for put in &plan.puts {
        if ctx.may_write() && !matches!(writes, Some(Err(_))) {
            let r = aws::cloudwatch::put_dashboard(&client, &put.name, put.body).await;
            if r.is_ok() && (put.missing || put.recorded) {
                created.insert(put.name.clone());
            }
            writes = Some(r);
        } else if put.recorded {
            created.insert(put.name.clone());
        }
    }
    if !plan.removed.is_empty() {
        if ctx.may_write() && !matches!(writes, Some(Err(_))) {
            writes = Some(aws::cloudwatch::delete_dashboards(&client, &plan.removed).await);
        }
        if !matches!(writes, Some(Ok(()))) {
            created.extend(plan.removed.iter().cloned());
        }
    }
    res.dashboards = created.into_iter().collect();
    let id = Some(format!("{} dashboard(s)", ctx.input.spec.dashboards.len()));
    let created = plan.creates() && plan.only_creates();
    Settle {
        component: C,
        region,
        drift: plan.drift,
        writes,
        created,
        ownership: Ownership::Created,
        id,
    }
    .outcome()
}

/// The dashboards under the policy's short prefix. Dashboards and metric filters carry no tags: what carries
/// this policy's name prefix is its own, and nothing else is deleted, whatever status says.
async fn cleanup(c: &Cleanup<'_>, report: &mut CleanupReport) -> Result<(), AwsError> {
    let region = c.region;
    // Listed only when the policy has (or had) dashboards: a policy without them may not hold
    // cloudwatch:ListDashboards (iam-policy grants per section).
    if c.input.spec.dashboards.is_empty() && c.previous.dashboards.is_empty() {
        return Ok(());
    }
    let cw = c.session.cloudwatch(region);
    let dashboards: Vec<String> = aws::cloudwatch::dashboards(&cw, &c.short_prefix)
        .await?
        .into_keys()
        .collect();
    if !dashboards.is_empty() {
        aws::cloudwatch::delete_dashboards(&cw, &dashboards).await?;
        report.actions.push(format!(
            "deleted {} dashboard(s) in {region}",
            dashboards.len()
        ));
    }
    Ok(())
}
