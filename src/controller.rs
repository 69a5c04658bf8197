//! kube-runtime controllers: one per kind, finalizers, status written only when it changes, events on
//! transitions, backoff on errors, graceful shutdown. What every kind shares is here and in `namespaced` (the one
//! controller of every [`crate::engine::kind::ManagedKind`]) and `run` (watches, leader election); a file per
//! kind holds only what is specific to it.

use crate::api::common::{condition, set_condition};
use crate::api::{AwsAccount, Kind};
use crate::aws::AwsFactory;
use crate::metrics::Metrics;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::Time;
use kube::api::{Patch, PatchParams};
use kube::core::DeserializeGuard;
use kube::runtime::controller::Action;
use kube::runtime::events::{Event, EventType, Recorder, Reporter};
use kube::runtime::finalizer::{finalizer, Event as FinalizerEvent};
use kube::runtime::reflector::{ObjectRef, Store};
use kube::{Api, Client, Resource};
use serde_json::json;
use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

mod account_baseline;
mod aws_account;
mod aws_organization;
pub mod change_events;
mod monitoring_policy;
mod namespaced;
mod patch_schedule;
mod run;

pub use account_baseline::{apply_baseline_status, reconcile_baseline};
pub use aws_account::reconcile_account;
pub use aws_organization::{reconcile_organization, ORGANIZATION_MANAGER};
pub use monitoring_policy::reconcile_monitoring;
pub use patch_schedule::reconcile_patch;
pub use run::{run, run_controllers, shutdown_signal};

/// Finalizer that guards AWS cleanup.
pub const FINALIZER: &str = "awsbaseline.io/cleanup";
/// Field manager for status patches.
pub const MANAGER: &str = "aws-baseline-operator";
/// Set to `"true"` on an object whose deletion is blocked (its AwsAccount is gone, its credentials fail) to
/// release it and leave its AWS resources in place, instead of editing finalizers by hand.
pub const ABANDON_ANNOTATION: &str = "awsbaseline.io/abandon-aws-resources";
/// Any change of this annotation (e.g. a timestamp) starts a pass at once, like `kubectl annotate ... --overwrite`
/// for Flux's `reconcile.fluxcd.io/requestedAt`.
pub const RECONCILE_ANNOTATION: &str = "awsbaseline.io/reconcile-requested-at";
/// Requeue when the interval cannot be parsed (the CRD pattern normally prevents that).
pub const DEFAULT_INTERVAL: Duration = Duration::from_secs(300);

/// `run` arguments.
#[derive(clap::Args, Clone, Debug)]
pub struct RunArgs {
    /// Address of /healthz, /readyz and /metrics.
    #[arg(long, env = "METRICS_ADDR", default_value = "0.0.0.0:8080")]
    pub metrics_addr: SocketAddr,
    /// Objects of one kind reconciled at once. Passes mostly wait on AWS and on the per-account write pacer, so
    /// this is sized for many accounts: a cold start keeps every account and Region's pacer busy only when more
    /// passes run than accounts are being written to (measured in `benches/fleet.rs`, README "Fleet scale").
    #[arg(long, env = "RECONCILE_CONCURRENCY", default_value_t = 32)]
    pub concurrency: u16,
    /// Elect a leader on a coordination.k8s.io/v1 Lease so only one replica reconciles; `false` reconciles at
    /// once (one replica only).
    #[arg(long, env = "LEADER_ELECTION", default_value_t = true, num_args = 0..=1,
          default_missing_value = "true", action = clap::ArgAction::Set,
          value_parser = clap::builder::BoolishValueParser::new())]
    pub leader_election: bool,
    /// Namespace of the Lease: the pod's own.
    #[arg(long, env = "POD_NAMESPACE", default_value = "default")]
    pub leader_election_namespace: String,
    /// Name of the Lease.
    #[arg(long, default_value = "aws-baseline-operator-leader")]
    pub lease_name: String,
    /// A Lease not renewed for this long may be taken by another replica (whole seconds).
    #[arg(long, default_value = "15s", value_parser = humantime::parse_duration)]
    pub lease_duration: Duration,
    /// The leader stops reconciling (and exits) when it could not renew the Lease for this long.
    #[arg(long, default_value = "10s", value_parser = humantime::parse_duration)]
    pub lease_renew_deadline: Duration,
    /// Interval of renewals, and of a standby's attempts.
    #[arg(long, default_value = "2s", value_parser = humantime::parse_duration)]
    pub lease_retry_period: Duration,
    /// Namespaces whose PatchSchedules this operator reconciles (comma-separated); empty = all. Cluster-scoped
    /// kinds are always reconciled.
    #[arg(long, env = "WATCH_NAMESPACES", value_delimiter = ',')]
    pub watch_namespaces: Vec<String>,
    /// Drift-check interval of objects that set no `driftCheckInterval`.
    #[arg(long, env = "DEFAULT_DRIFT_INTERVAL", default_value = "5m", value_parser = humantime::parse_duration)]
    pub default_drift_interval: Duration,
}

