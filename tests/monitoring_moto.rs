//! MonitoringPolicy engine against moto's server with the real aws-sdk-rust clients: the application and CIS
//! examples converge, a second pass writes nothing and reads alarms in one batch, out-of-band drift on every kind
//! of object is reported field by field (with CIS control IDs) and corrected with exactly the needed writes,
//! Report never writes, removal from the spec and deletion touch only what tags prove the policy created.

use crate::support;

use aws_baseline_operator::api::aws_account::AwsAccountSpec;
use aws_baseline_operator::api::common::{ComponentState, DeletionPolicy, DriftPolicy, Owner};
use aws_baseline_operator::api::{MonitoringPolicy, MonitoringPolicySpec, MonitoringPolicyStatus};
use aws_baseline_operator::aws::AwsFactory;
use aws_baseline_operator::engine::monitoring::{cleanup, run, MonitoringInput, MonitoringReport};
use aws_baseline_operator::engine::status::{monitoring_status, monitoring_status_changed};
use aws_baseline_operator::manifests;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::Time;
use std::collections::BTreeMap;
use std::path::PathBuf;
use std::time::Duration;
use support::Moto;

static NO_LABELS: BTreeMap<String, String> = BTreeMap::new();

fn examples() -> (AwsAccountSpec, MonitoringPolicy, MonitoringPolicy) {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("examples");
    let m = manifests::load(&[
        root.join("aws-account.yaml"),
        root.join("monitoring-application.yaml"),
        root.join("monitoring-security.yaml"),
    ])
    .unwrap();
    assert_eq!(m.monitoring.len(), 2);
    let app = m.monitoring[0].clone();
    let cis = m.monitoring[1].clone();
    assert_eq!(app.metadata.name.as_deref(), Some("checkout-web"));
    (m.accounts[0].spec.clone(), app, cis)
}

fn owner(p: &MonitoringPolicy) -> Owner {
    let ns = p.metadata.namespace.clone().unwrap();
    let name = p.metadata.name.clone().unwrap();
    Owner {
        kind: "MonitoringPolicy".into(),
        name: format!("{ns}/{name}"),
        uid: format!("uid-{name}"),
    }
}

fn input<'a>(
    account: &'a AwsAccountSpec,
    p: &'a MonitoringPolicy,
    spec: &'a MonitoringPolicySpec,
    previous: Option<&'a MonitoringPolicyStatus>,
    mode: DriftPolicy,
) -> MonitoringInput<'a> {
    MonitoringInput {
        spec,
        account,
        owner: owner(p),
        namespace: p.metadata.namespace.as_deref().unwrap(),
        name: p.metadata.name.as_deref().unwrap(),
        namespace_labels: &NO_LABELS,
        previous,
        mode,
        alarm_write_interval: Duration::ZERO,
    }
}

async fn pass(
    f: &AwsFactory,
    account: &AwsAccountSpec,
    p: &MonitoringPolicy,
    spec: &MonitoringPolicySpec,
    previous: Option<&MonitoringPolicyStatus>,
    mode: DriftPolicy,
) -> MonitoringReport {
    run(f, &input(account, p, spec, previous, mode)).await
}

/// The status a controller would write after `r` (also used by `insights_moto`).
pub(crate) fn status(
    previous: Option<&MonitoringPolicyStatus>,
    r: &MonitoringReport,
) -> MonitoringPolicyStatus {
    monitoring_status(
        previous,
        r,
        Some(1),
        &Time("2026-11-23T10:00:00Z".parse().unwrap()),
    )
}

fn drift_fields(r: &MonitoringReport) -> Vec<String> {
    let mut v: Vec<String> = r
        .pass
        .outcomes
        .iter()
        .flat_map(|o| o.drift.iter().map(|d| d.field.clone()))
        .collect();
    v.sort();
    v
}

/// Mutating operations called (without the service), sorted.
fn write_ops(stats: &aws_baseline_operator::aws::CallStats) -> Vec<String> {
    let mut v: Vec<String> = stats
        .write_operations()
        .iter()
        .map(|w| w.rsplit(':').next().unwrap_or_default().to_string())
        .collect();
    v.sort();
    v
}

fn no_errors(r: &MonitoringReport) {
    assert!(
        r.pass.error_category().is_none(),
        "{:#?}",
        r.pass
            .outcomes
            .iter()
            .filter(|o| o.error.is_some())
            .collect::<Vec<_>>()
    );
}

