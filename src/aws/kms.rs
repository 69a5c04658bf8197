//! AWS KMS: which key an alias names, for settings AWS reports by key ARN whatever spelling was declared.

use crate::aws::error::{AwsError, AwsResultExt};
use crate::aws::operation::{act, read, Operation, MOTO};
use aws_sdk_kms::Client;

const SVC: &str = "kms";

/// True for an alias spelling (`alias/name` or an alias ARN), which only DescribeKey can turn into the key's ARN.
pub fn is_alias(key: &str) -> bool {
    key.starts_with("alias/") || key.contains(":alias/")
}

/// The ARN of the key `key_id` (ID, key ARN, alias name or alias ARN) names: DescribeKey.
pub async fn key_arn(client: &Client, key_id: &str) -> Result<Option<String>, AwsError> {
    let out = client
        .describe_key()
        .key_id(key_id)
        .send()
        .await
        .aws(SVC, "DescribeKey");
    match out {
        Ok(o) => Ok(o.key_metadata().and_then(|m| m.arn()).map(str::to_string)),
        Err(e) if e.is_not_found() => Ok(None),
        Err(e) => Err(e),
    }
}

/// The calls in this file.
pub const OPERATIONS: &[Operation] = &[read(
    SVC,
    "DescribeKey",
    MOTO,
    &[act("kms:DescribeKey")],
    &["AccountBaseline.cloudTrail"],
)];
