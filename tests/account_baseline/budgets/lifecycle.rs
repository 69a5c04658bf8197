//! The `budgets` section of AccountBaseline against moto's server (with the Budgets extension in tests/moto_ext)
//! and the real aws-sdk-rust client: convergence, zero writes in sync (reads counted), out-of-band drift reported
//! field by field under Report with no write, exactly the needed writes under Correct, adoption, and deletion of
//! budgets only when their tags prove this baseline created them.

use crate::account_baseline::{baseline, components, delete, pass};
use crate::support;
use crate::support::calls::sorted_writes;
use aws_baseline_operator::api::account_baseline::AccountBaselineSpec;
use aws_baseline_operator::api::common::{ComponentState, DriftAction, DriftPolicy, Ownership};
use aws_baseline_operator::engine::status::common_status;
use aws_baseline_operator::engine::{ComponentOutcome, PassReport};
use aws_sdk_budgets::types::{
    Budget, BudgetType, ComparisonOperator, Notification, NotificationType,
    NotificationWithSubscribers, Spend, Subscriber, SubscriptionType, ThresholdType, TimeUnit,
};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::Time;
use serde_json::{json, Value};
use support::{Moto, ACCOUNT};

const TOPIC: &str = "arn:aws:sns:us-east-1:123456789012:budget-alerts";

const ACTUAL_80: &str = "ACTUAL-GREATER_THAN-80-PERCENTAGE";

fn spec() -> AccountBaselineSpec {
    baseline(json!({"budgets": [
        {"name": "monthly-cost", "budgetType": "COST", "limit": {"amount": "1000", "unit": "USD"},
         "timeUnit": "MONTHLY", "costFilters": {"Service": ["Amazon Elastic Compute Cloud - Compute"]},
         "notifications": [
            {"type": "ACTUAL", "threshold": 80, "emails": ["finops@example.com", "cto@example.com"]},
            {"type": "FORECASTED", "threshold": 100, "snsTopicArns": [TOPIC]}
         ]},
        {"name": "ec2-hours", "budgetType": "USAGE", "limit": {"amount": "720.5", "unit": "Hrs"},
         "timeUnit": "DAILY",
         "notifications": [
            {"type": "ACTUAL", "threshold": 700, "thresholdType": "ABSOLUTE_VALUE", "emails": ["ops@example.com"]}
         ]}
    ]}))
}

fn outcome(r: &PassReport) -> &ComponentOutcome {
    let o: Vec<_> = r
        .outcomes
        .iter()
        .filter(|o| o.component == "budgets")
        .collect();
    assert_eq!(
        o.len(),
        1,
        "one budgets outcome (home region only): {:#?}",
        r.outcomes
    );
    o[0]
}

/// (field, desired, actual) of the budgets drift.
fn drift(r: &PassReport) -> Vec<(String, Value, Value)> {
    outcome(r)
        .drift
        .iter()
        .map(|d| (d.field.clone(), d.desired.clone(), d.actual.clone()))
        .collect()
}

async fn client(moto: &Moto) -> aws_sdk_budgets::Client {
    aws_sdk_budgets::Client::new(&moto.sdk_config("us-east-1").await)
}

async fn names(c: &aws_sdk_budgets::Client) -> Vec<String> {
    let mut n: Vec<String> = c
        .describe_budgets()
        .account_id(ACCOUNT)
        .send()
        .await
        .unwrap()
        .budgets()
        .iter()
        .map(|b| b.budget_name().to_string())
        .collect();
    n.sort();
    n
}

async fn describe(c: &aws_sdk_budgets::Client, name: &str) -> Budget {
    c.describe_budget()
        .account_id(ACCOUNT)
        .budget_name(name)
        .send()
        .await
        .unwrap()
        .budget()
        .unwrap()
        .clone()
}