#[tokio::test]
async fn examples_converge_then_steady_passes_write_nothing_and_read_alarms_in_one_batch() {
    let moto = Moto::start();
    let (factory, stats) = moto.factory().await;
    let (account, app, cis) = examples();

    let mut statuses = Vec::new();
    for p in [&app, &cis] {
        let first = pass(&factory, &account, p, &p.spec, None, DriftPolicy::Correct).await;
        no_errors(&first);
        assert!(
            first
                .pass
                .outcomes
                .iter()
                .all(|o| o.state == ComponentState::Created),
            "{:#?}",
            first.pass.outcomes
        );
        statuses.push(status(None, &first));
    }
    // AWS holds it: 3 app alarms + 15 CIS alarms, 15 filters on the trail group, topics tagged with the owner.
    let cw = aws_sdk_cloudwatch::Client::new(&moto.sdk_config("us-east-1").await);
    let cis_alarms = cw
        .describe_alarms()
        .alarm_name_prefix("awsbaseline.payments.cis-monitoring.cis.")
        .send()
        .await
        .unwrap();
    assert_eq!(cis_alarms.metric_alarms().len(), 15);
    let root = cis_alarms
        .metric_alarms()
        .iter()
        .find(|a| {
            a.alarm_name() == Some("awsbaseline.payments.cis-monitoring.cis.rootAccountUsage")
        })
        .unwrap();
    assert_eq!(root.threshold(), Some(1.0));
    assert_eq!(root.period(), Some(300));
    assert_eq!(root.treat_missing_data(), Some("notBreaching"));
    assert_eq!(
        root.alarm_actions(),
        ["arn:aws:sns:us-east-1:123456789012:security-findings".to_string()]
    );
    let logs = aws_sdk_cloudwatchlogs::Client::new(&moto.sdk_config("us-east-1").await);
    let filters = logs
        .describe_metric_filters()
        .log_group_name("/aws/cloudtrail/org-audit-trail")
        .send()
        .await
        .unwrap();
    assert_eq!(filters.metric_filters().len(), 15);
    let eu_cw = aws_sdk_cloudwatch::Client::new(&moto.sdk_config("eu-west-1").await);
    let app_alarms = eu_cw
        .describe_alarms()
        .alarm_name_prefix("awsbaseline.payments.checkout-web.")
        .send()
        .await
        .unwrap();
    let p99 = app_alarms
        .metric_alarms()
        .iter()
        .find(|a| a.alarm_name() == Some("awsbaseline.payments.checkout-web.latency-p99"))
        .unwrap();
    assert_eq!(p99.extended_statistic(), Some("p99"));
    let tags = eu_cw
        .list_tags_for_resource()
        .resource_arn(p99.alarm_arn().unwrap())
        .send()
        .await
        .unwrap();
    assert!(tags
        .tags()
        .iter()
        .any(|t| t.key() == Some("awsbaseline.io/owner-uid")
            && t.value() == Some("uid-checkout-web")));

    // Further passes with the stored status: zero writes; one DescribeAlarms per policy and region. The first
    // of them moves states from Created to InSync (one status write), the next one changes nothing.
    for (p, first) in [&app, &cis].into_iter().zip(&statuses) {
        let second = pass(
            &factory,
            &account,
            p,
            &p.spec,
            Some(first),
            DriftPolicy::Correct,
        )
        .await;
        no_errors(&second);
        let previous = &status(Some(first), &second);
        stats.reset();
        let again = pass(
            &factory,
            &account,
            p,
            &p.spec,
            Some(previous),
            DriftPolicy::Correct,
        )
        .await;
        no_errors(&again);
        assert!(
            again
                .pass
                .outcomes
                .iter()
                .all(|o| o.state == ComponentState::InSync),
            "{:#?}",
            again.pass.outcomes
        );
        assert_eq!(stats.writes(), 0, "{:?}", stats.write_operations());
        assert_eq!(stats.count("DescribeAlarms"), 1);
        assert_eq!(
            stats.count("ListTagsForResource"),
            0,
            "tags are not re-read in steady state"
        );
        assert!(!monitoring_status_changed(
            Some(previous),
            &status(Some(previous), &again)
        ));
    }
    // Without status (the CLI): still zero writes.
    stats.reset();
    let fresh = pass(
        &factory,
        &account,
        &cis,
        &cis.spec,
        None,
        DriftPolicy::Correct,
    )
    .await;
    no_errors(&fresh);
    assert_eq!(stats.writes(), 0, "{:?}", stats.write_operations());
}

