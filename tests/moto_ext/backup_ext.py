"""Adds the AWS Backup operations moto 5.2.5 lacks (and fixes the ones it gets wrong) for backup vault access
policies, backup plan updates and backup selections, so AccountBaseline ``backup`` converges in the emulator.

Everything is stored on moto's own objects: the vaults and plans of ``moto.backup.models.backup_backends[account_id]
[region]`` (moto's ``Vault`` and ``Plan``), a vault's access policy and a plan's selections as extra attributes of
those objects, so they go with their vault or plan, state is scoped per account and Region like moto's, and ``POST
/moto-api/reset`` clears it. Nothing here runs until :func:`apply` is called; ``server.py`` calls it before starting
moto's server.

How it hooks in: Backup is a REST-JSON service. moto's werkzeug app routes a request to ``BackupResponse.dispatch``
only if its path matches one of ``moto.backup.urls.url_paths`` (read when the app for the service is created, at its
first request); the response class then finds the operation from botocore's model (method + ``requestUri``) and calls
the method named after it in snake case. moto's own path ``/backup/plans/(?P<name>.+)/?$`` already covers the
selection paths; :func:`apply` adds ``/backup-vaults/<name>/access-policy`` to ``url_paths`` and sets the handlers
below on ``BackupResponse``. Handlers return ``ActionResult``/``EmptyResult`` that moto serializes against botocore's
Backup model; errors are moto's Backup exceptions in the AWS REST-JSON shape (``{"__type": ..., "message": ...}``).

Request and response shapes follow the AWS Backup API reference
(https://docs.aws.amazon.com/aws-backup/latest/devguide/API_Operations_AWS_Backup.html), one page per operation, e.g.
https://docs.aws.amazon.com/aws-backup/latest/devguide/API_CreateBackupSelection.html
"""

from __future__ import annotations

import copy
import json
import re
import threading
from collections.abc import Callable
from typing import Any
from urllib.parse import unquote, urlparse

from moto.backup import models as backup_models
from moto.backup import responses as backup_responses
from moto.backup import urls as backup_urls
from moto.backup.exceptions import (
    AlreadyExistsException,
    InvalidParameterValueException,
    InvalidRequestException,
    ResourceNotFoundException,
)
from moto.core.responses import ActionResult, EmptyResult
from moto.core.utils import utcnow
from moto.moto_api._internal import mock_random as random

import extlib

Backend = backup_models.BackupBackend
Response = backup_responses.BackupResponse

URL_PATHS = ["{0}/backup-vaults/(?P<name>[^/]+)/access-policy$"]

# At most this many selections per plan (AWS Backup quotas: "Resource assignments per backup plan", 500 by default
# in the developer guide's quota table; the emulator keeps the default).
MAX_SELECTIONS = 500

_LOCK = threading.RLock()


class Selection:
    """One backup selection (resource assignment) of a plan."""

    def __init__(self, plan_id: str, selection: dict[str, Any], creator_request_id: str | None) -> None:
        self.selection_id = str(random.uuid4())
        self.plan_id = plan_id
        self.creation_date = utcnow()
        self.creator_request_id = creator_request_id
        # AWS returns every list of the selection, empty when the request left it out.
        conditions = selection.get("Conditions") or {}
        self.selection = {
            "SelectionName": selection["SelectionName"],
            "IamRoleArn": selection["IamRoleArn"],
            "Resources": list(selection.get("Resources") or []),
            "ListOfTags": copy.deepcopy(selection.get("ListOfTags") or []),
            "NotResources": list(selection.get("NotResources") or []),
            "Conditions": {
                k: copy.deepcopy(conditions.get(k) or [])
                for k in ("StringEquals", "StringNotEquals", "StringLike", "StringNotLike")
            },
        }

    def summary(self) -> dict[str, Any]:
        out = {
            "SelectionId": self.selection_id,
            "SelectionName": self.selection["SelectionName"],
            "BackupPlanId": self.plan_id,
            "CreationDate": self.creation_date,
            "IamRoleArn": self.selection["IamRoleArn"],
        }
        if self.creator_request_id:
            out["CreatorRequestId"] = self.creator_request_id
        return out


