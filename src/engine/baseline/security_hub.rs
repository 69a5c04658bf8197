//! AWS Security Hub in one region, and the finding aggregator in the aggregation region. The passes are written
//! against a client so the tests can run them on `aws-smithy-mocks` as well as on moto with its extension.

use super::{sticky_ownership, Cleanup, Ctx, Section, SectionUsage};
use crate::api::account_baseline::{FindingAggregatorSpec, SecurityHubSpec};
use crate::api::common::{ComponentStatus, OperatorDisabledControl, Owner, Ownership};
use crate::aws::securityhub as api;
use crate::aws::{partition, AccountSession, AwsError, ErrorCategory};
use crate::baseline::security_hub as rules;
use crate::diff::diff;
use crate::engine::{failed, ComponentOutcome, Settle};
use aws_sdk_securityhub::Client;

pub(super) const SECTION: Section = Section {
    name: "securityHub",
    components: &[rules::COMPONENT, rules::AGGREGATOR_COMPONENT],
    iam: &[
        "AccountBaseline.securityHub",
        "AccountBaseline.securityHub.findingAggregator",
    ],
    usage: |spec| {
        let h = spec.security_hub.as_ref()?;
        let mut u = SectionUsage::of(&["AccountBaseline.securityHub"]);
        if h.finding_aggregator.is_some() {
            u.uses.push("AccountBaseline.securityHub.findingAggregator");
        }
        Some(u)
    },
    buckets: None,
    account: None,
    regional: Some(|ctx, region| {
        Box::pin(async move {
            let Some(s) = &ctx.input.spec.security_hub else {
                return Vec::new();
            };
            let mut out = vec![reconcile(ctx, region, s).await];
            // The aggregator is created after the aggregation region's hub.
            if let Some(a) = s.finding_aggregator.as_ref().filter(|a| a.region == region) {
                out.push(aggregator(ctx, a).await);
            }
            out
        })
    }),
    after: Some(aggregator_outside_regions),
    cleanup: |ctx| Box::pin(section_cleanup(ctx)),
};

/// An aggregation region outside the baseline's regions fails the aggregator component (nothing is changed).
fn aggregator_outside_regions<'a>(
    ctx: &'a Ctx<'a>,
    regions: &'a [String],
) -> Vec<ComponentOutcome> {
    let Some(a) = ctx
        .input
        .spec
        .security_hub
        .as_ref()
        .and_then(|s| s.finding_aggregator.as_ref())
    else {
        return Vec::new();
    };
    let Some(e) = aggregator_region_error(a, regions) else {
        return Vec::new();
    };
    // The recorded ARN of an aggregator this baseline created is kept (the outcome carries it).
    let created = created_aggregator(ctx.input.previous);
    let mut o = failed(
        rules::AGGREGATOR_COMPONENT,
        &ctx.home,
        if created.is_some() {
            Ownership::Created
        } else {
            Ownership::None
        },
        e,
    );
    o.id = created;
    vec![o]
}

async fn section_cleanup(ctx: &Cleanup<'_>) -> Vec<Result<Option<String>, AwsError>> {
    if ctx.input.spec.security_hub.is_none() {
        return Vec::new();
    }
    // The aggregator this baseline created (by recorded ARN, whatever region it is in) is deleted once, with the
    // home region's pass.
    let aggregator = created_aggregator(ctx.input.previous);
    let mut out = Vec::new();
    for region in &ctx.regions {
        let aggregator = aggregator.as_deref().filter(|_| region == ctx.home());
        out.extend(
            cleanup(
                &ctx.session,
                region,
                ctx.created(rules::COMPONENT, region),
                recorded_controls(ctx.input.previous, region),
                aggregator,
            )
            .await,
        );
    }
    out
}

/// Who runs the pass and how.
#[derive(Clone, Debug)]
pub struct Target<'a> {
    /// Owner (tags on the hub).
    pub owner: &'a Owner,
    /// Account ID (pacing key).
    pub account_id: &'a str,
    /// Region.
    pub region: &'a str,
    /// `driftPolicy: Correct`.
    pub may_write: bool,
    /// Ownership recorded in the previous status.
    pub previous: Option<Ownership>,
    /// Controls the previous status records as disabled by this baseline in this region.
    pub recorded: &'a [OperatorDisabledControl],
}

