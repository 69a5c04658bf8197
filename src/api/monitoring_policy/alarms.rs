//! `spec.alarms`, `spec.compositeAlarms` and `spec.billingAlarm`: CloudWatch alarms.

use kube::KubeSchema;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

fn usd() -> String {
    "USD".to_string()
}

/// Comparison of a metric alarm.
#[derive(Deserialize, Serialize, Clone, Copy, Debug, PartialEq, Eq, JsonSchema)]
pub enum ComparisonOperator {
    /// `>=`
    GreaterThanOrEqualToThreshold,
    /// `>`
    GreaterThanThreshold,
    /// `<`
    LessThanThreshold,
    /// `<=`
    LessThanOrEqualToThreshold,
    /// Outside the anomaly detection band.
    LessThanLowerOrGreaterThanUpperThreshold,
    /// Below the anomaly detection band.
    LessThanLowerThreshold,
    /// Above the anomaly detection band.
    GreaterThanUpperThreshold,
}

impl ComparisonOperator {
    /// The CloudWatch name.
    pub fn as_str(&self) -> &'static str {
        match self {
            Self::GreaterThanOrEqualToThreshold => "GreaterThanOrEqualToThreshold",
            Self::GreaterThanThreshold => "GreaterThanThreshold",
            Self::LessThanThreshold => "LessThanThreshold",
            Self::LessThanOrEqualToThreshold => "LessThanOrEqualToThreshold",
            Self::LessThanLowerOrGreaterThanUpperThreshold => {
                "LessThanLowerOrGreaterThanUpperThreshold"
            }
            Self::LessThanLowerThreshold => "LessThanLowerThreshold",
            Self::GreaterThanUpperThreshold => "GreaterThanUpperThreshold",
        }
    }

    /// True for the comparisons against an anomaly detection band.
    pub fn is_band(&self) -> bool {
        matches!(
            self,
            Self::LessThanLowerOrGreaterThanUpperThreshold
                | Self::LessThanLowerThreshold
                | Self::GreaterThanUpperThreshold
        )
    }
}

/// Statistic of a metric alarm.
#[derive(Deserialize, Serialize, Clone, Copy, Debug, PartialEq, Eq, JsonSchema)]
pub enum Statistic {
    /// Average.
    Average,
    /// Sum.
    Sum,
    /// Minimum.
    Minimum,
    /// Maximum.
    Maximum,
    /// SampleCount.
    SampleCount,
}

impl Statistic {
    /// The CloudWatch name.
    pub fn as_str(&self) -> &'static str {
        match self {
            Self::Average => "Average",
            Self::Sum => "Sum",
            Self::Minimum => "Minimum",
            Self::Maximum => "Maximum",
            Self::SampleCount => "SampleCount",
        }
    }
}

/// How missing data is treated.
#[derive(Deserialize, Serialize, Clone, Copy, Debug, PartialEq, Eq, Default, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub enum TreatMissingData {
    /// Missing data keeps the alarm state (CloudWatch's default).
    #[default]
    Missing,
    /// Missing data is treated as good.
    NotBreaching,
    /// Missing data is treated as bad.
    Breaching,
    /// The alarm state is not changed.
    Ignore,
}

impl TreatMissingData {
    /// The CloudWatch name.
    pub fn as_str(&self) -> &'static str {
        match self {
            Self::Missing => "missing",
            Self::NotBreaching => "notBreaching",
            Self::Breaching => "breaching",
            Self::Ignore => "ignore",
        }
    }
}

