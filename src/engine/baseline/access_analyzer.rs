//! IAM Access Analyzer in one region. The pass is written against a client so the tests can run it on
//! `aws-smithy-mocks` (moto has no Access Analyzer).

use super::{tagged_ownership, Cleanup, Ctx, Section, SectionUsage};
use crate::api::account_baseline::AccessAnalyzerSpec;
use crate::api::common::{Owner, Ownership};
use crate::aws::accessanalyzer as api;
use crate::aws::{AwsError, ErrorCategory};
use crate::baseline::access_analyzer as rules;
use crate::diff::diff_resources;
use crate::engine::{failed, ComponentOutcome, Settle};
use aws_sdk_accessanalyzer::Client;

pub(super) const SECTION: Section = Section {
    name: "accessAnalyzer",
    components: &[rules::COMPONENT],
    iam: &["AccountBaseline.accessAnalyzer"],
    usage: |spec| {
        spec.access_analyzer
            .as_ref()
            .map(|_| SectionUsage::of(&["AccountBaseline.accessAnalyzer"]))
    },
    buckets: None,
    account: None,
    regional: Some(|ctx, region| {
        Box::pin(async move {
            match &ctx.input.spec.access_analyzer {
                Some(s) => vec![reconcile(ctx, region, s).await],
                None => Vec::new(),
            }
        })
    }),
    after: None,
    cleanup: |ctx| Box::pin(section_cleanup(ctx)),
};

async fn section_cleanup(ctx: &Cleanup<'_>) -> Vec<Result<Option<String>, AwsError>> {
    if ctx.input.spec.access_analyzer.is_none() {
        return Vec::new();
    }
    let mut out = Vec::new();
    for region in &ctx.regions {
        let client = ctx.session.accessanalyzer(region);
        out.extend(cleanup_with(&client, ctx.owner(), region).await);
    }
    out
}

/// Who runs the pass and how.
#[derive(Clone, Debug)]
pub struct Target<'a> {
    /// Owner (tags, ownership proof).
    pub owner: &'a Owner,
    /// Region.
    pub region: &'a str,
    /// The home region (unused access analyzers live there).
    pub home: bool,
    /// `driftPolicy: Correct`.
    pub may_write: bool,
    /// Ownership recorded in the previous status.
    pub previous: Option<Ownership>,
}

pub(super) async fn reconcile(
    ctx: &Ctx<'_>,
    region: &str,
    spec: &AccessAnalyzerSpec,
) -> ComponentOutcome {
    let client = ctx.session.accessanalyzer(region);
    let target = Target {
        owner: &ctx.input.owner,
        region,
        home: ctx.home == region,
        may_write: ctx.may_write(),
        previous: ctx.previous_ownership(rules::COMPONENT, region),
    };
    reconcile_with(&client, &target, spec).await
}

async fn observe(
    client: &Client,
    owner: &Owner,
    declared: &[&crate::api::account_baseline::AnalyzerSpec],
) -> Result<rules::Observed, AwsError> {
    let mut obs = rules::Observed::default();
    for a in api::list(client).await? {
        let ours = owner.owns(a.tags.iter().map(|(k, v)| (k.as_str(), v.as_str())));
        obs.analyzers.insert(a.name.clone(), (a, ours));
    }
    // Archive rules of the declared analyzers that exist (one ListArchiveRules each).
    for a in declared {
        if obs.analyzers.contains_key(&a.name) {
            obs.rules
                .insert(a.name.clone(), api::archive_rules(client, &a.name).await?);
        }
    }
    Ok(obs)
}

