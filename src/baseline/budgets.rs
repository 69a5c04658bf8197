//! AWS Budgets rules: budgets by name (type, limit compared numerically, time unit, cost filters), their
//! notifications (identified by type, comparison, threshold and threshold type) and subscribers, and deletion of
//! budgets this owner created that left the spec.

use crate::api::account_baseline::{BudgetNotificationSpec, BudgetSpec};
use crate::aws::budgets::{
    BudgetConfig, BudgetState, NotificationConfig, NotificationKey, SubscriberRef,
};
use crate::diff::{FieldDrift, Fields};
use serde_json::{json, Value};
use std::collections::{BTreeMap, BTreeSet};

/// Component name.
pub const COMPONENT: &str = "budgets";

/// A decimal amount in canonical form, so `"1000"`, `"1000.0"` and `"01000.00"` compare equal (AWS answers with
/// `"1000.0"` whatever was sent). Anything that is not a plain decimal is returned unchanged.
pub fn normalize_amount(amount: &str) -> String {
    let (int, frac) = amount.split_once('.').unwrap_or((amount, ""));
    let digits = |s: &str| s.chars().all(|c| c.is_ascii_digit());
    if !digits(int) || !digits(frac) || (int.is_empty() && frac.is_empty()) {
        return amount.to_string();
    }
    let int = int.trim_start_matches('0');
    let frac = frac.trim_end_matches('0');
    let int = if int.is_empty() { "0" } else { int };
    if frac.is_empty() {
        int.to_string()
    } else {
        format!("{int}.{frac}")
    }
}

/// The identity of a declared notification.
pub fn notification_key(n: &BudgetNotificationSpec) -> NotificationKey {
    NotificationKey {
        notification_type: n.notification_type.as_str().to_string(),
        comparison: n.comparison.as_str().to_string(),
        threshold: n.threshold,
        threshold_type: n.threshold_type.as_str().to_string(),
    }
}

/// The subscribers of a declared notification.
pub fn subscribers(n: &BudgetNotificationSpec) -> BTreeSet<SubscriberRef> {
    n.emails
        .iter()
        .map(|e| ("EMAIL".to_string(), e.clone()))
        .chain(
            n.sns_topic_arns
                .iter()
                .map(|a| ("SNS".to_string(), a.clone())),
        )
        .collect()
}

/// Declared notifications of a budget by id (`ACTUAL-GREATER_THAN-80-PERCENTAGE`).
pub fn notifications(b: &BudgetSpec) -> BTreeMap<String, NotificationConfig> {
    b.notifications
        .iter()
        .map(|n| {
            let key = notification_key(n);
            (
                key.id(),
                NotificationConfig {
                    key,
                    subscribers: subscribers(n),
                },
            )
        })
        .collect()
}

/// What CreateBudget / UpdateBudget send for a declared budget (the amount as written in the spec).
pub fn config(b: &BudgetSpec) -> BudgetConfig {
    BudgetConfig {
        name: b.name.clone(),
        budget_type: b.budget_type.as_str().to_string(),
        limit: b.limit.as_ref().map(|l| (l.amount.clone(), l.unit.clone())),
        time_unit: b.time_unit.as_str().to_string(),
        cost_filters: b.cost_filters.as_ref().map(sorted_filters),
    }
}

fn sorted_filters(f: &BTreeMap<String, Vec<String>>) -> BTreeMap<String, Vec<String>> {
    f.iter()
        .map(|(k, v)| {
            let mut v = v.clone();
            v.sort();
            v.dedup();
            (k.clone(), v)
        })
        .collect()
}

fn limit_value(amount: &str, unit: &str) -> Value {
    json!({"amount": normalize_amount(amount), "unit": unit})
}

fn subscribers_value(s: &BTreeSet<SubscriberRef>) -> Value {
    let of = |kind: &str| -> Vec<&str> {
        s.iter()
            .filter(|(k, _)| k == kind)
            .map(|(_, a)| a.as_str())
            .collect()
    };
    json!({"emails": of("EMAIL"), "snsTopicArns": of("SNS")})
}

