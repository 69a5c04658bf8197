//! EventBridge rules of one region (finding routes and scheduled actions): one ListRules by the policy's short
//! prefix, then the targets of each of its rules. Settings are written with PutRule, the operator's target with
//! PutTargets, only the part the plan (`monitoring::event_rules`) says drifted; rules this policy created
//! (proven by tags) that the spec no longer declares are deleted, here and on cleanup.

use super::{outcomes, uses_when, Cleanup, Component, Ctx, Tally};
use crate::api::common::Ownership;
use crate::api::monitoring_policy::MonitoringResources;
use crate::aws::events::{DesiredRule, ObservedRule};
use crate::aws::operation::EVENTS_PRINCIPAL;
use crate::aws::{self, AwsError, ErrorCategory};
use crate::engine::{failed, CleanupReport, ComponentOutcome};
use crate::monitoring::event_rules::{
    desired_rules, parse_name, plan_rule, removed_rule, ROUTES, SCHEDULES,
};
use std::collections::{BTreeMap, BTreeSet};

pub(super) const COMPONENT: Component = Component {
    name: "eventRules",
    components: &[ROUTES, SCHEDULES],
    iam: &[
        "MonitoringPolicy.findingRoutes",
        "MonitoringPolicy.scheduledActions",
    ],
    usage: |spec| {
        let mut used = uses_when(&[
            (
                !spec.finding_routes.is_empty(),
                "MonitoringPolicy.findingRoutes",
            ),
            (
                !spec.scheduled_actions.is_empty(),
                "MonitoringPolicy.scheduledActions",
            ),
        ])?;
        // Each scheduled action's target runs with its role (the operator's own: `scheduledActionsRole`).
        used.passes = spec
            .scheduled_actions
            .iter()
            .filter_map(|a| Some((EVENTS_PRINCIPAL, a.role_arn.clone()?)))
            .collect();
        Some(used)
    },
    runs: |ctx, previous| {
        let spec = ctx.input.spec;
        !spec.finding_routes.is_empty()
            || !spec.scheduled_actions.is_empty()
            || previous.event_rules > 0
    },
    reconcile: |ctx, region, res| Box::pin(reconcile(ctx, region, res)),
    cleanup: Some(|c, report| Box::pin(cleanup(c, report))),
};

async fn reconcile(
    ctx: &Ctx<'_>,
    region: &str,
    res: &mut MonitoringResources,
) -> Vec<ComponentOutcome> {
    let spec = ctx.input.spec;
    let client = ctx.session.events(region);
    let owner = format!("{}/{}", ctx.input.namespace, ctx.input.name);
    let desired: Vec<DesiredRule> = desired_rules(
        spec,
        &ctx.short_prefix,
        &owner,
        region,
        &ctx.input.account.account_id,
        ctx.scheduled_role.as_ref().map(|(_, arn)| arn.as_str()),
    );
    let mut tallies: BTreeMap<&'static str, Tally> = BTreeMap::new();
    if !spec.finding_routes.is_empty() {
        tallies.entry(ROUTES).or_default();
    }
    if !spec.scheduled_actions.is_empty() {
        tallies.entry(SCHEDULES).or_default();
    }
    let observed: Result<BTreeMap<String, ObservedRule>, AwsError> = async {
        let mut all = aws::events::rules(&client, &ctx.short_prefix).await?;
        all.retain(|name, _| parse_name(name, &ctx.short_prefix).is_some());
        for (name, rule) in all.iter_mut() {
            aws::events::read_targets(&client, name, rule).await?;
        }
        Ok(all)
    }
    .await;
    let observed = match observed {
        Ok(o) => o,
        Err(e) => {
            return tallies
                .into_keys()
                .chain((ctx.previous(region).event_rules > 0).then_some(ROUTES))
                .collect::<BTreeSet<_>>()
                .into_iter()
                .map(|c| failed(c, region, Ownership::Created, e.clone()))
                .collect();
        }
    };
    for rule in &desired {
        let obs = observed.get(&rule.aws_name);
        let plan = plan_rule(rule, &res.topic_arns, obs);
        let tally = tallies.entry(rule.component).or_default();
        if plan.drift.is_empty() {
            continue;
        }
        tally.found(plan.drift, obs.is_none());
        if !ctx.may_write() || tally.write_failed() {
            continue;
        }
        let t = rule.target(&res.topic_arns);
        let r: Result<(), AwsError> = async {
            if t.arn.is_empty() {
                return Err(AwsError::new(
                    "events",
                    "PutTargets",
                    ErrorCategory::NotFound,
                    format!(
                        "{}: topic {} does not exist yet",
                        rule.path,
                        rule.topic.as_deref().unwrap_or_default()
                    ),
                ));
            }
            if plan.put_rule {
                let tags = obs.is_none().then(|| ctx.input.owner.tags());
                aws::events::put_rule(&client, rule, tags.as_deref()).await?;
            }
            if plan.put_target {
                aws::events::put_target(&client, &rule.aws_name, &t).await?;
            }
            Ok(())
        }
        .await;
        tally.writes = Some(r);
    }
    // Rules under the prefix that the spec no longer declares: deleted when their tags prove ownership.
    let declared: BTreeSet<&str> = desired.iter().map(|r| r.aws_name.as_str()).collect();
    for (name, rule) in observed
        .iter()
        .filter(|(n, _)| !declared.contains(n.as_str()))
    {
        let Some((component, rel)) = parse_name(name, &ctx.short_prefix) else {
            continue;
        };
        let tally = tallies.entry(component).or_default();
        let owned = match aws::events::tags(&client, &rule.arn).await {
            Ok(tags) => ctx.owns(&tags),
            Err(e) => {
                tally.writes = Some(Err(e));
                continue;
            }
        };
        if !owned {
            continue;
        }
        tally.removed([removed_rule(component, rel)]);
        if ctx.may_write() && !tally.write_failed() {
            tally.writes = Some(aws::events::delete(&client, name, &rule.target_ids).await);
        } else {
            res.event_rules += 1;
        }
    }
    res.event_rules += desired.len() as u32;
    outcomes(tallies, region, |c| {
        let n = desired.iter().filter(|r| r.component == c).count();
        Some(format!("{n} rule(s)"))
    })
}

/// Rules under the policy's short prefix whose tags prove this policy created them.
async fn cleanup(c: &Cleanup<'_>, report: &mut CleanupReport) -> Result<(), AwsError> {
    let region = c.region;
    let events = c.session.events(region);
    let mut mine = 0;
    for (name, mut rule) in aws::events::rules(&events, &c.short_prefix).await? {
        if parse_name(&name, &c.short_prefix).is_none()
            || !c.owns(&aws::events::tags(&events, &rule.arn).await?)
        {
            continue;
        }
        aws::events::read_targets(&events, &name, &mut rule).await?;
        aws::events::delete(&events, &name, &rule.target_ids).await?;
        mine += 1;
    }
    if mine > 0 {
        report
            .actions
            .push(format!("deleted {mine} EventBridge rule(s) in {region}"));
    }
    Ok(())
}
