//! The window's targets: one window target per target group, compared by name.

use super::members::{self, Member, MemberPlan};
use super::TARGETS;
use crate::api::patch_schedule::{PatchScheduleSpec, TargetGroup};
use crate::aws::ssm::{TargetConfig, TargetEntry, TargetState};
use crate::diff::FieldDrift;
use std::collections::BTreeMap;

/// SSM `Targets` for a target group.
pub fn entries(g: &TargetGroup) -> Vec<TargetEntry> {
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
pub fn config(spec: &PatchScheduleSpec, owner: &str) -> Vec<TargetConfig> {
    spec.targets
        .iter()
        .map(|g| TargetConfig {
            name: g.name.clone(),
            targets: entries(g),
            owner_information: Some(owner.to_string()),
        })
        .collect()
}

/// Drift when the window does not exist: every declared target is missing.
pub fn missing(spec: &PatchScheduleSpec) -> Vec<FieldDrift> {
    members::missing_members(TARGETS, spec.targets.iter().map(|g| g.name.clone()))
}

/// Compare the wanted targets with the window's targets `have`: the IDs of the declared ones by name, and the
/// plan. In a window the operator created (`window_owned`), targets the spec does not list are drift and are
/// deregistered; in an adopted window they are left alone.
pub fn plan(
    want: &[TargetConfig],
    have: &[TargetState],
    window_owned: bool,
) -> (BTreeMap<String, String>, MemberPlan<TargetConfig>) {
    let declared = |name: &str| want.iter().any(|t| t.name == name);
    let wanted: Vec<Member<TargetConfig>> = want
        .iter()
        .map(|t| Member {
            name: t.name.clone(),
            desired: t.clone(),
            observed: have
                .iter()
                .find(|h| h.config.name == t.name)
                .map(|h| h.config.clone()),
        })
        .collect();
    let unlisted: Vec<(String, String)> = have
        .iter()
        .filter(|h| window_owned && !declared(&h.config.name))
        .map(|h| (h.config.name.clone(), h.id.clone()))
        .collect();
    // The first target of a name is the one compared above, so it is the one updated: names are not unique in
    // SSM, and a later duplicate must not take the writes meant for the target whose settings were read.
    let mut ids = BTreeMap::new();
    for h in have.iter().filter(|h| declared(&h.config.name)) {
        ids.entry(h.config.name.clone())
            .or_insert_with(|| h.id.clone());
    }
    let plan = members::plan(TARGETS, &wanted, &ids, &unlisted);
    (ids, plan)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::patching::members::MemberWrite;
    use crate::patching::test_spec;
    use serde_json::json;

    #[test]
    fn target_groups_map_to_ssm_targets() {
        let s = test_spec(json!({"targets": [
            {"name": "by-tags", "tags": [{"key": "env", "values": ["prod"]}, {"key": "tier", "values": ["web", "api"]}]},
            {"name": "by-ids", "instanceIds": ["i-0123456789abcdef0"]},
            {"name": "by-rg", "resourceGroup": "web-servers"}
        ]}));
        let t = config(&s, "team-a/prod");
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

    fn state(id: &str, cfg: &TargetConfig) -> TargetState {
        TargetState {
            id: id.into(),
            config: cfg.clone(),
        }
    }

    #[test]
    fn changed_and_unlisted_targets_in_an_owned_window() {
        let s = test_spec(json!({}));
        let want = config(&s, "team-a/prod");
        let mut drifted = want[0].clone();
        drifted.owner_information = Some("someone".into());
        let mut other = want[0].clone();
        other.name = "by-hand".into();
        let have = vec![state("wt-1", &drifted), state("wt-2", &other)];
        let (ids, p) = plan(&want, &have, true);
        assert_eq!(
            ids,
            BTreeMap::from([("prod-web".to_string(), "wt-1".to_string())])
        );
        let fields: Vec<&str> = p.drift.iter().map(|d| d.field.as_str()).collect();
        assert_eq!(
            fields,
            vec![
                "windowTargets.by-hand.exists",
                "windowTargets.prod-web.ownerInformation"
            ]
        );
        assert_eq!(
            p.writes,
            vec![
                MemberWrite::Update {
                    name: "prod-web".into(),
                    id: "wt-1".into(),
                    config: want[0].clone()
                },
                MemberWrite::Remove {
                    name: "by-hand".into(),
                    id: "wt-2".into()
                }
            ]
        );
    }

    #[test]
    fn a_duplicated_name_is_compared_and_updated_as_one_target() {
        let s = test_spec(json!({}));
        let want = config(&s, "team-a/prod");
        let mut drifted = want[0].clone();
        drifted.owner_information = Some("someone".into());
        // SSM lets two targets share a name: the first is read, so the first is written.
        let have = vec![state("wt-1", &drifted), state("wt-2", &want[0])];
        let (ids, p) = plan(&want, &have, false);
        assert_eq!(ids.get("prod-web").map(String::as_str), Some("wt-1"));
        assert_eq!(
            p.writes,
            vec![MemberWrite::Update {
                name: "prod-web".into(),
                id: "wt-1".into(),
                config: want[0].clone()
            }]
        );
    }

    #[test]
    fn unlisted_targets_of_an_adopted_window_are_left_alone() {
        let s = test_spec(json!({}));
        let want = config(&s, "team-a/prod");
        let mut other = want[0].clone();
        other.name = "by-hand".into();
        let (ids, p) = plan(&want, &[state("wt-2", &other)], false);
        assert!(ids.is_empty());
        assert_eq!(
            p.writes,
            vec![MemberWrite::Create {
                name: "prod-web".into(),
                config: want[0].clone()
            }]
        );
        assert!(p.only_missing);
    }

    #[test]
    fn without_a_window_every_target_is_missing() {
        let d = missing(&test_spec(json!({})));
        assert_eq!(d.len(), 1);
        assert_eq!(d[0].field, "windowTargets.prod-web.exists");
    }
}
