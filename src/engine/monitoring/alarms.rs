//! Metric, composite, CIS and billing alarms of one region: one paginated DescribeAlarms by the policy's name
//! prefix, PutMetricAlarm / PutCompositeAlarm paced by the process-wide pacer, deletes of alarms this policy
//! created (proven by tags) that the spec no longer declares; and cleanup. Fields and components are
//! `monitoring::alarms`.

use super::{outcomes, uses_when, Cleanup, Component, Ctx, Tally};
use crate::api::common::Ownership;
use crate::api::monitoring_policy::MonitoringResources;
use crate::aws::cloudwatch::{AlarmState, DesiredAlarm};
use crate::aws::{self, AwsError};
use crate::diff::diff_resources;
use crate::engine::{failed, CleanupReport, ComponentOutcome};
use crate::monitoring::alarms::{
    alarm_component, in_region, observed_alarm_fields, removed_alarm, ALARMS, BILLING, CIS_ALARMS,
    COMPOSITES,
};
use crate::monitoring::health_checks::{self, HEALTH_CHECK_ALARMS};
use std::collections::{BTreeMap, BTreeSet};

pub(super) const COMPONENT: Component = Component {
    name: "alarms",
    components: &[ALARMS, CIS_ALARMS, BILLING, COMPOSITES, HEALTH_CHECK_ALARMS],
    iam: &[
        "MonitoringPolicy.alarms",
        "MonitoringPolicy.compositeAlarms",
    ],
    usage: |spec| {
        uses_when(&[
            // Alarms, the CIS preset's and the health checks' included.
            (
                !spec.alarms.is_empty()
                    || spec.cis_aws_foundations.is_some()
                    || spec.billing_alarm.is_some()
                    || spec.health_checks.iter().any(|h| h.alarm.is_some()),
                "MonitoringPolicy.alarms",
            ),
            (
                !spec.composite_alarms.is_empty(),
                "MonitoringPolicy.compositeAlarms",
            ),
        ])
    },
    // Always: alarms this policy created are found by its name prefix, not by status.
    runs: |_, _| true,
    reconcile: |ctx, region, res| Box::pin(reconcile(ctx, region, res)),
    cleanup: Some(|c, report| Box::pin(cleanup(c, report))),
};

/// A progress line (on a terminal) after this many paced alarm writes of one pass.
const ALARM_WRITES_PER_PROGRESS_LINE: usize = 25;

/// The pacer's key of this account and Region.
fn pace_key(ctx: &Ctx<'_>, region: &str) -> String {
    format!("{}/{region}", ctx.input.account.account_id)
}

/// Wait for a PutMetricAlarm / PutCompositeAlarm slot of this account and region, shared by every policy in the
/// process: two policies writing to one account together stay under CloudWatch's rate.
async fn pace_alarm_write(ctx: &Ctx<'_>, region: &str) {
    if !ctx.input.alarm_write_interval.is_zero() {
        let key = format!("{}/cloudwatch:PutMetricAlarm", pace_key(ctx, region));
        crate::aws::pace::wait(&key, ctx.input.alarm_write_interval).await;
    }
    let n = ctx
        .alarm_writes
        .fetch_add(1, std::sync::atomic::Ordering::Relaxed)
        + 1;
    if n.is_multiple_of(ALARM_WRITES_PER_PROGRESS_LINE) {
        crate::progress::step(
            &ctx.input.account.account_id,
            region,
            &format!(
                "{n} alarm writes (paced at one per {:?})",
                ctx.input.alarm_write_interval
            ),
        );
    }
}

/// The snapshot of every policy's alarms in an account and Region.
pub(super) const SNAPSHOT: &str = "cloudwatch:alarms";

