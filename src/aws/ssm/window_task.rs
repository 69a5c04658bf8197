//! The tasks registered with a maintenance window (Run Command or Automation).

use super::{build_err, gone, our_targets, sdk_targets, sorted, unless_missing, TargetEntry, SVC};
use crate::aws::error::{AwsError, AwsResultExt};
use crate::aws::operation::{
    act, pass_role, read, slr, write, Operation, MOTO, MOTO_EXT, SSM_PRINCIPAL,
};
use aws_sdk_ssm::types::{
    Alarm, AlarmConfiguration, CloudWatchOutputConfig, MaintenanceWindowAutomationParameters,
    MaintenanceWindowRunCommandParameters, MaintenanceWindowTaskCutoffBehavior,
    MaintenanceWindowTaskInvocationParameters, MaintenanceWindowTaskType,
};
use aws_sdk_ssm::Client;
use serde::Serialize;
use std::collections::{BTreeMap, HashMap};

/// Sets the task RegisterTaskWithMaintenanceWindow and UpdateMaintenanceWindowTask share on either request (the
/// SDK's two builders have the same setters and no common trait); `?` returns from the calling function.
macro_rules! with_task {
    ($req:expr, $cfg:expr) => {
        $req.name(&$cfg.name)
            .task_arn(&$cfg.document)
            .set_targets(Some(sdk_targets(&$cfg.targets)))
            .priority($cfg.priority)
            .max_concurrency(&$cfg.max_concurrency)
            .max_errors(&$cfg.max_errors)
            .set_service_role_arn($cfg.service_role_arn.clone())
            .cutoff_behavior(MaintenanceWindowTaskCutoffBehavior::from(
                $cfg.cutoff_behavior.as_str(),
            ))
            .task_invocation_parameters(invocation($cfg)?)
            .set_alarm_configuration(alarm_config($cfg)?)
    };
}
/// Run Command or Automation.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub enum TaskKind {
    /// `RUN_COMMAND`.
    #[default]
    RunCommand,
    /// `AUTOMATION`.
    Automation,
}

/// A window task.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct TaskConfig {
    /// Task name.
    pub name: String,
    /// Type.
    pub kind: TaskKind,
    /// Document name.
    pub document: String,
    /// Document version.
    pub document_version: Option<String>,
    /// Document parameters.
    pub parameters: BTreeMap<String, Vec<String>>,
    /// Priority (lower first).
    pub priority: i32,
    /// Max concurrency.
    pub max_concurrency: String,
    /// Max errors.
    pub max_errors: String,
    /// Role.
    pub service_role_arn: Option<String>,
    /// `CONTINUE_TASK` / `CANCEL_TASK`.
    pub cutoff_behavior: String,
    /// Task targets (the window's target IDs).
    pub targets: Vec<TargetEntry>,
    /// Run Command output bucket.
    pub output_s3_bucket_name: Option<String>,
    /// Run Command output prefix.
    pub output_s3_key_prefix: Option<String>,
    /// Run Command output log group.
    pub cloud_watch_log_group: Option<String>,
    /// Alarms that stop the task, and whether poll failures are ignored.
    pub alarms: Option<(Vec<String>, bool)>,
}

/// A task as DescribeMaintenanceWindowTasks lists it (identity only).
#[derive(Clone, Debug, PartialEq)]
pub struct TaskSummary {
    /// Window task ID.
    pub id: String,
    /// Name.
    pub name: String,
}

/// DescribeMaintenanceWindowTasks: every task of a window (IDs and names).
pub async fn tasks(client: &Client, window_id: &str) -> Result<Vec<TaskSummary>, AwsError> {
    let mut out = Vec::new();
    let mut pages = client
        .describe_maintenance_window_tasks()
        .window_id(window_id)
        .into_paginator()
        .send();
    while let Some(page) = pages.next().await {
        let page = page.aws(SVC, "DescribeMaintenanceWindowTasks")?;
        out.extend(page.tasks().iter().map(|t| TaskSummary {
            id: t.window_task_id().unwrap_or_default().to_string(),
            name: t.name().unwrap_or_default().to_string(),
        }));
    }
    Ok(out)
}

