//! S3 buckets: the log buckets the operator keeps (CloudTrail's, AWS Config's, access logs'), and server access
//! logging of declared buckets.

use crate::aws::error::{not_found_as_none, AwsError, AwsResultExt, ErrorCategory};
use crate::aws::operation::{act, read, write, Operation, MOTO};
use crate::aws::tags;
use aws_sdk_s3::types::{
    BucketLocationConstraint, BucketLoggingStatus, BucketVersioningStatus,
    CreateBucketConfiguration, LoggingEnabled, PublicAccessBlockConfiguration,
    ServerSideEncryption, ServerSideEncryptionByDefault, ServerSideEncryptionConfiguration,
    ServerSideEncryptionRule, Tagging, VersioningConfiguration,
};
use aws_sdk_s3::Client;

const SVC: &str = "s3";

/// A bucket's security settings.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct BucketState {
    /// `Enabled` / `Suspended` / None (never enabled).
    pub versioning: Option<String>,
    /// Default encryption configured.
    pub encrypted: bool,
    /// All four bucket Block Public Access flags on.
    pub public_access_blocked: bool,
    /// Bucket policy JSON.
    pub policy: Option<String>,
}

fn invalid(op: &'static str, e: impl std::fmt::Display) -> AwsError {
    AwsError::new(SVC, op, ErrorCategory::InvalidInput, e.to_string())
}

/// HeadBucket, GetBucketVersioning, GetBucketEncryption, GetPublicAccessBlock, GetBucketPolicy.
pub async fn observe(client: &Client, bucket: &str) -> Result<Option<BucketState>, AwsError> {
    if not_found_as_none(
        client
            .head_bucket()
            .bucket(bucket)
            .send()
            .await
            .aws(SVC, "HeadBucket"),
        &[],
    )?
    .is_none()
    {
        return Ok(None);
    }
    let versioning = versioning_status(client, bucket).await?;
    let encryption = not_found_as_none(
        client
            .get_bucket_encryption()
            .bucket(bucket)
            .send()
            .await
            .aws(SVC, "GetBucketEncryption"),
        &["ServerSideEncryptionConfigurationNotFoundError"],
    )?;
    let pab = not_found_as_none(
        client
            .get_public_access_block()
            .bucket(bucket)
            .send()
            .await
            .aws(SVC, "GetPublicAccessBlock"),
        &["NoSuchPublicAccessBlockConfiguration"],
    )?;
    let policy = not_found_as_none(
        client
            .get_bucket_policy()
            .bucket(bucket)
            .send()
            .await
            .aws(SVC, "GetBucketPolicy"),
        &["NoSuchBucketPolicy"],
    )?;
    Ok(Some(BucketState {
        versioning,
        encrypted: encryption
            .and_then(|e| e.server_side_encryption_configuration)
            .is_some_and(|c| !c.rules().is_empty()),
        public_access_blocked: pab
            .and_then(|p| p.public_access_block_configuration)
            .is_some_and(|c| {
                c.block_public_acls == Some(true)
                    && c.ignore_public_acls == Some(true)
                    && c.block_public_policy == Some(true)
                    && c.restrict_public_buckets == Some(true)
            }),
        policy: policy.and_then(|p| p.policy),
    }))
}

/// GetBucketVersioning. Compatibility: moto 5.2.5 answers with the root element `GetBucketVersioningResponse`
/// instead of `VersioningConfiguration`, which the SDK's strict XML parser rejects although the HTTP status is
/// 200. Only in that case the `Status` element is read from the raw body the SDK kept; every other error is
/// classified as usual.
async fn versioning_status(client: &Client, bucket: &str) -> Result<Option<String>, AwsError> {
    match client.get_bucket_versioning().bucket(bucket).send().await {
        Ok(out) => Ok(out.status().map(|s| s.as_str().to_string())),
        Err(aws_smithy_runtime_api::client::result::SdkError::ServiceError(se))
            if se.raw().status().as_u16() == 200
                && aws_sdk_s3::error::ProvideErrorMetadata::code(se.err()).is_none() =>
        {
            let body = se
                .raw()
                .body()
                .bytes()
                .map(|b| String::from_utf8_lossy(b).to_string())
                .unwrap_or_default();
            Ok(body
                .split_once("<Status>")
                .and_then(|(_, rest)| rest.split_once("</Status>"))
                .map(|(s, _)| s.to_string()))
        }
        Err(e) => Err(AwsError::from_sdk(SVC, "GetBucketVersioning", e)),
    }
}

