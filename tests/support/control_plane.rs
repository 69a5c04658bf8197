//! A real Kubernetes control plane for the tests, started the way controller-runtime's envtest does: etcd plus
//! kube-apiserver on free loopback ports, no kubelet, scheduler or controller-manager.
//!
//! Binaries: `$KUBEBUILDER_ASSETS/{etcd,kube-apiserver}` when that variable is set (what `setup-envtest` fills),
//! otherwise etcd from the `etcd-bin-vendored-linux-amd64` dev-dependency and the kube-apiserver that
//! `../shared/k8s/` ships, unpacked once into `target/k8s/` after checking its sha256 against `SHA256SUMS`.
//! Without either the harness fails and says how to provide them; it never skips.
//!
//! The API server runs with `--authorization-mode RBAC` and a static token file: one admin token
//! (`system:masters`) and one token per ServiceAccount the tests run the operator as, so the operator binary is
//! authorized exactly as that ServiceAccount would be in a cluster (the chart's RBAC applies to it).
//!
//! One control plane per test process ([`ControlPlane::shared`]), started on first use by a thread that lives
//! until the process exits. Both processes get `PR_SET_PDEATHSIG`: the kernel kills them when that thread (and so
//! the test process) ends, whatever way it ends. Waits are bounded; the logs stay in `target/control-plane/run-PID`
//! and their tail is printed when a start fails.

use kube::config::{KubeConfigOptions, Kubeconfig};
use kube::{Client, Config};
use std::net::TcpListener;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

/// The namespace the chart is installed into; the operator's ServiceAccount lives there.
pub const OPERATOR_NAMESPACE: &str = "aws-baseline";
/// The Helm release (and so the chart's full name: ServiceAccount, ClusterRole, Role, Lease holder names).
pub const RELEASE: &str = "aws-baseline-operator";

/// A running etcd + kube-apiserver.
pub struct ControlPlane {
    /// `https://127.0.0.1:PORT`
    pub server: String,
    /// Folder with the logs, certificates, tokens and kubeconfigs of this run.
    pub dir: PathBuf,
    /// The API server's serving certificate bundle (its generated CA included).
    pub ca: PathBuf,
    /// A kubeconfig with the admin token (`system:masters`).
    pub admin_kubeconfig: PathBuf,
    /// A kubeconfig with the token of the chart's ServiceAccount (`OPERATOR_NAMESPACE/RELEASE`).
    pub operator_kubeconfig: PathBuf,
    /// PIDs of etcd and kube-apiserver.
    pub pids: (u32, u32),
}

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .expect("bind a loopback port")
        .local_addr()
        .unwrap()
        .port()
}

const HOW_TO_PROVIDE: &str = "the real-control-plane tests need etcd and kube-apiserver binaries: set \
    KUBEBUILDER_ASSETS to a folder holding both (e.g. the one `setup-envtest use -p path` prints), or keep \
    ../shared/k8s/kube-apiserver-*-linux-amd64.xz (with SHA256SUMS) beside this repository; etcd otherwise comes \
    from the etcd-bin-vendored-linux-amd64 dev-dependency";

/// etcd: `$KUBEBUILDER_ASSETS/etcd`, else the vendored crate's binary.
fn etcd_binary() -> PathBuf {
    if let Some(dir) = std::env::var_os("KUBEBUILDER_ASSETS") {
        let p = Path::new(&dir).join("etcd");
        if p.exists() {
            return p;
        }
    }
    let p = etcd_bin_vendored_linux_amd64::etcd_bin_path()
        .unwrap()
        .to_path_buf();
    assert!(p.exists(), "{} is missing; {HOW_TO_PROVIDE}", p.display());
    p
}

