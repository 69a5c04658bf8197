//! Kubernetes wiring against a fake API server (kube-rs tower-test mock) and moto: finalizer added, status
//! patch body, events published, and no Kubernetes write when nothing changed.

use crate::support;

use aws_baseline_operator::api::{AccountBaseline, PatchSchedule};
use aws_baseline_operator::aws::CallStats;
use aws_baseline_operator::controller::{
    reconcile_baseline, reconcile_monitoring, reconcile_patch, Context, FINALIZER,
};
use aws_baseline_operator::metrics::Metrics;
use aws_baseline_operator::rbac;
use http::{Method, Request, Response, StatusCode};
use kube::client::Body;
use kube::core::DeserializeGuard;
use kube::Client;
use serde_json::{json, Value};
use std::sync::{Arc, Mutex};
use support::Moto;

#[derive(Clone, Debug)]
struct Call {
    method: Method,
    path: String,
    query: Option<String>,
    body: Value,
}

/// Every request the code sent is allowed by the RBAC table the chart renders (src/rbac.rs).
fn assert_rbac_allows(calls: &[Call]) {
    for c in calls {
        let attrs = rbac::request_attributes(c.method.as_str(), &c.path, c.query.as_deref())
            .unwrap_or_else(|| panic!("not a resource request: {} {}", c.method, c.path));
        assert!(
            rbac::allows(&attrs, "aws-baseline-system"),
            "{} {} needs {attrs:?}, which src/rbac.rs does not grant",
            c.method,
            c.path
        );
    }
}

/// A fake API server answering just enough for one reconcile and recording every request.
fn fake_apiserver(account: Value, object: Value) -> (Client, Arc<Mutex<Vec<Call>>>) {
    let (service, mut handle) = tower_test::mock::pair::<Request<Body>, Response<Body>>();
    let calls: Arc<Mutex<Vec<Call>>> = Arc::default();
    let recorded = calls.clone();
    tokio::spawn(async move {
        while let Some((req, send)) = handle.next_request().await {
            let (parts, body) = req.into_parts();
            let bytes = body.collect_bytes().await.unwrap();
            let body: Value = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
            let path = parts.uri.path().to_string();
            recorded.lock().unwrap().push(Call {
                method: parts.method.clone(),
                path: path.clone(),
                query: parts.uri.query().map(str::to_string),
                body: body.clone(),
            });
            let (status, reply) = if path.contains("/awsaccounts/") {
                (StatusCode::OK, account.clone())
            } else if path.contains("/events") {
                (StatusCode::CREATED, body)
            } else if path.ends_with("/status") {
                let mut o = object.clone();
                o["status"] = body["status"].clone();
                (StatusCode::OK, o)
            } else {
                (StatusCode::OK, object.clone())
            };
            send.send_response(
                Response::builder()
                    .status(status)
                    .body(Body::from(serde_json::to_vec(&reply).unwrap()))
                    .unwrap(),
            );
        }
    });
    (Client::new(service, "default"), calls)
}

fn account_json() -> Value {
    json!({"apiVersion": "awsbaseline.io/v1alpha1", "kind": "AwsAccount", "metadata": {"name": "sandbox", "uid": "acct-uid"},
        "spec": {"accountId": support::ACCOUNT, "regions": ["us-east-1"], "allowedNamespaces": {"names": ["payments"]}}})
}

fn baseline_json(finalizers: &[&str], status: Option<Value>) -> Value {
    let mut v = json!({"apiVersion": "awsbaseline.io/v1alpha1", "kind": "AccountBaseline",
        "metadata": {"name": "prod", "uid": "prod-uid", "generation": 2, "resourceVersion": "7", "finalizers": finalizers},
        "spec": {"accountRef": {"name": "sandbox"}, "guardDuty": {"findingPublishingFrequency": "ONE_HOUR"}, "passwordPolicy": {"minimumPasswordLength": 14}}});
    if let Some(s) = status {
        v["status"] = s;
    }
    v
}

