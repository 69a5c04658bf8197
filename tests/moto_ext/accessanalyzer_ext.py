"""IAM Access Analyzer analyzers and archive rules, a service moto 5.2.5 doesn't have at all (its server answers
HTTP 500: "Unable to find appropriate backend for access-analyzer.<region>.amazonaws.com").

Unlike the other extensions there is no moto class to extend, so this one adds the service the way moto's own are
built: a backend (:class:`AccessAnalyzerBackend`, a moto ``BaseBackend``) in a moto ``BackendDict`` (one backend per
account and Region, emptied by ``POST /moto-api/reset`` like every other), a response class (a moto ``BaseResponse``
for botocore's ``accessanalyzer`` model: moto finds the operation from the method and path, parses the request and
serializes ``ActionResult`` against the model's output shapes), and a URL map. :func:`apply` registers them as the
modules ``moto.accessanalyzer``, ``moto.accessanalyzer.models`` and ``moto.accessanalyzer.urls`` (where moto's server
imports a service from) and adds the service's host pattern to ``moto.backend_index.backend_url_patterns``; the server
maps a request to it from the SigV4 credential scope (signing name ``access-analyzer``).

Shapes follow the IAM Access Analyzer API Reference
(https://docs.aws.amazon.com/access-analyzer/latest/APIReference/API_<Operation>.html):

- CreateAnalyzer: name ``[A-Za-z][A-Za-z0-9_.-]*`` (1-255), a type of the model's ``Type`` enum; a taken name is
  ``ConflictException``. ``configuration.unusedAccess`` only for the ``*_UNUSED_ACCESS`` types (``unusedAccessAge``
  1-365, default 90), otherwise ``ValidationException``. Inline ``archiveRules`` are created with it. The analyzer is
  ``ACTIVE`` at once (nothing is analyzed in the emulator).
- GetAnalyzer, ListAnalyzers (``type`` filter, ``maxResults``/``nextToken``), UpdateAnalyzer (the unused-access
  configuration of an unused-access analyzer; ``ValidationException`` for another type), DeleteAnalyzer (with its
  archive rules and tags).
- CreateArchiveRule (``ConflictException`` for a taken name), GetArchiveRule, ListArchiveRules, UpdateArchiveRule
  (replaces the filter), DeleteArchiveRule; an unknown analyzer or rule is ``ResourceNotFoundException``. A filter
  criterion needs at least one of ``eq``, ``neq``, ``contains``, ``exists`` (``ValidationException``).
- TagResource, UntagResource, ListTagsForResource on analyzer ARNs
  ``arn:<partition>:access-analyzer:<region>:<account>:analyzer/<name>``.

Errors use the model's shapes and statuses: ``ValidationException`` 400, ``ResourceNotFoundException`` 404,
``ConflictException`` 409. Not modelled: findings, policy generation and checks, organization membership (an
``ORGANIZATION*`` analyzer is accepted from any account), ``clientToken`` idempotency, the service-linked role.
"""

from __future__ import annotations

import re
import sys
import types
from typing import Any

from moto import backend_index
from moto.core.base_backend import BackendDict, BaseBackend
from moto.core.exceptions import JsonRESTError
from moto.core.responses import ActionResult, BaseResponse, EmptyResult
from moto.core.utils import utcnow

import extlib

SERVICE = "accessanalyzer"  # moto's (and botocore's) service name
MODULE = f"moto.{SERVICE}"
HOST_PATTERN = re.compile(r"https?://access-analyzer\.(.+)\.amazonaws\.com")
TYPES = (
    "ACCOUNT",
    "ORGANIZATION",
    "ACCOUNT_UNUSED_ACCESS",
    "ORGANIZATION_UNUSED_ACCESS",
    "ACCOUNT_INTERNAL_ACCESS",
    "ORGANIZATION_INTERNAL_ACCESS",
)
NAME = re.compile(r"^[A-Za-z][A-Za-z0-9_.-]*$")
DEFAULT_UNUSED_ACCESS_AGE = 90
MAX_UNUSED_ACCESS_AGE = 365
MAX_RESULTS = 100