/// GetMaintenanceWindowTask: the full task with its invocation parameters; `None` when it does not exist.
pub async fn get_task(
    client: &Client,
    window_id: &str,
    task_id: &str,
) -> Result<Option<TaskConfig>, AwsError> {
    let r = client
        .get_maintenance_window_task()
        .window_id(window_id)
        .window_task_id(task_id)
        .send()
        .await
        .aws(SVC, "GetMaintenanceWindowTask");
    let Some(t) = unless_missing(r)? else {
        return Ok(None);
    };
    let kind = match t.task_type() {
        Some(MaintenanceWindowTaskType::Automation) => TaskKind::Automation,
        _ => TaskKind::RunCommand,
    };
    let inv = t.task_invocation_parameters();
    let rc = inv.and_then(|i| i.run_command());
    let auto = inv.and_then(|i| i.automation());
    let (parameters, document_version) = match kind {
        TaskKind::RunCommand => (
            sorted(rc.and_then(|r| r.parameters())),
            rc.and_then(|r| r.document_version()).map(str::to_string),
        ),
        TaskKind::Automation => (
            sorted(auto.and_then(|a| a.parameters())),
            auto.and_then(|a| a.document_version()).map(str::to_string),
        ),
    };
    Ok(Some(TaskConfig {
        name: t.name().unwrap_or_default().to_string(),
        kind,
        document: t.task_arn().unwrap_or_default().to_string(),
        document_version,
        parameters,
        priority: t.priority(),
        max_concurrency: t.max_concurrency().unwrap_or_default().to_string(),
        max_errors: t.max_errors().unwrap_or_default().to_string(),
        // The task-level role wins; Run Command also carries one in its parameters.
        service_role_arn: t
            .service_role_arn()
            .or_else(|| rc.and_then(|r| r.service_role_arn()))
            .map(str::to_string),
        cutoff_behavior: t
            .cutoff_behavior()
            .map(|c| c.as_str().to_string())
            .unwrap_or_else(|| "CONTINUE_TASK".into()),
        targets: our_targets(t.targets()),
        output_s3_bucket_name: rc
            .and_then(|r| r.output_s3_bucket_name())
            .map(str::to_string),
        output_s3_key_prefix: rc
            .and_then(|r| r.output_s3_key_prefix())
            .map(str::to_string),
        cloud_watch_log_group: rc
            .and_then(|r| r.cloud_watch_output_config())
            .filter(|c| c.cloud_watch_output_enabled())
            .and_then(|c| c.cloud_watch_log_group_name())
            .map(str::to_string),
        alarms: t.alarm_configuration().map(|a| {
            (
                a.alarms().iter().map(|x| x.name().to_string()).collect(),
                a.ignore_poll_alarm_failure(),
            )
        }),
    }))
}

fn invocation(cfg: &TaskConfig) -> Result<MaintenanceWindowTaskInvocationParameters, AwsError> {
    let params: HashMap<String, Vec<String>> = cfg
        .parameters
        .iter()
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    Ok(match cfg.kind {
        TaskKind::RunCommand => {
            let cw = cfg.cloud_watch_log_group.as_ref().map(|g| {
                CloudWatchOutputConfig::builder()
                    .cloud_watch_log_group_name(g)
                    .cloud_watch_output_enabled(true)
                    .build()
            });
            MaintenanceWindowTaskInvocationParameters::builder()
                .run_command(
                    MaintenanceWindowRunCommandParameters::builder()
                        .set_parameters(Some(params))
                        .set_document_version(cfg.document_version.clone())
                        .set_output_s3_bucket_name(cfg.output_s3_bucket_name.clone())
                        .set_output_s3_key_prefix(cfg.output_s3_key_prefix.clone())
                        .set_cloud_watch_output_config(cw)
                        .build(),
                )
                .build()
        }
        TaskKind::Automation => MaintenanceWindowTaskInvocationParameters::builder()
            .automation(
                MaintenanceWindowAutomationParameters::builder()
                    .set_parameters(Some(params))
                    .set_document_version(cfg.document_version.clone())
                    .build(),
            )
            .build(),
    })
}

