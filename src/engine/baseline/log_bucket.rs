//! A log bucket the operator creates and keeps encrypted, versioned, private and with its statements in the
//! bucket policy (the trail's bucket, AWS Config's).

use super::Ctx;
use crate::api::common::Ownership;
use crate::aws;
use crate::baseline::cloudtrail::{self as trail_rules, BucketWrite};
use crate::diff::diff;
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
    let client = ctx.session.s3(region);
    let prev = ctx.previous_ownership(c, region);
    let state = match aws::s3::observe(&client, name).await {
        Ok(s) => s,
        Err(e) => return failed(c, region, prev.unwrap_or(Ownership::None), e),
    };
    let drift = diff(
        c,
        &trail_rules::log_bucket_desired(c, policy_field),
        &trail_rules::log_bucket_observed(c, policy_field, state.as_ref(), ours),
    );
    let writes = trail_rules::log_bucket_plan(c, policy_field, state.is_some(), &drift);
    let created = state.is_none();
    let ownership = if created {
        Ownership::Created
    } else {
        prev.unwrap_or(Ownership::Adopted)
    };
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
    let ownership = if state.is_none() && exec.is_none() {
        Ownership::None
    } else {
        ownership
    };
    Settle {
        component: c,
        region,
        drift,
        writes: exec,
        created,
        ownership,
        id: Some(name.to_string()),
    }
    .outcome()
}

/// Adds the statements of `extra` whose `Sid` `ours` lacks (two deliveries sharing one bucket).
pub(super) fn add_statements(ours: &mut Vec<serde_json::Value>, extra: Vec<serde_json::Value>) {
    for st in extra {
        if !ours.iter().any(|o| o.get("Sid") == st.get("Sid")) {
            ours.push(st);
        }
    }
}
