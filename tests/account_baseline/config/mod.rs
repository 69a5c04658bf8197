//! AWS Config (the `config` section): the recorder, delivery channel and rules (`recorder`), remediation
//! configurations (`remediation`) and the delivery bucket (`bucket`). Against moto's server where it serves the
//! operation, aws-smithy-mocks with AWS's documented shapes where it does not (the DAILY recording mode, which moto
//! drops; remediation reads and writes).
//!
//! The helpers below read Config's state from moto.

mod bucket;
mod recorder;
mod remediation;

use super::*;

fn config_spec() -> AccountBaselineSpec {
    baseline(json!({
        "deletionPolicy": "Delete",
        "config": {
            "deliveryChannel": {"s3BucketName": "org-config", "s3KeyPrefix": "cfg", "snapshotDeliveryFrequency": "Six_Hours"},
            "rules": [
                {"name": "cloudtrail-enabled", "sourceIdentifier": "CLOUD_TRAIL_ENABLED"},
                {"name": "access-keys", "sourceIdentifier": "ACCESS_KEYS_ROTATED", "inputParameters": {"maxAccessKeyAge": "90"}}
            ]
        }
    }))
}

async fn config_client(moto: &Moto, region: &str) -> aws_sdk_config::Client {
    aws_sdk_config::Client::new(&moto.sdk_config(region).await)
}

async fn recorders(
    c: &aws_sdk_config::Client,
) -> Vec<aws_sdk_config::types::ConfigurationRecorder> {
    c.describe_configuration_recorders()
        .send()
        .await
        .unwrap()
        .configuration_recorders()
        .to_vec()
}

async fn recording(c: &aws_sdk_config::Client) -> bool {
    c.describe_configuration_recorder_status()
        .send()
        .await
        .unwrap()
        .configuration_recorders_status()
        .iter()
        .any(|s| s.recording())
}

async fn rule_names(c: &aws_sdk_config::Client) -> Vec<String> {
    let mut n: Vec<String> = c
        .describe_config_rules()
        .send()
        .await
        .unwrap()
        .config_rules()
        .iter()
        .filter_map(|r| r.config_rule_name().map(str::to_string))
        .collect();
    n.sort();
    n
}
