//! The pure diff: flattened desired settings against flattened observed settings.
//! Below the rules and the engine: both use it, it uses neither.

use serde_json::Value;
use std::collections::BTreeMap;

/// Settings of one component flattened to stable field paths, e.g. `guardDuty.features.S3_DATA_EVENTS`.
pub type Fields = BTreeMap<String, Value>;

/// One setting where AWS differs from the spec.
#[derive(Clone, Debug, PartialEq)]
pub struct FieldDrift {
    /// Stable field path.
    pub field: String,
    /// Declared value.
    pub desired: Value,
    /// Value in AWS (`null` when absent).
    pub actual: Value,
}

/// Compare every declared field with AWS. Fields AWS has but the spec does not declare are not managed and
/// never drift. When the spec wants a resource (`<component>.exists: true`) that is missing, that single fact is
/// the drift: listing every setting of a resource that does not exist would bury it.
pub fn diff(component: &str, desired: &Fields, observed: &Fields) -> Vec<FieldDrift> {
    let exists_key = format!("{component}.exists");
    if desired.get(&exists_key) == Some(&Value::Bool(true))
        && observed.get(&exists_key) != Some(&Value::Bool(true))
    {
        return vec![FieldDrift {
            field: exists_key,
            desired: Value::Bool(true),
            actual: Value::Bool(false),
        }];
    }
    desired
        .iter()
        .filter_map(|(field, want)| {
            let have = observed.get(field).cloned().unwrap_or(Value::Null);
            (*want != have).then(|| FieldDrift {
                field: field.clone(),
                desired: want.clone(),
                actual: have,
            })
        })
        .collect()
}

/// Diff of a component that holds several resources (alarms, filters, window tasks), each with its own
/// `<resource>.exists`: a missing resource is one drift (`<resource>.exists`), and the settings under it are not
/// listed; the other resources are compared field by field.
pub fn diff_resources(desired: &Fields, observed: &Fields) -> Vec<FieldDrift> {
    let mut out = Vec::new();
    for (field, want) in desired {
        let have = observed.get(field).cloned().unwrap_or(Value::Null);
        if field.ends_with(".exists") && *want == Value::Bool(true) && have != Value::Bool(true) {
            out.push(FieldDrift {
                field: field.clone(),
                desired: want.clone(),
                actual: Value::Bool(false),
            });
            continue;
        }
        // Any enclosing resource (`a.b` for `a.b.target.arn`) that is missing hides the field.
        let parent_missing = field.match_indices('.').any(|(i, _)| {
            let exists = format!("{}.exists", &field[..i]);
            desired.get(&exists) == Some(&Value::Bool(true))
                && observed.get(&exists) != Some(&Value::Bool(true))
        });
        if !parent_missing && *want != have {
            out.push(FieldDrift {
                field: field.clone(),
                desired: want.clone(),
                actual: have,
            });
        }
    }
    out
}

/// True when any drift touches one of `fields` (exact path or a child of it).
pub fn touches(drift: &[FieldDrift], fields: &[&str]) -> bool {
    drift.iter().any(|d| {
        fields
            .iter()
            .any(|f| d.field == *f || d.field.starts_with(&format!("{f}.")))
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn fields(pairs: &[(&str, Value)]) -> Fields {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.clone()))
            .collect()
    }

    #[test]
    fn only_declared_fields_drift() {
        let desired = fields(&[("gd.exists", json!(true)), ("gd.freq", json!("SIX_HOURS"))]);
        let observed = fields(&[
            ("gd.exists", json!(true)),
            ("gd.freq", json!("ONE_HOUR")),
            ("gd.other", json!(1)),
        ]);
        let d = diff("gd", &desired, &observed);
        assert_eq!(
            d,
            vec![FieldDrift {
                field: "gd.freq".into(),
                desired: json!("SIX_HOURS"),
                actual: json!("ONE_HOUR")
            }]
        );
    }

    #[test]
    fn missing_resource_is_one_drift() {
        let desired = fields(&[("gd.exists", json!(true)), ("gd.freq", json!("SIX_HOURS"))]);
        let d = diff("gd", &desired, &fields(&[("gd.exists", json!(false))]));
        assert_eq!(d.len(), 1);
        assert_eq!(d[0].field, "gd.exists");
    }

    #[test]
    fn absent_observed_value_is_null() {
        let desired = fields(&[("pp.minimumPasswordLength", json!(14))]);
        let d = diff("pp", &desired, &Fields::new());
        assert_eq!(d[0].actual, Value::Null);
    }

    #[test]
    fn equal_states_have_no_drift_for_any_values() {
        // Property: diff(x, x) is empty, whatever x holds.
        for n in 0..50 {
            let f = fields(&[
                ("a.exists", json!(true)),
                ("a.n", json!(n)),
                ("a.s", json!(format!("v{n}"))),
                ("a.l", json!([n, n + 1])),
            ]);
            assert!(diff("a", &f, &f).is_empty());
        }
    }

    #[test]
    fn touches_matches_children() {
        let d = vec![FieldDrift {
            field: "ct.cloudWatchLogs.roleArn".into(),
            desired: json!("a"),
            actual: json!("b"),
        }];
        assert!(touches(&d, &["ct.cloudWatchLogs"]));
        assert!(!touches(&d, &["ct.cloud"]));
    }

    #[test]
    fn a_missing_resource_is_one_drift_the_others_field_by_field() {
        let desired = fields(&[
            ("alarms.a.exists", json!(true)),
            ("alarms.a.threshold", json!(1)),
            ("alarms.b.exists", json!(true)),
            ("alarms.b.threshold", json!(2)),
        ]);
        let observed = fields(&[
            ("alarms.b.exists", json!(true)),
            ("alarms.b.threshold", json!(5)),
        ]);
        let got: Vec<String> = diff_resources(&desired, &observed)
            .into_iter()
            .map(|d| d.field)
            .collect();
        assert_eq!(got, vec!["alarms.a.exists", "alarms.b.threshold"]);
    }
}
