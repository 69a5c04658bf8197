//! AWS Budgets: the account's budgets, their notifications, subscribers and tags. Budgets is a global service:
//! the client's region only selects the partition's endpoint; every call names the account (`AccountId`).

use crate::aws::error::{not_found_as_none, ok_if_gone, AwsError, AwsResultExt, ErrorCategory};
use crate::aws::operation::{act, read, write, Operation, MOTO_EXT};
use crate::aws::tags;
use aws_sdk_budgets::types::{
    Budget, BudgetType, ComparisonOperator, Notification, NotificationType,
    NotificationWithSubscribers, Spend, Subscriber, SubscriptionType, ThresholdType, TimeUnit,
};
use aws_sdk_budgets::Client;
use std::collections::{BTreeMap, BTreeSet};

const SVC: &str = "budgets";

/// A budget as DescribeBudgets reports it, with the SDK value kept for UpdateBudget (which replaces the whole
/// budget: the time period and cost types AWS holds are sent back unchanged).
#[derive(Clone, Debug, PartialEq)]
pub struct BudgetState {
    /// Name.
    pub name: String,
    /// `COST`, `USAGE`, `RI_UTILIZATION`, ...
    pub budget_type: String,
    /// `(amount, unit)` as AWS returns it (`"1000.0"`).
    pub limit: Option<(String, String)>,
    /// `DAILY`, `MONTHLY`, `QUARTERLY`, `ANNUALLY`, `CUSTOM`.
    pub time_unit: String,
    /// Cost filters with sorted values (empty when none).
    pub cost_filters: BTreeMap<String, Vec<String>>,
    /// The budget as DescribeBudgets returned it.
    pub raw: Budget,
}

impl BudgetState {
    /// Read the parts we compare from an SDK budget. (The SDK marks `CostFilters` / `CostTypes` deprecated in
    /// favour of `FilterExpression` / `Metrics`; the API still serves both, and `costFilters` is what the spec
    /// declares.)
    #[allow(deprecated)]
    pub fn from_sdk(b: &Budget) -> Self {
        Self {
            name: b.budget_name().to_string(),
            budget_type: b.budget_type().as_str().to_string(),
            limit: b
                .budget_limit()
                .map(|l| (l.amount().to_string(), l.unit().to_string())),
            time_unit: b.time_unit().as_str().to_string(),
            cost_filters: b
                .cost_filters()
                .map(|f| {
                    f.iter()
                        .map(|(k, v)| {
                            let mut v = v.clone();
                            v.sort();
                            v.dedup();
                            (k.clone(), v)
                        })
                        .collect()
                })
                .unwrap_or_default(),
            raw: b.clone(),
        }
    }
}

/// What identifies a notification of a budget: type, comparison, threshold and threshold type.
#[derive(Clone, Debug, PartialEq)]
pub struct NotificationKey {
    /// `ACTUAL` or `FORECASTED`.
    pub notification_type: String,
    /// `GREATER_THAN`, `LESS_THAN`, `EQUAL_TO`.
    pub comparison: String,
    /// Threshold.
    pub threshold: f64,
    /// `PERCENTAGE` (also when AWS leaves it out, its default) or `ABSOLUTE_VALUE`.
    pub threshold_type: String,
}

impl NotificationKey {
    /// Stable identifier used in field paths: `ACTUAL-GREATER_THAN-80-PERCENTAGE`.
    pub fn id(&self) -> String {
        format!(
            "{}-{}-{}-{}",
            self.notification_type, self.comparison, self.threshold, self.threshold_type
        )
    }

    fn from_sdk(n: &Notification) -> Self {
        Self {
            notification_type: n.notification_type().as_str().to_string(),
            comparison: n.comparison_operator().as_str().to_string(),
            threshold: n.threshold(),
            threshold_type: n
                .threshold_type()
                .map(|t| t.as_str().to_string())
                .unwrap_or_else(|| "PERCENTAGE".to_string()),
        }
    }