async fn tags(c: &aws_sdk_budgets::Client, name: &str) -> Vec<(String, String)> {
    c.list_tags_for_resource()
        .resource_arn(format!("arn:aws:budgets::{ACCOUNT}:budget/{name}"))
        .send()
        .await
        .unwrap()
        .resource_tags()
        .iter()
        .map(|t| (t.key().to_string(), t.value().to_string()))
        .collect()
}

fn notification(t: NotificationType, threshold: f64) -> Notification {
    Notification::builder()
        .notification_type(t)
        .comparison_operator(ComparisonOperator::GreaterThan)
        .threshold(threshold)
        .threshold_type(ThresholdType::Percentage)
        .build()
        .unwrap()
}

fn email(a: &str) -> Subscriber {
    Subscriber::builder()
        .subscription_type(SubscriptionType::Email)
        .address(a)
        .build()
        .unwrap()
}

async fn subscribers(c: &aws_sdk_budgets::Client, name: &str, n: Notification) -> Vec<String> {
    let mut s: Vec<String> = c
        .describe_subscribers_for_notification()
        .account_id(ACCOUNT)
        .budget_name(name)
        .notification(n)
        .send()
        .await
        .unwrap()
        .subscribers()
        .iter()
        .map(|s| s.address().to_string())
        .collect();
    s.sort();
    s
}

/// A budget created out of band, without tags.
async fn foreign_budget(c: &aws_sdk_budgets::Client, name: &str, amount: &str, alert: Option<f64>) {
    let mut req = c.create_budget().account_id(ACCOUNT).budget(
        Budget::builder()
            .budget_name(name)
            .budget_type(BudgetType::Cost)
            .time_unit(TimeUnit::Monthly)
            .budget_limit(Spend::builder().amount(amount).unit("USD").build().unwrap())
            .build()
            .unwrap(),
    );
    if let Some(t) = alert {
        req = req.notifications_with_subscribers(
            NotificationWithSubscribers::builder()
                .notification(notification(NotificationType::Actual, t))
                .subscribers(email("someone@example.com"))
                .build()
                .unwrap(),
        );
    }
    req.send().await.unwrap();
}

