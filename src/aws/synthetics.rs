//! CloudWatch Synthetics canaries (MonitoringPolicy `canaries`), per region: one DescribeCanaries per five declared
//! canaries (its `Names` filter takes at most 5), CreateCanary with the owner tags, UpdateCanary with the full
//! declared configuration, Start/StopCanary, TagResource for the script hash, and Stop + DeleteCanary on removal.
//!
//! API reference: https://docs.aws.amazon.com/AmazonSynthetics/latest/APIReference/API_Operations.html

use crate::aws::error::{not_found_as_none, ok_if_gone, AwsError, AwsResultExt, ErrorCategory};
use crate::aws::operation::{act, pass_role, read, write, Operation, LAMBDA_PRINCIPAL, MOTO_EXT};
use aws_sdk_synthetics::types::{CanaryCodeInput, CanaryScheduleInput};
use aws_sdk_synthetics::Client;
use aws_smithy_types::Blob;
use std::collections::BTreeMap;

const SVC: &str = "synthetics";

/// DescribeCanaries' `Names` filter takes at most 5 names.
const NAMES_PER_CALL: usize = 5;

/// A canary as DescribeCanaries returns it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Canary {
    /// Name.
    pub name: String,
    /// Handler of its code.
    pub handler: Option<String>,
    /// Schedule expression.
    pub schedule: Option<String>,
    /// Artifact location (AWS returns it without `s3://`).
    pub artifact_s3_location: Option<String>,
    /// Execution role.
    pub execution_role_arn: Option<String>,
    /// Runtime version.
    pub runtime_version: Option<String>,
    /// Days successful runs are kept.
    pub success_retention_period: Option<i32>,
    /// Days failed runs are kept.
    pub failure_retention_period: Option<i32>,
    /// `CREATING`, `READY`, `STARTING`, `RUNNING`, `UPDATING`, `STOPPING`, `STOPPED`, `ERROR`, `DELETING`.
    pub state: String,
    /// Tags, sorted.
    pub tags: Vec<(String, String)>,
}

impl Canary {
    /// True while Synthetics is changing the canary (a write now would be refused with a ConflictException).
    pub fn in_progress(&self) -> bool {
        matches!(
            self.state.as_str(),
            "CREATING" | "STARTING" | "UPDATING" | "STOPPING" | "DELETING"
        )
    }
}

/// What the operator sends for a canary.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CanaryRequest {
    /// AWS name.
    pub name: String,
    /// The zipped script.
    pub zip: Vec<u8>,
    /// Handler.
    pub handler: String,
    /// Schedule expression.
    pub schedule: String,
    /// `s3://bucket/prefix`.
    pub artifact_s3_location: String,
    /// Execution role.
    pub execution_role_arn: String,
    /// Runtime version.
    pub runtime_version: String,
    /// Days successful runs are kept.
    pub success_retention_period: i32,
    /// Days failed runs are kept.
    pub failure_retention_period: i32,
}

impl CanaryRequest {
    fn code(&self) -> CanaryCodeInput {
        CanaryCodeInput::builder()
            .zip_file(Blob::new(self.zip.clone()))
            .handler(&self.handler)
            .build()
    }

    fn schedule(&self, op: &'static str) -> Result<CanaryScheduleInput, AwsError> {
        CanaryScheduleInput::builder()
            .expression(&self.schedule)
            .build()
            .map_err(|e| AwsError::new(SVC, op, ErrorCategory::InvalidInput, e.to_string()))
    }
}

