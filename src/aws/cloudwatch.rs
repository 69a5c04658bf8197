//! CloudWatch alarms and dashboards: read a policy's metric and composite alarms by name prefix in one
//! paginated DescribeAlarms (100 per page), write them with PutMetricAlarm / PutCompositeAlarm, delete them in
//! batches of 100; dashboards by name prefix, GetDashboard per dashboard (there is no batch read).

use crate::aws::error::{ok_if_gone, AwsError, AwsResultExt};
use crate::aws::operation::{act, read, write, Operation, MOTO, MOTO_EXT};
use crate::aws::tags;
use aws_sdk_cloudwatch::types::{
    AlarmType, ComparisonOperator, CompositeAlarm, Dimension, Metric, MetricAlarm, MetricDataQuery,
    MetricStat, Statistic, Tag,
};
use aws_sdk_cloudwatch::Client;
use serde_json::{json, Value};
use std::collections::BTreeMap;

const SVC: &str = "cloudwatch";

/// DescribeAlarms takes and returns at most 100 alarms per call.
pub const PAGE: usize = 100;

/// What a metric alarm evaluates.
#[derive(Clone, Debug, PartialEq)]
pub enum AlarmMetric {
    /// One metric with a statistic.
    Single {
        /// Metric namespace.
        namespace: String,
        /// Metric name.
        metric_name: String,
        /// Dimensions.
        dimensions: BTreeMap<String, String>,
        /// Statistic.
        statistic: Option<String>,
        /// Extended statistic.
        extended_statistic: Option<String>,
        /// Period (s).
        period: i32,
    },
    /// Metric math (and anomaly detection bands).
    Math {
        /// The queries, as `query_json` renders them.
        queries: Vec<MetricQuery>,
        /// The band the alarm compares with.
        threshold_metric_id: Option<String>,
    },
}

/// A metric with its statistic: namespace, name, dimensions, stat, period.
pub type StatMetric = (String, String, BTreeMap<String, String>, String, i32);

/// One query of a metric math alarm.
#[derive(Clone, Debug, PartialEq)]
pub struct MetricQuery {
    /// Id.
    pub id: String,
    /// Expression.
    pub expression: Option<String>,
    /// Metric (namespace, name, dimensions, stat, period).
    pub metric: Option<StatMetric>,
    /// Label.
    pub label: Option<String>,
    /// Returns the alarm's value.
    pub return_data: bool,
}

impl MetricQuery {
    /// The comparable form, shared by the desired and the observed side.
    pub fn to_json(&self) -> Value {
        let mut q = serde_json::Map::new();
        q.insert("id".into(), json!(self.id));
        if let Some(e) = &self.expression {
            q.insert("expression".into(), json!(e));
        }
        if let Some((ns, name, dims, stat, period)) = &self.metric {
            q.insert(
                "metric".into(),
                json!({"namespace": ns, "metricName": name, "dimensions": dims, "stat": stat, "period": period}),
            );
        }
        if let Some(l) = &self.label {
            q.insert("label".into(), json!(l));
        }
        q.insert("returnData".into(), json!(self.return_data));
        Value::Object(q)
    }
}

/// A metric alarm as PutMetricAlarm takes it, with the field path it is reported under. Built, and flattened for
/// the diff (`fields`), by the MonitoringPolicy rules (src/monitoring/mod.rs).
#[derive(Clone, Debug, PartialEq)]
pub struct DesiredAlarm {
    /// Field path prefix, e.g. `alarms.high-5xx` or `cisAwsFoundations.rootAccountUsage.alarm`.
    pub path: String,
    /// AWS alarm name.
    pub aws_name: String,
    /// The only region the alarm exists in (billing alarms: us-east-1); `None` = every region of the policy.
    pub region: Option<&'static str>,
    /// Description.
    pub description: Option<String>,
    /// What is evaluated.
    pub metric: AlarmMetric,
    /// Evaluation periods.
    pub evaluation_periods: i32,
    /// Datapoints to alarm (defaults to evaluation periods, as CloudWatch does).
    pub datapoints_to_alarm: i32,
    /// Static threshold (`None` with an anomaly band).
    pub threshold: Option<f64>,
    /// Comparison.
    pub comparison_operator: String,
    /// Missing data.
    pub treat_missing_data: String,
    /// Actions by declared topic and ARN.
    pub actions: Actions,
}

