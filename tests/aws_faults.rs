//! Failures between the operator and AWS, injected by the fault proxy in front of moto, through the real SDK
//! clients and the engine: each ends in a category and a short, stable message a person can act on; a throttling
//! storm or a stalled connection is retried within the pass without duplicates; an unknown region or refused
//! credentials stop the pass before anything is written.

use crate::support::faults::{query_error, rpc_v2_cbor_error, FaultProxy};
use crate::support::mocks::ec2_error;
use crate::support::objects::condition;
use crate::support::objects::NO_LABELS;
use crate::support::{self, Moto};
use aws_baseline_operator::api::aws_account::AwsAccountSpec;
use aws_baseline_operator::api::common::DriftPolicy;
use aws_baseline_operator::api::MonitoringPolicySpec;
use aws_baseline_operator::aws::{ec2, ErrorCategory};
use aws_baseline_operator::aws::{AwsFactory, CallStats};
use aws_baseline_operator::engine::monitoring::{run, MonitoringInput, MonitoringReport};
use aws_baseline_operator::engine::status::{monitoring_status, status_changed};
use aws_baseline_operator::engine::EngineError;
use aws_config::timeout::TimeoutConfig;
use aws_config::{BehaviorVersion, Region};
use aws_credential_types::provider::error::CredentialsError;
use aws_credential_types::provider::{future, ProvideCredentials, SharedCredentialsProvider};
use aws_credential_types::Credentials;
use aws_sdk_ec2::Client as Ec2;
use aws_smithy_mocks::{mock, mock_client, RuleMode};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::Time;
use serde_json::json;
use std::time::Duration;

fn spec() -> MonitoringPolicySpec {
    serde_json::from_value(json!({
        "accountRef": {"name": "faults"},
        "regions": ["us-east-1"],
        "topics": [{"name": "faults-alerts"}],
        "alarms": [{"name": "cpu-high", "namespace": "AWS/EC2", "metricName": "CPUUtilization",
            "statistic": "Average", "period": 300, "evaluationPeriods": 2, "threshold": 80.0,
            "comparisonOperator": "GreaterThanThreshold", "alarmTopics": ["faults-alerts"]}]
    }))
    .unwrap()
}

async fn pass(
    f: &AwsFactory,
    account: &AwsAccountSpec,
    spec: &MonitoringPolicySpec,
) -> MonitoringReport {
    run(
        f,
        &MonitoringInput {
            spec,
            account,
            owner: support::objects::owner("MonitoringPolicy", "faults/policy", "uid-faults"),
            namespace: "faults",
            name: "policy",
            namespace_labels: &NO_LABELS,
            previous: None,
            mode: DriftPolicy::Correct,
            alarm_write_interval: Duration::ZERO,
            shared_reads: None,
        },
    )
    .await
}

/// A factory whose calls go through `endpoint`, with short timeouts so a stall costs seconds.
async fn factory(
    endpoint: &str,
    credentials: SharedCredentialsProvider,
) -> (AwsFactory, CallStats) {
    let config = aws_config::defaults(BehaviorVersion::latest())
        .endpoint_url(endpoint)
        .region(Region::new("us-east-1"))
        .credentials_provider(credentials)
        .timeout_config(
            TimeoutConfig::builder()
                .connect_timeout(Duration::from_secs(2))
                .operation_attempt_timeout(Duration::from_secs(2))
                .operation_timeout(Duration::from_secs(30))
                .build(),
        )
        .load()
        .await;
    let stats = CallStats::default();
    (AwsFactory::from_config(config, stats.clone()), stats)
}

/// moto's account, open to the test's namespace.
fn account() -> AwsAccountSpec {
    let mut a = support::account(&["us-east-1"]);
    a.allowed_namespaces = serde_json::from_value(json!({"names": ["faults"]})).unwrap();
    a
}

fn static_credentials() -> SharedCredentialsProvider {
    SharedCredentialsProvider::new(Credentials::new("testing", "testing", None, None, "test"))
}

