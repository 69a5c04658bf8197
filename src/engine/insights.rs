//! The "insights" parts of a MonitoringPolicy, per region:
//! - Logs Insights saved queries (`insightsQueries`): one paginated DescribeQueryDefinitions by the policy's
//!   name prefix `awsbaseline/<namespace>/<policy>/`. Query definitions cannot carry tags, so the ids the
//!   operator created are recorded in status (`queryDefinitions`); only those are ever deleted. A definition
//!   with our name that we did not create is adopted: updated, never deleted.
//! - ECS Container Insights (`ecsContainerInsights`): the `containerInsights` setting of existing clusters, one
//!   DescribeClusters per region (100 clusters per call), UpdateCluster per drifted cluster. Clusters are never
//!   created, and the setting is left as it is when the policy is deleted or stops declaring the cluster.
//! - EKS Container Insights (`eksContainerInsights`): the `amazon-cloudwatch-observability` add-on. Per cluster
//!   DescribeAddon; DescribeCluster + DescribeAddonVersions (once per Kubernetes version and pass) when the spec
//!   leaves the version open; DescribePodIdentityAssociation per association only when a pod identity role is
//!   declared. Add-ons are deleted (clusters removed from the spec, policy deletion) only when their tags prove
//!   this policy created them.

use super::monitoring::MonitoringInput;
use super::{failed, settle, CleanupReport, ComponentOutcome};
use crate::api::common::{DriftPolicy, Ownership};
use crate::api::monitoring_policy::{
    EcsInsightsSpec, EksInsightsSpec, InsightsQuerySpec, MonitoringResources,
};
use crate::aws::eks::{Addon, AddonRequest};
use crate::aws::logs::QueryDefinition;
use crate::aws::{self, AccountSession, AwsError, ErrorCategory};
use crate::diff::{diff_resources, FieldDrift, Fields};
use serde_json::{json, Value};
use std::collections::{BTreeMap, BTreeSet};

/// Component of the Logs Insights saved queries.
pub const INSIGHTS_QUERIES: &str = "insightsQueries";
/// Component of the ECS `containerInsights` cluster settings.
pub const ECS_INSIGHTS: &str = "ecsContainerInsights";
/// Component of the EKS `amazon-cloudwatch-observability` add-ons.
pub const EKS_INSIGHTS: &str = "eksContainerInsights";

/// Name prefix of a policy's query definitions: `awsbaseline/<namespace>/<policy>/` (a folder in the console).
pub fn query_prefix(namespace: &str, name: &str) -> String {
    format!("awsbaseline/{namespace}/{name}/")
}

fn previous(input: &MonitoringInput<'_>, region: &str) -> MonitoringResources {
    input
        .previous
        .and_then(|p| p.resources.iter().find(|r| r.region == region).cloned())
        .unwrap_or_default()
}

fn previous_ownership(
    input: &MonitoringInput<'_>,
    component: &str,
    region: &str,
) -> Option<Ownership> {
    input.previous.and_then(|p| {
        p.common
            .components
            .iter()
            .find(|c| c.component == component && c.region == region)
            .map(|c| c.ownership)
    })
}

fn may_write(input: &MonitoringInput<'_>) -> bool {
    input.mode == DriftPolicy::Correct
}

fn owns(input: &MonitoringInput<'_>, tags: &[(String, String)]) -> bool {
    input
        .owner
        .owns(tags.iter().map(|(k, v)| (k.as_str(), v.as_str())))
}

fn sorted(v: &[String]) -> Vec<String> {
    crate::aws::sorted(v.iter().cloned())
}

/// Declared fields of one saved query (log groups compared sorted).
pub(crate) fn query_fields(q: &InsightsQuerySpec) -> Fields {
    let p = format!("{INSIGHTS_QUERIES}.{}", q.name);
    Fields::from([
        (format!("{p}.exists"), json!(true)),
        (format!("{p}.queryString"), json!(q.query_string)),
        (
            format!("{p}.logGroupNames"),
            json!(sorted(&q.log_group_names)),
        ),
    ])
}