# --------------------------------------------------------------------------------------------------------------
# Errors (REST-JSON; status from the model's error shape)
# --------------------------------------------------------------------------------------------------------------


class AccessAnalyzerError(JsonRESTError):
    code = 400


class NotFoundError(AccessAnalyzerError):
    code = 404


class ConflictError(AccessAnalyzerError):
    code = 409


def validation(message: str) -> AccessAnalyzerError:
    return AccessAnalyzerError("ValidationException", message)


def not_found(message: str) -> NotFoundError:
    return NotFoundError("ResourceNotFoundException", message)


def conflict(message: str) -> ConflictError:
    return ConflictError("ConflictException", message)


# --------------------------------------------------------------------------------------------------------------
# Backend
# --------------------------------------------------------------------------------------------------------------


def _check_name(kind: str, name: Any) -> str:
    if not isinstance(name, str) or not 1 <= len(name) <= 255 or not NAME.match(name):
        raise validation(f"Invalid {kind} name: {name!r}")
    return name


def _check_filter(flt: Any) -> dict[str, Any]:
    if not isinstance(flt, dict) or not flt:
        raise validation("An archive rule needs a filter with at least one criterion.")
    out = {}
    for attr, criterion in flt.items():
        if not isinstance(criterion, dict) or not any(criterion.get(k) is not None for k in ("eq", "neq", "contains", "exists")):
            raise validation(f"The criterion for {attr} needs eq, neq, contains or exists.")
        out[attr] = {k: criterion[k] for k in ("eq", "neq", "contains", "exists") if criterion.get(k) is not None}
    return out


def _configuration(analyzer_type: str, configuration: Any) -> dict[str, Any] | None:
    unused = analyzer_type.endswith("_UNUSED_ACCESS")
    given = (configuration or {}).get("unusedAccess") if isinstance(configuration, dict) else None
    if configuration and (not unused or given is None):
        raise validation(f"configuration.unusedAccess is only valid for unused access analyzers, not {analyzer_type}.")
    if not unused:
        return None
    age = (given or {}).get("unusedAccessAge", DEFAULT_UNUSED_ACCESS_AGE)
    if not isinstance(age, int) or not 1 <= age <= MAX_UNUSED_ACCESS_AGE:
        raise validation(f"unusedAccessAge must be between 1 and {MAX_UNUSED_ACCESS_AGE}.")
    out: dict[str, Any] = {"unusedAccessAge": age}
    if (given or {}).get("analysisRule"):
        out["analysisRule"] = given["analysisRule"]
    return {"unusedAccess": out}