/// kube-apiserver: `$KUBEBUILDER_ASSETS/kube-apiserver`, else `../shared/k8s`'s, unpacked once into target/k8s.
fn apiserver_binary() -> PathBuf {
    if let Some(dir) = std::env::var_os("KUBEBUILDER_ASSETS") {
        let p = Path::new(&dir).join("kube-apiserver");
        assert!(
            p.exists(),
            "KUBEBUILDER_ASSETS is set but {} is missing; {HOW_TO_PROVIDE}",
            p.display()
        );
        return p;
    }
    let shared = root().join("../shared/k8s");
    let packed = std::fs::read_dir(&shared)
        .unwrap_or_else(|e| panic!("{}: {e}; {HOW_TO_PROVIDE}", shared.display()))
        .filter_map(|e| e.ok().map(|e| e.path()))
        .find(|p| {
            p.file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.starts_with("kube-apiserver-") && n.ends_with(".xz"))
        })
        .unwrap_or_else(|| {
            panic!(
                "no kube-apiserver-*.xz in {}; {HOW_TO_PROVIDE}",
                shared.display()
            )
        });
    let sums = std::fs::read_to_string(shared.join("SHA256SUMS"))
        .unwrap_or_else(|e| panic!("{}/SHA256SUMS: {e}", shared.display()));
    let want = sums
        .lines()
        .find(|l| l.contains("(unpacked)"))
        .and_then(|l| l.split_whitespace().next())
        .expect("SHA256SUMS names the unpacked binary's checksum")
        .to_string();
    let name = packed.file_stem().unwrap().to_string_lossy().to_string();
    let target = root().join("target/k8s").join(&name);
    if target.exists() && sha256(&target) == want {
        return target;
    }
    std::fs::create_dir_all(target.parent().unwrap()).unwrap();
    let partial = target.with_extension(format!("partial-{}", std::process::id()));
    let out = std::fs::File::create(&partial).unwrap();
    let status = Command::new("xz")
        .arg("-dc")
        .arg(&packed)
        .stdout(out)
        .status()
        .expect("run xz (Debian package xz-utils)");
    assert!(status.success(), "xz -dc {} failed", packed.display());
    let got = sha256(&partial);
    assert_eq!(
        got,
        want,
        "{} unpacked to a file whose sha256 is not the one in SHA256SUMS",
        packed.display()
    );
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&partial, std::fs::Permissions::from_mode(0o755)).unwrap();
    std::fs::rename(&partial, &target).unwrap();
    target
}

fn sha256(path: &Path) -> String {
    let out = Command::new("sha256sum")
        .arg(path)
        .output()
        .expect("run sha256sum");
    String::from_utf8_lossy(&out.stdout)
        .split_whitespace()
        .next()
        .unwrap_or_default()
        .to_string()
}

/// Start `cmd` with its output in `log`, killed by the kernel when the starting thread exits.
fn spawn(mut cmd: Command, log: &Path) -> Child {
    let out = std::fs::File::create(log).unwrap();
    let err = out.try_clone().unwrap();
    // SAFETY: prctl is async-signal-safe; nothing else runs between fork and exec.
    unsafe {
        cmd.pre_exec(|| {
            if libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGKILL) != 0 {
                return Err(std::io::Error::last_os_error());
            }
            Ok(())
        });
    }
    cmd.stdin(Stdio::null())
        .stdout(out)
        .stderr(err)
        .spawn()
        .unwrap_or_else(|e| panic!("start {cmd:?}: {e}"))
}

fn tail(path: &Path, lines: usize) -> String {
    let text = std::fs::read_to_string(path).unwrap_or_default();
    let all: Vec<&str> = text.lines().collect();
    all[all.len().saturating_sub(lines)..].join("\n")
}

fn token() -> String {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos();
    format!("{:x}{:x}", std::process::id(), nanos)
}

fn kubeconfig(server: &str, ca: &Path, token: &str, namespace: &str) -> String {
    format!(
        "apiVersion: v1\nkind: Config\ncurrent-context: test\n\
         clusters: [{{name: test, cluster: {{server: \"{server}\", certificate-authority: \"{}\"}}}}]\n\
         users: [{{name: test, user: {{token: \"{token}\"}}}}]\n\
         contexts: [{{name: test, context: {{cluster: test, user: test, namespace: {namespace}}}}}]\n",
        ca.display()
    )
}