/// Errors of one reconcile; `category()` is the fixed metric / condition label.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// Kubernetes API error.
    #[error("kubernetes: {0}")]
    Kube(#[from] kube::Error),
    /// Finalizer handling failed.
    #[error("finalizer: {0}")]
    Finalizer(#[source] Box<kube::runtime::finalizer::Error<Error>>),
    /// The pass could not converge (already reported in status).
    #[error("{category}: {message}")]
    Pass {
        /// Category.
        category: &'static str,
        /// Message.
        message: String,
    },
    /// The object could not be parsed.
    #[error("invalid object: {0}")]
    Invalid(String),
}

impl Error {
    /// Fixed category string.
    pub fn category(&self) -> &'static str {
        match self {
            Self::Kube(_) => "Kubernetes",
            Self::Finalizer(e) => match e.as_ref() {
                kube::runtime::finalizer::Error::ApplyFailed(e)
                | kube::runtime::finalizer::Error::CleanupFailed(e) => e.category(),
                _ => "Finalizer",
            },
            Self::Pass { category, .. } => category,
            Self::Invalid(_) => "InvalidObject",
        }
    }
}

/// Shared state of the controllers.
pub struct Context {
    /// Kubernetes client.
    pub client: Client,
    /// AWS session factory.
    pub aws: AwsFactory,
    /// Metrics.
    pub metrics: Arc<Metrics>,
    /// Event recorder.
    pub recorder: Recorder,
    /// Passes change events asked for, not begun yet.
    pub detections: change_events::Detections,
    /// AwsAccounts, from the controllers' watch once it runs.
    pub accounts: Accounts,
    failures: Mutex<HashMap<String, u32>>,
    default_interval: Duration,
    watch_namespaces: Vec<String>,
}

/// AwsAccounts as the AwsAccount controller's watch holds them, so a pass that needs its account reads memory, not
/// the API server (a GET per pass per object was the operator's only Kubernetes load in steady state besides the
/// watches). Until `run` sets the store (and in the tower-test mocks) every read goes to the API server.
#[derive(Default)]
pub struct Accounts(std::sync::RwLock<Option<Store<DeserializeGuard<AwsAccount>>>>);

/// How long a pass waits for the AwsAccount watch's first list before asking the API server instead.
const ACCOUNT_STORE_WAIT: Duration = Duration::from_secs(30);

impl Accounts {
    /// Read from `store` from now on.
    pub fn set(&self, store: Store<DeserializeGuard<AwsAccount>>) {
        *self.0.write().expect("account store lock poisoned") = Some(store);
    }

    /// The store, once its first list is in (within [`ACCOUNT_STORE_WAIT`]).
    async fn ready(&self) -> Option<Store<DeserializeGuard<AwsAccount>>> {
        let store = self
            .0
            .read()
            .expect("account store lock poisoned")
            .clone()?;
        tokio::time::timeout(ACCOUNT_STORE_WAIT, store.wait_until_ready())
            .await
            .ok()?
            .ok()?;
        Some(store)
    }

    /// The AwsAccount `name` (a malformed one reads as absent, as its own controller reports it).
    pub async fn get(
        &self,
        client: &Client,
        name: &str,
    ) -> Result<Option<AwsAccount>, kube::Error> {
        match self.ready().await {
            Some(store) => Ok(store
                .get(&ObjectRef::new(name))
                .and_then(|g| g.0.as_ref().ok().cloned())),
            None => Api::<AwsAccount>::all(client.clone()).get_opt(name).await,
        }
    }

    /// Every AwsAccount.
    pub async fn list(&self, client: &Client) -> Result<Vec<AwsAccount>, kube::Error> {
        match self.ready().await {
            Some(store) => Ok(store
                .state()
                .iter()
                .filter_map(|g| g.0.as_ref().ok().cloned())
                .collect()),
            None => Ok(Api::<AwsAccount>::all(client.clone())
                .list(&Default::default())
                .await?
                .items),
        }
    }
}