/// This policy's alarms: its own `DescribeAlarms` by its prefix, or, when the pass may use shared reads, its part
/// of the snapshot of every policy's alarms in the account and Region (one paginated read shared by all of them).
async fn observe(
    ctx: &Ctx<'_>,
    client: &aws_sdk_cloudwatch::Client,
    region: &str,
) -> Result<BTreeMap<String, AlarmState>, AwsError> {
    if ctx.input.shared_reads.is_none() {
        return aws::cloudwatch::alarms_by_prefix(client, &ctx.prefix, &pace_key(ctx, region))
            .await;
    }
    let key = pace_key(ctx, region);
    let all = ctx
        .shared(region, SNAPSHOT, || {
            aws::cloudwatch::alarms_by_prefix(client, crate::monitoring::ALARM_PREFIX, &key)
        })
        .await?;
    Ok(all
        .range(ctx.prefix.clone()..)
        .take_while(|(name, _)| name.starts_with(&ctx.prefix))
        .map(|(n, s)| (n.clone(), s.clone()))
        .collect())
}

async fn reconcile(
    ctx: &Ctx<'_>,
    region: &str,
    res: &mut MonitoringResources,
) -> Vec<ComponentOutcome> {
    let client = ctx.session.cloudwatch(region);
    let (outcomes, wrote) = reconcile_alarms(ctx, &client, region, res).await;
    if wrote {
        // What this pass wrote is not in a snapshot taken before it.
        ctx.wrote(region, SNAPSHOT);
    }
    outcomes
}

