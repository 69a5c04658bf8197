"""SSM compliance items, and the patch compliance the operator reads derived from them.

No SSM Agent runs in the emulator, so nothing ever scans an instance: ``ssm_ext.py`` answers DescribeInstancePatchStates,
DescribeInstancePatches and ListComplianceSummaries with nothing. On AWS the agent's AWS-RunPatchBaseline scan
reports an instance's patches as compliance items of type ``Patch``; SSM's public
[PutComplianceItems](https://docs.aws.amazon.com/systems-manager/latest/APIReference/API_PutComplianceItems.html)
writes the same items ("ComplianceType: ... Association (for a State Manager association), Patch, or Custom:string").
This extension adds PutComplianceItems (moto 5.2.5: HTTP 500) as the emulator's way to report a scan, and serves the
reads from the items it stored, so a test can seed "instance i-1 misses critical KB5001" and see the operator count it:

- [ListComplianceItems](https://docs.aws.amazon.com/systems-manager/latest/APIReference/API_ListComplianceItems.html)
  and [ListResourceComplianceSummaries](https://docs.aws.amazon.com/systems-manager/latest/APIReference/API_ListResourceComplianceSummaries.html)
  (added), [ListComplianceSummaries](https://docs.aws.amazon.com/systems-manager/latest/APIReference/API_ListComplianceSummaries.html)
  (replaces ``ssm_ext``'s empty one): every compliance type; a resource is ``NON_COMPLIANT`` when any of its items of
  the type is, its overall severity the highest severity among those (else among all items).
- [DescribeInstancePatchStates](https://docs.aws.amazon.com/systems-manager/latest/APIReference/API_DescribeInstancePatchStates.html)
  and [DescribeInstancePatches](https://docs.aws.amazon.com/systems-manager/latest/APIReference/API_DescribeInstancePatches.html)
  (replace ``ssm_ext``'s empty ones) from the instance's ``Patch`` items, read the way AWS's patch items are shaped:
  ``Id`` the KB / patch ID, ``Title``, ``Severity``, and ``Details`` with ``PatchState`` (``Installed``,
  ``InstalledOther``, ``InstalledPendingReboot``, ``InstalledRejected``, ``Missing``, ``NotApplicable``, ``Failed``),
  ``Classification``, ``PatchSeverity``, ``PatchBaselineId``, ``PatchGroup``, ``InstalledTime`` (epoch seconds). The
  counts (``MissingCount``, ``FailedCount``, ``CriticalNonCompliantCount`` = non-compliant items of severity
  ``CRITICAL``, ``SecurityNonCompliantCount`` = non-compliant ``Classification`` ``SecurityUpdates``, ...) count items;
  ``OperationStartTime``/``OperationEndTime`` are the ExecutionSummary's ``ExecutionTime``, ``Operation`` ``Scan``.
  DescribeInstancePatches filters ``State``, ``Severity``, ``Classification``, ``KBId``, the values compared without
  case and underscores (``Missing`` = ``MISSING``).

State lives on moto's SSM backend (``ssm_backends[account][region]``, :func:`extlib.attached`): scoped like it and
cleared by ``POST /moto-api/reset``. The file name sorts after ``ssm_ext.py``, so ``server.py`` applies it last and its
handlers replace ``ssm_ext``'s. Not modelled: ``ItemContentHash`` short-circuiting, resource types other than
``ManagedInstance`` having instances behind them (any ``ResourceId`` is accepted), Association compliance written by
State Manager itself.
"""

from __future__ import annotations

import copy
import re
from datetime import datetime, timezone
from typing import Any

from moto.core.responses import ActionResult, EmptyResult
from moto.ssm import responses as ssm_responses
from moto.ssm.exceptions import ValidationException

import extlib
import ssm_ext

Response = ssm_responses.SimpleSystemManagerResponse
SSMError = ssm_ext.SSMError

