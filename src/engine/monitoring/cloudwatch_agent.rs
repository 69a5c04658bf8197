//! The CloudWatch agent of one region (`cloudWatchAgent`):
//! - `cloudWatchAgentConfig`: the configuration parameter. One GetParameter per pass; PutParameter (created with the
//!   owner tags, else overwritten) when the stored document differs from the declared one.
//! - `cloudWatchAgentAssociations`: the `AWS-ConfigureAWSPackage` and `AmazonCloudWatch-ManageAgent`
//!   associations. One ListAssociations per document (which also carries each association's `Overview`: its
//!   compliance, reported in status and the component's message), DescribeAssociation per association found (its
//!   parameters); Create/UpdateAssociation per drifted one.
//!
//! Tags are read (ListTagsForResource) only to prove ownership when status has no record of it, and before a
//! delete. What this policy created is deleted when the section (or the install association) is removed from the
//! spec, and on deletion; adopted parameters and associations are updated but never deleted. Drift and requests
//! are `monitoring::cloudwatch_agent`.

use super::{Cleanup, Component, Ctx};
use crate::api::common::Ownership;
use crate::api::monitoring_policy::{
    AgentAssociationStatus, CloudWatchAgentResources, CloudWatchAgentSpec, MonitoringResources,
};
use crate::aws::operation::SectionUsage;
use crate::aws::ssm::{self, AssociationConfig, AssociationOverview, AssociationState};
use crate::aws::AwsError;
use crate::diff::FieldDrift;
use crate::engine::{failed, CleanupReport, ComponentOutcome, Settle};
use crate::monitoring::cloudwatch_agent::{
    self as rules, AGENT_ASSOCIATIONS, AGENT_CONFIG, CONFIGURE, INSTALL,
};
use aws_sdk_ssm::types::ResourceTypeForTagging;
use std::collections::BTreeMap;

const USE: &str = "MonitoringPolicy.cloudWatchAgent";

pub(super) const COMPONENT: Component = Component {
    name: "cloudWatchAgent",
    components: &[AGENT_CONFIG, AGENT_ASSOCIATIONS],
    iam: &[USE],
    usage: |spec| {
        spec.cloud_watch_agent
            .as_ref()
            .map(|_| SectionUsage::of(&[USE]))
    },
    runs: |ctx, previous| {
        ctx.input.spec.cloud_watch_agent.is_some() || previous.cloud_watch_agent.is_some()
    },
    reconcile: |ctx, region, res| Box::pin(reconcile(ctx, region, res)),
    cleanup: Some(|c, report| Box::pin(cleanup(c, report))),
};

/// Both roles, in the order they are applied (the package before its configuration).
const ROLES: [&str; 2] = [INSTALL, CONFIGURE];

fn role_of(role: &str) -> &'static str {
    if role == INSTALL {
        INSTALL
    } else {
        CONFIGURE
    }
}

async fn reconcile(
    ctx: &Ctx<'_>,
    region: &str,
    res: &mut MonitoringResources,
) -> Vec<ComponentOutcome> {
    let previous = ctx.previous(region).cloud_watch_agent;
    match &ctx.input.spec.cloud_watch_agent {
        Some(spec) => {
            let name = rules::parameter_name(spec, ctx.input.namespace, ctx.input.name);
            let mut out = vec![parameter(ctx, region, spec, &name).await];
            let (o, associations) = associations(ctx, region, spec, &name, previous.as_ref()).await;
            out.push(o);
            res.cloud_watch_agent = Some(CloudWatchAgentResources {
                parameter_name: name,
                associations,
            });
            out
        }
        None => match previous {
            Some(p) => removed(ctx, region, p, res).await,
            None => Vec::new(),
        },
    }
}

/// Whether the tags of an SSM resource prove this policy created it.
async fn tagged_ours(
    ctx_owner: &crate::api::common::Owner,
    client: &aws_sdk_ssm::Client,
    kind: ResourceTypeForTagging,
    id: &str,
) -> Result<bool, AwsError> {
    let tags = ssm::tags(client, kind, id).await?;
    Ok(ctx_owner.owns(tags.iter().map(|(k, v)| (k.as_str(), v.as_str()))))
}

