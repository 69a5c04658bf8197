//! AWS Backup rules: vaults, plans (rules and selections) and the job-failure rule of one region, as desired and
//! observed fields, and the writes their drift needs.
//!
//! Field paths (names never contain dots): `backup.vaults.<vault>.{exists,kmsKeyArn,accessPolicy,lock,tags}`,
//! `backup.plans.<plan>.{exists,tags}`, `backup.plans.<plan>.rules.<rule>.{exists,targetVault,schedule,
//! startWindowMinutes,completionWindowMinutes,lifecycle,copyActions,recoveryPointTags}`,
//! `backup.plans.<plan>.selections.<selection>.{exists,iamRoleArn,tags,resources}` and
//! `backup.jobFailureNotifications.{exists,eventPattern,state,topicArn}`. The Security Hub controls of these paths are
//! rows of `crate::baseline::controls::CONTROLS`.

use crate::api::account_baseline::{
    BackupLifecycleSpec, BackupPlanSpec, BackupRuleSpec, BackupSpec, BackupVaultSpec,
};
use crate::aws::backup::{Lifecycle, PlanSummary, RuleState, SelectionState, VaultState};
use crate::aws::events::ObservedRule;
use crate::diff::{FieldDrift, Fields};
use serde_json::{json, Map, Value};
use std::collections::BTreeMap;

/// Component name.
pub const COMPONENT: &str = "backup";

/// EventBridge `source` and `detail-type` of AWS Backup job state changes (AWS Backup developer guide, "Monitoring
/// AWS Backup events using EventBridge").
pub const EVENT_SOURCE: &str = "aws.backup";
/// See [`EVENT_SOURCE`].
pub const EVENT_DETAIL_TYPE: &str = "Backup Job State Change";

fn in_region(regions: &[String], region: &str) -> bool {
    regions.is_empty() || regions.iter().any(|r| r == region)
}

/// The vaults managed in `region`.
pub fn vaults_in<'a>(spec: &'a BackupSpec, region: &str) -> Vec<&'a BackupVaultSpec> {
    spec.vaults
        .iter()
        .filter(|v| in_region(&v.regions, region))
        .collect()
}

/// The plans managed in `region`.
pub fn plans_in<'a>(spec: &'a BackupSpec, region: &str) -> Vec<&'a BackupPlanSpec> {
    spec.plans
        .iter()
        .filter(|p| in_region(&p.regions, region))
        .collect()
}

/// What a region's pass works on: the declared vaults and plans of the region, and the job-failure rule.
#[derive(Clone, Debug)]
pub struct Declared<'a> {
    /// Vaults.
    pub vaults: Vec<&'a BackupVaultSpec>,
    /// Plans.
    pub plans: Vec<&'a BackupPlanSpec>,
    /// The job-failure rule, when declared: (event pattern, topic ARN).
    pub job_rule: Option<(Value, String)>,
}

impl<'a> Declared<'a> {
    /// The declarations of `spec` for `region`; `topic_arn` is the job-failure topic's ARN in the region.
    pub fn of(spec: &'a BackupSpec, region: &str, topic_arn: Option<String>) -> Self {
        Self {
            vaults: vaults_in(spec, region),
            plans: plans_in(spec, region),
            job_rule: spec
                .job_failure_notifications
                .as_ref()
                .zip(topic_arn)
                .map(|(n, arn)| {
                    let mut states: Vec<&str> = n.states.iter().map(|s| s.as_str()).collect();
                    states.sort();
                    states.dedup();
                    (event_pattern(&states), arn)
                }),
        }
    }

    /// A declared vault.
    pub fn vault(&self, name: &str) -> Option<&'a BackupVaultSpec> {
        self.vaults.iter().find(|v| v.name == name).copied()
    }

    /// A declared plan.
    pub fn plan(&self, name: &str) -> Option<&'a BackupPlanSpec> {
        self.plans.iter().find(|p| p.name == name).copied()
    }
}

/// The event pattern of the job-failure rule.
pub fn event_pattern(states: &[&str]) -> Value {
    json!({
        "source": [EVENT_SOURCE],
        "detail-type": [EVENT_DETAIL_TYPE],
        "detail": {"state": states},
    })
}

