//! EC2 account attributes: EBS encryption by default and its KMS key.

use crate::aws::error::{AwsError, AwsResultExt};
use crate::aws::operation::{act, mock, read, write, Operation, MOTO};
use aws_sdk_ec2::Client;

const SVC: &str = "ec2";

/// GetEbsEncryptionByDefault.
pub async fn encryption_by_default(client: &Client) -> Result<bool, AwsError> {
    let out = client
        .get_ebs_encryption_by_default()
        .send()
        .await
        .aws(SVC, "GetEbsEncryptionByDefault")?;
    Ok(out.ebs_encryption_by_default().unwrap_or(false))
}

/// GetEbsDefaultKmsKeyId (only called when the spec manages the key).
pub async fn default_kms_key(client: &Client) -> Result<Option<String>, AwsError> {
    let out = client
        .get_ebs_default_kms_key_id()
        .send()
        .await
        .aws(SVC, "GetEbsDefaultKmsKeyId")?;
    Ok(out.kms_key_id().map(str::to_string))
}

/// Enable or disable EBS encryption by default.
pub async fn set_encryption_by_default(client: &Client, on: bool) -> Result<(), AwsError> {
    if on {
        client
            .enable_ebs_encryption_by_default()
            .send()
            .await
            .aws(SVC, "EnableEbsEncryptionByDefault")?;
    } else {
        client
            .disable_ebs_encryption_by_default()
            .send()
            .await
            .aws(SVC, "DisableEbsEncryptionByDefault")?;
    }
    Ok(())
}

/// ModifyEbsDefaultKmsKeyId.
pub async fn set_default_kms_key(client: &Client, key: &str) -> Result<(), AwsError> {
    client
        .modify_ebs_default_kms_key_id()
        .kms_key_id(key)
        .send()
        .await
        .aws(SVC, "ModifyEbsDefaultKmsKeyId")?;
    Ok(())
}

/// DescribeInstances: IDs of the non-terminated instances carrying every tag in `tags` (key, accepted values),
/// one paginated call.
pub async fn instances_with_tags(
    client: &Client,
    tags: &[(String, Vec<String>)],
) -> Result<Vec<String>, AwsError> {
    use aws_sdk_ec2::types::Filter;
    let mut filters: Vec<Filter> = tags
        .iter()
        .map(|(k, v)| {
            Filter::builder()
                .name(format!("tag:{k}"))
                .set_values(Some(v.clone()))
                .build()
        })
        .collect();
    filters.push(
        Filter::builder()
            .name("instance-state-name")
            .values("pending")
            .values("running")
            .values("stopping")
            .values("stopped")
            .build(),
    );
    let mut out = Vec::new();
    let mut pages = client
        .describe_instances()
        .set_filters(Some(filters))
        .into_paginator()
        .send();
    while let Some(page) = pages.next().await {
        let page = page.aws(SVC, "DescribeInstances")?;
        for r in page.reservations() {
            out.extend(
                r.instances()
                    .iter()
                    .filter_map(|i| i.instance_id().map(str::to_string)),
            );
        }
    }
    out.sort();
    out.dedup();
    Ok(out)
}

/// The AWS operations this module calls: the IAM permissions each needs, the spec sections whose
/// reconciliation calls it, and the test that exercises it (see [`crate::aws::operation`]).
pub const OPERATIONS: &[Operation] = &[
    read(
        SVC,
        "DescribeInstances",
        MOTO,
        &[act("ec2:DescribeInstances")],
        &["PatchSchedule.targets.tags", "AccountBaseline.ssmInventory"],
    ),
    write(
        SVC,
        "DisableEbsEncryptionByDefault",
        MOTO,
        &[act("ec2:DisableEbsEncryptionByDefault")],
        &[
            "AccountBaseline.ebsEncryptionByDefault#correct",
            "AccountBaseline.ebsEncryptionByDefault#delete",
        ],
    ),
    write(
        SVC,
        "EnableEbsEncryptionByDefault",
        MOTO,
        &[act("ec2:EnableEbsEncryptionByDefault")],
        &["AccountBaseline.ebsEncryptionByDefault#correct"],
    ),
    read(
        SVC,
        "GetEbsDefaultKmsKeyId",
        mock("tests/account_baseline/ebs_encryption.rs"),
        &[act("ec2:GetEbsDefaultKmsKeyId")],
        &["AccountBaseline.ebsEncryptionByDefault.kmsKeyId"],
    ),
    read(
        SVC,
        "GetEbsEncryptionByDefault",
        MOTO,
        &[act("ec2:GetEbsEncryptionByDefault")],
        &["AccountBaseline.ebsEncryptionByDefault"],
    ),
    write(
        SVC,
        "ModifyEbsDefaultKmsKeyId",
        mock("tests/account_baseline/ebs_encryption.rs"),
        &[act("ec2:ModifyEbsDefaultKmsKeyId")],
        &["AccountBaseline.ebsEncryptionByDefault.kmsKeyId#correct"],
    ),
];

/// How CloudTrail records the writes that change what this module manages: the `eventSource` (EventBridge
/// events reference, https://docs.aws.amazon.com/eventbridge/latest/ref/events-ref-ec2.html), the rows logged under
/// another `eventName`, and the writes the operator never makes that change it (see [`crate::change_events`]).
pub const EVENTS: crate::aws::operation::Events = crate::aws::operation::Events {
    source: Some("ec2.amazonaws.com"),
    renamed: &[],
    foreign_writes: &[crate::aws::operation::foreign(
        "ResetEbsDefaultKmsKeyId",
        &[
            "AccountBaseline.ebsEncryptionByDefault",
            "AccountBaseline.ebsEncryptionByDefault.kmsKeyId",
        ],
    )],
};