#[tokio::test]
async fn out_of_band_drift_is_reported_with_controls_then_corrected_exactly() {
    let moto = Moto::start();
    let (factory, stats) = moto.factory().await;
    let (account, app, cis) = examples();
    let first_app = pass(
        &factory,
        &account,
        &app,
        &app.spec,
        None,
        DriftPolicy::Correct,
    )
    .await;
    let first_cis = pass(
        &factory,
        &account,
        &cis,
        &cis.spec,
        None,
        DriftPolicy::Correct,
    )
    .await;
    no_errors(&first_app);
    no_errors(&first_cis);
    let (app_status, cis_status) = (status(None, &first_app), status(None, &first_cis));

    // Tamper: raise an alarm threshold, drop a CIS filter, shorten retention, remove a topic's encryption.
    let eu = moto.sdk_config("eu-west-1").await;
    let us = moto.sdk_config("us-east-1").await;
    aws_sdk_cloudwatch::Client::new(&eu)
        .put_metric_alarm()
        .alarm_name("awsbaseline.payments.checkout-web.alb-5xx")
        .namespace("AWS/ApplicationELB")
        .metric_name("HTTPCode_Target_5XX_Count")
        .dimensions(
            aws_sdk_cloudwatch::types::Dimension::builder()
                .name("LoadBalancer")
                .value("app/checkout/50dc6c495c0c9188")
                .build(),
        )
        .statistic(aws_sdk_cloudwatch::types::Statistic::Sum)
        .period(60)
        .evaluation_periods(5)
        .datapoints_to_alarm(3)
        .threshold(500.0)
        .comparison_operator(aws_sdk_cloudwatch::types::ComparisonOperator::GreaterThanThreshold)
        .treat_missing_data("notBreaching")
        .alarm_description("Checkout returns server errors to users")
        .alarm_actions("arn:aws:sns:eu-west-1:123456789012:checkout-oncall")
        .ok_actions("arn:aws:sns:eu-west-1:123456789012:checkout-oncall")
        .send()
        .await
        .unwrap();
    let logs = aws_sdk_cloudwatchlogs::Client::new(&us);
    logs.delete_metric_filter()
        .log_group_name("/aws/cloudtrail/org-audit-trail")
        .filter_name("awsbaseline.payments.cis-monitoring.cis.rootAccountUsage")
        .send()
        .await
        .unwrap();
    logs.put_retention_policy()
        .log_group_name("/aws/cloudtrail/org-audit-trail")
        .retention_in_days(7)
        .send()
        .await
        .unwrap();
    aws_sdk_sns::Client::new(&eu)
        .set_topic_attributes()
        .topic_arn("arn:aws:sns:eu-west-1:123456789012:checkout-oncall")
        .attribute_name("KmsMasterKeyId")
        .attribute_value("")
        .send()
        .await
        .unwrap();

    // Report: field-level drift, no write.
    stats.reset();
    let app_report = pass(
        &factory,
        &account,
        &app,
        &app.spec,
        Some(&app_status),
        DriftPolicy::Report,
    )
    .await;
    let cis_report = pass(
        &factory,
        &account,
        &cis,
        &cis.spec,
        Some(&cis_status),
        DriftPolicy::Report,
    )
    .await;
    assert_eq!(stats.writes(), 0, "{:?}", stats.write_operations());
    assert_eq!(
        drift_fields(&app_report),
        vec![
            "alarms.alb-5xx.threshold",
            "topics.checkout-oncall.kmsMasterKeyId"
        ]
    );
    assert_eq!(
        drift_fields(&cis_report),
        vec![
            "cisAwsFoundations.rootAccountUsage.filter.exists",
            "logGroups./aws/cloudtrail/org-audit-trail.retentionInDays"
        ]
    );
    let threshold = app_report
        .pass
        .outcomes
        .iter()
        .flat_map(|o| &o.drift)
        .find(|d| d.field == "alarms.alb-5xx.threshold")
        .unwrap();
    assert_eq!(
        (threshold.desired.as_f64(), threshold.actual.as_f64()),
        (Some(10.0), Some(500.0))
    );
    let st = status(Some(&cis_status), &cis_report);
    let entry = st
        .common
        .drift
        .iter()
        .find(|d| d.field == "cisAwsFoundations.rootAccountUsage.filter.exists")
        .unwrap();
    assert_eq!(entry.controls, vec!["CloudWatch.1", "CIS 4.3"]);
    assert!(st
        .common
        .conditions
        .iter()
        .any(|c| c.type_ == "Drifted" && c.status == "True"));

    // Correct: exactly the needed writes.
    stats.reset();
    let fixed_app = pass(
        &factory,
        &account,
        &app,
        &app.spec,
        Some(&app_status),
        DriftPolicy::Correct,
    )
    .await;
    let fixed_cis = pass(
        &factory,
        &account,
        &cis,
        &cis.spec,
        Some(&cis_status),
        DriftPolicy::Correct,
    )
    .await;
    no_errors(&fixed_app);
    no_errors(&fixed_cis);
    assert_eq!(
        write_ops(&stats),
        vec![
            "PutMetricAlarm",
            "PutMetricFilter",
            "PutRetentionPolicy",
            "SetTopicAttributes"
        ]
    );
    stats.reset();
    let after = pass(
        &factory,
        &account,
        &app,
        &app.spec,
        Some(&app_status),
        DriftPolicy::Correct,
    )
    .await;
    let after_cis = pass(
        &factory,
        &account,
        &cis,
        &cis.spec,
        Some(&cis_status),
        DriftPolicy::Correct,
    )
    .await;
    assert!(drift_fields(&after).is_empty() && drift_fields(&after_cis).is_empty());
    assert_eq!(stats.writes(), 0);
}

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
    assert_eq!(write_ops(&stats), vec!["DeleteAlarms"]);
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