    fn to_sdk(&self) -> Result<Notification, AwsError> {
        Notification::builder()
            .notification_type(NotificationType::from(self.notification_type.as_str()))
            .comparison_operator(ComparisonOperator::from(self.comparison.as_str()))
            .threshold(self.threshold)
            .threshold_type(ThresholdType::from(self.threshold_type.as_str()))
            .build()
            .map_err(|e| build_error("Notification", e))
    }
}

/// A subscriber: (`EMAIL` or `SNS`, address).
pub type SubscriberRef = (String, String);

/// A budget to create or update.
#[derive(Clone, Debug, PartialEq)]
pub struct BudgetConfig {
    /// Name.
    pub name: String,
    /// Budget type.
    pub budget_type: String,
    /// `(amount, unit)`; `None` leaves the limit to AWS (RI and Savings Plans budgets: 100 percent).
    pub limit: Option<(String, String)>,
    /// Time unit.
    pub time_unit: String,
    /// Cost filters; `None` = not managed (an update keeps the budget's own).
    pub cost_filters: Option<BTreeMap<String, Vec<String>>>,
}

/// A notification with its subscribers.
#[derive(Clone, Debug, PartialEq)]
pub struct NotificationConfig {
    /// Identity.
    pub key: NotificationKey,
    /// Subscribers.
    pub subscribers: BTreeSet<SubscriberRef>,
}

/// The ARN of a budget: `arn:<partition>:budgets::<account>:budget/<name>`.
pub fn arn(partition: &str, account: &str, name: &str) -> String {
    format!("arn:{partition}:budgets::{account}:budget/{name}")
}

fn build_error(what: &str, e: aws_smithy_types::error::operation::BuildError) -> AwsError {
    AwsError::new(
        "budgets",
        "BuildRequest",
        ErrorCategory::InvalidInput,
        format!("{what}: {e}"),
    )
}

fn subscriber(s: &SubscriberRef) -> Result<Subscriber, AwsError> {
    Subscriber::builder()
        .subscription_type(SubscriptionType::from(s.0.as_str()))
        .address(&s.1)
        .build()
        .map_err(|e| build_error("Subscriber", e))
}

/// The next page's token; Budgets may answer an empty string on the last page.
fn next(token: Option<&str>) -> Option<String> {
    token.filter(|t| !t.is_empty()).map(str::to_string)
}

/// DescribeBudgets, every page (100 a page): all budgets of the account, with their filter expressions.
pub async fn list(client: &Client, account: &str) -> Result<Vec<BudgetState>, AwsError> {
    let mut out = Vec::new();
    let mut token: Option<String> = None;
    loop {
        let page = client
            .describe_budgets()
            .account_id(account)
            .max_results(100)
            // So an update can send a budget's FilterExpression back instead of overwriting it with CostFilters.
            .show_filter_expression(true)
            .set_next_token(token.clone())
            .send()
            .await
            .aws(SVC, "DescribeBudgets")?;
        out.extend(page.budgets().iter().map(BudgetState::from_sdk));
        token = next(page.next_token());
        if token.is_none() {
            return Ok(out);
        }
    }
}

/// DescribeNotificationsForBudget, every page. A budget without notifications may answer NotFoundException:
/// that is "none".
pub async fn notifications(
    client: &Client,
    account: &str,
    budget: &str,
) -> Result<Vec<NotificationKey>, AwsError> {
    let mut out = Vec::new();
    let mut token: Option<String> = None;
    loop {
        let page = not_found_as_none(
            client
                .describe_notifications_for_budget()
                .account_id(account)
                .budget_name(budget)
                .max_results(100)
                .set_next_token(token.clone())
                .send()
                .await
                .aws(SVC, "DescribeNotificationsForBudget"),
            &[],
        )?;
        let Some(page) = page else { return Ok(out) };
        out.extend(page.notifications().iter().map(NotificationKey::from_sdk));
        token = next(page.next_token());
        if token.is_none() {
            return Ok(out);
        }
    }
}

