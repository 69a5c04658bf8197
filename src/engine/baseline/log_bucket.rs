//! A log bucket the operator creates and keeps encrypted, versioned, private and with its statements in the
//! bucket policy (the trail's bucket, AWS Config's, the access-log buckets).

use super::Ctx;
use crate::api::common::Ownership;
use crate::aws;
use crate::aws::AwsError;
use crate::baseline::cloudtrail::{self as trail_rules, BucketWrite};
use crate::diff::{diff, FieldDrift};
use crate::engine::{failed, ComponentOutcome, Settle};

/// Observe `name`, then create it or correct its versioning, encryption, public access block and policy
/// (`ours` merged into whatever else the policy holds).
pub(super) async fn reconcile(
    ctx: &Ctx<'_>,
    region: &str,
    c: &'static str,
    policy_field: &str,
    name: &str,
    ours: &[serde_json::Value],
) -> ComponentOutcome {
    let prev = ctx.previous_ownership(c, region);
    let p = match pass(ctx, region, c, policy_field, name, ours).await {
        Ok(p) => p,
        Err(e) => return failed(c, region, prev.unwrap_or(Ownership::None), e),
    };
    let ownership = if p.existed {
        prev.unwrap_or(Ownership::Adopted)
    } else if p.writes.is_some() {
        Ownership::Created
    } else {
        Ownership::None
    };
    Settle {
        component: c,
        region,
        drift: p.drift,
        writes: p.writes,
        created: !p.existed,
        ownership,
        id: Some(name.to_string()),
    }
    .outcome()
}

/// One log bucket after its pass: the drift under `<prefix>.*` and the writes that ran.
pub(super) struct BucketPass {
    /// Drift found before writing.
    pub drift: Vec<FieldDrift>,
    /// Result of the writes (`None`: none ran).
    pub writes: Option<Result<(), AwsError>>,
    /// The bucket existed before the pass.
    pub existed: bool,
}

/// Observe `name` and correct it, with drift fields under `prefix` (the component, or `<component>.<bucket>` when a
/// component holds several log buckets).
pub(super) async fn pass(
    ctx: &Ctx<'_>,
    region: &str,
    prefix: &str,
    policy_field: &str,
    name: &str,
    ours: &[serde_json::Value],
) -> Result<BucketPass, AwsError> {
    let client = ctx.session.s3(region);
    let state = aws::s3::observe(&client, name).await?;
    let drift = diff(
        prefix,
        &trail_rules::log_bucket_desired(prefix, policy_field),
        &trail_rules::log_bucket_observed(prefix, policy_field, state.as_ref(), ours),
    );
    let writes = trail_rules::log_bucket_plan(prefix, policy_field, state.is_some(), &drift);
    let exec = if ctx.may_write() && !writes.is_empty() {
        let tags = ctx.input.owner.tags();
        Some(
            async {
                for w in &writes {
                    match w {
                        BucketWrite::Create => {
                            aws::s3::create(&client, name, region, &tags).await?
                        }
                        BucketWrite::Versioning => {
                            aws::s3::enable_versioning(&client, name).await?
                        }
                        BucketWrite::Encryption => {
                            aws::s3::enable_encryption(&client, name, None).await?
                        }
                        BucketWrite::BlockPublicAccess => {
                            aws::s3::block_public_access(&client, name).await?
                        }
                        BucketWrite::Policy => {
                            let merged = trail_rules::merge_policy(
                                state.as_ref().and_then(|s| s.policy.as_deref()),
                                ours,
                            );
                            aws::s3::put_policy(&client, name, &merged).await?
                        }
                    }
                }
                Ok(())
            }
            .await,
        )
    } else {
        None
    };
    Ok(BucketPass {
        drift,
        writes: exec,
        existed: state.is_some(),
    })
}

/// Adds the statements of `extra` whose `Sid` `ours` lacks (two deliveries sharing one bucket).
pub(super) fn add_statements(ours: &mut Vec<serde_json::Value>, extra: Vec<serde_json::Value>) {
    for st in extra {
        if !ours.iter().any(|o| o.get("Sid") == st.get("Sid")) {
            ours.push(st);
        }
    }
}