#[tokio::test]
async fn budgets_converge_write_nothing_in_sync_and_tampering_is_reported_then_corrected_exactly() {
    let moto = Moto::start();
    let (factory, stats) = moto.factory().await;
    let c = client(&moto).await;
    let s = spec();

    // Report first: both budgets are missing, nothing is written.
    let report = pass(&factory, &s, DriftPolicy::Report, &[]).await;
    assert_eq!(stats.writes(), 0, "{:?}", stats.write_operations());
    assert_eq!(
        drift(&report).into_iter().map(|d| d.0).collect::<Vec<_>>(),
        vec!["budgets.ec2-hours.exists", "budgets.monthly-cost.exists"]
    );
    assert_eq!(outcome(&report).ownership, Ownership::None);

    // Correct: one CreateBudget each, notifications, subscribers and owner tags inline.
    stats.reset();
    let created = pass(&factory, &s, DriftPolicy::Correct, &[]).await;
    let o = outcome(&created);
    assert_eq!(
        (o.state, o.ownership, o.region.as_str(), o.id.as_deref()),
        (
            ComponentState::Created,
            Ownership::Created,
            "us-east-1",
            Some("monthly-cost,ec2-hours")
        ),
        "{o:#?}"
    );
    assert_eq!(sorted_writes(&stats), vec!["Budgets:CreateBudget"]);
    assert_eq!(stats.count("CreateBudget"), 2);
    assert_eq!(names(&c).await, vec!["ec2-hours", "monthly-cost"]);
    assert!(tags(&c, "monthly-cost")
        .await
        .contains(&("awsbaseline.io/owner-uid".into(), "sections-uid-1".into())));
    assert_eq!(
        subscribers(
            &c,
            "monthly-cost",
            notification(NotificationType::Actual, 80.0)
        )
        .await,
        vec!["cto@example.com", "finops@example.com"]
    );
    let start = describe(&c, "monthly-cost")
        .await
        .time_period()
        .and_then(|p| p.start().cloned());
    let previous = components(&created);

    // In sync: zero writes; the reads are one DescribeBudgets, per budget one ListTagsForResource and one
    // DescribeNotificationsForBudget, per notification one DescribeSubscribersForNotification (+ STS).
    stats.reset();
    let steady = pass(&factory, &s, DriftPolicy::Correct, &previous).await;
    assert_eq!(
        outcome(&steady).state,
        ComponentState::InSync,
        "{:#?}",
        outcome(&steady)
    );
    assert_eq!(stats.writes(), 0, "{:?}", stats.write_operations());
    let reads = [
        "DescribeBudgets",
        "ListTagsForResource",
        "DescribeNotificationsForBudget",
        "DescribeSubscribersForNotification",
        "GetCallerIdentity",
    ]
    .map(|op| (op, stats.count(op)));
    eprintln!(
        "in-sync pass, 2 budgets / 3 notifications: reads {reads:?}, total {}",
        stats.reads()
    );
    assert_eq!(
        reads,
        [
            ("DescribeBudgets", 1),
            ("ListTagsForResource", 2),
            ("DescribeNotificationsForBudget", 2),
            ("DescribeSubscribersForNotification", 3),
            // The session verified the account on the first pass and remembers it (`IDENTITY_TTL`).
            ("GetCallerIdentity", 0),
        ]
    );
    assert_eq!(stats.reads(), 8);

    // Out of band: raise the limit (time period sent back), drop a subscriber, add a foreign untagged budget.
    #[allow(deprecated)]
    let raised = {
        let b = describe(&c, "monthly-cost").await;
        Budget::builder()
            .budget_name("monthly-cost")
            .budget_type(BudgetType::Cost)
            .time_unit(TimeUnit::Monthly)
            .budget_limit(Spend::builder().amount("1500").unit("USD").build().unwrap())
            .set_time_period(b.time_period().cloned())
            .set_cost_filters(b.cost_filters().cloned())
            .set_cost_types(b.cost_types().cloned())
            .build()
            .unwrap()
    };
    c.update_budget()
        .account_id(ACCOUNT)
        .new_budget(raised)
        .send()
        .await
        .unwrap();
    c.delete_subscriber()
        .account_id(ACCOUNT)
        .budget_name("monthly-cost")
        .notification(notification(NotificationType::Actual, 80.0))
        .subscriber(email("cto@example.com"))
        .send()
        .await
        .unwrap();
    foreign_budget(&c, "monthly-cost-team", "50", Some(90.0)).await;

    // Report: exactly those two fields, nothing written.
    stats.reset();
    let reported = pass(&factory, &s, DriftPolicy::Report, &previous).await;
    assert_eq!(stats.writes(), 0, "{:?}", stats.write_operations());
    assert_eq!(
        drift(&reported),
        vec![
            (
                "budgets.monthly-cost.limit".to_string(),
                json!({"amount": "1000", "unit": "USD"}),
                json!({"amount": "1500", "unit": "USD"})
            ),
            (
                format!("budgets.monthly-cost.notifications.{ACTUAL_80}.subscribers"),
                json!({"emails": ["cto@example.com", "finops@example.com"], "snsTopicArns": []}),
                json!({"emails": ["finops@example.com"], "snsTopicArns": []})
            ),
        ]
    );
    let o = outcome(&reported);
    assert_eq!(
        (o.state, o.action),
        (ComponentState::Drifted, DriftAction::Reported)
    );
    let st = common_status(
        None,
        &reported,
        Some(1),
        &Time("2026-01-01T00:00:00Z".parse().unwrap()),
    );
    assert!(st
        .drift
        .iter()
        .all(|d| d.controls.is_empty() && d.component == "budgets"));

    // Correct: one UpdateBudget and one CreateSubscriber, nothing else; the time period is kept.
    stats.reset();
    let corrected = pass(&factory, &s, DriftPolicy::Correct, &previous).await;
    assert_eq!(outcome(&corrected).state, ComponentState::Corrected);
    assert_eq!(
        sorted_writes(&stats),
        vec!["Budgets:CreateSubscriber", "Budgets:UpdateBudget"]
    );
    assert_eq!(
        (stats.count("UpdateBudget"), stats.count("CreateSubscriber")),
        (1, 1)
    );
    let b = describe(&c, "monthly-cost").await;
    assert_eq!(b.budget_limit().unwrap().amount(), "1000.0");
    assert_eq!(b.time_period().and_then(|p| p.start().cloned()), start);
    assert_eq!(
        subscribers(
            &c,
            "monthly-cost",
            notification(NotificationType::Actual, 80.0)
        )
        .await,
        vec!["cto@example.com", "finops@example.com"]
    );
    stats.reset();
    let again = pass(&factory, &s, DriftPolicy::Correct, &components(&corrected)).await;
    assert!(drift(&again).is_empty(), "{:?}", drift(&again));
    assert_eq!(stats.writes(), 0, "{:?}", stats.write_operations());

    // Removed from the spec: the budget this baseline created is deleted; the foreign one stays.
    let mut fewer = s.clone();
    fewer
        .budgets
        .as_mut()
        .unwrap()
        .retain(|b| b.name != "monthly-cost");
    stats.reset();
    let removed = pass(&factory, &fewer, DriftPolicy::Correct, &components(&again)).await;
    assert_eq!(
        drift(&removed),
        vec![(
            "budgets.monthly-cost.exists".to_string(),
            json!(false),
            json!(true)
        )]
    );
    assert_eq!(sorted_writes(&stats), vec!["Budgets:DeleteBudget"]);
    assert_eq!(outcome(&removed).id.as_deref(), Some("ec2-hours"));
    assert_eq!(names(&c).await, vec!["ec2-hours", "monthly-cost-team"]);
}

