//! The custom patch baseline and its patch groups.

use super::{fields, wire_name, BASELINE};
use crate::api::common::Ownership;
use crate::api::patch_schedule::{PatchBaselineSpec, PatchFilter, MAX_BASELINES_PER_REGION};
use crate::aws::ssm::{BaselineConfig, BaselineState, RuleConfig, TargetEntry};
use crate::diff::{touches, FieldDrift, Fields};
use serde_json::json;

/// The custom patch baseline.
pub fn config(b: &PatchBaselineSpec, default: &str) -> BaselineConfig {
    let filters = |f: &[PatchFilter]| -> Vec<TargetEntry> {
        f.iter()
            .map(|f| (wire_name(f.key), f.values.clone()))
            .collect()
    };
    BaselineConfig {
        name: b.name.clone().unwrap_or_else(|| default.to_string()),
        description: b.description.clone(),
        operating_system: wire_name(b.operating_system),
        global_filters: filters(&b.global_filters),
        approval_rules: b
            .approval_rules
            .iter()
            .map(|r| RuleConfig {
                filters: filters(&r.patch_filters),
                approve_after_days: r.approve_after_days,
                approve_until_date: r.approve_until_date.clone(),
                compliance_level: wire_name(r.compliance_level),
                enable_non_security: r.enable_non_security,
            })
            .collect(),
        approved_patches: b.approved_patches.clone(),
        approved_patches_compliance_level: wire_name(b.approved_patches_compliance_level),
        approved_patches_enable_non_security: b.approved_patches_enable_non_security,
        rejected_patches: b.rejected_patches.clone(),
        rejected_patches_action: wire_name(b.rejected_patches_action),
        sources: b
            .sources
            .iter()
            .map(|s| (s.name.clone(), s.products.clone(), s.configuration.clone()))
            .collect(),
    }
}

/// The patch groups the baseline is registered for, sorted, each once.
pub fn patch_groups(b: &PatchBaselineSpec) -> Vec<String> {
    let mut groups = b.patch_groups.clone();
    groups.sort();
    groups.dedup();
    groups
}

/// The field holding the baseline's patch groups (registered with their own calls, not with the settings).
pub fn patch_groups_field() -> String {
    format!("{BASELINE}.patchGroups")
}

/// The field holding the baseline's operating system (fixed once the baseline exists).
pub fn operating_system_field() -> String {
    format!("{BASELINE}.operatingSystem")
}

/// Desired fields: the settings the spec sets and the patch groups.
pub fn desired(want: &BaselineConfig, groups: &[String]) -> Fields {
    let mut f = fields(BASELINE, Some(want), true);
    f.insert(patch_groups_field(), json!(groups));
    f
}

/// Observed fields of the baseline found (`None`: there is none).
pub fn observed(found: Option<&BaselineState>) -> Fields {
    let mut f = fields(BASELINE, found.map(|b| &b.config), false);
    if let Some(b) = found {
        let mut have = b.patch_groups.clone();
        have.sort();
        f.insert(patch_groups_field(), json!(have));
    }
    f
}

/// A write to the baseline, in the order the plan lists them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum BaselineWrite {
    /// CreatePatchBaseline (tagged, deterministic client token); the group registrations that follow use its ID.
    Create,
    /// UpdatePatchBaseline with every managed setting.
    UpdateSettings,
    /// RegisterPatchBaselineForPatchGroup.
    RegisterPatchGroup(String),
    /// DeregisterPatchBaselineForPatchGroup.
    DeregisterPatchGroup(String),
}

/// Why the drift of an existing baseline cannot be corrected: its operating system differs.
pub const OPERATING_SYSTEM_FIXED: &str =
    "a patch baseline's operating system cannot change; give the baseline another name";

/// The writes that remove `drift`: create a missing baseline, update changed settings, then register the
/// declared `groups` it lacks and deregister the ones not declared. An existing baseline whose operating system
/// differs cannot be corrected: `Err` says why.
pub fn plan(
    found: Option<&BaselineState>,
    groups: &[String],
    drift: &[FieldDrift],
) -> Result<Vec<BaselineWrite>, &'static str> {
    if drift.is_empty() {
        return Ok(vec![]);
    }
    if found.is_some() && touches(drift, &[&operating_system_field()]) {
        return Err(OPERATING_SYSTEM_FIXED);
    }
    let mut writes = Vec::new();
    match found {
        None => writes.push(BaselineWrite::Create),
        Some(_) => {
            let groups_field = patch_groups_field();
            if drift.iter().any(|d| d.field != groups_field) {
                writes.push(BaselineWrite::UpdateSettings);
            }
        }
    }
    let have: &[String] = found.map(|b| b.patch_groups.as_slice()).unwrap_or(&[]);
    writes.extend(
        groups
            .iter()
            .filter(|g| !have.contains(g))
            .map(|g| BaselineWrite::RegisterPatchGroup(g.clone())),
    );
    writes.extend(
        have.iter()
            .filter(|g| !groups.contains(g))
            .map(|g| BaselineWrite::DeregisterPatchGroup(g.clone())),
    );
    Ok(writes)
}

/// With no baseline in the spec: the recorded baseline to delete, when this object created it.
pub fn delete_when_dropped(
    recorded_id: Option<&String>,
    recorded_ownership: Option<Ownership>,
) -> Option<&String> {
    recorded_id.filter(|_| recorded_ownership == Some(Ownership::Created))
}

