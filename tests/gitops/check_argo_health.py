#!/usr/bin/env python3
"""Run the Argo CD health check of examples/gitops/argocd-health.yaml against fixtures, and check the GitOps
examples that install the operator.

1. Health. The Lua script is read from the argocd-cm ConfigMap in examples/gitops/argocd-health.yaml; every
   awsbaseline.io kind in crds/ must have a `resource.customizations.health.awsbaseline.io_<Kind>` key, all with the
   same script. Each fixture (tests/gitops/fixtures/*.yaml, a whole object) is turned into a Lua table the way
   Argo CD does it (JSON: numbers, strings, booleans, 1-based arrays, null = nil), set as the global `obj`, the script
   runs, and the table it returns must equal the expected {status, message} in tests/gitops/fixtures/health_test.yaml
   (the format of Argo CD's resource_customizations/<group>/<kind>/health_test.yaml). Argo CD runs health scripts with
   gopher-lua, which has Lua 5.1 semantics: the interpreter here is lupa's `lupa.lua51` (PUC Lua 5.1, bundled in the
   lupa wheel), and the script runs in an environment holding only `obj` and the base/string/table/math functions, so
   a script relying on io, os or require fails here as it would in Argo CD.

2. Install examples. examples/gitops/flux-helmrelease.yaml and argocd-operator-application.yaml install the chart
   charts/aws-baseline-operator from Git: the path must be that chart, every value key they set must exist in the
   chart's values.yaml or values.schema.json (read now, so a renamed value fails here), Flux must create/replace CRDs
   and order the custom resources after the release (dependsOn a Kustomization that health-checks the HelmRelease,
   and a GitRepository `ignore` that leaves that Kustomization's path holding only the release file), and Argo CD
   must sync the operator in an earlier wave than the custom resources, with ServerSideApply.

Run by tests/platform/argo_health.rs; on its own: .venv/bin/python tests/gitops/check_argo_health.py
Exit 0 when every check passes, 1 when one fails, 2 when lupa or PyYAML is missing.
"""

from __future__ import annotations

import fnmatch
import json
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
GITOPS = ROOT / "examples" / "gitops"
HEALTH = GITOPS / "argocd-health.yaml"
FIXTURES = Path(__file__).resolve().parent / "fixtures"
EXPECTATIONS = FIXTURES / "health_test.yaml"
CHART_PATH = "charts/aws-baseline-operator"
CHART = ROOT / CHART_PATH
GROUP = "awsbaseline.io"
KEY_PREFIX = f"resource.customizations.health.{GROUP}_"
HEALTH_STATUSES = {"Healthy", "Progressing", "Degraded", "Suspended", "Missing", "Unknown"}

try:
    import yaml
    import lupa
    import lupa.lua51
except ImportError as e:  # pragma: no cover - environment problem, not a health-check problem
    print(
        f"FAIL: {e}. lupa (Lua 5.1) and PyYAML must be installed in this Python ({sys.executable}).\n"
        "Run .ci/run, or: .venv/bin/pip install -r tests/requirements.txt",
        file=sys.stderr,
    )
    sys.exit(2)

FAILURES: list[str] = []


def check(cond: bool, what: str) -> bool:
    print(("  ok   " if cond else "  FAIL ") + what)
    if not cond:
        FAILURES.append(what)
    return cond


def load_all(path: Path) -> list[dict]:
    return [d for d in yaml.safe_load_all(path.read_text()) if d is not None]


# ---------------------------------------------------------------------------------------------------------------
# 1. The health Lua
# ---------------------------------------------------------------------------------------------------------------
def crd_kinds() -> list[str]:
    kinds = set()
    for f in sorted((ROOT / "crds").glob("*.y*ml")):
        for d in load_all(f):
            if d.get("kind") == "CustomResourceDefinition" and d["spec"]["group"] == GROUP:
                kinds.add(d["spec"]["names"]["kind"])
    return sorted(kinds)


