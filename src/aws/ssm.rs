//! Systems Manager: maintenance windows with targets and tasks, patch baselines and patch groups, State Manager
//! associations, execution history and patch compliance.
//!
//! Updates use the real update APIs with `Replace=true` and the full desired configuration, so IDs and execution
//! history survive a change and a field removed from the spec is really cleared.

use crate::aws::error::{not_found_as_none, AwsError, AwsResultExt};
use crate::aws::operation::{
    act, mock, pass_role, read, slr, write, Operation, MOTO, MOTO_EXT, SSM_PRINCIPAL,
};
use aws_sdk_ssm::types::{
    Alarm, AlarmConfiguration, AssociationFilter, AssociationFilterKey, CloudWatchOutputConfig,
    MaintenanceWindowAutomationParameters, MaintenanceWindowFilter, MaintenanceWindowResourceType,
    MaintenanceWindowRunCommandParameters, MaintenanceWindowTaskCutoffBehavior,
    MaintenanceWindowTaskInvocationParameters, MaintenanceWindowTaskType, OperatingSystem,
    PatchAction, PatchComplianceLevel, PatchFilter, PatchFilterGroup, PatchFilterKey,
    PatchOrchestratorFilter, PatchRule, PatchRuleGroup, PatchSource, ResourceTypeForTagging, Tag,
    Target,
};
use aws_sdk_ssm::Client;
use serde::Serialize;
use std::collections::{BTreeMap, HashMap};

const SVC: &str = "ssm";

/// Key/values of one SSM `Target` entry, e.g. `("tag:env", ["prod"])`.
pub type TargetEntry = (String, Vec<String>);

fn sdk_targets(t: &[TargetEntry]) -> Vec<Target> {
    t.iter()
        .map(|(k, v)| Target::builder().key(k).set_values(Some(v.clone())).build())
        .collect()
}

fn our_targets(t: &[Target]) -> Vec<TargetEntry> {
    t.iter()
        .map(|t| (t.key().unwrap_or_default().to_string(), t.values().to_vec()))
        .collect()
}

fn sdk_tags(tags: &[(String, String)]) -> Result<Vec<Tag>, AwsError> {
    tags.iter()
        .map(|(k, v)| {
            Tag::builder().key(k).value(v).build().map_err(|e| {
                AwsError::new(
                    SVC,
                    "AddTagsToResource",
                    crate::aws::ErrorCategory::InvalidInput,
                    e.to_string(),
                )
            })
        })
        .collect()
}

fn sorted(map: Option<&HashMap<String, Vec<String>>>) -> BTreeMap<String, Vec<String>> {
    map.map(|m| m.iter().map(|(k, v)| (k.clone(), v.clone())).collect())
        .unwrap_or_default()
}

fn build_err(op: &'static str, e: impl std::fmt::Display) -> AwsError {
    AwsError::new(
        SVC,
        op,
        crate::aws::ErrorCategory::InvalidInput,
        e.to_string(),
    )
}

// ---------------------------------------------------------------------------------------------------------------
// Maintenance windows

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

fn timestamp(t: Option<&aws_smithy_types::DateTime>) -> Option<jiff::Timestamp> {
    t.and_then(|t| jiff::Timestamp::new(t.secs(), t.subsec_nanos() as i32).ok())
}