/// Alarm actions: declared topics (resolved to ARNs per region) and literal ARNs, per state.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Actions {
    /// Declared topics notified on ALARM.
    pub topics: Vec<String>,
    /// Literal ARNs on ALARM.
    pub alarm_arns: Vec<String>,
    /// Literal ARNs on OK.
    pub ok_arns: Vec<String>,
    /// Literal ARNs on INSUFFICIENT_DATA.
    pub insufficient_arns: Vec<String>,
    /// Topics also notified on OK.
    pub notify_ok: bool,
    /// Topics also notified on INSUFFICIENT_DATA.
    pub notify_insufficient: bool,
}

impl Actions {
    /// ALARM, OK and INSUFFICIENT_DATA ARNs, sorted (CloudWatch returns them as sets). A topic not created yet
    /// stays `topic:<name>` so it shows as drift, not as a silent match.
    pub fn resolve(
        &self,
        topic_arns: &BTreeMap<String, String>,
    ) -> (Vec<String>, Vec<String>, Vec<String>) {
        let topics: Vec<String> = self
            .topics
            .iter()
            .map(|t| {
                topic_arns
                    .get(t)
                    .cloned()
                    .unwrap_or_else(|| format!("topic:{t}"))
            })
            .collect();
        let when = |on: bool| if on { topics.clone() } else { Vec::new() };
        (
            super::sorted(topics.iter().chain(&self.alarm_arns).cloned()),
            super::sorted(when(self.notify_ok).into_iter().chain(self.ok_arns.clone())),
            super::sorted(
                when(self.notify_insufficient)
                    .into_iter()
                    .chain(self.insufficient_arns.clone()),
            ),
        )
    }
}

/// A composite alarm as PutCompositeAlarm takes it. Built, and flattened for the diff (`fields`), by the
/// MonitoringPolicy rules (src/monitoring/mod.rs).
#[derive(Clone, Debug, PartialEq)]
pub struct DesiredComposite {
    /// Field path prefix (`compositeAlarms.<name>`).
    pub path: String,
    /// AWS alarm name.
    pub aws_name: String,
    /// Description.
    pub description: Option<String>,
    /// The rule with this policy's alarm names replaced by their AWS names.
    pub rule: String,
    /// Actions.
    pub actions: Actions,
}

/// An alarm's managed settings, keyed like `DesiredAlarm::fields` (without the path), plus its ARN.
#[derive(Clone, Debug, PartialEq)]
pub struct AlarmState {
    /// Alarm ARN.
    pub arn: String,
    /// Settings.
    pub fields: Value,
    /// A composite alarm.
    pub composite: bool,
}

fn dims(d: &[Dimension]) -> BTreeMap<String, String> {
    d.iter()
        .map(|d| {
            (
                d.name().unwrap_or_default().to_string(),
                d.value().unwrap_or_default().to_string(),
            )
        })
        .collect()
}

fn sorted(v: &[String]) -> Vec<String> {
    super::sorted(v.iter().cloned())
}

fn query(q: &MetricDataQuery) -> Value {
    MetricQuery {
        id: q.id().unwrap_or_default().to_string(),
        expression: q.expression().map(str::to_string),
        metric: q.metric_stat().map(|m| {
            let metric = m.metric();
            (
                metric
                    .and_then(|x| x.namespace())
                    .unwrap_or_default()
                    .to_string(),
                metric
                    .and_then(|x| x.metric_name())
                    .unwrap_or_default()
                    .to_string(),
                dims(metric.map(|x| x.dimensions()).unwrap_or_default()),
                m.stat().unwrap_or_default().to_string(),
                m.period().unwrap_or_default(),
            )
        }),
        label: q.label().map(str::to_string),
        return_data: q.return_data().unwrap_or(true),
    }
    .to_json()
}

fn observed_composite(a: &CompositeAlarm) -> AlarmState {
    AlarmState {
        arn: a.alarm_arn().unwrap_or_default().to_string(),
        fields: json!({
            "alarmRule": a.alarm_rule().unwrap_or_default(),
            "alarmActions": sorted(a.alarm_actions()),
            "okActions": sorted(a.ok_actions()),
            "insufficientDataActions": sorted(a.insufficient_data_actions()),
            "description": a.alarm_description().unwrap_or_default(),
        }),
        composite: true,
    }
}