/// One observed notification: its identity and, for declared ones, its subscribers (undeclared ones are not read).
#[derive(Clone, Debug, PartialEq)]
pub struct ObservedNotification {
    /// Identity.
    pub key: NotificationKey,
    /// Subscribers, when read.
    pub subscribers: Option<BTreeSet<SubscriberRef>>,
}

/// What AWS holds of the budgets this baseline looks at (declared ones, and those it managed before): each with
/// "created by this owner" (tags) and, for declared budgets, the notifications by id.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Observed {
    /// Budgets by name, with "created by this owner".
    pub budgets: BTreeMap<String, (BudgetState, bool)>,
    /// Notifications by budget name, then id.
    pub notifications: BTreeMap<String, BTreeMap<String, ObservedNotification>>,
}

/// Desired fields. Notifications of a missing budget are not listed (it is created with them). Budgets this owner
/// created that left the spec (`candidates`: managed in the previous status, no longer declared), and
/// notifications of such a budget that left the spec, must not exist.
pub fn desired(declared: &[BudgetSpec], candidates: &[String], obs: &Observed) -> Fields {
    let c = COMPONENT;
    let mut f = Fields::new();
    for b in declared {
        let p = format!("{c}.{}", b.name);
        f.insert(format!("{p}.exists"), json!(true));
        f.insert(format!("{p}.budgetType"), json!(b.budget_type.as_str()));
        f.insert(format!("{p}.timeUnit"), json!(b.time_unit.as_str()));
        if let Some(l) = &b.limit {
            f.insert(format!("{p}.limit"), limit_value(&l.amount, &l.unit));
        }
        if let Some(filters) = &b.cost_filters {
            f.insert(format!("{p}.costFilters"), json!(sorted_filters(filters)));
        }
        let Some((_, ours)) = obs.budgets.get(&b.name) else {
            continue;
        };
        let want = notifications(b);
        for (id, n) in &want {
            f.insert(format!("{p}.notifications.{id}.exists"), json!(true));
            f.insert(
                format!("{p}.notifications.{id}.subscribers"),
                subscribers_value(&n.subscribers),
            );
        }
        if *ours {
            for id in obs
                .notifications
                .get(&b.name)
                .into_iter()
                .flat_map(|n| n.keys())
            {
                if !want.contains_key(id) {
                    f.insert(format!("{p}.notifications.{id}.exists"), json!(false));
                }
            }
        }
    }
    for name in candidates {
        let declared_here = declared.iter().any(|b| &b.name == name);
        if !declared_here && obs.budgets.get(name).is_some_and(|(_, ours)| *ours) {
            f.insert(format!("{c}.{name}.exists"), json!(false));
        }
    }
    f
}

/// Observed fields.
pub fn observed(obs: &Observed) -> Fields {
    let c = COMPONENT;
    let mut f = Fields::new();
    for (name, (b, _)) in &obs.budgets {
        let p = format!("{c}.{name}");
        f.insert(format!("{p}.exists"), json!(true));
        f.insert(format!("{p}.budgetType"), json!(b.budget_type));
        f.insert(format!("{p}.timeUnit"), json!(b.time_unit));
        f.insert(
            format!("{p}.limit"),
            b.limit
                .as_ref()
                .map(|(a, u)| limit_value(a, u))
                .unwrap_or(Value::Null),
        );
        f.insert(format!("{p}.costFilters"), json!(b.cost_filters));
        for (id, n) in obs.notifications.get(name).into_iter().flatten() {
            f.insert(format!("{p}.notifications.{id}.exists"), json!(true));
            if let Some(s) = &n.subscribers {
                f.insert(
                    format!("{p}.notifications.{id}.subscribers"),
                    subscribers_value(s),
                );
            }
        }
    }
    f
}

