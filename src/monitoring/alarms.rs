//! Metric alarms, composite alarms and billing alarms (`spec.alarms`, `spec.compositeAlarms`,
//! `spec.billingAlarm`, and the alarms of `spec.cisAwsFoundations`), pure: the desired alarms with their AWS
//! names, the fields the diff compares, and the component and field of an alarm the spec no longer declares.

use super::cis::CIS;
use crate::api::monitoring_policy::{
    AlarmSpec, ComparisonOperator, MonitoringPolicySpec, Statistic, TreatMissingData,
};
use crate::aws::cloudwatch::{Actions, AlarmMetric, DesiredAlarm, DesiredComposite, MetricQuery};
use crate::diff::{FieldDrift, Fields};
use serde_json::{json, Value};
use std::collections::BTreeMap;

/// Component of metric alarms declared in `spec.alarms`.
pub const ALARMS: &str = "alarms";
/// Component of composite alarms.
pub const COMPOSITES: &str = "compositeAlarms";
/// Component of the CIS alarms (their metric filters are `metric_filters::CIS_FILTERS`).
pub const CIS_ALARMS: &str = "cisAwsFoundations";
/// Component of the estimated-charges alarms.
pub const BILLING: &str = "billingAlarm";

impl Actions {
    fn insert(&self, f: &mut Fields, p: &str, topic_arns: &BTreeMap<String, String>) {
        let (alarm, ok, insufficient) = self.resolve(topic_arns);
        f.insert(format!("{p}.alarmActions"), json!(alarm));
        f.insert(format!("{p}.okActions"), json!(ok));
        f.insert(format!("{p}.insufficientDataActions"), json!(insufficient));
    }
}

impl DesiredAlarm {
    /// Flattened settings for the diff; topic names resolved through `topic_arns`.
    pub fn fields(&self, topic_arns: &BTreeMap<String, String>) -> Fields {
        let mut f = Fields::new();
        let p = &self.path;
        f.insert(format!("{p}.exists"), json!(true));
        match &self.metric {
            AlarmMetric::Single {
                namespace,
                metric_name,
                dimensions,
                statistic,
                extended_statistic,
                period,
            } => {
                f.insert(format!("{p}.namespace"), json!(namespace));
                f.insert(format!("{p}.metricName"), json!(metric_name));
                f.insert(format!("{p}.dimensions"), json!(dimensions));
                f.insert(format!("{p}.statistic"), json!(statistic));
                f.insert(format!("{p}.extendedStatistic"), json!(extended_statistic));
                f.insert(format!("{p}.period"), json!(period));
            }
            AlarmMetric::Math {
                queries,
                threshold_metric_id,
            } => {
                let q: Vec<Value> = queries.iter().map(MetricQuery::to_json).collect();
                f.insert(format!("{p}.metrics"), json!(q));
                f.insert(format!("{p}.thresholdMetricId"), json!(threshold_metric_id));
            }
        }
        f.insert(
            format!("{p}.evaluationPeriods"),
            json!(self.evaluation_periods),
        );
        f.insert(
            format!("{p}.datapointsToAlarm"),
            json!(self.datapoints_to_alarm),
        );
        f.insert(format!("{p}.threshold"), json!(self.threshold));
        f.insert(
            format!("{p}.comparisonOperator"),
            json!(self.comparison_operator),
        );
        f.insert(
            format!("{p}.treatMissingData"),
            json!(self.treat_missing_data),
        );
        self.actions.insert(&mut f, p, topic_arns);
        f.insert(
            format!("{p}.description"),
            json!(self.description.clone().unwrap_or_default()),
        );
        f
    }
}

impl DesiredComposite {
    /// Flattened settings for the diff.
    pub fn fields(&self, topic_arns: &BTreeMap<String, String>) -> Fields {
        let p = &self.path;
        let mut f = Fields::new();
        f.insert(format!("{p}.exists"), json!(true));
        f.insert(format!("{p}.alarmRule"), json!(self.rule));
        self.actions.insert(&mut f, p, topic_arns);
        f.insert(
            format!("{p}.description"),
            json!(self.description.clone().unwrap_or_default()),
        );
        f
    }
}

