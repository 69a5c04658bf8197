"""Adds the SSM operations moto 5.2.5 lacks (and fixes the ones it gets wrong) for maintenance windows, patch
baselines, State Manager associations, Resource Data Syncs, service settings and managed-instance information.

Everything is stored in moto's own SSM backend (``moto.ssm.models.ssm_backends[account_id][region]``), next to
the windows, targets, tasks, baselines and patch groups moto already keeps, so the added operations and moto's
existing ones see the same state. Nothing here runs until :func:`apply` is called; ``server.py`` calls it
before starting moto's server.

How it hooks in: moto's server turns the ``X-Amz-Target`` action (``AmazonSSM.UpdateMaintenanceWindow``) into
snake case and calls the method of that name on ``moto.ssm.responses.SimpleSystemManagerResponse``
(``moto.core.responses.BaseResponse.call_action``). :func:`apply` sets the handlers below on that class and the
backend methods on ``moto.ssm.models.SimpleSystemManagerBackend``. Handlers return ``ActionResult`` dicts;
moto serializes them against botocore's SSM service model, so only members of the documented output shape
reach the client, and a raised ``SSMException`` becomes the AWS JSON error (``__type``, ``message``, HTTP 400).

Request and response shapes follow the AWS Systems Manager API Reference
(https://docs.aws.amazon.com/systems-manager/latest/APIReference/), one page per operation, e.g.
https://docs.aws.amazon.com/systems-manager/latest/APIReference/API_UpdateMaintenanceWindow.html
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterable
from typing import Any

from moto.core.responses import ActionResult, EmptyResult
from moto.core.utils import utcnow
from moto.moto_api._internal import mock_random as random
from moto.ssm import models as ssm_models
from moto.ssm import responses as ssm_responses
from moto.ssm.exceptions import (
    AlreadyExistsException,
    InvalidResourceId,
    SSMException,
    ValidationException,
)
from moto.utilities.utils import load_resource

import extlib

Backend = ssm_models.SimpleSystemManagerBackend
Response = ssm_responses.SimpleSystemManagerResponse

API_REFERENCE = "https://docs.aws.amazon.com/systems-manager/latest/APIReference"


# --------------------------------------------------------------------------------------------------------------
# Errors (AWS JSON error shape: {"__type": code, "message": ...}, HTTP 400 from the SSM model's error shapes)
# --------------------------------------------------------------------------------------------------------------


class SSMError(extlib.CodedError, SSMException):
    """An SSM error with a free message; ``code`` must be an error shape name of the SSM model."""


def does_not_exist(message: str) -> SSMError:
    return SSMError("DoesNotExistException", message)


def window_not_found(window_id: str) -> SSMError:
    return does_not_exist(f"Maintenance window {window_id} does not exist")


def association_not_found() -> SSMError:
    return SSMError("AssociationDoesNotExist", "The specified association does not exist.")


def baseline_not_found() -> SSMError:
    # The message AWS returns for GetPatchBaseline (and moto's BaselineDoesNotExistException).
    return does_not_exist("Patch Baseline to be retrieved does not exist.")


# --------------------------------------------------------------------------------------------------------------
# Helpers
# --------------------------------------------------------------------------------------------------------------

# A field of an Update* request: request member -> (model attribute, required by the Create/Register operation,
# value set when Replace=true and the member is absent). "Optional fields that aren't specified are set to null"
# (API reference, Replace); where the API reference documents a default for a field, null means that default.
FieldSpec = dict[str, tuple[str, bool, Any]]


def apply_update(obj: Any, spec: FieldSpec, values: dict[str, Any], replace: bool, create_op: str) -> None:
    """Update semantics shared by UpdateMaintenanceWindow/-Target/-Task and UpdatePatchBaseline.

    Without Replace only the members present in the request change. With Replace the members the Create/Register
    operation requires must be present, and absent optional members are reset.
    """
    if replace:
        missing = [member for member, (_, required, _) in spec.items() if required and values.get(member) is None]
        if missing:
            raise ValidationException(
                f"{', '.join(missing)} must be specified when Replace is true "
                f"(all fields required by {create_op} are required)."
            )
    for member, (attr, _, reset) in spec.items():
        value = values.get(member)
        if value is not None:
            setattr(obj, attr, copy.deepcopy(value))
        elif replace:
            setattr(obj, attr, copy.deepcopy(reset))


def paginate(
    items: list[Any], max_results: Any, next_token: Any, lo: int, hi: int, default: int
) -> tuple[list[Any], str | None]:
    """Index-based NextToken/MaxResults paging; limits from the operation's MaxResults constraints."""
    if max_results is None:
        max_results = default
    max_results = int(max_results)
    if not lo <= max_results <= hi:
        raise ValidationException(
            f"1 validation error detected: Value '{max_results}' at 'maxResults' failed to satisfy constraint: "
            f"Member must have value between {lo} and {hi}"
        )
    return extlib.page(
        items, max_results, next_token, lambda: SSMError("InvalidNextToken", "The specified token isn't valid.")
    )


def filter_by(items: list[Any], filters: list[dict[str, Any]] | None, attrs: dict[str, str]) -> list[Any]:
    """Key/Values filters (MaintenanceWindowFilter): an item matches when, for every filter, the attribute of the
    key equals one of the values (compared as strings). Unknown keys are a ValidationException."""
    for f in filters or []:
        key, values = f.get("Key"), [str(v) for v in f.get("Values") or []]
        if key not in attrs:
            raise ValidationException(f"Unsupported filter key {key}; supported: {', '.join(attrs)}.")
        items = [i for i in items if str(getattr(i, attrs[key])) in values]
    return items


def is_aws_owned_document(name: str) -> bool:
    """Documents moto doesn't hold but every account has: AWS-/Amazon-owned ones and shared ones (ARNs)."""
    return name.startswith(("AWS", "Amazon", "arn:"))


def default_patch_baselines(region: str) -> dict[str, str]:
    """The AWS default baseline ARN per operating system, from moto's bundled copy."""
    try:
        return dict(load_resource("ssm/resources/default_baselines.json")[region])
    except (FileNotFoundError, KeyError):
        return {}


# --------------------------------------------------------------------------------------------------------------
# Model additions
# --------------------------------------------------------------------------------------------------------------