fn observed(a: &MetricAlarm) -> AlarmState {
    let mut fields = json!({
        "evaluationPeriods": a.evaluation_periods(),
        "datapointsToAlarm": a.datapoints_to_alarm().or(a.evaluation_periods()),
        "threshold": a.threshold(),
        "comparisonOperator": a.comparison_operator().map(|c| c.as_str()),
        "treatMissingData": a.treat_missing_data().unwrap_or("missing"),
        "alarmActions": sorted(a.alarm_actions()),
        "okActions": sorted(a.ok_actions()),
        "insufficientDataActions": sorted(a.insufficient_data_actions()),
        "description": a.alarm_description().unwrap_or_default(),
    });
    let single = json!({
        "namespace": a.namespace().unwrap_or_default(),
        "metricName": a.metric_name().unwrap_or_default(),
        "dimensions": dims(a.dimensions()),
        "statistic": a.statistic().map(|s| s.as_str()),
        "extendedStatistic": a.extended_statistic(),
        "period": a.period(),
    });
    let math = json!({
        "metrics": a.metrics().iter().map(query).collect::<Vec<_>>(),
        "thresholdMetricId": a.threshold_metric_id(),
    });
    let extra = if a.metrics().is_empty() { single } else { math };
    if let (Some(f), Value::Object(e)) = (fields.as_object_mut(), extra) {
        f.extend(e);
    }
    AlarmState {
        arn: a.alarm_arn().unwrap_or_default().to_string(),
        fields,
        composite: false,
    }
}

/// Spacing of DescribeAlarms pages per account and Region: CloudWatch publishes 9 requests per second; stay
/// below it when many policies of one account start together.
pub const DESCRIBE_INTERVAL: std::time::Duration = std::time::Duration::from_millis(120);

/// Every metric and composite alarm whose name starts with `prefix`: one paginated DescribeAlarms, 100 alarms
/// per call, each page paced under `pace_key` (`<account>/<region>`) by the process-wide pacer.
pub async fn alarms_by_prefix(
    client: &Client,
    prefix: &str,
    pace_key: &str,
) -> Result<BTreeMap<String, AlarmState>, AwsError> {
    let mut out = BTreeMap::new();
    let mut token: Option<String> = None;
    loop {
        crate::aws::pace::wait(
            &format!("{pace_key}/cloudwatch:DescribeAlarms"),
            DESCRIBE_INTERVAL,
        )
        .await;
        let page = client
            .describe_alarms()
            .alarm_name_prefix(prefix)
            .alarm_types(AlarmType::MetricAlarm)
            .alarm_types(AlarmType::CompositeAlarm)
            .max_records(PAGE as i32)
            .set_next_token(token.take())
            .send()
            .await
            .aws(SVC, "DescribeAlarms")?;
        for a in page.metric_alarms() {
            if let Some(name) = a.alarm_name() {
                out.insert(name.to_string(), observed(a));
            }
        }
        for a in page.composite_alarms() {
            if let Some(name) = a.alarm_name() {
                out.insert(name.to_string(), observed_composite(a));
            }
        }
        match page.next_token() {
            Some(t) if !t.is_empty() => token = Some(t.to_string()),
            _ => return Ok(out),
        }
    }
}

fn dimensions(d: &BTreeMap<String, String>) -> Vec<Dimension> {
    d.iter()
        .map(|(k, v)| Dimension::builder().name(k).value(v).build())
        .collect()
}

fn to_tags(tags: Option<&[(String, String)]>) -> Option<Vec<Tag>> {
    tags.map(|t| {
        t.iter()
            .map(|(k, v)| Tag::builder().key(k).value(v).build())
            .collect()
    })
}

