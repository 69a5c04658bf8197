//! Test harness: moto's server (with the SSM extension in tests/moto_ext) on a free loopback port, started per
//! test and stopped on drop.
#![allow(dead_code)]

pub mod control_plane;
pub mod faults;
pub mod operations;

use aws_baseline_operator::api::aws_account::AwsAccountSpec;
use aws_baseline_operator::aws::{AwsFactory, CallStats};
use aws_config::{BehaviorVersion, Region, SdkConfig};
use aws_credential_types::provider::SharedCredentialsProvider;
use aws_credential_types::Credentials;
use std::net::{TcpListener, TcpStream};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// moto's default account.
pub const ACCOUNT: &str = "123456789012";

/// A running moto server.
pub struct Moto {
    child: Child,
    /// `http://127.0.0.1:PORT`
    pub endpoint: String,
}

/// The operator binary the tests run: `$AWSBASELINE_OPERATOR_BIN` if set (a copy of a build that another checkout
/// sharing the target directory cannot overwrite mid-test), else the one cargo built for this test run.
pub fn operator_bin() -> PathBuf {
    std::env::var_os("AWSBASELINE_OPERATOR_BIN")
        .filter(|p| !p.is_empty())
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_BIN_EXE_aws-baseline-operator")))
}

/// How to start moto: `$MOTO_SERVER` (a `moto_server`-compatible executable) if set, else moto's server with the
/// SSM extension (`tests/moto_ext/server.py`, same CLI as `moto_server`) run by the venv's Python.
fn moto_command() -> (Command, String) {
    if let Ok(p) = std::env::var("MOTO_SERVER") {
        return (Command::new(&p), p);
    }
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let script = root.join("tests/moto_ext/server.py");
    let venv_python = root.join(".venv/bin/python");
    let python = if venv_python.exists() {
        venv_python
    } else {
        PathBuf::from("python3")
    };
    let mut cmd = Command::new(&python);
    cmd.arg(&script);
    (cmd, format!("{} {}", python.display(), script.display()))
}

