//! Event-driven drift: the consumer of the hub's change-event queue. It long-polls the queue, maps each
//! CloudTrail-shaped event to the objects that own the touched resource (`crate::change_events::owners`, over
//! candidates built from the controllers' caches: account, regions, declared sections, status IDs, name
//! prefixes) and triggers a pass of exactly those, through each controller's `reconcile_on` stream. The
//! controller's scheduler folds repeated triggers of one object while it waits or runs, so a burst costs a
//! bounded number of passes. The operator's own calls (caller ARN = the AwsAccount's verified `callerArn`) are
//! counted and dropped, so its corrections never trigger it. Polling (`driftCheckInterval`) stays the safety net.

use super::Context;
use crate::api::{AccountBaseline, AwsAccount, MonitoringPolicy, PatchSchedule};
use crate::change_events::{owners, Candidate, ChangeEvent};
use crate::engine::kind::ManagedKind;
use crate::engine::status::{Detection, KindStatus};
use futures::channel::mpsc::UnboundedSender;
use kube::core::DeserializeGuard;
use kube::runtime::reflector::{ObjectRef, Store};
use kube::{Resource, ResourceExt};
use std::collections::{BTreeSet, HashMap, HashSet};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// Messages per ReceiveMessage (SQS's maximum).
const BATCH: i32 = 10;
/// Long-poll wait (SQS's maximum): an idle fleet costs 3 requests a minute.
const WAIT_SECONDS: i32 = 20;
/// Messages taken from a burst before one dispatch.
const DRAIN: usize = 100;
/// Pause before looking for a hub again (no AWS call: the cache is read).
const NO_HUB: Duration = Duration::from_secs(2);
/// Pause before looking for the hub's queue again (it is created by the hub's first pass), and after a failed
/// receive.
const RETRY: Duration = Duration::from_secs(5);
/// At most one triggered pass per object in this time: the first event of a burst starts a pass at once, the
/// rest fold into one more at the end of the gap. A burst lasting T seconds costs at most 1 + T / GAP passes.
const GAP: Duration = Duration::from_secs(1);

/// The per-object [`GAP`] between triggered passes.
#[derive(Default)]
struct Gate {
    last: HashMap<Target, Instant>,
    deferred: HashMap<Target, Instant>,
}

impl Gate {
    /// `t` is asked for at `now`: fire it (returned) or defer it to the end of its gap.
    fn offer(&mut self, t: Target, now: Instant) -> Option<Target> {
        match self.last.get(&t) {
            Some(last) if now.duration_since(*last) < GAP => {
                self.deferred.insert(t, *last + GAP);
                None
            }
            _ => {
                self.last.insert(t.clone(), now);
                self.deferred.remove(&t);
                Some(t)
            }
        }
    }

    /// The deferred triggers due at `now` (fired: their gap starts now); forgets gaps that ended.
    fn due(&mut self, now: Instant) -> Vec<Target> {
        let due: Vec<Target> = self
            .deferred
            .iter()
            .filter(|(_, at)| **at <= now)
            .map(|(t, _)| t.clone())
            .collect();
        for t in &due {
            self.deferred.remove(t);
            self.last.insert(t.clone(), now);
        }
        self.last
            .retain(|t, at| now.duration_since(*at) < GAP || self.deferred.contains_key(t));
        due
    }

    /// The long-poll wait: SQS's 20 s, or less so a deferred trigger fires on time.
    fn wait_seconds(&self, now: Instant) -> i32 {
        self.deferred
            .values()
            .map(|at| at.saturating_duration_since(now).as_secs_f64().ceil() as i32)
            .min()
            .map_or(WAIT_SECONDS, |s| s.clamp(0, WAIT_SECONDS))
    }
}

/// Passes started by change events and not begun yet: object key → the earliest CloudTrail `eventTime` of the
/// events that asked for it. The pass takes its entry ([`Detections::take`]) and stamps new drift `Event`.
#[derive(Default)]
pub struct Detections(Mutex<HashMap<String, jiff::Timestamp>>);

impl Detections {
    /// Record that an event changed what `key` owns at `time`.
    fn record(&self, key: String, time: jiff::Timestamp) {
        let mut m = self.0.lock().expect("detections lock poisoned");
        let e = m.entry(key).or_insert(time);
        if time < *e {
            *e = time;
        }
    }