/// CreateBucket in `region` and tag it.
pub async fn create(
    client: &Client,
    bucket: &str,
    region: &str,
    tags: &[(String, String)],
) -> Result<(), AwsError> {
    let mut req = client.create_bucket().bucket(bucket);
    if region != "us-east-1" {
        req = req.create_bucket_configuration(
            CreateBucketConfiguration::builder()
                .location_constraint(BucketLocationConstraint::from(region))
                .build(),
        );
    }
    req.send().await.aws(SVC, "CreateBucket")?;
    let tag_set = tags::to_sdk(tags).map_err(|e| invalid("PutBucketTagging", e))?;
    client
        .put_bucket_tagging()
        .bucket(bucket)
        .tagging(
            Tagging::builder()
                .set_tag_set(Some(tag_set))
                .build()
                .map_err(|e| invalid("PutBucketTagging", e))?,
        )
        .send()
        .await
        .aws(SVC, "PutBucketTagging")?;
    Ok(())
}

/// Turn versioning on.
pub async fn enable_versioning(client: &Client, bucket: &str) -> Result<(), AwsError> {
    client
        .put_bucket_versioning()
        .bucket(bucket)
        .versioning_configuration(
            VersioningConfiguration::builder()
                .status(BucketVersioningStatus::Enabled)
                .build(),
        )
        .send()
        .await
        .aws(SVC, "PutBucketVersioning")?;
    Ok(())
}

/// Default encryption: SSE-KMS with `kms_key` when given, SSE-S3 otherwise.
pub async fn enable_encryption(
    client: &Client,
    bucket: &str,
    kms_key: Option<&str>,
) -> Result<(), AwsError> {
    let by_default = match kms_key {
        Some(k) => ServerSideEncryptionByDefault::builder()
            .sse_algorithm(ServerSideEncryption::AwsKms)
            .kms_master_key_id(k),
        None => {
            ServerSideEncryptionByDefault::builder().sse_algorithm(ServerSideEncryption::Aes256)
        }
    }
    .build()
    .map_err(|e| invalid("PutBucketEncryption", e))?;
    let cfg = ServerSideEncryptionConfiguration::builder()
        .rules(
            ServerSideEncryptionRule::builder()
                .apply_server_side_encryption_by_default(by_default)
                .bucket_key_enabled(kms_key.is_some())
                .build(),
        )
        .build()
        .map_err(|e| invalid("PutBucketEncryption", e))?;
    client
        .put_bucket_encryption()
        .bucket(bucket)
        .server_side_encryption_configuration(cfg)
        .send()
        .await
        .aws(SVC, "PutBucketEncryption")?;
    Ok(())
}

/// All four bucket Block Public Access flags on.
pub async fn block_public_access(client: &Client, bucket: &str) -> Result<(), AwsError> {
    client
        .put_public_access_block()
        .bucket(bucket)
        .public_access_block_configuration(
            PublicAccessBlockConfiguration::builder()
                .block_public_acls(true)
                .ignore_public_acls(true)
                .block_public_policy(true)
                .restrict_public_buckets(true)
                .build(),
        )
        .send()
        .await
        .aws(SVC, "PutPublicAccessBlock")?;
    Ok(())
}

