//! The `guardDuty` section: the detector and its features, in every region.

use super::{Cleanup, Ctx, Section, SectionUsage};
use crate::api::account_baseline::GuardDutySpec;
use crate::api::common::Ownership;
use crate::aws::{self, AwsError};
use crate::baseline::guardduty::{self as rules, DetectorWrite};
use crate::diff::diff;
use crate::engine::{failed, ComponentOutcome, Settle};

pub(super) const SECTION: Section = Section {
    name: "guardDuty",
    components: &[rules::COMPONENT],
    iam: &["AccountBaseline.guardDuty"],
    usage: |spec| {
        spec.guard_duty
            .as_ref()
            .map(|_| SectionUsage::of(&["AccountBaseline.guardDuty"]))
    },
    buckets: None,
    account: None,
    regional: Some(|ctx, region| {
        Box::pin(async move {
            match &ctx.input.spec.guard_duty {
                Some(s) => vec![reconcile(ctx, region, s).await],
                None => Vec::new(),
            }
        })
    }),
    after: None,
    cleanup: |ctx| Box::pin(cleanup(ctx)),
};

async fn reconcile(ctx: &Ctx<'_>, region: &str, spec: &GuardDutySpec) -> ComponentOutcome {
    let c = rules::COMPONENT;
    let client = ctx.session.guardduty(region);
    let state = match aws::guardduty::observe(&client).await {
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
    let drift = diff(c, &rules::desired(spec), &rules::observed(state.as_ref()));
    let writes = rules::plan(state.is_some(), &drift);
    let ownership = match &state {
        Some(d)
            if ctx
                .input
                .owner
                .owns(d.tags.iter().map(|(k, v)| (k.as_str(), v.as_str()))) =>
        {
            Ownership::Created
        }
        Some(_) => Ownership::Adopted,
        None if ctx.may_write() && !writes.is_empty() => Ownership::Created,
        None => Ownership::None,
    };
    let mut id = state.as_ref().map(|d| d.id.clone());
    let exec = if ctx.may_write() && !writes.is_empty() {
        let cfg = rules::config(spec);
        Some(match (&writes[0], &id) {
            (DetectorWrite::Update, Some(existing)) => {
                aws::guardduty::update(&client, existing, &cfg).await
            }
            _ => {
                let token = rules::client_token(&ctx.input.owner.uid, region);
                aws::guardduty::create(&client, &cfg, &ctx.input.owner.tags(), &token)
                    .await
                    .map(|new| id = Some(new))
            }
        })
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

/// Delete the detectors this baseline created (tags prove it); suspend adopted ones that are enabled.
async fn cleanup(ctx: &Cleanup<'_>) -> Vec<Result<Option<String>, AwsError>> {
    if ctx.input.spec.guard_duty.is_none() {
        return Vec::new();
    }
    let mut out = Vec::new();
    for region in &ctx.regions {
        let client = ctx.session.guardduty(region);
        out.push(
            async {
                match aws::guardduty::observe(&client).await? {
                    Some(d)
                        if ctx
                            .owner()
                            .owns(d.tags.iter().map(|(k, v)| (k.as_str(), v.as_str()))) =>
                    {
                        aws::guardduty::delete(&client, &d.id).await?;
                        Ok(Some(format!(
                            "deleted GuardDuty detector {} in {region}",
                            d.id
                        )))
                    }
                    Some(d) if d.enabled => {
                        aws::guardduty::disable(&client, &d.id).await?;
                        Ok(Some(format!(
                            "suspended adopted GuardDuty detector {} in {region}",
                            d.id
                        )))
                    }
                    _ => Ok(None),
                }
            }
            .await,
        );
    }
    out
}
