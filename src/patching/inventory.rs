//! The software inventory associations: one State Manager association per target group.

use super::members::{self, Member, MemberPlan};
use super::targets::entries;
use super::INVENTORY;
use crate::api::common::Ownership;
use crate::api::patch_schedule::{InventorySpec, PatchScheduleSpec, TargetGroup};
use crate::aws::ssm::{AssociationConfig, AssociationState};
use std::collections::BTreeMap;

/// The document the inventory association runs.
pub const INVENTORY_DOCUMENT: &str = "AWS-GatherSoftwareInventory";

fn enabled(on: bool) -> Vec<String> {
    vec![if on { "Enabled" } else { "Disabled" }.to_string()]
}

/// The `AWS-GatherSoftwareInventory` parameters of an inventory spec (what is collected).
pub fn parameters(inv: &InventorySpec) -> BTreeMap<String, Vec<String>> {
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
    p
}

/// The inventory association for one target group (State Manager targets cannot OR groups, so one each).
pub fn config(inv: &InventorySpec, group: &TargetGroup, default: &str) -> AssociationConfig {
    AssociationConfig {
        association_name: crate::names::fit(&(name_prefix(default) + &group.name), 128),
        document: INVENTORY_DOCUMENT.into(),
        schedule: inv.schedule.clone(),
        targets: entries(group),
        parameters: parameters(inv),
    }
}

/// What every inventory association of an object named `base` (its default or legacy name) starts with.
pub fn name_prefix(base: &str) -> String {
    format!("{base}-inventory-")
}

/// The association of every target group, by group name.
pub fn config_per_group(
    spec: &PatchScheduleSpec,
    inv: &InventorySpec,
    default: &str,
) -> Vec<(String, AssociationConfig)> {
    spec.targets
        .iter()
        .map(|g| (g.name.clone(), config(inv, g, default)))
        .collect()
}

/// The association in AWS that stands for `want`: the one with its name, or (a name this version derives
/// differently) the one whose ID this object recorded for the group, which the update then renames instead of
/// creating a second association.
pub fn find<'a>(
    have: &'a [AssociationState],
    want: &AssociationConfig,
    recorded_id: Option<&String>,
) -> Option<&'a AssociationState> {
    have.iter()
        .find(|h| h.config.association_name == want.association_name)
        .or_else(|| recorded_id.and_then(|id| have.iter().find(|h| h.id == *id)))
}

/// True when `id` is not among the IDs this object recorded: its tags must prove whose it is.
pub fn first_sight(recorded: &BTreeMap<String, String>, id: &str) -> bool {
    !recorded.values().any(|i| i == id)
}

/// Associations this object recorded for target groups the spec no longer lists, `(group, id)`: removed when
/// this object created them (`owned`).
pub fn unlisted(
    recorded: &BTreeMap<String, String>,
    want: &[(String, AssociationConfig)],
    owned: bool,
) -> Vec<(String, String)> {
    recorded
        .iter()
        .filter(|(g, _)| owned && !want.iter().any(|(w, _)| w == *g))
        .map(|(g, id)| (g.clone(), id.clone()))
        .collect()
}

/// Compare the wanted associations with those found (`found`: settings by group; `ids`: their IDs by group) and
/// plan the writes, removing the `unlisted` ones.
pub fn plan(
    want: &[(String, AssociationConfig)],
    found: &BTreeMap<String, AssociationConfig>,
    ids: &BTreeMap<String, String>,
    unlisted: &[(String, String)],
) -> MemberPlan<AssociationConfig> {
    let wanted: Vec<Member<AssociationConfig>> = want
        .iter()
        .map(|(g, a)| Member {
            name: g.clone(),
            desired: a.clone(),
            observed: found.get(g).cloned(),
        })
        .collect();
    members::plan(INVENTORY, &wanted, ids, unlisted)
}

/// Ownership of the component: created when none existed and the writes succeeded, else what the tags proved
/// of the existing ones (`owned`), else nothing exists.
pub fn ownership(any_existed: bool, writes_succeeded: bool, owned: bool) -> Ownership {
    match (any_existed, writes_succeeded, owned) {
        (false, true, _) => Ownership::Created,
        (true, _, true) => Ownership::Created,
        (true, _, false) => Ownership::Adopted,
        (false, false, _) => Ownership::None,
    }
}

/// With no inventory in the spec: whether the recorded associations are deleted (this object created them).
pub fn delete_when_dropped(
    recorded: &BTreeMap<String, String>,
    recorded_ownership: Option<Ownership>,
) -> bool {
    !recorded.is_empty() && recorded_ownership == Some(Ownership::Created)
}