fn lifecycle(l: Option<&BackupLifecycleSpec>) -> Option<Lifecycle> {
    let l = l?;
    let out = Lifecycle {
        cold_after_days: l.move_to_cold_storage_after_days,
        delete_after_days: l.delete_after_days,
    };
    (out != Lifecycle::default()).then_some(out)
}

/// A declared rule as it is sent, keeping the settings the spec has none for (time zone, continuous backup) from
/// the rule of that name AWS holds.
pub fn rule_state(r: &BackupRuleSpec, observed: Option<&RuleState>) -> RuleState {
    RuleState {
        name: r.name.clone(),
        target_vault: r.target_vault.clone(),
        schedule: Some(r.schedule.clone()),
        start_window_minutes: Some(r.start_window_minutes),
        completion_window_minutes: Some(r.completion_window_minutes),
        lifecycle: lifecycle(r.lifecycle.as_ref()),
        copy_actions: r
            .copy_actions
            .iter()
            .map(|c| {
                (
                    c.destination_vault_arn.clone(),
                    lifecycle(c.lifecycle.as_ref()),
                )
            })
            .collect(),
        recovery_point_tags: r.recovery_point_tags.clone(),
        timezone: observed.and_then(|o| o.timezone.clone()),
        continuous_backup: observed.and_then(|o| o.continuous_backup),
    }
}

/// The rules an UpdateBackupPlan sends: the declared ones, and in an adopted plan the undeclared ones as AWS holds
/// them (they are removed only from plans this owner created).
pub fn plan_rules(p: &BackupPlanSpec, obs: Option<&ObservedPlan>) -> Vec<RuleState> {
    let mut out: Vec<RuleState> = p
        .rules
        .iter()
        .map(|r| rule_state(r, obs.and_then(|o| o.rules.get(&r.name))))
        .collect();
    if let Some(o) = obs.filter(|o| !o.ours) {
        for (name, r) in &o.rules {
            if !p.rules.iter().any(|d| &d.name == name) {
                out.push(r.clone());
            }
        }
    }
    out
}

fn lifecycle_json(l: Option<Lifecycle>) -> Value {
    match l {
        None => Value::Null,
        Some(l) => {
            let mut m = Map::new();
            if let Some(d) = l.cold_after_days {
                m.insert("moveToColdStorageAfterDays".into(), json!(d));
            }
            if let Some(d) = l.delete_after_days {
                m.insert("deleteAfterDays".into(), json!(d));
            }
            Value::Object(m)
        }
    }
}

/// The compared settings of a rule.
fn rule_fields(r: &RuleState) -> [(&'static str, Value); 7] {
    [
        ("targetVault", json!(r.target_vault)),
        ("schedule", json!(r.schedule)),
        ("startWindowMinutes", json!(r.start_window_minutes)),
        ("completionWindowMinutes", json!(r.completion_window_minutes)),
        ("lifecycle", lifecycle_json(r.lifecycle)),
        (
            "copyActions",
            Value::Array(
                r.copy_actions
                    .iter()
                    .map(|(arn, l)| json!({"destinationVaultArn": arn, "lifecycle": lifecycle_json(*l)}))
                    .collect(),
            ),
        ),
        ("recoveryPointTags", json!(r.recovery_point_tags)),
    ]
}

fn lock_json(min: i64, max: Option<i64>, compliance: bool) -> Value {
    json!({"minRetentionDays": min, "maxRetentionDays": max, "compliance": compliance})
}

/// Only the `keys` of `tags`.
fn only<'a>(
    tags: &BTreeMap<String, String>,
    keys: impl Iterator<Item = &'a String>,
) -> BTreeMap<String, String> {
    keys.filter_map(|k| tags.get(k).map(|v| (k.clone(), v.clone())))
        .collect()
}

/// A vault AWS holds.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ObservedVault {
    /// As listed.
    pub state: VaultState,
    /// Its tags prove this owner created it.
    pub ours: bool,
    /// Its tags.
    pub tags: BTreeMap<String, String>,
    /// Its access policy (read only when the spec declares one).
    pub policy: Option<Value>,
}

/// A plan AWS holds.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ObservedPlan {
    /// As listed.
    pub summary: PlanSummary,
    /// Its tags prove this owner created it.
    pub ours: bool,
    /// Its tags.
    pub tags: BTreeMap<String, String>,
    /// Its rules by name (read for declared plans).
    pub rules: BTreeMap<String, RuleState>,
    /// Its selections by name (read for declared plans).
    pub selections: BTreeMap<String, SelectionState>,
}

