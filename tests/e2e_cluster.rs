//! Opt-in: the controllers on a real cluster. No kube-apiserver is installable on the build machine, so this
//! is `#[ignore]`d (reported as ignored, never as passed). Run it against any conformant cluster with
//!
//!     E2E_KUBECONFIG=~/.kube/config cargo test --test integration e2e_cluster -- --ignored
//!
//! `E2E_REQUIRE=1` makes a missing `E2E_KUBECONFIG` a failure instead of a skip. The controllers run in this
//! process (talking to the cluster and to a local moto), so the cluster needs no network path to moto.

use crate::support;

use aws_baseline_operator::api::{AccountBaseline, AwsAccount};
use aws_baseline_operator::controller::{run_controllers, Context, FINALIZER};
use aws_baseline_operator::metrics::Metrics;
use k8s_openapi::api::events::v1::Event;
use k8s_openapi::apiextensions_apiserver::pkg::apis::apiextensions::v1::CustomResourceDefinition;
use kube::api::{DeleteParams, ListParams, Patch, PatchParams, PostParams};
use kube::config::{KubeConfigOptions, Kubeconfig};
use kube::{Api, Client, Config, CustomResourceExt};
use serde_json::json;
use std::sync::Arc;
use std::time::{Duration, Instant};

async fn client() -> Option<Client> {
    let Some(path) = std::env::var_os("E2E_KUBECONFIG") else {
        assert!(
            std::env::var("E2E_REQUIRE").as_deref() != Ok("1"),
            "E2E_REQUIRE=1 but E2E_KUBECONFIG is not set"
        );
        eprintln!("E2E_KUBECONFIG not set: skipping the cluster suite");
        return None;
    };
    let kubeconfig = Kubeconfig::read_from(path).expect("read E2E_KUBECONFIG");
    let config = Config::from_custom_kubeconfig(kubeconfig, &KubeConfigOptions::default())
        .await
        .expect("kubeconfig");
    Some(Client::try_from(config).expect("client"))
}