/// One reconcile of `object` (deserialised as `K`) by `reconcile`, against the fake API server and moto: the
/// result, every Kubernetes request the code sent (each checked against the chart's RBAC), and the AWS calls.
async fn reconcile_with<K, E, Fut>(
    moto: &Moto,
    object: Value,
    reconcile: impl FnOnce(Arc<DeserializeGuard<K>>, Arc<Context>) -> Fut,
) -> (
    Result<kube::runtime::controller::Action, String>,
    Vec<Call>,
    CallStats,
)
where
    DeserializeGuard<K>: serde::de::DeserializeOwned,
    E: std::fmt::Display,
    Fut: std::future::Future<Output = Result<kube::runtime::controller::Action, E>>,
{
    let (client, calls) = fake_apiserver(account_json(), object.clone());
    let (aws, stats) = moto.factory().await;
    let ctx = Arc::new(Context::new(client, aws, Arc::new(Metrics::default())));
    let obj: DeserializeGuard<K> = serde_json::from_value(object).unwrap();
    let result = reconcile(Arc::new(obj), ctx)
        .await
        .map_err(|e| e.to_string());
    let calls = calls.lock().unwrap().clone();
    assert_rbac_allows(&calls);
    (result, calls, stats)
}

async fn reconcile(
    moto: &Moto,
    object: Value,
) -> (
    Result<kube::runtime::controller::Action, String>,
    Vec<Call>,
    CallStats,
) {
    reconcile_with(moto, object, reconcile_baseline).await
}

fn status_patches(calls: &[Call]) -> Vec<&Call> {
    calls
        .iter()
        .filter(|c| c.method == Method::PATCH && c.path.ends_with("/status"))
        .collect()
}

