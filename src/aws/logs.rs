//! CloudWatch Logs: metric filters (one paginated read per log group) and log group retention.

use crate::aws::error::{not_found_as_none, ok_if_gone, AwsError, AwsResultExt, ErrorCategory};
use crate::aws::operation::{act, read, write, Operation, MOTO, MOTO_EXT};
use aws_sdk_cloudwatchlogs::types::MetricTransformation;
use aws_sdk_cloudwatchlogs::Client;
use serde_json::{json, Value};
use std::collections::BTreeMap;

const SVC: &str = "logs";

/// A metric filter as PutMetricFilter takes it. Built, and flattened for the diff (`fields`), by the
/// MonitoringPolicy rules (src/monitoring/mod.rs).
#[derive(Clone, Debug, PartialEq)]
pub struct DesiredFilter {
    /// Field path prefix.
    pub path: String,
    /// Log group.
    pub log_group_name: String,
    /// AWS filter name.
    pub aws_name: String,
    /// Pattern.
    pub pattern: String,
    /// Metric namespace.
    pub metric_namespace: String,
    /// Metric name.
    pub metric_name: String,
    /// Metric value.
    pub metric_value: String,
}

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
    ok_if_gone(
        client
            .delete_metric_filter()
            .log_group_name(log_group)
            .filter_name(name)
            .send()
            .await
            .aws(SVC, "DeleteMetricFilter"),
        &["ResourceNotFoundException"],
    )
}

/// Settings of a log group the operator compares.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct LogGroupState {
    /// Days events are kept (`None` = never expire).
    pub retention_in_days: Option<i32>,
    /// KMS key ARN the group is encrypted with.
    pub kms_key_id: Option<String>,
}

/// One log group (DescribeLogGroups by name prefix), `Ok(None)` when it does not exist.
pub async fn log_group(client: &Client, name: &str) -> Result<Option<LogGroupState>, AwsError> {
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
        .map(|g| LogGroupState {
            retention_in_days: g.retention_in_days(),
            kms_key_id: g.kms_key_id().map(str::to_string),
        }))
}

/// CreateLogGroup with tags (and the KMS key, when declared).
pub async fn create_group(
    client: &Client,
    name: &str,
    kms_key_id: Option<&str>,
    tags: &[(String, String)],
) -> Result<(), AwsError> {
    client
        .create_log_group()
        .log_group_name(name)
        .set_kms_key_id(kms_key_id.map(str::to_string))
        .set_tags(Some(tags.iter().cloned().collect()))
        .send()
        .await
        .aws(SVC, "CreateLogGroup")?;
    Ok(())
}

/// AssociateKmsKey: encrypt the group's new events with `key`.
pub async fn associate_kms_key(client: &Client, name: &str, key: &str) -> Result<(), AwsError> {
    client
        .associate_kms_key()
        .log_group_name(name)
        .kms_key_id(key)
        .send()
        .await
        .aws(SVC, "AssociateKmsKey")?;
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

/// A saved Logs Insights query (query definition).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct QueryDefinition {
    /// `queryDefinitionId`.
    pub id: String,
    /// Name (folders are `/`-separated).
    pub name: String,
    /// The query.
    pub query_string: String,
    /// Log groups the query runs on by default.
    pub log_group_names: Vec<String>,
}

/// Query definitions whose names start with `prefix`: one paginated DescribeQueryDefinitions (1000 per page).
/// Names are not unique in AWS, so every definition is returned, in AWS's order.
pub async fn query_definitions(
    client: &Client,
    prefix: &str,
) -> Result<Vec<QueryDefinition>, AwsError> {
    let mut out = Vec::new();
    let mut token: Option<String> = None;
    loop {
        let page = client
            .describe_query_definitions()
            .query_definition_name_prefix(prefix)
            .max_results(1000)
            .set_next_token(token.take())
            .send()
            .await
            .aws(SVC, "DescribeQueryDefinitions")?;
        for q in page.query_definitions() {
            let (Some(id), Some(name)) = (q.query_definition_id(), q.name()) else {
                continue;
            };
            // The prefix filter is AWS's; keep only exact prefix matches in case it is looser.
            if !name.starts_with(prefix) {
                continue;
            }
            out.push(QueryDefinition {
                id: id.to_string(),
                name: name.to_string(),
                query_string: q.query_string().unwrap_or_default().to_string(),
                log_group_names: q.log_group_names().to_vec(),
            });
        }
        match page.next_token() {
            Some(t) if !t.is_empty() => token = Some(t.to_string()),
            _ => return Ok(out),
        }
    }
}