# Runs `script` the way Argo CD's gopher-lua VM does: a chunk that sees the global `obj` and returns a table.
# setfenv gives it an environment with only what Argo CD's VM opens for health scripts that we rely on.
RUNNER = r"""
function(script, obj)
  local chunk, err = loadstring(script, "=argocd-health")
  if chunk == nil then error(err) end
  local env = {
    obj = obj, ipairs = ipairs, pairs = pairs, next = next, type = type, tostring = tostring,
    tonumber = tonumber, select = select, error = error, pcall = pcall, unpack = unpack,
    string = string, table = table, math = math,
  }
  setfenv(chunk, env)
  return chunk()
end
"""


class Lua:
    def __init__(self) -> None:
        self.rt = lupa.lua51.LuaRuntime()
        self.version = self.rt.eval("_VERSION")
        self.run_chunk = self.rt.eval(RUNNER)

    def table(self, value):
        """A JSON value as Argo CD hands it to Lua: objects and arrays become tables (arrays 1-based), null is nil."""
        if isinstance(value, dict):
            t = self.rt.table()
            for k, v in value.items():
                if v is not None:
                    t[k] = self.table(v)
            return t
        if isinstance(value, list):
            t = self.rt.table()
            for i, v in enumerate(value, 1):
                if v is not None:
                    t[i] = self.table(v)
            return t
        return value

    def health(self, script: str, obj: dict) -> dict:
        # Through JSON, as Argo CD does (timestamps become strings, integers numbers).
        obj = json.loads(json.dumps(obj, default=str))
        hs = self.run_chunk(script, self.table(obj))
        if lupa.lua51.lua_type(hs) != "table":
            raise AssertionError(f"the script returned {hs!r}, not a table")
        return {"status": hs["status"], "message": hs["message"]}


def stalling_reasons() -> set[str] | None:
    """STALLING_REASONS in src/api/common.rs: the reasons the operator sets Stalled for."""
    text = (ROOT / "src" / "api" / "common.rs").read_text()
    m = re.search(r"STALLING_REASONS\s*:\s*&\[&str\]\s*=\s*&\[(.*?)\];", text, re.S)
    return set(re.findall(r'"([A-Za-z]+)"', m.group(1))) if m else None


