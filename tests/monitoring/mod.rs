//! MonitoringPolicy, one module per kind of object it manages (alarms and dashboards, topic subscriptions, finding
//! routes and scheduled actions, log groups and saved queries, ECS/EKS Container Insights, health checks and canaries) plus what holds across them: the
//! examples converging and drifting, ownership on removal and deletion, what is refused before any AWS call, the
//! security settings of named resources. Against moto's server with the real aws-sdk-rust clients; what moto 5.2.5
//! lacks (composite alarms, log group KMS keys, saved queries, EKS add-ons) is served by `tests/moto_ext` and also
//! pinned per request on aws-smithy-mocks with AWS's documented response shapes.
//!
//! The helpers below load the two monitoring examples and run one pass of a policy against moto.

mod alarms;
mod cloudwatch_agent;
mod container_insights;
mod converge_and_drift;
mod finding_routes;
mod logs;
mod ownership;
mod refused;
mod security_settings;
mod shared_reads;
mod subscriptions;
mod user_checks;

use crate::support;
use crate::support::calls::sorted_write_operations;
use crate::support::objects::{load_examples, namespaced_owner, NO_LABELS};
use aws_baseline_operator::api::aws_account::AwsAccountSpec;
use aws_baseline_operator::api::common::{ComponentState, DeletionPolicy, DriftPolicy};
use aws_baseline_operator::api::{MonitoringPolicy, MonitoringPolicySpec, MonitoringPolicyStatus};
use aws_baseline_operator::aws::{AwsFactory, CallStats};
use aws_baseline_operator::engine::monitoring::{cleanup, run, MonitoringInput, MonitoringReport};
use aws_baseline_operator::engine::status::{monitoring_status, status_changed};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::Time;
use std::time::Duration;
use support::Moto;

fn examples() -> (AwsAccountSpec, MonitoringPolicy, MonitoringPolicy) {
    let m = load_examples(&[
        "aws-account.yaml",
        "monitoring-application.yaml",
        "monitoring-security.yaml",
    ]);
    assert_eq!(m.monitoring.len(), 2);
    let app = m.monitoring[0].clone();
    let cis = m.monitoring[1].clone();
    assert_eq!(app.metadata.name.as_deref(), Some("checkout-web"));
    (m.accounts[0].spec.clone(), app, cis)
}

fn input<'a>(
    account: &'a AwsAccountSpec,
    p: &'a MonitoringPolicy,
    spec: &'a MonitoringPolicySpec,
    previous: Option<&'a MonitoringPolicyStatus>,
    mode: DriftPolicy,
) -> MonitoringInput<'a> {
    MonitoringInput {
        spec,
        account,
        owner: namespaced_owner("MonitoringPolicy", &p.metadata),
        namespace: p.metadata.namespace.as_deref().unwrap(),
        name: p.metadata.name.as_deref().unwrap(),
        namespace_labels: &NO_LABELS,
        previous,
        mode,
        alarm_write_interval: Duration::ZERO,
        shared_reads: None,
    }
}

async fn pass(
    f: &AwsFactory,
    account: &AwsAccountSpec,
    p: &MonitoringPolicy,
    spec: &MonitoringPolicySpec,
    previous: Option<&MonitoringPolicyStatus>,
    mode: DriftPolicy,
) -> MonitoringReport {
    run(f, &input(account, p, spec, previous, mode)).await
}

/// The status a controller would write after `r`.
fn status(
    previous: Option<&MonitoringPolicyStatus>,
    r: &MonitoringReport,
) -> MonitoringPolicyStatus {
    monitoring_status(
        previous,
        r,
        Some(1),
        &Time("2026-11-23T10:00:00Z".parse().unwrap()),
    )
}

/// A pass over a policy already in sync, under Correct: no error, no drift, no write. `stats` is reset first, so
/// the caller can go on to assert what the pass read.
async fn in_sync_pass(
    f: &AwsFactory,
    stats: &CallStats,
    account: &AwsAccountSpec,
    p: &MonitoringPolicy,
    spec: &MonitoringPolicySpec,
    previous: &MonitoringPolicyStatus,
) -> MonitoringReport {
    stats.reset();
    let r = pass(f, account, p, spec, Some(previous), DriftPolicy::Correct).await;
    no_errors(&r);
    assert_eq!(drift_fields(&r), Vec::<String>::new());
    assert_eq!(stats.writes(), 0, "{:?}", stats.write_operations());
    r
}

/// A pass under `driftPolicy: Report`, after drift was made out of band: it writes nothing. `stats` is reset first.
async fn report_pass(
    f: &AwsFactory,
    stats: &CallStats,
    account: &AwsAccountSpec,
    p: &MonitoringPolicy,
    spec: &MonitoringPolicySpec,
    previous: &MonitoringPolicyStatus,
) -> MonitoringReport {
    stats.reset();
    let r = pass(f, account, p, spec, Some(previous), DriftPolicy::Report).await;
    assert_eq!(stats.writes(), 0, "Report never writes");
    r
}

fn drift_fields(r: &MonitoringReport) -> Vec<String> {
    let mut v: Vec<String> = r
        .pass
        .outcomes
        .iter()
        .flat_map(|o| o.drift.iter().map(|d| d.field.clone()))
        .collect();
    v.sort();
    v
}

fn no_errors(r: &MonitoringReport) {
    assert!(
        r.pass.error_category().is_none(),
        "{:#?}",
        r.pass
            .outcomes
            .iter()
            .filter(|o| o.error.is_some())
            .collect::<Vec<_>>()
    );
}

async fn groups_of(logs: &aws_sdk_cloudwatchlogs::Client) -> Vec<String> {
    logs.describe_log_groups()
        .send()
        .await
        .unwrap()
        .log_groups()
        .iter()
        .filter_map(|g| g.log_group_name().map(str::to_string))
        .collect()
}
