//! Running the controllers: the HTTP server, leader election, the watches (filtered to meaningful changes) and
//! one controller per kind.

use super::account_baseline::using_account;
use super::{
    error_policy, reconcile_account, reconcile_baseline, reconcile_organization, Context, Error,
    RunArgs,
};
use crate::api::{
    AccountBaseline, AwsAccount, AwsOrganization, Kind, MonitoringPolicy, PatchSchedule,
};
use crate::aws::{AwsFactory, CallStats};
use crate::engine::kind::ManagedKind;
use crate::http::{router, HttpState};
use crate::metrics::Metrics;
use futures::StreamExt;
use kube::core::DeserializeGuard;
use kube::runtime::controller::{Action, Config, Controller};
use kube::runtime::reflector::{ObjectRef, Store};
use kube::runtime::watcher;
use kube::{Api, Client, Resource};
use std::sync::Arc;

/// Run the HTTP server, and the controllers while this replica is the leader, until SIGTERM / Ctrl-C.
///
/// With leader election (the default) every replica serves /healthz, /readyz and /metrics. `/readyz` reflects the
/// election: not ready until a round has reached the API server (or after one failed), then `ready: leader` or
/// `ready: standby`. A standby is ready on purpose, or a rollout of two replicas could never progress while the
/// old pod holds the Lease; `awsbaseline_leader` tells which one leads.
/// A replica that loses leadership cancels its reconciles at once and returns an error, so the process exits
/// and Kubernetes restarts it as a standby (client-go's behaviour): a fresh process starts from clean watches
/// and caches rather than resuming from state gathered while it was leading. On SIGTERM the leader lets
/// in-flight reconciles finish, still renewing, then releases the Lease so a standby takes over at once.
pub async fn run(args: RunArgs) -> Result<(), Box<dyn std::error::Error + Send + Sync>> {
    let election = args.leader_election.then(|| {
        let mut cfg = crate::leader::LeaderConfig::new(
            args.leader_election_namespace.clone(),
            args.lease_name.clone(),
            crate::leader::default_identity(),
        );
        cfg.lease_duration = args.lease_duration;
        cfg.renew_deadline = args.lease_renew_deadline;
        cfg.retry_period = args.lease_retry_period;
        cfg
    });
    if let Some(cfg) = &election {
        cfg.validate()?;
    }
    let client = Client::try_default().await?;
    let metrics = Arc::new(Metrics::default());
    let aws = AwsFactory::from_env(CallStats::with_observer(metrics.clone())).await;
    let ctx = Arc::new(
        Context::new(client.clone(), aws, metrics.clone())
            .with_defaults(args.default_drift_interval, args.watch_namespaces.clone()),
    );
    let readiness = crate::http::Readiness::default();

    let listener = tokio::net::TcpListener::bind(args.metrics_addr).await?;
    let app = router(HttpState {
        metrics: metrics.clone(),
        readiness: readiness.clone(),
    });
    let server = tokio::spawn(async move {
        if let Err(e) = axum::serve(listener, app).await {
            tracing::error!(error = %e, "http server failed");
        }
    });
    let (term_tx, term_rx) = tokio::sync::watch::channel(false);
    tokio::spawn(async move {
        shutdown_signal().await;
        let _ = term_tx.send(true);
    });
    let concurrency = args.concurrency;
    let result = match election {
        None => {
            tracing::info!(addr = %args.metrics_addr, "controllers starting (leader election off)");
            metrics.set_leader(true);
            readiness.set(crate::leader::Role::Leading);
            run_controllers(ctx, concurrency, crate::leader::signalled(term_rx)).await;
            Ok(())
        }
        Some(cfg) => {
            tracing::info!(addr = %args.metrics_addr, identity = %cfg.identity, namespace = %cfg.namespace,
                lease = %cfg.lease_name, "waiting for leadership");
            let elector = crate::leader::LeaderElector::new(client, cfg);
            let mut role = elector.subscribe();
            let gauge = metrics.clone();
            tokio::spawn(async move {
                while role.changed().await.is_ok() {
                    let now = *role.borrow_and_update();
                    gauge.set_leader(now == crate::leader::Role::Leading);
                    readiness.set(now);
                }
            });
            let outcome = elector
                .run_elected(term_rx, move |stop| async move {
                    tracing::info!("controllers starting");
                    run_controllers(ctx, concurrency, stop).await;
                })
                .await;
            match outcome {
                crate::leader::Outcome::NotElected | crate::leader::Outcome::Stopped => Ok(()),
                crate::leader::Outcome::Lost(reason) => Err(format!(
                    "leadership lost ({reason}); exiting so the pod restarts as a standby"
                )
                .into()),
            }
        }
    };
    server.abort();
    tracing::info!("shut down");
    result
}

