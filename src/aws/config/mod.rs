//! AWS Config: the configuration recorder, the delivery channel and managed rules of one region; the rules'
//! remediations are in `remediation.rs` (re-exported here).

pub mod aggregator;
pub mod remediation;

pub use remediation::{delete_remediation, put_remediations, remediations, Remediation};

use crate::aws::error::{not_found_as_none, ok_if_gone, AwsError, AwsResultExt, ErrorCategory};
use crate::aws::operation::{act, pass_role, read, write, Operation, CONFIG_PRINCIPAL, MOTO};
use aws_sdk_config::types::{
    ConfigRule, ConfigSnapshotDeliveryProperties, ConfigurationRecorder, DeliveryChannel,
    ExclusionByResourceTypes, MaximumExecutionFrequency, Owner, RecordingFrequency, RecordingGroup,
    RecordingMode, RecordingStrategy, RecordingStrategyType, ResourceType, Source, Tag,
};
use aws_sdk_config::Client;
use std::collections::BTreeMap;

const SVC: &str = "config";

/// The customer-managed configuration recorder as AWS reports it.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct RecorderState {
    /// Recorder name (any: the existing one is adopted).
    pub name: String,
    /// IAM role the recorder uses.
    pub role_arn: String,
    /// Records every supported resource type (no inclusion or exclusion list).
    pub all_supported: bool,
    /// Records global resource types.
    pub include_global_resource_types: bool,
    /// Excluded resource types, sorted.
    pub excluded_resource_types: Vec<String>,
    /// `CONTINUOUS` or `DAILY` (an absent recording mode is AWS's default, `CONTINUOUS`).
    pub recording_frequency: String,
    /// Number of recording-mode overrides (the spec declares none, so an adopted recorder's overrides show as
    /// drift and a correction removes them).
    pub recording_mode_overrides: usize,
    /// The recorder is recording.
    pub recording: bool,
}

/// The recorder the spec asks for.
#[derive(Clone, Debug, PartialEq)]
pub struct RecorderConfig {
    /// Name: the existing recorder's, else `default`.
    pub name: String,
    /// Role ARN.
    pub role_arn: String,
    /// Global resource types recorded (only with no exclusions).
    pub include_global_resource_types: bool,
    /// Excluded resource types; empty = all supported.
    pub excluded_resource_types: Vec<String>,
    /// `CONTINUOUS` or `DAILY`.
    pub recording_frequency: String,
}

/// The delivery channel (as observed and as desired).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ChannelState {
    /// Channel name (any: the existing one is adopted).
    pub name: String,
    /// S3 bucket.
    pub s3_bucket_name: String,
    /// Key prefix.
    pub s3_key_prefix: Option<String>,
    /// KMS key ARN.
    pub s3_kms_key_arn: Option<String>,
    /// SNS topic ARN.
    pub sns_topic_arn: Option<String>,
    /// Snapshot delivery frequency (`One_Hour` ... `TwentyFour_Hours`).
    pub snapshot_delivery_frequency: Option<String>,
}

/// A Config rule as AWS reports it.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct RuleState {
    /// Rule name.
    pub name: String,
    /// Rule ARN (tags are read through it).
    pub arn: String,
    /// `AWS` for managed rules.
    pub owner: String,
    /// Managed rule identifier.
    pub source_identifier: String,
    /// Input parameters as a JSON object (`{}` when none).
    pub input_parameters: serde_json::Value,
}

/// DescribeConfigurationRecorders + DescribeConfigurationRecorderStatus. Service-linked recorders (created by
/// other AWS services, `servicePrincipal` set) are not the account's recorder and are skipped.
pub async fn observe_recorder(client: &Client) -> Result<Option<RecorderState>, AwsError> {
    let out = client
        .describe_configuration_recorders()
        .send()
        .await
        .aws(SVC, "DescribeConfigurationRecorders")?;
    let Some(r) = out
        .configuration_recorders()
        .iter()
        .find(|r| r.service_principal().is_none())
    else {
        return Ok(None);
    };
    let name = r.name().unwrap_or_default().to_string();
    let status = client
        .describe_configuration_recorder_status()
        .configuration_recorder_names(&name)
        .send()
        .await
        .aws(SVC, "DescribeConfigurationRecorderStatus")?;
    let recording = status
        .configuration_recorders_status()
        .iter()
        .any(|s| s.name() == Some(name.as_str()) && s.recording());
    let group = r.recording_group();
    let mut excluded: Vec<String> = group
        .and_then(|g| g.exclusion_by_resource_types())
        .map(|e| {
            e.resource_types()
                .iter()
                .map(|t| t.as_str().to_string())
                .collect()
        })
        .unwrap_or_default();
    excluded.sort();
    let mode = r.recording_mode();
    Ok(Some(RecorderState {
        name,
        role_arn: r.role_arn().unwrap_or_default().to_string(),
        all_supported: group.is_some_and(|g| g.all_supported()),
        include_global_resource_types: group.is_some_and(|g| g.include_global_resource_types()),
        excluded_resource_types: excluded,
        recording_frequency: mode
            .map(|m| m.recording_frequency().as_str().to_string())
            .unwrap_or_else(|| "CONTINUOUS".into()),
        recording_mode_overrides: mode.map_or(0, |m| m.recording_mode_overrides().len()),
        recording,
    }))
}

