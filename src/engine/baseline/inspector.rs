//! Amazon Inspector scan types in one region.

use super::{sticky_ownership, Cleanup, Ctx, Section, SectionUsage};
use crate::api::account_baseline::InspectorSpec;
use crate::api::common::Ownership;
use crate::aws::{self, AccountSession, AwsError};
use crate::baseline::inspector as rules;
use crate::diff::diff;
use crate::engine::{failed, ComponentOutcome, Settle};

pub(super) const SECTION: Section = Section {
    name: "inspector",
    components: &[rules::COMPONENT],
    iam: &["AccountBaseline.inspector"],
    usage: |spec| {
        spec.inspector
            .as_ref()
            .map(|_| SectionUsage::of(&["AccountBaseline.inspector"]))
    },
    buckets: None,
    account: None,
    regional: Some(|ctx, region| {
        Box::pin(async move {
            match &ctx.input.spec.inspector {
                Some(s) => vec![reconcile(ctx, region, s).await],
                None => Vec::new(),
            }
        })
    }),
    after: None,
    cleanup: |ctx| Box::pin(section_cleanup(ctx)),
};

async fn section_cleanup(ctx: &Cleanup<'_>) -> Vec<Result<Option<String>, AwsError>> {
    let Some(spec) = &ctx.input.spec.inspector else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for region in &ctx.regions {
        let owned = ctx.created(rules::COMPONENT, region);
        out.push(cleanup(&ctx.session, &ctx.account_id, region, spec, owned).await);
    }
    out
}

/// Observe the scan types, then enable / disable exactly the drifted ones (one call each).
pub(super) async fn reconcile(
    ctx: &Ctx<'_>,
    region: &str,
    spec: &InspectorSpec,
) -> ComponentOutcome {
    let c = rules::COMPONENT;
    let client = ctx.session.inspector2(region);
    let prev = ctx.previous_ownership(c, region);
    let status = match aws::inspector2::status(&client, &ctx.account_id).await {
        Ok(s) => s,
        Err(e) => return failed(c, region, prev.unwrap_or(Ownership::None), e),
    };
    let drift = diff(c, &rules::desired(spec), &rules::observed(&status));
    let plan = rules::plan(&drift);
    let exec = if ctx.may_write() && !drift.is_empty() {
        Some(
            async {
                if !plan.enable.is_empty() {
                    aws::inspector2::enable(&client, &ctx.account_id, &plan.enable).await?;
                }
                if !plan.disable.is_empty() {
                    aws::inspector2::disable(&client, &ctx.account_id, &plan.disable).await?;
                }
                Ok(())
            }
            .await,
        )
    } else {
        None
    };
    // Account enablement carries no tags: the operator owns it when it turned Inspector on in a region where no
    // scan type was enabled, remembered in status from then on.
    let off_before = !rules::any_enabled(&status);
    let ownership = sticky_ownership(prev, off_before, exec.as_ref().is_some_and(|r| r.is_ok()));
    Settle {
        component: c,
        region,
        drift,
        writes: exec,
        created: false,
        ownership,
        id: Some(ctx.account_id.clone()),
    }
    .outcome()
}

/// Under `deletionPolicy: Delete`: disable the declared scan types where the operator turned Inspector on;
/// where it was on before, leave it (disabling Inspector deletes its findings).
pub(super) async fn cleanup(
    session: &AccountSession,
    account_id: &str,
    region: &str,
    spec: &InspectorSpec,
    created: bool,
) -> Result<Option<String>, AwsError> {
    if !created {
        return Ok(Some(format!(
            "kept Amazon Inspector in {region} (enabled before the operator)"
        )));
    }
    let client = session.inspector2(region);
    let status = aws::inspector2::status(&client, account_id).await?;
    let on: Vec<String> = rules::declared(spec)
        .into_iter()
        .filter(|(t, enabled)| *enabled && status.get(*t).is_some_and(|s| s == "ENABLED"))
        .map(|(t, _)| t.to_string())
        .collect();
    if on.is_empty() {
        return Ok(None);
    }
    aws::inspector2::disable(&client, account_id, &on).await?;
    Ok(Some(format!(
        "disabled Amazon Inspector {} scanning in {region}",
        on.join(", ")
    )))
}
