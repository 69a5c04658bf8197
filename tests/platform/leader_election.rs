//! Leader election against one shared in-memory API server (a kube-rs tower-test mock per replica, one Lease
//! store behind them) that checks resourceVersion like the real one: 409 on a stale write, 404 when absent,
//! 409 AlreadyExists on a second create.
//!
//! Each replica's "work" records when it starts and stops leading; the tests check that two never overlap, and
//! the order of hand-overs (release on shutdown, crash, cut-off leader). Every wait is bounded; nothing asserts
//! how fast something happens.

use aws_baseline_operator::leader::{LeaderConfig, LeaderElector, Outcome, Role};
use aws_baseline_operator::rbac;
use http::{Method, Request, Response, StatusCode};
use k8s_openapi::api::coordination::v1::Lease;
use kube::client::Body;
use kube::Client;
use serde_json::{json, Value};
use std::sync::atomic::{AtomicU8, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::sync::watch;

const NS: &str = "aws-baseline-system";
const LEASE: &str = "aws-baseline-operator-leader";
const LEASE_PATH: &str =
    "/apis/coordination.k8s.io/v1/namespaces/aws-baseline-system/leases/aws-baseline-operator-leader";
const LEASES_PATH: &str = "/apis/coordination.k8s.io/v1/namespaces/aws-baseline-system/leases";
/// Upper bound of every wait: far above what any step needs, so only a hang fails a test.
const BOUND: Duration = Duration::from_secs(30);

/// How one replica's connection behaves.
const NORMAL: u8 = 0;
/// Requests are never answered (a partitioned replica).
const HANG: u8 = 1;

/// One successful write of the Lease, in store order.
#[derive(Clone, Debug)]
struct Write {
    holder: Option<String>,
    renew: Option<jiff::Timestamp>,
    acquire: Option<jiff::Timestamp>,
    duration: Option<i64>,
    transitions: Option<i64>,
}

#[derive(Default)]
struct Store {
    lease: Option<Value>,
    resource_version: u64,
    writes: Vec<Write>,
    conflicts: usize,
    unexpected: Vec<String>,
}

/// The shared fake API server.
#[derive(Clone, Default)]
struct FakeApi {
    store: Arc<Mutex<Store>>,
}

fn status(code: StatusCode, reason: &str, message: &str) -> (StatusCode, Value) {
    (
        code,
        json!({"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Failure",
               "reason": reason, "message": message, "code": code.as_u16()}),
    )
}

fn time(v: &Value) -> Option<jiff::Timestamp> {
    v.as_str().map(|s| s.parse().expect("RFC 3339 time"))
}

impl FakeApi {
    /// Serve one request against the store, atomically.
    fn handle(&self, method: &Method, path: &str, body: Value) -> (StatusCode, Value) {
        let mut s = self.store.lock().unwrap();
        match (method.as_str(), path) {
            ("GET", LEASE_PATH) => match &s.lease {
                Some(l) => (StatusCode::OK, l.clone()),
                None => status(StatusCode::NOT_FOUND, "NotFound", "leases \"x\" not found"),
            },
            ("POST", LEASES_PATH) => {
                if s.lease.is_some() {
                    s.conflicts += 1;
                    return status(StatusCode::CONFLICT, "AlreadyExists", "already exists");
                }
                self.store_write(&mut s, body, StatusCode::CREATED)
            }
            ("PUT", LEASE_PATH) => {
                let Some(current) = &s.lease else {
                    return status(StatusCode::NOT_FOUND, "NotFound", "leases \"x\" not found");
                };
                let sent = body["metadata"]["resourceVersion"]
                    .as_str()
                    .map(str::to_string);
                let Some(sent) = sent else {
                    // The real server would accept an unconditional update; the elector must never send one.
                    s.unexpected.push("PUT without resourceVersion".into());
                    return status(
                        StatusCode::BAD_REQUEST,
                        "BadRequest",
                        "resourceVersion required",
                    );
                };
                if current["metadata"]["resourceVersion"].as_str() != Some(sent.as_str()) {
                    s.conflicts += 1;
                    return status(
                        StatusCode::CONFLICT,
                        "Conflict",
                        "Operation cannot be fulfilled on leases.coordination.k8s.io: the object has been modified",
                    );
                }
                self.store_write(&mut s, body, StatusCode::OK)
            }
            (m, p) => {
                s.unexpected.push(format!("{m} {p}"));
                status(
                    StatusCode::METHOD_NOT_ALLOWED,
                    "MethodNotAllowed",
                    "unexpected",
                )
            }
        }
    }

    fn store_write(&self, s: &mut Store, mut body: Value, code: StatusCode) -> (StatusCode, Value) {
        s.resource_version += 1;
        body["metadata"]["resourceVersion"] = json!(s.resource_version.to_string());
        body["metadata"]["namespace"] = json!(NS);
        let spec = &body["spec"];
        s.writes.push(Write {
            holder: spec["holderIdentity"]
                .as_str()
                .filter(|h| !h.is_empty())
                .map(str::to_string),
            renew: time(&spec["renewTime"]),
            acquire: time(&spec["acquireTime"]),
            duration: spec["leaseDurationSeconds"].as_i64(),
            transitions: spec["leaseTransitions"].as_i64(),
        });
        s.lease = Some(body.clone());
        (code, body)
    }

    /// A client for one replica; `mode` switches its connection between NORMAL and HANG. Counts its requests.
    fn client(&self) -> (Client, Arc<AtomicU8>, Arc<AtomicUsize>) {
        let (service, mut handle) = tower_test::mock::pair::<Request<Body>, Response<Body>>();
        let mode = Arc::new(AtomicU8::new(NORMAL));
        let requests = Arc::new(AtomicUsize::new(0));
        let (fake, m, n) = (self.clone(), mode.clone(), requests.clone());
        tokio::spawn(async move {
            let mut hung = Vec::new();
            while let Some((req, send)) = handle.next_request().await {
                if m.load(Ordering::SeqCst) == HANG {
                    hung.push(send);
                    continue;
                }
                n.fetch_add(1, Ordering::SeqCst);
                let (parts, body) = req.into_parts();
                let bytes = body.collect_bytes().await.unwrap();
                let body: Value = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
                // Every request must be allowed by the Role the chart renders (src/rbac.rs).
                let allowed = rbac::request_attributes(
                    parts.method.as_str(),
                    parts.uri.path(),
                    parts.uri.query(),
                )
                .is_some_and(|a| rbac::allows(&a, NS));
                if !allowed {
                    fake.store.lock().unwrap().unexpected.push(format!(
                        "{} {}: not granted by src/rbac.rs",
                        parts.method,
                        parts.uri.path()
                    ));
                }
                let (code, reply) = fake.handle(&parts.method, parts.uri.path(), body);
                send.send_response(
                    Response::builder()
                        .status(code)
                        .header("content-type", "application/json")
                        .body(Body::from(serde_json::to_vec(&reply).unwrap()))
                        .unwrap(),
                );
            }
        });
        (Client::new(service, NS), mode, requests)
    }

    fn writes(&self) -> Vec<Write> {
        self.store.lock().unwrap().writes.clone()
    }

    fn holder(&self) -> Option<String> {
        let s = self.store.lock().unwrap();
        let lease: Lease = serde_json::from_value(s.lease.clone()?).unwrap();
        lease.spec?.holder_identity.filter(|h| !h.is_empty())
    }

    fn unexpected(&self) -> Vec<String> {
        self.store.lock().unwrap().unexpected.clone()
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
enum Event {
    Start(String),
    Stop(String),
}

/// Who "reconciles" right now, and every start / stop in order.
#[derive(Default)]
struct Tracker {
    current: Mutex<(Option<String>, Vec<Event>, usize)>,
}

struct Leading {
    tracker: Arc<Tracker>,
    id: String,
}

impl Tracker {
    fn enter(self: &Arc<Self>, id: &str) -> Leading {
        let mut c = self.current.lock().unwrap();
        if c.0.is_some() {
            c.2 += 1; // overlap
        }
        c.0 = Some(id.to_string());
        c.1.push(Event::Start(id.to_string()));
        Leading {
            tracker: self.clone(),
            id: id.to_string(),
        }
    }

    fn leader(&self) -> Option<String> {
        self.current.lock().unwrap().0.clone()
    }

    fn events(&self) -> Vec<Event> {
        self.current.lock().unwrap().1.clone()
    }

    fn overlaps(&self) -> usize {
        self.current.lock().unwrap().2
    }
}

/// Recorded when the work ends: returned, or dropped (leadership lost, task aborted).
impl Drop for Leading {
    fn drop(&mut self) {
        let mut c = self.tracker.current.lock().unwrap();
        if c.0.as_deref() == Some(self.id.as_str()) {
            c.0 = None;
        }
        c.1.push(Event::Stop(self.id.clone()));
    }
}

struct Replica {
    task: tokio::task::JoinHandle<Outcome>,
    shutdown: watch::Sender<bool>,
    mode: Arc<AtomicU8>,
    requests: Arc<AtomicUsize>,
    /// What `/readyz` shows for this replica.
    role: watch::Receiver<Role>,
}

fn config(id: &str, lease_secs: u64, deadline_ms: u64) -> LeaderConfig {
    let mut cfg = LeaderConfig::new(NS, LEASE, id);
    cfg.lease_duration = Duration::from_secs(lease_secs);
    cfg.renew_deadline = Duration::from_millis(deadline_ms);
    cfg.retry_period = Duration::from_millis(200);
    cfg.validate().unwrap();
    cfg
}

fn start(fake: &FakeApi, tracker: &Arc<Tracker>, cfg: LeaderConfig) -> Replica {
    let (client, mode, requests) = fake.client();
    let (shutdown, rx) = watch::channel(false);
    let tracker = tracker.clone();
    let id = cfg.identity.clone();
    let elector = LeaderElector::new(client, cfg);
    let role = elector.subscribe();
    let task = tokio::spawn(async move {
        elector
            .run_elected(rx, move |stop| async move {
                let _leading = tracker.enter(&id);
                stop.await;
            })
            .await
    });
    Replica {
        task,
        shutdown,
        mode,
        requests,
        role,
    }
}

/// Poll `cond` until true; fail after BOUND.
async fn wait_until(what: &str, mut cond: impl FnMut() -> bool) {
    let polled = async {
        while !cond() {
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    };
    if tokio::time::timeout(BOUND, polled).await.is_err() {
        panic!("timed out waiting until {what}");
    }
}

async fn outcome(r: Replica) -> Outcome {
    tokio::time::timeout(BOUND, r.task)
        .await
        .expect("replica did not stop")
        .expect("replica task panicked")
}

/// Let a standby make a few attempts, so it certainly campaigns while the other leads.
async fn standing_by(r: &Replica) {
    let seen = r.requests.load(Ordering::SeqCst);
    wait_until("the standby made two more attempts", || {
        assert!(!r.task.is_finished(), "the standby stopped");
        r.requests.load(Ordering::SeqCst) >= seen + 2
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn only_one_leader_over_many_renewals() {
    let fake = FakeApi::default();
    let tracker = Arc::<Tracker>::default();
    // Three replicas start at once and race to create the Lease.
    let ids = ["a", "b", "c"];
    let replicas: Vec<Replica> = ids
        .iter()
        .map(|id| start(&fake, &tracker, config(id, 2, 1000)))
        .collect();
    wait_until("someone leads", || tracker.leader().is_some()).await;
    let leader = tracker.leader().unwrap();
    // Readiness reflects the election: the leader says so, the two others are standbys once they read the Lease.
    wait_until("every replica knows its role", || {
        replicas.iter().all(|r| *r.role.borrow() != Role::Unknown)
    })
    .await;
    let roles: Vec<Role> = replicas.iter().map(|r| *r.role.borrow()).collect();
    assert_eq!(
        roles.iter().filter(|r| **r == Role::Leading).count(),
        1,
        "{roles:?}"
    );
    assert_eq!(
        roles.iter().filter(|r| **r == Role::Standby).count(),
        2,
        "{roles:?}"
    );

    // Twenty renewals by the leader (about twenty retry periods), while the others keep trying.
    let requests_then: Vec<usize> = replicas
        .iter()
        .map(|r| r.requests.load(Ordering::SeqCst))
        .collect();
    let writes_then = fake.writes().len();
    wait_until("twenty renewals", || {
        fake.writes().len() >= writes_then + 20
    })
    .await;

    assert_eq!(tracker.overlaps(), 0, "{:?}", tracker.events());
    assert_eq!(tracker.events(), vec![Event::Start(leader.clone())]);
    for (r, then) in replicas.iter().zip(requests_then) {
        assert!(
            r.requests.load(Ordering::SeqCst) >= then + 2,
            "every replica kept campaigning or renewing"
        );
    }
    let writes = fake.writes();
    assert!(
        writes
            .iter()
            .all(|w| w.holder.as_deref() == Some(leader.as_str())),
        "only the leader ever wrote the lease: {writes:?}"
    );
    assert!(writes
        .iter()
        .all(|w| w.transitions == Some(0) && w.duration == Some(2)));
    let renewals: Vec<_> = writes.iter().map(|w| w.renew.unwrap()).collect();
    assert!(
        renewals.windows(2).all(|p| p[0] <= p[1]),
        "renewTime only moves forward"
    );
    assert!(
        writes.iter().all(|w| w.acquire == writes[0].acquire),
        "acquireTime kept while renewing"
    );
    assert!(fake.unexpected().is_empty(), "{:?}", fake.unexpected());

    for r in &replicas {
        r.shutdown.send(true).unwrap();
    }
    let mut outcomes = Vec::new();
    for r in replicas {
        outcomes.push(outcome(r).await);
    }
    let stopped = outcomes.iter().filter(|o| **o == Outcome::Stopped).count();
    let not_elected = outcomes
        .iter()
        .filter(|o| **o == Outcome::NotElected)
        .count();
    // The leader stopped and released; a standby may have been elected in between and stopped as well, but
    // never while another led.
    assert!(stopped >= 1 && stopped + not_elected == 3, "{outcomes:?}");
    assert_eq!(tracker.overlaps(), 0, "{:?}", tracker.events());
    assert_eq!(tracker.leader(), None);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn standby_takes_over_when_the_leader_releases_on_shutdown() {
    let fake = FakeApi::default();
    let tracker = Arc::<Tracker>::default();
    // A 60 s lease: a take-over within the 30 s bound can only come from the release, not from expiry.
    let a = start(&fake, &tracker, config("a", 60, 5000));
    wait_until("a leads", || tracker.leader().as_deref() == Some("a")).await;
    let b = start(&fake, &tracker, config("b", 60, 5000));
    standing_by(&b).await;
    assert_eq!(tracker.leader().as_deref(), Some("a"));

    a.shutdown.send(true).unwrap();
    assert_eq!(outcome(a).await, Outcome::Stopped);
    wait_until("b leads", || tracker.leader().as_deref() == Some("b")).await;

    assert_eq!(
        tracker.events(),
        vec![
            Event::Start("a".into()),
            Event::Stop("a".into()),
            Event::Start("b".into())
        ]
    );
    assert_eq!(tracker.overlaps(), 0);
    let writes = fake.writes();
    let released = writes
        .iter()
        .position(|w| w.holder.is_none())
        .expect("a released the lease");
    assert!(writes[..released]
        .iter()
        .all(|w| w.holder.as_deref() == Some("a")));
    let taken = &writes[released + 1];
    assert_eq!(taken.holder.as_deref(), Some("b"));
    assert_eq!(taken.transitions, Some(1), "one transition a -> b");
    assert_eq!(fake.holder().as_deref(), Some("b"));

    b.shutdown.send(true).unwrap();
    assert_eq!(outcome(b).await, Outcome::Stopped);
    assert_eq!(fake.holder(), None, "b released too");
    assert!(fake.unexpected().is_empty(), "{:?}", fake.unexpected());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn standby_takes_over_a_crashed_leader_only_once_the_lease_expired() {
    let fake = FakeApi::default();
    let tracker = Arc::<Tracker>::default();
    let a = start(&fake, &tracker, config("a", 2, 1000));
    wait_until("a leads", || tracker.leader().as_deref() == Some("a")).await;
    let b = start(&fake, &tracker, config("b", 2, 1000));
    standing_by(&b).await;

    // Crash: a stops renewing without releasing.
    a.task.abort();
    let _ = a.task.await;
    wait_until("b leads", || tracker.leader().as_deref() == Some("b")).await;

    assert_eq!(
        tracker.events(),
        vec![
            Event::Start("a".into()),
            Event::Stop("a".into()),
            Event::Start("b".into())
        ]
    );
    let writes = fake.writes();
    let last_a = writes
        .iter()
        .rposition(|w| w.holder.as_deref() == Some("a"))
        .unwrap();
    assert!(
        writes[..=last_a]
            .iter()
            .all(|w| w.holder.as_deref() == Some("a")),
        "nobody wrote the lease while a held it: {writes:?}"
    );
    let taken = &writes[last_a + 1];
    assert_eq!(taken.holder.as_deref(), Some("b"));
    assert_eq!(taken.transitions, Some(1));
    let expiry = writes[last_a].renew.unwrap() + jiff::SignedDuration::from_secs(2);
    assert!(
        taken.acquire.unwrap() > expiry,
        "b took the lease only after a's last renewal expired: acquired {:?}, expiry {expiry}",
        taken.acquire
    );

    b.shutdown.send(true).unwrap();
    assert_eq!(outcome(b).await, Outcome::Stopped);
    assert!(fake.unexpected().is_empty(), "{:?}", fake.unexpected());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_leader_cut_off_from_the_api_steps_down_before_the_standby_takes_over() {
    let fake = FakeApi::default();
    let tracker = Arc::<Tracker>::default();
    // Lease 3 s, renew deadline 1.5 s: the cut-off leader must give up 1.5 s before its lease can expire.
    let a = start(&fake, &tracker, config("a", 3, 1500));
    wait_until("a leads", || tracker.leader().as_deref() == Some("a")).await;
    let b = start(&fake, &tracker, config("b", 3, 1500));
    standing_by(&b).await;

    // a's requests now hang: its renewals time out at the deadline.
    a.mode.store(HANG, Ordering::SeqCst);
    let lost = outcome(a).await;
    assert!(
        matches!(&lost, Outcome::Lost(reason) if reason.contains("no renewal")),
        "{lost:?}"
    );
    wait_until("b leads", || tracker.leader().as_deref() == Some("b")).await;

    assert_eq!(tracker.overlaps(), 0, "{:?}", tracker.events());
    assert_eq!(
        tracker.events(),
        vec![
            Event::Start("a".into()),
            Event::Stop("a".into()),
            Event::Start("b".into())
        ]
    );
    let writes = fake.writes();
    let last_a = writes
        .iter()
        .rposition(|w| w.holder.as_deref() == Some("a"))
        .unwrap();
    let taken = &writes[last_a + 1];
    assert_eq!(taken.holder.as_deref(), Some("b"));
    let expiry = writes[last_a].renew.unwrap() + jiff::SignedDuration::from_secs(3);
    assert!(taken.acquire.unwrap() > expiry, "{writes:?}");

    b.shutdown.send(true).unwrap();
    assert_eq!(outcome(b).await, Outcome::Stopped);
    assert!(fake.unexpected().is_empty(), "{:?}", fake.unexpected());
}