/// Poll `f` every 500 ms for at most `limit`.
async fn eventually<F, Fut>(what: &str, limit: Duration, mut f: F)
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    let deadline = Instant::now() + limit;
    while !f().await {
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs a cluster: E2E_KUBECONFIG=... cargo test --test integration e2e_cluster -- --ignored"]
async fn controllers_on_a_real_cluster() {
    let Some(client) = client().await else { return };
    let crds: Api<CustomResourceDefinition> = Api::all(client.clone());
    for crd in [AwsAccount::crd(), AccountBaseline::crd()] {
        let name = crd.metadata.name.clone().unwrap();
        crds.patch(
            &name,
            &PatchParams::apply("awsbaseline-e2e").force(),
            &Patch::Apply(&crd),
        )
        .await
        .expect("apiserver accepts the CRD");
        eventually("CRD established", Duration::from_secs(60), || {
            let crds = crds.clone();
            let name = name.clone();
            async move {
                crds.get(&name)
                    .await
                    .ok()
                    .and_then(|c| c.status)
                    .and_then(|s| s.conditions)
                    .is_some_and(|cs| {
                        cs.iter()
                            .any(|c| c.type_ == "Established" && c.status == "True")
                    })
            }
        })
        .await;
    }

    let suffix = format!("{}", std::process::id());
    let acct_name = format!("e2e-acct-{suffix}");
    let ab_name = format!("e2e-{suffix}");
    let accounts: Api<AwsAccount> = Api::all(client.clone());
    let baselines: Api<AccountBaseline> = Api::all(client.clone());

    // Admission runs the CEL rules.
    let bad: AccountBaseline = serde_json::from_value(json!({"apiVersion": "awsbaseline.io/v1alpha1", "kind": "AccountBaseline",
        "metadata": {"name": format!("{ab_name}-bad")}, "spec": {"accountRef": {"name": acct_name}, "passwordPolicy": {"hardExpiry": true}}}))
    .unwrap();
    let err = baselines
        .create(&PostParams::default(), &bad)
        .await
        .expect_err("CEL rule must reject");
    assert!(
        err.to_string()
            .contains("hardExpiry requires maxPasswordAge"),
        "{err}"
    );

    let moto = support::Moto::start();
    let (aws, _stats) = moto.factory().await;
    let ctx = Arc::new(Context::new(
        client.clone(),
        aws,
        Arc::new(Metrics::default()),
    ));
    let (stop_tx, stop_rx) = tokio::sync::oneshot::channel::<()>();
    let controllers = tokio::spawn(run_controllers(ctx, 2, async move {
        let _ = stop_rx.await;
    }));

    let account: AwsAccount = serde_json::from_value(json!({"apiVersion": "awsbaseline.io/v1alpha1", "kind": "AwsAccount",
        "metadata": {"name": acct_name}, "spec": {"accountId": support::ACCOUNT, "regions": ["us-east-1"]}}))
    .unwrap();
    accounts
        .create(&PostParams::default(), &account)
        .await
        .unwrap();
    let ab: AccountBaseline = serde_json::from_value(json!({"apiVersion": "awsbaseline.io/v1alpha1", "kind": "AccountBaseline",
        "metadata": {"name": ab_name}, "spec": {"accountRef": {"name": acct_name}, "deletionPolicy": "Delete", "driftCheckInterval": "30s",
            "guardDuty": {"findingPublishingFrequency": "ONE_HOUR"}, "passwordPolicy": {"minimumPasswordLength": 14}}}))
    .unwrap();
    baselines.create(&PostParams::default(), &ab).await.unwrap();

    let ready = |name: String| {
        let baselines = baselines.clone();
        move || {
            let (baselines, name) = (baselines.clone(), name.clone());
            async move {
                baselines
                    .get(&name)
                    .await
                    .ok()
                    .and_then(|o| o.status)
                    .is_some_and(|s| {
                        s.common
                            .conditions
                            .iter()
                            .any(|c| c.type_ == "Ready" && c.status == "True")
                            && s.common
                                .components
                                .iter()
                                .all(|c| format!("{:?}", c.state) == "InSync")
                    })
            }
        }
    };
    eventually(
        "AccountBaseline Ready and in sync",
        Duration::from_secs(120),
        ready(ab_name.clone()),
    )
    .await;
    let obj = baselines.get(&ab_name).await.unwrap();
    assert!(obj
        .metadata
        .finalizers
        .unwrap_or_default()
        .contains(&FINALIZER.to_string()));
    let account_status = accounts.get(&acct_name).await.unwrap().status.unwrap();
    assert_eq!(
        account_status.caller_account.as_deref(),
        Some(support::ACCOUNT)
    );

    let events: Api<Event> = Api::namespaced(client.clone(), "default");
    let evs = events.list(&ListParams::default()).await.unwrap();
    assert!(evs
        .items
        .iter()
        .any(
            |e| e.regarding.as_ref().and_then(|r| r.name.as_deref()) == Some(ab_name.as_str())
                && e.reason.as_deref() == Some("Created")
        ));

    // Steady state: no status write for a full drift interval.
    let rv = baselines
        .get(&ab_name)
        .await
        .unwrap()
        .metadata
        .resource_version;
    tokio::time::sleep(Duration::from_secs(40)).await;
    assert_eq!(
        baselines
            .get(&ab_name)
            .await
            .unwrap()
            .metadata
            .resource_version,
        rv,
        "steady state wrote to Kubernetes"
    );

    // Delete: detector (created, tagged) and password policy (created) go away, then the object.
    baselines
        .delete(&ab_name, &DeleteParams::default())
        .await
        .unwrap();
    eventually("AccountBaseline gone", Duration::from_secs(120), || {
        let baselines = baselines.clone();
        let name = ab_name.clone();
        async move {
            baselines
                .get_opt(&name)
                .await
                .map(|o| o.is_none())
                .unwrap_or(false)
        }
    })
    .await;
    let gd = aws_sdk_guardduty::Client::new(&moto.sdk_config("us-east-1").await);
    assert!(gd
        .list_detectors()
        .send()
        .await
        .unwrap()
        .detector_ids()
        .is_empty());
    accounts
        .delete(&acct_name, &DeleteParams::default())
        .await
        .unwrap();
    let _ = stop_tx.send(());
    tokio::time::timeout(Duration::from_secs(30), controllers)
        .await
        .expect("controllers stop")
        .unwrap();
}
