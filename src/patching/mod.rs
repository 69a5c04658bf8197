//! PatchSchedule rules: spec -> desired SSM configuration, observed configuration -> fields, and which writes
//! remove the drift. One file per component (window, targets, tasks, baseline, inventory, compliance); everything
//! here is pure, the engine (`engine::patch`) does the I/O.

pub mod baseline;
pub mod compliance;
pub mod inventory;
pub mod members;
pub mod names;
pub mod role;
pub mod schedule;
pub mod targets;
pub mod tasks;
pub mod window;

use crate::api::patch_schedule::{PatchScheduleSpec, MAX_TARGETS_PER_WINDOW, MAX_TASKS_PER_WINDOW};
use crate::diff::Fields;
use serde::Serialize;
use serde_json::Value;

/// The window and its schedule.
pub const WINDOW: &str = "window";
/// The window's targets.
pub const TARGETS: &str = "windowTargets";
/// The patch task and the pre/post steps.
pub const TASKS: &str = "tasks";
/// The custom patch baseline and its patch groups.
pub const BASELINE: &str = "patchBaseline";
/// The software inventory associations.
pub const INVENTORY: &str = "inventory";

/// Execution history and patch compliance (read-only; reported, never drift).
pub const COMPLIANCE: &str = "compliance";

/// The maintenance window service role the operator creates (`patching.createRole`; IAM is global: once, in the
/// home region).
pub const PATCH_ROLE: &str = "serviceRole";

/// Every component name a PatchSchedule can have.
pub const COMPONENTS: &[&str] = &[
    WINDOW, TARGETS, TASKS, PATCH_ROLE, BASELINE, INVENTORY, COMPLIANCE,
];

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
    let tasks = spec.task_count();
    if tasks == 0 {
        return Err(
            "spec: declare patching, tasks or steps: a window without tasks does nothing".into(),
        );
    }
    if tasks > MAX_TASKS_PER_WINDOW {
        return Err(format!(
            "spec.preSteps/postSteps/tasks: {tasks} tasks, AWS allows {MAX_TASKS_PER_WINDOW} per window"
        ));
    }
    let mut names = std::collections::BTreeSet::new();
    for s in spec.steps() {
        if s.name == tasks::PATCH_TASK || !names.insert(s.name.as_str()) {
            return Err(format!(
                "spec.preSteps/postSteps/tasks: task name {:?} is used twice",
                s.name
            ));
        }
        if let Some(g) = s
            .target_groups
            .iter()
            .find(|g| !spec.targets.iter().any(|t| &t.name == *g))
        {
            return Err(format!(
                "spec.preSteps/postSteps/tasks: task {:?} runs on target group {g:?}, which spec.targets does not declare",
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

/// The field saying whether the resource at `prefix` exists (`window.exists`, `windowTargets.web.exists`).
pub fn exists_field(prefix: &str) -> String {
    format!("{prefix}.exists")
}

/// The name a spec enum has on the wire (its serde string, e.g. `AMAZON_LINUX_2023`, `RebootIfNeeded`).
pub fn wire_name<T: Serialize>(v: T) -> String {
    serde_json::to_value(v)
        .ok()
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_default()
}

/// Flatten a configuration into `prefix.<field>` entries plus `prefix.exists`. With `skip_null`, fields the spec
/// leaves out (`null`) are not managed and not compared.
pub fn fields(prefix: &str, value: Option<&impl Serialize>, skip_null: bool) -> Fields {
    let mut out = Fields::new();
    out.insert(exists_field(prefix), Value::Bool(value.is_some()));
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

/// A spec to test the rules with: one tag target group, an Install patch task, plus the top-level fields in
/// `extra`.
#[cfg(test)]
pub(crate) fn test_spec(extra: serde_json::Value) -> PatchScheduleSpec {
    let mut base = serde_json::json!({
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

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn validation_catches_what_the_schema_cannot() {
        assert!(validate(&test_spec(json!({}))).is_ok());
        let mut bad = test_spec(json!({}));
        bad.window.schedule = "cron(0 2 ? * FOO *)".into();
        assert!(validate(&bad)
            .unwrap_err()
            .starts_with("spec.window.schedule"));
        let mut bad = test_spec(json!({}));
        bad.window.timezone = Some("Mars/Olympus".into());
        assert!(validate(&bad)
            .unwrap_err()
            .starts_with("spec.window.timezone"));
        let mut bad = test_spec(json!({}));
        bad.window.cutoff = 4;
        assert!(validate(&bad).unwrap_err().contains("cutoff"));
        let bad = test_spec(json!({"preSteps": [
            {"name": "same", "taskType": "RunCommand", "documentName": "AWS-RunShellScript"}],
            "postSteps": [{"name": "same", "taskType": "RunCommand", "documentName": "AWS-RunShellScript"}]}));
        assert!(validate(&bad).unwrap_err().contains("used twice"));
        let steps: Vec<_> = (0..20)
            .map(|i| json!({"name": format!("step-{i}"), "taskType": "RunCommand", "documentName": "AWS-RunShellScript"}))
            .collect();
        let bad = test_spec(json!({ "preSteps": steps }));
        assert!(validate(&bad).unwrap_err().contains("AWS allows 20"));
        let bad = test_spec(json!({"patching": null}));
        assert!(validate(&bad)
            .unwrap_err()
            .contains("declare patching, tasks or steps"));
        let bad = test_spec(json!({"tasks": [{"name": "stop", "taskType": "Automation",
            "documentName": "AWS-StopEC2Instance", "targetGroups": ["nope"]}]}));
        assert!(validate(&bad)
            .unwrap_err()
            .contains("target group \"nope\""));
        let bad = test_spec(json!({"tasks": [{"name": "dup", "taskType": "Automation",
            "documentName": "AWS-StopEC2Instance"}], "postSteps": [{"name": "dup", "taskType": "RunCommand",
            "documentName": "AWS-RunShellScript"}]}));
        assert!(validate(&bad).unwrap_err().contains("used twice"));
    }

    #[test]
    fn duplicate_target_group_names_are_refused() {
        let bad = test_spec(json!({"targets": [
            {"name": "web", "instanceIds": ["i-0123456789abcdef0"]},
            {"name": "web", "resourceGroup": "rg"}
        ]}));
        assert!(validate(&bad)
            .unwrap_err()
            .starts_with("spec.targets: target group name \"web\""));
    }

    #[test]
    fn fields_flatten_with_an_exists_flag() {
        #[derive(Serialize)]
        #[serde(rename_all = "camelCase")]
        struct Cfg {
            name: String,
            description: Option<String>,
        }
        let cfg = Cfg {
            name: "w".into(),
            description: None,
        };
        let managed = fields("window", Some(&cfg), true);
        assert_eq!(managed["window.exists"], json!(true));
        assert_eq!(managed["window.name"], json!("w"));
        assert!(!managed.contains_key("window.description"));
        let all = fields("window", Some(&cfg), false);
        assert_eq!(all["window.description"], Value::Null);
        let absent = fields("window", None::<&Cfg>, false);
        assert_eq!(absent.len(), 1);
        assert_eq!(absent["window.exists"], json!(false));
    }
}
