#!/usr/bin/env python3
"""Lint and render charts/aws-baseline-operator with Helm's own engine and check the rendered objects; also check
that the GitOps examples (examples/kustomization.yaml, examples/gitops/) cover every example manifest.

Helm comes from the PyPI package helm-sdkpy (tests/requirements-helm.txt), which bundles Helm v4's Go library.
It exposes `lint` but no `template`: rendering goes through a real `helm install` against a fake API server on a
loopback port (this file), with Helm's in-memory release driver. The manifest checked is the one Helm rendered
(the release's `manifest`), and Helm also POSTs each object to the fake server, which we cross-check.

Run by tests/platform/helm_chart.rs; on its own: .venv/bin/python tests/helm/check_chart.py [--show]
(--show prints the manifest rendered with the default values).
Exit 0 when every check passes, 1 when one fails, 2 when helm-sdkpy is missing.
"""

from __future__ import annotations

import asyncio
import copy
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CHART = ROOT / "charts" / "aws-baseline-operator"
REPO_CRDS = ROOT / "crds"
PRODUCTION_VALUES = ROOT / "examples" / "production-values.yaml"
BAD_VALUES = Path(__file__).resolve().parent / "bad-values.yaml"
NAMESPACE = "aws-baseline-system"

try:
    import helm_sdkpy
    import yaml
except ImportError as e:  # pragma: no cover - environment problem, not a chart problem
    print(
        f"FAIL: {e}. helm-sdkpy (Helm's engine) is not installed in this Python ({sys.executable}).\n"
        "Run .ci/run, or: .venv/bin/pip install --ignore-requires-python -r tests/requirements-helm.txt",
        file=sys.stderr,
    )
    sys.exit(2)

# ---------------------------------------------------------------------------------------------------------------
# What the operator needs: (apiGroup, resource, verb), from the one table in src/rbac.rs, printed by
# `aws-baseline-operator rbac` ($OPERATOR_BIN, set by tests/platform/helm_chart.rs; else target/debug's binary). The
# ClusterRole + Role must grant exactly this, nothing more. The fake-API-server tests check every request the code
# makes against the same table.
# ---------------------------------------------------------------------------------------------------------------
def operator_rbac() -> dict:
    binary = os.environ.get("OPERATOR_BIN") or str(ROOT / "target" / "debug" / "aws-baseline-operator")
    try:
        out = subprocess.run([binary, "rbac"], check=True, capture_output=True, text=True, timeout=60)
    except (OSError, subprocess.SubprocessError) as e:
        print(f"FAIL: cannot run `{binary} rbac` ({e}); build it (cargo build) or set OPERATOR_BIN", file=sys.stderr)
        sys.exit(1)
    return json.loads(out.stdout)


def rule_set(rules: list[dict]) -> set[tuple[str, str, str]]:
    return {(g, r, v) for rule in rules for g in rule.get("apiGroups", [])
            for r in rule.get("resources", []) for v in rule.get("verbs", [])}


RBAC = operator_rbac()
CLUSTER_PERMISSIONS = rule_set(RBAC["clusterRole"])
NAMESPACE_PERMISSIONS = rule_set(RBAC["releaseNamespaceRole"])
KINDS = sorted({r for (g, r, _) in CLUSTER_PERMISSIONS if g == "awsbaseline.io" and "/" not in r})


def rule_set_named(rules: list[dict]) -> set[tuple[str, str, str, tuple[str, ...]]]:
    """Like rule_set, with each rule's resourceNames (empty: any object)."""
    return {(g, r, v, tuple(sorted(rule.get("resourceNames") or []))) for rule in rules
            for g in rule.get("apiGroups", []) for r in rule.get("resources", []) for v in rule.get("verbs", [])}


def run_help_default(flag: str) -> str | None:
    """The default `aws-baseline-operator run --help` prints for `flag`."""
    binary = os.environ.get("OPERATOR_BIN") or str(ROOT / "target" / "debug" / "aws-baseline-operator")
    out = subprocess.run([binary, "run", "--help"], check=True, capture_output=True, text=True, timeout=60).stdout
    m = re.search(re.escape(flag) + r" <[A-Z_]+>.*?\[default: ([^\]]+)\]", out, re.S)
    return m.group(1) if m else None


# The Lease the operator elects on: the binary's default --lease-name, which the chart passes explicitly and the
# Role's resourceNames name. src/rbac.rs has no resourceNames (yet): get/update are expected limited to this Lease,
# create unlimited (create cannot be limited by name). If `rbac` ever prints resourceNames, those are compared.
LEASE = run_help_default("--lease-name")
EXPECTED_ROLE = {
    (g, r, v, tuple(sorted(rule["resourceNames"])) if "resourceNames" in rule
     else ((LEASE,) if (g, r) == ("coordination.k8s.io", "leases") and v != "create" else ()))
    for rule in RBAC["releaseNamespaceRole"] for g in rule["apiGroups"] for r in rule["resources"]
    for v in rule["verbs"]}
AGGREGATE_PREFIX = "rbac.authorization.k8s.io/aggregate-to-"


# ---------------------------------------------------------------------------------------------------------------
# The metrics the operator exports, read from src/metrics.rs (prometheus-client: a Registry with a prefix, each
# metric registered under a name; counters get _total, histograms _bucket/_sum/_count; labels are the fields of the
# EncodeLabelSet structs). The PrometheusRule may only name these.
# ---------------------------------------------------------------------------------------------------------------
def exported_metrics() -> tuple[dict[str, set[str]], list[float]]:
    text = (ROOT / "src" / "metrics.rs").read_text()
    prefix = re.search(r'Registry::with_prefix\("(\w+)"\)', text).group(1)
    structs = {name: set(re.findall(r"pub (\w+):", body))
               for name, body in re.findall(r"pub struct (\w+) \{(.*?)\n\}", text, re.S)}
    types: dict[str, tuple[str, set[str]]] = {}
    for var, labels, kind in re.findall(r"let (\w+) = Family::<(\w+),\s*(\w+)>", text):
        types[var] = (kind, structs.get(labels, set()))
    for var, kind in re.findall(r"let (\w+) = (Counter|Gauge|Histogram)::", text):
        types[var] = (kind, set())
    series: dict[str, set[str]] = {}
    for name, var in re.findall(r'register\(\s*"(\w+)",\s*"[^"]*",\s*(\w+)\.clone\(\)', text, re.S):
        kind, labels = types[var]
        base = f"{prefix}_{name}"
        if kind == "Counter":
            series[f"{base}_total"] = labels
        elif kind == "Histogram":
            series.update({f"{base}_bucket": labels | {"le"}, f"{base}_sum": labels, f"{base}_count": labels})
        else:
            series[base] = labels
    buckets = [float(b) for b in re.findall(r"Histogram::new\(\[([^\]]*)\]", text)[0].split(",") if b.strip()]
    return series, buckets