/// What makes an object worth a pass: its spec (`generation`), deletion, finalizers and our annotations. Status
/// writes — ours included — change none of them, so they never start a pass: a failing object stays in its
/// backoff and a steady one waits for its drift interval.
fn meaningful_change<K: Resource>(obj: &K) -> Option<u64> {
    use std::hash::{Hash, Hasher};
    let m = obj.meta();
    let annotations: Vec<(&String, &String)> = m
        .annotations
        .iter()
        .flatten()
        .filter(|(k, _)| k.starts_with("awsbaseline.io/"))
        .collect();
    let mut h = std::collections::hash_map::DefaultHasher::new();
    (
        &m.uid,
        m.generation,
        m.deletion_timestamp.is_some(),
        &m.finalizers,
        annotations,
    )
        .hash(&mut h);
    Some(h.finish())
}

/// What the store keeps of an object: no `managedFields` (server-side apply's field ownership, often larger than
/// the spec) and no client-side-apply copy of the last applied manifest; nothing the controllers read. At 1,500
/// objects these were most of the reflector's memory (controller-runtime strips managedFields the same way).
fn trim<K: Resource>(obj: &mut K) {
    let meta = obj.meta_mut();
    meta.managed_fields = None;
    if let Some(a) = meta.annotations.as_mut() {
        a.remove("kubectl.kubernetes.io/last-applied-configuration");
    }
}

/// A controller of kind `K` (every namespace; malformed objects wrapped in `DeserializeGuard`) triggered only by
/// [`meaningful_change`]s, not by status writes.
fn controller_for<K: Kind>(client: &Client) -> Controller<DeserializeGuard<K>> {
    use kube::runtime::{reflector, WatchStreamExt};
    let (reader, writer) = reflector::store();
    let trigger = watcher(
        Api::<DeserializeGuard<K>>::all(client.clone()),
        watcher::Config::default().any_semantic(),
    )
    .default_backoff()
    .modify(trim)
    .reflect(writer)
    .touched_objects()
    .predicate_filter(meaningful_change, Default::default());
    Controller::for_stream(trigger, reader)
}

/// One watch of AwsAccounts serving every controller that depends on them. Its store is the one passes read
/// (`Context.accounts`), and a change reaches the controllers' mappers only after that store holds it, so a pass
/// that a new or relabelled account started always sees that account. (With a watch per controller and the store
/// filled by yet another, a trigger could overtake the store: the pass then ran on the old account list and nothing
/// ran it again until its drift interval — seen as a selector that missed a newly labelled account under load.)
struct AccountFeed {
    store: Store<DeserializeGuard<AwsAccount>>,
    senders: Vec<futures::channel::mpsc::UnboundedSender<DeserializeGuard<AwsAccount>>>,
    stream:
        futures::stream::BoxStream<'static, Result<DeserializeGuard<AwsAccount>, watcher::Error>>,
}

impl AccountFeed {
    /// The watch (not running until [`AccountFeed::pump`] is polled).
    fn new(client: &Client) -> Self {
        use kube::runtime::{reflector, WatchStreamExt};
        let (store, writer) = reflector::store();
        let stream = watcher(
            Api::<DeserializeGuard<AwsAccount>>::all(client.clone()),
            watcher::Config::default().any_semantic(),
        )
        .default_backoff()
        .modify(trim)
        .reflect(writer)
        .touched_objects()
        // Changes that matter to the objects using an account: spec and labels (selectors), not its status.
        .predicate_filter(
            |a: &DeserializeGuard<AwsAccount>| {
                use std::hash::{Hash, Hasher};
                let mut h = std::collections::hash_map::DefaultHasher::new();
                (meaningful_change(a), &a.meta().labels).hash(&mut h);
                Some(h.finish())
            },
            Default::default(),
        )
        .boxed();
        AccountFeed {
            store,
            senders: Vec::new(),
            stream,
        }
    }

