//! Trusted Advisor checks: which check IDs a spec names, and each check's latest status as drift. Detect-only.
//!
//! Check IDs are Trusted Advisor's own (AWS Trusted Advisor check reference, AWS Support User Guide:
//! https://docs.aws.amazon.com/awssupport/latest/user/security-checks.html); they are stable while display names
//! change, so stable names map to IDs, and `serviceLimits` to the `service_limits` category.

use crate::api::account_baseline::{TrustedAdvisorCheckName, TrustedAdvisorSpec};
use crate::aws::support::{Check, Summary};
use crate::diff::Fields;
use serde_json::{json, Value};

/// Component name.
pub const COMPONENT: &str = "trustedAdvisor";
/// The category `serviceLimits` stands for.
pub const SERVICE_LIMITS_CATEGORY: &str = "service_limits";
/// The field key of checks declared by ID.
pub const BY_ID: &str = "checks";

/// The stable name as it appears in the spec and in drift fields.
pub fn name_str(n: TrustedAdvisorCheckName) -> &'static str {
    match n {
        TrustedAdvisorCheckName::SecurityGroupsSpecificPortsUnrestricted => {
            "securityGroupsSpecificPortsUnrestricted"
        }
        TrustedAdvisorCheckName::SecurityGroupsUnrestrictedAccess => {
            "securityGroupsUnrestrictedAccess"
        }
        TrustedAdvisorCheckName::RootAccountMfa => "rootAccountMfa",
        TrustedAdvisorCheckName::ExposedAccessKeys => "exposedAccessKeys",
        TrustedAdvisorCheckName::ServiceLimits => "serviceLimits",
    }
}

/// The Trusted Advisor check ID of a stable name; `None` for `serviceLimits` (a whole category).
pub fn check_id(n: TrustedAdvisorCheckName) -> Option<&'static str> {
    match n {
        TrustedAdvisorCheckName::SecurityGroupsSpecificPortsUnrestricted => Some("HCP4007jGY"),
        TrustedAdvisorCheckName::SecurityGroupsUnrestrictedAccess => Some("1iG5NDGVre"),
        TrustedAdvisorCheckName::RootAccountMfa => Some("7DAFEmoDos"),
        TrustedAdvisorCheckName::ExposedAccessKeys => Some("12Fnkpl8Y5"),
        TrustedAdvisorCheckName::ServiceLimits => None,
    }
}

/// One declared check resolved against what Trusted Advisor offers: drift fields live under
/// `trustedAdvisor.<key>.<id>`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Declared {
    /// The stable name, or [`BY_ID`].
    pub key: &'static str,
    /// The check ID (for an empty category: the category).
    pub id: String,
    /// Trusted Advisor offers it (DescribeTrustedAdvisorChecks lists it).
    pub offered: bool,
    /// Its display name, when offered.
    pub name: Option<String>,
}

/// The checks a spec names, in spec order without repeats: a stable name is its check ID, `serviceLimits` every
/// offered check of the `service_limits` category, a `checkId` itself. A check Trusted Advisor does not offer stays
/// in the list (`offered: false`) so it is reported rather than silently skipped.
pub fn resolve(spec: &TrustedAdvisorSpec, offered: &[Check]) -> Vec<Declared> {
    let find = |id: &str| offered.iter().find(|c| c.id == id);
    let mut out: Vec<Declared> = Vec::new();
    let mut push = |d: Declared| {
        if !out.iter().any(|o| o.id == d.id) {
            out.push(d);
        }
    };
    for r in &spec.checks {
        let (key, ids): (&'static str, Vec<String>) = match (r.name, &r.check_id) {
            (Some(n), _) => match check_id(n) {
                Some(id) => (name_str(n), vec![id.to_string()]),
                None => {
                    let ids: Vec<String> = offered
                        .iter()
                        .filter(|c| c.category == SERVICE_LIMITS_CATEGORY)
                        .map(|c| c.id.clone())
                        .collect();
                    if ids.is_empty() {
                        (name_str(n), vec![SERVICE_LIMITS_CATEGORY.to_string()])
                    } else {
                        (name_str(n), ids)
                    }
                }
            },
            (None, Some(id)) => (BY_ID, vec![id.clone()]),
            (None, None) => continue,
        };
        for id in ids {
            let c = find(&id);
            push(Declared {
                key,
                offered: c.is_some(),
                name: c.map(|c| c.name.clone()),
                id,
            });
        }
    }
    out
}

