//! The operator binary on the real control plane when AWS fails under it (the fault proxy between the binary
//! and moto): a rotated externalId, a misspelled region and an outage longer than the grace each end in
//! `Ready=False` with a reason and a message a person can act on; a permanently failing object settles into its
//! backoff — a few status writes and a bounded number of AssumeRole calls, not a loop; a `rate()` window that
//! cannot be created does not rewrite status; everything recovers when the cause goes away.

use super::{
    apply, boto3, condition, converged, custom, delete, eventually, get, gone, installed, merge,
    namespaces, not_ready, Operator, OPERATOR_BINARY,
};
use crate::support::faults::{query_error, FaultProxy};
use crate::support::{Moto, ACCOUNT};
use futures::{StreamExt, TryStreamExt};
use kube::api::{DynamicObject, WatchEvent, WatchParams};
use kube::Client;
use serde_json::{json, Value};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

const CONVERGE: Duration = Duration::from_secs(240);
/// How long a wrong externalId is left in place while writes and calls are counted.
const WINDOW: Duration = Duration::from_secs(120);

/// Counts the writes to one object (MODIFIED watch events) from now until dropped.
struct WriteCounter {
    count: Arc<AtomicU64>,
    task: tokio::task::JoinHandle<()>,
}

impl WriteCounter {
    async fn start(client: &Client, object: &Value) -> Self {
        let (api, name) = super::api_for(client, object);
        let current: DynamicObject = api.get(&name).await.unwrap();
        let version = current.metadata.resource_version.unwrap();
        let count = Arc::new(AtomicU64::new(0));
        let seen = count.clone();
        let task = tokio::spawn(async move {
            let params = WatchParams::default()
                .fields(&format!("metadata.name={name}"))
                .timeout(290);
            let mut events = api.watch(&params, &version).await.unwrap().boxed();
            while let Ok(Some(e)) = events.try_next().await {
                if let WatchEvent::Modified(_) = e {
                    seen.fetch_add(1, Ordering::SeqCst);
                }
            }
        });
        WriteCounter { count, task }
    }

    fn writes(&self) -> u64 {
        self.count.load(Ordering::SeqCst)
    }
}

impl Drop for WriteCounter {
    fn drop(&mut self) {
        self.task.abort();
    }
}

