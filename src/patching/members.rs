//! Components made of several named AWS resources (window targets, window tasks, inventory associations). Each
//! member is flattened under `<component>.<name>`; members the operator created that the spec no longer lists
//! are drift (`<component>.<name>.exists: false`); the plan says which member gets which write.

use super::{exists_field, fields};
use crate::diff::{diff_resources, touches, FieldDrift, Fields};
use serde::Serialize;
use serde_json::Value;
use std::collections::BTreeMap;

/// One member the spec declares: what it wants, and what AWS has under its name.
#[derive(Clone, Debug, PartialEq)]
pub struct Member<T> {
    /// Name of the member in the component (target group, task name).
    pub name: String,
    /// Settings from the spec.
    pub desired: T,
    /// Settings in AWS, `None` when it does not exist.
    pub observed: Option<T>,
}

/// A write to one member.
#[derive(Clone, Debug, PartialEq)]
pub enum MemberWrite<T> {
    /// Create (register) the member; its new ID is recorded under `name`.
    Create {
        /// Member name.
        name: String,
        /// Settings.
        config: T,
    },
    /// Update the existing member `id` with every managed setting.
    Update {
        /// Member name.
        name: String,
        /// ID of the member in AWS.
        id: String,
        /// Settings.
        config: T,
    },
    /// Remove (deregister, delete) a member the spec no longer lists.
    Remove {
        /// Member name.
        name: String,
        /// ID of the member in AWS.
        id: String,
    },
}

/// Drift of a component with several members and the writes that remove it, in order: creates and updates in
/// the spec's order, then removals.
#[derive(Clone, Debug, PartialEq)]
pub struct MemberPlan<T> {
    /// Every drifted field.
    pub drift: Vec<FieldDrift>,
    /// The writes.
    pub writes: Vec<MemberWrite<T>>,
    /// Every drift is a declared member that does not exist: correcting it only creates (state `Created`).
    pub only_missing: bool,
}

/// Compare the declared `members` (IDs of the existing ones in `ids`, by name) and the `unlisted` members
/// `(name, id)` to remove, and plan the writes.
pub fn plan<T: Serialize + Clone>(
    component: &str,
    members: &[Member<T>],
    ids: &BTreeMap<String, String>,
    unlisted: &[(String, String)],
) -> MemberPlan<T> {
    let mut desired = Fields::new();
    let mut observed = Fields::new();
    let mut missing_fields = Vec::new();
    for m in members {
        let prefix = format!("{component}.{}", m.name);
        desired.extend(fields(&prefix, Some(&m.desired), true));
        observed.extend(fields(&prefix, m.observed.as_ref(), false));
        missing_fields.push(exists_field(&prefix));
    }
    for (name, _) in unlisted {
        let exists = exists_field(&format!("{component}.{name}"));
        desired.insert(exists.clone(), Value::Bool(false));
        observed.insert(exists, Value::Bool(true));
    }
    let drift = diff_resources(&desired, &observed);
    let mut writes = Vec::new();
    if !drift.is_empty() {
        let touched = touched_members(component, members, &drift);
        for m in members {
            if !touched.contains(m.name.as_str()) {
                continue;
            }
            writes.push(match ids.get(&m.name) {
                Some(id) => MemberWrite::Update {
                    name: m.name.clone(),
                    id: id.clone(),
                    config: m.desired.clone(),
                },
                None => MemberWrite::Create {
                    name: m.name.clone(),
                    config: m.desired.clone(),
                },
            });
        }
        for (name, id) in unlisted {
            writes.push(MemberWrite::Remove {
                name: name.clone(),
                id: id.clone(),
            });
        }
    }
    let only_missing = !drift.is_empty()
        && drift
            .iter()
            .all(|d| d.desired == Value::Bool(true) && missing_fields.contains(&d.field));
    MemberPlan {
        drift,
        writes,
        only_missing,
    }
}

/// The members a drift belongs to. Names may contain dots, so a field `targets.web.x.tags` could be under `web`
/// or `web.x`: it belongs to the longest declared name it extends, and only that member is rewritten.
fn touched_members<'a, T>(
    component: &str,
    members: &'a [Member<T>],
    drift: &[FieldDrift],
) -> std::collections::BTreeSet<&'a str> {
    drift
        .iter()
        .filter_map(|d| {
            members
                .iter()
                .filter(|m| {
                    touches(
                        std::slice::from_ref(d),
                        &[&format!("{component}.{}", m.name)],
                    )
                })
                .max_by_key(|m| m.name.len())
                .map(|m| m.name.as_str())
        })
        .collect()
}