/// What AWS holds in a region: the declared vaults and plans that exist and the ones managed before that left the
/// spec, and the job-failure rule.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Observed {
    /// Vaults by name.
    pub vaults: BTreeMap<String, ObservedVault>,
    /// Plans by name.
    pub plans: BTreeMap<String, ObservedPlan>,
    /// The job-failure rule, if it exists, and whether this owner's tags are on it (read only when it is not
    /// declared, before deleting it).
    pub job_rule: Option<(ObservedRule, bool)>,
}

const NOTIFY: &str = "backup.jobFailureNotifications";

/// Desired fields. Settings of a missing vault or selection are hidden by their `exists`, and a missing plan lists
/// none of its rules and selections (all are created with it); vaults and plans this owner created that left the spec, and rules and selections that left a plan
/// this owner created, must not exist.
pub fn desired(d: &Declared<'_>, obs: &Observed) -> Fields {
    let mut f = Fields::new();
    for v in &d.vaults {
        let p = format!("{COMPONENT}.vaults.{}", v.name);
        f.insert(format!("{p}.exists"), json!(true));
        if let Some(k) = &v.kms_key_arn {
            f.insert(format!("{p}.kmsKeyArn"), json!(k));
        }
        if let Some(policy) = &v.access_policy {
            f.insert(format!("{p}.accessPolicy"), policy.clone());
        }
        if let Some(l) = &v.lock {
            f.insert(
                format!("{p}.lock"),
                lock_json(
                    l.min_retention_days,
                    l.max_retention_days,
                    l.changeable_for_days.is_some(),
                ),
            );
        }
        if !v.tags.is_empty() {
            f.insert(format!("{p}.tags"), json!(v.tags));
        }
    }
    for (name, v) in &obs.vaults {
        if v.ours && d.vault(name).is_none() {
            f.insert(format!("{COMPONENT}.vaults.{name}.exists"), json!(false));
        }
    }
    for plan in &d.plans {
        let p = format!("{COMPONENT}.plans.{}", plan.name);
        let o = obs.plans.get(&plan.name);
        f.insert(format!("{p}.exists"), json!(true));
        if !plan.tags.is_empty() {
            f.insert(format!("{p}.tags"), json!(plan.tags));
        }
        if o.is_none() {
            // Created with its rules and selections.
            continue;
        }
        for r in &plan.rules {
            let rp = format!("{p}.rules.{}", r.name);
            f.insert(format!("{rp}.exists"), json!(true));
            for (k, v) in rule_fields(&rule_state(r, None)) {
                f.insert(format!("{rp}.{k}"), v);
            }
        }
        for s in &plan.selections {
            let sp = format!("{p}.selections.{}", s.name);
            let mut tags: Vec<(String, String)> = s
                .tags
                .iter()
                .map(|t| (t.key.clone(), t.value.clone()))
                .collect();
            tags.sort();
            tags.dedup();
            f.insert(format!("{sp}.exists"), json!(true));
            f.insert(format!("{sp}.iamRoleArn"), json!(s.iam_role_arn));
            f.insert(format!("{sp}.tags"), tags_json(&tags));
            f.insert(format!("{sp}.resources"), json!([]));
        }
        if let Some(o) = o.filter(|o| o.ours) {
            for r in o.rules.keys() {
                if !plan.rules.iter().any(|d| &d.name == r) {
                    f.insert(format!("{p}.rules.{r}.exists"), json!(false));
                }
            }
            for s in o.selections.keys() {
                if !plan.selections.iter().any(|d| &d.name == s) {
                    f.insert(format!("{p}.selections.{s}.exists"), json!(false));
                }
            }
        }
    }
    for (name, p) in &obs.plans {
        if p.ours && d.plan(name).is_none() {
            f.insert(format!("{COMPONENT}.plans.{name}.exists"), json!(false));
        }
    }
    match (&d.job_rule, &obs.job_rule) {
        (Some((pattern, topic)), _) => {
            f.insert(format!("{NOTIFY}.exists"), json!(true));
            f.insert(format!("{NOTIFY}.eventPattern"), pattern.clone());
            f.insert(format!("{NOTIFY}.state"), json!("ENABLED"));
            f.insert(format!("{NOTIFY}.topicArn"), json!(topic));
        }
        (None, Some((_, true))) => {
            f.insert(format!("{NOTIFY}.exists"), json!(false));
        }
        (None, _) => {}
    }
    f
}