/// The canaries of `names` that exist in this region (DescribeCanaries with `Names`, 5 per call), by name.
pub async fn describe(
    client: &Client,
    names: &[String],
) -> Result<BTreeMap<String, Canary>, AwsError> {
    let mut out = BTreeMap::new();
    for chunk in names.chunks(NAMES_PER_CALL) {
        let mut token: Option<String> = None;
        loop {
            let page = client
                .describe_canaries()
                .set_names(Some(chunk.to_vec()))
                .set_next_token(token.clone())
                .send()
                .await
                .aws(SVC, "DescribeCanaries")?;
            for c in page.canaries() {
                let Some(name) = c.name() else { continue };
                let mut tags: Vec<(String, String)> = c
                    .tags()
                    .map(|t| t.iter().map(|(k, v)| (k.clone(), v.clone())).collect())
                    .unwrap_or_default();
                tags.sort();
                out.insert(
                    name.to_string(),
                    Canary {
                        name: name.to_string(),
                        handler: c.code().and_then(|x| x.handler()).map(str::to_string),
                        schedule: c
                            .schedule()
                            .and_then(|s| s.expression())
                            .map(str::to_string),
                        artifact_s3_location: c.artifact_s3_location().map(str::to_string),
                        execution_role_arn: c.execution_role_arn().map(str::to_string),
                        runtime_version: c.runtime_version().map(str::to_string),
                        success_retention_period: c.success_retention_period_in_days(),
                        failure_retention_period: c.failure_retention_period_in_days(),
                        state: c
                            .status()
                            .and_then(|s| s.state())
                            .map(|s| s.as_str().to_string())
                            .unwrap_or_default(),
                        tags,
                    },
                );
            }
            match page.next_token() {
                Some(t) if !t.is_empty() && Some(t) != token.as_deref() => {
                    token = Some(t.to_string())
                }
                _ => break,
            }
        }
    }
    Ok(out)
}

/// CreateCanary with `tags`.
pub async fn create(
    client: &Client,
    req: &CanaryRequest,
    tags: &[(String, String)],
) -> Result<(), AwsError> {
    client
        .create_canary()
        .name(&req.name)
        .code(req.code())
        .artifact_s3_location(&req.artifact_s3_location)
        .execution_role_arn(&req.execution_role_arn)
        .schedule(req.schedule("CreateCanary")?)
        .runtime_version(&req.runtime_version)
        .success_retention_period_in_days(req.success_retention_period)
        .failure_retention_period_in_days(req.failure_retention_period)
        .set_tags(Some(tags.iter().cloned().collect()))
        .send()
        .await
        .aws(SVC, "CreateCanary")?;
    Ok(())
}

/// UpdateCanary with the whole declared configuration (code included).
pub async fn update(client: &Client, req: &CanaryRequest) -> Result<(), AwsError> {
    client
        .update_canary()
        .name(&req.name)
        .code(req.code())
        .artifact_s3_location(&req.artifact_s3_location)
        .execution_role_arn(&req.execution_role_arn)
        .schedule(req.schedule("UpdateCanary")?)
        .runtime_version(&req.runtime_version)
        .success_retention_period_in_days(req.success_retention_period)
        .failure_retention_period_in_days(req.failure_retention_period)
        .send()
        .await
        .aws(SVC, "UpdateCanary")?;
    Ok(())
}

/// TagResource (adds or overwrites `tags`).
pub async fn tag(client: &Client, arn: &str, tags: &[(String, String)]) -> Result<(), AwsError> {
    client
        .tag_resource()
        .resource_arn(arn)
        .set_tags(Some(tags.iter().cloned().collect()))
        .send()
        .await
        .aws(SVC, "TagResource")?;
    Ok(())
}

/// StartCanary.
pub async fn start(client: &Client, name: &str) -> Result<(), AwsError> {
    client
        .start_canary()
        .name(name)
        .send()
        .await
        .aws(SVC, "StartCanary")?;
    Ok(())
}

/// StopCanary; a canary that is not running is done.
pub async fn stop(client: &Client, name: &str) -> Result<(), AwsError> {
    ok_if_gone(
        client
            .stop_canary()
            .name(name)
            .send()
            .await
            .aws(SVC, "StopCanary"),
        &["ResourceNotFoundException"],
    )
}

/// DeleteCanary with its Lambda function and layers (`DeleteLambda`); a missing canary is done. Synthetics refuses
/// to delete a running canary (ConflictException): stop it first, and once it is `STOPPED`.
pub async fn delete(client: &Client, name: &str) -> Result<(), AwsError> {
    ok_if_gone(
        client
            .delete_canary()
            .name(name)
            .delete_lambda(true)
            .send()
            .await
            .aws(SVC, "DeleteCanary"),
        &["ResourceNotFoundException"],
    )
}

/// The canary, or `None` when it does not exist (GetCanary), for a check right before a delete.
pub async fn get_state(client: &Client, name: &str) -> Result<Option<String>, AwsError> {
    let out = not_found_as_none(
        client
            .get_canary()
            .name(name)
            .send()
            .await
            .aws(SVC, "GetCanary"),
        &["ResourceNotFoundException"],
    )?;
    Ok(out.and_then(|o| {
        o.canary.and_then(|c| {
            c.status
                .and_then(|s| s.state)
                .map(|s| s.as_str().to_string())
        })
    }))
}