#[tokio::test]
async fn a_namespace_the_account_does_not_allow_gets_account_not_allowed_and_no_aws_call() {
    let moto = Moto::start();
    let (factory, stats) = moto.factory().await;
    let (account, mut app, _) = examples();
    app.metadata.namespace = Some("marketing".into());
    let report = pass(
        &factory,
        &account,
        &app,
        &app.spec,
        None,
        DriftPolicy::Correct,
    )
    .await;
    assert_eq!(report.pass.error_category(), Some("AccountNotAllowed"));
    assert_eq!(stats.reads() + stats.writes(), 0);
}

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
    stats.reset();
    let steady = pass(
        &factory,
        &account,
        &app,
        &spec,
        Some(&st),
        DriftPolicy::Correct,
    )
    .await;
    no_errors(&steady);
    assert_eq!(drift_fields(&steady), Vec::<String>::new());
    assert_eq!(stats.writes(), 0, "{:?}", stats.write_operations());
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
    stats.reset();
    let report = pass(
        &factory,
        &account,
        &app,
        &spec,
        Some(&st),
        DriftPolicy::Report,
    )
    .await;
    assert_eq!(stats.writes(), 0, "Report never writes");
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
    assert_eq!(write_ops(&stats), ["PutDashboard", "PutMetricAlarm"]);
    let st = status(Some(&st), &fixed);
    stats.reset();
    let again = pass(
        &factory,
        &account,
        &app,
        &spec,
        Some(&st),
        DriftPolicy::Correct,
    )
    .await;
    assert_eq!(drift_fields(&again), Vec::<String>::new());
    assert_eq!(stats.writes(), 0);
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
    assert_eq!(write_ops(&stats), ["DeleteAlarms", "DeleteDashboards"]);
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

