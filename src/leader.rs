//! Leader election on a `coordination.k8s.io/v1` Lease, so only one replica reconciles.
//!
//! The algorithm is client-go's (`k8s.io/client-go/tools/leaderelection`) on a Lease, with the API server's
//! optimistic concurrency as the lock:
//! - every attempt reads the Lease, decides with [`decide`] and writes it back with `replace` (PUT) carrying the
//!   `resourceVersion` it read: when two replicas race, one write wins and the other gets 409 Conflict;
//! - a missing Lease is created (`create`, POST; 409 AlreadyExists means another replica was first);
//! - the Lease may be taken when it has no holder, when it is ours, or when it expired:
//!   `renewTime + leaseDurationSeconds < now`;
//! - the leader renews every `retry_period`. It steps down when a renewal has not succeeded within
//!   `renew_deadline` of the last successful one (every request is cut off at that deadline), or at once when
//!   the Lease names another holder, has no holder or is gone. As `renew_deadline < lease_duration`, the old
//!   leader has stopped before the Lease it last renewed can expire for the others (clocks roughly in sync);
//! - on shutdown the leader releases the Lease (clears `holderIdentity`) so a standby takes over at its next
//!   retry instead of waiting for the Lease to expire.
//!
//! Verbs used on leases: get, create, update. Why not a crate: `kube-leader-election` (0.44) needs kube 4;
//! `kube-lease-manager` (0.13) supports kube 5 but keeps reporting leadership while renewals fail with API
//! errors (no renew deadline) and takes over an expired Lease with an unconditional patch, so a cut-off leader
//! could keep reconciling after a standby took over.

use futures::future::BoxFuture;
use k8s_openapi::api::coordination::v1::{Lease, LeaseSpec};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::MicroTime;
use kube::api::{ObjectMeta, PostParams};
use kube::{Api, Client};
use std::future::Future;
use std::time::Duration;
use tokio::sync::watch;
use tokio::time::Instant;

/// Where and how to elect.
#[derive(Clone, Debug)]
pub struct LeaderConfig {
    /// Namespace of the Lease (the pod's namespace).
    pub namespace: String,
    /// Name of the Lease.
    pub lease_name: String,
    /// This replica's identity, written as `holderIdentity`: unique among the replicas.
    pub identity: String,
    /// How long a Lease stays valid after its last renewal (whole seconds, the Lease field's unit).
    pub lease_duration: Duration,
    /// The leader steps down when it could not renew for this long. Shorter than `lease_duration`.
    pub renew_deadline: Duration,
    /// Interval between renewals, and between attempts of a standby. Shorter than `renew_deadline`.
    pub retry_period: Duration,
}

impl LeaderConfig {
    /// client-go's defaults (15 s / 10 s / 2 s) for a Lease and identity.
    pub fn new(
        namespace: impl Into<String>,
        lease_name: impl Into<String>,
        identity: impl Into<String>,
    ) -> Self {
        Self {
            namespace: namespace.into(),
            lease_name: lease_name.into(),
            identity: identity.into(),
            lease_duration: Duration::from_secs(15),
            renew_deadline: Duration::from_secs(10),
            retry_period: Duration::from_secs(2),
        }
    }

    /// `retry_period < renew_deadline < lease_duration`, a whole number of seconds for the Lease, names set.
    pub fn validate(&self) -> Result<(), String> {
        if self.namespace.is_empty() || self.lease_name.is_empty() || self.identity.is_empty() {
            return Err("leader election needs a namespace, a lease name and an identity".into());
        }
        if self.lease_duration.as_secs() == 0 || self.lease_duration.subsec_nanos() != 0 {
            return Err(format!(
                "lease duration {:?} must be a whole number of seconds, at least 1s",
                self.lease_duration
            ));
        }
        if self.retry_period.is_zero()
            || self.retry_period >= self.renew_deadline
            || self.renew_deadline >= self.lease_duration
        {
            return Err(format!(
                "need retry period ({:?}) < renew deadline ({:?}) < lease duration ({:?})",
                self.retry_period, self.renew_deadline, self.lease_duration
            ));
        }
        Ok(())
    }

    fn duration_seconds(&self) -> i32 {
        i32::try_from(self.lease_duration.as_secs()).unwrap_or(i32::MAX)
    }
}

/// `POD_NAME` (unique per pod, set by the chart from the downward API), else `<hostname>_<random>`.
pub fn default_identity() -> String {
    if let Ok(pod) = std::env::var("POD_NAME") {
        if !pod.is_empty() {
            return pod;
        }
    }
    let host = std::env::var("HOSTNAME")
        .ok()
        .filter(|h| !h.is_empty())
        .or_else(|| {
            std::fs::read_to_string("/proc/sys/kernel/hostname")
                .ok()
                .map(|h| h.trim().to_string())
                .filter(|h| !h.is_empty())
        })
        .unwrap_or_else(|| "aws-baseline-operator".into());
    format!("{host}_{:016x}", random_u64())
}

