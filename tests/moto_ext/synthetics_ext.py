"""Adds the CloudWatch Synthetics operations moto 5.2.5 lacks (and fixes the ones it gets wrong) for canaries.

moto 5.2.5 implements CreateCanary, GetCanary, DescribeCanaries and ListTagsForResource only, and those partly:
GetCanary of an unknown canary is HTTP 500 (a ``KeyError``), DescribeCanaries ignores ``Names``, ``MaxResults`` and
``NextToken``, ListTagsForResource looks the ARN up as a canary *name*, a second CreateCanary of a name silently
replaces the canary, and every canary is returned with its ``Timeline`` as ISO strings (the REST-JSON protocol sends
timestamps as epoch seconds, which the SDKs expect) and its ``Code`` as the request's (``ZipFile`` included, no
``SourceLocationArn``). There is no UpdateCanary, DeleteCanary, StartCanary, StopCanary, TagResource or
UntagResource.

Everything is kept on moto's own objects: the canaries of ``moto.synthetics.models.synthetics_backends[account]
[region].canaries`` (moto's ``Canary``), with a few extra attributes (code version, start/stop times), so the added
operations and moto's own see the same canaries, state is scoped per account and Region, and ``POST /moto-api/reset``
clears it.

How it hooks in: Synthetics is a REST-JSON service. moto's werkzeug app hands a request to
``SyntheticsResponse.dispatch`` only if its path matches ``moto.synthetics.urls.url_paths`` (read when moto creates
the service's app, at its first Synthetics request); the response class finds the operation from botocore's model
(method + ``requestUri``) and calls the snake-case method. :func:`apply` adds the ``/canary/{name}/start`` and
``/stop`` paths and sets the handlers below on ``SyntheticsResponse``. Errors go out in the REST-JSON shape with the
model's status: ``{"__type": "ResourceNotFoundException", "message": ...}`` 404, ``ConflictException`` 409,
``ValidationException`` 400, and for the tagging operations ``NotFoundException`` 404 / ``BadRequestException`` 400.

Request and response shapes follow the Amazon CloudWatch Synthetics API Reference, one page per operation, e.g.
https://docs.aws.amazon.com/AmazonSynthetics/latest/APIReference/API_UpdateCanary.html

Semantics (the API reference's, simplified where the emulator runs nothing):
- CreateCanary leaves the canary ``READY`` (AWS: ``CREATING``, then ``READY``); StartCanary makes it ``RUNNING``,
  StopCanary ``STOPPED`` at once (AWS passes through ``STARTING`` / ``STOPPING``).
- A running canary can't be deleted, and a canary in a transitional state can't be changed (``ConflictException``).
- Sending ``Code`` to CreateCanary or UpdateCanary publishes a new layer version: ``Code.SourceLocationArn`` ends in
  ``:<version>``. The zip itself is not returned (the API has no member for it).
"""

from __future__ import annotations

import json
import re
import threading
from typing import Any
from urllib.parse import parse_qs, unquote, urlparse

from moto.core.exceptions import JsonRESTError
from moto.core.utils import unix_time, utcnow
from moto.moto_api._internal import mock_random as random
from moto.synthetics import models as syn_models
from moto.synthetics import responses as syn_responses
from moto.synthetics import urls as syn_urls

import extlib

Backend = syn_models.SyntheticsBackend
Response = syn_responses.SyntheticsResponse
Canary = syn_models.Canary

API_REFERENCE = "https://docs.aws.amazon.com/AmazonSynthetics/latest/APIReference"

ADDED_OPERATIONS: list[str] = []
FIXED_OPERATIONS: list[str] = []
SUMMARY = "canary timelines as epoch seconds, Code.SourceLocationArn per published code version"

URL_PATHS = [
    "{0}/canary/(?P<name>[^/]+)/start$",
    "{0}/canary/(?P<name>[^/]+)/stop$",
]

# CanaryName: 1-255 of [0-9a-z_-] (the model's pattern); DescribeCanaries: at most 5 Names, MaxResults 1-20
# (default 20); a resource has at most 50 tags; retention periods 1-455 days.
NAME = re.compile(r"^[0-9a-z_\-]{1,255}$")
MAX_NAMES = 5
MAX_RESULTS = 20
MAX_TAGS = 50
TRANSITIONAL = ("CREATING", "STARTING", "UPDATING", "STOPPING", "DELETING")
CANARY_ARN = re.compile(r"^arn:(aws[a-z-]*):synthetics:([a-z0-9-]+):(\d{12}):canary:(.+)$")