#[tokio::test]
async fn finding_routes_and_scheduled_actions_converge_drift_and_are_removed_by_ownership() {
    let moto = Moto::start();
    let (factory, stats) = moto.factory().await;
    let (mut account, app, _) = examples();
    account.regions = vec!["us-east-1".into()];
    account
        .passable_roles
        .push("arn:aws:iam::123456789012:role/events-ssm".into());
    let mut spec: MonitoringPolicySpec = serde_json::from_value(serde_json::json!({
        "accountRef": {"name": "sandbox"},
        "regions": ["us-east-1"],
        "topics": [{"name": "security", "policyStatements": [{"Sid": "CrossAccountSubscribe", "Effect": "Allow",
            "Principal": {"AWS": "arn:aws:iam::210987654321:root"}, "Action": "sns:Subscribe"}]}],
        "logGroups": [{"name": "/app/checkout", "retentionInDays": 30,
            "kmsKeyId": "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"}],
        "findingRoutes": [
            {"name": "guardduty", "source": "guardDuty", "topic": "security", "minSeverity": 7.0},
            {"name": "hub", "source": "securityHub", "topic": "security"}],
        "scheduledActions": [
            {"name": "restart", "schedule": "cron(0 3 ? * SUN *)",
             "roleArn": "arn:aws:iam::123456789012:role/events-ssm",
             "automation": {"documentName": "AWS-RestartEC2Instance", "parameters": {"InstanceId": ["i-0123456789abcdef0"]}}},
            {"name": "flush", "schedule": "rate(1 day)",
             "roleArn": "arn:aws:iam::123456789012:role/events-ssm",
             "runCommand": {"documentName": "AWS-RunShellScript",
                "parameters": {"commands": ["systemctl restart checkout"]},
                "targets": [{"key": "tag:app", "values": ["checkout"]}]}}]
    }))
    .unwrap();

    let first = pass(&factory, &account, &app, &spec, None, DriftPolicy::Correct).await;
    no_errors(&first);
    assert!(
        first
            .pass
            .outcomes
            .iter()
            .all(|o| o.state == ComponentState::Created),
        "{:#?}",
        first.pass.outcomes
    );
    let st = status(None, &first);
    assert_eq!(st.resources[0].event_rules, 4);

    // AWS holds the rules with our target, the topic lets EventBridge publish, the log group is encrypted.
    let conf = moto.sdk_config("us-east-1").await;
    let events = aws_sdk_eventbridge::Client::new(&conf);
    let sns = aws_sdk_sns::Client::new(&conf);
    let logs = aws_sdk_cloudwatchlogs::Client::new(&conf);
    let sp = aws_baseline_operator::monitoring::short_prefix("payments", "checkout-web");
    let rules = events.list_rules().name_prefix(&sp).send().await.unwrap();
    assert_eq!(rules.rules().len(), 4);
    let gd = rules
        .rules()
        .iter()
        .find(|r| r.name() == Some(&format!("{sp}route-guardduty")))
        .unwrap();
    let pattern: serde_json::Value = serde_json::from_str(gd.event_pattern().unwrap()).unwrap();
    assert_eq!(pattern["source"], serde_json::json!(["aws.guardduty"]));
    assert_eq!(
        pattern["detail"]["severity"],
        serde_json::json!([{"numeric": [">=", 7.0]}])
    );
    let topic_arn = "arn:aws:sns:us-east-1:123456789012:security";
    let gd_targets = events
        .list_targets_by_rule()
        .rule(gd.name().unwrap())
        .send()
        .await
        .unwrap();
    let t = &gd_targets.targets()[0];
    assert_eq!(t.arn(), topic_arn);
    assert!(t
        .input_transformer()
        .unwrap()
        .input_template()
        .contains("GuardDuty finding <type>"));
    let restart = events
        .list_targets_by_rule()
        .rule(format!("{sp}sched-restart"))
        .send()
        .await
        .unwrap();
    let t = &restart.targets()[0];
    assert_eq!(
        t.arn(),
        "arn:aws:ssm:us-east-1:123456789012:automation-definition/AWS-RestartEC2Instance:$DEFAULT"
    );
    assert_eq!(
        t.role_arn(),
        Some("arn:aws:iam::123456789012:role/events-ssm")
    );
    let flush = events
        .list_targets_by_rule()
        .rule(format!("{sp}sched-flush"))
        .send()
        .await
        .unwrap();
    let rc = flush.targets()[0].run_command_parameters().unwrap();
    assert_eq!(rc.run_command_targets()[0].key(), "tag:app");
    let policy_of =
        |attrs: aws_sdk_sns::operation::get_topic_attributes::GetTopicAttributesOutput| {
            serde_json::from_str::<serde_json::Value>(&attrs.attributes().unwrap()["Policy"])
                .unwrap()
        };
    let policy = policy_of(
        sns.get_topic_attributes()
            .topic_arn(topic_arn)
            .send()
            .await
            .unwrap(),
    );
    let statements = policy["Statement"].as_array().unwrap();
    assert!(
        statements.len() >= 2,
        "the default statement is kept: {policy}"
    );
    assert!(statements.iter().any(
        |s| s["Principal"]["Service"] == "events.amazonaws.com" && s["Action"] == "sns:Publish"
    ));
    let declared = statements
        .iter()
        .find(|s| s["Sid"] == "awsbaseline-CrossAccountSubscribe")
        .expect("declared statement");
    assert_eq!(declared["Resource"], topic_arn);
    assert_eq!(declared["Action"], "sns:Subscribe");
    let group = logs
        .describe_log_groups()
        .log_group_name_prefix("/app/checkout")
        .send()
        .await
        .unwrap();
    assert!(group.log_groups()[0]
        .kms_key_id()
        .unwrap()
        .ends_with("key/1234abcd-12ab-34cd-56ef-1234567890ab"));

    // In sync: nothing written; one ListRules, one ListTargetsByRule per rule, no tag reads.
    stats.reset();
    let steady = pass(
        &factory,
        &account,
        &app,
        &spec,
        Some(&st),
        DriftPolicy::Correct,
    )
    .await;
    no_errors(&steady);
    assert_eq!(drift_fields(&steady), Vec::<String>::new());
    assert_eq!(stats.writes(), 0, "{:?}", stats.write_operations());
    assert_eq!(stats.count("ListRules"), 1);
    assert_eq!(stats.count("ListTargetsByRule"), 4);
    assert_eq!(stats.count("ListTagsForResource"), 0);
    let st = status(Some(&st), &steady);

    // Out of band: a route is disabled, a runbook's parameters are changed, the topic policy loses our statement.
    events
        .disable_rule()
        .name(format!("{sp}route-guardduty"))
        .send()
        .await
        .unwrap();
    events
        .put_targets()
        .rule(format!("{sp}sched-restart"))
        .targets(
            aws_sdk_eventbridge::types::Target::builder()
                .id("awsbaseline")
                .arn(restart.targets()[0].arn())
                .role_arn("arn:aws:iam::123456789012:role/events-ssm")
                .input(r#"{"InstanceId":["i-0badbadbadbadbad0"]}"#)
                .build()
                .unwrap(),
        )
        .send()
        .await
        .unwrap();
    let without_ours =
        aws_baseline_operator::monitoring::rules::with_statement(Some(&policy), None);
    sns.set_topic_attributes()
        .topic_arn(topic_arn)
        .attribute_name("Policy")
        .attribute_value(without_ours.to_string())
        .send()
        .await
        .unwrap();
    // And a log group someone created unencrypted is declared with a key (Report only: moto lacks
    // AssociateKmsKey, whose request is checked in aws_mocks).
    logs.create_log_group()
        .log_group_name("/app/legacy")
        .send()
        .await
        .unwrap();
    let mut declared = spec.clone();
    let mut legacy = declared.log_groups[0].clone();
    legacy.name = "/app/legacy".into();
    declared.log_groups.push(legacy);
    stats.reset();
    let report = pass(
        &factory,
        &account,
        &app,
        &declared,
        Some(&st),
        DriftPolicy::Report,
    )
    .await;
    no_errors(&report);
    assert_eq!(stats.writes(), 0, "Report never writes");
    assert_eq!(
        drift_fields(&report),
        [
            "findingRoutes.guardduty.state",
            "logGroups./app/legacy.kmsKeyId",
            "logGroups./app/legacy.retentionInDays",
            "scheduledActions.restart.target.input",
            "topics.security.eventBridgePublish",
        ]
    );
    let st = status(Some(&st), &report);
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
        write_ops(&stats),
        ["PutRule", "PutTargets", "SetTopicAttributes"],
        "only what drifted is written"
    );
    let st = status(Some(&st), &fixed);
    stats.reset();
    let again = pass(
        &factory,
        &account,
        &app,
        &spec,
        Some(&st),
        DriftPolicy::Correct,
    )
    .await;
    no_errors(&again);
    assert_eq!(stats.writes(), 0, "{:?}", stats.write_operations());
    let st = status(Some(&st), &again);

    // A rule under the prefix that this policy did not create (no tags) is never touched.
    events
        .put_rule()
        .name(format!("{sp}route-foreign"))
        .schedule_expression("rate(1 hour)")
        .send()
        .await
        .unwrap();
    // Routes and one scheduled action leave the spec: their rules are deleted, the topic statement removed.
    spec.finding_routes.clear();
    spec.topics[0].policy_statements.clear();
    spec.scheduled_actions.retain(|a| a.name == "flush");
    stats.reset();
    let removed = pass(
        &factory,
        &account,
        &app,
        &spec,
        Some(&st),
        DriftPolicy::Correct,
    )
    .await;
    no_errors(&removed);
    assert_eq!(
        drift_fields(&removed),
        [
            "findingRoutes.guardduty.exists",
            "findingRoutes.hub.exists",
            "scheduledActions.restart.exists",
            "topics.security.eventBridgePublish",
            "topics.security.policyStatements.CrossAccountSubscribe",
        ]
    );
    assert_eq!(stats.count("SetTopicAttributes"), 1, "one policy write");
    assert_eq!(
        write_ops(&stats),
        ["DeleteRule", "RemoveTargets", "SetTopicAttributes"]
    );
    assert_eq!(
        (stats.count("RemoveTargets"), stats.count("DeleteRule")),
        (3, 3)
    );
    // Tags are read only for rules the spec does not declare: the three removed ones and the foreign one.
    assert_eq!(stats.count("ListTagsForResource"), 4);
    let mut names: Vec<String> = events
        .list_rules()
        .name_prefix(&sp)
        .send()
        .await
        .unwrap()
        .rules()
        .iter()
        .filter_map(|r| r.name().map(str::to_string))
        .collect();
    names.sort();
    assert_eq!(
        names,
        [format!("{sp}route-foreign"), format!("{sp}sched-flush")]
    );
    let policy = policy_of(
        sns.get_topic_attributes()
            .topic_arn(topic_arn)
            .send()
            .await
            .unwrap(),
    );
    assert!(aws_baseline_operator::monitoring::rules::managed_statements(Some(&policy)).is_empty());
    assert!(
        !policy["Statement"].as_array().unwrap().is_empty(),
        "the default statement stays"
    );
    let st = status(Some(&st), &removed);

    // Deleting the policy removes its remaining rule and the topic; the foreign rule stays.
    let mut p = app.clone();
    p.spec = spec.clone();
    p.spec.deletion_policy = DeletionPolicy::Delete;
    let report = cleanup(
        &factory,
        &input(&account, &p, &p.spec, Some(&st), DriftPolicy::Correct),
    )
    .await
    .unwrap();
    assert!(report.errors.is_empty(), "{:?}", report.errors);
    assert!(
        report
            .actions
            .iter()
            .any(|a| a == "deleted 1 EventBridge rule(s) in us-east-1"),
        "{:?}",
        report.actions
    );
    let left = events.list_rules().name_prefix(&sp).send().await.unwrap();
    assert_eq!(left.rules().len(), 1);
}

