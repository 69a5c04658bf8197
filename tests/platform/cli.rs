//! The cluster-less CLI end to end: the real binary, the examples, moto, drift injected with the SDK.

use crate::support;
use crate::support::cli::{against, cli, code, output, stdout};

use std::path::Path;
use std::process::{Command, Output};
use support::Moto;

#[tokio::test]
async fn check_apply_drift_check_apply() {
    let moto = Moto::start();
    let out = cli(&moto, &["check", "-f", "examples/"]);
    assert_eq!(code(&out), 2, "{}", output(&out));
    assert!(stdout(&out).contains("cloudTrail.exists"));

    let out = cli(&moto, &["apply", "-f", "examples/"]);
    assert_eq!(code(&out), 0, "{}", output(&out));
    assert!(stdout(&out).contains("Created"));

    let out = cli(&moto, &["check", "-f", "examples/", "-o", "json"]);
    assert_eq!(code(&out), 0, "{}", stdout(&out));
    let json: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(json["results"][0]["name"], "sandbox-baseline");
    assert!(json["results"][0]["status"]["drift"]
        .as_array()
        .is_none_or(|d| d.is_empty()));
    // The fleet example (accountSelector) ran in the one labelled account its namespace may use; the status lists
    // no components for an account in sync, the CLI's detail shows every account's.
    let fleet = json["results"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["name"] == "payments/fleet-oncall")
        .unwrap();
    assert_eq!(fleet["status"]["accounts"]["selected"], 1, "{fleet:#}");
    assert_eq!(fleet["status"]["accounts"]["inSync"], 1, "{fleet:#}");
    assert!(fleet["status"]["components"].is_null(), "{fleet:#}");
    assert_eq!(fleet["status"]["ledger"][0]["name"], "sandbox", "{fleet:#}");
    let detail = fleet["accountsDetail"]["components"].as_array().unwrap();
    assert!(
        !detail.is_empty() && detail.iter().all(|c| c["account"] == support::ACCOUNT),
        "{fleet:#}"
    );

    // Drift: stop the trail.
    let cfg = moto.sdk_config("us-east-1").await;
    let ct = aws_sdk_cloudtrail::Client::new(&cfg);
    ct.stop_logging()
        .name("org-audit-trail")
        .send()
        .await
        .unwrap();

    let out = cli(
        &moto,
        &[
            "plan",
            "-f",
            "examples/account-baseline.yaml",
            "examples/aws-account.yaml",
        ],
    );
    assert_eq!(code(&out), 0, "plan reports, it does not gate");
    assert!(
        stdout(&out).contains("cloudTrail.logging"),
        "{}",
        stdout(&out)
    );
    assert_eq!(
        ct.get_trail_status()
            .name("org-audit-trail")
            .send()
            .await
            .unwrap()
            .is_logging(),
        Some(false),
        "plan must not write"
    );

    let out = cli(&moto, &["check", "-f", "examples/", "-o", "json"]);
    assert_eq!(code(&out), 2);
    let json: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    let drift = json["results"][0]["status"]["drift"].as_array().unwrap();
    assert_eq!(drift.len(), 1, "{drift:#?}");
    assert_eq!(drift[0]["field"], "cloudTrail.logging");
    assert_eq!(drift[0]["action"], "Reported");

    let out = cli(&moto, &["apply", "-f", "examples/"]);
    assert_eq!(code(&out), 0);
    assert_eq!(
        ct.get_trail_status()
            .name("org-audit-trail")
            .send()
            .await
            .unwrap()
            .is_logging(),
        Some(true)
    );
    assert_eq!(code(&cli(&moto, &["check", "-f", "examples/"])), 0);
}

