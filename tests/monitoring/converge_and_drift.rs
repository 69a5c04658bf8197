//! The application and CIS examples converge, a second pass writes nothing and reads alarms in one batch, out-of-band
//! drift on every kind of object is reported field by field (with CIS control IDs) and corrected with exactly the
//! needed writes; Report never writes.

use super::*;

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
        assert!(!status_changed(
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
        sorted_write_operations(&stats),
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
