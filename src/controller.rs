//! kube-runtime controllers: one per kind, finalizers, status written only when it changes, events on
//! transitions, backoff on errors, graceful shutdown.

use crate::api::account_baseline::AccountBaselineStatus;
use crate::api::aws_account::AwsAccountStatus;
use crate::api::common::{condition, set_condition, with_stalled, DeletionPolicy, Owner};
use crate::api::{AccountBaseline, AwsAccount, MonitoringPolicy, PatchSchedule};
use crate::aws::{AwsFactory, CallStats};
use crate::engine::fleet;
use crate::engine::patch::{self, PatchInput, PatchReport};
use crate::engine::status::{events, patch_status, patch_status_changed, status_changed};
use crate::engine::{EngineError, PassReport};
use crate::http::{router, HttpState};
use crate::metrics::Metrics;
use futures::StreamExt;
use k8s_openapi::api::core::v1::Namespace;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::Time;
use kube::api::{Patch, PatchParams};
use kube::core::DeserializeGuard;
use kube::runtime::controller::{Action, Controller};
use kube::runtime::events::{Event, EventType, Recorder, Reporter};
use kube::runtime::finalizer::{finalizer, Event as FinalizerEvent};
use kube::runtime::reflector::{ObjectRef, Store};
use kube::runtime::watcher;
use kube::{Api, Client, Resource, ResourceExt};
use serde_json::json;
use std::collections::{BTreeMap, HashMap};
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