/// GetMaintenanceWindow; `None` when it does not exist.
pub async fn get_window(client: &Client, id: &str) -> Result<Option<WindowState>, AwsError> {
    let r = client
        .get_maintenance_window()
        .window_id(id)
        .send()
        .await
        .aws(SVC, "GetMaintenanceWindow");
    let Some(w) = not_found_as_none(r, &["DoesNotExistException"])? else {
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
    let r = client
        .create_maintenance_window()
        .name(&cfg.name)
        .set_description(cfg.description.clone())
        .schedule(&cfg.schedule)
        .set_schedule_timezone(cfg.schedule_timezone.clone())
        .set_schedule_offset(cfg.schedule_offset)
        .duration(cfg.duration)
        .cutoff(cfg.cutoff)
        .set_start_date(cfg.start_date.clone())
        .set_end_date(cfg.end_date.clone())
        .allow_unassociated_targets(cfg.allow_unassociated_targets)
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
    client
        .update_maintenance_window()
        .window_id(id)
        .replace(true)
        .name(&cfg.name)
        .set_description(cfg.description.clone())
        .schedule(&cfg.schedule)
        .set_schedule_timezone(cfg.schedule_timezone.clone())
        .set_schedule_offset(cfg.schedule_offset)
        .duration(cfg.duration)
        .cutoff(cfg.cutoff)
        .set_start_date(cfg.start_date.clone())
        .set_end_date(cfg.end_date.clone())
        .allow_unassociated_targets(cfg.allow_unassociated_targets)
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
    not_found_as_none(r, &["DoesNotExistException"])?;
    Ok(())
}

/// ListTagsForResource for a window, baseline or association.
pub async fn tags(
    client: &Client,
    kind: ResourceTypeForTagging,
    id: &str,
) -> Result<BTreeMap<String, String>, AwsError> {
    let r = client
        .list_tags_for_resource()
        .resource_type(kind)
        .resource_id(id)
        .send()
        .await
        .aws(SVC, "ListTagsForResource")?;
    Ok(r.tag_list()
        .iter()
        .map(|t| (t.key().to_string(), t.value().to_string()))
        .collect())
}

// ---------------------------------------------------------------------------------------------------------------
// Window targets

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
    not_found_as_none(r, &["DoesNotExistException"])?;
    Ok(())
}

// ---------------------------------------------------------------------------------------------------------------
// Window tasks

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
    let Some(t) = not_found_as_none(r, &["DoesNotExistException"])? else {
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
    let r = client
        .register_task_with_maintenance_window()
        .window_id(window_id)
        .name(&cfg.name)
        .task_type(task_type(cfg.kind))
        .task_arn(&cfg.document)
        .set_targets(Some(sdk_targets(&cfg.targets)))
        .priority(cfg.priority)
        .max_concurrency(&cfg.max_concurrency)
        .max_errors(&cfg.max_errors)
        .set_service_role_arn(cfg.service_role_arn.clone())
        .cutoff_behavior(MaintenanceWindowTaskCutoffBehavior::from(
            cfg.cutoff_behavior.as_str(),
        ))
        .task_invocation_parameters(invocation(cfg)?)
        .set_alarm_configuration(alarm_config(cfg)?)
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
    client
        .update_maintenance_window_task()
        .window_id(window_id)
        .window_task_id(task_id)
        .replace(true)
        .name(&cfg.name)
        .task_arn(&cfg.document)
        .set_targets(Some(sdk_targets(&cfg.targets)))
        .priority(cfg.priority)
        .max_concurrency(&cfg.max_concurrency)
        .max_errors(&cfg.max_errors)
        .set_service_role_arn(cfg.service_role_arn.clone())
        .cutoff_behavior(MaintenanceWindowTaskCutoffBehavior::from(
            cfg.cutoff_behavior.as_str(),
        ))
        .task_invocation_parameters(invocation(cfg)?)
        .set_alarm_configuration(alarm_config(cfg)?)
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
    not_found_as_none(r, &["DoesNotExistException"])?;
    Ok(())
}

// ---------------------------------------------------------------------------------------------------------------
// Patch baselines

/// One approval rule.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RuleConfig {
    /// Filters (key, values).
    pub filters: Vec<TargetEntry>,
    /// Days after release.
    pub approve_after_days: Option<i32>,
    /// Release date cut.
    pub approve_until_date: Option<String>,
    /// Compliance level.
    pub compliance_level: String,
    /// Non-security updates too.
    pub enable_non_security: bool,
}