/// Per-process random bits (std's randomly keyed hasher), for the identity suffix and retry jitter.
fn random_u64() -> u64 {
    use std::hash::{BuildHasher, Hasher};
    let mut h = std::collections::hash_map::RandomState::new().build_hasher();
    h.write_u128(
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap_or_default()
            .as_nanos(),
    );
    h.write_u32(std::process::id());
    h.finish()
}

/// What to do with the Lease as read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Decision {
    /// No Lease: create it, held by us.
    Create,
    /// Free (no holder) or expired: take it.
    Acquire,
    /// Ours: renew it.
    Renew,
    /// Validly held by someone else.
    Wait {
        /// The holder.
        holder: String,
    },
}

/// Holder of a Lease spec, `None` when free (absent or empty `holderIdentity`).
pub fn holder(spec: Option<&LeaseSpec>) -> Option<&str> {
    spec.and_then(|s| s.holder_identity.as_deref())
        .filter(|h| !h.is_empty())
}

/// Whether a Lease has expired at `now`: `renewTime + leaseDurationSeconds < now`. No renewTime: expired.
pub fn expired(spec: &LeaseSpec, now: jiff::Timestamp) -> bool {
    let Some(renew) = &spec.renew_time else {
        return true;
    };
    let duration =
        jiff::SignedDuration::from_secs(i64::from(spec.lease_duration_seconds.unwrap_or(0).max(0)));
    match renew.0.checked_add(duration) {
        Ok(expiry) => expiry < now,
        Err(_) => false,
    }
}

/// The decision of one attempt, as a pure function of the Lease read, our identity and the time.
pub fn decide(lease: Option<&Lease>, identity: &str, now: jiff::Timestamp) -> Decision {
    let Some(lease) = lease else {
        return Decision::Create;
    };
    let spec = lease.spec.as_ref();
    match holder(spec) {
        None => Decision::Acquire,
        Some(h) if h == identity => Decision::Renew,
        Some(h) => {
            if spec.is_some_and(|s| expired(s, now)) {
                Decision::Acquire
            } else {
                Decision::Wait {
                    holder: h.to_string(),
                }
            }
        }
    }
}

/// The spec we write: renewing keeps `acquireTime` and `leaseTransitions`; acquiring sets `acquireTime` and
/// counts one more transition (a new Lease starts at 0). Other fields (strategy, preferredHolder) are kept.
pub fn next_spec(
    old: Option<&LeaseSpec>,
    identity: &str,
    duration_seconds: i32,
    now: jiff::Timestamp,
) -> LeaseSpec {
    let first = old.is_none();
    let old = old.cloned().unwrap_or_default();
    let renewing = holder(Some(&old)) == Some(identity);
    LeaseSpec {
        holder_identity: Some(identity.to_string()),
        lease_duration_seconds: Some(duration_seconds),
        renew_time: Some(MicroTime(now)),
        acquire_time: if renewing {
            old.acquire_time.clone().or(Some(MicroTime(now)))
        } else {
            Some(MicroTime(now))
        },
        lease_transitions: Some(if renewing || first {
            old.lease_transitions.unwrap_or(0)
        } else {
            old.lease_transitions.unwrap_or(0).saturating_add(1)
        }),
        ..old
    }
}

/// Result of one attempt.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Attempt {
    /// We hold the Lease now (created, acquired or renewed).
    Leading,
    /// Someone else holds it; when renewing: anything but our own Lease (another holder, none, or no Lease).
    NotLeader {
        /// Holder, if any.
        holder: Option<String>,
    },
    /// Our write lost a race (409): someone else wrote the Lease between our read and our write.
    Conflict,
}

/// How leading ended.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// Shutdown came before this replica was elected.
    NotElected,
    /// The work returned (after shutdown); the Lease was released.
    Stopped,
    /// Leadership was lost; the work was cancelled at once.
    Lost(String),
}

/// Resolves once the flag is true; never when the sender is gone without setting it.
pub async fn signalled(mut rx: watch::Receiver<bool>) {
    if rx.wait_for(|v| *v).await.is_err() {
        std::future::pending::<()>().await;
    }
}