    /// How the pass of `key` starting now was started (its entry is consumed).
    pub fn take(&self, key: &str) -> (Detection, Option<jiff::Timestamp>) {
        let time = self.0.lock().expect("detections lock poisoned").remove(key);
        match time {
            None => (Detection::Poll, None),
            Some(t) => {
                let latency = jiff::Timestamp::now().duration_since(t).as_millis() as i64;
                (
                    Detection::Event {
                        latency_ms: latency.max(0),
                    },
                    Some(t),
                )
            }
        }
    }
}

/// The detections key of an object: `Kind/namespace/name` (`Kind/name` when cluster-scoped).
pub fn key<K: Resource<DynamicType = ()>>(obj: &K) -> String {
    match obj.meta().namespace.as_deref() {
        Some(ns) => format!(
            "{}/{ns}/{}",
            K::kind(&()),
            obj.meta().name.as_deref().unwrap_or_default()
        ),
        None => format!(
            "{}/{}",
            K::kind(&()),
            obj.meta().name.as_deref().unwrap_or_default()
        ),
    }
}

/// After a pass: record how its new drift was found, and for a pass an event started, the time from the change
/// to its correction.
pub fn stamp<S: KindStatus>(
    ctx: &Context,
    previous: Option<&S>,
    new: &mut S,
    how: (Detection, Option<jiff::Timestamp>),
) {
    let prev = previous
        .map(|p| p.common().drift.as_slice())
        .unwrap_or_default();
    crate::engine::status::stamp_detection(prev, &mut new.common_mut().drift, how.0);
    if let Some(t) = how.1 {
        let corrected = new.common().drift.iter().any(|d| {
            d.action == crate::api::common::DriftAction::Corrected
                && d.detected_by == Some(crate::api::common::DetectedBy::Event)
        });
        if corrected {
            let secs = jiff::Timestamp::now().duration_since(t).as_secs_f64();
            ctx.metrics.corrected_after_event(secs.max(0.0));
        }
    }
}

/// The controllers' caches the consumer maps events over.
#[derive(Clone)]
pub struct Stores {
    /// AwsAccounts (the hub, and each account's verified caller ARN).
    pub accounts: Store<DeserializeGuard<AwsAccount>>,
    /// AccountBaselines.
    pub baselines: Store<DeserializeGuard<AccountBaseline>>,
    /// MonitoringPolicies.
    pub monitoring: Store<DeserializeGuard<MonitoringPolicy>>,
    /// PatchSchedules.
    pub schedules: Store<DeserializeGuard<PatchSchedule>>,
}

/// Where triggered passes go: each controller's `reconcile_on` stream.
#[derive(Clone)]
pub struct Triggers {
    /// AwsAccount controller (someone changed a change-event rule of ours).
    pub accounts: UnboundedSender<ObjectRef<DeserializeGuard<AwsAccount>>>,
    /// AccountBaseline controller.
    pub baselines: UnboundedSender<ObjectRef<DeserializeGuard<AccountBaseline>>>,
    /// MonitoringPolicy controller.
    pub monitoring: UnboundedSender<ObjectRef<DeserializeGuard<MonitoringPolicy>>>,
    /// PatchSchedule controller.
    pub schedules: UnboundedSender<ObjectRef<DeserializeGuard<PatchSchedule>>>,
}

/// An object a candidate stands for.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
enum Target {
    Account(ObjectRef<DeserializeGuard<AwsAccount>>),
    Baseline(ObjectRef<DeserializeGuard<AccountBaseline>>),
    Monitoring(ObjectRef<DeserializeGuard<MonitoringPolicy>>),
    Schedule(ObjectRef<DeserializeGuard<PatchSchedule>>),
}

