//! S3 Control: the account-level Block Public Access configuration.

use crate::aws::error::{not_found_as_none, ok_if_gone, AwsError, AwsResultExt};
use crate::aws::operation::{act, read, write, Operation, MOTO};
use aws_sdk_s3control::types::PublicAccessBlockConfiguration;
use aws_sdk_s3control::Client;

const SVC: &str = "s3control";

/// The four account-level flags.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct BlockPublicAccess {
    /// BlockPublicAcls.
    pub block_public_acls: bool,
    /// IgnorePublicAcls.
    pub ignore_public_acls: bool,
    /// BlockPublicPolicy.
    pub block_public_policy: bool,
    /// RestrictPublicBuckets.
    pub restrict_public_buckets: bool,
}

/// GetPublicAccessBlock; `None` when the account has no configuration.
pub async fn get(client: &Client, account_id: &str) -> Result<Option<BlockPublicAccess>, AwsError> {
    let out = not_found_as_none(
        client
            .get_public_access_block()
            .account_id(account_id)
            .send()
            .await
            .aws(SVC, "GetPublicAccessBlock"),
        &["NoSuchPublicAccessBlockConfiguration"],
    )?;
    Ok(out
        .and_then(|o| o.public_access_block_configuration)
        .map(|c| BlockPublicAccess {
            block_public_acls: c.block_public_acls.unwrap_or(false),
            ignore_public_acls: c.ignore_public_acls.unwrap_or(false),
            block_public_policy: c.block_public_policy.unwrap_or(false),
            restrict_public_buckets: c.restrict_public_buckets.unwrap_or(false),
        }))
}

/// PutPublicAccessBlock.
pub async fn put(client: &Client, account_id: &str, b: BlockPublicAccess) -> Result<(), AwsError> {
    client
        .put_public_access_block()
        .account_id(account_id)
        .public_access_block_configuration(
            PublicAccessBlockConfiguration::builder()
                .block_public_acls(b.block_public_acls)
                .ignore_public_acls(b.ignore_public_acls)
                .block_public_policy(b.block_public_policy)
                .restrict_public_buckets(b.restrict_public_buckets)
                .build(),
        )
        .send()
        .await
        .aws(SVC, "PutPublicAccessBlock")?;
    Ok(())
}

/// DeletePublicAccessBlock; "already gone" is success.
pub async fn delete(client: &Client, account_id: &str) -> Result<(), AwsError> {
    ok_if_gone(
        client
            .delete_public_access_block()
            .account_id(account_id)
            .send()
            .await
            .aws(SVC, "DeletePublicAccessBlock"),
        &["NoSuchPublicAccessBlockConfiguration"],
    )
}

/// The AWS operations this module calls: the IAM permissions each needs, the spec sections whose
/// reconciliation calls it, and the test that exercises it (see [`crate::aws::operation`]).
pub const OPERATIONS: &[Operation] = &[
    // S3 Control: account-level Block Public Access.
    write(
        SVC,
        "DeletePublicAccessBlock",
        MOTO,
        &[act("s3:PutAccountPublicAccessBlock")],
        &["AccountBaseline.s3BlockPublicAccess#delete"],
    ),
    read(
        SVC,
        "GetPublicAccessBlock",
        MOTO,
        &[act("s3:GetAccountPublicAccessBlock")],
        &["AccountBaseline.s3BlockPublicAccess"],
    ),
    write(
        SVC,
        "PutPublicAccessBlock",
        MOTO,
        &[act("s3:PutAccountPublicAccessBlock")],
        &["AccountBaseline.s3BlockPublicAccess#correct"],
    ),
];

/// How CloudTrail records the writes that change what this module manages: the `eventSource` (EventBridge
/// events reference, https://docs.aws.amazon.com/eventbridge/latest/ref/events-ref-s3.html), the rows logged under
/// another `eventName`, and the writes the operator never makes that change it (see [`crate::change_events`]).
pub const EVENTS: crate::aws::operation::Events = crate::aws::operation::Events {
    source: Some("s3.amazonaws.com"),
    renamed: &[
        ("DeletePublicAccessBlock", "DeleteAccountPublicAccessBlock"),
        ("PutPublicAccessBlock", "PutAccountPublicAccessBlock"),
    ],
    foreign_writes: &[],
};
