#!/usr/bin/env python3
"""`helm install` of charts/aws-baseline-operator into a real API server, with Helm's own engine (helm-sdkpy).

Used by the real-control-plane tests (tests/support/control_plane.rs) and scripts/demo.sh, so the operator runs
under exactly the ServiceAccount, ClusterRole, Role and bindings (and CRDs) that `helm install` creates.

    .venv/bin/python tests/helm/install.py KUBECONFIG NAMESPACE RELEASE [key=value ...]

Values are given as key=value (dotted keys, YAML values), e.g. `leaderElection.enabled=true`.
Prints the names of the objects Helm created; exit 0 on success, 1 when Helm refuses, 2 when helm-sdkpy is missing.
"""

from __future__ import annotations

import asyncio
import sys
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
    for doc in yaml.safe_load_all(result.get("manifest", "")):
        if doc:
            print(f"{doc['kind']}/{doc['metadata']['name']}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
