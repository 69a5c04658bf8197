//! Which AWS account an AccountBaseline pass acts on, against moto (its STS and account mapping): credentials for
//! another account stop everything, AssumeRole reaches the target account only, a hub-then-target role chain reuses
//! its sessions, and an account selector fans out and rolls up per account.

use super::foundation::spec;
use super::t;
use crate::support;
use crate::support::objects::condition;
use crate::support::objects::prod_baseline;
use aws_baseline_operator::api::account_baseline::AccountBaselineSpec;
use aws_baseline_operator::api::common::{ComponentState, DriftPolicy, Owner, Ownership};
use aws_baseline_operator::engine::baseline::{run, BaselineInput};
use aws_baseline_operator::engine::status::common_status;
use aws_baseline_operator::engine::EngineError;
use serde_json::json;
use support::{account, Moto, ACCOUNT};

#[tokio::test]
async fn credentials_for_another_account_stop_everything() {
    let moto = Moto::start();
    let (factory, stats) = moto.factory().await;
    let s = spec("Correct");
    let mut acct = account(&[]);
    acct.account_id = "111111111111".into();
    let input = BaselineInput {
        spec: &s,
        account: &acct,
        owner: prod_baseline(),
        previous: &[],
        mode: DriftPolicy::Correct,
    };
    let r = run(&factory, &input).await;
    assert!(
        matches!(r.fatal, Some(EngineError::AccountMismatch { ref actual, .. }) if actual == ACCOUNT),
        "{:?}",
        r.fatal
    );
    assert!(r.outcomes.is_empty());
    assert_eq!(stats.writes(), 0);
    assert_eq!(stats.count("GetCallerIdentity"), 1);
    assert_eq!(stats.reads(), 1, "{:?}", stats.snapshot());
    let status = common_status(None, &r, Some(1), &t("2026-01-01T00:00:00Z"));
    let ready = condition(&status.conditions, "Ready");
    assert_eq!(
        (ready.status.as_str(), ready.reason.as_str()),
        ("False", "AccountMismatch")
    );
    assert!(ready.message.contains("111111111111") && ready.message.contains(ACCOUNT));
}

#[tokio::test]
async fn assume_role_reaches_the_target_account_only() {
    let moto = Moto::start();
    let (factory, _stats) = moto.factory().await;
    let target = "222222222222";
    let acct: aws_baseline_operator::api::aws_account::AwsAccountSpec = serde_json::from_value(json!({
        "accountId": target,
        "regions": ["us-east-1"],
        "assumeRole": {"roleArn": format!("arn:aws:iam::{target}:role/baseline"), "externalId": "ext-123", "sessionName": "baseline-test"}
    }))
    .unwrap();
    let s: AccountBaselineSpec =
        serde_json::from_value(json!({"accountRef": {"name": "a"}, "guardDuty": {}})).unwrap();
    let input = BaselineInput {
        spec: &s,
        account: &acct,
        owner: prod_baseline(),
        previous: &[],
        mode: DriftPolicy::Correct,
    };
    let r = run(&factory, &input).await;
    assert!(
        r.fatal.is_none() && r.error_category().is_none(),
        "{:?} {:#?}",
        r.fatal,
        r.outcomes
    );
    assert_eq!(r.account_id.as_deref(), Some(target));
    assert_eq!(r.outcomes[0].state, ComponentState::Created);
    // The pod's own account was not touched.
    let own = aws_sdk_guardduty::Client::new(&moto.sdk_config("us-east-1").await);
    assert!(own
        .list_detectors()
        .send()
        .await
        .unwrap()
        .detector_ids()
        .is_empty());
}

#[tokio::test]
async fn assume_role_chain_hub_then_target_and_sessions_are_reused() {
    let moto = Moto::start();
    let (factory, _stats) = moto.factory().await;
    let target = "333333333333";
    let acct: aws_baseline_operator::api::aws_account::AwsAccountSpec = serde_json::from_value(json!({
        "accountId": target,
        "regions": ["us-east-1"],
        "assumeRole": {
            "roleArn": format!("arn:aws:iam::{target}:role/baseline"),
            "via": [{"roleArn": "arn:aws:iam::444444444444:role/security-hub", "externalId": "hub-ext"}]
        }
    }))
    .unwrap();
    let session = factory.session(&acct, "us-east-1").await.unwrap();
    let (account, arn) = session.caller_identity("us-east-1").await.unwrap();
    assert_eq!(account, target);
    assert!(arn.contains(":assumed-role/baseline/"), "{arn}");

    // The same account in later passes reuses the session (credentials cached, refreshed before expiry) and
    // its per-region clients.
    let again = factory.session(&acct, "us-east-1").await.unwrap();
    assert_eq!(factory.cached_sessions(), 1);
    let _ = again.guardduty("eu-west-1");
    let _ = again.guardduty("eu-west-1");
    let _ = session.guardduty("us-east-1");
    assert_eq!(again.cached_clients(), 3, "sts + guardduty in two regions");

    // With session tags, each owning object gets its own tagged session.
    let mut tagged = acct.clone();
    tagged.assume_role.as_mut().unwrap().session_tags = true;
    let s: AccountBaselineSpec =
        serde_json::from_value(json!({"accountRef": {"name": "a"}, "passwordPolicy": {}})).unwrap();
    for name in ["team-a", "team-b", "team-a"] {
        let input = BaselineInput {
            spec: &s,
            account: &tagged,
            owner: Owner {
                kind: "AccountBaseline".into(),
                name: name.into(),
                uid: format!("{name}-uid"),
            },
            previous: &[],
            mode: DriftPolicy::Report,
        };
        let r = run(&factory, &input).await;
        assert!(r.fatal.is_none(), "{:?}", r.fatal);
    }
    assert_eq!(factory.cached_sessions(), 3);
}