/// The controls the previous status records as disabled by this baseline in `region`.
pub(super) fn recorded_controls<'a>(
    previous: &'a [ComponentStatus],
    region: &str,
) -> &'a [OperatorDisabledControl] {
    previous
        .iter()
        .find(|c| c.component == rules::COMPONENT && c.region == region)
        .map(|c| c.operator_disabled_controls.as_slice())
        .unwrap_or_default()
}

pub(super) async fn reconcile(
    ctx: &Ctx<'_>,
    region: &str,
    spec: &SecurityHubSpec,
) -> ComponentOutcome {
    let client = ctx.session.securityhub(region);
    let target = Target {
        owner: &ctx.input.owner,
        account_id: &ctx.account_id,
        region,
        may_write: ctx.may_write(),
        previous: ctx.previous_ownership(rules::COMPONENT, region),
        recorded: recorded_controls(ctx.input.previous, region),
    };
    reconcile_with(&client, &target, spec).await
}

/// DescribeHub; when enabled, GetEnabledStandards (when standards or disabled controls are declared, or
/// controls are recorded as disabled by this baseline) and one BatchGetStandardsControlAssociations per 25
/// (control, standard) pairs.
async fn observe(
    client: &Client,
    spec: &SecurityHubSpec,
    recorded: &[OperatorDisabledControl],
    region: &str,
) -> Result<rules::Observed, AwsError> {
    let mut obs = rules::Observed {
        hub: api::hub(client).await?,
        recorded: recorded.to_vec(),
        ..Default::default()
    };
    if obs.hub.is_none()
        || !spec.enabled
        || (spec.standards.is_none() && spec.disabled_controls.is_empty() && recorded.is_empty())
    {
        return Ok(obs);
    }
    obs.subscriptions = api::subscriptions(client).await?;
    let pairs = rules::pairs_to_read(
        spec,
        recorded,
        &obs.subscriptions,
        partition(region),
        region,
    );
    if !pairs.is_empty() {
        obs.associations = api::associations(client, &pairs).await?;
    }
    obs.read = pairs;
    Ok(obs)
}

