//! Fleet scale on a real control plane: etcd + kube-apiserver (tests/support/control_plane.rs), the chart installed
//! by Helm's engine, the operator binary (release build) under the chart's ServiceAccount, moto (with
//! tests/moto_ext, whose DescribeAlarms pages by MaxRecords as CloudWatch does) serving many accounts through STS
//! AssumeRole. Not part of `cargo test`; run it with `scripts/fleet-scale.sh` (README "Fleet scale").
//!
//!     cargo build --release --bin aws-baseline-operator
//!     cargo bench --profile dev --bench fleet -- [--sizes 100,1000,10000] [--interval 60] [--concurrency N]
//!
//! Per size S (alarms), a fleet scaled from the 10,000 (1,000 MonitoringPolicies × 10 alarms and a topic,
//! over 20 namespaces; 500 PatchSchedules; one AccountBaseline selecting 50 accounts): S/10 policies, S/20
//! schedules, S/200 accounts (at least 1), so every account and Region holds 200 alarms at every size. For each
//! size, a fresh control plane, moto and operator; the table reports:
//!
//! - cold convergence: time until every object is Ready for its generation, against the write-rate floor (the
//!   most loaded account-Region's PutMetricAlarm calls at CloudWatch's published 3 per second);
//! - steady state over two drift intervals: AWS calls per interval (reads, writes, DescribeAlarms pages per alarm,
//!   reads per managed AWS object), Kubernetes API requests per minute by verb (from the API server's own
//!   `apiserver_request_total`), status writes;
//! - the operator's RSS (steady, peak) and CPU seconds per minute while idle (from /proc);
//! - the largest object's size (JSON) and the largest status.
//!
//! Then the growth between sizes (RSS and calls per added alarm). Counted and measured, not asserted.

#[path = "../tests/support/mod.rs"]
mod support;

use aws_baseline_operator::aws::counter::is_mutating;
use futures::{stream, StreamExt};
use kube::api::{ApiResource, DynamicObject, GroupVersionKind, ListParams, Patch, PatchParams};
use kube::{Api, Client};
use serde_json::{json, Value};
use std::collections::BTreeMap;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};
use support::control_plane::{ControlPlane, OPERATOR_NAMESPACE, RELEASE};
use support::Moto;

const NAMESPACES: usize = 20;
const ALARMS_PER_POLICY: usize = 10;
const REGION: &str = "us-east-1";
/// CloudWatch's published PutMetricAlarm rate per account and Region.
const PUT_METRIC_ALARM_PER_SECOND: f64 = 3.0;

struct Args {
    sizes: Vec<usize>,
    interval: u64,
    concurrency: Option<u16>,
    operator: PathBuf,
}

fn args() -> Args {
    let mut a = Args {
        sizes: vec![100, 1000, 10000],
        interval: 60,
        concurrency: None,
        operator: Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("target/release/aws-baseline-operator"),
    };
    let argv: Vec<String> = std::env::args().skip(1).collect();
    let mut i = 0;
    while i < argv.len() {
        let value = argv.get(i + 1).cloned().unwrap_or_default();
        match argv[i].as_str() {
            "--sizes" => a.sizes = value.split(',').map(|s| s.parse().unwrap()).collect(),
            "--interval" => a.interval = value.parse().unwrap(),
            "--concurrency" => a.concurrency = Some(value.parse().unwrap()),
            "--operator" => a.operator = PathBuf::from(value),
            // `cargo bench` passes --bench to every bench target.
            "--bench" => {
                i += 1;
                continue;
            }
            other => panic!("unknown argument {other}"),
        }
        i += 2;
    }
    a.sizes.sort_unstable();
    assert!(
        a.operator.exists(),
        "{} is missing: cargo build --release --bin aws-baseline-operator (or --operator PATH)",
        a.operator.display()
    );
    a
}

/// The fleet of one size.
struct Fleet {
    alarms: usize,
    policies: usize,
    schedules: usize,
    accounts: usize,
}

impl Fleet {
    fn of(alarms: usize) -> Fleet {
        Fleet {
            alarms,
            policies: alarms / ALARMS_PER_POLICY,
            schedules: (alarms / 20).max(1),
            accounts: (alarms / 200).max(1),
        }
    }