/// Candidates of every object in the caches, each with the object it stands for (a fleet baseline is one
/// candidate per account it ran in).
fn candidates(stores: &Stores) -> (Vec<Candidate>, Vec<(Target, String)>) {
    let mut cands = Vec::new();
    let mut targets = Vec::new();
    for b in stores.baselines.state() {
        let Ok(obj) = &b.0 else { continue };
        let Some(status) = obj.status.as_ref() else {
            continue;
        };
        let common = &status.common;
        let mut uses: BTreeSet<String> = BTreeSet::from(["AccountBaseline".to_string()]);
        for section in crate::engine::baseline::SECTIONS {
            if let Some(u) = (section.usage)(&obj.spec) {
                uses.extend(u.uses.iter().map(|s| s.to_string()));
            }
        }
        // A fleet baseline: every account of its ledger (its components list only the accounts not in sync).
        let mut accounts: BTreeSet<String> =
            status.ledger.iter().map(|l| l.account_id.clone()).collect();
        accounts.extend(common.components.iter().filter_map(|c| c.account.clone()));
        accounts.extend(common.account_id.clone());
        let ids: Vec<String> = common
            .components
            .iter()
            .filter_map(|c| c.id.clone())
            .chain(
                status
                    .ledger
                    .iter()
                    .flat_map(|l| &l.owned)
                    .filter_map(|c| c.id.clone()),
            )
            .collect();
        for account in accounts {
            cands.push(Candidate {
                account,
                regions: regions_of(common),
                uses: uses.clone(),
                ids: ids.clone(),
                prefixes: Vec::new(),
            });
            targets.push((Target::Baseline(ObjectRef::from_obj(b.as_ref())), key(obj)));
        }
    }
    // An AwsAccount owns its change-event rules (and on the hub, the queue and bus policy): a rule disabled or
    // retargeted by someone else is put back at once.
    for a in stores.accounts.state() {
        let Ok(obj) = &a.0 else { continue };
        let Some(declared) = &obj.spec.change_events else {
            continue;
        };
        let components = obj
            .status
            .as_ref()
            .map(|s| s.components.as_slice())
            .unwrap_or_default();
        let mut uses = BTreeSet::from(["AwsAccount.changeEvents".to_string()]);
        if declared.role == crate::api::aws_account::ChangeEventsRole::Hub {
            uses.insert("AwsAccount.changeEvents.hub".to_string());
        }
        let regions: BTreeSet<String> = components.iter().map(|c| c.region.clone()).collect();
        cands.push(Candidate {
            account: obj.spec.account_id.clone(),
            regions: regions.into_iter().collect(),
            uses,
            ids: components.iter().filter_map(|c| c.id.clone()).collect(),
            prefixes: vec![crate::engine::change_events::RULE_NAME.to_string()],
        });
        targets.push((Target::Account(ObjectRef::from_obj(a.as_ref())), key(obj)));
    }
    namespaced(
        &stores.monitoring,
        &mut cands,
        &mut targets,
        Target::Monitoring,
    );
    namespaced(
        &stores.schedules,
        &mut cands,
        &mut targets,
        Target::Schedule,
    );
    (cands, targets)
}

fn namespaced<K: ManagedKind>(
    store: &Store<DeserializeGuard<K>>,
    cands: &mut Vec<Candidate>,
    targets: &mut Vec<(Target, String)>,
    target: fn(ObjectRef<DeserializeGuard<K>>) -> Target,
) {
    for o in store.state() {
        let Ok(obj) = &o.0 else { continue };
        let Some(status) = obj.current_status() else {
            continue;
        };
        let common = status.common();
        // One candidate per account: the one status names, or every account of a fleet's ledger.
        let (fleet_accounts, fleet_ids) = K::fleet_accounts(status);
        let accounts: Vec<String> = common
            .account_id
            .iter()
            .cloned()
            .chain(fleet_accounts)
            .collect();
        let (uses, prefixes) = obj.watched();
        let mut uses: BTreeSet<String> = uses.into_iter().map(String::from).collect();
        uses.insert(K::KIND.to_string());
        let ids: Vec<String> = common
            .components
            .iter()
            .filter_map(|c| c.id.clone())
            .chain(fleet_ids)
            .collect();
        for account in accounts {
            cands.push(Candidate {
                account,
                regions: regions_of(common),
                uses: uses.clone(),
                ids: ids.clone(),
                prefixes: prefixes.clone(),
            });
            targets.push((target(ObjectRef::from_obj(o.as_ref())), key(obj)));
        }
    }
}

fn regions_of(common: &crate::api::common::ReconcileStatus) -> Vec<String> {
    common
        .regions
        .as_deref()
        .unwrap_or_default()
        .split(',')
        .map(str::trim)
        .filter(|r| !r.is_empty())
        .map(String::from)
        .collect()
}

/// The change-event hub among the cached AwsAccounts ([`crate::engine::account_events::hub`]).
pub fn hub(accounts: &[Arc<DeserializeGuard<AwsAccount>>]) -> Option<AwsAccount> {
    crate::engine::account_events::hub(accounts.iter().filter_map(|a| a.0.as_ref().ok())).cloned()
}