/// Observed fields of one saved query (`None`: no definition with its name).
pub(crate) fn observed_query_fields(name: &str, d: Option<&QueryDefinition>) -> Fields {
    let p = format!("{INSIGHTS_QUERIES}.{name}");
    let Some(d) = d else {
        return Fields::from([(format!("{p}.exists"), json!(false))]);
    };
    Fields::from([
        (format!("{p}.exists"), json!(true)),
        (format!("{p}.queryString"), json!(d.query_string)),
        (
            format!("{p}.logGroupNames"),
            json!(sorted(&d.log_group_names)),
        ),
    ])
}

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
        None => settle(component, region, drift, writes, created, ownership, id),
        Some(e) if drift.is_empty() => failed(component, region, ownership, e),
        Some(e) => {
            let w = match writes {
                Some(Err(w)) => Some(Err(w)),
                _ => Some(Err(e)),
            };
            settle(component, region, drift, w, false, ownership, id)
        }
    }
}

/// What a pass does with the saved queries of one region (pure: observed definitions and the status record in,
/// drift and writes out).
#[derive(Clone, Debug, Default, PartialEq)]
pub(crate) struct QueryPlan<'a> {
    /// Drift, in spec order, then removals.
    pub drift: Vec<FieldDrift>,
    /// PutQueryDefinition calls: AWS name, id of the definition to replace (`None`: create), the query.
    pub puts: Vec<(String, Option<String>, &'a InsightsQuerySpec)>,
    /// DeleteQueryDefinition calls for definitions this policy created that the spec no longer declares.
    pub deletes: Vec<(String, String)>,
    /// Definitions proven ours that stay recorded (AWS name -> id).
    pub recorded: BTreeMap<String, String>,
    /// Some declared definition existed without being recorded as ours (adopted: updated, never deleted).
    pub adopted: bool,
}

/// Plan the saved queries: `observed` are the definitions under `prefix`, `recorded` the ids status says this
/// policy created.
pub(crate) fn plan_queries<'a>(
    specs: &'a [InsightsQuerySpec],
    prefix: &str,
    observed: &[QueryDefinition],
    recorded: &BTreeMap<String, String>,
) -> QueryPlan<'a> {
    let mut plan = QueryPlan::default();
    let mut declared = BTreeSet::new();
    for q in specs {
        let aws_name = format!("{prefix}{}", q.name);
        declared.insert(aws_name.clone());
        let recorded_id = recorded.get(&aws_name);
        // Names are not unique in AWS: the definition we recorded first, else the first one AWS lists.
        let same_name: Vec<&QueryDefinition> =
            observed.iter().filter(|d| d.name == aws_name).collect();
        let obs = same_name
            .iter()
            .find(|d| Some(&d.id) == recorded_id)
            .or(same_name.first())
            .copied();
        match obs {
            Some(d) if Some(&d.id) == recorded_id => {
                plan.recorded.insert(aws_name.clone(), d.id.clone());
            }
            Some(_) => plan.adopted = true,
            None => {}
        }
        let d = diff_resources(&query_fields(q), &observed_query_fields(&q.name, obs));
        if !d.is_empty() {
            plan.drift.extend(d);
            plan.puts.push((aws_name, obs.map(|d| d.id.clone()), q));
        }
    }
    // Definitions this policy created that the spec no longer declares (gone already: forgotten).
    for (aws_name, id) in recorded {
        if declared.contains(aws_name) || !observed.iter().any(|d| &d.id == id) {
            continue;
        }
        let rel = aws_name.strip_prefix(prefix).unwrap_or(aws_name);
        plan.drift.push(FieldDrift {
            field: format!("{INSIGHTS_QUERIES}.{rel}.exists"),
            desired: json!(false),
            actual: json!(true),
        });
        plan.deletes.push((aws_name.clone(), id.clone()));
    }
    plan
}