/// A patch baseline's settings.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct BaselineConfig {
    /// Name.
    pub name: String,
    /// Description.
    pub description: Option<String>,
    /// Operating system.
    pub operating_system: String,
    /// Global filters (key, values).
    pub global_filters: Vec<TargetEntry>,
    /// Approval rules.
    pub approval_rules: Vec<RuleConfig>,
    /// Approved patches.
    pub approved_patches: Vec<String>,
    /// Their compliance level.
    pub approved_patches_compliance_level: String,
    /// Non-security for approved patches.
    pub approved_patches_enable_non_security: bool,
    /// Rejected patches.
    pub rejected_patches: Vec<String>,
    /// `ALLOW_AS_DEPENDENCY` / `BLOCK`.
    pub rejected_patches_action: String,
    /// Sources (name, products, configuration).
    pub sources: Vec<(String, Vec<String>, String)>,
}

/// A baseline as AWS reports it.
#[derive(Clone, Debug, PartialEq)]
pub struct BaselineState {
    /// Baseline ID.
    pub id: String,
    /// Settings.
    pub config: BaselineConfig,
    /// Patch groups registered to it.
    pub patch_groups: Vec<String>,
}

fn filter_group(filters: &[TargetEntry]) -> Result<PatchFilterGroup, AwsError> {
    let f = filters
        .iter()
        .map(|(k, v)| {
            PatchFilter::builder()
                .key(PatchFilterKey::from(k.as_str()))
                .set_values(Some(v.clone()))
                .build()
                .map_err(|e| build_err("CreatePatchBaseline", e))
        })
        .collect::<Result<Vec<_>, _>>()?;
    PatchFilterGroup::builder()
        .set_patch_filters(Some(f))
        .build()
        .map_err(|e| build_err("CreatePatchBaseline", e))
}

fn our_filters(g: Option<&PatchFilterGroup>) -> Vec<TargetEntry> {
    g.map(|g| {
        g.patch_filters()
            .iter()
            .map(|f| (f.key().as_str().to_string(), f.values().to_vec()))
            .collect()
    })
    .unwrap_or_default()
}

fn rule_group(rules: &[RuleConfig]) -> Result<Option<PatchRuleGroup>, AwsError> {
    if rules.is_empty() {
        return Ok(None);
    }
    let r = rules
        .iter()
        .map(|r| {
            Ok(PatchRule::builder()
                .patch_filter_group(filter_group(&r.filters)?)
                .set_approve_after_days(r.approve_after_days)
                .set_approve_until_date(r.approve_until_date.clone())
                .compliance_level(PatchComplianceLevel::from(r.compliance_level.as_str()))
                .enable_non_security(r.enable_non_security)
                .build())
        })
        .collect::<Result<Vec<_>, _>>()?;
    PatchRuleGroup::builder()
        .set_patch_rules(Some(r))
        .build()
        .map(Some)
        .map_err(|e| build_err("CreatePatchBaseline", e))
}

fn sources(cfg: &BaselineConfig) -> Result<Vec<PatchSource>, AwsError> {
    cfg.sources
        .iter()
        .map(|(n, p, c)| {
            PatchSource::builder()
                .name(n)
                .set_products(Some(p.clone()))
                .configuration(c)
                .build()
                .map_err(|e| build_err("CreatePatchBaseline", e))
        })
        .collect()
}