class AccessAnalyzerBackend(BaseBackend):
    """Analyzers of one account and Region, by name; each with its archive rules and tags."""

    def __init__(self, region_name: str, account_id: str) -> None:
        super().__init__(region_name, account_id)
        self.analyzers: dict[str, dict[str, Any]] = {}
        self.archive_rules: dict[str, dict[str, dict[str, Any]]] = {}

    def arn(self, name: str) -> str:
        return f"arn:{self.partition}:access-analyzer:{self.region_name}:{self.account_id}:analyzer/{name}"

    def analyzer(self, name: str) -> dict[str, Any]:
        a = self.analyzers.get(name)
        if a is None:
            raise not_found(f"Analyzer {name} not found.")
        return a

    def by_arn(self, arn: str) -> dict[str, Any]:
        for a in self.analyzers.values():
            if a["arn"] == arn:
                return a
        raise not_found(f"Resource {arn} not found.")

    def create_analyzer(
        self, name: Any, analyzer_type: Any, configuration: Any, rules: list[dict[str, Any]], tags: dict[str, str]
    ) -> dict[str, Any]:
        _check_name("analyzer", name)
        if analyzer_type not in TYPES:
            raise validation(f"Invalid analyzer type: {analyzer_type!r}")
        if name in self.analyzers:
            raise conflict(f"Analyzer {name} already exists.")
        config = _configuration(analyzer_type, configuration)
        checked = {}
        for r in rules:
            rule = _check_name("archive rule", r.get("ruleName"))
            if rule in checked:
                raise validation(f"Duplicate archive rule {rule}.")
            checked[rule] = _check_filter(r.get("filter"))
        analyzer = {
            "arn": self.arn(name),
            "name": name,
            "type": analyzer_type,
            "createdAt": utcnow(),
            "tags": dict(tags),
            "status": "ACTIVE",
        }
        if config:
            analyzer["configuration"] = config
        self.analyzers[name] = analyzer
        self.archive_rules[name] = {}
        for rule, flt in checked.items():
            self.create_archive_rule(name, rule, flt)
        return analyzer

    def update_analyzer(self, name: str, configuration: Any) -> dict[str, Any]:
        a = self.analyzer(name)
        if not a["type"].endswith("_UNUSED_ACCESS"):
            raise validation(f"Analyzer {name} of type {a['type']} has no configuration to update.")
        if configuration:
            a["configuration"] = _configuration(a["type"], configuration)
        return a

    def delete_analyzer(self, name: str) -> None:
        self.analyzer(name)
        del self.analyzers[name]
        self.archive_rules.pop(name, None)

    def create_archive_rule(self, analyzer: str, rule: Any, flt: Any) -> None:
        self.analyzer(analyzer)
        _check_name("archive rule", rule)
        rules = self.archive_rules[analyzer]
        if rule in rules:
            raise conflict(f"Archive rule {rule} already exists for analyzer {analyzer}.")
        now = utcnow()
        rules[rule] = {"ruleName": rule, "filter": _check_filter(flt), "createdAt": now, "updatedAt": now}

    def archive_rule(self, analyzer: str, rule: str) -> dict[str, Any]:
        self.analyzer(analyzer)
        r = self.archive_rules[analyzer].get(rule)
        if r is None:
            raise not_found(f"Archive rule {rule} not found for analyzer {analyzer}.")
        return r

    def update_archive_rule(self, analyzer: str, rule: str, flt: Any) -> None:
        r = self.archive_rule(analyzer, rule)
        r["filter"] = _check_filter(flt)
        r["updatedAt"] = utcnow()

    def delete_archive_rule(self, analyzer: str, rule: str) -> None:
        self.archive_rule(analyzer, rule)
        del self.archive_rules[analyzer][rule]


accessanalyzer_backends = BackendDict(AccessAnalyzerBackend, SERVICE)


# --------------------------------------------------------------------------------------------------------------
# Responses
# --------------------------------------------------------------------------------------------------------------


def _page(items: list[Any], limit: Any, token: Any) -> tuple[list[Any], str | None]:
    limit = int(limit or MAX_RESULTS)
    if not 1 <= limit <= MAX_RESULTS:
        raise validation(f"maxResults must be between 1 and {MAX_RESULTS}.")
    return extlib.page(items, limit, token, lambda: validation("Invalid nextToken."))