def selections_of(plan: Any) -> dict[str, Selection]:
    """The plan's selections by id, in creation order (kept on moto's ``Plan``)."""
    return extlib.attached(plan, "_moto_ext_selections", dict)


def path_parts(response: Any) -> list[str]:
    """The request path's segments, percent-decoded (``/backup/plans/<id>/selections/`` -> [backup, plans, <id>,
    selections])."""
    return [unquote(p) for p in urlparse(response.path).path.split("/") if p]


def live_plan(backend: Any, plan_id: str) -> Any:
    plan = backend.plans.get(plan_id)
    if plan is None or plan.deletion_date is not None:
        raise ResourceNotFoundException(msg="Failed reading Backup plan with provided version")
    return plan


def vault_of(backend: Any, name: str) -> Any:
    vault = backend.vaults.get(name)
    if vault is None:
        raise ResourceNotFoundException(msg=f"Backup vault {name} not found")
    return vault


def body(response: Any) -> dict[str, Any]:
    return extlib.json_body(response.body, lambda m: InvalidParameterValueException(msg=m))


RULE_NAME = re.compile(r"^[a-zA-Z0-9\-\_\.]{1,50}$")


def check_plan(plan: Any) -> None:
    """What AWS checks of a BackupPlanInput that moto doesn't: a name, 1+ rules with unique names, each with a
    target vault, and a lifecycle whose DeleteAfterDays is at least 90 days after MoveToColdStorageAfterDays."""
    if not isinstance(plan, dict) or not plan.get("BackupPlanName"):
        raise InvalidParameterValueException(msg="BackupPlanName is required")
    rules = plan.get("Rules") or []
    if not rules:
        raise InvalidParameterValueException(msg="A backup plan needs at least one rule")
    names = [r.get("RuleName", "") for r in rules]
    if len(set(names)) != len(names):
        raise InvalidParameterValueException(msg="Rule names must be unique within a backup plan")
    for r in rules:
        if not RULE_NAME.match(r.get("RuleName", "")):
            raise InvalidParameterValueException(msg=f"Invalid rule name {r.get('RuleName')!r}")
        if not r.get("TargetBackupVaultName"):
            raise InvalidParameterValueException(msg="TargetBackupVaultName is required")
        for lc in [r.get("Lifecycle")] + [c.get("Lifecycle") for c in r.get("CopyActions") or []]:
            if not lc:
                continue
            cold, delete = lc.get("MoveToColdStorageAfterDays"), lc.get("DeleteAfterDays")
            if cold is not None and delete is not None and delete < cold + 90:
                raise InvalidParameterValueException(
                    msg="DeleteAfterDays must be at least 90 days after MoveToColdStorageAfterDays"
                )


