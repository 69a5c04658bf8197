//! Event-driven drift on the real control plane: the operator binary with the chart's RBAC, an AwsAccount hub
//! with `changeEvents`, objects whose `driftCheckInterval` is an hour (so polling cannot be what finds a change),
//! and CloudTrail-shaped events put on the account's default event bus the way EventBridge delivers them (moto
//! routes PutEvents through the operator's rules to its SQS queue). Each change is made out of band with the SDK,
//! then its event is put; the time from the event to the change being undone in AWS is measured.

use super::*;
use aws_baseline_operator::aws::AccountSession;
use aws_sdk_cloudwatch::types::{ComparisonOperator, Statistic};
use aws_sdk_eventbridge::types::PutEventsRequestEntry;

/// No drift check during the test: an hour.
const HOUR: &str = "1h";
const CONVERGE: Duration = Duration::from_secs(240);
/// The bound from event to corrected.
const CORRECTED: Duration = Duration::from_secs(10);
const TRAIL: &str = "ce-trail";
const ALARM: &str = "awsbaseline.ce-team.alarms.cpu-high";
const SOMEONE: &str = "arn:aws:iam::123456789012:user/someone-else";

/// A CloudTrail management event as EventBridge delivers it ("AWS API Call via CloudTrail"), after the
/// CloudTrail record contents reference: eventSource, eventName, awsRegion, recipientAccountId, userIdentity,
/// requestParameters.
fn cloudtrail_event(source: &str, name: &str, region: &str, caller: &str, params: Value) -> String {
    json!({
        "eventVersion": "1.09",
        "userIdentity": {"type": "IAMUser", "arn": caller, "accountId": support::ACCOUNT},
        "eventTime": jiff::Timestamp::now().strftime("%Y-%m-%dT%H:%M:%SZ").to_string(),
        "eventSource": source,
        "eventName": name,
        "awsRegion": region,
        "sourceIPAddress": "192.0.2.1",
        "requestParameters": params,
        "responseElements": null,
        "eventType": "AwsApiCall",
        "managementEvent": true,
        "recipientAccountId": support::ACCOUNT,
        "eventCategory": "Management",
    })
    .to_string()
}

/// Put events on the default bus of `region` (at most 10 per call, as PutEvents allows).
async fn put(session: &AccountSession, region: &str, source: &str, details: &[String]) {
    let client = session.events(region);
    for chunk in details.chunks(10) {
        let entries = chunk.iter().map(|d| {
            PutEventsRequestEntry::builder()
                .source(format!("aws.{}", source.split('.').next().unwrap()))
                .detail_type("AWS API Call via CloudTrail")
                .detail(d)
                .build()
        });
        let out = client
            .put_events()
            .set_entries(Some(entries.collect()))
            .send()
            .await
            .unwrap();
        assert_eq!(out.failed_entry_count(), 0, "{out:?}");
    }
}

/// Sum of a metric's samples whose line starts with `prefix` (name and labels).
fn metric(op: &Operator, prefix: &str) -> f64 {
    let (_, body) = op.get("/metrics").expect("scrape /metrics");
    body.lines()
        .filter(|l| l.starts_with(prefix))
        .filter_map(|l| l.rsplit(' ').next()?.parse::<f64>().ok())
        .sum()
}

