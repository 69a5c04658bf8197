//! The operator on a real Kubernetes control plane (etcd + kube-apiserver, tests/support/control_plane.rs), with
//! the chart installed by Helm's own engine and the operator binary (`run`) running under the chart's
//! ServiceAccount over TLS, moto behind `AWS_ENDPOINT_URL`. What only a cluster decides is checked here: the CRDs
//! are stored and Established (CEL cost budget, structural schemas), the examples and a corpus of invalid
//! manifests meet real admission, RBAC grants what the binary does, server-side apply, watches, finalizers,
//! Events and the leader Lease.
//!
//! `admission`: what the API server decides about CRDs and manifests; `operator`: the operator binary converging,
//! correcting drift and cleaning up on the cluster; `organization`: AwsOrganization discovery feeding baselines;
//! `reliability`: the binary when AWS fails under it. The harness below (installing the chart, the running
//! operator, reading objects and Events) is shared by them.

mod admission;
mod change_events;
mod fleet;
mod operator;
mod organization;
mod reliability;

use crate::support::control_plane::{ControlPlane, OPERATOR_NAMESPACE, RELEASE};
use crate::support::{self, Moto};
use aws_baseline_operator::aws::counter::is_mutating;
use aws_baseline_operator::manifests::{from_yaml, yaml_options};
use k8s_openapi::apiextensions_apiserver::pkg::apis::apiextensions::v1::CustomResourceDefinition;
use kube::api::{
    ApiResource, DeleteParams, DynamicObject, GroupVersionKind, ListParams, Patch, PatchParams,
    PostParams,
};
use kube::{Api, Client};
use serde_json::{json, Value};
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

const MANAGER: &str = "awsbaseline-tests";

/// Held by every test that runs the operator binary: two operators on one control plane would both reconcile the
/// cluster-scoped kinds (and contend for one Lease), each against its own moto.
pub(crate) static OPERATOR_BINARY: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

/// The control plane with the chart installed once (CRDs, ServiceAccount, ClusterRole, Role, bindings, ...) by
/// `helm install` through tests/helm/install.py.
pub(crate) fn installed() -> &'static ControlPlane {
    static CHART: OnceLock<()> = OnceLock::new();
    let plane = ControlPlane::shared();
    CHART.get_or_init(|| plane.install_chart());
    plane
}

fn resource(api_version: &str, kind: &str) -> ApiResource {
    let (group, version) = api_version.split_once('/').unwrap_or(("", api_version));
    ApiResource::from_gvk(&GroupVersionKind::gvk(group, version, kind))
}

pub(crate) fn api_for(client: &Client, object: &Value) -> (Api<DynamicObject>, String) {
    let ar = resource(
        object["apiVersion"].as_str().unwrap(),
        object["kind"].as_str().unwrap(),
    );
    let name = object["metadata"]["name"].as_str().unwrap().to_string();
    let api = match object["metadata"]["namespace"].as_str() {
        Some(ns) => Api::namespaced_with(client.clone(), ns, &ar),
        None => Api::all_with(client.clone(), &ar),
    };
    (api, name)
}

/// Server-side apply (or, with `dry_run`, a server-side dry run of it).
pub(crate) async fn apply(
    client: &Client,
    object: &Value,
    dry_run: bool,
) -> Result<DynamicObject, kube::Error> {
    let (api, name) = api_for(client, object);
    let mut params = PatchParams::apply(MANAGER).force();
    params.dry_run = dry_run;
    api.patch(&name, &params, &Patch::Apply(object)).await
}

/// A server-side dry run of a create (what `kubectl create` and client-side `kubectl apply` send). A list with
/// duplicate keys is refused here with 422 `Duplicate value`; server-side apply refuses it earlier, with a 500
/// "failed to create typed patch object ... duplicate entries for key [name=...]".
async fn create_dry_run(client: &Client, object: &Value) -> Result<DynamicObject, kube::Error> {
    let (api, _) = api_for(client, object);
    let object: DynamicObject = serde_json::from_value(object.clone()).unwrap();
    api.create(
        &PostParams {
            dry_run: true,
            ..Default::default()
        },
        &object,
    )
    .await
}

