//! AWS Budgets through aws-smithy-mocks with AWS's documented response shapes (the real SDK still serialises the
//! requests): what UpdateBudget sends (the declared settings over the budget AWS holds: its time period, cost types
//! or filter expression kept), and error classification into the component outcome and the status conditions.

use crate::support::calls::sorted_writes;
use crate::support::objects::condition;
use crate::support::objects::prod_baseline;
use aws_baseline_operator::api::account_baseline::BudgetsSpec;
use aws_baseline_operator::api::common::{ComponentState, DriftAction, Ownership};
use aws_baseline_operator::aws::{CallStats, ErrorCategory};
use aws_baseline_operator::engine::baseline::budgets::{reconcile_with, Target};
use aws_baseline_operator::engine::status::common_status;
use aws_baseline_operator::engine::{ComponentOutcome, PassReport};
use aws_sdk_budgets::operation::create_budget::CreateBudgetOutput;
use aws_sdk_budgets::operation::create_notification::CreateNotificationOutput;
use aws_sdk_budgets::operation::create_subscriber::CreateSubscriberOutput;
use aws_sdk_budgets::operation::delete_budget::DeleteBudgetOutput;
use aws_sdk_budgets::operation::delete_notification::DeleteNotificationOutput;
use aws_sdk_budgets::operation::delete_subscriber::DeleteSubscriberOutput;
use aws_sdk_budgets::operation::describe_budgets::DescribeBudgetsOutput;
use aws_sdk_budgets::operation::describe_notifications_for_budget::DescribeNotificationsForBudgetOutput;
use aws_sdk_budgets::operation::describe_subscribers_for_notification::DescribeSubscribersForNotificationOutput;
use aws_sdk_budgets::operation::list_tags_for_resource::ListTagsForResourceOutput;
use aws_sdk_budgets::operation::update_budget::UpdateBudgetOutput;
use aws_sdk_budgets::operation::update_subscriber::UpdateSubscriberOutput;
use aws_sdk_budgets::types::{
    Budget, BudgetType, ComparisonOperator, CostTypes, Dimension, Expression,
    ExpressionDimensionValues, Metric, Notification, NotificationState, NotificationType,
    ResourceTag, Spend, Subscriber, SubscriptionType, TimePeriod, TimeUnit,
};
use aws_sdk_budgets::Client as Budgets;
use aws_smithy_mocks::{mock, mock_client, Rule, RuleMode};
use aws_smithy_runtime_api::client::orchestrator::HttpResponse;
use aws_smithy_runtime_api::http::StatusCode;
use aws_smithy_types::body::SdkBody;
use aws_smithy_types::DateTime;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::Time;
use serde_json::json;

const ACCOUNT: &str = "123456789012";

const REGION: &str = "us-east-1";

const ARN: &str = "arn:aws:budgets::123456789012:budget/monthly-cost";

fn spec(cost_filters: bool) -> BudgetsSpec {
    let mut b = json!({"name": "monthly-cost", "budgetType": "COST",
        "limit": {"amount": "1000", "unit": "USD"},
        "notifications": [{"type": "ACTUAL", "threshold": 80, "emails": ["finops@example.com"]}]});
    if cost_filters {
        b["costFilters"] = json!({"Service": ["Amazon Elastic Compute Cloud - Compute"]});
    }
    serde_json::from_value(json!([b])).unwrap()
}

async fn run(client: &Budgets, spec: &BudgetsSpec, previous_budgets: &[&str]) -> ComponentOutcome {
    let o = prod_baseline();
    let t = Target {
        owner: &o,
        account_id: ACCOUNT,
        region: REGION,
        may_write: true,
        previous: Some(Ownership::Created),
        previous_budgets: previous_budgets.iter().map(|s| s.to_string()).collect(),
    };
    reconcile_with(client, &t, spec).await
}

fn period() -> TimePeriod {
    TimePeriod::builder()
        .start(DateTime::from_secs(1_704_067_200)) // 2024-01-01, long before this pass
        .end(DateTime::from_secs(3_706_473_600)) // 2087-06-15, AWS's default end
        .build()
}

fn cost_types() -> CostTypes {
    CostTypes::builder()
        .include_tax(false)
        .include_credit(true)
        .use_blended(false)
        .build()
}

