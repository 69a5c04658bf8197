//! Removal from the spec and deletion touch only what tags prove the policy created; a region removed from the spec
//! is cleaned up.

use super::*;

#[tokio::test]
async fn removed_objects_are_deleted_only_when_tags_prove_ownership_and_deletion_follows_the_policy(
) {
    let moto = Moto::start();
    let (factory, stats) = moto.factory().await;
    let (account, app, _) = examples();
    let first = pass(
        &factory,
        &account,
        &app,
        &app.spec,
        None,
        DriftPolicy::Correct,
    )
    .await;
    no_errors(&first);
    let st = status(None, &first);
    let eu = moto.sdk_config("eu-west-1").await;
    let cw = aws_sdk_cloudwatch::Client::new(&eu);
    // An alarm under the policy's prefix that someone else made (no owner tags): never touched.
    cw.put_metric_alarm()
        .alarm_name("awsbaseline.payments.checkout-web.hand-made")
        .namespace("N")
        .metric_name("M")
        .statistic(aws_sdk_cloudwatch::types::Statistic::Sum)
        .period(60)
        .evaluation_periods(1)
        .threshold(1.0)
        .comparison_operator(aws_sdk_cloudwatch::types::ComparisonOperator::GreaterThanThreshold)
        .send()
        .await
        .unwrap();

    // Drop the latency alarm from the spec: deleted (tags prove it), the hand-made one stays.
    let mut spec = app.spec.clone();
    spec.alarms.retain(|a| a.name != "latency-p99");
    stats.reset();
    let report = pass(
        &factory,
        &account,
        &app,
        &spec,
        Some(&st),
        DriftPolicy::Correct,
    )
    .await;
    no_errors(&report);
    assert_eq!(drift_fields(&report), vec!["alarms.latency-p99.exists"]);
    assert_eq!(sorted_write_operations(&stats), vec!["DeleteAlarms"]);
    let names: Vec<String> = cw
        .describe_alarms()
        .alarm_name_prefix("awsbaseline.payments.checkout-web.")
        .send()
        .await
        .unwrap()
        .metric_alarms()
        .iter()
        .filter_map(|a| a.alarm_name().map(str::to_string))
        .collect();
    assert!(
        !names.iter().any(|n| n.ends_with("latency-p99")),
        "{names:?}"
    );
    assert!(names.iter().any(|n| n.ends_with("hand-made")), "{names:?}");
    let st = status(Some(&st), &report);

    // Retain: nothing deleted.
    let mut retain = spec.clone();
    retain.deletion_policy = DeletionPolicy::Retain;
    stats.reset();
    let r = cleanup(
        &factory,
        &input(&account, &app, &retain, Some(&st), DriftPolicy::Correct),
    )
    .await
    .unwrap();
    assert!(r.errors.is_empty(), "{:?}", r.errors);
    assert_eq!(stats.writes() + stats.reads(), 0);

    // Someone else's dashboard and metric filter, written into status as if they were the
    // policy's (anyone who may write status could): status is no proof, they stay.
    let logs = aws_sdk_cloudwatchlogs::Client::new(&eu);
    cw.put_dashboard()
        .dashboard_name("team-overview")
        .dashboard_body(r#"{"widgets":[]}"#)
        .send()
        .await
        .unwrap();
    let group = groups_of(&logs).await.remove(0);
    logs.put_metric_filter()
        .log_group_name(&group)
        .filter_name("team-errors")
        .filter_pattern("ERROR")
        .metric_transformations(
            aws_sdk_cloudwatchlogs::types::MetricTransformation::builder()
                .metric_name("Errors")
                .metric_namespace("Team")
                .metric_value("1")
                .build()
                .unwrap(),
        )
        .send()
        .await
        .unwrap();
    let mut st = st;
    for res in st.resources.iter_mut().filter(|r| r.region == "eu-west-1") {
        res.dashboards.push("team-overview".into());
        res.metric_filters.push(format!("{group}:team-errors"));
    }

    // Delete: our alarms and topic go, the hand-made alarm and the log group stay.
    let r = cleanup(
        &factory,
        &input(&account, &app, &spec, Some(&st), DriftPolicy::Correct),
    )
    .await
    .unwrap();
    assert!(r.errors.is_empty(), "{:?}", r.errors);
    let dashboards = cw.list_dashboards().send().await.unwrap();
    assert_eq!(
        dashboards
            .dashboard_entries()
            .iter()
            .filter_map(|d| d.dashboard_name())
            .collect::<Vec<_>>(),
        vec!["team-overview"]
    );
    let filters = logs
        .describe_metric_filters()
        .log_group_name(&group)
        .send()
        .await
        .unwrap();
    assert!(
        filters
            .metric_filters()
            .iter()
            .any(|f| f.filter_name() == Some("team-errors")),
        "{filters:?}"
    );

    let left: Vec<String> = cw
        .describe_alarms()
        .send()
        .await
        .unwrap()
        .metric_alarms()
        .iter()
        .filter_map(|a| a.alarm_name().map(str::to_string))
        .collect();
    assert_eq!(left, vec!["awsbaseline.payments.checkout-web.hand-made"]);
    let topics = aws_sdk_sns::Client::new(&eu)
        .list_topics()
        .send()
        .await
        .unwrap();
    assert!(topics.topics().is_empty(), "{:?}", topics.topics());
    let groups = aws_sdk_cloudwatchlogs::Client::new(&eu)
        .describe_log_groups()
        .send()
        .await
        .unwrap();
    assert_eq!(groups.log_groups().len(), 1, "log groups are never deleted");
    assert!(
        r.actions
            .iter()
            .any(|a| a.contains("deleted SNS topic checkout-oncall")),
        "{:?}",
        r.actions
    );
}

/// A region removed from the spec is cleaned up like a deleted policy: its alarms and topics go (proven by tags)
/// and the region leaves status.
#[tokio::test]
async fn a_region_removed_from_the_spec_is_cleaned_up() {
    let moto = Moto::start();
    let (factory, _stats) = moto.factory().await;
    let (mut account, app, _) = examples();
    account.regions = vec!["eu-west-1".into(), "us-east-1".into()];
    let mut both = app.spec.clone();
    both.regions = vec!["eu-west-1".into(), "us-east-1".into()];
    both.log_groups.clear();
    both.log_metric_filters.clear();
    both.insights_queries.clear();
    let first = pass(&factory, &account, &app, &both, None, DriftPolicy::Correct).await;
    no_errors(&first);
    let st = status(None, &first);
    let us = moto.sdk_config("us-east-1").await;
    let cw = aws_sdk_cloudwatch::Client::new(&us);
    let sns = aws_sdk_sns::Client::new(&us);
    let count = || async {
        (
            cw.describe_alarms()
                .send()
                .await
                .unwrap()
                .metric_alarms()
                .len(),
            sns.list_topics().send().await.unwrap().topics().len(),
        )
    };
    let before = count().await;
    assert!(before.0 > 0 && before.1 > 0, "{before:?}");

    let mut one = both.clone();
    one.regions = vec!["eu-west-1".into()];
    let r = pass(
        &factory,
        &account,
        &app,
        &one,
        Some(&st),
        DriftPolicy::Correct,
    )
    .await;
    no_errors(&r);
    assert_eq!(
        count().await,
        (0, 0),
        "alarms and topics in the removed region are gone"
    );
    let st = status(Some(&st), &r);
    assert_eq!(
        st.resources
            .iter()
            .map(|r| r.region.as_str())
            .collect::<Vec<_>>(),
        vec!["eu-west-1"]
    );
}
