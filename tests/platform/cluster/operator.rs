//! The operator binary on a real control plane: the chart's RBAC, server-side apply, watches, finalizers, Events,
//! the leader Lease; converging, correcting drift and cleaning up against moto.

use super::*;

const DRIFT: &str = "30s";

const CONVERGE: Duration = Duration::from_secs(240);

/// A drift check interval plus a pass, with room for a loaded 2-core machine.
const CORRECT: Duration = Duration::from_secs(120);

/// The whole life of the four kinds under the operator binary: converge, tenancy, a spec the API server cannot
/// check, out-of-band drift corrected or reported, a steady state that writes nothing, a leader killed and
/// replaced, deletion by policy.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn operator_binary_on_a_real_control_plane() {
    let _alone = OPERATOR_BINARY.lock().await;
    let plane = installed();
    let admin = plane.admin().await;
    let moto = Moto::start();
    let account = support::ACCOUNT;
    namespaces(&admin, &["e2e-team-a", "e2e-team-b"]).await;
    let aws_account = custom(
        "AwsAccount",
        None,
        "e2e",
        json!({"accountId": account,
        "regions": ["us-east-1", "eu-west-1"], "allowedNamespaces": {"names": ["e2e-team-a"]}}),
    );
    let main = custom(
        "AccountBaseline",
        None,
        "e2e-main",
        json!({"accountRef": {"name": "e2e"},
        "deletionPolicy": "Delete", "driftCheckInterval": DRIFT,
        "guardDuty": {"findingPublishingFrequency": "FIFTEEN_MINUTES"},
        "passwordPolicy": {"minimumPasswordLength": 14, "requireSymbols": true, "passwordReusePrevention": 24},
        "s3BlockPublicAccess": {}, "ebsEncryptionByDefault": {}}),
    );
    let audit = custom(
        "AccountBaseline",
        None,
        "e2e-audit",
        json!({"accountRef": {"name": "e2e"},
        "regions": ["us-east-1"], "deletionPolicy": "Retain", "driftCheckInterval": DRIFT,
        "cloudTrail": {"name": "e2e-audit-trail", "s3": {"bucketName": format!("e2e-audit-logs-{account}"), "createBucket": true}}}),
    );
    let alerts = custom(
        "MonitoringPolicy",
        Some("e2e-team-a"),
        "alerts",
        json!({"accountRef": {"name": "e2e"},
        "regions": ["us-east-1"], "deletionPolicy": "Delete", "driftCheckInterval": DRIFT,
        "topics": [{"name": "e2e-alerts"}],
        "alarms": [{"name": "cpu-high", "namespace": "AWS/EC2", "metricName": "CPUUtilization", "statistic": "Average",
            "period": 300, "evaluationPeriods": 2, "threshold": 80.0, "comparisonOperator": "GreaterThanThreshold",
            "alarmTopics": ["e2e-alerts"]}]}),
    );
    let weekly = custom(
        "PatchSchedule",
        Some("e2e-team-a"),
        "weekly",
        json!({"accountRef": {"name": "e2e"},
        "regions": ["eu-west-1"], "deletionPolicy": "Delete", "driftCheckInterval": DRIFT,
        "window": {"schedule": "cron(0 2 ? * SUN *)", "timezone": "Europe/Berlin", "duration": 3, "cutoff": 1},
        "targets": [{"name": "web", "tags": [{"key": "Patch Group", "values": ["web"]}]}],
        "patching": {"operation": "Scan"}}),
    );
    let refused = custom(
        "MonitoringPolicy",
        Some("e2e-team-b"),
        "refused",
        json!({"accountRef": {"name": "e2e"},
        "regions": ["us-east-1"], "topics": [{"name": "e2e-refused"}]}),
    );
    let invalid = custom(
        "MonitoringPolicy",
        Some("e2e-team-a"),
        "invalid",
        json!({"accountRef": {"name": "e2e"},
        "regions": ["us-east-1"],
        "alarms": [{"name": "dup", "namespace": "AWS/EC2", "metricName": "CPUUtilization", "statistic": "Average",
            "period": 300, "evaluationPeriods": 2, "threshold": 80.0, "comparisonOperator": "GreaterThanThreshold"}],
        "compositeAlarms": [{"name": "dup", "rule": "ALARM(dup)"}]}),
    );
    let all = [
        &aws_account,
        &main,
        &audit,
        &alerts,
        &weekly,
        &refused,
        &invalid,
    ];
    for o in all {
        apply(&admin, o, false).await.unwrap();
    }

    // The binary, under the chart's ServiceAccount, over TLS.
    let a = Operator::start(plane, &moto, "a");
    a.ready_as("leader").await;

    for o in [&main, &audit, &alerts, &weekly] {
        let what = format!("{} {} Ready", o["kind"], o["metadata"]["name"]);
        eventually(&what, CONVERGE, || converged(&admin, o)).await;
    }
    eventually("AwsAccount Ready", CONVERGE, || async {
        let o = get(&admin, &aws_account).await?;
        let ready = condition(&o, "Ready").is_some_and(|c| c["status"] == "True");
        (ready && o["status"]["observedGeneration"] == o["metadata"]["generation"])
            .then_some(())
            .ok_or(format!("{}", o["status"]))
    })
    .await;
    let o = eventually("tenancy refusal", CONVERGE, || {
        not_ready(&admin, &refused, "AccountNotAllowed")
    })
    .await;
    let message = condition(&o, "Ready").unwrap()["message"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(message.contains("e2e-team-b"), "{message}");
    let o = eventually("InvalidSpec", CONVERGE, || {
        not_ready(&admin, &invalid, "InvalidSpec")
    })
    .await;
    let message = condition(&o, "Ready").unwrap()["message"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(
        message.contains("a composite alarm cannot have the name of a metric alarm"),
        "{message}"
    );
    // kstatus: an error only a spec change fixes is Stalled (Flux and Argo fail now, not at their timeout); a
    // converged object has no Stalled condition.
    let stalled = condition(&o, "Stalled").expect("Stalled condition");
    assert_eq!(
        (&stalled["status"], &stalled["reason"]),
        (&json!("True"), &json!("InvalidSpec"))
    );
    assert!(condition(&get(&admin, &alerts).await.unwrap(), "Stalled").is_none());
    // The printer columns' JSONPaths as the API server evaluates them (`kubectl get` asks for a Table).
    let table: Value = admin
        .request(
            http::Request::get(
                "/apis/awsbaseline.io/v1alpha1/namespaces/e2e-team-a/monitoringpolicies/invalid",
            )
            .header("Accept", "application/json;as=Table;v=v1;g=meta.k8s.io")
            .body(Vec::new())
            .unwrap(),
        )
        .await
        .unwrap();
    let columns: Vec<&str> = table["columnDefinitions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["name"].as_str().unwrap())
        .collect();
    let reason_at = columns.iter().position(|c| *c == "Reason").unwrap();
    assert_eq!(
        table["rows"][0]["cells"][reason_at], "InvalidSpec",
        "{columns:?} {}",
        table["rows"]
    );

    // What AWS holds now.
    let found = inventory(&moto);
    assert_eq!(found["trail"], json!(["e2e-audit-trail"]), "{found}");
    assert_eq!(
        found["detectors"],
        json!({"us-east-1": 1, "eu-west-1": 1}),
        "{found}"
    );
    assert_eq!(found["minimumPasswordLength"], 14, "{found}");
    assert_eq!(
        found["topics"],
        json!(["e2e-alerts"]),
        "the refused policy created nothing: {found}"
    );
    assert_eq!(found["alarms"].as_array().unwrap().len(), 1, "{found}");
    assert_eq!(found["windows"].as_array().unwrap().len(), 1, "{found}");
    for (ns, name) in [
        ("default", "e2e-main"),
        ("e2e-team-a", "alerts"),
        ("e2e-team-a", "weekly"),
    ] {
        let seen = events(&admin, ns, name).await;
        assert!(
            seen.iter().any(|e| e.starts_with("Created")),
            "{name}: {seen:?}"
        );
    }

    // Out-of-band drift, corrected by the running controller.
    boto3(&moto, "\
aws('iam').update_account_password_policy(MinimumPasswordLength=8)\n\
aws('cloudwatch').put_metric_alarm(AlarmName=[a for a in aws('cloudwatch').describe_alarms()['MetricAlarms']][0]['AlarmName'],\
 Namespace='AWS/EC2', MetricName='CPUUtilization', Statistic='Average', Period=300, EvaluationPeriods=2, Threshold=99.0,\
 ComparisonOperator='GreaterThanThreshold')");
    eventually("drift corrected in AWS", CORRECT, || async {
        let now = boto3(
            &moto,
            "\
print(aws('iam').get_account_password_policy()['PasswordPolicy']['MinimumPasswordLength'],\
 aws('cloudwatch').describe_alarms()['MetricAlarms'][0]['Threshold'])",
        );
        (now == "14 80.0").then_some(()).ok_or(now)
    })
    .await;
    // kube's recorder folds a repeated reason into the first Event's series (count + 1) and keeps that Event's
    // note, so the second correction shows as "(x2)" on the first DriftCorrected Event, not with its own note.
    eventually(
        "a second DriftCorrected event",
        Duration::from_secs(60),
        || async {
            let seen = events(&admin, "default", "e2e-main").await;
            seen.iter()
                .any(|e| {
                    e.starts_with("DriftCorrected")
                        && (e.contains("passwordPolicy") || !e.ends_with("(x1)"))
                })
                .then_some(())
                .ok_or(format!("{seen:?}"))
        },
    )
    .await;

    // driftPolicy Report: the drift is shown, AWS left as found.
    let report = merge(&audit, &json!({"spec": {"driftPolicy": "Report"}}));
    apply(&admin, &report, false).await.unwrap();
    eventually("Report mode observed", CONVERGE, || {
        converged(&admin, &audit)
    })
    .await;
    boto3(
        &moto,
        "aws('cloudtrail').stop_logging(Name='e2e-audit-trail')",
    );
    let o = eventually("reported drift", CORRECT, || async {
        let o = get(&admin, &audit).await?;
        let drifted = condition(&o, "Drifted").is_some_and(|c| c["status"] == "True");
        let entry = o["status"]["drift"].as_array().and_then(|d| {
            d.iter()
                .find(|e| e["field"] == "cloudTrail.logging" && e["action"] == "Reported")
                .cloned()
        });
        match entry {
            Some(_) if drifted => Ok(o),
            _ => Err(format!("{}", o["status"])),
        }
    })
    .await;
    assert_eq!(condition(&o, "Ready").unwrap()["status"], "False");
    assert_eq!(
        boto3(
            &moto,
            "print(aws('cloudtrail').get_trail_status(Name='e2e-audit-trail')['IsLogging'])"
        ),
        "False",
        "Report mode must leave the trail stopped"
    );

    // Steady state: two drift intervals with nothing changing write nothing, neither to Kubernetes nor to AWS.
    // (Let the passes started by the last changes finish first.)
    tokio::time::sleep(Duration::from_secs(10)).await;
    let mut before = Vec::new();
    for o in all {
        before.push(get(&admin, o).await.unwrap());
    }
    let (writes_before, calls_before) = a.aws_calls();
    tokio::time::sleep(Duration::from_secs(65)).await;
    let mut after = Vec::new();
    for o in all {
        after.push(get(&admin, o).await.unwrap());
    }
    let (writes_after, calls_after) = a.aws_calls();
    let changed: Vec<String> = before
        .iter()
        .zip(&after)
        .filter(|(b, a)| b["metadata"]["resourceVersion"] != a["metadata"]["resourceVersion"])
        .map(|(b, a)| {
            format!(
                "{}: {} -> {}",
                b["metadata"]["name"], b["status"], a["status"]
            )
        })
        .collect();
    println!(
        "steady state over 65 s ({} objects): {} status writes, {} AWS writes, {} AWS calls",
        all.len(),
        changed.len(),
        writes_after - writes_before,
        calls_after - calls_before
    );
    assert!(
        changed.is_empty(),
        "status written in steady state: {changed:#?}"
    );
    assert_eq!(resource_versions(&before), resource_versions(&after));
    assert_eq!(writes_after, writes_before, "AWS writes in steady state");
    assert!(
        calls_after > calls_before,
        "no drift check ran in two intervals"
    );

    // A second replica stands by; the leader is killed (SIGKILL, no Lease release) and the standby takes over
    // once the Lease expires, and keeps correcting drift.
    let b = Operator::start(plane, &moto, "b");
    b.ready_as("standby").await;
    assert!(!b.leader());
    let mut a = a;
    a.child.kill().unwrap();
    a.child.wait().unwrap();
    let killed = Instant::now();
    eventually("replica b leads", Duration::from_secs(60), || async {
        b.leader().then_some(()).ok_or_else(|| b.log_tail())
    })
    .await;
    let takeover = killed.elapsed();
    println!(
        "takeover after kill -9 of the leader: {:.1} s",
        takeover.as_secs_f64()
    );
    // The Lease lasts 15 s from the last renewal; the standby retries every 2 s.
    assert!(takeover <= Duration::from_secs(15 + 2 + 3), "{takeover:?}");
    boto3(
        &moto,
        "aws('iam').update_account_password_policy(MinimumPasswordLength=9)",
    );
    eventually("drift corrected by the new leader", CORRECT, || async {
        let now = boto3(&moto, "print(aws('iam').get_account_password_policy()['PasswordPolicy']['MinimumPasswordLength'])");
        (now == "14").then_some(()).ok_or(now)
    })
    .await;

    // Deletion: Delete removes what the operator created, Retain keeps it; refused and invalid objects go
    // without a stuck finalizer.
    for o in [&main, &audit, &alerts, &weekly, &refused, &invalid] {
        delete(&admin, o).await;
    }
    for o in [&main, &audit, &alerts, &weekly, &refused, &invalid] {
        let what = format!("{} {} deleted", o["kind"], o["metadata"]["name"]);
        eventually(&what, CONVERGE, || gone(&admin, o)).await;
    }
    let left = inventory(&moto);
    assert_eq!(
        left["trail"],
        json!(["e2e-audit-trail"]),
        "Retain keeps the trail: {left}"
    );
    assert_eq!(
        left["detectors"],
        json!({"us-east-1": 0, "eu-west-1": 0}),
        "{left}"
    );
    assert_eq!(left["topics"], json!([]), "{left}");
    assert_eq!(left["alarms"], json!([]), "{left}");
    assert_eq!(left["windows"], json!([]), "{left}");
    delete(&admin, &aws_account).await;
    eventually("AwsAccount deleted", CONVERGE, || {
        gone(&admin, &aws_account)
    })
    .await;
}
