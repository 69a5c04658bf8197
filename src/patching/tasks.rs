//! The window's tasks: pre-steps, the `AWS-RunPatchBaseline` task, post-steps and the general tasks, compared by
//! task name.

use super::members::{self, Member, MemberPlan};
use super::{wire_name, TASKS};
use crate::api::patch_schedule::{
    CutoffBehavior, PatchScheduleSpec, PatchTaskSpec, StepSpec, StepType,
};
use crate::aws::ssm::{TargetEntry, TaskConfig, TaskKind, TaskSummary};
use crate::diff::FieldDrift;
use std::collections::BTreeMap;

/// The patch task's name in the window.
pub const PATCH_TASK: &str = "patch";
/// The document the patch task runs.
pub const PATCH_DOCUMENT: &str = "AWS-RunPatchBaseline";

fn cutoff(c: CutoffBehavior) -> String {
    match c {
        CutoffBehavior::ContinueTask => "CONTINUE_TASK".into(),
        CutoffBehavior::CancelTask => "CANCEL_TASK".into(),
    }
}

/// The task targets: the IDs of the window targets registered for `groups` (every group when empty), sorted.
fn task_targets(groups: &[String], target_ids: &BTreeMap<String, String>) -> Vec<TargetEntry> {
    let mut ids: Vec<String> = target_ids
        .iter()
        .filter(|(name, _)| groups.is_empty() || groups.contains(name))
        .map(|(_, id)| id.clone())
        .collect();
    ids.sort();
    vec![("WindowTargetIds".to_string(), ids)]
}

fn step(s: &StepSpec, priority: i32, target_ids: &BTreeMap<String, String>) -> TaskConfig {
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
        cutoff_behavior: cutoff(s.cutoff_behavior),
        targets: task_targets(&s.target_groups, target_ids),
        ..Default::default()
    }
}

fn patch_task(p: &PatchTaskSpec, priority: i32, targets: Vec<TargetEntry>) -> TaskConfig {
    let mut parameters = BTreeMap::new();
    parameters.insert("Operation".to_string(), vec![wire_name(p.operation)]);
    parameters.insert("RebootOption".to_string(), vec![wire_name(p.reboot_option)]);
    TaskConfig {
        name: PATCH_TASK.into(),
        kind: TaskKind::RunCommand,
        document: PATCH_DOCUMENT.into(),
        document_version: None,
        parameters,
        priority: p.priority.unwrap_or(priority),
        max_concurrency: p.max_concurrency.clone(),
        max_errors: p.max_errors.clone(),
        service_role_arn: p.service_role_arn.clone(),
        cutoff_behavior: cutoff(p.cutoff_behavior),
        targets,
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
    }
}

/// Every task of the window: pre-steps, the patch task (when declared), post-steps, then the general tasks.
/// Default priorities keep that order (the patch task's slot stays reserved without it, so adding or removing
/// `patching` does not renumber the steps). `target_ids` are the window target IDs by target group name; a task
/// runs on those of its `targetGroups`, the patch task and a task without `targetGroups` on all of them.
pub fn config(spec: &PatchScheduleSpec, target_ids: &BTreeMap<String, String>) -> Vec<TaskConfig> {
    let pre = spec.pre_steps.len() as i32;
    let post = spec.post_steps.len() as i32;
    let mut out: Vec<TaskConfig> = spec
        .pre_steps
        .iter()
        .enumerate()
        .map(|(i, s)| step(s, i as i32 + 1, target_ids))
        .collect();
    if let Some(p) = &spec.patching {
        out.push(patch_task(p, pre + 1, task_targets(&[], target_ids)));
    }
    out.extend(
        spec.post_steps
            .iter()
            .enumerate()
            .map(|(i, s)| step(s, pre + 2 + i as i32, target_ids)),
    );
    out.extend(
        spec.tasks
            .iter()
            .enumerate()
            .map(|(i, s)| step(s, pre + post + 2 + i as i32, target_ids)),
    );
    out
}