def check_health() -> None:
    print(f"\n== Argo CD health Lua ({HEALTH.relative_to(ROOT)}) ==")
    lua = Lua()
    print(f"  interpreter: lupa {lupa.__version__}, lupa.lua51 ({lua.version})")
    cms = [d for d in load_all(HEALTH) if d.get("kind") == "ConfigMap"]
    if not check(len(cms) == 1 and cms[0]["metadata"]["name"] == "argocd-cm",
                 "argocd-health.yaml is one ConfigMap named argocd-cm"):
        return
    data = cms[0].get("data") or {}
    scripts = {k[len(KEY_PREFIX):]: v for k, v in data.items() if k.startswith(KEY_PREFIX)}
    kinds = crd_kinds()
    check(bool(kinds), f"kinds of group {GROUP} read from crds/: {kinds}")
    check(set(scripts) == set(kinds),
          f"a health customization for every {GROUP} kind and no other; missing {sorted(set(kinds) - set(scripts))}, "
          f"unknown {sorted(set(scripts) - set(kinds))}")
    check(len(set(scripts.values())) == 1, "one Lua script for all kinds")
    if not scripts:
        return

    expected = (yaml.safe_load(EXPECTATIONS.read_text()) or {}).get("tests") or []
    fixture_files = sorted(p.name for p in FIXTURES.glob("*.yaml") if p != EXPECTATIONS)
    listed = [t["inputPath"] for t in expected]
    check(sorted(set(listed)) == fixture_files and len(listed) == len(set(listed)),
          f"health_test.yaml lists every fixture once; not listed {sorted(set(fixture_files) - set(listed))}, "
          f"missing files {sorted(set(listed) - set(fixture_files))}")

    seen: dict[str, set[str]] = {k: set() for k in kinds}
    stalled_kinds: set[str] = set()
    allowed_stalled = stalling_reasons()
    check(allowed_stalled is not None, "src/api/common.rs defines STALLING_REASONS (the reasons for Stalled)")
    print(f"\n  {'fixture':48} {'expected':12} result")
    for t in expected:
        path = FIXTURES / t["inputPath"]
        want = t["healthStatus"]
        if not check(path.is_file(), f"{t['inputPath']} exists"):
            continue
        obj = yaml.safe_load(path.read_text())
        kind = obj.get("kind", "")
        script = scripts.get(kind)
        if not check(script is not None, f"{t['inputPath']}: kind {kind} has a health customization"):
            continue
        try:
            got = lua.health(script, obj)
        except Exception as e:  # a Lua error is a failing case, not a crash of the checker
            got = {"status": None, "message": f"Lua error: {e}"}
        print(f"  {t['inputPath']:48} {want['status']:12} {got['status']}: {got['message']}")
        check(want["status"] in HEALTH_STATUSES, f"{t['inputPath']}: expected status {want['status']} is an Argo CD one")
        check(got == {"status": want["status"], "message": want.get("message")},
              f"{t['inputPath']}: {want['status']} / {want.get('message')!r}; got {got['status']} / {got['message']!r}")
        seen.setdefault(kind, set()).add(want["status"])
        conditions = (obj.get("status") or {}).get("conditions") or []
        for c in conditions:
            if c.get("type") == "Stalled":
                stalled_kinds.add(kind)
                check(c.get("status") == "True", f"{t['inputPath']}: Stalled is present only while True")
                if allowed_stalled is not None:
                    check(c.get("reason") in allowed_stalled,
                          f"{t['inputPath']}: Stalled reason {c.get('reason')} is one the operator sets "
                          f"(STALLING_REASONS)")
    if allowed_stalled is not None:
        check(not allowed_stalled & {"Throttled", "Transient"}, "throttling and transient errors never stall")
    for kind in kinds:
        check({"Healthy", "Progressing", "Degraded"} <= seen.get(kind, set()),
              f"{kind}: fixtures for Healthy, Progressing and Degraded; have {sorted(seen.get(kind, set()))}")
        check(kind in stalled_kinds, f"{kind}: a Stalled fixture")


# ---------------------------------------------------------------------------------------------------------------
# 2. The examples that install the operator
# ---------------------------------------------------------------------------------------------------------------
def chart_values() -> tuple[dict, dict]:
    values = yaml.safe_load((CHART / "values.yaml").read_text()) or {}
    schema_file = CHART / "values.schema.json"
    schema = json.loads(schema_file.read_text()) if schema_file.is_file() else {}
    return values, schema


