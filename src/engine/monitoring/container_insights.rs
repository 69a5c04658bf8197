//! Container Insights of one region:
//! - ECS (`ecsContainerInsights`): the `containerInsights` setting of existing clusters, one DescribeClusters per
//!   region (100 clusters per call), UpdateCluster per drifted cluster. Clusters are never created, and the
//!   setting is left as it is when the policy is deleted or stops declaring the cluster.
//! - EKS (`eksContainerInsights`): the `amazon-cloudwatch-observability` add-on. Per cluster DescribeAddon;
//!   DescribeCluster + DescribeAddonVersions (once per Kubernetes version and pass) when the spec leaves the
//!   version open; DescribePodIdentityAssociation per association only when a pod identity role is declared.
//!   Add-ons are deleted (clusters removed from the spec, policy deletion) only when their tags prove this policy
//!   created them.
//!
//! Drift and requests are `monitoring::container_insights`.

use super::{uses_when, Cleanup, Component, Ctx};
use crate::api::common::Ownership;
use crate::api::monitoring_policy::{EcsInsightsSpec, EksInsightsSpec, MonitoringResources};
use crate::aws::eks::Addon;
use crate::aws::operation::EKS_POD_IDENTITY_PRINCIPAL;
use crate::aws::{self, AwsError, ErrorCategory};
use crate::diff::FieldDrift;
use crate::engine::{failed, CleanupReport, ComponentOutcome, Settle};
use crate::monitoring::container_insights::{
    addon_drift, addon_request, ecs_drift, parse_configuration_values, removed_addon_drift,
    ObservedAddon, ECS_INSIGHTS, EKS_INSIGHTS,
};
use std::collections::{BTreeMap, BTreeSet};

