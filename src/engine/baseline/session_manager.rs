//! Session Manager preferences in one region.

use super::{sticky_ownership, Cleanup, Ctx, Section, SectionUsage};
use crate::api::account_baseline::SessionManagerSpec;
use crate::api::common::{Owner, Ownership};
use crate::aws::{self, AccountSession, AwsError};
use crate::baseline::session_manager as rules;
use crate::diff::diff;
use crate::engine::{failed, ComponentOutcome, Settle};

pub(super) const SECTION: Section = Section {
    name: "sessionManager",
    components: &[rules::COMPONENT],
    iam: &["AccountBaseline.sessionManager"],
    usage: |spec| {
        spec.session_manager
            .as_ref()
            .map(|_| SectionUsage::of(&["AccountBaseline.sessionManager"]))
    },
    buckets: None,
    account: None,
    regional: Some(|ctx, region| {
        Box::pin(async move {
            match &ctx.input.spec.session_manager {
                Some(s) => vec![reconcile(ctx, region, s).await],
                None => Vec::new(),
            }
        })
    }),
    after: None,
    cleanup: |ctx| Box::pin(section_cleanup(ctx)),
};

async fn section_cleanup(ctx: &Cleanup<'_>) -> Vec<Result<Option<String>, AwsError>> {
    if ctx.input.spec.session_manager.is_none() {
        return Vec::new();
    }
    let mut out = Vec::new();
    for region in &ctx.regions {
        let owned = ctx.created(rules::COMPONENT, region);
        out.push(cleanup(&ctx.session, ctx.owner(), region, owned).await);
    }
    out
}

/// Observe the preferences document, then create it (tagged) or write a new default version with every input.
pub(super) async fn reconcile(
    ctx: &Ctx<'_>,
    region: &str,
    spec: &SessionManagerSpec,
) -> ComponentOutcome {
    let c = rules::COMPONENT;
    let client = ctx.session.ssm(region);
    let prev = ctx.previous_ownership(c, region);
    let r: Result<ComponentOutcome, AwsError> = async {
        let content = aws::session_manager::get(&client).await?;
        let drift = diff(c, &rules::desired(spec), &rules::observed(content.as_ref()));
        // Who made an existing document is read from its tags once, when status has no record of it.
        let prev = match (prev, &content) {
            (None, Some(_))
                if ctx.input.owner.owns(
                    aws::session_manager::tags(&client)
                        .await?
                        .iter()
                        .map(|(k, v)| (k.as_str(), v.as_str())),
                ) =>
            {
                Some(Ownership::Created)
            }
            (p, _) => p,
        };
        let exec = if ctx.may_write() && !drift.is_empty() {
            let body = rules::content(spec);
            Some(match content {
                None => aws::session_manager::create(&client, &body, &ctx.input.owner.tags()).await,
                Some(_) => aws::session_manager::update(&client, &body).await,
            })
        } else {
            None
        };
        let wrote = exec.as_ref().is_some_and(|r| r.is_ok());
        let ownership = sticky_ownership(prev, content.is_none(), wrote);
        Ok(Settle {
            component: c,
            region,
            drift,
            writes: exec,
            created: content.is_none() && wrote,
            ownership,
            id: Some(aws::session_manager::DOCUMENT.to_string()),
        }
        .outcome())
    }
    .await;
    r.unwrap_or_else(|e| failed(c, region, prev.unwrap_or(Ownership::None), e))
}

/// Under `deletionPolicy: Delete`: delete the document where the operator created it (status says so, or its
/// tags do); an adopted one stays as it was found.
pub(super) async fn cleanup(
    session: &AccountSession,
    owner: &Owner,
    region: &str,
    created: bool,
) -> Result<Option<String>, AwsError> {
    let client = session.ssm(region);
    if aws::session_manager::get(&client).await?.is_none() {
        return Ok(None);
    }
    let ours = created
        || owner.owns(
            aws::session_manager::tags(&client)
                .await?
                .iter()
                .map(|(k, v)| (k.as_str(), v.as_str())),
        );
    if !ours {
        return Ok(Some(format!(
            "kept Session Manager preferences in {region} (not created by this baseline)"
        )));
    }
    aws::session_manager::delete(&client).await?;
    Ok(Some(format!(
        "deleted Session Manager preferences ({}) in {region}",
        aws::session_manager::DOCUMENT
    )))
}
