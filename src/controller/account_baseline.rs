//! AccountBaseline: cluster-scoped, applied to one account or a fleet selected by labels.

use super::{apply_status, finalized, finish_cleanup, now, parsed, publish, Context, Error};
use crate::api::account_baseline::AccountBaselineStatus;
use crate::api::common::{condition, DeletionPolicy, Owner};
use crate::api::{AccountBaseline, AwsAccount};
use crate::engine::fleet;
use crate::engine::status::{events, status_changed};
use kube::core::DeserializeGuard;
use kube::runtime::controller::Action;
use kube::runtime::reflector::{ObjectRef, Store};
use kube::{Api, Client, ResourceExt};
use std::sync::Arc;

/// Reconcile one AccountBaseline.
pub async fn reconcile_baseline(
    guard: Arc<DeserializeGuard<AccountBaseline>>,
    ctx: Arc<Context>,
) -> Result<Action, Error> {
    let obj = parsed(guard.as_ref())?;
    let api: Api<AccountBaseline> = Api::all(ctx.client.clone());
    finalized(&api, obj, &ctx, apply_baseline, cleanup_baseline).await
}

fn owner(obj: &AccountBaseline) -> Owner {
    Owner {
        kind: "AccountBaseline".into(),
        name: obj.name_any(),
        uid: obj.uid().unwrap_or_default(),
    }
}

/// The AwsAccounts a baseline may apply to: the referenced one, or every AwsAccount for the selector to filter
/// (from the watch's store once `run` set it).
async fn candidate_accounts(
    ctx: &Context,
    obj: &AccountBaseline,
) -> Result<Vec<AwsAccount>, Error> {
    Ok(match &obj.spec.account_ref {
        Some(r) => ctx
            .accounts
            .get(&ctx.client, &r.name)
            .await?
            .into_iter()
            .collect(),
        None => ctx.accounts.list(&ctx.client).await?,
    })
}

async fn apply_baseline(obj: Arc<AccountBaseline>, ctx: Arc<Context>) -> Result<Action, Error> {
    let name = obj.name_any();
    let previous = obj.status.as_ref();
    let how = ctx
        .detections
        .take(&super::change_events::key(obj.as_ref()));
    let accounts = candidate_accounts(&ctx, &obj).await?;
    // Boxed: the engine's futures are large, and inline they overflow a 2 MiB thread stack in debug builds.
    let pass = Box::pin(fleet::apply(
        &ctx.aws,
        &obj.spec,
        fleet::select(&obj.spec, &accounts),
        &owner(&obj),
        previous,
        obj.spec.drift_policy,
        obj.metadata.generation,
        &now(),
    ))
    .await;
    let mut new = pass.status;
    super::change_events::stamp(&ctx, previous, &mut new, how);
    ctx.metrics.set_drift(
        "AccountBaseline",
        &obj.uid().unwrap_or_default(),
        Some(pass.remaining_drift as i64),
    );
    if status_changed(previous, &new) {
        apply_baseline_status(&ctx.client, &name, &new).await?;
        let mut notes = events(previous.map(|p| &p.common), &new.common);
        notes.extend(pass.events);
        publish(&ctx, obj.as_ref(), notes).await;
    }
    if let Some(category) = pass.error_category {
        let message = crate::api::common::find_condition(&new.common.conditions, condition::SYNCED)
            .map(|c| c.message.clone())
            .unwrap_or_default();
        return Err(Error::Pass { category, message });
    }
    ctx.succeeded(&name);
    Ok(Action::requeue(
        ctx.interval_of(obj.spec.drift_check_interval.as_deref()),
    ))
}

/// Server-side apply of an AccountBaseline's status subresource.
pub async fn apply_baseline_status(
    client: &Client,
    name: &str,
    status: &AccountBaselineStatus,
) -> Result<(), kube::Error> {
    apply_status(&Api::<AccountBaseline>::all(client.clone()), name, status).await
}

async fn cleanup_baseline(obj: Arc<AccountBaseline>, ctx: Arc<Context>) -> Result<Action, Error> {
    let accounts = candidate_accounts(&ctx, &obj).await?;
    let selected = match fleet::select(&obj.spec, &accounts) {
        Ok(s) => s,
        // The referenced account is gone: nothing can be cleaned up; fine under Retain, an error under Delete.
        Err(_) if obj.spec.deletion_policy == DeletionPolicy::Retain => {
            return Ok(Action::await_change())
        }
        Err(e) => {
            return Err(Error::Pass {
                category: e.category(),
                message: format!("{e}; cannot delete AWS resources"),
            })
        }
    };
    // A fleet also cleans up the accounts its ledger says it ran in that its selector no longer matches.
    let mut selected = selected;
    if obj.spec.account_selector.is_some() {
        let ledger = obj
            .status
            .as_ref()
            .map(|s| s.ledger.as_slice())
            .unwrap_or_default();
        for a in &accounts {
            let ran_in = ledger.iter().any(|l| l.account_id == a.spec.account_id);
            if ran_in && !selected.iter().any(|s| s.metadata.name == a.metadata.name) {
                selected.push(a);
            }
        }
    }
    let report = Box::pin(fleet::cleanup(
        &ctx.aws,
        &obj.spec,
        &selected,
        &owner(&obj),
        obj.status.as_ref(),
    ))
    .await;
    finish_cleanup(&ctx, obj.as_ref(), report).await
}

/// A watch mapper: the baselines a changed AwsAccount (credentials, regions, labels) concerns — the ones that
/// reference it, select it by label, or ran in its account — so they are reconciled again.
pub(super) fn using_account(
    store: Store<DeserializeGuard<AccountBaseline>>,
) -> impl Fn(DeserializeGuard<AwsAccount>) -> Vec<ObjectRef<DeserializeGuard<AccountBaseline>>>
       + Send
       + Sync
       + 'static {
    move |account| {
        let name = super::account_name(&account);
        let account_id = account
            .0
            .as_ref()
            .map(|a| a.spec.account_id.clone())
            .unwrap_or_default();
        let labels = account
            .0
            .as_ref()
            .ok()
            .and_then(|a| a.metadata.labels.clone())
            .unwrap_or_default();
        store
            .state()
            .into_iter()
            .filter(|b| {
                b.0.as_ref().is_ok_and(|b| match &b.spec.account_ref {
                    Some(r) => r.name == name,
                    // A label change can add or remove an account from a selector: re-check those too.
                    None => {
                        b.spec
                            .account_selector
                            .as_ref()
                            .is_some_and(|s| crate::api::aws_account::selector_matches(s, &labels))
                            || b.status.as_ref().is_some_and(|st| {
                                st.ledger.iter().any(|l| l.account_id == account_id)
                            })
                    }
                })
            })
            .map(|b| ObjectRef::from_obj(b.as_ref()))
            .collect()
    }
}
