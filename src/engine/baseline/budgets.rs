//! AWS Budgets, account-wide (managed from the home region). The pass is written against a client so the tests can
//! run it on `aws-smithy-mocks` as well as on moto.
//!
//! Reads: one DescribeBudgets (paginated) for the account; for each declared budget that exists one
//! ListTagsForResource (adopted or created?) and one DescribeNotificationsForBudget, and one
//! DescribeSubscribersForNotification per declared notification that exists; one ListTagsForResource per budget
//! managed before (status `id`) that left the spec and still exists. Then exactly the writes the drift needs.

use super::{tagged_ownership, Cleanup, Ctx, Section, SectionUsage};
use crate::api::account_baseline::{BudgetSpec, BudgetsSpec};
use crate::api::common::{Owner, Ownership};
use crate::aws::budgets as api;
use crate::aws::{self, AwsError};
use crate::baseline::budgets as rules;
use crate::diff::diff_resources;
use crate::engine::{failed, ComponentOutcome, Settle};
use aws_sdk_budgets::Client;
use std::collections::BTreeMap;

pub(super) const SECTION: Section = Section {
    name: "budgets",
    components: &[rules::COMPONENT],
    iam: &["AccountBaseline.budgets"],
    usage: |spec| {
        spec.budgets
            .as_ref()
            .map(|_| SectionUsage::of(&["AccountBaseline.budgets"]))
    },
    buckets: None,
    // Budgets are account-wide; the Budgets endpoint is global (the region selects the partition).
    account: Some(|ctx, region| {
        Box::pin(async move {
            match &ctx.input.spec.budgets {
                Some(s) => vec![reconcile(ctx, region, s).await],
                None => Vec::new(),
            }
        })
    }),
    regional: None,
    after: None,
    cleanup: |ctx| Box::pin(section_cleanup(ctx)),
};

async fn section_cleanup(ctx: &Cleanup<'_>) -> Vec<Result<Option<String>, AwsError>> {
    let Some(spec) = &ctx.input.spec.budgets else {
        return Vec::new();
    };
    let home = ctx.home();
    let target = Target {
        owner: ctx.owner(),
        account_id: &ctx.account_id,
        region: home,
        may_write: true,
        previous: None,
        previous_budgets: managed_names(super::previous_id(
            ctx.input.previous,
            rules::COMPONENT,
            home,
        )),
    };
    cleanup_with(&ctx.session.budgets(home), &target, spec).await
}

/// Who runs the pass and how.
#[derive(Clone, Debug)]
pub struct Target<'a> {
    /// Owner (tags, ownership proof).
    pub owner: &'a Owner,
    /// The account the budgets belong to (every Budgets call names it).
    pub account_id: &'a str,
    /// The home region (reported as the component's region; selects the partition).
    pub region: &'a str,
    /// `driftPolicy: Correct`.
    pub may_write: bool,
    /// Ownership recorded in the previous status.
    pub previous: Option<Ownership>,
    /// Budgets the previous status recorded as managed (its `id`): those no longer declared are deleted when their
    /// tags prove this owner created them.
    pub previous_budgets: Vec<String>,
}

impl Target<'_> {
    fn arn(&self, name: &str) -> String {
        api::arn(aws::partition(self.region), self.account_id, name)
    }
}

/// The budget names a status `id` records.
pub fn managed_names(id: Option<&str>) -> Vec<String> {
    id.map(|s| {
        s.split(',')
            .filter(|n| !n.is_empty())
            .map(str::to_string)
            .collect()
    })
    .unwrap_or_default()
}

pub(super) async fn reconcile(ctx: &Ctx<'_>, region: &str, spec: &BudgetsSpec) -> ComponentOutcome {
    let client = ctx.session.budgets(region);
    let target = Target {
        owner: &ctx.input.owner,
        account_id: &ctx.account_id,
        region,
        may_write: ctx.may_write(),
        previous: ctx.previous_ownership(rules::COMPONENT, region),
        previous_budgets: managed_names(ctx.previous_id(rules::COMPONENT, region)),
    };
    reconcile_with(&client, &target, spec).await
}

fn candidates(t: &Target<'_>, declared: &[BudgetSpec]) -> Vec<String> {
    t.previous_budgets
        .iter()
        .filter(|n| !declared.iter().any(|b| &b.name == *n))
        .cloned()
        .collect()
}

async fn observe(
    client: &Client,
    t: &Target<'_>,
    declared: &[BudgetSpec],
    candidates: &[String],
) -> Result<rules::Observed, AwsError> {
    let mut all: BTreeMap<String, api::BudgetState> = api::list(client, t.account_id)
        .await?
        .into_iter()
        .map(|b| (b.name.clone(), b))
        .collect();
    let mut obs = rules::Observed::default();
    let looked_at = declared.iter().map(|b| &b.name).chain(candidates.iter());
    for name in looked_at {
        let Some(state) = all.remove(name) else {
            continue;
        };
        let tags = api::tags(client, &t.arn(name)).await?;
        let ours = t
            .owner
            .owns(tags.iter().map(|(k, v)| (k.as_str(), v.as_str())));
        obs.budgets.insert(name.clone(), (state, ours));
    }
    for b in declared {
        if !obs.budgets.contains_key(&b.name) {
            continue;
        }
        let want = rules::notifications(b);
        let mut notes = BTreeMap::new();
        for key in api::notifications(client, t.account_id, &b.name).await? {
            let id = key.id();
            let subscribers = match want.contains_key(&id) {
                true => Some(api::subscribers(client, t.account_id, &b.name, &key).await?),
                false => None,
            };
            notes.insert(id, rules::ObservedNotification { key, subscribers });
        }
        obs.notifications.insert(b.name.clone(), notes);
    }
    Ok(obs)
}

