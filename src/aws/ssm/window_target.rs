//! The targets registered with a maintenance window.

use super::{gone, our_targets, sdk_targets, TargetEntry, SVC};
use crate::aws::error::{AwsError, AwsResultExt};
use crate::aws::operation::{act, read, write, Operation, MOTO, MOTO_EXT};
use aws_sdk_ssm::types::MaintenanceWindowResourceType;
use aws_sdk_ssm::Client;
use serde::Serialize;
/// A window target.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct TargetConfig {
    /// Name (the target group name).
    pub name: String,
    /// Selection.
    pub targets: Vec<TargetEntry>,
    /// Owner information passed to tasks (the owning object).
    pub owner_information: Option<String>,
}

/// A window target as AWS reports it.
#[derive(Clone, Debug, PartialEq)]
pub struct TargetState {
    /// Window target ID.
    pub id: String,
    /// Settings.
    pub config: TargetConfig,
}

/// DescribeMaintenanceWindowTargets: every target of a window.
pub async fn targets(client: &Client, window_id: &str) -> Result<Vec<TargetState>, AwsError> {
    let mut out = Vec::new();
    let mut pages = client
        .describe_maintenance_window_targets()
        .window_id(window_id)
        .into_paginator()
        .send();
    while let Some(page) = pages.next().await {
        let page = page.aws(SVC, "DescribeMaintenanceWindowTargets")?;
        out.extend(page.targets().iter().map(|t| TargetState {
            id: t.window_target_id().unwrap_or_default().to_string(),
            config: TargetConfig {
                name: t.name().unwrap_or_default().to_string(),
                targets: our_targets(t.targets()),
                owner_information: t.owner_information().map(str::to_string),
            },
        }));
    }
    Ok(out)
}

/// RegisterTargetWithMaintenanceWindow; returns the window target ID.
pub async fn register_target(
    client: &Client,
    window_id: &str,
    cfg: &TargetConfig,
) -> Result<String, AwsError> {
    let r = client
        .register_target_with_maintenance_window()
        .window_id(window_id)
        .resource_type(MaintenanceWindowResourceType::Instance)
        .name(&cfg.name)
        .set_targets(Some(sdk_targets(&cfg.targets)))
        .set_owner_information(cfg.owner_information.clone())
        .send()
        .await
        .aws(SVC, "RegisterTargetWithMaintenanceWindow")?;
    Ok(r.window_target_id().unwrap_or_default().to_string())
}

/// UpdateMaintenanceWindowTarget with `Replace=true`.
pub async fn update_target(
    client: &Client,
    window_id: &str,
    target_id: &str,
    cfg: &TargetConfig,
) -> Result<(), AwsError> {
    client
        .update_maintenance_window_target()
        .window_id(window_id)
        .window_target_id(target_id)
        .replace(true)
        .name(&cfg.name)
        .set_targets(Some(sdk_targets(&cfg.targets)))
        .set_owner_information(cfg.owner_information.clone())
        .send()
        .await
        .aws(SVC, "UpdateMaintenanceWindowTarget")?;
    Ok(())
}

/// DeregisterTargetFromMaintenanceWindow.
pub async fn deregister_target(
    client: &Client,
    window_id: &str,
    target_id: &str,
) -> Result<(), AwsError> {
    let r = client
        .deregister_target_from_maintenance_window()
        .window_id(window_id)
        .window_target_id(target_id)
        .safe(false)
        .send()
        .await
        .aws(SVC, "DeregisterTargetFromMaintenanceWindow");
    gone(r)
}

/// The AWS operations this file calls (see [`crate::aws::operation`]).
pub const OPERATIONS: &[Operation] = &[
    write(
        SVC,
        "DeregisterTargetFromMaintenanceWindow",
        MOTO,
        &[act("ssm:DeregisterTargetFromMaintenanceWindow")],
        &["PatchSchedule#correct"],
    ),
    read(
        SVC,
        "DescribeMaintenanceWindowTargets",
        MOTO,
        &[act("ssm:DescribeMaintenanceWindowTargets")],
        &["PatchSchedule"],
    ),
    write(
        SVC,
        "RegisterTargetWithMaintenanceWindow",
        MOTO,
        &[act("ssm:RegisterTargetWithMaintenanceWindow")],
        &["PatchSchedule#correct"],
    ),
    write(
        SVC,
        "UpdateMaintenanceWindowTarget",
        MOTO_EXT,
        &[act("ssm:UpdateMaintenanceWindowTarget")],
        &["PatchSchedule#correct"],
    ),
];

/// How CloudTrail records this module's writes: `eventSource` ssm.amazonaws.com (EventBridge events reference,
/// https://docs.aws.amazon.com/eventbridge/latest/ref/events-ref-ssm.html), each under its operation name.
pub const EVENTS: crate::aws::operation::Events =
    crate::aws::operation::Events::source("ssm.amazonaws.com");