    /// A stream of the changes for one controller's `watches_stream`.
    fn subscribe(
        &mut self,
    ) -> impl futures::Stream<Item = Result<DeserializeGuard<AwsAccount>, watcher::Error>> + Send + 'static
    {
        let (tx, rx) = futures::channel::mpsc::unbounded();
        self.senders.push(tx);
        rx.map(Ok)
    }

    /// Drive the watch: fill the store, then hand each change to every subscriber. Watch errors are retried with
    /// backoff by the watcher itself.
    async fn pump(self) {
        let AccountFeed {
            senders,
            mut stream,
            ..
        } = self;
        while let Some(item) = stream.next().await {
            match item {
                Ok(account) => {
                    for tx in &senders {
                        let _ = tx.unbounded_send(account.clone());
                    }
                }
                Err(e) => tracing::warn!(error = %e, "AwsAccount watch failed; retrying"),
            }
        }
    }
}

/// A watch mapper: the namespaced objects whose `spec.accountRef` names the AwsAccount that changed (its
/// credentials, regions or allowed namespaces), whose `accountSelector` matches it (a new or relabelled account)
/// or whose ledger says they ran in its account (it may have left the selector), so they are reconciled again.
/// Tenancy is checked by the pass itself.
fn referencing<K: ManagedKind>(
    store: Store<DeserializeGuard<K>>,
) -> impl Fn(DeserializeGuard<AwsAccount>) -> Vec<ObjectRef<DeserializeGuard<K>>> + Send + Sync + 'static
{
    move |account| {
        let name = super::account_name(&account);
        let (account_id, labels) = account
            .0
            .as_ref()
            .map(|a| {
                (
                    a.spec.account_id.clone(),
                    a.metadata.labels.clone().unwrap_or_default(),
                )
            })
            .unwrap_or_default();
        store
            .state()
            .into_iter()
            .filter(|o| {
                o.0.as_ref().is_ok_and(|o| match o.account_selector() {
                    None => o.account_ref() == name,
                    Some(s) => {
                        crate::api::aws_account::selector_matches(s, &labels)
                            || o.current_status()
                                .is_some_and(|st| K::fleet_accounts(st).0.contains(&account_id))
                    }
                })
            })
            .map(|o| ObjectRef::from_obj(o.as_ref()))
            .collect()
    }
}

/// A watch mapper: the AwsOrganizations whose `spec.accountRef` names the AwsAccount that changed.
fn organizations_reading(
    store: Store<DeserializeGuard<AwsOrganization>>,
) -> impl Fn(DeserializeGuard<AwsAccount>) -> Vec<ObjectRef<DeserializeGuard<AwsOrganization>>>
       + Send
       + Sync
       + 'static {
    move |account| {
        let name = super::account_name(&account);
        store
            .state()
            .into_iter()
            .filter(|o| o.0.as_ref().is_ok_and(|o| o.spec.account_ref.name == name))
            .map(|o| ObjectRef::from_obj(o.as_ref()))
            .collect()
    }
}

/// Resolves on SIGTERM or Ctrl-C.
pub async fn shutdown_signal() {
    let ctrl_c = tokio::signal::ctrl_c();
    #[cfg(unix)]
    {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut term) => {
                tokio::select! {
                    _ = ctrl_c => {},
                    _ = term.recv() => {},
                }
            }
            Err(_) => {
                let _ = ctrl_c.await;
            }
        }
    }
    #[cfg(not(unix))]
    {
        let _ = ctrl_c.await;
    }
}

