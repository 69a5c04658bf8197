//! Desired SSM configuration from a `PatchScheduleSpec`, spec checks that run before any AWS call, and the
//! flattening of configurations into diffable fields.

use super::schedule;
use crate::api::patch_schedule::{
    InventorySpec, PatchBaselineSpec, PatchScheduleSpec, StepSpec, StepType, TargetGroup,
    MAX_TARGETS_PER_WINDOW, MAX_TASKS_PER_WINDOW,
};
use crate::aws::ssm::{
    AssociationConfig, BaselineConfig, RuleConfig, TargetConfig, TargetEntry, TaskConfig, TaskKind,
    WindowConfig,
};
use crate::diff::Fields;
use serde::Serialize;
use serde_json::Value;
use std::collections::BTreeMap;

/// The patch task's name in the window.
pub const PATCH_TASK: &str = "patch";
/// The document the patch task runs.
pub const PATCH_DOCUMENT: &str = "AWS-RunPatchBaseline";
/// The document the inventory association runs.
pub const INVENTORY_DOCUMENT: &str = "AWS-GatherSoftwareInventory";

/// Default AWS name for an object's window and baseline: `<namespace>.<name>`, at most 128 characters (a hash
/// suffix keeps longer ones distinct). A namespace has no dots, so the first dot separates it from the name and
/// `team/a-b` and `team-a/b` never share a name.
pub fn default_name(namespace: &str, name: &str) -> String {
    crate::names::fit(&format!("{namespace}.{name}"), 128)
}

/// The default name of earlier versions (`<namespace>-<name>`, cut at 128): a window or baseline found under it is taken
/// over (and renamed) only when its tags prove it is this object's.
pub fn legacy_name(namespace: &str, name: &str) -> String {
    let mut s = format!("{namespace}-{name}");
    s.truncate(128);
    s
}

/// Check what the CRD schema cannot: the schedule grammar, the time zone, dates, unique task names, AWS caps.
/// An error here means nothing is read or written.
pub fn validate(spec: &PatchScheduleSpec) -> Result<(), String> {
    let w = &spec.window;
    schedule::parse(&w.schedule).map_err(|e| format!("spec.window.schedule: {e}"))?;
    if let Some(tz) = &w.timezone {
        schedule::validate_timezone(tz).map_err(|e| format!("spec.window.timezone: {e}"))?;
    }
    if w.cutoff >= w.duration {
        return Err("spec.window.cutoff must be less than spec.window.duration".into());
    }
    schedule::next_execution(
        &w.schedule,
        w.timezone.as_deref(),
        w.schedule_offset,
        w.start_date.as_deref(),
        w.end_date.as_deref(),
        None,
        jiff::Timestamp::UNIX_EPOCH,
    )
    .map_err(|e| format!("spec.window: {e}"))?;
    if spec.targets.len() > MAX_TARGETS_PER_WINDOW {
        return Err(format!(
            "spec.targets: {} target groups, AWS allows {MAX_TARGETS_PER_WINDOW} per window",
            spec.targets.len()
        ));
    }
    let tasks = 1 + spec.pre_steps.len() + spec.post_steps.len();
    if tasks > MAX_TASKS_PER_WINDOW {
        return Err(format!(
            "spec.preSteps/postSteps: {tasks} tasks, AWS allows {MAX_TASKS_PER_WINDOW} per window"
        ));
    }
    let mut names = std::collections::BTreeSet::new();
    for s in spec.pre_steps.iter().chain(&spec.post_steps) {
        if s.name == PATCH_TASK || !names.insert(s.name.as_str()) {
            return Err(format!(
                "spec.preSteps/postSteps: task name {:?} is used twice",
                s.name
            ));
        }
    }
    let mut groups = std::collections::BTreeSet::new();
    for g in &spec.targets {
        if !groups.insert(g.name.as_str()) {
            return Err(format!(
                "spec.targets: target group name {:?} is used twice",
                g.name
            ));
        }
    }
    Ok(())
}