/// A CloudWatch metric alarm. Its AWS name is derived from the policy (`awsbaseline.<namespace>.<policy>.<name>`),
/// so two policies never collide. It watches one metric (`namespace`, `metricName`, `period`, a statistic),
/// optionally against an anomaly detection band, or a metric math expression (`metrics`).
#[derive(KubeSchema, Deserialize, Serialize, Clone, Debug, PartialEq)]
#[x_kube(validation = Rule::new("has(self.metricName) != has(self.metrics)").message("set either metricName (with namespace, period and a statistic) or metrics"))]
// `namespace` is a CEL reserved word (Kubernetes escapes it as `__namespace__`, which local CEL evaluation does
// not know), so the engine refuses a single-metric alarm without one instead of a rule here.
#[x_kube(validation = Rule::new("has(self.metrics) || has(self.period)").message("a single-metric alarm needs a period"))]
#[x_kube(validation = Rule::new("has(self.metrics) ? (!has(self.statistic) && !has(self.extendedStatistic)) : (has(self.statistic) != has(self.extendedStatistic))").message("set exactly one of statistic or extendedStatistic (metric math alarms set the stat per metric)"))]
#[x_kube(validation = Rule::new("!has(self.datapointsToAlarm) || self.datapointsToAlarm <= self.evaluationPeriods").message("datapointsToAlarm cannot exceed evaluationPeriods"))]
#[x_kube(validation = Rule::new("has(self.metricName) || !has(self.anomalyBand)").message("anomalyBand applies to a single-metric alarm; with metrics, set thresholdMetricId"))]
#[x_kube(validation = Rule::new("has(self.threshold) != (has(self.anomalyBand) || has(self.thresholdMetricId))").message("set threshold, or anomalyBand / thresholdMetricId for an anomaly detection alarm"))]
#[x_kube(validation = Rule::new("(has(self.anomalyBand) || has(self.thresholdMetricId)) == (self.comparisonOperator in ['LessThanLowerOrGreaterThanUpperThreshold', 'LessThanLowerThreshold', 'GreaterThanUpperThreshold'])").message("anomaly detection alarms use a band comparison (LessThanLowerOrGreaterThanUpperThreshold, LessThanLowerThreshold, GreaterThanUpperThreshold), threshold alarms the others"))]
#[serde(rename_all = "camelCase")]
pub struct AlarmSpec {
    /// Name within the policy.
    #[schemars(regex(pattern = r"^[A-Za-z0-9_.-]{1,100}$"), length(max = 100))]
    pub name: String,
    /// Description shown with the alarm.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(length(max = 1024))]
    pub description: Option<String>,
    /// Metric namespace, e.g. `AWS/ApplicationELB`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(length(min = 1, max = 255))]
    pub namespace: Option<String>,
    /// Metric name, e.g. `HTTPCode_Target_5XX_Count`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(length(min = 1, max = 255))]
    pub metric_name: Option<String>,
    /// Metric dimensions.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    #[schemars(length(max = 30))]
    pub dimensions: BTreeMap<String, String>,
    /// Statistic (or `extendedStatistic`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub statistic: Option<Statistic>,
    /// Percentile statistic, e.g. `p99`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(regex(pattern = r"^(p|tm|tc|ts|wm)[0-9]{1,2}(\.[0-9]{1,2})?$"))]
    pub extended_statistic: Option<String>,
    /// Period in seconds (10, 30 or a multiple of 60).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 10, max = 86400))]
    #[x_kube(validation = Rule::new("self == 10 || self == 30 || self % 60 == 0").message("period must be 10, 30 or a multiple of 60 seconds"))]
    pub period: Option<i32>,
    /// Metric math: the metrics and expressions the alarm evaluates; exactly one returns data (the alarm's
    /// value), plus the band with `thresholdMetricId`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[schemars(length(max = 10))]
    #[schemars(extend("x-kubernetes-list-type" = "map", "x-kubernetes-list-map-keys" = ["id"]))]
    pub metrics: Vec<MetricQuerySpec>,
    /// With `metrics`: the id of the `ANOMALY_DETECTION_BAND(...)` expression the alarm compares with.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(regex(pattern = r"^[a-z][a-zA-Z0-9_]{0,254}$"))]
    pub threshold_metric_id: Option<String>,
    /// Compare the metric with an anomaly detection band instead of a static threshold.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub anomaly_band: Option<AnomalyBandSpec>,
    /// Periods evaluated.
    #[schemars(range(min = 1, max = 100))]
    pub evaluation_periods: i32,
    /// Breaching datapoints within the evaluated periods that trigger the alarm (default: all of them).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 1, max = 100))]
    pub datapoints_to_alarm: Option<i32>,
    /// Static threshold (not with an anomaly band).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub threshold: Option<f64>,
    /// Comparison with the threshold or band.
    pub comparison_operator: ComparisonOperator,
    /// How missing data is treated.
    #[serde(default)]
    pub treat_missing_data: TreatMissingData,
    /// Declared topics notified when the alarm fires (and on OK / INSUFFICIENT_DATA with `notifyOk` /
    /// `notifyInsufficientData`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[schemars(length(max = 5), inner(length(min = 1, max = 256)))]
    pub alarm_topics: Vec<String>,
    /// Other action ARNs when the alarm fires (SNS topics of other teams, Auto Scaling, EC2 actions).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[schemars(length(max = 5))]
    pub alarm_action_arns: Vec<String>,
    /// Action ARNs when the alarm returns to OK.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[schemars(length(max = 5))]
    pub ok_action_arns: Vec<String>,
    /// Action ARNs on INSUFFICIENT_DATA.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[schemars(length(max = 5))]
    pub insufficient_data_action_arns: Vec<String>,
    /// Also notify `alarmTopics` when the alarm returns to OK.
    #[serde(default)]
    pub notify_ok: bool,
    /// Also notify `alarmTopics` on INSUFFICIENT_DATA.
    #[serde(default)]
    pub notify_insufficient_data: bool,
}

