//! EC2 VPC flow logs: the VPCs of a region and the flow logs attached to them.

use crate::aws::error::{AwsError, AwsResultExt, ErrorCategory};
use crate::aws::operation::{
    act, pass_role, read, write, Grant, Operation, Perm, MOTO, VPC_FLOW_LOGS_PRINCIPAL,
};
use aws_sdk_ec2::types::{
    Filter, FlowLogsResourceType, LogDestinationType, ResourceType, Tag, TagSpecification,
    TrafficType, UnsuccessfulItem,
};
use aws_sdk_ec2::Client;
use std::collections::BTreeMap;

const SVC: &str = "ec2";

/// Values per DescribeFlowLogs filter (EC2 accepts up to 200 filter values per request).
const FILTER_VALUES: usize = 200;

/// A flow log as AWS reports it.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct FlowLogState {
    /// Flow log ID.
    pub id: String,
    /// VPC (or subnet / interface) it logs.
    pub resource_id: String,
    /// `ALL` / `ACCEPT` / `REJECT`.
    pub traffic_type: String,
    /// `cloud-watch-logs` or `s3`.
    pub destination_type: String,
    /// Log group name (CloudWatch Logs delivery).
    pub log_group_name: Option<String>,
    /// Destination ARN (S3 bucket ARN, or the log group ARN).
    pub destination: Option<String>,
    /// Delivery role (CloudWatch Logs).
    pub deliver_logs_permission_arn: Option<String>,
    /// Log format.
    pub log_format: Option<String>,
    /// Maximum aggregation interval, seconds.
    pub max_aggregation_interval: Option<i32>,
    /// Tags.
    pub tags: BTreeMap<String, String>,
}

/// What a new flow log delivers where.
#[derive(Clone, Debug, PartialEq)]
pub struct FlowLogConfig {
    /// CloudWatch Logs: (log group name, delivery role ARN).
    pub cloud_watch_logs: Option<(String, String)>,
    /// S3 bucket ARN.
    pub s3_bucket_arn: Option<String>,
    /// Traffic type.
    pub traffic_type: String,
    /// Custom log format.
    pub log_format: Option<String>,
    /// 60 or 600.
    pub max_aggregation_interval: i32,
}

/// DescribeVpcs (every page), limited to VPCs carrying all of `tags`. Returns the VPC IDs, sorted.
pub async fn vpcs(
    client: &Client,
    tags: &BTreeMap<String, String>,
) -> Result<Vec<String>, AwsError> {
    let filters: Vec<Filter> = tags
        .iter()
        .map(|(k, v)| Filter::builder().name(format!("tag:{k}")).values(v).build())
        .collect();
    let mut out = Vec::new();
    let mut token: Option<String> = None;
    loop {
        let page = client
            .describe_vpcs()
            .set_filters((!filters.is_empty()).then(|| filters.clone()))
            .set_next_token(token.clone())
            .send()
            .await
            .aws(SVC, "DescribeVpcs")?;
        out.extend(
            page.vpcs()
                .iter()
                .filter_map(|v| v.vpc_id().map(str::to_string)),
        );
        token = page.next_token().map(str::to_string);
        if token.is_none() {
            out.sort();
            return Ok(out);
        }
    }
}

async fn describe(client: &Client, filter: Filter) -> Result<Vec<FlowLogState>, AwsError> {
    let mut out = Vec::new();
    let mut token: Option<String> = None;
    loop {
        let page = client
            .describe_flow_logs()
            .filter(filter.clone())
            .set_next_token(token.clone())
            .send()
            .await
            .aws(SVC, "DescribeFlowLogs")?;
        out.extend(page.flow_logs().iter().map(|f| {
            FlowLogState {
                id: f.flow_log_id().unwrap_or_default().to_string(),
                resource_id: f.resource_id().unwrap_or_default().to_string(),
                traffic_type: f
                    .traffic_type()
                    .map(|t| t.as_str().to_string())
                    .unwrap_or_default(),
                destination_type: f
                    .log_destination_type()
                    .map(|t| t.as_str().to_string())
                    .unwrap_or_else(|| "cloud-watch-logs".into()),
                log_group_name: f.log_group_name().map(str::to_string),
                destination: f.log_destination().map(str::to_string),
                deliver_logs_permission_arn: f.deliver_logs_permission_arn().map(str::to_string),
                log_format: f.log_format().map(str::to_string),
                max_aggregation_interval: f.max_aggregation_interval(),
                tags: f
                    .tags()
                    .iter()
                    .filter_map(|t| Some((t.key()?.to_string(), t.value()?.to_string())))
                    .collect(),
            }
        }));
        token = page.next_token().map(str::to_string);
        if token.is_none() {
            return Ok(out);
        }
    }
}

/// DescribeFlowLogs filtered by `resource-id`, up to 200 VPC IDs per request.
pub async fn of_resources(client: &Client, ids: &[String]) -> Result<Vec<FlowLogState>, AwsError> {
    let mut out = Vec::new();
    for chunk in ids.chunks(FILTER_VALUES) {
        let filter = Filter::builder()
            .name("resource-id")
            .set_values(Some(chunk.to_vec()))
            .build();
        out.extend(describe(client, filter).await?);
    }
    Ok(out)
}

/// DescribeFlowLogs filtered by a tag (the owner UID tag finds every flow log one owner created).
pub async fn tagged(
    client: &Client,
    key: &str,
    value: &str,
) -> Result<Vec<FlowLogState>, AwsError> {
    let filter = Filter::builder()
        .name(format!("tag:{key}"))
        .values(value)
        .build();
    describe(client, filter).await
}