fn alarms(moto: &Moto) -> Vec<String> {
    let out = std::process::Command::new(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(".venv/bin/python"),
    )
    .args([
        "-c",
        &format!(
            "import boto3\nc = boto3.client('cloudwatch', region_name='us-east-1', endpoint_url='{}', \
             aws_access_key_id='testing', aws_secret_access_key='testing')\n\
             print('\\n'.join(a['AlarmName'] for a in c.describe_alarms()['MetricAlarms']))",
            moto.endpoint
        ),
    ])
    .output()
    .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter(|l| !l.is_empty())
        .map(str::to_string)
        .collect()
}

fn fatal(r: &MonitoringReport) -> &EngineError {
    r.pass
        .fatal
        .as_ref()
        .unwrap_or_else(|| panic!("expected a fatal error: {:#?}", r.pass))
}

#[tokio::test]
async fn a_refused_assume_role_names_the_role_and_what_to_check() {
    let moto = Moto::start();
    let proxy = FaultProxy::start(&moto.endpoint);
    proxy.set_rules(json!([{
        "operation": "AssumeRole", "contains": "ExternalId=rotated",
        "status": 403, "headers": query_error(403, "AccessDenied", "x")["headers"],
        "body": query_error(403, "AccessDenied",
            "User: arn:aws:sts::123456789012:assumed-role/op/x is not authorized to perform: sts:AssumeRole")["body"],
    }]));
    let (f, stats) = factory(&proxy.endpoint, static_credentials()).await;
    let mut account = account();
    account.assume_role = serde_json::from_value(json!({
        "roleArn": format!("arn:aws:iam::{}:role/baseline", support::ACCOUNT), "externalId": "rotated"}))
    .unwrap();
    let first = pass(&f, &account, &spec()).await;
    let e = fatal(&first);
    assert_eq!(e.category(), "AssumeRoleDenied", "{e}");
    let message = e.to_string();
    assert!(
        message.contains(&format!(
            "AssumeRole of arn:aws:iam::{}:role/baseline refused (AccessDenied)",
            support::ACCOUNT
        )),
        "{message}"
    );
    assert!(
        message.contains("trust policy") && message.contains("externalId"),
        "{message}"
    );
    assert!(
        message.len() < 300 && !message.contains("RequestId") && !message.contains("7a62c49f"),
        "{message}"
    );
    assert!(!e.is_retryable());
    assert_eq!(
        stats.writes(),
        0,
        "nothing written with refused credentials"
    );
    assert!(alarms(&moto).is_empty());

    // The same failure again yields the same status: nothing to write, nothing to retrigger.
    let t = Time("2026-12-06T10:00:00Z".parse().unwrap());
    let s1 = monitoring_status(None, &first, Some(1), &t);
    let second = pass(&f, &account, &spec()).await;
    let s2 = monitoring_status(
        Some(&s1),
        &second,
        Some(1),
        &Time("2026-12-06T10:00:05Z".parse().unwrap()),
    );
    assert!(!status_changed(Some(&s1), &s2), "{s1:#?}\n{s2:#?}");
    let ready = condition(&s2.common.conditions, "Ready");
    assert_eq!(
        (ready.status.as_str(), ready.reason.as_str()),
        ("False", "AssumeRoleDenied")
    );
    println!(
        "AssumeRole requests for two passes: {}",
        proxy.count("AssumeRole")
    );
    assert!(proxy.count("AssumeRole") <= 2, "{}", proxy.counts());
}

/// A credentials provider that finds nothing, like the default chain on a node without IRSA or Pod Identity.
#[derive(Debug)]
struct NoCredentials;

impl ProvideCredentials for NoCredentials {
    fn provide_credentials<'a>(&'a self) -> future::ProvideCredentials<'a>
    where
        Self: 'a,
    {
        future::ProvideCredentials::ready(Err(CredentialsError::not_loaded(
            "no providers in chain",
        )))
    }
}

#[tokio::test]
async fn no_credentials_is_its_own_category() {
    let moto = Moto::start();
    let (f, stats) = factory(
        &moto.endpoint,
        SharedCredentialsProvider::new(NoCredentials),
    )
    .await;
    let r = pass(&f, &account(), &spec()).await;
    let e = fatal(&r);
    assert_eq!(e.category(), "NoCredentials", "{e}");
    assert!(
        e.to_string().contains("IRSA, EKS Pod Identity or AWS_*"),
        "{e}"
    );
    assert_eq!(stats.writes(), 0);
}

