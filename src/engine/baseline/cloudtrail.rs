//! The `cloudTrail` section: the trail (home region) and, with `s3.createBucket`, its log bucket.

use super::{log_bucket, Cleanup, Ctx, Section, SectionUsage};
use crate::api::account_baseline::CloudTrailSpec;
use crate::api::common::Ownership;
use crate::aws::{self, operation::CLOUDTRAIL_PRINCIPAL, AwsError};
use crate::baseline::cloudtrail::{self as rules, TrailWrite};
use crate::diff::diff;
use crate::engine::{failed, ComponentOutcome, Settle};

pub(super) const SECTION: Section = Section {
    name: "cloudTrail",
    components: &[rules::COMPONENT, rules::BUCKET_COMPONENT],
    iam: &[
        "AccountBaseline.cloudTrail",
        "AccountBaseline.cloudTrail.s3.createBucket",
        "AccountBaseline.cloudTrail.cloudWatchLogs",
    ],
    usage,
    buckets: Some(|ctx, region| Box::pin(bucket(ctx, region))),
    account: Some(|ctx, region| Box::pin(trail(ctx, region))),
    regional: None,
    after: None,
    cleanup: |ctx| Box::pin(cleanup(ctx)),
};

fn usage(spec: &crate::api::account_baseline::AccountBaselineSpec) -> Option<SectionUsage> {
    let ct = spec.cloud_trail.as_ref()?;
    let mut u = SectionUsage::of(&["AccountBaseline.cloudTrail"]);
    if ct.s3.create_bucket {
        u.uses.push("AccountBaseline.cloudTrail.s3.createBucket");
    }
    // The trail configuration the engine sends: its CloudWatch Logs role is passed to CloudTrail.
    if let Some((_, role)) = rules::config(ct).cloud_watch_logs {
        u.uses.push("AccountBaseline.cloudTrail.cloudWatchLogs");
        u.passes.push((CLOUDTRAIL_PRINCIPAL, role));
    }
    Some(u)
}

/// The trail's bucket (`s3.createBucket`). When AWS Config delivers to the same bucket, its statements are kept
/// there too.
async fn bucket(ctx: &Ctx<'_>, region: &str) -> Vec<ComponentOutcome> {
    let Some(spec) = ctx
        .input
        .spec
        .cloud_trail
        .as_ref()
        .filter(|t| t.s3.create_bucket)
    else {
        return Vec::new();
    };
    let name = &spec.s3.bucket_name;
    let mut ours = rules::bucket_policy_statements(spec, &ctx.account_id, region);
    if let Some(ch) = ctx
        .input
        .spec
        .config
        .as_ref()
        .map(|c| &c.delivery_channel)
        .filter(|ch| &ch.s3_bucket_name == name)
    {
        log_bucket::add_statements(
            &mut ours,
            crate::baseline::config::bucket_policy_statements(ch, &ctx.account_id, region),
        );
    }
    vec![
        log_bucket::reconcile(
            ctx,
            region,
            rules::BUCKET_COMPONENT,
            "cloudTrailPolicy",
            name,
            &ours,
        )
        .await,
    ]
}

async fn trail(ctx: &Ctx<'_>, region: &str) -> Vec<ComponentOutcome> {
    match &ctx.input.spec.cloud_trail {
        Some(spec) => vec![reconcile(ctx, region, spec).await],
        None => Vec::new(),
    }
}

async fn reconcile(ctx: &Ctx<'_>, region: &str, spec: &CloudTrailSpec) -> ComponentOutcome {
    let c = rules::COMPONENT;
    let client = ctx.session.cloudtrail(region);
    let state = match aws::cloudtrail::observe(&client, &spec.name).await {
        Ok(s) => s,
        Err(e) => {
            return failed(
                c,
                region,
                ctx.previous_ownership(c, region).unwrap_or(Ownership::None),
                e,
            )
        }
    };
    // A key declared by alias: CloudTrail reports the key's ARN, so ask KMS which key the alias names (one
    // DescribeKey, only when the trail has a key that is not spelled the declared way).
    let mut state = state;
    if let (Some(declared), Some(t)) = (&spec.kms_key_id, state.as_mut()) {
        let actual = t
            .kms_key_id
            .clone()
            .filter(|a| !a.is_empty() && a != declared);
        if let (true, Some(actual)) = (aws::kms::is_alias(declared), actual) {
            match aws::kms::key_arn(&ctx.session.kms(region), declared).await {
                Ok(Some(arn)) if arn == actual => t.kms_key_id = Some(declared.clone()),
                Ok(_) => {}
                Err(e) => {
                    return failed(
                        c,
                        region,
                        ctx.previous_ownership(c, region).unwrap_or(Ownership::None),
                        e,
                    )
                }
            }
        }
    }
    let drift = diff(
        c,
        &rules::desired(spec),
        &rules::observed(state.as_ref(), spec),
    );
    let writes = rules::plan(spec, state.is_some(), &drift);
    let ownership = match &state {
        Some(t)
            if ctx
                .input
                .owner
                .owns(t.tags.iter().map(|(k, v)| (k.as_str(), v.as_str()))) =>
        {
            Ownership::Created
        }
        Some(_) => Ownership::Adopted,
        None if ctx.may_write() => Ownership::Created,
        None => Ownership::None,
    };
    let mut id = state.as_ref().map(|t| t.arn.clone());
    let exec = if ctx.may_write() && !writes.is_empty() {
        let cfg = rules::config(spec);
        let result = async {
            for w in &writes {
                match w {
                    TrailWrite::Create => {
                        id = Some(
                            aws::cloudtrail::create(&client, &cfg, &ctx.input.owner.tags()).await?,
                        )
                    }
                    TrailWrite::Update => aws::cloudtrail::update(&client, &cfg).await?,
                    TrailWrite::PutSelectors => {
                        aws::cloudtrail::put_selectors(&client, &spec.name, &rules::selectors(spec))
                            .await?
                    }
                    TrailWrite::PutInsights => {
                        aws::cloudtrail::put_insights(&client, &spec.name, &rules::insights(spec))
                            .await?
                    }
                    TrailWrite::SetLogging(on) => {
                        aws::cloudtrail::set_logging(&client, &spec.name, *on).await?
                    }
                }
            }
            Ok(())
        }
        .await;
        Some(result)
    } else {
        None
    };
    Settle {
        component: c,
        region,
        drift,
        writes: exec,
        created: state.is_none(),
        ownership,
        id,
    }
    .outcome()
}

/// Delete the trail when its tags prove this baseline created it; the log bucket is always kept.
async fn cleanup(ctx: &Cleanup<'_>) -> Vec<Result<Option<String>, AwsError>> {
    let Some(spec) = &ctx.input.spec.cloud_trail else {
        return Vec::new();
    };
    let client = ctx.session.cloudtrail(ctx.home());
    let mut out = vec![
        async {
            match aws::cloudtrail::observe(&client, &spec.name).await? {
                Some(t)
                    if ctx
                        .owner()
                        .owns(t.tags.iter().map(|(k, v)| (k.as_str(), v.as_str()))) =>
                {
                    aws::cloudtrail::delete(&client, &spec.name).await?;
                    Ok(Some(format!("deleted trail {}", spec.name)))
                }
                Some(_) => Ok(Some(format!(
                    "kept trail {} (not created by this baseline)",
                    spec.name
                ))),
                None => Ok(None),
            }
        }
        .await,
    ];
    if spec.s3.create_bucket {
        out.push(Ok(Some(format!(
            "kept log bucket {} (audit logs are never deleted)",
            spec.s3.bucket_name
        ))));
    }
    out
}