fn invalid(operation: &'static str, e: impl std::fmt::Display) -> AwsError {
    AwsError::new(SVC, operation, ErrorCategory::InvalidInput, e.to_string())
}

/// PutConfigurationRecorder with the full desired recording group and mode (no overrides).
pub async fn put_recorder(client: &Client, cfg: &RecorderConfig) -> Result<(), AwsError> {
    let group = if cfg.excluded_resource_types.is_empty() {
        RecordingGroup::builder()
            .all_supported(true)
            .include_global_resource_types(cfg.include_global_resource_types)
            .recording_strategy(
                RecordingStrategy::builder()
                    .use_only(RecordingStrategyType::AllSupportedResourceTypes)
                    .build(),
            )
            .build()
    } else {
        RecordingGroup::builder()
            .all_supported(false)
            .include_global_resource_types(false)
            .exclusion_by_resource_types(
                ExclusionByResourceTypes::builder()
                    .set_resource_types(Some(
                        cfg.excluded_resource_types
                            .iter()
                            .map(|t| ResourceType::from(t.as_str()))
                            .collect(),
                    ))
                    .build(),
            )
            .recording_strategy(
                RecordingStrategy::builder()
                    .use_only(RecordingStrategyType::ExclusionByResourceTypes)
                    .build(),
            )
            .build()
    };
    let mode = RecordingMode::builder()
        .recording_frequency(RecordingFrequency::from(cfg.recording_frequency.as_str()))
        .build()
        .map_err(|e| invalid("PutConfigurationRecorder", e))?;
    client
        .put_configuration_recorder()
        .configuration_recorder(
            ConfigurationRecorder::builder()
                .name(&cfg.name)
                .role_arn(&cfg.role_arn)
                .recording_group(group)
                .recording_mode(mode)
                .build(),
        )
        .send()
        .await
        .aws(SVC, "PutConfigurationRecorder")?;
    Ok(())
}

/// DescribeDeliveryChannels: the region's channel (at most one).
pub async fn observe_channel(client: &Client) -> Result<Option<ChannelState>, AwsError> {
    let out = client
        .describe_delivery_channels()
        .send()
        .await
        .aws(SVC, "DescribeDeliveryChannels")?;
    Ok(out.delivery_channels().first().map(|c| ChannelState {
        name: c.name().unwrap_or_default().to_string(),
        s3_bucket_name: c.s3_bucket_name().unwrap_or_default().to_string(),
        s3_key_prefix: c.s3_key_prefix().map(str::to_string),
        s3_kms_key_arn: c.s3_kms_key_arn().map(str::to_string),
        sns_topic_arn: c.sns_topic_arn().map(str::to_string),
        snapshot_delivery_frequency: c
            .config_snapshot_delivery_properties()
            .and_then(|p| p.delivery_frequency())
            .map(|f| f.as_str().to_string()),
    }))
}

/// PutDeliveryChannel with every setting.
pub async fn put_channel(client: &Client, cfg: &ChannelState) -> Result<(), AwsError> {
    client
        .put_delivery_channel()
        .delivery_channel(
            DeliveryChannel::builder()
                .name(&cfg.name)
                .s3_bucket_name(&cfg.s3_bucket_name)
                .set_s3_key_prefix(cfg.s3_key_prefix.clone())
                .set_s3_kms_key_arn(cfg.s3_kms_key_arn.clone())
                .set_sns_topic_arn(cfg.sns_topic_arn.clone())
                .set_config_snapshot_delivery_properties(
                    cfg.snapshot_delivery_frequency.as_deref().map(|f| {
                        ConfigSnapshotDeliveryProperties::builder()
                            .delivery_frequency(MaximumExecutionFrequency::from(f))
                            .build()
                    }),
                )
                .build(),
        )
        .send()
        .await
        .aws(SVC, "PutDeliveryChannel")?;
    Ok(())
}