#[tokio::test]
async fn an_existing_budget_is_adopted_never_deleted_and_deletion_removes_only_what_was_created() {
    let moto = Moto::start();
    let (factory, stats) = moto.factory().await;
    let c = client(&moto).await;
    // "shared" exists before the operator, with its own 90% alert.
    foreign_budget(&c, "shared", "200", Some(90.0)).await;
    let s = baseline(json!({"deletionPolicy": "Delete", "budgets": [
        {"name": "shared", "budgetType": "COST", "limit": {"amount": "250.00", "unit": "USD"},
         "notifications": [{"type": "ACTUAL", "threshold": 80, "emails": ["finops@example.com"]}]},
        {"name": "sandbox", "budgetType": "COST", "limit": {"amount": "10", "unit": "USD"},
         "notifications": [{"type": "FORECASTED", "threshold": 100, "emails": ["dev@example.com"]}]}
    ]}));

    let first = pass(&factory, &s, DriftPolicy::Correct, &[]).await;
    let o = outcome(&first);
    assert_eq!(o.ownership, Ownership::Adopted, "{o:#?}");
    assert_eq!(
        o.message.as_deref(),
        Some("existed before the operator; adopted (never deleted)")
    );
    let mut fields: Vec<String> = o.drift.iter().map(|d| d.field.clone()).collect();
    fields.sort();
    assert_eq!(
        fields,
        vec![
            "budgets.sandbox.exists".to_string(),
            "budgets.shared.limit".to_string(),
            format!("budgets.shared.notifications.{ACTUAL_80}.exists"),
        ]
    );
    assert_eq!(
        sorted_writes(&stats),
        vec![
            "Budgets:CreateBudget",
            "Budgets:CreateNotification",
            "Budgets:UpdateBudget"
        ]
    );
    // The adopted budget is updated but never tagged, and keeps its own notification.
    assert!(tags(&c, "shared").await.is_empty());
    let notes: Vec<f64> = c
        .describe_notifications_for_budget()
        .account_id(ACCOUNT)
        .budget_name("shared")
        .send()
        .await
        .unwrap()
        .notifications()
        .iter()
        .map(|n| n.threshold())
        .collect();
    assert_eq!(notes, vec![90.0, 80.0]);
    let previous = components(&first);
    stats.reset();
    let steady = pass(&factory, &s, DriftPolicy::Correct, &previous).await;
    assert!(drift(&steady).is_empty(), "{:?}", drift(&steady));
    assert_eq!(stats.writes(), 0);

    // Both leave the spec: only the budget this baseline created is deleted; the adopted one is no longer managed.
    let none = baseline(json!({"deletionPolicy": "Delete", "budgets": []}));
    stats.reset();
    let removed = pass(&factory, &none, DriftPolicy::Correct, &previous).await;
    assert_eq!(sorted_writes(&stats), vec!["Budgets:DeleteBudget"]);
    assert_eq!(outcome(&removed).id, None);
    assert_eq!(names(&c).await, vec!["shared"]);

    // deletionPolicy Delete: the created budget goes, the adopted one stays.
    let again = pass(&factory, &s, DriftPolicy::Correct, &components(&removed)).await;
    assert_eq!(names(&c).await, vec!["sandbox", "shared"]);
    stats.reset();
    let report = delete(&factory, &s, &components(&again)).await;
    assert!(report.errors.is_empty(), "{:?}", report.errors);
    let mut actions = report.actions.clone();
    actions.sort();
    assert_eq!(
        actions,
        vec![
            "deleted budget sandbox",
            "kept budget shared (not created by this baseline)"
        ]
    );
    assert_eq!(sorted_writes(&stats), vec!["Budgets:DeleteBudget"]);
    assert_eq!(names(&c).await, vec!["shared"]);
}