# Environment the chart sets that the binary does not read yet (flags still to come). A name the chart sets that is
# neither read by the code nor listed here is a typo and fails the check.
PENDING_ENV: set[str] = set()
# Read by libraries rather than by our code: tracing's EnvFilter and the AWS SDK's region chain.
LIBRARY_ENV = {"RUST_LOG", "AWS_REGION"}

FAILURES: list[str] = []


def check(cond: bool, what: str) -> bool:
    print(("  ok   " if cond else "  FAIL ") + what)
    if not cond:
        FAILURES.append(what)
    return cond


# ---------------------------------------------------------------------------------------------------------------
# A fake kube-apiserver: discovery for the kinds the chart renders, 404 for reads, created objects echoed back.
# ---------------------------------------------------------------------------------------------------------------
API_RESOURCES = {
    ("", "v1"): [
        ("configmaps", "ConfigMap", True),
        ("namespaces", "Namespace", False),
        ("secrets", "Secret", True),
        ("services", "Service", True),
        ("serviceaccounts", "ServiceAccount", True),
    ],
    ("apps", "v1"): [("deployments", "Deployment", True)],
    ("rbac.authorization.k8s.io", "v1"): [
        ("clusterroles", "ClusterRole", False),
        ("clusterrolebindings", "ClusterRoleBinding", False),
        ("roles", "Role", True),
        ("rolebindings", "RoleBinding", True),
    ],
    ("policy", "v1"): [("poddisruptionbudgets", "PodDisruptionBudget", True)],
    ("networking.k8s.io", "v1"): [("networkpolicies", "NetworkPolicy", True)],
    ("monitoring.coreos.com", "v1"): [("servicemonitors", "ServiceMonitor", True),
                                      ("prometheusrules", "PrometheusRule", True)],
    ("apiextensions.k8s.io", "v1"): [("customresourcedefinitions", "CustomResourceDefinition", False)],
}


class FakeApiServer:
    """Just enough of an API server for `helm install --wait=false` with the memory driver."""

    def __init__(self) -> None:
        self.created: list[dict] = []
        self.unexpected: list[str] = []
        self.store: dict[str, dict] = {}
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args) -> None:
                pass

            def send(self, code: int, obj: dict) -> None:
                body = json.dumps(obj).encode()
                self.send_response(code)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def not_found(self) -> None:
                self.send(404, {"kind": "Status", "apiVersion": "v1", "status": "Failure",
                                "reason": "NotFound", "code": 404, "message": "not found"})

            def body(self) -> bytes:
                return self.rfile.read(int(self.headers.get("Content-Length") or 0))

            def do_GET(self) -> None:
                path = self.path.split("?")[0]
                if path == "/version":
                    return self.send(200, {"major": "1", "minor": "33", "gitVersion": "v1.33.0",
                                           "platform": "linux/amd64"})
                if path == "/api":
                    return self.send(200, {"kind": "APIVersions", "versions": ["v1"],
                                           "serverAddressByClientCIDRs": []})
                if path == "/apis":
                    groups = [{"name": g, "versions": [{"groupVersion": f"{g}/{v}", "version": v}],
                               "preferredVersion": {"groupVersion": f"{g}/{v}", "version": v}}
                              for (g, v) in API_RESOURCES if g]
                    return self.send(200, {"kind": "APIGroupList", "apiVersion": "v1", "groups": groups})
                for (g, v), resources in API_RESOURCES.items():
                    gv = f"{g}/{v}" if g else v
                    if path == (f"/apis/{gv}" if g else f"/api/{v}"):
                        return self.send(200, {
                            "kind": "APIResourceList", "apiVersion": "v1", "groupVersion": gv,
                            "resources": [{"name": n, "singularName": k.lower(), "namespaced": ns, "kind": k,
                                           "verbs": ["create", "delete", "get", "list", "patch", "update",
                                                     "watch"]}
                                          for n, k, ns in resources]})
                if path in server.store:
                    return self.send(200, server.store[path])
                return self.not_found()

            def do_POST(self) -> None:
                raw = self.body()
                path = self.path.split("?")[0]
                if "json" not in (self.headers.get("Content-Type") or ""):
                    server.unexpected.append(f"POST {path} ({self.headers.get('Content-Type')})")
                    return self.not_found()
                obj = json.loads(raw)
                if obj.get("kind") == "CustomResourceDefinition":
                    obj["status"] = {"acceptedNames": obj["spec"]["names"], "conditions": [
                        {"type": "NamesAccepted", "status": "True"}, {"type": "Established", "status": "True"}]}
                server.created.append(obj)
                server.store[f"{path}/{obj['metadata']['name']}"] = obj
                self.send(201, obj)

            def do_PUT(self) -> None:
                self.body()
                server.unexpected.append(f"PUT {self.path}")
                self.not_found()

            do_PATCH = do_PUT

            def do_DELETE(self) -> None:
                server.unexpected.append(f"DELETE {self.path}")
                self.not_found()

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def __enter__(self) -> "FakeApiServer":
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()

    def kubeconfig(self, directory: Path) -> Path:
        port = self.httpd.server_address[1]
        path = directory / "kubeconfig"
        path.write_text(yaml.safe_dump({
            "apiVersion": "v1", "kind": "Config", "current-context": "fake",
            "clusters": [{"name": "fake", "cluster": {"server": f"http://127.0.0.1:{port}"}}],
            "users": [{"name": "fake", "user": {"token": "fake"}}],
            "contexts": [{"name": "fake", "context": {"cluster": "fake", "user": "fake",
                                                       "namespace": NAMESPACE}}],
        }))
        return path