/// The ARN of a canary (TagResource takes it): `arn:<partition>:synthetics:<region>:<account>:canary:<name>`.
pub fn arn(region: &str, account: &str, name: &str) -> String {
    format!(
        "arn:{}:synthetics:{region}:{account}:canary:{name}",
        crate::aws::partition(region)
    )
}

/// Uses of the writes that hand the execution role to the canary's Lambda function.
const CORRECT: &[&str] = &["MonitoringPolicy.canaries#correct"];

// IAM: the synthetics: action of each operation's name; CreateCanary with Tags also authorizes synthetics:TagResource.
// Creating and updating a canary makes Synthetics create or update a Lambda function and layer in the caller's
// name and hand it the execution role: the Lambda and iam:PassRole (to lambda.amazonaws.com, the role's trusted
// principal) permissions below are those of the CloudWatchSyntheticsFullAccess managed policy that the
// CloudWatch user guide names for creating canaries
// (https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/CloudWatch_Synthetics_Canaries_UserPermissions.html,
// https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/CloudWatch_Synthetics_Canaries_CanaryPermissions.html,
// https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazoncloudwatchsynthetics.html).
/// The AWS operations this module calls (see [`crate::aws::operation`]).
pub const OPERATIONS: &[Operation] = &[
    write(
        SVC,
        "CreateCanary",
        MOTO_EXT,
        &[
            act("synthetics:CreateCanary"),
            act("synthetics:TagResource"),
            act("lambda:CreateFunction"),
            act("lambda:AddPermission"),
            act("lambda:PublishVersion"),
            act("lambda:PublishLayerVersion"),
            act("lambda:GetLayerVersion"),
            act("lambda:GetLayerVersionByArn"),
            act("lambda:GetFunctionConfiguration"),
            act("lambda:TagResource"),
            pass_role(LAMBDA_PRINCIPAL, &[]),
        ],
        CORRECT,
    ),
    write(
        SVC,
        "DeleteCanary",
        MOTO_EXT,
        &[
            act("synthetics:DeleteCanary"),
            act("lambda:DeleteFunction"),
            act("lambda:DeleteLayerVersion"),
        ],
        &[
            "MonitoringPolicy.canaries#correct",
            "MonitoringPolicy#delete",
        ],
    ),
    read(
        SVC,
        "DescribeCanaries",
        MOTO_EXT,
        &[act("synthetics:DescribeCanaries")],
        &["MonitoringPolicy.canaries", "MonitoringPolicy#delete"],
    ),
    read(
        SVC,
        "GetCanary",
        MOTO_EXT,
        &[act("synthetics:GetCanary")],
        &["MonitoringPolicy.canaries", "MonitoringPolicy#delete"],
    ),
    write(
        SVC,
        "StartCanary",
        MOTO_EXT,
        &[act("synthetics:StartCanary")],
        CORRECT,
    ),
    write(
        SVC,
        "StopCanary",
        MOTO_EXT,
        &[act("synthetics:StopCanary")],
        &[
            "MonitoringPolicy.canaries#correct",
            "MonitoringPolicy#delete",
        ],
    ),
    write(
        SVC,
        "TagResource",
        MOTO_EXT,
        &[act("synthetics:TagResource")],
        CORRECT,
    ),
    write(
        SVC,
        "UpdateCanary",
        MOTO_EXT,
        &[
            act("synthetics:UpdateCanary"),
            act("lambda:UpdateFunctionConfiguration"),
            act("lambda:UpdateFunctionCode"),
            act("lambda:PublishVersion"),
            act("lambda:PublishLayerVersion"),
            act("lambda:GetLayerVersion"),
            act("lambda:GetLayerVersionByArn"),
            act("lambda:GetFunctionConfiguration"),
            pass_role(LAMBDA_PRINCIPAL, &[]),
        ],
        CORRECT,
    ),
];

/// CloudTrail records Synthetics calls with `eventSource` synthetics.amazonaws.com
/// (https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/logging_cw_api_calls_cwsyn.html).
pub const EVENTS: crate::aws::operation::Events =
    crate::aws::operation::Events::source("synthetics.amazonaws.com");