/// An anomaly detection band around the alarm's metric.
#[derive(KubeSchema, Deserialize, Serialize, Clone, Debug, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct AnomalyBandSpec {
    /// Width of the band in standard deviations.
    #[schemars(range(min = 0.1, max = 100.0))]
    pub standard_deviations: f64,
}

/// One metric or expression of a metric math alarm.
#[derive(KubeSchema, Deserialize, Serialize, Clone, Debug, PartialEq)]
#[x_kube(validation = Rule::new("has(self.expression) != has(self.metric)").message("set exactly one of expression or metric"))]
#[serde(rename_all = "camelCase")]
pub struct MetricQuerySpec {
    /// Id used in expressions (starts with a lowercase letter).
    #[schemars(regex(pattern = r"^[a-z][a-zA-Z0-9_]{0,254}$"))]
    pub id: String,
    /// Metric math expression, e.g. `errors / requests * 100` or `ANOMALY_DETECTION_BAND(m1, 2)`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(length(min = 1, max = 2048))]
    pub expression: Option<String>,
    /// A metric with its statistic and period.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub metric: Option<MetricStatSpec>,
    /// Label.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(length(max = 255))]
    pub label: Option<String>,
    /// Whether this query is the alarm's value (default true, as in CloudWatch; set false on inputs).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub return_data: Option<bool>,
}

/// A metric with statistic and period, inside a metric math alarm.
#[derive(KubeSchema, Deserialize, Serialize, Clone, Debug, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct MetricStatSpec {
    /// Namespace.
    #[schemars(length(min = 1, max = 255))]
    pub namespace: String,
    /// Metric name.
    #[schemars(length(min = 1, max = 255))]
    pub metric_name: String,
    /// Dimensions.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    #[schemars(length(max = 30))]
    pub dimensions: BTreeMap<String, String>,
    /// Statistic, e.g. `Sum`, `Average`, `p99`.
    #[schemars(length(min = 1, max = 64))]
    pub stat: String,
    /// Period in seconds.
    #[schemars(range(min = 10, max = 86400))]
    pub period: i32,
}

/// A composite alarm: a rule over other alarms. In `rule`, `ALARM(name)`, `OK(name)` and
/// `INSUFFICIENT_DATA(name)` with the name of one of this policy's alarms refer to that alarm; any other name is
/// taken as an AWS alarm name.
#[derive(KubeSchema, Deserialize, Serialize, Clone, Debug, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct CompositeAlarmSpec {
    /// Name within the policy.
    #[schemars(regex(pattern = r"^[A-Za-z0-9_.-]{1,100}$"), length(max = 100))]
    pub name: String,
    /// Description.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(length(max = 1024))]
    pub description: Option<String>,
    /// Alarm rule, e.g. `ALARM(alb-5xx) AND ALARM(latency-p99)`.
    #[schemars(length(min = 1, max = 10240))]
    pub rule: String,
    /// Declared topics notified when the composite alarm fires (and on OK with `notifyOk`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[schemars(length(max = 5), inner(length(min = 1, max = 256)))]
    pub alarm_topics: Vec<String>,
    /// Other action ARNs when it fires.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[schemars(length(max = 5))]
    pub alarm_action_arns: Vec<String>,
    /// Also notify `alarmTopics` on OK.
    #[serde(default)]
    pub notify_ok: bool,
}

/// Estimated-charges alarms: one per threshold, on `AWS/Billing EstimatedCharges` (maximum over 6 hours).
#[derive(KubeSchema, Deserialize, Serialize, Clone, Debug, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct BillingAlarmSpec {
    /// Thresholds in `currency`, e.g. `[500, 1000]`.
    #[schemars(length(min = 1, max = 10))]
    #[x_kube(validation = Rule::new("self.all(t, t > 0.0)").message("billing thresholds must be positive"))]
    pub thresholds: Vec<f64>,
    /// Currency of the estimate.
    #[serde(default = "usd")]
    #[schemars(regex(pattern = r"^[A-Z]{3}$"))]
    pub currency: String,
    /// Declared topic the alarms notify.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(length(min = 1, max = 256))]
    pub topic: Option<String>,
}