/// The configuration parameter: created with the owner tags, or overwritten with the declared document.
async fn parameter(
    ctx: &Ctx<'_>,
    region: &str,
    spec: &CloudWatchAgentSpec,
    name: &str,
) -> ComponentOutcome {
    let c = AGENT_CONFIG;
    let client = ctx.session.ssm(region);
    let prev = ctx.previous_ownership(c, region);
    let r: Result<ComponentOutcome, AwsError> = async {
        let have = ssm::get_parameter(&client, name).await?;
        let owned = match (&have, prev) {
            (None, _) => false,
            (Some(_), Some(o)) => o == Ownership::Created,
            (Some(_), None) => {
                tagged_ours(
                    &ctx.input.owner,
                    &client,
                    ResourceTypeForTagging::Parameter,
                    name,
                )
                .await?
            }
        };
        let drift = rules::parameter_drift(spec, have.as_ref().map(|p| p.value.as_str()));
        let writes = if ctx.may_write() && !drift.is_empty() {
            let value = rules::canonical(&spec.config);
            Some(
                ssm::put_parameter(
                    &client,
                    name,
                    &value,
                    have.is_none(),
                    &ctx.input.owner.tags(),
                )
                .await,
            )
        } else {
            None
        };
        let created = have.is_none() && writes.as_ref().is_some_and(|r| r.is_ok());
        let ownership = match (have.is_some(), owned, created) {
            (true, true, _) | (false, _, true) => Ownership::Created,
            (true, false, _) => Ownership::Adopted,
            (false, _, false) => prev.unwrap_or(Ownership::None),
        };
        Ok(Settle {
            component: c,
            region,
            drift,
            writes,
            created,
            ownership,
            id: Some(name.to_string()),
        }
        .outcome())
    }
    .await;
    r.unwrap_or_else(|e| failed(c, region, prev.unwrap_or(Ownership::None), e))
}

/// The association of `role` among `have`: the one with the wanted name, else the one status recorded.
fn find<'a>(
    have: &'a [AssociationState],
    name: &str,
    recorded: Option<&str>,
) -> Option<&'a AssociationState> {
    have.iter()
        .find(|h| h.config.association_name == name)
        .or_else(|| recorded.and_then(|id| have.iter().find(|h| h.id == id)))
}

/// The association IDs status recorded, by role.
fn recorded(previous: Option<&CloudWatchAgentResources>) -> BTreeMap<String, String> {
    previous
        .iter()
        .flat_map(|p| &p.associations)
        .map(|a| (a.role.clone(), a.association_id.clone()))
        .collect()
}

/// One association as found in SSM: its ID, settings (with parameters), overview, and whether it is ours.
struct Found {
    id: String,
    config: AssociationConfig,
    overview: AssociationOverview,
    owned: bool,
}

/// Read the association of `role` (wanted under `name`, else the one recorded under `recorded`).
async fn observe(
    ctx: &Ctx<'_>,
    client: &aws_sdk_ssm::Client,
    role: &str,
    name: &str,
    recorded: Option<&str>,
    prev: Option<Ownership>,
) -> Result<Option<Found>, AwsError> {
    let have = ssm::associations(client, rules::document(role)).await?;
    let Some(h) = find(&have, name, recorded) else {
        return Ok(None);
    };
    let owned = match prev {
        Some(o) => o == Ownership::Created,
        None => {
            tagged_ours(
                &ctx.input.owner,
                client,
                ResourceTypeForTagging::Association,
                &h.id,
            )
            .await?
        }
    };
    let mut config = h.config.clone();
    config.parameters = ssm::association_parameters(client, &h.id).await?;
    Ok(Some(Found {
        id: h.id.clone(),
        config,
        overview: h.overview.clone(),
        owned,
    }))
}

