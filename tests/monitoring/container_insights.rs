//! MonitoringPolicy Container Insights on ECS against moto's server with the real aws-sdk-rust clients: the
//! `containerInsights` setting of existing clusters converges with one DescribeClusters per region, a steady pass
//! writes nothing, out-of-band changes are reported (Report, no write) and corrected (Correct, one UpdateCluster),
//! a missing cluster is a NotFound error (never created), and deleting the policy leaves the setting alone.
//! The EKS add-on (not in moto 5.2.5) converges, drifts and is deleted against moto with `tests/moto_ext/eks_ext.py`;
//! its exact requests and error classification are also pinned with aws-smithy-mocks. Saved queries are in
//! `monitoring::logs`.

use super::{no_errors, status};
use crate::support;
use crate::support::calls::sorted_writes;
use crate::support::mocks::json_error;
use crate::support::objects::NO_LABELS;
use aws_baseline_operator::api::aws_account::{AllowedNamespaces, AwsAccountSpec};
use aws_baseline_operator::api::common::{
    ComponentState, DeletionPolicy, DriftAction, DriftPolicy,
};
use aws_baseline_operator::api::{MonitoringPolicySpec, MonitoringPolicyStatus};
use aws_baseline_operator::aws::AwsFactory;
use aws_baseline_operator::aws::ErrorCategory;
use aws_baseline_operator::engine::monitoring::{cleanup, run, MonitoringInput, MonitoringReport};
use aws_sdk_ecs::types::{ClusterField, ClusterSetting, ClusterSettingName};
use aws_smithy_mocks::{mock, mock_client, RuleMode};
use serde_json::json;
use std::time::Duration;
use support::Moto;

const REGIONS: [&str; 2] = ["us-east-1", "eu-west-1"];

fn account() -> AwsAccountSpec {
    let mut a = support::account(&REGIONS);
    a.allowed_namespaces = Some(AllowedNamespaces {
        names: vec!["platform".into()],
        selector: None,
    });
    a
}

async fn pass(
    f: &AwsFactory,
    account: &AwsAccountSpec,
    spec: &MonitoringPolicySpec,
    previous: Option<&MonitoringPolicyStatus>,
    mode: DriftPolicy,
) -> MonitoringReport {
    run(f, &input(account, spec, previous, mode)).await
}

fn input<'a>(
    account: &'a AwsAccountSpec,
    spec: &'a MonitoringPolicySpec,
    previous: Option<&'a MonitoringPolicyStatus>,
    mode: DriftPolicy,
) -> MonitoringInput<'a> {
    MonitoringInput {
        spec,
        account,
        owner: support::objects::owner("MonitoringPolicy", "platform/containers", "uid-containers"),
        namespace: "platform",
        name: "containers",
        namespace_labels: &NO_LABELS,
        previous,
        mode,
        alarm_write_interval: Duration::ZERO,
        shared_reads: None,
    }
}

/// (region, field, desired, actual, action) of every drift, sorted.
fn drift(r: &MonitoringReport) -> Vec<(String, String, String, String, DriftAction)> {
    let mut v: Vec<_> = r
        .pass
        .outcomes
        .iter()
        .flat_map(|o| {
            o.drift.iter().map(|d| {
                (
                    o.region.clone(),
                    d.field.clone(),
                    d.desired.as_str().unwrap_or_default().to_string(),
                    d.actual.as_str().unwrap_or_default().to_string(),
                    o.action,
                )
            })
        })
        .collect();
    v.sort_by(|a, b| (&a.0, &a.1).cmp(&(&b.0, &b.1)));
    v
}

fn ecs_states(r: &MonitoringReport) -> Vec<(String, ComponentState)> {
    let mut v: Vec<_> = r
        .pass
        .outcomes
        .iter()
        .filter(|o| o.component == "ecsContainerInsights")
        .map(|o| (o.region.clone(), o.state))
        .collect();
    v.sort_by(|a, b| a.0.cmp(&b.0));
    v
}

async fn ecs(moto: &Moto, region: &str) -> aws_sdk_ecs::Client {
    aws_sdk_ecs::Client::new(&moto.sdk_config(region).await)
}