_LOCK = threading.Lock()
_ORIGINAL: dict[str, Any] = {}


# --------------------------------------------------------------------------------------------------------------
# Errors (REST-JSON; status from the model's error shape)
# --------------------------------------------------------------------------------------------------------------


class SyntheticsError(JsonRESTError):
    code = 400


class NotFoundError(SyntheticsError):
    code = 404


class ConflictError(SyntheticsError):
    code = 409


def validation(message: str) -> SyntheticsError:
    return SyntheticsError("ValidationException", message)


def not_found(name: str) -> SyntheticsError:
    return NotFoundError("ResourceNotFoundException", f"Canary {name} does not exist.")


def conflict(message: str) -> SyntheticsError:
    return ConflictError("ConflictException", message)


def bad_request(message: str) -> SyntheticsError:
    return SyntheticsError("BadRequestException", message)


def tag_not_found(arn: str) -> SyntheticsError:
    return NotFoundError("NotFoundException", f"Resource {arn} does not exist.")


# --------------------------------------------------------------------------------------------------------------
# Canaries as the API returns them
# --------------------------------------------------------------------------------------------------------------


def _epoch(t: Any) -> float | None:
    return None if t is None else unix_time(t)


def _code_version(c: Canary) -> int:
    return int(c.__dict__.get("_ext_code_version", 1))


def source_location_arn(c: Canary, partition: str, region: str, account: str) -> str:
    return f"arn:{partition}:lambda:{region}:{account}:layer:cwsyn-{c.name}-{c.id}:{_code_version(c)}"


def canary_output(c: Canary, partition: str, region: str, account: str) -> dict[str, Any]:
    """The ``Canary`` structure (only members of the output shape; timestamps as epoch seconds)."""
    out: dict[str, Any] = {
        "Id": c.id,
        "Name": c.name,
        "Code": {
            "SourceLocationArn": source_location_arn(c, partition, region, account),
            "Handler": (c.code or {}).get("Handler"),
        },
        "ExecutionRoleArn": c.execution_role_arn,
        "Schedule": {k: v for k, v in (c.schedule or {}).items() if k in ("Expression", "DurationInSeconds")},
        "RunConfig": {"TimeoutInSeconds": (c.run_config or {}).get("TimeoutInSeconds", 60)},
        "SuccessRetentionPeriodInDays": c.success_retention_period_in_days,
        "FailureRetentionPeriodInDays": c.failure_retention_period_in_days,
        "Status": {"State": c.state, "StateReason": "", "StateReasonCode": ""},
        "Timeline": {
            k: v
            for k, v in {
                "Created": _epoch(c.timeline.get("Created")),
                "LastModified": _epoch(c.timeline.get("LastModified")),
                "LastStarted": _epoch(c.timeline.get("LastStarted")),
                "LastStopped": _epoch(c.timeline.get("LastStopped")),
            }.items()
            if v is not None
        },
        # AWS returns the location without the s3:// scheme.
        "ArtifactS3Location": (c.artifact_s3_location or "").removeprefix("s3://"),
        "EngineArn": f"arn:{partition}:lambda:{region}:{account}:function:cwsyn-{c.name}-{c.id}",
        "RuntimeVersion": c.runtime_version,
        "Tags": dict(c.tags or {}),
    }
    if not out["Status"]["StateReasonCode"]:
        del out["Status"]["StateReasonCode"]
    return out


def _validate_code(code: Any) -> None:
    if not isinstance(code, dict) or not code.get("Handler"):
        raise validation("Code.Handler is required.")
    if not code.get("ZipFile") and not (code.get("S3Bucket") and code.get("S3Key")):
        raise validation("Code needs ZipFile, or S3Bucket and S3Key.")


def _validate_retention(params: dict[str, Any]) -> None:
    for m in ("SuccessRetentionPeriodInDays", "FailureRetentionPeriodInDays"):
        v = params.get(m)
        if v is not None and not (isinstance(v, int) and 1 <= v <= 455):
            raise validation(f"{m} must be between 1 and 455.")