fn tags_json(tags: &[(String, String)]) -> Value {
    Value::Array(
        tags.iter()
            .map(|(k, v)| json!({"key": k, "value": v}))
            .collect(),
    )
}

/// Observed fields (declared tags only: other tags are left alone).
pub fn observed(d: &Declared<'_>, obs: &Observed) -> Fields {
    let mut f = Fields::new();
    for (name, v) in &obs.vaults {
        let p = format!("{COMPONENT}.vaults.{name}");
        f.insert(format!("{p}.exists"), json!(true));
        f.insert(format!("{p}.kmsKeyArn"), json!(v.state.kms_key_arn));
        f.insert(
            format!("{p}.accessPolicy"),
            v.policy.clone().unwrap_or(Value::Null),
        );
        let lock = match (v.state.locked, v.state.min_retention_days) {
            (true, Some(min)) => lock_json(min, v.state.max_retention_days, v.state.compliance),
            _ => Value::Null,
        };
        f.insert(format!("{p}.lock"), lock);
        if let Some(decl) = d.vault(name) {
            f.insert(format!("{p}.tags"), json!(only(&v.tags, decl.tags.keys())));
        }
    }
    for (name, plan) in &obs.plans {
        let p = format!("{COMPONENT}.plans.{name}");
        f.insert(format!("{p}.exists"), json!(true));
        if let Some(decl) = d.plan(name) {
            f.insert(
                format!("{p}.tags"),
                json!(only(&plan.tags, decl.tags.keys())),
            );
        }
        for (r, rule) in &plan.rules {
            let rp = format!("{p}.rules.{r}");
            f.insert(format!("{rp}.exists"), json!(true));
            for (k, v) in rule_fields(rule) {
                f.insert(format!("{rp}.{k}"), v);
            }
        }
        for (s, sel) in &plan.selections {
            let sp = format!("{p}.selections.{s}");
            f.insert(format!("{sp}.exists"), json!(true));
            f.insert(format!("{sp}.iamRoleArn"), json!(sel.iam_role_arn));
            f.insert(format!("{sp}.tags"), tags_json(&sel.tags));
            f.insert(format!("{sp}.resources"), json!(sel.resources));
        }
    }
    if let Some((r, _)) = &obs.job_rule {
        f.insert(format!("{NOTIFY}.exists"), json!(true));
        f.insert(
            format!("{NOTIFY}.eventPattern"),
            r.event_pattern.clone().unwrap_or(Value::Null),
        );
        f.insert(format!("{NOTIFY}.state"), json!(r.state));
        f.insert(
            format!("{NOTIFY}.topicArn"),
            json!(r.target.as_ref().map(|t| t.arn.clone())),
        );
    }
    f
}

/// A write, in the order [`plan`] returns them: vaults, then plans and their selections, then deletions (plans
/// before the vaults their rules may target), then the job-failure rule.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Write {
    /// CreateBackupVault (key, declared and owner tags), then its access policy and lock when declared.
    CreateVault(String),
    /// PutBackupVaultAccessPolicy.
    PutAccessPolicy(String),
    /// PutBackupVaultLockConfiguration.
    PutLock(String),
    /// TagResource with the declared tags.
    TagVault(String),
    /// CreateBackupPlan (rules, declared and owner tags), then its selections.
    CreatePlan(String),
    /// UpdateBackupPlan with the declared rules (and an adopted plan's other rules).
    UpdatePlan(String),
    /// TagResource with the declared tags.
    TagPlan(String),
    /// DeleteBackupSelection (there is no update): (plan, selection).
    DeleteSelection(String, String),
    /// CreateBackupSelection, after deleting the one of that name if it exists: (plan, selection).
    PutSelection(String, String),
    /// Its selections, then DeleteBackupPlan: created by this owner, no longer declared here.
    DeletePlan(String),
    /// DeleteBackupVault: created by this owner, no longer declared here.
    DeleteVault(String),
    /// PutRule + PutTargets of the job-failure rule.
    PutJobRule,
    /// RemoveTargets + DeleteRule of the job-failure rule this owner created.
    DeleteJobRule,
    /// A vault's key differs: a vault's encryption key can't change, so this is reported and never corrected.
    KeyBlocked(String),
}