fn field(d: &Declared, leaf: &str) -> String {
    format!("{COMPONENT}.{}.{}.{leaf}", d.key, d.id)
}

/// Desired fields: every declared check `ok`, and `fresh` when the spec bounds the result's age.
pub fn desired(spec: &TrustedAdvisorSpec, declared: &[Declared]) -> Fields {
    let mut f = Fields::new();
    for d in declared {
        f.insert(field(d, "status"), json!("ok"));
        if spec.max_result_age.is_some() {
            f.insert(field(d, "fresh"), json!(true));
        }
    }
    f
}

/// Observed fields: each check's status (`ok`, `warning`, `error`, `not_available`; absent = no result), and
/// whether its result is at most `max_age` old at `now` (unreadable timestamps are `null`).
pub fn observed(
    declared: &[Declared],
    summaries: &[Summary],
    max_age: Option<std::time::Duration>,
    now: jiff::Timestamp,
) -> Fields {
    let mut f = Fields::new();
    for d in declared {
        let Some(s) = summaries.iter().find(|s| s.check_id == d.id) else {
            continue;
        };
        f.insert(field(d, "status"), json!(s.status));
        if let Some(max) = max_age {
            let fresh = s
                .timestamp
                .parse::<jiff::Timestamp>()
                .ok()
                .map(|t| now.duration_since(t).as_secs_f64() <= max.as_secs_f64());
            f.insert(field(d, "fresh"), fresh.map_or(Value::Null, Value::Bool));
        }
    }
    f
}