/// PutQueryDefinition: creates a definition (`id` unset) or replaces the one with `id`; returns its id.
pub async fn put_query_definition(
    client: &Client,
    name: &str,
    id: Option<&str>,
    query_string: &str,
    log_group_names: &[String],
) -> Result<String, AwsError> {
    let out = client
        .put_query_definition()
        .name(name)
        .set_query_definition_id(id.map(str::to_string))
        .query_string(query_string)
        .set_log_group_names((!log_group_names.is_empty()).then(|| log_group_names.to_vec()))
        .send()
        .await
        .aws(SVC, "PutQueryDefinition")?;
    Ok(out
        .query_definition_id()
        .map(str::to_string)
        .or_else(|| id.map(str::to_string))
        .unwrap_or_default())
}

/// DeleteQueryDefinition; an already missing definition is done.
pub async fn delete_query_definition(client: &Client, id: &str) -> Result<(), AwsError> {
    ok_if_gone(
        client
            .delete_query_definition()
            .query_definition_id(id)
            .send()
            .await
            .aws(SVC, "DeleteQueryDefinition"),
        &["ResourceNotFoundException"],
    )
}

/// The AWS operations this module calls: the IAM permissions each needs, the spec sections whose
/// reconciliation calls it, and the test that exercises it (see [`crate::aws::operation`]).
pub const OPERATIONS: &[Operation] = &[
    // CloudWatch Logs (MonitoringPolicy metric filters, log group retention).
    write(
        SVC,
        "AssociateKmsKey",
        MOTO_EXT,
        &[act("logs:AssociateKmsKey")],
        &[
            "MonitoringPolicy.logGroups.kmsKeyId#correct",
            "AccountBaseline.cloudTrail.cloudWatchLogs.createLogGroup#correct",
        ],
    ),
    write(
        SVC,
        "CreateLogGroup",
        MOTO,
        &[act("logs:CreateLogGroup"), act("logs:TagResource")],
        &[
            "MonitoringPolicy.logGroups#correct",
            "AccountBaseline.cloudTrail.cloudWatchLogs.createLogGroup#correct",
        ],
    ),
    write(
        SVC,
        "DeleteMetricFilter",
        MOTO,
        &[act("logs:DeleteMetricFilter")],
        &["MonitoringPolicy#correct", "MonitoringPolicy#delete"],
    ),
    write(
        SVC,
        "DeleteQueryDefinition",
        MOTO_EXT,
        &[act("logs:DeleteQueryDefinition")],
        &["MonitoringPolicy#correct", "MonitoringPolicy#delete"],
    ),
    read(
        SVC,
        "DescribeLogGroups",
        MOTO,
        &[act("logs:DescribeLogGroups")],
        &[
            "MonitoringPolicy.logGroups",
            "AccountBaseline.cloudTrail.cloudWatchLogs.createLogGroup",
        ],
    ),
    read(
        SVC,
        "DescribeMetricFilters",
        MOTO,
        &[act("logs:DescribeMetricFilters")],
        &["MonitoringPolicy.logMetricFilters"],
    ),
    read(
        SVC,
        "DescribeQueryDefinitions",
        MOTO_EXT,
        &[act("logs:DescribeQueryDefinitions")],
        &["MonitoringPolicy.insightsQueries"],
    ),
    write(
        SVC,
        "PutMetricFilter",
        MOTO,
        &[act("logs:PutMetricFilter")],
        &["MonitoringPolicy.logMetricFilters#correct"],
    ),
    write(
        SVC,
        "PutQueryDefinition",
        MOTO_EXT,
        &[act("logs:PutQueryDefinition")],
        &["MonitoringPolicy.insightsQueries#correct"],
    ),
    write(
        SVC,
        "PutRetentionPolicy",
        MOTO,
        &[act("logs:PutRetentionPolicy")],
        &[
            "MonitoringPolicy.logGroups#correct",
            "AccountBaseline.cloudTrail.cloudWatchLogs.createLogGroup#correct",
        ],
    ),
];

/// How CloudTrail records the writes that change what this module manages: the `eventSource` (EventBridge
/// events reference, https://docs.aws.amazon.com/eventbridge/latest/ref/events-ref-logs.html), the rows logged under
/// another `eventName`, and the writes the operator never makes that change it (see [`crate::change_events`]).
pub const EVENTS: crate::aws::operation::Events = crate::aws::operation::Events {
    source: Some("logs.amazonaws.com"),
    renamed: &[],
    foreign_writes: &[
        // Its metric filters go with it.
        crate::aws::operation::foreign(
            "DeleteLogGroup",
            &[
                "MonitoringPolicy.logGroups",
                "MonitoringPolicy.logMetricFilters",
            ],
        ),
        crate::aws::operation::foreign("DeleteRetentionPolicy", &["MonitoringPolicy.logGroups"]),
        crate::aws::operation::foreign(
            "DisassociateKmsKey",
            &[
                "MonitoringPolicy.logGroups",
                "MonitoringPolicy.logGroups.kmsKeyId",
            ],
        ),
    ],
};