def _validate_tags(tags: Any) -> dict[str, str]:
    if tags is None:
        return {}
    if not isinstance(tags, dict) or len(tags) > MAX_TAGS:
        raise validation(f"Tags must be a map of at most {MAX_TAGS} entries.")
    return {str(k): str(v) for k, v in tags.items()}


# --------------------------------------------------------------------------------------------------------------
# Handlers
# --------------------------------------------------------------------------------------------------------------


class ResponseExtension:
    """Handlers set on moto's ``SyntheticsResponse`` (the snake-case operation names)."""

    def _ext_body(self: Any) -> dict[str, Any]:
        return extlib.json_body(self.body, validation)

    def _ext_segments(self: Any) -> list[str]:
        return [unquote(s) for s in urlparse(self.path).path.split("/") if s]

    def _ext_query(self: Any) -> dict[str, list[str]]:
        return parse_qs(urlparse(self.uri).query) if getattr(self, "uri", None) else dict(self.querystring)

    def _ext_canary(self: Any, name: str) -> Canary:
        canary = self.synthetics_backend.canaries.get(name)
        if canary is None:
            raise not_found(name)
        return canary

    def _ext_out(self: Any, c: Canary) -> dict[str, Any]:
        b = self.synthetics_backend
        return canary_output(c, self.partition, b.region_name, b.account_id)

    def create_canary(self: Any) -> str:
        params = self._ext_body()
        name = params.get("Name")
        if not isinstance(name, str) or not NAME.match(name):
            raise validation("Name must be 1-255 characters of lowercase letters, digits, '_' and '-'.")
        for m in ("ArtifactS3Location", "ExecutionRoleArn", "RuntimeVersion"):
            if not params.get(m):
                raise validation(f"{m} is required.")
        if not (params.get("Schedule") or {}).get("Expression"):
            raise validation("Schedule.Expression is required.")
        _validate_code(params.get("Code"))
        _validate_retention(params)
        tags = _validate_tags(params.get("Tags"))
        backend = self.synthetics_backend
        with _LOCK:
            if name in backend.canaries:
                raise validation(f"A canary named {name} already exists.")
            canary = backend.create_canary(
                name=name,
                code={"Handler": params["Code"]["Handler"]},
                artifact_s3_location=params["ArtifactS3Location"],
                execution_role_arn=params["ExecutionRoleArn"],
                schedule=params["Schedule"],
                run_config=params.get("RunConfig") or {"TimeoutInSeconds": 60},
                success_retention_period_in_days=params.get("SuccessRetentionPeriodInDays", 31),
                failure_retention_period_in_days=params.get("FailureRetentionPeriodInDays", 31),
                runtime_version=params["RuntimeVersion"],
                vpc_config=params.get("VpcConfig"),
                resources_to_replicate_tags=params.get("ResourcesToReplicateTags"),
                provisioned_resource_cleanup=params.get("ProvisionedResourceCleanup"),
                browser_configs=params.get("BrowserConfigs"),
                tags=tags,
                artifact_config=params.get("ArtifactConfig"),
            )
            canary.id = str(random.uuid4())
            canary.__dict__["_ext_code_version"] = 1
        return json.dumps({"Canary": self._ext_out(canary)})

    def get_canary(self: Any) -> str:
        name = self._ext_segments()[-1]
        return json.dumps({"Canary": self._ext_out(self._ext_canary(name))})

    def describe_canaries(self: Any) -> str:
        params = self._ext_body()
        names = params.get("Names")
        if names is not None and (not isinstance(names, list) or not 1 <= len(names) <= MAX_NAMES):
            raise validation(f"Names takes 1 to {MAX_NAMES} canary names.")
        limit = params.get("MaxResults", MAX_RESULTS)
        if not isinstance(limit, int) or not 1 <= limit <= MAX_RESULTS:
            raise validation(f"MaxResults must be between 1 and {MAX_RESULTS}.")
        canaries = sorted(self.synthetics_backend.canaries.values(), key=lambda c: c.name)
        if names is not None:
            canaries = [c for c in canaries if c.name in names]
        page, token = extlib.page(canaries, limit, params.get("NextToken"), lambda: validation("Invalid NextToken."))
        out: dict[str, Any] = {"Canaries": [self._ext_out(c) for c in page]}
        if token:
            # Token: 4-252 characters (the model's); the page's first index, zero-padded.
            out["NextToken"] = f"{int(token):08d}"
        return json.dumps(out)

    def update_canary(self: Any) -> str:
        name = self._ext_segments()[-1]
        params = self._ext_body()
        _validate_retention(params)
        if "Code" in params:
            _validate_code(params["Code"])
        if "Schedule" in params and not (params["Schedule"] or {}).get("Expression"):
            raise validation("Schedule.Expression is required.")
        with _LOCK:
            c = self._ext_canary(name)
            if c.state in TRANSITIONAL:
                raise conflict(f"Canary {name} is {c.state}; try again once it is done.")
            if "Code" in params:
                c.code = {"Handler": params["Code"]["Handler"]}
                c.__dict__["_ext_code_version"] = _code_version(c) + 1
            for member, attr in (
                ("ExecutionRoleArn", "execution_role_arn"),
                ("RuntimeVersion", "runtime_version"),
                ("Schedule", "schedule"),
                ("RunConfig", "run_config"),
                ("SuccessRetentionPeriodInDays", "success_retention_period_in_days"),
                ("FailureRetentionPeriodInDays", "failure_retention_period_in_days"),
                ("ArtifactS3Location", "artifact_s3_location"),
                ("VpcConfig", "vpc_config"),
                ("ArtifactConfig", "artifact_config"),
            ):
                if member in params:
                    setattr(c, attr, params[member])
            c.timeline["LastModified"] = utcnow()
        return "{}"

    def start_canary(self: Any) -> str:
        name = self._ext_segments()[-2]
        with _LOCK:
            c = self._ext_canary(name)
            if c.state not in ("READY", "STOPPED", "ERROR"):
                raise conflict(f"Canary {name} is {c.state} and can't be started.")
            c.state = "RUNNING"
            c.timeline["LastStarted"] = utcnow()
        return "{}"

    def stop_canary(self: Any) -> str:
        name = self._ext_segments()[-2]
        with _LOCK:
            c = self._ext_canary(name)
            if c.state != "RUNNING":
                raise conflict(f"Canary {name} is {c.state}, not RUNNING.")
            c.state = "STOPPED"
            c.timeline["LastStopped"] = utcnow()
        return "{}"

    def delete_canary(self: Any) -> str:
        name = self._ext_segments()[-1]
        with _LOCK:
            c = self._ext_canary(name)
            if c.state == "RUNNING" or c.state in TRANSITIONAL:
                raise conflict(f"Canary {name} is {c.state}; stop it before deleting it.")
            del self.synthetics_backend.canaries[name]
        return "{}"

    def _ext_tagged(self: Any) -> tuple[str, Canary]:
        arn = self._ext_segments()[-1]
        m = CANARY_ARN.match(arn)
        b = self.synthetics_backend
        if not m:
            raise bad_request(f"{arn} is not a canary ARN.")
        if (m.group(2), m.group(3)) != (b.region_name, b.account_id) or m.group(4) not in b.canaries:
            raise tag_not_found(arn)
        return arn, b.canaries[m.group(4)]

    def tag_resource(self: Any) -> str:
        _, c = self._ext_tagged()
        tags = _validate_tags(self._ext_body().get("Tags"))
        if not tags:
            raise bad_request("Tags is required.")
        with _LOCK:
            merged = {**(c.tags or {}), **tags}
            if len(merged) > MAX_TAGS:
                raise bad_request(f"A resource has at most {MAX_TAGS} tags.")
            c.tags = merged
        return "{}"

    def untag_resource(self: Any) -> str:
        _, c = self._ext_tagged()
        keys = self._ext_query().get("tagKeys", [])
        if not keys:
            raise bad_request("tagKeys is required.")
        with _LOCK:
            c.tags = {k: v for k, v in (c.tags or {}).items() if k not in keys}
        return "{}"

    def list_tags_for_resource(self: Any) -> str:
        _, c = self._ext_tagged()
        return json.dumps({"Tags": dict(c.tags or {})})


@extlib.once
def apply() -> None:
    """Patch moto's Synthetics URL map and response class. Idempotent; call before the server serves its first
    Synthetics request (the URL map is read when moto creates the service's app)."""
    for path in URL_PATHS:
        syn_urls.url_paths.setdefault(path, Response.dispatch)
    added, replaced = extlib.install(Response, ResponseExtension, "Response", _ORIGINAL)
    extlib.record_operations(ADDED_OPERATIONS, FIXED_OPERATIONS, added, replaced)