fn insights(value: &str) -> ClusterSetting {
    ClusterSetting::builder()
        .name(ClusterSettingName::ContainerInsights)
        .value(value)
        .build()
}

/// Clusters `web` (no setting: disabled) and `batch` (enabled) in every region.
async fn clusters(moto: &Moto) {
    for region in REGIONS {
        let c = ecs(moto, region).await;
        c.create_cluster().cluster_name("web").send().await.unwrap();
        c.create_cluster()
            .cluster_name("batch")
            .settings(insights("enabled"))
            .send()
            .await
            .unwrap();
    }
}

async fn setting(moto: &Moto, region: &str, cluster: &str) -> Option<String> {
    let out = ecs(moto, region)
        .await
        .describe_clusters()
        .clusters(cluster)
        .include(ClusterField::Settings)
        .send()
        .await
        .unwrap();
    out.clusters()[0]
        .settings()
        .iter()
        .find(|s| s.name() == Some(&ClusterSettingName::ContainerInsights))
        .and_then(|s| s.value())
        .map(str::to_string)
}

fn spec(ecs: serde_json::Value) -> MonitoringPolicySpec {
    serde_json::from_value(json!({
        "accountRef": {"name": "a"},
        "regions": REGIONS,
        "deletionPolicy": "Delete",
        "containerInsights": {"ecs": ecs}
    }))
    .unwrap()
}

#[tokio::test]
async fn ecs_container_insights_converge_then_drift_is_reported_and_corrected() {
    let moto = Moto::start();
    let (factory, stats) = moto.factory().await;
    let account = account();
    clusters(&moto).await;
    let spec = spec(json!([
        {"clusterName": "web", "mode": "enhanced"},
        {"clusterName": "batch", "mode": "enabled"}
    ]));

    // First pass: only `web` differs (no setting = disabled); one read and one write per region.
    stats.reset();
    let first = pass(&factory, &account, &spec, None, DriftPolicy::Correct).await;
    no_errors(&first);
    let want = |action| {
        REGIONS
            .iter()
            .rev()
            .map(|r| {
                (
                    r.to_string(),
                    "containerInsights.ecs.web.mode".to_string(),
                    "enhanced".to_string(),
                    "disabled".to_string(),
                    action,
                )
            })
            .collect::<Vec<_>>()
    };
    assert_eq!(drift(&first), want(DriftAction::Corrected));
    assert_eq!(
        ecs_states(&first),
        [
            ("eu-west-1".to_string(), ComponentState::Corrected),
            ("us-east-1".to_string(), ComponentState::Corrected)
        ]
    );
    assert_eq!(stats.count("DescribeClusters"), 2, "one read per region");
    assert_eq!(sorted_writes(&stats), ["ECS:UpdateCluster"]);
    assert_eq!(stats.count("UpdateCluster"), 2);
    for region in REGIONS {
        assert_eq!(
            setting(&moto, region, "web").await.as_deref(),
            Some("enhanced")
        );
        assert_eq!(
            setting(&moto, region, "batch").await.as_deref(),
            Some("enabled")
        );
    }
    let st = status(None, &first);

    // Steady state: nothing to write, still one DescribeClusters per region.
    stats.reset();
    let steady = pass(&factory, &account, &spec, Some(&st), DriftPolicy::Correct).await;
    no_errors(&steady);
    assert!(drift(&steady).is_empty(), "{:?}", drift(&steady));
    assert_eq!(
        ecs_states(&steady),
        [
            ("eu-west-1".to_string(), ComponentState::InSync),
            ("us-east-1".to_string(), ComponentState::InSync)
        ]
    );
    assert_eq!(stats.writes(), 0, "{:?}", stats.write_operations());
    assert_eq!(stats.count("DescribeClusters"), 2);
    let st = status(Some(&st), &steady);

    // Out of band: `web` switched off in us-east-1.
    ecs(&moto, "us-east-1")
        .await
        .update_cluster()
        .cluster("web")
        .settings(insights("disabled"))
        .send()
        .await
        .unwrap();

    // Report: the drift is shown, nothing is written.
    stats.reset();
    let reported = pass(&factory, &account, &spec, Some(&st), DriftPolicy::Report).await;
    no_errors(&reported);
    assert_eq!(
        drift(&reported),
        [(
            "us-east-1".to_string(),
            "containerInsights.ecs.web.mode".to_string(),
            "enhanced".to_string(),
            "disabled".to_string(),
            DriftAction::Reported
        )]
    );
    assert_eq!(
        ecs_states(&reported),
        [
            ("eu-west-1".to_string(), ComponentState::InSync),
            ("us-east-1".to_string(), ComponentState::Drifted)
        ]
    );
    assert_eq!(stats.writes(), 0, "{:?}", stats.write_operations());
    assert_eq!(
        setting(&moto, "us-east-1", "web").await.as_deref(),
        Some("disabled")
    );

    // Correct: exactly one UpdateCluster, in the drifted region.
    stats.reset();
    let corrected = pass(&factory, &account, &spec, Some(&st), DriftPolicy::Correct).await;
    no_errors(&corrected);
    assert_eq!(drift(&corrected).len(), 1);
    assert_eq!(drift(&corrected)[0].4, DriftAction::Corrected);
    assert_eq!(sorted_writes(&stats), ["ECS:UpdateCluster"]);
    assert_eq!(stats.count("UpdateCluster"), 1);
    assert_eq!(
        setting(&moto, "us-east-1", "web").await.as_deref(),
        Some("enhanced")
    );
    let st = status(Some(&st), &corrected);

    stats.reset();
    let again = pass(&factory, &account, &spec, Some(&st), DriftPolicy::Correct).await;
    no_errors(&again);
    assert!(drift(&again).is_empty());
    assert_eq!(stats.writes(), 0, "{:?}", stats.write_operations());
}

