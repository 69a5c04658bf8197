//! The AWS seam: one module per service turning SDK types into our model and our plan into SDK calls.

pub mod clients;
pub mod cloudtrail;
pub mod cloudwatch;
pub mod counter;
pub mod ec2;
pub mod error;
pub mod guardduty;
pub mod iam;
pub mod logs;
pub mod s3;
pub mod s3control;
pub mod sns;
pub mod ssm;

pub use clients::{AccountSession, AwsFactory};
pub use counter::CallStats;
pub use error::{AwsError, ErrorCategory};