impl Moto {
    /// Start moto and wait (at most 30 s) until it accepts connections.
    pub fn start() -> Self {
        let port = TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let (mut cmd, what) = moto_command();
        let child = cmd
            .args(["-H", "127.0.0.1", "-p", &port.to_string()])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start {what} ({e}); run .ci/run or `python3 -m venv .venv && .venv/bin/pip install -r tests/requirements.txt`"));
        let mut moto = Moto {
            child,
            endpoint: format!("http://127.0.0.1:{port}"),
        };
        let deadline = Instant::now() + Duration::from_secs(30);
        while TcpStream::connect(("127.0.0.1", port)).is_err() {
            if let Ok(Some(status)) = moto.child.try_wait() {
                panic!("moto ({what}) exited before listening on {port}: {status}");
            }
            assert!(
                Instant::now() < deadline,
                "moto ({what}) did not listen on {port} within 30 s"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
        moto
    }

    /// SDK configuration for this server with dummy credentials.
    pub async fn sdk_config(&self, region: &str) -> SdkConfig {
        self.sdk_config_with(region, "testing").await
    }

    /// SDK configuration with a given access key (moto maps keys to accounts).
    pub async fn sdk_config_with(&self, region: &str, access_key: &str) -> SdkConfig {
        aws_config::defaults(BehaviorVersion::latest())
            .endpoint_url(&self.endpoint)
            .region(Region::new(region.to_string()))
            .credentials_provider(SharedCredentialsProvider::new(Credentials::new(
                access_key, "testing", None, None, "test",
            )))
            .load()
            .await
    }

    /// A factory whose calls are counted by the returned tally.
    pub async fn factory(&self) -> (AwsFactory, CallStats) {
        let stats = CallStats::default();
        (
            AwsFactory::from_config(self.sdk_config("us-east-1").await, stats.clone()),
            stats,
        )
    }
}

impl Drop for Moto {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Moto {
    /// One AWS JSON-protocol call to this server without an SDK, for services the crate has no client for (KMS):
    /// `POST /` with `X-Amz-Target: <target>` and a SigV4-shaped `Authorization` header naming `service` and
    /// `region` (moto reads the service, Region and account from its credential scope and checks no signature).
    /// Returns the response body as JSON; panics on a non-2xx answer.
    pub fn json_call(
        &self,
        service: &str,
        region: &str,
        target: &str,
        body: &serde_json::Value,
    ) -> serde_json::Value {
        use std::io::{Read, Write};
        let addr = self.endpoint.trim_start_matches("http://");
        let mut stream = TcpStream::connect(addr).expect("connect to moto");
        stream
            .set_read_timeout(Some(Duration::from_secs(30)))
            .unwrap();
        let body = body.to_string();
        let request = format!(
            "POST / HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/x-amz-json-1.1\r\n\
             X-Amz-Target: {target}\r\nAuthorization: AWS4-HMAC-SHA256 \
             Credential=testing/20260101/{region}/{service}/aws4_request, SignedHeaders=host, Signature=0\r\n\
             Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
            body.len()
        );
        stream.write_all(request.as_bytes()).unwrap();
        let mut response = String::new();
        stream.read_to_string(&mut response).unwrap();
        let (head, payload) = response.split_once("\r\n\r\n").unwrap_or((&response, ""));
        assert!(
            head.starts_with("HTTP/1.1 2") || head.starts_with("HTTP/1.0 2"),
            "{target}: {response}"
        );
        serde_json::from_str(payload).unwrap_or_else(|e| panic!("{target}: {e}: {payload}"))
    }

    /// A new symmetric KMS key in moto (CreateKey): its ARN.
    pub fn kms_key(&self, region: &str) -> String {
        let out = self.json_call(
            "kms",
            region,
            "TrentService.CreateKey",
            &serde_json::json!({}),
        );
        out["KeyMetadata"]["Arn"].as_str().unwrap().to_string()
    }
}

/// An AwsAccount spec for moto's default account.
pub fn account(regions: &[&str]) -> AwsAccountSpec {
    AwsAccountSpec {
        account_id: ACCOUNT.into(),
        assume_role: None,
        regions: regions.iter().map(|r| r.to_string()).collect(),
        allowed_namespaces: None,
        passable_roles: vec![],
        change_events: None,
    }
}

/// Run a Python check script of this repository with the venv's Python (`.venv/bin/python`) and fail with its
/// output when it fails. `needs` is a Python import line proving the packages are there, `requirements` the file
/// that installs them; a missing venv or package fails the test with the command to fix it, never skips it.
pub fn python_check(script: &str, needs: &str, requirements: &str, env: &[(&str, &str)]) {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let python = root.join(".venv/bin/python");
    let install = format!(
        "run .ci/run, which creates .venv and installs it (or: .venv/bin/pip install --ignore-requires-python -r {requirements})"
    );
    assert!(
        python.exists(),
        "{} is missing: {install}",
        python.display()
    );
    let probe = Command::new(&python)
        .args(["-c", needs])
        .output()
        .expect("run .venv/bin/python");
    assert!(
        probe.status.success(),
        "`{needs}` fails in .venv: {install}\n{}",
        String::from_utf8_lossy(&probe.stderr)
    );
    let out = Command::new(&python)
        .arg(root.join(script))
        .envs(env.iter().copied())
        .current_dir(root)
        .output()
        .unwrap_or_else(|e| panic!("run {script}: {e}"));
    println!("{}", String::from_utf8_lossy(&out.stdout));
    eprintln!("{}", String::from_utf8_lossy(&out.stderr));
    assert!(
        out.status.success(),
        "{script} failed (exit {:?}); its output is above",
        out.status.code()
    );
}

// Helpers shared by the test groups, one file per concern.
pub mod calls;
pub mod cli;
pub mod mocks;
pub mod objects;

/// A root console login of `account`, delivered into the CloudTrail log group `group` as CloudTrail does
/// (stream `<account>_CloudTrail_<region>`, created here): what the CIS rootAccountUsage metric filter counts.
pub async fn deliver_root_login(
    logs: &aws_sdk_cloudwatchlogs::Client,
    group: &str,
    account: &str,
    region: &str,
) {
    let stream = format!("{account}_CloudTrail_{region}");
    logs.create_log_stream()
        .log_group_name(group)
        .log_stream_name(&stream)
        .send()
        .await
        .unwrap();
    let event = serde_json::json!({
        "eventVersion": "1.08",
        "userIdentity": {"type": "Root", "principalId": account, "arn": format!("arn:aws:iam::{account}:root"), "accountId": account},
        "eventTime": "2026-01-01T00:00:00Z",
        "eventSource": "signin.amazonaws.com",
        "eventName": "ConsoleLogin",
        "awsRegion": region,
        "responseElements": {"ConsoleLogin": "Success"},
        "additionalEventData": {"MFAUsed": "Yes"},
        "eventType": "AwsConsoleSignIn",
        "recipientAccountId": account
    });
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_millis() as i64;
    logs.put_log_events()
        .log_group_name(group)
        .log_stream_name(&stream)
        .log_events(
            aws_sdk_cloudwatchlogs::types::InputLogEvent::builder()
                .timestamp(now)
                .message(event.to_string())
                .build()
                .unwrap(),
        )
        .send()
        .await
        .unwrap();
}
