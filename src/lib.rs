//! aws-baseline-operator: keeps AWS accounts in their declared operational baseline.
pub mod api;
pub mod aws;
pub mod baseline;
pub mod engine;
