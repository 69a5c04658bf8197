//! The `rootAccount` section: root MFA and root access keys (home region), reported only.

use super::{Ctx, Section, SectionUsage};
use crate::api::account_baseline::RootAccountSpec;
use crate::api::common::Ownership;
use crate::aws;
use crate::baseline::hardening as rules;
use crate::diff::diff;
use crate::engine::{failed, ComponentOutcome, Settle};

pub(super) const SECTION: Section = Section {
    name: "rootAccount",
    components: &[rules::ROOT],
    iam: &["AccountBaseline.rootAccount"],
    usage: |spec| {
        spec.root_account
            .as_ref()
            .map(|_| SectionUsage::of(&["AccountBaseline.rootAccount"]))
    },
    buckets: None,
    account: Some(|ctx, region| {
        Box::pin(async move {
            match &ctx.input.spec.root_account {
                Some(s) => vec![reconcile(ctx, region, s).await],
                None => Vec::new(),
            }
        })
    }),
    regional: None,
    after: None,
    // Nothing is ever written, so nothing is undone.
    cleanup: |_| Box::pin(async { Vec::new() }),
};

async fn reconcile(ctx: &Ctx<'_>, region: &str, spec: &RootAccountSpec) -> ComponentOutcome {
    let c = rules::ROOT;
    let client = ctx.session.iam(region);
    match aws::iam::root_state(&client).await {
        // Root MFA and root access keys cannot be changed through the API: always reported, never corrected.
        Ok(s) => Settle {
            component: c,
            region,
            drift: diff(c, &rules::root_desired(spec), &rules::root_observed(&s)),
            writes: None,
            created: false,
            ownership: Ownership::Adopted,
            id: None,
        }
        .outcome(),
        Err(e) => failed(c, region, Ownership::Adopted, e),
    }
}