# ---------------------------------------------------------------------------------------------------------------
# Helm
# ---------------------------------------------------------------------------------------------------------------
class Render:
    def __init__(self, release: dict, server: FakeApiServer) -> None:
        self.release = release
        self.objects = [d for d in yaml.safe_load_all(release.get("manifest", "")) if d]
        self.created = list(server.created)
        self.unexpected = list(server.unexpected)
        self.notes = (release.get("info") or {}).get("notes", "")

    def of_kind(self, kind: str) -> list[dict]:
        return [o for o in self.objects if o.get("kind") == kind]

    def one(self, kind: str) -> dict:
        found = self.of_kind(kind)
        if len(found) != 1:
            raise AssertionError(f"expected one {kind}, rendered {len(found)}")
        return found[0]


def render(name: str, values: dict | None, workdir: Path, chart: Path = CHART) -> Render:
    """`helm install` of the chart with `values` into a fresh fake API server; returns what Helm rendered."""
    with FakeApiServer() as server:
        config = helm_sdkpy.Configuration(namespace=NAMESPACE, kubeconfig=str(server.kubeconfig(workdir)))
        release = asyncio.run(helm_sdkpy.Install(config).run(
            name, str(chart), values=values or None, wait=False, timeout=60))
        return Render(release, server)


def render_error(values: dict, workdir: Path) -> str | None:
    """The error Helm gives for `values`, or None when it renders."""
    try:
        render("rejected", values, workdir)
    except helm_sdkpy.HelmError as e:
        return str(e)
    return None


SEVERITY = {0: "UNKNOWN", 1: "INFO", 2: "WARNING", 3: "ERROR"}


def lint(chart: Path) -> list[tuple[str, str]]:
    """`helm lint`; returns (severity, path) of every message. helm-sdkpy drops the messages' text."""
    config = helm_sdkpy.Configuration(namespace=NAMESPACE)
    result = asyncio.run(helm_sdkpy.Lint(config).run(str(chart)))
    return [(SEVERITY.get(m.get("Severity"), str(m.get("Severity"))), m.get("Path", ""))
            for m in result.get("Messages") or []]


def chart_with_values(values: dict, workdir: Path, name: str) -> Path:
    """A copy of the chart whose values.yaml is `values` (helm-sdkpy's lint takes no values files)."""
    copy_dir = workdir / name / CHART.name
    shutil.copytree(CHART, copy_dir)
    (copy_dir / "values.yaml").write_text(yaml.safe_dump(values, sort_keys=False))
    return copy_dir


def deep_merge(base: dict, override: dict) -> dict:
    out = copy.deepcopy(base)
    for k, v in override.items():
        out[k] = deep_merge(out[k], v) if isinstance(v, dict) and isinstance(out.get(k), dict) else v
    return out


# ---------------------------------------------------------------------------------------------------------------
# Checks of rendered objects
# ---------------------------------------------------------------------------------------------------------------
def has_wildcard(rules: list[dict]) -> bool:
    return any("*" in str(x) for rule in rules
               for key in ("apiGroups", "resources", "verbs", "resourceNames", "nonResourceURLs")
               for x in rule.get(key, []))


def is_aggregated(role: dict) -> bool:
    return any(k.startswith(AGGREGATE_PREFIX) for k in (role["metadata"].get("labels") or {}))


def check_rbac(r: Render, sa_name: str) -> None:
    # The ClusterRoles aggregated into view/edit/admin are for people, bound by nobody: checked by
    # check_aggregated_roles. The operator's own roles are the others.
    cluster_roles = [o for o in r.of_kind("ClusterRole") if not is_aggregated(o)]
    roles = r.of_kind("Role")
    granted_cluster = rule_set([rule for cr in cluster_roles for rule in cr.get("rules", [])])
    granted_ns = rule_set_named([rule for ro in roles for rule in ro.get("rules", [])])
    check(not has_wildcard([rule for o in r.of_kind("ClusterRole") + roles for rule in o.get("rules", [])]),
          "RBAC: no '*' in apiGroups, resources, verbs or resourceNames")
    missing = sorted(CLUSTER_PERMISSIONS - granted_cluster)
    extra = sorted(granted_cluster - CLUSTER_PERMISSIONS)
    check(not missing, f"ClusterRole grants every (apiGroup, resource, verb) the operator uses; missing {missing}")
    check(not extra, f"ClusterRole grants nothing more; extra {extra}")
    check({(g, res, v) for (g, res, v, _) in granted_ns} == NAMESPACE_PERMISSIONS,
          f"Role grants exactly {sorted(NAMESPACE_PERMISSIONS)}; got {sorted(granted_ns)}")
    if roles:
        check(LEASE is not None and granted_ns == EXPECTED_ROLE,
              f"Lease Role: get/update only on Lease {LEASE!r} (resourceNames), create unlimited; "
              f"expected {sorted(EXPECTED_ROLE)}, got {sorted(granted_ns)}")
    check(all(ro["metadata"].get("namespace") == NAMESPACE for ro in roles),
          "Lease Role lives in the release namespace")
    for kind, role_kind, role_names in (("ClusterRoleBinding", "ClusterRole", cluster_roles),
                                        ("RoleBinding", "Role", roles)):
        bindings = r.of_kind(kind)
        names = {o["metadata"]["name"] for o in role_names}
        check(len(bindings) == len(role_names) and all(
            b["roleRef"]["kind"] == role_kind and b["roleRef"]["name"] in names
            and b["subjects"] == [{"kind": "ServiceAccount", "name": sa_name, "namespace": NAMESPACE}]
            for b in bindings), f"every {role_kind} is bound to ServiceAccount {NAMESPACE}/{sa_name} by a {kind}")