/// PutMetricAlarm with the complete desired alarm; `tags` only on creation (PutMetricAlarm ignores them after).
pub async fn put(
    client: &Client,
    a: &DesiredAlarm,
    topic_arns: &BTreeMap<String, String>,
    tags: Option<&[(String, String)]>,
) -> Result<(), AwsError> {
    let (alarm_actions, ok_actions, insufficient) = a.actions.resolve(topic_arns);
    let mut req = client
        .put_metric_alarm()
        .alarm_name(&a.aws_name)
        .set_alarm_description(a.description.clone())
        .evaluation_periods(a.evaluation_periods)
        .datapoints_to_alarm(a.datapoints_to_alarm)
        .set_threshold(a.threshold)
        .comparison_operator(ComparisonOperator::from(a.comparison_operator.as_str()))
        .treat_missing_data(&a.treat_missing_data)
        .set_alarm_actions(Some(alarm_actions))
        .set_ok_actions(Some(ok_actions))
        .set_insufficient_data_actions(Some(insufficient))
        .actions_enabled(true)
        .set_tags(to_tags(tags));
    req = match &a.metric {
        AlarmMetric::Single {
            namespace,
            metric_name,
            dimensions: d,
            statistic,
            extended_statistic,
            period,
        } => req
            .namespace(namespace)
            .metric_name(metric_name)
            .set_dimensions(Some(dimensions(d)))
            .set_statistic(statistic.as_deref().map(Statistic::from))
            .set_extended_statistic(extended_statistic.clone())
            .period(*period),
        AlarmMetric::Math {
            queries,
            threshold_metric_id,
        } => req
            .set_metrics(Some(
                queries
                    .iter()
                    .map(|q| {
                        MetricDataQuery::builder()
                            .id(&q.id)
                            .set_expression(q.expression.clone())
                            .set_label(q.label.clone())
                            .return_data(q.return_data)
                            .set_metric_stat(q.metric.as_ref().map(
                                |(ns, name, d, stat, period)| {
                                    MetricStat::builder()
                                        .metric(
                                            Metric::builder()
                                                .namespace(ns)
                                                .metric_name(name)
                                                .set_dimensions(Some(dimensions(d)))
                                                .build(),
                                        )
                                        .stat(stat)
                                        .period(*period)
                                        .build()
                                },
                            ))
                            .build()
                    })
                    .collect(),
            ))
            .set_threshold_metric_id(threshold_metric_id.clone()),
    };
    req.send().await.aws(SVC, "PutMetricAlarm")?;
    Ok(())
}

/// PutCompositeAlarm with the complete desired alarm; `tags` only on creation.
pub async fn put_composite(
    client: &Client,
    a: &DesiredComposite,
    topic_arns: &BTreeMap<String, String>,
    tags: Option<&[(String, String)]>,
) -> Result<(), AwsError> {
    let (alarm_actions, ok_actions, insufficient) = a.actions.resolve(topic_arns);
    client
        .put_composite_alarm()
        .alarm_name(&a.aws_name)
        .set_alarm_description(a.description.clone())
        .alarm_rule(&a.rule)
        .set_alarm_actions(Some(alarm_actions))
        .set_ok_actions(Some(ok_actions))
        .set_insufficient_data_actions(Some(insufficient))
        .actions_enabled(true)
        .set_tags(to_tags(tags))
        .send()
        .await
        .aws(SVC, "PutCompositeAlarm")?;
    Ok(())
}

/// Dashboards whose names start with `prefix`, with their bodies parsed (one ListDashboards page per 1,000
/// dashboards, one GetDashboard each: CloudWatch has no batch read of bodies).
pub async fn dashboards(
    client: &Client,
    prefix: &str,
) -> Result<BTreeMap<String, Value>, AwsError> {
    let mut names = Vec::new();
    let mut token: Option<String> = None;
    loop {
        let page = client
            .list_dashboards()
            .dashboard_name_prefix(prefix)
            .set_next_token(token.take())
            .send()
            .await
            .aws(SVC, "ListDashboards")?;
        names.extend(
            page.dashboard_entries()
                .iter()
                .filter_map(|d| d.dashboard_name().map(str::to_string)),
        );
        match page.next_token() {
            Some(t) if !t.is_empty() => token = Some(t.to_string()),
            _ => break,
        }
    }
    let mut out = BTreeMap::new();
    for name in names {
        let d = client
            .get_dashboard()
            .dashboard_name(&name)
            .send()
            .await
            .aws(SVC, "GetDashboard")?;
        let body = d.dashboard_body().unwrap_or("{}");
        out.insert(
            name,
            serde_json::from_str(body).unwrap_or(Value::String(body.to_string())),
        );
    }
    Ok(out)
}

/// PutDashboard (creates or replaces the whole body).
pub async fn put_dashboard(client: &Client, name: &str, body: &Value) -> Result<(), AwsError> {
    client
        .put_dashboard()
        .dashboard_name(name)
        .dashboard_body(body.to_string())
        .send()
        .await
        .aws(SVC, "PutDashboard")?;
    Ok(())
}