/// A write, in the order [`plan`] returns them.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Write {
    /// CreateBudget with its notifications, subscribers and owner tags.
    Create(String),
    /// UpdateBudget: type, limit, time unit or cost filters differ.
    Update(String),
    /// DeleteNotification: (budget, notification id) of a budget this owner created, no longer declared (a
    /// changed notification is deleted, then created with its new identity).
    DeleteNotification(String, String),
    /// CreateNotification with its subscribers: (budget, notification id).
    CreateNotification(String, String),
    /// Subscriber changes of one notification: (budget, notification id); see [`subscriber_writes`].
    Subscribers(String, String),
    /// DeleteBudget: created by this owner, no longer declared.
    Delete(String),
}

/// Plan the writes for `drift`: creates, updates, notification deletes before creates (so a budget at its
/// notification quota can still change one), subscriber changes, deletes.
pub fn plan(declared: &[BudgetSpec], obs: &Observed, drift: &[FieldDrift]) -> Vec<Write> {
    let prefix = format!("{COMPONENT}.");
    let mut out: Vec<Write> = Vec::new();
    for d in drift {
        let Some(rest) = d.field.strip_prefix(&prefix) else {
            continue;
        };
        // Budget names have no dots (CRD pattern); notification ids may (thresholds like 80.5).
        let (name, what) = rest.split_once('.').unwrap_or((rest, ""));
        let name = name.to_string();
        let declared_here = declared.iter().any(|b| b.name == name);
        let ours = obs.budgets.get(&name).map(|(_, o)| *o);
        let w = match (what, declared_here, ours) {
            ("exists", true, None) => Write::Create(name),
            ("exists", false, Some(true)) => Write::Delete(name),
            ("budgetType" | "limit" | "timeUnit" | "costFilters", true, Some(_)) => {
                Write::Update(name)
            }
            (w, true, Some(_)) if w.starts_with("notifications.") => {
                let Some((id, leaf)) = w.trim_start_matches("notifications.").rsplit_once('.')
                else {
                    continue;
                };
                match (leaf, d.desired == json!(true)) {
                    ("exists", true) => Write::CreateNotification(name, id.to_string()),
                    ("exists", false) => Write::DeleteNotification(name, id.to_string()),
                    ("subscribers", _) => Write::Subscribers(name, id.to_string()),
                    _ => continue,
                }
            }
            _ => continue,
        };
        if !out.contains(&w) {
            out.push(w);
        }
    }
    out.sort();
    out
}

/// One subscriber change.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SubscriberWrite {
    /// UpdateSubscriber: old -> new, same type.
    Update(SubscriberRef, SubscriberRef),
    /// CreateSubscriber.
    Create(SubscriberRef),
    /// DeleteSubscriber.
    Delete(SubscriberRef),
}