SEVERITIES = ("CRITICAL", "HIGH", "MEDIUM", "LOW", "INFORMATIONAL", "UNSPECIFIED")
STATUSES = ("COMPLIANT", "NON_COMPLIANT")
RESOURCE_TYPES = ("ManagedInstance",)
COMPLIANCE_TYPE = re.compile(r"^(Association|Patch|Custom:[A-Za-z0-9_\-]\w+)$")
MAX_ITEMS = 10000
# Details.PatchState -> DescribeInstancePatchStates count member.
STATE_COUNTS = {
    "INSTALLED": "InstalledCount",
    "INSTALLEDOTHER": "InstalledOtherCount",
    "INSTALLEDPENDINGREBOOT": "InstalledPendingRebootCount",
    "INSTALLEDREJECTED": "InstalledRejectedCount",
    "MISSING": "MissingCount",
    "FAILED": "FailedCount",
    "NOTAPPLICABLE": "NotApplicableCount",
}
# Details.PatchState -> PatchComplianceData.State (PatchComplianceDataState enum).
STATE_ENUM = {
    "INSTALLED": "INSTALLED",
    "INSTALLEDOTHER": "INSTALLED_OTHER",
    "INSTALLEDPENDINGREBOOT": "INSTALLED_PENDING_REBOOT",
    "INSTALLEDREJECTED": "INSTALLED_REJECTED",
    "MISSING": "MISSING",
    "FAILED": "FAILED",
    "NOTAPPLICABLE": "NOT_APPLICABLE",
    "AVAILABLESECURITYUPDATE": "AVAILABLE_SECURITY_UPDATE",
}


def norm(value: Any) -> str:
    """A filter or state value without case and underscores: ``Missing``, ``MISSING``, ``missing`` are one."""
    return str(value or "").replace("_", "").upper()


def _store(backend: Any) -> dict[tuple[str, str, str], dict[str, Any]]:
    """(resource type, resource id, compliance type) -> {"ExecutionSummary": ..., "Items": [...]}."""
    return extlib.attached(backend, "_ext_compliance_items", dict)


def _time(value: Any) -> datetime:
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=timezone.utc)
    try:
        return datetime.fromtimestamp(float(value), tz=timezone.utc)
    except (TypeError, ValueError):
        raise ValidationException("ExecutionSummary.ExecutionTime must be a timestamp.") from None


def _highest(items: list[dict[str, Any]]) -> str:
    sev = [i["Severity"] for i in items]
    return next((s for s in SEVERITIES if s in sev), "UNSPECIFIED")


def _severity_summary(items: list[dict[str, Any]]) -> dict[str, int]:
    return {
        f"{s.capitalize()}Count": sum(1 for i in items if i["Severity"] == s) for s in SEVERITIES
    }


def _filters(filters: Any) -> list[tuple[str, list[str], str]]:
    """ComplianceStringFilter list as (key, values, type)."""
    return [(f.get("Key", ""), list(f.get("Values") or []), f.get("Type") or "EQUAL") for f in filters or []]


def _matches(value: Any, values: list[str], kind: str) -> bool:
    if kind == "EQUAL":
        return str(value) in values
    if kind == "NOT_EQUAL":
        return str(value) not in values
    if kind == "BEGIN_WITH":
        return any(str(value).startswith(v) for v in values)
    raise ValidationException(f"Filter type {kind} is not supported.")


def _resource_summary(key: tuple[str, str, str], entry: dict[str, Any]) -> dict[str, Any]:
    rtype, rid, ctype = key
    items = entry["Items"]
    non = [i for i in items if i["Status"] == "NON_COMPLIANT"]
    ok = [i for i in items if i["Status"] == "COMPLIANT"]
    return {
        "ComplianceType": ctype,
        "ResourceType": rtype,
        "ResourceId": rid,
        "Status": "NON_COMPLIANT" if non else "COMPLIANT",
        "OverallSeverity": _highest(non or items),
        "ExecutionSummary": copy.deepcopy(entry["ExecutionSummary"]),
        "CompliantSummary": {"CompliantCount": len(ok), "SeveritySummary": _severity_summary(ok)},
        "NonCompliantSummary": {"NonCompliantCount": len(non), "SeveritySummary": _severity_summary(non)},
    }


def _patch_items(backend: Any, instance_id: str) -> tuple[dict[str, Any], list[dict[str, Any]]] | None:
    entry = _store(backend).get(("ManagedInstance", instance_id, "Patch"))
    if entry is None:
        return None
    return entry["ExecutionSummary"], entry["Items"]