    fn account_id(&self, i: usize) -> String {
        format!("{:012}", 200_000_000_000u64 + i as u64)
    }

    /// Managed AWS objects: alarms and a topic per policy; a window, a target and a task per schedule; four
    /// account settings (GuardDuty detector, password policy, S3 public access block, EBS default encryption)
    /// per account.
    fn managed(&self) -> usize {
        self.policies * (ALARMS_PER_POLICY + 1) + self.schedules * 3 + self.accounts * 4
    }

    fn objects(&self, interval: u64) -> Vec<Value> {
        let every = format!("{interval}s");
        let namespaces: Vec<String> = (0..NAMESPACES).map(|n| format!("fleet-{n:02}")).collect();
        let mut out: Vec<Value> = namespaces
            .iter()
            .map(|n| json!({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": n}}))
            .collect();
        for i in 0..self.accounts {
            let id = self.account_id(i);
            out.push(
                json!({"apiVersion": "awsbaseline.io/v1alpha1", "kind": "AwsAccount",
                "metadata": {"name": format!("acct-{i:03}"), "labels": {"fleet": "bench"}},
                "spec": {"accountId": id, "regions": [REGION],
                    "assumeRole": {"roleArn": format!("arn:aws:iam::{id}:role/baseline")},
                    "allowedNamespaces": {"names": namespaces}}}),
            );
        }
        out.push(
            json!({"apiVersion": "awsbaseline.io/v1alpha1", "kind": "AccountBaseline",
            "metadata": {"name": "fleet"},
            "spec": {"accountSelector": {"matchLabels": {"fleet": "bench"}}, "regions": [REGION],
                "driftCheckInterval": every, "deletionPolicy": "Retain",
                "guardDuty": {"findingPublishingFrequency": "FIFTEEN_MINUTES"},
                "passwordPolicy": {"minimumPasswordLength": 14},
                "s3BlockPublicAccess": {}, "ebsEncryptionByDefault": {}}}),
        );
        for p in 0..self.policies {
            let ns = &namespaces[p % NAMESPACES];
            let topic = format!("fleet-{p:05}");
            let alarms: Vec<Value> = (0..ALARMS_PER_POLICY)
                .map(|k| {
                    json!({"name": format!("cpu-{k}"), "namespace": "AWS/EC2", "metricName": "CPUUtilization",
                        "dimensions": {"InstanceId": format!("i-{p:08x}{k:09x}")}, "statistic": "Average",
                        "period": 300, "evaluationPeriods": 2, "threshold": 80.0 + k as f64,
                        "comparisonOperator": "GreaterThanThreshold", "alarmTopics": [topic]})
                })
                .collect();
            out.push(json!({"apiVersion": "awsbaseline.io/v1alpha1", "kind": "MonitoringPolicy",
                "metadata": {"name": format!("p-{p:05}"), "namespace": ns},
                "spec": {"accountRef": {"name": format!("acct-{:03}", p % self.accounts)}, "regions": [REGION],
                    "driftCheckInterval": every, "deletionPolicy": "Delete",
                    "topics": [{"name": topic}], "alarms": alarms}}));
        }
        for s in 0..self.schedules {
            let ns = &namespaces[s % NAMESPACES];
            out.push(json!({"apiVersion": "awsbaseline.io/v1alpha1", "kind": "PatchSchedule",
                "metadata": {"name": format!("s-{s:05}"), "namespace": ns},
                "spec": {"accountRef": {"name": format!("acct-{:03}", s % self.accounts)}, "regions": [REGION],
                    "driftCheckInterval": every, "deletionPolicy": "Delete",
                    "window": {"schedule": "cron(0 2 ? * SUN *)", "duration": 3, "cutoff": 1},
                    "targets": [{"name": "web", "tags": [{"key": "Patch Group", "values": [format!("g-{s}")]}]}],
                    "patching": {"operation": "Scan"}}}));
        }
        out
    }

    /// The write-rate floor of a cold start: the most loaded account and Region's alarms at 3 per second.
    fn floor(&self) -> Duration {
        let most = (0..self.accounts)
            .map(|a| {
                (0..self.policies)
                    .filter(|p| p % self.accounts == a)
                    .count()
                    * ALARMS_PER_POLICY
            })
            .max()
            .unwrap_or(0);
        Duration::from_secs_f64(most as f64 / PUT_METRIC_ALARM_PER_SECOND)
    }
}

fn api_for(client: &Client, object: &Value) -> (Api<DynamicObject>, String) {
    let (group, version) = object["apiVersion"]
        .as_str()
        .unwrap()
        .split_once('/')
        .unwrap_or(("", object["apiVersion"].as_str().unwrap()));
    let ar = ApiResource::from_gvk(&GroupVersionKind::gvk(
        group,
        version,
        object["kind"].as_str().unwrap(),
    ));
    let name = object["metadata"]["name"].as_str().unwrap().to_string();
    let api = match object["metadata"]["namespace"].as_str() {
        Some(ns) => Api::namespaced_with(client.clone(), ns, &ar),
        None => Api::all_with(client.clone(), &ar),
    };
    (api, name)
}

fn kind_api(client: &Client, kind: &str) -> Api<DynamicObject> {
    Api::all_with(
        client.clone(),
        &ApiResource::from_gvk(&GroupVersionKind::gvk("awsbaseline.io", "v1alpha1", kind)),
    )
}

const KINDS: [&str; 4] = [
    "AwsAccount",
    "AccountBaseline",
    "MonitoringPolicy",
    "PatchSchedule",
];

/// (ready for their generation, all) over the three reconciled kinds, and the largest object and status (bytes).
async fn census(client: &Client) -> (usize, usize, usize, usize, Vec<String>) {
    let (mut ready, mut all, mut largest, mut largest_status) = (0, 0, 0, 0);
    let mut not_ready = Vec::new();
    for kind in KINDS {
        let list = kind_api(client, kind)
            .list(&ListParams::default())
            .await
            .unwrap();
        for o in list.items {
            let v = serde_json::to_value(&o).unwrap();
            largest = largest.max(v.to_string().len());
            largest_status = largest_status.max(v["status"].to_string().len());
            if kind == "AwsAccount" {
                continue;
            }
            all += 1;
            let ok = v["status"]["observedGeneration"] == v["metadata"]["generation"]
                && v["status"]["conditions"].as_array().is_some_and(|c| {
                    c.iter()
                        .any(|c| c["type"] == "Ready" && c["status"] == "True")
                });
            if ok {
                ready += 1;
            } else if not_ready.len() < 3 {
                not_ready.push(format!(
                    "{kind} {}: {}",
                    o.metadata.name.unwrap_or_default(),
                    v["status"]["conditions"]
                ));
            }
        }
    }
    (ready, all, largest, largest_status, not_ready)
}

/// The operator binary as the chart's Deployment runs it; killed on drop.
struct Operator {
    child: Child,
    port: u16,
    log: PathBuf,
}

impl Operator {
    fn start(plane: &ControlPlane, moto: &Moto, bin: &Path, concurrency: Option<u16>) -> Operator {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let log = plane.dir.join("operator-fleet.log");
        let out = std::fs::File::create(&log).unwrap();
        let mut cmd = Command::new(bin);
        cmd.args(["run", "--log-format", "text"])
            .env("KUBECONFIG", &plane.operator_kubeconfig)
            .env("RUST_LOG", "warn")
            .env("METRICS_ADDR", format!("127.0.0.1:{port}"))
            .env("LEADER_ELECTION", "true")
            .env("POD_NAME", format!("{RELEASE}-fleet"))
            .env("POD_NAMESPACE", OPERATOR_NAMESPACE)
            .env("AWS_REGION", REGION)
            .env("AWS_ENDPOINT_URL", &moto.endpoint)
            .env("AWS_ACCESS_KEY_ID", "testing")
            .env("AWS_SECRET_ACCESS_KEY", "testing")
            .env_remove("AWS_PROFILE")
            .env_remove("RECONCILE_CONCURRENCY")
            .stdin(Stdio::null())
            .stdout(out.try_clone().unwrap())
            .stderr(out);
        if let Some(c) = concurrency {
            cmd.env("RECONCILE_CONCURRENCY", c.to_string());
        }
        let child = cmd.spawn().expect("start the operator binary");
        Operator { child, port, log }
    }

    fn metrics(&self) -> String {
        let mut s =
            std::net::TcpStream::connect(("127.0.0.1", self.port)).expect("operator /metrics");
        s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
        write!(s, "GET /metrics HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n").unwrap();
        let mut text = String::new();
        s.read_to_string(&mut text).unwrap();
        text
    }

    /// `awsbaseline_aws_calls_total` by operation.
    fn calls(&self) -> BTreeMap<String, f64> {
        let mut out = BTreeMap::new();
        for line in self
            .metrics()
            .lines()
            .filter(|l| l.starts_with("awsbaseline_aws_calls_total{"))
        {
            let op = line
                .split("operation=\"")
                .nth(1)
                .unwrap()
                .split('"')
                .next()
                .unwrap();
            let n: f64 = line.rsplit(' ').next().unwrap().parse().unwrap();
            *out.entry(op.to_string()).or_default() += n;
        }
        out
    }

    fn proc_status(&self, field: &str) -> u64 {
        let text = std::fs::read_to_string(format!("/proc/{}/status", self.child.id())).unwrap();
        text.lines()
            .find(|l| l.starts_with(field))
            .and_then(|l| l.split_whitespace().nth(1))
            .and_then(|v| v.parse().ok())
            .unwrap_or(0)
    }

    /// CPU seconds (user + system) so far.
    fn cpu_seconds(&self) -> f64 {
        let stat = std::fs::read_to_string(format!("/proc/{}/stat", self.child.id())).unwrap();
        // Fields after the command name (which is in parentheses): utime and stime are the 12th and 13th.
        let rest = stat.rsplit_once(')').unwrap().1;
        let f: Vec<&str> = rest.split_whitespace().collect();
        let ticks: f64 = f[11].parse::<f64>().unwrap() + f[12].parse::<f64>().unwrap();
        ticks / clock_ticks()
    }

    fn alive(&mut self) {
        if let Ok(Some(status)) = self.child.try_wait() {
            let log = std::fs::read_to_string(&self.log).unwrap_or_default();
            panic!("the operator exited ({status}):\n{log}");
        }
    }
}

impl Drop for Operator {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn clock_ticks() -> f64 {
    Command::new("getconf")
        .arg("CLK_TCK")
        .output()
        .ok()
        .and_then(|o| String::from_utf8_lossy(&o.stdout).trim().parse().ok())
        .unwrap_or(100.0)
}

/// `apiserver_request_total` summed by (verb, resource[/subresource]) for the awsbaseline.io group, Events and
/// Leases.
async fn apiserver_requests(client: &Client) -> BTreeMap<String, f64> {
    let req = http::Request::get("/metrics").body(Vec::new()).unwrap();
    let text = client.request_text(req).await.unwrap();
    let mut out = BTreeMap::new();
    for line in text
        .lines()
        .filter(|l| l.starts_with("apiserver_request_total{"))
    {
        let label = |k: &str| {
            line.split(&format!("{k}=\""))
                .nth(1)
                .and_then(|v| v.split('"').next())
                .unwrap_or("")
                .to_string()
        };
        let (group, resource, sub, verb) = (
            label("group"),
            label("resource"),
            label("subresource"),
            label("verb"),
        );
        let what = match (group.as_str(), resource.as_str()) {
            ("awsbaseline.io", _) => "awsbaseline.io",
            (_, "events") => "events",
            ("coordination.k8s.io", "leases") => "leases",
            _ => continue,
        };
        let n: f64 = line.rsplit(' ').next().unwrap().parse().unwrap();
        let key = if sub.is_empty() {
            format!("{what} {verb}")
        } else {
            format!("{what}/{sub} {verb}")
        };
        *out.entry(key).or_default() += n;
    }
    out
}

fn delta(after: &BTreeMap<String, f64>, before: &BTreeMap<String, f64>) -> BTreeMap<String, f64> {
    after
        .iter()
        .map(|(k, v)| (k.clone(), v - before.get(k).copied().unwrap_or(0.0)))
        .filter(|(_, v)| *v > 0.0)
        .collect()
}

struct Row {
    fleet: Fleet,
    objects: usize,
    converge: Duration,
    floor: Duration,
    rss_steady_kib: u64,
    rss_peak_kib: u64,
    idle_cpu_per_min: f64,
    reads: f64,
    writes: f64,
    describe_alarms: f64,
    kube_per_min: BTreeMap<String, f64>,
    status_writes: f64,
    largest: usize,
    largest_status: usize,
}

async fn measure(args: &Args, alarms: usize) -> Row {
    let fleet = Fleet::of(alarms);
    // A control plane per size (the first uses the process's; later sizes start over on a fresh moto, and the
    // previous fleet is deleted from the API server without the operator, so nothing carries over).
    let plane = ControlPlane::shared();
    let admin = plane.admin().await;
    let moto = Moto::start();
    let objects = fleet.objects(args.interval);
    let managed_kinds = objects
        .iter()
        .filter(|o| o["kind"] != "Namespace" && o["kind"] != "AwsAccount")
        .count();
    let mut op = Operator::start(plane, &moto, &args.operator, args.concurrency);
    let started = Instant::now();
    let params = PatchParams::apply("fleet-bench").force();
    let applied = stream::iter(objects.iter().map(|o| {
        let admin = admin.clone();
        let params = params.clone();
        async move {
            let (api, name) = api_for(&admin, o);
            api.patch(&name, &params, &Patch::Apply(o))
                .await
                .map(|_| ())
        }
    }))
    .buffer_unordered(16)
    .collect::<Vec<_>>()
    .await;
    if let Some(e) = applied.into_iter().find_map(Result::err) {
        panic!("creating the fleet: {e}");
    }
    eprintln!(
        "[{alarms}] {} objects applied in {:.1} s",
        objects.len(),
        started.elapsed().as_secs_f64()
    );
    let deadline = started + Duration::from_secs(1800);
    let converge = loop {
        op.alive();
        let (ready, all, _, _, not_ready) = census(&admin).await;
        if ready == all && all == managed_kinds {
            break started.elapsed();
        }
        assert!(
            Instant::now() < deadline,
            "[{alarms}] not converged in 30 min: {ready}/{all} Ready; e.g. {not_ready:?}"
        );
        eprintln!(
            "[{alarms}] {:>5.0} s: {ready}/{all} Ready, RSS {} MiB",
            started.elapsed().as_secs_f64(),
            op.proc_status("VmRSS:") / 1024
        );
        tokio::time::sleep(Duration::from_secs(5)).await;
    };
    eprintln!("[{alarms}] converged in {:.1} s", converge.as_secs_f64());
    // Every object's first periodic check after convergence (the first that may use shared reads) lands within
    // one interval; then measure two intervals without the harness touching the API server.
    tokio::time::sleep(Duration::from_secs(args.interval + 10)).await;
    let window = Duration::from_secs(2 * args.interval);
    let (calls0, kube0, cpu0) = (
        op.calls(),
        apiserver_requests(&admin).await,
        op.cpu_seconds(),
    );
    tokio::time::sleep(window).await;
    let (calls1, kube1, cpu1) = (
        op.calls(),
        apiserver_requests(&admin).await,
        op.cpu_seconds(),
    );
    op.alive();
    let intervals = 2.0;
    let calls = delta(&calls1, &calls0);
    let reads: f64 = calls
        .iter()
        .filter(|(k, _)| !is_mutating(k))
        .map(|(_, v)| v)
        .sum::<f64>()
        / intervals;
    let writes: f64 = calls
        .iter()
        .filter(|(k, _)| is_mutating(k))
        .map(|(_, v)| v)
        .sum::<f64>()
        / intervals;
    if writes > 0.0 {
        eprintln!("[{alarms}] steady-state writes: {calls:?}");
    }
    eprintln!("[{alarms}] calls over {intervals} intervals: {calls:?}");
    let minutes = window.as_secs_f64() / 60.0;
    let kube: BTreeMap<String, f64> = delta(&kube1, &kube0)
        .into_iter()
        .map(|(k, v)| (k, v / minutes))
        .collect();
    let status_writes = kube
        .iter()
        .filter(|(k, _)| k.starts_with("awsbaseline.io/status"))
        .map(|(_, v)| v)
        .sum();
    let (_, _, largest, largest_status, _) = census(&admin).await;
    let row = Row {
        objects: objects.len(),
        converge,
        floor: fleet.floor(),
        rss_steady_kib: op.proc_status("VmRSS:"),
        rss_peak_kib: op.proc_status("VmHWM:"),
        idle_cpu_per_min: (cpu1 - cpu0) / minutes,
        reads,
        writes,
        describe_alarms: calls.get("DescribeAlarms").copied().unwrap_or(0.0) / intervals,
        kube_per_min: kube,
        status_writes,
        largest,
        largest_status,
        fleet,
    };
    drop(op);
    // The next size starts from an empty API server: delete the fleet without an operator (finalizers removed).
    for kind in KINDS {
        let api = kind_api(&admin, kind);
        for o in api.list(&ListParams::default()).await.unwrap().items {
            let name = o.metadata.name.clone().unwrap_or_default();
            let api = match o.metadata.namespace.as_deref() {
                Some(ns) => Api::<DynamicObject>::namespaced_with(
                    admin.clone(),
                    ns,
                    &ApiResource::from_gvk(&GroupVersionKind::gvk(
                        "awsbaseline.io",
                        "v1alpha1",
                        kind,
                    )),
                ),
                None => api.clone(),
            };
            let _ = api
                .patch(
                    &name,
                    &PatchParams::default(),
                    &Patch::Merge(json!({"metadata": {"finalizers": null}})),
                )
                .await;
            let _ = api.delete(&name, &Default::default()).await;
        }
    }
    row
}

fn mib(kib: u64) -> f64 {
    kib as f64 / 1024.0
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let args = args();
    ControlPlane::shared().install_chart();
    let mut rows = Vec::new();
    for &size in &args.sizes {
        rows.push(measure(&args, size).await);
    }
    println!(
        "\nFleet scale (drift interval {} s, operator {}, RECONCILE_CONCURRENCY {})\n",
        args.interval,
        args.operator.display(),
        args.concurrency
            .map_or("chart default".to_string(), |c| c.to_string())
    );
    println!("| alarms | policies / schedules / accounts | managed AWS objects | Kubernetes objects | cold convergence | rate floor | ratio | RSS steady | RSS peak | idle CPU s/min | AWS reads / interval | AWS writes / interval | DescribeAlarms pages / alarm | reads / managed object | Kubernetes requests / min (steady) | status writes / min | largest object | largest status |");
    println!(
        "|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|---:|---:|---:|"
    );
    for r in &rows {
        let kube: Vec<String> = r
            .kube_per_min
            .iter()
            .map(|(k, v)| format!("{k} {v:.1}"))
            .collect();
        println!(
            "| {} | {} / {} / {} | {} | {} | {:.0} s | {:.0} s | {:.2} | {:.1} MiB | {:.1} MiB | {:.2} | {:.0} | {:.0} | {:.4} | {:.3} | {} | {:.1} | {} B | {} B |",
            r.fleet.alarms,
            r.fleet.policies,
            r.fleet.schedules,
            r.fleet.accounts,
            r.fleet.managed(),
            r.objects,
            r.converge.as_secs_f64(),
            r.floor.as_secs_f64(),
            r.converge.as_secs_f64() / r.floor.as_secs_f64(),
            mib(r.rss_steady_kib),
            mib(r.rss_peak_kib),
            r.idle_cpu_per_min,
            r.reads,
            r.writes.max(0.0) + 0.0,
            r.describe_alarms / r.fleet.alarms as f64,
            r.reads / r.fleet.managed() as f64,
            kube.join(", "),
            r.status_writes.max(0.0) + 0.0,
            r.largest,
            r.largest_status,
        );
    }
    for w in rows.windows(2) {
        let (a, b) = (&w[0], &w[1]);
        let added = (b.fleet.managed() - a.fleet.managed()) as f64;
        println!(
            "\ngrowth {} → {} alarms: RSS {:+.1} KiB per added managed object (steady), reads {:+.4} per added managed object per interval",
            a.fleet.alarms,
            b.fleet.alarms,
            (b.rss_steady_kib as f64 - a.rss_steady_kib as f64) / added,
            (b.reads - a.reads) / added,
        );
    }
}