/// Why a new baseline cannot be created in a region already holding `existing` custom baselines (the AWS cap).
pub fn over_quota(existing: usize) -> Option<String> {
    (existing >= MAX_BASELINES_PER_REGION).then(|| {
        format!(
            "the region already has {existing} custom patch baselines; AWS allows \
             {MAX_BASELINES_PER_REGION}. Nothing was written"
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diff::diff;
    use crate::patching::test_spec;

    fn spec() -> PatchBaselineSpec {
        let s = test_spec(json!({"baseline": {
            "operatingSystem": "AMAZON_LINUX_2023",
            "approvalRules": [{"patchFilters": [{"key": "CLASSIFICATION", "values": ["Security"]}],
                               "approveAfterDays": 7, "complianceLevel": "CRITICAL"}],
            "rejectedPatchesAction": "BLOCK",
            "patchGroups": ["prod", "canary", "prod"]
        }}));
        s.baseline.unwrap()
    }

    #[test]
    fn baseline_uses_the_wire_enums() {
        let b = config(&spec(), "team-a-prod");
        assert_eq!(b.name, "team-a-prod");
        assert_eq!(b.operating_system, "AMAZON_LINUX_2023");
        assert_eq!(b.approval_rules[0].filters[0].0, "CLASSIFICATION");
        assert_eq!(b.approval_rules[0].compliance_level, "CRITICAL");
        assert_eq!(b.rejected_patches_action, "BLOCK");
        assert_eq!(b.approved_patches_compliance_level, "UNSPECIFIED");
    }

    fn state(cfg: BaselineConfig, groups: &[&str]) -> BaselineState {
        BaselineState {
            id: "pb-1".into(),
            config: cfg,
            patch_groups: groups.iter().map(|g| g.to_string()).collect(),
        }
    }

    #[test]
    fn a_missing_baseline_is_created_with_its_groups() {
        let s = spec();
        let want = config(&s, "team.prod");
        let groups = patch_groups(&s);
        assert_eq!(groups, vec!["canary".to_string(), "prod".to_string()]);
        let d = diff(BASELINE, &desired(&want, &groups), &observed(None));
        assert_eq!(d.len(), 1);
        assert_eq!(
            plan(None, &groups, &d).unwrap(),
            vec![
                BaselineWrite::Create,
                BaselineWrite::RegisterPatchGroup("canary".into()),
                BaselineWrite::RegisterPatchGroup("prod".into())
            ]
        );
    }

    #[test]
    fn changed_groups_alone_do_not_update_the_settings() {
        let s = spec();
        let want = config(&s, "team.prod");
        let groups = patch_groups(&s);
        let found = state(want.clone(), &["prod", "old"]);
        let d = diff(BASELINE, &desired(&want, &groups), &observed(Some(&found)));
        assert_eq!(d.len(), 1);
        assert_eq!(d[0].field, "patchBaseline.patchGroups");
        assert_eq!(d[0].actual, json!(["old", "prod"]));
        assert_eq!(
            plan(Some(&found), &groups, &d).unwrap(),
            vec![
                BaselineWrite::RegisterPatchGroup("canary".into()),
                BaselineWrite::DeregisterPatchGroup("old".into())
            ]
        );
    }

    #[test]
    fn changed_settings_are_one_update() {
        let s = spec();
        let want = config(&s, "team.prod");
        let groups = patch_groups(&s);
        let mut have = want.clone();
        have.rejected_patches_action = "ALLOW_AS_DEPENDENCY".into();
        let found = state(have, &["canary", "prod"]);
        let d = diff(BASELINE, &desired(&want, &groups), &observed(Some(&found)));
        assert_eq!(
            plan(Some(&found), &groups, &d).unwrap(),
            vec![BaselineWrite::UpdateSettings]
        );
        assert_eq!(plan(Some(&found), &groups, &[]).unwrap(), vec![]);
    }

    #[test]
    fn the_operating_system_of_an_existing_baseline_is_fixed() {
        let s = spec();
        let want = config(&s, "team.prod");
        let groups = patch_groups(&s);
        let mut have = want.clone();
        have.operating_system = "UBUNTU".into();
        let found = state(have, &["canary", "prod"]);
        let d = diff(BASELINE, &desired(&want, &groups), &observed(Some(&found)));
        assert_eq!(plan(Some(&found), &groups, &d), Err(OPERATING_SYSTEM_FIXED));
    }

    #[test]
    fn only_a_created_baseline_is_deleted_when_dropped() {
        let id = "pb-1".to_string();
        assert_eq!(
            delete_when_dropped(Some(&id), Some(Ownership::Created)),
            Some(&id)
        );
        assert_eq!(
            delete_when_dropped(Some(&id), Some(Ownership::Adopted)),
            None
        );
        assert_eq!(delete_when_dropped(Some(&id), None), None);
        assert_eq!(delete_when_dropped(None, Some(Ownership::Created)), None);
    }

    #[test]
    fn the_baseline_cap_stops_a_create() {
        assert_eq!(over_quota(49), None);
        assert!(over_quota(50).unwrap().contains("custom patch baselines"));
    }
}