/// Start or stop recording.
pub async fn set_recording(client: &Client, name: &str, on: bool) -> Result<(), AwsError> {
    if on {
        client
            .start_configuration_recorder()
            .configuration_recorder_name(name)
            .send()
            .await
            .aws(SVC, "StartConfigurationRecorder")?;
    } else {
        client
            .stop_configuration_recorder()
            .configuration_recorder_name(name)
            .send()
            .await
            .aws(SVC, "StopConfigurationRecorder")?;
    }
    Ok(())
}

/// DeleteConfigurationRecorder; "already gone" is success.
pub async fn delete_recorder(client: &Client, name: &str) -> Result<(), AwsError> {
    ok_if_gone(
        client
            .delete_configuration_recorder()
            .configuration_recorder_name(name)
            .send()
            .await
            .aws(SVC, "DeleteConfigurationRecorder"),
        &["NoSuchConfigurationRecorderException"],
    )
}

/// DeleteDeliveryChannel (the recorder must be stopped first); "already gone" is success.
pub async fn delete_channel(client: &Client, name: &str) -> Result<(), AwsError> {
    ok_if_gone(
        client
            .delete_delivery_channel()
            .delivery_channel_name(name)
            .send()
            .await
            .aws(SVC, "DeleteDeliveryChannel"),
        &["NoSuchDeliveryChannelException"],
    )
}

/// DescribeConfigRules, every page.
pub async fn list_rules(client: &Client) -> Result<Vec<RuleState>, AwsError> {
    let mut out = Vec::new();
    let mut token: Option<String> = None;
    loop {
        let page = client
            .describe_config_rules()
            .set_next_token(token.clone())
            .send()
            .await
            .aws(SVC, "DescribeConfigRules")?;
        out.extend(page.config_rules().iter().map(rule_state));
        token = page.next_token().map(str::to_string);
        if token.is_none() {
            return Ok(out);
        }
    }
}

fn rule_state(r: &ConfigRule) -> RuleState {
    let params = r
        .input_parameters()
        .filter(|p| !p.trim().is_empty())
        .map(|p| serde_json::from_str(p).unwrap_or_else(|_| serde_json::Value::String(p.into())))
        .unwrap_or_else(|| serde_json::json!({}));
    RuleState {
        name: r.config_rule_name().unwrap_or_default().to_string(),
        arn: r.config_rule_arn().unwrap_or_default().to_string(),
        owner: r
            .source()
            .map(|s| s.owner().as_str().to_string())
            .unwrap_or_default(),
        source_identifier: r
            .source()
            .and_then(|s| s.source_identifier())
            .unwrap_or_default()
            .to_string(),
        input_parameters: params,
    }
}

/// ListTagsForResource of a rule (or another Config resource: the organization aggregator), every page.
pub async fn rule_tags(client: &Client, arn: &str) -> Result<BTreeMap<String, String>, AwsError> {
    let mut tags = BTreeMap::new();
    let mut token: Option<String> = None;
    loop {
        let page = client
            .list_tags_for_resource()
            .resource_arn(arn)
            .set_next_token(token.clone())
            .send()
            .await
            .aws(SVC, "ListTagsForResource")?;
        for t in page.tags() {
            if let (Some(k), Some(v)) = (t.key(), t.value()) {
                tags.insert(k.to_string(), v.to_string());
            }
        }
        token = page.next_token().map(str::to_string);
        if token.is_none() {
            return Ok(tags);
        }
    }
}

/// PutConfigRule for an AWS managed rule; `tags` only when creating it.
pub async fn put_rule(
    client: &Client,
    name: &str,
    source_identifier: &str,
    input_parameters: &BTreeMap<String, String>,
    tags: Option<&[(String, String)]>,
) -> Result<(), AwsError> {
    let source = Source::builder()
        .owner(Owner::Aws)
        .source_identifier(source_identifier)
        .build()
        .map_err(|e| invalid("PutConfigRule", e))?;
    let params = (!input_parameters.is_empty())
        .then(|| serde_json::to_string(input_parameters).unwrap_or_default());
    client
        .put_config_rule()
        .config_rule(
            ConfigRule::builder()
                .config_rule_name(name)
                .source(source)
                .set_input_parameters(params)
                .build(),
        )
        .set_tags(tags.map(|t| {
            t.iter()
                .map(|(k, v)| Tag::builder().key(k).value(v).build())
                .collect()
        }))
        .send()
        .await
        .aws(SVC, "PutConfigRule")?;
    Ok(())
}

