//! AWS Config organization aggregator (the `organization.configAggregator` setting): one named aggregator whose
//! source is the whole organization in all Regions, collecting through an existing IAM role.

use super::{rule_tags, SVC};
use crate::aws::error::{not_found_as_none, ok_if_gone, AwsError, AwsResultExt};
use crate::aws::operation::{act, pass_role, read, write, Operation, CONFIG_PRINCIPAL, MOTO};
use aws_sdk_config::types::{OrganizationAggregationSource, Tag};
use aws_sdk_config::Client;
use std::collections::BTreeMap;

/// An aggregator as AWS reports it.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct AggregatorState {
    /// ARN.
    pub arn: String,
    /// Role of the organization source (`None`: the aggregator collects from listed accounts, not the organization).
    pub organization_role_arn: Option<String>,
    /// The organization source covers all Regions.
    pub all_regions: bool,
    /// Tags on the aggregator.
    pub tags: BTreeMap<String, String>,
}

/// DescribeConfigurationAggregators by name (+ ListTagsForResource); `None` when there is none of that name.
pub async fn observe(client: &Client, name: &str) -> Result<Option<AggregatorState>, AwsError> {
    let out = not_found_as_none(
        client
            .describe_configuration_aggregators()
            .configuration_aggregator_names(name)
            .send()
            .await
            .aws(SVC, "DescribeConfigurationAggregators"),
        &["NoSuchConfigurationAggregatorException"],
    )?;
    let Some(a) = out.as_ref().and_then(|o| {
        o.configuration_aggregators()
            .iter()
            .find(|a| a.configuration_aggregator_name() == Some(name))
    }) else {
        return Ok(None);
    };
    let arn = a
        .configuration_aggregator_arn()
        .unwrap_or_default()
        .to_string();
    let source = a.organization_aggregation_source();
    Ok(Some(AggregatorState {
        tags: rule_tags(client, &arn).await?,
        arn,
        organization_role_arn: source.map(|s| s.role_arn().to_string()),
        all_regions: source.is_some_and(|s| s.all_aws_regions()),
    }))
}

/// PutConfigurationAggregator with the organization as its source in all Regions; `tags` only when creating it.
pub async fn put(
    client: &Client,
    name: &str,
    role_arn: &str,
    tags: &[(String, String)],
) -> Result<String, AwsError> {
    let source = OrganizationAggregationSource::builder()
        .role_arn(role_arn)
        .all_aws_regions(true)
        .build()
        .map_err(|e| AwsError::invalid_input(SVC, "PutConfigurationAggregator", e))?;
    let tags = tags
        .iter()
        .map(|(k, v)| Tag::builder().key(k).value(v).build())
        .collect::<Vec<_>>();
    let out = client
        .put_configuration_aggregator()
        .configuration_aggregator_name(name)
        .organization_aggregation_source(source)
        .set_tags((!tags.is_empty()).then_some(tags))
        .send()
        .await
        .aws(SVC, "PutConfigurationAggregator")?;
    Ok(out
        .configuration_aggregator()
        .and_then(|a| a.configuration_aggregator_arn())
        .unwrap_or_default()
        .to_string())
}

/// DeleteConfigurationAggregator; "already gone" is success.
pub async fn delete(client: &Client, name: &str) -> Result<(), AwsError> {
    ok_if_gone(
        client
            .delete_configuration_aggregator()
            .configuration_aggregator_name(name)
            .send()
            .await
            .aws(SVC, "DeleteConfigurationAggregator"),
        &["NoSuchConfigurationAggregatorException"],
    )
}

/// The AWS operations this module calls: the IAM permissions each needs, the spec sections whose
/// reconciliation calls it, and the test that exercises it (see [`crate::aws::operation`]).
pub const OPERATIONS: &[Operation] = &[
    // AWS Config organization aggregator (home region). An organization source needs the caller to read the
    // organization and its trusted access, and passes the aggregator's role to Config
    // (https://docs.aws.amazon.com/config/latest/developerguide/aggregated-create-setup-org.html).
    write(
        SVC,
        "DeleteConfigurationAggregator",
        MOTO,
        &[act("config:DeleteConfigurationAggregator")],
        &["AccountBaseline.organization.configAggregator#delete"],
    ),
    read(
        SVC,
        "DescribeConfigurationAggregators",
        MOTO,
        &[act("config:DescribeConfigurationAggregators")],
        &[
            "AccountBaseline.organization.configAggregator",
            "AccountBaseline.organization.configAggregator#delete",
        ],
    ),
    write(
        SVC,
        "PutConfigurationAggregator",
        MOTO,
        &[
            act("config:PutConfigurationAggregator"),
            act("config:TagResource"),
            act("organizations:DescribeOrganization"),
            act("organizations:EnableAWSServiceAccess"),
            act("organizations:ListDelegatedAdministrators"),
            pass_role(CONFIG_PRINCIPAL, &[]),
        ],
        &["AccountBaseline.organization.configAggregator#correct"],
    ),
];

/// How CloudTrail records the writes that change what this module manages: the `eventSource` (EventBridge
/// events reference, https://docs.aws.amazon.com/eventbridge/latest/ref/events-ref-config.html), the rows logged under
/// another `eventName`, and the writes the operator never makes that change it (see [`crate::change_events`]).
pub const EVENTS: crate::aws::operation::Events =
    crate::aws::operation::Events::source("config.amazonaws.com");
