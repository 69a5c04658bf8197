//! The AWS seam: one module per service turning SDK types into our model and our plan into SDK calls.

pub mod accessanalyzer;
pub mod budgets;
pub mod clients;
pub mod cloudtrail;
pub mod cloudwatch;
pub mod config;
pub mod counter;
pub mod ec2;
pub mod ecs;
pub mod eks;
pub mod error;
pub mod events;
pub mod flowlogs;
pub mod guardduty;
pub mod iam;
pub mod inspector2;
pub mod logs;
pub mod pace;
pub mod s3;
pub mod s3control;
pub mod securityhub;
pub mod session_manager;
pub mod sns;
pub mod ssm;

pub use clients::{AccountSession, AwsFactory};
pub use counter::CallStats;
pub use error::{AwsError, ErrorCategory};

/// The AWS partition of a region.
pub fn partition(region: &str) -> &'static str {
    if region.starts_with("cn-") {
        "aws-cn"
    } else if region.starts_with("us-gov-") {
        "aws-us-gov"
    } else {
        "aws"
    }
}