/// GetPatchBaseline; `None` when it does not exist.
pub async fn get_baseline(client: &Client, id: &str) -> Result<Option<BaselineState>, AwsError> {
    let r = client
        .get_patch_baseline()
        .baseline_id(id)
        .send()
        .await
        .aws(SVC, "GetPatchBaseline");
    let Some(b) = not_found_as_none(r, &["DoesNotExistException"])? else {
        return Ok(None);
    };
    let rules = b
        .approval_rules()
        .map(|g| {
            g.patch_rules()
                .iter()
                .map(|r| RuleConfig {
                    filters: our_filters(r.patch_filter_group()),
                    approve_after_days: r.approve_after_days(),
                    approve_until_date: r.approve_until_date().map(str::to_string),
                    compliance_level: r
                        .compliance_level()
                        .map(|c| c.as_str().to_string())
                        .unwrap_or_else(|| "UNSPECIFIED".into()),
                    enable_non_security: r.enable_non_security().unwrap_or(false),
                })
                .collect()
        })
        .unwrap_or_default();
    Ok(Some(BaselineState {
        id: b.baseline_id().unwrap_or(id).to_string(),
        config: BaselineConfig {
            name: b.name().unwrap_or_default().to_string(),
            description: b.description().map(str::to_string),
            operating_system: b
                .operating_system()
                .map(|o| o.as_str().to_string())
                .unwrap_or_default(),
            global_filters: our_filters(b.global_filters()),
            approval_rules: rules,
            approved_patches: b.approved_patches().to_vec(),
            approved_patches_compliance_level: b
                .approved_patches_compliance_level()
                .map(|c| c.as_str().to_string())
                .unwrap_or_else(|| "UNSPECIFIED".into()),
            approved_patches_enable_non_security: b
                .approved_patches_enable_non_security()
                .unwrap_or(false),
            rejected_patches: b.rejected_patches().to_vec(),
            rejected_patches_action: b
                .rejected_patches_action()
                .map(|a| a.as_str().to_string())
                .unwrap_or_else(|| "ALLOW_AS_DEPENDENCY".into()),
            sources: b
                .sources()
                .iter()
                .map(|s| {
                    (
                        s.name().to_string(),
                        s.products().to_vec(),
                        s.configuration().to_string(),
                    )
                })
                .collect(),
        },
        patch_groups: b.patch_groups().to_vec(),
    }))
}

/// DescribePatchBaselines owned by this account: (id, name) of each custom baseline.
pub async fn own_baselines(client: &Client) -> Result<Vec<(String, String)>, AwsError> {
    let owner = PatchOrchestratorFilter::builder()
        .key("OWNER")
        .values("Self")
        .build();
    let mut out = Vec::new();
    let mut pages = client
        .describe_patch_baselines()
        .filters(owner)
        .into_paginator()
        .send();
    while let Some(page) = pages.next().await {
        let page = page.aws(SVC, "DescribePatchBaselines")?;
        out.extend(page.baseline_identities().iter().filter_map(|b| {
            Some((
                b.baseline_id()?.to_string(),
                b.baseline_name().unwrap_or_default().to_string(),
            ))
        }));
    }
    Ok(out)
}

/// CreatePatchBaseline with ownership tags; returns the baseline ID.
pub async fn create_baseline(
    client: &Client,
    cfg: &BaselineConfig,
    tags: &[(String, String)],
    client_token: &str,
) -> Result<String, AwsError> {
    let r = client
        .create_patch_baseline()
        .name(&cfg.name)
        .set_description(cfg.description.clone())
        .operating_system(OperatingSystem::from(cfg.operating_system.as_str()))
        .set_global_filters(
            (!cfg.global_filters.is_empty())
                .then(|| filter_group(&cfg.global_filters))
                .transpose()?,
        )
        .set_approval_rules(rule_group(&cfg.approval_rules)?)
        .set_approved_patches(Some(cfg.approved_patches.clone()))
        .approved_patches_compliance_level(PatchComplianceLevel::from(
            cfg.approved_patches_compliance_level.as_str(),
        ))
        .approved_patches_enable_non_security(cfg.approved_patches_enable_non_security)
        .set_rejected_patches(Some(cfg.rejected_patches.clone()))
        .rejected_patches_action(PatchAction::from(cfg.rejected_patches_action.as_str()))
        .set_sources(Some(sources(cfg)?))
        .client_token(client_token)
        .set_tags(Some(sdk_tags(tags)?))
        .send()
        .await
        .aws(SVC, "CreatePatchBaseline")?;
    Ok(r.baseline_id().unwrap_or_default().to_string())
}