async fn execute(
    client: &Client,
    t: &Target<'_>,
    declared: &[BudgetSpec],
    obs: &rules::Observed,
    writes: &[rules::Write],
    deleted: &mut Vec<String>,
) -> Result<(), AwsError> {
    let account = t.account_id;
    let find = |name: &str| declared.iter().find(|b| b.name == name);
    let tags = t.owner.tags();
    for w in writes {
        match w {
            rules::Write::Create(n) => {
                let Some(b) = find(n) else { continue };
                let notes: Vec<_> = rules::notifications(b).into_values().collect();
                api::create(client, account, &rules::config(b), &notes, &tags).await?
            }
            rules::Write::Update(n) => {
                let (Some(b), Some((state, _))) = (find(n), obs.budgets.get(n)) else {
                    continue;
                };
                api::update(client, account, &rules::config(b), state).await?
            }
            rules::Write::DeleteNotification(n, id) => {
                let Some(o) = obs.notifications.get(n).and_then(|m| m.get(id)) else {
                    continue;
                };
                api::delete_notification(client, account, n, &o.key).await?
            }
            rules::Write::CreateNotification(n, id) => {
                let Some(note) = find(n).and_then(|b| rules::notifications(b).remove(id)) else {
                    continue;
                };
                api::create_notification(client, account, n, &note).await?
            }
            rules::Write::Subscribers(n, id) => {
                let Some(note) = find(n).and_then(|b| rules::notifications(b).remove(id)) else {
                    continue;
                };
                let have = obs
                    .notifications
                    .get(n)
                    .and_then(|m| m.get(id))
                    .and_then(|o| o.subscribers.clone())
                    .unwrap_or_default();
                for sw in rules::subscriber_writes(&note.subscribers, &have) {
                    match sw {
                        rules::SubscriberWrite::Update(old, new) => {
                            api::update_subscriber(client, account, n, &note.key, &old, &new)
                                .await?
                        }
                        rules::SubscriberWrite::Create(s) => {
                            api::create_subscriber(client, account, n, &note.key, &s).await?
                        }
                        rules::SubscriberWrite::Delete(s) => {
                            api::delete_subscriber(client, account, n, &note.key, &s).await?
                        }
                    }
                }
            }
            rules::Write::Delete(n) => {
                api::delete(client, account, n).await?;
                deleted.push(n.clone());
            }
        }
    }
    Ok(())
}

/// Reconcile every declared budget and delete the ones this owner created that left the spec.
pub async fn reconcile_with(
    client: &Client,
    t: &Target<'_>,
    declared: &BudgetsSpec,
) -> ComponentOutcome {
    let c = rules::COMPONENT;
    let candidates = candidates(t, declared);
    let obs = match observe(client, t, declared, &candidates).await {
        Ok(o) => o,
        Err(e) => {
            let mut out = failed(c, t.region, t.previous.unwrap_or(Ownership::None), e);
            // Keep what was managed, so the next pass still finds budgets to delete.
            out.id = (!t.previous_budgets.is_empty()).then(|| t.previous_budgets.join(","));
            return out;
        }
    };
    let drift = diff_resources(
        &rules::desired(declared, &candidates, &obs),
        &rules::observed(&obs),
    );
    let writes = rules::plan(declared, &obs, &drift);
    let mut deleted = Vec::new();
    let exec = if t.may_write && !drift.is_empty() {
        Some(execute(client, t, declared, &obs, &writes, &mut deleted).await)
    } else {
        None
    };
    let declared_obs: Vec<bool> = declared
        .iter()
        .filter_map(|b| obs.budgets.get(&b.name).map(|(_, ours)| *ours))
        .collect();
    let created_now = writes.iter().any(|w| matches!(w, rules::Write::Create(_)))
        && exec.as_ref().is_some_and(|r| r.is_ok());
    let ownership = tagged_ownership(&declared_obs, created_now);
    // Managed from now on: the declared budgets, and those this owner created that are still to be deleted.
    let mut ids: Vec<&str> = declared.iter().map(|b| b.name.as_str()).collect();
    for n in &candidates {
        if obs.budgets.get(n).is_some_and(|(_, ours)| *ours) && !deleted.contains(n) {
            ids.push(n);
        }
    }
    let created = declared_obs.is_empty() && created_now;
    Settle {
        component: c,
        region: t.region,
        drift,
        writes: exec,
        created,
        ownership,
        id: (!ids.is_empty()).then(|| ids.join(",")),
    }
    .outcome()
}

/// Under `deletionPolicy: Delete`: delete the declared and previously managed budgets whose tags prove this owner
/// created them; the others are kept.
pub async fn cleanup_with(
    client: &Client,
    t: &Target<'_>,
    declared: &BudgetsSpec,
) -> Vec<Result<Option<String>, AwsError>> {
    let existing: Vec<String> = match api::list(client, t.account_id).await {
        Ok(all) => all.into_iter().map(|b| b.name).collect(),
        Err(e) => return vec![Err(e)],
    };
    let mut names: Vec<&String> = declared.iter().map(|b| &b.name).collect();
    names.extend(t.previous_budgets.iter());
    names.sort();
    names.dedup();
    let mut out = Vec::new();
    for name in names.into_iter().filter(|n| existing.contains(n)) {
        let r = async {
            let tags = api::tags(client, &t.arn(name)).await?;
            if t.owner
                .owns(tags.iter().map(|(k, v)| (k.as_str(), v.as_str())))
            {
                api::delete(client, t.account_id, name).await?;
                Ok(Some(format!("deleted budget {name}")))
            } else {
                Ok(Some(format!(
                    "kept budget {name} (not created by this baseline)"
                )))
            }
        }
        .await;
        out.push(r);
    }
    out
}