fn events(calls: &[Call]) -> Vec<&Call> {
    calls
        .iter()
        .filter(|c| c.method == Method::POST && c.path.contains("/events"))
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn finalizer_status_events_and_quiet_steady_state() {
    let moto = Moto::start();

    // 1. A new object first gets the finalizer, nothing else.
    let (result, calls, _) = reconcile(&moto, baseline_json(&[], None)).await;
    assert!(result.is_ok(), "{result:?}");
    assert_eq!(calls.len(), 1, "{calls:#?}");
    assert_eq!(calls[0].method, Method::PATCH);
    assert_eq!(
        calls[0].path,
        "/apis/awsbaseline.io/v1alpha1/accountbaselines/prod"
    );
    assert!(
        calls[0].body.to_string().contains(FINALIZER),
        "{}",
        calls[0].body
    );

    // 2. With the finalizer: account read, AWS converged, status applied, events published.
    let (result, calls, _) = reconcile(&moto, baseline_json(&[FINALIZER], None)).await;
    assert!(result.is_ok(), "{result:?}");
    assert!(calls.iter().any(|c| c.method == Method::GET
        && c.path == "/apis/awsbaseline.io/v1alpha1/awsaccounts/sandbox"));
    let patches = status_patches(&calls);
    assert_eq!(patches.len(), 1, "{calls:#?}");
    let status = &patches[0].body["status"];
    assert_eq!(patches[0].body["kind"], "AccountBaseline");
    assert_eq!(status["observedGeneration"], 2);
    assert_eq!(status["accountId"], support::ACCOUNT);
    let cond = |s: &Value, t: &str| {
        s["conditions"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["type"] == t)
            .cloned()
            .unwrap()
    };
    assert_eq!(cond(status, "Ready")["status"], "True");
    assert_eq!(cond(status, "Synced")["reason"], "Reconciled");
    let states: Vec<(&str, &str)> = status["components"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (
                c["component"].as_str().unwrap(),
                c["state"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        states,
        vec![("passwordPolicy", "Created"), ("guardDuty", "Created")]
    );
    let evs = events(&calls);
    assert!(
        evs.iter()
            .all(|e| e.path == "/apis/events.k8s.io/v1/namespaces/default/events"),
        "{evs:#?}"
    );
    let reasons: Vec<&str> = evs
        .iter()
        .map(|e| e.body["reason"].as_str().unwrap())
        .collect();
    assert_eq!(reasons, vec!["Created"], "{evs:#?}");
    let note = evs[0].body["note"].as_str().unwrap();
    assert!(
        note.contains("passwordPolicy in us-east-1") && note.contains("guardDuty in us-east-1"),
        "{note}"
    );
    assert_eq!(evs[0].body["regarding"]["name"], "prod");

    // 3. Next pass: states move from Created to InSync (one status write, no new events).
    let (result, calls, _) =
        reconcile(&moto, baseline_json(&[FINALIZER], Some(status.clone()))).await;
    assert!(result.is_ok(), "{result:?}");
    let patches = status_patches(&calls);
    assert_eq!(patches.len(), 1);
    assert!(events(&calls).is_empty(), "{calls:#?}");
    let steady = patches[0].body["status"].clone();

    // 4. Steady state: the only Kubernetes call is the account read. No status write, no event.
    let (result, calls, _) = reconcile(&moto, baseline_json(&[FINALIZER], Some(steady))).await;
    assert!(result.is_ok(), "{result:?}");
    assert_eq!(
        calls.len(),
        1,
        "steady state wrote to Kubernetes: {calls:#?}"
    );
    assert_eq!(calls[0].method, Method::GET);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn deletion_with_retain_only_removes_the_finalizer() {
    let moto = Moto::start();
    let mut obj = baseline_json(&[FINALIZER], None);
    obj["metadata"]["deletionTimestamp"] = json!("2026-01-01T00:00:00Z");
    let (result, calls, stats) = reconcile(&moto, obj).await;
    assert!(result.is_ok(), "{result:?}");
    let finalizer_patch = calls
        .iter()
        .find(|c| c.method == Method::PATCH && !c.path.ends_with("/status"))
        .expect("finalizer removal");
    let removes_finalizer = finalizer_patch.body.as_array().is_some_and(|ops| {
        ops.iter().any(|op| {
            op["op"] == "remove"
                && op["path"]
                    .as_str()
                    .is_some_and(|p| p.starts_with("/metadata/finalizers"))
        })
    });
    assert!(
        removes_finalizer,
        "a JSON patch removing the finalizer: {}",
        finalizer_patch.body
    );
    // Retain: the pass that removed the finalizer made no AWS write (the counter of the factory it used).
    assert_eq!(stats.writes(), 0, "{stats:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_missing_account_is_a_condition_not_a_crash() {
    let moto = Moto::start();
    let (service, mut handle) = tower_test::mock::pair::<Request<Body>, Response<Body>>();
    let calls: Arc<Mutex<Vec<Call>>> = Arc::default();
    let rec = calls.clone();
    tokio::spawn(async move {
        while let Some((req, send)) = handle.next_request().await {
            let (parts, body) = req.into_parts();
            let body: Value =
                serde_json::from_slice(&body.collect_bytes().await.unwrap()).unwrap_or(Value::Null);
            rec.lock().unwrap().push(Call {
                method: parts.method.clone(),
                path: parts.uri.path().to_string(),
                query: parts.uri.query().map(str::to_string),
                body: body.clone(),
            });
            let (status, reply) = if parts.uri.path().contains("/awsaccounts/") {
                (
                    StatusCode::NOT_FOUND,
                    json!({"kind": "Status", "apiVersion": "v1", "status": "Failure", "reason": "NotFound", "code": 404, "message": "not found"}),
                )
            } else {
                (
                    StatusCode::OK,
                    baseline_json(&[FINALIZER], Some(body["status"].clone())),
                )
            };
            send.send_response(
                Response::builder()
                    .status(status)
                    .body(Body::from(serde_json::to_vec(&reply).unwrap()))
                    .unwrap(),
            );
        }
    });
    let (aws, stats) = moto.factory().await;
    let ctx = Arc::new(Context::new(
        Client::new(service, "default"),
        aws,
        Arc::new(Metrics::default()),
    ));
    let obj: DeserializeGuard<AccountBaseline> =
        serde_json::from_value(baseline_json(&[FINALIZER], None)).unwrap();
    let result = reconcile_baseline(Arc::new(obj), ctx).await;
    let err = result.expect_err("missing account must fail the pass");
    assert_eq!(err.category(), "AccountNotFound", "{err}");
    let calls = calls.lock().unwrap().clone();
    assert_rbac_allows(&calls);
    let patch = calls
        .iter()
        .find(|c| c.path.ends_with("/status"))
        .expect("status written");
    let ready = patch.body["status"]["conditions"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["type"] == "Ready")
        .unwrap()
        .clone();
    assert_eq!(
        (ready["status"].as_str(), ready["reason"].as_str()),
        (Some("False"), Some("AccountNotFound"))
    );
    assert_eq!(
        stats.reads() + stats.writes(),
        0,
        "no AWS call without an account"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn aws_account_status_shows_the_resolved_identity_and_a_mismatch() {
    use aws_baseline_operator::api::AwsAccount;
    use aws_baseline_operator::controller::reconcile_account;
    let moto = Moto::start();
    let object = json!({"apiVersion": "awsbaseline.io/v1alpha1", "kind": "AwsAccount", "metadata": {"name": "other", "uid": "u", "generation": 1},
        "spec": {"accountId": "111111111111", "regions": ["us-east-1"]}});
    let (client, calls) = fake_apiserver(account_json(), object.clone());
    let (aws, stats) = moto.factory().await;
    let ctx = Arc::new(Context::new(client, aws, Arc::new(Metrics::default())));
    let obj: DeserializeGuard<AwsAccount> = serde_json::from_value(object).unwrap();
    reconcile_account(Arc::new(obj), ctx).await.unwrap();
    let calls = calls.lock().unwrap().clone();
    assert_rbac_allows(&calls);
    let patches = status_patches(&calls);
    assert_eq!(patches.len(), 1, "{calls:#?}");
    let status = &patches[0].body["status"];
    assert_eq!(status["callerAccount"], support::ACCOUNT);
    let ready = &status["conditions"][0];
    assert_eq!(
        (
            ready["type"].as_str(),
            ready["status"].as_str(),
            ready["reason"].as_str()
        ),
        (Some("Ready"), Some("False"), Some("AccountMismatch"))
    );
    assert_eq!(stats.writes(), 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_malformed_object_is_reported_and_left_alone() {
    use aws_baseline_operator::controller::error_policy;
    use kube::runtime::controller::Action;
    let moto = Moto::start();
    // driftPolicy is not one of the enum values: the object cannot be parsed, but the watch must go on.
    let mut object = baseline_json(&[FINALIZER], None);
    object["spec"]["driftPolicy"] = json!("Sometimes");
    let (client, calls) = fake_apiserver(account_json(), object.clone());
    let (aws, stats) = moto.factory().await;
    let metrics = Arc::new(Metrics::default());
    let ctx = Arc::new(Context::new(client, aws, metrics.clone()));
    let guard: DeserializeGuard<AccountBaseline> =
        serde_json::from_value(object).expect("the guard itself always parses");
    assert!(guard.0.is_err());
    let guard = Arc::new(guard);
    let err = reconcile_baseline(guard.clone(), ctx.clone())
        .await
        .unwrap_err();
    assert_eq!(err.category(), "InvalidObject");
    assert_eq!(error_policy(guard, &err, ctx), Action::await_change());
    assert!(
        calls.lock().unwrap().is_empty(),
        "nothing is written for a malformed object"
    );
    assert_eq!(stats.reads() + stats.writes(), 0);
    assert!(metrics.encode().contains("category=\"InvalidObject\""));
}

fn schedule_json(finalizers: &[&str], status: Option<Value>) -> Value {
    let mut v = json!({"apiVersion": "awsbaseline.io/v1alpha1", "kind": "PatchSchedule",
        "metadata": {"name": "weekly", "namespace": "payments", "uid": "weekly-uid", "generation": 1, "resourceVersion": "3", "finalizers": finalizers},
        "spec": {"accountRef": {"name": "sandbox"},
                 "window": {"schedule": "cron(0 2 ? * SUN *)", "timezone": "Europe/Berlin", "duration": 4, "cutoff": 1},
                 "targets": [{"name": "prod", "tags": [{"key": "Patch Group", "values": ["prod"]}]}],
                 "patching": {"operation": "Install"}}});
    if let Some(s) = status {
        v["status"] = s;
    }
    v
}

async fn reconcile_schedule(
    moto: &Moto,
    object: Value,
) -> (Result<kube::runtime::controller::Action, String>, Vec<Call>) {
    let (result, calls, _) = reconcile_with(moto, object, reconcile_patch).await;
    (result, calls)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn patch_schedule_namespaced_finalizer_status_steady_state_and_deletion() {
    let moto = Moto::start();
    let path = "/apis/awsbaseline.io/v1alpha1/namespaces/payments/patchschedules/weekly";

    // Finalizer first, on the namespaced path.
    let (result, calls) = reconcile_schedule(&moto, schedule_json(&[], None)).await;
    assert!(result.is_ok(), "{result:?}");
    assert_eq!(calls.len(), 1, "{calls:#?}");
    assert_eq!(
        (calls[0].method.clone(), calls[0].path.as_str()),
        (Method::PATCH, path)
    );

    // Converge: one status apply with IDs and the next execution, a Created event in the namespace.
    let (result, calls) = reconcile_schedule(&moto, schedule_json(&[FINALIZER], None)).await;
    assert!(result.is_ok(), "{result:?}");
    let patches = status_patches(&calls);
    assert_eq!(patches.len(), 1, "{calls:#?}");
    assert_eq!(patches[0].path, format!("{path}/status"));
    assert_eq!(patches[0].body["kind"], "PatchSchedule");
    let status = patches[0].body["status"].clone();
    assert!(status["resources"][0]["windowId"]
        .as_str()
        .unwrap()
        .starts_with("mw-"));
    let next: jiff::Timestamp = status["nextExecutionTime"]
        .as_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!(next > jiff::Timestamp::now());
    assert_eq!(status["compliance"][0]["targetedInstances"], 0);
    let evs = events(&calls);
    assert_eq!(evs.len(), 1, "{evs:#?}");
    assert_eq!(
        evs[0].path,
        "/apis/events.k8s.io/v1/namespaces/payments/events"
    );
    assert_eq!(evs[0].body["reason"], "Created");

    // Created -> InSync, then a steady pass that only reads the account.
    let (_, calls) = reconcile_schedule(&moto, schedule_json(&[FINALIZER], Some(status))).await;
    let steady = status_patches(&calls)[0].body["status"].clone();
    let (result, calls) =
        reconcile_schedule(&moto, schedule_json(&[FINALIZER], Some(steady.clone()))).await;
    assert!(result.is_ok(), "{result:?}");
    assert_eq!(
        calls.len(),
        1,
        "steady state wrote to Kubernetes: {calls:#?}"
    );

    // Deletion (default Delete): the window the operator created goes, then the finalizer.
    let mut obj = schedule_json(&[FINALIZER], Some(steady));
    obj["metadata"]["deletionTimestamp"] = json!("2026-01-01T00:00:00Z");
    let (result, calls) = reconcile_schedule(&moto, obj).await;
    assert!(result.is_ok(), "{result:?}");
    assert!(calls
        .iter()
        .any(|c| c.method == Method::PATCH && c.path == path));
    let ssm = aws_sdk_ssm::Client::new(&moto.sdk_config("us-east-1").await);
    let windows = ssm.describe_maintenance_windows().send().await.unwrap();
    assert!(windows.window_identities().is_empty());
    let evs = events(&calls);
    assert_eq!(evs.len(), 1, "{evs:#?}");
    assert_eq!(evs[0].body["reason"], "Deleted");
    assert!(
        evs[0].body["note"]
            .as_str()
            .unwrap()
            .contains("deleted maintenance window mw-"),
        "{}",
        evs[0].body["note"]
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn patch_schedules_outside_the_watched_namespaces_are_left_alone() {
    let moto = Moto::start();
    let (client, calls) = fake_apiserver(account_json(), schedule_json(&[], None));
    let (aws, stats) = moto.factory().await;
    let ctx = Arc::new(
        Context::new(client, aws, Arc::new(Metrics::default())).with_defaults(
            std::time::Duration::from_secs(600),
            vec!["team-a".into(), " team-b ".into()],
        ),
    );
    assert!(ctx.watches("team-b") && !ctx.watches("payments"));
    let obj: DeserializeGuard<PatchSchedule> =
        serde_json::from_value(schedule_json(&[], None)).unwrap();
    let result = reconcile_patch(Arc::new(obj), ctx).await;
    assert!(result.is_ok(), "{result:?}");
    assert!(calls.lock().unwrap().is_empty(), "no Kubernetes call");
    assert_eq!(stats.snapshot().values().sum::<u64>(), 0, "no AWS call");
}

fn policy_json(finalizers: &[&str], status: Option<Value>) -> Value {
    let mut v = json!({"apiVersion": "awsbaseline.io/v1alpha1", "kind": "MonitoringPolicy",
        "metadata": {"name": "web", "namespace": "payments", "uid": "web-uid", "generation": 1, "resourceVersion": "4", "finalizers": finalizers},
        "spec": {"accountRef": {"name": "sandbox"},
                 "topics": [{"name": "web-oncall"}],
                 "alarms": [{"name": "cpu", "namespace": "AWS/EC2", "metricName": "CPUUtilization", "statistic": "Average",
                     "period": 300, "evaluationPeriods": 2, "threshold": 90.0, "comparisonOperator": "GreaterThanThreshold",
                     "alarmTopics": ["web-oncall"]}]}});
    if let Some(s) = status {
        v["status"] = s;
    }
    v
}

async fn reconcile_policy(
    moto: &Moto,
    object: Value,
) -> (Result<kube::runtime::controller::Action, String>, Vec<Call>) {
    let (result, calls, _) = reconcile_with(moto, object, reconcile_monitoring).await;
    (result, calls)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn monitoring_policy_finalizer_status_steady_state_and_deletion() {
    let moto = Moto::start();
    let path = "/apis/awsbaseline.io/v1alpha1/namespaces/payments/monitoringpolicies/web";
    let (result, calls) = reconcile_policy(&moto, policy_json(&[], None)).await;
    assert!(result.is_ok(), "{result:?}");
    assert_eq!(
        (calls.len(), calls[0].method.clone(), calls[0].path.as_str()),
        (1, Method::PATCH, path)
    );

    // Converge: one status apply with the topic ARN, a Created event in the namespace.
    let (result, calls) = reconcile_policy(&moto, policy_json(&[FINALIZER], None)).await;
    assert!(result.is_ok(), "{result:?}");
    let patches = status_patches(&calls);
    assert_eq!(patches.len(), 1, "{calls:#?}");
    assert_eq!(patches[0].path, format!("{path}/status"));
    assert_eq!(patches[0].body["kind"], "MonitoringPolicy");
    let status = patches[0].body["status"].clone();
    assert_eq!(
        status["resources"][0]["topicArns"]["web-oncall"],
        "arn:aws:sns:us-east-1:123456789012:web-oncall"
    );
    let evs = events(&calls);
    assert_eq!(evs.len(), 1, "{evs:#?}");
    assert_eq!(evs[0].body["reason"], "Created");

    // Created -> InSync, then a steady pass that only reads the account.
    let (_, calls) = reconcile_policy(&moto, policy_json(&[FINALIZER], Some(status))).await;
    let steady = status_patches(&calls)[0].body["status"].clone();
    let (result, calls) =
        reconcile_policy(&moto, policy_json(&[FINALIZER], Some(steady.clone()))).await;
    assert!(result.is_ok(), "{result:?}");
    assert_eq!(
        calls.len(),
        1,
        "steady state wrote to Kubernetes: {calls:#?}"
    );

    // Deletion (default Delete): the alarm and topic go, then the finalizer.
    let mut obj = policy_json(&[FINALIZER], Some(steady));
    obj["metadata"]["deletionTimestamp"] = json!("2026-01-01T00:00:00Z");
    let (result, calls) = reconcile_policy(&moto, obj).await;
    assert!(result.is_ok(), "{result:?}");
    assert!(calls
        .iter()
        .any(|c| c.method == Method::PATCH && c.path == path));
    let cw = aws_sdk_cloudwatch::Client::new(&moto.sdk_config("us-east-1").await);
    assert!(cw
        .describe_alarms()
        .send()
        .await
        .unwrap()
        .metric_alarms()
        .is_empty());
    let sns = aws_sdk_sns::Client::new(&moto.sdk_config("us-east-1").await);
    assert!(sns.list_topics().send().await.unwrap().topics().is_empty());
}