/// Logs Insights saved queries of one region.
pub(crate) async fn insights_queries(
    session: &AccountSession,
    input: &MonitoringInput<'_>,
    region: &str,
    res: &mut MonitoringResources,
) -> ComponentOutcome {
    const C: &str = INSIGHTS_QUERIES;
    let client = session.logs(region);
    let prefix = query_prefix(input.namespace, input.name);
    let recorded = previous(input, region).query_definitions;
    let prev_owner = previous_ownership(input, C, region);
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
    let creating = plan.puts.iter().any(|(_, id, _)| id.is_none());
    for (aws_name, id, q) in &plan.puts {
        if !may_write(input) || matches!(writes, Some(Err(_))) {
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
        let r = if may_write(input) && !matches!(writes, Some(Err(_))) {
            let r = aws::logs::delete_query_definition(&client, id).await;
            writes = Some(r.clone());
            r
        } else {
            Ok(())
        };
        // Remembered until the delete succeeded.
        if r.is_err() || !may_write(input) || matches!(writes, Some(Err(_))) {
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
    let only_creates = plan
        .drift
        .iter()
        .all(|d| d.field.ends_with(".exists") && d.desired == json!(true));
    let id = Some(format!(
        "{} query definition(s)",
        input.spec.insights_queries.len()
    ));
    settle(
        C,
        region,
        plan.drift,
        writes,
        creating && only_creates,
        ownership,
        id,
    )
}

/// Container Insights of one region: ECS cluster settings, EKS add-ons (also when the spec stopped declaring
/// EKS clusters this policy installed the add-on on).
pub(crate) async fn container_insights(
    session: &AccountSession,
    input: &MonitoringInput<'_>,
    region: &str,
    res: &mut MonitoringResources,
) -> Vec<ComponentOutcome> {
    let ci = input.spec.container_insights.as_ref();
    let mut out = Vec::new();
    if let Some(ecs) = ci.map(|c| &c.ecs).filter(|e| !e.is_empty()) {
        out.push(ecs_insights(session, input, region, ecs).await);
    }
    let eks: &[EksInsightsSpec] = ci.map(|c| c.eks.as_slice()).unwrap_or_default();
    if !eks.is_empty() || !previous(input, region).eks_addons.is_empty() {
        out.push(eks_insights(session, input, region, eks, res).await);
    }
    out
}

async fn ecs_insights(
    session: &AccountSession,
    input: &MonitoringInput<'_>,
    region: &str,
    declared: &[EcsInsightsSpec],
) -> ComponentOutcome {
    const C: &str = ECS_INSIGHTS;
    // The clusters are not ours: their setting is managed, the cluster adopted (never deleted).
    let ownership = Ownership::Adopted;
    let client = session.ecs(region);
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
        let want = e.mode.as_str();
        if have == want {
            continue;
        }
        drift.push(FieldDrift {
            field: format!("containerInsights.ecs.{}.mode", e.cluster_name),
            desired: json!(want),
            actual: json!(have),
        });
        if may_write(input) && !matches!(writes, Some(Err(_))) {
            writes = Some(aws::ecs::set_container_insights(&client, &e.cluster_name, want).await);
        }
    }
    let missing = (!missing.is_empty()).then(|| aws::ecs::missing_clusters(region, &missing));
    let id = Some(format!("{} cluster(s)", declared.len()));
    finish(C, region, drift, writes, missing, false, ownership, id)
}

/// The add-on as the diff sees it.
#[derive(Clone, Debug, Default, PartialEq)]
pub(crate) struct ObservedAddon {
    /// Installed version.
    pub version: Option<String>,
    /// Configuration values, parsed.
    pub configuration_values: Option<Value>,
    /// IRSA role.
    pub service_account_role_arn: Option<String>,
    /// Role of the `cloudwatch-agent` pod identity association (read only when one is declared).
    pub pod_identity_role_arn: Option<String>,
}

/// Configuration values as EKS returns them (JSON or YAML text) as a JSON value; text that is neither stays
/// a string (and differs from any declared object).
pub(crate) fn parse_configuration_values(text: &str) -> Value {
    serde_json::from_str(text)
        .or_else(|_| crate::manifests::from_yaml::<Value>(text))
        .unwrap_or_else(|_| Value::String(text.to_string()))
}

/// Drift of one cluster's add-on: the declared fields (and the resolved version) against what EKS has. A
/// missing add-on is the single drift `containerInsights.eks.<cluster>.exists`.
pub(crate) fn addon_drift(
    spec: &EksInsightsSpec,
    version: Option<&str>,
    observed: Option<&ObservedAddon>,
) -> Vec<FieldDrift> {
    let p = format!("containerInsights.eks.{}", spec.cluster_name);
    let mut want = Fields::from([(format!("{p}.exists"), json!(true))]);
    if let Some(v) = version {
        want.insert(format!("{p}.addonVersion"), json!(v));
    }
    if let Some(c) = &spec.configuration_values {
        want.insert(format!("{p}.configurationValues"), c.clone());
    }
    if let Some(r) = &spec.service_account_role_arn {
        want.insert(format!("{p}.serviceAccountRoleArn"), json!(r));
    }
    if let Some(r) = &spec.pod_identity_role_arn {
        want.insert(format!("{p}.podIdentityRoleArn"), json!(r));
    }
    let mut have = Fields::new();
    if let Some(o) = observed {
        have.insert(format!("{p}.exists"), json!(true));
        have.insert(format!("{p}.addonVersion"), json!(o.version));
        have.insert(
            format!("{p}.configurationValues"),
            o.configuration_values.clone().unwrap_or(Value::Null),
        );
        have.insert(
            format!("{p}.serviceAccountRoleArn"),
            json!(o.service_account_role_arn),
        );
        have.insert(
            format!("{p}.podIdentityRoleArn"),
            json!(o.pod_identity_role_arn),
        );
    }
    diff_resources(&want, &have)
}

/// What CreateAddon / UpdateAddon send for a declared add-on.
pub(crate) fn addon_request(spec: &EksInsightsSpec, version: Option<&str>) -> AddonRequest {
    AddonRequest {
        cluster: spec.cluster_name.clone(),
        version: version.map(str::to_string),
        configuration_values: spec.configuration_values.as_ref().map(|v| v.to_string()),
        service_account_role_arn: spec.service_account_role_arn.clone(),
        pod_identity_role_arn: spec.pod_identity_role_arn.clone(),
    }
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
    session: &AccountSession,
    input: &MonitoringInput<'_>,
    region: &str,
    declared: &[EksInsightsSpec],
    res: &mut MonitoringResources,
) -> ComponentOutcome {
    const C: &str = EKS_INSIGHTS;
    let client = session.eks(region);
    let recorded = previous(input, region).eks_addons;
    let mut latest = BTreeMap::new();
    let mut drift = Vec::new();
    let mut writes: Option<Result<(), AwsError>> = None;
    let mut read_error: Option<AwsError> = None;
    let (mut creating, mut ours, mut adopted) = (false, false, false);
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
            Some(a) if owns(input, &a.tags) => ours = true,
            Some(_) => adopted = true,
            None => {}
        }
        let d = addon_drift(e, version.as_deref(), observed.as_ref());
        if d.is_empty() {
            continue;
        }
        drift.extend(d);
        creating |= have.is_none();
        let busy = have.as_ref().is_some_and(Addon::in_progress);
        if may_write(input) && !busy && !matches!(writes, Some(Err(_))) {
            let req = addon_request(e, version.as_deref());
            let r = match &have {
                None => aws::eks::create_addon(&client, &req, &input.owner.tags()).await,
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
            Ok(Some(a)) if owns(input, &a.tags) => a,
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
        drift.push(FieldDrift {
            field: format!("containerInsights.eks.{cluster}.exists"),
            desired: json!(false),
            actual: json!(true),
        });
        if may_write(input) && !a.in_progress() && !matches!(writes, Some(Err(_))) {
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
        previous_ownership(input, C, region).unwrap_or(Ownership::Created)
    };
    let only_creates = drift
        .iter()
        .all(|d| d.field.ends_with(".exists") && d.desired == json!(true));
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

/// On deletion (`deletionPolicy: Delete`): the query definitions recorded as created by this policy, and the
/// add-ons (declared or recorded clusters) whose tags prove this policy created them. ECS `containerInsights`
/// settings are left as they are (they belong to the clusters).
pub(crate) async fn cleanup_region(
    session: &AccountSession,
    input: &MonitoringInput<'_>,
    region: &str,
    previous: &MonitoringResources,
    report: &mut CleanupReport,
) -> Result<(), AwsError> {
    if !previous.query_definitions.is_empty() || !input.spec.insights_queries.is_empty() {
        // Query definitions carry no tags: those under this policy's name prefix are its own (recorded in status
        // or not: a crash before the status write leaves none recorded); a recorded ID outside it is left alone.
        let logs = session.logs(region);
        let prefix = query_prefix(input.namespace, input.name);
        for q in aws::logs::query_definitions(&logs, &prefix).await? {
            aws::logs::delete_query_definition(&logs, &q.id).await?;
            report
                .actions
                .push(format!("deleted query definition {} in {region}", q.name));
        }
    }
    let clusters: BTreeSet<&str> = input
        .spec
        .container_insights
        .iter()
        .flat_map(|c| c.eks.iter().map(|e| e.cluster_name.as_str()))
        .chain(previous.eks_addons.iter().map(String::as_str))
        .collect();
    if !clusters.is_empty() {
        let eks = session.eks(region);
        for cluster in clusters {
            match aws::eks::addon(&eks, cluster).await? {
                Some(a) if owns(input, &a.tags) => {
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
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec(v: Value) -> EksInsightsSpec {
        serde_json::from_value(v).unwrap()
    }

    fn fields(d: &[FieldDrift]) -> Vec<&str> {
        d.iter().map(|d| d.field.as_str()).collect()
    }

    fn observed() -> ObservedAddon {
        ObservedAddon {
            version: Some("v2.1.0-eksbuild.1".into()),
            configuration_values: Some(json!({"containerLogs": {"enabled": true}})),
            service_account_role_arn: None,
            pod_identity_role_arn: Some("arn:aws:iam::123456789012:role/cw".into()),
        }
    }

    #[test]
    fn a_missing_addon_is_one_drift() {
        let s = spec(
            json!({"clusterName": "prod", "configurationValues": {"a": 1},
            "podIdentityRoleArn": "arn:aws:iam::123456789012:role/cw"}),
        );
        let d = addon_drift(&s, Some("v2.1.0-eksbuild.1"), None);
        assert_eq!(fields(&d), ["containerInsights.eks.prod.exists"]);
        assert_eq!(
            (d[0].desired.clone(), d[0].actual.clone()),
            (json!(true), json!(false))
        );
    }

    #[test]
    fn an_addon_matching_the_spec_has_no_drift() {
        let s = spec(
            json!({"clusterName": "prod", "configurationValues": {"containerLogs": {"enabled": true}},
            "podIdentityRoleArn": "arn:aws:iam::123456789012:role/cw"}),
        );
        assert!(addon_drift(&s, Some("v2.1.0-eksbuild.1"), Some(&observed())).is_empty());
    }

    #[test]
    fn every_declared_field_drifts_on_its_own() {
        let s = spec(
            json!({"clusterName": "prod", "configurationValues": {"containerLogs": {"enabled": false}},
            "serviceAccountRoleArn": "arn:aws:iam::123456789012:role/irsa"}),
        );
        let d = addon_drift(&s, Some("v3.0.0-eksbuild.1"), Some(&observed()));
        assert_eq!(
            fields(&d),
            [
                "containerInsights.eks.prod.addonVersion",
                "containerInsights.eks.prod.configurationValues",
                "containerInsights.eks.prod.serviceAccountRoleArn",
            ]
        );
        assert_eq!(d[2].actual, Value::Null);
    }

    #[test]
    fn undeclared_fields_are_not_managed() {
        // No configuration, no roles, version left to EKS (not resolved): only existence counts.
        let s = spec(json!({"clusterName": "prod"}));
        assert!(addon_drift(&s, None, Some(&observed())).is_empty());
        let d = addon_drift(&s, Some("v9.0.0-eksbuild.1"), Some(&observed()));
        assert_eq!(fields(&d), ["containerInsights.eks.prod.addonVersion"]);
    }

    #[test]
    fn configuration_values_compare_parsed_json_or_yaml() {
        let want = json!({"containerLogs": {"enabled": true}, "agent": {"name": "x"}});
        for text in [
            r#"{"agent":{"name":"x"},"containerLogs":{"enabled":true}}"#,
            "containerLogs:\n  enabled: true\nagent:\n  name: x\n",
        ] {
            assert_eq!(parse_configuration_values(text), want, "{text}");
        }
        assert_eq!(
            parse_configuration_values("{not: [valid"),
            json!("{not: [valid")
        );
    }

    #[test]
    fn the_request_sends_configuration_as_a_json_string() {
        let s = spec(
            json!({"clusterName": "prod", "configurationValues": {"containerLogs": {"enabled": true}},
            "podIdentityRoleArn": "arn:aws:iam::123456789012:role/cw"}),
        );
        let r = addon_request(&s, Some("v2.1.0-eksbuild.1"));
        let sent: Value = serde_json::from_str(r.configuration_values.as_deref().unwrap()).unwrap();
        assert_eq!(sent, json!({"containerLogs": {"enabled": true}}));
        assert_eq!(r.version.as_deref(), Some("v2.1.0-eksbuild.1"));
        assert_eq!(
            r.pod_identity_role_arn.as_deref(),
            Some("arn:aws:iam::123456789012:role/cw")
        );
        assert_eq!(r.service_account_role_arn, None);
    }

    #[test]
    fn query_log_groups_compare_sorted() {
        let q: InsightsQuerySpec = serde_json::from_value(json!({"name": "errors",
            "queryString": "fields @message", "logGroupNames": ["/b", "/a"]}))
        .unwrap();
        let d = QueryDefinition {
            id: "1".into(),
            name: "awsbaseline/ns/p/errors".into(),
            query_string: "fields @message".into(),
            log_group_names: vec!["/a".into(), "/b".into()],
        };
        assert!(diff_resources(
            &query_fields(&q),
            &observed_query_fields("errors", Some(&d))
        )
        .is_empty());
        let changed = QueryDefinition {
            query_string: "fields @timestamp".into(),
            log_group_names: vec!["/a".into()],
            ..d
        };
        let got = diff_resources(
            &query_fields(&q),
            &observed_query_fields("errors", Some(&changed)),
        );
        assert_eq!(
            fields(&got),
            [
                "insightsQueries.errors.logGroupNames",
                "insightsQueries.errors.queryString"
            ]
        );
        let missing = diff_resources(&query_fields(&q), &observed_query_fields("errors", None));
        assert_eq!(fields(&missing), ["insightsQueries.errors.exists"]);
    }
    fn def(id: &str, name: &str, query: &str) -> QueryDefinition {
        QueryDefinition {
            id: id.into(),
            name: format!("awsbaseline/ns/p/{name}"),
            query_string: query.into(),
            log_group_names: vec![],
        }
    }

    fn queries(names: &[&str]) -> Vec<InsightsQuerySpec> {
        names
            .iter()
            .map(|n| InsightsQuerySpec {
                name: n.to_string(),
                query_string: "fields @message".into(),
                log_group_names: vec![],
            })
            .collect()
    }

    const PREFIX: &str = "awsbaseline/ns/p/";

    #[test]
    fn missing_queries_are_created_and_recorded_ones_in_sync_stay_recorded() {
        let specs = queries(&["a", "b"]);
        let observed = [def("id-a", "a", "fields @message")];
        let recorded = BTreeMap::from([("awsbaseline/ns/p/a".to_string(), "id-a".to_string())]);
        let plan = plan_queries(&specs, PREFIX, &observed, &recorded);
        assert_eq!(fields(&plan.drift), ["insightsQueries.b.exists"]);
        assert_eq!(plan.puts.len(), 1);
        assert_eq!(
            (plan.puts[0].0.as_str(), plan.puts[0].1.as_deref()),
            ("awsbaseline/ns/p/b", None)
        );
        assert_eq!(plan.recorded, recorded);
        assert!(plan.deletes.is_empty() && !plan.adopted);
    }

    #[test]
    fn an_unrecorded_definition_with_our_name_is_adopted_updated_in_place_never_recorded() {
        let specs = queries(&["a"]);
        let observed = [def("theirs", "a", "fields @timestamp")];
        let plan = plan_queries(&specs, PREFIX, &observed, &BTreeMap::new());
        assert_eq!(fields(&plan.drift), ["insightsQueries.a.queryString"]);
        assert_eq!(plan.puts[0].1.as_deref(), Some("theirs"));
        assert!(plan.adopted && plan.recorded.is_empty());
    }

    #[test]
    fn only_recorded_definitions_the_spec_dropped_are_deleted() {
        let observed = [
            def("id-old", "old", "x"),
            def("theirs", "other", "y"),
            def("id-a", "a", "fields @message"),
        ];
        let recorded = BTreeMap::from([
            ("awsbaseline/ns/p/a".to_string(), "id-a".to_string()),
            ("awsbaseline/ns/p/old".to_string(), "id-old".to_string()),
            // Recorded, but deleted out of band: forgotten, nothing to do.
            ("awsbaseline/ns/p/gone".to_string(), "id-gone".to_string()),
        ]);
        let specs = queries(&["a"]);
        let plan = plan_queries(&specs, PREFIX, &observed, &recorded);
        assert_eq!(fields(&plan.drift), ["insightsQueries.old.exists"]);
        assert_eq!(
            plan.deletes,
            [("awsbaseline/ns/p/old".to_string(), "id-old".to_string())]
        );
        assert!(plan.puts.is_empty());
        assert_eq!(
            plan.recorded.keys().collect::<Vec<_>>(),
            ["awsbaseline/ns/p/a"]
        );
    }

    #[test]
    fn with_duplicate_names_the_recorded_definition_is_the_one_compared() {
        let observed = [
            def("dup", "a", "other"),
            def("id-a", "a", "fields @message"),
        ];
        let recorded = BTreeMap::from([("awsbaseline/ns/p/a".to_string(), "id-a".to_string())]);
        let specs = queries(&["a"]);
        let plan = plan_queries(&specs, PREFIX, &observed, &recorded);
        assert!(plan.drift.is_empty() && plan.puts.is_empty());
    }
}