pub(super) const COMPONENT: Component = Component {
    name: "containerInsights",
    components: &[ECS_INSIGHTS, EKS_INSIGHTS],
    iam: &[
        "MonitoringPolicy.containerInsights",
        "MonitoringPolicy.containerInsights.podIdentity",
    ],
    usage: |spec| {
        let ci = spec.container_insights.as_ref()?;
        let pod_roles: Vec<(&'static str, String)> = ci
            .eks
            .iter()
            .filter_map(|e| e.pod_identity_role_arn.clone())
            .map(|role| (EKS_POD_IDENTITY_PRINCIPAL, role))
            .collect();
        let mut used = uses_when(&[
            (true, "MonitoringPolicy.containerInsights"),
            // Some EKS cluster's add-on gets a pod identity role.
            (
                !pod_roles.is_empty(),
                "MonitoringPolicy.containerInsights.podIdentity",
            ),
        ])?;
        used.passes = pod_roles;
        Some(used)
    },
    runs: |ctx, previous| {
        ctx.input.spec.container_insights.is_some() || !previous.eks_addons.is_empty()
    },
    reconcile: |ctx, region, res| Box::pin(reconcile(ctx, region, res)),
    cleanup: Some(|c, report| Box::pin(cleanup(c, report))),
};

/// The outcome of a component with several resources, a failed read of one of them folded in (a component
/// with drift elsewhere and such a failure is in error).
#[allow(clippy::too_many_arguments)]
fn finish(
    component: &'static str,
    region: &str,
    drift: Vec<FieldDrift>,
    writes: Option<Result<(), AwsError>>,
    read_error: Option<AwsError>,
    created: bool,
    ownership: Ownership,
    id: Option<String>,
) -> ComponentOutcome {
    match read_error {
        None => Settle {
            component,
            region,
            drift,
            writes,
            created,
            ownership,
            id,
        }
        .outcome(),
        Some(e) if drift.is_empty() => failed(component, region, ownership, e),
        Some(e) => {
            let w = match writes {
                Some(Err(w)) => Some(Err(w)),
                _ => Some(Err(e)),
            };
            Settle {
                component,
                region,
                drift,
                writes: w,
                created: false,
                ownership,
                id,
            }
            .outcome()
        }
    }
}

/// Container Insights of one region: ECS cluster settings, EKS add-ons (also when the spec stopped declaring
/// EKS clusters this policy installed the add-on on).
async fn reconcile(
    ctx: &Ctx<'_>,
    region: &str,
    res: &mut MonitoringResources,
) -> Vec<ComponentOutcome> {
    let ci = ctx.input.spec.container_insights.as_ref();
    let mut out = Vec::new();
    if let Some(ecs) = ci.map(|c| &c.ecs).filter(|e| !e.is_empty()) {
        out.push(ecs_insights(ctx, region, ecs).await);
    }
    let eks: &[EksInsightsSpec] = ci.map(|c| c.eks.as_slice()).unwrap_or_default();
    if !eks.is_empty() || !ctx.previous(region).eks_addons.is_empty() {
        out.push(eks_insights(ctx, region, eks, res).await);
    }
    out
}

async fn ecs_insights(
    ctx: &Ctx<'_>,
    region: &str,
    declared: &[EcsInsightsSpec],
) -> ComponentOutcome {
    const C: &str = ECS_INSIGHTS;
    // The clusters are not ours: their setting is managed, the cluster adopted (never deleted).
    let ownership = Ownership::Adopted;
    let client = ctx.session.ecs(region);
    let names: Vec<String> = declared.iter().map(|e| e.cluster_name.clone()).collect();
    let observed = match aws::ecs::container_insights(&client, &names).await {
        Ok(o) => o,
        Err(e) => return failed(C, region, ownership, e),
    };
    let mut drift = Vec::new();
    let mut writes: Option<Result<(), AwsError>> = None;
    let mut missing = Vec::new();
    for e in declared {
        let Some(have) = observed.get(&e.cluster_name) else {
            missing.push(e.cluster_name.as_str());
            continue;
        };
        let Some(d) = ecs_drift(e, have) else {
            continue;
        };
        drift.push(d);
        if ctx.may_write() && !matches!(writes, Some(Err(_))) {
            writes = Some(
                aws::ecs::set_container_insights(&client, &e.cluster_name, e.mode.as_str()).await,
            );
        }
    }
    let missing = (!missing.is_empty()).then(|| aws::ecs::missing_clusters(region, &missing));
    let id = Some(format!("{} cluster(s)", declared.len()));
    finish(C, region, drift, writes, missing, false, ownership, id)
}

/// Read one declared cluster's add-on: (what EKS has, the version to run, the diff's view).
async fn observe_addon(
    client: &aws_sdk_eks::Client,
    spec: &EksInsightsSpec,
    latest: &mut BTreeMap<String, String>,
) -> Result<(Option<Addon>, Option<String>, Option<ObservedAddon>), AwsError> {
    let cluster = &spec.cluster_name;
    let have = aws::eks::addon(client, cluster).await?;
    let version = match &spec.addon_version {
        Some(v) => v.clone(),
        None => {
            let k8s = aws::eks::kubernetes_version(client, cluster).await?;
            match latest.get(&k8s) {
                Some(v) => v.clone(),
                None => {
                    let v = aws::eks::latest_version(client, &k8s).await?.ok_or_else(|| {
                        AwsError::new(
                            "eks",
                            "DescribeAddonVersions",
                            ErrorCategory::InvalidInput,
                            format!(
                                "no {} version is compatible with Kubernetes {k8s} (cluster {cluster})",
                                aws::eks::ADDON
                            ),
                        )
                    })?;
                    latest.insert(k8s, v.clone());
                    v
                }
            }
        }
    };
    let Some(a) = &have else {
        return Ok((None, Some(version), None));
    };
    let mut pod_identity_role_arn = None;
    if spec.pod_identity_role_arn.is_some() {
        for arn in &a.pod_identity_associations {
            if let Some((sa, role)) =
                aws::eks::pod_identity_association(client, cluster, arn).await?
            {
                if sa == aws::eks::AGENT_SERVICE_ACCOUNT {
                    pod_identity_role_arn = Some(role);
                    break;
                }
            }
        }
    }
    let observed = ObservedAddon {
        version: a.version.clone(),
        configuration_values: a
            .configuration_values
            .as_deref()
            .map(parse_configuration_values),
        service_account_role_arn: a.service_account_role_arn.clone(),
        pod_identity_role_arn,
    };
    Ok((have, Some(version), Some(observed)))
}

async fn eks_insights(
    ctx: &Ctx<'_>,
    region: &str,
    declared: &[EksInsightsSpec],
    res: &mut MonitoringResources,
) -> ComponentOutcome {
    const C: &str = EKS_INSIGHTS;
    let client = ctx.session.eks(region);
    let recorded = ctx.previous(region).eks_addons;
    let mut latest = BTreeMap::new();
    let mut drift = Vec::new();
    let mut writes: Option<Result<(), AwsError>> = None;
    let mut read_error: Option<AwsError> = None;
    let (mut creating, mut ours, mut adopted) = (false, false, false);
    // Every drift is a declared add-on that was missing.
    let mut only_creates = true;
    let mut kept: BTreeSet<String> = declared.iter().map(|e| e.cluster_name.clone()).collect();
    for e in declared {
        let (have, version, observed) = match observe_addon(&client, e, &mut latest).await {
            Ok(o) => o,
            Err(err) => {
                read_error.get_or_insert(err);
                continue;
            }
        };
        match &have {
            Some(a) if ctx.owns(&a.tags) => ours = true,
            Some(_) => adopted = true,
            None => {}
        }
        let d = addon_drift(e, version.as_deref(), observed.as_ref());
        if d.is_empty() {
            continue;
        }
        drift.extend(d);
        creating |= have.is_none();
        only_creates &= have.is_none();
        let busy = have.as_ref().is_some_and(Addon::in_progress);
        if ctx.may_write() && !busy && !matches!(writes, Some(Err(_))) {
            let req = addon_request(e, version.as_deref());
            let r = match &have {
                None => aws::eks::create_addon(&client, &req, &ctx.input.owner.tags()).await,
                Some(_) => aws::eks::update_addon(&client, &req).await,
            };
            ours |= r.is_ok() && have.is_none();
            writes = Some(r);
        }
    }
    // Clusters this policy no longer declares: their add-on is removed when its tags prove it is ours.
    for cluster in recorded
        .iter()
        .filter(|c| !kept.contains(*c))
        .cloned()
        .collect::<Vec<_>>()
    {
        let a = match aws::eks::addon(&client, &cluster).await {
            Ok(Some(a)) if ctx.owns(&a.tags) => a,
            Ok(_) => continue,
            Err(err) => {
                read_error.get_or_insert(err);
                kept.insert(cluster);
                continue;
            }
        };
        ours = true;
        if a.status.as_deref() == Some("DELETING") {
            kept.insert(cluster);
            continue;
        }
        drift.push(removed_addon_drift(&cluster));
        only_creates = false;
        if ctx.may_write() && !a.in_progress() && !matches!(writes, Some(Err(_))) {
            let r = aws::eks::delete_addon(&client, &cluster).await;
            if r.is_err() {
                kept.insert(cluster);
            }
            writes = Some(r);
        } else {
            kept.insert(cluster);
        }
    }
    res.eks_addons = kept.into_iter().collect();
    let ownership = if ours {
        Ownership::Created
    } else if adopted {
        Ownership::Adopted
    } else {
        ctx.previous_ownership(C, region)
            .unwrap_or(Ownership::Created)
    };
    let id = Some(format!("{} cluster(s)", declared.len()));
    finish(
        C,
        region,
        drift,
        writes,
        read_error,
        creating && only_creates,
        ownership,
        id,
    )
}

/// On deletion: the add-ons (declared or recorded clusters) whose tags prove this policy created them. ECS
/// `containerInsights` settings are left as they are (they belong to the clusters).
async fn cleanup(c: &Cleanup<'_>, report: &mut CleanupReport) -> Result<(), AwsError> {
    let region = c.region;
    let clusters: BTreeSet<&str> = c
        .input
        .spec
        .container_insights
        .iter()
        .flat_map(|ci| ci.eks.iter().map(|e| e.cluster_name.as_str()))
        .chain(c.previous.eks_addons.iter().map(String::as_str))
        .collect();
    if clusters.is_empty() {
        return Ok(());
    }
    let eks = c.session.eks(region);
    for cluster in clusters {
        match aws::eks::addon(&eks, cluster).await? {
            Some(a) if c.owns(&a.tags) => {
                aws::eks::delete_addon(&eks, cluster).await?;
                report.actions.push(format!(
                    "deleted add-on {} on EKS cluster {cluster} in {region}",
                    aws::eks::ADDON
                ));
            }
            Some(_) => report.actions.push(format!(
                "kept add-on {} on EKS cluster {cluster} in {region} (not created by this policy)",
                aws::eks::ADDON
            )),
            None => {}
        }
    }
    Ok(())
}