/// UpdatePatchBaseline with `Replace=true`.
pub async fn update_baseline(
    client: &Client,
    id: &str,
    cfg: &BaselineConfig,
) -> Result<(), AwsError> {
    client
        .update_patch_baseline()
        .baseline_id(id)
        .replace(true)
        .name(&cfg.name)
        .set_description(cfg.description.clone())
        .set_global_filters(Some(filter_group(&cfg.global_filters)?))
        .set_approval_rules(Some(rule_group(&cfg.approval_rules)?.unwrap_or_else(
            || {
                PatchRuleGroup::builder()
                    .set_patch_rules(Some(vec![]))
                    .build()
                    .expect("patch_rules is set")
            },
        )))
        .set_approved_patches(Some(cfg.approved_patches.clone()))
        .approved_patches_compliance_level(PatchComplianceLevel::from(
            cfg.approved_patches_compliance_level.as_str(),
        ))
        .approved_patches_enable_non_security(cfg.approved_patches_enable_non_security)
        .set_rejected_patches(Some(cfg.rejected_patches.clone()))
        .rejected_patches_action(PatchAction::from(cfg.rejected_patches_action.as_str()))
        .set_sources(Some(sources(cfg)?))
        .send()
        .await
        .aws(SVC, "UpdatePatchBaseline")?;
    Ok(())
}

/// DeletePatchBaseline; a missing baseline is fine.
pub async fn delete_baseline(client: &Client, id: &str) -> Result<(), AwsError> {
    let r = client
        .delete_patch_baseline()
        .baseline_id(id)
        .send()
        .await
        .aws(SVC, "DeletePatchBaseline");
    not_found_as_none(r, &["DoesNotExistException"])?;
    Ok(())
}

/// RegisterPatchBaselineForPatchGroup.
pub async fn register_patch_group(client: &Client, id: &str, group: &str) -> Result<(), AwsError> {
    client
        .register_patch_baseline_for_patch_group()
        .baseline_id(id)
        .patch_group(group)
        .send()
        .await
        .aws(SVC, "RegisterPatchBaselineForPatchGroup")?;
    Ok(())
}

/// DeregisterPatchBaselineForPatchGroup; an absent registration is fine.
pub async fn deregister_patch_group(
    client: &Client,
    id: &str,
    group: &str,
) -> Result<(), AwsError> {
    let r = client
        .deregister_patch_baseline_for_patch_group()
        .baseline_id(id)
        .patch_group(group)
        .send()
        .await
        .aws(SVC, "DeregisterPatchBaselineForPatchGroup");
    not_found_as_none(r, &["DoesNotExistException"])?;
    Ok(())
}

// ---------------------------------------------------------------------------------------------------------------
// State Manager associations

/// An association's settings.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct AssociationConfig {
    /// Association name.
    pub association_name: String,
    /// Document name.
    pub document: String,
    /// Schedule expression.
    pub schedule: String,
    /// Targets.
    pub targets: Vec<TargetEntry>,
    /// Parameters.
    pub parameters: BTreeMap<String, Vec<String>>,
}

/// An association as AWS reports it.
#[derive(Clone, Debug, PartialEq)]
pub struct AssociationState {
    /// Association ID.
    pub id: String,
    /// Settings (parameters only when read with DescribeAssociation).
    pub config: AssociationConfig,
}

/// ListAssociations for one document: every association of it (ID, name, schedule, targets).
pub async fn associations(
    client: &Client,
    document: &str,
) -> Result<Vec<AssociationState>, AwsError> {
    let filter = AssociationFilter::builder()
        .key(AssociationFilterKey::Name)
        .value(document)
        .build()
        .map_err(|e| build_err("ListAssociations", e))?;
    let mut out = Vec::new();
    let mut pages = client
        .list_associations()
        .association_filter_list(filter)
        .into_paginator()
        .send();
    while let Some(page) = pages.next().await {
        let page = page.aws(SVC, "ListAssociations")?;
        out.extend(page.associations().iter().map(|a| AssociationState {
            id: a.association_id().unwrap_or_default().to_string(),
            config: AssociationConfig {
                association_name: a.association_name().unwrap_or_default().to_string(),
                document: a.name().unwrap_or_default().to_string(),
                schedule: a.schedule_expression().unwrap_or_default().to_string(),
                targets: our_targets(a.targets()),
                parameters: BTreeMap::new(),
            },
        }));
    }
    Ok(out)
}