/// Drift when the window does not exist: every task is missing.
pub fn missing(spec: &PatchScheduleSpec) -> Vec<FieldDrift> {
    members::missing_members(
        TASKS,
        config(spec, &BTreeMap::new()).into_iter().map(|t| t.name),
    )
}

/// Compare the wanted tasks with what the window holds: `listed` every task of the window, `found` the ID and
/// settings of each declared task that could be read, by name. In a window the operator created
/// (`window_owned`), tasks the spec does not list are drift and are deregistered.
pub fn plan(
    want: &[TaskConfig],
    found: &BTreeMap<String, (String, TaskConfig)>,
    listed: &[TaskSummary],
    window_owned: bool,
) -> MemberPlan<TaskConfig> {
    let wanted: Vec<Member<TaskConfig>> = want
        .iter()
        .map(|t| Member {
            name: t.name.clone(),
            desired: t.clone(),
            observed: found.get(&t.name).map(|(_, cfg)| cfg.clone()),
        })
        .collect();
    let unlisted: Vec<(String, String)> = listed
        .iter()
        .filter(|l| window_owned && !want.iter().any(|t| t.name == l.name))
        .map(|l| (l.name.clone(), l.id.clone()))
        .collect();
    let ids: BTreeMap<String, String> = found
        .iter()
        .map(|(name, (id, _))| (name.clone(), id.clone()))
        .collect();
    members::plan(TASKS, &wanted, &ids, &unlisted)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::patching::members::MemberWrite;
    use crate::patching::test_spec;
    use serde_json::json;

    fn ids(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn defaults_give_the_documented_patch_task() {
        let s = test_spec(json!({}));
        let t = config(&s, &ids(&[("b", "wt-2"), ("a", "wt-1")]));
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
        let s = test_spec(json!({
            "preSteps": [
                {"name": "snapshot", "taskType": "Automation", "documentName": "AWS-CreateSnapshot"},
                {"name": "drain", "taskType": "RunCommand", "documentName": "AWS-RunShellScript",
                 "parameters": {"commands": ["systemctl stop app"]}}
            ],
            "postSteps": [{"name": "health", "taskType": "RunCommand", "documentName": "AWS-RunShellScript", "priority": 50}]
        }));
        let t = config(&s, &ids(&[("prod-web", "wt")]));
        let order: Vec<(&str, i32)> = t.iter().map(|t| (t.name.as_str(), t.priority)).collect();
        assert_eq!(
            order,
            vec![("snapshot", 1), ("drain", 2), ("patch", 3), ("health", 50)]
        );
        assert_eq!(t[0].kind, TaskKind::Automation);
    }

    #[test]
    fn a_window_without_patching_runs_its_general_tasks_on_their_target_groups() {
        let role = "arn:aws:iam::123456789012:role/ssm-automation";
        let s = test_spec(json!({
            "patching": null,
            "targets": [
                {"name": "dev-web", "tags": [{"key": "env", "values": ["dev"]}]},
                {"name": "dev-db", "tags": [{"key": "role", "values": ["db"]}]}
            ],
            "tasks": [
                {"name": "stop-web", "taskType": "Automation", "documentName": "AWS-StopEC2Instance",
                 "parameters": {"InstanceId": ["{{RESOURCE_ID}}"], "AutomationAssumeRole": [role]},
                 "targetGroups": ["dev-web"], "maxConcurrency": "5", "maxErrors": "0",
                 "serviceRoleArn": role, "cutoffBehavior": "CancelTask"},
                {"name": "inventory-dump", "taskType": "RunCommand", "documentName": "AWS-RunShellScript",
                 "parameters": {"commands": ["df -h"]}}
            ]
        }));
        assert!(s.patching.is_none());
        let t = config(&s, &ids(&[("dev-web", "wt-web"), ("dev-db", "wt-db")]));
        let order: Vec<(&str, i32)> = t.iter().map(|t| (t.name.as_str(), t.priority)).collect();
        assert_eq!(order, vec![("stop-web", 2), ("inventory-dump", 3)]);
        let stop = &t[0];
        assert_eq!(stop.kind, TaskKind::Automation);
        assert_eq!(stop.document, "AWS-StopEC2Instance");
        assert_eq!(
            stop.targets,
            vec![("WindowTargetIds".to_string(), vec!["wt-web".to_string()])]
        );
        assert_eq!(
            (stop.max_concurrency.as_str(), stop.max_errors.as_str()),
            ("5", "0")
        );
        assert_eq!(stop.cutoff_behavior, "CANCEL_TASK");
        assert_eq!(stop.service_role_arn.as_deref(), Some(role));
        assert_eq!(
            t[1].targets,
            vec![(
                "WindowTargetIds".to_string(),
                vec!["wt-db".to_string(), "wt-web".to_string()]
            )]
        );
        assert_eq!(t[1].cutoff_behavior, "CONTINUE_TASK");
    }

    #[test]
    fn general_tasks_run_after_the_patch_task_and_post_steps() {
        let s = test_spec(json!({
            "postSteps": [{"name": "health", "taskType": "RunCommand", "documentName": "AWS-RunShellScript"}],
            "tasks": [{"name": "start", "taskType": "Automation", "documentName": "AWS-StartEC2Instance"}]
        }));
        let t = config(&s, &ids(&[("prod-web", "wt")]));
        let order: Vec<(&str, i32)> = t.iter().map(|t| (t.name.as_str(), t.priority)).collect();
        assert_eq!(order, vec![("patch", 1), ("health", 2), ("start", 3)]);
    }

    #[test]
    fn cancel_at_cutoff_is_the_wire_value() {
        let s = test_spec(
            json!({"patching": {"operation": "Scan", "cutoffBehavior": "CancelTask",
            "rebootOption": "NoReboot"}}),
        );
        let t = config(&s, &BTreeMap::new());
        assert_eq!(t[0].cutoff_behavior, "CANCEL_TASK");
        assert_eq!(t[0].parameters["Operation"], vec!["Scan"]);
        assert_eq!(t[0].parameters["RebootOption"], vec!["NoReboot"]);
    }

    fn listed(id: &str, name: &str) -> TaskSummary {
        TaskSummary {
            id: id.into(),
            name: name.into(),
        }
    }

    #[test]
    fn a_changed_task_is_updated_and_an_unlisted_one_deregistered() {
        let s = test_spec(json!({}));
        let want = config(&s, &ids(&[("prod-web", "wt-1")]));
        let mut have = want[0].clone();
        have.max_errors = "5".into();
        let found = BTreeMap::from([("patch".to_string(), ("t-1".to_string(), have))]);
        let all = [listed("t-1", "patch"), listed("t-2", "old-step")];
        let p = plan(&want, &found, &all, true);
        let fields: Vec<&str> = p.drift.iter().map(|d| d.field.as_str()).collect();
        assert_eq!(
            fields,
            vec!["tasks.old-step.exists", "tasks.patch.maxErrors"]
        );
        assert_eq!(
            p.writes,
            vec![
                MemberWrite::Update {
                    name: "patch".into(),
                    id: "t-1".into(),
                    config: want[0].clone()
                },
                MemberWrite::Remove {
                    name: "old-step".into(),
                    id: "t-2".into()
                }
            ]
        );
        // In an adopted window the other task is not this object's to remove.
        let p = plan(&want, &found, &all, false);
        assert_eq!(p.drift.len(), 1);
    }

    #[test]
    fn a_task_that_could_not_be_read_is_created() {
        let s = test_spec(json!({}));
        let want = config(&s, &BTreeMap::new());
        let p = plan(&want, &BTreeMap::new(), &[], true);
        assert!(p.only_missing);
        assert_eq!(
            p.writes,
            vec![MemberWrite::Create {
                name: "patch".into(),
                config: want[0].clone()
            }]
        );
        assert_eq!(missing(&s)[0].field, "tasks.patch.exists");
    }
}
