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
    /// Subscriptions that must exist (protocol + endpoint). What happens to the topic's other subscriptions is
    /// `undeclaredSubscriptions`; a declared subscription waiting for confirmation counts as present and is
    /// listed in status.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[schemars(length(max = 100))]
    pub subscriptions: Vec<SubscriptionSpec>,
    /// Subscriptions on the topic that `subscriptions` does not declare: `Report` (default) lists each as drift
    /// (`topics.<name>.subscriptions[<protocol>:<endpoint>]`) and never removes it; `Remove` makes the declared
    /// subscriptions the topic's exact set, unsubscribing the others under driftPolicy `Correct`; `Ignore` leaves
    /// them alone without drift (for teams that subscribe things by hand or let other accounts subscribe).
    /// A subscription still waiting for confirmation has no ARN to unsubscribe: it is always only reported.
    #[serde(default, skip_serializing_if = "UndeclaredSubscriptions::is_default")]
    pub undeclared_subscriptions: UndeclaredSubscriptions,
}

/// What happens to a subscription on a managed topic that the spec does not declare.
///
/// The default is `Report`, not `Remove`: before this setting existed subscriptions were additive, and topics
/// routinely carry subscriptions added by hand, by other tools, or by other accounts a `policyStatements` entry
/// lets subscribe. Defaulting to `Remove` would unsubscribe them on upgrade under driftPolicy `Correct` without
/// any change to the spec. `Report` makes every such subscription visible as drift (Drifted, never removed), so
/// each team chooses: `Remove` for the exact set, `Ignore` for the old additive behaviour.
#[derive(Deserialize, Serialize, Clone, Copy, Debug, PartialEq, Eq, Default, JsonSchema)]
pub enum UndeclaredSubscriptions {
    /// Unsubscribe them under driftPolicy `Correct` (reported under `Report`); pending confirmations are only
    /// reported.
    Remove,
    /// List each as drift; never remove it.
    #[default]
    Report,
    /// Neither drift nor removed.
    Ignore,
}

impl UndeclaredSubscriptions {
    /// True for the default (`Report`), which is not serialised.
    pub fn is_default(&self) -> bool {
        *self == Self::default()
    }
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