/// DescribeAssociation: the association's parameters.
pub async fn association_parameters(
    client: &Client,
    id: &str,
) -> Result<BTreeMap<String, Vec<String>>, AwsError> {
    let r = client
        .describe_association()
        .association_id(id)
        .send()
        .await
        .aws(SVC, "DescribeAssociation")?;
    Ok(sorted(
        r.association_description().and_then(|d| d.parameters()),
    ))
}

/// CreateAssociation with ownership tags; returns the association ID.
pub async fn create_association(
    client: &Client,
    cfg: &AssociationConfig,
    tags: &[(String, String)],
) -> Result<String, AwsError> {
    let params: HashMap<String, Vec<String>> = cfg.parameters.clone().into_iter().collect();
    let r = client
        .create_association()
        .name(&cfg.document)
        .association_name(&cfg.association_name)
        .schedule_expression(&cfg.schedule)
        .set_targets(Some(sdk_targets(&cfg.targets)))
        .set_parameters(Some(params))
        .set_tags(Some(sdk_tags(tags)?))
        .send()
        .await
        .aws(SVC, "CreateAssociation")?;
    Ok(r.association_description()
        .and_then(|d| d.association_id())
        .unwrap_or_default()
        .to_string())
}

/// UpdateAssociation with the full desired settings.
pub async fn update_association(
    client: &Client,
    id: &str,
    cfg: &AssociationConfig,
) -> Result<(), AwsError> {
    let params: HashMap<String, Vec<String>> = cfg.parameters.clone().into_iter().collect();
    client
        .update_association()
        .association_id(id)
        .name(&cfg.document)
        .association_name(&cfg.association_name)
        .schedule_expression(&cfg.schedule)
        .set_targets(Some(sdk_targets(&cfg.targets)))
        .set_parameters(Some(params))
        .send()
        .await
        .aws(SVC, "UpdateAssociation")?;
    Ok(())
}

/// DeleteAssociation; a missing association is fine.
pub async fn delete_association(client: &Client, id: &str) -> Result<(), AwsError> {
    let r = client
        .delete_association()
        .association_id(id)
        .send()
        .await
        .aws(SVC, "DeleteAssociation");
    not_found_as_none(r, &["AssociationDoesNotExist", "DoesNotExistException"])?;
    Ok(())
}

// ---------------------------------------------------------------------------------------------------------------
// Execution history and compliance

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