def key_paths(values: dict, prefix: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    """Leaf key paths of a values object (a non-empty map is walked into, anything else is a leaf)."""
    out = []
    for k, v in values.items():
        if isinstance(v, dict) and v:
            out.extend(key_paths(v, prefix + (k,)))
        else:
            out.append(prefix + (k,))
    return out


def in_values(path: tuple[str, ...], values: dict) -> bool:
    node = values
    for i, k in enumerate(path):
        if not isinstance(node, dict):
            return False
        if k not in node:
            # A map the chart leaves empty ({}: podAnnotations, nodeSelector...) takes any key.
            return i > 0 and node == {}
        node = node[k]
    return True


def in_schema(path: tuple[str, ...], schema: dict) -> bool:
    node = schema
    for k in path:
        props = node.get("properties") or {}
        if k in props:
            node = props[k]
        elif isinstance(node.get("additionalProperties"), dict):
            node = node["additionalProperties"]
        else:
            return False
    return True


def check_value_keys(label: str, used: dict) -> None:
    values, schema = chart_values()
    for path in key_paths(used):
        name = ".".join(path)
        check(in_values(path, values) or in_schema(path, schema),
              f"{label}: value {name} exists in {CHART_PATH}/values.yaml or values.schema.json")


def ignored(patterns: list[str], path: str, is_dir: bool) -> bool:
    """gitignore as Flux's source-controller applies GitRepository.spec.ignore (go-git's matcher: the last
    matching pattern wins; an anchored pattern matches the path or a directory above it)."""
    parts = path.strip("/").split("/")
    for raw in reversed(patterns):
        negate = raw.startswith("!")
        pattern = raw[1:] if negate else raw
        dir_only = pattern.endswith("/")
        pat = pattern.strip("/").split("/")
        if not pattern.startswith("/") or "**" in pattern:
            raise AssertionError(f"the checker handles only anchored patterns without '**': {raw}")
        rest = parts
        matched = True
        for i, p in enumerate(pat):
            if not rest or not fnmatch.fnmatchcase(rest[0], p):
                matched = False
                break
            rest = rest[1:]
            if not rest and i < len(pat) - 1:
                matched = False
                break
        if matched and dir_only and not is_dir and not rest:
            matched = False
        if matched:
            return not negate
    return False


def in_artifact(patterns: list[str], path: str) -> bool:
    """A file is in the source artifact when neither it nor a directory above it is ignored."""
    parts = path.split("/")
    return all(not ignored(patterns, "/".join(parts[:i]), True) for i in range(1, len(parts))) \
        and not ignored(patterns, path, False)


def repo_files(under: str) -> list[str]:
    base = ROOT / under
    return sorted(str(p.relative_to(ROOT)) for p in base.rglob("*") if p.is_file() and "__pycache__" not in p.parts)


def check_flux() -> None:
    path = GITOPS / "flux-helmrelease.yaml"
    print(f"\n== {path.relative_to(ROOT)} ==")
    docs = load_all(path)
    by_kind: dict[str, list[dict]] = {}
    for d in docs:
        by_kind.setdefault(d.get("kind", ""), []).append(d)
    releases = by_kind.get("HelmRelease", [])
    if not check(len(releases) == 1, "one HelmRelease"):
        return
    hr = releases[0]
    spec = hr["spec"]
    chart = spec["chart"]["spec"]
    ref = chart["sourceRef"]
    check(ref["kind"] in ("GitRepository", "HelmRepository", "OCIRepository"), f"chart source kind {ref['kind']}")
    sources = {d["metadata"]["name"]: d for d in docs if d.get("kind") == ref["kind"]}
    check(ref["name"] in sources, f"the chart's source {ref['kind']}/{ref['name']} is in the file")
    if ref["kind"] == "GitRepository":
        check(chart["chart"].lstrip("./").rstrip("/") == CHART_PATH, f"chart path is ./{CHART_PATH}: {chart['chart']}")
    for phase in ("install", "upgrade"):
        check((spec.get(phase) or {}).get("crds") == "CreateReplace", f"{phase}.crds: CreateReplace")
    check_value_keys("HelmRelease values", spec.get("values") or {})
    check((spec.get("values") or {}).get("crds") == {"enabled": True, "keep": True},
          "HelmRelease sets crds.enabled and crds.keep")

    # The ordering: the custom-resource Kustomization dependsOn a Kustomization that health-checks the release.
    wrappers = [k for k in by_kind.get("Kustomization", [])
                if any(h.get("kind") == "HelmRelease" and h.get("name") == hr["metadata"]["name"]
                       for h in k["spec"].get("healthChecks") or [])]
    if not check(len(wrappers) == 1, "a Kustomization health-checks the HelmRelease"):
        return
    wrapper = wrappers[0]
    cr_docs = load_all(GITOPS / "flux-kustomization.yaml")
    cr_ks = [d for d in cr_docs if d.get("kind") == "Kustomization"]
    check(len(cr_ks) == 1 and {"name": wrapper["metadata"]["name"]} in (cr_ks[0]["spec"].get("dependsOn") or []),
          f"flux-kustomization.yaml's Kustomization dependsOn {wrapper['metadata']['name']}")
    # What that Kustomization applies: its path in its source, after the source's ignore rules.
    wsrc = wrapper["spec"]["sourceRef"]
    source = sources.get(wsrc["name"]) if wsrc["kind"] == ref["kind"] else None
    if not check(source is not None, f"the Kustomization's source {wsrc['kind']}/{wsrc['name']} is in the file"):
        return
    patterns = [ln.strip() for ln in (source["spec"].get("ignore") or "").splitlines()
                if ln.strip() and not ln.strip().startswith("#")]
    wpath = wrapper["spec"]["path"].lstrip("./").rstrip("/")
    applied = [f for f in repo_files(wpath) if in_artifact(patterns, f)]
    check(applied == [str(path.relative_to(ROOT))],
          f"the Kustomization's path ./{wpath} holds only this file in the artifact: {applied}")
    chart_files = repo_files(CHART_PATH)
    missing = [f for f in chart_files if not in_artifact(patterns, f)]
    check(bool(chart_files) and not missing, f"the source keeps every file of {CHART_PATH}; ignored {missing}")


def sync_wave(app: dict) -> int:
    return int(((app.get("metadata") or {}).get("annotations") or {}).get("argocd.argoproj.io/sync-wave", "0"))


def check_argo() -> None:
    path = GITOPS / "argocd-operator-application.yaml"
    print(f"\n== {path.relative_to(ROOT)} ==")
    docs = load_all(path)
    apps = [d for d in docs if d.get("kind") == "Application"]
    if not check(len(apps) == 1, "one Application"):
        return
    app = apps[0]
    source = app["spec"]["source"]
    check(source.get("path", "").rstrip("/") == CHART_PATH, f"source.path is {CHART_PATH}: {source.get('path')}")
    helm = source.get("helm") or {}
    used = dict(helm.get("valuesObject") or {})
    if helm.get("values"):
        used.update(yaml.safe_load(helm["values"]) or {})
    check_value_keys("Application helm values", used)
    check(used.get("crds") == {"enabled": True, "keep": True}, "Application sets crds.enabled and crds.keep")
    options = (app["spec"].get("syncPolicy") or {}).get("syncOptions") or []
    check("ServerSideApply=true" in options, "operator Application: ServerSideApply=true")
    cr_app = yaml.safe_load((GITOPS / "argocd-application.yaml").read_text())
    cr_options = (cr_app["spec"].get("syncPolicy") or {}).get("syncOptions") or []
    check(sync_wave(app) < sync_wave(cr_app),
          f"operator in an earlier sync wave ({sync_wave(app)}) than the custom resources ({sync_wave(cr_app)})")
    check("SkipDryRunOnMissingResource=true" in cr_options,
          "custom-resource Application: SkipDryRunOnMissingResource=true")


def check_examples_parse() -> None:
    print(f"\n== {GITOPS.relative_to(ROOT)}/*.yaml parse ==")
    for f in sorted(GITOPS.glob("*.y*ml")):
        try:
            docs = load_all(f)
            ok = bool(docs) and all(isinstance(d, dict) and d.get("apiVersion") and d.get("kind")
                                    and (d.get("metadata") or {}).get("name") for d in docs)
            check(ok, f"{f.name}: {len(docs)} object(s), each with apiVersion, kind and metadata.name")
        except yaml.YAMLError as e:
            check(False, f"{f.name} parses: {e}")


def main() -> int:
    check_health()
    check_examples_parse()
    check_flux()
    check_argo()
    print()
    if FAILURES:
        print(f"{len(FAILURES)} check(s) failed:")
        for f in FAILURES:
            print(f"  - {f}")
        return 1
    print("all Argo CD health and GitOps example checks passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