# AWS defaults of the service settings GetServiceSetting documents (API_GetServiceSetting, SettingId). The
# Default Host Management Configuration is off until a role is set; the reference gives no default value, so
# "$None" stands for it (callers compare Status, which is "Default" until UpdateServiceSetting).
SERVICE_SETTING_DEFAULTS: dict[str, str] = {
    "/ssm/managed-instance/default-ec2-instance-management-role": "$None",
    "/ssm/automation/customer-script-log-destination": "none",
    "/ssm/automation/customer-script-log-group-name": "/aws/ssm/automation",
    "/ssm/documents/console/public-sharing-permission": "Enable",
    "/ssm/managed-instance/activation-tier": "standard",
    "/ssm/opsinsights/opscenter": "Disabled",
    "/ssm/parameter-store/default-parameter-tier": "Standard",
    "/ssm/parameter-store/high-throughput-enabled": "false",
}


class ExtState:
    """Extra state of one backend (one account and region) that moto's backend has no attribute for."""

    def __init__(self) -> None:
        self.associations: dict[str, FakeAssociation] = {}
        # patch group -> operating system -> baseline id (explicit registrations only; defaults are implicit)
        self.patch_group_registrations: dict[str, dict[str, str]] = {}
        # instance id -> InstancePatchState dict (nothing reports patch states in the emulator)
        self.instance_patch_states: dict[str, dict[str, Any]] = {}
        # sync name -> ResourceDataSyncItem dict (CreateResourceDataSync)
        self.resource_data_syncs: dict[str, dict[str, Any]] = {}
        # setting id -> (value, status, last modified) for settings changed with UpdateServiceSetting
        self.service_settings: dict[str, dict[str, Any]] = {}
        # instance id -> InstanceInformation dict: no SSM Agent registers in the emulator, so this stays empty
        # unless a self-test fills it in-process
        self.instance_information: dict[str, dict[str, Any]] = {}


def ext_state(backend: Backend) -> ExtState:
    return extlib.attached(backend, "_moto_ext_state", ExtState)


class FakeAssociation:
    """A State Manager association (AssociationDescription in the API reference)."""

    # request member -> attribute; UpdateAssociation resets every one of them that the request leaves out
    FIELDS: dict[str, str] = {
        "Name": "name",
        "DocumentVersion": "document_version",
        "Parameters": "parameters",
        "Targets": "targets",
        "ScheduleExpression": "schedule_expression",
        "OutputLocation": "output_location",
        "AssociationName": "association_name",
        "AutomationTargetParameterName": "automation_target_parameter_name",
        "MaxErrors": "max_errors",
        "MaxConcurrency": "max_concurrency",
        "ComplianceSeverity": "compliance_severity",
        "SyncCompliance": "sync_compliance",
        "ApplyOnlyAtCronInterval": "apply_only_at_cron_interval",
        "CalendarNames": "calendar_names",
        "TargetLocations": "target_locations",
        "ScheduleOffset": "schedule_offset",
        "Duration": "duration",
        "TargetMaps": "target_maps",
        "AlarmConfiguration": "alarm_configuration",
        "AssociationDispatchAssumeRole": "association_dispatch_assume_role",
    }
    # Values AWS reports when a field is not set.
    DEFAULTS: dict[str, Any] = {"DocumentVersion": "$DEFAULT", "ApplyOnlyAtCronInterval": False}
    # UpdateAssociation keeps these when the request leaves them out: they say what the association applies.
    KEPT_ON_UPDATE = ("Name", "Targets")

    def __init__(self, instance_id: str | None, values: dict[str, Any]) -> None:
        self.association_id = str(random.uuid4())
        self.instance_id = instance_id
        # instance id -> AssociationStatus dict (Date, Name, Message) reported with UpdateAssociationStatus
        self.instance_statuses: dict[str, dict[str, Any]] = {}
        self.version = 1
        self.date = utcnow()
        self.last_update_association_date = self.date
        self.set_fields(values, keep=())
        self.history: dict[str, dict[str, Any]] = {"1": self.describe()}

    def set_fields(self, values: dict[str, Any], keep: Iterable[str]) -> None:
        for member, attr in self.FIELDS.items():
            value = values.get(member)
            if value is None and member in keep:
                continue
            if value is None:
                value = self.DEFAULTS.get(member)
            setattr(self, attr, copy.deepcopy(value))

    def update(self, values: dict[str, Any]) -> None:
        self.set_fields(values, keep=self.KEPT_ON_UPDATE)
        self.version += 1
        self.last_update_association_date = utcnow()
        self.history[str(self.version)] = self.describe()

    def describe(self) -> dict[str, Any]:
        """AssociationDescription; the serializer keeps only the members of the output shape (Association for
        ListAssociations is a subset)."""
        out: dict[str, Any] = {member: copy.deepcopy(getattr(self, attr)) for member, attr in self.FIELDS.items()}
        out.update(
            {
                "AssociationId": self.association_id,
                "InstanceId": self.instance_id,
                "AssociationVersion": str(self.version),
                "Date": self.date,
                "LastUpdateAssociationDate": self.last_update_association_date,
                "Status": self.status(),
                "Overview": self.overview(),
            }
        )
        return out

    def status(self) -> dict[str, Any]:
        """AssociationDescription.Status: the legacy instance association's reported status, else Pending."""
        reported = self.instance_statuses.get(self.instance_id or "")
        return copy.deepcopy(reported) or {"Date": self.date, "Name": "Pending", "Message": f"Associated with {self.name}"}

    def overview(self) -> dict[str, Any]:
        """AssociationOverview: Pending/Creating until an instance reports (UpdateAssociationStatus); then Failed
        when any instance failed, Success when all succeeded, else Pending, with the count per status
        (AssociationStatusAggregatedCount)."""
        if not self.instance_statuses:
            return {"Status": "Pending", "DetailedStatus": "Creating"}
        counts: dict[str, int] = {}
        for s in self.instance_statuses.values():
            counts[s["Name"]] = counts.get(s["Name"], 0) + 1
        status = "Failed" if "Failed" in counts else "Success" if set(counts) == {"Success"} else "Pending"
        return {"Status": status, "DetailedStatus": status, "AssociationStatusAggregatedCount": counts}


def _window_init(original: Callable[..., None]) -> Callable[..., None]:
    def __init__(self: Any, *args: Any, **kwargs: Any) -> None:
        original(self, *args, **kwargs)
        self.allow_unassociated_targets = False
        self.enabled = True  # CreateMaintenanceWindow has no Enabled; new windows are enabled
        self.created_date = self.modified_date = utcnow()
        self.executions: list[dict[str, Any]] = []

    return __init__