/// The AWS operations this module calls: the IAM permissions each needs, the spec sections whose
/// reconciliation calls it, and the test that exercises it (see [`crate::aws::operation`]).
pub const OPERATIONS: &[Operation] = &[
    // Systems Manager: PatchSchedule (every listed region) and AccountBaseline Session Manager preferences.
    write(
        SVC,
        "CreateAssociation",
        MOTO_EXT,
        &[act("ssm:CreateAssociation"), act("ssm:AddTagsToResource")],
        &["PatchSchedule.inventory#correct"],
    ),
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
        "CreatePatchBaseline",
        MOTO,
        &[act("ssm:CreatePatchBaseline"), act("ssm:AddTagsToResource")],
        &["PatchSchedule.baseline#correct"],
    ),
    write(
        SVC,
        "DeleteAssociation",
        MOTO_EXT,
        &[act("ssm:DeleteAssociation")],
        // Associations of removed target groups or a removed inventory section, and on deletion.
        &["PatchSchedule#correct", "PatchSchedule#delete"],
    ),
    write(
        SVC,
        "DeleteMaintenanceWindow",
        MOTO,
        &[act("ssm:DeleteMaintenanceWindow")],
        &["PatchSchedule#delete"],
    ),
    write(
        SVC,
        "DeletePatchBaseline",
        MOTO,
        &[act("ssm:DeletePatchBaseline")],
        // A baseline removed from the spec, and on deletion.
        &["PatchSchedule#correct", "PatchSchedule#delete"],
    ),
    write(
        SVC,
        "DeregisterPatchBaselineForPatchGroup",
        MOTO,
        &[act("ssm:DeregisterPatchBaselineForPatchGroup")],
        &["PatchSchedule#correct", "PatchSchedule#delete"],
    ),
    write(
        SVC,
        "DeregisterTargetFromMaintenanceWindow",
        MOTO,
        &[act("ssm:DeregisterTargetFromMaintenanceWindow")],
        &["PatchSchedule#correct"],
    ),
    write(
        SVC,
        "DeregisterTaskFromMaintenanceWindow",
        MOTO,
        &[act("ssm:DeregisterTaskFromMaintenanceWindow")],
        &["PatchSchedule#correct"],
    ),
    read(
        SVC,
        "DescribeAssociation",
        MOTO_EXT,
        &[act("ssm:DescribeAssociation")],
        &["PatchSchedule.inventory"],
    ),
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
        mock("tests/patch_schedule/ssm_api/compliance.rs"),
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
    read(
        SVC,
        "DescribeMaintenanceWindowTargets",
        MOTO,
        &[act("ssm:DescribeMaintenanceWindowTargets")],
        &["PatchSchedule"],
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
        "DescribeMaintenanceWindows",
        MOTO,
        &[act("ssm:DescribeMaintenanceWindows")],
        // Locating the window by name; counting windows before a create.
        &["PatchSchedule"],
    ),
    read(
        SVC,
        "DescribePatchBaselines",
        MOTO,
        &[act("ssm:DescribePatchBaselines")],
        &["PatchSchedule.baseline"],
    ),
    read(
        SVC,
        "GetMaintenanceWindow",
        MOTO,
        &[act("ssm:GetMaintenanceWindow")],
        &["PatchSchedule"],
    ),
    read(
        SVC,
        "GetMaintenanceWindowTask",
        MOTO_EXT,
        &[act("ssm:GetMaintenanceWindowTask")],
        &["PatchSchedule"],
    ),
    read(
        SVC,
        "GetPatchBaseline",
        MOTO_EXT,
        &[act("ssm:GetPatchBaseline")],
        // Observing, and reading the patch groups before deleting a baseline.
        &[
            "PatchSchedule.baseline",
            "PatchSchedule#correct",
            "PatchSchedule#delete",
        ],
    ),
    read(
        SVC,
        "ListAssociations",
        MOTO_EXT,
        &[act("ssm:ListAssociations")],
        &["PatchSchedule.inventory"],
    ),
    read(
        SVC,
        "ListTagsForResource",
        MOTO,
        &[act("ssm:ListTagsForResource")],
        // Ownership proof of windows, baselines and associations found by name, and of the Session Manager
        // preferences document.
        &["PatchSchedule", "AccountBaseline.sessionManager"],
    ),
    write(
        SVC,
        "RegisterPatchBaselineForPatchGroup",
        MOTO,
        &[act("ssm:RegisterPatchBaselineForPatchGroup")],
        &["PatchSchedule.baseline#correct"],
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
        "UpdateAssociation",
        MOTO_EXT,
        &[act("ssm:UpdateAssociation")],
        &["PatchSchedule.inventory#correct"],
    ),
    write(
        SVC,
        "UpdateMaintenanceWindow",
        MOTO_EXT,
        &[act("ssm:UpdateMaintenanceWindow")],
        &["PatchSchedule#correct"],
    ),
    write(
        SVC,
        "UpdateMaintenanceWindowTarget",
        MOTO_EXT,
        &[act("ssm:UpdateMaintenanceWindowTarget")],
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
    write(
        SVC,
        "UpdatePatchBaseline",
        MOTO_EXT,
        &[act("ssm:UpdatePatchBaseline")],
        &["PatchSchedule.baseline#correct"],
    ),
];
