//! `spec.topics`: SNS topics and their subscriptions.

use kube::KubeSchema;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// An SNS topic.
#[derive(KubeSchema, Deserialize, Serialize, Clone, Debug, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct TopicSpec {
    /// Topic name (standard topic; FIFO topics cannot notify from CloudWatch alarms).
    #[schemars(regex(pattern = r"^[A-Za-z0-9_-]{1,256}$"), length(max = 256))]
    pub name: String,
    /// KMS key for server-side encryption (`alias/aws/sns` for the AWS managed key). Unset leaves an existing
    /// topic's encryption as it is (never removed).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(length(min = 1, max = 2048))]
    pub kms_master_key_id: Option<String>,
    /// Statements the topic's access policy must hold, in IAM policy syntax (`Sid` letters and digits, `Effect`,
    /// `Principal`, `Action`, `Condition`; `Resource` defaults to the topic). They are written with Sid
    /// `awsbaseline-<Sid>`; statements with that prefix the spec no longer declares are removed, any other
    /// statement (the default owner statement, statements added by hand) is kept.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[schemars(schema_with = "policy_statements")]
    pub policy_statements: Vec<serde_json::Value>,
    /// Subscriptions that must exist. Others on the topic are left alone; pending email confirmations are shown
    /// in status, not treated as drift.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[schemars(length(max = 100))]
    pub subscriptions: Vec<SubscriptionSpec>,
}

fn policy_statements(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
    schemars::json_schema!({
        "type": "array",
        "maxItems": 20,
        "items": {"type": "object", "x-kubernetes-preserve-unknown-fields": true},
    })
}

/// Subscription protocol.
#[derive(
    Deserialize, Serialize, Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, JsonSchema,
)]
#[serde(rename_all = "lowercase")]
pub enum SubscriptionProtocol {
    /// An email address (needs confirming by the recipient).
    Email,
    /// An HTTPS endpoint.
    Https,
    /// An SQS queue ARN.
    Sqs,
    /// A Lambda function ARN.
    Lambda,
}

impl SubscriptionProtocol {
    /// The SNS protocol string.
    pub fn as_str(&self) -> &'static str {
        match self {
            Self::Email => "email",
            Self::Https => "https",
            Self::Sqs => "sqs",
            Self::Lambda => "lambda",
        }
    }
}

/// A subscription.
#[derive(KubeSchema, Deserialize, Serialize, Clone, Debug, PartialEq)]
#[x_kube(validation = Rule::new("self.protocol != 'https' || self.endpoint.startsWith('https://')").message("an https subscription needs an https:// endpoint"))]
#[x_kube(validation = Rule::new("!(self.protocol in ['sqs', 'lambda']) || self.endpoint.startsWith('arn:')").message("sqs and lambda subscriptions need an ARN endpoint"))]
#[serde(rename_all = "camelCase")]
pub struct SubscriptionSpec {
    /// `email`, `https`, `sqs` or `lambda`.
    pub protocol: SubscriptionProtocol,
    /// Address, URL or ARN.
    #[schemars(length(min = 1, max = 2048))]
    pub endpoint: String,
}