/// Poll `f` every 500 ms for at most `limit`; panics with `what` and the last value seen.
pub(crate) async fn eventually<T, F, Fut>(what: &str, limit: Duration, mut f: F) -> T
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Result<T, String>>,
{
    let deadline = Instant::now() + limit;
    loop {
        match f().await {
            Ok(v) => return v,
            Err(last) if Instant::now() >= deadline => {
                panic!("timed out after {limit:?} waiting for {what}; last: {last}")
            }
            Err(_) => tokio::time::sleep(Duration::from_millis(500)).await,
        }
    }
}

fn yaml_documents(path: &Path) -> Vec<Value> {
    let text = std::fs::read_to_string(path).unwrap();
    serde_saphyr::from_multiple_with_options::<Value>(&text, yaml_options())
        .unwrap()
        .into_iter()
        .filter(|v| !v.is_null())
        .collect()
}

async fn established(crds: &Api<CustomResourceDefinition>, name: &str) -> Result<(), String> {
    let crd = crds.get(name).await.map_err(|e| e.to_string())?;
    let conditions = crd.status.and_then(|s| s.conditions).unwrap_or_default();
    conditions
        .iter()
        .any(|c| c.type_ == "Established" && c.status == "True")
        .then_some(())
        .ok_or_else(|| format!("{conditions:?}"))
}

/// The operator binary running `run` as the chart's Deployment does (same environment variables), with the
/// chart's ServiceAccount token, moto behind `AWS_ENDPOINT_URL`, and its HTTP port on loopback. Killed on drop.
pub(crate) struct Operator {
    pub(crate) child: Child,
    port: u16,
    log: PathBuf,
}

impl Operator {
    pub(crate) fn start(plane: &ControlPlane, moto: &Moto, name: &str) -> Operator {
        Self::start_with(plane, &moto.endpoint, name)
    }

    /// The binary with `AWS_ENDPOINT_URL` = `endpoint` (moto, or the fault proxy in front of it).
    pub(crate) fn start_with(plane: &ControlPlane, endpoint: &str, name: &str) -> Operator {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let log = plane.dir.join(format!("operator-{name}.log"));
        let out = std::fs::File::create(&log).unwrap();
        let child = Command::new(crate::support::operator_bin())
            .args(["run", "--log-format", "text"])
            .env("KUBECONFIG", &plane.operator_kubeconfig)
            .env(
                "RUST_LOG",
                "info,kube=warn,aws_config=warn,aws_smithy_runtime=warn",
            )
            .env("METRICS_ADDR", format!("127.0.0.1:{port}"))
            .env("RECONCILE_CONCURRENCY", "4")
            .env("DEFAULT_DRIFT_INTERVAL", "5m")
            .env("LEADER_ELECTION", "true")
            .env("POD_NAME", format!("{RELEASE}-{name}"))
            .env("POD_NAMESPACE", OPERATOR_NAMESPACE)
            .env("AWS_REGION", "us-east-1")
            .env("AWS_ENDPOINT_URL", endpoint)
            .env("AWS_ACCESS_KEY_ID", "testing")
            .env("AWS_SECRET_ACCESS_KEY", "testing")
            .env_remove("AWS_PROFILE")
            .stdin(Stdio::null())
            .stdout(out.try_clone().unwrap())
            .stderr(out)
            .spawn()
            .expect("start the operator binary");
        Operator { child, port, log }
    }

    /// GET a path of the operator's HTTP server: (status code, body).
    fn get(&self, path: &str) -> Result<(u16, String), String> {
        let mut s =
            std::net::TcpStream::connect(("127.0.0.1", self.port)).map_err(|e| e.to_string())?;
        s.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
        write!(s, "GET {path} HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n").map_err(|e| e.to_string())?;
        let mut text = String::new();
        s.read_to_string(&mut text).map_err(|e| e.to_string())?;
        let code = text
            .split_whitespace()
            .nth(1)
            .and_then(|c| c.parse().ok())
            .ok_or_else(|| format!("no status line in {text:?}"))?;
        let body = text
            .split_once("\r\n\r\n")
            .map(|(_, b)| b.to_string())
            .unwrap_or_default();
        Ok((code, body))
    }