/// What a replica knows about its part in the election; `/readyz` and the `awsbaseline_leader` gauge show it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Role {
    /// No election round has reached the API server yet (or the last one failed): not ready.
    Unknown,
    /// The Lease was read and another replica holds it: ready, waiting to take over.
    Standby,
    /// This replica holds the Lease and runs the controllers.
    Leading,
}

/// One replica's elector.
pub struct LeaderElector {
    api: Api<Lease>,
    cfg: LeaderConfig,
    role: watch::Sender<Role>,
}

impl LeaderElector {
    /// An elector on `cfg.namespace/cfg.lease_name`.
    pub fn new(client: Client, cfg: LeaderConfig) -> Self {
        Self {
            api: Api::namespaced(client, &cfg.namespace),
            cfg,
            role: watch::Sender::new(Role::Unknown),
        }
    }

    /// The configuration.
    pub fn config(&self) -> &LeaderConfig {
        &self.cfg
    }

    /// This replica's role, as it changes.
    pub fn subscribe(&self) -> watch::Receiver<Role> {
        self.role.subscribe()
    }

    fn set_role(&self, role: Role) {
        self.role
            .send_if_modified(|r| std::mem::replace(r, role) != role);
    }

    /// One read-decide-write round. `renewing`: we lead, so only our own Lease may be written.
    pub async fn attempt(&self, renewing: bool) -> Result<Attempt, kube::Error> {
        let me = self.cfg.identity.as_str();
        let lease = self.api.get_opt(&self.cfg.lease_name).await?;
        let now = jiff::Timestamp::now();
        let decision = decide(lease.as_ref(), me, now);
        let current = || holder(lease.as_ref().and_then(|l| l.spec.as_ref())).map(str::to_string);
        match decision {
            Decision::Wait { holder } => {
                return Ok(Attempt::NotLeader {
                    holder: Some(holder),
                })
            }
            Decision::Create | Decision::Acquire if renewing => {
                return Ok(Attempt::NotLeader { holder: current() })
            }
            _ => {}
        }
        let spec = next_spec(
            lease.as_ref().and_then(|l| l.spec.as_ref()),
            me,
            self.cfg.duration_seconds(),
            now,
        );
        let written = match lease {
            None => {
                let new = Lease {
                    metadata: ObjectMeta {
                        name: Some(self.cfg.lease_name.clone()),
                        namespace: Some(self.cfg.namespace.clone()),
                        ..ObjectMeta::default()
                    },
                    spec: Some(spec),
                };
                self.api.create(&PostParams::default(), &new).await
            }
            Some(mut old) => {
                // `old.metadata.resourceVersion` makes the write conditional on nobody having written since.
                old.spec = Some(spec);
                self.api
                    .replace(&self.cfg.lease_name, &PostParams::default(), &old)
                    .await
            }
        };
        match written {
            Ok(_) => Ok(Attempt::Leading),
            Err(kube::Error::Api(s)) if s.is_conflict() || s.is_already_exists() => {
                Ok(Attempt::Conflict)
            }
            Err(e) => Err(e),
        }
    }

    /// Give the Lease up if we hold it: no holder, so a standby takes it at its next attempt.
    pub async fn release(&self) -> Result<bool, kube::Error> {
        let Some(mut lease) = self.api.get_opt(&self.cfg.lease_name).await? else {
            return Ok(false);
        };
        if holder(lease.spec.as_ref()) != Some(self.cfg.identity.as_str()) {
            return Ok(false);
        }
        let now = MicroTime(jiff::Timestamp::now());
        let spec = lease.spec.get_or_insert_with(LeaseSpec::default);
        spec.holder_identity = None;
        spec.lease_duration_seconds = Some(1);
        spec.renew_time = Some(now.clone());
        spec.acquire_time = Some(now);
        match self
            .api
            .replace(&self.cfg.lease_name, &PostParams::default(), &lease)
            .await
        {
            Ok(_) => Ok(true),
            Err(kube::Error::Api(s)) if s.is_conflict() => Ok(false),
            Err(e) => Err(e),
        }
    }

