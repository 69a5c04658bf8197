//! PatchSchedule: the engine against moto's server with the SSM extension in tests/moto_ext (`converge_and_drift`,
//! `refused`, `compliance`, `ownership`), and `aws::ssm` against AWS's documented Systems Manager responses on
//! aws-smithy-mocks (`ssm_api`).
//!
//! The helpers below load the PatchSchedule examples and run one pass of a schedule against moto at a fixed time.

mod compliance;
mod converge_and_drift;
mod general_tasks;
mod ownership;
mod refused;
mod service_role;
mod ssm_api;

use crate::support;
use crate::support::objects::{load_examples, namespaced_owner, NO_LABELS};
use aws_baseline_operator::api::aws_account::AwsAccountSpec;
use aws_baseline_operator::api::common::{
    ComponentState, DeletionPolicy, DriftAction, DriftPolicy, Ownership,
};
use aws_baseline_operator::api::{PatchSchedule, PatchScheduleSpec, PatchScheduleStatus};
use aws_baseline_operator::aws::AwsFactory;
use aws_baseline_operator::engine::patch::{cleanup, run, PatchInput, PatchReport};
use aws_baseline_operator::engine::status::{patch_schedule_status, status_changed};
use aws_sdk_ssm::types::{
    MaintenanceWindowRunCommandParameters, MaintenanceWindowTaskInvocationParameters, PatchFilter,
    PatchFilterGroup, PatchFilterKey, PatchRule, PatchRuleGroup,
};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::Time;
use support::Moto;

const REGION: &str = "eu-west-1";

fn examples() -> (AwsAccountSpec, Vec<PatchSchedule>) {
    let m = load_examples(&[
        "aws-account.yaml",
        "patch-schedule-production.yaml",
        "patch-schedule-scan-only.yaml",
    ]);
    assert_eq!(m.schedules.len(), 3);
    (m.accounts[0].spec.clone(), m.schedules)
}

fn now() -> jiff::Timestamp {
    // Monday 2026-11-23 10:00 UTC.
    "2026-11-23T10:00:00Z".parse().unwrap()
}

/// The engine's input for schedule `p` (owner, namespace and name from its metadata) with `spec`, at [`now`],
/// in the spec's drift policy.
fn input<'a>(
    account: &'a AwsAccountSpec,
    p: &'a PatchSchedule,
    spec: &'a PatchScheduleSpec,
    previous: Option<&'a PatchScheduleStatus>,
) -> PatchInput<'a> {
    PatchInput {
        spec,
        account,
        owner: namespaced_owner("PatchSchedule", &p.metadata),
        namespace: p.metadata.namespace.as_deref().unwrap(),
        name: p.metadata.name.as_deref().unwrap(),
        namespace_labels: &NO_LABELS,
        previous,
        mode: spec.drift_policy,
        now: now(),
    }
}

/// One pass of schedule `p` with `spec` against moto.
async fn pass(
    factory: &AwsFactory,
    account: &AwsAccountSpec,
    p: &PatchSchedule,
    spec: &PatchScheduleSpec,
    previous: Option<&PatchScheduleStatus>,
) -> PatchReport {
    run(factory, &input(account, p, spec, previous)).await
}

fn status(previous: Option<&PatchScheduleStatus>, r: &PatchReport) -> PatchScheduleStatus {
    patch_schedule_status(previous, r, Some(1), &Time(now()))
}

async fn ssm(moto: &Moto) -> aws_sdk_ssm::Client {
    aws_sdk_ssm::Client::new(&moto.sdk_config(REGION).await)
}
