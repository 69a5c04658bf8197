//! A MonitoringPolicy with `accountSelector` under the operator binary: the CRD admits it, the binary runs it in
//! every labelled account its namespace may use (not in another team's), and a new matching AwsAccount re-runs it
//! (the watch mapper), with the rollup and the ledger in status.

use super::*;

const CONVERGE: Duration = Duration::from_secs(240);

fn account(name: &str, id: &str, namespace: &str) -> Value {
    let mut spec = json!({"accountId": id, "regions": ["us-east-1"], "allowedNamespaces": {"names": [namespace]}});
    if id != support::ACCOUNT {
        spec["assumeRole"] = json!({"roleArn": format!("arn:aws:iam::{id}:role/baseline")});
    }
    let mut o = custom("AwsAccount", None, name, spec);
    o["metadata"]["labels"] = json!({"env": "e2e-fleet"});
    o
}

/// Ready with `selected` accounts all in sync, and the ledger naming exactly `names`.
async fn rolled_up(client: &Client, object: &Value, names: &[&str]) -> Result<Value, String> {
    let o = converged(client, object).await?;
    let accounts = &o["status"]["accounts"];
    let ledger: Vec<&str> = o["status"]["ledger"]
        .as_array()
        .map(|l| l.iter().filter_map(|e| e["name"].as_str()).collect())
        .unwrap_or_default();
    (accounts["selected"] == names.len() && accounts["inSync"] == names.len() && ledger == names)
        .then_some(o.clone())
        .ok_or(format!("{}", o["status"]))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_policy_with_an_account_selector_follows_its_accounts() {
    let _alone = OPERATOR_BINARY.lock().await;
    let plane = installed();
    let admin = plane.admin().await;
    let moto = Moto::start();
    namespaces(&admin, &["e2e-fleet"]).await;
    let a = account("e2e-fleet-a", support::ACCOUNT, "e2e-fleet");
    let b = account("e2e-fleet-b", "222233334444", "e2e-fleet");
    let other = account("e2e-fleet-other", "555566667777", "e2e-other-team");
    let policy = custom(
        "MonitoringPolicy",
        Some("e2e-fleet"),
        "fleet-alerts",
        json!({"accountSelector": {"matchLabels": {"env": "e2e-fleet"}},
        "regions": ["us-east-1"], "deletionPolicy": "Delete", "topics": [{"name": "e2e-fleet-alerts"}]}),
    );
    for o in [&a, &b, &other, &policy] {
        apply(&admin, o, false).await.unwrap();
    }
    let operator = Operator::start(plane, &moto, "fleet");
    operator.ready_as("leader").await;
    eventually(
        "the policy in both accounts its namespace may use",
        CONVERGE,
        || rolled_up(&admin, &policy, &["e2e-fleet-a", "e2e-fleet-b"]),
    )
    .await;

    // A new AwsAccount with the label: the watch re-runs the policy, which converges there too.
    let c = account("e2e-fleet-c", "888899990000", "e2e-fleet");
    apply(&admin, &c, false).await.unwrap();
    let o = eventually("the policy in the new account", CONVERGE, || {
        rolled_up(
            &admin,
            &policy,
            &["e2e-fleet-a", "e2e-fleet-b", "e2e-fleet-c"],
        )
    })
    .await;
    // In sync: no per-account components in status; the ledger holds the topic each account got.
    assert!(o["status"]["components"].is_null(), "{}", o["status"]);
    for entry in o["status"]["ledger"].as_array().unwrap() {
        let arn = entry["resources"][0]["topicArns"]["e2e-fleet-alerts"]
            .as_str()
            .unwrap_or_default();
        assert!(
            arn.contains(entry["accountId"].as_str().unwrap()),
            "{entry}"
        );
    }

    // Deletion cleans up in every account of the ledger.
    delete(&admin, &policy).await;
    eventually("the policy gone", CONVERGE, || gone(&admin, &policy)).await;
    for o in [&a, &b, &c, &other] {
        delete(&admin, o).await;
    }
    drop(operator);
}