/// The subscriber writes that turn `have` into `want`: per type, a removed and an added subscriber become one
/// update (so the one SNS topic a notification may have is swapped in place), then the extra ones are created
/// and only then the rest deleted (a notification never drops to zero subscribers, nor above its quota).
pub fn subscriber_writes(
    want: &BTreeSet<SubscriberRef>,
    have: &BTreeSet<SubscriberRef>,
) -> Vec<SubscriberWrite> {
    let (mut updates, mut creates, mut deletes) = (Vec::new(), Vec::new(), Vec::new());
    for kind in ["EMAIL", "SNS"] {
        let added: Vec<&SubscriberRef> = want.difference(have).filter(|s| s.0 == kind).collect();
        let removed: Vec<&SubscriberRef> = have.difference(want).filter(|s| s.0 == kind).collect();
        for (old, new) in removed.iter().zip(added.iter()) {
            updates.push(SubscriberWrite::Update((*old).clone(), (*new).clone()));
        }
        creates.extend(
            added
                .iter()
                .skip(removed.len())
                .map(|s| SubscriberWrite::Create((*s).clone())),
        );
        deletes.extend(
            removed
                .iter()
                .skip(added.len())
                .map(|s| SubscriberWrite::Delete((*s).clone())),
        );
    }
    updates.into_iter().chain(creates).chain(deletes).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diff::diff_resources;
    use aws_sdk_budgets::types::{Budget, BudgetType, TimeUnit};

    fn specs(v: Value) -> Vec<BudgetSpec> {
        serde_json::from_value(v).unwrap()
    }

    fn s() -> Vec<BudgetSpec> {
        specs(json!([
            {"name": "monthly-cost", "budgetType": "COST", "limit": {"amount": "1000", "unit": "USD"},
             "costFilters": {"Service": ["Amazon Elastic Compute Cloud - Compute"]},
             "notifications": [
                {"type": "ACTUAL", "threshold": 80, "emails": ["finops@example.com", "cto@example.com"]},
                {"type": "FORECASTED", "threshold": 100.5, "thresholdType": "PERCENTAGE",
                 "snsTopicArns": ["arn:aws:sns:us-east-1:123456789012:budget-alerts"]}
             ]},
            {"name": "ec2-hours", "budgetType": "USAGE", "limit": {"amount": "720", "unit": "Hrs"},
             "timeUnit": "DAILY", "notifications": []}
        ]))
    }

    fn state(name: &str, t: &str, amount: &str, unit: &str, time: &str) -> BudgetState {
        let raw = Budget::builder()
            .budget_name(name)
            .budget_type(BudgetType::from(t))
            .time_unit(TimeUnit::from(time))
            .build()
            .unwrap();
        BudgetState {
            name: name.into(),
            budget_type: t.into(),
            limit: Some((amount.into(), unit.into())),
            time_unit: time.into(),
            cost_filters: BTreeMap::new(),
            raw,
        }
    }

    fn key(t: &str, threshold: f64) -> NotificationKey {
        NotificationKey {
            notification_type: t.into(),
            comparison: "GREATER_THAN".into(),
            threshold,
            threshold_type: "PERCENTAGE".into(),
        }
    }

    fn sub(kind: &str, a: &str) -> SubscriberRef {
        (kind.to_string(), a.to_string())
    }

    /// AWS holding exactly what `s()` declares, budgets created by this owner.
    fn in_sync() -> Observed {
        let mut obs = Observed::default();
        let mut cost = state("monthly-cost", "COST", "1000.0", "USD", "MONTHLY");
        cost.cost_filters.insert(
            "Service".into(),
            vec!["Amazon Elastic Compute Cloud - Compute".into()],
        );
        obs.budgets.insert("monthly-cost".into(), (cost, true));
        obs.budgets.insert(
            "ec2-hours".into(),
            (state("ec2-hours", "USAGE", "720", "Hrs", "DAILY"), true),
        );
        let actual = key("ACTUAL", 80.0);
        let forecast = key("FORECASTED", 100.5);
        obs.notifications.insert(
            "monthly-cost".into(),
            BTreeMap::from([
                (
                    actual.id(),
                    ObservedNotification {
                        key: actual,
                        subscribers: Some(BTreeSet::from([
                            sub("EMAIL", "cto@example.com"),
                            sub("EMAIL", "finops@example.com"),
                        ])),
                    },
                ),
                (
                    forecast.id(),
                    ObservedNotification {
                        key: forecast,
                        subscribers: Some(BTreeSet::from([sub(
                            "SNS",
                            "arn:aws:sns:us-east-1:123456789012:budget-alerts",
                        )])),
                    },
                ),
            ]),
        );
        obs
    }

    fn fields(d: &[FieldDrift]) -> Vec<&str> {
        d.iter().map(|d| d.field.as_str()).collect()
    }

    #[test]
    fn amounts_compare_numerically() {
        for (a, want) in [
            ("1000", "1000"),
            ("1000.0", "1000"),
            ("01000.00", "1000"),
            ("99.50", "99.5"),
            (".5", "0.5"),
            ("0", "0"),
            ("000.000", "0"),
            ("12a", "12a"),
        ] {
            assert_eq!(normalize_amount(a), want, "{a}");
        }
    }

    #[test]
    fn notification_identity_is_type_comparison_threshold_and_threshold_type() {
        let s = s();
        let ids: Vec<String> = notifications(&s[0]).into_keys().collect();
        assert_eq!(
            ids,
            vec![
                "ACTUAL-GREATER_THAN-80-PERCENTAGE",
                "FORECASTED-GREATER_THAN-100.5-PERCENTAGE"
            ]
        );
        let mut other = s[0].notifications[0].clone();
        other.emails = vec!["someone@example.com".into()];
        assert_eq!(
            notification_key(&other),
            notification_key(&s[0].notifications[0]),
            "subscribers are not part of the identity"
        );
        other.threshold_type = crate::api::account_baseline::BudgetThresholdType::AbsoluteValue;
        assert_eq!(
            notification_key(&other).id(),
            "ACTUAL-GREATER_THAN-80-ABSOLUTE_VALUE"
        );
    }

    #[test]
    fn missing_budgets_are_created_with_their_notifications() {
        let s = s();
        let obs = Observed::default();
        let d = diff_resources(&desired(&s, &[], &obs), &observed(&obs));
        assert_eq!(
            fields(&d),
            vec!["budgets.ec2-hours.exists", "budgets.monthly-cost.exists"]
        );
        assert_eq!(
            plan(&s, &obs, &d),
            vec![
                Write::Create("ec2-hours".into()),
                Write::Create("monthly-cost".into())
            ]
        );
    }

    #[test]
    fn in_sync_has_no_drift_although_aws_spells_the_amount_differently() {
        let s = s();
        let obs = in_sync();
        assert!(diff_resources(&desired(&s, &[], &obs), &observed(&obs)).is_empty());
    }

    #[test]
    fn drift_is_field_by_field_and_notification_by_notification() {
        let s = s();
        let mut obs = in_sync();
        let cost = &mut obs.budgets.get_mut("monthly-cost").unwrap().0;
        cost.limit = Some(("1200.0".into(), "USD".into()));
        let notes = obs.notifications.get_mut("monthly-cost").unwrap();
        notes
            .get_mut("ACTUAL-GREATER_THAN-80-PERCENTAGE")
            .unwrap()
            .subscribers = Some(BTreeSet::from([sub("EMAIL", "finops@example.com")]));
        notes.remove("FORECASTED-GREATER_THAN-100.5-PERCENTAGE");
        let stale = key("ACTUAL", 50.0);
        notes.insert(
            stale.id(),
            ObservedNotification {
                key: stale,
                subscribers: None,
            },
        );
        obs.budgets.get_mut("ec2-hours").unwrap().0.time_unit = "MONTHLY".into();
        let d = diff_resources(&desired(&s, &[], &obs), &observed(&obs));
        assert_eq!(
            fields(&d),
            vec![
                "budgets.ec2-hours.timeUnit",
                "budgets.monthly-cost.limit",
                "budgets.monthly-cost.notifications.ACTUAL-GREATER_THAN-50-PERCENTAGE.exists",
                "budgets.monthly-cost.notifications.ACTUAL-GREATER_THAN-80-PERCENTAGE.subscribers",
                "budgets.monthly-cost.notifications.FORECASTED-GREATER_THAN-100.5-PERCENTAGE.exists",
            ]
        );
        assert_eq!(d[1].desired, json!({"amount": "1000", "unit": "USD"}));
        assert_eq!(d[1].actual, json!({"amount": "1200", "unit": "USD"}));
        assert_eq!(
            d[3].desired,
            json!({"emails": ["cto@example.com", "finops@example.com"], "snsTopicArns": []})
        );
        let id = |s: &str| s.to_string();
        assert_eq!(
            plan(&s, &obs, &d),
            vec![
                Write::Update("ec2-hours".into()),
                Write::Update("monthly-cost".into()),
                Write::DeleteNotification(
                    "monthly-cost".into(),
                    id("ACTUAL-GREATER_THAN-50-PERCENTAGE")
                ),
                Write::CreateNotification(
                    "monthly-cost".into(),
                    id("FORECASTED-GREATER_THAN-100.5-PERCENTAGE")
                ),
                Write::Subscribers(
                    "monthly-cost".into(),
                    id("ACTUAL-GREATER_THAN-80-PERCENTAGE")
                ),
            ]
        );
    }

    #[test]
    fn adopted_budgets_keep_their_other_notifications_and_are_never_deleted() {
        let s = s();
        let mut obs = in_sync();
        obs.budgets.get_mut("monthly-cost").unwrap().1 = false;
        let theirs = key("ACTUAL", 50.0);
        obs.notifications.get_mut("monthly-cost").unwrap().insert(
            theirs.id(),
            ObservedNotification {
                key: theirs,
                subscribers: None,
            },
        );
        assert!(diff_resources(&desired(&s, &[], &obs), &observed(&obs)).is_empty());

        // Removed from the spec: only the budget this owner created is deleted.
        let candidates = vec!["monthly-cost".to_string(), "ec2-hours".to_string()];
        let d = diff_resources(&desired(&[], &candidates, &obs), &observed(&obs));
        assert_eq!(fields(&d), vec!["budgets.ec2-hours.exists"]);
        assert_eq!(plan(&[], &obs, &d), vec![Write::Delete("ec2-hours".into())]);
    }

    #[test]
    fn unmanaged_cost_filters_do_not_drift_and_empty_ones_mean_none() {
        let mut s = s();
        let mut obs = in_sync();
        s[0].cost_filters = None;
        assert!(diff_resources(&desired(&s, &[], &obs), &observed(&obs)).is_empty());
        s[0].cost_filters = Some(BTreeMap::new());
        let d = diff_resources(&desired(&s, &[], &obs), &observed(&obs));
        assert_eq!(fields(&d), vec!["budgets.monthly-cost.costFilters"]);
        obs.budgets
            .get_mut("monthly-cost")
            .unwrap()
            .0
            .cost_filters
            .clear();
        assert!(diff_resources(&desired(&s, &[], &obs), &observed(&obs)).is_empty());
    }

    #[test]
    fn subscribers_are_swapped_in_place_added_before_removed() {
        let want = BTreeSet::from([
            sub("EMAIL", "a@example.com"),
            sub("EMAIL", "b@example.com"),
            sub("EMAIL", "c@example.com"),
            sub("SNS", "arn:new"),
        ]);
        let have = BTreeSet::from([
            sub("EMAIL", "a@example.com"),
            sub("EMAIL", "x@example.com"),
            sub("SNS", "arn:old"),
        ]);
        assert_eq!(
            subscriber_writes(&want, &have),
            vec![
                SubscriberWrite::Update(
                    sub("EMAIL", "x@example.com"),
                    sub("EMAIL", "b@example.com")
                ),
                SubscriberWrite::Update(sub("SNS", "arn:old"), sub("SNS", "arn:new")),
                SubscriberWrite::Create(sub("EMAIL", "c@example.com")),
            ]
        );
        assert_eq!(
            subscriber_writes(&BTreeSet::from([sub("SNS", "arn:new")]), &have),
            vec![
                SubscriberWrite::Update(sub("SNS", "arn:old"), sub("SNS", "arn:new")),
                SubscriberWrite::Delete(sub("EMAIL", "a@example.com")),
                SubscriberWrite::Delete(sub("EMAIL", "x@example.com")),
            ]
        );
        assert!(subscriber_writes(&have, &have).is_empty());
    }

    #[test]
    fn config_sends_the_spec_amount_and_sorted_filters() {
        let mut s = s();
        s[0].cost_filters = Some(BTreeMap::from([(
            "Region".to_string(),
            vec!["us-east-1".to_string(), "eu-west-1".to_string()],
        )]));
        let c = config(&s[0]);
        assert_eq!(c.limit, Some(("1000".into(), "USD".into())));
        assert_eq!(
            c.cost_filters.unwrap()["Region"],
            vec!["eu-west-1", "us-east-1"]
        );
        assert_eq!(config(&s[1]).time_unit, "DAILY");
    }
}
