//! The `trustedAdvisor` section: Trusted Advisor check results through the AWS Support API, detect-only. The pass
//! is written against a client so the tests can run it on `aws-smithy-mocks` (the Support plan refusal).

use super::{Ctx, Section, SectionUsage};
use crate::api::account_baseline::TrustedAdvisorSpec;
use crate::api::common::Ownership;
use crate::aws::support as api;
use crate::baseline::trusted_advisor as rules;
use crate::diff::diff;
use crate::engine::{failed, ComponentOutcome, Settle};
use aws_sdk_support::Client;

pub(super) const SECTION: Section = Section {
    name: "trustedAdvisor",
    components: &[rules::COMPONENT],
    iam: &["AccountBaseline.trustedAdvisor"],
    usage: |spec| {
        spec.trusted_advisor
            .as_ref()
            .map(|_| SectionUsage::of(&["AccountBaseline.trustedAdvisor"]))
    },
    buckets: None,
    account: Some(|ctx, region| {
        Box::pin(async move {
            match &ctx.input.spec.trusted_advisor {
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

async fn reconcile(ctx: &Ctx<'_>, home: &str, spec: &TrustedAdvisorSpec) -> ComponentOutcome {
    let Some(support_region) = api::support_region(home) else {
        return failed(
            rules::COMPONENT,
            home,
            Ownership::None,
            api::no_support_api(home),
        );
    };
    let client = ctx.session.support(support_region);
    reconcile_with(&client, home, spec, jiff::Timestamp::now()).await
}

/// DescribeTrustedAdvisorChecks, then one DescribeTrustedAdvisorCheckSummaries for the declared checks; every check
/// that is not `ok` is drift, reported and never corrected. The outcome is recorded in `region` (the home region:
/// the checks are account-wide), whichever endpoint `client` calls. A Support plan without the API
/// (`SubscriptionRequiredException`) fails the component with category `SupportPlanRequired`.
pub async fn reconcile_with(
    client: &Client,
    region: &str,
    spec: &TrustedAdvisorSpec,
    now: jiff::Timestamp,
) -> ComponentOutcome {
    let c = rules::COMPONENT;
    let read = async {
        let offered = api::checks(client).await?;
        let declared = rules::resolve(spec, &offered);
        let ids: Vec<String> = declared
            .iter()
            .filter(|d| d.offered)
            .map(|d| d.id.clone())
            .collect();
        let summaries = if ids.is_empty() {
            Vec::new()
        } else {
            api::summaries(client, &ids).await?
        };
        Ok::<_, crate::aws::AwsError>((declared, summaries))
    };
    let (declared, summaries) = match read.await {
        Ok(r) => r,
        Err(e) => return failed(c, region, Ownership::None, e),
    };
    let max_age = spec
        .max_result_age
        .as_deref()
        .and_then(|d| humantime::parse_duration(d).ok());
    let drift = diff(
        c,
        &rules::desired(spec, &declared),
        &rules::observed(&declared, &summaries, max_age, now),
    );
    let mut outcome = Settle {
        component: c,
        region,
        drift,
        // Detect-only: never a write, so drift stays `Reported` under `driftPolicy: Correct` too.
        writes: None,
        created: false,
        ownership: Ownership::None,
        id: None,
    }
    .outcome();
    outcome.message = Some(rules::message(&declared, &summaries));
    outcome
}