#[tokio::test]
async fn a_missing_ecs_cluster_is_not_found_and_never_created_while_the_others_converge() {
    let moto = Moto::start();
    let (factory, stats) = moto.factory().await;
    let account = account();
    clusters(&moto).await;
    let spec = spec(json!([
        {"clusterName": "web", "mode": "enabled"},
        {"clusterName": "ghost", "mode": "enabled"}
    ]));
    stats.reset();
    let r = pass(&factory, &account, &spec, None, DriftPolicy::Correct).await;
    for o in r
        .pass
        .outcomes
        .iter()
        .filter(|o| o.component == "ecsContainerInsights")
    {
        assert_eq!(o.state, ComponentState::Error, "{o:#?}");
        let e = o.error.as_ref().unwrap();
        assert_eq!(e.category.as_str(), "NotFound");
        assert!(e.message.contains("ghost"), "{e}");
    }
    assert_eq!(r.pass.error_category(), Some("NotFound"));
    // `web` was still corrected, in both regions; nothing was created.
    assert_eq!(stats.count("UpdateCluster"), 2);
    assert_eq!(stats.count("CreateCluster"), 0);
    for region in REGIONS {
        assert_eq!(
            setting(&moto, region, "web").await.as_deref(),
            Some("enabled")
        );
        let listed = ecs(&moto, region)
            .await
            .list_clusters()
            .send()
            .await
            .unwrap();
        assert_eq!(listed.cluster_arns().len(), 2, "no cluster was created");
    }
}

#[tokio::test]
async fn deleting_the_policy_leaves_the_ecs_setting_as_it_is() {
    let moto = Moto::start();
    let (factory, stats) = moto.factory().await;
    let account = account();
    clusters(&moto).await;
    let mut spec = spec(json!([{"clusterName": "web", "mode": "enhanced"}]));
    let first = pass(&factory, &account, &spec, None, DriftPolicy::Correct).await;
    no_errors(&first);
    let st = status(None, &first);
    assert_eq!(spec.deletion_policy, DeletionPolicy::Delete);
    stats.reset();
    let report = cleanup(
        &factory,
        &input(&account, &spec, Some(&st), DriftPolicy::Correct),
    )
    .await
    .unwrap();
    assert!(report.errors.is_empty(), "{:?}", report.errors);
    assert_eq!(stats.count("UpdateCluster"), 0);
    assert!(
        !sorted_writes(&stats).iter().any(|w| w.starts_with("ECS:")),
        "{:?}",
        sorted_writes(&stats)
    );
    for region in REGIONS {
        assert_eq!(
            setting(&moto, region, "web").await.as_deref(),
            Some("enhanced")
        );
    }
    // Removed from the spec: the setting stays too (no ECS write, no drift).
    spec.container_insights.as_mut().unwrap().ecs.clear();
    spec.container_insights.as_mut().unwrap().eks.clear();
    stats.reset();
    let r = pass(&factory, &account, &spec, Some(&st), DriftPolicy::Correct).await;
    no_errors(&r);
    assert_eq!(stats.count("UpdateCluster"), 0);
    assert_eq!(stats.count("DescribeClusters"), 0);
    assert_eq!(
        setting(&moto, "us-east-1", "web").await.as_deref(),
        Some("enhanced")
    );
}

