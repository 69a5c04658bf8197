//! CloudWatch metric alarms: read a policy's alarms by name prefix (100 per page), write them with
//! PutMetricAlarm, delete them in batches of 100.

use crate::aws::error::{AwsError, AwsResultExt};
use crate::monitoring::DesiredAlarm;
use aws_sdk_cloudwatch::types::{
    AlarmType, ComparisonOperator, Dimension, MetricAlarm, Statistic, Tag,
};
use aws_sdk_cloudwatch::Client;
use serde_json::{json, Value};
use std::collections::BTreeMap;

const SVC: &str = "cloudwatch";

/// DescribeAlarms takes and returns at most 100 alarms per call.
pub const PAGE: usize = 100;

/// An alarm's managed settings, keyed like `DesiredAlarm::fields` (without the path), plus its ARN.
#[derive(Clone, Debug, PartialEq)]
pub struct AlarmState {
    /// Alarm ARN.
    pub arn: String,
    /// Settings.
    pub fields: Value,
}

fn observed(a: &MetricAlarm) -> AlarmState {
    let dims: BTreeMap<String, String> = a
        .dimensions()
        .iter()
        .map(|d| {
            (
                d.name().unwrap_or_default().to_string(),
                d.value().unwrap_or_default().to_string(),
            )
        })
        .collect();
    let mut alarm: Vec<String> = a.alarm_actions().to_vec();
    alarm.sort();
    let mut ok: Vec<String> = a.ok_actions().to_vec();
    ok.sort();
    AlarmState {
        arn: a.alarm_arn().unwrap_or_default().to_string(),
        fields: json!({
            "namespace": a.namespace().unwrap_or_default(),
            "metricName": a.metric_name().unwrap_or_default(),
            "dimensions": dims,
            "statistic": a.statistic().map(|s| s.as_str()),
            "extendedStatistic": a.extended_statistic(),
            "period": a.period(),
            "evaluationPeriods": a.evaluation_periods(),
            "datapointsToAlarm": a.datapoints_to_alarm().or(a.evaluation_periods()),
            "threshold": a.threshold(),
            "comparisonOperator": a.comparison_operator().map(|c| c.as_str()),
            "treatMissingData": a.treat_missing_data().unwrap_or("missing"),
            "alarmActions": alarm,
            "okActions": ok,
            "description": a.alarm_description().unwrap_or_default(),
        }),
    }
}

/// Every metric alarm whose name starts with `prefix`: one paginated DescribeAlarms, 100 alarms per call.
pub async fn alarms_by_prefix(
    client: &Client,
    prefix: &str,
) -> Result<BTreeMap<String, AlarmState>, AwsError> {
    let mut out = BTreeMap::new();
    let mut token: Option<String> = None;
    loop {
        let page = client
            .describe_alarms()
            .alarm_name_prefix(prefix)
            .alarm_types(AlarmType::MetricAlarm)
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
        match page.next_token() {
            Some(t) if !t.is_empty() => token = Some(t.to_string()),
            _ => return Ok(out),
        }
    }
}

/// PutMetricAlarm with the complete desired alarm; `tags` only on creation (PutMetricAlarm ignores them after).
pub async fn put(
    client: &Client,
    a: &DesiredAlarm,
    topic_arns: &BTreeMap<String, String>,
    tags: Option<&[(String, String)]>,
) -> Result<(), AwsError> {
    let (alarm_actions, ok_actions) = a.actions(topic_arns);
    let mut req = client
        .put_metric_alarm()
        .alarm_name(&a.aws_name)
        .set_alarm_description(a.description.clone())
        .namespace(&a.namespace)
        .metric_name(&a.metric_name)
        .set_dimensions(Some(
            a.dimensions
                .iter()
                .map(|(k, v)| Dimension::builder().name(k).value(v).build())
                .collect(),
        ))
        .set_statistic(a.statistic.as_deref().map(Statistic::from))
        .set_extended_statistic(a.extended_statistic.clone())
        .period(a.period)
        .evaluation_periods(a.evaluation_periods)
        .datapoints_to_alarm(a.datapoints_to_alarm)
        .threshold(a.threshold)
        .comparison_operator(ComparisonOperator::from(a.comparison_operator.as_str()))
        .treat_missing_data(&a.treat_missing_data)
        .set_alarm_actions(Some(alarm_actions))
        .set_ok_actions(Some(ok_actions))
        .actions_enabled(true);
    if let Some(tags) = tags {
        for (k, v) in tags {
            req = req.tags(Tag::builder().key(k).value(v).build());
        }
    }
    req.send().await.aws(SVC, "PutMetricAlarm")?;
    Ok(())
}

/// Tags of one alarm (read only before deleting it: ownership is proven by tags).
pub async fn tags(client: &Client, arn: &str) -> Result<Vec<(String, String)>, AwsError> {
    let out = client
        .list_tags_for_resource()
        .resource_arn(arn)
        .send()
        .await
        .aws(SVC, "ListTagsForResource")?;
    Ok(out
        .tags()
        .iter()
        .map(|t| {
            (
                t.key().unwrap_or_default().to_string(),
                t.value().unwrap_or_default().to_string(),
            )
        })
        .collect())
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
