//! The integration tests, linked into one test binary (`cargo test --test integration`): every file beside this
//! one is a module. One binary instead of one per file: each links the whole AWS SDK, and a dozen such links cost
//! far more disk and time than the tests themselves. Run one file's tests with a filter, e.g.
//! `cargo test --test integration baseline_moto::`.

mod support;

mod argo_health;
mod aws_mocks;
mod aws_operations;
mod baseline_mocks;
mod baseline_moto;
mod baseline_sections_moto;
mod budgets_mocks;
mod budgets_moto;
mod cli_moto;
mod cluster;
mod controller_mock;
mod crds;
mod faults_moto;
mod helm_chart;
mod iam_policy;
mod insights_moto;
mod leader_election;
mod monitoring_moto;
mod patch_moto;
mod reliability;
mod securityhub_mocks;
mod securityhub_moto;
mod ssm_mocks;
