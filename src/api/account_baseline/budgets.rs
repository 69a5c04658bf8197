//! The `budgets` section of an AccountBaseline.

use kube::KubeSchema;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// The `budgets` section: budgets by name.
pub type BudgetsSpec = Vec<BudgetSpec>;

/// One budget (AWS Budgets `Budget`), its limit, period, cost filters and notifications.
#[derive(KubeSchema, Deserialize, Serialize, Clone, Debug, PartialEq)]
#[serde(rename_all = "camelCase")]
#[x_kube(validation = Rule::new("has(self.limit) || !(self.budgetType in ['COST', 'USAGE'])").message("COST and USAGE budgets need a limit"))]
pub struct BudgetSpec {
    /// Budget name, unique in the account (AWS allows neither `:` nor `\`; this operator also keeps `.`, `,` and
    /// `/` out, as names are part of field paths and status).
    #[schemars(
        regex(pattern = r"^[A-Za-z0-9][A-Za-z0-9 _+=@()-]{0,99}$"),
        length(min = 1, max = 100)
    )]
    pub name: String,
    /// What the budget tracks.
    pub budget_type: BudgetType,
    /// The amount tracked per period, e.g. `{amount: "1000", unit: USD}`; required for `COST` and `USAGE` budgets
    /// (RI and Savings Plans utilization and coverage budgets default to 100 percent).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub limit: Option<BudgetLimit>,
    /// The period after which actual and forecasted spend reset.
    #[serde(default)]
    pub time_unit: BudgetTimeUnit,
    /// Cost filters, e.g. `{Service: ["Amazon Elastic Compute Cloud - Compute"], Region: [us-east-1]}`. Unset: not
    /// managed (a created budget has none, an adopted one keeps its own); `{}` means no filters.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(length(max = 20))]
    pub cost_filters: Option<std::collections::BTreeMap<String, Vec<String>>>,
    /// Alerts. A notification is identified by type, comparison, threshold and threshold type: changing any of
    /// them replaces it. Notifications not listed are left alone on an adopted budget and deleted from one this
    /// baseline created.
    #[serde(default)]
    #[schemars(length(max = 10))]
    #[x_kube(validation = Rule::new("self.all(a, self.exists_one(b, b.type == a.type && b.comparison == a.comparison && b.threshold == a.threshold && b.thresholdType == a.thresholdType))").message("notifications must differ in type, comparison, threshold or thresholdType"))]
    pub notifications: Vec<BudgetNotificationSpec>,
}

/// AWS Budgets budget types.
#[derive(JsonSchema, Deserialize, Serialize, Clone, Copy, Debug, PartialEq, Eq)]
pub enum BudgetType {
    /// Costs.
    #[serde(rename = "COST")]
    Cost,
    /// Usage (e.g. hours, GB).
    #[serde(rename = "USAGE")]
    Usage,
    /// Reserved Instance utilization.
    #[serde(rename = "RI_UTILIZATION")]
    RiUtilization,
    /// Reserved Instance coverage.
    #[serde(rename = "RI_COVERAGE")]
    RiCoverage,
    /// Savings Plans utilization.
    #[serde(rename = "SAVINGS_PLANS_UTILIZATION")]
    SavingsPlansUtilization,
    /// Savings Plans coverage.
    #[serde(rename = "SAVINGS_PLANS_COVERAGE")]
    SavingsPlansCoverage,
}

impl BudgetType {
    /// The API value.
    pub fn as_str(&self) -> &'static str {
        match self {
            Self::Cost => "COST",
            Self::Usage => "USAGE",
            Self::RiUtilization => "RI_UTILIZATION",
            Self::RiCoverage => "RI_COVERAGE",
            Self::SavingsPlansUtilization => "SAVINGS_PLANS_UTILIZATION",
            Self::SavingsPlansCoverage => "SAVINGS_PLANS_COVERAGE",
        }
    }
}

/// The amount a budget tracks.
#[derive(KubeSchema, Deserialize, Serialize, Clone, Debug, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct BudgetLimit {
    /// A decimal number as a string, e.g. `"1000"` or `"99.5"`; compared numerically (AWS answers `"1000.0"`).
    #[schemars(regex(pattern = r"^([0-9]*\.)?[0-9]+$"), length(min = 1, max = 40))]
    pub amount: String,
    /// Currency (`USD`) for cost budgets, the usage unit (e.g. `Hrs`, `GB`) for usage budgets, `PERCENTAGE` for RI
    /// and Savings Plans budgets.
    #[schemars(length(min = 1, max = 64))]
    pub unit: String,
}