/// Observe, then exactly the writes the drift needs: hub on/off, configuration, one paced BatchEnableStandards
/// and BatchDisableStandards, one BatchUpdateStandardsControlAssociations.
pub async fn reconcile_with(
    client: &Client,
    t: &Target<'_>,
    spec: &SecurityHubSpec,
) -> ComponentOutcome {
    let c = rules::COMPONENT;
    let p = partition(t.region);
    let obs = match observe(client, spec, t.recorded, t.region).await {
        Ok(o) => o,
        Err(e) => {
            // Nothing is known: the record is kept as it was.
            let mut o = failed(c, t.region, t.previous.unwrap_or(Ownership::None), e);
            o.operator_disabled_controls = t.recorded.to_vec();
            return o;
        }
    };
    let drift = rules::drift(spec, &obs, p, t.region);
    let plan = rules::plan(spec, &obs, p, t.region);
    let pace_key = format!("{}/{}", t.account_id, t.region);
    let mut drift = drift;
    // Set as soon as EnableSecurityHub succeeds: a later failing write in the pass must not lose the ownership.
    let mut enabled_now = false;
    // The control associations AWS processed, also when a later write fails (they go into the record).
    let mut disabled_now: Vec<(String, String)> = Vec::new();
    let mut enabled_controls: Vec<(String, String)> = Vec::new();
    let mut disable_updates = plan.disable_controls.clone();
    let exec = if t.may_write && !drift.is_empty() && !plan.is_empty() {
        let result = async {
            if plan.disable_hub {
                api::disable(client).await?;
                return Ok(Vec::new());
            }
            if plan.enable_hub {
                api::enable(
                    client,
                    spec.enable_default_standards,
                    spec.control_finding_generator.map(|g| g.as_str()),
                    &t.owner.tags(),
                )
                .await?;
                enabled_now = true;
            }
            if plan.configure_auto_enable.is_some() || plan.configure_generator.is_some() {
                api::configure(client, plan.configure_auto_enable, plan.configure_generator)
                    .await?;
            }
            if !plan.disable_standards.is_empty() {
                api::disable_standards(client, &pace_key, &plan.disable_standards).await?;
            }
            if !plan.enable_standards.is_empty() {
                api::enable_standards(client, &pace_key, &plan.enable_standards).await?;
            }
            if !plan.disable_controls.is_empty() {
                api::disable_controls(client, &plan.disable_controls, &mut disabled_now).await?;
            }
            if !plan.enable_controls.is_empty() {
                api::enable_controls(client, &plan.enable_controls, &mut enabled_controls).await?;
            }
            if plan.enable_standards.is_empty() || spec.disabled_controls.is_empty() {
                return Ok(Vec::new());
            }
            new_standards_controls(
                client,
                spec,
                &obs,
                t.region,
                &mut disable_updates,
                &mut disabled_now,
            )
            .await
        }
        .await;
        Some(result.map(|late| drift.extend(late)))
    } else {
        None
    };
    // The hub carries the owner's tags, but DescribeHub does not return them: whether the operator enabled
    // Security Hub in this region is remembered in status from the pass that did.
    let ownership = sticky_ownership(t.previous, obs.hub.is_none(), enabled_now);
    let id = obs
        .hub
        .as_ref()
        .map(|h| h.arn.clone())
        .or_else(|| enabled_now.then(|| hub_arn(p, t.region, t.account_id)));
    let mut outcome = Settle {
        component: c,
        region: t.region,
        drift,
        writes: exec,
        created: plan.enable_hub,
        ownership,
        id,
    }
    .outcome();
    if outcome.message.is_none() {
        outcome.message = unmatched_controls(spec, &obs);
    }
    let disabled: Vec<(String, String, String)> = disable_updates
        .into_iter()
        .filter(|(control, standard, _)| {
            disabled_now
                .iter()
                .any(|(c, s)| c == control && s == standard)
        })
        .collect();
    outcome.operator_disabled_controls = rules::record(spec, &obs, &disabled, &enabled_controls);
    outcome
}

/// Right after standards were subscribed: the declared disabled controls of those whose control associations
/// AWS already created (GetEnabledStandards + one BatchGetStandardsControlAssociations), disabled in the same
/// pass. Returns their drift (they were not observable before). Standards AWS still prepares are left to the
/// next pass.
async fn new_standards_controls(
    client: &Client,
    spec: &SecurityHubSpec,
    before: &rules::Observed,
    region: &str,
    updates_sent: &mut Vec<(String, String, String)>,
    done: &mut Vec<(String, String)>,
) -> Result<Vec<crate::diff::FieldDrift>, AwsError> {
    let p = partition(region);
    let subscriptions = api::subscriptions(client).await?;
    let pairs: Vec<(String, String)> = rules::pairs_to_read(spec, &[], &subscriptions, p, region)
        .into_iter()
        .filter(|k| !before.associations.contains_key(k))
        .collect();
    if pairs.is_empty() {
        return Ok(Vec::new());
    }
    let (drift, updates) = rules::controls(spec, &api::associations(client, &pairs).await?);
    if !updates.is_empty() {
        updates_sent.extend(updates.iter().cloned());
        api::disable_controls(client, &updates, done).await?;
    }
    Ok(drift)
}

/// A note when a declared disabled control is part of none of the subscribed standards that were read (a typo,
/// or a control of another standard): nothing could be disabled for it.
fn unmatched_controls(spec: &SecurityHubSpec, obs: &rules::Observed) -> Option<String> {
    if obs.subscriptions.is_empty() {
        return None;
    }
    let unmatched: Vec<&str> = spec
        .disabled_controls
        .iter()
        .map(|d| d.control_id.as_str())
        .filter(|id| !obs.associations.keys().any(|(c, _)| c == id))
        .collect();
    (!unmatched.is_empty()).then(|| {
        format!(
            "disabledControls {} are part of no subscribed standard (check the control IDs): nothing was disabled for them",
            unmatched.join(", ")
        )
    })
}