fn ready(o: &Value) -> (String, String, String) {
    let c = condition(o, "Ready").cloned().unwrap_or_default();
    (
        c["status"].as_str().unwrap_or_default().to_string(),
        c["reason"].as_str().unwrap_or_default().to_string(),
        c["message"].as_str().unwrap_or_default().to_string(),
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn failures_settle_into_backoff_and_show_in_ready() {
    let _alone = OPERATOR_BINARY.lock().await;
    let plane = installed();
    let admin = plane.admin().await;
    let moto = Moto::start();
    let proxy = FaultProxy::start(&moto.endpoint);
    let denied = query_error(
        403,
        "AccessDenied",
        "User is not authorized to perform: sts:AssumeRole",
    );
    let unavailable = json!({"status": 503, "body": "<html>Service Unavailable</html>"});
    namespaces(&admin, &["rel-a", "rel-b"]).await;
    let role = format!("arn:aws:iam::{ACCOUNT}:role/baseline");
    let assumed = custom(
        "AwsAccount",
        None,
        "rel",
        json!({"accountId": ACCOUNT, "regions": ["us-east-1"],
            "assumeRole": {"roleArn": role, "externalId": "right"},
            "allowedNamespaces": {"names": ["rel-a"]}}),
    );
    let direct = custom(
        "AwsAccount",
        None,
        "rel-direct",
        json!({"accountId": ACCOUNT, "regions": ["us-east-1"], "allowedNamespaces": {"names": ["rel-b"]}}),
    );
    let alerts = custom(
        "MonitoringPolicy",
        Some("rel-a"),
        "alerts",
        json!({"accountRef": {"name": "rel"}, "deletionPolicy": "Delete", "driftCheckInterval": "30s",
            "topics": [{"name": "rel-alerts"}],
            "alarms": [{"name": "cpu-high", "namespace": "AWS/EC2", "metricName": "CPUUtilization",
                "statistic": "Average", "period": 300, "evaluationPeriods": 2, "threshold": 80.0,
                "comparisonOperator": "GreaterThanThreshold", "alarmTopics": ["rel-alerts"]}]}),
    );
    let typo = custom(
        "MonitoringPolicy",
        Some("rel-a"),
        "typo",
        json!({"accountRef": {"name": "rel"}, "regions": ["eu-wset-1"], "topics": [{"name": "rel-typo"}]}),
    );
    let flaky = custom(
        "MonitoringPolicy",
        Some("rel-b"),
        "flaky",
        json!({"accountRef": {"name": "rel-direct"}, "deletionPolicy": "Delete", "driftCheckInterval": "30s",
            "topics": [{"name": "rel-flaky-alerts"}]}),
    );
    let rate = custom(
        "PatchSchedule",
        Some("rel-b"),
        "rate",
        json!({"accountRef": {"name": "rel-direct"}, "driftPolicy": "Report", "driftCheckInterval": "30s",
            "window": {"schedule": "rate(7 days)", "duration": 2, "cutoff": 1},
            "targets": [{"name": "web", "tags": [{"key": "Patch Group", "values": ["web"]}]}],
            "patching": {"operation": "Scan"}}),
    );
    let all = [&assumed, &direct, &alerts, &typo, &flaky, &rate];
    for o in all {
        apply(&admin, o, false).await.unwrap();
    }
    // A wrong externalId is refused by "STS" the way AWS refuses it.
    proxy.set_rules(json!([
        {"operation": "AssumeRole", "contains": "ExternalId=wrong",
         "status": 403, "headers": denied["headers"], "body": denied["body"]},
    ]));
    let op = Operator::start_with(plane, &proxy.endpoint, "reliability");
    op.ready_as("leader").await;

    for o in [&alerts, &flaky] {
        let what = format!("{} Ready", o["metadata"]["name"]);
        eventually(&what, CONVERGE, || converged(&admin, o)).await;
    }
    let o = eventually("a misspelled region refused", CONVERGE, || {
        not_ready(&admin, &typo, "UnknownRegion")
    })
    .await;
    let (_, _, message) = ready(&o);
    assert!(message.contains("did you mean eu-west-1?"), "{message}");
    let o = eventually("the rate window reported", CONVERGE, || async {
        let o = get(&admin, &rate).await?;
        (o["status"]["observedGeneration"] == o["metadata"]["generation"])
            .then_some(o.clone())
            .ok_or(format!("{}", o["status"]))
    })
    .await;
    assert!(
        o["status"].get("nextExecutionTime").is_none(),
        "a window that does not exist has no next run: {}",
        o["status"]
    );

    // Rotate the externalId to a wrong one, and take the flaky policy's topic away while SNS refuses to create it.
    let counters = [
        ("alerts", WriteCounter::start(&admin, &alerts).await),
        ("typo", WriteCounter::start(&admin, &typo).await),
        ("flaky", WriteCounter::start(&admin, &flaky).await),
        ("rate", WriteCounter::start(&admin, &rate).await),
    ];
    proxy.set_rules(json!([
        {"operation": "AssumeRole", "contains": "ExternalId=wrong",
         "status": 403, "headers": denied["headers"], "body": denied["body"]},
        {"operation": "CreateTopic", "contains": "rel-flaky", "status": 503, "body": unavailable["body"]},
    ]));
    let rotated = merge(
        &assumed,
        &json!({"spec": {"assumeRole": {"roleArn": role, "externalId": "wrong"}}}),
    );
    apply(&admin, &rotated, false).await.unwrap();
    boto3(
        &moto,
        &format!(
            "aws('sns').delete_topic(TopicArn='arn:aws:sns:us-east-1:{ACCOUNT}:rel-flaky-alerts')"
        ),
    );
    let o = eventually("Ready=False after the rotation", CONVERGE, || {
        not_ready(&admin, &alerts, "AssumeRoleDenied")
    })
    .await;
    let (_, _, message) = ready(&o);
    assert!(
        message.contains(&format!("AssumeRole of {role} refused (AccessDenied)"))
            && message.contains("externalId"),
        "{message}"
    );
    assert!(message.len() < 400, "{message}");
    assert_eq!(
        condition(&o, "Stalled").map(|c| c["reason"].clone()),
        Some(json!("AssumeRoleDenied")),
        "a refused AssumeRole needs a person: kstatus Stalled"
    );
    eventually("AwsAccount Ready=False", CONVERGE, || {
        not_ready(&admin, &rotated, "AssumeRoleDenied")
    })
    .await;
    tokio::time::sleep(WINDOW).await;
    let refused = proxy.faulted()["AssumeRole"].as_u64().unwrap_or(0);
    let writes: Vec<(&str, u64)> = counters.iter().map(|(n, c)| (*n, c.writes())).collect();
    println!(
        "over {} s with a wrong externalId: status writes {writes:?}, refused AssumeRole calls {refused}",
        WINDOW.as_secs()
    );
    // Backoff 5 s, 10 s, 20 s, 40 s, 80 s: about six passes of the policy in the window, one AssumeRole each,
    // plus the AwsAccount's own check.
    assert!(
        refused <= 10,
        "AssumeRole calls not bounded by the backoff: {refused}"
    );
    for (name, n) in &writes {
        let limit = if *name == "flaky" { 3 } else { 5 };
        assert!(*n <= limit, "{name}: {n} status writes in {WINDOW:?}");
    }
    assert_eq!(
        writes[1].1, 0,
        "the unknown region's status was not rewritten"
    );
    assert!(writes[3].1 <= 1, "rate window status rewritten: {writes:?}");

    // The flaky policy's outage outlasts the grace: Ready turns False instead of hiding behind the old True.
    let o = eventually("a lasting outage shows in Ready", CONVERGE, || {
        not_ready(&admin, &flaky, "Transient")
    })
    .await;
    let (_, _, message) = ready(&o);
    assert!(message.contains("sns:CreateTopic"), "{message}");
    assert!(
        !message.contains("RequestId") && message.len() < 400,
        "{message}"
    );

    // Causes removed: the right externalId back (the AwsAccount change starts the passes), SNS answering again,
    // and the flaky policy asked for a pass at once with the reconcile annotation instead of waiting out its backoff.
    proxy.set_rules(json!([]));
    apply(&admin, &assumed, false).await.unwrap();
    let poke = merge(
        &flaky,
        &json!({"metadata": {"annotations": {"awsbaseline.io/reconcile-requested-at": "now"}}}),
    );
    apply(&admin, &poke, false).await.unwrap();
    for o in [&alerts, &flaky] {
        let what = format!("{} Ready again", o["metadata"]["name"]);
        eventually(&what, CONVERGE, || converged(&admin, o)).await;
    }
    eventually("AwsAccount Ready again", CONVERGE, || async {
        let o = get(&admin, &assumed).await?;
        (ready(&o).0 == "True")
            .then_some(())
            .ok_or(format!("{}", o["status"]))
    })
    .await;
    drop(counters);

    for o in [&alerts, &typo, &flaky, &rate] {
        delete(&admin, o).await;
    }
    for o in [&alerts, &typo, &flaky, &rate] {
        let what = format!("{} deleted", o["metadata"]["name"]);
        eventually(&what, CONVERGE, || gone(&admin, o)).await;
    }
    let left = boto3(
        &moto,
        "print(len(aws('sns').list_topics()['Topics']), len(aws('cloudwatch').describe_alarms()['MetricAlarms']))",
    );
    assert_eq!(left, "0 0", "Delete policies removed what they created");

    // A Delete-policy object whose AwsAccount is gone cannot be cleaned up: the deletion waits, Ready says why and
    // how to release it, and the abandon annotation releases it without touching finalizers.
    let orphan = custom(
        "MonitoringPolicy",
        Some("rel-b"),
        "orphan",
        json!({"accountRef": {"name": "rel-gone"}, "deletionPolicy": "Delete", "topics": [{"name": "rel-orphan"}]}),
    );
    apply(&admin, &orphan, false).await.unwrap();
    eventually("orphan refused", CONVERGE, || {
        not_ready(&admin, &orphan, "AccountNotFound")
    })
    .await;
    delete(&admin, &orphan).await;
    let o = eventually("deletion blocked", CONVERGE, || {
        not_ready(&admin, &orphan, "DeletionBlocked")
    })
    .await;
    let (_, _, message) = ready(&o);
    assert!(
        message.contains("rel-gone")
            && message.contains("awsbaseline.io/abandon-aws-resources=true"),
        "{message}"
    );
    let abandon = merge(
        &orphan,
        &json!({"metadata": {"annotations": {"awsbaseline.io/abandon-aws-resources": "true"}}}),
    );
    apply(&admin, &abandon, false).await.unwrap();
    eventually("abandoned object released", CONVERGE, || {
        gone(&admin, &orphan)
    })
    .await;
    let seen = super::events(&admin, "rel-b", "orphan").await;
    assert!(seen.iter().any(|e| e.starts_with("Abandoned")), "{seen:?}");

    for o in [&assumed, &direct] {
        delete(&admin, o).await;
        eventually("AwsAccount deleted", CONVERGE, || gone(&admin, o)).await;
    }
    drop(op);
}

/// The operator killed (SIGKILL) right after CreateMaintenanceWindow reached AWS and before the status write: the
/// window exists and no status records it. Deleting the object with a new operator still deletes the window — it
/// is found by its name and proven by its tags.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_crash_between_create_and_status_leaves_nothing_behind() {
    let _alone = OPERATOR_BINARY.lock().await;
    let plane = installed();
    let admin = plane.admin().await;
    let moto = Moto::start();
    let proxy = FaultProxy::start(&moto.endpoint);
    namespaces(&admin, &["crash"]).await;
    let account = custom(
        "AwsAccount",
        None,
        "crash",
        json!({"accountId": ACCOUNT, "regions": ["eu-west-1"], "allowedNamespaces": {"names": ["crash"]}}),
    );
    let weekly = custom(
        "PatchSchedule",
        Some("crash"),
        "weekly",
        json!({"accountRef": {"name": "crash"}, "deletionPolicy": "Delete",
            "window": {"schedule": "cron(0 2 ? * SUN *)", "duration": 2, "cutoff": 1},
            "targets": [{"name": "web", "tags": [{"key": "Patch Group", "values": ["web"]}]}],
            "patching": {"operation": "Scan"}}),
    );
    // AWS creates the window; the operator never hears back.
    proxy.set_rules(
        json!([{"operation": "CreateMaintenanceWindow", "forward": true, "stall": 120}]),
    );
    apply(&admin, &account, false).await.unwrap();
    apply(&admin, &weekly, false).await.unwrap();
    let windows = || {
        boto3(
            &moto,
            "print(len(aws('ssm', 'eu-west-1').describe_maintenance_windows()['WindowIdentities']))",
        )
    };
    let mut first = Operator::start_with(plane, &proxy.endpoint, "crash-1");
    first.ready_as("leader").await;
    eventually("the window exists in AWS", CONVERGE, || async {
        let n = windows();
        (n == "1").then_some(()).ok_or(n)
    })
    .await;
    first.child.kill().unwrap();
    first.child.wait().unwrap();
    let o = get(&admin, &weekly).await.unwrap();
    assert!(
        o["status"]["resources"].is_null() || o["status"]["resources"][0]["windowId"].is_null(),
        "the crash came before the status write: {}",
        o["status"]
    );

    delete(&admin, &weekly).await;
    proxy.set_rules(json!([]));
    let second = Operator::start_with(plane, &proxy.endpoint, "crash-2");
    second.ready_as("leader").await;
    eventually("deleted after the crash", CONVERGE, || {
        gone(&admin, &weekly)
    })
    .await;
    assert_eq!(
        windows(),
        "0",
        "the window found by name and tags was deleted"
    );
    delete(&admin, &account).await;
    eventually("AwsAccount deleted", CONVERGE, || gone(&admin, &account)).await;
    drop(second);
}

/// `accountRef` moved to another account: what the object created in the first account is deleted (proven by
/// tags) before it converges in the second, instead of being left patching instances nobody manages.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn moving_to_another_account_cleans_up_the_first() {
    let _alone = OPERATOR_BINARY.lock().await;
    let plane = installed();
    let admin = plane.admin().await;
    let moto = Moto::start();
    namespaces(&admin, &["moving"]).await;
    let other = "111111111111";
    let first = custom(
        "AwsAccount",
        None,
        "moving-first",
        json!({"accountId": ACCOUNT, "regions": ["eu-west-1"], "allowedNamespaces": {"names": ["moving"]}}),
    );
    let second = custom(
        "AwsAccount",
        None,
        "moving-second",
        json!({"accountId": other, "regions": ["eu-west-1"], "allowedNamespaces": {"names": ["moving"]},
            "assumeRole": {"roleArn": format!("arn:aws:iam::{other}:role/baseline")}}),
    );
    let weekly = custom(
        "PatchSchedule",
        Some("moving"),
        "weekly",
        json!({"accountRef": {"name": "moving-first"}, "deletionPolicy": "Delete", "driftCheckInterval": "30s",
            "window": {"schedule": "cron(0 2 ? * SUN *)", "duration": 2, "cutoff": 1},
            "targets": [{"name": "web", "tags": [{"key": "Patch Group", "values": ["web"]}]}],
            "patching": {"operation": "Scan"}}),
    );
    for o in [&first, &second, &weekly] {
        apply(&admin, o, false).await.unwrap();
    }
    // Windows per account: moto's default account, and the other one through an assumed role.
    let windows = |account: &str| {
        let credentials = if account == ACCOUNT {
            String::new()
        } else {
            format!(
                "c = boto3.client('sts', region_name='eu-west-1', endpoint_url='{}', aws_access_key_id='testing', \
                 aws_secret_access_key='testing').assume_role(RoleArn='arn:aws:iam::{account}:role/baseline', \
                 RoleSessionName='tests')['Credentials']\n",
                moto.endpoint
            )
        };
        let client = if account == ACCOUNT {
            "aws('ssm', 'eu-west-1')".to_string()
        } else {
            format!(
                "boto3.client('ssm', region_name='eu-west-1', endpoint_url='{}', aws_access_key_id=c['AccessKeyId'], \
                 aws_secret_access_key=c['SecretAccessKey'], aws_session_token=c['SessionToken'])",
                moto.endpoint
            )
        };
        boto3(
            &moto,
            &format!("{credentials}print(len({client}.describe_maintenance_windows()['WindowIdentities']))"),
        )
    };
    let op = Operator::start(plane, &moto, "moving");
    op.ready_as("leader").await;
    eventually("converged in the first account", CONVERGE, || {
        converged(&admin, &weekly)
    })
    .await;
    assert_eq!((windows(ACCOUNT), windows(other)), ("1".into(), "0".into()));

    let moved = merge(
        &weekly,
        &json!({"spec": {"accountRef": {"name": "moving-second"}}}),
    );
    apply(&admin, &moved, false).await.unwrap();
    eventually("converged in the second account", CONVERGE, || async {
        let o = converged(&admin, &moved).await?;
        (o["status"]["accountId"] == other)
            .then_some(())
            .ok_or(format!("{}", o["status"]))
    })
    .await;
    assert_eq!(
        (windows(ACCOUNT), windows(other)),
        ("0".into(), "1".into()),
        "the first account's window was deleted"
    );
    let seen = super::events(&admin, "moving", "weekly").await;
    assert!(
        seen.iter().any(|e| e.starts_with("PreviousAccountCleaned")),
        "{seen:?}"
    );

    delete(&admin, &moved).await;
    eventually("deleted", CONVERGE, || gone(&admin, &moved)).await;
    assert_eq!(windows(other), "0");
    for o in [&first, &second] {
        delete(&admin, o).await;
        eventually("AwsAccount deleted", CONVERGE, || gone(&admin, o)).await;
    }
    drop(op);
}