/// The window.
pub fn window(spec: &PatchScheduleSpec, default: &str) -> WindowConfig {
    let w = &spec.window;
    WindowConfig {
        name: w.name.clone().unwrap_or_else(|| default.to_string()),
        description: w.description.clone(),
        schedule: w.schedule.clone(),
        schedule_timezone: w.timezone.clone(),
        schedule_offset: w.schedule_offset,
        duration: w.duration,
        cutoff: w.cutoff,
        start_date: w.start_date.clone(),
        end_date: w.end_date.clone(),
        enabled: w.enabled,
        allow_unassociated_targets: w.allow_unassociated_targets,
    }
}

/// SSM `Targets` for a target group.
pub fn target_entries(g: &TargetGroup) -> Vec<TargetEntry> {
    if let Some(rg) = &g.resource_group {
        return vec![("resource-groups:Name".into(), vec![rg.clone()])];
    }
    if !g.instance_ids.is_empty() {
        return vec![("InstanceIds".into(), g.instance_ids.clone())];
    }
    g.tags
        .iter()
        .map(|t| (format!("tag:{}", t.key), t.values.clone()))
        .collect()
}

/// One window target per group; `owner` goes into the target's owner information.
pub fn targets(spec: &PatchScheduleSpec, owner: &str) -> Vec<TargetConfig> {
    spec.targets
        .iter()
        .map(|g| TargetConfig {
            name: g.name.clone(),
            targets: target_entries(g),
            owner_information: Some(owner.to_string()),
        })
        .collect()
}

fn step(s: &StepSpec, priority: i32, targets: &[TargetEntry]) -> TaskConfig {
    TaskConfig {
        name: s.name.clone(),
        kind: match s.task_type {
            StepType::RunCommand => TaskKind::RunCommand,
            StepType::Automation => TaskKind::Automation,
        },
        document: s.document_name.clone(),
        document_version: s.document_version.clone(),
        parameters: s.parameters.clone(),
        priority: s.priority.unwrap_or(priority),
        max_concurrency: s.max_concurrency.clone(),
        max_errors: s.max_errors.clone(),
        service_role_arn: s.service_role_arn.clone(),
        cutoff_behavior: "CONTINUE_TASK".into(),
        targets: targets.to_vec(),
        ..Default::default()
    }
}

/// Every task of the window: pre-steps, the patch task, post-steps. Default priorities keep that order.
/// `target_ids` are the window target IDs the tasks run on.
pub fn tasks(spec: &PatchScheduleSpec, target_ids: &[String]) -> Vec<TaskConfig> {
    let mut ids = target_ids.to_vec();
    ids.sort();
    let targets = vec![("WindowTargetIds".to_string(), ids)];
    let pre = spec.pre_steps.len() as i32;
    let p = &spec.patching;
    let mut out: Vec<TaskConfig> = spec
        .pre_steps
        .iter()
        .enumerate()
        .map(|(i, s)| step(s, i as i32 + 1, &targets))
        .collect();
    let mut parameters = BTreeMap::new();
    parameters.insert(
        "Operation".to_string(),
        vec![serde_json::to_value(p.operation)
            .ok()
            .and_then(|v| v.as_str().map(str::to_string))
            .unwrap_or_default()],
    );
    parameters.insert(
        "RebootOption".to_string(),
        vec![serde_json::to_value(p.reboot_option)
            .ok()
            .and_then(|v| v.as_str().map(str::to_string))
            .unwrap_or_default()],
    );
    out.push(TaskConfig {
        name: PATCH_TASK.into(),
        kind: TaskKind::RunCommand,
        document: PATCH_DOCUMENT.into(),
        document_version: None,
        parameters,
        priority: p.priority.unwrap_or(pre + 1),
        max_concurrency: p.max_concurrency.clone(),
        max_errors: p.max_errors.clone(),
        service_role_arn: p.service_role_arn.clone(),
        cutoff_behavior: match p.cutoff_behavior {
            crate::api::patch_schedule::CutoffBehavior::ContinueTask => "CONTINUE_TASK".into(),
            crate::api::patch_schedule::CutoffBehavior::CancelTask => "CANCEL_TASK".into(),
        },
        targets: targets.clone(),
        output_s3_bucket_name: p.output.as_ref().and_then(|o| o.s3_bucket_name.clone()),
        output_s3_key_prefix: p.output.as_ref().and_then(|o| o.s3_key_prefix.clone()),
        cloud_watch_log_group: p
            .output
            .as_ref()
            .and_then(|o| o.cloud_watch_log_group.clone()),
        alarms: p
            .alarms
            .as_ref()
            .map(|a| (a.names.clone(), a.ignore_poll_alarm_failure)),
    });
    out.extend(
        spec.post_steps
            .iter()
            .enumerate()
            .map(|(i, s)| step(s, pre + 2 + i as i32, &targets)),
    );
    out
}