fn hub_arn(partition: &str, region: &str, account: &str) -> String {
    format!("arn:{partition}:securityhub:{region}:{account}:hub/default")
}

/// The ARN of the finding aggregator this baseline created, from the previous status (whatever region it was
/// in): the aggregator carries no tags, so ownership is that recorded ARN.
pub(super) fn created_aggregator(
    previous: &[crate::api::common::ComponentStatus],
) -> Option<String> {
    previous
        .iter()
        .find(|c| c.component == rules::AGGREGATOR_COMPONENT && c.ownership == Ownership::Created)
        .and_then(|c| c.id.clone())
}

/// How the aggregator pass runs.
#[derive(Clone, Debug)]
pub struct AggregatorTarget<'a> {
    /// The aggregation region (the spec's).
    pub region: &'a str,
    /// `driftPolicy: Correct`.
    pub may_write: bool,
    /// ARN of the aggregator this baseline created, as recorded in status.
    pub created: Option<&'a str>,
}

/// The finding aggregator, in the aggregation region.
pub(super) async fn aggregator(ctx: &Ctx<'_>, spec: &FindingAggregatorSpec) -> ComponentOutcome {
    let client = ctx.session.securityhub(&spec.region);
    let created = created_aggregator(ctx.input.previous);
    let target = AggregatorTarget {
        region: &spec.region,
        may_write: ctx.may_write(),
        created: created.as_deref(),
    };
    let session = &ctx.session;
    aggregator_with(&client, |r| session.securityhub(r), &target, spec).await
}

/// ListFindingAggregators plus GetFindingAggregator of the one found (in its region, `client_for`); then at most
/// one Create, Update, or (for the aggregator this baseline created, by recorded ARN, in another region)
/// Delete + Create.
pub async fn aggregator_with<F>(
    client: &Client,
    client_for: F,
    t: &AggregatorTarget<'_>,
    spec: &FindingAggregatorSpec,
) -> ComponentOutcome
where
    F: Fn(&str) -> Client,
{
    let c = rules::AGGREGATOR_COMPONENT;
    let recorded = if t.created.is_some() {
        Ownership::Created
    } else {
        Ownership::None
    };
    let existing = match api::aggregator(client, &client_for).await {
        Ok(a) => a,
        Err(e) => return failed(c, t.region, recorded, e),
    };
    let drift = diff(
        c,
        &rules::aggregator_desired(spec),
        &rules::aggregator_observed(existing.as_ref()),
    );
    let ours = existing
        .as_ref()
        .is_some_and(|a| t.created == Some(a.arn.as_str()));
    let write = rules::aggregator_plan(existing.as_ref(), spec, ours, &drift);
    let regions = {
        let mut r = spec.regions.clone().unwrap_or_default();
        r.sort();
        r.dedup();
        r
    };
    let mode = spec.linking_mode.as_str();
    let mut id = existing.as_ref().map(|a| a.arn.clone());
    let exec = match (&write, t.may_write) {
        (Some(w), true) => Some(
            async {
                match w {
                    rules::AggregatorWrite::Create => {
                        id = Some(api::create_aggregator(client, mode, &regions).await?);
                    }
                    rules::AggregatorWrite::Update(arn) => {
                        api::update_aggregator(client, arn, mode, &regions).await?
                    }
                    rules::AggregatorWrite::Move { arn, from } => {
                        api::delete_aggregator(&client_for(from), arn).await?;
                        id = Some(api::create_aggregator(client, mode, &regions).await?);
                    }
                    rules::AggregatorWrite::Blocked { arn, from } => {
                        return Err(AwsError::new(
                            "securityhub",
                            "CreateFindingAggregator",
                            ErrorCategory::InvalidInput,
                            format!(
                                "the account already aggregates findings into {from} ({arn}), with an aggregator this baseline did not create: it is never deleted; set findingAggregator.region to {from} or delete it by hand"
                            ),
                        ))
                    }
                }
                Ok(())
            }
            .await,
        ),
        _ => None,
    };
    let created_now = matches!(
        write,
        Some(rules::AggregatorWrite::Create | rules::AggregatorWrite::Move { .. })
    ) && exec.as_ref().is_some_and(|r| r.is_ok());
    let ownership = match &existing {
        _ if created_now => Ownership::Created,
        Some(_) if ours => Ownership::Created,
        // Someone else's aggregator: updated in place if it is in the declared region, never deleted.
        Some(_) => Ownership::Adopted,
        None => Ownership::None,
    };
    Settle {
        component: c,
        region: t.region,
        drift,
        writes: exec,
        created: created_now,
        ownership,
        id,
    }
    .outcome()
}

