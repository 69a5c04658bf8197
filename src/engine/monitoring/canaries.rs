//! CloudWatch Synthetics canaries of one region: one DescribeCanaries per five canaries (declared, plus those
//! status records), CreateCanary with the owner tags and the script hash, UpdateCanary with the whole declared
//! configuration when anything but the running state drifted, Start/StopCanary for the state. A canary's AWS name
//! is derived (`monitoring::canaries::aws_name`) and recorded in status; a canary of that name whose tags do not
//! name this policy is never touched. Canaries the spec no longer declares are stopped, then deleted (with their
//! Lambda function) once Synthetics reports them stopped — in the same pass when it does so at once, else on the
//! next.

use super::{uses_when, Cleanup, Component, Ctx, Tally};
use crate::api::common::Ownership;
use crate::api::monitoring_policy::{CanarySpec, MonitoringResources};
use crate::aws::operation::LAMBDA_PRINCIPAL;
use crate::aws::synthetics::{self, Canary};
use crate::aws::{AwsError, ErrorCategory};
use crate::diff::FieldDrift;
use crate::engine::{failed, CleanupReport, ComponentOutcome};
use crate::monitoring::canaries::{
    aws_name, drift, needs_update, removed, request, script_drifted, script_hash, CANARIES,
    SCRIPT_TAG,
};
use std::collections::{BTreeMap, BTreeSet};

pub(super) const COMPONENT: Component = Component {
    name: "canaries",
    components: &[CANARIES],
    iam: &["MonitoringPolicy.canaries"],
    usage: |spec| {
        let mut used = uses_when(&[(!spec.canaries.is_empty(), "MonitoringPolicy.canaries")])?;
        used.passes = spec
            .canaries
            .iter()
            .map(|c| (LAMBDA_PRINCIPAL, c.execution_role_arn.clone()))
            .collect();
        Some(used)
    },
    runs: |ctx, previous| !ctx.input.spec.canaries.is_empty() || !previous.canaries.is_empty(),
    reconcile: |ctx, region, res| Box::pin(reconcile(ctx, region, res)),
    cleanup: Some(|c, report| Box::pin(cleanup(c, report))),
};

fn running(state: &str) -> bool {
    matches!(state, "RUNNING" | "STARTING")
}

/// States a canary can be deleted in.
fn deletable(state: Option<&str>) -> bool {
    matches!(state, Some("READY" | "STOPPED" | "ERROR"))
}

/// Create, update, start or stop one declared canary so that it matches the spec.
async fn correct(
    ctx: &Ctx<'_>,
    client: &aws_sdk_synthetics::Client,
    region: &str,
    c: &CanarySpec,
    name: &str,
    have: Option<&Canary>,
    d: &[FieldDrift],
) -> Result<(), AwsError> {
    let Some(have) = have else {
        let mut tags = ctx.input.owner.tags();
        tags.push((SCRIPT_TAG.to_string(), script_hash(c)));
        synthetics::create(client, &request(c, name), &tags).await?;
        // A new canary can be started once Synthetics has it READY: at once in some cases, else on the next pass.
        if c.running && synthetics::get_state(client, name).await?.as_deref() == Some("READY") {
            synthetics::start(client, name).await?;
        }
        return Ok(());
    };
    if needs_update(d) {
        synthetics::update(client, &request(c, name)).await?;
        if script_drifted(d) {
            let arn = synthetics::arn(region, &ctx.input.account.account_id, name);
            synthetics::tag(client, &arn, &[(SCRIPT_TAG.to_string(), script_hash(c))]).await?;
        }
    }
    match (c.running, running(&have.state)) {
        (true, false) => synthetics::start(client, name).await,
        (false, true) => synthetics::stop(client, name).await,
        _ => Ok(()),
    }
}

