//! The `s3BlockPublicAccess` section: the account-level S3 Block Public Access (home region).

use super::{sticky_ownership, Cleanup, Ctx, Section, SectionUsage};
use crate::api::account_baseline::S3BlockPublicAccessSpec;
use crate::api::common::Ownership;
use crate::aws::{self, AwsError};
use crate::baseline::hardening as rules;
use crate::diff::diff;
use crate::engine::{failed, ComponentOutcome, Settle};

pub(super) const SECTION: Section = Section {
    name: "s3BlockPublicAccess",
    components: &[rules::S3_BPA],
    iam: &["AccountBaseline.s3BlockPublicAccess"],
    usage: |spec| {
        spec.s3_block_public_access
            .as_ref()
            .map(|_| SectionUsage::of(&["AccountBaseline.s3BlockPublicAccess"]))
    },
    buckets: None,
    account: Some(|ctx, region| {
        Box::pin(async move {
            match &ctx.input.spec.s3_block_public_access {
                Some(s) => vec![reconcile(ctx, region, s).await],
                None => Vec::new(),
            }
        })
    }),
    regional: None,
    after: None,
    cleanup: |ctx| Box::pin(cleanup(ctx)),
};

async fn reconcile(
    ctx: &Ctx<'_>,
    region: &str,
    spec: &S3BlockPublicAccessSpec,
) -> ComponentOutcome {
    let c = rules::S3_BPA;
    let client = ctx.session.s3control(region);
    let prev = ctx.previous_ownership(c, region);
    let state = match aws::s3control::get(&client, &ctx.account_id).await {
        Ok(s) => s,
        Err(e) => return failed(c, region, prev.unwrap_or(Ownership::None), e),
    };
    let drift = diff(
        c,
        &rules::bpa_desired(spec),
        &rules::bpa_observed(state.as_ref()),
    );
    let exec = if ctx.may_write() && !drift.is_empty() {
        Some(aws::s3control::put(&client, &ctx.account_id, rules::bpa_config(spec)).await)
    } else {
        None
    };
    let ownership = sticky_ownership(prev, state.is_none(), exec.is_some());
    Settle {
        component: c,
        region,
        drift,
        writes: exec,
        created: state.is_none(),
        ownership,
        id: Some(ctx.account_id.clone()),
    }
    .outcome()
}

/// Delete the account's Block Public Access when this baseline created it.
async fn cleanup(ctx: &Cleanup<'_>) -> Vec<Result<Option<String>, AwsError>> {
    if ctx.input.spec.s3_block_public_access.is_none() || !ctx.created(rules::S3_BPA, ctx.home()) {
        return Vec::new();
    }
    vec![
        aws::s3control::delete(&ctx.session.s3control(ctx.home()), &ctx.account_id)
            .await
            .map(|_| Some("deleted account S3 Block Public Access".into())),
    ]
}