/// DeleteConfigRule; "already gone" is success. A rule with a remediation cannot be deleted
/// (`ResourceInUseException`): the remediation is deleted first, then the rule (only rules this baseline created
/// are ever deleted).
pub async fn delete_rule(client: &Client, name: &str) -> Result<(), AwsError> {
    let once = || async {
        not_found_as_none(
            client
                .delete_config_rule()
                .config_rule_name(name)
                .send()
                .await
                .aws(SVC, "DeleteConfigRule"),
            &[],
        )
    };
    match once().await {
        Err(e) if e.has_code("ResourceInUseException") => {
            delete_remediation(client, name).await?;
            once().await?;
        }
        other => {
            other?;
        }
    }
    Ok(())
}

/// The AWS operations this module calls: the IAM permissions each needs, the spec sections whose
/// reconciliation calls it, and the test that exercises it (see [`crate::aws::operation`]).
pub const OPERATIONS: &[Operation] = &[
    // AWS Config (every region): recorder, delivery channel, managed rules.
    write(
        SVC,
        "DeleteConfigRule",
        MOTO,
        &[act("config:DeleteConfigRule")],
        &[
            "AccountBaseline.config#correct",
            "AccountBaseline.config#delete",
        ],
    ),
    write(
        SVC,
        "DeleteConfigurationRecorder",
        MOTO,
        &[act("config:DeleteConfigurationRecorder")],
        &["AccountBaseline.config#delete"],
    ),
    write(
        SVC,
        "DeleteDeliveryChannel",
        MOTO,
        &[act("config:DeleteDeliveryChannel")],
        &["AccountBaseline.config#delete"],
    ),
    read(
        SVC,
        "DescribeConfigRules",
        MOTO,
        &[act("config:DescribeConfigRules")],
        &["AccountBaseline.config", "AccountBaseline.config#delete"],
    ),
    read(
        SVC,
        "DescribeConfigurationRecorderStatus",
        MOTO,
        &[act("config:DescribeConfigurationRecorderStatus")],
        &["AccountBaseline.config", "AccountBaseline.config#delete"],
    ),
    read(
        SVC,
        "DescribeConfigurationRecorders",
        MOTO,
        &[act("config:DescribeConfigurationRecorders")],
        &["AccountBaseline.config", "AccountBaseline.config#delete"],
    ),
    read(
        SVC,
        "DescribeDeliveryChannels",
        MOTO,
        &[act("config:DescribeDeliveryChannels")],
        &["AccountBaseline.config", "AccountBaseline.config#delete"],
    ),
    read(
        SVC,
        "ListTagsForResource",
        MOTO,
        &[act("config:ListTagsForResource")],
        // Rules' tags, and the organization aggregator's (`aggregator.rs` reads them through `rule_tags`).
        &[
            "AccountBaseline.config",
            "AccountBaseline.config#delete",
            "AccountBaseline.organization.configAggregator",
            "AccountBaseline.organization.configAggregator#delete",
        ],
    ),
    write(
        SVC,
        "PutConfigRule",
        MOTO,
        &[act("config:PutConfigRule"), act("config:TagResource")],
        &["AccountBaseline.config#correct"],
    ),
    write(
        SVC,
        "PutConfigurationRecorder",
        MOTO,
        &[
            act("config:PutConfigurationRecorder"),
            pass_role(CONFIG_PRINCIPAL, &[]),
        ],
        &["AccountBaseline.config#correct"],
    ),
    write(
        SVC,
        "PutDeliveryChannel",
        MOTO,
        &[act("config:PutDeliveryChannel")],
        &["AccountBaseline.config#correct"],
    ),
    write(
        SVC,
        "StartConfigurationRecorder",
        MOTO,
        &[act("config:StartConfigurationRecorder")],
        &["AccountBaseline.config#correct"],
    ),
    write(
        SVC,
        "StopConfigurationRecorder",
        MOTO,
        &[act("config:StopConfigurationRecorder")],
        &[
            "AccountBaseline.config#correct",
            "AccountBaseline.config#delete",
        ],
    ),
];

/// How CloudTrail records the writes that change what this module manages: the `eventSource` (EventBridge
/// events reference, https://docs.aws.amazon.com/eventbridge/latest/ref/events-ref-config.html), the rows logged under
/// another `eventName`, and the writes the operator never makes that change it (see [`crate::change_events`]).
pub const EVENTS: crate::aws::operation::Events =
    crate::aws::operation::Events::source("config.amazonaws.com");
