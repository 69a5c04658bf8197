//! The Argo CD health check in examples/gitops/argocd-health.yaml (one Lua script for every awsbaseline.io kind),
//! run against the objects in tests/gitops/fixtures/ and compared with tests/gitops/fixtures/health_test.yaml, the
//! way Argo CD tests its own resource customizations; plus the GitOps examples that install the operator
//! (flux-helmrelease.yaml, argocd-operator-application.yaml): chart path, value keys, CRD and sync ordering.
//! The checks live in tests/gitops/check_argo_health.py, which runs the script under Lua 5.1 (gopher-lua's
//! semantics) from the lupa package; this test runs it and needs .venv with tests/requirements.txt installed
//! (.ci/run does that). It fails, never skips, when that is missing.

use std::path::Path;
use std::process::Command;

#[test]
fn argo_cd_health_lua_gives_the_expected_health_for_every_fixture_and_the_install_examples_hold() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let python = root.join(".venv/bin/python");
    let install = "run .ci/run, which creates .venv and installs tests/requirements.txt \
                   (or: .venv/bin/pip install -r tests/requirements.txt)";
    assert!(
        python.exists(),
        "{} is missing: {install}",
        python.display()
    );
    let probe = Command::new(&python)
        .args(["-c", "import lupa.lua51, yaml"])
        .output()
        .expect("run .venv/bin/python");
    assert!(
        probe.status.success(),
        "lupa (with its Lua 5.1 module) or PyYAML is not installed in .venv: {install}\n{}",
        String::from_utf8_lossy(&probe.stderr)
    );

    let out = Command::new(&python)
        .arg(root.join("tests/gitops/check_argo_health.py"))
        .current_dir(root)
        .output()
        .expect("run tests/gitops/check_argo_health.py");
    println!("{}", String::from_utf8_lossy(&out.stdout));
    eprintln!("{}", String::from_utf8_lossy(&out.stderr));
    assert!(
        out.status.success(),
        "tests/gitops/check_argo_health.py failed (exit {:?}); its output is above",
        out.status.code()
    );
}