/// The install and configure associations: created (tagged) or updated with every setting; an install
/// association this policy created that the spec no longer wants (`installPackage: false`) is deleted.
async fn associations(
    ctx: &Ctx<'_>,
    region: &str,
    spec: &CloudWatchAgentSpec,
    parameter: &str,
    previous: Option<&CloudWatchAgentResources>,
) -> (ComponentOutcome, Vec<AgentAssociationStatus>) {
    let c = AGENT_ASSOCIATIONS;
    let client = ctx.session.ssm(region);
    let prev = ctx.previous_ownership(c, region);
    let want = rules::associations(spec, &ctx.short_prefix, parameter);
    let ids = recorded(previous);
    let mut found: BTreeMap<&'static str, Found> = BTreeMap::new();
    let mut unwanted: Option<Found> = None;
    for role in ROLES {
        let name = want
            .iter()
            .find(|(r, _)| *r == role)
            .map(|(_, cfg)| cfg.association_name.clone())
            .unwrap_or_else(|| format!("{}cloudwatch-agent-{role}", ctx.short_prefix));
        let wanted = want.iter().any(|(r, _)| *r == role);
        match observe(
            ctx,
            &client,
            role,
            &name,
            ids.get(role).map(String::as_str),
            prev,
        )
        .await
        {
            Ok(Some(f)) if wanted => {
                found.insert(role_of(role), f);
            }
            Ok(Some(f)) if f.owned => unwanted = Some(f),
            Ok(_) => {}
            Err(e) => {
                return (
                    failed(c, region, prev.unwrap_or(Ownership::None), e),
                    previous.map(|p| p.associations.clone()).unwrap_or_default(),
                )
            }
        }
    }
    let have: BTreeMap<&'static str, AssociationConfig> =
        found.iter().map(|(r, f)| (*r, f.config.clone())).collect();
    let mut drift: Vec<FieldDrift> = rules::associations_drift(&want, &have);
    let mut writes: Option<Result<(), AwsError>> = None;
    let mut statuses = Vec::new();
    let (mut missing, mut changed) = (false, false);
    for (role, cfg) in &want {
        let drifted = drift.iter().any(|d| {
            d.field
                .starts_with(&format!("cloudWatchAgent.associations.{role}."))
        });
        let f = found.get(role);
        missing |= drifted && f.is_none();
        changed |= drifted && f.is_some();
        let mut id = f.map(|f| f.id.clone());
        if drifted && ctx.may_write() && !matches!(writes, Some(Err(_))) {
            let r = match &id {
                Some(existing) => ssm::update_association(&client, existing, cfg).await,
                None => ssm::create_association(&client, cfg, &ctx.input.owner.tags())
                    .await
                    .map(|new| id = Some(new)),
            };
            writes = Some(r);
        }
        if let Some(id) = id {
            // A new association is Pending until State Manager has run it on its instances.
            let overview = f
                .map(|f| f.overview.clone())
                .unwrap_or(AssociationOverview {
                    status: "Pending".into(),
                    ..Default::default()
                });
            statuses.push(rules::association_status(role, &id, &overview));
        }
    }
    if let Some(u) = unwanted {
        drift.push(rules::removed_association_drift(INSTALL));
        changed = true;
        if ctx.may_write() && !matches!(writes, Some(Err(_))) {
            let r = ssm::delete_association(&client, &u.id).await;
            if r.is_err() {
                statuses.push(rules::association_status(INSTALL, &u.id, &u.overview));
            }
            writes = Some(r);
        } else {
            statuses.push(rules::association_status(INSTALL, &u.id, &u.overview));
        }
    }
    let any_found = !found.is_empty();
    let all_owned = found.values().all(|f| f.owned);
    let wrote = writes.as_ref().is_some_and(|r| r.is_ok());
    let ownership = match (any_found, all_owned) {
        (true, true) => Ownership::Created,
        (true, false) => Ownership::Adopted,
        (false, _) if wrote => Ownership::Created,
        (false, _) => prev.unwrap_or(Ownership::None),
    };
    let mut o = Settle {
        component: c,
        region,
        drift,
        writes,
        created: missing && !changed,
        ownership,
        id: Some(format!("{} association(s)", want.len())),
    }
    .outcome();
    if o.error.is_none() {
        if let Some(m) = rules::compliance_message(&statuses) {
            o.message = Some(match o.message.take() {
                Some(adopted) => format!("{adopted}; {m}"),
                None => m,
            });
        }
    }
    (o, statuses)
}