def check_aggregated_roles(r: Render, crds: list[dict]) -> None:
    """<fullname>-view (aggregate-to-view/edit/admin): read every kind; <fullname>-edit (aggregate-to-edit/admin):
    write only the namespaced kinds, nothing on AwsAccount or any cluster-scoped kind; neither is bound."""
    plural = {d["spec"]["names"]["plural"]: d["spec"]["scope"] for d in crds if d["spec"]["group"] == "awsbaseline.io"}
    namespaced = sorted(k for k, scope in plural.items() if scope == "Namespaced")
    cluster_scoped = sorted(k for k, scope in plural.items() if scope == "Cluster")
    check("awsaccounts" in cluster_scoped and namespaced == ["monitoringpolicies", "patchschedules"],
          f"scopes as the CRDs say: namespaced {namespaced}, cluster-scoped {cluster_scoped}")
    fullname = r.one("Deployment")["metadata"]["name"]
    agg = {o["metadata"]["name"]: o for o in r.of_kind("ClusterRole") if is_aggregated(o)}
    view, edit = agg.get(f"{fullname}-view"), agg.get(f"{fullname}-edit")
    check(sorted(agg) == [f"{fullname}-edit", f"{fullname}-view"],
          f"aggregated ClusterRoles {fullname}-view and -edit rendered: {sorted(agg)}")
    if not (view and edit):
        return
    labels = lambda o: {k: v for k, v in (o["metadata"].get("labels") or {}).items() if k.startswith(AGGREGATE_PREFIX)}
    check(labels(view) == {AGGREGATE_PREFIX + x: "true" for x in ("view", "edit", "admin", "cluster-reader")},
          f"view role aggregates to view, edit, admin, cluster-reader: {labels(view)}")
    check(labels(edit) == {AGGREGATE_PREFIX + x: "true" for x in ("edit", "admin")},
          f"edit role aggregates to edit and admin only: {labels(edit)}")
    check(rule_set(view["rules"]) == {("awsbaseline.io", k, v) for k in plural for v in ("get", "list", "watch")},
          f"view role: get/list/watch on every kind {sorted(plural)}, nothing else")
    granted = rule_set(edit["rules"])
    check(granted == {("awsbaseline.io", k, v) for k in namespaced
                      for v in ("create", "update", "patch", "delete", "deletecollection")},
          f"edit role: create/update/patch/delete(collection) on the namespaced kinds {namespaced} only: {sorted(granted)}")
    check(not [x for x in granted if x[1].split("/")[0] in cluster_scoped or "/" in x[1]],
          f"edit role: no verb on AwsAccount, AccountBaseline ({cluster_scoped}) or any status subresource")
    bound = {b["roleRef"]["name"] for b in r.of_kind("ClusterRoleBinding") + r.of_kind("RoleBinding")}
    check(not bound & set(agg), "aggregated roles are bound by no binding of the chart")


def effective(container: dict, pod: dict, key: str):
    c = container.get("securityContext") or {}
    return c[key] if key in c else (pod.get("securityContext") or {}).get(key)


def check_pod(r: Render, uid: int | None = 65532) -> dict:
    deployment = r.one("Deployment")
    pod = deployment["spec"]["template"]["spec"]
    containers = pod.get("containers", []) + pod.get("initContainers", [])
    check(len(containers) >= 1, "Deployment has containers")
    for c in containers:
        n = c["name"]
        sc = c.get("securityContext") or {}
        check(effective(c, pod, "runAsNonRoot") is True, f"{n}: runAsNonRoot")
        check(effective(c, pod, "runAsUser") == uid, f"{n}: runAsUser {uid if uid is not None else 'unset'}")
        check(sc.get("readOnlyRootFilesystem") is True, f"{n}: readOnlyRootFilesystem")
        check(sc.get("allowPrivilegeEscalation") is False, f"{n}: allowPrivilegeEscalation false")
        check(sc.get("privileged") in (None, False), f"{n}: not privileged")
        check("ALL" in ((sc.get("capabilities") or {}).get("drop") or [])
              and not (sc.get("capabilities") or {}).get("add"), f"{n}: capabilities drop ALL, add none")
        check((effective(c, pod, "seccompProfile") or {}).get("type") == "RuntimeDefault",
              f"{n}: seccompProfile RuntimeDefault")
    check(not pod.get("hostNetwork") and not pod.get("hostPID") and not pod.get("hostIPC"),
          "pod: no host namespaces")
    op = pod["containers"][0]
    ports = {p["name"]: p["containerPort"] for p in op.get("ports", [])}
    check("http-metrics" in ports, "container port named http-metrics")
    for probe, path in (("livenessProbe", "/healthz"), ("readinessProbe", "/readyz")):
        get = (op.get(probe) or {}).get("httpGet") or {}
        check(get.get("path") == path and get.get("port") in ("http-metrics", ports.get("http-metrics")),
              f"{probe}: GET {path} on the metrics port")
    check(op.get("command") == ["aws-baseline-operator", "run"], "command: aws-baseline-operator run")
    check(op["resources"].get("requests", {}).get("cpu") and op["resources"].get("requests", {}).get("memory")
          and op["resources"].get("limits", {}).get("memory"), "resources: cpu/memory requests and a memory limit")
    return op


def env_of(container: dict) -> dict:
    return {e["name"]: e for e in container.get("env", [])}


def env_read_by_code() -> set[str]:
    """Environment variable names the operator's own code reads (clap `env = "..."`, std::env::var("...")).
    Read from src/ at check time, so a flag added later is picked up without touching this file."""
    names: set[str] = set()
    for path in (ROOT / "src").rglob("*.rs"):
        text = path.read_text()
        names |= set(re.findall(r'\benv\s*=\s*"([A-Z0-9_]+)"', text))
        names |= set(re.findall(r'env::var(?:_os)?\(\s*"([A-Z0-9_]+)"', text))
    return names


def check_env_known(op: dict, extra_env: set[str]) -> None:
    read = env_read_by_code()
    set_by_chart = set(env_of(op)) - extra_env
    unknown = sorted(set_by_chart - read - LIBRARY_ENV - PENDING_ENV)
    check(not unknown, f"every env var the chart sets is read by the binary or known to be pending; unknown {unknown}")
    pending = sorted(set_by_chart & PENDING_ENV - read)
    if pending:
        print(f"  note chart sets env the binary does not read yet (flags to add): {', '.join(pending)}")
    landed = sorted(PENDING_ENV & read)
    if landed:
        print(f"  note now read by the binary, drop from PENDING_ENV: {', '.join(landed)}")
    flags = {"--log-format": "log_format"}
    cli = (ROOT / "src" / "cli.rs").read_text()
    for flag, field in flags.items():
        if flag in op.get("args", []):
            check(f"pub {field}:" in cli, f"flag {flag} exists in src/cli.rs")


CHART_CRDS = CHART / "files" / "crds.yaml"


def repo_crds() -> list[dict]:
    return [d for p in sorted(REPO_CRDS.iterdir()) if p.suffix in (".yaml", ".yml")
            for d in yaml.safe_load_all(p.read_text()) if d]


