//! `spec.cloudWatchAgent`: the CloudWatch agent on a fleet of EC2 instances selected by tags, its configuration a
//! declared JSON document in Parameter Store, installed and kept configured by State Manager associations.

use crate::api::patch_schedule::TagFilter;
use kube::KubeSchema;
use serde::{Deserialize, Serialize};

fn yes() -> bool {
    true
}

/// The CloudWatch agent at fleet scale: the agent configuration stored as a Parameter Store parameter, and two
/// State Manager associations on the instances the tags select — `AWS-ConfigureAWSPackage` installing the
/// `AmazonCloudWatchAgent` package and `AmazonCloudWatch-ManageAgent` configuring the agent from the parameter.
/// Their compliance (instances per association status) is reported in status.
#[derive(KubeSchema, Deserialize, Serialize, Clone, Debug, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct CloudWatchAgentSpec {
    /// Name of the parameter holding the configuration. It must start with `AmazonCloudWatch-`: the agent's
    /// managed policy `CloudWatchAgentServerPolicy` lets instances read only `parameter/AmazonCloudWatch-*`.
    /// Defaults to `AmazonCloudWatch-awsbaseline.<namespace>.<name>`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(regex(pattern = r"^AmazonCloudWatch-[A-Za-z0-9_.-]{1,200}$"))]
    pub parameter_name: Option<String>,
    /// The agent configuration (the agent's JSON schema: `agent`, `metrics`, `logs`, `traces`). Stored with sorted
    /// keys and no whitespace, so key order and formatting are never drift; at most 8 KB stored (Parameter Store's
    /// Advanced tier; above 4 KB the parameter is Advanced).
    #[schemars(schema_with = "crate::api::common::free_form_object")]
    pub config: serde_json::Value,
    /// Instances carrying all of these tags (each with one of the listed values).
    #[schemars(length(min = 1, max = 5))]
    pub targets: Vec<TagFilter>,
    /// How often State Manager applies the associations again (besides on creation and on new matching
    /// instances): `rate(...)` or `cron(...)`. Defaults to `rate(30 days)`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(regex(pattern = r"^(rate|cron)\(.{1,250}\)$"), length(max = 256))]
    pub schedule: Option<String>,
    /// Install the agent package with `AWS-ConfigureAWSPackage` (default true). `false` for instances whose image
    /// already carries the agent: only the configure association is created.
    #[serde(default = "yes")]
    pub install_package: bool,
}

impl CloudWatchAgentSpec {
    /// The schedule of both associations.
    pub fn schedule(&self) -> &str {
        self.schedule.as_deref().unwrap_or(DEFAULT_AGENT_SCHEDULE)
    }
}

/// The associations' schedule when the spec leaves it open.
pub const DEFAULT_AGENT_SCHEDULE: &str = "rate(30 days)";
