//! The one controller of every [`ManagedKind`] (PatchSchedule, MonitoringPolicy): namespaced, tenancy by the
//! AwsAccount's `allowedNamespaces`, finalizer with guarded cleanup, cleanup in the previous account when
//! `accountRef` moves, status by server-side apply only when it changed.

use super::{apply_status, finalized, finish_cleanup, now, parsed, publish, Context, Error};
use crate::api::common::DriftPolicy;
use crate::api::common::{DeletionPolicy, Owner};
use crate::api::AwsAccount;
use crate::engine::kind::{cleanup_fleet, run_fleet, FleetRun, KindReport, ManagedKind, Pass};
use crate::engine::status::{events, status_changed, KindStatus};
use crate::engine::CleanupReport;
use crate::engine::EngineError;
use k8s_openapi::api::core::v1::Namespace;
use kube::core::DeserializeGuard;
use kube::runtime::controller::Action;
use kube::{Api, Resource, ResourceExt};
use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

/// Reconcile one object of kind `K`.
pub async fn reconcile<K: ManagedKind>(
    guard: Arc<DeserializeGuard<K>>,
    ctx: Arc<Context>,
) -> Result<Action, Error> {
    let obj = parsed(guard.as_ref())?;
    let namespace = obj.namespace().unwrap_or_default();
    if !ctx.watches(&namespace) {
        // Another operator instance (or none) owns this namespace: leave the object alone.
        return Ok(Action::await_change());
    }
    let api: Api<K> = Api::namespaced(ctx.client.clone(), &namespace);
    finalized(&api, obj, &ctx, apply, cleanup).await
}

/// A controller's pass of `obj` against `account`: its own status and drift policy, its UID as owner; shared
/// account-wide reads only as `shared_reads` allows.
fn pass<'a, K: ManagedKind>(
    obj: &'a K,
    account: &'a AwsAccount,
    namespace_labels: &'a BTreeMap<String, String>,
    now: jiff::Timestamp,
    shared_reads: Option<Duration>,
) -> Pass<'a, K> {
    Pass {
        obj,
        account: &account.spec,
        namespace_labels,
        owner: owner_of(obj),
        previous: obj.current_status(),
        mode: obj.drift_policy(),
        now,
        shared_reads,
    }
}

/// Who owns what an object creates: its kind, `namespace/name` and UID.
fn owner_of<K: ManagedKind>(obj: &K) -> Owner {
    let namespace = obj.meta().namespace.as_deref().unwrap_or_default();
    let name = obj.meta().name.as_deref().unwrap_or_default();
    Owner {
        kind: K::KIND.into(),
        name: format!("{namespace}/{name}"),
        uid: obj.uid().unwrap_or_default(),
    }
}

/// How old a shared snapshot a pass of `obj` may use: half its drift interval when the pass is a periodic check of
/// an object already in sync (status describes the current generation, Ready, not Drifted) that no change event
/// asked for; `None` otherwise (a spec change, an event, drift or an error reads AWS now). Drift is then seen at
/// most 1.5 intervals after it happens (or at once with change events); every policy of an account and Region
/// shares one read per half interval.
fn shared_reads<K: ManagedKind>(obj: &K, interval: Duration, detected: bool) -> Option<Duration> {
    use crate::api::common::condition::{DRIFTED, READY};
    let status = obj.current_status()?.common();
    let is = |t: &str| {
        status
            .conditions
            .iter()
            .any(|c| c.type_ == t && c.status == "True")
    };
    let in_sync = status.observed_generation == obj.meta().generation && is(READY) && !is(DRIFTED);
    (in_sync && !detected).then(|| interval / 2)
}

