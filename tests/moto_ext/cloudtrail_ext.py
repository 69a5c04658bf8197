"""Fixes how moto 5.2.5 stores a trail's KMS key and CloudWatch Logs delivery (CreateTrail, UpdateTrail).

moto stores ``KmsKeyId``, ``CloudWatchLogsLogGroupArn`` and ``CloudWatchLogsRoleArn`` exactly as sent and checks none
of them: a key ID or alias comes back as sent (AWS returns the key's ARN: Trail ``KmsKeyId`` "The value is a fully
specified ARN to a KMS key"), UpdateTrail with ``""`` (how a client removes the key or the delivery) stores and returns
``""`` (AWS removes the setting), and a key, log group or role that doesn't exist is accepted. The handlers below check
and normalise the three members, then let moto's own ``create_trail`` / ``update_trail`` store the trail, so all state
stays in ``cloudtrail_backends[account][region]``.

As the API reference describes (https://docs.aws.amazon.com/awscloudtrail/latest/APIReference/API_CreateTrail.html,
API_UpdateTrail.html):

- ``KmsKeyId``: a key ID, key ARN, alias name (``alias/...``) or alias ARN of a key in moto's KMS of the trail's
  account and Region, stored and returned as the key's ARN; an unknown key is ``KmsKeyNotFoundException``, a key not
  enabled ``KmsKeyDisabledException``, a key ARN of another Region ``InvalidKmsKeyIdException``. ``""`` on UpdateTrail
  removes the key.
- ``CloudWatchLogsLogGroupArn`` (``arn:...:logs:<region>:<account>:log-group:<name>:*``) must name a log group moto's
  CloudWatch Logs has (``InvalidCloudWatchLogsLogGroupArnException``), ``CloudWatchLogsRoleArn`` a role moto's IAM has
  (``InvalidCloudWatchLogsRoleArnException``); both or neither (``InvalidParameterCombinationException``). ``""`` for
  both on UpdateTrail removes the delivery.
- Members without a value are left out of the response, as AWS does, instead of moto's ``null``.

And PutInsightSelectors replaces the trail's Insights selectors, as the API reference says ("the selectors ... are
replaced", API_PutInsightSelectors.html); moto 5.2.5 appends them to the ones it had, so a trail switched from one
Insights type to another reported both.

Not modelled: the key policy and the role's trust and permissions (AWS checks CloudTrail may use them).
"""

from __future__ import annotations

import json
import re
from typing import Any

from moto.cloudtrail import responses as ct_responses
from moto.core.exceptions import JsonRESTError
from moto.iam.models import iam_backends
from moto.kms.models import kms_backends
from moto.logs.models import logs_backends

import extlib

Response = ct_responses.CloudTrailResponse

KEY_ARN = re.compile(r"^arn:aws[a-z-]*:kms:([a-z0-9-]+):(\d{12}):(key|alias)/(.+)$")
LOG_GROUP_ARN = re.compile(r"^arn:aws[a-z-]*:logs:([a-z0-9-]+):(\d{12}):log-group:(.+?)(:\*)?$")


class CloudTrailError(JsonRESTError):
    code = 400


def _key_arn(key_id: str, account: str, region: str) -> str:
    m = KEY_ARN.match(key_id)
    if m and (m.group(1) != region or m.group(2) != account):
        raise CloudTrailError("InvalidKmsKeyIdException", f"KMS key {key_id} is not in the trail's Region and account.")
    kms = kms_backends[account][region]
    try:
        raw = kms.any_id_to_key_id(key_id)
        key = kms.keys[raw]
    except (KeyError, TypeError, AttributeError):
        raise CloudTrailError("KmsKeyNotFoundException", f"KMS key {key_id} does not exist.") from None
    if key.key_state != "Enabled":
        raise CloudTrailError("KmsKeyDisabledException", f"KMS key {key_id} is disabled.")
    return key.arn  # type: ignore[no-any-return]


def _check_delivery(group_arn: str, role_arn: str, account: str, region: str) -> None:
    if bool(group_arn) != bool(role_arn):
        raise CloudTrailError(
            "InvalidParameterCombinationException",
            "CloudWatchLogsLogGroupArn and CloudWatchLogsRoleArn must be specified together.",
        )
    if not group_arn:
        return
    m = LOG_GROUP_ARN.match(group_arn)
    if not m or m.group(1) != region or m.group(2) != account or m.group(3) not in logs_backends[account][region].groups:
        raise CloudTrailError(
            "InvalidCloudWatchLogsLogGroupArnException", f"Log group {group_arn} is invalid or does not exist."
        )
    try:
        iam_backends[account][get_partition(region)].get_role_by_arn(role_arn)
    except Exception:
        raise CloudTrailError("InvalidCloudWatchLogsRoleArnException", f"Role {role_arn} is invalid.") from None


def get_partition(region: str) -> str:
    from moto.utilities.utils import get_partition as moto_partition

    return moto_partition(region)  # type: ignore[no-any-return]


def _normalised(self: Any, operation: str) -> str:
    """Check the request's KMS key and delivery, run moto's handler, then store the key ARN and cleared settings."""
    body = extlib.json_body(self.body, lambda m: CloudTrailError("InvalidParameterException", m))
    account, region = self.current_account, self.region
    key = body.get("KmsKeyId")
    key_arn = _key_arn(key, account, region) if key else key
    group, role = body.get("CloudWatchLogsLogGroupArn"), body.get("CloudWatchLogsRoleArn")
    if operation == "create_trail" or group is not None or role is not None:
        _check_delivery(group or "", role or "", account, region)
    _ORIGINAL[f"Response.{operation}"](self)
    trail = self.cloudtrail_backend.get_trail(body.get("Name"))
    if key is not None:
        trail.kms_key_id = key_arn or None
    if group is not None:
        trail.cw_log_group_arn = group or None
    if role is not None:
        trail.cw_role_arn = role or None
    return json.dumps({k: v for k, v in trail.description().items() if v is not None})


class ResponseExtension:
    """Handlers set on ``moto.cloudtrail.responses.CloudTrailResponse`` (``self`` is moto's response object)."""

    def create_trail(self: Any) -> str:
        return _normalised(self, "create_trail")

    def update_trail(self: Any) -> str:
        return _normalised(self, "update_trail")

    def put_insight_selectors(self: Any) -> str:
        body = extlib.json_body(self.body, lambda m: CloudTrailError("InvalidParameterException", m))
        trail = self.cloudtrail_backend.get_trail(body.get("TrailName"))
        trail.insight_selectors = []
        return _ORIGINAL["Response.put_insight_selectors"](self)  # type: ignore[no-any-return]


ADDED_OPERATIONS: list[str] = []
FIXED_OPERATIONS: list[str] = []
_ORIGINAL: dict[str, Any] = {}


@extlib.once
def apply() -> None:
    """Patch moto's CloudTrail response class. Idempotent; call before serving requests."""
    added, replaced = extlib.install(Response, ResponseExtension, "Response", _ORIGINAL)
    extlib.record_operations(ADDED_OPERATIONS, FIXED_OPERATIONS, added, replaced)
