//! Account-wide reads shared between policies (`aws::snapshots`): the periodic checks of in-sync policies of one
//! account and Region take every alarm from one paginated DescribeAlarms and the topic list from one ListTopics,
//! and still see drift; a write drops the snapshot; a pass without shared reads (the CLI, a spec change, drift)
//! reads AWS itself. Against moto, whose DescribeAlarms pages by MaxRecords through tests/moto_ext.

use super::*;
use aws_baseline_operator::api::common::Owner;
use serde_json::json;

const POLICIES: usize = 12;

fn policy(i: usize) -> (MonitoringPolicySpec, Owner, String) {
    let alarms: Vec<_> = (0..10)
        .map(|k| {
            json!({"name": format!("cpu-{k}"), "namespace": "AWS/EC2", "metricName": "CPUUtilization",
                "dimensions": {"InstanceId": format!("i-{i:08x}{k:09x}")}, "statistic": "Average", "period": 300,
                "evaluationPeriods": 2, "threshold": 80.0, "comparisonOperator": "GreaterThanThreshold",
                "alarmTopics": ["ops"]})
        })
        .collect();
    let spec: MonitoringPolicySpec = serde_json::from_value(json!({
        "accountRef": {"name": "a"}, "regions": ["us-east-1"],
        "topics": [{"name": format!("shared-{i}")}], "alarms": alarms,
    }))
    .unwrap();
    // Every alarm's topic is the policy's own.
    let spec = serde_json::from_value(
        serde_json::to_value(&spec)
            .unwrap()
            .to_string()
            .replace("\"ops\"", &format!("\"shared-{i}\""))
            .parse::<serde_json::Value>()
            .unwrap(),
    )
    .unwrap();
    let name = format!("p{i:02}");
    let owner = Owner {
        kind: "MonitoringPolicy".into(),
        name: format!("team/{name}"),
        uid: format!("uid-{name}"),
    };
    (spec, owner, name)
}

fn shared_input<'a>(
    account: &'a AwsAccountSpec,
    p: &'a (MonitoringPolicySpec, Owner, String),
    previous: Option<&'a MonitoringPolicyStatus>,
    shared_reads: Option<Duration>,
) -> MonitoringInput<'a> {
    MonitoringInput {
        spec: &p.0,
        account,
        owner: p.1.clone(),
        namespace: "team",
        name: &p.2,
        namespace_labels: &NO_LABELS,
        previous,
        mode: DriftPolicy::Correct,
        alarm_write_interval: Duration::ZERO,
        shared_reads,
    }
}

#[tokio::test]
async fn in_sync_policies_of_an_account_share_one_alarm_and_topic_read() {
    let moto = Moto::start();
    let (factory, stats) = moto.factory().await;
    let mut account = support::account(&["us-east-1"]);
    account.allowed_namespaces = Some(aws_baseline_operator::api::aws_account::AllowedNamespaces {
        names: vec!["team".into()],
        selector: None,
    });
    let policies: Vec<_> = (0..POLICIES).map(policy).collect();
    let mut statuses = Vec::new();
    for p in &policies {
        let r = run(&factory, &shared_input(&account, p, None, None)).await;
        no_errors(&r);
        let s = status(None, &r);
        let r = run(&factory, &shared_input(&account, p, Some(&s), None)).await;
        statuses.push(status(Some(&s), &r));
    }

    // Periodic checks with shared reads: one DescribeAlarms for all 120 alarms (two pages of 100 at moto_ext's
    // CloudWatch paging), one ListTopics; no GetCallerIdentity (the session remembers it); no write.
    let minute = Some(Duration::from_secs(60));
    stats.reset();
    for (p, s) in policies.iter().zip(&statuses) {
        let r = run(&factory, &shared_input(&account, p, Some(s), minute)).await;
        no_errors(&r);
        assert_eq!(drift_fields(&r), Vec::<String>::new());
    }
    assert_eq!(stats.writes(), 0, "{:?}", stats.write_operations());
    assert_eq!(stats.count("DescribeAlarms"), 2, "120 alarms, pages of 100");
    assert_eq!(stats.count("ListTopics"), 1);
    assert_eq!(stats.count("GetCallerIdentity"), 0);
    // The same checks, each reading for itself: one DescribeAlarms and one ListTopics per policy.
    stats.reset();
    for (p, s) in policies.iter().zip(&statuses) {
        run(&factory, &shared_input(&account, p, Some(s), None)).await;
    }
    assert_eq!(stats.count("DescribeAlarms"), POLICIES as u64);
    assert_eq!(stats.count("ListTopics"), POLICIES as u64);

    // An alarm changed out of band after the snapshot was taken: a shared check within max_age does not see it
    // yet (the bounded delay the controller accepts for periodic checks), a fresh one does and corrects it,
    // which drops the snapshot, so the next shared check reads again and finds everything in sync.
    let cw = aws_sdk_cloudwatch::Client::new(&moto.sdk_config("us-east-1").await);
    let victim = "awsbaseline.team.p03.cpu-4";
    let a = cw
        .describe_alarms()
        .alarm_names(victim)
        .send()
        .await
        .unwrap()
        .metric_alarms()[0]
        .clone();
    cw.put_metric_alarm()
        .alarm_name(victim)
        .namespace("AWS/EC2")
        .metric_name("CPUUtilization")
        .set_dimensions(Some(a.dimensions().to_vec()))
        .statistic(aws_sdk_cloudwatch::types::Statistic::Average)
        .period(300)
        .evaluation_periods(2)
        .threshold(99.0)
        .comparison_operator(aws_sdk_cloudwatch::types::ComparisonOperator::GreaterThanThreshold)
        .set_alarm_actions(Some(a.alarm_actions().to_vec()))
        .send()
        .await
        .unwrap();
    let p3 = &policies[3];
    let stale = run(
        &factory,
        &shared_input(&account, p3, Some(&statuses[3]), minute),
    )
    .await;
    assert_eq!(drift_fields(&stale), Vec::<String>::new());
    stats.reset();
    let fresh = run(
        &factory,
        &shared_input(&account, p3, Some(&statuses[3]), None),
    )
    .await;
    assert_eq!(
        drift_fields(&fresh),
        vec!["alarms.cpu-4.threshold".to_string()]
    );
    assert_eq!(
        (stats.writes(), stats.count("PutMetricAlarm")),
        (1, 1),
        "{:?}",
        stats.write_operations()
    );
    stats.reset();
    for (p, s) in policies.iter().zip(&statuses) {
        let r = run(&factory, &shared_input(&account, p, Some(s), minute)).await;
        assert_eq!(drift_fields(&r), Vec::<String>::new());
    }
    assert_eq!(
        stats.count("DescribeAlarms"),
        2,
        "the write dropped the snapshot: one new read"
    );
    assert_eq!(stats.writes(), 0);
    // A snapshot older than max_age is read again.
    stats.reset();
    run(
        &factory,
        &shared_input(
            &account,
            &policies[0],
            Some(&statuses[0]),
            Some(Duration::ZERO),
        ),
    )
    .await;
    assert_eq!(stats.count("DescribeAlarms"), 2);
}