    /// `awsbaseline_aws_calls_total` summed: (writes, all calls), writes being the mutating operations.
    fn aws_calls(&self) -> (u64, u64) {
        let (_, body) = self.get("/metrics").expect("scrape /metrics");
        let (mut writes, mut all) = (0, 0);
        for line in body
            .lines()
            .filter(|l| l.starts_with("awsbaseline_aws_calls_total{"))
        {
            let n: u64 = line.rsplit(' ').next().unwrap().parse::<f64>().unwrap() as u64;
            let op = line
                .split("operation=\"")
                .nth(1)
                .unwrap()
                .split('"')
                .next()
                .unwrap();
            all += n;
            if is_mutating(op) {
                writes += n;
            }
        }
        (writes, all)
    }

    /// Wait (at most 60 s) until `/readyz` answers 200 `ready: ROLE` (`leader` or `standby`).
    pub(crate) async fn ready_as(&self, role: &str) {
        let what = format!("operator {} ready as {role}", self.log.display());
        eventually(&what, Duration::from_secs(60), || async {
            match self.get("/readyz") {
                Ok((200, body)) if body.contains(role) => Ok(()),
                other => Err(format!("{other:?}\n{}", self.log_tail())),
            }
        })
        .await;
    }

    fn leader(&self) -> bool {
        self.get("/metrics")
            .is_ok_and(|(_, b)| b.lines().any(|l| l.trim() == "awsbaseline_leader 1"))
    }

    pub(crate) fn log_tail(&self) -> String {
        let text = std::fs::read_to_string(&self.log).unwrap_or_default();
        let lines: Vec<&str> = text.lines().collect();
        lines[lines.len().saturating_sub(40)..].join("\n")
    }
}