class ResponseExtension:
    """Handlers set on moto's ``BackupResponse`` (``backup_backend`` is the account's backend in the request's
    Region)."""

    # ---- plans -------------------------------------------------------------------------------------------------

    def create_backup_plan(self: Any) -> Any:
        """moto's CreateBackupPlan, after checking the plan as AWS does, with the name check limited to plans that
        weren't deleted [moto refused the name of a deleted plan forever]."""
        params = body(self)
        check_plan(params.get("BackupPlan"))
        backend = self.backup_backend
        with _LOCK:
            name = params["BackupPlan"]["BackupPlanName"]
            for p in backend.plans.values():
                if p.deletion_date is None and p.backup_plan.get("BackupPlanName") == name:
                    raise AlreadyExistsException(msg="Backup plan with the same plan document already exists")
            # moto's own check also looks at deleted plans: let it see only the live ones.
            deleted = {k: p for k, p in backend.plans.items() if p.deletion_date is not None}
            for k in deleted:
                del backend.plans[k]
            try:
                return _ORIGINAL["Response.create_backup_plan"](self)
            finally:
                backend.plans.update(deleted)

    def update_backup_plan(self: Any) -> Any:
        """UpdateBackupPlan: the new plan document replaces the stored one (name included); a new VersionId."""
        params = body(self)
        plan_id = path_parts(self)[2]
        check_plan(params.get("BackupPlan"))
        backend = self.backup_backend
        with _LOCK:
            plan = live_plan(backend, plan_id)
            new = copy.deepcopy(params["BackupPlan"])
            old_ids = {r["RuleName"]: r.get("RuleId") for r in plan.backup_plan.get("Rules", [])}
            for rule in new["Rules"]:
                rule.setdefault("ScheduleExpression", "cron(0 5 ? * * *)")
                rule.setdefault("StartWindowMinutes", 480)
                rule.setdefault("CompletionWindowMinutes", 10080)
                rule.setdefault("ScheduleExpressionTimezone", "Etc/UTC")
                rule["RuleId"] = old_ids.get(rule["RuleName"]) or str(random.uuid4())
            plan.backup_plan = new
            plan.advanced_backup_settings = new.get("AdvancedBackupSettings") or []
            plan.version_id = random.get_random_string(length=48)
            return ActionResult(
                {
                    "BackupPlanId": plan.backup_plan_id,
                    "BackupPlanArn": plan.backup_plan_arn,
                    "CreationDate": utcnow(),
                    "VersionId": plan.version_id,
                }
            )

    def delete_backup_plan(self: Any) -> Any:
        """moto's DeleteBackupPlan for a live plan without selections; ResourceNotFoundException for an unknown or
        deleted plan [HTTP 500 / deleted again], InvalidRequestException while selections remain [deleted]. The
        plan's tags go with it."""
        plan_id = path_parts(self)[2]
        backend = self.backup_backend
        with _LOCK:
            plan = live_plan(backend, plan_id)
            if selections_of(plan):
                raise InvalidRequestException(
                    msg="Related backup plan selections must be deleted prior to backup plan deletion"
                )
            out = _ORIGINAL["Response.delete_backup_plan"](self)
            backend.tagger.delete_all_tags_for_resource(plan.backup_plan_arn)
            return out

    # ---- selections ----------------------------------------------------------------------------------------------

    def create_backup_selection(self: Any) -> Any:
        params = body(self)
        plan_id = path_parts(self)[2]
        selection = params.get("BackupSelection")
        if not isinstance(selection, dict) or not selection.get("SelectionName") or not selection.get("IamRoleArn"):
            raise InvalidParameterValueException(msg="BackupSelection needs SelectionName and IamRoleArn")
        if not re.match(r"^[a-zA-Z0-9\-\_\.]{1,50}$", selection["SelectionName"]):
            raise InvalidParameterValueException(msg=f"Invalid selection name {selection['SelectionName']!r}")
        for t in selection.get("ListOfTags") or []:
            if t.get("ConditionType") != "STRINGEQUALS" or "ConditionKey" not in t or "ConditionValue" not in t:
                raise InvalidParameterValueException(
                    msg="ListOfTags conditions need ConditionType STRINGEQUALS, ConditionKey and ConditionValue"
                )
        backend = self.backup_backend
        with _LOCK:
            plan = live_plan(backend, plan_id)
            sels = selections_of(plan)
            if len(sels) >= MAX_SELECTIONS:
                raise InvalidParameterValueException(msg="Too many selections for this backup plan")
            s = Selection(plan_id, selection, params.get("CreatorRequestId"))
            sels[s.selection_id] = s
            return ActionResult(
                {"SelectionId": s.selection_id, "BackupPlanId": plan_id, "CreationDate": s.creation_date}
            )

    def get_backup_selection(self: Any) -> Any:
        parts = path_parts(self)
        plan_id, selection_id = parts[2], parts[4]
        with _LOCK:
            plan = live_plan(self.backup_backend, plan_id)
            s = selections_of(plan).get(selection_id)
            if s is None:
                raise ResourceNotFoundException(msg=f"Backup selection {selection_id} not found")
            out = {
                "BackupSelection": copy.deepcopy(s.selection),
                "SelectionId": s.selection_id,
                "BackupPlanId": plan_id,
                "CreationDate": s.creation_date,
            }
            if s.creator_request_id:
                out["CreatorRequestId"] = s.creator_request_id
            return ActionResult(out)

    def list_backup_selections(self: Any) -> Any:
        plan_id = path_parts(self)[2]
        max_results = self.querystring.get("maxResults", [None])[0]
        next_token = self.querystring.get("nextToken", [None])[0]
        limit = int(max_results) if max_results else 1000
        if not 1 <= limit <= 1000:
            raise InvalidParameterValueException(msg="MaxResults must be between 1 and 1000")
        with _LOCK:
            plan = live_plan(self.backup_backend, plan_id)
            items = [s.summary() for s in selections_of(plan).values()]
            page, token = extlib.page(
                items, limit, next_token, lambda: InvalidParameterValueException(msg="Invalid NextToken")
            )
            out: dict[str, Any] = {"BackupSelectionsList": page}
            if token:
                out["NextToken"] = token
            return ActionResult(out)

    def delete_backup_selection(self: Any) -> Any:
        parts = path_parts(self)
        plan_id, selection_id = parts[2], parts[4]
        with _LOCK:
            plan = live_plan(self.backup_backend, plan_id)
            if selections_of(plan).pop(selection_id, None) is None:
                raise ResourceNotFoundException(msg=f"Backup selection {selection_id} not found")
            return EmptyResult()

    # ---- tags ----------------------------------------------------------------------------------------------------

    def list_tags(self: Any) -> Any:
        """ListTags of the ARN in the path, with or without the trailing slash of the model's ``/tags/{arn}/``
        [moto took the segment before the last ``/``: without the slash, as aws-sdk-rust sends it, it read the tags
        of "tags", always none]."""
        path = urlparse(self.path).path.rstrip("/")
        arn = unquote(path.split("/tags/", 1)[1]) if "/tags/" in path else ""
        return ActionResult({"Tags": self.backup_backend.list_tags(resource_arn=arn)})

    # ---- vaults --------------------------------------------------------------------------------------------------

    def delete_backup_vault(self: Any) -> Any:
        """ResourceNotFoundException for an unknown vault [success]; the vault's tags, access policy and lock go
        with it [tags kept, so a new vault of the name inherited them]."""
        name = path_parts(self)[1]
        backend = self.backup_backend
        with _LOCK:
            vault = vault_of(backend, name)
            backend.tagger.delete_all_tags_for_resource(vault.backup_vault_arn)
            del backend.vaults[name]
            return EmptyResult()

    def put_backup_vault_access_policy(self: Any) -> Any:
        name = path_parts(self)[1]
        policy = body(self).get("Policy")
        if not policy:
            raise InvalidParameterValueException(msg="Policy is required")
        try:
            doc = json.loads(policy)
        except ValueError:
            raise InvalidParameterValueException(msg="Policy is not valid JSON")
        if not isinstance(doc, dict) or "Statement" not in doc:
            raise InvalidParameterValueException(msg="Policy must be a JSON policy document with a Statement")
        with _LOCK:
            vault = vault_of(self.backup_backend, name)
            vault._moto_ext_policy = policy
            return EmptyResult()

    def get_backup_vault_access_policy(self: Any) -> Any:
        """ResourceNotFoundException when the vault has no policy (as AWS answers)."""
        name = path_parts(self)[1]
        with _LOCK:
            vault = vault_of(self.backup_backend, name)
            policy = vault.__dict__.get("_moto_ext_policy")
            if policy is None:
                raise ResourceNotFoundException(msg=f"Backup vault {name} has no access policy")
            return ActionResult(
                {"BackupVaultName": name, "BackupVaultArn": vault.backup_vault_arn, "Policy": policy}
            )

    def delete_backup_vault_access_policy(self: Any) -> Any:
        """Deleting a policy that isn't there succeeds (AWS's documented idempotent delete)."""
        name = path_parts(self)[1]
        with _LOCK:
            vault = vault_of(self.backup_backend, name)
            vault.__dict__.pop("_moto_ext_policy", None)
            return EmptyResult()


_ORIGINAL: dict[str, Callable[..., Any]] = {}
ADDED_OPERATIONS: list[str] = []
FIXED_OPERATIONS: list[str] = []


@extlib.once
def apply() -> None:
    """Patch moto's Backup URL map and response class. Idempotent; call before the server serves its first Backup
    request (the URL map is read when moto creates the service's app)."""
    for path in URL_PATHS:
        backup_urls.url_paths.setdefault(path, Response.dispatch)
    added, replaced = extlib.install(Response, ResponseExtension, "Response", _ORIGINAL)
    extlib.record_operations(ADDED_OPERATIONS, FIXED_OPERATIONS, added, replaced)
