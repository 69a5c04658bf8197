//! Execution history of a maintenance window and the patch compliance of its instances.

use super::{timestamp, SVC};
use crate::aws::error::{AwsError, AwsResultExt};
use crate::aws::operation::{act, read, Operation, MOTO_EXT};
use aws_sdk_ssm::types::PatchOrchestratorFilter;
use aws_sdk_ssm::Client;
/// One window execution (id, status, start, end).
pub type Execution = (
    String,
    String,
    Option<jiff::Timestamp>,
    Option<jiff::Timestamp>,
);

/// DescribeMaintenanceWindowExecutions: the newest `n` executions, newest first.
pub async fn executions(
    client: &Client,
    window_id: &str,
    n: i32,
) -> Result<Vec<Execution>, AwsError> {
    let r = client
        .describe_maintenance_window_executions()
        .window_id(window_id)
        .max_results(n.clamp(10, 100))
        .send()
        .await
        .aws(SVC, "DescribeMaintenanceWindowExecutions")?;
    let mut out: Vec<Execution> = r
        .window_executions()
        .iter()
        .map(|e| {
            (
                e.window_execution_id().unwrap_or_default().to_string(),
                e.status()
                    .map(|s| s.as_str().to_string())
                    .unwrap_or_default(),
                timestamp(e.start_time()),
                timestamp(e.end_time()),
            )
        })
        .collect();
    out.sort_by_key(|e| std::cmp::Reverse(e.2));
    out.truncate(n as usize);
    Ok(out)
}

/// The patch state of one instance.
#[derive(Clone, Debug, PartialEq)]
pub struct PatchState {
    /// Instance ID.
    pub instance_id: String,
    /// Missing patches.
    pub missing: i32,
    /// Failed patches.
    pub failed: i32,
    /// Missing critical patches.
    pub critical_non_compliant: i32,
    /// End of the scan/install that produced the state.
    pub operation_end: Option<jiff::Timestamp>,
}

/// DescribeInstancePatchStates for up to 50 instances per call.
pub async fn patch_states(
    client: &Client,
    instance_ids: &[String],
) -> Result<Vec<PatchState>, AwsError> {
    let mut out = Vec::new();
    for chunk in instance_ids.chunks(50) {
        let mut pages = client
            .describe_instance_patch_states()
            .set_instance_ids(Some(chunk.to_vec()))
            .into_paginator()
            .send();
        while let Some(page) = pages.next().await {
            let page = page.aws(SVC, "DescribeInstancePatchStates")?;
            out.extend(page.instance_patch_states().iter().map(|s| PatchState {
                instance_id: s.instance_id().to_string(),
                missing: s.missing_count(),
                failed: s.failed_count(),
                critical_non_compliant: s.critical_non_compliant_count().unwrap_or(0),
                operation_end: timestamp(Some(s.operation_end_time())),
            }));
        }
    }
    Ok(out)
}

/// DescribeInstancePatches filtered to missing critical patches: (KB ID, title).
pub async fn missing_critical(
    client: &Client,
    instance_id: &str,
) -> Result<Vec<(String, String)>, AwsError> {
    let state = PatchOrchestratorFilter::builder()
        .key("State")
        .values("Missing")
        .build();
    let severity = PatchOrchestratorFilter::builder()
        .key("Severity")
        .values("Critical")
        .build();
    let r = client
        .describe_instance_patches()
        .instance_id(instance_id)
        .filters(state)
        .filters(severity)
        .max_results(50)
        .send()
        .await
        .aws(SVC, "DescribeInstancePatches")?;
    Ok(r.patches()
        .iter()
        .map(|p| (p.kb_id().to_string(), p.title().to_string()))
        .collect())
}

/// The AWS operations this file calls (see [`crate::aws::operation`]).
pub const OPERATIONS: &[Operation] = &[
    read(
        SVC,
        "DescribeInstancePatchStates",
        MOTO_EXT,
        &[act("ssm:DescribeInstancePatchStates")],
        &["PatchSchedule"],
    ),
    read(
        SVC,
        "DescribeInstancePatches",
        MOTO_EXT,
        &[act("ssm:DescribeInstancePatches")],
        &["PatchSchedule"],
    ),
    read(
        SVC,
        "DescribeMaintenanceWindowExecutions",
        MOTO_EXT,
        &[act("ssm:DescribeMaintenanceWindowExecutions")],
        &["PatchSchedule"],
    ),
];

/// How CloudTrail records this module's writes: `eventSource` ssm.amazonaws.com (EventBridge events reference,
/// https://docs.aws.amazon.com/eventbridge/latest/ref/events-ref-ssm.html), each under its operation name.
pub const EVENTS: crate::aws::operation::Events =
    crate::aws::operation::Events::source("ssm.amazonaws.com");