impl Drop for Operator {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Run a boto3 snippet against moto (the out-of-band change a person makes in the console or CLI); `aws(service,
/// region)` builds a client. Returns what the snippet prints.
pub(crate) fn boto3(moto: &Moto, script: &str) -> String {
    let python = Path::new(env!("CARGO_MANIFEST_DIR")).join(".venv/bin/python");
    let program = format!(
        "import boto3, json\n\
         def aws(service, region='us-east-1'):\n    \
             return boto3.client(service, region_name=region, endpoint_url='{}', aws_access_key_id='testing', aws_secret_access_key='testing')\n\
         {script}",
        moto.endpoint
    );
    let out = Command::new(python)
        .args(["-c", &program])
        .output()
        .expect("run .venv/bin/python with boto3");
    assert!(
        out.status.success(),
        "boto3 snippet failed:\n{script}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}

/// What moto holds of the objects the scenario manages: trail names, detectors per region, the password
/// policy's minimum length (null without a policy), topic names, alarm names, maintenance window names.
fn inventory(moto: &Moto) -> Value {
    serde_json::from_str(&boto3(
        moto,
        "\
def password_length():
    try:
        return aws('iam').get_account_password_policy()['PasswordPolicy']['MinimumPasswordLength']
    except aws('iam').exceptions.NoSuchEntityException:
        return None
print(json.dumps({
 'trail': [t['Name'] for t in aws('cloudtrail').describe_trails()['trailList']],
 'detectors': {r: len(aws('guardduty', r).list_detectors()['DetectorIds']) for r in ['us-east-1', 'eu-west-1']},
 'minimumPasswordLength': password_length(),
 'topics': [t['TopicArn'].split(':')[-1] for t in aws('sns').list_topics()['Topics']],
 'alarms': [a['AlarmName'] for a in aws('cloudwatch').describe_alarms()['MetricAlarms']],
 'windows': [w['Name'] for w in aws('ssm', 'eu-west-1').describe_maintenance_windows()['WindowIdentities']],
}))",
    ))
    .unwrap()
}

pub(crate) async fn get(client: &Client, object: &Value) -> Result<Value, String> {
    let (api, name) = api_for(client, object);
    api.get(&name)
        .await
        .map(|o| serde_json::to_value(o).unwrap())
        .map_err(|e| e.to_string())
}

pub(crate) fn condition<'a>(object: &'a Value, type_: &str) -> Option<&'a Value> {
    object["status"]["conditions"]
        .as_array()?
        .iter()
        .find(|c| c["type"] == type_)
}

/// Ready=True for the current generation, with the finalizer on.
pub(crate) async fn converged(client: &Client, object: &Value) -> Result<Value, String> {
    let o = get(client, object).await?;
    let ready = condition(&o, "Ready").is_some_and(|c| c["status"] == "True");
    let current = o["status"]["observedGeneration"] == o["metadata"]["generation"];
    let finalizer = o["metadata"]["finalizers"]
        .as_array()
        .is_some_and(|f| f.iter().any(|x| x == "awsbaseline.io/cleanup"));
    if ready && current && finalizer {
        Ok(o)
    } else {
        Err(format!("{}", o["status"]))
    }
}

pub(crate) async fn not_ready(
    client: &Client,
    object: &Value,
    reason: &str,
) -> Result<Value, String> {
    let o = get(client, object).await?;
    match condition(&o, "Ready") {
        Some(c) if c["status"] == "False" && c["reason"] == reason => Ok(o),
        _ => Err(format!("{}", o["status"])),
    }
}

pub(crate) async fn gone(client: &Client, object: &Value) -> Result<(), String> {
    match get(client, object).await {
        Err(e) if e.contains("NotFound") || e.contains("not found") => Ok(()),
        Err(e) => Err(e),
        Ok(o) => Err(format!(
            "still there: finalizers {}",
            o["metadata"]["finalizers"]
        )),
    }
}

pub(crate) async fn delete(client: &Client, object: &Value) {
    let (api, name) = api_for(client, object);
    api.delete(&name, &DeleteParams::default()).await.unwrap();
}

/// Events (events.k8s.io/v1) about `name` in `namespace`, as "reason: note".
pub(crate) async fn events(client: &Client, namespace: &str, name: &str) -> Vec<String> {
    let api: Api<k8s_openapi::api::events::v1::Event> = Api::namespaced(client.clone(), namespace);
    api.list(&ListParams::default())
        .await
        .unwrap()
        .items
        .into_iter()
        .filter(|e| e.regarding.as_ref().and_then(|r| r.name.as_deref()) == Some(name))
        .map(|e| {
            let count = e.series.map_or(1, |s| s.count);
            format!(
                "{}: {} (x{count})",
                e.reason.unwrap_or_default(),
                e.note.unwrap_or_default()
            )
        })
        .collect()
}

fn resource_versions(objects: &[Value]) -> Vec<String> {
    objects
        .iter()
        .map(|o| {
            o["metadata"]["resourceVersion"]
                .as_str()
                .unwrap()
                .to_string()
        })
        .collect()
}

/// JSON merge patch (RFC 7386): objects merge, anything else replaces, `null` removes.
pub(crate) fn merge(base: &Value, patch: &Value) -> Value {
    match (base, patch) {
        (Value::Object(b), Value::Object(p)) => {
            let mut out = b.clone();
            for (k, v) in p {
                if v.is_null() {
                    out.remove(k);
                } else {
                    let merged = merge(b.get(k).unwrap_or(&Value::Null), v);
                    out.insert(k.clone(), merged);
                }
            }
            Value::Object(out)
        }
        _ => patch.clone(),
    }
}

pub(crate) fn custom(kind: &str, namespace: Option<&str>, name: &str, spec: Value) -> Value {
    let mut o = json!({"apiVersion": "awsbaseline.io/v1alpha1", "kind": kind,
        "metadata": {"name": name}, "spec": spec});
    if let Some(ns) = namespace {
        o["metadata"]["namespace"] = json!(ns);
    }
    o
}

/// Create (apply) these namespaces.
async fn namespaces(client: &Client, names: &[&str]) {
    for ns in names {
        apply(
            client,
            &json!({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": ns}}),
            false,
        )
        .await
        .unwrap();
    }
}
