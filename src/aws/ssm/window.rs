//! Maintenance windows: find, read, create, update and delete the window itself.

use super::{gone, sdk_tags, timestamp, unless_missing, SVC};
use crate::aws::error::{AwsError, AwsResultExt};
use crate::aws::operation::{act, read, write, Operation, MOTO, MOTO_EXT};
use aws_sdk_ssm::types::MaintenanceWindowFilter;
use aws_sdk_ssm::Client;
use serde::Serialize;

/// Sets the settings CreateMaintenanceWindow and UpdateMaintenanceWindow share on either request (the SDK's two
/// builders have the same setters and no common trait).
macro_rules! with_settings {
    ($req:expr, $cfg:expr) => {
        $req.name(&$cfg.name)
            .set_description($cfg.description.clone())
            .schedule(&$cfg.schedule)
            .set_schedule_timezone($cfg.schedule_timezone.clone())
            .set_schedule_offset($cfg.schedule_offset)
            .duration($cfg.duration)
            .cutoff($cfg.cutoff)
            .set_start_date($cfg.start_date.clone())
            .set_end_date($cfg.end_date.clone())
            .allow_unassociated_targets($cfg.allow_unassociated_targets)
    };
}

/// The settings of a maintenance window the operator manages.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct WindowConfig {
    /// Name.
    pub name: String,
    /// Description.
    pub description: Option<String>,
    /// cron/rate/at expression.
    pub schedule: String,
    /// IANA time zone (`None` = UTC).
    pub schedule_timezone: Option<String>,
    /// Days after the cron date.
    pub schedule_offset: Option<i32>,
    /// Hours.
    pub duration: i32,
    /// Hours.
    pub cutoff: i32,
    /// Start (ISO 8601).
    pub start_date: Option<String>,
    /// End (ISO 8601).
    pub end_date: Option<String>,
    /// Enabled.
    pub enabled: bool,
    /// Allow unregistered targets.
    pub allow_unassociated_targets: bool,
}

/// A window as AWS reports it.
#[derive(Clone, Debug, PartialEq)]
pub struct WindowState {
    /// Window ID.
    pub id: String,
    /// Its settings.
    pub config: WindowConfig,
    /// When it was created (the anchor of rate schedules).
    pub created: Option<jiff::Timestamp>,
}

/// GetMaintenanceWindow; `None` when it does not exist.
pub async fn get_window(client: &Client, id: &str) -> Result<Option<WindowState>, AwsError> {
    let r = client
        .get_maintenance_window()
        .window_id(id)
        .send()
        .await
        .aws(SVC, "GetMaintenanceWindow");
    let Some(w) = unless_missing(r)? else {
        return Ok(None);
    };
    Ok(Some(WindowState {
        id: w.window_id().unwrap_or(id).to_string(),
        config: WindowConfig {
            name: w.name().unwrap_or_default().to_string(),
            description: w.description().map(str::to_string),
            schedule: w.schedule().unwrap_or_default().to_string(),
            schedule_timezone: w.schedule_timezone().map(str::to_string),
            schedule_offset: w.schedule_offset(),
            duration: w.duration().unwrap_or_default(),
            cutoff: w.cutoff(),
            start_date: w.start_date().map(str::to_string),
            end_date: w.end_date().map(str::to_string),
            enabled: w.enabled(),
            allow_unassociated_targets: w.allow_unassociated_targets(),
        },
        created: timestamp(w.created_date()),
    }))
}

/// DescribeMaintenanceWindows filtered by name (names are not unique in AWS): the IDs of windows with that name.
pub async fn find_windows(client: &Client, name: &str) -> Result<Vec<String>, AwsError> {
    let filter = MaintenanceWindowFilter::builder()
        .key("Name")
        .values(name)
        .build();
    let mut out = Vec::new();
    let mut pages = client
        .describe_maintenance_windows()
        .filters(filter)
        .into_paginator()
        .send();
    while let Some(page) = pages.next().await {
        let page = page.aws(SVC, "DescribeMaintenanceWindows")?;
        out.extend(
            page.window_identities()
                .iter()
                .filter(|w| w.name() == Some(name))
                .filter_map(|w| w.window_id().map(str::to_string)),
        );
    }
    Ok(out)
}

