//! What a real API server decides: the CRDs are stored, Established and explained; every example is admitted; the
//! invalid corpus is rejected and large objects are admitted.

use super::*;

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
    assert_eq!(names.len(), 5, "{names:?}");
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
            (n >= 5)
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
        "AwsOrganization",
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

/// Every manifest in examples/ (and examples/baselines/, examples/organization/) that Kubernetes itself serves (the awsbaseline.io kinds and Namespaces) is
/// admitted by a server-side dry run. Argo CD's and Flux's kinds need those projects' CRDs; the chart test checks
/// that they list every example.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_example_is_admitted() {
    let plane = installed();
    let client = plane.admin().await;
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples");
    let mut files: Vec<PathBuf> = Vec::new();
    for dir in [
        root.clone(),
        root.join("baselines"),
        root.join("organization"),
    ] {
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
    namespaces(&client, &[NS]).await;
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
