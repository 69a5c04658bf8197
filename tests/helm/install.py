#!/usr/bin/env python3
"""`helm install` of charts/aws-baseline-operator into a real API server, with Helm's own engine (helm-sdkpy).

Used by the real-control-plane tests (tests/support/control_plane.rs) and scripts/demo.sh, so the operator runs
under exactly the ServiceAccount, ClusterRole, Role and bindings (and CRDs) that `helm install` creates.

    .venv/bin/python tests/helm/install.py KUBECONFIG NAMESPACE RELEASE [key=value ...]

Values are given as key=value (dotted keys, YAML values), e.g. `leaderElection.enabled=true`.
Prints the names of the objects Helm created; exit 0 on success, 1 when Helm refuses (or the CRDs it created are
not Established in time), 2 when helm-sdkpy is missing.

The chart renders its CRDs as templates (crds.enabled, default true). Helm waits for a chart's crds/ directory to be
Established but not for templates, and `wait=False` (this control plane has no nodes, the Deployment never becomes
ready) waits for nothing: so this script waits until every CRD of the release is Established, as before, and the
callers can create custom resources as soon as it returns.
"""

from __future__ import annotations

import asyncio
import base64
import json
import ssl
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

CHART = Path(__file__).resolve().parents[2] / "charts" / "aws-baseline-operator"

try:
    import helm_sdkpy
    import yaml
except ImportError as e:  # pragma: no cover - environment problem
    print(f"helm-sdkpy is not installed in {sys.executable} ({e}); run .ci/run, or: "
          ".venv/bin/pip install --ignore-requires-python -r tests/requirements-helm.txt", file=sys.stderr)
    sys.exit(2)


def values_from(pairs: list[str]) -> dict:
    values: dict = {}
    for pair in pairs:
        key, _, raw = pair.partition("=")
        node = values
        *parents, last = key.split(".")
        for p in parents:
            node = node.setdefault(p, {})
        node[last] = yaml.safe_load(raw)
    return values


def api_get(kubeconfig: str, path: str) -> dict:
    """GET `path` from the API server of the kubeconfig's current context (CA, token or client certificate)."""
    config = yaml.safe_load(Path(kubeconfig).read_text())
    context = next(c["context"] for c in config["contexts"] if c["name"] == config["current-context"])
    cluster = next(c["cluster"] for c in config["clusters"] if c["name"] == context["cluster"])
    user = next((u["user"] for u in config.get("users") or [] if u["name"] == context.get("user")), {}) or {}
    tls = ssl.create_default_context()
    if cluster.get("insecure-skip-tls-verify"):
        tls.check_hostname, tls.verify_mode = False, ssl.CERT_NONE
    elif cluster.get("certificate-authority-data"):
        tls.load_verify_locations(cadata=base64.b64decode(cluster["certificate-authority-data"]).decode())
    elif cluster.get("certificate-authority"):
        tls.load_verify_locations(cafile=cluster["certificate-authority"])
    with tempfile.TemporaryDirectory() as tmp:
        files = {}
        for key in ("client-certificate", "client-key"):
            if user.get(f"{key}-data"):
                files[key] = Path(tmp, key)
                files[key].write_bytes(base64.b64decode(user[f"{key}-data"]))
            elif user.get(key):
                files[key] = Path(user[key])
        if files:
            tls.load_cert_chain(files["client-certificate"], files.get("client-key"))
        request = urllib.request.Request(cluster["server"].rstrip("/") + path)
        if user.get("token"):
            request.add_header("Authorization", f"Bearer {user['token']}")
        with urllib.request.urlopen(request, context=tls, timeout=10) as response:
            return json.load(response)


def wait_established(kubeconfig: str, names: list[str], limit: float = 120) -> list[str]:
    """Wait until every CRD in `names` is Established; returns those that are not after `limit` seconds."""
    deadline = time.monotonic() + limit
    pending = list(names)
    while pending:
        for name in list(pending):
            try:
                crd = api_get(kubeconfig, f"/apis/apiextensions.k8s.io/v1/customresourcedefinitions/{name}")
            except OSError:
                continue
            if any(c.get("type") == "Established" and c.get("status") == "True"
                   for c in (crd.get("status") or {}).get("conditions") or []):
                pending.remove(name)
        if not pending or time.monotonic() > deadline:
            break
        time.sleep(0.5)
    return pending


def main(argv: list[str]) -> int:
    if len(argv) < 4:
        print(__doc__, file=sys.stderr)
        return 2
    kubeconfig, namespace, release = argv[1:4]
    config = helm_sdkpy.Configuration(namespace=namespace, kubeconfig=kubeconfig)
    try:
        result = asyncio.run(helm_sdkpy.Install(config).run(
            release, str(CHART), values=values_from(argv[4:]) or None, create_namespace=True, wait=False,
            timeout=120))
    except helm_sdkpy.HelmError as e:
        print(f"helm install failed: {e}", file=sys.stderr)
        return 1
    crds = []
    for doc in yaml.safe_load_all(result.get("manifest", "")):
        if doc:
            print(f"{doc['kind']}/{doc['metadata']['name']}")
            if doc["kind"] == "CustomResourceDefinition":
                crds.append(doc["metadata"]["name"])
    pending = wait_established(kubeconfig, crds)
    if pending:
        print(f"CRDs not Established after 120 s: {pending}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
