//! AccountBaseline, one module per section (CloudTrail, GuardDuty and the other foundation sections in
//! `foundation`, then Access Analyzer, Config, Inspector, flow logs, Session Manager, Security Hub, Budgets, Backup, the
//! EBS default key, Trusted Advisor, access logs, organization-level settings), plus `accounts` (which account a pass acts on) and `cis` (the CIS-ready example through the
//! CLI). Each module holds every test of its section whatever the technique: moto's server with the real
//! aws-sdk-rust clients for what moto serves, aws-smithy-mocks with AWS's documented response shapes for what it
//! does not.
//!
//! The helpers below run one pass or one cleanup of an AccountBaseline against moto for the `sections` owner, and
//! read the report back as the rows the tests compare.

mod access_analyzer;
mod access_logs;
mod accounts;
mod backup;
mod budgets;
mod cis;
mod config;
mod ebs_encryption;
mod flow_logs;
mod foundation;
mod inspector;
mod organization;
mod roles;
mod security_hub;
mod session_manager;
mod ssm_inventory;
mod trusted_advisor;

use crate::support;
use crate::support::calls::sorted_writes;
use aws_baseline_operator::api::account_baseline::AccountBaselineSpec;
use aws_baseline_operator::api::common::{
    ComponentState, ComponentStatus, DeletionPolicy, DriftAction, DriftPolicy, Owner, Ownership,
};
use aws_baseline_operator::aws::{AwsFactory, CallStats};
use aws_baseline_operator::engine::baseline::{cleanup, run, BaselineInput};
use aws_baseline_operator::engine::status::common_status;
use aws_baseline_operator::engine::CleanupReport;
use aws_baseline_operator::engine::PassReport;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::Time;
use serde_json::{json, Value};
use support::{account, Moto, ACCOUNT};

/// The AccountBaseline `sections` these helpers act for (its name prefixes the names of what it creates).
fn owner() -> Owner {
    support::objects::owner("AccountBaseline", "sections", "sections-uid-1")
}

fn t(s: &str) -> Time {
    Time(s.parse().unwrap())
}

fn baseline(v: Value) -> AccountBaselineSpec {
    let mut base =
        json!({"accountRef": {"name": "sandbox"}, "regions": ["us-east-1", "eu-west-1"]});
    base.as_object_mut()
        .unwrap()
        .extend(v.as_object().unwrap().clone());
    serde_json::from_value(base).unwrap()
}

async fn pass(
    factory: &AwsFactory,
    spec: &AccountBaselineSpec,
    mode: DriftPolicy,
    previous: &[ComponentStatus],
) -> PassReport {
    let acct = account(&[]);
    let input = BaselineInput {
        spec,
        account: &acct,
        owner: owner(),
        previous,
        mode,
    };
    run(factory, &input).await
}

async fn delete(
    factory: &AwsFactory,
    spec: &AccountBaselineSpec,
    previous: &[ComponentStatus],
) -> CleanupReport {
    let acct = account(&[]);
    let input = BaselineInput {
        spec,
        account: &acct,
        owner: owner(),
        previous,
        mode: DriftPolicy::Correct,
    };
    cleanup(factory, &input).await.unwrap()
}

/// Delete the baseline under both policies: `Retain` reads and writes nothing, then `Delete` runs without
/// errors. `stats` holds only the `Delete` cleanup's calls when this returns.
async fn retain_then_delete(
    factory: &AwsFactory,
    stats: &CallStats,
    spec: &mut AccountBaselineSpec,
    previous: &[ComponentStatus],
) -> CleanupReport {
    spec.deletion_policy = DeletionPolicy::Retain;
    stats.reset();
    delete(factory, spec, previous).await;
    assert_eq!((stats.reads(), stats.writes()), (0, 0));
    spec.deletion_policy = DeletionPolicy::Delete;
    stats.reset();
    let report = delete(factory, spec, previous).await;
    assert!(report.errors.is_empty(), "{:?}", report.errors);
    report
}

fn components(r: &PassReport) -> Vec<ComponentStatus> {
    common_status(None, r, Some(1), &t("2026-01-01T00:00:00Z")).components
}

/// (region, field, desired, actual, action) of every drift in the pass.
fn drift(r: &PassReport) -> Vec<(String, String, Value, Value, DriftAction)> {
    let mut out: Vec<_> = r
        .outcomes
        .iter()
        .flat_map(|o| {
            o.drift.iter().map(move |d| {
                (
                    o.region.clone(),
                    d.field.clone(),
                    d.desired.clone(),
                    d.actual.clone(),
                    o.action,
                )
            })
        })
        .collect();
    out.sort_by(|a, b| (&a.0, &a.1).cmp(&(&b.0, &b.1)));
    out
}

fn fields(r: &PassReport) -> Vec<(String, String)> {
    let mut v: Vec<_> = r
        .outcomes
        .iter()
        .flat_map(|o| o.drift.iter().map(|d| (o.region.clone(), d.field.clone())))
        .collect();
    v.sort();
    v
}

/// The IDs of the VPCs in the region `c` is for.
async fn vpc_ids(c: &aws_sdk_ec2::Client) -> Vec<String> {
    let mut v: Vec<String> = c
        .describe_vpcs()
        .send()
        .await
        .unwrap()
        .vpcs()
        .iter()
        .filter_map(|v| v.vpc_id().map(str::to_string))
        .collect();
    v.sort();
    v
}

/// The ID of the (first) flow log on VPC `vpc`.
async fn flow_log_of(c: &aws_sdk_ec2::Client, vpc: &str) -> String {
    c.describe_flow_logs()
        .filter(
            aws_sdk_ec2::types::Filter::builder()
                .name("resource-id")
                .values(vpc)
                .build(),
        )
        .send()
        .await
        .unwrap()
        .flow_logs()[0]
        .flow_log_id()
        .unwrap()
        .to_string()
}
