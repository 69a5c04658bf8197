//! aws-baseline-operator: keeps AWS accounts in their declared operational baseline.
pub mod api;
pub mod aws;
pub mod baseline;
pub mod cli;
pub mod controller;
pub mod engine;
pub mod http;
pub mod iam_policy;
pub mod leader;
pub mod manifests;
pub mod metrics;
pub mod monitoring;
pub mod patching;
pub mod rbac;