    /// Campaign until elected (returns when the winning attempt started) or until `shutdown` (`None`).
    async fn campaign(&self, shutdown: &watch::Receiver<bool>) -> Option<Instant> {
        let mut last_holder: Option<String> = None;
        loop {
            if *shutdown.borrow() {
                return None;
            }
            let started = Instant::now();
            match tokio::time::timeout(self.cfg.renew_deadline, self.attempt(false)).await {
                Ok(Ok(Attempt::Leading)) => {
                    if *shutdown.borrow() {
                        let _ = tokio::time::timeout(self.cfg.renew_deadline, self.release()).await;
                        return None;
                    }
                    return Some(started);
                }
                Ok(Ok(Attempt::NotLeader { holder })) => {
                    self.set_role(Role::Standby);
                    if holder != last_holder {
                        tracing::info!(holder = holder.as_deref().unwrap_or(""), lease = %self.cfg.lease_name, "standing by: another replica leads");
                        last_holder = holder;
                    }
                }
                Ok(Ok(Attempt::Conflict)) => {
                    self.set_role(Role::Standby);
                    tracing::debug!("lost a race for the lease")
                }
                Ok(Err(e)) => {
                    self.set_role(Role::Unknown);
                    tracing::warn!(error = %e, lease = %self.cfg.lease_name, "leader election attempt failed")
                }
                Err(_) => {
                    self.set_role(Role::Unknown);
                    tracing::warn!(lease = %self.cfg.lease_name, "leader election attempt timed out")
                }
            }
            // client-go's jitter: retry_period × [1, 1.2).
            let jitter = self
                .cfg
                .retry_period
                .mul_f64((random_u64() % 1000) as f64 / 5000.0);
            tokio::select! {
                () = signalled(shutdown.clone()) => return None,
                () = tokio::time::sleep(self.cfg.retry_period + jitter) => {}
            }
        }
    }

    /// Renew every retry period until leadership is lost; returns why.
    async fn keep_renewing(&self, mut last_renewed: Instant) -> String {
        loop {
            tokio::time::sleep(self.cfg.retry_period).await;
            let deadline = last_renewed + self.cfg.renew_deadline;
            let started = Instant::now();
            if started >= deadline {
                return format!("no renewal within {:?}", self.cfg.renew_deadline);
            }
            match tokio::time::timeout_at(deadline, self.attempt(true)).await {
                Ok(Ok(Attempt::Leading)) => last_renewed = started,
                Ok(Ok(Attempt::NotLeader { holder })) => {
                    return match holder {
                        Some(h) => format!("the lease is held by {h}"),
                        None => "the lease was released or deleted by someone else".into(),
                    }
                }
                Ok(Ok(Attempt::Conflict)) => tracing::warn!("lease renewal conflicted; retrying"),
                Ok(Err(e)) => tracing::warn!(error = %e, "lease renewal failed; retrying"),
                Err(_) => return format!("no renewal within {:?}", self.cfg.renew_deadline),
            }
        }
    }

