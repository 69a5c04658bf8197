//! Parameter Store: the `String` parameter holding a MonitoringPolicy's CloudWatch agent configuration.
//!
//! PutParameter cannot carry tags and `Overwrite=true` together (API reference, PutParameter `Tags`): a parameter
//! is created with its owner tags and no overwrite, and later values overwrite it without tags, so the tags set at
//! creation stay the ownership proof.

use super::{sdk_tags, SVC};
use crate::aws::error::{not_found_as_none, ok_if_gone, AwsError, AwsResultExt};
use crate::aws::operation::{act, read, write, Operation, MOTO};
use aws_sdk_ssm::types::{ParameterTier, ParameterType};
use aws_sdk_ssm::Client;

/// What SSM answers for a parameter that does not exist.
const PARAMETER_MISSING: &[&str] = &["ParameterNotFound"];

/// Size limit of a Standard-tier value (4 KB); larger values need the Advanced tier (8 KB).
pub const STANDARD_TIER_MAX: usize = 4096;

/// A parameter as GetParameter reports it.
#[derive(Clone, Debug, PartialEq)]
pub struct ParameterState {
    /// The value.
    pub value: String,
    /// Version (every overwrite adds one).
    pub version: i64,
}

/// GetParameter: `None` when the parameter does not exist.
pub async fn get_parameter(
    client: &Client,
    name: &str,
) -> Result<Option<ParameterState>, AwsError> {
    let r = client
        .get_parameter()
        .name(name)
        .send()
        .await
        .aws(SVC, "GetParameter");
    Ok(not_found_as_none(r, PARAMETER_MISSING)?.and_then(|r| {
        r.parameter().map(|p| ParameterState {
            value: p.value().unwrap_or_default().to_string(),
            version: p.version(),
        })
    }))
}

/// PutParameter of a `String` value: created with `tags` when `create`, else overwritten (tags untouched). A value
/// above [`STANDARD_TIER_MAX`] bytes goes to the Advanced tier.
pub async fn put_parameter(
    client: &Client,
    name: &str,
    value: &str,
    create: bool,
    tags: &[(String, String)],
) -> Result<(), AwsError> {
    let mut req = client
        .put_parameter()
        .name(name)
        .value(value)
        .r#type(ParameterType::String)
        .description("CloudWatch agent configuration, managed by aws-baseline-operator");
    if value.len() > STANDARD_TIER_MAX {
        req = req.tier(ParameterTier::Advanced);
    }
    req = if create {
        req.set_tags(Some(sdk_tags(tags)?))
    } else {
        req.overwrite(true)
    };
    req.send().await.aws(SVC, "PutParameter")?;
    Ok(())
}

/// DeleteParameter; a missing parameter is fine.
pub async fn delete_parameter(client: &Client, name: &str) -> Result<(), AwsError> {
    let r = client
        .delete_parameter()
        .name(name)
        .send()
        .await
        .aws(SVC, "DeleteParameter");
    ok_if_gone(r, PARAMETER_MISSING)
}

/// The AWS operations this file calls (see [`crate::aws::operation`]).
pub const OPERATIONS: &[Operation] = &[
    write(
        SVC,
        "DeleteParameter",
        MOTO,
        &[act("ssm:DeleteParameter")],
        // The agent configuration of a removed cloudWatchAgent section, and on deletion.
        &[
            "MonitoringPolicy.cloudWatchAgent#correct",
            "MonitoringPolicy.cloudWatchAgent#delete",
        ],
    ),
    read(
        SVC,
        "GetParameter",
        MOTO,
        &[act("ssm:GetParameter")],
        &["MonitoringPolicy.cloudWatchAgent"],
    ),
    write(
        SVC,
        "PutParameter",
        MOTO,
        &[act("ssm:PutParameter"), act("ssm:AddTagsToResource")],
        &["MonitoringPolicy.cloudWatchAgent#correct"],
    ),
];

/// How CloudTrail records this module's writes: `eventSource` ssm.amazonaws.com (EventBridge events reference,
/// https://docs.aws.amazon.com/eventbridge/latest/ref/events-ref-ssm.html), each under its operation name;
/// DeleteParameters (several at once) removes a parameter too.
pub const EVENTS: crate::aws::operation::Events = crate::aws::operation::Events {
    source: Some("ssm.amazonaws.com"),
    renamed: &[],
    foreign_writes: &[crate::aws::operation::foreign(
        "DeleteParameters",
        &["MonitoringPolicy.cloudWatchAgent"],
    )],
};