/// The aggregator's region must be one of the baseline's regions (its hub is managed there).
pub(super) fn aggregator_region_error(
    spec: &FindingAggregatorSpec,
    regions: &[String],
) -> Option<AwsError> {
    (!regions.contains(&spec.region)).then(|| {
        AwsError::new(
            "securityhub",
            "CreateFindingAggregator",
            ErrorCategory::InvalidInput,
            format!(
                "securityHub.findingAggregator.region {} is not one of the baseline's regions ({}); nothing was changed",
                spec.region,
                regions.join(", ")
            ),
        )
    })
}

/// Under `deletionPolicy: Delete`: delete the aggregator when this baseline created it, and disable Security Hub
/// in the regions where it enabled it; where it was enabled before, leave it (and its standards) alone, but enable
/// again the controls this baseline disabled there (`recorded`, where AWS still shows the recorded reason): the
/// cleanup undoes what the baseline did, and nothing else.
pub(super) async fn cleanup(
    session: &AccountSession,
    region: &str,
    hub_created: bool,
    recorded: &[OperatorDisabledControl],
    aggregator_created: Option<&str>,
) -> Vec<Result<Option<String>, AwsError>> {
    let client = session.securityhub(region);
    let mut out = Vec::new();
    if let Some(created) = aggregator_created {
        out.push(
            async {
                match api::aggregator(&client, |r| session.securityhub(r)).await? {
                    Some(a) if a.arn == created => {
                        api::delete_aggregator(&session.securityhub(&a.region), &a.arn).await?;
                        Ok(Some(format!(
                            "deleted Security Hub finding aggregator in {}",
                            a.region
                        )))
                    }
                    Some(a) => Ok(Some(format!(
                        "kept Security Hub finding aggregator {} (not created by this baseline)",
                        a.arn
                    ))),
                    None => Ok(None),
                }
            }
            .await,
        );
    }
    if hub_created {
        out.push(
            api::disable(&client)
                .await
                .map(|_| Some(format!("disabled Security Hub in {region}"))),
        );
        return out;
    }
    if !recorded.is_empty() {
        out.push(enable_recorded_controls(&client, region, recorded).await);
    }
    out.push(Ok(Some(format!(
        "kept Security Hub in {region} (enabled before the operator)"
    ))));
    out
}

/// DescribeHub, BatchGetStandardsControlAssociations of the recorded controls, then one
/// BatchUpdateStandardsControlAssociations enabling those AWS still shows as this baseline left them.
async fn enable_recorded_controls(
    client: &Client,
    region: &str,
    recorded: &[OperatorDisabledControl],
) -> Result<Option<String>, AwsError> {
    if api::hub(client).await?.is_none() {
        return Ok(None);
    }
    let pairs: Vec<(String, String)> = recorded
        .iter()
        .map(|r| (r.control_id.clone(), r.standards_arn.clone()))
        .collect();
    let obs = rules::Observed {
        associations: api::associations(client, &pairs).await?,
        recorded: recorded.to_vec(),
        read: pairs,
        ..Default::default()
    };
    let enable = rules::disabled_by_us(&obs);
    if enable.is_empty() {
        return Ok(None);
    }
    let mut done = Vec::new();
    api::enable_controls(client, &enable, &mut done).await?;
    let ids: Vec<String> = done
        .iter()
        .map(|(c, s)| format!("{c} ({})", rules::standard_name(s)))
        .collect();
    Ok(Some(format!(
        "enabled again in {region} the Security Hub controls this baseline disabled: {}",
        ids.join(", ")
    )))
}
