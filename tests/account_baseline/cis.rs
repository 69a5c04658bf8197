//! The whole "CIS-ready" baseline (examples/baselines/cis-ready-account.yaml) through the real CLI against moto:
//! apply converges, check is clean, tampering with each section fails `check` with the field and its control IDs,
//! apply corrects it.

use super::*;
use crate::support::cli::{cli, output};

/// The account of `examples/baselines/cis-ready-account.yaml`.
const CIS_ACCOUNT: &str = "111111111111";

/// SDK configuration for the CIS example's account: its role assumed with moto's STS, as the operator does.
async fn cis_account(moto: &Moto, region: &str) -> aws_config::SdkConfig {
    let sts = aws_sdk_sts::Client::new(&moto.sdk_config(region).await);
    let c = sts
        .assume_role()
        .role_arn(format!("arn:aws:iam::{CIS_ACCOUNT}:role/baseline-operator"))
        .role_session_name("tamper")
        .send()
        .await
        .unwrap()
        .credentials
        .unwrap();
    aws_config::defaults(aws_config::BehaviorVersion::latest())
        .endpoint_url(&moto.endpoint)
        .region(aws_config::Region::new(region.to_string()))
        .credentials_provider(
            aws_credential_types::provider::SharedCredentialsProvider::new(
                aws_credential_types::Credentials::new(
                    c.access_key_id(),
                    c.secret_access_key(),
                    Some(c.session_token().to_string()),
                    None,
                    "assumed",
                ),
            ),
        )
        .load()
        .await
}