    /// Campaign, then run `work` while leading.
    ///
    /// `work` gets a future that resolves on `shutdown`; it is run to completion (graceful stop) while the Lease
    /// keeps being renewed, and the Lease is released afterwards. When leadership is lost, `work` is dropped at
    /// once instead: the Lease may already belong to another replica, finishing in-flight work would overlap.
    pub async fn run_elected<W, Fut>(&self, shutdown: watch::Receiver<bool>, work: W) -> Outcome
    where
        W: FnOnce(BoxFuture<'static, ()>) -> Fut,
        Fut: Future<Output = ()>,
    {
        let Some(elected) = self.campaign(&shutdown).await else {
            return Outcome::NotElected;
        };
        tracing::info!(identity = %self.cfg.identity, lease = %self.cfg.lease_name, "elected leader");
        self.set_role(Role::Leading);
        let work = work(Box::pin(signalled(shutdown)));
        let renewing = self.keep_renewing(elected);
        tokio::pin!(work, renewing);
        let lost = tokio::select! {
            biased;
            reason = &mut renewing => Some(reason),
            () = &mut work => None,
        };
        self.set_role(Role::Unknown);
        match lost {
            Some(reason) => {
                tracing::error!(%reason, "leadership lost");
                Outcome::Lost(reason)
            }
            None => {
                match tokio::time::timeout(self.cfg.renew_deadline, self.release()).await {
                    Ok(Ok(true)) => tracing::info!(lease = %self.cfg.lease_name, "lease released"),
                    Ok(Ok(false)) => {}
                    Ok(Err(e)) => {
                        tracing::warn!(error = %e, "could not release the lease; it expires instead")
                    }
                    Err(_) => tracing::warn!("releasing the lease timed out; it expires instead"),
                }
                Outcome::Stopped
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: i64) -> jiff::Timestamp {
        jiff::Timestamp::from_second(1_700_000_000 + s).unwrap()
    }

    fn lease(holder: Option<&str>, renewed: Option<i64>, duration: Option<i32>) -> Lease {
        Lease {
            metadata: ObjectMeta::default(),
            spec: Some(LeaseSpec {
                holder_identity: holder.map(str::to_string),
                renew_time: renewed.map(|s| MicroTime(at(s))),
                acquire_time: renewed.map(|s| MicroTime(at(s))),
                lease_duration_seconds: duration,
                lease_transitions: Some(3),
                ..LeaseSpec::default()
            }),
        }
    }

    #[test]
    fn absent_free_ours_theirs() {
        assert_eq!(decide(None, "a", at(0)), Decision::Create);
        assert_eq!(
            decide(Some(&lease(None, Some(0), Some(15))), "a", at(1)),
            Decision::Acquire
        );
        assert_eq!(
            decide(Some(&lease(Some(""), Some(0), Some(15))), "a", at(1)),
            Decision::Acquire
        );
        let empty = Lease {
            metadata: ObjectMeta::default(),
            spec: None,
        };
        assert_eq!(decide(Some(&empty), "a", at(1)), Decision::Acquire);
        assert_eq!(
            decide(Some(&lease(Some("a"), Some(0), Some(15))), "a", at(1)),
            Decision::Renew
        );
        // Ours even when expired: renewing it is fine, nobody else can have written since (resourceVersion).
        assert_eq!(
            decide(Some(&lease(Some("a"), Some(0), Some(15))), "a", at(100)),
            Decision::Renew
        );
        assert_eq!(
            decide(Some(&lease(Some("b"), Some(0), Some(15))), "a", at(1)),
            Decision::Wait { holder: "b".into() }
        );
    }

    #[test]
    fn expiry_is_renew_time_plus_duration() {
        let held = lease(Some("b"), Some(0), Some(15));
        assert_eq!(
            decide(Some(&held), "a", at(14)),
            Decision::Wait { holder: "b".into() }
        );
        // Exactly at renewTime + duration the lease is still valid; strictly after, it expired.
        assert_eq!(
            decide(Some(&held), "a", at(15)),
            Decision::Wait { holder: "b".into() }
        );
        assert!(!expired(held.spec.as_ref().unwrap(), at(15)));
        assert_eq!(
            decide(
                Some(&held),
                "a",
                at(15)
                    .checked_add(jiff::SignedDuration::from_millis(1))
                    .unwrap()
            ),
            Decision::Acquire
        );
        assert_eq!(decide(Some(&held), "a", at(16)), Decision::Acquire);
        // No renewTime, or no duration: nothing keeps the holder.
        assert_eq!(
            decide(Some(&lease(Some("b"), None, Some(15))), "a", at(0)),
            Decision::Acquire
        );
        assert_eq!(
            decide(Some(&lease(Some("b"), Some(0), None)), "a", at(1)),
            Decision::Acquire
        );
        // A renewTime in the future (skewed clock) keeps it valid.
        assert_eq!(
            decide(Some(&lease(Some("b"), Some(10), Some(2))), "a", at(5)),
            Decision::Wait { holder: "b".into() }
        );
    }

    #[test]
    fn written_spec_counts_transitions_and_keeps_acquire_time() {
        let ours = lease(Some("a"), Some(0), Some(15));
        let renewed = next_spec(ours.spec.as_ref(), "a", 15, at(5));
        assert_eq!(renewed.holder_identity.as_deref(), Some("a"));
        assert_eq!(renewed.renew_time, Some(MicroTime(at(5))));
        assert_eq!(renewed.acquire_time, Some(MicroTime(at(0))));
        assert_eq!(renewed.lease_transitions, Some(3));
        assert_eq!(renewed.lease_duration_seconds, Some(15));

        let theirs = lease(Some("b"), Some(0), Some(15));
        let taken = next_spec(theirs.spec.as_ref(), "a", 15, at(20));
        assert_eq!(taken.holder_identity.as_deref(), Some("a"));
        assert_eq!(taken.acquire_time, Some(MicroTime(at(20))));
        assert_eq!(taken.lease_transitions, Some(4));

        let created = next_spec(None, "a", 15, at(0));
        assert_eq!(created.lease_transitions, Some(0));
        assert_eq!(created.acquire_time, Some(MicroTime(at(0))));
    }

    #[test]
    fn config_needs_ordered_durations() {
        let ok = LeaderConfig::new("ns", "lease", "me");
        assert_eq!(ok.validate(), Ok(()));
        let mut bad = ok.clone();
        bad.renew_deadline = Duration::from_secs(15);
        assert!(bad.validate().is_err());
        let mut bad = ok.clone();
        bad.retry_period = Duration::from_secs(10);
        assert!(bad.validate().is_err());
        let mut bad = ok.clone();
        bad.lease_duration = Duration::from_millis(15_500);
        assert!(bad.validate().is_err());
        let mut bad = ok;
        bad.identity = String::new();
        assert!(bad.validate().is_err());
    }

    #[test]
    fn identity_is_never_empty() {
        assert!(!default_identity().is_empty());
    }
}
