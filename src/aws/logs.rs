//! CloudWatch Logs: metric filters (one paginated read per log group) and log group retention.

use crate::aws::error::{not_found_as_none, AwsError, AwsResultExt, ErrorCategory};
use crate::monitoring::DesiredFilter;
use aws_sdk_cloudwatchlogs::types::MetricTransformation;
use aws_sdk_cloudwatchlogs::Client;
use serde_json::{json, Value};
use std::collections::BTreeMap;

const SVC: &str = "logs";

/// Metric filters of `log_group` whose names start with `prefix`, as `filterName -> settings` (keyed like
/// `DesiredFilter::fields`). `None` when the log group does not exist.
pub async fn filters(
    client: &Client,
    log_group: &str,
    prefix: &str,
) -> Result<Option<BTreeMap<String, Value>>, AwsError> {
    let mut out = BTreeMap::new();
    let mut token: Option<String> = None;
    loop {
        let page = not_found_as_none(
            client
                .describe_metric_filters()
                .log_group_name(log_group)
                .filter_name_prefix(prefix)
                .set_next_token(token.take())
                .send()
                .await
                .aws(SVC, "DescribeMetricFilters"),
            &["ResourceNotFoundException"],
        )?;
        let Some(page) = page else { return Ok(None) };
        for f in page.metric_filters() {
            let t = f.metric_transformations().first();
            out.insert(
                f.filter_name().unwrap_or_default().to_string(),
                json!({
                    "filterPattern": f.filter_pattern().unwrap_or_default(),
                    "metricNamespace": t.map(|t| t.metric_namespace()),
                    "metricName": t.map(|t| t.metric_name()),
                    "metricValue": t.map(|t| t.metric_value()),
                }),
            );
        }
        match page.next_token() {
            Some(t) if !t.is_empty() => token = Some(t.to_string()),
            _ => return Ok(Some(out)),
        }
    }
}

/// PutMetricFilter with the complete desired filter.
pub async fn put_filter(client: &Client, f: &DesiredFilter) -> Result<(), AwsError> {
    let transformation = MetricTransformation::builder()
        .metric_namespace(&f.metric_namespace)
        .metric_name(&f.metric_name)
        .metric_value(&f.metric_value)
        .build()
        .map_err(|e| {
            AwsError::new(
                SVC,
                "PutMetricFilter",
                ErrorCategory::InvalidInput,
                e.to_string(),
            )
        })?;
    client
        .put_metric_filter()
        .log_group_name(&f.log_group_name)
        .filter_name(&f.aws_name)
        .filter_pattern(&f.pattern)
        .metric_transformations(transformation)
        .send()
        .await
        .aws(SVC, "PutMetricFilter")?;
    Ok(())
}

/// DeleteMetricFilter; an already missing filter (or log group) is done.
pub async fn delete_filter(client: &Client, log_group: &str, name: &str) -> Result<(), AwsError> {
    not_found_as_none(
        client
            .delete_metric_filter()
            .log_group_name(log_group)
            .filter_name(name)
            .send()
            .await
            .aws(SVC, "DeleteMetricFilter"),
        &["ResourceNotFoundException"],
    )?;
    Ok(())
}

/// Retention (days; `None` = never expire) of one log group, `Ok(None)` when it does not exist.
pub async fn retention(client: &Client, name: &str) -> Result<Option<Option<i32>>, AwsError> {
    let out = client
        .describe_log_groups()
        .log_group_name_prefix(name)
        .send()
        .await
        .aws(SVC, "DescribeLogGroups")?;
    Ok(out
        .log_groups()
        .iter()
        .find(|g| g.log_group_name() == Some(name))
        .map(|g| g.retention_in_days()))
}

/// CreateLogGroup with tags.
pub async fn create_group(
    client: &Client,
    name: &str,
    tags: &[(String, String)],
) -> Result<(), AwsError> {
    client
        .create_log_group()
        .log_group_name(name)
        .set_tags(Some(tags.iter().cloned().collect()))
        .send()
        .await
        .aws(SVC, "CreateLogGroup")?;
    Ok(())
}

/// PutRetentionPolicy.
pub async fn put_retention(client: &Client, name: &str, days: i32) -> Result<(), AwsError> {
    client
        .put_retention_policy()
        .log_group_name(name)
        .retention_in_days(days)
        .send()
        .await
        .aws(SVC, "PutRetentionPolicy")?;
    Ok(())
}
