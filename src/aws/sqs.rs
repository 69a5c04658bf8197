//! SQS: the change-events hub queue (found by name with GetQueueUrl, settings from one GetQueueAttributes, tags
//! only to prove ownership) and the consumer's calls (long-poll ReceiveMessage, DeleteMessageBatch).

use crate::aws::error::{not_found_as_none, ok_if_gone, AwsError, AwsResultExt, ErrorCategory};
use crate::aws::operation::{on, read, write, Operation, MOTO};
use aws_sdk_sqs::types::{DeleteMessageBatchRequestEntry, QueueAttributeName};
use aws_sdk_sqs::Client;
use std::collections::BTreeMap;

const SVC: &str = "sqs";

/// Error codes of a queue that does not exist (JSON protocol and its query-compatible code).
const NO_QUEUE: &[&str] = &[
    "QueueDoesNotExist",
    "AWS.SimpleQueueService.NonExistentQueue",
];

/// IAM resource every SQS call of the operator is limited to: the change-events queue in any region and account.
pub const QUEUE_RESOURCE: &str = "arn:aws:sqs:*:*:awsbaseline-change-events";

/// The attributes of a queue the operator manages (`Policy`, `SqsManagedSseEnabled`, `MessageRetentionPeriod`,
/// `ReceiveMessageWaitTimeSeconds`) plus the read-only `QueueArn`, as AWS returns them (strings).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct QueueAttributes {
    /// Queue ARN.
    pub arn: String,
    /// Every attribute returned, by name.
    pub values: BTreeMap<String, String>,
}

impl QueueAttributes {
    /// One attribute's value.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.values.get(name).map(String::as_str)
    }
}

/// The attributes the operator reads and writes.
pub const MANAGED_ATTRIBUTES: [&str; 4] = [
    "Policy",
    "SqsManagedSseEnabled",
    "MessageRetentionPeriod",
    "ReceiveMessageWaitTimeSeconds",
];

/// GetQueueUrl: the queue's URL, `None` when there is no queue of that name.
pub async fn queue_url(client: &Client, name: &str) -> Result<Option<String>, AwsError> {
    let out = not_found_as_none(
        client
            .get_queue_url()
            .queue_name(name)
            .send()
            .await
            .aws(SVC, "GetQueueUrl"),
        NO_QUEUE,
    )?;
    Ok(out.and_then(|o| o.queue_url().map(str::to_string)))
}

/// CreateQueue with attributes and tags; returns the URL.
pub async fn create(
    client: &Client,
    name: &str,
    attributes: &BTreeMap<String, String>,
    tags: &[(String, String)],
) -> Result<String, AwsError> {
    let mut req = client.create_queue().queue_name(name);
    for (k, v) in attributes {
        req = req.attributes(QueueAttributeName::from(k.as_str()), v);
    }
    for (k, v) in tags {
        req = req.tags(k, v);
    }
    let out = req.send().await.aws(SVC, "CreateQueue")?;
    out.queue_url().map(str::to_string).ok_or_else(|| {
        AwsError::new(
            SVC,
            "CreateQueue",
            ErrorCategory::Unknown,
            "CreateQueue returned no QueueUrl",
        )
    })
}

/// GetQueueAttributes of the managed attributes and `QueueArn`.
pub async fn attributes(client: &Client, url: &str) -> Result<QueueAttributes, AwsError> {
    let mut req = client
        .get_queue_attributes()
        .queue_url(url)
        .attribute_names(QueueAttributeName::QueueArn);
    for a in MANAGED_ATTRIBUTES {
        req = req.attribute_names(QueueAttributeName::from(a));
    }
    let out = req.send().await.aws(SVC, "GetQueueAttributes")?;
    let values: BTreeMap<String, String> = out
        .attributes()
        .map(|m| {
            m.iter()
                .map(|(k, v)| (k.as_str().to_string(), v.clone()))
                .collect()
        })
        .unwrap_or_default();
    Ok(QueueAttributes {
        arn: values.get("QueueArn").cloned().unwrap_or_default(),
        values,
    })
}

/// SetQueueAttributes: the given attributes only.
pub async fn set_attributes(
    client: &Client,
    url: &str,
    attributes: &BTreeMap<String, String>,
) -> Result<(), AwsError> {
    let mut req = client.set_queue_attributes().queue_url(url);
    for (k, v) in attributes {
        req = req.attributes(QueueAttributeName::from(k.as_str()), v);
    }
    req.send().await.aws(SVC, "SetQueueAttributes")?;
    Ok(())
}

/// ListQueueTags (to prove ownership).
pub async fn tags(client: &Client, url: &str) -> Result<Vec<(String, String)>, AwsError> {
    let out = client
        .list_queue_tags()
        .queue_url(url)
        .send()
        .await
        .aws(SVC, "ListQueueTags")?;
    Ok(out
        .tags()
        .map(|m| m.iter().map(|(k, v)| (k.clone(), v.clone())).collect())
        .unwrap_or_default())
}

/// DeleteQueue; a queue already gone is done.
pub async fn delete(client: &Client, url: &str) -> Result<(), AwsError> {
    ok_if_gone(
        client
            .delete_queue()
            .queue_url(url)
            .send()
            .await
            .aws(SVC, "DeleteQueue"),
        NO_QUEUE,
    )
}

/// One received message.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Message {
    /// Handle to delete it with.
    pub receipt_handle: String,
    /// The body (an EventBridge event as JSON for the change-events queue).
    pub body: String,
}