pub mod monitoring;
pub use monitoring::reconcile_monitoring;

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
    /// Objects of one kind reconciled at once.
    #[arg(long, env = "RECONCILE_CONCURRENCY", default_value_t = 4)]
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
    failures: Mutex<HashMap<String, u32>>,
    default_interval: Duration,
    watch_namespaces: Vec<String>,
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
    fn interval_of(&self, declared: Option<&str>) -> Duration {
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

/// Reconcile one AccountBaseline.
pub async fn reconcile_baseline(
    guard: Arc<DeserializeGuard<AccountBaseline>>,
    ctx: Arc<Context>,
) -> Result<Action, Error> {
    let obj = match &guard.0 {
        Ok(o) => o.clone(),
        Err(invalid) => {
            // A malformed object never stops the watch; it is reported and left alone.
            tracing::warn!(object = %invalid.metadata.name.clone().unwrap_or_default(), error = %invalid.error, "invalid AccountBaseline");
            return Err(Error::Invalid(invalid.error.clone()));
        }
    };
    let started = Instant::now();
    let api: Api<AccountBaseline> = Api::all(ctx.client.clone());
    let result = finalizer(&api, FINALIZER, Arc::new(obj), |event| async {
        match event {
            FinalizerEvent::Apply(o) => apply_baseline(o, ctx.clone()).await,
            FinalizerEvent::Cleanup(o) => {
                guarded_cleanup(o.clone(), &ctx, cleanup_baseline(o, ctx.clone())).await
            }
        }
    })
    .await
    .map_err(|e| Error::Finalizer(Box::new(e)));
    ctx.metrics
        .reconciled("AccountBaseline", started.elapsed().as_secs_f64());
    result
}

fn owner(obj: &AccountBaseline) -> Owner {
    Owner {
        kind: "AccountBaseline".into(),
        name: obj.name_any(),
        uid: obj.uid().unwrap_or_default(),
    }
}

/// The AwsAccounts a baseline may apply to: the referenced one (one GET), or every AwsAccount (one LIST) for
/// the selector to filter.
async fn candidate_accounts(
    ctx: &Context,
    obj: &AccountBaseline,
) -> Result<Vec<AwsAccount>, Error> {
    let api: Api<AwsAccount> = Api::all(ctx.client.clone());
    Ok(match &obj.spec.account_ref {
        Some(r) => api.get_opt(&r.name).await?.into_iter().collect(),
        None => api.list(&Default::default()).await?.items,
    })
}

async fn apply_baseline(obj: Arc<AccountBaseline>, ctx: Arc<Context>) -> Result<Action, Error> {
    let name = obj.name_any();
    let previous = obj.status.as_ref();
    let accounts = candidate_accounts(&ctx, &obj).await?;
    let pass = fleet::apply(
        &ctx.aws,
        &obj.spec,
        fleet::select(&obj.spec, &accounts),
        &owner(&obj),
        previous,
        obj.spec.drift_policy,
        obj.metadata.generation,
        &now(),
    )
    .await;
    let new = pass.status;
    ctx.metrics.set_drift(
        "AccountBaseline",
        &obj.uid().unwrap_or_default(),
        Some(pass.remaining_drift as i64),
    );
    let changed = previous
        .is_none_or(|p| status_changed(Some(&p.common), &new.common) || p.accounts != new.accounts);
    if changed {
        patch_baseline_status(&ctx.client, &name, &new).await?;
        publish(
            &ctx,
            obj.as_ref(),
            events(previous.map(|p| &p.common), &new.common),
        )
        .await;
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
pub async fn patch_baseline_status(
    client: &Client,
    name: &str,
    status: &AccountBaselineStatus,
) -> Result<(), kube::Error> {
    apply_status(&Api::<AccountBaseline>::all(client.clone()), name, status).await
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

/// The AwsAccount a deleted object used. Without it nothing can be cleaned up: under Retain that is fine
/// (`None`), under Delete it is an error that keeps the finalizer.
async fn account_for_cleanup(
    ctx: &Context,
    name: &str,
    policy: DeletionPolicy,
) -> Result<Option<AwsAccount>, Error> {
    let accounts: Api<AwsAccount> = Api::all(ctx.client.clone());
    match accounts.get_opt(name).await? {
        Some(a) => Ok(Some(a)),
        None if policy == DeletionPolicy::Retain => Ok(None),
        None => Err(Error::Pass {
            category: "AccountNotFound",
            message: format!("AwsAccount {name} not found; cannot delete AWS resources"),
        }),
    }
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
    let report = fleet::cleanup(
        &ctx.aws,
        &obj.spec,
        &selected,
        &owner(&obj),
        obj.status.as_ref(),
    )
    .await
    .map_err(|e| Error::Pass {
        category: e.category(),
        message: e.to_string(),
    })?;
    ctx.metrics
        .set_drift("AccountBaseline", &obj.uid().unwrap_or_default(), None);
    finish_cleanup(&ctx, obj.as_ref(), report).await
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
    let api: Api<AwsAccount> = Api::all(ctx.client.clone());
    let candidates = api.list(&Default::default()).await?.items;
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
    report: Result<crate::engine::baseline::CleanupReport, EngineError>,
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

/// Publish what a deletion pass did; errors keep the finalizer (and are retried with backoff).
async fn finish_cleanup<K: Resource<DynamicType = ()>>(
    ctx: &Context,
    obj: &K,
    report: crate::engine::baseline::CleanupReport,
) -> Result<Action, Error> {
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

/// Reconcile one PatchSchedule (namespaced).
pub async fn reconcile_patch(
    guard: Arc<DeserializeGuard<PatchSchedule>>,
    ctx: Arc<Context>,
) -> Result<Action, Error> {
    let obj = match &guard.0 {
        Ok(o) => o.clone(),
        Err(invalid) => {
            tracing::warn!(object = %invalid.metadata.name.clone().unwrap_or_default(), error = %invalid.error, "invalid PatchSchedule");
            return Err(Error::Invalid(invalid.error.clone()));
        }
    };
    if !ctx.watches(&obj.namespace().unwrap_or_default()) {
        // Another operator instance (or none) owns this namespace: leave the object alone.
        return Ok(Action::await_change());
    }
    let started = Instant::now();
    let api: Api<PatchSchedule> =
        Api::namespaced(ctx.client.clone(), &obj.namespace().unwrap_or_default());
    let result = finalizer(&api, FINALIZER, Arc::new(obj), |event| async {
        match event {
            FinalizerEvent::Apply(o) => apply_patch(o, ctx.clone()).await,
            FinalizerEvent::Cleanup(o) => {
                guarded_cleanup(o.clone(), &ctx, cleanup_patch(o, ctx.clone())).await
            }
        }
    })
    .await
    .map_err(|e| Error::Finalizer(Box::new(e)));
    ctx.metrics
        .reconciled("PatchSchedule", started.elapsed().as_secs_f64());
    result
}

/// Engine input for a PatchSchedule.
pub fn patch_input<'a>(
    obj: &'a PatchSchedule,
    account: &'a AwsAccount,
    namespace_labels: &'a BTreeMap<String, String>,
    now: jiff::Timestamp,
) -> PatchInput<'a> {
    let namespace = obj.metadata.namespace.as_deref().unwrap_or_default();
    let name = obj.metadata.name.as_deref().unwrap_or_default();
    PatchInput {
        spec: &obj.spec,
        account: &account.spec,
        owner: Owner {
            kind: "PatchSchedule".into(),
            name: format!("{namespace}/{name}"),
            uid: obj.uid().unwrap_or_default(),
        },
        namespace,
        name,
        namespace_labels,
        previous: obj.status.as_ref(),
        mode: obj.spec.drift_policy,
        now,
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

async fn apply_patch(obj: Arc<PatchSchedule>, ctx: Arc<Context>) -> Result<Action, Error> {
    let key = format!("{}/{}", obj.namespace().unwrap_or_default(), obj.name_any());
    let accounts: Api<AwsAccount> = Api::all(ctx.client.clone());
    let t = now();
    let report = match accounts.get_opt(&obj.spec.account_ref.name).await? {
        None => PatchReport {
            pass: PassReport::fatal(EngineError::AccountNotFound(
                obj.spec.account_ref.name.clone(),
            )),
            ..Default::default()
        },
        Some(account) => {
            let labels = namespace_labels(&ctx, &account, obj.as_ref()).await?;
            let previous_account = obj
                .status
                .as_ref()
                .and_then(|s| s.common.account_id.as_deref());
            if let Some((old, old_labels)) = moved_from(
                &ctx,
                previous_account,
                &account,
                obj.as_ref(),
                obj.spec.deletion_policy,
            )
            .await?
            {
                let report =
                    patch::cleanup(&ctx.aws, &patch_input(&obj, &old, &old_labels, t.0)).await;
                left_previous_account(&ctx, obj.as_ref(), &old, report).await?;
            }
            patch::run(&ctx.aws, &patch_input(&obj, &account, &labels, t.0)).await
        }
    };
    let previous = obj.status.as_ref();
    let new = patch_status(previous, &report, obj.metadata.generation, &t);
    ctx.metrics.set_drift(
        "PatchSchedule",
        &obj.uid().unwrap_or_default(),
        Some(report.pass.remaining_drift() as i64),
    );
    if patch_status_changed(previous, &new) {
        let api: Api<PatchSchedule> =
            Api::namespaced(ctx.client.clone(), &obj.namespace().unwrap_or_default());
        apply_status(&api, &obj.name_any(), &new).await?;
        publish(
            &ctx,
            obj.as_ref(),
            events(previous.map(|p| &p.common), &new.common),
        )
        .await;
    }
    if let Some(category) = report.pass.error_category() {
        let message = report
            .pass
            .fatal
            .as_ref()
            .map(|f| f.to_string())
            .unwrap_or_else(|| format!("{} component(s) failed", report.pass.errors().count()));
        return Err(Error::Pass { category, message });
    }
    ctx.succeeded(&key);
    Ok(Action::requeue(
        ctx.interval_of(obj.spec.drift_check_interval.as_deref()),
    ))
}

async fn cleanup_patch(obj: Arc<PatchSchedule>, ctx: Arc<Context>) -> Result<Action, Error> {
    let Some(account) =
        account_for_cleanup(&ctx, &obj.spec.account_ref.name, obj.spec.deletion_policy).await?
    else {
        return Ok(Action::await_change());
    };
    let labels = namespace_labels(&ctx, &account, obj.as_ref()).await?;
    let report = patch::cleanup(&ctx.aws, &patch_input(&obj, &account, &labels, now().0))
        .await
        .map_err(|e| Error::Pass {
            category: e.category(),
            message: e.to_string(),
        })?;
    ctx.metrics
        .set_drift("PatchSchedule", &obj.uid().unwrap_or_default(), None);
    finish_cleanup(&ctx, obj.as_ref(), report).await
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

/// Reconcile one AwsAccount: verify the credentials resolve to the declared account.
pub async fn reconcile_account(
    guard: Arc<DeserializeGuard<AwsAccount>>,
    ctx: Arc<Context>,
) -> Result<Action, Error> {
    let obj = match &guard.0 {
        Ok(o) => o,
        Err(invalid) => return Err(Error::Invalid(invalid.error.clone())),
    };
    let started = Instant::now();
    let name = obj.name_any();
    let home = obj
        .spec
        .regions
        .first()
        .cloned()
        .unwrap_or_else(|| "us-east-1".into());
    let previous = obj.status.clone().unwrap_or_default();
    let t = now();
    let mut status = AwsAccountStatus {
        observed_generation: obj.metadata.generation,
        ..Default::default()
    };
    let unknown_region = obj
        .spec
        .regions
        .iter()
        .find_map(|r| crate::aws::regions::check(r).err());
    let result = match unknown_region {
        Some(m) => Err(EngineError::UnknownRegion(m)),
        None => match ctx.aws.session(&obj.spec, &home).await {
            Err(e) => Err(EngineError::Aws(e)),
            Ok(session) => session.caller_identity(&home).await.map_err(|e| {
                EngineError::Aws(crate::engine::baseline::name_the_role(e, &obj.spec))
            }),
        },
    };
    let (ready, reason, message) = match &result {
        Ok((account, arn)) => {
            status.caller_account = Some(account.clone());
            status.caller_arn = Some(arn.clone());
            if *account == obj.spec.account_id {
                (
                    true,
                    "CredentialsVerified",
                    format!("credentials resolve to {arn}"),
                )
            } else {
                (false, "AccountMismatch", format!("credentials resolve to account {account} ({arn}), not {}; nothing will be written", obj.spec.account_id))
            }
        }
        Err(e) => (false, e.category(), e.to_string()),
    };
    status.conditions = with_stalled(
        vec![set_condition(
            &previous.conditions,
            condition::READY,
            ready,
            reason,
            message,
            obj.metadata.generation,
            &t,
        )],
        &previous.conditions,
        obj.metadata.generation,
        &t,
    );
    if Some(&status) != obj.status.as_ref() {
        let api: Api<AwsAccount> = Api::all(ctx.client.clone());
        let patch = json!({"apiVersion": "awsbaseline.io/v1alpha1", "kind": "AwsAccount", "status": status});
        api.patch_status(
            &name,
            &PatchParams::apply(MANAGER).force(),
            &Patch::Apply(patch),
        )
        .await?;
    }
    ctx.metrics
        .reconciled("AwsAccount", started.elapsed().as_secs_f64());
    match result {
        Err(e) if e.is_retryable() => Err(Error::Pass {
            category: e.category(),
            message: e.to_string(),
        }),
        _ => Ok(Action::requeue(Duration::from_secs(600))),
    }
}

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

/// A controller of kind `K` (every namespace; malformed objects wrapped in `DeserializeGuard`) triggered only by
/// [`meaningful_change`]s, not by status writes.
fn controller_for<K>(client: &Client) -> Controller<DeserializeGuard<K>>
where
    K: Resource<DynamicType = ()>
        + Clone
        + serde::de::DeserializeOwned
        + std::fmt::Debug
        + Send
        + Sync
        + 'static,
{
    use kube::runtime::{reflector, WatchStreamExt};
    let (reader, writer) = reflector::store();
    let trigger = watcher(
        Api::<DeserializeGuard<K>>::all(client.clone()),
        watcher::Config::default().any_semantic(),
    )
    .default_backoff()
    .reflect(writer)
    .touched_objects()
    .predicate_filter(meaningful_change, Default::default());
    Controller::for_stream(trigger, reader)
}

/// AwsAccount changes that matter to the objects using it: spec and labels (selectors), not its status.
fn account_changes(
    client: &Client,
) -> impl futures::Stream<Item = Result<DeserializeGuard<AwsAccount>, watcher::Error>> + Send + 'static
{
    use kube::runtime::WatchStreamExt;
    watcher(
        Api::<DeserializeGuard<AwsAccount>>::all(client.clone()),
        watcher::Config::default().any_semantic(),
    )
    .default_backoff()
    .touched_objects()
    .predicate_filter(
        |a: &DeserializeGuard<AwsAccount>| {
            use std::hash::{Hash, Hasher};
            let mut h = std::collections::hash_map::DefaultHasher::new();
            (meaningful_change(a), &a.meta().labels).hash(&mut h);
            Some(h.finish())
        },
        Default::default(),
    )
}

/// A watch mapper: the namespaced objects whose `spec.accountRef` names the AwsAccount that changed (its
/// credentials, regions or allowed namespaces), so they are reconciled again.
fn referencing<K>(
    store: Store<DeserializeGuard<K>>,
    account_ref: fn(&K) -> &String,
) -> impl Fn(DeserializeGuard<AwsAccount>) -> Vec<ObjectRef<DeserializeGuard<K>>> + Send + Sync + 'static
where
    K: Resource<DynamicType = ()> + Clone + Send + Sync + 'static,
{
    move |account| {
        let name = account
            .0
            .as_ref()
            .ok()
            .and_then(|a| a.metadata.name.clone())
            .unwrap_or_default();
        store
            .state()
            .into_iter()
            .filter(|o| o.0.as_ref().is_ok_and(|o| *account_ref(o) == name))
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

/// Run the AccountBaseline, PatchSchedule, MonitoringPolicy and AwsAccount controllers until `shutdown` resolves; in-flight reconciles finish
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
    let stop = |mut rx: tokio::sync::watch::Receiver<bool>| async move {
        let _ = rx.wait_for(|v| *v).await;
    };
    let cfg = kube::runtime::controller::Config::default().concurrency(concurrency);
    let baselines = controller_for::<AccountBaseline>(&client);
    let store = baselines.store();
    let baselines = baselines
        // A changed AwsAccount (credentials, regions) re-reconciles the baselines that use it.
        .watches_stream(account_changes(&client), move |account| {
            let name = account
                .0
                .as_ref()
                .ok()
                .and_then(|a| a.metadata.name.clone())
                .unwrap_or_default();
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
                            b.spec.account_selector.as_ref().is_some_and(|s| {
                                crate::api::aws_account::selector_matches(s, &labels)
                            }) || b.status.as_ref().is_some_and(|st| {
                                st.common
                                    .components
                                    .iter()
                                    .any(|c| c.account.as_deref() == Some(account_id.as_str()))
                            })
                        }
                    })
                })
                .map(|b| ObjectRef::from_obj(b.as_ref()))
                .collect::<Vec<_>>()
        })
        .with_config(cfg.clone())
        .graceful_shutdown_on(stop(rx.clone()))
        .run(reconcile_baseline, error_policy, ctx.clone())
        .for_each(|r| async move {
            if let Err(e) = r {
                tracing::debug!(error = %e, "AccountBaseline reconcile");
            }
        });
    let schedules = controller_for::<PatchSchedule>(&client);
    let store = schedules.store();
    let schedules = schedules
        .watches_stream(
            account_changes(&client),
            referencing(store, |p: &PatchSchedule| &p.spec.account_ref.name),
        )
        .with_config(cfg.clone())
        .graceful_shutdown_on(stop(rx.clone()))
        .run(reconcile_patch, error_policy, ctx.clone())
        .for_each(|r| async move {
            if let Err(e) = r {
                tracing::debug!(error = %e, "PatchSchedule reconcile");
            }
        });
    let policies = controller_for::<MonitoringPolicy>(&client);
    let store = policies.store();
    let policies = policies
        .watches_stream(
            account_changes(&client),
            referencing(store, |p: &MonitoringPolicy| &p.spec.account_ref.name),
        )
        .with_config(cfg.clone())
        .graceful_shutdown_on(stop(rx.clone()))
        .run(monitoring::reconcile_monitoring, error_policy, ctx.clone())
        .for_each(|r| async move {
            if let Err(e) = r {
                tracing::debug!(error = %e, "MonitoringPolicy reconcile");
            }
        });
    let accounts = controller_for::<AwsAccount>(&client)
        .with_config(cfg)
        .graceful_shutdown_on(stop(rx))
        .run(reconcile_account, error_policy, ctx.clone())
        .for_each(|r| async move {
            if let Err(e) = r {
                tracing::debug!(error = %e, "AwsAccount reconcile");
            }
        });
    futures::join!(baselines, schedules, policies, accounts);
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
}