impl Context {
    /// Build a context.
    pub fn new(client: Client, aws: AwsFactory, metrics: Arc<Metrics>) -> Self {
        let recorder = Recorder::new(
            client.clone(),
            Reporter {
                controller: MANAGER.into(),
                instance: std::env::var("POD_NAME").ok(),
            },
        );
        Self {
            client,
            aws,
            metrics,
            recorder,
            detections: Default::default(),
            accounts: Accounts::default(),
            failures: Mutex::default(),
            default_interval: DEFAULT_INTERVAL,
            watch_namespaces: Vec::new(),
        }
    }

    /// Interval for objects without `driftCheckInterval`, and the namespaces namespaced kinds are reconciled in
    /// (empty = all).
    pub fn with_defaults(
        mut self,
        default_interval: Duration,
        watch_namespaces: Vec<String>,
    ) -> Self {
        self.default_interval = default_interval;
        self.watch_namespaces = watch_namespaces
            .into_iter()
            .map(|n| n.trim().to_string())
            .filter(|n| !n.is_empty())
            .collect();
        self
    }

    /// True when objects in `namespace` are this operator's to reconcile.
    pub fn watches(&self, namespace: &str) -> bool {
        self.watch_namespaces.is_empty() || self.watch_namespaces.iter().any(|n| n == namespace)
    }

    /// The requeue interval of an object.
    pub(crate) fn interval_of(&self, declared: Option<&str>) -> Duration {
        declared.map_or(self.default_interval, interval)
    }

    /// Exponential backoff per object: 5 s, 10 s, 20 s ... capped at 5 minutes, each stretched by up to 20 %
    /// so objects that failed together (an account's credentials, a regional outage) do not retry in lockstep.
    fn backoff(&self, key: &str) -> Duration {
        let mut f = self.failures.lock().expect("backoff lock poisoned");
        let n = f.entry(key.to_string()).or_insert(0);
        *n = (*n + 1).min(16);
        let base = Duration::from_secs((5u64 << (*n - 1).min(6)).min(300));
        base + base.mul_f64(jitter(key))
    }

    fn succeeded(&self, key: &str) {
        self.failures
            .lock()
            .expect("backoff lock poisoned")
            .remove(key);
    }
}

/// A fraction in [0, 0.2) that differs between objects and between calls (no RNG crate for one number: the
/// clock's nanoseconds hashed with the object key).
fn jitter(key: &str) -> f64 {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or_default();
    let h = crate::names::stable_hash(&format!("{key}/{nanos}"));
    (h % 1000) as f64 / 5000.0
}

/// Parse `driftCheckInterval`.
pub fn interval(s: &str) -> Duration {
    humantime::parse_duration(s)
        .ok()
        .filter(|d| *d >= Duration::from_secs(30))
        .unwrap_or(DEFAULT_INTERVAL)
}

fn now() -> Time {
    Time(jiff::Timestamp::now())
}

/// Server-side apply of the status subresource of any of our kinds (the field manager owns only status).
async fn apply_status<K, S>(api: &Api<K>, name: &str, status: &S) -> Result<(), kube::Error>
where
    K: Resource<DynamicType = ()> + Clone + serde::de::DeserializeOwned + std::fmt::Debug,
    S: serde::Serialize,
{
    let patch = json!({
        "apiVersion": K::api_version(&()),
        "kind": K::kind(&()),
        "status": status,
    });
    api.patch_status(
        name,
        &PatchParams::apply(MANAGER).force(),
        &Patch::Apply(patch),
    )
    .await?;
    Ok(())
}

async fn publish<K: Resource<DynamicType = ()>>(
    ctx: &Context,
    obj: &K,
    notes: Vec<crate::engine::status::EventNote>,
) {
    let reference = obj.object_ref(&());
    for n in notes {
        let ev = Event {
            type_: if n.warning {
                EventType::Warning
            } else {
                EventType::Normal
            },
            reason: n.reason.into(),
            note: Some(n.note),
            action: n.action.into(),
            secondary: None,
        };
        if let Err(e) = ctx.recorder.publish(&ev, &reference).await {
            tracing::warn!(error = %e, "could not publish event");
        }
    }
}