/// A budget as DescribeBudgets answers it (amount spelt "1200.0").
#[allow(deprecated)]
fn described(amount: &str, new_style: bool) -> Budget {
    let b = Budget::builder()
        .budget_name("monthly-cost")
        .budget_type(BudgetType::Cost)
        .time_unit(TimeUnit::Monthly)
        .budget_limit(Spend::builder().amount(amount).unit("USD").build().unwrap())
        .time_period(period())
        .last_updated_time(DateTime::from_secs(1_767_225_600));
    let b = if new_style {
        b.filter_expression(
            Expression::builder()
                .dimensions(
                    ExpressionDimensionValues::builder()
                        .key(Dimension::Service)
                        .values("Amazon Relational Database Service")
                        .build()
                        .unwrap(),
                )
                .build(),
        )
        .metrics(Metric::AmortizedCost)
    } else {
        b.cost_filters(
            "Service",
            vec!["Amazon Elastic Compute Cloud - Compute".to_string()],
        )
        .cost_types(cost_types())
    };
    b.build().unwrap()
}

fn describe_budgets(budget: Budget) -> Rule {
    mock!(Budgets::describe_budgets)
        .match_requests(|r| {
            r.account_id() == Some(ACCOUNT) && r.show_filter_expression() == Some(true)
        })
        .then_output(move || {
            DescribeBudgetsOutput::builder()
                .budgets(budget.clone())
                .build()
        })
}

fn tagged_ours() -> Rule {
    mock!(Budgets::list_tags_for_resource)
        .match_requests(|r| r.resource_arn() == Some(ARN))
        .then_output(|| {
            let mut b = ListTagsForResourceOutput::builder();
            for (k, v) in prod_baseline().tags() {
                b = b.resource_tags(ResourceTag::builder().key(k).value(v).build().unwrap());
            }
            b.build()
        })
}

/// The 80% alert as DescribeNotificationsForBudget answers it: `ThresholdType` left out (AWS omits its default,
/// PERCENTAGE), `NotificationState` set.
fn notifications() -> Rule {
    mock!(Budgets::describe_notifications_for_budget)
        .match_requests(|r| r.budget_name() == Some("monthly-cost"))
        .then_output(|| {
            DescribeNotificationsForBudgetOutput::builder()
                .notifications(
                    Notification::builder()
                        .notification_type(NotificationType::Actual)
                        .comparison_operator(ComparisonOperator::GreaterThan)
                        .threshold(80.0)
                        .notification_state(NotificationState::Ok)
                        .build()
                        .unwrap(),
                )
                .build()
        })
}

fn subscribers() -> Rule {
    mock!(Budgets::describe_subscribers_for_notification)
        .match_requests(|r| {
            r.notification().is_some_and(|n| {
                n.threshold() == 80.0
                    && n.threshold_type().map(|t| t.as_str()) == Some("PERCENTAGE")
            })
        })
        .then_output(|| {
            DescribeSubscribersForNotificationOutput::builder()
                .subscribers(
                    Subscriber::builder()
                        .subscription_type(SubscriptionType::Email)
                        .address("finops@example.com")
                        .build()
                        .unwrap(),
                )
                .build()
        })
}

/// Every write operation, mocked (so an unexpected write is answered and then caught by the call counter).
fn writes() -> Vec<Rule> {
    vec![
        mock!(Budgets::create_budget).then_output(|| CreateBudgetOutput::builder().build()),
        mock!(Budgets::update_budget).then_output(|| UpdateBudgetOutput::builder().build()),
        mock!(Budgets::delete_budget).then_output(|| DeleteBudgetOutput::builder().build()),
        mock!(Budgets::create_notification)
            .then_output(|| CreateNotificationOutput::builder().build()),
        mock!(Budgets::delete_notification)
            .then_output(|| DeleteNotificationOutput::builder().build()),
        mock!(Budgets::create_subscriber).then_output(|| CreateSubscriberOutput::builder().build()),
        mock!(Budgets::update_subscriber).then_output(|| UpdateSubscriberOutput::builder().build()),
        mock!(Budgets::delete_subscriber).then_output(|| DeleteSubscriberOutput::builder().build()),
    ]
}