const CW_ROLE: &str = "arn:aws:iam::123456789012:role/cloudwatch-agent";

const ASSOCIATION: &str =
    "arn:aws:eks:us-east-1:123456789012:podidentityassociation/prod/a-abcdefghijklmnop1";

/// DescribeAddon: settings, tags and association ARNs; a missing add-on is `None`. The association's role is
/// found by the last path segment of its ARN; the newest compatible version is the first one listed.
#[tokio::test]
async fn eks_addon_is_observed_with_tags_version_and_pod_identity() {
    use aws_baseline_operator::aws::eks;
    use aws_sdk_eks::operation::describe_addon::DescribeAddonOutput;
    use aws_sdk_eks::operation::describe_addon_versions::DescribeAddonVersionsOutput;
    use aws_sdk_eks::operation::describe_cluster::DescribeClusterOutput;
    use aws_sdk_eks::operation::describe_pod_identity_association::DescribePodIdentityAssociationOutput;
    use aws_sdk_eks::types::{
        Addon, AddonInfo, AddonStatus, AddonVersionInfo, Cluster, PodIdentityAssociation,
    };
    use aws_sdk_eks::Client as Eks;

    let present = mock!(Eks::describe_addon)
        .match_requests(|r| r.cluster_name() == Some("prod") && r.addon_name() == Some(eks::ADDON))
        .then_output(|| {
            DescribeAddonOutput::builder()
                .addon(
                    Addon::builder()
                        .addon_name(eks::ADDON)
                        .cluster_name("prod")
                        .addon_version("v2.1.0-eksbuild.1")
                        .status(AddonStatus::Active)
                        .configuration_values("containerLogs:\n  enabled: true\n")
                        .pod_identity_associations(ASSOCIATION)
                        .tags("awsbaseline.io/owner-uid", "uid-1")
                        .build(),
                )
                .build()
        });
    let absent = mock!(Eks::describe_addon)
        .match_requests(|r| r.cluster_name() == Some("dev"))
        .then_http_response(|| {
            json_error(
                404,
                "ResourceNotFoundException",
                "No addon: amazon-cloudwatch-observability found in cluster: dev",
            )
        });
    let cluster = mock!(Eks::describe_cluster)
        .match_requests(|r| r.name() == Some("prod"))
        .then_output(|| {
            DescribeClusterOutput::builder()
                .cluster(Cluster::builder().name("prod").version("1.31").build())
                .build()
        });
    let versions = mock!(Eks::describe_addon_versions)
        .match_requests(|r| {
            r.addon_name() == Some(eks::ADDON) && r.kubernetes_version() == Some("1.31")
        })
        .then_output(|| {
            DescribeAddonVersionsOutput::builder()
                .addons(
                    AddonInfo::builder()
                        .addon_name(eks::ADDON)
                        .addon_versions(
                            AddonVersionInfo::builder()
                                .addon_version("v4.1.0-eksbuild.1")
                                .build(),
                        )
                        .addon_versions(
                            AddonVersionInfo::builder()
                                .addon_version("v4.0.0-eksbuild.1")
                                .build(),
                        )
                        .build(),
                )
                .build()
        });
    let association = mock!(Eks::describe_pod_identity_association)
        .match_requests(|r| {
            r.cluster_name() == Some("prod") && r.association_id() == Some("a-abcdefghijklmnop1")
        })
        .then_output(|| {
            DescribePodIdentityAssociationOutput::builder()
                .association(
                    PodIdentityAssociation::builder()
                        .cluster_name("prod")
                        .namespace("amazon-cloudwatch")
                        .service_account(eks::AGENT_SERVICE_ACCOUNT)
                        .role_arn(CW_ROLE)
                        .association_arn(ASSOCIATION)
                        .build(),
                )
                .build()
        });
    let client = mock_client!(
        aws_sdk_eks,
        RuleMode::MatchAny,
        [&present, &absent, &cluster, &versions, &association]
    );

    let a = eks::addon(&client, "prod").await.unwrap().unwrap();
    assert_eq!(a.version.as_deref(), Some("v2.1.0-eksbuild.1"));
    assert_eq!(a.status.as_deref(), Some("ACTIVE"));
    assert!(!a.in_progress());
    assert_eq!(
        a.tags,
        [("awsbaseline.io/owner-uid".to_string(), "uid-1".to_string())]
    );
    assert_eq!(a.pod_identity_associations, [ASSOCIATION]);
    assert_eq!(
        a.configuration_values.as_deref(),
        Some("containerLogs:\n  enabled: true\n")
    );
    assert_eq!(eks::addon(&client, "dev").await.unwrap(), None);
    assert_eq!(
        eks::kubernetes_version(&client, "prod").await.unwrap(),
        "1.31"
    );
    assert_eq!(
        eks::latest_version(&client, "1.31")
            .await
            .unwrap()
            .as_deref(),
        Some("v4.1.0-eksbuild.1")
    );
    assert_eq!(
        eks::pod_identity_association(&client, "prod", ASSOCIATION)
            .await
            .unwrap(),
        Some((eks::AGENT_SERVICE_ACCOUNT.to_string(), CW_ROLE.to_string()))
    );
    assert_eq!(
        (
            present.num_calls(),
            absent.num_calls(),
            cluster.num_calls(),
            versions.num_calls(),
            association.num_calls()
        ),
        (1, 1, 1, 1, 1)
    );
}

