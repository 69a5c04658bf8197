//! Metric filters of one region: one paginated DescribeMetricFilters per log group (declared or recorded), then
//! the puts and deletes the plan (`monitoring::metric_filters`) names; and cleanup of the recorded filters.

use super::{outcomes, Cleanup, Component, Ctx, Tally};
use crate::api::monitoring_policy::MonitoringResources;
use crate::aws::operation::SectionUsage;
use crate::aws::{self, AwsError, ErrorCategory};
use crate::engine::{CleanupReport, ComponentOutcome};
use crate::monitoring::metric_filters::{
    by_group, missing_group_drift, plan_group, FilterWrite, CIS_FILTERS, LOG_METRIC_FILTERS,
};
use std::collections::{BTreeMap, BTreeSet};

pub(super) const COMPONENT: Component = Component {
    name: "metricFilters",
    components: &[LOG_METRIC_FILTERS, CIS_FILTERS],
    // Metric filters, the CIS preset's included.
    iam: &["MonitoringPolicy.logMetricFilters"],
    usage: |spec| {
        (!spec.log_metric_filters.is_empty() || spec.cis_aws_foundations.is_some())
            .then(|| SectionUsage::of(&["MonitoringPolicy.logMetricFilters"]))
    },
    runs: |ctx, previous| !ctx.filters.is_empty() || !previous.metric_filters.is_empty(),
    reconcile: |ctx, region, res| Box::pin(reconcile(ctx, region, res)),
    cleanup: Some(|c, report| Box::pin(cleanup(c, report))),
};

async fn reconcile(
    ctx: &Ctx<'_>,
    region: &str,
    res: &mut MonitoringResources,
) -> Vec<ComponentOutcome> {
    let client = ctx.session.logs(region);
    let recorded: BTreeSet<String> = ctx.previous(region).metric_filters.into_iter().collect();
    // Per component ("logMetricFilters" and "cisAwsFoundationsFilters").
    let mut tallies: BTreeMap<&'static str, Tally> = BTreeMap::new();
    for (group, wanted) in by_group(&ctx.filters, &recorded) {
        let observed = match aws::logs::filters(&client, group, &ctx.prefix).await {
            Ok(o) => o,
            Err(e) => {
                for f in &wanted {
                    tallies.entry(f.component()).or_default().writes = Some(Err(e.clone()));
                }
                continue;
            }
        };
        let Some(observed) = observed else {
            let e = AwsError::new(
                "logs",
                "DescribeMetricFilters",
                ErrorCategory::NotFound,
                format!("log group {group} does not exist; its metric filters cannot be created"),
            );
            for f in &wanted {
                let tally = tallies.entry(f.component()).or_default();
                tally.drift.push(missing_group_drift(f));
                tally.writes = Some(Err(e.clone()));
            }
            continue;
        };
        for step in plan_group(group, &wanted, &observed, &recorded, &ctx.prefix) {
            let tally = tallies.entry(step.component).or_default();
            if step.keep_record {
                res.metric_filters.push(step.key.clone());
            }
            match step.write {
                None => {}
                Some(FilterWrite::Put(f)) => {
                    tally.found(step.drift, step.missing);
                    if ctx.may_write() && !tally.write_failed() {
                        tally.writes = Some(aws::logs::put_filter(&client, f).await);
                    }
                }
                Some(FilterWrite::Delete(name)) => {
                    tally.removed(step.drift);
                    if ctx.may_write() {
                        tally.writes = Some(aws::logs::delete_filter(&client, group, &name).await);
                    } else {
                        res.metric_filters.push(step.key);
                    }
                }
            }
        }
    }
    res.metric_filters.sort();
    res.metric_filters.dedup();
    outcomes(tallies, region, |_| None)
}

/// The filters status records as created by this policy (and named with its prefix).
async fn cleanup(c: &Cleanup<'_>, report: &mut CleanupReport) -> Result<(), AwsError> {
    let region = c.region;
    let logs = c.session.logs(region);
    for key in &c.previous.metric_filters {
        if let Some((group, name)) = key
            .split_once(':')
            .filter(|(_, name)| name.starts_with(&c.prefix))
        {
            aws::logs::delete_filter(&logs, group, name).await?;
            report.actions.push(format!(
                "deleted metric filter {name} on {group} in {region}"
            ));
        }
    }
    Ok(())
}