/// How long a budget period lasts.
#[derive(JsonSchema, Deserialize, Serialize, Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum BudgetTimeUnit {
    /// A day.
    #[serde(rename = "DAILY")]
    Daily,
    /// A calendar month (the default).
    #[default]
    #[serde(rename = "MONTHLY")]
    Monthly,
    /// A calendar quarter.
    #[serde(rename = "QUARTERLY")]
    Quarterly,
    /// A calendar year.
    #[serde(rename = "ANNUALLY")]
    Annually,
}

impl BudgetTimeUnit {
    /// The API value.
    pub fn as_str(&self) -> &'static str {
        match self {
            Self::Daily => "DAILY",
            Self::Monthly => "MONTHLY",
            Self::Quarterly => "QUARTERLY",
            Self::Annually => "ANNUALLY",
        }
    }
}

/// A budget alert and who receives it.
#[derive(KubeSchema, Deserialize, Serialize, Clone, Debug, PartialEq)]
#[serde(rename_all = "camelCase")]
#[x_kube(validation = Rule::new("size(self.emails) + size(self.snsTopicArns) >= 1").message("a notification needs at least one subscriber in emails or snsTopicArns"))]
#[x_kube(validation = Rule::new("self.thresholdType != 'PERCENTAGE' || self.threshold <= 1000000.0").message("a PERCENTAGE threshold can be at most 1000000"))]
pub struct BudgetNotificationSpec {
    /// Alert on actual spend or on the forecast.
    #[serde(rename = "type")]
    pub notification_type: BudgetNotificationType,
    /// How spend is compared with the threshold.
    #[serde(default)]
    pub comparison: BudgetComparison,
    /// The threshold: a percentage of the limit, or an amount in the limit's unit (`thresholdType`).
    #[schemars(range(min = 0.0, max = 15000000000000.0))]
    pub threshold: f64,
    /// Whether `threshold` is a percentage of the limit or an absolute value.
    #[serde(default)]
    pub threshold_type: BudgetThresholdType,
    /// Email addresses that receive the alert (at most 10).
    #[serde(default)]
    #[schemars(length(max = 10))]
    #[schemars(inner(regex(pattern = r"^[^@\s]+@[^@\s]+$"), length(max = 254)))]
    #[schemars(extend("x-kubernetes-list-type" = "set"))]
    pub emails: Vec<String>,
    /// SNS topic that receives the alert (at most one; its policy must let `budgets.amazonaws.com` publish).
    #[serde(default)]
    #[schemars(length(max = 1))]
    #[schemars(inner(regex(
        pattern = r"^arn:aws[a-z-]*:sns:[a-z0-9-]+:[0-9]{12}:[A-Za-z0-9_-]{1,256}$"
    )))]
    #[schemars(extend("x-kubernetes-list-type" = "set"))]
    pub sns_topic_arns: Vec<String>,
}

/// What a budget notification watches.
#[derive(JsonSchema, Deserialize, Serialize, Clone, Copy, Debug, PartialEq, Eq)]
pub enum BudgetNotificationType {
    /// Spend so far.
    #[serde(rename = "ACTUAL")]
    Actual,
    /// Forecasted spend for the period.
    #[serde(rename = "FORECASTED")]
    Forecasted,
}

impl BudgetNotificationType {
    /// The API value.
    pub fn as_str(&self) -> &'static str {
        match self {
            Self::Actual => "ACTUAL",
            Self::Forecasted => "FORECASTED",
        }
    }
}

/// Comparison of spend with a notification's threshold.
#[derive(JsonSchema, Deserialize, Serialize, Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum BudgetComparison {
    /// Spend above the threshold (the default).
    #[default]
    #[serde(rename = "GREATER_THAN")]
    GreaterThan,
    /// Spend below the threshold.
    #[serde(rename = "LESS_THAN")]
    LessThan,
    /// Spend equal to the threshold.
    #[serde(rename = "EQUAL_TO")]
    EqualTo,
}

impl BudgetComparison {
    /// The API value.
    pub fn as_str(&self) -> &'static str {
        match self {
            Self::GreaterThan => "GREATER_THAN",
            Self::LessThan => "LESS_THAN",
            Self::EqualTo => "EQUAL_TO",
        }
    }
}

/// How a notification's threshold is read.
#[derive(JsonSchema, Deserialize, Serialize, Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum BudgetThresholdType {
    /// Percent of the budget limit (the default).
    #[default]
    #[serde(rename = "PERCENTAGE")]
    Percentage,
    /// An amount in the limit's unit.
    #[serde(rename = "ABSOLUTE_VALUE")]
    AbsoluteValue,
}

impl BudgetThresholdType {
    /// The API value.
    pub fn as_str(&self) -> &'static str {
        match self {
            Self::Percentage => "PERCENTAGE",
            Self::AbsoluteValue => "ABSOLUTE_VALUE",
        }
    }
}
