//! The AWS seam: one module per service turning SDK types into our model and our plan into SDK calls.

pub mod accessanalyzer;
pub mod backup;
pub mod budgets;
pub mod clients;
pub mod cloudtrail;
pub mod cloudwatch;
pub mod config;
pub mod counter;
pub mod ec2;
pub mod ecs;
pub mod eks;
pub mod elbv2;
pub mod error;
pub mod events;
pub mod flowlogs;
pub mod guardduty;
pub mod iam;
pub mod inspector2;
pub mod kms;
pub mod logs;
pub mod operation;
pub mod organizations;
pub mod organizations_admin;
pub mod pace;
pub mod regions;
pub mod route53;
pub mod s3;
pub mod s3control;
pub mod securityhub;
pub mod session_manager;
pub mod snapshots;
pub mod sns;
pub mod sqs;
pub mod ssm;
pub mod support;
pub mod synthetics;
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
        events: accessanalyzer::EVENTS,
    },
    operation::Module {
        name: "backup",
        operations: backup::OPERATIONS,
        events: backup::EVENTS,
    },
    operation::Module {
        name: "budgets",
        operations: budgets::OPERATIONS,
        events: budgets::EVENTS,
    },
    operation::Module {
        name: "clients",
        operations: clients::OPERATIONS,
        events: operation::NO_EVENTS,
    },
    operation::Module {
        name: "cloudtrail",
        operations: cloudtrail::OPERATIONS,
        events: cloudtrail::EVENTS,
    },
    operation::Module {
        name: "cloudwatch",
        operations: cloudwatch::OPERATIONS,
        events: cloudwatch::EVENTS,
    },
    operation::Module {
        name: "config/mod",
        operations: config::OPERATIONS,
        events: config::EVENTS,
    },
    operation::Module {
        name: "config/aggregator",
        operations: config::aggregator::OPERATIONS,
        events: config::aggregator::EVENTS,
    },
    operation::Module {
        name: "config/remediation",
        operations: config::remediation::OPERATIONS,
        events: config::remediation::EVENTS,
    },
    operation::Module {
        name: "ec2",
        operations: ec2::OPERATIONS,
        events: ec2::EVENTS,
    },
    operation::Module {
        name: "ecs",
        operations: ecs::OPERATIONS,
        events: ecs::EVENTS,
    },
    operation::Module {
        name: "eks",
        operations: eks::OPERATIONS,
        events: eks::EVENTS,
    },
    operation::Module {
        name: "elbv2",
        operations: elbv2::OPERATIONS,
        events: elbv2::EVENTS,
    },
    operation::Module {
        name: "events",
        operations: events::OPERATIONS,
        events: events::EVENTS,
    },
    operation::Module {
        name: "flowlogs",
        operations: flowlogs::OPERATIONS,
        events: flowlogs::EVENTS,
    },
    operation::Module {
        name: "guardduty",
        operations: guardduty::OPERATIONS,
        events: guardduty::EVENTS,
    },
    operation::Module {
        name: "iam",
        operations: iam::OPERATIONS,
        events: iam::EVENTS,
    },
    operation::Module {
        name: "inspector2",
        operations: inspector2::OPERATIONS,
        events: inspector2::EVENTS,
    },
    operation::Module {
        name: "kms",
        operations: kms::OPERATIONS,
        events: operation::NO_EVENTS,
    },
    operation::Module {
        name: "logs",
        operations: logs::OPERATIONS,
        events: logs::EVENTS,
    },
    operation::Module {
        name: "organizations",
        operations: organizations::OPERATIONS,
        events: organizations::EVENTS,
    },
    operation::Module {
        name: "organizations_admin",
        operations: organizations_admin::OPERATIONS,
        events: organizations_admin::EVENTS,
    },
    operation::Module {
        name: "route53",
        operations: route53::OPERATIONS,
        events: route53::EVENTS,
    },
    operation::Module {
        name: "s3",
        operations: s3::OPERATIONS,
        events: s3::EVENTS,
    },
    operation::Module {
        name: "s3control",
        operations: s3control::OPERATIONS,
        events: s3control::EVENTS,
    },
    operation::Module {
        name: "securityhub",
        operations: securityhub::OPERATIONS,
        events: securityhub::EVENTS,
    },
    operation::Module {
        name: "session_manager",
        operations: session_manager::OPERATIONS,
        events: session_manager::EVENTS,
    },
    operation::Module {
        name: "sns",
        operations: sns::OPERATIONS,
        events: sns::EVENTS,
    },
    operation::Module {
        name: "sqs",
        operations: sqs::OPERATIONS,
        events: sqs::EVENTS,
    },
    operation::Module {
        name: "ssm/mod",
        operations: ssm::OPERATIONS,
        events: ssm::EVENTS,
    },
    operation::Module {
        name: "ssm/association",
        operations: ssm::association::OPERATIONS,
        events: ssm::association::EVENTS,
    },
    operation::Module {
        name: "ssm/compliance",
        operations: ssm::compliance::OPERATIONS,
        events: ssm::compliance::EVENTS,
    },
    operation::Module {
        name: "ssm/fleet",
        operations: ssm::fleet::OPERATIONS,
        events: ssm::fleet::EVENTS,
    },
    operation::Module {
        name: "ssm/parameter",
        operations: ssm::parameter::OPERATIONS,
        events: ssm::parameter::EVENTS,
    },
    operation::Module {
        name: "ssm/patch_baseline",
        operations: ssm::patch_baseline::OPERATIONS,
        events: ssm::patch_baseline::EVENTS,
    },
    operation::Module {
        name: "ssm/window",
        operations: ssm::window::OPERATIONS,
        events: ssm::window::EVENTS,
    },
    operation::Module {
        name: "ssm/window_target",
        operations: ssm::window_target::OPERATIONS,
        events: ssm::window_target::EVENTS,
    },
    operation::Module {
        name: "ssm/window_task",
        operations: ssm::window_task::OPERATIONS,
        events: ssm::window_task::EVENTS,
    },
    operation::Module {
        name: "support",
        operations: support::OPERATIONS,
        events: support::EVENTS,
    },
    operation::Module {
        name: "synthetics",
        operations: synthetics::OPERATIONS,
        events: synthetics::EVENTS,
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