fn wire<T: Serialize>(v: T) -> String {
    serde_json::to_value(v)
        .ok()
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_default()
}

/// The custom patch baseline.
pub fn baseline(b: &PatchBaselineSpec, default: &str) -> BaselineConfig {
    let filters = |f: &[crate::api::patch_schedule::PatchFilter]| -> Vec<TargetEntry> {
        f.iter().map(|f| (wire(f.key), f.values.clone())).collect()
    };
    BaselineConfig {
        name: b.name.clone().unwrap_or_else(|| default.to_string()),
        description: b.description.clone(),
        operating_system: wire(b.operating_system),
        global_filters: filters(&b.global_filters),
        approval_rules: b
            .approval_rules
            .iter()
            .map(|r| RuleConfig {
                filters: filters(&r.patch_filters),
                approve_after_days: r.approve_after_days,
                approve_until_date: r.approve_until_date.clone(),
                compliance_level: wire(r.compliance_level),
                enable_non_security: r.enable_non_security,
            })
            .collect(),
        approved_patches: b.approved_patches.clone(),
        approved_patches_compliance_level: wire(b.approved_patches_compliance_level),
        approved_patches_enable_non_security: b.approved_patches_enable_non_security,
        rejected_patches: b.rejected_patches.clone(),
        rejected_patches_action: wire(b.rejected_patches_action),
        sources: b
            .sources
            .iter()
            .map(|s| (s.name.clone(), s.products.clone(), s.configuration.clone()))
            .collect(),
    }
}

fn enabled(on: bool) -> Vec<String> {
    vec![if on { "Enabled" } else { "Disabled" }.to_string()]
}

/// The inventory association for one target group (State Manager targets cannot OR groups, so one each).
pub fn inventory(inv: &InventorySpec, group: &TargetGroup, default: &str) -> AssociationConfig {
    let mut p = BTreeMap::new();
    p.insert("applications".to_string(), enabled(inv.applications));
    p.insert("awsComponents".to_string(), enabled(inv.aws_components));
    p.insert("networkConfig".to_string(), enabled(inv.network_config));
    p.insert("windowsUpdates".to_string(), enabled(inv.windows_updates));
    p.insert(
        "instanceDetailedInformation".to_string(),
        enabled(inv.instance_detailed_information),
    );
    p.insert("services".to_string(), enabled(inv.services));
    p.insert("windowsRoles".to_string(), enabled(inv.windows_roles));
    p.insert("customInventory".to_string(), enabled(inv.custom_inventory));
    AssociationConfig {
        association_name: crate::names::fit(&format!("{default}-inventory-{}", group.name), 128),
        document: INVENTORY_DOCUMENT.into(),
        schedule: inv.schedule.clone(),
        targets: target_entries(group),
        parameters: p,
    }
}