def _window_to_json(self: Any) -> dict[str, Any]:
    """GetMaintenanceWindow output (DescribeMaintenanceWindows' WindowIdentity is a subset)."""
    return {
        "WindowId": self.id,
        "Name": self.name,
        "Description": self.description,
        "StartDate": self.start_date,
        "EndDate": self.end_date,
        "Schedule": self.schedule,
        "ScheduleTimezone": self.schedule_timezone,
        "ScheduleOffset": self.schedule_offset,
        "Duration": self.duration,
        "Cutoff": self.cutoff,
        "AllowUnassociatedTargets": self.allow_unassociated_targets,
        "Enabled": self.enabled,
        "CreatedDate": self.created_date,
        "ModifiedDate": self.modified_date,
    }


def _target_to_json(self: Any) -> dict[str, Any]:
    """MaintenanceWindowTarget; moto reported OwnerInformation as "" whatever was registered."""
    return {
        "WindowId": self.window_id,
        "WindowTargetId": self.window_target_id,
        "ResourceType": self.resource_type,
        "Targets": self.targets,
        "OwnerInformation": self.owner_information,
        "Name": self.name,
        "Description": self.description,
    }


def _task_to_json(self: Any) -> dict[str, Any]:
    """GetMaintenanceWindowTask output; DescribeMaintenanceWindowTasks' MaintenanceWindowTask names the type
    ``Type`` (moto only emitted ``TaskType``, so Describe lost it) and has no TaskInvocationParameters."""
    return {
        "WindowId": self.window_id,
        "WindowTaskId": self.window_task_id,
        "Targets": self.targets,
        "TaskArn": self.task_arn,
        "ServiceRoleArn": self.service_role_arn,
        "TaskType": self.task_type,
        "Type": self.task_type,
        "TaskParameters": self.task_parameters,
        "TaskInvocationParameters": self.task_invocation_parameters,
        "Priority": self.priority,
        "MaxConcurrency": self.max_concurrency,
        "MaxErrors": self.max_errors,
        "LoggingInfo": self.logging_info,
        "Name": self.name,
        "Description": self.description,
        "CutoffBehavior": self.cutoff_behavior,
        "AlarmConfiguration": self.alarm_configurations,
    }


# CreatePatchBaseline defaults documented in the API reference, applied where moto stored None.
BASELINE_DEFAULTS: dict[str, Any] = {
    "operating_system": "WINDOWS",
    "approved_patches": [],
    "approved_patches_compliance_level": "UNSPECIFIED",
    "approved_patches_enable_non_security": False,
    "rejected_patches": [],
    "rejected_patches_action": "ALLOW_AS_DEPENDENCY",
    "sources": [],
}


def _baseline_init(original: Callable[..., None]) -> Callable[..., None]:
    def __init__(self: Any, *args: Any, **kwargs: Any) -> None:
        original(self, *args, **kwargs)
        for attr, default in BASELINE_DEFAULTS.items():
            if getattr(self, attr) is None:
                setattr(self, attr, copy.deepcopy(default))
        self.global_filters = self.global_filters or {"PatchFilters": []}
        self.approval_rules = self.approval_rules or {"PatchRules": []}
        self.available_security_updates_compliance_status = None
        self.created_date = self.modified_date = utcnow()

    return __init__


def baseline_description(baseline: Any, patch_groups: list[str]) -> dict[str, Any]:
    """GetPatchBaseline output (UpdatePatchBaseline's output is the same without PatchGroups)."""
    return {
        "BaselineId": baseline.id,
        "Name": baseline.name,
        "OperatingSystem": baseline.operating_system,
        "GlobalFilters": baseline.global_filters,
        "ApprovalRules": baseline.approval_rules,
        "ApprovedPatches": baseline.approved_patches,
        "ApprovedPatchesComplianceLevel": baseline.approved_patches_compliance_level,
        "ApprovedPatchesEnableNonSecurity": baseline.approved_patches_enable_non_security,
        "RejectedPatches": baseline.rejected_patches,
        "RejectedPatchesAction": baseline.rejected_patches_action,
        "PatchGroups": patch_groups,
        "CreatedDate": baseline.created_date,
        "ModifiedDate": baseline.modified_date,
        "Description": baseline.description,
        "Sources": baseline.sources,
        "AvailableSecurityUpdatesComplianceStatus": baseline.available_security_updates_compliance_status,
    }


WINDOW_UPDATE: FieldSpec = {
    "Name": ("name", True, None),
    "Description": ("description", False, None),
    "StartDate": ("start_date", False, None),
    "EndDate": ("end_date", False, None),
    "Schedule": ("schedule", True, None),
    "ScheduleTimezone": ("schedule_timezone", False, None),
    "ScheduleOffset": ("schedule_offset", False, None),
    "Duration": ("duration", True, None),
    "Cutoff": ("cutoff", True, None),
    "AllowUnassociatedTargets": ("allow_unassociated_targets", True, None),
    "Enabled": ("enabled", False, True),  # not a CreateMaintenanceWindow field: reset to a new window's value
}

TARGET_UPDATE: FieldSpec = {
    "Targets": ("targets", True, None),
    "OwnerInformation": ("owner_information", False, None),
    "Name": ("name", False, None),
    "Description": ("description", False, None),
}

TASK_UPDATE: FieldSpec = {
    "Targets": ("targets", False, None),
    "TaskArn": ("task_arn", True, None),
    "ServiceRoleArn": ("service_role_arn", False, None),
    "TaskParameters": ("task_parameters", False, None),
    # Replaced as a whole: "The values you don't specify again are removed."
    "TaskInvocationParameters": ("task_invocation_parameters", False, None),
    "Priority": ("priority", False, None),
    "MaxConcurrency": ("max_concurrency", False, None),
    "MaxErrors": ("max_errors", False, None),
    "LoggingInfo": ("logging_info", False, None),
    "Name": ("name", False, None),
    "Description": ("description", False, None),
    "CutoffBehavior": ("cutoff_behavior", False, None),
    "AlarmConfiguration": ("alarm_configurations", False, None),
}

BASELINE_UPDATE: FieldSpec = {
    "Name": ("name", True, None),
    "GlobalFilters": ("global_filters", False, {"PatchFilters": []}),
    "ApprovalRules": ("approval_rules", False, {"PatchRules": []}),
    "ApprovedPatches": ("approved_patches", False, []),
    "ApprovedPatchesComplianceLevel": ("approved_patches_compliance_level", False, "UNSPECIFIED"),
    "ApprovedPatchesEnableNonSecurity": ("approved_patches_enable_non_security", False, False),
    "RejectedPatches": ("rejected_patches", False, []),
    "RejectedPatchesAction": ("rejected_patches_action", False, "ALLOW_AS_DEPENDENCY"),
    "Description": ("description", False, None),
    "Sources": ("sources", False, []),
    "AvailableSecurityUpdatesComplianceStatus": ("available_security_updates_compliance_status", False, None),
}


