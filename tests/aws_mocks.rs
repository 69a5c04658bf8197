//! Operations moto lacks, and failure modes it cannot produce, tested with aws-smithy-mocks. The real SDK
//! still serialises requests (and, for HTTP responses, deserialises them).

use aws_baseline_operator::aws::{ec2, ErrorCategory};
use aws_sdk_ec2::operation::get_ebs_default_kms_key_id::GetEbsDefaultKmsKeyIdOutput;
use aws_sdk_ec2::operation::modify_ebs_default_kms_key_id::ModifyEbsDefaultKmsKeyIdOutput;
use aws_sdk_ec2::Client as Ec2;
use aws_smithy_mocks::{mock, mock_client, RuleMode};
use aws_smithy_runtime_api::client::orchestrator::HttpResponse;
use aws_smithy_runtime_api::http::StatusCode;
use aws_smithy_types::body::SdkBody;

const KEY: &str = "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab";

fn ec2_error(status: u16, code: &str, message: &str) -> HttpResponse {
    let body = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Response><Errors><Error><Code>{code}</Code><Message>{message}</Message></Error></Errors><RequestID>r-1</RequestID></Response>"
    );
    HttpResponse::new(StatusCode::try_from(status).unwrap(), SdkBody::from(body))
}

#[tokio::test]
async fn ebs_default_kms_key_is_read_and_modified() {
    let get = mock!(Ec2::get_ebs_default_kms_key_id).then_output(|| {
        GetEbsDefaultKmsKeyIdOutput::builder()
            .kms_key_id(KEY)
            .build()
    });
    let modify = mock!(Ec2::modify_ebs_default_kms_key_id)
        .match_requests(|r| r.kms_key_id() == Some("alias/ebs-default"))
        .then_output(|| {
            ModifyEbsDefaultKmsKeyIdOutput::builder()
                .kms_key_id("alias/ebs-default")
                .build()
        });
    let client = mock_client!(aws_sdk_ec2, RuleMode::MatchAny, &[&get, &modify]);
    assert_eq!(
        ec2::default_kms_key(&client).await.unwrap().as_deref(),
        Some(KEY)
    );
    ec2::set_default_kms_key(&client, "alias/ebs-default")
        .await
        .unwrap();
    assert_eq!((get.num_calls(), modify.num_calls()), (1, 1));
}

#[tokio::test]
async fn access_denied_names_the_operation() {
    let denied = mock!(Ec2::modify_ebs_default_kms_key_id).then_http_response(|| {
        ec2_error(
            403,
            "UnauthorizedOperation",
            "You are not authorized to perform this operation.",
        )
    });
    let client = mock_client!(aws_sdk_ec2, RuleMode::MatchAny, &[&denied]);
    let err = ec2::set_default_kms_key(&client, "alias/x")
        .await
        .unwrap_err();
    assert_eq!(err.category, ErrorCategory::AccessDenied);
    assert_eq!(err.code.as_deref(), Some("UnauthorizedOperation"));
    assert!(
        err.to_string()
            .starts_with("ec2:ModifyEbsDefaultKmsKeyId failed (AccessDenied"),
        "{err}"
    );
}

#[tokio::test]
async fn invalid_key_is_invalid_input() {
    let bad = mock!(Ec2::modify_ebs_default_kms_key_id)
        .then_http_response(|| ec2_error(400, "InvalidParameterValue", "Invalid KMS key"));
    let client = mock_client!(aws_sdk_ec2, RuleMode::MatchAny, &[&bad]);
    let err = ec2::set_default_kms_key(&client, "nope").await.unwrap_err();
    assert_eq!(err.category, ErrorCategory::InvalidInput);
    assert!(!err.category.is_retryable());
}

#[tokio::test]
async fn throttling_is_retried_inside_the_call() {
    let throttled_then_ok = mock!(Ec2::get_ebs_encryption_by_default)
        .sequence()
        .http_response(|| ec2_error(503, "RequestLimitExceeded", "Request limit exceeded."))
        .times(2)
        .output(|| aws_sdk_ec2::operation::get_ebs_encryption_by_default::GetEbsEncryptionByDefaultOutput::builder().ebs_encryption_by_default(true).build())
        .build();
    let client = mock_client!(
        aws_sdk_ec2,
        RuleMode::Sequential,
        &[&throttled_then_ok],
        |c| c.retry_config(
            aws_sdk_ec2::config::retry::RetryConfig::standard()
                .with_max_attempts(4)
                .with_initial_backoff(std::time::Duration::from_millis(1))
        )
    );
    assert!(ec2::encryption_by_default(&client).await.unwrap());
    assert_eq!(throttled_then_ok.num_calls(), 3);
}

#[tokio::test]
async fn persistent_throttling_is_classified_retryable() {
    let throttled = mock!(Ec2::get_ebs_encryption_by_default)
        .sequence()
        .http_response(|| ec2_error(503, "RequestLimitExceeded", "Request limit exceeded."))
        .repeatedly()
        .build();
    let client = mock_client!(aws_sdk_ec2, RuleMode::Sequential, &[&throttled], |c| c
        .retry_config(
            aws_sdk_ec2::config::retry::RetryConfig::standard()
                .with_max_attempts(2)
                .with_initial_backoff(std::time::Duration::from_millis(1))
        ));
    let err = ec2::encryption_by_default(&client).await.unwrap_err();
    assert_eq!(err.category, ErrorCategory::Throttled);
    assert!(err.category.is_retryable());
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