/// Plan the writes for `drift`, in execution order.
pub fn plan(drift: &[FieldDrift]) -> Vec<Write> {
    let mut out: Vec<Write> = Vec::new();
    for fd in drift {
        let Some(rest) = fd.field.strip_prefix(&format!("{COMPONENT}.")) else {
            continue;
        };
        let parts: Vec<&str> = rest.split('.').collect();
        let gone = fd.desired == json!(false);
        let w = match parts.as_slice() {
            ["vaults", v, "exists"] if gone => Write::DeleteVault(v.to_string()),
            ["vaults", v, "exists"] => Write::CreateVault(v.to_string()),
            ["vaults", v, "kmsKeyArn"] => Write::KeyBlocked(v.to_string()),
            ["vaults", v, "accessPolicy"] => Write::PutAccessPolicy(v.to_string()),
            ["vaults", v, "lock"] => Write::PutLock(v.to_string()),
            ["vaults", v, "tags"] => Write::TagVault(v.to_string()),
            ["plans", p, "exists"] if gone => Write::DeletePlan(p.to_string()),
            ["plans", p, "exists"] => Write::CreatePlan(p.to_string()),
            ["plans", p, "tags"] => Write::TagPlan(p.to_string()),
            ["plans", p, "rules", ..] => Write::UpdatePlan(p.to_string()),
            ["plans", p, "selections", s, "exists"] if gone => {
                Write::DeleteSelection(p.to_string(), s.to_string())
            }
            ["plans", p, "selections", s, ..] => Write::PutSelection(p.to_string(), s.to_string()),
            ["jobFailureNotifications", "exists"] if gone => Write::DeleteJobRule,
            ["jobFailureNotifications", ..] => Write::PutJobRule,
            _ => continue,
        };
        if !out.contains(&w) {
            out.push(w);
        }
    }
    out.sort();
    out
}

/// The vaults and plans a status `id` records as managed (`vault:<name>` and `plan:<name>`, comma-separated).
pub fn managed(id: Option<&str>) -> (Vec<String>, Vec<String>) {
    let mut vaults = Vec::new();
    let mut plans = Vec::new();
    for item in id.unwrap_or_default().split(',') {
        if let Some(v) = item.strip_prefix("vault:") {
            vaults.push(v.to_string());
        } else if let Some(p) = item.strip_prefix("plan:") {
            plans.push(p.to_string());
        }
    }
    (vaults, plans)
}