def check_crds(r: Render, keep: bool = True, extra_labels: dict | None = None) -> None:
    """The chart's CRDs are the repository's (what `aws-baseline-operator crd` generates, tests/platform/crds.rs): the file
    byte for byte, and the rendered objects equal to it apart from the chart's labels and the keep annotation."""
    repo_files = sorted(p.name for p in REPO_CRDS.iterdir() if p.suffix in (".yaml", ".yml"))
    check(repo_files == ["awsbaseline.io.yaml"] and CHART_CRDS.read_bytes() == (REPO_CRDS / repo_files[0]).read_bytes(),
          f"{CHART_CRDS.relative_to(ROOT)} is identical to crds/awsbaseline.io.yaml "
          f"(else: cp crds/awsbaseline.io.yaml {CHART_CRDS.relative_to(ROOT)})")
    check(not (CHART / "crds").exists(),
          "the chart has no crds/ directory (Helm would install it besides the CRD templates, and never upgrade it)")
    repo = repo_crds()
    plurals = sorted(d["spec"]["names"]["plural"] for d in repo if d["spec"]["group"] == "awsbaseline.io")
    check(set(plurals) == set(KINDS),
          f"src/rbac.rs covers exactly the kinds in crds/ {plurals}; RBAC has {KINDS}")
    rendered = {o["metadata"]["name"]: copy.deepcopy(o) for o in r.of_kind("CustomResourceDefinition")}
    check(sorted(rendered) == sorted(d["metadata"]["name"] for d in repo),
          f"the chart renders every CRD of crds/: {sorted(rendered)}")
    labels_ok = keep_ok = same = True
    for d in repo:
        o = rendered.get(d["metadata"]["name"])
        if o is None:
            same = False
            continue
        meta = o["metadata"]
        labels = meta.pop("labels", {}) or {}
        annotations = meta.pop("annotations", {}) or {}
        labels_ok &= labels.get("app.kubernetes.io/managed-by") == "Helm" and all(
            labels.get(k) == v for k, v in (extra_labels or {}).items())
        keep_ok &= annotations == ({"helm.sh/resource-policy": "keep"} if keep else {})
        same &= o == d
    check(same, "each rendered CRD equals crds/awsbaseline.io.yaml's apart from labels and annotations "
                "(the fromYaml/toYaml round trip changes nothing)")
    check(labels_ok, f"CRDs carry the chart's labels{' and commonLabels' if extra_labels else ''}")
    check(keep_ok, "CRDs annotated helm.sh/resource-policy: keep" if keep else "CRDs without the keep annotation")
    sent = sorted(o["metadata"]["name"] for o in r.created if o.get("kind") == "CustomResourceDefinition")
    check(sent == sorted(rendered), f"Helm creates the CRDs: {sent}")


def check_prometheus_rule(r: Render, values: dict) -> None:
    """Each alert's expression names only metrics src/metrics.rs exports, groups by labels they carry, and
    selects this release's series."""
    series, buckets = exported_metrics()
    print(f"  metrics exported (src/metrics.rs): {sorted(series)}")
    rules = [rule for g in r.one("PrometheusRule")["spec"]["groups"] for rule in g["rules"]]
    alerts = {rule["alert"]: rule for rule in rules}
    check(sorted(alerts) == ["AwsBaselineDriftPersists", "AwsBaselineNoLeader", "AwsBaselineReconcileErrors"],
          f"alerts: {sorted(alerts)}")
    for name, rule in alerts.items():
        expr = rule["expr"]
        used = set(re.findall(r"\b(awsbaseline_\w+)", expr))
        unknown = sorted(used - set(series))
        check(used and not unknown, f"{name}: metrics {sorted(used)} are exported; unknown {unknown}")
        labels = set().union(*(series.get(m, set()) for m in used))
        grouped = {x.strip() for g in re.findall(r"\bby\s*\(([^)]*)\)", expr) for x in g.split(",") if x.strip()}
        check(grouped <= labels, f"{name}: groups by labels the metrics carry: by {sorted(grouped)} of {sorted(labels)}")
        check(f'namespace="{NAMESPACE}"' in expr, f"{name}: selects the release namespace's series: {expr}")
        check(rule.get("labels", {}).get("severity") in ("warning", "critical") and rule["annotations"].get("summary"),
              f"{name}: severity and summary")
    pr = values["prometheusRule"]
    check(alerts["AwsBaselineDriftPersists"]["for"] == pr.get("driftFor", "30m")
          and "awsbaseline_drifted_settings" in alerts["AwsBaselineDriftPersists"]["expr"]
          and alerts["AwsBaselineDriftPersists"]["expr"].rstrip().endswith("> 0"),
          "drift alert: awsbaseline_drifted_settings > 0 for driftFor")
    check("awsbaseline_reconcile_errors_total" in alerts["AwsBaselineReconcileErrors"]["expr"],
          "reconcile-errors alert on awsbaseline_reconcile_errors_total")
    check("awsbaseline_leader" in alerts["AwsBaselineNoLeader"]["expr"]
          and "vector(0)" in alerts["AwsBaselineNoLeader"]["expr"],
          "no-leader alert: no replica reports awsbaseline_leader 1, also when none is scraped")
    if max(buckets) <= 60:
        print(f"  note reconcile_duration_seconds buckets stop at {max(buckets)}s: a pass of minutes lands in +Inf")


CHILD_MARKER = "HELM_CHART_CHECK_WORKDIR"


def check_gitops_examples() -> None:
    """examples/kustomization.yaml (what Argo CD and Flux apply) lists every operator manifest in examples/, and
    creates the namespaces they use; the Argo CD Application and the Flux Kustomization point at it."""
    examples = ROOT / "examples"
    listed = yaml.safe_load((examples / "kustomization.yaml").read_text()).get("resources", [])
    check(all((examples / f).is_file() for f in listed), f"every file kustomization.yaml lists exists: {listed}")
    docs = {f.name: [d for d in yaml.safe_load_all(f.read_text()) if isinstance(d, dict)]
            for f in sorted(examples.glob("*.y*ml")) if f.name != "kustomization.yaml"}
    operator_files = sorted(n for n, ds in docs.items()
                            if any(str(d.get("apiVersion", "")).startswith("awsbaseline.io/") for d in ds))
    check(set(operator_files) <= set(listed),
          f"kustomization.yaml lists every awsbaseline.io example; missing {sorted(set(operator_files) - set(listed))}")
    listed_docs = [d for f in listed for d in docs.get(f, [])]
    used = {d["metadata"]["namespace"] for d in listed_docs if d.get("metadata", {}).get("namespace")}
    created = {d["metadata"]["name"] for d in listed_docs if d.get("kind") == "Namespace"}
    check(used <= created, f"the namespaces the examples use are created; missing {sorted(used - created)}")
    argo = yaml.safe_load((examples / "gitops" / "argocd-application.yaml").read_text())
    check(argo["spec"]["source"]["path"] == "examples", "Argo CD Application syncs examples/")
    flux = [d for d in yaml.safe_load_all((examples / "gitops" / "flux-kustomization.yaml").read_text()) if d]
    ks = [d for d in flux if d["kind"] == "Kustomization"]
    check(len(ks) == 1 and ks[0]["spec"]["path"] == "./examples"
          and (ks[0]["spec"].get("wait") or ks[0]["spec"].get("healthChecks")),
          "Flux Kustomization applies ./examples with health checks")