#[tokio::test]
async fn a_cis_ready_account_converges_and_tampering_shows_in_check_with_control_ids() {
    let moto = Moto::start();
    let file = "examples/baselines/cis-ready-account.yaml";
    let out = cli(&moto, &["apply", "-f", file]);
    assert_eq!(out.status.code(), Some(0), "{}", output(&out));
    let out = cli(&moto, &["check", "-f", file]);
    assert_eq!(out.status.code(), Some(0), "{}", output(&out));

    // Tamper with each new section, in the example's account (reached through its role, as the operator does).
    let eu_config = aws_sdk_config::Client::new(&cis_account(&moto, "eu-west-1").await);
    eu_config
        .stop_configuration_recorder()
        .configuration_recorder_name("default")
        .send()
        .await
        .unwrap();
    aws_sdk_inspector2::Client::new(&cis_account(&moto, "us-east-1").await)
        .disable()
        .account_ids(CIS_ACCOUNT)
        .resource_types(aws_sdk_inspector2::types::ResourceScanType::Ecr)
        .send()
        .await
        .unwrap();
    aws_sdk_securityhub::Client::new(&cis_account(&moto, "eu-west-1").await)
        .batch_enable_standards()
        .standards_subscription_requests(
            aws_sdk_securityhub::types::StandardsSubscriptionRequest::builder()
                .standards_arn("arn:aws:securityhub:eu-west-1::standards/pci-dss/v/3.2.1")
                .build(),
        )
        .send()
        .await
        .unwrap();
    let us_config = cis_account(&moto, "us-east-1").await;
    aws_sdk_s3::Client::from_conf(
        aws_sdk_s3::config::Builder::from(&us_config)
            .force_path_style(true)
            .build(),
    )
    .put_bucket_logging()
    .bucket("cis-audit-logs-111111111111")
    .bucket_logging_status(aws_sdk_s3::types::BucketLoggingStatus::builder().build())
    .send()
    .await
    .unwrap();
    // The vault loses its declared tag (Backup.3).
    aws_sdk_backup::Client::new(&cis_account(&moto, "us-east-1").await)
        .untag_resource()
        .resource_arn(format!(
            "arn:aws:backup:us-east-1:{CIS_ACCOUNT}:backup-vault:cis-backups"
        ))
        .tag_key_list("data-classification")
        .send()
        .await
        .unwrap();
    let us = aws_sdk_ec2::Client::new(&us_config);
    let vpc = vpc_ids(&us).await[0].clone();
    let fl = flow_log_of(&us, &vpc).await;
    us.delete_flow_logs().flow_log_ids(fl).send().await.unwrap();

    let out = cli(&moto, &["check", "-f", file, "-o", "json"]);
    assert_eq!(out.status.code(), Some(2), "{}", output(&out));
    let json: Value = serde_json::from_str(&String::from_utf8_lossy(&out.stdout)).unwrap();
    let mut drift: Vec<(String, String, Vec<String>)> = json["results"][0]["status"]["drift"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["region"].as_str().unwrap().to_string(),
                d["field"].as_str().unwrap().to_string(),
                d["controls"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|c| c.as_str().unwrap().to_string())
                    .collect(),
            )
        })
        .collect();
    drift.sort();
    let s = |v: &[&str]| v.iter().map(|x| x.to_string()).collect::<Vec<_>>();
    assert_eq!(
        drift,
        vec![
            (
                "eu-west-1".to_string(),
                "config.recording".to_string(),
                s(&["Config.1", "CIS 3.5"])
            ),
            (
                "eu-west-1".to_string(),
                "securityHub.standards.pci-dss/3.2.1".to_string(),
                s(&["SecurityHub.1"])
            ),
            (
                "us-east-1".to_string(),
                "backup.vaults.cis-backups.tags".to_string(),
                s(&["Backup.3"])
            ),
            (
                "us-east-1".to_string(),
                "inspector.scanTypes.ECR".to_string(),
                s(&["Inspector.2"])
            ),
            (
                "us-east-1".to_string(),
                "s3AccessLogs.cis-audit-logs-111111111111.enabled".to_string(),
                s(&["S3.9"])
            ),
            (
                "us-east-1".to_string(),
                format!("vpcFlowLogs.{vpc}.exists"),
                s(&["EC2.6", "CIS 3.9"])
            ),
        ]
    );
    let table = output(&cli(&moto, &["check", "-f", file]));
    for needle in [
        "config.recording",
        "Config.1, CIS 3.5",
        "Inspector.2",
        "EC2.6, CIS 3.9",
        "SecurityHub.1",
        "S3.9",
        "Backup.3",
    ] {
        assert!(table.contains(needle), "{needle} missing from:\n{table}");
    }

    let out = cli(&moto, &["apply", "-f", file]);
    assert_eq!(out.status.code(), Some(0), "{}", output(&out));
    let out = cli(&moto, &["check", "-f", file]);
    assert_eq!(out.status.code(), Some(0), "{}", output(&out));
}