#[tokio::test]
async fn an_unknown_region_stops_the_pass_before_any_call() {
    let moto = Moto::start();
    let (f, stats) = factory(&moto.endpoint, static_credentials()).await;
    let mut s = spec();
    s.regions = vec!["eu-wset-1".into()];
    let r = pass(&f, &account(), &s).await;
    let e = fatal(&r);
    assert_eq!(e.category(), "UnknownRegion");
    assert!(e.to_string().contains("did you mean eu-west-1?"), "{e}");
    assert_eq!(
        stats.reads() + stats.writes(),
        0,
        "no AWS call for an unknown region"
    );
}

#[tokio::test]
async fn a_throttling_storm_and_a_stalled_connection_are_retried_within_the_pass() {
    let moto = Moto::start();
    let proxy = FaultProxy::start(&moto.endpoint);
    // CloudWatch answers in the protocol the SDK speaks (RPC v2 CBOR), else the SDK can't read the error code.
    let throttled = rpc_v2_cbor_error(400, "Throttling", "Rate exceeded");
    proxy.set_rules(json!([
        // Three throttled PutMetricAlarm, then a DescribeAlarms that never answers (the attempt times out).
        {"operation": "PutMetricAlarm", "times": 3, "status": 400,
         "headers": throttled["headers"], "body_hex": throttled["body_hex"]},
        {"operation": "DescribeAlarms", "times": 1, "stall": 20},
        {"operation": "CreateTopic", "times": 2, "status": 503, "body": ""},
    ]));
    let (f, _stats) = factory(&proxy.endpoint, static_credentials()).await;
    let account = account();
    let r = pass(&f, &account, &spec()).await;
    assert!(r.pass.fatal.is_none(), "{:#?}", r.pass);
    let errors: Vec<_> = r.pass.errors().collect();
    assert!(
        errors.is_empty(),
        "a transient storm fails nothing: {errors:#?}"
    );
    assert_eq!(
        proxy.faulted(),
        json!({"PutMetricAlarm": 3, "DescribeAlarms": 1, "CreateTopic": 2}),
        "every fault was met"
    );
    assert_eq!(alarms(&moto).len(), 1, "no duplicate alarm");
    // The next pass finds everything in place.
    let again = pass(&f, &account, &spec()).await;
    assert_eq!(again.pass.remaining_drift(), 0, "{:#?}", again.pass);
    assert!(again.pass.errors().next().is_none(), "{:#?}", again.pass);
}

#[tokio::test]
async fn a_lasting_outage_gives_a_short_stable_message() {
    let moto = Moto::start();
    let proxy = FaultProxy::start(&moto.endpoint);
    proxy.set_rules(json!([{"operation": "DescribeAlarms", "status": 503, "body": "<html>Service Unavailable</html>"}]));
    let (f, _stats) = factory(&proxy.endpoint, static_credentials()).await;
    let account = account();
    let first = pass(&f, &account, &spec()).await;
    let second = pass(&f, &account, &spec()).await;
    let message = |r: &MonitoringReport| {
        r.pass
            .errors()
            .map(|o| o.error.as_ref().unwrap().to_string())
            .collect::<Vec<_>>()
    };
    let m1 = message(&first);
    assert!(!m1.is_empty(), "{:#?}", first.pass);
    assert_eq!(m1, message(&second), "the same failure, the same words");
    for m in &m1 {
        assert!(m.contains("(Transient"), "{m}");
        assert!(m.len() < 300, "{m}");
    }
    // A stall that outlives every attempt: Transient, "timed out", bounded by the operation timeout.
    proxy.set_rules(json!([{"operation": "DescribeAlarms", "stall": 10}]));
    let started = std::time::Instant::now();
    let stalled = pass(&f, &account, &spec()).await;
    let m = message(&stalled);
    assert!(m.iter().any(|m| m.contains("timed out")), "{m:?}");
    println!(
        "a pass against a stalled DescribeAlarms ended after {:.1} s",
        started.elapsed().as_secs_f64()
    );
}

// ---------------------------------------------------------------------------------------------------------------
// Error classification inside one SDK call, on aws-smithy-mocks (EC2 query protocol errors).

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