#[tokio::test]
async fn a_topic_policy_statement_without_a_sid_is_invalid_spec_before_any_aws_call() {
    let moto = Moto::start();
    let (factory, stats) = moto.factory().await;
    let (account, app, _) = examples();
    let mut spec = app.spec.clone();
    spec.topics[0].policy_statements =
        vec![serde_json::json!({"Effect": "Allow", "Action": "sns:Publish"})];
    stats.reset();
    let r = pass(&factory, &account, &app, &spec, None, DriftPolicy::Correct).await;
    let fatal = r.pass.fatal.as_ref().expect("fatal");
    assert!(
        fatal.to_string().contains(
            "topics.checkout-oncall.policyStatements: every policy statement needs a Sid"
        ),
        "{fatal}"
    );
    assert_eq!(stats.reads() + stats.writes(), 0);
}

async fn groups_of(logs: &aws_sdk_cloudwatchlogs::Client) -> Vec<String> {
    logs.describe_log_groups()
        .send()
        .await
        .unwrap()
        .log_groups()
        .iter()
        .filter_map(|g| g.log_group_name().map(str::to_string))
        .collect()
}

/// What a tenant names in its policy is never made less safe by omission: another team's topic is taken over only
/// when its owner tagged it for the tenant's namespace, an encrypted topic declared without `kmsMasterKeyId` stays
/// encrypted, and a log group keeping its events longer is not shortened (deleting audit logs) unless the policy
/// says `allowRetentionDecrease: true`.
#[tokio::test]
async fn security_settings_of_named_resources_are_never_weakened_by_omission() {
    let moto = Moto::start();
    let (factory, stats) = moto.factory().await;
    let (account, app, _) = examples();
    let eu = moto.sdk_config("eu-west-1").await;
    let sns = aws_sdk_sns::Client::new(&eu);
    // Another team's topic: its owner lets namespace `payments` manage it.
    sns.create_topic()
        .name("security-alerts")
        .attributes("KmsMasterKeyId", "alias/aws/sns")
        .tags(
            aws_sdk_sns::types::Tag::builder()
                .key("awsbaseline.io/adoptable-by")
                .value("payments")
                .build()
                .unwrap(),
        )
        .send()
        .await
        .unwrap();
    // And one whose owner did not: not this tenant's to subscribe to or open with policy statements.
    sns.create_topic()
        .name("billing-team")
        .send()
        .await
        .unwrap();
    let theirs: MonitoringPolicySpec = serde_json::from_value(serde_json::json!({
        "accountRef": {"name": "sandbox"},
        "regions": ["eu-west-1"],
        "topics": [{"name": "billing-team", "subscriptions": [{"protocol": "email", "endpoint": "me@example.com"}]}]
    }))
    .unwrap();
    let r = pass(
        &factory,
        &account,
        &app,
        &theirs,
        None,
        DriftPolicy::Correct,
    )
    .await;
    let refused: Vec<String> = r
        .pass
        .errors()
        .map(|o| o.error.as_ref().unwrap().to_string())
        .collect();
    assert!(
        refused.len() == 1
            && refused[0].contains("topic billing-team exists and belongs to neither"),
        "{refused:?}"
    );
    assert!(
        stats.write_operations().is_empty(),
        "{:?}",
        stats.write_operations()
    );
    let logs = aws_sdk_cloudwatchlogs::Client::new(&eu);
    logs.create_log_group()
        .log_group_name("/audit/trail")
        .send()
        .await
        .unwrap();
    logs.put_retention_policy()
        .log_group_name("/audit/trail")
        .retention_in_days(365)
        .send()
        .await
        .unwrap();
    let mut spec: MonitoringPolicySpec = serde_json::from_value(serde_json::json!({
        "accountRef": {"name": "sandbox"},
        "regions": ["eu-west-1"],
        "topics": [{"name": "security-alerts"}],
        "logGroups": [{"name": "/audit/trail", "retentionInDays": 7}]
    }))
    .unwrap();
    let r = pass(&factory, &account, &app, &spec, None, DriftPolicy::Correct).await;
    assert!(
        !drift_fields(&r)
            .iter()
            .any(|f| f.contains("kmsMasterKeyId")),
        "{:?}",
        drift_fields(&r)
    );
    let failed: Vec<String> = r
        .pass
        .errors()
        .map(|o| o.error.as_ref().unwrap().to_string())
        .collect();
    assert_eq!(failed.len(), 1, "{failed:?}");
    assert!(
        failed[0].contains("from 365 days to 7 days")
            && failed[0].contains("allowRetentionDecrease"),
        "{failed:?}"
    );
    assert!(!write_ops(&stats).contains(&"PutRetentionPolicy".to_string()));
    let retention = || async {
        logs.describe_log_groups()
            .log_group_name_prefix("/audit/trail")
            .send()
            .await
            .unwrap()
            .log_groups()[0]
            .retention_in_days()
    };
    assert_eq!(retention().await, Some(365));
    let attrs = sns
        .get_topic_attributes()
        .topic_arn(format!(
            "arn:aws:sns:eu-west-1:{}:security-alerts",
            support::ACCOUNT
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(
        attrs
            .attributes()
            .and_then(|a| a.get("KmsMasterKeyId"))
            .map(String::as_str),
        Some("alias/aws/sns"),
        "still encrypted"
    );

    // Said explicitly: applied.
    spec.log_groups[0].allow_retention_decrease = true;
    let r = pass(&factory, &account, &app, &spec, None, DriftPolicy::Correct).await;
    no_errors(&r);
    assert_eq!(retention().await, Some(7));
}

/// A role the AwsAccount does not list in `passableRoles` is refused before any AWS call: a tenant cannot make the
/// operator hand a powerful role to EventBridge (or SSM, or EKS) that it could not pass itself.
#[tokio::test]
async fn a_role_the_account_does_not_let_tenants_pass_is_refused_before_any_call() {
    let moto = Moto::start();
    let (factory, stats) = moto.factory().await;
    let (account, app, _) = examples();
    let mut spec = app.spec.clone();
    spec.scheduled_actions[0].role_arn = "arn:aws:iam::123456789012:role/OrganizationAdmin".into();
    let r = pass(&factory, &account, &app, &spec, None, DriftPolicy::Correct).await;
    let e = r.pass.fatal.as_ref().expect("refused");
    assert_eq!(e.category(), "RoleNotAllowed");
    assert!(
        e.to_string().contains("role/OrganizationAdmin") && e.to_string().contains("passableRoles"),
        "{e}"
    );
    assert_eq!(stats.reads() + stats.writes(), 0, "no AWS call");
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
