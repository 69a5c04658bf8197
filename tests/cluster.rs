//! The operator on a real Kubernetes control plane (etcd + kube-apiserver, tests/support/control_plane.rs), with
//! the chart installed by Helm's own engine and the operator binary (`run`) running under the chart's
//! ServiceAccount over TLS, moto behind `AWS_ENDPOINT_URL`. What only a cluster decides is checked here: the CRDs
//! are stored and Established (CEL cost budget, structural schemas), the examples and a corpus of invalid
//! manifests meet real admission, RBAC grants what the binary does, server-side apply, watches, finalizers,
//! Events and the leader Lease.

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
    CHART.get_or_init(|| {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let python = root.join(".venv/bin/python");
        assert!(
            python.exists(),
            "{} is missing: run .ci/run (it creates .venv with helm-sdkpy)",
            python.display()
        );
        let out = Command::new(&python)
            .arg(root.join("tests/helm/install.py"))
            .arg(&plane.admin_kubeconfig)
            .args([OPERATOR_NAMESPACE, RELEASE])
            .output()
            .expect("run tests/helm/install.py");
        assert!(
            out.status.success(),
            "helm install on the real API server failed:\n{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
    });
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

/// The generated CRDs (what `crd` prints, identical to crds/ and the chart's copy by other tests) are stored by
/// a real API server and become Established, and their OpenAPI is published for `kubectl explain`. This is the
/// test that fails when a schema or CEL rule would be refused by a cluster.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn crds_are_accepted_established_and_explained() {
    let plane = installed();
    let client = plane.admin().await;
    let crds: Api<CustomResourceDefinition> = Api::all(client.clone());
    let yaml = aws_baseline_operator::api::crds_yaml().unwrap();
    let mut names = Vec::new();
    for crd in serde_saphyr::from_multiple_with_options::<Value>(&yaml, yaml_options()).unwrap() {
        let name = crd["metadata"]["name"].as_str().unwrap().to_string();
        crds.patch(
            &name,
            &PatchParams::apply(MANAGER).force(),
            &Patch::Apply(&crd),
        )
        .await
        .unwrap_or_else(|e| panic!("the API server refused CRD {name}: {e}"));
        names.push(name);
    }
    assert_eq!(names.len(), 4, "{names:?}");
    for name in &names {
        eventually(
            &format!("{name} Established"),
            Duration::from_secs(60),
            || established(&crds, name),
        )
        .await;
    }
    // What `kubectl explain accountbaseline.spec` reads: the published OpenAPI v3 document of the group.
    // It is rebuilt a few seconds after a CRD changes.
    let doc: Value = eventually(
        "the group's OpenAPI v3",
        Duration::from_secs(60),
        || async {
            let req = http::Request::get("/openapi/v3/apis/awsbaseline.io/v1alpha1")
                .body(Vec::new())
                .unwrap();
            let text = client.request_text(req).await.map_err(|e| e.to_string())?;
            let doc: Value = serde_json::from_str(&text).map_err(|e| e.to_string())?;
            let n = doc["components"]["schemas"].as_object().map_or(0, |s| {
                s.keys().filter(|k| k.starts_with("io.awsbaseline")).count()
            });
            (n >= 4)
                .then_some(doc)
                .ok_or(format!("{n} awsbaseline schemas"))
        },
    )
    .await;
    let schemas = doc["components"]["schemas"].as_object().unwrap();
    for kind in [
        "AwsAccount",
        "AccountBaseline",
        "MonitoringPolicy",
        "PatchSchedule",
    ] {
        let (_, schema) = schemas
            .iter()
            .find(|(k, _)| k.ends_with(&format!(".{kind}")))
            .unwrap_or_else(|| panic!("{kind} missing from the published OpenAPI"));
        let spec = &schema["properties"]["spec"];
        assert!(
            spec["description"].as_str().is_some_and(|d| !d.is_empty()),
            "{kind}.spec has no description in the published OpenAPI"
        );
        let field = if kind == "AwsAccount" {
            "accountId"
        } else {
            "accountRef"
        };
        assert!(
            spec["properties"][field]["description"]
                .as_str()
                .is_some_and(|d| !d.is_empty()),
            "{kind}.spec.{field} has no description in the published OpenAPI"
        );
    }
    // kubectl itself, when this machine has it: `kubectl explain` over the same OpenAPI.
    if let Ok(out) = Command::new("kubectl")
        .arg("--kubeconfig")
        .arg(&plane.admin_kubeconfig)
        .args(["explain", "accountbaseline.spec.guardDuty"])
        .output()
    {
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(
            out.status.success() && text.contains("findingPublishingFrequency"),
            "kubectl explain: {text}{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
}

/// Every manifest in examples/ that Kubernetes itself serves (the awsbaseline.io kinds and Namespaces) is
/// admitted by a server-side dry run. Argo CD's and Flux's kinds need those projects' CRDs; the chart test checks
/// that they list every example.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_example_is_admitted() {
    let plane = installed();
    let client = plane.admin().await;
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples");
    let mut files: Vec<PathBuf> = Vec::new();
    for dir in [root.clone(), root.join("baselines")] {
        for e in std::fs::read_dir(dir).unwrap().flatten() {
            if e.path().extension().is_some_and(|x| x == "yaml") {
                files.push(e.path());
            }
        }
    }
    files.sort();
    let (mut admitted, mut refused) = (Vec::new(), Vec::new());
    let mut docs: Vec<(PathBuf, Value)> = files
        .iter()
        .flat_map(|f| yaml_documents(f).into_iter().map(move |d| (f.clone(), d)))
        .filter(|(_, d)| {
            d["apiVersion"] == "awsbaseline.io/v1alpha1"
                || (d["apiVersion"] == "v1" && d["kind"] == "Namespace")
        })
        .collect();
    // Namespaces for real (a dry run into a namespace that does not exist is refused), then the rest.
    docs.sort_by_key(|(_, d)| d["kind"] != "Namespace");
    for (file, doc) in &docs {
        let dry = doc["kind"] != "Namespace";
        let what = format!(
            "{} {} ({})",
            doc["kind"].as_str().unwrap(),
            doc["metadata"]["name"].as_str().unwrap(),
            file.display()
        );
        match apply(&client, doc, dry).await {
            Ok(_) => admitted.push(what),
            Err(e) => refused.push(format!("{what}: {e}")),
        }
    }
    assert!(
        refused.is_empty(),
        "refused by the API server: {refused:#?}"
    );
    assert!(admitted.len() >= 10, "{admitted:#?}");
    println!("{} example objects admitted", admitted.len());
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

fn namespaced(kind: &str) -> bool {
    matches!(kind, "MonitoringPolicy" | "PatchSchedule")
}

/// tests/admission/corpus.yaml: every case is refused by the real API server (schema, list keys or CEL) with a
/// message that names the problem; the valid bases and large valid objects (a MonitoringPolicy with 500 alarms,
/// a PatchSchedule with the maximum of targets and steps) are admitted.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn admission_rejects_the_invalid_corpus_and_admits_large_objects() {
    let plane = installed();
    let client = plane.admin().await;
    const NS: &str = "e2e-admission";
    apply(
        &client,
        &json!({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": NS}}),
        false,
    )
    .await
    .unwrap();
    let corpus: Value = from_yaml(
        &std::fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/admission/corpus.yaml"
        ))
        .unwrap(),
    )
    .unwrap();
    let bases = corpus["bases"].as_object().unwrap();
    for (kind, spec) in bases {
        let ns = namespaced(kind).then_some(NS);
        apply(&client, &custom(kind, ns, "base", spec.clone()), true)
            .await
            .unwrap_or_else(|e| panic!("the valid {kind} base was refused: {e}"));
    }
    let cases = corpus["cases"].as_array().unwrap();
    let mut wrong = Vec::new();
    for case in cases {
        let kind = case["kind"].as_str().unwrap();
        let name = case["name"].as_str().unwrap();
        let expect = case["expect"].as_str().unwrap();
        let spec = merge(&bases[kind], &case["spec"]);
        let object = custom(kind, namespaced(kind).then_some(NS), name, spec);
        match create_dry_run(&client, &object).await {
            Err(kube::Error::Api(e)) if e.code == 422 && e.message.contains(expect) => {}
            Err(e) => wrong.push(format!("{name}: refused, but without {expect:?}: {e}")),
            Ok(_) => wrong.push(format!("{name}: admitted")),
        }
    }
    assert!(wrong.is_empty(), "{wrong:#?}");
    assert!(cases.len() >= 30, "the corpus has {} cases", cases.len());
    println!(
        "admission corpus: {} invalid manifests, all refused by the API server",
        cases.len()
    );

    let alarms: Vec<Value> = (0..500)
        .map(|i| json!({"name": format!("alarm-{i:03}"), "namespace": "AWS/EC2", "metricName": "CPUUtilization",
            "dimensions": {"InstanceId": format!("i-{i:017x}")}, "statistic": "Average", "period": 300,
            "evaluationPeriods": 3, "datapointsToAlarm": 2, "threshold": 80.0,
            "comparisonOperator": "GreaterThanThreshold", "alarmTopics": ["alerts"]}))
        .collect();
    let big = merge(&bases["MonitoringPolicy"], &json!({"alarms": alarms}));
    apply(
        &client,
        &custom("MonitoringPolicy", Some(NS), "large", big),
        true,
    )
    .await
    .expect("a MonitoringPolicy with 500 alarms is admitted");
    let targets: Vec<Value> = (0..100)
        .map(|i| json!({"name": format!("group-{i:03}"), "tags": [{"key": "Patch Group", "values": [format!("g{i}")]}]}))
        .collect();
    let steps: Vec<Value> = (0..19)
        .map(|i| json!({"name": format!("step-{i:02}"), "taskType": "Automation", "documentName": "AWS-CreateSnapshot"}))
        .collect();
    let big = merge(
        &bases["PatchSchedule"],
        &json!({"targets": targets, "preSteps": steps}),
    );
    apply(
        &client,
        &custom("PatchSchedule", Some(NS), "large", big),
        true,
    )
    .await
    .expect("a PatchSchedule with 100 targets and 19 steps is admitted");
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
        let child = Command::new(env!("CARGO_BIN_EXE_aws-baseline-operator"))
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

const DRIFT: &str = "30s";
const CONVERGE: Duration = Duration::from_secs(240);
/// A drift check interval plus a pass, with room for a loaded 2-core machine.
const CORRECT: Duration = Duration::from_secs(120);

/// The whole life of the four kinds under the operator binary: converge, tenancy, a spec the API server cannot
/// check, out-of-band drift corrected or reported, a steady state that writes nothing, a leader killed and
/// replaced, deletion by policy.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn operator_binary_on_a_real_control_plane() {
    let _alone = OPERATOR_BINARY.lock().await;
    let plane = installed();
    let admin = plane.admin().await;
    let moto = Moto::start();
    let account = support::ACCOUNT;
    for ns in ["e2e-team-a", "e2e-team-b"] {
        apply(
            &admin,
            &json!({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": ns}}),
            false,
        )
        .await
        .unwrap();
    }
    let aws_account = custom(
        "AwsAccount",
        None,
        "e2e",
        json!({"accountId": account,
        "regions": ["us-east-1", "eu-west-1"], "allowedNamespaces": {"names": ["e2e-team-a"]}}),
    );
    let main = custom(
        "AccountBaseline",
        None,
        "e2e-main",
        json!({"accountRef": {"name": "e2e"},
        "deletionPolicy": "Delete", "driftCheckInterval": DRIFT,
        "guardDuty": {"findingPublishingFrequency": "FIFTEEN_MINUTES"},
        "passwordPolicy": {"minimumPasswordLength": 14, "requireSymbols": true, "passwordReusePrevention": 24},
        "s3BlockPublicAccess": {}, "ebsEncryptionByDefault": {}}),
    );
    let audit = custom(
        "AccountBaseline",
        None,
        "e2e-audit",
        json!({"accountRef": {"name": "e2e"},
        "regions": ["us-east-1"], "deletionPolicy": "Retain", "driftCheckInterval": DRIFT,
        "cloudTrail": {"name": "e2e-audit-trail", "s3": {"bucketName": format!("e2e-audit-logs-{account}"), "createBucket": true}}}),
    );
    let alerts = custom(
        "MonitoringPolicy",
        Some("e2e-team-a"),
        "alerts",
        json!({"accountRef": {"name": "e2e"},
        "regions": ["us-east-1"], "deletionPolicy": "Delete", "driftCheckInterval": DRIFT,
        "topics": [{"name": "e2e-alerts"}],
        "alarms": [{"name": "cpu-high", "namespace": "AWS/EC2", "metricName": "CPUUtilization", "statistic": "Average",
            "period": 300, "evaluationPeriods": 2, "threshold": 80.0, "comparisonOperator": "GreaterThanThreshold",
            "alarmTopics": ["e2e-alerts"]}]}),
    );
    let weekly = custom(
        "PatchSchedule",
        Some("e2e-team-a"),
        "weekly",
        json!({"accountRef": {"name": "e2e"},
        "regions": ["eu-west-1"], "deletionPolicy": "Delete", "driftCheckInterval": DRIFT,
        "window": {"schedule": "cron(0 2 ? * SUN *)", "timezone": "Europe/Berlin", "duration": 3, "cutoff": 1},
        "targets": [{"name": "web", "tags": [{"key": "Patch Group", "values": ["web"]}]}],
        "patching": {"operation": "Scan"}}),
    );
    let refused = custom(
        "MonitoringPolicy",
        Some("e2e-team-b"),
        "refused",
        json!({"accountRef": {"name": "e2e"},
        "regions": ["us-east-1"], "topics": [{"name": "e2e-refused"}]}),
    );
    let invalid = custom(
        "MonitoringPolicy",
        Some("e2e-team-a"),
        "invalid",
        json!({"accountRef": {"name": "e2e"},
        "regions": ["us-east-1"],
        "alarms": [{"name": "dup", "namespace": "AWS/EC2", "metricName": "CPUUtilization", "statistic": "Average",
            "period": 300, "evaluationPeriods": 2, "threshold": 80.0, "comparisonOperator": "GreaterThanThreshold"}],
        "compositeAlarms": [{"name": "dup", "rule": "ALARM(dup)"}]}),
    );
    let all = [
        &aws_account,
        &main,
        &audit,
        &alerts,
        &weekly,
        &refused,
        &invalid,
    ];
    for o in all {
        apply(&admin, o, false).await.unwrap();
    }

    // The binary, under the chart's ServiceAccount, over TLS.
    let a = Operator::start(plane, &moto, "a");
    a.ready_as("leader").await;

    for o in [&main, &audit, &alerts, &weekly] {
        let what = format!("{} {} Ready", o["kind"], o["metadata"]["name"]);
        eventually(&what, CONVERGE, || converged(&admin, o)).await;
    }
    eventually("AwsAccount Ready", CONVERGE, || async {
        let o = get(&admin, &aws_account).await?;
        let ready = condition(&o, "Ready").is_some_and(|c| c["status"] == "True");
        (ready && o["status"]["observedGeneration"] == o["metadata"]["generation"])
            .then_some(())
            .ok_or(format!("{}", o["status"]))
    })
    .await;
    let o = eventually("tenancy refusal", CONVERGE, || {
        not_ready(&admin, &refused, "AccountNotAllowed")
    })
    .await;
    let message = condition(&o, "Ready").unwrap()["message"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(message.contains("e2e-team-b"), "{message}");
    let o = eventually("InvalidSpec", CONVERGE, || {
        not_ready(&admin, &invalid, "InvalidSpec")
    })
    .await;
    let message = condition(&o, "Ready").unwrap()["message"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(
        message.contains("a composite alarm cannot have the name of a metric alarm"),
        "{message}"
    );
    // kstatus: an error only a spec change fixes is Stalled (Flux and Argo fail now, not at their timeout); a
    // converged object has no Stalled condition.
    let stalled = condition(&o, "Stalled").expect("Stalled condition");
    assert_eq!(
        (&stalled["status"], &stalled["reason"]),
        (&json!("True"), &json!("InvalidSpec"))
    );
    assert!(condition(&get(&admin, &alerts).await.unwrap(), "Stalled").is_none());
    // The printer columns' JSONPaths as the API server evaluates them (`kubectl get` asks for a Table).
    let table: Value = admin
        .request(
            http::Request::get(
                "/apis/awsbaseline.io/v1alpha1/namespaces/e2e-team-a/monitoringpolicies/invalid",
            )
            .header("Accept", "application/json;as=Table;v=v1;g=meta.k8s.io")
            .body(Vec::new())
            .unwrap(),
        )
        .await
        .unwrap();
    let columns: Vec<&str> = table["columnDefinitions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["name"].as_str().unwrap())
        .collect();
    let reason_at = columns.iter().position(|c| *c == "Reason").unwrap();
    assert_eq!(
        table["rows"][0]["cells"][reason_at], "InvalidSpec",
        "{columns:?} {}",
        table["rows"]
    );

    // What AWS holds now.
    let found = inventory(&moto);
    assert_eq!(found["trail"], json!(["e2e-audit-trail"]), "{found}");
    assert_eq!(
        found["detectors"],
        json!({"us-east-1": 1, "eu-west-1": 1}),
        "{found}"
    );
    assert_eq!(found["minimumPasswordLength"], 14, "{found}");
    assert_eq!(
        found["topics"],
        json!(["e2e-alerts"]),
        "the refused policy created nothing: {found}"
    );
    assert_eq!(found["alarms"].as_array().unwrap().len(), 1, "{found}");
    assert_eq!(found["windows"].as_array().unwrap().len(), 1, "{found}");
    for (ns, name) in [
        ("default", "e2e-main"),
        ("e2e-team-a", "alerts"),
        ("e2e-team-a", "weekly"),
    ] {
        let seen = events(&admin, ns, name).await;
        assert!(
            seen.iter().any(|e| e.starts_with("Created")),
            "{name}: {seen:?}"
        );
    }

    // Out-of-band drift, corrected by the running controller.
    boto3(&moto, "\
aws('iam').update_account_password_policy(MinimumPasswordLength=8)\n\
aws('cloudwatch').put_metric_alarm(AlarmName=[a for a in aws('cloudwatch').describe_alarms()['MetricAlarms']][0]['AlarmName'],\
 Namespace='AWS/EC2', MetricName='CPUUtilization', Statistic='Average', Period=300, EvaluationPeriods=2, Threshold=99.0,\
 ComparisonOperator='GreaterThanThreshold')");
    eventually("drift corrected in AWS", CORRECT, || async {
        let now = boto3(
            &moto,
            "\
print(aws('iam').get_account_password_policy()['PasswordPolicy']['MinimumPasswordLength'],\
 aws('cloudwatch').describe_alarms()['MetricAlarms'][0]['Threshold'])",
        );
        (now == "14 80.0").then_some(()).ok_or(now)
    })
    .await;
    // kube's recorder folds a repeated reason into the first Event's series (count + 1) and keeps that Event's
    // note, so the second correction shows as "(x2)" on the first DriftCorrected Event, not with its own note.
    eventually(
        "a second DriftCorrected event",
        Duration::from_secs(60),
        || async {
            let seen = events(&admin, "default", "e2e-main").await;
            seen.iter()
                .any(|e| {
                    e.starts_with("DriftCorrected")
                        && (e.contains("passwordPolicy") || !e.ends_with("(x1)"))
                })
                .then_some(())
                .ok_or(format!("{seen:?}"))
        },
    )
    .await;

    // driftPolicy Report: the drift is shown, AWS left as found.
    let report = merge(&audit, &json!({"spec": {"driftPolicy": "Report"}}));
    apply(&admin, &report, false).await.unwrap();
    eventually("Report mode observed", CONVERGE, || {
        converged(&admin, &audit)
    })
    .await;
    boto3(
        &moto,
        "aws('cloudtrail').stop_logging(Name='e2e-audit-trail')",
    );
    let o = eventually("reported drift", CORRECT, || async {
        let o = get(&admin, &audit).await?;
        let drifted = condition(&o, "Drifted").is_some_and(|c| c["status"] == "True");
        let entry = o["status"]["drift"].as_array().and_then(|d| {
            d.iter()
                .find(|e| e["field"] == "cloudTrail.logging" && e["action"] == "Reported")
                .cloned()
        });
        match entry {
            Some(_) if drifted => Ok(o),
            _ => Err(format!("{}", o["status"])),
        }
    })
    .await;
    assert_eq!(condition(&o, "Ready").unwrap()["status"], "False");
    assert_eq!(
        boto3(
            &moto,
            "print(aws('cloudtrail').get_trail_status(Name='e2e-audit-trail')['IsLogging'])"
        ),
        "False",
        "Report mode must leave the trail stopped"
    );

    // Steady state: two drift intervals with nothing changing write nothing, neither to Kubernetes nor to AWS.
    // (Let the passes started by the last changes finish first.)
    tokio::time::sleep(Duration::from_secs(10)).await;
    let mut before = Vec::new();
    for o in all {
        before.push(get(&admin, o).await.unwrap());
    }
    let (writes_before, calls_before) = a.aws_calls();
    tokio::time::sleep(Duration::from_secs(65)).await;
    let mut after = Vec::new();
    for o in all {
        after.push(get(&admin, o).await.unwrap());
    }
    let (writes_after, calls_after) = a.aws_calls();
    let changed: Vec<String> = before
        .iter()
        .zip(&after)
        .filter(|(b, a)| b["metadata"]["resourceVersion"] != a["metadata"]["resourceVersion"])
        .map(|(b, a)| {
            format!(
                "{}: {} -> {}",
                b["metadata"]["name"], b["status"], a["status"]
            )
        })
        .collect();
    println!(
        "steady state over 65 s ({} objects): {} status writes, {} AWS writes, {} AWS calls",
        all.len(),
        changed.len(),
        writes_after - writes_before,
        calls_after - calls_before
    );
    assert!(
        changed.is_empty(),
        "status written in steady state: {changed:#?}"
    );
    assert_eq!(resource_versions(&before), resource_versions(&after));
    assert_eq!(writes_after, writes_before, "AWS writes in steady state");
    assert!(
        calls_after > calls_before,
        "no drift check ran in two intervals"
    );

    // A second replica stands by; the leader is killed (SIGKILL, no Lease release) and the standby takes over
    // once the Lease expires, and keeps correcting drift.
    let b = Operator::start(plane, &moto, "b");
    b.ready_as("standby").await;
    assert!(!b.leader());
    let mut a = a;
    a.child.kill().unwrap();
    a.child.wait().unwrap();
    let killed = Instant::now();
    eventually("replica b leads", Duration::from_secs(60), || async {
        b.leader().then_some(()).ok_or_else(|| b.log_tail())
    })
    .await;
    let takeover = killed.elapsed();
    println!(
        "takeover after kill -9 of the leader: {:.1} s",
        takeover.as_secs_f64()
    );
    // The Lease lasts 15 s from the last renewal; the standby retries every 2 s.
    assert!(takeover <= Duration::from_secs(15 + 2 + 3), "{takeover:?}");
    boto3(
        &moto,
        "aws('iam').update_account_password_policy(MinimumPasswordLength=9)",
    );
    eventually("drift corrected by the new leader", CORRECT, || async {
        let now = boto3(&moto, "print(aws('iam').get_account_password_policy()['PasswordPolicy']['MinimumPasswordLength'])");
        (now == "14").then_some(()).ok_or(now)
    })
    .await;

    // Deletion: Delete removes what the operator created, Retain keeps it; refused and invalid objects go
    // without a stuck finalizer.
    for o in [&main, &audit, &alerts, &weekly, &refused, &invalid] {
        delete(&admin, o).await;
    }
    for o in [&main, &audit, &alerts, &weekly, &refused, &invalid] {
        let what = format!("{} {} deleted", o["kind"], o["metadata"]["name"]);
        eventually(&what, CONVERGE, || gone(&admin, o)).await;
    }
    let left = inventory(&moto);
    assert_eq!(
        left["trail"],
        json!(["e2e-audit-trail"]),
        "Retain keeps the trail: {left}"
    );
    assert_eq!(
        left["detectors"],
        json!({"us-east-1": 0, "eu-west-1": 0}),
        "{left}"
    );
    assert_eq!(left["topics"], json!([]), "{left}");
    assert_eq!(left["alarms"], json!([]), "{left}");
    assert_eq!(left["windows"], json!([]), "{left}");
    delete(&admin, &aws_account).await;
    eventually("AwsAccount deleted", CONVERGE, || {
        gone(&admin, &aws_account)
    })
    .await;
}