# --------------------------------------------------------------------------------------------------------------
# Backend methods (set on SimpleSystemManagerBackend)
# --------------------------------------------------------------------------------------------------------------

_ORIGINAL: dict[str, Callable[..., Any]] = {}


class BackendExtension:
    """Methods copied onto ``SimpleSystemManagerBackend``; ``self`` is moto's backend for one account/region."""

    windows: dict[str, Any]
    baselines: dict[str, Any]
    patch_groups: dict[str, Any]
    _resource_tags: Any
    _documents: dict[str, Any]
    region_name: str

    # ---- tagging ------------------------------------------------------------------------------------------

    def _validate_resource_type_and_id(self, resource_type: str, resource_id: str) -> str:
        # moto 5.2.5 rejects every PatchBaseline id (InvalidResourceId, so CreatePatchBaseline with Tags failed
        # after storing the baseline) and has no Association resource type.
        if resource_type == "PatchBaseline":
            if resource_id not in self.baselines:
                raise InvalidResourceId()
            return resource_id
        if resource_type == "Association":
            if resource_id not in ext_state(self).associations:  # type: ignore[arg-type]
                raise InvalidResourceId()
            return resource_id
        return _ORIGINAL["Backend._validate_resource_type_and_id"](self, resource_type, resource_id)

    def _drop_tags(self, resource_type: str, resource_id: str) -> None:
        self._resource_tags[resource_type].pop(resource_id, None)

    # ---- maintenance windows ------------------------------------------------------------------------------

    def describe_maintenance_windows(self, filters: list[dict[str, Any]] | None) -> list[Any]:
        windows = list(self.windows.values())
        for f in filters or []:
            values = f.get("Values") or []
            if f.get("Key") == "Name":
                windows = [w for w in windows if w.name in values]
            elif f.get("Key") == "Enabled":
                wanted = {v.lower() == "true" for v in values}
                windows = [w for w in windows if w.enabled in wanted]
        return windows

    def delete_maintenance_window(self, window_id: str) -> None:
        _ORIGINAL["Backend.delete_maintenance_window"](self, window_id)
        self._drop_tags("MaintenanceWindow", window_id)

    def update_maintenance_window(self, window_id: str, values: dict[str, Any], replace: bool) -> Any:
        window = self.get_maintenance_window(window_id)  # type: ignore[attr-defined]
        apply_update(window, WINDOW_UPDATE, values, replace, "CreateMaintenanceWindow")
        window.modified_date = utcnow()
        return window

    def describe_maintenance_window_executions(self, window_id: str) -> list[dict[str, Any]]:
        return list(self.get_maintenance_window(window_id).executions)  # type: ignore[attr-defined]

    def describe_maintenance_window_targets(self, window_id: str, filters: list[dict[str, Any]] | None) -> list[Any]:
        # moto returned nothing as soon as any filter was given.
        window = self.get_maintenance_window(window_id)  # type: ignore[attr-defined]
        attrs = {"Type": "resource_type", "WindowTargetId": "window_target_id", "OwnerInformation": "owner_information"}
        return filter_by(list(window.targets.values()), filters, attrs)

    def describe_maintenance_window_tasks(self, window_id: str, filters: list[dict[str, Any]] | None) -> list[Any]:
        window = self.get_maintenance_window(window_id)  # type: ignore[attr-defined]
        attrs = {
            "WindowTaskId": "window_task_id",
            "TaskArn": "task_arn",
            "Priority": "priority",
            "TaskType": "task_type",
        }
        return filter_by(list(window.tasks.values()), filters, attrs)

    def _window_target(self, window_id: str, window_target_id: str) -> Any:
        window = self.get_maintenance_window(window_id)  # type: ignore[attr-defined]
        if window_target_id not in window.targets:
            raise does_not_exist(f"Maintenance window target {window_target_id} does not exist")
        return window.targets[window_target_id]

    def update_maintenance_window_target(
        self, window_id: str, window_target_id: str, values: dict[str, Any], replace: bool
    ) -> Any:
        target = self._window_target(window_id, window_target_id)
        apply_update(target, TARGET_UPDATE, values, replace, "RegisterTargetWithMaintenanceWindow")
        return target

    def deregister_target_from_maintenance_window(self, window_id: str, window_target_id: str) -> None:
        self._window_target(window_id, window_target_id)  # moto: KeyError -> HTTP 500 for unknown ids
        _ORIGINAL["Backend.deregister_target_from_maintenance_window"](self, window_id, window_target_id)

    def get_maintenance_window_task(self, window_id: str, window_task_id: str) -> Any:
        window = self.get_maintenance_window(window_id)  # type: ignore[attr-defined]
        if window_task_id not in window.tasks:
            raise does_not_exist(f"Maintenance window task {window_task_id} does not exist")
        return window.tasks[window_task_id]

    def update_maintenance_window_task(
        self, window_id: str, window_task_id: str, values: dict[str, Any], replace: bool
    ) -> Any:
        task = self.get_maintenance_window_task(window_id, window_task_id)
        apply_update(task, TASK_UPDATE, values, replace, "RegisterTaskWithMaintenanceWindow")
        return task

    def deregister_task_from_maintenance_window(self, window_id: str, window_task_id: str) -> None:
        self.get_maintenance_window_task(window_id, window_task_id)  # moto: KeyError -> HTTP 500
        _ORIGINAL["Backend.deregister_task_from_maintenance_window"](self, window_id, window_task_id)

    # ---- patch baselines and patch groups -----------------------------------------------------------------

    def get_patch_baseline(self, baseline_id: str) -> Any:
        if baseline_id not in self.baselines:
            raise baseline_not_found()
        return self.baselines[baseline_id]

    def patch_groups_of_baseline(self, baseline_id: str) -> list[str]:
        registrations = ext_state(self).patch_group_registrations  # type: ignore[arg-type]
        return sorted(pg for pg, by_os in registrations.items() if baseline_id in by_os.values())

    def update_patch_baseline(self, baseline_id: str, values: dict[str, Any], replace: bool) -> Any:
        baseline = self.get_patch_baseline(baseline_id)
        apply_update(baseline, BASELINE_UPDATE, values, replace, "CreatePatchBaseline")
        baseline.modified_date = utcnow()
        return baseline

    def describe_patch_baselines(self, filters: list[dict[str, Any]] | None) -> list[Any]:
        # moto compared NAME_PREFIX for equality; AWS matches prefixes. OWNER: moto holds no AWS-owned baselines.
        baselines = list(self.baselines.values())
        for f in filters or []:
            key, values = f.get("Key"), f.get("Values") or []
            if key == "NAME_PREFIX":
                baselines = [b for b in baselines if any(b.name.startswith(v) for v in values)]
            elif key == "OPERATING_SYSTEM":
                baselines = [b for b in baselines if b.operating_system in values]
            elif key == "OWNER":
                baselines = [b for b in baselines if "Self" in values or "All" in values]
            elif key == "DEFAULT_BASELINE":
                wanted = {v.lower() == "true" for v in values}
                baselines = [b for b in baselines if b.default_baseline in wanted]
        return baselines

    def delete_patch_baseline(self, baseline_id: str) -> None:
        # moto: KeyError (HTTP 500) for unknown ids and no in-use check. DeletePatchBaseline documents no
        # DoesNotExist error, so an unknown id is a no-op; a registered baseline is ResourceInUseException.
        groups = self.patch_groups_of_baseline(baseline_id)
        if groups:
            raise SSMError(
                "ResourceInUseException", f"PatchBaseline to be deleted is used for Patch Group: {groups[0]}"
            )
        self.baselines.pop(baseline_id, None)
        self._drop_tags("PatchBaseline", baseline_id)

    def _sync_moto_patch_group(self, patch_group: str) -> None:
        """Mirror the registrations into moto's FakePatchGroup (defaults overlaid with registrations)."""
        registered = ext_state(self).patch_group_registrations.get(patch_group)  # type: ignore[arg-type]
        if not registered:
            self.patch_groups.pop(patch_group, None)
            return
        group = self.patch_groups.get(patch_group)
        if group is None:
            group = ssm_models.FakePatchGroup.__new__(ssm_models.FakePatchGroup)
            group.name, group.region_name = patch_group, self.region_name
            group.default_associations = default_patch_baselines(self.region_name)
            self.patch_groups[patch_group] = group
        group.associations = {**group.default_associations, **registered}

    def register_patch_baseline_for_patch_group(self, baseline_id: str, patch_group: str) -> tuple[str, str]:
        # moto compared against the *default* baseline of the OS, so a group could hold only one registration.
        baseline = self.baselines.get(baseline_id)
        if baseline is None:
            raise does_not_exist(f"Patch Baseline {baseline_id} does not exist.")
        by_os = ext_state(self).patch_group_registrations.setdefault(patch_group, {})  # type: ignore[arg-type]
        current = by_os.get(baseline.operating_system)
        if current is not None and current != baseline_id:
            raise AlreadyExistsException(baseline.operating_system)
        by_os[baseline.operating_system] = baseline_id
        self._sync_moto_patch_group(patch_group)
        return baseline_id, patch_group

    def deregister_patch_baseline_for_patch_group(self, baseline_id: str, patch_group: str) -> tuple[str, str]:
        # moto re-registered the baseline instead of removing it.
        registrations = ext_state(self).patch_group_registrations  # type: ignore[arg-type]
        by_os = registrations.get(patch_group, {})
        os_name = next((os_name for os_name, b in by_os.items() if b == baseline_id), None)
        if os_name is None:
            raise SSMError(
                "InvalidResourceId", f"Patch Group {patch_group} is not registered with baseline {baseline_id}."
            )
        del by_os[os_name]
        if not by_os:
            del registrations[patch_group]
        self._sync_moto_patch_group(patch_group)
        return baseline_id, patch_group

    def get_patch_baseline_for_patch_group(
        self, patch_group: str, operating_system: str | None
    ) -> tuple[str | None, str, str]:
        operating_system = operating_system or "WINDOWS"  # documented default; moto raised KeyError (HTTP 500)
        registered = ext_state(self).patch_group_registrations.get(patch_group, {})  # type: ignore[arg-type]
        baseline_id = registered.get(operating_system) or default_patch_baselines(self.region_name).get(
            operating_system
        )
        return baseline_id, patch_group, operating_system

    def describe_patch_groups(self, filters: list[dict[str, Any]] | None) -> list[dict[str, Any]]:
        mappings = []
        registrations = ext_state(self).patch_group_registrations  # type: ignore[arg-type]
        for patch_group in sorted(registrations):
            for os_name, baseline_id in sorted(registrations[patch_group].items()):
                baseline = self.baselines[baseline_id]
                mappings.append(
                    {
                        "PatchGroup": patch_group,
                        "BaselineIdentity": {
                            "BaselineId": baseline.id,
                            "BaselineName": baseline.name,
                            "OperatingSystem": os_name,
                            "BaselineDescription": baseline.description,
                            "DefaultBaseline": baseline.default_baseline,
                        },
                    }
                )
        for f in filters or []:
            key, values = f.get("Key"), f.get("Values") or []
            if key == "NAME_PREFIX":
                mappings = [m for m in mappings if any(m["PatchGroup"].startswith(v) for v in values)]
            elif key == "OPERATING_SYSTEM":
                mappings = [m for m in mappings if m["BaselineIdentity"]["OperatingSystem"] in values]
            else:
                raise SSMError("InvalidFilter", f"Unsupported filter key {key}: use NAME_PREFIX, OPERATING_SYSTEM.")
        return mappings

    # ---- State Manager associations -----------------------------------------------------------------------

    def _check_document(self, name: str) -> None:
        if not is_aws_owned_document(name) and name not in self._documents:
            raise SSMError("InvalidDocument", f"Document {name} does not exist.")

    def create_association(
        self, instance_id: str | None, values: dict[str, Any], tags: list[dict[str, str]] | None
    ) -> FakeAssociation:
        if not values.get("Name"):
            raise ValidationException("Name is required.")
        self._check_document(values["Name"])
        associations = ext_state(self).associations  # type: ignore[arg-type]
        if instance_id is not None and any(
            a.instance_id == instance_id and a.name == values["Name"] for a in associations.values()
        ):
            raise SSMError("AssociationAlreadyExists", "The specified association already exists.")
        association = FakeAssociation(instance_id, values)
        associations[association.association_id] = association
        if tags:
            self.add_tags_to_resource(  # type: ignore[attr-defined]
                "Association", association.association_id, {t["Key"]: t["Value"] for t in tags}
            )
        return association

    def find_association(
        self, association_id: str | None, name: str | None, instance_id: str | None
    ) -> FakeAssociation:
        associations = ext_state(self).associations  # type: ignore[arg-type]
        if association_id:
            if association_id not in associations:
                raise association_not_found()
            return associations[association_id]
        if name and instance_id:
            for association in associations.values():
                if association.name == name and association.instance_id == instance_id:
                    return association
            raise association_not_found()
        raise ValidationException("Specify AssociationId, or Name and InstanceId.")

    def update_association(
        self, association_id: str, association_version: str | None, values: dict[str, Any]
    ) -> FakeAssociation:
        association = self.find_association(association_id, None, None)
        if association_version not in (None, "$LATEST", str(association.version)):
            raise SSMError(
                "InvalidAssociationVersion",
                f"Association version {association_version} is not the latest version "
                f"({association.version}) of association {association_id}.",
            )
        if values.get("Name") is not None:
            self._check_document(values["Name"])
        association.update(values)
        return association

    def delete_association(self, association_id: str | None, name: str | None, instance_id: str | None) -> None:
        association = self.find_association(association_id, name, instance_id)
        del ext_state(self).associations[association.association_id]  # type: ignore[arg-type]
        self._drop_tags("Association", association.association_id)

    def update_association_status(
        self, name: str, instance_id: str, status: dict[str, Any]
    ) -> FakeAssociation:
        """API_UpdateAssociationStatus: the SSM Agent reports an instance's association status. The legacy
        association of `name` on the instance if there is one, else every target-based association of the
        document `name` takes the status for that instance (the emulator does not resolve targets: the caller says
        which instance ran it)."""
        if status.get("Name") not in ("Pending", "Success", "Failed"):
            raise ValidationException("AssociationStatus.Name must be one of Pending, Success, Failed.")
        associations = ext_state(self).associations.values()  # type: ignore[arg-type]
        matching = [a for a in associations if a.name == name and a.instance_id == instance_id] or [
            a for a in associations if a.name == name and a.instance_id is None
        ]
        if not matching:
            raise association_not_found()
        for association in matching:
            association.instance_statuses[instance_id] = copy.deepcopy(status)
        return matching[0]

    def list_associations(self, filters: list[dict[str, Any]] | None) -> list[FakeAssociation]:
        associations = list(ext_state(self).associations.values())  # type: ignore[arg-type]
        for f in filters or []:
            key, value = f.get("key"), f.get("value")
            if key == "Name":
                associations = [a for a in associations if a.name == value]
            elif key == "AssociationName":
                associations = [a for a in associations if a.association_name == value]
            elif key == "AssociationId":
                associations = [a for a in associations if a.association_id == value]
            elif key == "InstanceId":  # only legacy InstanceId associations, as documented
                associations = [a for a in associations if a.instance_id == value]
            elif key == "AssociationStatusName":
                associations = [a for a in associations if a.overview()["Status"] == value]
            elif key == "ResourceGroupName":
                associations = [
                    a
                    for a in associations
                    if any(
                        t.get("Key") == "resource-groups:Name" and value in t.get("Values", [])
                        for t in a.targets or []
                    )
                ]
            elif key in ("LastExecutedBefore", "LastExecutedAfter", "CloudConnectorId"):
                associations = []  # nothing runs in the emulator, so nothing has executed
        return associations

    # ---- Resource Data Sync (API_CreateResourceDataSync, API_ListResourceDataSync, API_DeleteResourceDataSync) -

    def create_resource_data_sync(
        self, name: str, s3_destination: dict[str, Any] | None, sync_type: str | None, sync_source: Any
    ) -> None:
        # "SyncToDestination" when S3Destination is given (SyncType is then left out); SyncFromSource needs
        # SyncSource and no S3Destination.
        syncs = ext_state(self).resource_data_syncs  # type: ignore[arg-type]
        if name in syncs:
            raise SSMError("ResourceDataSyncAlreadyExistsException", f"Sync {name} already exists.")
        sync_type = sync_type or ("SyncToDestination" if s3_destination else None)
        if sync_type == "SyncToDestination" and not s3_destination:
            raise SSMError("ResourceDataSyncInvalidConfigurationException", "S3Destination is required.")
        if sync_type == "SyncFromSource" and (s3_destination or not sync_source):
            raise SSMError("ResourceDataSyncInvalidConfigurationException",
                           "SyncFromSource takes SyncSource and no S3Destination.")
        if sync_type not in ("SyncToDestination", "SyncFromSource"):
            raise SSMError("ResourceDataSyncInvalidConfigurationException", f"Unknown SyncType {sync_type}.")
        now = utcnow()
        item: dict[str, Any] = {
            "SyncName": name,
            "SyncType": sync_type,
            "SyncCreatedTime": now,
            "SyncLastModifiedTime": now,
            "LastStatus": "InProgress",
        }
        if s3_destination:
            item["S3Destination"] = copy.deepcopy(s3_destination)
        if sync_source:
            item["SyncSource"] = copy.deepcopy(sync_source)
        syncs[name] = item

    def list_resource_data_sync(self, sync_type: str | None) -> list[dict[str, Any]]:
        # "If you specify SyncType, the operation lists syncs of that type; otherwise SyncToDestination syncs."
        wanted = sync_type or "SyncToDestination"
        syncs = ext_state(self).resource_data_syncs  # type: ignore[arg-type]
        return [copy.deepcopy(i) for i in syncs.values() if i["SyncType"] == wanted]

    def delete_resource_data_sync(self, name: str, sync_type: str | None) -> None:
        syncs = ext_state(self).resource_data_syncs  # type: ignore[arg-type]
        item = syncs.get(name)
        if item is None or (sync_type and item["SyncType"] != sync_type):
            raise SSMError("ResourceDataSyncNotFoundException", f"Sync {name} not found.")
        del syncs[name]

    # ---- service settings (API_GetServiceSetting, API_UpdateServiceSetting, API_ResetServiceSetting) --------

    def _setting_id(self, setting_id: str) -> str:
        """The setting's path: SettingId is the path or the setting's ARN
        (``arn:aws:ssm:<region>:<account>:servicesetting/<path>``)."""
        if setting_id.startswith("arn:"):
            setting_id = "/" + setting_id.split(":servicesetting/", 1)[-1].lstrip("/")
        if setting_id not in SERVICE_SETTING_DEFAULTS:
            raise SSMError("ServiceSettingNotFound", f"Setting {setting_id} not found.")
        return setting_id

    def get_service_setting(self, setting_id: str) -> dict[str, Any]:
        path = self._setting_id(setting_id)
        changed = ext_state(self).service_settings.get(path)  # type: ignore[arg-type]
        account = getattr(self, "account_id", "123456789012")
        out = {
            "SettingId": path,
            "SettingValue": SERVICE_SETTING_DEFAULTS[path],
            "LastModifiedDate": utcnow(),
            "LastModifiedUser": "System",
            "ARN": f"arn:aws:ssm:{self.region_name}:{account}:servicesetting{path}",
            "Status": "Default",
        }
        if changed:
            out.update(changed)
        return out

    def update_service_setting(self, setting_id: str, value: str) -> None:
        path = self._setting_id(setting_id)
        ext_state(self).service_settings[path] = {  # type: ignore[arg-type]
            "SettingValue": value,
            "Status": "Customized",
            "LastModifiedDate": utcnow(),
            "LastModifiedUser": "arn:aws:iam::123456789012:user/moto",
        }

    def reset_service_setting(self, setting_id: str) -> dict[str, Any]:
        path = self._setting_id(setting_id)
        ext_state(self).service_settings.pop(path, None)  # type: ignore[arg-type]
        return self.get_service_setting(path)

    # ---- managed instances (API_DescribeInstanceInformation) ----------------------------------------------

    def describe_instance_information(self, filters: list[dict[str, Any]] | None) -> list[dict[str, Any]]:
        infos = list(ext_state(self).instance_information.values())  # type: ignore[arg-type]
        for f in filters or []:
            values = f.get("Values") or []
            attr = {"ResourceType": "ResourceType", "InstanceIds": "InstanceId", "PingStatus": "PingStatus",
                    "PlatformTypes": "PlatformType"}.get(f.get("Key", ""))
            if attr:
                infos = [i for i in infos if i.get(attr) in values]
        return [copy.deepcopy(i) for i in infos]

    # ---- patch and compliance state (nothing reports it in the emulator) -----------------------------------

    def describe_instance_patch_states(self, instance_ids: list[str]) -> list[dict[str, Any]]:
        states = ext_state(self).instance_patch_states  # type: ignore[arg-type]
        return [copy.deepcopy(states[i]) for i in instance_ids if i in states]


