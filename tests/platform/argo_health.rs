//! The Argo CD health check in examples/gitops/argocd-health.yaml (one Lua script for every awsbaseline.io kind),
//! run against the objects in tests/gitops/fixtures/ and compared with tests/gitops/fixtures/health_test.yaml, the
//! way Argo CD tests its own resource customizations; plus the GitOps examples that install the operator
//! (flux-helmrelease.yaml, argocd-operator-application.yaml): chart path, value keys, CRD and sync ordering.
//! The checks live in tests/gitops/check_argo_health.py, which runs the script under Lua 5.1 (gopher-lua's
//! semantics) from the lupa package; this test runs it and needs .venv with tests/requirements.txt installed
//! (.ci/run does that). It fails, never skips, when that is missing.

#[test]
fn argo_cd_health_lua_gives_the_expected_health_for_every_fixture_and_the_install_examples_hold() {
    crate::support::python_check(
        "tests/gitops/check_argo_health.py",
        "import lupa.lua51, yaml",
        "tests/requirements.txt",
        &[],
    );
}