/// Wait (at most `limit`) until `check` holds; the time it took.
async fn undone<F, Fut>(what: &str, limit: Duration, mut check: F) -> Duration
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    let start = Instant::now();
    loop {
        if check().await {
            return start.elapsed();
        }
        assert!(
            start.elapsed() < limit,
            "{what}: not corrected within {limit:?}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let i = ((sorted.len() as f64 * p).ceil() as usize).clamp(1, sorted.len()) - 1;
    sorted[i]
}

/// Stop the trail out of band (what a person does in the console).
async fn stop_trail(session: &AccountSession) {
    session
        .cloudtrail("us-east-1")
        .stop_logging()
        .name(TRAIL)
        .send()
        .await
        .unwrap();
}

async fn trail_logging(session: &AccountSession) -> bool {
    session
        .cloudtrail("us-east-1")
        .get_trail_status()
        .name(TRAIL)
        .send()
        .await
        .unwrap()
        .is_logging()
        .unwrap_or(false)
}

async fn alarm_threshold(session: &AccountSession) -> Option<f64> {
    session
        .cloudwatch("us-east-1")
        .describe_alarms()
        .alarm_names(ALARM)
        .send()
        .await
        .unwrap()
        .metric_alarms()
        .first()
        .and_then(|a| a.threshold())
}

async fn window_duration(session: &AccountSession, id: &str) -> i32 {
    session
        .ssm("eu-west-1")
        .get_maintenance_window()
        .window_id(id)
        .send()
        .await
        .unwrap()
        .duration()
        .unwrap_or_default()
}

/// A drift entry of `object`'s status with this field, as the API server holds it.
async fn drift_entry(admin: &Client, object: &Value, field: &str) -> Result<Value, String> {
    let o = get(admin, object).await?;
    o["status"]["drift"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|d| d["field"].as_str().is_some_and(|f| f.starts_with(field)))
        .cloned()
        .ok_or_else(|| format!("no drift {field}: {}", o["status"]))
}

/// Trail stopped, alarm threshold changed, maintenance window changed — each corrected within 10 s of its event
/// with polling at an hour, 50+ changes measured; an event nobody owns and the operator's own calls start no
/// pass; a burst of 1,000 events for one object costs a bounded number of passes.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn change_events_correct_drift_within_seconds() {
    let _alone = OPERATOR_BINARY.lock().await;
    let plane = installed();
    let admin = plane.admin().await;
    let moto = Moto::start();
    let account = support::ACCOUNT;
    namespaces(&admin, &["ce-team"]).await;
    let hub = custom(
        "AwsAccount",
        None,
        "ce-hub",
        json!({"accountId": account, "regions": ["us-east-1", "eu-west-1"],
            "allowedNamespaces": {"names": ["ce-team"]},
            "changeEvents": {"role": "Hub", "forwardingRoleArn": format!("arn:aws:iam::{account}:role/awsbaseline-forwarder")}}),
    );
    let trail = custom(
        "AccountBaseline",
        None,
        "ce-trail",
        json!({"accountRef": {"name": "ce-hub"}, "regions": ["us-east-1"], "driftCheckInterval": HOUR,
            "cloudTrail": {"name": TRAIL, "s3": {"bucketName": format!("ce-trail-logs-{account}"), "createBucket": true}}}),
    );
    let alarms = custom(
        "MonitoringPolicy",
        Some("ce-team"),
        "alarms",
        json!({"accountRef": {"name": "ce-hub"}, "regions": ["us-east-1"], "driftCheckInterval": HOUR,
            "alarms": [{"name": "cpu-high", "namespace": "AWS/EC2", "metricName": "CPUUtilization",
                "statistic": "Average", "period": 300, "evaluationPeriods": 2, "threshold": 80.0,
                "comparisonOperator": "GreaterThanThreshold"}]}),
    );
    let weekly = custom(
        "PatchSchedule",
        Some("ce-team"),
        "weekly",
        json!({"accountRef": {"name": "ce-hub"}, "regions": ["eu-west-1"], "driftCheckInterval": HOUR,
            "window": {"schedule": "cron(0 2 ? * SUN *)", "duration": 3, "cutoff": 1},
            "targets": [{"name": "web", "tags": [{"key": "Patch Group", "values": ["web"]}]}],
            "patching": {"operation": "Scan"}}),
    );
    for o in [&hub, &trail, &alarms, &weekly] {
        apply(&admin, o, false).await.unwrap();
    }
    let op = Operator::start(plane, &moto, "ce");
    op.ready_as("leader").await;
    for o in [&trail, &alarms, &weekly] {
        let what = format!("{} {} Ready", o["kind"], o["metadata"]["name"]);
        eventually(&what, CONVERGE, || converged(&admin, o)).await;
    }
    let hub_status = eventually("AwsAccount ChangeEvents=True", CONVERGE, || async {
        let o = get(&admin, &hub).await?;
        condition(&o, "ChangeEvents")
            .is_some_and(|c| c["status"] == "True")
            .then(|| o["status"].clone())
            .ok_or(format!("{}", o["status"]))
    })
    .await;
    let components: Vec<&str> = hub_status["components"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["component"].as_str().unwrap())
        .collect();
    assert!(components.contains(&"changeEvents.queue"), "{hub_status}");
    assert!(components.contains(&"changeEvents.rule"), "{hub_status}");
    let caller = hub_status["callerArn"].as_str().unwrap().to_string();
    let window_id = get(&admin, &weekly).await.unwrap()["status"]["components"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["component"] == "window")
        .and_then(|c| c["id"].as_str())
        .unwrap()
        .to_string();

    let (factory, _) = moto.factory().await;
    let session = factory
        .session(&support::account(&["us-east-1"]), "us-east-1")
        .await
        .unwrap();
    let passes = |kind: &str| {
        metric(
            &op,
            &format!("awsbaseline_reconciles_total{{kind=\"{kind}\"}}"),
        )
    };

    // 1. Each kind: change, event, corrected within 10 s, the drift in status detected by `Event`. Changes to one
    // object are spaced by a little more than the consumer's per-object gap (1 s), so each measures one isolated
    // change; back-to-back changes are the burst below.
    let spaced = || tokio::time::sleep(Duration::from_millis(1100));
    let mut latencies = Vec::new();
    let trail_arn = format!("arn:aws:cloudtrail:us-east-1:{account}:trail/{TRAIL}");
    for i in 0..20 {
        spaced().await;
        stop_trail(&session).await;
        assert!(!trail_logging(&session).await);
        let name = if i % 2 == 0 {
            TRAIL
        } else {
            trail_arn.as_str()
        };
        let event = cloudtrail_event(
            "cloudtrail.amazonaws.com",
            "StopLogging",
            "us-east-1",
            SOMEONE,
            json!({"name": name}),
        );
        put(&session, "us-east-1", "cloudtrail.amazonaws.com", &[event]).await;
        latencies.push(undone("trail logging", CORRECTED, || trail_logging(&session)).await);
    }
    let d = eventually("trail drift detected by Event", CONVERGE, || {
        drift_entry(&admin, &trail, "cloudTrail.logging")
    })
    .await;
    assert_eq!(d["detectedBy"], "Event", "{d}");
    assert_eq!(d["action"], "Corrected", "{d}");
    assert!(d["detectionLatencyMs"].as_i64().is_some(), "{d}");

    for i in 0..20 {
        spaced().await;
        session
            .cloudwatch("us-east-1")
            .put_metric_alarm()
            .alarm_name(ALARM)
            .namespace("AWS/EC2")
            .metric_name("CPUUtilization")
            .statistic(Statistic::Average)
            .period(300)
            .evaluation_periods(2)
            .threshold(95.0 + f64::from(i))
            .comparison_operator(ComparisonOperator::GreaterThanThreshold)
            .send()
            .await
            .unwrap();
        let event = cloudtrail_event(
            "monitoring.amazonaws.com",
            "PutMetricAlarm",
            "us-east-1",
            SOMEONE,
            json!({"alarmName": ALARM, "threshold": 95.0 + f64::from(i)}),
        );
        put(&session, "us-east-1", "monitoring.amazonaws.com", &[event]).await;
        latencies.push(
            undone("alarm threshold", CORRECTED, || async {
                alarm_threshold(&session).await == Some(80.0)
            })
            .await,
        );
    }
    let d = eventually("alarm drift detected by Event", CONVERGE, || {
        drift_entry(&admin, &alarms, "alarms.cpu-high.threshold")
    })
    .await;
    assert_eq!(d["detectedBy"], "Event", "{d}");

    for i in 0..12 {
        spaced().await;
        session
            .ssm("eu-west-1")
            .update_maintenance_window()
            .window_id(&window_id)
            .duration(5 + i)
            .send()
            .await
            .unwrap();
        let event = cloudtrail_event(
            "ssm.amazonaws.com",
            "UpdateMaintenanceWindow",
            "eu-west-1",
            SOMEONE,
            json!({"windowId": window_id, "duration": 5 + i}),
        );
        put(&session, "eu-west-1", "ssm.amazonaws.com", &[event]).await;
        latencies.push(
            undone("window duration", CORRECTED, || async {
                window_duration(&session, &window_id).await == 3
            })
            .await,
        );
    }
    let d = eventually("window drift detected by Event", CONVERGE, || {
        drift_entry(&admin, &weekly, "window.duration")
    })
    .await;
    assert_eq!(d["detectedBy"], "Event", "{d}");

    latencies.sort();
    let (p50, p99, max) = (
        percentile(&latencies, 0.5),
        percentile(&latencies, 0.99),
        *latencies.last().unwrap(),
    );
    println!(
        "change events: {} changes, event -> corrected p50 {p50:?} p99 {p99:?} max {max:?}; all: {latencies:?}",
        latencies.len()
    );
    assert!(latencies.len() >= 50);
    assert!(max < CORRECTED, "{latencies:?}");
    assert!(metric(&op, "awsbaseline_change_event_correction_seconds_count") >= 50.0);

    // 2. An event for a resource nobody owns starts no pass; nor does the operator's own call (its correction
    // of the trail shows up in CloudTrail too, with its own identity).
    let before = (passes("MonitoringPolicy"), passes("AccountBaseline"));
    let unowned = metric(&op, "awsbaseline_change_events_total{outcome=\"unowned\"}");
    let own = metric(&op, "awsbaseline_change_events_total{outcome=\"own\"}");
    put(
        &session,
        "us-east-1",
        "monitoring.amazonaws.com",
        &[cloudtrail_event(
            "monitoring.amazonaws.com",
            "PutMetricAlarm",
            "us-east-1",
            SOMEONE,
            json!({"alarmName": "someone-elses-alarm"}),
        )],
    )
    .await;
    put(
        &session,
        "us-east-1",
        "cloudtrail.amazonaws.com",
        &[cloudtrail_event(
            "cloudtrail.amazonaws.com",
            "StartLogging",
            "us-east-1",
            &caller,
            json!({"name": TRAIL}),
        )],
    )
    .await;
    eventually("both events consumed", Duration::from_secs(30), || async {
        let u = metric(&op, "awsbaseline_change_events_total{outcome=\"unowned\"}");
        let o = metric(&op, "awsbaseline_change_events_total{outcome=\"own\"}");
        (u > unowned && o > own)
            .then_some(())
            .ok_or(format!("unowned {u}, own {o}"))
    })
    .await;
    tokio::time::sleep(Duration::from_secs(2)).await;
    assert_eq!(
        (passes("MonitoringPolicy"), passes("AccountBaseline")),
        before,
        "no pass for an unowned event or the operator's own call"
    );

    // 3. A burst: the trail stopped once and 1,000 events for it. The consumer drains up to 100 waiting messages
    // per dispatch, triggers each owner once per dispatch, and at most once per second per object (the first at
    // once, the rest folded into one at the end of the second). Bound: 1 + (seconds the burst lasts) passes.
    let before = passes("AccountBaseline");
    let started = Instant::now();
    stop_trail(&session).await;
    let burst: Vec<String> = (0..1000)
        .map(|_| {
            cloudtrail_event(
                "cloudtrail.amazonaws.com",
                "StopLogging",
                "us-east-1",
                SOMEONE,
                json!({"name": TRAIL}),
            )
        })
        .collect();
    put(&session, "us-east-1", "cloudtrail.amazonaws.com", &burst).await;
    eventually("burst consumed", Duration::from_secs(120), || async {
        let m = metric(&op, "awsbaseline_change_events_total{outcome=\"matched\"}");
        (m >= 1052.0).then_some(()).ok_or(format!("matched {m}"))
    })
    .await;
    let lasted = started.elapsed();
    undone(
        "trail logging after the burst",
        Duration::from_secs(30),
        || trail_logging(&session),
    )
    .await;
    tokio::time::sleep(Duration::from_secs(3)).await;
    let burst_passes = passes("AccountBaseline") - before;
    println!(
        "change events: 1000-event burst over {lasted:?} -> {burst_passes} AccountBaseline passes"
    );
    assert!(burst_passes >= 1.0);
    assert!(
        burst_passes <= 2.0 + lasted.as_secs_f64().ceil(),
        "{burst_passes} passes in {lasted:?}"
    );

    // 4. Opting out (changeEvents removed from the spec) removes the rules and the queue and releases the
    // finalizer; opting in again puts them back.
    let queue_gone = || async {
        aws_baseline_operator::engine::change_events::queue_url(&session, "us-east-1")
            .await
            .unwrap()
            .is_none()
    };
    let mut opted_out = hub.clone();
    opted_out["spec"]
        .as_object_mut()
        .unwrap()
        .remove("changeEvents");
    apply(&admin, &opted_out, false).await.unwrap();
    eventually("opt-out cleaned up", CONVERGE, || async {
        let o = get(&admin, &hub).await?;
        let released = o["metadata"]["finalizers"]
            .as_array()
            .is_none_or(|f| f.is_empty());
        (released && condition(&o, "ChangeEvents").is_none() && queue_gone().await)
            .then_some(())
            .ok_or(format!("{} {}", o["metadata"], o["status"]))
    })
    .await;
    apply(&admin, &hub, false).await.unwrap();
    eventually("opted in again", CONVERGE, || async {
        let o = get(&admin, &hub).await?;
        (condition(&o, "ChangeEvents").is_some_and(|c| c["status"] == "True")
            && !queue_gone().await)
            .then_some(())
            .ok_or(format!("{}", o["status"]))
    })
    .await;

    // 5. Deletion, while the operator runs (the control plane is shared with the other cluster tests): the objects,
    // then the hub, whose finalizer removes its rules and queue.
    for o in [&trail, &alarms, &weekly] {
        delete(&admin, o).await;
    }
    for o in [&trail, &alarms, &weekly] {
        let what = format!("{} {} gone", o["kind"], o["metadata"]["name"]);
        eventually(&what, CONVERGE, || gone(&admin, o)).await;
    }
    delete(&admin, &hub).await;
    eventually("AwsAccount ce-hub gone", CONVERGE, || gone(&admin, &hub)).await;
    assert!(
        queue_gone().await,
        "the hub's queue is deleted with the AwsAccount"
    );
    let rules = session
        .events("eu-west-1")
        .list_rules()
        .name_prefix("awsbaseline-change-events")
        .send()
        .await
        .unwrap();
    assert!(rules.rules().is_empty(), "{rules:?}");
    drop(op);
}