async fn reconcile_alarms(
    ctx: &Ctx<'_>,
    client: &aws_sdk_cloudwatch::Client,
    region: &str,
    res: &mut MonitoringResources,
) -> (Vec<ComponentOutcome>, bool) {
    let client = client.clone();
    let observed = match observe(ctx, &client, region).await {
        Ok(o) => o,
        Err(e) => {
            let mut out = vec![failed(ALARMS, region, Ownership::Created, e.clone())];
            if ctx.input.spec.cis_aws_foundations.is_some() {
                out.push(failed(CIS_ALARMS, region, Ownership::Created, e));
            }
            return (out, false);
        }
    };
    let mut tallies: BTreeMap<&'static str, Tally> = BTreeMap::new();
    if !ctx.input.spec.alarms.is_empty() {
        tallies.entry(ALARMS).or_default();
    }
    // Health check alarms name the checks' IDs, known once the health checks component ran (in us-east-1).
    let home = region == crate::aws::route53::HOME_REGION;
    let spec = ctx.input.spec;
    let hc_alarms = if home {
        health_checks::alarms(spec, &ctx.prefix, &res.health_checks)
    } else {
        Vec::new()
    };
    let waiting: Vec<String> = if home {
        health_checks::alarms_waiting(spec, &res.health_checks)
            .into_iter()
            .map(|n| health_checks::alarm_name(&ctx.prefix, n))
            .collect()
    } else {
        Vec::new()
    };
    for name in &waiting {
        // No ID yet (the check was not created): a missing alarm is drift, written once the check exists.
        if !observed.contains_key(name) {
            let rel = name.strip_prefix(&ctx.prefix).unwrap_or(name);
            let (c, removed) = removed_alarm(rel, false);
            let missing = crate::diff::FieldDrift {
                field: removed.field,
                desired: serde_json::json!(true),
                actual: serde_json::json!(false),
            };
            tallies.entry(c).or_default().found(vec![missing], true);
        }
    }
    let mut desired: Vec<&DesiredAlarm> = in_region(&ctx.alarms, region);
    desired.extend(hc_alarms.iter());
    for a in &desired {
        let obs = observed.get(&a.aws_name);
        let have = observed_alarm_fields(&a.path, obs.map(|o| &o.fields));
        let d = diff_resources(&a.fields(&res.topic_arns), &have);
        let tally = tallies.entry(alarm_component(&a.path)).or_default();
        if d.is_empty() {
            continue;
        }
        tally.found(d, obs.is_none());
        if ctx.may_write() && !tally.write_failed() {
            pace_alarm_write(ctx, region).await;
            let tags = obs.is_none().then(|| ctx.input.owner.tags());
            tally.writes =
                Some(aws::cloudwatch::put(&client, a, &res.topic_arns, tags.as_deref()).await);
        }
    }
    // Composite alarms after the metric alarms their rules name (CloudWatch checks that those exist).
    for c in &ctx.composites {
        let obs = observed.get(&c.aws_name).filter(|o| o.composite);
        let have = observed_alarm_fields(&c.path, obs.map(|o| &o.fields));
        let d = diff_resources(&c.fields(&res.topic_arns), &have);
        let tally = tallies.entry(COMPOSITES).or_default();
        if d.is_empty() {
            continue;
        }
        tally.found(d, obs.is_none());
        let metric_failed = tallies.values().any(Tally::write_failed);
        if ctx.may_write() && !metric_failed {
            pace_alarm_write(ctx, region).await;
            let tags = obs.is_none().then(|| ctx.input.owner.tags());
            tallies.entry(COMPOSITES).or_default().writes = Some(
                aws::cloudwatch::put_composite(&client, c, &res.topic_arns, tags.as_deref()).await,
            );
        }
    }
    // Alarms under this policy's prefix that the spec no longer declares: deleted when tags prove ownership.
    let declared: BTreeSet<&str> = desired
        .iter()
        .map(|a| a.aws_name.as_str())
        .chain(ctx.composites.iter().map(|c| c.aws_name.as_str()))
        .chain(waiting.iter().map(String::as_str))
        .collect();
    let mut doomed = Vec::new();
    for (name, state) in observed
        .iter()
        .filter(|(n, _)| !declared.contains(n.as_str()))
    {
        let tags = match aws::cloudwatch::tags(&client, &state.arn).await {
            Ok(t) => t,
            Err(e) => {
                tallies.entry(ALARMS).or_default().writes = Some(Err(e));
                continue;
            }
        };
        if !ctx.owns(&tags) {
            continue;
        }
        let rel = name.strip_prefix(&ctx.prefix).unwrap_or(name);
        let (c, drift) = removed_alarm(rel, state.composite);
        tallies.entry(c).or_default().removed([drift]);
        doomed.push((c, name.clone()));
    }
    if ctx.may_write() && !doomed.is_empty() {
        // Composite alarms first: CloudWatch refuses to delete an alarm a composite alarm still names.
        for composite in [true, false] {
            let names: Vec<String> = doomed
                .iter()
                .filter(|(c, _)| (*c == COMPOSITES) == composite)
                .map(|(_, n)| n.clone())
                .collect();
            if names.is_empty() {
                continue;
            }
            let r = aws::cloudwatch::delete(&client, &names).await;
            for (c, _) in doomed
                .iter()
                .filter(|(c, _)| (*c == COMPOSITES) == composite)
            {
                let tally = tallies.entry(c).or_default();
                if !tally.write_failed() {
                    tally.writes = Some(r.clone());
                }
            }
        }
    }
    res.alarms = (desired.len() + ctx.composites.len()) as u32;
    let wrote = tallies.values().any(|t| t.writes.is_some());
    let outcomes = outcomes(tallies, region, |c| {
        let n = desired
            .iter()
            .map(|a| a.path.as_str())
            .chain(ctx.composites.iter().map(|c| c.path.as_str()))
            .filter(|p| alarm_component(p) == c)
            .count();
        Some(format!("{n} alarm(s)"))
    });
    (outcomes, wrote)
}

/// Alarms under the policy's prefix whose tags prove this policy created them (composite alarms first).
async fn cleanup(c: &Cleanup<'_>, report: &mut CleanupReport) -> Result<(), AwsError> {
    let region = c.region;
    let cw = c.session.cloudwatch(region);
    c.wrote(region, SNAPSHOT);
    let key = format!("{}/{region}", c.input.account.account_id);
    let observed = aws::cloudwatch::alarms_by_prefix(&cw, &c.prefix, &key).await?;
    // Composite alarms first: CloudWatch refuses to delete an alarm a composite alarm still names.
    for composite in [true, false] {
        let mut mine = Vec::new();
        for (name, state) in observed.iter().filter(|(_, s)| s.composite == composite) {
            if c.owns(&aws::cloudwatch::tags(&cw, &state.arn).await?) {
                mine.push(name.clone());
            }
        }
        if !mine.is_empty() {
            aws::cloudwatch::delete(&cw, &mine).await?;
            let kind = if composite {
                "composite alarm(s)"
            } else {
                "alarm(s)"
            };
            report
                .actions
                .push(format!("deleted {} {kind} in {region}", mine.len()));
        }
    }
    Ok(())
}
