//! One MonitoringPolicy, PatchSchedule or AccountBaseline over many accounts (`accountSelector`), against moto
//! (which serves any account through STS AssumeRole) behind the fault proxy, which counts every request (AssumeRole
//! included, which the SDK's credential provider sends outside the call counter) and refuses AssumeRole of one role.
//!
//! `one_policy_and_one_schedule_over_twelve_accounts` is the test; `measure_fleet` (ignored, run by hand with
//! `FLEET_SIZES=12,200 cargo test --test integration fleet::measure_fleet -- --ignored --nocapture`) prints the AWS
//! calls, AssumeRole count, wall time and status size per pass for the README.

use crate::support::faults::{query_error, FaultProxy};
use crate::support::Moto;
use aws_baseline_operator::api::common::{DriftPolicy, Owner, Ownership};
use aws_baseline_operator::api::fleet::AccountState;
use aws_baseline_operator::api::{AccountBaseline, AwsAccount, MonitoringPolicy, PatchSchedule};
use aws_baseline_operator::aws::{AwsFactory, CallStats};
use aws_baseline_operator::engine::fleet;
use aws_baseline_operator::engine::kind::{run_fleet, FleetRun, ManagedKind};
use aws_baseline_operator::engine::status::{status_changed, KindStatus};
use aws_config::{BehaviorVersion, Region};
use aws_credential_types::provider::SharedCredentialsProvider;
use aws_credential_types::Credentials;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::Time;
use serde_json::json;
use std::collections::BTreeMap;
use std::time::Instant;

const NAMESPACE: &str = "payments";

/// `n` production accounts the namespace may use (IDs 2000000000xx, each reached by AssumeRole of its `baseline`
/// role), one more whose role is refused (`bad`), and one the namespace may not use (`other-team`), which must stay
/// invisible.
fn accounts(n: usize) -> Vec<AwsAccount> {
    let acct = |name: String, id: String, role: &str, namespaces: &str| -> AwsAccount {
        serde_json::from_value(json!({
            "apiVersion": "awsbaseline.io/v1alpha1", "kind": "AwsAccount",
            "metadata": {"name": name, "labels": {"env": "prod"}},
            "spec": {"accountId": id, "regions": ["us-east-1"],
                     "assumeRole": {"roleArn": format!("arn:aws:iam::{id}:role/{role}")},
                     "allowedNamespaces": {"names": [namespaces]}}
        }))
        .unwrap()
    };
    let mut out: Vec<AwsAccount> = (1..=n)
        .map(|i| {
            acct(
                format!("prod-{i:03}"),
                format!("{:012}", 200_000_000_000u64 + i as u64),
                "baseline",
                NAMESPACE,
            )
        })
        .collect();
    out.push(acct("bad".into(), "299999999999".into(), "bad", NAMESPACE));
    out.push(acct(
        "other-team".into(),
        "288888888888".into(),
        "baseline",
        "other",
    ));
    out
}

/// A factory whose requests go through the proxy (which refuses AssumeRole of any `role/bad`).
async fn proxied(moto: &Moto) -> (FaultProxy, AwsFactory, CallStats) {
    let proxy = FaultProxy::start(&moto.endpoint);
    proxy.set_rules(json!([{
        "operation": "AssumeRole", "contains": "role%2Fbad",
        "status": 403, "headers": query_error(403, "AccessDenied", "x")["headers"],
        "body": query_error(403, "AccessDenied",
            "User: arn:aws:sts::123456789012:assumed-role/op/x is not authorized to perform: sts:AssumeRole")["body"],
    }]));
    let config = aws_config::defaults(BehaviorVersion::latest())
        .endpoint_url(&proxy.endpoint)
        .region(Region::new("us-east-1"))
        .credentials_provider(SharedCredentialsProvider::new(Credentials::new(
            "testing", "testing", None, None, "test",
        )))
        .load()
        .await;
    let stats = CallStats::default();
    (proxy, AwsFactory::from_config(config, stats.clone()), stats)
}

fn policy() -> MonitoringPolicy {
    serde_json::from_value(json!({
        "apiVersion": "awsbaseline.io/v1alpha1", "kind": "MonitoringPolicy",
        "metadata": {"name": "fleet-alerts", "namespace": NAMESPACE, "uid": "uid-fleet-alerts", "generation": 1},
        "spec": {
            "accountSelector": {"matchLabels": {"env": "prod"}},
            "topics": [{"name": "oncall"}],
            "alarms": [{"name": "cpu-high", "namespace": "AWS/EC2", "metricName": "CPUUtilization",
                        "statistic": "Average", "period": 300, "evaluationPeriods": 2, "threshold": 90,
                        "comparisonOperator": "GreaterThanThreshold", "alarmTopics": ["oncall"]}]
        }
    }))
    .unwrap()
}

