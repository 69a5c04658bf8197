//! IAM Access Analyzer rules: analyzers by name, their type, unused access age and archive rules.

use crate::api::account_baseline::{AccessAnalyzerSpec, AnalyzerSpec, ArchiveRuleSpec};
use crate::aws::accessanalyzer::{filter_of, AnalyzerState, Filter};
use crate::diff::{FieldDrift, Fields};
use serde_json::json;
use std::collections::BTreeMap;

/// Component name.
pub const COMPONENT: &str = "accessAnalyzer";

/// AWS's default unused access age.
pub const DEFAULT_UNUSED_ACCESS_AGE: i32 = 90;

/// The analyzers managed in a region: external access ones everywhere, unused access ones in the home region.
pub fn in_region(spec: &AccessAnalyzerSpec, home: bool) -> Vec<&AnalyzerSpec> {
    spec.analyzers
        .iter()
        .filter(|a| home || !a.analyzer_type.is_unused_access())
        .collect()
}

/// The unused access age to set (unused access analyzers only).
pub fn unused_access_age(a: &AnalyzerSpec) -> Option<i32> {
    a.analyzer_type
        .is_unused_access()
        .then(|| a.unused_access_age.unwrap_or(DEFAULT_UNUSED_ACCESS_AGE))
}

/// A rule's filter, normalised like the observed one.
pub fn filter(rule: &ArchiveRuleSpec) -> Filter {
    filter_of(rule.filter.iter().map(|(attr, c)| {
        (
            attr.as_str(),
            c.eq.as_slice(),
            c.neq.as_slice(),
            c.contains.as_slice(),
            c.exists,
        )
    }))
}

/// Declared archive rules of an analyzer: name -> filter.
pub fn rules(a: &AnalyzerSpec) -> BTreeMap<String, Filter> {
    a.archive_rules
        .iter()
        .map(|r| (r.name.clone(), filter(r)))
        .collect()
}

/// What AWS holds in a region: the analyzers, whether this owner created each, and the archive rules of the
/// declared analyzers that exist.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Observed {
    /// Analyzers by name, with "created by this owner".
    pub analyzers: BTreeMap<String, (AnalyzerState, bool)>,
    /// Archive rules by analyzer name.
    pub rules: BTreeMap<String, BTreeMap<String, Filter>>,
}

/// Desired fields. Archive rules of a missing analyzer are not listed (it is created with them). Analyzers this
/// owner created that left the spec, and archive rules of such analyzers that left the spec, must not exist.
pub fn desired(declared: &[&AnalyzerSpec], obs: &Observed) -> Fields {
    let c = COMPONENT;
    let mut f = Fields::new();
    for a in declared {
        let p = format!("{c}.{}", a.name);
        f.insert(format!("{p}.exists"), json!(true));
        f.insert(format!("{p}.type"), json!(a.analyzer_type.as_str()));
        if let Some(age) = unused_access_age(a) {
            f.insert(format!("{p}.unusedAccessAge"), json!(age));
        }
        let Some((_, ours)) = obs.analyzers.get(&a.name) else {
            continue;
        };
        let want = rules(a);
        for (rule, filter) in &want {
            f.insert(format!("{p}.archiveRules.{rule}.exists"), json!(true));
            f.insert(format!("{p}.archiveRules.{rule}.filter"), filter.clone());
        }
        if *ours {
            for rule in obs.rules.get(&a.name).into_iter().flat_map(|r| r.keys()) {
                if !want.contains_key(rule) {
                    f.insert(format!("{p}.archiveRules.{rule}.exists"), json!(false));
                }
            }
        }
    }
    for (name, (_, ours)) in &obs.analyzers {
        if *ours && !declared.iter().any(|a| &a.name == name) {
            f.insert(format!("{c}.{name}.exists"), json!(false));
        }
    }
    f
}

/// Observed fields.
pub fn observed(obs: &Observed) -> Fields {
    let c = COMPONENT;
    let mut f = Fields::new();
    for (name, (a, _)) in &obs.analyzers {
        let p = format!("{c}.{name}");
        f.insert(format!("{p}.exists"), json!(true));
        f.insert(format!("{p}.type"), json!(a.analyzer_type));
        f.insert(format!("{p}.unusedAccessAge"), json!(a.unused_access_age));
        for (rule, filter) in obs.rules.get(name).into_iter().flatten() {
            f.insert(format!("{p}.archiveRules.{rule}.exists"), json!(true));
            f.insert(format!("{p}.archiveRules.{rule}.filter"), filter.clone());
        }
    }
    f
}

/// A write.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Write {
    /// CreateAnalyzer (with its archive rules inline).
    Create(String),
    /// DeleteAnalyzer then CreateAnalyzer: the type of an analyzer this owner created changed.
    Replace(String),
    /// UpdateAnalyzer: the unused access age.
    Update(String),
    /// Create or update one archive rule: (analyzer, rule).
    PutRule(String, String),
    /// DeleteArchiveRule: (analyzer, rule).
    DeleteRule(String, String),
    /// DeleteAnalyzer: created by this owner, no longer declared.
    Delete(String),
    /// The type of an analyzer this owner did not create differs: never deleted, left as it is.
    Blocked(String),
}