#[tokio::test]
async fn patch_schedules_converge_and_window_drift_fails_check() {
    let moto = Moto::start();
    let files = [
        "examples/aws-account.yaml",
        "examples/patch-schedule-production.yaml",
        "examples/patch-schedule-scan-only.yaml",
    ];
    let with = |verb: &'static str, extra: &[&'static str]| {
        let mut a = vec![verb, "-f"];
        a.extend(files);
        a.extend(extra);
        a
    };
    let out = cli(&moto, &with("apply", &[]));
    assert_eq!(code(&out), 0, "{}", stdout(&out));
    let text = stdout(&out);
    assert!(
        text.contains("PatchSchedule payments/prod-weekly-install"),
        "{text}"
    );
    assert!(
        text.contains("next execution: 20"),
        "next execution missing: {text}"
    );
    let out = cli(&moto, &with("check", &["-o", "json"]));
    assert_eq!(code(&out), 0, "{}", stdout(&out));
    let json: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(json["results"].as_array().unwrap().len(), 3);
    let window = json["results"][0]["status"]["resources"][0]["windowId"]
        .as_str()
        .unwrap()
        .to_string();
    assert_eq!(json["results"][0]["kind"], "PatchSchedule");
    assert!(json["results"][0]["status"]["nextExecutionTime"].is_string());

    // Someone shortens the production window by hand.
    let ssm = aws_sdk_ssm::Client::new(&moto.sdk_config("eu-west-1").await);
    ssm.update_maintenance_window()
        .window_id(&window)
        .duration(2)
        .send()
        .await
        .unwrap();
    let out = cli(&moto, &with("check", &["-o", "json"]));
    assert_eq!(code(&out), 2, "{}", stdout(&out));
    let json: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    let drift = json["results"][0]["status"]["drift"].as_array().unwrap();
    assert_eq!(drift.len(), 1, "{drift:#?}");
    assert_eq!(
        (
            drift[0]["field"].as_str(),
            drift[0]["desired"].as_str(),
            drift[0]["actual"].as_str()
        ),
        (Some("window.duration"), Some("4"), Some("2"))
    );
    assert_eq!(code(&cli(&moto, &with("apply", &[]))), 0);
    assert_eq!(code(&cli(&moto, &with("check", &[]))), 0);
}

#[test]
fn bad_input_is_rejected_before_any_aws_call() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("bad.yaml");
    std::fs::write(
        &file,
        "apiVersion: awsbaseline.io/v1alpha1\nkind: AccountBaseline\nmetadata: {name: b}\nspec: {accountRef: {name: a}, ebsEncryptionByDefault: {enabled: false, kmsKeyId: k}}\n",
    )
    .unwrap();
    // No emulator at all: a call to AWS would fail differently.
    let out = Command::new(crate::support::operator_bin())
        .args(["check", "-f", file.to_str().unwrap()])
        .env("AWS_ENDPOINT_URL", "http://127.0.0.1:9")
        .output()
        .unwrap();
    assert_eq!(code(&out), 1);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("kmsKeyId needs enabled") && err.contains("bad.yaml"),
        "{err}"
    );
}

#[test]
fn crd_subcommand_prints_the_committed_crds() {
    let out = Command::new(crate::support::operator_bin())
        .arg("crd")
        .output()
        .unwrap();
    assert_eq!(code(&out), 0);
    let committed = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("crds/awsbaseline.io.yaml"),
    )
    .unwrap();
    assert_eq!(stdout(&out), committed);
}

/// Without any AWS credentials the CLI says so in one line a person can act on (not the SDK's provider-chain dump)
/// and exits 1.
#[test]
fn without_credentials_plan_says_so_in_one_line() {
    let home = tempfile::tempdir().unwrap();
    let out = Command::new(crate::support::operator_bin())
        .args([
            "plan",
            "-f",
            "examples/aws-account.yaml",
            "-f",
            "examples/baselines/minimal.yaml",
        ])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("HOME", home.path())
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .output()
        .unwrap();
    assert_eq!(code(&out), 1);
    let text = stdout(&out);
    assert!(
        text.contains("NoCredentials")
            && text
                .contains("no AWS credentials: IRSA, EKS Pod Identity or AWS_* are not configured"),
        "{text}"
    );
    assert!(
        !text.contains("Attempted") && text.lines().all(|l| l.len() < 300),
        "{text}"
    );
}

