//! SNS: topics (found by name with one paginated ListTopics), their encryption and subscriptions.

use crate::aws::error::{ok_if_gone, AwsError, AwsResultExt};
use crate::aws::operation::{act, read, write, Operation, MOTO};
use crate::aws::tags;
use aws_sdk_sns::Client;
use std::collections::BTreeMap;

const SVC: &str = "sns";

/// Topic ARNs by topic name: one paginated ListTopics (100 per page).
pub async fn topics(client: &Client) -> Result<BTreeMap<String, String>, AwsError> {
    let mut out = BTreeMap::new();
    let mut token: Option<String> = None;
    loop {
        let page = client
            .list_topics()
            .set_next_token(token.take())
            .send()
            .await
            .aws(SVC, "ListTopics")?;
        for t in page.topics() {
            if let Some(arn) = t.topic_arn() {
                let name = arn.rsplit(':').next().unwrap_or_default().to_string();
                out.insert(name, arn.to_string());
            }
        }
        match page.next_token() {
            Some(t) if !t.is_empty() => token = Some(t.to_string()),
            _ => return Ok(out),
        }
    }
}

/// CreateTopic (idempotent by name) with tags and encryption; returns the ARN.
pub async fn create(
    client: &Client,
    name: &str,
    kms_key: Option<&str>,
    tags: &[(String, String)],
) -> Result<String, AwsError> {
    let mut req = client.create_topic().name(name);
    if let Some(k) = kms_key {
        req = req.attributes("KmsMasterKeyId", k);
    }
    for t in tags::to_sdk(tags).map_err(|e| AwsError::invalid_input(SVC, "CreateTopic", e))? {
        req = req.tags(t);
    }
    let out = req.send().await.aws(SVC, "CreateTopic")?;
    Ok(out.topic_arn().unwrap_or_default().to_string())
}

/// Settings of a topic the operator compares, from one GetTopicAttributes.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct TopicAttributes {
    /// KMS key (`None` = not encrypted).
    pub kms_key: Option<String>,
    /// The access policy document.
    pub policy: Option<serde_json::Value>,
}

/// GetTopicAttributes: the KMS key and the access policy.
pub async fn attributes(client: &Client, arn: &str) -> Result<TopicAttributes, AwsError> {
    let out = client
        .get_topic_attributes()
        .topic_arn(arn)
        .send()
        .await
        .aws(SVC, "GetTopicAttributes")?;
    let attr = |k: &str| {
        out.attributes()
            .and_then(|a| a.get(k))
            .filter(|v| !v.is_empty())
            .cloned()
    };
    Ok(TopicAttributes {
        kms_key: attr("KmsMasterKeyId"),
        policy: attr("Policy").and_then(|p| serde_json::from_str(&p).ok()),
    })
}

/// SetTopicAttributes Policy (the whole document).
pub async fn set_policy(
    client: &Client,
    arn: &str,
    policy: &serde_json::Value,
) -> Result<(), AwsError> {
    client
        .set_topic_attributes()
        .topic_arn(arn)
        .attribute_name("Policy")
        .attribute_value(policy.to_string())
        .send()
        .await
        .aws(SVC, "SetTopicAttributes")?;
    Ok(())
}

/// SetTopicAttributes KmsMasterKeyId (empty string turns encryption off).
pub async fn set_kms_key(client: &Client, arn: &str, key: Option<&str>) -> Result<(), AwsError> {
    client
        .set_topic_attributes()
        .topic_arn(arn)
        .attribute_name("KmsMasterKeyId")
        .attribute_value(key.unwrap_or_default())
        .send()
        .await
        .aws(SVC, "SetTopicAttributes")?;
    Ok(())
}

/// One subscription: protocol, endpoint, its ARN, and whether it waits for confirmation.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Subscription {
    /// Protocol.
    pub protocol: String,
    /// Endpoint.
    pub endpoint: String,
    /// `SubscriptionArn` is `PendingConfirmation`.
    pub pending: bool,
    /// The subscription's ARN; `None` while AWS lists a placeholder instead (`PendingConfirmation`, `Deleted`),
    /// which Unsubscribe cannot take.
    pub arn: Option<String>,
}

