//! Route 53 health checks (global: the component does its work in one region's pass, [`super::global_region`]: us-east-1
//! when the policy lists it, which it must when a check has an alarm, else the policy's first region). One paginated ListHealthChecks per pass; the ID status recorded identifies each check. Checks status
//! has no record of (the CLI, a status write that was lost) are found by this policy's CallerReference prefix and
//! proven by their owner tags (one ListTagsForResources per 10), their declared name read from the `Name` tag.
//! Drift is corrected with UpdateHealthCheck, or by replacing the check when Route 53 cannot change the setting
//! (type, request interval); checks the spec no longer declares are deleted when their tags prove ownership. The
//! alarms on their status are part of the alarms component (`monitoring::health_checks::alarms`).

use super::{uses_when, Cleanup, Component, Ctx, Tally};
use crate::api::common::Ownership;
use crate::api::monitoring_policy::{HealthCheckSpec, MonitoringResources};
use crate::aws::route53::{self, HealthCheckSettings, HOME_REGION};
use crate::aws::AwsError;
use crate::engine::{failed, CleanupReport, ComponentOutcome};
use crate::monitoring::health_checks::{
    caller_reference, drift, name_from_tags, name_tag, needs_replacement, removed, settings,
    HEALTH_CHECKS, NAME_TAG,
};
use std::collections::{BTreeMap, BTreeSet};

pub(super) const COMPONENT: Component = Component {
    name: "healthChecks",
    components: &[HEALTH_CHECKS],
    iam: &["MonitoringPolicy.healthChecks"],
    usage: |spec| {
        uses_when(&[(
            !spec.health_checks.is_empty(),
            "MonitoringPolicy.healthChecks",
        )])
    },
    runs: |ctx, previous| {
        !ctx.input.spec.health_checks.is_empty() || !previous.health_checks.is_empty()
    },
    reconcile: |ctx, region, res| Box::pin(reconcile(ctx, region, res)),
    cleanup: Some(|c, report| Box::pin(cleanup(c, report))),
};

/// CreateHealthCheck with the deterministic CallerReference, then the owner and Name tags. Route 53 refuses a
/// reference a deleted check used (HealthCheckAlreadyExists): the same check declared again after it was deleted
/// gets the reference with the current time appended.
async fn create(
    ctx: &Ctx<'_>,
    client: &aws_sdk_route53::Client,
    h: &HealthCheckSpec,
    want: &HealthCheckSettings,
) -> Result<String, AwsError> {
    let reference = caller_reference(&ctx.short_prefix, &h.name, want);
    let id = match route53::create(client, &reference, want).await {
        Err(e) if e.has_code("HealthCheckAlreadyExists") => {
            let now = std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map(|d| d.as_secs())
                .unwrap_or_default();
            route53::create(client, &format!("{reference}-{now}"), want).await?
        }
        r => r?,
    };
    let mut tags = ctx.input.owner.tags();
    tags.push((NAME_TAG.to_string(), name_tag(&ctx.prefix, &h.name)));
    route53::tag(client, &id, &tags).await?;
    Ok(id)
}