/// DeleteDashboards; dashboards already gone are done.
pub async fn delete_dashboards(client: &Client, names: &[String]) -> Result<(), AwsError> {
    if names.is_empty() {
        return Ok(());
    }
    ok_if_gone(
        client
            .delete_dashboards()
            .set_dashboard_names(Some(names.to_vec()))
            .send()
            .await
            .aws(SVC, "DeleteDashboards"),
        &["ResourceNotFound", "DashboardNotFoundError"],
    )
}

/// Tags of one alarm (read only before deleting it: ownership is proven by tags).
pub async fn tags(client: &Client, arn: &str) -> Result<Vec<(String, String)>, AwsError> {
    let out = client
        .list_tags_for_resource()
        .resource_arn(arn)
        .send()
        .await
        .aws(SVC, "ListTagsForResource")?;
    Ok(tags::pairs(out.tags()))
}

/// DeleteAlarms, 100 names per call.
pub async fn delete(client: &Client, names: &[String]) -> Result<(), AwsError> {
    for chunk in names.chunks(PAGE) {
        client
            .delete_alarms()
            .set_alarm_names(Some(chunk.to_vec()))
            .send()
            .await
            .aws(SVC, "DeleteAlarms")?;
    }
    Ok(())
}

/// The AWS operations this module calls: the IAM permissions each needs, the spec sections whose
/// reconciliation calls it, and the test that exercises it (see [`crate::aws::operation`]).
pub const OPERATIONS: &[Operation] = &[
    // CloudWatch (MonitoringPolicy alarms, composite alarms, dashboards).
    write(
        SVC,
        "DeleteAlarms",
        MOTO,
        &[act("cloudwatch:DeleteAlarms")],
        &["MonitoringPolicy#correct", "MonitoringPolicy#delete"],
    ),
    write(
        SVC,
        "DeleteDashboards",
        MOTO,
        &[act("cloudwatch:DeleteDashboards")],
        &[
            "MonitoringPolicy.dashboards#correct",
            "MonitoringPolicy#delete",
        ],
    ),
    read(
        SVC,
        "DescribeAlarms",
        MOTO,
        &[act("cloudwatch:DescribeAlarms")],
        &["MonitoringPolicy"],
    ),
    read(
        SVC,
        "GetDashboard",
        MOTO,
        &[act("cloudwatch:GetDashboard")],
        &["MonitoringPolicy.dashboards"],
    ),
    read(
        SVC,
        "ListDashboards",
        MOTO,
        &[act("cloudwatch:ListDashboards")],
        &["MonitoringPolicy.dashboards"],
    ),
    read(
        SVC,
        "ListTagsForResource",
        MOTO,
        &[act("cloudwatch:ListTagsForResource")],
        &["MonitoringPolicy"],
    ),
    write(
        SVC,
        "PutCompositeAlarm",
        MOTO_EXT,
        &[
            act("cloudwatch:PutCompositeAlarm"),
            act("cloudwatch:TagResource"),
        ],
        &["MonitoringPolicy.compositeAlarms#correct"],
    ),
    write(
        SVC,
        "PutDashboard",
        MOTO,
        &[act("cloudwatch:PutDashboard")],
        &["MonitoringPolicy.dashboards#correct"],
    ),
    write(
        SVC,
        "PutMetricAlarm",
        MOTO,
        &[
            act("cloudwatch:PutMetricAlarm"),
            act("cloudwatch:TagResource"),
        ],
        &["MonitoringPolicy.alarms#correct"],
    ),
];

/// How CloudTrail records the writes that change what this module manages: the `eventSource` (EventBridge
/// events reference, https://docs.aws.amazon.com/eventbridge/latest/ref/events-ref-monitoring.html), the rows logged under
/// another `eventName`, and the writes the operator never makes that change it (see [`crate::change_events`]).
pub const EVENTS: crate::aws::operation::Events = crate::aws::operation::Events {
    source: Some("monitoring.amazonaws.com"),
    renamed: &[],
    foreign_writes: &[
        crate::aws::operation::foreign(
            "DisableAlarmActions",
            &[
                "MonitoringPolicy.alarms",
                "MonitoringPolicy.compositeAlarms",
            ],
        ),
        crate::aws::operation::foreign(
            "EnableAlarmActions",
            &[
                "MonitoringPolicy.alarms",
                "MonitoringPolicy.compositeAlarms",
            ],
        ),
        // The owner tags prove the alarm is ours.
        crate::aws::operation::foreign(
            "UntagResource",
            &[
                "MonitoringPolicy.alarms",
                "MonitoringPolicy.compositeAlarms",
            ],
        ),
    ],
};