/// The component's status line: how many checks were read and which are not `ok`, by ID and name.
pub fn message(declared: &[Declared], summaries: &[Summary]) -> String {
    let bad: Vec<String> = declared
        .iter()
        .filter_map(|d| {
            let name = d
                .name
                .as_deref()
                .unwrap_or("not offered by Trusted Advisor");
            match summaries.iter().find(|s| s.check_id == d.id) {
                Some(s) if s.status == "ok" => None,
                Some(s) => Some(format!(
                    "{} {name}: {}, {} flagged",
                    d.id, s.status, s.flagged
                )),
                None => Some(format!("{} {name}: no result", d.id)),
            }
        })
        .collect();
    let read = format!(
        "detect-only, {} Trusted Advisor check(s) read",
        declared.len()
    );
    if bad.is_empty() {
        format!("{read}, all ok")
    } else {
        format!("{read}; not ok: {}", bad.join("; "))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::account_baseline::TrustedAdvisorCheckRef;
    use crate::diff::diff;

    fn check(id: &str, name: &str, category: &str) -> Check {
        Check {
            id: id.into(),
            name: name.into(),
            category: category.into(),
        }
    }

    fn summary(id: &str, status: &str, ts: &str) -> Summary {
        Summary {
            check_id: id.into(),
            status: status.into(),
            timestamp: ts.into(),
            flagged: if status == "ok" { 0 } else { 2 },
        }
    }

    fn named(n: TrustedAdvisorCheckName) -> TrustedAdvisorCheckRef {
        TrustedAdvisorCheckRef {
            name: Some(n),
            check_id: None,
        }
    }

    fn offered() -> Vec<Check> {
        vec![
            check(
                "HCP4007jGY",
                "Security Groups - Specific Ports Unrestricted",
                "security",
            ),
            check("7DAFEmoDos", "MFA on Root Account", "security"),
            check("jL7PP0l7J9", "VPC", "service_limits"),
            check("oQ7TT0l7J9", "IAM Roles", "service_limits"),
        ]
    }

    #[test]
    fn names_resolve_to_ids_and_service_limits_to_its_category() {
        let spec = TrustedAdvisorSpec {
            checks: vec![
                named(TrustedAdvisorCheckName::SecurityGroupsSpecificPortsUnrestricted),
                named(TrustedAdvisorCheckName::ServiceLimits),
                TrustedAdvisorCheckRef {
                    name: None,
                    check_id: Some("7DAFEmoDos".into()),
                },
                named(TrustedAdvisorCheckName::RootAccountMfa),
                named(TrustedAdvisorCheckName::ExposedAccessKeys),
            ],
            max_result_age: None,
        };
        let d = resolve(&spec, &offered());
        let ids: Vec<(&str, &str, bool)> = d
            .iter()
            .map(|d| (d.key, d.id.as_str(), d.offered))
            .collect();
        assert_eq!(
            ids,
            vec![
                (
                    "securityGroupsSpecificPortsUnrestricted",
                    "HCP4007jGY",
                    true
                ),
                ("serviceLimits", "jL7PP0l7J9", true),
                ("serviceLimits", "oQ7TT0l7J9", true),
                // Declared by ID first, then again by name: listed once, under the first.
                ("checks", "7DAFEmoDos", true),
                // Not in the offered list: reported, not skipped.
                ("exposedAccessKeys", "12Fnkpl8Y5", false),
            ]
        );
    }

    #[test]
    fn a_check_not_ok_is_drift_under_its_check_id() {
        let spec = TrustedAdvisorSpec {
            checks: vec![
                named(TrustedAdvisorCheckName::RootAccountMfa),
                named(TrustedAdvisorCheckName::SecurityGroupsSpecificPortsUnrestricted),
            ],
            max_result_age: Some("24h".into()),
        };
        let d = resolve(&spec, &offered());
        let now: jiff::Timestamp = "2026-01-02T00:00:00Z".parse().unwrap();
        let sums = vec![
            summary("7DAFEmoDos", "error", "2026-01-01T12:00:00Z"),
            summary("HCP4007jGY", "ok", "2025-12-01T00:00:00Z"),
        ];
        let drift = diff(
            COMPONENT,
            &desired(&spec, &d),
            &observed(&d, &sums, Some(std::time::Duration::from_secs(86400)), now),
        );
        let got: Vec<(&str, &Value)> = drift
            .iter()
            .map(|x| (x.field.as_str(), &x.actual))
            .collect();
        assert_eq!(
            got,
            vec![
                (
                    "trustedAdvisor.rootAccountMfa.7DAFEmoDos.status",
                    &json!("error")
                ),
                (
                    "trustedAdvisor.securityGroupsSpecificPortsUnrestricted.HCP4007jGY.fresh",
                    &json!(false)
                ),
            ]
        );
        // The root MFA check carries the control that checks the same setting.
        assert_eq!(
            crate::baseline::controls::controls_for(&drift[0].field),
            vec!["IAM.9", "CIS 1.5"]
        );
        let m = message(&d, &sums);
        assert!(
            m.contains("7DAFEmoDos MFA on Root Account: error, 2 flagged"),
            "{m}"
        );
    }

    #[test]
    fn all_ok_is_in_sync_and_a_missing_result_is_drift() {
        let spec = TrustedAdvisorSpec {
            checks: vec![named(TrustedAdvisorCheckName::ServiceLimits)],
            max_result_age: None,
        };
        let d = resolve(&spec, &offered());
        let now = jiff::Timestamp::now();
        let sums = vec![summary("jL7PP0l7J9", "ok", "2026-01-01T00:00:00Z")];
        let drift = diff(
            COMPONENT,
            &desired(&spec, &d),
            &observed(&d, &sums, None, now),
        );
        assert_eq!(drift.len(), 1);
        assert_eq!(
            drift[0].field,
            "trustedAdvisor.serviceLimits.oQ7TT0l7J9.status"
        );
        assert_eq!(drift[0].actual, Value::Null);
        let sums = vec![
            summary("jL7PP0l7J9", "ok", "2026-01-01T00:00:00Z"),
            summary("oQ7TT0l7J9", "ok", "2026-01-01T00:00:00Z"),
        ];
        assert!(diff(
            COMPONENT,
            &desired(&spec, &d),
            &observed(&d, &sums, None, now)
        )
        .is_empty());
        assert!(message(&d, &sums).ends_with("all ok"));
    }
}