class ResponseExtension:
    """Handlers set on ``SimpleSystemManagerResponse`` after ``ssm_ext``'s (``self.ssm_backend`` is
    ``ssm_backends[self.current_account][self.region]``)."""

    def put_compliance_items(self: Any) -> EmptyResult:
        rid = self._get_param("ResourceId")
        rtype = self._get_param("ResourceType")
        ctype = self._get_param("ComplianceType")
        summary = self._get_param("ExecutionSummary")
        items = self._get_param("Items")
        if not rid or not isinstance(rid, str) or len(rid) > 100:
            raise ValidationException("ResourceId must be 1 to 100 characters.")
        if rtype not in RESOURCE_TYPES:
            raise ValidationException(f"ResourceType must be one of {', '.join(RESOURCE_TYPES)}.")
        if not isinstance(ctype, str) or not COMPLIANCE_TYPE.match(ctype):
            raise ValidationException("ComplianceType must be Association, Patch or Custom:<name>.")
        if not isinstance(summary, dict) or summary.get("ExecutionTime") is None:
            raise ValidationException("ExecutionSummary.ExecutionTime is required.")
        if not isinstance(items, list) or len(items) > MAX_ITEMS:
            raise ValidationException(f"Items must be a list of at most {MAX_ITEMS} items.")
        stored = []
        for item in items:
            if item.get("Severity") not in SEVERITIES or item.get("Status") not in STATUSES:
                raise ValidationException("Each item needs a Severity and a Status (COMPLIANT or NON_COMPLIANT).")
            stored.append({
                "Id": item.get("Id", ""),
                "Title": item.get("Title", ""),
                "Severity": item["Severity"],
                "Status": item["Status"],
                "Details": dict(item.get("Details") or {}),
            })
        key = (rtype, rid, ctype)
        store = _store(self.ssm_backend)
        execution = {
            "ExecutionTime": _time(summary["ExecutionTime"]),
            **{k: summary[k] for k in ("ExecutionId", "ExecutionType") if summary.get(k)},
        }
        if (self._get_param("UploadType") or "COMPLETE") == "PARTIAL" and key in store:
            by_id = {i["Id"]: i for i in store[key]["Items"]}
            by_id.update({i["Id"]: i for i in stored})
            stored = list(by_id.values())
        store[key] = {"ExecutionSummary": execution, "Items": stored}
        return EmptyResult()

    def list_compliance_items(self: Any) -> ActionResult:
        ids = self._get_param("ResourceIds") or []
        types = self._get_param("ResourceTypes") or []
        filters = _filters(self._get_param("Filters"))
        out = []
        for (rtype, rid, ctype), entry in sorted(_store(self.ssm_backend).items()):
            if (ids and rid not in ids) or (types and rtype not in types):
                continue
            for item in entry["Items"]:
                row = {
                    "ComplianceType": ctype, "ResourceType": rtype, "ResourceId": rid, "Id": item["Id"],
                    "Title": item["Title"], "Status": item["Status"], "Severity": item["Severity"],
                    "ExecutionSummary": copy.deepcopy(entry["ExecutionSummary"]), "Details": dict(item["Details"]),
                }
                if all(_matches(row.get(k, ""), v, t) for k, v, t in filters):
                    out.append(row)
        page, token = ssm_ext.paginate(out, self._get_param("MaxResults"), self._get_param("NextToken"), 1, 50, 50)
        return ActionResult({"ComplianceItems": page, "NextToken": token})

    def list_resource_compliance_summaries(self: Any) -> ActionResult:
        filters = _filters(self._get_param("Filters"))
        out = [
            s
            for key, entry in sorted(_store(self.ssm_backend).items())
            for s in [_resource_summary(key, entry)]
            if all(_matches(s.get(k, ""), v, t) for k, v, t in filters)
        ]
        page, token = ssm_ext.paginate(out, self._get_param("MaxResults"), self._get_param("NextToken"), 1, 50, 50)
        return ActionResult({"ResourceComplianceSummaryItems": page, "NextToken": token})

    def list_compliance_summaries(self: Any) -> ActionResult:
        filters = _filters(self._get_param("Filters"))
        by_type: dict[str, list[dict[str, Any]]] = {}
        for key, entry in sorted(_store(self.ssm_backend).items()):
            by_type.setdefault(key[2], []).append(_resource_summary(key, entry))
        out = []
        for ctype, resources in sorted(by_type.items()):
            if not all(_matches(ctype, v, t) for k, v, t in filters if k == "ComplianceType"):
                continue
            ok = [r for r in resources if r["Status"] == "COMPLIANT"]
            non = [r for r in resources if r["Status"] == "NON_COMPLIANT"]
            sev = lambda rs: {  # noqa: E731 - resources counted by their overall severity
                f"{s.capitalize()}Count": sum(1 for r in rs if r["OverallSeverity"] == s) for s in SEVERITIES
            }
            out.append({
                "ComplianceType": ctype,
                "CompliantSummary": {"CompliantCount": len(ok), "SeveritySummary": sev(ok)},
                "NonCompliantSummary": {"NonCompliantCount": len(non), "SeveritySummary": sev(non)},
            })
        page, token = ssm_ext.paginate(out, self._get_param("MaxResults"), self._get_param("NextToken"), 1, 50, 50)
        return ActionResult({"ComplianceSummaryItems": page, "NextToken": token})

    def describe_instance_patch_states(self: Any) -> ActionResult:
        ids = self._get_param("InstanceIds") or []
        if not 1 <= len(ids) <= 50:
            raise ValidationException("InstanceIds must name 1 to 50 instances.")
        states = []
        for iid in ids:
            found = _patch_items(self.ssm_backend, iid)
            if found is None:
                continue
            execution, items = found
            details = [i["Details"] for i in items]
            state: dict[str, Any] = {
                "InstanceId": iid,
                "PatchGroup": next((d["PatchGroup"] for d in details if d.get("PatchGroup")), ""),
                "BaselineId": next((d["PatchBaselineId"] for d in details if d.get("PatchBaselineId")), ""),
                "OperationStartTime": execution["ExecutionTime"],
                "OperationEndTime": execution["ExecutionTime"],
                "Operation": "Scan",
                "UnreportedNotApplicableCount": 0,
            }
            for member in STATE_COUNTS.values():
                state[member] = 0
            for d in details:
                member = STATE_COUNTS.get(norm(d.get("PatchState")))
                if member:
                    state[member] += 1
            non = [i for i in items if i["Status"] == "NON_COMPLIANT"]
            security = [i for i in non if norm(i["Details"].get("Classification")) == "SECURITYUPDATES"]
            state["CriticalNonCompliantCount"] = sum(1 for i in non if i["Severity"] == "CRITICAL")
            state["SecurityNonCompliantCount"] = len(security)
            state["OtherNonCompliantCount"] = len(non) - len(security)
            states.append(state)
        page, token = ssm_ext.paginate(states, self._get_param("MaxResults"), self._get_param("NextToken"), 10, 100, 50)
        return ActionResult({"InstancePatchStates": page, "NextToken": token})

    def describe_instance_patches(self: Any) -> ActionResult:
        iid = self._get_param("InstanceId")
        if not iid:
            raise ValidationException("InstanceId is required.")
        found = _patch_items(self.ssm_backend, iid)
        patches = []
        for item in found[1] if found else []:
            d = item["Details"]
            installed = d.get("InstalledTime")
            patches.append({
                "Title": item["Title"],
                "KBId": item["Id"],
                "Classification": d.get("Classification", ""),
                "Severity": d.get("PatchSeverity") or item["Severity"].capitalize(),
                "State": STATE_ENUM.get(norm(d.get("PatchState")), "MISSING"),
                "InstalledTime": _time(installed) if installed else datetime.fromtimestamp(0, tz=timezone.utc),
            })
        keys = {"STATE": "State", "SEVERITY": "Severity", "CLASSIFICATION": "Classification", "KBID": "KBId"}
        for f in self._get_param("Filters") or []:
            member = keys.get(norm(f.get("Key")))
            if member is None:
                raise SSMError("InvalidFilter", f"Filter key {f.get('Key')} is not supported.")
            wanted = {norm(v) for v in f.get("Values") or []}
            patches = [p for p in patches if norm(p[member]) in wanted]
        page, token = ssm_ext.paginate(patches, self._get_param("MaxResults"), self._get_param("NextToken"), 10, 100, 50)
        return ActionResult({"Patches": page, "NextToken": token})


ADDED_OPERATIONS: list[str] = []
FIXED_OPERATIONS: list[str] = []
SUMMARY = "patch states, patches and compliance summaries derived from the compliance items"
_ORIGINAL: dict[str, Any] = {}


@extlib.once
def apply() -> None:
    """Patch moto's SSM response class after ``ssm_ext``. Idempotent; call before serving requests."""
    ssm_ext.apply()
    added, replaced = extlib.install(Response, ResponseExtension, "Response", _ORIGINAL)
    extlib.record_operations(ADDED_OPERATIONS, FIXED_OPERATIONS, added, replaced)
