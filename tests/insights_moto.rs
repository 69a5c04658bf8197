//! MonitoringPolicy Container Insights on ECS against moto's server with the real aws-sdk-rust clients: the
//! `containerInsights` setting of existing clusters converges with one DescribeClusters per region, a steady pass
//! writes nothing, out-of-band changes are reported (Report, no write) and corrected (Correct, one UpdateCluster),
//! a missing cluster is a NotFound error (never created), and deleting the policy leaves the setting alone.
//! (Saved queries and the EKS add-on are not in moto 5.2.5: see tests/aws_mocks.rs and src/engine/insights.rs.)

use crate::monitoring_moto::status;
use crate::support;

use aws_baseline_operator::api::aws_account::{AllowedNamespaces, AwsAccountSpec};
use aws_baseline_operator::api::common::{
    ComponentState, DeletionPolicy, DriftAction, DriftPolicy, Owner,
};
use aws_baseline_operator::api::{MonitoringPolicySpec, MonitoringPolicyStatus};
use aws_baseline_operator::aws::{AwsFactory, CallStats};
use aws_baseline_operator::engine::monitoring::{cleanup, run, MonitoringInput, MonitoringReport};
use aws_sdk_ecs::types::{ClusterField, ClusterSetting, ClusterSettingName};
use serde_json::json;
use std::collections::BTreeMap;
use std::time::Duration;
use support::Moto;

static NO_LABELS: BTreeMap<String, String> = BTreeMap::new();
const REGIONS: [&str; 2] = ["us-east-1", "eu-west-1"];

fn account() -> AwsAccountSpec {
    let mut a = support::account(&REGIONS);
    a.allowed_namespaces = Some(AllowedNamespaces {
        names: vec!["platform".into()],
        selector: None,
    });
    a
}

fn owner() -> Owner {
    Owner {
        kind: "MonitoringPolicy".into(),
        name: "platform/containers".into(),
        uid: "uid-containers".into(),
    }
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
        owner: owner(),
        namespace: "platform",
        name: "containers",
        namespace_labels: &NO_LABELS,
        previous,
        mode,
        alarm_write_interval: Duration::ZERO,
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

fn no_errors(r: &MonitoringReport) {
    assert!(
        r.pass.error_category().is_none(),
        "{:#?}",
        r.pass
            .outcomes
            .iter()
            .filter(|o| o.error.is_some())
            .collect::<Vec<_>>()
    );
}

fn writes(stats: &CallStats) -> Vec<String> {
    let mut v = stats.write_operations();
    v.sort();
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
    assert_eq!(writes(&stats), ["ECS:UpdateCluster"]);
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
    assert_eq!(writes(&stats), ["ECS:UpdateCluster"]);
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
        !writes(&stats).iter().any(|w| w.starts_with("ECS:")),
        "{:?}",
        writes(&stats)
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
