//! AWS Config remediation: the remediation configuration of each managed rule (an SSM Automation document run
//! on the rule's noncompliant resources).

use super::{invalid, SVC};
use crate::aws::error::{ok_if_gone, AwsError, AwsResultExt, ErrorCategory};
use crate::aws::operation::{act, read, write, Operation, MOTO_EXT};
use aws_sdk_config::types::{
    RemediationConfiguration, RemediationParameterValue, RemediationTargetType, ResourceValue,
    ResourceValueType, StaticValue,
};
use aws_sdk_config::Client;
use std::collections::BTreeMap;

/// DeleteRemediationConfiguration of a rule; "none" (`NoSuchRemediationConfigurationException`) is success.
pub async fn delete_remediation(client: &Client, rule: &str) -> Result<(), AwsError> {
    ok_if_gone(
        client
            .delete_remediation_configuration()
            .config_rule_name(rule)
            .send()
            .await
            .aws(SVC, "DeleteRemediationConfiguration"),
        &["NoSuchRemediationConfigurationException"],
    )
}

/// A rule's remediation (as observed and as desired).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Remediation {
    /// AWS rule name.
    pub rule: String,
    /// SSM document.
    pub document_name: String,
    /// Document version.
    pub document_version: Option<String>,
    /// Automatic remediation.
    pub automatic: bool,
    /// Automatic attempts.
    pub maximum_automatic_attempts: Option<i32>,
    /// Attempt window, seconds.
    pub retry_attempt_seconds: Option<i64>,
    /// Parameter receiving the resource ID.
    pub resource_id_parameter: Option<String>,
    /// Static parameters.
    pub parameters: BTreeMap<String, Vec<String>>,
}

/// Rules per DescribeRemediationConfigurations / PutRemediationConfigurations request (the API's limit).
const REMEDIATION_BATCH: usize = 25;

/// DescribeRemediationConfigurations for these rules (AWS names), 25 per request: rule -> remediation.
pub async fn remediations(
    client: &Client,
    rules: &[String],
) -> Result<BTreeMap<String, Remediation>, AwsError> {
    let mut out = BTreeMap::new();
    for chunk in rules.chunks(REMEDIATION_BATCH) {
        let page = client
            .describe_remediation_configurations()
            .set_config_rule_names(Some(chunk.to_vec()))
            .send()
            .await
            .aws(SVC, "DescribeRemediationConfigurations")?;
        for r in page.remediation_configurations() {
            let mut parameters = BTreeMap::new();
            let mut resource_id_parameter = None;
            for (k, v) in r.parameters().into_iter().flatten() {
                if v.resource_value().is_some() {
                    resource_id_parameter = Some(k.clone());
                } else if let Some(s) = v.static_value() {
                    parameters.insert(k.clone(), s.values().to_vec());
                }
            }
            out.insert(
                r.config_rule_name().to_string(),
                Remediation {
                    rule: r.config_rule_name().to_string(),
                    document_name: r.target_id().to_string(),
                    document_version: r.target_version().map(str::to_string),
                    automatic: r.automatic(),
                    maximum_automatic_attempts: r.maximum_automatic_attempts(),
                    retry_attempt_seconds: r.retry_attempt_seconds(),
                    resource_id_parameter,
                    parameters,
                },
            );
        }
    }
    Ok(out)
}

fn remediation_to_sdk(r: &Remediation) -> Result<RemediationConfiguration, AwsError> {
    let op = "PutRemediationConfigurations";
    let mut params = std::collections::HashMap::new();
    for (k, v) in &r.parameters {
        let value = StaticValue::builder()
            .set_values(Some(v.clone()))
            .build()
            .map_err(|e| invalid(op, e))?;
        params.insert(
            k.clone(),
            RemediationParameterValue::builder()
                .static_value(value)
                .build(),
        );
    }
    if let Some(p) = &r.resource_id_parameter {
        let value = ResourceValue::builder()
            .value(ResourceValueType::ResourceId)
            .build()
            .map_err(|e| invalid(op, e))?;
        params.insert(
            p.clone(),
            RemediationParameterValue::builder()
                .resource_value(value)
                .build(),
        );
    }
    RemediationConfiguration::builder()
        .config_rule_name(&r.rule)
        .target_type(RemediationTargetType::SsmDocument)
        .target_id(&r.document_name)
        .set_target_version(r.document_version.clone())
        .set_parameters((!params.is_empty()).then_some(params))
        .automatic(r.automatic)
        .set_maximum_automatic_attempts(r.maximum_automatic_attempts)
        .set_retry_attempt_seconds(r.retry_attempt_seconds)
        .build()
        .map_err(|e| invalid(op, e))
}

/// PutRemediationConfigurations, 25 per request; a failed batch is an error naming its rules.
pub async fn put_remediations(client: &Client, items: &[Remediation]) -> Result<(), AwsError> {
    for chunk in items.chunks(REMEDIATION_BATCH) {
        let configs = chunk
            .iter()
            .map(remediation_to_sdk)
            .collect::<Result<Vec<_>, _>>()?;
        let out = client
            .put_remediation_configurations()
            .set_remediation_configurations(Some(configs))
            .send()
            .await
            .aws(SVC, "PutRemediationConfigurations")?;
        if let Some(f) = out.failed_batches().first() {
            let rules: Vec<&str> = f
                .failed_items()
                .iter()
                .map(|i| i.config_rule_name())
                .collect();
            return Err(AwsError::new(
                SVC,
                "PutRemediationConfigurations",
                ErrorCategory::InvalidInput,
                format!(
                    "{} ({})",
                    f.failure_message().unwrap_or("failed"),
                    rules.join(", ")
                ),
            ));
        }
    }
    Ok(())
}

/// The AWS operations this file calls (see [`crate::aws::operation`]).
pub const OPERATIONS: &[Operation] = &[
    write(
        SVC,
        "DeleteRemediationConfiguration",
        MOTO_EXT,
        &[act("config:DeleteRemediationConfiguration")],
        // A remediation that left the spec, or one that blocks deleting a rule this baseline created.
        &[
            "AccountBaseline.config#correct",
            "AccountBaseline.config#delete",
        ],
    ),
    read(
        SVC,
        "DescribeRemediationConfigurations",
        MOTO_EXT,
        &[act("config:DescribeRemediationConfigurations")],
        // Every declared rule's remediation is read: one that left the spec is deleted.
        &["AccountBaseline.config"],
    ),
    write(
        SVC,
        "PutRemediationConfigurations",
        MOTO_EXT,
        &[act("config:PutRemediationConfigurations")],
        &["AccountBaseline.config.remediation#correct"],
    ),
];

/// How CloudTrail records the writes that change what this module manages: the `eventSource` (EventBridge
/// events reference, https://docs.aws.amazon.com/eventbridge/latest/ref/events-ref-config.html), the rows logged under
/// another `eventName`, and the writes the operator never makes that change it (see [`crate::change_events`]).
pub const EVENTS: crate::aws::operation::Events =
    crate::aws::operation::Events::source("config.amazonaws.com");