/// Verified caller ARNs per account ID: events these callers caused are the operator's own.
fn own_callers(
    accounts: &[Arc<DeserializeGuard<AwsAccount>>],
) -> HashMap<String, BTreeSet<String>> {
    let mut m: HashMap<String, BTreeSet<String>> = HashMap::new();
    for a in accounts.iter().filter_map(|a| a.0.as_ref().ok()) {
        if let Some(arn) = a.status.as_ref().and_then(|s| s.caller_arn.clone()) {
            m.entry(a.spec.account_id.clone()).or_default().insert(arn);
        }
    }
    m
}

/// What became of one event (the `outcome` label of `awsbaseline_change_events_total`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// Owners found; their passes were triggered.
    Matched,
    /// No object owns the touched resource: dropped.
    Unowned,
    /// The operator's own call: dropped.
    Own,
    /// The call failed (CloudTrail `errorCode`): it changed nothing.
    FailedCall,
    /// Not a CloudTrail event the operator can read.
    Invalid,
}

impl Outcome {
    /// Metric label.
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Matched => "matched",
            Outcome::Unowned => "unowned",
            Outcome::Own => "own",
            Outcome::FailedCall => "failedCall",
            Outcome::Invalid => "invalid",
        }
    }
}

/// Map one batch of message bodies to the passes to trigger (each object once) and the outcome of each event.
fn dispatch(
    bodies: &[String],
    stores: &Stores,
    detections: &Detections,
) -> (HashSet<Target>, Vec<Outcome>) {
    let accounts = stores.accounts.state();
    let own = own_callers(&accounts);
    let (cands, targets) = candidates(stores);
    let mut fire = HashSet::new();
    let mut outcomes = Vec::new();
    for body in bodies {
        let ev = match ChangeEvent::parse(body) {
            Ok(ev) => ev,
            Err(e) => {
                tracing::debug!(error = %e, "unreadable change event");
                outcomes.push(Outcome::Invalid);
                continue;
            }
        };
        if ev.failed {
            outcomes.push(Outcome::FailedCall);
            continue;
        }
        let is_own = ev.caller_arn.as_ref().is_some_and(|arn| {
            own.get(&ev.account)
                .is_some_and(|callers| callers.contains(arn))
        });
        if is_own {
            outcomes.push(Outcome::Own);
            continue;
        }
        let found = owners(&ev, &cands);
        if found.is_empty() {
            tracing::debug!(account = %ev.account, region = %ev.region, source = %ev.source, name = %ev.name,
                "change event owned by no object");
            outcomes.push(Outcome::Unowned);
            continue;
        }
        outcomes.push(Outcome::Matched);
        let time = ev.time.unwrap_or_else(jiff::Timestamp::now);
        for i in found {
            let (target, key) = &targets[i];
            tracing::info!(object = %key, source = %ev.source, name = %ev.name, "change event: reconciling");
            detections.record(key.clone(), time);
            fire.insert(target.clone());
        }
    }
    (fire, outcomes)
}

/// Start a pass of `t` through its controller's `reconcile_on` stream.
fn trigger(triggers: &Triggers, t: Target) {
    // A closed channel means the controllers are stopping.
    let _ = match t {
        Target::Account(r) => triggers.accounts.unbounded_send(r).map_err(drop),
        Target::Baseline(r) => triggers.baselines.unbounded_send(r).map_err(drop),
        Target::Monitoring(r) => triggers.monitoring.unbounded_send(r).map_err(drop),
        Target::Schedule(r) => triggers.schedules.unbounded_send(r).map_err(drop),
    };
}

/// Wait `pause`; true when `stop` turned true meanwhile.
async fn paused(stop: &mut tokio::sync::watch::Receiver<bool>, pause: Duration) -> bool {
    tokio::select! {
        _ = tokio::time::sleep(pause) => false,
        _ = stop.wait_for(|v| *v) => true,
    }
}