fn schedule() -> PatchSchedule {
    serde_json::from_value(json!({
        "apiVersion": "awsbaseline.io/v1alpha1", "kind": "PatchSchedule",
        "metadata": {"name": "fleet-scan", "namespace": NAMESPACE, "uid": "uid-fleet-scan", "generation": 1},
        "spec": {
            "accountSelector": {"matchLabels": {"env": "prod"}},
            "window": {"schedule": "cron(0 3 ? * * *)", "timezone": "Europe/Berlin", "duration": 2, "cutoff": 0},
            "targets": [{"name": "staging", "tags": [{"key": "env", "values": ["staging"]}]}],
            "patching": {"operation": "Scan", "rebootOption": "NoReboot", "maxConcurrency": "25%", "maxErrors": "10%"}
        }
    }))
    .unwrap()
}

fn owner<K: ManagedKind>(obj: &K) -> Owner {
    aws_baseline_operator::cli::namespaced_owner(
        K::KIND,
        NAMESPACE,
        obj.meta().name.as_deref().unwrap(),
        obj.meta().uid.as_deref(),
    )
}

fn now() -> Time {
    Time("2026-11-23T10:00:00Z".parse().unwrap())
}

/// One controller pass of `obj` over the accounts its selector matches among those its namespace may use.
async fn pass<K: ManagedKind>(
    factory: &AwsFactory,
    obj: &K,
    accounts: &[AwsAccount],
) -> (K::Status, fleet::Merged<K::Resources>) {
    let no_labels = BTreeMap::new();
    let selected = fleet::matching(obj.account_selector(), accounts, |a| {
        a.spec.allows(NAMESPACE, &no_labels)
    });
    let run = FleetRun {
        obj,
        selected: &selected,
        namespace_labels: &no_labels,
        owner: owner(obj),
        mode: DriftPolicy::Correct,
        shared_reads: None,
    };
    run_fleet(factory, &run, &now()).await
}

/// Two passes of `obj` over 12 accounts plus a refused one: every account converges, the refused one is listed
/// (and Stalled), the other team's account is never touched, the second pass writes nothing and assumes no role
/// again (only the refused one is retried), and status does not change.
async fn converges_over_twelve_accounts<K: ManagedKind>(
    mut obj: K,
    created_in_account: impl Fn(&K::Resources, &str) -> bool,
) {
    let moto = Moto::start();
    let (proxy, factory, stats) = proxied(&moto).await;
    let accounts = accounts(12);

    let (status, merged) = pass(&factory, &obj, &accounts).await;
    let rollup = merged.rollup.clone();
    assert_eq!(
        (
            rollup.selected,
            rollup.in_sync,
            rollup.drifted,
            rollup.failed
        ),
        (13, 12, 0, 1),
        "{:#?}",
        status.common().conditions
    );
    assert_eq!(rollup.not_in_sync.len(), 1);
    assert_eq!(
        (
            rollup.not_in_sync[0].name.as_str(),
            rollup.not_in_sync[0].reason.as_str()
        ),
        ("bad", "AssumeRoleDenied")
    );
    let c = |t: &str| {
        status
            .common()
            .conditions
            .iter()
            .find(|c| c.type_ == t)
            .cloned()
            .unwrap()
    };
    assert_eq!(
        (c("Ready").status.as_str(), c("Ready").reason.as_str()),
        ("False", "AccountsNotInSync")
    );
    assert_eq!(
        (c("Synced").status.as_str(), c("Stalled").reason.as_str()),
        ("False", "AssumeRoleDenied")
    );
    // Every good account holds what the object declared, created (and recorded) in that account.
    assert_eq!(merged.ledger.len(), 13);
    for l in merged.ledger.iter().filter(|l| l.account.name != "bad") {
        assert_eq!(l.account.state, AccountState::InSync, "{l:#?}");
        assert!(
            !l.account.owned.is_empty()
                && l.account
                    .owned
                    .iter()
                    .all(|o| o.ownership == Ownership::Created),
            "{l:#?}"
        );
        assert!(
            l.resources
                .iter()
                .any(|r| created_in_account(r, &l.account.account_id)),
            "{l:#?}"
        );
    }
    assert!(merged.ledger.iter().all(|l| l.account.name != "other-team"));
    // No component list for in-sync accounts; one Event, for the refused account.
    assert!(status
        .common()
        .components
        .iter()
        .all(|c| c.account.as_deref() == Some("299999999999")));
    let reasons: Vec<&str> = merged.events.iter().map(|e| e.reason).collect();
    assert_eq!(reasons, vec!["AccountFailed"]);
    assert!(
        merged.events[0].note.contains("role/bad"),
        "{}",
        merged.events[0].note
    );
    let first_assumes = proxy.count("AssumeRole");
    assert_eq!(first_assumes, 13, "{}", proxy.counts());

    // Steady state: nothing written, no role assumed again but the refused one, the same status.
    stats.reset();
    let previous = status.clone();
    set_status(&mut obj, status);
    let (status, merged) = pass(&factory, &obj, &accounts).await;
    assert_eq!(stats.writes(), 0, "{:?}", stats.write_operations());
    assert_eq!(
        proxy.count("AssumeRole") - first_assumes,
        1,
        "{}",
        proxy.counts()
    );
    assert!(
        !status_changed(Some(&previous), &status),
        "{:#?}",
        status.common()
    );
    assert!(merged.events.is_empty());
}