/// The associations deleted with the object: those recorded, and any named after this object (`default` or
/// `legacy` name) that a crash kept out of status.
pub fn cleanup_candidates(
    listed: &[AssociationState],
    recorded: &BTreeMap<String, String>,
    default: &str,
    legacy: &str,
) -> Vec<String> {
    let prefixes = [name_prefix(default), name_prefix(legacy)];
    listed
        .iter()
        .filter(|a| {
            recorded.values().any(|id| *id == a.id)
                || prefixes
                    .iter()
                    .any(|p| a.config.association_name.starts_with(p.as_str()))
        })
        .map(|a| a.id.clone())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::patching::members::MemberWrite;
    use crate::patching::test_spec;
    use serde_json::json;

    #[test]
    fn inventory_association_per_target_group() {
        let s = test_spec(json!({"inventory": {"windowsRoles": false}}));
        let a = config(s.inventory.as_ref().unwrap(), &s.targets[0], "team-a-prod");
        assert_eq!(a.association_name, "team-a-prod-inventory-prod-web");
        assert_eq!(a.schedule, "rate(30 minutes)");
        assert_eq!(a.parameters["windowsRoles"], vec!["Disabled"]);
        assert_eq!(a.parameters["applications"], vec!["Enabled"]);
        assert_eq!(
            a.targets,
            vec![("tag:Patch Group".to_string(), vec!["prod".to_string()])]
        );
    }

    #[test]
    fn long_association_names_are_cut_distinctly() {
        let s = test_spec(json!({"inventory": {}}));
        let long = "x".repeat(120);
        let a = config(s.inventory.as_ref().unwrap(), &s.targets[0], &long);
        assert!(a.association_name.len() <= 128);
        assert_eq!(
            a.association_name,
            crate::names::fit(&format!("{long}-inventory-prod-web"), 128)
        );
    }

    fn state(id: &str, name: &str) -> AssociationState {
        AssociationState {
            id: id.into(),
            config: AssociationConfig {
                association_name: name.into(),
                ..Default::default()
            },
            overview: Default::default(),
        }
    }

    #[test]
    fn found_by_name_or_by_the_recorded_id() {
        let s = test_spec(json!({"inventory": {}}));
        let want = config(s.inventory.as_ref().unwrap(), &s.targets[0], "team.prod");
        let have = vec![
            state("a-1", "team-prod-inventory-prod-web"),
            state("a-2", "team.prod-inventory-prod-web"),
        ];
        assert_eq!(find(&have, &want, None).unwrap().id, "a-2");
        let renamed = vec![state("a-1", "team-prod-inventory-prod-web")];
        assert_eq!(
            find(&renamed, &want, Some(&"a-1".into())).unwrap().id,
            "a-1"
        );
        assert!(find(&renamed, &want, None).is_none());
    }

    #[test]
    fn unlisted_groups_are_removed_only_when_owned() {
        let s = test_spec(json!({"inventory": {}}));
        let want = config_per_group(&s, s.inventory.as_ref().unwrap(), "team.prod");
        let recorded = BTreeMap::from([
            ("prod-web".to_string(), "a-1".to_string()),
            ("gone".to_string(), "a-9".to_string()),
        ]);
        assert_eq!(
            unlisted(&recorded, &want, true),
            vec![("gone".to_string(), "a-9".to_string())]
        );
        assert!(unlisted(&recorded, &want, false).is_empty());
        assert!(!first_sight(&recorded, "a-9"));
        assert!(first_sight(&recorded, "a-2"));
        let found = BTreeMap::from([("prod-web".to_string(), want[0].1.clone())]);
        let ids = BTreeMap::from([("prod-web".to_string(), "a-1".to_string())]);
        let p = plan(&want, &found, &ids, &unlisted(&recorded, &want, true));
        assert_eq!(p.drift.len(), 1);
        assert_eq!(p.drift[0].field, "inventory.gone.exists");
        assert_eq!(
            p.writes,
            vec![MemberWrite::Remove {
                name: "gone".into(),
                id: "a-9".into()
            }]
        );
    }

    #[test]
    fn ownership_follows_what_existed_and_what_was_written() {
        assert_eq!(ownership(false, true, true), Ownership::Created);
        assert_eq!(ownership(false, false, true), Ownership::None);
        assert_eq!(ownership(true, false, true), Ownership::Created);
        assert_eq!(ownership(true, true, false), Ownership::Adopted);
    }

    #[test]
    fn dropped_inventory_is_deleted_only_when_created() {
        let recorded = BTreeMap::from([("g".to_string(), "a-1".to_string())]);
        assert!(delete_when_dropped(&recorded, Some(Ownership::Created)));
        assert!(!delete_when_dropped(&recorded, Some(Ownership::Adopted)));
        assert!(!delete_when_dropped(
            &BTreeMap::new(),
            Some(Ownership::Created)
        ));
    }

    #[test]
    fn cleanup_finds_recorded_and_named_associations() {
        let listed = vec![
            state("a-1", "team.prod-inventory-web"),
            state("a-2", "team-prod-inventory-db"),
            state("a-3", "someone-else"),
            state("a-4", "renamed"),
        ];
        let recorded = BTreeMap::from([("x".to_string(), "a-4".to_string())]);
        assert_eq!(
            cleanup_candidates(&listed, &recorded, "team.prod", "team-prod"),
            vec!["a-1".to_string(), "a-2".to_string(), "a-4".to_string()]
        );
    }
}