fn unsuccessful(operation: &'static str, items: &[UnsuccessfulItem]) -> Result<(), AwsError> {
    let Some(first) = items.first() else {
        return Ok(());
    };
    let code = first
        .error()
        .and_then(|e| e.code())
        .unwrap_or_default()
        .to_string();
    let message = items
        .iter()
        .map(|i| {
            format!(
                "{}: {}",
                i.resource_id().unwrap_or_default(),
                i.error().and_then(|e| e.message()).unwrap_or_default()
            )
        })
        .collect::<Vec<_>>()
        .join("; ");
    let status = code.parse::<u16>().ok();
    let category = ErrorCategory::from_code(&code, status.or(Some(400)));
    Err(AwsError {
        service: SVC,
        operation,
        category,
        code: Some(code),
        message,
    })
}

/// CreateFlowLogs for several VPCs at once, tagged on creation.
pub async fn create(
    client: &Client,
    vpc_ids: &[String],
    cfg: &FlowLogConfig,
    tags: &[(String, String)],
) -> Result<Vec<String>, AwsError> {
    let mut req = client
        .create_flow_logs()
        .resource_type(FlowLogsResourceType::Vpc)
        .set_resource_ids(Some(vpc_ids.to_vec()))
        .traffic_type(TrafficType::from(cfg.traffic_type.as_str()))
        .max_aggregation_interval(cfg.max_aggregation_interval)
        .set_log_format(cfg.log_format.clone())
        .tag_specifications(
            TagSpecification::builder()
                .resource_type(ResourceType::VpcFlowLog)
                .set_tags(Some(
                    tags.iter()
                        .map(|(k, v)| Tag::builder().key(k).value(v).build())
                        .collect(),
                ))
                .build(),
        );
    if let Some((group, role)) = &cfg.cloud_watch_logs {
        req = req
            .log_destination_type(LogDestinationType::CloudWatchLogs)
            .log_group_name(group)
            .deliver_logs_permission_arn(role);
    }
    if let Some(arn) = &cfg.s3_bucket_arn {
        req = req
            .log_destination_type(LogDestinationType::S3)
            .log_destination(arn);
    }
    let out = req.send().await.aws(SVC, "CreateFlowLogs")?;
    unsuccessful("CreateFlowLogs", out.unsuccessful())?;
    Ok(out.flow_log_ids().to_vec())
}

/// DeleteFlowLogs (only ever called with flow logs whose tags prove this owner created them).
pub async fn delete(client: &Client, ids: &[String]) -> Result<(), AwsError> {
    if ids.is_empty() {
        return Ok(());
    }
    let out = client
        .delete_flow_logs()
        .set_flow_log_ids(Some(ids.to_vec()))
        .send()
        .await
        .aws(SVC, "DeleteFlowLogs")?;
    // An ID that is already gone is what we wanted.
    let left: Vec<UnsuccessfulItem> = out
        .unsuccessful()
        .iter()
        .filter(|i| i.error().and_then(|e| e.code()) != Some("InvalidFlowLogId.NotFound"))
        .cloned()
        .collect();
    unsuccessful("DeleteFlowLogs", &left)
}

/// The AWS operations this module calls: the IAM permissions each needs, the spec sections whose
/// reconciliation calls it, and the test that exercises it (see [`crate::aws::operation`]).
pub const OPERATIONS: &[Operation] = &[
    // EC2: EBS encryption by default (every region) and instance lookup for PatchSchedule compliance.
    write(
        SVC,
        "CreateFlowLogs",
        MOTO,
        &[
            act("ec2:CreateFlowLogs"),
            act("ec2:CreateTags"),
            Perm {
                grant: Grant::Action("logs:CreateLogDelivery"),
                only: &["AccountBaseline.vpcFlowLogs.s3#correct"],
            },
            pass_role(
                VPC_FLOW_LOGS_PRINCIPAL,
                &["AccountBaseline.vpcFlowLogs.cloudWatchLogs#correct"],
            ),
        ],
        &["AccountBaseline.vpcFlowLogs#correct"],
    ),
    write(
        SVC,
        "DeleteFlowLogs",
        MOTO,
        &[
            act("ec2:DeleteFlowLogs"),
            Perm {
                grant: Grant::Action("logs:DeleteLogDelivery"),
                only: &[
                    "AccountBaseline.vpcFlowLogs.s3#correct",
                    "AccountBaseline.vpcFlowLogs.s3#delete",
                ],
            },
        ],
        &[
            "AccountBaseline.vpcFlowLogs#correct",
            "AccountBaseline.vpcFlowLogs#delete",
        ],
    ),
    read(
        SVC,
        "DescribeFlowLogs",
        MOTO,
        &[act("ec2:DescribeFlowLogs")],
        &[
            "AccountBaseline.vpcFlowLogs",
            "AccountBaseline.vpcFlowLogs#delete",
        ],
    ),
    read(
        SVC,
        "DescribeVpcs",
        MOTO,
        &[act("ec2:DescribeVpcs")],
        &["AccountBaseline.vpcFlowLogs"],
    ),
];

/// How CloudTrail records the writes that change what this module manages: the `eventSource` (EventBridge
/// events reference, https://docs.aws.amazon.com/eventbridge/latest/ref/events-ref-ec2.html), the rows logged under
/// another `eventName`, and the writes the operator never makes that change it (see [`crate::change_events`]).
pub const EVENTS: crate::aws::operation::Events =
    crate::aws::operation::Events::source("ec2.amazonaws.com");