/// Flatten a configuration into `prefix.<field>` entries plus `prefix.exists`. With `skip_null`, fields the spec
/// leaves out (`null`) are not managed and not compared.
pub fn fields(prefix: &str, value: Option<&impl Serialize>, skip_null: bool) -> Fields {
    let mut out = Fields::new();
    out.insert(format!("{prefix}.exists"), Value::Bool(value.is_some()));
    let Some(v) = value else { return out };
    if let Ok(Value::Object(map)) = serde_json::to_value(v) {
        for (k, v) in map {
            if skip_null && v.is_null() {
                continue;
            }
            out.insert(format!("{prefix}.{k}"), v);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::patch_schedule::PatchScheduleSpec;
    use crate::diff::diff;
    use serde_json::json;

    fn spec(extra: serde_json::Value) -> PatchScheduleSpec {
        let mut base = json!({
            "accountRef": {"name": "acct"},
            "window": {"schedule": "cron(0 2 ? * SUN *)", "timezone": "Europe/Berlin", "duration": 4, "cutoff": 1},
            "targets": [{"name": "prod-web", "tags": [{"key": "Patch Group", "values": ["prod"]}]}],
            "patching": {"operation": "Install"}
        });
        if let (Some(b), Some(e)) = (base.as_object_mut(), extra.as_object()) {
            for (k, v) in e {
                b.insert(k.clone(), v.clone());
            }
        }
        serde_json::from_value(base).unwrap()
    }

    #[test]
    fn defaults_give_the_documented_patch_task() {
        let s = spec(json!({}));
        let t = tasks(&s, &["wt-2".into(), "wt-1".into()]);
        assert_eq!(t.len(), 1);
        let p = &t[0];
        assert_eq!(p.document, "AWS-RunPatchBaseline");
        assert_eq!(p.parameters["Operation"], vec!["Install"]);
        assert_eq!(p.parameters["RebootOption"], vec!["RebootIfNeeded"]);
        assert_eq!(p.max_concurrency, "10%");
        assert_eq!(p.max_errors, "1");
        assert_eq!(p.cutoff_behavior, "CONTINUE_TASK");
        assert_eq!(
            p.targets,
            vec![(
                "WindowTargetIds".to_string(),
                vec!["wt-1".to_string(), "wt-2".to_string()]
            )]
        );
    }

    #[test]
    fn steps_are_ordered_around_the_patch_task() {
        let s = spec(json!({
            "preSteps": [
                {"name": "snapshot", "taskType": "Automation", "documentName": "AWS-CreateSnapshot"},
                {"name": "drain", "taskType": "RunCommand", "documentName": "AWS-RunShellScript",
                 "parameters": {"commands": ["systemctl stop app"]}}
            ],
            "postSteps": [{"name": "health", "taskType": "RunCommand", "documentName": "AWS-RunShellScript", "priority": 50}]
        }));
        let t = tasks(&s, &["wt".into()]);
        let order: Vec<(&str, i32)> = t.iter().map(|t| (t.name.as_str(), t.priority)).collect();
        assert_eq!(
            order,
            vec![("snapshot", 1), ("drain", 2), ("patch", 3), ("health", 50)]
        );
        assert_eq!(t[0].kind, TaskKind::Automation);
    }

    #[test]
    fn target_groups_map_to_ssm_targets() {
        let s = spec(json!({"targets": [
            {"name": "by-tags", "tags": [{"key": "env", "values": ["prod"]}, {"key": "tier", "values": ["web", "api"]}]},
            {"name": "by-ids", "instanceIds": ["i-0123456789abcdef0"]},
            {"name": "by-rg", "resourceGroup": "web-servers"}
        ]}));
        let t = targets(&s, "team-a/prod");
        assert_eq!(
            t[0].targets,
            vec![
                ("tag:env".to_string(), vec!["prod".to_string()]),
                (
                    "tag:tier".to_string(),
                    vec!["web".to_string(), "api".to_string()]
                )
            ]
        );
        assert_eq!(t[1].targets[0].0, "InstanceIds");
        assert_eq!(
            t[2].targets,
            vec![(
                "resource-groups:Name".to_string(),
                vec!["web-servers".to_string()]
            )]
        );
        assert_eq!(t[0].owner_information.as_deref(), Some("team-a/prod"));
    }

    #[test]
    fn validation_catches_what_the_schema_cannot() {
        assert!(validate(&spec(json!({}))).is_ok());
        let mut bad = spec(json!({}));
        bad.window.schedule = "cron(0 2 ? * FOO *)".into();
        assert!(validate(&bad)
            .unwrap_err()
            .starts_with("spec.window.schedule"));
        let mut bad = spec(json!({}));
        bad.window.timezone = Some("Mars/Olympus".into());
        assert!(validate(&bad)
            .unwrap_err()
            .starts_with("spec.window.timezone"));
        let mut bad = spec(json!({}));
        bad.window.cutoff = 4;
        assert!(validate(&bad).unwrap_err().contains("cutoff"));
        let bad = spec(json!({"preSteps": [
            {"name": "same", "taskType": "RunCommand", "documentName": "AWS-RunShellScript"}],
            "postSteps": [{"name": "same", "taskType": "RunCommand", "documentName": "AWS-RunShellScript"}]}));
        assert!(validate(&bad).unwrap_err().contains("used twice"));
        let steps: Vec<_> = (0..20)
            .map(|i| json!({"name": format!("step-{i}"), "taskType": "RunCommand", "documentName": "AWS-RunShellScript"}))
            .collect();
        let bad = spec(json!({ "preSteps": steps }));
        assert!(validate(&bad).unwrap_err().contains("AWS allows 20"));
    }

    #[test]
    fn baseline_uses_the_wire_enums() {
        let s = spec(json!({"baseline": {
            "operatingSystem": "AMAZON_LINUX_2023",
            "approvalRules": [{"patchFilters": [{"key": "CLASSIFICATION", "values": ["Security"]}],
                               "approveAfterDays": 7, "complianceLevel": "CRITICAL"}],
            "rejectedPatchesAction": "BLOCK",
            "patchGroups": ["prod"]
        }}));
        let b = baseline(s.baseline.as_ref().unwrap(), "team-a-prod");
        assert_eq!(b.name, "team-a-prod");
        assert_eq!(b.operating_system, "AMAZON_LINUX_2023");
        assert_eq!(b.approval_rules[0].filters[0].0, "CLASSIFICATION");
        assert_eq!(b.approval_rules[0].compliance_level, "CRITICAL");
        assert_eq!(b.rejected_patches_action, "BLOCK");
        assert_eq!(b.approved_patches_compliance_level, "UNSPECIFIED");
    }

    #[test]
    fn unset_optional_fields_are_not_managed() {
        let s = spec(json!({}));
        let want = window(&s, "team-a-prod");
        let mut have = want.clone();
        have.description = Some("set by hand".into());
        let d = diff(
            "window",
            &fields("window", Some(&want), true),
            &fields("window", Some(&have), false),
        );
        assert!(d.is_empty(), "{d:?}");
        have.duration = 3;
        let d = diff(
            "window",
            &fields("window", Some(&want), true),
            &fields("window", Some(&have), false),
        );
        assert_eq!(d.len(), 1);
        assert_eq!(d[0].field, "window.duration");
        assert_eq!(d[0].desired, json!(4));
        assert_eq!(d[0].actual, json!(3));
    }

    #[test]
    fn inventory_association_per_target_group() {
        let s = spec(json!({"inventory": {"windowsRoles": false}}));
        let a = inventory(s.inventory.as_ref().unwrap(), &s.targets[0], "team-a-prod");
        assert_eq!(a.association_name, "team-a-prod-inventory-prod-web");
        assert_eq!(a.schedule, "rate(30 minutes)");
        assert_eq!(a.parameters["windowsRoles"], vec!["Disabled"]);
        assert_eq!(a.parameters["applications"], vec!["Enabled"]);
        assert_eq!(
            a.targets,
            vec![("tag:Patch Group".to_string(), vec!["prod".to_string()])]
        );
    }
}