/// The section was removed from the spec: what this policy created (proven by tags) is deleted under Correct,
/// reported under Report; until that succeeds the record stays in status.
async fn removed(
    ctx: &Ctx<'_>,
    region: &str,
    prev: CloudWatchAgentResources,
    res: &mut MonitoringResources,
) -> Vec<ComponentOutcome> {
    let client = ctx.session.ssm(region);
    let mut out = Vec::new();
    // Associations first: they name the parameter.
    let mut kept = Vec::new();
    let mut drift = Vec::new();
    let mut writes: Option<Result<(), AwsError>> = None;
    let mut read_error = None;
    for a in &prev.associations {
        let ours = match tagged_ours(
            &ctx.input.owner,
            &client,
            ResourceTypeForTagging::Association,
            &a.association_id,
        )
        .await
        {
            Ok(o) => o,
            Err(e) if e.is_not_found() || e.has_code("InvalidResourceId") => continue,
            Err(e) => {
                read_error.get_or_insert(e);
                kept.push(a.clone());
                continue;
            }
        };
        if !ours {
            continue;
        }
        drift.push(rules::removed_association_drift(&a.role));
        if ctx.may_write() && !matches!(writes, Some(Err(_))) {
            let r = ssm::delete_association(&client, &a.association_id).await;
            if r.is_err() {
                kept.push(a.clone());
            }
            writes = Some(r);
        } else {
            kept.push(a.clone());
        }
    }
    out.push(match read_error {
        Some(e) if drift.is_empty() => failed(AGENT_ASSOCIATIONS, region, Ownership::Created, e),
        _ => Settle {
            component: AGENT_ASSOCIATIONS,
            region,
            drift,
            writes,
            created: false,
            ownership: Ownership::Created,
            id: None,
        }
        .outcome(),
    });
    let name = prev.parameter_name.clone();
    let r: Result<(ComponentOutcome, bool), AwsError> = async {
        if ssm::get_parameter(&client, &name).await?.is_none()
            || !tagged_ours(
                &ctx.input.owner,
                &client,
                ResourceTypeForTagging::Parameter,
                &name,
            )
            .await?
        {
            return Ok((
                Settle {
                    component: AGENT_CONFIG,
                    region,
                    drift: Vec::new(),
                    writes: None,
                    created: false,
                    ownership: Ownership::Created,
                    id: None,
                }
                .outcome(),
                false,
            ));
        }
        let writes = if ctx.may_write() {
            Some(ssm::delete_parameter(&client, &name).await)
        } else {
            None
        };
        let deleted = writes.as_ref().is_some_and(|r| r.is_ok());
        let o = Settle {
            component: AGENT_CONFIG,
            region,
            drift: vec![rules::removed_parameter_drift()],
            writes,
            created: false,
            ownership: Ownership::Created,
            id: Some(name.clone()),
        }
        .outcome();
        Ok((o, !deleted))
    }
    .await;
    let keep_parameter = match r {
        Ok((o, keep)) => {
            out.push(o);
            keep
        }
        Err(e) => {
            out.push(failed(AGENT_CONFIG, region, Ownership::Created, e));
            true
        }
    };
    if keep_parameter || !kept.is_empty() {
        res.cloud_watch_agent = Some(CloudWatchAgentResources {
            parameter_name: name,
            associations: kept,
        });
    }
    out
}

/// On deletion: the associations and the parameter (declared or recorded) whose tags prove this policy created
/// them; adopted ones are kept.
async fn cleanup(c: &Cleanup<'_>, report: &mut CleanupReport) -> Result<(), AwsError> {
    let region = c.region;
    let spec = c.input.spec.cloud_watch_agent.as_ref();
    let recorded_res = c.previous.cloud_watch_agent.as_ref();
    if spec.is_none() && recorded_res.is_none() {
        return Ok(());
    }
    let client = c.session.ssm(region);
    let ids = recorded(recorded_res);
    for role in ROLES {
        let name = format!("{}cloudwatch-agent-{role}", c.short_prefix);
        let have = ssm::associations(&client, rules::document(role)).await?;
        let Some(h) = find(&have, &name, ids.get(role).map(String::as_str)) else {
            continue;
        };
        let tags = ssm::tags(&client, ResourceTypeForTagging::Association, &h.id).await?;
        if c.owns(&tags.into_iter().collect::<Vec<_>>()) {
            ssm::delete_association(&client, &h.id).await?;
            report.actions.push(format!(
                "deleted CloudWatch agent {role} association {name} ({}) in {region}",
                h.id
            ));
        } else {
            report.actions.push(format!(
                "kept CloudWatch agent {role} association {name} in {region} (not created by this policy)"
            ));
        }
    }
    let mut names: Vec<String> = spec
        .map(|s| rules::parameter_name(s, c.input.namespace, c.input.name))
        .into_iter()
        .chain(recorded_res.map(|r| r.parameter_name.clone()))
        .collect();
    names.dedup();
    for name in names {
        if ssm::get_parameter(&client, &name).await?.is_none() {
            continue;
        }
        let tags = ssm::tags(&client, ResourceTypeForTagging::Parameter, &name).await?;
        if c.owns(&tags.into_iter().collect::<Vec<_>>()) {
            ssm::delete_parameter(&client, &name).await?;
            report
                .actions
                .push(format!("deleted parameter {name} in {region}"));
        } else {
            report.actions.push(format!(
                "kept parameter {name} in {region} (not created by this policy)"
            ));
        }
    }
    Ok(())
}