fn alarm_config(cfg: &TaskConfig) -> Result<Option<AlarmConfiguration>, AwsError> {
    let Some((names, ignore)) = &cfg.alarms else {
        return Ok(None);
    };
    let alarms = names
        .iter()
        .map(|n| {
            Alarm::builder()
                .name(n)
                .build()
                .map_err(|e| build_err("RegisterTaskWithMaintenanceWindow", e))
        })
        .collect::<Result<Vec<_>, _>>()?;
    AlarmConfiguration::builder()
        .set_alarms(Some(alarms))
        .ignore_poll_alarm_failure(*ignore)
        .build()
        .map(Some)
        .map_err(|e| build_err("RegisterTaskWithMaintenanceWindow", e))
}

fn task_type(kind: TaskKind) -> MaintenanceWindowTaskType {
    match kind {
        TaskKind::RunCommand => MaintenanceWindowTaskType::RunCommand,
        TaskKind::Automation => MaintenanceWindowTaskType::Automation,
    }
}

/// RegisterTaskWithMaintenanceWindow; returns the window task ID.
pub async fn register_task(
    client: &Client,
    window_id: &str,
    cfg: &TaskConfig,
) -> Result<String, AwsError> {
    let r = with_task!(client.register_task_with_maintenance_window(), cfg)
        .window_id(window_id)
        .task_type(task_type(cfg.kind))
        .send()
        .await
        .aws(SVC, "RegisterTaskWithMaintenanceWindow")?;
    Ok(r.window_task_id().unwrap_or_default().to_string())
}

/// UpdateMaintenanceWindowTask with `Replace=true` and the full desired task.
pub async fn update_task(
    client: &Client,
    window_id: &str,
    task_id: &str,
    cfg: &TaskConfig,
) -> Result<(), AwsError> {
    with_task!(client.update_maintenance_window_task(), cfg)
        .window_id(window_id)
        .window_task_id(task_id)
        .replace(true)
        .send()
        .await
        .aws(SVC, "UpdateMaintenanceWindowTask")?;
    Ok(())
}

/// DeregisterTaskFromMaintenanceWindow.
pub async fn deregister_task(
    client: &Client,
    window_id: &str,
    task_id: &str,
) -> Result<(), AwsError> {
    let r = client
        .deregister_task_from_maintenance_window()
        .window_id(window_id)
        .window_task_id(task_id)
        .send()
        .await
        .aws(SVC, "DeregisterTaskFromMaintenanceWindow");
    gone(r)
}

/// The AWS operations this file calls (see [`crate::aws::operation`]).
pub const OPERATIONS: &[Operation] = &[
    write(
        SVC,
        "DeregisterTaskFromMaintenanceWindow",
        MOTO,
        &[act("ssm:DeregisterTaskFromMaintenanceWindow")],
        &["PatchSchedule#correct"],
    ),
    read(
        SVC,
        "DescribeMaintenanceWindowTasks",
        MOTO,
        &[act("ssm:DescribeMaintenanceWindowTasks")],
        &["PatchSchedule"],
    ),
    read(
        SVC,
        "GetMaintenanceWindowTask",
        MOTO_EXT,
        &[act("ssm:GetMaintenanceWindowTask")],
        &["PatchSchedule"],
    ),
    write(
        SVC,
        "RegisterTaskWithMaintenanceWindow",
        MOTO,
        &[
            act("ssm:RegisterTaskWithMaintenanceWindow"),
            pass_role(SSM_PRINCIPAL, &["PatchSchedule.serviceRoleArn#correct"]),
            slr(
                SSM_PRINCIPAL,
                "AWSServiceRoleForAmazonSSM",
                &["PatchSchedule.serviceLinkedRole#correct"],
            ),
        ],
        &["PatchSchedule#correct"],
    ),
    write(
        SVC,
        "UpdateMaintenanceWindowTask",
        MOTO_EXT,
        &[
            act("ssm:UpdateMaintenanceWindowTask"),
            pass_role(SSM_PRINCIPAL, &["PatchSchedule.serviceRoleArn#correct"]),
        ],
        &["PatchSchedule#correct"],
    ),
];

/// How CloudTrail records this module's writes: `eventSource` ssm.amazonaws.com (EventBridge events reference,
/// https://docs.aws.amazon.com/eventbridge/latest/ref/events-ref-ssm.html), each under its operation name.
pub const EVENTS: crate::aws::operation::Events =
    crate::aws::operation::Events::source("ssm.amazonaws.com");