/// PutBucketPolicy.
pub async fn put_policy(client: &Client, bucket: &str, policy: &str) -> Result<(), AwsError> {
    client
        .put_bucket_policy()
        .bucket(bucket)
        .policy(policy)
        .send()
        .await
        .aws(SVC, "PutBucketPolicy")?;
    Ok(())
}

/// Server access logging of a bucket: `(target bucket, target prefix)`, `None` when off (GetBucketLogging).
pub async fn logging(client: &Client, bucket: &str) -> Result<Option<(String, String)>, AwsError> {
    let out = client
        .get_bucket_logging()
        .bucket(bucket)
        .send()
        .await
        .aws(SVC, "GetBucketLogging")?;
    Ok(out
        .logging_enabled()
        .map(|l| (l.target_bucket().to_string(), l.target_prefix().to_string())))
}

/// PutBucketLogging: server access logging into `target` = (bucket, prefix), or off with `None`.
pub async fn set_logging(
    client: &Client,
    bucket: &str,
    target: Option<(&str, &str)>,
) -> Result<(), AwsError> {
    let mut status = BucketLoggingStatus::builder();
    if let Some((target_bucket, prefix)) = target {
        status = status.logging_enabled(
            LoggingEnabled::builder()
                .target_bucket(target_bucket)
                .target_prefix(prefix)
                .build()
                .map_err(|e| invalid("PutBucketLogging", e))?,
        );
    }
    client
        .put_bucket_logging()
        .bucket(bucket)
        .bucket_logging_status(status.build())
        .send()
        .await
        .aws(SVC, "PutBucketLogging")?;
    Ok(())
}

/// True when `bucket` exists and is reachable (HeadBucket).
pub async fn exists(client: &Client, bucket: &str) -> Result<bool, AwsError> {
    Ok(not_found_as_none(
        client
            .head_bucket()
            .bucket(bucket)
            .send()
            .await
            .aws(SVC, "HeadBucket"),
        &[],
    )?
    .is_some())
}

