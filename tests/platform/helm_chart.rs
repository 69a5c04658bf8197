//! The Helm chart in charts/aws-baseline-operator, linted and rendered by Helm's own engine (the helm-sdkpy
//! package, which bundles Helm v4's library), then checked: RBAC grants exactly the rules of src/rbac.rs (printed by
//! `aws-baseline-operator rbac`) and no wildcard (the Lease Role limited to the operator's Lease), every container runs
//! restricted (and the security contexts can be relaxed for OpenShift), probes and env are wired, the chart's CRD
//! templates are the repository's crds/, the aggregated view/edit roles write no cluster-scoped kind, the optional
//! PrometheusRule names only metrics src/metrics.rs exports, every value renders as documented (commonLabels on
//! every object, extraArgs/Env/Volumes, topology spread, grace period, subchart `global`), the schema rejects bad
//! values. The checks live in tests/helm/check_chart.py; this test runs it and needs .venv with
//! tests/requirements-helm.txt installed (.ci/run does that). It fails, never skips, when that is missing.

#[test]
fn helm_lints_and_renders_the_chart_and_the_rendered_objects_pass_the_checks() {
    crate::support::python_check(
        "tests/helm/check_chart.py",
        "import helm_sdkpy, yaml",
        "tests/requirements-helm.txt",
        &[(
            "OPERATOR_BIN",
            crate::support::operator_bin().to_str().unwrap(),
        )],
    );
}