/// The `<component>.<name>.exists` fields of members that are all missing (the window they belong to does not
/// exist), as drift.
pub fn missing_members(
    component: &str,
    names: impl IntoIterator<Item = String>,
) -> Vec<FieldDrift> {
    names
        .into_iter()
        .map(|n| FieldDrift {
            field: exists_field(&format!("{component}.{n}")),
            desired: Value::Bool(true),
            actual: Value::Bool(false),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[derive(Clone, Debug, PartialEq, Serialize)]
    struct Cfg {
        size: i32,
        note: Option<String>,
    }

    fn cfg(size: i32) -> Cfg {
        Cfg { size, note: None }
    }

    fn member(name: &str, want: i32, have: Option<i32>) -> Member<Cfg> {
        Member {
            name: name.into(),
            desired: cfg(want),
            observed: have.map(cfg),
        }
    }

    fn ids(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn in_sync_members_need_no_write() {
        let p = plan("c", &[member("a", 1, Some(1))], &ids(&[("a", "id-a")]), &[]);
        assert!(p.drift.is_empty());
        assert!(p.writes.is_empty());
        assert!(!p.only_missing);
    }

    #[test]
    fn a_missing_member_is_created_and_only_missing() {
        let p = plan(
            "c",
            &[member("a", 1, Some(1)), member("b", 2, None)],
            &ids(&[("a", "id-a")]),
            &[],
        );
        assert_eq!(p.drift.len(), 1);
        assert_eq!(p.drift[0].field, "c.b.exists");
        assert_eq!(
            p.writes,
            vec![MemberWrite::Create {
                name: "b".into(),
                config: cfg(2)
            }]
        );
        assert!(p.only_missing);
    }

    #[test]
    fn a_changed_member_is_updated_by_id() {
        let p = plan("c", &[member("a", 2, Some(1))], &ids(&[("a", "id-a")]), &[]);
        assert_eq!(p.drift[0].field, "c.a.size");
        assert_eq!(p.drift[0].actual, json!(1));
        assert_eq!(
            p.writes,
            vec![MemberWrite::Update {
                name: "a".into(),
                id: "id-a".into(),
                config: cfg(2)
            }]
        );
        assert!(!p.only_missing);
    }

    #[test]
    fn unlisted_members_are_drift_and_removed_last() {
        let p = plan(
            "c",
            &[member("b", 2, None)],
            &BTreeMap::new(),
            &[("old".into(), "id-old".into())],
        );
        let fields: Vec<&str> = p.drift.iter().map(|d| d.field.as_str()).collect();
        assert_eq!(fields, vec!["c.b.exists", "c.old.exists"]);
        assert_eq!(
            p.writes,
            vec![
                MemberWrite::Create {
                    name: "b".into(),
                    config: cfg(2)
                },
                MemberWrite::Remove {
                    name: "old".into(),
                    id: "id-old".into()
                }
            ]
        );
        assert!(!p.only_missing, "a removal is not a create");
    }

    #[test]
    fn a_drift_under_a_dotted_name_rewrites_only_that_member() {
        // `c.web.x.size` extends both `c.web` and `c.web.x`: it is `web.x`'s field, `web` is in sync.
        let p = plan(
            "c",
            &[member("web", 1, Some(1)), member("web.x", 2, Some(3))],
            &ids(&[("web", "id-web"), ("web.x", "id-web-x")]),
            &[],
        );
        let fields: Vec<&str> = p.drift.iter().map(|d| d.field.as_str()).collect();
        assert_eq!(fields, vec!["c.web.x.size"]);
        assert_eq!(
            p.writes,
            vec![MemberWrite::Update {
                name: "web.x".into(),
                id: "id-web-x".into(),
                config: cfg(2)
            }]
        );
    }

    #[test]
    fn unset_settings_are_not_managed() {
        let mut have = cfg(1);
        have.note = Some("by hand".into());
        let m = Member {
            name: "a".into(),
            desired: cfg(1),
            observed: Some(have),
        };
        let p = plan("c", &[m], &ids(&[("a", "id-a")]), &[]);
        assert!(p.drift.is_empty(), "{:?}", p.drift);
    }

    #[test]
    fn members_of_a_missing_window_are_all_missing() {
        let d = missing_members("c", ["a".to_string(), "b".to_string()]);
        assert_eq!(d.len(), 2);
        assert_eq!(d[1].field, "c.b.exists");
        assert_eq!(d[1].desired, json!(true));
        assert_eq!(d[1].actual, json!(false));
    }
}