/// Plan the writes for `drift`, in order.
pub fn plan(declared: &[&AnalyzerSpec], obs: &Observed, drift: &[FieldDrift]) -> Vec<Write> {
    let prefix = format!("{COMPONENT}.");
    let mut out: Vec<Write> = Vec::new();
    let mut push = |w: Write| {
        if !out.contains(&w) {
            out.push(w);
        }
    };
    for d in drift {
        let Some(rest) = d.field.strip_prefix(&prefix) else {
            continue;
        };
        let (name, what) = rest.split_once('.').unwrap_or((rest, ""));
        let name = name.to_string();
        let declared_here = declared.iter().any(|a| a.name == name);
        let ours = obs.analyzers.get(&name).map(|(_, o)| *o);
        match (what, declared_here, ours) {
            ("exists", true, None) => push(Write::Create(name)),
            ("exists", false, Some(true)) => push(Write::Delete(name)),
            ("type", true, Some(true)) => push(Write::Replace(name)),
            ("type", true, Some(false)) => push(Write::Blocked(name)),
            ("unusedAccessAge", true, Some(_)) => push(Write::Update(name)),
            (w, true, Some(_)) if w.starts_with("archiveRules.") => {
                let rule = w
                    .trim_start_matches("archiveRules.")
                    .rsplit_once('.')
                    .map(|(r, _)| r.to_string())
                    .unwrap_or_default();
                if d.desired == json!(false) {
                    push(Write::DeleteRule(name, rule));
                } else {
                    push(Write::PutRule(name, rule));
                }
            }
            _ => {}
        }
    }
    // A replaced analyzer is created with its rules and current settings: no separate update.
    let replaced: Vec<String> = out
        .iter()
        .filter_map(|w| match w {
            Write::Replace(n) => Some(n.clone()),
            _ => None,
        })
        .collect();
    out.retain(|w| match w {
        Write::Update(n) | Write::PutRule(n, _) | Write::DeleteRule(n, _) => !replaced.contains(n),
        _ => true,
    });
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diff::diff_resources;

    fn spec(v: serde_json::Value) -> AccessAnalyzerSpec {
        serde_json::from_value(v).unwrap()
    }

    fn analyzer(name: &str, t: &str, age: Option<i32>) -> AnalyzerState {
        AnalyzerState {
            name: name.into(),
            arn: format!("arn:aws:access-analyzer:us-east-1:1:analyzer/{name}"),
            analyzer_type: t.into(),
            status: "ACTIVE".into(),
            unused_access_age: age,
            tags: BTreeMap::new(),
        }
    }

    fn s() -> AccessAnalyzerSpec {
        spec(json!({"analyzers": [
            {"name": "external", "type": "ACCOUNT", "archiveRules": [
                {"name": "trusted", "filter": {"principal.AWS": {"eq": ["222222222222", "111111111111"]}}}]},
            {"name": "unused", "type": "ACCOUNT_UNUSED_ACCESS", "unusedAccessAge": 60}
        ]}))
    }

    #[test]
    fn unused_access_analyzers_are_home_region_only() {
        let s = s();
        assert_eq!(in_region(&s, true).len(), 2);
        let other = in_region(&s, false);
        assert_eq!(other.len(), 1);
        assert_eq!(other[0].name, "external");
        assert_eq!(unused_access_age(other[0]), None);
    }

    #[test]
    fn missing_analyzers_are_created_with_their_rules() {
        let s = s();
        let declared = in_region(&s, true);
        let obs = Observed::default();
        let d = diff_resources(&desired(&declared, &obs), &observed(&obs));
        let fields: Vec<&str> = d.iter().map(|d| d.field.as_str()).collect();
        assert_eq!(
            fields,
            vec![
                "accessAnalyzer.external.exists",
                "accessAnalyzer.unused.exists"
            ]
        );
        assert_eq!(
            plan(&declared, &obs, &d),
            vec![
                Write::Create("external".into()),
                Write::Create("unused".into())
            ]
        );
    }

    #[test]
    fn drift_is_field_by_field_and_rule_by_rule() {
        let s = s();
        let declared = in_region(&s, true);
        let mut obs = Observed::default();
        obs.analyzers.insert(
            "external".into(),
            (analyzer("external", "ORGANIZATION", None), false),
        );
        obs.analyzers.insert(
            "unused".into(),
            (analyzer("unused", "ACCOUNT_UNUSED_ACCESS", Some(90)), true),
        );
        obs.analyzers
            .insert("old".into(), (analyzer("old", "ACCOUNT", None), true));
        obs.rules.insert(
            "external".into(),
            BTreeMap::from([(
                "trusted".to_string(),
                json!({"principal.AWS": {"eq": ["111111111111"]}}),
            )]),
        );
        let d = diff_resources(&desired(&declared, &obs), &observed(&obs));
        let fields: Vec<&str> = d.iter().map(|d| d.field.as_str()).collect();
        assert_eq!(
            fields,
            vec![
                "accessAnalyzer.external.archiveRules.trusted.filter",
                "accessAnalyzer.external.type",
                "accessAnalyzer.old.exists",
                "accessAnalyzer.unused.unusedAccessAge"
            ]
        );
        assert_eq!(
            plan(&declared, &obs, &d),
            vec![
                Write::PutRule("external".into(), "trusted".into()),
                Write::Blocked("external".into()),
                Write::Delete("old".into()),
                Write::Update("unused".into()),
            ]
        );
    }

    #[test]
    fn filters_are_normalised() {
        let s = s();
        let f = filter(&s.analyzers[0].archive_rules[0]);
        assert_eq!(
            f,
            json!({"principal.AWS": {"eq": ["111111111111", "222222222222"]}})
        );
    }
}