#[tokio::test]
async fn account_selector_fans_out_and_rolls_up_per_account() {
    use aws_baseline_operator::api::AwsAccount;
    use aws_baseline_operator::engine::fleet;
    let moto = Moto::start();
    let (factory, stats) = moto.factory().await;
    let acct = |name: &str, id: &str, env: &str| -> AwsAccount {
        serde_json::from_value(
            json!({"apiVersion": "awsbaseline.io/v1alpha1", "kind": "AwsAccount",
            "metadata": {"name": name, "labels": {"env": env}},
            "spec": {"accountId": id, "regions": ["us-east-1"],
                     "assumeRole": {"roleArn": format!("arn:aws:iam::{id}:role/baseline")}}}),
        )
        .unwrap()
    };
    let accounts = vec![
        acct("prod-a", "111111111111", "prod"),
        acct("prod-b", "222222222222", "prod"),
        acct("dev", "333333333333", "dev"),
    ];
    let mut s: AccountBaselineSpec = serde_json::from_value(json!({
        "accountSelector": {"matchLabels": {"env": "prod"}},
        "passwordPolicy": {"minimumPasswordLength": 14}
    }))
    .unwrap();
    let now = t("2026-11-23T10:00:00Z");
    let pass = |spec: AccountBaselineSpec,
                previous: Option<aws_baseline_operator::api::AccountBaselineStatus>,
                mode| {
        let (factory, accounts, now) = (&factory, &accounts, now.clone());
        async move {
            fleet::apply(
                factory,
                &spec,
                fleet::select(&spec, accounts),
                &prod_baseline(),
                previous.as_ref(),
                mode,
                Some(1),
                &now,
            )
            .await
        }
    };

    // Report: both prod accounts lack the policy; dev is not selected.
    let r = pass(s.clone(), None, DriftPolicy::Report).await;
    assert_eq!(stats.writes(), 0);
    let rollup = r.status.accounts.clone().unwrap();
    assert_eq!(
        (
            rollup.selected,
            rollup.in_sync,
            rollup.drifted,
            rollup.failed
        ),
        (2, 0, 2, 0)
    );
    let names: Vec<&str> = rollup.not_in_sync.iter().map(|a| a.name.as_str()).collect();
    assert_eq!(names, vec!["prod-a", "prod-b"]);
    let ready = &r.status.common.conditions[0];
    assert_eq!(
        (ready.status.as_str(), ready.reason.as_str()),
        ("False", "AccountsNotInSync")
    );
    let drift_accounts: Vec<&str> = r
        .status
        .common
        .drift
        .iter()
        .filter_map(|d| d.account.as_deref())
        .collect();
    assert_eq!(drift_accounts, vec!["111111111111", "222222222222"]);

    // Correct: both converge; each component names its account.
    let r = pass(s.clone(), Some(r.status), DriftPolicy::Correct).await;
    let rollup = r.status.accounts.clone().unwrap();
    assert_eq!(
        (rollup.in_sync, rollup.drifted, rollup.failed),
        (2, 0, 0),
        "{rollup:#?}"
    );
    assert!(rollup.not_in_sync.is_empty());
    // In sync: no component list, but the ledger records what was created in each account.
    assert!(r.status.common.components.is_empty());
    let ledger: Vec<(&str, Ownership)> = r
        .status
        .ledger
        .iter()
        .flat_map(|l| {
            l.owned
                .iter()
                .map(move |o| (l.account_id.as_str(), o.ownership))
        })
        .collect();
    assert_eq!(
        ledger,
        vec![
            ("111111111111", Ownership::Created),
            ("222222222222", Ownership::Created)
        ]
    );

    // The selector widens to every account; dev is new and drifted, the others stay in sync, nothing is written
    // under Report.
    s.account_selector = Some(Default::default());
    stats.reset();
    let r = pass(s, Some(r.status), DriftPolicy::Report).await;
    assert_eq!(stats.writes(), 0);
    let rollup = r.status.accounts.unwrap();
    assert_eq!((rollup.selected, rollup.in_sync, rollup.drifted), (3, 2, 1));
    assert_eq!(rollup.not_in_sync[0].name, "dev");
    assert_eq!(rollup.not_in_sync[0].reason, "DriftReported");
}