/// One ListAnalyzers plus one ListArchiveRules per declared analyzer that exists; then exactly the writes the
/// drift needs.
pub async fn reconcile_with(
    client: &Client,
    t: &Target<'_>,
    spec: &AccessAnalyzerSpec,
) -> ComponentOutcome {
    let c = rules::COMPONENT;
    let declared = rules::in_region(spec, t.home);
    let obs = match observe(client, t.owner, &declared).await {
        Ok(o) => o,
        Err(e) => return failed(c, t.region, t.previous.unwrap_or(Ownership::None), e),
    };
    let drift = diff_resources(&rules::desired(&declared, &obs), &rules::observed(&obs));
    let writes = rules::plan(&declared, &obs, &drift);
    let find = |name: &str| declared.iter().find(|a| a.name == name).copied();
    let exec = if t.may_write && !drift.is_empty() {
        let tags = t.owner.tags();
        Some(
            async {
                let mut blocked = Vec::new();
                for w in &writes {
                    match w {
                        rules::Write::Create(n) | rules::Write::Replace(n) => {
                            let Some(a) = find(n) else { continue };
                            if matches!(w, rules::Write::Replace(_)) {
                                api::delete(client, n).await?;
                            }
                            api::create(
                                client,
                                n,
                                a.analyzer_type.as_str(),
                                rules::unused_access_age(a),
                                &rules::rules(a),
                                &tags,
                            )
                            .await?;
                        }
                        rules::Write::Update(n) => {
                            let Some(age) = find(n).and_then(rules::unused_access_age) else {
                                continue;
                            };
                            api::update(client, n, age).await?
                        }
                        rules::Write::PutRule(n, r) => {
                            let Some(filter) = find(n).and_then(|a| rules::rules(a).remove(r)) else {
                                continue;
                            };
                            let exists = obs.rules.get(n).is_some_and(|m| m.contains_key(r));
                            api::put_archive_rule(client, n, r, &filter, exists).await?
                        }
                        rules::Write::DeleteRule(n, r) => api::delete_archive_rule(client, n, r).await?,
                        rules::Write::Delete(n) => api::delete(client, n).await?,
                        rules::Write::Blocked(n) => blocked.push(n.clone()),
                    }
                }
                if blocked.is_empty() {
                    Ok(())
                } else {
                    Err(AwsError::new(
                        "accessanalyzer",
                        "CreateAnalyzer",
                        ErrorCategory::InvalidInput,
                        format!(
                            "analyzer(s) {} exist with another type and were not created by this baseline: they are never deleted; rename the spec's analyzer or remove the existing one by hand",
                            blocked.join(", ")
                        ),
                    ))
                }
            }
            .await,
        )
    } else {
        None
    };
    let declared_obs: Vec<bool> = declared
        .iter()
        .filter_map(|a| obs.analyzers.get(&a.name).map(|(_, ours)| *ours))
        .collect();
    let created_now = writes.iter().any(|w| matches!(w, rules::Write::Create(_)))
        && exec.as_ref().is_some_and(|r| r.is_ok());
    let ownership = tagged_ownership(&declared_obs, created_now);
    let ids: Vec<&str> = declared.iter().map(|a| a.name.as_str()).collect();
    // "Created" when the pass created every declared analyzer (none existed).
    let created = declared_obs.is_empty() && created_now;
    Settle {
        component: c,
        region: t.region,
        drift,
        writes: exec,
        created,
        ownership,
        id: Some(ids.join(",")),
    }
    .outcome()
}

/// Under `deletionPolicy: Delete`: delete the analyzers whose tags prove this owner created them.
pub async fn cleanup_with(
    client: &Client,
    owner: &Owner,
    region: &str,
) -> Vec<Result<Option<String>, AwsError>> {
    let all = match api::list(client).await {
        Ok(a) => a,
        Err(e) => return vec![Err(e)],
    };
    let mut out = Vec::new();
    for a in all {
        if owner.owns(a.tags.iter().map(|(k, v)| (k.as_str(), v.as_str()))) {
            out.push(
                api::delete(client, &a.name)
                    .await
                    .map(|_| Some(format!("deleted Access Analyzer {} in {region}", a.name))),
            );
        }
    }
    out
}
