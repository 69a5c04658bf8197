//! Access logs (the `accessLogs` section) against moto: S3 server access logging of an existing bucket and access
//! logs of an existing Application Load Balancer, into a log bucket the operator creates with the delivery
//! statements (moto checks the S3 one before it accepts PutBucketLogging). Convergence, a zero-write second pass,
//! out-of-band drift reported with S3.9 / ELB.5 and corrected with exactly the needed writes, adoption of logging
//! that was on before, deletion by ownership (only what the operator turned on is turned off; the log bucket is
//! kept), and a declared bucket that does not exist as a component error.

use super::*;
use aws_baseline_operator::aws::ErrorCategory;
use aws_sdk_elasticloadbalancingv2::types::LoadBalancerAttribute;

const LOGS: &str = "access-logs-123456789012";

async fn s3(moto: &Moto) -> aws_sdk_s3::Client {
    aws_sdk_s3::Client::from_conf(
        aws_sdk_s3::config::Builder::from(&moto.sdk_config("us-east-1").await)
            .force_path_style(true)
            .build(),
    )
}

async fn elb(moto: &Moto) -> aws_sdk_elasticloadbalancingv2::Client {
    aws_sdk_elasticloadbalancingv2::Client::new(&moto.sdk_config("us-east-1").await)
}

/// An Application Load Balancer in two default subnets of us-east-1; its ARN.
async fn load_balancer(moto: &Moto, name: &str) -> String {
    let ec2 = aws_sdk_ec2::Client::new(&moto.sdk_config("us-east-1").await);
    let subnets: Vec<String> = ec2
        .describe_subnets()
        .send()
        .await
        .unwrap()
        .subnets()
        .iter()
        .filter_map(|s| s.subnet_id().map(str::to_string))
        .take(2)
        .collect();
    elb(moto)
        .await
        .create_load_balancer()
        .name(name)
        .set_subnets(Some(subnets))
        .send()
        .await
        .unwrap()
        .load_balancers()[0]
        .load_balancer_arn()
        .unwrap()
        .to_string()
}

async fn lb_logs(moto: &Moto, arn: &str) -> (String, String, String) {
    let out = elb(moto)
        .await
        .describe_load_balancer_attributes()
        .load_balancer_arn(arn)
        .send()
        .await
        .unwrap();
    let get = |k: &str| {
        out.attributes()
            .iter()
            .find(|a| a.key() == Some(k))
            .and_then(|a| a.value())
            .unwrap_or_default()
            .to_string()
    };
    (
        get("access_logs.s3.enabled"),
        get("access_logs.s3.bucket"),
        get("access_logs.s3.prefix"),
    )
}

async fn set_lb_logs(moto: &Moto, arn: &str, on: bool, bucket: &str, prefix: &str) {
    let attr = |k: &str, v: &str| LoadBalancerAttribute::builder().key(k).value(v).build();
    elb(moto)
        .await
        .modify_load_balancer_attributes()
        .load_balancer_arn(arn)
        .attributes(attr(
            "access_logs.s3.enabled",
            if on { "true" } else { "false" },
        ))
        .attributes(attr("access_logs.s3.bucket", bucket))
        .attributes(attr("access_logs.s3.prefix", prefix))
        .send()
        .await
        .unwrap();
}

async fn bucket_logging(c: &aws_sdk_s3::Client, bucket: &str) -> Option<(String, String)> {
    c.get_bucket_logging()
        .bucket(bucket)
        .send()
        .await
        .unwrap()
        .logging_enabled()
        .map(|l| (l.target_bucket().to_string(), l.target_prefix().to_string()))
}

fn spec() -> AccountBaselineSpec {
    baseline(json!({
        "deletionPolicy": "Delete",
        "accessLogs": {
            "buckets": [{"name": "app-data", "targetBucket": LOGS, "targetPrefix": "s3/app-data/"}],
            "loadBalancers": [
                {"name": "checkout", "bucket": LOGS, "prefix": "alb/checkout"},
                {"name": "legacy", "bucket": LOGS, "prefix": "alb/legacy"}
            ]
        }
    }))
}