/// CreateAddon carries the owner tags, resolveConflicts OVERWRITE, the configuration as a JSON string and the
/// pod identity association of `cloudwatch-agent`; UpdateAddon the same settings without tags; DeleteAddon of
/// a missing add-on is done.
#[tokio::test]
async fn eks_addon_is_created_updated_and_deleted_with_the_documented_request_shape() {
    use aws_baseline_operator::aws::eks::{self, AddonRequest};
    use aws_sdk_eks::operation::create_addon::CreateAddonOutput;
    use aws_sdk_eks::operation::delete_addon::DeleteAddonOutput;
    use aws_sdk_eks::operation::update_addon::UpdateAddonOutput;
    use aws_sdk_eks::types::ResolveConflicts;
    use aws_sdk_eks::Client as Eks;

    let config = serde_json::json!({"containerLogs": {"enabled": true}});
    let expected = config.clone();
    let create = mock!(Eks::create_addon)
        .match_requests(move |r| {
            let sent: Option<serde_json::Value> = r
                .configuration_values()
                .and_then(|c| serde_json::from_str(c).ok());
            r.cluster_name() == Some("prod")
                && r.addon_name() == Some(eks::ADDON)
                && r.addon_version() == Some("v4.1.0-eksbuild.1")
                && r.resolve_conflicts() == Some(&ResolveConflicts::Overwrite)
                && r.tags().and_then(|t| t.get("awsbaseline.io/owner-uid"))
                    == Some(&"uid-1".to_string())
                && sent.as_ref() == Some(&expected)
                && r.pod_identity_associations().len() == 1
                && r.pod_identity_associations()[0].service_account() == "cloudwatch-agent"
                && r.pod_identity_associations()[0].role_arn() == CW_ROLE
                && r.service_account_role_arn().is_none()
        })
        .then_output(|| CreateAddonOutput::builder().build());
    let update = mock!(Eks::update_addon)
        .match_requests(|r| {
            r.cluster_name() == Some("prod")
                && r.addon_name() == Some(eks::ADDON)
                && r.resolve_conflicts() == Some(&ResolveConflicts::Overwrite)
                && r.service_account_role_arn() == Some("arn:aws:iam::123456789012:role/irsa")
                && r.pod_identity_associations().is_empty()
                && r.configuration_values().is_none()
        })
        .then_output(|| UpdateAddonOutput::builder().build());
    let delete = mock!(Eks::delete_addon)
        .match_requests(|r| r.cluster_name() == Some("prod") && r.addon_name() == Some(eks::ADDON))
        .then_output(|| DeleteAddonOutput::builder().build());
    let delete_missing = mock!(Eks::delete_addon)
        .match_requests(|r| r.cluster_name() == Some("dev"))
        .then_http_response(|| json_error(404, "ResourceNotFoundException", "No addon"));
    let client = mock_client!(
        aws_sdk_eks,
        RuleMode::MatchAny,
        [&create, &update, &delete, &delete_missing]
    );

    let req = AddonRequest {
        cluster: "prod".into(),
        version: Some("v4.1.0-eksbuild.1".into()),
        configuration_values: Some(config.to_string()),
        service_account_role_arn: None,
        pod_identity_role_arn: Some(CW_ROLE.into()),
    };
    eks::create_addon(
        &client,
        &req,
        &[("awsbaseline.io/owner-uid".to_string(), "uid-1".to_string())],
    )
    .await
    .unwrap();
    let irsa = AddonRequest {
        cluster: "prod".into(),
        version: Some("v4.1.0-eksbuild.1".into()),
        configuration_values: None,
        service_account_role_arn: Some("arn:aws:iam::123456789012:role/irsa".into()),
        pod_identity_role_arn: None,
    };
    eks::update_addon(&client, &irsa).await.unwrap();
    eks::delete_addon(&client, "prod").await.unwrap();
    eks::delete_addon(&client, "dev").await.unwrap();
    assert_eq!(
        (
            create.num_calls(),
            update.num_calls(),
            delete.num_calls(),
            delete_missing.num_calls()
        ),
        (1, 1, 1, 1)
    );
}

