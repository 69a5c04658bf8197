//! CloudWatch dashboards (`spec.dashboards`), pure: bodies compared as JSON. Dashboards cannot carry tags, so
//! the status record is the proof of ownership: only recorded dashboards the spec no longer declares are deleted.

use crate::api::monitoring_policy::DashboardSpec;
use crate::diff::FieldDrift;
use serde_json::{json, Value};
use std::collections::{BTreeMap, BTreeSet};

/// Component of the dashboards.
pub const DASHBOARDS: &str = "dashboards";

/// A PutDashboard a pass needs.
#[derive(Clone, Debug, PartialEq)]
pub struct DashboardPut<'a> {
    /// AWS name.
    pub name: String,
    /// Declared body.
    pub body: &'a Value,
    /// No dashboard of that name exists (a create).
    pub missing: bool,
    /// Status records it as created by this policy.
    pub recorded: bool,
}

/// What a pass does with the dashboards of one region.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct DashboardPlan<'a> {
    /// Drift, in spec order, then removals.
    pub drift: Vec<FieldDrift>,
    /// Dashboards to put.
    pub puts: Vec<DashboardPut<'a>>,
    /// Recorded dashboards in sync (they stay recorded).
    pub in_sync: BTreeSet<String>,
    /// Recorded dashboards the spec no longer declares that still exist (to delete).
    pub removed: Vec<String>,
}

impl DashboardPlan<'_> {
    /// Some declared dashboard is missing.
    pub fn creates(&self) -> bool {
        self.puts.iter().any(|p| p.missing)
    }

    /// No existing dashboard's body drifted.
    pub fn only_creates(&self) -> bool {
        self.puts.iter().all(|p| p.missing)
    }
}

/// Plan the dashboards: `observed` are the bodies of those under `short_prefix`, `recorded` the names status
/// says this policy created.
pub fn plan<'a>(
    specs: &'a [DashboardSpec],
    short_prefix: &str,
    observed: &BTreeMap<String, Value>,
    recorded: &BTreeSet<String>,
) -> DashboardPlan<'a> {
    let mut plan = DashboardPlan::default();
    let mut declared = BTreeSet::new();
    for d in specs {
        let name = format!("{short_prefix}{}", d.name);
        declared.insert(name.clone());
        let p = format!("{DASHBOARDS}.{}", d.name);
        let change = match observed.get(&name) {
            None => FieldDrift {
                field: format!("{p}.exists"),
                desired: json!(true),
                actual: json!(false),
            },
            Some(body) if *body != d.body => FieldDrift {
                field: format!("{p}.body"),
                desired: d.body.clone(),
                actual: body.clone(),
            },
            Some(_) => {
                if recorded.contains(&name) {
                    plan.in_sync.insert(name);
                }
                continue;
            }
        };
        plan.drift.push(change);
        plan.puts.push(DashboardPut {
            missing: !observed.contains_key(&name),
            recorded: recorded.contains(&name),
            name,
            body: &d.body,
        });
    }
    plan.removed = recorded
        .iter()
        .filter(|n| !declared.contains(*n) && observed.contains_key(*n))
        .cloned()
        .collect();
    for name in &plan.removed {
        let rel = name.strip_prefix(short_prefix).unwrap_or(name);
        plan.drift.push(FieldDrift {
            field: format!("{DASHBOARDS}.{rel}.exists"),
            desired: json!(false),
            actual: json!(true),
        });
    }
    plan
}

#[cfg(test)]
mod tests {
    use super::*;

    fn specs(v: Value) -> Vec<DashboardSpec> {
        serde_json::from_value(v).unwrap()
    }

    fn fields(p: &DashboardPlan) -> Vec<String> {
        p.drift.iter().map(|d| d.field.clone()).collect()
    }

    #[test]
    fn missing_dashboards_are_created_changed_ones_put_in_sync_ones_kept() {
        let s = specs(json!([
            {"name": "new", "body": {"widgets": []}},
            {"name": "changed", "body": {"widgets": [1]}},
            {"name": "same", "body": {"widgets": [2]}},
        ]));
        let observed = BTreeMap::from([
            ("p-changed".to_string(), json!({"widgets": []})),
            ("p-same".to_string(), json!({"widgets": [2]})),
        ]);
        let recorded = BTreeSet::from(["p-same".to_string(), "p-changed".to_string()]);
        let plan = plan(&s, "p-", &observed, &recorded);
        assert_eq!(
            fields(&plan),
            ["dashboards.new.exists", "dashboards.changed.body"]
        );
        let puts: Vec<(&str, bool, bool)> = plan
            .puts
            .iter()
            .map(|p| (p.name.as_str(), p.missing, p.recorded))
            .collect();
        assert_eq!(puts, [("p-new", true, false), ("p-changed", false, true)]);
        assert_eq!(plan.in_sync, BTreeSet::from(["p-same".to_string()]));
        assert!(plan.removed.is_empty());
        assert!(plan.creates() && !plan.only_creates());
    }

    #[test]
    fn only_recorded_dashboards_the_spec_dropped_and_that_exist_are_removed() {
        let observed = BTreeMap::from([
            ("p-old".to_string(), json!({})),
            ("p-theirs".to_string(), json!({})),
        ]);
        let recorded = BTreeSet::from(["p-old".to_string(), "p-gone".to_string()]);
        let plan = plan(&[], "p-", &observed, &recorded);
        assert_eq!(plan.removed, ["p-old"]);
        assert_eq!(fields(&plan), ["dashboards.old.exists"]);
        assert!(!plan.creates() && plan.only_creates());
    }
}
