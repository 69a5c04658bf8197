//! The `passwordPolicy` section: the account password policy (home region).

use super::{sticky_ownership, Cleanup, Ctx, Section, SectionUsage};
use crate::api::account_baseline::PasswordPolicySpec;
use crate::api::common::Ownership;
use crate::aws::{self, AwsError};
use crate::baseline::hardening as rules;
use crate::diff::diff;
use crate::engine::{failed, ComponentOutcome, Settle};

pub(super) const SECTION: Section = Section {
    name: "passwordPolicy",
    components: &[rules::PASSWORD_POLICY],
    iam: &["AccountBaseline.passwordPolicy"],
    usage: |spec| {
        spec.password_policy
            .as_ref()
            .map(|_| SectionUsage::of(&["AccountBaseline.passwordPolicy"]))
    },
    buckets: None,
    account: Some(|ctx, region| {
        Box::pin(async move {
            match &ctx.input.spec.password_policy {
                Some(s) => vec![reconcile(ctx, region, s).await],
                None => Vec::new(),
            }
        })
    }),
    regional: None,
    after: None,
    cleanup: |ctx| Box::pin(cleanup(ctx)),
};

async fn reconcile(ctx: &Ctx<'_>, region: &str, spec: &PasswordPolicySpec) -> ComponentOutcome {
    let c = rules::PASSWORD_POLICY;
    let client = ctx.session.iam(region);
    let prev = ctx.previous_ownership(c, region);
    let state = match aws::iam::get_password_policy(&client).await {
        Ok(s) => s,
        Err(e) => return failed(c, region, prev.unwrap_or(Ownership::None), e),
    };
    let drift = diff(
        c,
        &rules::password_desired(spec),
        &rules::password_observed(state.as_ref()),
    );
    let created = state.is_none();
    let exec = (ctx.may_write() && !drift.is_empty())
        .then(|| rules::password_merged(spec, state.as_ref()))
        .map(|p| async move { aws::iam::put_password_policy(&client, &p).await });
    let exec = match exec {
        Some(f) => Some(f.await),
        None => None,
    };
    let ownership = sticky_ownership(prev, created, exec.is_some());
    Settle {
        component: c,
        region,
        drift,
        writes: exec,
        created,
        ownership,
        id: None,
    }
    .outcome()
}

/// Delete the password policy when this baseline created it.
async fn cleanup(ctx: &Cleanup<'_>) -> Vec<Result<Option<String>, AwsError>> {
    if ctx.input.spec.password_policy.is_none() || !ctx.created(rules::PASSWORD_POLICY, ctx.home())
    {
        return Vec::new();
    }
    vec![
        aws::iam::delete_password_policy(&ctx.session.iam(ctx.home()))
            .await
            .map(|_| Some("deleted account password policy".into())),
    ]
}