/// DescribeSubscribersForNotification, every page.
pub async fn subscribers(
    client: &Client,
    account: &str,
    budget: &str,
    key: &NotificationKey,
) -> Result<BTreeSet<SubscriberRef>, AwsError> {
    let mut out = BTreeSet::new();
    let mut token: Option<String> = None;
    let notification = key.to_sdk()?;
    loop {
        let page = not_found_as_none(
            client
                .describe_subscribers_for_notification()
                .account_id(account)
                .budget_name(budget)
                .notification(notification.clone())
                .max_results(100)
                .set_next_token(token.clone())
                .send()
                .await
                .aws(SVC, "DescribeSubscribersForNotification"),
            &[],
        )?;
        let Some(page) = page else { return Ok(out) };
        out.extend(page.subscribers().iter().map(|s| {
            (
                s.subscription_type().as_str().to_string(),
                s.address().to_string(),
            )
        }));
        token = next(page.next_token());
        if token.is_none() {
            return Ok(out);
        }
    }
}

/// ListTagsForResource of a budget ARN.
pub async fn tags(client: &Client, arn: &str) -> Result<BTreeMap<String, String>, AwsError> {
    let out = client
        .list_tags_for_resource()
        .resource_arn(arn)
        .send()
        .await
        .aws(SVC, "ListTagsForResource")?;
    Ok(tags::pairs(out.resource_tags()))
}

/// The SDK budget for a config. `observed` (on update, which replaces the whole budget) supplies what the spec
/// does not manage: the time period (else AWS starts the budget over), and the filters when `costFilters` is
/// unset: the budget's own `FilterExpression` and `Metrics` if it has them (AWS accepts either those or
/// `CostFilters` and `CostTypes`, never a mix), else its `CostFilters` and, for a cost budget, `CostTypes`.
#[allow(deprecated)]
fn budget(c: &BudgetConfig, observed: Option<&Budget>) -> Result<Budget, AwsError> {
    let mut b = Budget::builder()
        .budget_name(&c.name)
        .budget_type(BudgetType::from(c.budget_type.as_str()))
        .time_unit(TimeUnit::from(c.time_unit.as_str()));
    if let Some((amount, unit)) = &c.limit {
        b = b.budget_limit(
            Spend::builder()
                .amount(amount)
                .unit(unit)
                .build()
                .map_err(|e| build_error("BudgetLimit", e))?,
        );
    } else if let Some(limit) = observed.and_then(Budget::budget_limit) {
        b = b.budget_limit(limit.clone());
    }
    let new_style =
        observed.is_some_and(|o| o.filter_expression().is_some() || !o.metrics().is_empty());
    let same_type = observed.is_some_and(|o| o.budget_type().as_str() == c.budget_type);
    match (&c.cost_filters, observed) {
        (None, Some(o)) if new_style => {
            b = b
                .set_filter_expression(o.filter_expression().cloned())
                .set_metrics(Some(o.metrics().to_vec()).filter(|m| !m.is_empty()));
        }
        (filters, o) => {
            let filters: Option<std::collections::HashMap<String, Vec<String>>> = match (filters, o)
            {
                (Some(f), _) => Some(f.iter().map(|(k, v)| (k.clone(), v.clone())).collect()),
                (None, Some(o)) => o.cost_filters().cloned(),
                (None, None) => None,
            };
            b = b.set_cost_filters(filters.filter(|f| !f.is_empty()));
            if let Some(o) = o.filter(|_| same_type && c.budget_type == "COST" && !new_style) {
                b = b.set_cost_types(o.cost_types().cloned());
            }
        }
    }
    if let Some(o) = observed {
        b = b.set_time_period(o.time_period().cloned());
    }
    b.build().map_err(|e| build_error("Budget", e))
}