/// DescribeMaintenanceWindows: how many windows the region has (for the 50-per-region cap).
pub async fn count_windows(client: &Client) -> Result<usize, AwsError> {
    let mut n = 0;
    let mut pages = client
        .describe_maintenance_windows()
        .into_paginator()
        .send();
    while let Some(page) = pages.next().await {
        n += page
            .aws(SVC, "DescribeMaintenanceWindows")?
            .window_identities()
            .len();
    }
    Ok(n)
}

/// CreateMaintenanceWindow with ownership tags; returns the window ID.
pub async fn create_window(
    client: &Client,
    cfg: &WindowConfig,
    tags: &[(String, String)],
    client_token: &str,
) -> Result<String, AwsError> {
    let r = with_settings!(client.create_maintenance_window(), cfg)
        .client_token(client_token)
        .set_tags(Some(sdk_tags(tags)?))
        .send()
        .await
        .aws(SVC, "CreateMaintenanceWindow")?;
    let id = r.window_id().unwrap_or_default().to_string();
    if !cfg.enabled {
        // CreateMaintenanceWindow has no Enabled field: a disabled window is created, then disabled.
        update_window(client, &id, cfg).await?;
    }
    Ok(id)
}

/// UpdateMaintenanceWindow with `Replace=true`: every field set to the desired value, absent ones cleared.
pub async fn update_window(client: &Client, id: &str, cfg: &WindowConfig) -> Result<(), AwsError> {
    with_settings!(client.update_maintenance_window(), cfg)
        .window_id(id)
        .replace(true)
        .enabled(cfg.enabled)
        .send()
        .await
        .aws(SVC, "UpdateMaintenanceWindow")?;
    Ok(())
}

/// DeleteMaintenanceWindow (its targets and tasks go with it); a missing window is fine.
pub async fn delete_window(client: &Client, id: &str) -> Result<(), AwsError> {
    let r = client
        .delete_maintenance_window()
        .window_id(id)
        .send()
        .await
        .aws(SVC, "DeleteMaintenanceWindow");
    gone(r)
}

/// The AWS operations this file calls (see [`crate::aws::operation`]).
pub const OPERATIONS: &[Operation] = &[
    write(
        SVC,
        "CreateMaintenanceWindow",
        MOTO,
        &[
            act("ssm:CreateMaintenanceWindow"),
            act("ssm:AddTagsToResource"),
        ],
        &["PatchSchedule#correct"],
    ),
    write(
        SVC,
        "DeleteMaintenanceWindow",
        MOTO,
        &[act("ssm:DeleteMaintenanceWindow")],
        &["PatchSchedule#delete"],
    ),
    read(
        SVC,
        "DescribeMaintenanceWindows",
        MOTO,
        &[act("ssm:DescribeMaintenanceWindows")],
        // Locating the window by name; counting windows before a create.
        &["PatchSchedule"],
    ),
    read(
        SVC,
        "GetMaintenanceWindow",
        MOTO,
        &[act("ssm:GetMaintenanceWindow")],
        &["PatchSchedule"],
    ),
    write(
        SVC,
        "UpdateMaintenanceWindow",
        MOTO_EXT,
        &[act("ssm:UpdateMaintenanceWindow")],
        &["PatchSchedule#correct"],
    ),
];

/// How CloudTrail records this module's writes: `eventSource` ssm.amazonaws.com (EventBridge events reference,
/// https://docs.aws.amazon.com/eventbridge/latest/ref/events-ref-ssm.html), each under its operation name.
pub const EVENTS: crate::aws::operation::Events =
    crate::aws::operation::Events::source("ssm.amazonaws.com");
