//! The integration tests, linked into one test binary (`cargo test --test integration`). One binary instead of
//! one per file: each links the whole AWS SDK, and a dozen such links cost far more disk and time than the tests
//! themselves.
//!
//! The tests are grouped by feature, not by technique: one module (a directory) per kind, one file per section or
//! component inside it, holding every test of that feature whether it runs against moto's server, on
//! aws-smithy-mocks, or through the CLI.
//!
//! - `account_baseline/`: one file (or directory) per section: `foundation` (CloudTrail, GuardDuty, password
//!   policy, S3 Block Public Access, EBS encryption, root account, run together), `access_analyzer`, `config/`,
//!   `inspector`, `flow_logs`, `session_manager`, `security_hub/`, `budgets/`, `ebs_encryption`; plus `accounts`
//!   (which account a pass acts on) and `cis` (the CIS-ready example through the CLI).
//! - `monitoring/`: MonitoringPolicy, one file per kind of object (`alarms`, `finding_routes`, `logs`,
//!   `container_insights`) and what holds across them (`converge_and_drift`, `ownership`, `refused`,
//!   `security_settings`).
//! - `organization/`: AwsOrganization's sync against moto's Organizations (and the organization fixture the
//!   cluster test shares).
//! - `patch_schedule/`: PatchSchedule against moto, and `ssm_api/` (Systems Manager on AWS's documented responses).
//! - `platform/`: CRDs, the Helm chart, Argo CD health, controller wiring, leader election, the CLI, and `cluster/`
//!   (the operator binary on a real kube-apiserver).
//! - `aws_faults`: failures between the operator and AWS (fault proxy, error classification).
//! - `iam_policy`, `aws_operations`: the IAM policy and the table of AWS operations against the code.
//! - `support/`: the harness (moto, the control plane, the fault proxy) and the helpers every group uses (call
//!   counts, owners and examples, the CLI, mocked error responses).
//!
//! Run one group, or one file, with a filter on the module path, e.g.
//! `cargo test --test integration account_baseline::config::` or `cargo test --test integration platform::crds::`.

mod support;

mod account_baseline;
mod aws_faults;
mod aws_operations;
mod change_events;
mod fleet;
mod iam_policy;
mod monitoring;
mod organization;
mod patch_schedule;
mod platform;
