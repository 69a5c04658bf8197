//! Logs Insights saved queries of one region: one paginated DescribeQueryDefinitions by the policy's name prefix
//! `awsbaseline/<namespace>/<policy>/`, then the puts and deletes the plan (`monitoring::insights_queries`)
//! names; and cleanup. Query definitions cannot carry tags: the ids the operator created are recorded in status
//! (`queryDefinitions`), and only those are deleted by a pass.

use super::{Cleanup, Component, Ctx};
use crate::api::common::Ownership;
use crate::api::monitoring_policy::MonitoringResources;
use crate::aws::operation::SectionUsage;
use crate::aws::{self, AwsError};
use crate::engine::{failed, CleanupReport, ComponentOutcome, Settle};
use crate::monitoring::insights_queries::{plan_queries, query_prefix, INSIGHTS_QUERIES};

pub(super) const COMPONENT: Component = Component {
    name: "insightsQueries",
    components: &[INSIGHTS_QUERIES],
    iam: &["MonitoringPolicy.insightsQueries"],
    usage: |spec| {
        (!spec.insights_queries.is_empty())
            .then(|| SectionUsage::of(&["MonitoringPolicy.insightsQueries"]))
    },
    runs: |ctx, previous| {
        !ctx.input.spec.insights_queries.is_empty() || !previous.query_definitions.is_empty()
    },
    reconcile: |ctx, region, res| Box::pin(async move { vec![reconcile(ctx, region, res).await] }),
    cleanup: Some(|c, report| Box::pin(cleanup(c, report))),
};

async fn reconcile(ctx: &Ctx<'_>, region: &str, res: &mut MonitoringResources) -> ComponentOutcome {
    const C: &str = INSIGHTS_QUERIES;
    let input = ctx.input;
    let client = ctx.session.logs(region);
    let prefix = query_prefix(input.namespace, input.name);
    let recorded = ctx.previous(region).query_definitions;
    let prev_owner = ctx.previous_ownership(C, region);
    let observed = match aws::logs::query_definitions(&client, &prefix).await {
        Ok(o) => o,
        Err(e) => {
            // Keep the record of what we created: it is the only proof of ownership.
            res.query_definitions = recorded;
            return failed(C, region, prev_owner.unwrap_or(Ownership::Created), e);
        }
    };
    let plan = plan_queries(&input.spec.insights_queries, &prefix, &observed, &recorded);
    res.query_definitions = plan.recorded.clone();
    let mut writes: Option<Result<(), AwsError>> = None;
    for (aws_name, id, q) in &plan.puts {
        if !ctx.may_write() || matches!(writes, Some(Err(_))) {
            break;
        }
        let r = aws::logs::put_query_definition(
            &client,
            aws_name,
            id.as_deref(),
            &q.query_string,
            &q.log_group_names,
        )
        .await;
        if let (Ok(new_id), None) = (&r, id) {
            res.query_definitions
                .insert(aws_name.clone(), new_id.clone());
        }
        writes = Some(r.map(|_| ()));
    }
    for (aws_name, id) in &plan.deletes {
        let r = if ctx.may_write() && !matches!(writes, Some(Err(_))) {
            let r = aws::logs::delete_query_definition(&client, id).await;
            writes = Some(r.clone());
            r
        } else {
            Ok(())
        };
        // Remembered until the delete succeeded.
        if r.is_err() || !ctx.may_write() || matches!(writes, Some(Err(_))) {
            res.query_definitions.insert(aws_name.clone(), id.clone());
        }
    }
    let ownership = if !res.query_definitions.is_empty() {
        Ownership::Created
    } else if plan.adopted {
        Ownership::Adopted
    } else {
        prev_owner.unwrap_or(Ownership::Created)
    };
    let id = Some(format!(
        "{} query definition(s)",
        input.spec.insights_queries.len()
    ));
    let created = plan.creates() && plan.only_creates();
    Settle {
        component: C,
        region,
        drift: plan.drift,
        writes,
        created,
        ownership,
        id,
    }
    .outcome()
}

/// Query definitions carry no tags: those under this policy's name prefix are its own (recorded in status or
/// not: a crash before the status write leaves none recorded); a recorded ID outside it is left alone.
async fn cleanup(c: &Cleanup<'_>, report: &mut CleanupReport) -> Result<(), AwsError> {
    let (input, region) = (c.input, c.region);
    if c.previous.query_definitions.is_empty() && input.spec.insights_queries.is_empty() {
        return Ok(());
    }
    let logs = c.session.logs(region);
    let prefix = query_prefix(input.namespace, input.name);
    for q in aws::logs::query_definitions(&logs, &prefix).await? {
        aws::logs::delete_query_definition(&logs, &q.id).await?;
        report
            .actions
            .push(format!("deleted query definition {} in {region}", q.name));
    }
    Ok(())
}