/// Long-poll the hub's queue until `stop` turns true: map, trigger, delete. Runs with the controllers (so only
/// on the leader). Without a hub it looks again every [`NO_HUB`], before its queue exists every [`RETRY`].
pub async fn consume(
    ctx: Arc<Context>,
    stores: Stores,
    triggers: Triggers,
    mut stop: tokio::sync::watch::Receiver<bool>,
) {
    let mut queue: Option<(String, String, String)> = None; // (account name, region, url)
    let mut gate = Gate::default();
    loop {
        if *stop.borrow() {
            return;
        }
        let Some(hub) = hub(&stores.accounts.state()) else {
            queue = None;
            if paused(&mut stop, NO_HUB).await {
                return;
            }
            continue;
        };
        let region = crate::engine::account_events::hub_region(&hub);
        let session = match ctx.aws.session(&hub.spec, &region).await {
            Ok(s) => s,
            Err(e) => {
                tracing::warn!(error = %e, "change events: no session for the hub account");
                if paused(&mut stop, RETRY).await {
                    return;
                }
                continue;
            }
        };
        let fresh = queue
            .as_ref()
            .is_none_or(|(name, r, _)| *name != hub.name_any() || *r != region);
        if fresh {
            queue = match crate::engine::change_events::queue_url(&session, &region).await {
                Ok(Some(url)) => Some((hub.name_any(), region.clone(), url)),
                Ok(None) => None,
                Err(e) => {
                    tracing::warn!(error = %e, "change events: reading the hub queue");
                    None
                }
            };
        }
        let Some((_, _, url)) = queue.clone() else {
            if paused(&mut stop, RETRY).await {
                return;
            }
            continue;
        };
        let client = session.sqs(&region);
        let wait = gate.wait_seconds(Instant::now());
        let received = tokio::select! {
            r = crate::aws::sqs::receive(&client, &url, BATCH, wait) => r,
            _ = stop.wait_for(|v| *v) => return,
        };
        for t in gate.due(Instant::now()) {
            trigger(&triggers, t);
        }
        let mut messages = match received {
            Ok(m) => m,
            Err(e) => {
                tracing::warn!(error = %e, "change events: receiving from the hub queue");
                queue = None;
                if paused(&mut stop, RETRY).await {
                    return;
                }
                continue;
            }
        };
        if messages.is_empty() {
            continue;
        }
        // A burst: take what is already waiting (without waiting) up to DRAIN messages, so one dispatch triggers
        // each owner once for the lot.
        while messages.len() < DRAIN && messages.len() % BATCH as usize == 0 {
            match crate::aws::sqs::receive(&client, &url, BATCH, 0).await {
                Ok(more) if !more.is_empty() => messages.extend(more),
                _ => break,
            }
        }
        let bodies: Vec<String> = messages.iter().map(|m| m.body.clone()).collect();
        let (fire, outcomes) = dispatch(&bodies, &stores, &ctx.detections);
        for o in outcomes {
            ctx.metrics.change_event(o.as_str());
        }
        let now = Instant::now();
        for t in fire {
            if let Some(t) = gate.offer(t, now) {
                trigger(&triggers, t);
            }
        }
        let handles: Vec<String> = messages.into_iter().map(|m| m.receipt_handle).collect();
        if let Err(e) = crate::aws::sqs::delete_batch(&client, &url, &handles).await {
            // Redelivered after the visibility timeout: the owners' passes run again and find nothing new.
            tracing::warn!(error = %e, "change events: deleting received messages");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(name: &str) -> Target {
        Target::Monitoring(ObjectRef::new(name).within("team"))
    }

    #[test]
    fn a_burst_fires_once_at_once_and_once_at_the_end_of_the_gap() {
        let mut g = Gate::default();
        let t0 = Instant::now();
        assert_eq!(g.offer(t("a"), t0), Some(t("a")));
        // 999 more within the gap: none fires now, one is deferred to its end.
        for i in 1..1000u64 {
            assert_eq!(g.offer(t("a"), t0 + Duration::from_micros(i * 500)), None);
        }
        assert_eq!(
            g.offer(t("b"), t0),
            Some(t("b")),
            "another object is not held back"
        );
        assert!(g.due(t0 + Duration::from_millis(600)).is_empty());
        assert_eq!(g.wait_seconds(t0 + Duration::from_millis(600)), 1);
        assert_eq!(g.due(t0 + GAP), vec![t("a")]);
        assert!(g.due(t0 + GAP * 3).is_empty());
        assert_eq!(g.wait_seconds(t0 + GAP * 3), WAIT_SECONDS);
        // After the gap, the next event fires at once again; old gaps are forgotten.
        assert_eq!(g.offer(t("a"), t0 + GAP * 3), Some(t("a")));
        assert!(!g.last.contains_key(&t("b")));
    }
}