async fn reconcile(
    ctx: &Ctx<'_>,
    region: &str,
    res: &mut MonitoringResources,
) -> Vec<ComponentOutcome> {
    let input = ctx.input;
    let recorded = ctx.previous(region).canaries;
    let declared: Vec<(&CanarySpec, String)> = input
        .spec
        .canaries
        .iter()
        .map(|c| (c, aws_name(input.namespace, input.name, &c.name)))
        .collect();
    let names: Vec<String> = declared
        .iter()
        .map(|(_, n)| n.clone())
        .chain(recorded.values().cloned())
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    let client = ctx.session.synthetics(region);
    let observed = match synthetics::describe(&client, &names).await {
        Ok(o) => o,
        Err(e) => {
            res.canaries = recorded;
            return vec![failed(CANARIES, region, Ownership::Created, e)];
        }
    };
    let mut tally = Tally::default();
    let mut kept: BTreeMap<String, String> = BTreeMap::new();
    for (c, name) in &declared {
        let have = observed.get(name);
        if let Some(h) = have.filter(|h| !ctx.owns(&h.tags)) {
            // Someone else's canary under the derived name: never changed, never deleted.
            tally.writes = Some(Err(AwsError::new(
                "synthetics",
                "CreateCanary",
                ErrorCategory::InvalidInput,
                format!(
                    "canary {} in {region} exists and was not created by this policy (canaries.{}); rename the declared canary",
                    h.name, c.name
                ),
            )));
            continue;
        }
        kept.insert(c.name.clone(), name.clone());
        let d = drift(c, have);
        if d.is_empty() {
            continue;
        }
        tally.found(d.clone(), have.is_none());
        // A canary Synthetics is changing is only reported; the next pass corrects it.
        if !ctx.may_write() || tally.write_failed() || have.is_some_and(Canary::in_progress) {
            continue;
        }
        tally.writes = Some(correct(ctx, &client, region, c, name, have, &d).await);
    }
    // Canaries this policy created that the spec no longer declares.
    let declared_names: BTreeSet<&str> = declared.iter().map(|(c, _)| c.name.as_str()).collect();
    for (local, name) in recorded
        .iter()
        .filter(|(l, _)| !declared_names.contains(l.as_str()))
    {
        let Some(have) = observed.get(name).filter(|h| ctx.owns(&h.tags)) else {
            continue;
        };
        tally.removed([removed(local)]);
        kept.insert(local.clone(), name.clone());
        if !ctx.may_write() || tally.write_failed() {
            continue;
        }
        let r = async {
            if running(&have.state) {
                synthetics::stop(&client, name).await?;
            }
            if deletable(synthetics::get_state(&client, name).await?.as_deref()) {
                synthetics::delete(&client, name).await?;
                return Ok(true);
            }
            Ok(false)
        }
        .await;
        if let Ok(true) = r {
            kept.remove(local);
        }
        tally.writes = Some(r.map(|_| ()));
    }
    res.canaries = kept;
    vec![tally.outcome(
        CANARIES,
        region,
        Some(format!("{} canary(ies)", declared.len())),
    )]
}

/// On deletion: the canaries (declared or recorded) whose tags prove this policy created them are stopped and
/// deleted; one still stopping is deleted on the next attempt.
async fn cleanup(c: &Cleanup<'_>, report: &mut CleanupReport) -> Result<(), AwsError> {
    let input = c.input;
    let names: Vec<String> = input
        .spec
        .canaries
        .iter()
        .map(|x| aws_name(input.namespace, input.name, &x.name))
        .chain(c.previous.canaries.values().cloned())
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    if names.is_empty() {
        return Ok(());
    }
    let client = c.session.synthetics(c.region);
    let observed = synthetics::describe(&client, &names).await?;
    for have in observed.values().filter(|h| c.owns(&h.tags)) {
        if running(&have.state) {
            synthetics::stop(&client, &have.name).await?;
        }
        let state = synthetics::get_state(&client, &have.name).await?;
        if !deletable(state.as_deref()) {
            return Err(AwsError::new(
                "synthetics",
                "DeleteCanary",
                ErrorCategory::Transient,
                format!(
                    "canary {} in {} is {}; it is deleted once stopped",
                    have.name,
                    c.region,
                    state.unwrap_or_default()
                ),
            ));
        }
        synthetics::delete(&client, &have.name).await?;
        report
            .actions
            .push(format!("deleted canary {} in {}", have.name, c.region));
    }
    Ok(())
}