#[tokio::test]
async fn access_logs_converge_drift_is_corrected_and_deletion_turns_off_only_what_the_operator_turned_on(
) {
    let moto = Moto::start();
    let (factory, stats) = moto.factory().await;
    let s3c = s3(&moto).await;
    s3c.create_bucket().bucket("app-data").send().await.unwrap();
    let checkout = load_balancer(&moto, "checkout").await;
    let legacy = load_balancer(&moto, "legacy").await;
    // `legacy` logged there before the operator: adopted, never turned off by it.
    set_lb_logs(&moto, &legacy, true, LOGS, "alb/legacy").await;
    let s = spec();

    // Report: the log bucket is missing, app-data and checkout log nothing; nothing is written.
    let report = pass(&factory, &s, DriftPolicy::Report, &[]).await;
    assert_eq!(stats.writes(), 0, "{:?}", stats.write_operations());
    assert_eq!(
        fields(&report),
        vec![
            ("us-east-1".into(), format!("accessLogBucket.{LOGS}.exists")),
            ("us-east-1".into(), "elbAccessLogs.checkout.enabled".into()),
            ("us-east-1".into(), "s3AccessLogs.app-data.enabled".into()),
        ]
    );
    let st = common_status(None, &report, Some(1), &t("2026-01-01T00:00:00Z"));
    let controls = |f: &str| {
        st.drift
            .iter()
            .find(|e| e.field == f)
            .unwrap()
            .controls
            .clone()
    };
    assert_eq!(controls("s3AccessLogs.app-data.enabled"), vec!["S3.9"]);
    assert_eq!(controls("elbAccessLogs.checkout.enabled"), vec!["ELB.5"]);

    // Correct: the log bucket with its statements first, then the logging.
    stats.reset();
    let first = pass(&factory, &s, DriftPolicy::Correct, &[]).await;
    assert!(first.error_category().is_none(), "{:#?}", first.outcomes);
    assert_eq!(
        sorted_writes(&stats),
        vec![
            "Elastic Load Balancing v2:ModifyLoadBalancerAttributes",
            "S3:CreateBucket",
            "S3:PutBucketEncryption",
            "S3:PutBucketLogging",
            "S3:PutBucketPolicy",
            "S3:PutBucketTagging",
            "S3:PutBucketVersioning",
            "S3:PutPublicAccessBlock",
        ],
        "{:?}",
        stats.snapshot()
    );
    assert_eq!(stats.count("ModifyLoadBalancerAttributes"), 1);
    assert_eq!(
        bucket_logging(&s3c, "app-data").await,
        Some((LOGS.into(), "s3/app-data/".into()))
    );
    assert_eq!(
        lb_logs(&moto, &checkout).await,
        ("true".into(), LOGS.into(), "alb/checkout".into())
    );
    let policy = s3c.get_bucket_policy().bucket(LOGS).send().await.unwrap();
    let policy: Value = serde_json::from_str(policy.policy().unwrap()).unwrap();
    let principals: Vec<&Value> = policy["Statement"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| &s["Principal"])
        .collect();
    assert!(principals.contains(&&json!({"Service": "logging.s3.amazonaws.com"})));
    assert!(principals.contains(&&json!({"AWS": "arn:aws:iam::127311923021:root"})));
    let prev = components(&first);
    let by = |c: &str| prev.iter().find(|x| x.component == c).unwrap().clone();
    assert_eq!(by("s3AccessLogs").operator_enabled, vec!["app-data"]);
    assert_eq!(by("elbAccessLogs").operator_enabled, vec![checkout.clone()]);
    assert_eq!(by("s3AccessLogs").ownership, Ownership::Created);
    // One of the two load balancers logged before: the component is adopted.
    assert_eq!(by("elbAccessLogs").ownership, Ownership::Adopted);
    assert_eq!(by("accessLogBucket").ownership, Ownership::Created);

    // In sync: zero writes.
    stats.reset();
    let second = pass(&factory, &s, DriftPolicy::Correct, &prev).await;
    assert_eq!(stats.writes(), 0, "{:?}", stats.write_operations());
    assert!(
        second
            .outcomes
            .iter()
            .all(|o| o.state == ComponentState::InSync),
        "{:#?}",
        second.outcomes
    );
    let prev = components(&second);
    // What status records as turned on by the operator holds across passes.
    for c in ["s3AccessLogs", "elbAccessLogs"] {
        let now = prev.iter().find(|x| x.component == c).unwrap();
        assert_eq!(now.operator_enabled, by(c).operator_enabled, "{c}");
    }

    // Out of band: app-data stops logging, checkout logs elsewhere.
    s3c.put_bucket_logging()
        .bucket("app-data")
        .bucket_logging_status(aws_sdk_s3::types::BucketLoggingStatus::builder().build())
        .send()
        .await
        .unwrap();
    set_lb_logs(&moto, &checkout, true, LOGS, "somewhere-else").await;
    stats.reset();
    let reported = pass(&factory, &s, DriftPolicy::Report, &prev).await;
    assert_eq!(stats.writes(), 0);
    assert_eq!(
        drift(&reported),
        vec![
            (
                "us-east-1".into(),
                "elbAccessLogs.checkout.prefix".into(),
                json!("alb/checkout"),
                json!("somewhere-else"),
                DriftAction::Reported
            ),
            (
                "us-east-1".into(),
                "s3AccessLogs.app-data.enabled".into(),
                json!(true),
                json!(false),
                DriftAction::Reported
            ),
        ]
    );
    stats.reset();
    let corrected = pass(&factory, &s, DriftPolicy::Correct, &prev).await;
    assert_eq!(
        sorted_writes(&stats),
        vec![
            "Elastic Load Balancing v2:ModifyLoadBalancerAttributes",
            "S3:PutBucketLogging"
        ]
    );
    assert!(drift(&corrected)
        .iter()
        .all(|d| d.4 == DriftAction::Corrected));
    assert_eq!(
        lb_logs(&moto, &checkout).await,
        ("true".into(), LOGS.into(), "alb/checkout".into())
    );
    let prev = components(&corrected);
    assert_eq!(
        prev.iter()
            .find(|x| x.component == "s3AccessLogs")
            .unwrap()
            .operator_enabled,
        vec!["app-data"]
    );

    // Deletion: Retain touches nothing; Delete turns off what the operator turned on, keeps `legacy` and the
    // log bucket.
    let mut spec = s.clone();
    let report = retain_then_delete(&factory, &stats, &mut spec, &prev).await;
    assert_eq!(
        sorted_writes(&stats),
        vec![
            "Elastic Load Balancing v2:ModifyLoadBalancerAttributes",
            "S3:PutBucketLogging"
        ]
    );
    assert!(
        report.actions.contains(
            &"turned off S3 server access logging of bucket app-data in us-east-1".to_string()
        ),
        "{:?}",
        report.actions
    );
    assert!(report.actions.contains(&format!(
        "turned off access logs of load balancer {checkout}"
    )));
    assert!(report.actions.contains(&format!(
        "kept access log bucket {LOGS} (logs are never deleted)"
    )));
    assert_eq!(bucket_logging(&s3c, "app-data").await, None);
    assert_eq!(lb_logs(&moto, &checkout).await.0, "false");
    assert_eq!(lb_logs(&moto, &legacy).await.0, "true");
    s3c.head_bucket().bucket(LOGS).send().await.unwrap();
}