/// CreateBudget with its notifications and subscribers inline, tagged.
pub async fn create(
    client: &Client,
    account: &str,
    config: &BudgetConfig,
    notifications: &[NotificationConfig],
    tags: &[(String, String)],
) -> Result<(), AwsError> {
    let mut req = client
        .create_budget()
        .account_id(account)
        .budget(budget(config, None)?);
    for n in notifications {
        let mut with = NotificationWithSubscribers::builder().notification(n.key.to_sdk()?);
        for s in &n.subscribers {
            with = with.subscribers(subscriber(s)?);
        }
        req = req.notifications_with_subscribers(
            with.build()
                .map_err(|e| build_error("NotificationWithSubscribers", e))?,
        );
    }
    for t in tags::to_sdk(tags).map_err(|e| build_error("ResourceTag", e))? {
        req = req.resource_tags(t);
    }
    req.send().await.aws(SVC, "CreateBudget")?;
    Ok(())
}

/// UpdateBudget: the declared settings over the budget AWS holds.
pub async fn update(
    client: &Client,
    account: &str,
    config: &BudgetConfig,
    observed: &BudgetState,
) -> Result<(), AwsError> {
    client
        .update_budget()
        .account_id(account)
        .new_budget(budget(config, Some(&observed.raw))?)
        .send()
        .await
        .aws(SVC, "UpdateBudget")?;
    Ok(())
}

/// DeleteBudget (only of budgets whose tags prove this owner created them); "already gone" is success.
pub async fn delete(client: &Client, account: &str, name: &str) -> Result<(), AwsError> {
    ok_if_gone(
        client
            .delete_budget()
            .account_id(account)
            .budget_name(name)
            .send()
            .await
            .aws(SVC, "DeleteBudget"),
        &[],
    )
}

/// CreateNotification with its subscribers.
pub async fn create_notification(
    client: &Client,
    account: &str,
    budget: &str,
    n: &NotificationConfig,
) -> Result<(), AwsError> {
    let subscribers = n
        .subscribers
        .iter()
        .map(subscriber)
        .collect::<Result<Vec<_>, _>>()?;
    client
        .create_notification()
        .account_id(account)
        .budget_name(budget)
        .notification(n.key.to_sdk()?)
        .set_subscribers(Some(subscribers))
        .send()
        .await
        .aws(SVC, "CreateNotification")?;
    Ok(())
}

/// DeleteNotification (and its subscribers); "already gone" is success.
pub async fn delete_notification(
    client: &Client,
    account: &str,
    budget: &str,
    key: &NotificationKey,
) -> Result<(), AwsError> {
    ok_if_gone(
        client
            .delete_notification()
            .account_id(account)
            .budget_name(budget)
            .notification(key.to_sdk()?)
            .send()
            .await
            .aws(SVC, "DeleteNotification"),
        &[],
    )
}

/// CreateSubscriber.
pub async fn create_subscriber(
    client: &Client,
    account: &str,
    budget: &str,
    key: &NotificationKey,
    s: &SubscriberRef,
) -> Result<(), AwsError> {
    client
        .create_subscriber()
        .account_id(account)
        .budget_name(budget)
        .notification(key.to_sdk()?)
        .subscriber(subscriber(s)?)
        .send()
        .await
        .aws(SVC, "CreateSubscriber")?;
    Ok(())
}

/// UpdateSubscriber: replace one subscriber by another of the same type (an SNS topic is swapped without ever
/// holding two, which AWS refuses).
pub async fn update_subscriber(
    client: &Client,
    account: &str,
    budget: &str,
    key: &NotificationKey,
    old: &SubscriberRef,
    new: &SubscriberRef,
) -> Result<(), AwsError> {
    client
        .update_subscriber()
        .account_id(account)
        .budget_name(budget)
        .notification(key.to_sdk()?)
        .old_subscriber(subscriber(old)?)
        .new_subscriber(subscriber(new)?)
        .send()
        .await
        .aws(SVC, "UpdateSubscriber")?;
    Ok(())
}