/// The exit-code contract holds for usage errors too: a typo is 1 (an error), never 2 (drift); help and version
/// are 0 and say what the codes mean.
#[test]
fn usage_errors_are_1_never_the_drift_code() {
    let run = |args: &[&str]| {
        Command::new(crate::support::operator_bin())
            .args(args)
            .output()
            .unwrap()
    };
    assert_eq!(code(&run(&["check", "--bogus"])), 1);
    assert_eq!(code(&run(&["check"])), 1, "missing -f");
    assert_eq!(code(&run(&["nonsense"])), 1);
    let help = run(&["--help"]);
    assert_eq!(code(&help), 0);
    assert!(
        stdout(&help).contains("2 = check found drift"),
        "{}",
        stdout(&help)
    );
    assert_eq!(code(&run(&["--version"])), 0);
    assert_eq!(code(&run(&["check", "--help"])), 0);
}

/// Any mix of kinds, a MonitoringPolicy alone included, read from standard input (`kustomize build … | check -f -`),
/// with a versioned JSON document; the same object twice is an error.
#[tokio::test]
async fn stdin_any_kind_and_versioned_json() {
    let moto = Moto::start();
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let manifests = [
        std::fs::read_to_string(root.join("examples/aws-account.yaml")).unwrap(),
        std::fs::read_to_string(root.join("examples/monitoring-application.yaml")).unwrap(),
    ]
    .join("\n---\n");
    let piped = |args: &[&str], input: String| {
        use std::io::Write;
        let mut cmd = Command::new(crate::support::operator_bin());
        let mut child = against(&moto, cmd.args(args))
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        child
            .stdin
            .take()
            .unwrap()
            .write_all(input.as_bytes())
            .unwrap();
        child.wait_with_output().unwrap()
    };
    let out = piped(&["check", "-f", "-", "-o", "json"], manifests.clone());
    assert_eq!(
        code(&out),
        2,
        "nothing exists yet: drift\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let json: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(json["formatVersion"], 1);
    assert_eq!(
        (json["verb"].as_str(), json["exitCode"].as_i64()),
        (Some("check"), Some(2))
    );
    assert_eq!(json["results"][0]["kind"], "MonitoringPolicy");
    assert!(json["results"][0]["remainingDrift"].as_u64().unwrap() > 0);
    assert_eq!(json["results"][0]["failed"], false);

    let out = piped(&["apply", "-f", "-"], manifests.clone());
    assert_eq!(code(&out), 0, "{}", stdout(&out));
    let out = piped(&["check", "-f", "-"], manifests.clone());
    assert_eq!(code(&out), 0, "{}", stdout(&out));

    let twice = format!(
        "{manifests}\n---\n{}",
        std::fs::read_to_string(root.join("examples/aws-account.yaml")).unwrap()
    );
    let out = piped(&["check", "-f", "-"], twice);
    assert_eq!(code(&out), 1);
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("AwsAccount sandbox is declared twice"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// On a terminal `apply` shows the plan and asks; anything but `yes` cancels with exit 1 and writes nothing. The
/// terminal is a pseudo-terminal made by Python's `pty` module.
#[tokio::test]
async fn apply_on_a_terminal_asks_first() {
    let moto = Moto::start();
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let on_a_terminal = |answer: &str| {
        let program = r#"
import os, pty, select, sys
argv, answer = sys.argv[1:-1], sys.argv[-1].encode() + b"\n"
pid, fd = pty.fork()
if pid == 0:
    os.execv(argv[0], argv)
out, sent = b"", False
while True:
    ready, _, _ = select.select([fd], [], [], 120)
    if not ready:
        break
    try:
        data = os.read(fd, 4096)
    except OSError:
        break
    if not data:
        break
    out += data
    if not sent and b"Only 'yes' will be accepted" in out:
        os.write(fd, answer)
        sent = True
_, status = os.waitpid(pid, 0)
sys.stdout.write(out.decode(errors="replace"))
sys.exit(os.waitstatus_to_exitcode(status))
"#;
        let mut cmd = Command::new(root.join(".venv/bin/python"));
        cmd.args([
            "-c",
            program,
            crate::support::operator_bin().to_str().unwrap(),
            "apply",
        ])
        .args([
            "-f",
            "examples/aws-account.yaml",
            "-f",
            "examples/monitoring-application.yaml",
            answer,
        ]);
        against(&moto, &mut cmd).output().unwrap()
    };
    let topics = || async {
        let sns = aws_sdk_sns::Client::new(&moto.sdk_config("eu-west-1").await);
        sns.list_topics().send().await.unwrap().topics().len()
    };
    let out = on_a_terminal("no");
    let text = stdout(&out);
    assert_eq!(code(&out), 1, "{text}");
    assert!(
        text.contains("topics.checkout-oncall.exists") && text.contains("Apply cancelled."),
        "{text}"
    );
    assert_eq!(topics().await, 0, "nothing written");
    let out = on_a_terminal("yes");
    assert_eq!(code(&out), 0, "{}", stdout(&out));
    assert!(topics().await > 0);
}

/// `plan --out FILE` saves the manifests and what AWS looked like; `apply FILE` applies exactly that, and refuses
/// (writing nothing) once AWS has changed since. A plan with errors is not saved.
#[tokio::test]
async fn saved_plans_apply_exactly_or_not_at_all() {
    let moto = Moto::start();
    let dir = tempfile::tempdir().unwrap();
    let plan = dir.path().join("plan.json");
    let plan_arg = plan.to_str().unwrap();
    let manifests = [
        "-f",
        "examples/aws-account.yaml",
        "examples/monitoring-application.yaml",
    ];
    let sns = aws_sdk_sns::Client::new(&moto.sdk_config("eu-west-1").await);
    let topics = || async { sns.list_topics().send().await.unwrap().topics().to_vec() };
    let err = |o: &Output| String::from_utf8_lossy(&o.stderr).to_string();

    let out = cli(
        &moto,
        &[&["plan", "--out", plan_arg][..], &manifests].concat(),
    );
    assert_eq!(code(&out), 0, "{}", err(&out));
    assert!(err(&out).contains("Apply exactly it with"), "{}", err(&out));
    assert!(topics().await.is_empty(), "plan writes nothing");

    // Usage: a plan file and -f together, or neither, is a usage error (1, never 2).
    let both = cli(&moto, &[&["apply", plan_arg][..], &manifests].concat());
    assert_eq!(code(&both), 1, "{}", err(&both));
    assert_eq!(code(&cli(&moto, &["apply"])), 1);

    let out = cli(&moto, &["apply", plan_arg]);
    assert_eq!(code(&out), 0, "{}\n{}", stdout(&out), err(&out));
    assert!(!topics().await.is_empty());
    let out = cli(&moto, &[&["check"][..], &manifests].concat());
    assert_eq!(code(&out), 0, "{}", stdout(&out));

    // A plan of the converged state; then someone deletes a topic: the saved plan is stale.
    let out = cli(
        &moto,
        &[&["plan", "--out", plan_arg][..], &manifests].concat(),
    );
    assert_eq!(code(&out), 0, "{}", err(&out));
    let before = topics().await;
    let gone = before[0].topic_arn().unwrap().to_string();
    sns.delete_topic().topic_arn(&gone).send().await.unwrap();
    let out = cli(&moto, &["apply", plan_arg]);
    assert_eq!(code(&out), 1, "{}", stdout(&out));
    let e = err(&out);
    assert!(
        e.contains("AWS changed since the plan") && e.contains("nothing was applied"),
        "{e}"
    );
    assert!(
        e.contains("MonitoringPolicy") && e.contains("now differs"),
        "{e}"
    );
    assert_eq!(topics().await.len(), before.len() - 1, "nothing applied");

    // A file that is not a plan is refused before any AWS call.
    std::fs::write(&plan, "{\"kind\": \"ConfigMap\"}").unwrap();
    let out = cli(&moto, &["apply", plan_arg]);
    assert_eq!(code(&out), 1);
    assert!(err(&out).contains("not a plan written by `plan --out`"));

    // The policy without its AwsAccount fails: no plan is saved.
    std::fs::remove_file(&plan).unwrap();
    let out = cli(
        &moto,
        &[
            "plan",
            "--out",
            plan_arg,
            "-f",
            "examples/monitoring-application.yaml",
        ],
    );
    assert_eq!(code(&out), 1);
    assert!(err(&out).contains("not saved"), "{}", err(&out));
    assert!(!plan.exists());
}