/// ReceiveMessage: at most `max` (1–10) messages, waiting up to `wait_seconds` (0–20) for the first.
pub async fn receive(
    client: &Client,
    queue_url: &str,
    max: i32,
    wait_seconds: i32,
) -> Result<Vec<Message>, AwsError> {
    let out = client
        .receive_message()
        .queue_url(queue_url)
        .max_number_of_messages(max.clamp(1, 10))
        .wait_time_seconds(wait_seconds.clamp(0, 20))
        .send()
        .await
        .aws(SVC, "ReceiveMessage")?;
    Ok(out
        .messages()
        .iter()
        .map(|m| Message {
            receipt_handle: m.receipt_handle().unwrap_or_default().to_string(),
            body: m.body().unwrap_or_default().to_string(),
        })
        .collect())
}

/// DeleteMessageBatch of the handles (in batches of 10, SQS's limit); a failed entry is an error naming its code.
pub async fn delete_batch(
    client: &Client,
    queue_url: &str,
    receipt_handles: &[String],
) -> Result<(), AwsError> {
    for chunk in receipt_handles.chunks(10) {
        let mut req = client.delete_message_batch().queue_url(queue_url);
        for (i, h) in chunk.iter().enumerate() {
            req = req.entries(
                DeleteMessageBatchRequestEntry::builder()
                    .id(i.to_string())
                    .receipt_handle(h)
                    .build()
                    .map_err(|e| AwsError::invalid_input(SVC, "DeleteMessageBatch", e))?,
            );
        }
        let out = req.send().await.aws(SVC, "DeleteMessageBatch")?;
        if let Some(f) = out.failed().first() {
            return Err(AwsError::new(
                SVC,
                "DeleteMessageBatch",
                ErrorCategory::from_code(f.code(), None),
                format!(
                    "{} of {} message(s) not deleted: {} {}",
                    out.failed().len(),
                    chunk.len(),
                    f.code(),
                    f.message().unwrap_or_default()
                ),
            ));
        }
    }
    Ok(())
}

/// Uses: only the hub has the queue; any account with `changeEvents` may find, check and delete the one it created
/// while it was the hub (`#correct`: an account that is no longer the hub removes it).
const HUB: &[&str] = &["AwsAccount.changeEvents.hub"];
const HUB_CORRECT: &[&str] = &["AwsAccount.changeEvents.hub#correct"];
const HUB_OR_FORMER: &[&str] = &[
    "AwsAccount.changeEvents.hub",
    "AwsAccount.changeEvents#correct",
];

/// The AWS operations this module calls: the IAM permissions each needs, the spec sections whose
/// reconciliation calls it, and the test that exercises it (see [`crate::aws::operation`]). Every permission is
/// limited to the change-events queue ([`QUEUE_RESOURCE`]). ReceiveMessage and DeleteMessageBatch are the
/// consumer's (the hub's long-poll, which runs only where the operator may write).
/// CloudTrail `eventSource` of SQS. ReceiveMessage and DeleteMessageBatch are CloudTrail data events, not
/// management events: `crate::change_events` leaves them out of the watched list (a management-event rule never
/// sees them, and watching them would feed the consumer's own reads back into its queue).
pub const EVENTS: crate::aws::operation::Events =
    crate::aws::operation::Events::source("sqs.amazonaws.com");

/// SQS operations CloudTrail records as data events (never watched).
pub const DATA_EVENTS: &[&str] = &["ReceiveMessage", "DeleteMessageBatch"];

pub const OPERATIONS: &[Operation] = &[
    write(
        SVC,
        "CreateQueue",
        MOTO,
        &[
            on("sqs:CreateQueue", QUEUE_RESOURCE),
            on("sqs:TagQueue", QUEUE_RESOURCE),
        ],
        HUB_CORRECT,
    ),
    write(
        SVC,
        "DeleteMessageBatch",
        MOTO,
        &[on("sqs:DeleteMessage", QUEUE_RESOURCE)],
        HUB_CORRECT,
    ),
    write(
        SVC,
        "DeleteQueue",
        MOTO,
        &[on("sqs:DeleteQueue", QUEUE_RESOURCE)],
        &[
            "AwsAccount.changeEvents#correct",
            "AwsAccount.changeEvents.hub#correct",
            "AwsAccount.changeEvents.hub#delete",
        ],
    ),
    read(
        SVC,
        "GetQueueAttributes",
        MOTO,
        &[on("sqs:GetQueueAttributes", QUEUE_RESOURCE)],
        HUB,
    ),
    read(
        SVC,
        "GetQueueUrl",
        MOTO,
        &[on("sqs:GetQueueUrl", QUEUE_RESOURCE)],
        HUB_OR_FORMER,
    ),
    read(
        SVC,
        "ListQueueTags",
        MOTO,
        &[on("sqs:ListQueueTags", QUEUE_RESOURCE)],
        HUB_OR_FORMER,
    ),
    write(
        SVC,
        "ReceiveMessage",
        MOTO,
        &[on("sqs:ReceiveMessage", QUEUE_RESOURCE)],
        HUB_CORRECT,
    ),
    write(
        SVC,
        "SetQueueAttributes",
        MOTO,
        &[on("sqs:SetQueueAttributes", QUEUE_RESOURCE)],
        HUB_CORRECT,
    ),
];