# --------------------------------------------------------------------------------------------------------------
# Response handlers (set on SimpleSystemManagerResponse; method name = snake_case of the X-Amz-Target action)
# --------------------------------------------------------------------------------------------------------------


class ResponseExtension:
    """Handlers copied onto ``SimpleSystemManagerResponse``; ``self.ssm_backend`` is
    ``ssm_backends[self.current_account][self.region]``."""

    ssm_backend: Any
    _get_param: Callable[..., Any]
    _get_bool_param: Callable[..., Any]

    def _values(self, spec: Iterable[str]) -> dict[str, Any]:
        return {member: self._get_param(member) for member in spec}

    # ---- maintenance windows ------------------------------------------------------------------------------

    def create_maintenance_window(self) -> ActionResult:
        # moto ignores AllowUnassociatedTargets (required by the API); store it on the new window.
        result = _ORIGINAL["Response.create_maintenance_window"](self)
        window = self.ssm_backend.get_maintenance_window(result.result["WindowId"])
        window.allow_unassociated_targets = bool(self._get_bool_param("AllowUnassociatedTargets", False))
        return result

    def update_maintenance_window(self) -> ActionResult:
        window = self.ssm_backend.update_maintenance_window(
            self._get_param("WindowId"), self._values(WINDOW_UPDATE), self._get_bool_param("Replace", False)
        )
        return ActionResult(window.to_json())

    def update_maintenance_window_target(self) -> ActionResult:
        target = self.ssm_backend.update_maintenance_window_target(
            self._get_param("WindowId"),
            self._get_param("WindowTargetId"),
            self._values(TARGET_UPDATE),
            self._get_bool_param("Replace", False),
        )
        return ActionResult(target.to_json())

    def register_task_with_maintenance_window(self) -> ActionResult:
        # moto reads "AlarmConfigurations"; the API member is AlarmConfiguration.
        window_task_id = self.ssm_backend.register_task_with_maintenance_window(
            window_id=self._get_param("WindowId"),
            targets=self._get_param("Targets"),
            task_arn=self._get_param("TaskArn"),
            service_role_arn=self._get_param("ServiceRoleArn"),
            task_type=self._get_param("TaskType"),
            task_parameters=self._get_param("TaskParameters"),
            task_invocation_parameters=self._get_param("TaskInvocationParameters"),
            priority=self._get_param("Priority"),
            max_concurrency=self._get_param("MaxConcurrency"),
            max_errors=self._get_param("MaxErrors"),
            logging_info=self._get_param("LoggingInfo"),
            name=self._get_param("Name"),
            description=self._get_param("Description"),
            cutoff_behavior=self._get_param("CutoffBehavior"),
            alarm_configurations=self._get_param("AlarmConfiguration"),
        )
        return ActionResult({"WindowTaskId": window_task_id})

    def get_maintenance_window_task(self) -> ActionResult:
        task = self.ssm_backend.get_maintenance_window_task(
            self._get_param("WindowId"), self._get_param("WindowTaskId")
        )
        return ActionResult(task.to_json())

    def update_maintenance_window_task(self) -> ActionResult:
        task = self.ssm_backend.update_maintenance_window_task(
            self._get_param("WindowId"),
            self._get_param("WindowTaskId"),
            self._values(TASK_UPDATE),
            self._get_bool_param("Replace", False),
        )
        return ActionResult(task.to_json())

    def describe_maintenance_window_executions(self) -> ActionResult:
        executions = self.ssm_backend.describe_maintenance_window_executions(self._get_param("WindowId"))
        page, token = paginate(executions, self._get_param("MaxResults"), self._get_param("NextToken"), 10, 100, 50)
        return ActionResult({"WindowExecutions": page, "NextToken": token})

    # ---- patch baselines and patch groups -----------------------------------------------------------------

    def create_patch_baseline(self) -> ActionResult:
        result = _ORIGINAL["Response.create_patch_baseline"](self)
        baseline = self.ssm_backend.get_patch_baseline(result.result["BaselineId"])
        baseline.available_security_updates_compliance_status = self._get_param(
            "AvailableSecurityUpdatesComplianceStatus"
        )
        return result

    def get_patch_baseline(self) -> ActionResult:
        baseline = self.ssm_backend.get_patch_baseline(self._get_param("BaselineId"))
        groups = self.ssm_backend.patch_groups_of_baseline(baseline.id)
        return ActionResult(baseline_description(baseline, groups))

    def update_patch_baseline(self) -> ActionResult:
        baseline = self.ssm_backend.update_patch_baseline(
            self._get_param("BaselineId"), self._values(BASELINE_UPDATE), self._get_bool_param("Replace", False)
        )
        return ActionResult(baseline_description(baseline, []))

    def delete_patch_baseline(self) -> ActionResult:
        baseline_id = self._get_param("BaselineId")
        self.ssm_backend.delete_patch_baseline(baseline_id)
        return ActionResult({"BaselineId": baseline_id})  # moto returned {}

    def describe_patch_groups(self) -> ActionResult:
        mappings = self.ssm_backend.describe_patch_groups(self._get_param("Filters"))
        page, token = paginate(mappings, self._get_param("MaxResults"), self._get_param("NextToken"), 1, 100, 100)
        return ActionResult({"Mappings": page, "NextToken": token})

    # ---- State Manager associations -----------------------------------------------------------------------

    def create_association(self) -> ActionResult:
        association = self.ssm_backend.create_association(
            self._get_param("InstanceId"), self._values(FakeAssociation.FIELDS), self._get_param("Tags")
        )
        return ActionResult({"AssociationDescription": association.describe()})

    def describe_association(self) -> ActionResult:
        association = self.ssm_backend.find_association(
            self._get_param("AssociationId"), self._get_param("Name"), self._get_param("InstanceId")
        )
        version = self._get_param("AssociationVersion")
        if version in (None, "$LATEST"):
            return ActionResult({"AssociationDescription": association.describe()})
        if version not in association.history:
            raise SSMError(
                "InvalidAssociationVersion",
                f"Association version {version} does not exist for association {association.association_id}.",
            )
        return ActionResult({"AssociationDescription": association.history[version]})

    def update_association(self) -> ActionResult:
        association = self.ssm_backend.update_association(
            self._get_param("AssociationId"),
            self._get_param("AssociationVersion"),
            self._values(FakeAssociation.FIELDS),
        )
        return ActionResult({"AssociationDescription": association.describe()})

    def update_association_status(self) -> ActionResult:
        association = self.ssm_backend.update_association_status(
            self._get_param("Name"), self._get_param("InstanceId"), self._get_param("AssociationStatus") or {}
        )
        return ActionResult({"AssociationDescription": association.describe()})

    def delete_association(self) -> ActionResult:
        self.ssm_backend.delete_association(
            self._get_param("AssociationId"), self._get_param("Name"), self._get_param("InstanceId")
        )
        return EmptyResult()

    def list_associations(self) -> ActionResult:
        associations = self.ssm_backend.list_associations(self._get_param("AssociationFilterList"))
        page, token = paginate(
            associations, self._get_param("MaxResults"), self._get_param("NextToken"), 1, 50, 50
        )
        return ActionResult({"Associations": [a.describe() for a in page], "NextToken": token})

    # ---- Resource Data Sync -------------------------------------------------------------------------------

    def create_resource_data_sync(self) -> ActionResult:
        self.ssm_backend.create_resource_data_sync(
            self._get_param("SyncName"),
            self._get_param("S3Destination"),
            self._get_param("SyncType"),
            self._get_param("SyncSource"),
        )
        return EmptyResult()

    def list_resource_data_sync(self) -> ActionResult:
        items = self.ssm_backend.list_resource_data_sync(self._get_param("SyncType"))
        page, token = paginate(items, self._get_param("MaxResults"), self._get_param("NextToken"), 1, 50, 50)
        return ActionResult({"ResourceDataSyncItems": page, "NextToken": token})

    def delete_resource_data_sync(self) -> ActionResult:
        self.ssm_backend.delete_resource_data_sync(self._get_param("SyncName"), self._get_param("SyncType"))
        return EmptyResult()

    # ---- service settings ---------------------------------------------------------------------------------

    def get_service_setting(self) -> ActionResult:
        return ActionResult({"ServiceSetting": self.ssm_backend.get_service_setting(self._get_param("SettingId"))})

    def update_service_setting(self) -> ActionResult:
        self.ssm_backend.update_service_setting(self._get_param("SettingId"), self._get_param("SettingValue"))
        return EmptyResult()

    def reset_service_setting(self) -> ActionResult:
        setting = self.ssm_backend.reset_service_setting(self._get_param("SettingId"))
        return ActionResult({"ServiceSetting": setting})

    # ---- managed instances --------------------------------------------------------------------------------

    def describe_instance_information(self) -> ActionResult:
        filters = self._get_param("Filters") or [
            {"Key": f["key"], "Values": f["valueSet"]} for f in self._get_param("InstanceInformationFilterList") or []
        ]
        infos = self.ssm_backend.describe_instance_information(filters)
        page, token = paginate(infos, self._get_param("MaxResults"), self._get_param("NextToken"), 5, 50, 50)
        return ActionResult({"InstanceInformationList": page, "NextToken": token})

    # ---- patch and compliance state -----------------------------------------------------------------------

    def describe_instance_patch_states(self) -> ActionResult:
        states = self.ssm_backend.describe_instance_patch_states(self._get_param("InstanceIds") or [])
        page, token = paginate(states, self._get_param("MaxResults"), self._get_param("NextToken"), 10, 100, 50)
        return ActionResult({"InstancePatchStates": page, "NextToken": token})

    def describe_instance_patches(self) -> ActionResult:
        paginate([], self._get_param("MaxResults"), self._get_param("NextToken"), 10, 100, 50)
        return ActionResult({"Patches": []})

    def list_compliance_summaries(self) -> ActionResult:
        paginate([], self._get_param("MaxResults"), self._get_param("NextToken"), 1, 50, 50)
        return ActionResult({"ComplianceSummaryItems": []})


# --------------------------------------------------------------------------------------------------------------
# apply()
# --------------------------------------------------------------------------------------------------------------

ADDED_OPERATIONS: list[str] = []
FIXED_OPERATIONS: list[str] = []


@extlib.once
def apply() -> None:
    """Patch moto's SSM models, backend and response class. Idempotent; call before serving requests."""
    window_cls = ssm_models.FakeMaintenanceWindow
    window_cls.__init__ = _window_init(window_cls.__init__)  # type: ignore[method-assign]
    window_cls.to_json = _window_to_json  # type: ignore[method-assign]
    ssm_models.FakeMaintenanceWindowTarget.to_json = _target_to_json  # type: ignore[method-assign]
    ssm_models.FakeMaintenanceWindowTask.to_json = _task_to_json  # type: ignore[method-assign]
    baseline_cls = ssm_models.FakePatchBaseline
    baseline_cls.__init__ = _baseline_init(baseline_cls.__init__)  # type: ignore[method-assign]

    extlib.install(Backend, BackendExtension, "Backend", _ORIGINAL)
    added, replaced = extlib.install(Response, ResponseExtension, "Response", _ORIGINAL)
    extlib.record_operations(ADDED_OPERATIONS, FIXED_OPERATIONS, added, replaced)
