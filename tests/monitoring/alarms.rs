//! Alarms and dashboards: metric math, anomaly bands, the billing alarm, dashboards and composite alarms converge,
//! drift and are removed (moto; PutCompositeAlarm from `tests/moto_ext/cloudwatch_composite_ext.py`); a composite
//! alarm's exact request (resolved rule, actions, tags only on creation) is also pinned with aws-smithy-mocks.

use super::*;
use aws_smithy_mocks::{mock, mock_client, RuleMode};

#[tokio::test]
async fn metric_math_anomaly_band_billing_alarm_and_dashboard_converge_drift_and_are_removed() {
    let moto = Moto::start();
    let (factory, stats) = moto.factory().await;
    let (mut account, app, _) = examples();
    account.regions = vec!["us-east-1".into()];
    let spec: MonitoringPolicySpec = serde_json::from_value(serde_json::json!({
        "accountRef": {"name": "sandbox"},
        "regions": ["us-east-1"],
        "topics": [{"name": "oncall"}],
        "alarms": [
            {"name": "error-rate", "description": "5xx share of requests above 2 %",
             "metrics": [
                {"id": "errors", "metric": {"namespace": "AWS/ApplicationELB", "metricName": "HTTPCode_Target_5XX_Count",
                    "dimensions": {"LoadBalancer": "app/checkout/1"}, "stat": "Sum", "period": 60}, "returnData": false},
                {"id": "requests", "metric": {"namespace": "AWS/ApplicationELB", "metricName": "RequestCount",
                    "dimensions": {"LoadBalancer": "app/checkout/1"}, "stat": "Sum", "period": 60}, "returnData": false},
                {"id": "rate", "expression": "100 * errors / requests", "label": "5xx %"}],
             "evaluationPeriods": 3, "threshold": 2.0, "comparisonOperator": "GreaterThanThreshold", "alarmTopics": ["oncall"]},
            {"name": "requests-anomaly", "namespace": "AWS/ApplicationELB", "metricName": "RequestCount",
             "dimensions": {"LoadBalancer": "app/checkout/1"}, "statistic": "Sum", "period": 300,
             "anomalyBand": {"standardDeviations": 3.0}, "evaluationPeriods": 2,
             "comparisonOperator": "LessThanLowerOrGreaterThanUpperThreshold", "alarmTopics": ["oncall"]}],
        "billingAlarm": {"thresholds": [500.0, 1000.0], "topic": "oncall"},
        "dashboards": [{"name": "checkout", "body": {"widgets": [{"type": "metric", "x": 0, "y": 0, "width": 12, "height": 6,
            "properties": {"metrics": [["AWS/ApplicationELB", "RequestCount", "LoadBalancer", "app/checkout/1"]], "region": "us-east-1", "stat": "Sum"}}]}}]
    }))
    .unwrap();

    let first = pass(&factory, &account, &app, &spec, None, DriftPolicy::Correct).await;
    no_errors(&first);
    let st = status(None, &first);
    let prefix = "awsbaseline.payments.checkout-web.";
    let cw = aws_sdk_cloudwatch::Client::new(&moto.sdk_config("us-east-1").await);
    let alarms = cw
        .describe_alarms()
        .alarm_name_prefix(prefix)
        .send()
        .await
        .unwrap();
    let by_name = |n: &str| {
        alarms
            .metric_alarms()
            .iter()
            .find(|a| a.alarm_name() == Some(&format!("{prefix}{n}")))
            .cloned()
            .unwrap_or_else(|| panic!("{n} missing"))
    };
    let rate = by_name("error-rate");
    assert_eq!(rate.metrics().len(), 3);
    assert_eq!(rate.threshold(), Some(2.0));
    let band = by_name("requests-anomaly");
    assert_eq!(band.threshold_metric_id(), Some("ad1"));
    assert!(band
        .metrics()
        .iter()
        .any(|q| q.expression() == Some("ANOMALY_DETECTION_BAND(m1, 3)")));
    let billing = by_name("billing.500");
    assert_eq!(billing.namespace(), Some("AWS/Billing"));
    assert_eq!(billing.metric_name(), Some("EstimatedCharges"));
    by_name("billing.1000");
    let dashboard_name = st.resources[0].dashboards[0].clone();
    assert!(dashboard_name.starts_with("awsbaseline-") && dashboard_name.ends_with("-checkout"));

    // In sync: nothing written.
    let steady = in_sync_pass(&factory, &stats, &account, &app, &spec, &st).await;
    let st = status(Some(&st), &steady);

    // Out of band: the dashboard is edited, the band alarm becomes a static threshold, a billing threshold rises.
    cw.put_dashboard()
        .dashboard_name(&dashboard_name)
        .dashboard_body(r#"{"widgets":[]}"#)
        .send()
        .await
        .unwrap();
    cw.put_metric_alarm()
        .alarm_name(format!("{prefix}requests-anomaly"))
        .namespace("AWS/ApplicationELB")
        .metric_name("RequestCount")
        .statistic(aws_sdk_cloudwatch::types::Statistic::Sum)
        .period(300)
        .evaluation_periods(2)
        .threshold(1.0)
        .comparison_operator(aws_sdk_cloudwatch::types::ComparisonOperator::LessThanThreshold)
        .send()
        .await
        .unwrap();
    let report = report_pass(&factory, &stats, &account, &app, &spec, &st).await;
    let fields = drift_fields(&report);
    for f in [
        "dashboards.checkout.body",
        "alarms.requests-anomaly.metrics",
        "alarms.requests-anomaly.thresholdMetricId",
        "alarms.requests-anomaly.threshold",
        "alarms.requests-anomaly.comparisonOperator",
    ] {
        assert!(fields.contains(&f.to_string()), "{f} in {fields:?}");
    }
    stats.reset();
    let fixed = pass(
        &factory,
        &account,
        &app,
        &spec,
        Some(&st),
        DriftPolicy::Correct,
    )
    .await;
    no_errors(&fixed);
    assert_eq!(
        sorted_write_operations(&stats),
        ["PutDashboard", "PutMetricAlarm"]
    );
    let st = status(Some(&st), &fixed);
    let again = in_sync_pass(&factory, &stats, &account, &app, &spec, &st).await;
    let st = status(Some(&st), &again);

    // Dropped from the spec: the dashboard and the billing alarms this policy created are deleted.
    let mut smaller = spec.clone();
    smaller.dashboards.clear();
    smaller.billing_alarm = None;
    stats.reset();
    let removed = pass(
        &factory,
        &account,
        &app,
        &smaller,
        Some(&st),
        DriftPolicy::Correct,
    )
    .await;
    no_errors(&removed);
    let fields = drift_fields(&removed);
    assert!(
        fields.contains(&"dashboards.checkout.exists".to_string()),
        "{fields:?}"
    );
    assert!(
        fields.contains(&"billingAlarm.500.exists".to_string()),
        "{fields:?}"
    );
    assert_eq!(
        sorted_write_operations(&stats),
        ["DeleteAlarms", "DeleteDashboards"]
    );
    let listed = cw.list_dashboards().send().await.unwrap();
    assert!(listed.dashboard_entries().is_empty());

    // A billing alarm outside us-east-1 is refused before any AWS call.
    let mut eu = spec.clone();
    eu.regions = vec!["eu-west-1".into()];
    stats.reset();
    let refused = pass(&factory, &account, &app, &eu, None, DriftPolicy::Correct).await;
    assert_eq!(refused.pass.error_category(), Some("InvalidSpec"));
    assert_eq!(stats.count("GetCallerIdentity") + stats.writes(), 0);
}

/// PutCompositeAlarm (moto 5.2.5 lacks it): the rule names this policy's alarms by their AWS names, actions
/// resolve declared topics, tags go only on creation.
#[tokio::test]
async fn composite_alarm_is_put_with_resolved_rule_and_actions() {
    use aws_baseline_operator::api::MonitoringPolicySpec;
    use aws_baseline_operator::aws::cloudwatch;
    use aws_baseline_operator::monitoring;
    use aws_sdk_cloudwatch::operation::put_composite_alarm::PutCompositeAlarmOutput;
    use aws_sdk_cloudwatch::Client as Cw;
    use std::collections::BTreeMap;

    let spec: MonitoringPolicySpec = serde_json::from_value(serde_json::json!({
        "accountRef": {"name": "a"},
        "topics": [{"name": "ops"}],
        "alarms": [
            {"name": "alb-5xx", "namespace": "AWS/ApplicationELB", "metricName": "HTTPCode_Target_5XX_Count",
             "statistic": "Sum", "period": 60, "evaluationPeriods": 1, "threshold": 5.0,
             "comparisonOperator": "GreaterThanThreshold"},
            {"name": "latency", "namespace": "AWS/ApplicationELB", "metricName": "TargetResponseTime",
             "extendedStatistic": "p99", "period": 60, "evaluationPeriods": 1, "threshold": 1.5,
             "comparisonOperator": "GreaterThanThreshold"}],
        "compositeAlarms": [{"name": "user-facing", "rule": "ALARM(alb-5xx) AND ALARM(\"latency\") AND NOT OK(other-team-alarm)",
            "alarmTopics": ["ops"], "notifyOk": true}]
    }))
    .unwrap();
    let prefix = monitoring::prefix("web", "app");
    let composite = &monitoring::composites(&spec, &prefix)[0];
    assert_eq!(
        composite.rule,
        "ALARM(\"awsbaseline.web.app.alb-5xx\") AND ALARM(\"awsbaseline.web.app.latency\") AND NOT OK(other-team-alarm)"
    );
    let topic = "arn:aws:sns:us-east-1:123456789012:ops";
    let put = mock!(Cw::put_composite_alarm)
        .match_requests(move |r| {
            r.alarm_name() == Some("awsbaseline.web.app.user-facing")
                && r.alarm_rule()
                    .is_some_and(|x| x.contains("awsbaseline.web.app.alb-5xx"))
                && r.alarm_actions() == [topic]
                && r.ok_actions() == [topic]
                && r.tags().iter().any(|t| t.key() == Some("k"))
        })
        .then_output(|| PutCompositeAlarmOutput::builder().build());
    let client = mock_client!(aws_sdk_cloudwatch, RuleMode::MatchAny, [&put]);
    let arns = BTreeMap::from([("ops".to_string(), topic.to_string())]);
    cloudwatch::put_composite(
        &client,
        composite,
        &arns,
        Some(&[("k".to_string(), "v".to_string())]),
    )
    .await
    .unwrap();
    assert_eq!(put.num_calls(), 1);
}

/// Composite alarms against moto with `tests/moto_ext/cloudwatch_composite_ext.py` (moto 5.2.5 answers
/// PutCompositeAlarm with HTTP 500): the composite alarm is put after the metric alarms its rule names, a second pass
/// writes nothing, an out-of-band rule change is reported (Report) and put back (Correct, one PutCompositeAlarm), and
/// dropping the composite from the spec deletes it before the metric alarms it names (CloudWatch refuses the other
/// order, which the extension models).
#[tokio::test]
async fn composite_alarm_converges_drifts_and_is_removed_before_its_alarms_on_moto() {
    let moto = Moto::start();
    let (factory, stats) = moto.factory().await;
    let (mut account, app, _) = examples();
    account.regions = vec!["us-east-1".into()];
    let spec: MonitoringPolicySpec = serde_json::from_value(serde_json::json!({
        "accountRef": {"name": "sandbox"},
        "regions": ["us-east-1"],
        "topics": [{"name": "oncall"}],
        "alarms": [
            {"name": "alb-5xx", "namespace": "AWS/ApplicationELB", "metricName": "HTTPCode_Target_5XX_Count",
             "statistic": "Sum", "period": 60, "evaluationPeriods": 1, "threshold": 5.0,
             "comparisonOperator": "GreaterThanThreshold"},
            {"name": "latency", "namespace": "AWS/ApplicationELB", "metricName": "TargetResponseTime",
             "extendedStatistic": "p99", "period": 60, "evaluationPeriods": 1, "threshold": 1.5,
             "comparisonOperator": "GreaterThanThreshold"}],
        "compositeAlarms": [{"name": "user-facing", "description": "customers notice",
            "rule": "ALARM(alb-5xx) AND ALARM(\"latency\")", "alarmTopics": ["oncall"], "notifyOk": true}]
    }))
    .unwrap();
    let prefix = "awsbaseline.payments.checkout-web.";
    let composite = format!("{prefix}user-facing");
    let cw = aws_sdk_cloudwatch::Client::new(&moto.sdk_config("us-east-1").await);

    let first = pass(&factory, &account, &app, &spec, None, DriftPolicy::Correct).await;
    no_errors(&first);
    assert_eq!(stats.count("PutCompositeAlarm"), 1);
    let st = status(None, &first);
    let described = cw
        .describe_alarms()
        .alarm_names(&composite)
        .alarm_types(aws_sdk_cloudwatch::types::AlarmType::CompositeAlarm)
        .send()
        .await
        .unwrap();
    let c = &described.composite_alarms()[0];
    assert_eq!(
        c.alarm_rule(),
        Some(
            "ALARM(\"awsbaseline.payments.checkout-web.alb-5xx\") AND ALARM(\"awsbaseline.payments.checkout-web.latency\")"
        )
    );
    assert_eq!(c.alarm_description(), Some("customers notice"));
    assert_eq!(c.alarm_actions().len(), 1);
    assert_eq!(c.alarm_actions(), c.ok_actions());
    let tags = cw
        .list_tags_for_resource()
        .resource_arn(c.alarm_arn().unwrap())
        .send()
        .await
        .unwrap();
    assert!(tags
        .tags()
        .iter()
        .any(|t| t.key() == Some("awsbaseline.io/managed-by")));

    // In sync: nothing written.
    let steady = in_sync_pass(&factory, &stats, &account, &app, &spec, &st).await;
    let st = status(Some(&st), &steady);

    // Out of band: someone narrows the rule to one alarm and drops the OK notification.
    cw.put_composite_alarm()
        .alarm_name(&composite)
        .alarm_rule(format!("ALARM(\"{prefix}alb-5xx\")"))
        .alarm_description("customers notice")
        .set_alarm_actions(Some(c.alarm_actions().to_vec()))
        .send()
        .await
        .unwrap();
    let report = report_pass(&factory, &stats, &account, &app, &spec, &st).await;
    assert_eq!(
        drift_fields(&report),
        [
            "compositeAlarms.user-facing.alarmRule",
            "compositeAlarms.user-facing.okActions"
        ]
    );
    stats.reset();
    let fixed = pass(
        &factory,
        &account,
        &app,
        &spec,
        Some(&st),
        DriftPolicy::Correct,
    )
    .await;
    no_errors(&fixed);
    assert_eq!(sorted_write_operations(&stats), ["PutCompositeAlarm"]);
    let st = status(Some(&st), &fixed);
    let again = in_sync_pass(&factory, &stats, &account, &app, &spec, &st).await;
    let st = status(Some(&st), &again);

    // The composite and one alarm it names leave the spec: the composite goes first (CloudWatch refuses to delete
    // an alarm a composite still names), then the metric alarm.
    let mut smaller = spec.clone();
    smaller.composite_alarms.clear();
    smaller.alarms.retain(|a| a.name != "latency");
    stats.reset();
    let removed = pass(
        &factory,
        &account,
        &app,
        &smaller,
        Some(&st),
        DriftPolicy::Correct,
    )
    .await;
    no_errors(&removed);
    assert_eq!(sorted_write_operations(&stats), ["DeleteAlarms"]);
    let left: Vec<String> = cw
        .describe_alarms()
        .alarm_name_prefix(prefix)
        .send()
        .await
        .unwrap()
        .metric_alarms()
        .iter()
        .filter_map(|a| a.alarm_name().map(str::to_string))
        .collect();
    assert_eq!(left, [format!("{prefix}alb-5xx")]);
}
