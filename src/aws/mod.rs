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
pub mod operation;
pub mod pace;
pub mod regions;
pub mod s3;
pub mod s3control;
pub mod securityhub;
pub mod session_manager;
pub mod sns;
pub mod sqs;
pub mod ssm;
pub mod tags;

pub use clients::{AccountSession, AwsFactory};
pub use counter::CallStats;
pub use error::{AwsError, ErrorCategory};

/// Every service module's operations table: the IAM policy and docs/aws-operations.md are built from it, and
/// `tests/aws_operations.rs` checks each against the calls in its file. A new service module adds one entry; a
/// service split into a directory (`ssm/`) lists one entry per file, each with the rows of the calls in that file.
pub const MODULES: &[operation::Module] = &[
    operation::Module {
        name: "accessanalyzer",
        operations: accessanalyzer::OPERATIONS,
    },
    operation::Module {
        name: "budgets",
        operations: budgets::OPERATIONS,
    },
    operation::Module {
        name: "clients",
        operations: clients::OPERATIONS,
    },
    operation::Module {
        name: "cloudtrail",
        operations: cloudtrail::OPERATIONS,
    },
    operation::Module {
        name: "cloudwatch",
        operations: cloudwatch::OPERATIONS,
    },
    operation::Module {
        name: "config/mod",
        operations: config::OPERATIONS,
    },
    operation::Module {
        name: "config/remediation",
        operations: config::remediation::OPERATIONS,
    },
    operation::Module {
        name: "ec2",
        operations: ec2::OPERATIONS,
    },
    operation::Module {
        name: "ecs",
        operations: ecs::OPERATIONS,
    },
    operation::Module {
        name: "eks",
        operations: eks::OPERATIONS,
    },
    operation::Module {
        name: "events",
        operations: events::OPERATIONS,
    },
    operation::Module {
        name: "flowlogs",
        operations: flowlogs::OPERATIONS,
    },
    operation::Module {
        name: "guardduty",
        operations: guardduty::OPERATIONS,
    },
    operation::Module {
        name: "iam",
        operations: iam::OPERATIONS,
    },
    operation::Module {
        name: "inspector2",
        operations: inspector2::OPERATIONS,
    },
    operation::Module {
        name: "logs",
        operations: logs::OPERATIONS,
    },
    operation::Module {
        name: "s3",
        operations: s3::OPERATIONS,
    },
    operation::Module {
        name: "s3control",
        operations: s3control::OPERATIONS,
    },
    operation::Module {
        name: "securityhub",
        operations: securityhub::OPERATIONS,
    },
    operation::Module {
        name: "session_manager",
        operations: session_manager::OPERATIONS,
    },
    operation::Module {
        name: "sns",
        operations: sns::OPERATIONS,
    },
    operation::Module {
        name: "sqs",
        operations: sqs::OPERATIONS,
    },
    operation::Module {
        name: "ssm/mod",
        operations: ssm::OPERATIONS,
    },
    operation::Module {
        name: "ssm/association",
        operations: ssm::association::OPERATIONS,
    },
    operation::Module {
        name: "ssm/compliance",
        operations: ssm::compliance::OPERATIONS,
    },
    operation::Module {
        name: "ssm/patch_baseline",
        operations: ssm::patch_baseline::OPERATIONS,
    },
    operation::Module {
        name: "ssm/window",
        operations: ssm::window::OPERATIONS,
    },
    operation::Module {
        name: "ssm/window_target",
        operations: ssm::window_target::OPERATIONS,
    },
    operation::Module {
        name: "ssm/window_task",
        operations: ssm::window_task::OPERATIONS,
    },
];

/// The AWS partition of a region.
pub fn partition(region: &str) -> &'static str {
    // Longest prefixes first: `us-isob-` before `us-iso-`.
    const PARTITIONS: [(&str, &str); 6] = [
        ("cn-", "aws-cn"),
        ("us-gov-", "aws-us-gov"),
        ("us-isob-", "aws-iso-b"),
        ("us-isof-", "aws-iso-f"),
        ("eu-isoe-", "aws-iso-e"),
        ("us-iso-", "aws-iso"),
    ];
    PARTITIONS
        .iter()
        .find(|(prefix, _)| region.starts_with(prefix))
        .map_or("aws", |(_, p)| p)
}

/// Sorted and deduplicated (AWS returns actions, log groups and the like as sets).
pub fn sorted(v: impl IntoIterator<Item = String>) -> Vec<String> {
    let mut v: Vec<String> = v.into_iter().collect();
    v.sort();
    v.dedup();
    v
}

#[cfg(test)]
mod tests {
    #[test]
    fn partitions_of_regions() {
        for (region, p) in [
            ("us-east-1", "aws"),
            ("cn-north-1", "aws-cn"),
            ("us-gov-west-1", "aws-us-gov"),
            ("us-iso-east-1", "aws-iso"),
            ("us-isob-east-1", "aws-iso-b"),
            ("eu-isoe-west-1", "aws-iso-e"),
            ("us-isof-south-1", "aws-iso-f"),
        ] {
            assert_eq!(super::partition(region), p, "{region}");
        }
    }
}