/// DeleteSubscriber; "already gone" is success.
pub async fn delete_subscriber(
    client: &Client,
    account: &str,
    budget: &str,
    key: &NotificationKey,
    s: &SubscriberRef,
) -> Result<(), AwsError> {
    ok_if_gone(
        client
            .delete_subscriber()
            .account_id(account)
            .budget_name(budget)
            .notification(key.to_sdk()?)
            .subscriber(subscriber(s)?)
            .send()
            .await
            .aws(SVC, "DeleteSubscriber"),
        &[],
    )
}

/// The AWS operations this module calls: the IAM permissions each needs, the spec sections whose
/// reconciliation calls it, and the test that exercises it (see [`crate::aws::operation`]).
pub const OPERATIONS: &[Operation] = &[
    // AWS Budgets (account-wide, from the home region; the endpoint is global).
    write(
        SVC,
        "CreateBudget",
        MOTO_EXT,
        &[act("budgets:ModifyBudget"), act("budgets:TagResource")],
        &["AccountBaseline.budgets#correct"],
    ),
    write(
        SVC,
        "CreateNotification",
        MOTO_EXT,
        &[act("budgets:ModifyBudget")],
        &["AccountBaseline.budgets#correct"],
    ),
    write(
        SVC,
        "CreateSubscriber",
        MOTO_EXT,
        &[act("budgets:ModifyBudget")],
        &["AccountBaseline.budgets#correct"],
    ),
    write(
        SVC,
        "DeleteBudget",
        MOTO_EXT,
        &[act("budgets:ModifyBudget")],
        &[
            "AccountBaseline.budgets#correct",
            "AccountBaseline.budgets#delete",
        ],
    ),
    write(
        SVC,
        "DeleteNotification",
        MOTO_EXT,
        &[act("budgets:ModifyBudget")],
        &["AccountBaseline.budgets#correct"],
    ),
    write(
        SVC,
        "DeleteSubscriber",
        MOTO_EXT,
        &[act("budgets:ModifyBudget")],
        &["AccountBaseline.budgets#correct"],
    ),
    read(
        SVC,
        "DescribeBudgets",
        MOTO_EXT,
        &[act("budgets:ViewBudget")],
        &["AccountBaseline.budgets", "AccountBaseline.budgets#delete"],
    ),
    read(
        SVC,
        "DescribeNotificationsForBudget",
        MOTO_EXT,
        &[act("budgets:ViewBudget")],
        &["AccountBaseline.budgets"],
    ),
    read(
        SVC,
        "DescribeSubscribersForNotification",
        MOTO_EXT,
        &[act("budgets:ViewBudget")],
        &["AccountBaseline.budgets"],
    ),
    read(
        SVC,
        "ListTagsForResource",
        MOTO_EXT,
        &[act("budgets:ListTagsForResource")],
        &["AccountBaseline.budgets", "AccountBaseline.budgets#delete"],
    ),
    write(
        SVC,
        "UpdateBudget",
        MOTO_EXT,
        &[act("budgets:ModifyBudget")],
        &["AccountBaseline.budgets#correct"],
    ),
    write(
        SVC,
        "UpdateSubscriber",
        MOTO_EXT,
        &[act("budgets:ModifyBudget")],
        &["AccountBaseline.budgets#correct"],
    ),
];

/// How CloudTrail records the writes that change what this module manages: the `eventSource` (EventBridge
/// events reference, https://docs.aws.amazon.com/eventbridge/latest/ref/events-ref-budgets.html), the rows logged under
/// another `eventName`, and the writes the operator never makes that change it (see [`crate::change_events`]).
pub const EVENTS: crate::aws::operation::Events =
    crate::aws::operation::Events::source("budgets.amazonaws.com");