fn set_status<K: ManagedKind>(obj: &mut K, status: K::Status) {
    // `for_account` with the same selector keeps the spec; only the status is replaced.
    let mut v = serde_json::to_value(&*obj).unwrap();
    v["status"] = serde_json::to_value(&status).unwrap();
    *obj = serde_json::from_value(v).unwrap();
}

#[tokio::test]
async fn one_policy_over_twelve_accounts() {
    converges_over_twelve_accounts(policy(), |r, id| {
        r.topic_arns
            .get("oncall")
            .is_some_and(|arn| arn.contains(&format!(":{id}:")))
    })
    .await;
}

#[tokio::test]
async fn one_schedule_over_twelve_accounts() {
    converges_over_twelve_accounts(schedule(), |r, _| {
        r.window_id.is_some() && r.baseline_id.is_none()
    })
    .await;
}

/// What one measured pass cost.
struct Measured {
    reads: u64,
    writes: u64,
    assume_role: u64,
    seconds: f64,
    status_bytes: usize,
}

impl std::fmt::Display for Measured {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{:>6} reads {:>6} writes {:>4} AssumeRole {:>7.1} s  status {:>7} bytes",
            self.reads, self.writes, self.assume_role, self.seconds, self.status_bytes
        )
    }
}

async fn measured<F: std::future::Future<Output = usize>>(
    stats: &CallStats,
    proxy: &FaultProxy,
    pass: F,
) -> Measured {
    stats.reset();
    let assumed = proxy.count("AssumeRole");
    let start = Instant::now();
    let status_bytes = pass.await;
    Measured {
        reads: stats.reads(),
        writes: stats.writes(),
        assume_role: proxy.count("AssumeRole") - assumed,
        seconds: start.elapsed().as_secs_f64(),
        status_bytes,
    }
}

/// The cost of a fleet pass at the sizes in `FLEET_SIZES` (default `12,200`): an AccountBaseline with five sections
/// in two regions, then a MonitoringPolicy, each converging (first pass) and then in steady state (second pass),
/// over N accounts plus a refused one, through the proxy (Python, on loopback: wall times are the harness's as
/// much as the operator's). Run by hand; the README's fleet table is its output.
#[tokio::test]
#[ignore = "measurement, run by hand (minutes at 200 accounts)"]
async fn measure_fleet() {
    let sizes: Vec<usize> = std::env::var("FLEET_SIZES")
        .unwrap_or_else(|_| "12,200".into())
        .split(',')
        .map(|s| s.trim().parse().unwrap())
        .collect();
    for n in sizes {
        let moto = Moto::start();
        let (proxy, factory, stats) = proxied(&moto).await;
        let accounts = accounts(n);
        let mut b: AccountBaseline = serde_json::from_value(json!({
            "apiVersion": "awsbaseline.io/v1alpha1", "kind": "AccountBaseline",
            "metadata": {"name": "fleet", "uid": "uid-fleet", "generation": 1},
            "spec": {
                "accountSelector": {"matchExpressions": [{"key": "env", "operator": "In", "values": ["prod"]}]},
                "regions": ["us-east-1", "eu-west-1"],
                "guardDuty": {"findingPublishingFrequency": "FIFTEEN_MINUTES", "features": {"s3DataEvents": true}},
                "passwordPolicy": {"minimumPasswordLength": 14, "requireSymbols": true, "passwordReusePrevention": 24},
                "s3BlockPublicAccess": {},
                "ebsEncryptionByDefault": {},
                "rootAccount": {"requireMfa": false, "forbidAccessKeys": true}
            }
        }))
        .unwrap();
        let owner = aws_baseline_operator::cli::owner_of(&b);
        for round in ["converge", "steady"] {
            let m = measured(&stats, &proxy, async {
                let r = fleet::apply(
                    &factory,
                    &b.spec,
                    fleet::select(&b.spec, &accounts),
                    &owner,
                    b.status.as_ref(),
                    DriftPolicy::Correct,
                    Some(1),
                    &now(),
                )
                .await;
                let bytes = serde_json::to_vec(&r.status).unwrap().len();
                let rollup = r.status.accounts.clone().unwrap();
                assert_eq!(
                    (rollup.in_sync, rollup.failed),
                    (n as u32 + 1, 1),
                    "{rollup:#?}"
                );
                b.status = Some(r.status);
                bytes
            })
            .await;
            println!("N={n:>3} AccountBaseline  {round:<8} {m}");
        }
        let mut p = policy();
        for round in ["converge", "steady"] {
            let m = measured(&stats, &proxy, async {
                let (status, merged) = pass(&factory, &p, &accounts).await;
                assert_eq!((merged.rollup.in_sync, merged.rollup.failed), (n as u32, 1));
                let bytes = serde_json::to_vec(&status).unwrap().len();
                set_status(&mut p, status);
                bytes
            })
            .await;
            println!("N={n:>3} MonitoringPolicy {round:<8} {m}");
        }
    }
}