async fn apply<K: ManagedKind>(obj: Arc<K>, ctx: Arc<Context>) -> Result<Action, Error> {
    let namespace = obj.namespace().unwrap_or_default();
    let key = format!("{namespace}/{}", obj.name_any());
    let how = ctx
        .detections
        .take(&super::change_events::key(obj.as_ref()));
    let shared = shared_reads(
        obj.as_ref(),
        ctx.interval_of(obj.drift_check_interval()),
        how.1.is_some(),
    );
    let t = now();
    if let Some(selector) = obj.account_selector() {
        return Box::pin(apply_fleet(&obj, &ctx, selector, shared, how, &t)).await;
    }
    let report = match ctx.accounts.get(&ctx.client, obj.account_ref()).await? {
        None => K::Report::fatal(EngineError::AccountNotFound(obj.account_ref().to_string())),
        Some(account) => {
            let labels = namespace_labels(&ctx, &account, obj.as_ref()).await?;
            let previous_account = obj
                .current_status()
                .and_then(|s| s.common().account_id.as_deref());
            if let Some((old, old_labels)) = moved_from(
                &ctx,
                previous_account,
                &account,
                obj.as_ref(),
                obj.deletion_policy(),
            )
            .await?
            {
                let report = Box::pin(K::cleanup(
                    &ctx.aws,
                    &pass(obj.as_ref(), &old, &old_labels, t.0, None),
                ))
                .await;
                left_previous_account(&ctx, obj.as_ref(), &old, report).await?;
            }
            // Boxed, as every pass below: the engine's futures are large, and inline they overflowed a 2 MiB
            // thread stack in debug builds.
            Box::pin(K::run(
                &ctx.aws,
                &pass(obj.as_ref(), &account, &labels, t.0, shared),
            ))
            .await
        }
    };
    let previous = obj.current_status();
    let mut new = K::status_after(previous, &report, obj.meta().generation, &t);
    super::change_events::stamp(&ctx, previous, &mut new, how);
    ctx.metrics.set_drift(
        K::KIND,
        &obj.uid().unwrap_or_default(),
        Some(report.pass().remaining_drift() as i64),
    );
    if status_changed(previous, &new) {
        let api: Api<K> = Api::namespaced(ctx.client.clone(), &namespace);
        apply_status(&api, &obj.name_any(), &new).await?;
        publish(
            &ctx,
            obj.as_ref(),
            events(previous.map(KindStatus::common), new.common()),
        )
        .await;
    }
    let pass_report = report.pass();
    if let Some(category) = pass_report.error_category() {
        let message = pass_report
            .fatal
            .as_ref()
            .map(|f| f.to_string())
            .unwrap_or_else(|| format!("{} component(s) failed", pass_report.errors().count()));
        return Err(Error::Pass { category, message });
    }
    ctx.succeeded(&key);
    Ok(Action::requeue(ctx.interval_of(obj.drift_check_interval())))
}

/// A pass of an object with `accountSelector`: every AwsAccount it matches that admits the object's namespace (the
/// others are invisible to it), a few at a time, one status with the rollup and the ledger.
async fn apply_fleet<K: ManagedKind>(
    obj: &Arc<K>,
    ctx: &Arc<Context>,
    selector: &k8s_openapi::apimachinery::pkg::apis::meta::v1::LabelSelector,
    shared: Option<Duration>,
    how: (crate::engine::status::Detection, Option<jiff::Timestamp>),
    t: &k8s_openapi::apimachinery::pkg::apis::meta::v1::Time,
) -> Result<Action, Error> {
    let namespace = obj.namespace().unwrap_or_default();
    let (accounts, labels) = tenant_accounts(ctx, obj.as_ref()).await?;
    let selected = crate::engine::fleet::matching(Some(selector), &accounts, |_| true);
    let run = FleetRun {
        obj: obj.as_ref(),
        selected: &selected,
        namespace_labels: &labels,
        owner: owner_of(obj.as_ref()),
        mode: obj.drift_policy(),
        shared_reads: shared,
    };
    let (mut new, merged) = Box::pin(run_fleet(&ctx.aws, &run, t)).await;
    let previous = obj.current_status();
    super::change_events::stamp(ctx, previous, &mut new, how);
    ctx.metrics.set_drift(
        K::KIND,
        &obj.uid().unwrap_or_default(),
        Some(merged.remaining_drift as i64),
    );
    if status_changed(previous, &new) {
        let api: Api<K> = Api::namespaced(ctx.client.clone(), &namespace);
        apply_status(&api, &obj.name_any(), &new).await?;
        let mut notes = events(previous.map(KindStatus::common), new.common());
        notes.extend(merged.events);
        publish(ctx, obj.as_ref(), notes).await;
    }
    if let Some(category) = merged.error_category {
        let message = crate::api::common::find_condition(
            &new.common().conditions,
            crate::api::common::condition::SYNCED,
        )
        .map(|c| c.message.clone())
        .unwrap_or_default();
        return Err(Error::Pass { category, message });
    }
    ctx.succeeded(&format!("{namespace}/{}", obj.name_any()));
    Ok(Action::requeue(ctx.interval_of(obj.drift_check_interval())))
}