/// ListSubscriptionsByTopic (paginated).
pub async fn subscriptions(client: &Client, arn: &str) -> Result<Vec<Subscription>, AwsError> {
    let mut out = Vec::new();
    let mut token: Option<String> = None;
    loop {
        let page = client
            .list_subscriptions_by_topic()
            .topic_arn(arn)
            .set_next_token(token.take())
            .send()
            .await
            .aws(SVC, "ListSubscriptionsByTopic")?;
        for s in page.subscriptions() {
            out.push(Subscription {
                protocol: s.protocol().unwrap_or_default().to_string(),
                endpoint: s.endpoint().unwrap_or_default().to_string(),
                pending: s.subscription_arn() == Some("PendingConfirmation"),
                arn: s
                    .subscription_arn()
                    .filter(|a| a.starts_with("arn:"))
                    .map(str::to_string),
            });
        }
        match page.next_token() {
            Some(t) if !t.is_empty() => token = Some(t.to_string()),
            _ => return Ok(out),
        }
    }
}

/// Subscribe.
pub async fn subscribe(
    client: &Client,
    arn: &str,
    protocol: &str,
    endpoint: &str,
) -> Result<(), AwsError> {
    client
        .subscribe()
        .topic_arn(arn)
        .protocol(protocol)
        .endpoint(endpoint)
        .send()
        .await
        .aws(SVC, "Subscribe")?;
    Ok(())
}

/// Unsubscribe by subscription ARN; an already removed subscription is done.
pub async fn unsubscribe(client: &Client, subscription_arn: &str) -> Result<(), AwsError> {
    ok_if_gone(
        client
            .unsubscribe()
            .subscription_arn(subscription_arn)
            .send()
            .await
            .aws(SVC, "Unsubscribe"),
        &["NotFound"],
    )
}

/// Tags of a topic (read once to establish ownership, and before deleting).
pub async fn tags(client: &Client, arn: &str) -> Result<Vec<(String, String)>, AwsError> {
    let out = client
        .list_tags_for_resource()
        .resource_arn(arn)
        .send()
        .await
        .aws(SVC, "ListTagsForResource")?;
    Ok(tags::pairs(out.tags()))
}

/// DeleteTopic; an already missing topic is done.
pub async fn delete(client: &Client, arn: &str) -> Result<(), AwsError> {
    ok_if_gone(
        client
            .delete_topic()
            .topic_arn(arn)
            .send()
            .await
            .aws(SVC, "DeleteTopic"),
        &["NotFound"],
    )
}

/// The AWS operations this module calls: the IAM permissions each needs, the spec sections whose
/// reconciliation calls it, and the test that exercises it (see [`crate::aws::operation`]).
pub const OPERATIONS: &[Operation] = &[
    // SNS (MonitoringPolicy topics).
    write(
        SVC,
        "CreateTopic",
        MOTO,
        &[act("sns:CreateTopic"), act("sns:TagResource")],
        &["MonitoringPolicy.topics#correct"],
    ),
    write(
        SVC,
        "DeleteTopic",
        MOTO,
        &[act("sns:DeleteTopic")],
        &["MonitoringPolicy#correct", "MonitoringPolicy#delete"],
    ),
    read(
        SVC,
        "GetTopicAttributes",
        MOTO,
        &[act("sns:GetTopicAttributes")],
        &["MonitoringPolicy.topics"],
    ),
    read(
        SVC,
        "ListSubscriptionsByTopic",
        MOTO,
        &[act("sns:ListSubscriptionsByTopic")],
        &["MonitoringPolicy.topics"],
    ),
    read(
        SVC,
        "ListTagsForResource",
        MOTO,
        &[act("sns:ListTagsForResource")],
        &["MonitoringPolicy"],
    ),
    read(
        SVC,
        "ListTopics",
        MOTO,
        &[act("sns:ListTopics")],
        &["MonitoringPolicy"],
    ),
    write(
        SVC,
        "SetTopicAttributes",
        MOTO,
        &[act("sns:SetTopicAttributes")],
        &[
            "MonitoringPolicy.topics#correct",
            "MonitoringPolicy.findingRoutes#delete",
        ],
    ),
    write(
        SVC,
        "Subscribe",
        MOTO,
        &[act("sns:Subscribe")],
        &["MonitoringPolicy.topics#correct"],
    ),
    write(
        SVC,
        "Unsubscribe",
        MOTO,
        &[act("sns:Unsubscribe")],
        &["MonitoringPolicy.topics#correct"],
    ),
];

/// How CloudTrail records the writes that change what this module manages: the `eventSource` (EventBridge
/// events reference, https://docs.aws.amazon.com/eventbridge/latest/ref/events-ref-sns.html), the rows logged under
/// another `eventName`, and the writes the operator never makes that change it (see [`crate::change_events`]).
pub const EVENTS: crate::aws::operation::Events = crate::aws::operation::Events {
    source: Some("sns.amazonaws.com"),
    renamed: &[],
    foreign_writes: &[],
};