/// A refused add-on write names the operation and is classified.
#[tokio::test]
async fn eks_addon_write_errors_are_classified() {
    use aws_baseline_operator::aws::eks::{self, AddonRequest};
    use aws_sdk_eks::Client as Eks;

    let denied = mock!(Eks::update_addon)
        .then_http_response(|| json_error(403, "AccessDeniedException", "not authorized"));
    let client = mock_client!(aws_sdk_eks, RuleMode::MatchAny, [&denied]);
    let err = eks::update_addon(
        &client,
        &AddonRequest {
            cluster: "prod".into(),
            ..Default::default()
        },
    )
    .await
    .unwrap_err();
    assert_eq!(err.category, ErrorCategory::AccessDenied);
    assert!(
        err.to_string().starts_with("eks:UpdateAddon failed"),
        "{err}"
    );
}

/// The EKS add-on against moto with `tests/moto_ext/eks_ext.py` (moto 5.2.5 has no add-on operations): the add-on
/// is created at the newest version for the cluster's Kubernetes version with its configuration, Pod Identity
/// association and owner tags; a second pass writes nothing; a version and configuration changed out of band are
/// reported (Report, no write) and put back (Correct, one UpdateAddon); deleting the policy deletes the add-on its
/// tags prove it created, and its association with it.
#[tokio::test]
async fn eks_addon_converges_drifts_and_is_deleted_with_the_policy_on_moto() {
    let moto = Moto::start();
    let (factory, stats) = moto.factory().await;
    let mut account = support::account(&["us-east-1"]);
    account.allowed_namespaces = Some(AllowedNamespaces {
        names: vec!["platform".into()],
        selector: None,
    });
    account.passable_roles.push(CW_ROLE.into());
    let eks = aws_sdk_eks::Client::new(&moto.sdk_config("us-east-1").await);
    eks.create_cluster()
        .name("shop")
        .version("1.31")
        .role_arn("arn:aws:iam::123456789012:role/eks")
        .resources_vpc_config(aws_sdk_eks::types::VpcConfigRequest::builder().build())
        .send()
        .await
        .unwrap();
    let spec: MonitoringPolicySpec = serde_json::from_value(json!({
        "accountRef": {"name": "a"},
        "regions": ["us-east-1"],
        "deletionPolicy": "Delete",
        "containerInsights": {"eks": [{"clusterName": "shop",
            "configurationValues": {"containerLogs": {"enabled": true}},
            "podIdentityRoleArn": CW_ROLE}]}
    }))
    .unwrap();
    let addon = |eks: aws_sdk_eks::Client| async move {
        eks.describe_addon()
            .cluster_name("shop")
            .addon_name("amazon-cloudwatch-observability")
            .send()
            .await
            .map(|o| o.addon.unwrap())
    };

    let first = pass(&factory, &account, &spec, None, DriftPolicy::Correct).await;
    no_errors(&first);
    assert_eq!(sorted_writes(&stats), ["EKS:CreateAddon"]);
    let a = addon(eks.clone()).await.unwrap();
    assert_eq!(
        a.addon_version(),
        Some("v4.1.0-eksbuild.1"),
        "newest for 1.31"
    );
    let config: serde_json::Value =
        serde_json::from_str(a.configuration_values().unwrap()).unwrap();
    assert_eq!(config, json!({"containerLogs": {"enabled": true}}));
    assert!(a.tags().unwrap().contains_key("awsbaseline.io/managed-by"));
    let association = a.pod_identity_associations()[0].clone();
    let id = association.rsplit('/').next().unwrap();
    let described = eks
        .describe_pod_identity_association()
        .cluster_name("shop")
        .association_id(id)
        .send()
        .await
        .unwrap()
        .association
        .unwrap();
    assert_eq!(
        (described.service_account(), described.role_arn()),
        (Some("cloudwatch-agent"), Some(CW_ROLE))
    );
    let st = status(None, &first);

    // In sync: nothing written.
    stats.reset();
    let steady = pass(&factory, &account, &spec, Some(&st), DriftPolicy::Correct).await;
    no_errors(&steady);
    assert_eq!(drift(&steady), []);
    assert_eq!(stats.writes(), 0, "{:?}", sorted_writes(&stats));
    let st = status(Some(&st), &steady);

    // Out of band: downgraded and reconfigured.
    eks.update_addon()
        .cluster_name("shop")
        .addon_name("amazon-cloudwatch-observability")
        .addon_version("v3.6.0-eksbuild.2")
        .configuration_values("{}")
        .send()
        .await
        .unwrap();
    stats.reset();
    let report = pass(&factory, &account, &spec, Some(&st), DriftPolicy::Report).await;
    assert_eq!(stats.writes(), 0, "Report never writes");
    let fields: Vec<String> = drift(&report).into_iter().map(|d| d.1).collect();
    assert_eq!(
        fields,
        [
            "containerInsights.eks.shop.addonVersion",
            "containerInsights.eks.shop.configurationValues"
        ]
    );
    stats.reset();
    let fixed = pass(&factory, &account, &spec, Some(&st), DriftPolicy::Correct).await;
    no_errors(&fixed);
    assert_eq!(sorted_writes(&stats), ["EKS:UpdateAddon"]);
    let a = addon(eks.clone()).await.unwrap();
    assert_eq!(a.addon_version(), Some("v4.1.0-eksbuild.1"));
    let st = status(Some(&st), &fixed);
    stats.reset();
    let again = pass(&factory, &account, &spec, Some(&st), DriftPolicy::Correct).await;
    no_errors(&again);
    assert_eq!(stats.writes(), 0, "{:?}", sorted_writes(&stats));
    let st = status(Some(&st), &again);

    // Deleting the policy (deletionPolicy: Delete): the add-on it created goes, with its association.
    stats.reset();
    let report = cleanup(
        &factory,
        &input(&account, &spec, Some(&st), DriftPolicy::Correct),
    )
    .await
    .unwrap();
    assert!(report.errors.is_empty(), "{:?}", report.errors);
    assert_eq!(sorted_writes(&stats), ["EKS:DeleteAddon"]);
    let gone = addon(eks.clone()).await.unwrap_err();
    assert!(gone
        .as_service_error()
        .is_some_and(|e| e.is_resource_not_found_exception()));
    assert!(eks
        .describe_pod_identity_association()
        .cluster_name("shop")
        .association_id(id)
        .send()
        .await
        .is_err());
}