/// Every AwsAccount an object's namespace may use (with the namespace's labels, read once when any account
/// admits namespaces by label).
async fn tenant_accounts<K: Resource>(
    ctx: &Context,
    obj: &K,
) -> Result<(Vec<AwsAccount>, BTreeMap<String, String>), Error> {
    let accounts = ctx.accounts.list(&ctx.client).await?;
    let namespace = obj.meta().namespace.as_deref().unwrap_or_default();
    let labels = match accounts.iter().find(|a| {
        a.spec
            .allowed_namespaces
            .as_ref()
            .is_some_and(|n| n.selector.is_some())
    }) {
        Some(a) => namespace_labels(ctx, a, obj).await?,
        None => BTreeMap::new(),
    };
    let allowed = accounts
        .into_iter()
        .filter(|a| a.spec.allows(namespace, &labels))
        .collect();
    Ok((allowed, labels))
}

async fn cleanup<K: ManagedKind>(obj: Arc<K>, ctx: Arc<Context>) -> Result<Action, Error> {
    if let Some(selector) = obj.account_selector() {
        // Every account the selector matches now, and every account the ledger says it ran in (an account whose
        // labels changed since), as long as the namespace may still use it.
        let (accounts, labels) = tenant_accounts(&ctx, obj.as_ref()).await?;
        let (ran_in, _) = obj
            .current_status()
            .map(K::fleet_accounts)
            .unwrap_or_default();
        let mut selected = crate::engine::fleet::matching(Some(selector), &accounts, |_| true);
        for a in &accounts {
            if ran_in.contains(&a.spec.account_id)
                && !selected.iter().any(|s| s.metadata.name == a.metadata.name)
            {
                selected.push(a);
            }
        }
        let run = FleetRun {
            obj: obj.as_ref(),
            selected: &selected,
            namespace_labels: &labels,
            owner: owner_of(obj.as_ref()),
            mode: DriftPolicy::Correct,
            shared_reads: None,
        };
        let report = Box::pin(cleanup_fleet(&ctx.aws, &run)).await;
        return finish_cleanup(&ctx, obj.as_ref(), Ok(report)).await;
    }
    let Some(account) = account_for_cleanup(&ctx, obj.account_ref(), obj.deletion_policy()).await?
    else {
        return Ok(Action::await_change());
    };
    let labels = namespace_labels(&ctx, &account, obj.as_ref()).await?;
    let report = Box::pin(K::cleanup(
        &ctx.aws,
        &pass(obj.as_ref(), &account, &labels, now().0, None),
    ))
    .await;
    finish_cleanup(&ctx, obj.as_ref(), report).await
}

/// The AwsAccount a deleted object used. Without it nothing can be cleaned up: under Retain that is fine
/// (`None`), under Delete it is an error that keeps the finalizer.
async fn account_for_cleanup(
    ctx: &Context,
    name: &str,
    policy: DeletionPolicy,
) -> Result<Option<AwsAccount>, Error> {
    match ctx.accounts.get(&ctx.client, name).await? {
        Some(a) => Ok(Some(a)),
        None if policy == DeletionPolicy::Retain => Ok(None),
        None => Err(Error::Pass {
            category: "AccountNotFound",
            message: format!("AwsAccount {name} not found; cannot delete AWS resources"),
        }),
    }
}

/// Labels of the object's namespace, read only when the account selects namespaces by label.
async fn namespace_labels<K: Resource>(
    ctx: &Context,
    account: &AwsAccount,
    obj: &K,
) -> Result<BTreeMap<String, String>, Error> {
    let by_label = account
        .spec
        .allowed_namespaces
        .as_ref()
        .is_some_and(|a| a.selector.is_some());
    let Some(ns) = obj.meta().namespace.as_deref().filter(|_| by_label) else {
        return Ok(BTreeMap::new());
    };
    let api: Api<Namespace> = Api::all(ctx.client.clone());
    Ok(api
        .get_opt(ns)
        .await?
        .and_then(|n| n.metadata.labels)
        .unwrap_or_default())
}