#[tokio::test]
async fn changed_notifications_are_replaced_and_subscribers_swapped_in_place() {
    let moto = Moto::start();
    let (factory, stats) = moto.factory().await;
    let c = client(&moto).await;
    let s = spec();
    let created = pass(&factory, &s, DriftPolicy::Correct, &[]).await;
    assert_eq!(outcome(&created).state, ComponentState::Created);

    // The 80% alert becomes 85%, the SNS topic changes, an email is replaced.
    let mut changed = s.clone();
    let cost = &mut changed.budgets.as_mut().unwrap()[0];
    cost.notifications[0].threshold = 85.0;
    cost.notifications[1].sns_topic_arns = vec![format!("{TOPIC}-2")];
    let hours = &mut changed.budgets.as_mut().unwrap()[1];
    hours.notifications[0].emails = vec!["oncall@example.com".into()];
    stats.reset();
    let r = pass(
        &factory,
        &changed,
        DriftPolicy::Correct,
        &components(&created),
    )
    .await;
    assert_eq!(
        outcome(&r).state,
        ComponentState::Corrected,
        "{:#?}",
        outcome(&r)
    );
    assert_eq!(
        sorted_writes(&stats),
        vec![
            "Budgets:CreateNotification",
            "Budgets:DeleteNotification",
            "Budgets:UpdateSubscriber"
        ]
    );
    assert_eq!(stats.count("UpdateSubscriber"), 2);
    assert_eq!(
        subscribers(
            &c,
            "monthly-cost",
            notification(NotificationType::Actual, 85.0)
        )
        .await,
        vec!["cto@example.com", "finops@example.com"]
    );
    stats.reset();
    let steady = pass(&factory, &changed, DriftPolicy::Correct, &components(&r)).await;
    assert!(drift(&steady).is_empty(), "{:?}", drift(&steady));
    assert_eq!(stats.writes(), 0);
}
