"""Adds the CloudWatch Logs operations moto 5.2.5 lacks: a log group's KMS key (AssociateKmsKey,
DisassociateKmsKey) and Logs Insights query definitions ("saved queries": PutQueryDefinition,
DescribeQueryDefinitions, DeleteQueryDefinition). moto answers all five with HTTP 500.

State lives on moto's own objects: the key is moto's ``LogGroup.kms_key_id`` (which moto already sets from
CreateLogGroup's ``kmsKeyId`` and returns from DescribeLogGroups), query definitions hang off moto's
``logs_backends[account][region]`` (:func:`extlib.attached`), so they are scoped per account and Region and
``POST /moto-api/reset`` clears them. A key must exist in moto's KMS of the log group's account and Region, as AWS
checks it can use the key.

How it hooks in: moto's server turns the ``X-Amz-Target`` action (``Logs_20140328.PutQueryDefinition``) into snake
case and calls that method on ``moto.logs.responses.LogsResponse``; :func:`apply` sets the handlers below there.
Errors are moto's Logs exceptions (AWS JSON error shape, HTTP 400).

Request and response shapes follow the Amazon CloudWatch Logs API Reference, one page per operation:
https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_<Operation>.html
"""

from __future__ import annotations

import json
import re
import time
import uuid
from typing import Any

from moto.kms.models import kms_backends
from moto.logs import responses as logs_responses
from moto.logs.exceptions import InvalidParameterException, ResourceNotFoundException

import extlib

Response = logs_responses.LogsResponse

# DescribeQueryDefinitions maxResults: 1..1000, default 1000.
MAX_RESULTS = 1000
# PutQueryDefinition: name 1..255, queryString 1..10000.
MAX_NAME = 255
MAX_QUERY = 10000
QUERY_LANGUAGES = ("CWLI", "SQL", "PPL")
# A KMS key ARN: arn:<partition>:kms:<region>:<account>:key/<id>
KEY_ARN = re.compile(r"^arn:aws[a-z-]*:kms:([a-z0-9-]+):(\d{12}):key/(.+)$")


def _definitions(backend: Any) -> dict[str, dict[str, Any]]:
    """Query definitions of one account and Region, by id."""
    return extlib.attached(backend, "_ext_query_definitions", dict)


def _group(backend: Any, name: Any, identifier: Any) -> Any:
    """The log group named by ``logGroupName`` or ``resourceIdentifier`` (its name or ARN)."""
    if name and identifier:
        raise InvalidParameterException("Specify logGroupName or resourceIdentifier, not both.")
    key = name or identifier
    if not key:
        raise InvalidParameterException("logGroupName or resourceIdentifier is required.")
    if isinstance(key, str) and key.startswith("arn:"):
        key = key.split(":log-group:", 1)[-1].removesuffix(":*")
    group = backend.groups.get(key)
    if group is None:
        raise ResourceNotFoundException("The specified log group does not exist.")
    return group


def _check_key(key_id: Any, account: str, region: str) -> str:
    """AssociateKmsKey's ``kmsKeyId``: a key ARN (the API reference: "you must use the key ARN") of a key moto's KMS
    holds in the log group's account and Region."""
    if not isinstance(key_id, str) or not key_id:
        raise InvalidParameterException("kmsKeyId is required.")
    m = KEY_ARN.match(key_id)
    if not m:
        raise InvalidParameterException(f"Specified KMS key {key_id} is not a key ARN.")
    key_region, key_account, raw = m.groups()
    keys = kms_backends[key_account][key_region].keys
    if key_region != region or raw not in keys:
        raise InvalidParameterException(
            f"Specified KMS key {key_id} does not exist or is not allowed to be used with log group in {region}."
        )
    if keys[raw].key_state != "Enabled":
        raise InvalidParameterException(f"Specified KMS key {key_id} is not enabled.")
    return key_id


class ResponseExtension:
    """Handlers set on ``moto.logs.responses.LogsResponse`` (``self`` is moto's response object)."""

    # ---- log group KMS keys ------------------------------------------------------------------------------------

    def associate_kms_key(self: Any) -> str:
        group = _group(self.logs_backend, self._get_param("logGroupName"), self._get_param("resourceIdentifier"))
        group.kms_key_id = _check_key(self._get_param("kmsKeyId"), self.current_account, self.region)
        return ""

    def disassociate_kms_key(self: Any) -> str:
        group = _group(self.logs_backend, self._get_param("logGroupName"), self._get_param("resourceIdentifier"))
        group.kms_key_id = None
        return ""

    # ---- query definitions -------------------------------------------------------------------------------------

    def put_query_definition(self: Any) -> str:
        name = self._get_param("name")
        query = self._get_param("queryString")
        if not isinstance(name, str) or not 1 <= len(name) <= MAX_NAME:
            raise InvalidParameterException(f"name must be 1 to {MAX_NAME} characters.")
        if not isinstance(query, str) or not 1 <= len(query) <= MAX_QUERY:
            raise InvalidParameterException(f"queryString must be 1 to {MAX_QUERY} characters.")
        language = self._get_param("queryLanguage") or "CWLI"
        if language not in QUERY_LANGUAGES:
            raise InvalidParameterException(f"queryLanguage must be one of {', '.join(QUERY_LANGUAGES)}.")
        groups = self._get_param("logGroupNames") or []
        definitions = _definitions(self.logs_backend)
        qid = self._get_param("queryDefinitionId")
        if qid:
            if qid not in definitions:
                raise ResourceNotFoundException("The query definition does not exist.")
        else:
            qid = str(uuid.uuid4())
        # "No current values are retained from the current query definition": an update replaces every member.
        definitions[qid] = {
            "queryLanguage": language,
            "queryDefinitionId": qid,
            "name": name,
            "queryString": query,
            "lastModified": int(time.time() * 1000),
            "logGroupNames": list(groups),
        }
        return json.dumps({"queryDefinitionId": qid})

    def describe_query_definitions(self: Any) -> str:
        prefix = self._get_param("queryDefinitionNamePrefix") or ""
        language = self._get_param("queryLanguage")
        limit = self._get_param("maxResults") or MAX_RESULTS
        if not 1 <= int(limit) <= MAX_RESULTS:
            raise InvalidParameterException(f"maxResults must be between 1 and {MAX_RESULTS}.")
        items = sorted(
            (
                d
                for d in _definitions(self.logs_backend).values()
                if d["name"].startswith(prefix) and (not language or d["queryLanguage"] == language)
            ),
            key=lambda d: (d["name"], d["queryDefinitionId"]),
        )
        shown, token = extlib.page(
            items,
            int(limit),
            self._get_param("nextToken"),
            lambda: InvalidParameterException("The specified nextToken is invalid."),
        )
        out: dict[str, Any] = {"queryDefinitions": shown}
        if token:
            out["nextToken"] = token
        return json.dumps(out)

    def delete_query_definition(self: Any) -> str:
        qid = self._get_param("queryDefinitionId")
        if _definitions(self.logs_backend).pop(qid, None) is None:
            raise ResourceNotFoundException("The query definition does not exist.")
        return json.dumps({"success": True})


ADDED_OPERATIONS: list[str] = []
FIXED_OPERATIONS: list[str] = []
_ORIGINAL: dict[str, Any] = {}


@extlib.once
def apply() -> None:
    """Patch moto's Logs response class. Idempotent; call before serving requests."""
    added, replaced = extlib.install(Response, ResponseExtension, "Response", _ORIGINAL)
    extlib.record_operations(ADDED_OPERATIONS, FIXED_OPERATIONS, added, replaced)