/// The CIS example wired end to end: `plan` shows what a fresh account lacks (the delivery role among it), `apply`
/// creates the trail's log group and role and the CIS metric filters and alarms on that group, `check` is clean;
/// then a root console login recorded into the trail's log group (PutLogEvents, as CloudTrail delivers) is counted
/// by the rootAccountUsage metric filter and puts its alarm in ALARM, which notifies the cis-alarms topic (read
/// through an SQS queue subscribed to it). Metric filters and alarm evaluation are served by
/// `tests/moto_ext/logs_metric_filters_ext.py` (moto 5.2.5 applies neither).
#[tokio::test]
async fn the_cis_example_raises_its_root_usage_alarm_on_a_root_login_in_the_trail_log_group() {
    let moto = Moto::start();
    let file = "examples/baselines/cis-ready-account.yaml";
    let out = cli(&moto, &["plan", "-f", file]);
    assert_eq!(out.status.code(), Some(0), "{}", output(&out));
    assert!(
        output(&out).contains("cloudTrailLogsRole.exists"),
        "{}",
        output(&out)
    );
    let out = cli(&moto, &["apply", "-f", file]);
    assert_eq!(out.status.code(), Some(0), "{}", output(&out));
    let out = cli(&moto, &["check", "-f", file]);
    assert_eq!(out.status.code(), Some(0), "{}", output(&out));

    let cfg = cis_account(&moto, "us-east-1").await;
    // The trail delivers to the group the CIS filters watch, with the role the operator created.
    let trail = aws_sdk_cloudtrail::Client::new(&cfg)
        .get_trail()
        .name("cis-trail")
        .send()
        .await
        .unwrap();
    let trail = trail.trail().unwrap();
    let group = "/aws/cloudtrail/cis-trail";
    assert_eq!(
        trail.cloud_watch_logs_log_group_arn(),
        Some(format!("arn:aws:logs:us-east-1:{CIS_ACCOUNT}:log-group:{group}:*").as_str())
    );
    let role = trail.cloud_watch_logs_role_arn().unwrap();
    assert!(
        role.starts_with(&format!(
            "arn:aws:iam::{CIS_ACCOUNT}:role/awsbaseline-cloudtrail-logs-"
        )),
        "{role}"
    );
    let logs = aws_sdk_cloudwatchlogs::Client::new(&cfg);
    let filters = logs
        .describe_metric_filters()
        .log_group_name(group)
        .send()
        .await
        .unwrap();
    assert_eq!(
        filters.metric_filters().len(),
        15,
        "the CIS set on the trail's group"
    );

    // The security team's queue on the alarm topic.
    let sns = aws_sdk_sns::Client::new(&cfg);
    let topic = sns
        .list_topics()
        .send()
        .await
        .unwrap()
        .topics()
        .iter()
        .filter_map(|t| t.topic_arn())
        .find(|a| a.ends_with("cis-alarms"))
        .expect("the cis-alarms topic")
        .to_string();
    let sqs = aws_sdk_sqs::Client::new(&cfg);
    let queue = sqs
        .create_queue()
        .queue_name("security-inbox")
        .send()
        .await
        .unwrap()
        .queue_url()
        .unwrap()
        .to_string();
    sns.subscribe()
        .topic_arn(&topic)
        .protocol("sqs")
        .endpoint(format!(
            "arn:aws:sqs:us-east-1:{CIS_ACCOUNT}:security-inbox"
        ))
        .send()
        .await
        .unwrap();

    let cw = aws_sdk_cloudwatch::Client::new(&cfg);
    let root_alarm =
        |alarms: &aws_sdk_cloudwatch::operation::describe_alarms::DescribeAlarmsOutput| {
            alarms
                .metric_alarms()
                .iter()
                .find(|a| {
                    a.alarm_name()
                        .is_some_and(|n| n.ends_with(".cis.rootAccountUsage"))
                })
                .and_then(|a| a.state_value().map(|s| s.as_str().to_string()))
                .expect("the rootAccountUsage alarm")
        };
    let before = cw.describe_alarms().send().await.unwrap();
    assert_ne!(root_alarm(&before), "ALARM");

    // CloudTrail delivers a root console login into the group.
    crate::support::deliver_root_login(&logs, group, CIS_ACCOUNT, "us-east-1").await;

    let after = cw.describe_alarms().send().await.unwrap();
    assert_eq!(root_alarm(&after), "ALARM");
    let got = sqs
        .receive_message()
        .queue_url(&queue)
        .max_number_of_messages(10)
        .send()
        .await
        .unwrap();
    let bodies: Vec<Value> = got
        .messages()
        .iter()
        .map(|m| {
            let envelope: Value = serde_json::from_str(m.body().unwrap()).unwrap();
            serde_json::from_str(envelope["Message"].as_str().unwrap()).unwrap()
        })
        .collect();
    assert_eq!(bodies.len(), 1, "{bodies:#?}");
    assert!(bodies[0]["AlarmName"]
        .as_str()
        .unwrap()
        .ends_with(".cis.rootAccountUsage"));
    assert_eq!(bodies[0]["NewStateValue"], "ALARM");
}