/// Run the AccountBaseline, PatchSchedule, MonitoringPolicy, AwsAccount and AwsOrganization controllers until `shutdown` resolves; in-flight reconciles finish
/// first. Malformed objects are wrapped in `DeserializeGuard` so one bad object never stops a watch.
pub async fn run_controllers(
    ctx: Arc<Context>,
    concurrency: u16,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) {
    let client = ctx.client.clone();
    let (tx, rx) = tokio::sync::watch::channel(false);
    tokio::spawn(async move {
        shutdown.await;
        let _ = tx.send(true);
    });
    let cfg = kube::runtime::controller::Config::default().concurrency(concurrency);
    let (to_accounts, account_events) = futures::channel::mpsc::unbounded();
    let (to_baselines, baseline_events) = futures::channel::mpsc::unbounded();
    let (to_monitoring, monitoring_events) = futures::channel::mpsc::unbounded();
    let (to_schedules, schedule_events) = futures::channel::mpsc::unbounded();
    let mut feed = AccountFeed::new(&client);
    ctx.accounts.set(feed.store.clone());
    let baselines = controller_for::<AccountBaseline>(&client);
    let store = baselines.store();
    // A changed AwsAccount (credentials, regions) re-reconciles the baselines that use it; a change event the
    // baselines own starts their pass at once.
    let baselines = baselines
        .watches_stream(feed.subscribe(), using_account(store.clone()))
        .reconcile_on(baseline_events);
    let monitoring = namespaced::<MonitoringPolicy>(&client, &mut feed);
    let schedules = namespaced::<PatchSchedule>(&client, &mut feed);
    let accounts = controller_for::<AwsAccount>(&client);
    let stores = super::change_events::Stores {
        accounts: feed.store.clone(),
        baselines: store,
        monitoring: monitoring.store(),
        schedules: schedules.store(),
    };
    // The hub's bus policy lists the forwarding accounts: a change of any AwsAccount re-reconciles the hub.
    let accounts = accounts
        .watches_stream(feed.subscribe(), hub_of(stores.accounts.clone()))
        .reconcile_on(account_events);
    let triggers = super::change_events::Triggers {
        accounts: to_accounts,
        baselines: to_baselines,
        monitoring: to_monitoring,
        schedules: to_schedules,
    };
    // AwsOrganizations: their own changes, their accountRef's changes (created after them, new credentials) and
    // the periodic sync (`syncInterval`).
    let organizations = controller_for::<AwsOrganization>(&client);
    let organizations_store = organizations.store();
    let organizations =
        organizations.watches_stream(feed.subscribe(), organizations_reading(organizations_store));
    let feed = tokio::spawn(feed.pump());
    let consumer = tokio::spawn(super::change_events::consume(
        ctx.clone(),
        stores,
        triggers,
        rx.clone(),
    ));
    futures::join!(
        drive(baselines, &cfg, &rx, reconcile_baseline, &ctx),
        drive(
            schedules.reconcile_on(schedule_events),
            &cfg,
            &rx,
            super::namespaced::reconcile::<PatchSchedule>,
            &ctx
        ),
        drive(
            monitoring.reconcile_on(monitoring_events),
            &cfg,
            &rx,
            super::namespaced::reconcile::<MonitoringPolicy>,
            &ctx
        ),
        drive(accounts, &cfg, &rx, reconcile_account, &ctx),
        drive(organizations, &cfg, &rx, reconcile_organization, &ctx),
    );
    consumer.abort();
    feed.abort();
}

/// A watch mapper: the change-event hub, when another AwsAccount changed (its bus policy names the forwarding
/// accounts).
fn hub_of(
    store: Store<DeserializeGuard<AwsAccount>>,
) -> impl Fn(DeserializeGuard<AwsAccount>) -> Vec<ObjectRef<DeserializeGuard<AwsAccount>>>
       + Send
       + Sync
       + 'static {
    move |changed| {
        let changed = super::account_name(&changed);
        super::change_events::hub(&store.state())
            .filter(|h| h.metadata.name.as_deref() != Some(changed.as_str()))
            .map(|h| ObjectRef::new(&h.metadata.name.unwrap_or_default()))
            .into_iter()
            .collect()
    }
}

/// The controller of a [`ManagedKind`]: its objects, and those that reference a changed AwsAccount.
fn namespaced<K: ManagedKind>(
    client: &Client,
    feed: &mut AccountFeed,
) -> Controller<DeserializeGuard<K>> {
    let controller = controller_for::<K>(client);
    let store = controller.store();
    controller.watches_stream(feed.subscribe(), referencing(store))
}

/// Run `controller` with `reconcile` until `stop` turns true (in-flight reconciles finish first).
fn drive<K, Fut>(
    controller: Controller<DeserializeGuard<K>>,
    cfg: &Config,
    stop: &tokio::sync::watch::Receiver<bool>,
    reconcile: fn(Arc<DeserializeGuard<K>>, Arc<Context>) -> Fut,
    ctx: &Arc<Context>,
) -> impl std::future::Future<Output = ()> + Send
where
    K: Kind,
    Fut: std::future::Future<Output = Result<Action, Error>> + Send + 'static,
{
    let mut stop = stop.clone();
    controller
        .with_config(cfg.clone())
        .graceful_shutdown_on(async move {
            let _ = stop.wait_for(|v| *v).await;
        })
        .run(reconcile, error_policy, ctx.clone())
        .for_each(|r| async move {
            if let Err(e) = r {
                tracing::debug!(error = %e, "{} reconcile", K::kind(&()));
            }
        })
}