/// The object a guard holds; a malformed one never stops the watch: it is reported and left alone.
fn parsed<K: Kind>(guard: &DeserializeGuard<K>) -> Result<K, Error> {
    match &guard.0 {
        Ok(o) => Ok(o.clone()),
        Err(invalid) => {
            tracing::warn!(object = %invalid.metadata.name.clone().unwrap_or_default(), error = %invalid.error,
                "invalid {}", K::kind(&()));
            Err(Error::Invalid(invalid.error.clone()))
        }
    }
}

/// Name of a watched AwsAccount (empty when it could not be parsed).
fn account_name(account: &DeserializeGuard<crate::api::AwsAccount>) -> String {
    account
        .0
        .as_ref()
        .ok()
        .and_then(|a| a.metadata.name.clone())
        .unwrap_or_default()
}

/// One pass under [`FINALIZER`]: `apply`, or on deletion `cleanup` guarded by [`guarded_cleanup`]; its duration
/// is recorded per kind.
async fn finalized<K, A, C>(
    api: &Api<K>,
    obj: K,
    ctx: &Arc<Context>,
    apply: impl FnOnce(Arc<K>, Arc<Context>) -> A,
    cleanup: impl FnOnce(Arc<K>, Arc<Context>) -> C,
) -> Result<Action, Error>
where
    K: Kind,
    A: std::future::Future<Output = Result<Action, Error>>,
    C: std::future::Future<Output = Result<Action, Error>>,
{
    let started = std::time::Instant::now();
    let result = finalizer(api, FINALIZER, Arc::new(obj), |event| async move {
        match event {
            FinalizerEvent::Apply(o) => apply(o, ctx.clone()).await,
            FinalizerEvent::Cleanup(o) => {
                guarded_cleanup(o.clone(), ctx, cleanup(o, ctx.clone())).await
            }
        }
    })
    .await
    .map_err(|e| Error::Finalizer(Box::new(e)));
    ctx.metrics
        .reconciled(&K::kind(&()), started.elapsed().as_secs_f64());
    result
}

/// A deletion pass with a way out: with [`ABANDON_ANNOTATION`] the finalizer is released and AWS left as it is;
/// a failed cleanup sets `Ready=False` reason `DeletionBlocked` saying what blocks it and how to release the object.
pub(crate) async fn guarded_cleanup<K>(
    obj: Arc<K>,
    ctx: &Context,
    cleanup: impl std::future::Future<Output = Result<Action, Error>>,
) -> Result<Action, Error>
where
    K: Resource<DynamicType = ()> + serde::Serialize,
{
    let abandon = obj
        .meta()
        .annotations
        .as_ref()
        .and_then(|a| a.get(ABANDON_ANNOTATION))
        .is_some_and(|v| v == "true");
    if abandon {
        tracing::warn!(kind = %K::kind(&()), object = %obj.meta().name.clone().unwrap_or_default(),
            "deletion with {ABANDON_ANNOTATION}=true: AWS resources left in place");
        publish(
            ctx,
            obj.as_ref(),
            vec![crate::engine::status::EventNote {
                warning: true,
                reason: "Abandoned",
                action: "Delete",
                note: format!(
                    "{ABANDON_ANNOTATION}=true: AWS resources left in place, finalizer released"
                ),
            }],
        )
        .await;
        return Ok(Action::await_change());
    }
    let result = cleanup.await;
    if let Err(e) = &result {
        if let Err(patch) = mark_deletion_blocked(ctx, obj.as_ref(), e).await {
            tracing::warn!(error = %patch, "could not record DeletionBlocked");
        }
    }
    result
}