impl ControlPlane {
    /// `helm install` of the chart (CRDs, ServiceAccount, ClusterRole, Role, bindings, ...) into
    /// `OPERATOR_NAMESPACE` as `RELEASE`, with Helm's own engine through tests/helm/install.py (.venv's helm-sdkpy).
    pub fn install_chart(&self) {
        let python = root().join(".venv/bin/python");
        assert!(
            python.exists(),
            "{} is missing: run .ci/run (it creates .venv with helm-sdkpy)",
            python.display()
        );
        let out = Command::new(&python)
            .arg(root().join("tests/helm/install.py"))
            .arg(&self.admin_kubeconfig)
            .args([OPERATOR_NAMESPACE, RELEASE])
            .output()
            .expect("run tests/helm/install.py");
        assert!(
            out.status.success(),
            "helm install on the real API server failed:\n{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
    }

    /// The control plane of this test process, started on first use (about 10 s).
    pub fn shared() -> &'static ControlPlane {
        static PLANE: OnceLock<ControlPlane> = OnceLock::new();
        PLANE.get_or_init(|| {
            let (tx, rx) = std::sync::mpsc::channel();
            // The processes are children of this thread, which never returns: PR_SET_PDEATHSIG fires when the
            // test process exits, not when the test that first asked for the control plane ends.
            std::thread::Builder::new()
                .name("control-plane".into())
                .spawn(move || {
                    let started = std::panic::catch_unwind(Self::start);
                    let failed = started.is_err();
                    let _ = tx.send(started);
                    if failed {
                        return;
                    }
                    loop {
                        std::thread::park();
                    }
                })
                .unwrap();
            match rx.recv_timeout(Duration::from_secs(240)) {
                Ok(Ok(plane)) => plane,
                Ok(Err(panic)) => std::panic::resume_unwind(panic),
                Err(e) => panic!("the control plane did not start within 240 s: {e}"),
            }
        })
    }