#[cfg(test)]
mod trim_tests {
    use super::trim;
    use crate::api::MonitoringPolicy;

    #[test]
    fn the_store_keeps_no_managed_fields_and_no_last_applied_copy() {
        let mut p: MonitoringPolicy = serde_json::from_value(serde_json::json!({
            "apiVersion": "awsbaseline.io/v1alpha1", "kind": "MonitoringPolicy",
            "metadata": {"name": "p", "namespace": "team",
                "annotations": {"kubectl.kubernetes.io/last-applied-configuration": "{...}",
                    "awsbaseline.io/reconcile": "now"},
                "managedFields": [{"manager": "kubectl", "operation": "Apply", "fieldsType": "FieldsV1",
                    "fieldsV1": {"f:spec": {}}}]},
            "spec": {"accountRef": {"name": "a"}}
        }))
        .unwrap();
        trim(&mut p);
        assert!(p.metadata.managed_fields.is_none());
        let annotations = p.metadata.annotations.unwrap();
        assert_eq!(
            annotations.keys().collect::<Vec<_>>(),
            ["awsbaseline.io/reconcile"]
        );
    }
}

#[cfg(test)]
mod mapper_tests {
    use super::referencing;
    use crate::api::{AwsAccount, MonitoringPolicy};
    use kube::core::DeserializeGuard;
    use kube::runtime::{reflector, watcher};
    use serde_json::json;

    fn guard<K: serde::de::DeserializeOwned>(v: serde_json::Value) -> DeserializeGuard<K> {
        DeserializeGuard(Ok(serde_json::from_value(v).unwrap()))
    }

    fn policy(
        name: &str,
        spec: serde_json::Value,
        ledger: &[&str],
    ) -> DeserializeGuard<MonitoringPolicy> {
        let ledger: Vec<_> = ledger
            .iter()
            .map(|id| json!({"name": "x", "accountId": id, "state": "InSync"}))
            .collect();
        guard(
            json!({"apiVersion": "awsbaseline.io/v1alpha1", "kind": "MonitoringPolicy",
            "metadata": {"name": name, "namespace": "team"},
            "spec": spec, "status": {"ledger": ledger}}),
        )
    }

    fn account(name: &str, id: &str, env: &str) -> DeserializeGuard<AwsAccount> {
        guard(
            json!({"apiVersion": "awsbaseline.io/v1alpha1", "kind": "AwsAccount",
            "metadata": {"name": name, "labels": {"env": env}},
            "spec": {"accountId": id}}),
        )
    }

    #[test]
    fn a_changed_account_re_runs_referencing_selecting_and_ledger_objects() {
        let (store, mut writer) = reflector::store::<DeserializeGuard<MonitoringPolicy>>();
        for p in [
            policy("by-ref", json!({"accountRef": {"name": "prod-a"}}), &[]),
            policy(
                "by-selector",
                json!({"accountSelector": {"matchLabels": {"env": "prod"}}}),
                &[],
            ),
            policy(
                "ran-there",
                json!({"accountSelector": {"matchLabels": {"env": "dev"}}}),
                &["111111111111"],
            ),
            policy(
                "unrelated",
                json!({"accountSelector": {"matchLabels": {"env": "dev"}}}),
                &[],
            ),
        ] {
            writer.apply_watcher_event(&watcher::Event::Apply(p));
        }
        let map = referencing::<MonitoringPolicy>(store);
        let mut names: Vec<String> = map(account("prod-a", "111111111111", "prod"))
            .into_iter()
            .map(|r| r.name)
            .collect();
        names.sort();
        assert_eq!(names, ["by-ref", "by-selector", "ran-there"]);
        // A new prod account: only the selector matches it.
        let names: Vec<String> = map(account("prod-z", "999999999999", "prod"))
            .into_iter()
            .map(|r| r.name)
            .collect();
        assert_eq!(names, ["by-selector"]);
    }
}