/// `Ready=False` reason `DeletionBlocked` on an object whose cleanup failed (written only when it changes).
async fn mark_deletion_blocked<K>(ctx: &Context, obj: &K, err: &Error) -> Result<(), kube::Error>
where
    K: Resource<DynamicType = ()> + serde::Serialize,
{
    use kube::api::{ApiResource, DynamicObject};
    let value = serde_json::to_value(obj).unwrap_or_default();
    let previous: Vec<k8s_openapi::apimachinery::pkg::apis::meta::v1::Condition> =
        serde_json::from_value(value["status"]["conditions"].clone()).unwrap_or_default();
    let cause = match err {
        Error::Finalizer(_) | Error::Kube(_) | Error::Invalid(_) => err.to_string(),
        Error::Pass { message, .. } => message.clone(),
    };
    let ready = set_condition(
        &previous,
        condition::READY,
        false,
        "DeletionBlocked",
        format!(
            "AWS resources cannot be deleted: {cause}. Fix the cause, or annotate {ABANDON_ANNOTATION}=true to \
             leave them in AWS and release the object"
        ),
        obj.meta().generation,
        &now(),
    );
    if previous.iter().any(|c| {
        c.type_ == ready.type_
            && c.status == ready.status
            && c.reason == ready.reason
            && c.message == ready.message
    }) {
        return Ok(());
    }
    let mut conditions: Vec<_> = previous
        .into_iter()
        .filter(|c| c.type_ != condition::READY)
        .collect();
    conditions.insert(0, ready);
    let ar = ApiResource::erase::<K>(&());
    let api: Api<DynamicObject> = match obj.meta().namespace.as_deref() {
        Some(ns) => Api::namespaced_with(ctx.client.clone(), ns, &ar),
        None => Api::all_with(ctx.client.clone(), &ar),
    };
    api.patch_status(
        &obj.meta().name.clone().unwrap_or_default(),
        &PatchParams {
            field_manager: Some(MANAGER.into()),
            ..Default::default()
        },
        &Patch::Merge(json!({"status": {"conditions": conditions}})),
    )
    .await?;
    Ok(())
}

/// Publish what a deletion pass did, and forget the object's drift; errors keep the finalizer (and are retried
/// with backoff).
async fn finish_cleanup<K: Kind>(
    ctx: &Context,
    obj: &K,
    report: Result<crate::engine::CleanupReport, crate::engine::EngineError>,
) -> Result<Action, Error> {
    let report = report.map_err(|e| Error::Pass {
        category: e.category(),
        message: e.to_string(),
    })?;
    ctx.metrics.set_drift(
        &K::kind(&()),
        &obj.meta().uid.clone().unwrap_or_default(),
        None,
    );
    let note = report.actions.join("; ");
    if let Some(first) = report.errors.first() {
        publish(
            ctx,
            obj,
            vec![crate::engine::status::EventNote {
                warning: true,
                reason: "CleanupFailed",
                action: "Delete",
                note: first.to_string(),
            }],
        )
        .await;
        return Err(Error::Pass {
            category: first.category.as_str(),
            // Every failure (one per account of a fleet), so DeletionBlocked names all that block.
            message: report
                .errors
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join("; "),
        });
    }
    publish(
        ctx,
        obj,
        vec![crate::engine::status::EventNote {
            warning: false,
            reason: "Deleted",
            action: "Delete",
            note,
        }],
    )
    .await;
    Ok(Action::await_change())
}

/// Requeue failed objects with per-object exponential backoff.
pub fn error_policy<K: Resource<DynamicType = ()>>(
    obj: Arc<DeserializeGuard<K>>,
    err: &Error,
    ctx: Arc<Context>,
) -> Action {
    let kind = K::kind(&()).to_string();
    ctx.metrics.failed(&kind, err.category());
    if matches!(err, Error::Invalid(_)) {
        return Action::await_change();
    }
    let key = obj
        .0
        .as_ref()
        .map(|o| match &o.meta().namespace {
            Some(ns) => format!("{ns}/{}", o.meta().name.clone().unwrap_or_default()),
            None => o.meta().name.clone().unwrap_or_default(),
        })
        .unwrap_or_default();
    let delay = ctx.backoff(&key);
    tracing::warn!(kind, category = err.category(), error = %err, retry_in = ?delay, "reconcile failed");
    Action::requeue(delay)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn jitter_stays_within_a_fifth() {
        for i in 0..200 {
            let j = jitter(&format!("ns/obj-{i}"));
            assert!((0.0..0.2).contains(&j), "{j}");
        }
    }

    #[test]
    fn interval_parsing_has_a_floor() {
        assert_eq!(interval("5m"), Duration::from_secs(300));
        assert_eq!(interval("1h30m"), Duration::from_secs(5400));
        assert_eq!(interval("1s"), DEFAULT_INTERVAL);
        assert_eq!(interval("garbage"), DEFAULT_INTERVAL);
    }

    #[test]
    fn managed_kinds_are_named_as_kube_names_them() {
        use crate::api::{MonitoringPolicy, PatchSchedule};
        use crate::engine::kind::ManagedKind;
        assert_eq!(PatchSchedule::KIND, PatchSchedule::kind(&()));
        assert_eq!(MonitoringPolicy::KIND, MonitoringPolicy::kind(&()));
    }
}