def main() -> int:
    # Helm's Go runtime reads the process environment once, when the library loads: set Helm's variables (memory
    # release driver, caches away from $HOME) and re-execute, so they are there from the start.
    if CHILD_MARKER not in os.environ:
        work = tempfile.mkdtemp(prefix="helm-chart-check-")
        env = dict(os.environ, HELM_DRIVER="memory", **{CHILD_MARKER: work})
        for var in ("HELM_CACHE_HOME", "HELM_CONFIG_HOME", "HELM_DATA_HOME"):
            env[var] = os.path.join(work, var.lower())
        os.execve(sys.executable, [sys.executable, os.path.abspath(__file__), *sys.argv[1:]], env)
    work = Path(os.environ[CHILD_MARKER])
    signal.alarm(300)  # never hang a test run
    try:
        return run_checks(work)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def run_checks(work: Path) -> int:
    print(f"helm-sdkpy {helm_sdkpy.__version__} ({helm_sdkpy.get_version()}), chart {CHART.relative_to(ROOT)}")
    defaults = yaml.safe_load((CHART / "values.yaml").read_text())
    production = yaml.safe_load(PRODUCTION_VALUES.read_text())
    bad = yaml.safe_load(BAD_VALUES.read_text())

    print("\n== helm lint (default values, production values) ==")
    for label, chart in (("default values", CHART),
                         ("production values", chart_with_values(deep_merge(defaults, production), work, "prod"))):
        messages = lint(chart)
        print(f"  {label}: {messages}")
        check(not [m for m in messages if m[0] in ("WARNING", "ERROR", "UNKNOWN")],
              f"lint with {label}: no warnings or errors")
    messages = lint(chart_with_values(deep_merge(defaults, bad), work, "bad"))
    check(("ERROR", "values.yaml") in messages, f"lint rejects {BAD_VALUES.name} (values.yaml error): {messages}")

    print("\n== render with default values ==")
    r = render("aws-baseline-operator", None, work)
    if "--show" in sys.argv:
        print(r.release["manifest"])
    kinds = sorted(o["kind"] for o in r.objects)
    print(f"  rendered: {kinds}")
    check(not r.unexpected, f"Helm made only expected API calls: {r.unexpected}")
    check(sorted((o["kind"], o["metadata"]["name"]) for o in r.created)
          == sorted((o["kind"], o["metadata"]["name"]) for o in r.objects),
          "Helm created exactly the rendered objects")
    sa = r.one("ServiceAccount")
    check_rbac(r, sa["metadata"]["name"])
    check_aggregated_roles(r, repo_crds())
    op = check_pod(r)
    env = env_of(op)
    check(env.get("POD_NAME", {}).get("valueFrom", {}).get("fieldRef", {}).get("fieldPath") == "metadata.name",
          "POD_NAME from the downward API (metadata.name)")
    check(env.get("METRICS_ADDR", {}).get("value") == "0.0.0.0:8080", "METRICS_ADDR 0.0.0.0:8080")
    check(env.get("RECONCILE_CONCURRENCY", {}).get("value") == "32", "RECONCILE_CONCURRENCY 32 (values.yaml default)")
    check(env.get("RUST_LOG", {}).get("value", "").startswith("info,"), "RUST_LOG from logLevel")
    check(op.get("args") == ["--log-format", "text", "--lease-name", LEASE],
          f"args: --log-format text --lease-name {LEASE} (the binary's default Lease, the one the Role allows)")
    check(r.one("Deployment")["spec"]["template"]["spec"].get("terminationGracePeriodSeconds") == 300,
          "terminationGracePeriodSeconds 300 by default (in-flight passes finish after SIGTERM)")
    check("AWS_REGION" not in env and "WATCH_NAMESPACES" not in env,
          "no AWS_REGION / WATCH_NAMESPACES when unset (SDK chain / all namespaces)")
    check_env_known(op, set())
    res = op["resources"]
    check(res == {"requests": {"cpu": "50m", "memory": "96Mi"}, "limits": {"memory": "256Mi"}},
          f"default resources 50m/96Mi, limit 256Mi (README 'Fleet scale'): {res}")
    check("eks.amazonaws.com/role-arn" not in (sa["metadata"].get("annotations") or {}),
          "no IRSA annotation without serviceAccount.roleArn")
    svc = r.one("Service")
    check([(p["name"], p["port"]) for p in svc["spec"]["ports"]] == [("http-metrics", 8080)],
          "metrics Service: port 8080 named http-metrics")
    check(not r.of_kind("PodDisruptionBudget"), "no PodDisruptionBudget with 1 replica")
    check(not r.of_kind("ServiceMonitor") and not r.of_kind("NetworkPolicy") and not r.of_kind("PrometheusRule"),
          "ServiceMonitor, NetworkPolicy and PrometheusRule off by default")
    check("pod-identity-association" in r.notes, "NOTES explain EKS Pod Identity when no role ARN is set")
    check_crds(r)

    print(f"\n== render with {PRODUCTION_VALUES.relative_to(ROOT)} ==")
    p = render("aws-baseline-operator", production, work)
    print(f"  rendered: {sorted(o['kind'] for o in p.objects)}")
    check_rbac(p, p.one("ServiceAccount")["metadata"]["name"])
    op = check_pod(p)
    env = env_of(op)
    check(p.one("Deployment")["spec"]["replicas"] == 2, "2 replicas")
    check(op.get("args")[:2] == ["--log-format", "json"], "--log-format json")
    check(env.get("AWS_REGION", {}).get("value") == production["aws"]["region"], "AWS_REGION from aws.region")
    check(env.get("LEADER_ELECTION", {}).get("value") == "true", "LEADER_ELECTION true")
    annotations = p.one("ServiceAccount")["metadata"].get("annotations") or {}
    check(annotations.get("eks.amazonaws.com/role-arn") == production["serviceAccount"]["roleArn"],
          "IRSA annotation eks.amazonaws.com/role-arn rendered from serviceAccount.roleArn")
    pdb = p.of_kind("PodDisruptionBudget")
    check(len(pdb) == 1 and pdb[0]["spec"].get("minAvailable") == 1, "PodDisruptionBudget minAvailable 1 with 2 replicas")
    sm = p.of_kind("ServiceMonitor")
    check(len(sm) == 1 and sm[0]["spec"]["endpoints"][0]["port"] == "http-metrics", "ServiceMonitor on http-metrics")
    check(sm[0]["metadata"]["labels"].get("release") == "kube-prometheus-stack", "ServiceMonitor labels merged")
    check_aggregated_roles(p, repo_crds())
    check_prometheus_rule(p, deep_merge(defaults, production))
    spread = p.one("Deployment")["spec"]["template"]["spec"].get("topologySpreadConstraints") or []
    check([c["topologyKey"] for c in spread] == ["topology.kubernetes.io/zone"], "replicas spread over zones")
    netpol = p.of_kind("NetworkPolicy")
    if check(len(netpol) == 1, "NetworkPolicy rendered"):
        spec = netpol[0]["spec"]
        egress_ports = {(pt.get("port"), pt.get("protocol")) for e in spec["egress"] for pt in e.get("ports", [])}
        check({(53, "UDP"), (53, "TCP"), (443, "TCP")} <= egress_ports, f"egress DNS and 443: {egress_ports}")
        check([pt["port"] for i in spec["ingress"] for pt in i["ports"]] == ["http-metrics"],
              "ingress only to the metrics port")
        check(set(spec["policyTypes"]) == {"Ingress", "Egress"}, "policyTypes Ingress and Egress")

    print("\n== more values ==")
    v = render("ns-scoped", {"watchNamespaces": ["team-a", "team-b"], "defaultDriftInterval": "10m",
                             "logLevel": "debug,kube=info", "extraEnv": [{"name": "HTTPS_PROXY",
                                                                          "value": "http://proxy:3128"}]}, work)
    op = v.one("Deployment")["spec"]["template"]["spec"]["containers"][0]
    check_env_known(op, {"HTTPS_PROXY"})
    env = env_of(op)
    check(env.get("WATCH_NAMESPACES", {}).get("value") == "team-a,team-b", "WATCH_NAMESPACES comma-joined")
    check(env.get("DEFAULT_DRIFT_INTERVAL", {}).get("value") == "10m", "DEFAULT_DRIFT_INTERVAL")
    check(env.get("RUST_LOG", {}).get("value") == "debug,kube=info", "a full RUST_LOG directive is passed through")
    check(env.get("HTTPS_PROXY", {}).get("value") == "http://proxy:3128", "extraEnv appended")
    v = render("no-pdb", {"replicas": 2, "podDisruptionBudget": {"enabled": False}}, work)
    check(not v.of_kind("PodDisruptionBudget"), "no PodDisruptionBudget when podDisruptionBudget.enabled=false")
    v = render("no-le", {"leaderElection": {"enabled": False}}, work)
    check(not v.of_kind("Role") and not v.of_kind("RoleBinding"), "no Lease Role without leader election")
    check("--lease-name" not in v.one("Deployment")["spec"]["template"]["spec"]["containers"][0]["args"],
          "no --lease-name without leader election")

    print("\n== commonLabels, extraArgs, extraVolumes, topologySpreadConstraints, grace period, PrometheusRule ==")
    common = {"team": "platform", "cost-centre": "cc-42", "app.kubernetes.io/name": "not-the-chart"}
    extras = {
        "global": {"imageRegistry": "registry.example.com"},
        "replicas": 2,
        "commonLabels": common,
        "extraArgs": ["--lease-duration", "30s", "--lease-renew-deadline", "20s"],
        "extraEnv": [{"name": "AWS_CA_BUNDLE", "value": "/etc/corp-ca/ca.pem"}],
        "extraVolumes": [{"name": "corp-ca", "configMap": {"name": "corp-ca"}}],
        "extraVolumeMounts": [{"name": "corp-ca", "mountPath": "/etc/corp-ca", "readOnly": True}],
        "topologySpreadConstraints": [
            {"maxSkew": 1, "topologyKey": "topology.kubernetes.io/zone", "whenUnsatisfiable": "ScheduleAnyway"},
            {"maxSkew": 1, "topologyKey": "kubernetes.io/hostname", "whenUnsatisfiable": "DoNotSchedule",
             "labelSelector": {"matchLabels": {"app.kubernetes.io/name": "aws-baseline-operator"}}}],
        "terminationGracePeriodSeconds": 600,
        "metrics": {"port": 8080, "serviceMonitor": {"enabled": True}},
        "networkPolicy": {"enabled": True},
        "prometheusRule": {"enabled": True, "driftFor": "45m", "alertLabels": {"team": "platform"}},
    }
    x = render("aws-baseline-operator", extras, work)
    print(f"  rendered: {sorted(o['kind'] for o in x.objects)}")
    check(not x.unexpected and sorted((o["kind"], o["metadata"]["name"]) for o in x.created)
          == sorted((o["kind"], o["metadata"]["name"]) for o in x.objects), "Helm created exactly the rendered objects")
    own = {k: v for k, v in common.items() if not k.startswith("app.kubernetes.io/")}
    unlabelled = [f"{o['kind']}/{o['metadata']['name']}" for o in x.objects
                  if any((o["metadata"].get("labels") or {}).get(k) != v for k, v in own.items())]
    check(not unlabelled and len({o["kind"] for o in x.objects}) >= 12,
          f"commonLabels on every object ({len(x.objects)} of {len({o['kind'] for o in x.objects})} kinds); "
          f"missing on {unlabelled}")
    check(all((o["metadata"].get("labels") or {}).get("app.kubernetes.io/name") == "aws-baseline-operator"
              for o in x.objects), "commonLabels cannot override the chart's own labels")
    deployment = x.one("Deployment")
    pod = deployment["spec"]["template"]
    check(all(pod["metadata"]["labels"].get(k) == v for k, v in own.items())
          and deployment["spec"]["selector"]["matchLabels"] == {"app.kubernetes.io/name": "aws-baseline-operator",
                                                               "app.kubernetes.io/instance": "aws-baseline-operator"},
          "commonLabels on the pods; the Deployment selector unchanged")
    op = check_pod(x)
    check(op["args"] == ["--log-format", "text", "--lease-name", LEASE] + extras["extraArgs"],
          f"extraArgs appended after the chart's: {op['args']}")
    known = all(run_help_default(f) is not None for f in extras["extraArgs"] if f.startswith("--"))
    check(known, "the extraArgs used here are flags of `aws-baseline-operator run`")
    check_env_known(op, {"AWS_CA_BUNDLE"})
    check(env_of(op).get("AWS_CA_BUNDLE", {}).get("value") == "/etc/corp-ca/ca.pem", "extraEnv appended")
    check(pod["spec"].get("volumes") == extras["extraVolumes"]
          and op.get("volumeMounts") == extras["extraVolumeMounts"], "extraVolumes and extraVolumeMounts rendered")
    spread = pod["spec"].get("topologySpreadConstraints") or []
    check(len(spread) == 2 and spread[0]["labelSelector"] == {"matchLabels": deployment["spec"]["selector"]["matchLabels"]}
          and spread[1]["labelSelector"] == extras["topologySpreadConstraints"][1]["labelSelector"]
          and spread[0]["topologyKey"] == "topology.kubernetes.io/zone",
          "topologySpreadConstraints: a constraint without labelSelector selects the release's pods, one with keeps it")
    check(pod["spec"].get("terminationGracePeriodSeconds") == 600, "terminationGracePeriodSeconds from values")
    check_rbac(x, x.one("ServiceAccount")["metadata"]["name"])
    check_aggregated_roles(x, repo_crds())
    check_crds(x, keep=True, extra_labels=own)
    pr = x.one("PrometheusRule")
    check(pr["metadata"]["namespace"] == NAMESPACE, "PrometheusRule in the release namespace")
    check_prometheus_rule(x, deep_merge(defaults, extras))
    check(all(rule["labels"].get("team") == "platform" for g in pr["spec"]["groups"] for rule in g["rules"]),
          "prometheusRule.alertLabels on every alert")

    print("\n== OpenShift-style security contexts, CRDs without keep ==")
    o = render("aws-baseline-operator", {
        "podSecurityContext": {"runAsUser": None, "runAsGroup": None, "fsGroup": None},
        "securityContext": {"runAsUser": None, "runAsGroup": None},
        "crds": {"enabled": True, "keep": False}}, work)
    op = check_pod(o, uid=None)
    pod = o.one("Deployment")["spec"]["template"]["spec"]
    check(not {"runAsGroup", "fsGroup"} & (set(pod.get("securityContext") or {}) | set(op.get("securityContext") or {})),
          "null unsets runAsUser, runAsGroup and fsGroup (the platform assigns them); the rest stays restricted")
    check_crds(o, keep=False)

    print("\n== crds.enabled=false, rbac.aggregateToDefaultRoles=false ==")
    n = render("aws-baseline-operator", {"crds": {"enabled": False, "keep": True},
                                         "rbac": {"aggregateToDefaultRoles": False}}, work)
    check(not n.of_kind("CustomResourceDefinition")
          and not [c for c in n.created if c["kind"] == "CustomResourceDefinition"],
          "crds.enabled=false: no CRD rendered or sent")
    check(not [c for c in n.of_kind("ClusterRole") if is_aggregated(c)], "no aggregated ClusterRoles when disabled")
    check_rbac(n, n.one("ServiceAccount")["metadata"]["name"])
    check("crd | kubectl apply" in n.notes, "NOTES tell how to apply the CRDs when the chart does not")

    print("\n== as a subchart (a parent chart's global values) ==")
    parent = work / "parent"
    (parent / "charts").mkdir(parents=True)
    shutil.copytree(CHART, parent / "charts" / CHART.name)
    (parent / "Chart.yaml").write_text(yaml.safe_dump({"apiVersion": "v2", "name": "platform", "version": "1.0.0"}))
    (parent / "values.yaml").write_text(yaml.safe_dump({"global": {"imageRegistry": "registry.example.com",
                                                                   "imagePullSecrets": []},
                                                        CHART.name: {"replicas": 1}}))
    try:
        sub = render("platform", None, work, chart=parent)
        check(len(sub.of_kind("Deployment")) == 1, "renders as a subchart with global values")
    except helm_sdkpy.HelmError as e:
        check(False, f"renders as a subchart with global values: {e}")

    print("\n== the schema rejects bad values ==")
    error = render_error(bad, work)
    print(f"  {BAD_VALUES.name}: {error}")
    check(error is not None and "schema" in error.lower(), f"{BAD_VALUES.name} is rejected by values.schema.json")
    for case in ({"logFormat": "xml"}, {"replicas": "two"}, {"watchNamespace": ["a"]},
                 {"serviceAccount": {"create": True, "roleArn": "my-role"}},
                 {"serviceAccount": {"create": True, "annotation": {}}},
                 {"image": {"repository": "r", "pullPolicy": "Sometimes"}},
                 {"metrics": {"port": 8080, "serviceMonitor": {"enabled": "yes"}}},
                 {"crds": {"enabled": "yes", "keep": True}}, {"crds": {"enabled": True, "keep": True, "upgrade": True}},
                 {"commonLabels": {"team": 1}}, {"extraArgs": "--lease-duration 30s"}, {"extraArgs": [30]},
                 {"extraVolumes": [{"configMap": {"name": "x"}}]}, {"extraVolumeMounts": [{"name": "x"}]},
                 {"terminationGracePeriodSeconds": -1}, {"terminationGracePeriodSeconds": "300"},
                 {"securityContext": {"runAsUsr": 1000}}, {"podSecurityContext": {"runAsUser": "root"}},
                 {"topologySpreadConstraints": [{"maxSkew": 1, "topologyKey": "zone"}]},
                 {"rbac": {"aggregateToDefaultRoles": "true"}}, {"rbac": {"aggregateToAdmin": True}},
                 {"prometheusRule": {"enabled": True, "driftFor": "soon"}}, {"prometheusRule": {"enable": True}}):
        error = render_error(case, work)
        check(error is not None and "schema" in error.lower(), f"rejected: {json.dumps(case)}")

    print("\n== GitOps examples ==")
    check_gitops_examples()

    print()
    if FAILURES:
        print(f"{len(FAILURES)} check(s) failed:")
        for f in FAILURES:
            print(f"  - {f}")
        return 1
    print("all chart checks passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
