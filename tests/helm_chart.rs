//! The Helm chart in charts/aws-baseline-operator, linted and rendered by Helm's own engine (the helm-sdkpy
//! package, which bundles Helm v4's library), then checked: RBAC grants exactly the rules of src/rbac.rs (printed by
//! `aws-baseline-operator rbac`) and no wildcard (the Lease Role limited to the operator's Lease), every container runs
//! restricted (and the security contexts can be relaxed for OpenShift), probes and env are wired, the chart's CRD
//! templates are the repository's crds/, the aggregated view/edit roles write no cluster-scoped kind, the optional
//! PrometheusRule names only metrics src/metrics.rs exports, every value renders as documented (commonLabels on
//! every object, extraArgs/Env/Volumes, topology spread, grace period, subchart `global`), the schema rejects bad
//! values. The checks live in tests/helm/check_chart.py; this test runs it and needs .venv with
//! tests/requirements-helm.txt installed (.ci/run does that). It fails, never skips, when that is missing.

use std::path::Path;
use std::process::Command;

#[test]
fn helm_lints_and_renders_the_chart_and_the_rendered_objects_pass_the_checks() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let python = root.join(".venv/bin/python");
    let install = "run .ci/run, which creates .venv and installs tests/requirements-helm.txt \
                   (or: .venv/bin/pip install --ignore-requires-python -r tests/requirements-helm.txt)";
    assert!(
        python.exists(),
        "{} is missing: {install}",
        python.display()
    );
    let probe = Command::new(&python)
        .args(["-c", "import helm_sdkpy, yaml"])
        .output()
        .expect("run .venv/bin/python");
    assert!(
        probe.status.success(),
        "helm-sdkpy is not installed in .venv: {install}\n{}",
        String::from_utf8_lossy(&probe.stderr)
    );

    let out = Command::new(&python)
        .arg(root.join("tests/helm/check_chart.py"))
        .env("OPERATOR_BIN", env!("CARGO_BIN_EXE_aws-baseline-operator"))
        .current_dir(root)
        .output()
        .expect("run tests/helm/check_chart.py");
    println!("{}", String::from_utf8_lossy(&out.stdout));
    eprintln!("{}", String::from_utf8_lossy(&out.stderr));
    assert!(
        out.status.success(),
        "tests/helm/check_chart.py failed (exit {:?}); its output is above",
        out.status.code()
    );
}