#[tokio::test]
async fn a_declared_bucket_or_load_balancer_that_does_not_exist_is_a_component_error() {
    let moto = Moto::start();
    let (factory, stats) = moto.factory().await;
    let s = baseline(json!({
        "accessLogs": {
            "buckets": [{"name": "no-such-bucket", "targetBucket": LOGS}],
            "loadBalancers": [{"name": "no-such-lb", "bucket": LOGS}]
        }
    }));
    let report = pass(&factory, &s, DriftPolicy::Correct, &[]).await;
    let by = |c: &str| report.outcomes.iter().find(|o| o.component == c).unwrap();
    let e = by("s3AccessLogs").error.as_ref().unwrap();
    assert_eq!(e.category, ErrorCategory::NotFound);
    assert!(
        e.message
            .contains("no-such-bucket do not exist in us-east-1"),
        "{}",
        e.message
    );
    assert!(e.message.contains("never creates them"), "{}", e.message);
    let e = by("elbAccessLogs").error.as_ref().unwrap();
    assert!(e.message.contains("no-such-lb"), "{}", e.message);
    // The log bucket is still made ready; nothing but it is written.
    assert!(by("accessLogBucket").error.is_none());
    assert!(
        stats
            .write_operations()
            .iter()
            .all(|w| w.starts_with("S3:") && !w.ends_with("PutBucketLogging")),
        "{:?}",
        stats.write_operations()
    );
    let st = common_status(None, &report, Some(1), &t("2026-01-01T00:00:00Z"));
    let ready = st.conditions.iter().find(|c| c.type_ == "Ready").unwrap();
    assert_eq!(
        (ready.status.as_str(), ready.reason.as_str()),
        ("False", "NotFound")
    );
}