class AccessAnalyzerResponse(BaseResponse):
    def __init__(self) -> None:
        super().__init__(service_name=SERVICE)

    @property
    def aa_backend(self) -> AccessAnalyzerBackend:
        return accessanalyzer_backends[self.current_account][self.region]

    def create_analyzer(self) -> ActionResult:
        a = self.aa_backend.create_analyzer(
            self._get_param("analyzerName"),
            self._get_param("type"),
            self._get_param("configuration"),
            self._get_param("archiveRules") or [],
            self._get_param("tags") or {},
        )
        return ActionResult({"arn": a["arn"]})

    def get_analyzer(self) -> ActionResult:
        return ActionResult({"analyzer": self.aa_backend.analyzer(self._get_param("analyzerName"))})

    def list_analyzers(self) -> ActionResult:
        wanted = self._get_param("type")
        items = [a for _, a in sorted(self.aa_backend.analyzers.items()) if not wanted or a["type"] == wanted]
        shown, token = _page(items, self._get_param("maxResults"), self._get_param("nextToken"))
        return ActionResult({"analyzers": shown, "nextToken": token})

    def update_analyzer(self) -> ActionResult:
        a = self.aa_backend.update_analyzer(self._get_param("analyzerName"), self._get_param("configuration"))
        return ActionResult({"configuration": a.get("configuration")})

    def delete_analyzer(self) -> EmptyResult:
        self.aa_backend.delete_analyzer(self._get_param("analyzerName"))
        return EmptyResult()

    def create_archive_rule(self) -> EmptyResult:
        self.aa_backend.create_archive_rule(
            self._get_param("analyzerName"), self._get_param("ruleName"), self._get_param("filter")
        )
        return EmptyResult()

    def get_archive_rule(self) -> ActionResult:
        rule = self.aa_backend.archive_rule(self._get_param("analyzerName"), self._get_param("ruleName"))
        return ActionResult({"archiveRule": rule})

    def list_archive_rules(self) -> ActionResult:
        name = self._get_param("analyzerName")
        self.aa_backend.analyzer(name)
        items = [r for _, r in sorted(self.aa_backend.archive_rules[name].items())]
        shown, token = _page(items, self._get_param("maxResults"), self._get_param("nextToken"))
        return ActionResult({"archiveRules": shown, "nextToken": token})

    def update_archive_rule(self) -> EmptyResult:
        self.aa_backend.update_archive_rule(
            self._get_param("analyzerName"), self._get_param("ruleName"), self._get_param("filter")
        )
        return EmptyResult()

    def delete_archive_rule(self) -> EmptyResult:
        self.aa_backend.delete_archive_rule(self._get_param("analyzerName"), self._get_param("ruleName"))
        return EmptyResult()

    def tag_resource(self) -> EmptyResult:
        self.aa_backend.by_arn(self._get_param("resourceArn"))["tags"].update(self._get_param("tags") or {})
        return EmptyResult()

    def untag_resource(self) -> EmptyResult:
        tags = self.aa_backend.by_arn(self._get_param("resourceArn"))["tags"]
        for key in self._get_param("tagKeys") or []:
            tags.pop(key, None)
        return EmptyResult()

    def list_tags_for_resource(self) -> ActionResult:
        return ActionResult({"tags": dict(self.aa_backend.by_arn(self._get_param("resourceArn"))["tags"])})


url_bases = [HOST_PATTERN.pattern]
url_paths = {
    "{0}/analyzer$": AccessAnalyzerResponse.dispatch,
    "{0}/analyzer/(?P<analyzerName>[^/]+)$": AccessAnalyzerResponse.dispatch,
    "{0}/analyzer/(?P<analyzerName>[^/]+)/archive-rule$": AccessAnalyzerResponse.dispatch,
    "{0}/analyzer/(?P<analyzerName>[^/]+)/archive-rule/(?P<ruleName>[^/]+)$": AccessAnalyzerResponse.dispatch,
    "{0}/tags/(?P<resourceArn>.+)$": AccessAnalyzerResponse.dispatch,
}

ADDED_OPERATIONS: list[str] = []
FIXED_OPERATIONS: list[str] = []
SUMMARY = "a new moto service (moto 5.2.5 has no Access Analyzer)"


@extlib.once
def apply() -> None:
    """Register the service with moto's server. Idempotent; call before serving requests."""
    package = types.ModuleType(MODULE)
    package.__path__ = []  # type: ignore[attr-defined]
    package.accessanalyzer_backends = accessanalyzer_backends  # type: ignore[attr-defined]
    models = types.ModuleType(f"{MODULE}.models")
    models.accessanalyzer_backends = accessanalyzer_backends  # type: ignore[attr-defined]
    urls = types.ModuleType(f"{MODULE}.urls")
    urls.url_bases = url_bases  # type: ignore[attr-defined]
    urls.url_paths = url_paths  # type: ignore[attr-defined]
    # BaseBackend finds its URL map next to its class's module: moto.<service>.models -> moto.<service>.urls.
    AccessAnalyzerBackend.__module__ = models.__name__
    models.AccessAnalyzerBackend = AccessAnalyzerBackend  # type: ignore[attr-defined]
    sys.modules.setdefault(MODULE, package)
    sys.modules.setdefault(models.__name__, models)
    sys.modules.setdefault(urls.__name__, urls)
    if all(name != SERVICE for name, _ in backend_index.backend_url_patterns):
        backend_index.backend_url_patterns.append((SERVICE, HOST_PATTERN))
    ADDED_OPERATIONS[:] = sorted(
        extlib.camel(n) for n, f in vars(AccessAnalyzerResponse).items() if callable(f) and not n.startswith("_")
    )