/// The AWS operations this module calls: the IAM permissions each needs, the spec sections whose
/// reconciliation calls it, and the test that exercises it (see [`crate::aws::operation`]).
pub const OPERATIONS: &[Operation] = &[
    // S3: the CloudTrail log bucket, only when the operator creates it (never deleted).
    write(
        SVC,
        "CreateBucket",
        MOTO,
        &[act("s3:CreateBucket")],
        &[
            "AccountBaseline.cloudTrail.s3.createBucket#correct",
            "AccountBaseline.config.deliveryChannel.createBucket#correct",
            "AccountBaseline.accessLogs#correct",
        ],
    ),
    read(
        SVC,
        "GetBucketEncryption",
        MOTO,
        &[act("s3:GetEncryptionConfiguration")],
        &[
            "AccountBaseline.cloudTrail.s3.createBucket",
            "AccountBaseline.config.deliveryChannel.createBucket",
            "AccountBaseline.accessLogs",
        ],
    ),
    read(
        SVC,
        "GetBucketLogging",
        MOTO,
        &[act("s3:GetBucketLogging")],
        &["AccountBaseline.accessLogs.buckets"],
    ),
    read(
        SVC,
        "GetBucketPolicy",
        MOTO,
        &[act("s3:GetBucketPolicy")],
        &[
            "AccountBaseline.cloudTrail.s3.createBucket",
            "AccountBaseline.config.deliveryChannel.createBucket",
            "AccountBaseline.accessLogs",
        ],
    ),
    read(
        SVC,
        "GetBucketVersioning",
        MOTO,
        &[act("s3:GetBucketVersioning")],
        &[
            "AccountBaseline.cloudTrail.s3.createBucket",
            "AccountBaseline.config.deliveryChannel.createBucket",
            "AccountBaseline.accessLogs",
        ],
    ),
    read(
        SVC,
        "GetPublicAccessBlock",
        MOTO,
        &[act("s3:GetBucketPublicAccessBlock")],
        &[
            "AccountBaseline.cloudTrail.s3.createBucket",
            "AccountBaseline.config.deliveryChannel.createBucket",
            "AccountBaseline.accessLogs",
        ],
    ),
    read(
        SVC,
        "HeadBucket",
        MOTO,
        &[act("s3:ListBucket")],
        &[
            "AccountBaseline.cloudTrail.s3.createBucket",
            "AccountBaseline.config.deliveryChannel.createBucket",
            "AccountBaseline.accessLogs",
        ],
    ),
    write(
        SVC,
        "PutBucketEncryption",
        MOTO,
        &[act("s3:PutEncryptionConfiguration")],
        &[
            "AccountBaseline.cloudTrail.s3.createBucket#correct",
            "AccountBaseline.config.deliveryChannel.createBucket#correct",
            "AccountBaseline.accessLogs#correct",
        ],
    ),
    write(
        SVC,
        "PutBucketLogging",
        MOTO,
        &[act("s3:PutBucketLogging")],
        &[
            "AccountBaseline.accessLogs.buckets#correct",
            "AccountBaseline.accessLogs.buckets#delete",
        ],
    ),
    write(
        SVC,
        "PutBucketPolicy",
        MOTO,
        &[act("s3:PutBucketPolicy")],
        &[
            "AccountBaseline.cloudTrail.s3.createBucket#correct",
            "AccountBaseline.config.deliveryChannel.createBucket#correct",
            "AccountBaseline.accessLogs#correct",
        ],
    ),
    write(
        SVC,
        "PutBucketTagging",
        MOTO,
        &[act("s3:PutBucketTagging")],
        &[
            "AccountBaseline.cloudTrail.s3.createBucket#correct",
            "AccountBaseline.config.deliveryChannel.createBucket#correct",
            "AccountBaseline.accessLogs#correct",
        ],
    ),
    write(
        SVC,
        "PutBucketVersioning",
        MOTO,
        &[act("s3:PutBucketVersioning")],
        &[
            "AccountBaseline.cloudTrail.s3.createBucket#correct",
            "AccountBaseline.config.deliveryChannel.createBucket#correct",
            "AccountBaseline.accessLogs#correct",
        ],
    ),
    write(
        SVC,
        "PutPublicAccessBlock",
        MOTO,
        &[act("s3:PutBucketPublicAccessBlock")],
        &[
            "AccountBaseline.cloudTrail.s3.createBucket#correct",
            "AccountBaseline.config.deliveryChannel.createBucket#correct",
            "AccountBaseline.accessLogs#correct",
        ],
    ),
];

/// The uses of a bucket the operator created (the CloudTrail log bucket, the Config delivery bucket).
const BUCKET_CREATED: &[&str] = &[
    "AccountBaseline.cloudTrail.s3.createBucket",
    "AccountBaseline.config.deliveryChannel.createBucket",
    "AccountBaseline.accessLogs",
];

/// How CloudTrail records the writes that change what this module manages: the `eventSource` (EventBridge
/// events reference, https://docs.aws.amazon.com/eventbridge/latest/ref/events-ref-s3.html), the rows logged under
/// another `eventName`, and the writes the operator never makes that change it (see [`crate::change_events`]).
pub const EVENTS: crate::aws::operation::Events = crate::aws::operation::Events {
    source: Some("s3.amazonaws.com"),
    renamed: &[("PutPublicAccessBlock", "PutBucketPublicAccessBlock")],
    foreign_writes: &[
        crate::aws::operation::foreign("DeleteBucket", BUCKET_CREATED),
        crate::aws::operation::foreign("DeleteBucketEncryption", BUCKET_CREATED),
        crate::aws::operation::foreign("DeleteBucketPolicy", BUCKET_CREATED),
        crate::aws::operation::foreign("DeleteBucketPublicAccessBlock", BUCKET_CREATED),
        crate::aws::operation::foreign("DeleteBucketTagging", BUCKET_CREATED),
    ],
};