/// The status `id` of the managed vaults and plans.
pub fn managed_id(vaults: &[&str], plans: &[&str]) -> Option<String> {
    let items: Vec<String> = vaults
        .iter()
        .map(|v| format!("vault:{v}"))
        .chain(plans.iter().map(|p| format!("plan:{p}")))
        .collect();
    (!items.is_empty()).then(|| items.join(","))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::aws::events::RuleTarget;
    use crate::diff::diff_resources;

    fn spec() -> BackupSpec {
        serde_json::from_value(json!({
            "vaults": [
                {"name": "central", "kmsKeyArn": "arn:aws:kms:us-east-1:111111111111:key/k1",
                 "accessPolicy": {"Version": "2012-10-17", "Statement": []},
                 "lock": {"minRetentionDays": 7, "maxRetentionDays": 365},
                 "tags": {"team": "platform"}},
                {"name": "dr-only", "regions": ["eu-west-1"]}
            ],
            "plans": [
                {"name": "daily", "tags": {"tier": "gold"},
                 "rules": [{"name": "daily", "targetVault": "central", "schedule": "cron(0 5 ? * * *)",
                    "lifecycle": {"moveToColdStorageAfterDays": 30, "deleteAfterDays": 120},
                    "copyActions": [{"destinationVaultArn": "arn:aws:backup:eu-west-1:111111111111:backup-vault:dr"}],
                    "recoveryPointTags": {"backup": "daily"}}],
                 "selections": [{"name": "tagged", "iamRoleArn": "arn:aws:iam::111111111111:role/backup",
                    "tags": [{"key": "backup", "value": "daily"}]}]}
            ],
            "jobFailureNotifications": {"topic": "ops"}
        }))
        .unwrap()
    }

    fn declared<'a>(s: &'a BackupSpec, region: &str) -> Declared<'a> {
        Declared::of(
            s,
            region,
            Some(format!("arn:aws:sns:{region}:111111111111:ops")),
        )
    }

    fn fields(d: &[FieldDrift]) -> Vec<&str> {
        d.iter().map(|d| d.field.as_str()).collect()
    }

    #[test]
    fn missing_things_are_created_whole() {
        let s = spec();
        let d = declared(&s, "us-east-1");
        assert_eq!(d.vaults.len(), 1, "dr-only is eu-west-1 only");
        let obs = Observed::default();
        let drift = diff_resources(&desired(&d, &obs), &observed(&d, &obs));
        assert_eq!(
            fields(&drift),
            vec![
                "backup.jobFailureNotifications.exists",
                "backup.plans.daily.exists",
                "backup.vaults.central.exists"
            ]
        );
        assert_eq!(
            plan(&drift),
            vec![
                Write::CreateVault("central".into()),
                Write::CreatePlan("daily".into()),
                Write::PutJobRule
            ]
        );
        assert_eq!(
            d.job_rule.as_ref().unwrap().0,
            json!({"source": ["aws.backup"], "detail-type": ["Backup Job State Change"],
                   "detail": {"state": ["ABORTED", "EXPIRED", "FAILED"]}})
        );
    }

    fn in_sync(s: &BackupSpec, region: &str, ours: bool) -> Observed {
        let d = declared(s, region);
        let mut obs = Observed::default();
        let v = d.vaults[0];
        obs.vaults.insert(
            v.name.clone(),
            ObservedVault {
                state: VaultState {
                    name: v.name.clone(),
                    arn: format!(
                        "arn:aws:backup:{region}:111111111111:backup-vault:{}",
                        v.name
                    ),
                    kms_key_arn: v.kms_key_arn.clone(),
                    locked: true,
                    min_retention_days: Some(7),
                    max_retention_days: Some(365),
                    compliance: false,
                },
                ours,
                tags: BTreeMap::from([
                    ("team".to_string(), "platform".to_string()),
                    ("other".to_string(), "x".to_string()),
                ]),
                policy: v.access_policy.clone(),
            },
        );
        let p = d.plans[0];
        obs.plans.insert(
            p.name.clone(),
            ObservedPlan {
                summary: PlanSummary {
                    name: p.name.clone(),
                    id: "id-1".into(),
                    arn: "arn:plan".into(),
                },
                ours,
                tags: p.tags.clone(),
                rules: p
                    .rules
                    .iter()
                    .map(|r| {
                        let mut st = rule_state(r, None);
                        st.timezone = Some("Etc/UTC".into());
                        (r.name.clone(), st)
                    })
                    .collect(),
                selections: BTreeMap::from([(
                    "tagged".to_string(),
                    SelectionState {
                        id: "sel-1".into(),
                        name: "tagged".into(),
                        iam_role_arn: "arn:aws:iam::111111111111:role/backup".into(),
                        tags: vec![("backup".into(), "daily".into())],
                        resources: vec![],
                    },
                )]),
            },
        );
        let (pattern, topic) = d.job_rule.clone().unwrap();
        obs.job_rule = Some((
            ObservedRule {
                arn: "arn:rule".into(),
                description: None,
                event_pattern: Some(pattern),
                schedule: None,
                state: "ENABLED".into(),
                target: Some(RuleTarget {
                    arn: topic,
                    role_arn: None,
                    input: None,
                    input_transformer: None,
                    run_command_targets: vec![],
                }),
                target_ids: vec!["awsbaseline".into()],
            },
            false,
        ));
        obs
    }

    #[test]
    fn in_sync_is_no_drift_and_each_setting_drifts_on_its_own() {
        let s = spec();
        let d = declared(&s, "us-east-1");
        let mut obs = in_sync(&s, "us-east-1", true);
        assert!(diff_resources(&desired(&d, &obs), &observed(&d, &obs)).is_empty());

        let v = obs.vaults.get_mut("central").unwrap();
        v.state.kms_key_arn = Some("arn:aws:kms:us-east-1:111111111111:key/other".into());
        v.state.locked = false;
        v.tags.remove("team");
        v.policy = None;
        let p = obs.plans.get_mut("daily").unwrap();
        p.rules
            .get_mut("daily")
            .unwrap()
            .recovery_point_tags
            .clear();
        p.rules.insert("extra".into(), RuleState::default());
        p.selections.get_mut("tagged").unwrap().tags.clear();
        p.selections.insert("old".into(), SelectionState::default());
        obs.plans.insert(
            "gone".into(),
            ObservedPlan {
                ours: true,
                ..Default::default()
            },
        );
        obs.job_rule.as_mut().unwrap().0.state = "DISABLED".into();
        let drift = diff_resources(&desired(&d, &obs), &observed(&d, &obs));
        assert_eq!(
            fields(&drift),
            vec![
                "backup.jobFailureNotifications.state",
                "backup.plans.daily.rules.daily.recoveryPointTags",
                "backup.plans.daily.rules.extra.exists",
                "backup.plans.daily.selections.old.exists",
                "backup.plans.daily.selections.tagged.tags",
                "backup.plans.gone.exists",
                "backup.vaults.central.accessPolicy",
                "backup.vaults.central.kmsKeyArn",
                "backup.vaults.central.lock",
                "backup.vaults.central.tags",
            ]
        );
        assert_eq!(
            plan(&drift),
            vec![
                Write::PutAccessPolicy("central".into()),
                Write::PutLock("central".into()),
                Write::TagVault("central".into()),
                Write::UpdatePlan("daily".into()),
                Write::DeleteSelection("daily".into(), "old".into()),
                Write::PutSelection("daily".into(), "tagged".into()),
                Write::DeletePlan("gone".into()),
                Write::PutJobRule,
                Write::KeyBlocked("central".into()),
            ]
        );
    }

    #[test]
    fn an_adopted_plan_keeps_its_other_rules_and_selections() {
        let s = spec();
        let d = declared(&s, "us-east-1");
        let mut obs = in_sync(&s, "us-east-1", false);
        let p = obs.plans.get_mut("daily").unwrap();
        let mut extra = RuleState {
            name: "hourly".into(),
            target_vault: "Default".into(),
            ..Default::default()
        };
        extra.schedule = Some("cron(0 * * * ? *)".into());
        p.rules.insert("hourly".into(), extra.clone());
        p.selections
            .insert("theirs".into(), SelectionState::default());
        p.rules.get_mut("daily").unwrap().schedule = Some("cron(0 1 ? * * *)".into());
        let drift = diff_resources(&desired(&d, &obs), &observed(&d, &obs));
        assert_eq!(
            fields(&drift),
            vec!["backup.plans.daily.rules.daily.schedule"]
        );
        let rules = plan_rules(d.plans[0], obs.plans.get("daily"));
        assert_eq!(rules.len(), 2);
        assert_eq!(rules[0].schedule.as_deref(), Some("cron(0 5 ? * * *)"));
        assert_eq!(rules[0].timezone.as_deref(), Some("Etc/UTC"), "kept");
        assert_eq!(rules[1], extra);
    }

    #[test]
    fn an_undeclared_job_rule_is_deleted_only_when_ours() {
        let mut s = spec();
        s.job_failure_notifications = None;
        let d = declared(&s, "us-east-1");
        let mut obs = in_sync(&spec(), "us-east-1", true);
        let drift = diff_resources(&desired(&d, &obs), &observed(&d, &obs));
        assert!(drift.is_empty(), "{drift:?}");
        obs.job_rule.as_mut().unwrap().1 = true;
        let drift = diff_resources(&desired(&d, &obs), &observed(&d, &obs));
        assert_eq!(plan(&drift), vec![Write::DeleteJobRule]);
    }

    #[test]
    fn managed_ids_round_trip() {
        let id = managed_id(&["a", "b"], &["p"]);
        assert_eq!(id.as_deref(), Some("vault:a,vault:b,plan:p"));
        assert_eq!(
            managed(id.as_deref()),
            (vec!["a".into(), "b".into()], vec!["p".into()])
        );
        assert_eq!(managed(None), (vec![], vec![]));
        assert_eq!(managed_id(&[], &[]), None);
    }
}