/// The AwsAccount an object used before its `accountRef` moved it to `current` (status records the account ID),
/// when what it created there must be cleaned up: `deletionPolicy: Delete` and an AwsAccount for that ID that
/// the object's namespace may use. `None` when it did not move, or nothing can be done (said in a warning Event).
async fn moved_from<K>(
    ctx: &Context,
    previous_account: Option<&str>,
    current: &AwsAccount,
    obj: &K,
    policy: DeletionPolicy,
) -> Result<Option<(AwsAccount, BTreeMap<String, String>)>, Error>
where
    K: Resource<DynamicType = ()>,
{
    let Some(old_id) =
        previous_account.filter(|id| !id.is_empty() && *id != current.spec.account_id)
    else {
        return Ok(None);
    };
    if policy == DeletionPolicy::Retain {
        return Ok(None);
    }
    let candidates = ctx.accounts.list(&ctx.client).await?;
    for a in candidates
        .into_iter()
        .filter(|a| a.spec.account_id == old_id)
    {
        let labels = namespace_labels(ctx, &a, obj).await?;
        if a.spec
            .allows(obj.meta().namespace.as_deref().unwrap_or_default(), &labels)
        {
            return Ok(Some((a, labels)));
        }
    }
    publish(
        ctx,
        obj,
        vec![crate::engine::status::EventNote {
            warning: true,
            reason: "PreviousAccountNotCleaned",
            action: "Delete",
            note: format!(
                "accountRef moved this object away from account {old_id}, but no AwsAccount this namespace may use \
                 reaches it: what it created there is left in place"
            ),
        }],
    )
    .await;
    Ok(None)
}

/// Publish what the cleanup in the previous account did; an error stops the pass (status unchanged, so the next
/// pass tries again) rather than converging in the new account and forgetting the old one.
async fn left_previous_account<K: Resource<DynamicType = ()>>(
    ctx: &Context,
    obj: &K,
    old: &AwsAccount,
    report: Result<CleanupReport, EngineError>,
) -> Result<(), Error> {
    let report = report.map_err(|e| Error::Pass {
        category: e.category(),
        message: format!(
            "cleaning up in the previous account {}: {e}",
            old.spec.account_id
        ),
    })?;
    if let Some(first) = report.errors.first() {
        return Err(Error::Pass {
            category: first.category.as_str(),
            message: format!(
                "cleaning up in the previous account {}: {first}",
                old.spec.account_id
            ),
        });
    }
    publish(
        ctx,
        obj,
        vec![crate::engine::status::EventNote {
            warning: false,
            reason: "PreviousAccountCleaned",
            action: "Delete",
            note: format!(
                "accountRef moved away from {}: {}",
                old.spec.account_id,
                report.actions.join("; ")
            ),
        }],
    )
    .await;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::common::set_condition;
    use crate::api::{MonitoringPolicy, MonitoringPolicyStatus};
    use k8s_openapi::apimachinery::pkg::apis::meta::v1::Time;

    fn policy(generation: i64, observed: i64, ready: bool, drifted: bool) -> MonitoringPolicy {
        let mut p: MonitoringPolicy = serde_json::from_value(serde_json::json!({
            "apiVersion": "awsbaseline.io/v1alpha1", "kind": "MonitoringPolicy",
            "metadata": {"name": "p", "namespace": "team", "generation": generation},
            "spec": {"accountRef": {"name": "a"}}
        }))
        .unwrap();
        let now = Time(jiff::Timestamp::UNIX_EPOCH);
        let mut status = MonitoringPolicyStatus::default();
        status.common.observed_generation = Some(observed);
        status.common.conditions = vec![
            set_condition(
                &[],
                "Ready",
                ready,
                "R",
                String::new(),
                Some(observed),
                &now,
            ),
            set_condition(
                &[],
                "Drifted",
                drifted,
                "D",
                String::new(),
                Some(observed),
                &now,
            ),
        ];
        p.status = Some(status);
        p
    }

    #[test]
    fn only_periodic_checks_of_in_sync_objects_share_reads() {
        let interval = Duration::from_secs(300);
        let half = Some(Duration::from_secs(150));
        assert_eq!(
            shared_reads(&policy(2, 2, true, false), interval, false),
            half
        );
        // A change event asked for this pass: read AWS now.
        assert_eq!(
            shared_reads(&policy(2, 2, true, false), interval, true),
            None
        );
        // A spec change not yet reconciled, drift, not Ready, no status at all.
        assert_eq!(
            shared_reads(&policy(3, 2, true, false), interval, false),
            None
        );
        assert_eq!(
            shared_reads(&policy(2, 2, true, true), interval, false),
            None
        );
        assert_eq!(
            shared_reads(&policy(2, 2, false, false), interval, false),
            None
        );
        let mut fresh = policy(1, 1, true, false);
        fresh.status = None;
        assert_eq!(shared_reads(&fresh, interval, false), None);
    }
}