async fn reconcile(
    ctx: &Ctx<'_>,
    region: &str,
    res: &mut MonitoringResources,
) -> Vec<ComponentOutcome> {
    if super::global_region(ctx.input).as_deref() != Some(region) {
        return Vec::new();
    }
    let recorded = ctx.previous(region).health_checks;
    let client = ctx.session.route53(HOME_REGION);
    let listed = match route53::list(&client).await {
        Ok(l) => l,
        Err(e) => {
            res.health_checks = recorded;
            return vec![failed(HEALTH_CHECKS, region, Ownership::Created, e)];
        }
    };
    // Checks of this policy that status does not record, proven by tags.
    let known: BTreeSet<&String> = recorded.values().collect();
    let unrecorded: Vec<String> = listed
        .values()
        .filter(|h| h.caller_reference.starts_with(&ctx.short_prefix) && !known.contains(&h.id))
        .map(|h| h.id.clone())
        .collect();
    let mut found: BTreeMap<String, String> = BTreeMap::new();
    if !unrecorded.is_empty() {
        match route53::tags_of(&client, &unrecorded).await {
            Ok(tags) => {
                for (id, t) in tags {
                    if ctx.owns(&t) {
                        if let Some(n) = name_from_tags(&ctx.prefix, &t) {
                            found.entry(n.to_string()).or_insert(id);
                        }
                    }
                }
            }
            Err(e) => {
                res.health_checks = recorded;
                return vec![failed(HEALTH_CHECKS, region, Ownership::Created, e)];
            }
        }
    }
    let spec = ctx.input.spec;
    let mut tally = Tally::default();
    let mut ids: BTreeMap<String, String> = BTreeMap::new();
    for h in &spec.health_checks {
        let id = recorded
            .get(&h.name)
            .filter(|id| listed.contains_key(*id))
            .or_else(|| found.get(&h.name))
            .cloned();
        let observed = id.as_ref().and_then(|id| listed.get(id));
        if let Some(id) = &id {
            ids.insert(h.name.clone(), id.clone());
        }
        let d = drift(h, observed.map(|o| &o.settings));
        if d.is_empty() {
            continue;
        }
        let replace = needs_replacement(&d);
        tally.found(d, observed.is_none());
        if !ctx.may_write() || tally.write_failed() {
            continue;
        }
        let want = settings(h);
        let r = match observed {
            Some(o) if !replace => route53::update(&client, &o.id, o.version, &want).await,
            old => match create(ctx, &client, h, &want).await {
                Ok(new_id) => {
                    ids.insert(h.name.clone(), new_id);
                    // A replaced check goes once its successor exists (the alarm follows the new ID).
                    match old {
                        Some(o) => route53::delete(&client, &o.id).await,
                        None => Ok(()),
                    }
                }
                Err(e) => Err(e),
            },
        };
        tally.writes = Some(r);
    }
    // Checks this policy created that the spec no longer declares: deleted when their tags prove ownership.
    let declared: BTreeSet<&str> = spec.health_checks.iter().map(|h| h.name.as_str()).collect();
    let gone: Vec<(String, String, bool)> = recorded
        .iter()
        .map(|(n, id)| (n.clone(), id.clone(), false))
        .chain(found.iter().map(|(n, id)| (n.clone(), id.clone(), true)))
        .filter(|(n, id, _)| !declared.contains(n.as_str()) && listed.contains_key(id))
        .collect();
    for (name, id, proven) in gone {
        let owned = proven
            || match route53::tags(&client, &id).await {
                Ok(t) => ctx.owns(&t),
                Err(e) => {
                    ids.insert(name, id);
                    tally.writes = Some(Err(e));
                    continue;
                }
            };
        if !owned {
            continue;
        }
        tally.removed([removed(&name)]);
        if ctx.may_write() && !tally.write_failed() {
            let r = route53::delete(&client, &id).await;
            if r.is_err() {
                ids.insert(name, id);
            }
            tally.writes = Some(r);
        } else {
            ids.insert(name, id);
        }
    }
    let n = spec.health_checks.len();
    res.health_checks = ids;
    vec![tally.outcome(HEALTH_CHECKS, region, Some(format!("{n} health check(s)")))]
}

/// On deletion: the health checks this policy's CallerReference prefix (or status) finds, whose tags prove this
/// policy created them.
async fn cleanup(c: &Cleanup<'_>, report: &mut CleanupReport) -> Result<(), AwsError> {
    // Health checks are global: only the region whose pass manages them cleans them up (found by this policy's
    // CallerReference prefix, so also those recorded under another region). A region removed from the spec
    // leaves them to the remaining ones.
    let recorded_anywhere = c
        .input
        .previous
        .is_some_and(|p| p.resources.iter().any(|r| !r.health_checks.is_empty()));
    if super::global_region(c.input).as_deref() != Some(c.region)
        || (c.input.spec.health_checks.is_empty() && !recorded_anywhere)
    {
        return Ok(());
    }
    let client = c.session.route53(HOME_REGION);
    let listed = route53::list(&client).await?;
    let candidates: Vec<String> = listed
        .values()
        .filter(|h| {
            h.caller_reference.starts_with(&c.short_prefix)
                || c.previous.health_checks.values().any(|id| *id == h.id)
        })
        .map(|h| h.id.clone())
        .collect();
    let tags = route53::tags_of(&client, &candidates).await?;
    let mut deleted = 0;
    for (id, t) in &tags {
        if c.owns(t) {
            route53::delete(&client, id).await?;
            deleted += 1;
        }
    }
    if deleted > 0 {
        report
            .actions
            .push(format!("deleted {deleted} Route 53 health check(s)"));
    }
    Ok(())
}