fn client(rules: &[&Rule], stats: &CallStats) -> Budgets {
    mock_client!(aws_sdk_budgets, RuleMode::MatchAny, rules, |c| c
        .interceptor(stats.interceptor()))
}

/// AWS's JSON error: HTTP 400, `x-amzn-errortype` and `{"__type", "Message"}` (awsJson1_1).
fn aws_error(code: &'static str, message: &'static str) -> HttpResponse {
    let mut r = HttpResponse::new(
        StatusCode::try_from(400).unwrap(),
        SdkBody::from(format!(r#"{{"__type":"{code}","Message":"{message}"}}"#)),
    );
    r.headers_mut().insert("x-amzn-errortype", code);
    r.headers_mut()
        .insert("content-type", "application/x-amz-json-1.1");
    r
}

#[tokio::test]
#[allow(deprecated)]
async fn update_budget_sends_the_declared_limit_over_the_budget_aws_holds() {
    let stats = CallStats::default();
    let update = mock!(Budgets::update_budget)
        .match_requests(|r| {
            let Some(b) = r.new_budget() else {
                return false;
            };
            r.account_id() == Some(ACCOUNT)
                && b.budget_name() == "monthly-cost"
                && b.budget_type() == &BudgetType::Cost
                && b.time_unit() == &TimeUnit::Monthly
                && b.budget_limit().map(|l| (l.amount(), l.unit())) == Some(("1000", "USD"))
                // Sent back unchanged, so the budget's period doesn't start over and its cost types stay.
                && b.time_period() == Some(&period())
                && b.cost_types() == Some(&cost_types())
                && b.cost_filters().and_then(|f| f.get("Service")).map(|v| v.as_slice())
                    == Some(&["Amazon Elastic Compute Cloud - Compute".to_string()][..])
                && b.filter_expression().is_none()
                && b.calculated_spend().is_none()
        })
        .then_output(|| UpdateBudgetOutput::builder().build());
    let (list, tags, notes, subs) = (
        describe_budgets(described("1200.0", false)),
        tagged_ours(),
        notifications(),
        subscribers(),
    );
    let w = writes();
    let mut rules = vec![&list, &tags, &notes, &subs, &update];
    rules.extend(w.iter());
    let o = run(&client(&rules, &stats), &spec(true), &["monthly-cost"]).await;
    assert_eq!(
        (o.state, o.action, o.ownership),
        (
            ComponentState::Corrected,
            DriftAction::Corrected,
            Ownership::Created
        ),
        "{o:#?}"
    );
    let fields: Vec<(&str, String, String)> = o
        .drift
        .iter()
        .map(|d| {
            (
                d.field.as_str(),
                d.desired.to_string(),
                d.actual.to_string(),
            )
        })
        .collect();
    assert_eq!(
        fields,
        vec![(
            "budgets.monthly-cost.limit",
            r#"{"amount":"1000","unit":"USD"}"#.to_string(),
            r#"{"amount":"1200","unit":"USD"}"#.to_string()
        )]
    );
    assert_eq!(sorted_writes(&stats), vec!["Budgets:UpdateBudget"]);
    assert_eq!(stats.count("UpdateBudget"), 1);
    assert_eq!(o.id.as_deref(), Some("monthly-cost"));
}

#[tokio::test]
#[allow(deprecated)]
async fn an_update_keeps_a_filter_expression_the_spec_does_not_manage() {
    let stats = CallStats::default();
    let update = mock!(Budgets::update_budget)
        .match_requests(|r| {
            let Some(b) = r.new_budget() else {
                return false;
            };
            // AWS takes FilterExpression + Metrics or CostFilters + CostTypes, never a mix.
            b.filter_expression()
                .and_then(|e| e.dimensions())
                .map(|d| d.values().to_vec())
                == Some(vec!["Amazon Relational Database Service".to_string()])
                && b.metrics() == [Metric::AmortizedCost]
                && b.cost_filters().is_none()
                && b.cost_types().is_none()
                && b.time_period() == Some(&period())
        })
        .then_output(|| UpdateBudgetOutput::builder().build());
    let (list, tags, notes, subs) = (
        describe_budgets(described("900", true)),
        tagged_ours(),
        notifications(),
        subscribers(),
    );
    let w = writes();
    let mut rules = vec![&list, &tags, &notes, &subs, &update];
    rules.extend(w.iter());
    let o = run(&client(&rules, &stats), &spec(false), &[]).await;
    assert_eq!(o.state, ComponentState::Corrected, "{o:#?}");
    assert_eq!(sorted_writes(&stats), vec!["Budgets:UpdateBudget"]);
}

#[tokio::test]
async fn access_denied_is_classified_into_the_outcome_and_the_synced_condition() {
    let stats = CallStats::default();
    let denied = mock!(Budgets::describe_budgets).then_http_response(|| {
        aws_error(
            "AccessDeniedException",
            "User: arn:aws:sts::123456789012:assumed-role/operator/x is not authorized to perform: budgets:ViewBudget",
        )
    });
    let o = run(
        &client(&[&denied], &stats),
        &spec(true),
        &["monthly-cost", "old"],
    )
    .await;
    assert_eq!(o.state, ComponentState::Error);
    let err = o.error.clone().unwrap();
    assert_eq!(
        (err.category, err.code.as_deref()),
        (ErrorCategory::AccessDenied, Some("AccessDeniedException"))
    );
    assert!(err
        .to_string()
        .starts_with("budgets:DescribeBudgets failed (AccessDenied, AccessDeniedException)"));
    // What was managed stays recorded, so a later pass still finds the budgets to delete.
    assert_eq!(o.id.as_deref(), Some("monthly-cost,old"));
    assert_eq!(stats.writes(), 0);

    let report = PassReport {
        account_id: Some(ACCOUNT.into()),
        regions: vec![REGION.into()],
        outcomes: vec![o],
        fatal: None,
    };
    let st = common_status(
        None,
        &report,
        Some(1),
        &Time("2026-01-01T00:00:00Z".parse().unwrap()),
    );
    let synced = condition(&st.conditions, "Synced");
    assert_eq!(
        (synced.status.as_str(), synced.reason.as_str()),
        ("False", "AccessDenied")
    );
    assert!(
        synced
            .message
            .starts_with("spec.budgets in us-east-1: budgets:DescribeBudgets failed (AccessDenied"),
        "{}",
        synced.message
    );
}

#[tokio::test]
async fn a_refused_write_leaves_the_drift_reported_as_failed() {
    let stats = CallStats::default();
    let refused = mock!(Budgets::update_budget).then_http_response(|| {
        aws_error(
            "AccessDeniedException",
            "User is not authorized to perform: budgets:ModifyBudget",
        )
    });
    let (list, tags, notes, subs) = (
        describe_budgets(described("1200.0", false)),
        tagged_ours(),
        notifications(),
        subscribers(),
    );
    let o = run(
        &client(&[&list, &tags, &notes, &subs, &refused], &stats),
        &spec(true),
        &[],
    )
    .await;
    assert_eq!(
        (o.state, o.action, o.remaining_drift()),
        (ComponentState::Error, DriftAction::Failed, 1)
    );
    assert_eq!(o.error.unwrap().category, ErrorCategory::AccessDenied);
}

#[tokio::test]
async fn quota_and_throttling_are_told_apart() {
    // CreationLimitExceededException (notification / subscriber quota) needs a spec change; throttling is
    // retried by the SDK and then by the controller's backoff.
    let stats = CallStats::default();
    let quota = mock!(Budgets::describe_budgets).then_http_response(|| {
        aws_error(
            "CreationLimitExceededException",
            "You've exceeded the notification or subscriber limit.",
        )
    });
    let o = run(&client(&[&quota], &stats), &spec(true), &[]).await;
    assert_eq!(o.error.unwrap().category, ErrorCategory::QuotaExceeded);
    let throttled = mock!(Budgets::describe_budgets)
        .then_http_response(|| aws_error("ThrottlingException", "Rate exceeded"));
    let o = run(&client(&[&throttled], &stats), &spec(true), &[]).await;
    let err = o.error.unwrap();
    assert_eq!(err.category, ErrorCategory::Throttled);
    assert!(err.category.is_retryable());
}