    fn start() -> ControlPlane {
        aws_baseline_operator::install_crypto_provider();
        let etcd = etcd_binary();
        let apiserver = apiserver_binary();
        let runs = root().join("target/control-plane");
        // Keep the logs of the last runs only.
        if let Ok(entries) = std::fs::read_dir(&runs) {
            for e in entries.flatten() {
                let stale = e
                    .metadata()
                    .and_then(|m| m.modified())
                    .is_ok_and(|t| t.elapsed().unwrap_or_default() > Duration::from_secs(3600));
                if stale {
                    let _ = std::fs::remove_dir_all(e.path());
                }
            }
        }
        let dir = runs.join(format!("run-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(dir.join("certs")).unwrap();

        let key = dir.join("sa.key");
        let public = dir.join("sa.pub");
        for args in [
            vec!["genrsa", "-out", key.to_str().unwrap(), "2048"],
            vec![
                "rsa",
                "-in",
                key.to_str().unwrap(),
                "-pubout",
                "-out",
                public.to_str().unwrap(),
            ],
        ] {
            let out = Command::new("openssl")
                .args(&args)
                .output()
                .expect("run openssl (Debian package openssl)");
            assert!(
                out.status.success(),
                "openssl {args:?}: {}",
                String::from_utf8_lossy(&out.stderr)
            );
        }
        let (admin, operator) = (format!("admin-{}", token()), format!("op-{}", token()));
        std::fs::write(
            dir.join("tokens.csv"),
            format!(
                "{admin},admin,admin-uid,\"system:masters\"\n\
                 {operator},system:serviceaccount:{OPERATOR_NAMESPACE}:{RELEASE},operator-uid,\
                 \"system:serviceaccounts,system:serviceaccounts:{OPERATOR_NAMESPACE}\"\n"
            ),
        )
        .unwrap();

        let (client_port, peer_port, api_port) = (free_port(), free_port(), free_port());
        let mut cmd = Command::new(&etcd);
        cmd.arg("--data-dir")
            .arg(dir.join("etcd"))
            .arg("--listen-client-urls")
            .arg(format!("http://127.0.0.1:{client_port}"))
            .arg("--advertise-client-urls")
            .arg(format!("http://127.0.0.1:{client_port}"))
            .arg("--listen-peer-urls")
            .arg(format!("http://127.0.0.1:{peer_port}"))
            .arg("--initial-advertise-peer-urls")
            .arg(format!("http://127.0.0.1:{peer_port}"))
            .arg("--initial-cluster")
            .arg(format!("default=http://127.0.0.1:{peer_port}"))
            .arg("--unsafe-no-fsync");
        let etcd_log = dir.join("etcd.log");
        let etcd_child = spawn(cmd, &etcd_log);

        let mut cmd = Command::new(&apiserver);
        cmd.arg("--etcd-servers")
            .arg(format!("http://127.0.0.1:{client_port}"))
            .args([
                "--bind-address",
                "127.0.0.1",
                "--advertise-address",
                "127.0.0.1",
            ])
            .arg("--secure-port")
            .arg(api_port.to_string())
            .arg("--cert-dir")
            .arg(dir.join("certs"))
            .arg("--service-account-key-file")
            .arg(&public)
            .arg("--service-account-signing-key-file")
            .arg(&key)
            .args(["--service-account-issuer", "https://kubernetes.default.svc"])
            .arg("--token-auth-file")
            .arg(dir.join("tokens.csv"))
            .args(["--authorization-mode", "RBAC"])
            .args(["--service-cluster-ip-range", "10.96.0.0/16"]);
        let api_log = dir.join("kube-apiserver.log");
        let mut api_child = spawn(cmd, &api_log);

        let server = format!("https://127.0.0.1:{api_port}");
        let ca = dir.join("certs/apiserver.crt");
        let plane = ControlPlane {
            server: server.clone(),
            admin_kubeconfig: dir.join("admin.kubeconfig"),
            operator_kubeconfig: dir.join("operator.kubeconfig"),
            pids: (etcd_child.id(), api_child.id()),
            ca: ca.clone(),
            dir: dir.clone(),
        };
        std::fs::write(
            &plane.admin_kubeconfig,
            kubeconfig(&server, &ca, &admin, "default"),
        )
        .unwrap();
        std::fs::write(
            &plane.operator_kubeconfig,
            kubeconfig(&server, &ca, &operator, OPERATOR_NAMESPACE),
        )
        .unwrap();

        // Ready when /readyz answers 200 (bootstrap roles written); at most 120 s on a loaded 2-core machine.
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        let deadline = Instant::now() + Duration::from_secs(120);
        loop {
            if let Ok(Some(status)) = api_child.try_wait() {
                panic!(
                    "kube-apiserver exited ({status}) before it was ready; logs in {}:\n{}\n--- etcd:\n{}",
                    dir.display(),
                    tail(&api_log, 30),
                    tail(&etcd_log, 10)
                );
            }
            let ready = ca.exists()
                && rt.block_on(async {
                    let Ok(client) = plane.client_from(&plane.admin_kubeconfig).await else {
                        return false;
                    };
                    let req = http::Request::get("/readyz").body(Vec::new()).unwrap();
                    client
                        .request_text(req)
                        .await
                        .is_ok_and(|body| body.trim() == "ok")
                });
            if ready {
                break;
            }
            assert!(
                Instant::now() < deadline,
                "kube-apiserver not ready within 120 s; logs in {}:\n{}",
                dir.display(),
                tail(&api_log, 30)
            );
            std::thread::sleep(Duration::from_millis(500));
        }
        // The children are owned by the thread that called this (it parks forever); dropping a Child neither
        // kills nor waits.
        drop((etcd_child, api_child));
        plane
    }

    async fn client_from(&self, path: &Path) -> Result<Client, String> {
        let kubeconfig = Kubeconfig::read_from(path).map_err(|e| e.to_string())?;
        let config = Config::from_custom_kubeconfig(kubeconfig, &KubeConfigOptions::default())
            .await
            .map_err(|e| e.to_string())?;
        Client::try_from(config).map_err(|e| e.to_string())
    }

    /// A client with the admin token.
    pub async fn admin(&self) -> Client {
        self.client_from(&self.admin_kubeconfig)
            .await
            .expect("admin client")
    }

    /// A client with the operator ServiceAccount's token (what the operator binary is authorized as).
    pub async fn as_operator(&self) -> Client {
        self.client_from(&self.operator_kubeconfig)
            .await
            .expect("operator client")
    }
}