/// Rewrite `ALARM(x)`, `OK(x)`, `INSUFFICIENT_DATA(x)` (x bare or quoted) naming one of `local` alarms to the
/// quoted AWS name `<prefix>x`; other references are kept as written.
pub fn composite_rule(rule: &str, prefix: &str, local: &[&str]) -> String {
    let mut out = String::with_capacity(rule.len());
    let mut rest = rule;
    while let Some(open) = rest.find('(') {
        let head = &rest[..open];
        let func = head
            .rsplit(|c: char| !(c.is_ascii_uppercase() || c == '_'))
            .next()
            .unwrap_or_default();
        let after = &rest[open + 1..];
        let close = after.find(')');
        match close {
            Some(close) if ["ALARM", "OK", "INSUFFICIENT_DATA"].contains(&func) => {
                let arg = after[..close].trim();
                let name = arg.trim_matches('"');
                out.push_str(head);
                out.push('(');
                if local.contains(&name) {
                    out.push_str(&format!("\"{prefix}{name}\""));
                } else {
                    out.push_str(&after[..close]);
                }
                out.push(')');
                rest = &after[close + 1..];
            }
            _ => {
                out.push_str(&rest[..=open]);
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

fn from_spec(prefix: &str, a: &AlarmSpec) -> DesiredAlarm {
    let stat = a
        .statistic
        .map(|s| s.as_str().to_string())
        .or(a.extended_statistic.clone());
    let metric = if !a.metrics.is_empty() {
        AlarmMetric::Math {
            queries: a
                .metrics
                .iter()
                .map(|q| MetricQuery {
                    id: q.id.clone(),
                    expression: q.expression.clone(),
                    metric: q.metric.as_ref().map(|m| {
                        (
                            m.namespace.clone(),
                            m.metric_name.clone(),
                            m.dimensions.clone(),
                            m.stat.clone(),
                            m.period,
                        )
                    }),
                    label: q.label.clone(),
                    return_data: q.return_data.unwrap_or(true),
                })
                .collect(),
            threshold_metric_id: a.threshold_metric_id.clone(),
        }
    } else if let Some(band) = &a.anomaly_band {
        // The band form CloudWatch's console creates: the metric and ANOMALY_DETECTION_BAND over it.
        AlarmMetric::Math {
            queries: vec![
                MetricQuery {
                    id: "m1".into(),
                    expression: None,
                    metric: Some((
                        a.namespace.clone().unwrap_or_default(),
                        a.metric_name.clone().unwrap_or_default(),
                        a.dimensions.clone(),
                        stat.unwrap_or_default(),
                        a.period.unwrap_or(60),
                    )),
                    label: None,
                    return_data: true,
                },
                MetricQuery {
                    id: "ad1".into(),
                    expression: Some(format!(
                        "ANOMALY_DETECTION_BAND(m1, {})",
                        band.standard_deviations
                    )),
                    metric: None,
                    label: None,
                    return_data: true,
                },
            ],
            threshold_metric_id: Some("ad1".into()),
        }
    } else {
        AlarmMetric::Single {
            namespace: a.namespace.clone().unwrap_or_default(),
            metric_name: a.metric_name.clone().unwrap_or_default(),
            dimensions: a.dimensions.clone(),
            statistic: a.statistic.map(|s| s.as_str().to_string()),
            extended_statistic: a.extended_statistic.clone(),
            period: a.period.unwrap_or(60),
        }
    };
    DesiredAlarm {
        path: format!("alarms.{}", a.name),
        aws_name: format!("{prefix}{}", a.name),
        region: None,
        description: a.description.clone(),
        metric,
        evaluation_periods: a.evaluation_periods,
        datapoints_to_alarm: a.datapoints_to_alarm.unwrap_or(a.evaluation_periods),
        threshold: a.threshold,
        comparison_operator: a.comparison_operator.as_str().to_string(),
        treat_missing_data: a.treat_missing_data.as_str().to_string(),
        actions: Actions {
            topics: a.alarm_topics.clone(),
            alarm_arns: a.alarm_action_arns.clone(),
            ok_arns: a.ok_action_arns.clone(),
            insufficient_arns: a.insufficient_data_action_arns.clone(),
            notify_ok: a.notify_ok,
            notify_insufficient: a.notify_insufficient_data,
        },
    }
}

/// Region CloudWatch publishes billing metrics in.
pub const BILLING_REGION: &str = "us-east-1";

/// Composite alarms of the spec, their rules pointing at this policy's alarms by AWS name.
pub fn composites(spec: &MonitoringPolicySpec, prefix: &str) -> Vec<DesiredComposite> {
    let local: Vec<&str> = spec.alarms.iter().map(|a| a.name.as_str()).collect();
    spec.composite_alarms
        .iter()
        .map(|c| DesiredComposite {
            path: format!("compositeAlarms.{}", c.name),
            aws_name: format!("{prefix}{}", c.name),
            description: c.description.clone(),
            rule: composite_rule(&c.rule, prefix, &local),
            actions: Actions {
                topics: c.alarm_topics.clone(),
                alarm_arns: c.alarm_action_arns.clone(),
                notify_ok: c.notify_ok,
                ..Default::default()
            },
        })
        .collect()
}

/// Every metric alarm the spec declares, in this order: `spec.alarms`, the CIS set (minus exclusions), the
/// billing thresholds.
pub fn desired_alarms(spec: &MonitoringPolicySpec, prefix: &str) -> Vec<DesiredAlarm> {
    let mut alarms: Vec<DesiredAlarm> = spec.alarms.iter().map(|a| from_spec(prefix, a)).collect();
    if let Some(cis) = &spec.cis_aws_foundations {
        for d in CIS.iter().filter(|d| !cis.exclude.contains(&d.item)) {
            let metric = format!("{prefix}cis.{}", d.key);
            alarms.push(DesiredAlarm {
                path: format!("cisAwsFoundations.{}.alarm", d.key),
                aws_name: format!("{prefix}cis.{}", d.key),
                description: Some(format!(
                    "CIS AWS Foundations {} ({})",
                    d.key,
                    d.controls.join(", ")
                )),
                region: None,
                metric: AlarmMetric::Single {
                    namespace: cis.metric_namespace.clone(),
                    metric_name: metric,
                    dimensions: BTreeMap::new(),
                    statistic: Some(Statistic::Sum.as_str().into()),
                    extended_statistic: None,
                    period: 300,
                },
                evaluation_periods: 1,
                datapoints_to_alarm: 1,
                threshold: Some(1.0),
                comparison_operator: ComparisonOperator::GreaterThanOrEqualToThreshold
                    .as_str()
                    .into(),
                treat_missing_data: TreatMissingData::NotBreaching.as_str().into(),
                actions: Actions {
                    topics: cis.topic.iter().cloned().collect(),
                    ..Default::default()
                },
            });
        }
    }
    if let Some(b) = &spec.billing_alarm {
        for t in &b.thresholds {
            alarms.push(DesiredAlarm {
                path: format!("billingAlarm.{t}"),
                aws_name: format!("{prefix}billing.{t}"),
                region: Some(BILLING_REGION),
                description: Some(format!("Estimated charges above {t} {}", b.currency)),
                metric: AlarmMetric::Single {
                    namespace: "AWS/Billing".into(),
                    metric_name: "EstimatedCharges".into(),
                    dimensions: BTreeMap::from([("Currency".to_string(), b.currency.clone())]),
                    statistic: Some(Statistic::Maximum.as_str().into()),
                    extended_statistic: None,
                    period: 21600,
                },
                evaluation_periods: 1,
                datapoints_to_alarm: 1,
                threshold: Some(*t),
                comparison_operator: ComparisonOperator::GreaterThanThreshold.as_str().into(),
                treat_missing_data: TreatMissingData::NotBreaching.as_str().into(),
                actions: Actions {
                    topics: b.topic.iter().cloned().collect(),
                    ..Default::default()
                },
            });
        }
    }
    alarms
}

/// The alarms that live in `region` (billing alarms only in [`BILLING_REGION`]).
pub fn in_region<'a>(alarms: &'a [DesiredAlarm], region: &str) -> Vec<&'a DesiredAlarm> {
    alarms
        .iter()
        .filter(|a| a.region.is_none_or(|r| r == region))
        .collect()
}

/// Observed alarm settings flattened under a desired alarm's path (the same keys `DesiredAlarm::fields` uses).
pub fn observed_alarm_fields(path: &str, a: Option<&Value>) -> Fields {
    let mut f = Fields::new();
    f.insert(format!("{path}.exists"), json!(a.is_some()));
    if let Some(Value::Object(m)) = a {
        for (k, v) in m {
            f.insert(format!("{path}.{k}"), v.clone());
        }
    }
    f
}

/// Component an alarm field path belongs to.
pub fn alarm_component(path: &str) -> &'static str {
    match path.split('.').next().unwrap_or_default() {
        "cisAwsFoundations" => CIS_ALARMS,
        "billingAlarm" => BILLING,
        "compositeAlarms" => COMPOSITES,
        "healthChecks" => super::health_checks::HEALTH_CHECK_ALARMS,
        _ => ALARMS,
    }
}

/// Path of an alarm this policy created that the spec no longer declares, from its name after the prefix.
fn removed_alarm_path(rel: &str, composite: bool) -> String {
    if composite {
        return format!("{COMPOSITES}.{rel}");
    }
    if let Some(item) = rel.strip_prefix("cis.") {
        return format!("cisAwsFoundations.{item}.alarm");
    }
    if let Some(t) = rel.strip_prefix("billing.") {
        return format!("billingAlarm.{t}");
    }
    if let Some(h) = rel.strip_prefix("healthCheck.") {
        return format!("healthChecks.{h}.alarm");
    }
    format!("alarms.{rel}")
}

/// Component and drift of an alarm this policy created that the spec no longer declares.
pub fn removed_alarm(rel: &str, composite: bool) -> (&'static str, FieldDrift) {
    let path = removed_alarm_path(rel, composite);
    (alarm_component(&path), super::removed(&path))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::monitoring::prefix;

    fn spec(v: Value) -> MonitoringPolicySpec {
        serde_json::from_value(v).unwrap()
    }

    #[test]
    fn alarm_fields_resolve_topics_and_default_datapoints() {
        let s = spec(
            json!({"accountRef": {"name": "a"}, "topics": [{"name": "ops"}],
            "alarms": [{"name": "alb-5xx", "namespace": "AWS/ApplicationELB", "metricName": "HTTPCode_Target_5XX_Count",
                "dimensions": {"LoadBalancer": "app/web/1"}, "statistic": "Sum", "period": 60, "evaluationPeriods": 3,
                "threshold": 10.0, "comparisonOperator": "GreaterThanThreshold", "alarmTopics": ["ops"], "notifyOk": true}]}),
        );
        let alarms = desired_alarms(&s, &prefix("web", "app"));
        let a = &alarms[0];
        assert_eq!(a.aws_name, "awsbaseline.web.app.alb-5xx");
        let f = a.fields(&BTreeMap::new());
        assert_eq!(f["alarms.alb-5xx.datapointsToAlarm"], json!(3));
        assert_eq!(f["alarms.alb-5xx.alarmActions"], json!(["topic:ops"]));
        let f = a.fields(&BTreeMap::from([("ops".into(), "arn:ops".into())]));
        assert_eq!(f["alarms.alb-5xx.okActions"], json!(["arn:ops"]));
    }

    #[test]
    fn composite_rules_name_local_alarms_by_aws_name_and_keep_others() {
        let p = prefix("web", "app");
        assert_eq!(
            composite_rule(
                "(ALARM(a) OR ALARM(\"b\")) AND NOT OK(c) AND INSUFFICIENT_DATA( a )",
                &p,
                &["a", "b"]
            ),
            "(ALARM(\"awsbaseline.web.app.a\") OR ALARM(\"awsbaseline.web.app.b\")) AND NOT OK(c) AND INSUFFICIENT_DATA(\"awsbaseline.web.app.a\")"
        );
        assert_eq!(composite_rule("TRUE", &p, &["a"]), "TRUE");
    }

    #[test]
    fn anomaly_band_and_billing_expand_to_what_cloudwatch_takes() {
        let s = spec(
            json!({"accountRef": {"name": "a"}, "topics": [{"name": "ops"}],
            "alarms": [{"name": "req", "namespace": "AWS/ApplicationELB", "metricName": "RequestCount",
                "statistic": "Sum", "period": 300, "anomalyBand": {"standardDeviations": 2.5}, "evaluationPeriods": 1,
                "comparisonOperator": "GreaterThanUpperThreshold"}],
            "billingAlarm": {"thresholds": [250.0], "topic": "ops"}}),
        );
        let alarms = desired_alarms(&s, &prefix("web", "app"));
        let f = alarms[0].fields(&BTreeMap::new());
        assert_eq!(f["alarms.req.thresholdMetricId"], json!("ad1"));
        assert_eq!(f["alarms.req.threshold"], Value::Null);
        assert_eq!(
            f["alarms.req.metrics"][1]["expression"],
            json!("ANOMALY_DETECTION_BAND(m1, 2.5)")
        );
        let billing = &alarms[1];
        assert_eq!(billing.aws_name, "awsbaseline.web.app.billing.250");
        assert_eq!(billing.region, Some(BILLING_REGION));
        assert_eq!(
            billing.fields(&BTreeMap::new())["billingAlarm.250.dimensions"],
            json!({"Currency": "USD"})
        );
    }

    #[test]
    fn alarms_the_spec_dropped_map_back_to_their_component_and_field() {
        for (rel, composite, field) in [
            ("cpu", false, "alarms.cpu.exists"),
            ("cpu", true, "compositeAlarms.cpu.exists"),
            (
                "cis.rootAccountUsage",
                false,
                "cisAwsFoundations.rootAccountUsage.alarm.exists",
            ),
            ("billing.250", false, "billingAlarm.250.exists"),
            ("healthCheck.web", false, "healthChecks.web.alarm.exists"),
        ] {
            assert_eq!(
                format!("{}.exists", removed_alarm_path(rel, composite)),
                field
            );
            let (c, drift) = removed_alarm(rel, composite);
            let component = match field.split('.').next().unwrap() {
                "healthChecks" => crate::monitoring::health_checks::HEALTH_CHECK_ALARMS,
                first => first,
            };
            assert_eq!(c, component);
            assert_eq!(
                (drift.field.as_str(), drift.desired, drift.actual),
                (field, json!(false), json!(true))
            );
        }
    }

    #[test]
    fn billing_alarms_live_only_in_the_billing_region() {
        let s = spec(
            json!({"accountRef": {"name": "a"}, "topics": [{"name": "ops"}],
            "alarms": [{"name": "cpu", "namespace": "AWS/EC2", "metricName": "CPUUtilization", "statistic": "Average",
                "period": 60, "evaluationPeriods": 1, "threshold": 90.0, "comparisonOperator": "GreaterThanThreshold"}],
            "billingAlarm": {"thresholds": [10.0, 20.0]}}),
        );
        let alarms = desired_alarms(&s, &prefix("web", "app"));
        assert_eq!(in_region(&alarms, BILLING_REGION).len(), 3);
        let elsewhere: Vec<&str> = in_region(&alarms, "eu-west-1")
            .iter()
            .map(|a| a.path.as_str())
            .collect();
        assert_eq!(elsewhere, ["alarms.cpu"]);
    }
}
