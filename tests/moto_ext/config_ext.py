"""Adds the AWS Config remediation operations moto 5.2.5 lacks, and makes DeleteConfigRule refuse a rule that still
has a remediation configuration.

Everything is stored on moto's own Config backend (``moto.config.models.config_backends[account_id][region]``),
next to the config rules moto already keeps, so the added operations see the rules created through moto's
PutConfigRule and ``POST /moto-api/reset`` clears them. Nothing here runs until :func:`apply` is called;
``server.py`` calls it before starting moto's server.

How it hooks in: Config is an ``X-Amz-Target`` JSON service (``StarlingDoveService.PutRemediationConfigurations``).
moto's server turns the action into snake case and calls the method of that name on
``moto.config.responses.ConfigResponse`` (``moto.core.responses.BaseResponse.call_action``). :func:`apply` sets the
handlers below on that class and the backend methods on ``moto.config.models.ConfigBackend``. Handlers return
``ActionResult`` dicts that moto serializes against botocore's Config model (only members of the documented
output shape reach the client); errors are ``JsonRESTError``s: HTTP 400, ``{"__type": code, "message": ...}``.

Request and response shapes follow the AWS Config API Reference
(https://docs.aws.amazon.com/config/latest/APIReference/), one page per operation, e.g.
https://docs.aws.amazon.com/config/latest/APIReference/API_PutRemediationConfigurations.html
"""

from __future__ import annotations

import copy
import json
import threading
from collections.abc import Callable
from typing import Any

from moto.config import models as config_models
from moto.config import responses as config_responses
from moto.core.exceptions import JsonRESTError
from moto.core.responses import ActionResult, EmptyResult
from moto.moto_api._internal import mock_random as random
from moto.utilities.utils import get_partition

import extlib

Backend = config_models.ConfigBackend
Response = config_responses.ConfigResponse

API_REFERENCE = "https://docs.aws.amazon.com/config/latest/APIReference"

MAX_BATCH = 25  # RemediationConfigurations and ConfigRuleNames: "Maximum number of 25 items"
MAX_PARAMETERS = 25  # RemediationParameters map
MAX_STATIC_VALUES = 25  # StaticValue.Values
ATTEMPTS_RANGE = (1, 25)  # MaximumAutomaticAttempts
RETRY_SECONDS_RANGE = (1, 2678000)  # RetryAttemptSeconds
PERCENTAGE_RANGE = (1, 100)  # SsmControls.ConcurrentExecutionRatePercentage / ErrorPercentage
# RemediationConfiguration: "If you do not select a number, the default is 5" / "... the default is 60 seconds."
DEFAULT_MAXIMUM_AUTOMATIC_ATTEMPTS = 5
DEFAULT_RETRY_ATTEMPT_SECONDS = 60
MAX_LISTED_PROBLEMS = 10  # a ValidationException message counts every violation but lists the first ones
TARGET_TYPES = ("SSM_DOCUMENT",)
RESOURCE_VALUE_TYPES = ("RESOURCE_ID",)

# FailureMessage of a FailedRemediationBatch (the emulator's wording; the API reference gives none).
RULE_MISSING = "The Config rule does not exist. Create the rule before adding a remediation configuration."


# --------------------------------------------------------------------------------------------------------------
# Errors (AWS JSON error shape, HTTP 400)
# --------------------------------------------------------------------------------------------------------------


class ConfigError(extlib.CodedError, JsonRESTError):
    """A Config error: ``{"__type": code, "message": ...}``, HTTP 400 (every Config error shape is a 400)."""

    code = 400


def validation_error(problems: list[str]) -> ConfigError:
    """Constraint violations of the request shape, worded like AWS's (1-based list indexes)."""
    n = len(problems)
    head = f"{n} validation error{'s' if n > 1 else ''} detected: "
    return ConfigError("ValidationException", head + "; ".join(problems[:MAX_LISTED_PROBLEMS]))


def invalid_parameter(message: str) -> ConfigError:
    return ConfigError("InvalidParameterValueException", message)


def no_such_remediation(rule: str) -> ConfigError:
    return ConfigError(
        "NoSuchRemediationConfigurationException",
        f"No RemediationConfiguration for rule '{rule}' exists. Check the rule name and resource type and try again.",
    )


def rule_has_remediation(rule: str) -> ConfigError:
    # The message AWS returns (quoted in client projects' bug reports) for DeleteConfigRule.
    return ConfigError(
        "ResourceInUseException",
        f"The rule {rule} currently has a RemediationConfiguration. Please delete the RemediationConfiguration "
        "and try again.",
    )


# --------------------------------------------------------------------------------------------------------------
# Request validation (the model's constraints; boto3 checks only some of them client-side)
# --------------------------------------------------------------------------------------------------------------


def _shown(value: Any) -> str:
    return json.dumps(value) if not isinstance(value, str) else value


class _Checker:
    """Collects constraint violations in AWS's ``Value 'x' at 'path' failed to satisfy constraint: ...`` form."""

    def __init__(self) -> None:
        self.problems: list[str] = []

    def fail(self, value: Any, path: str, constraint: str) -> None:
        self.problems.append(f"Value '{_shown(value)}' at '{path}' failed to satisfy constraint: {constraint}")

    def required(self, value: Any, path: str) -> bool:
        if value is None:
            self.problems.append(f"Value null at '{path}' failed to satisfy constraint: Member must not be null")
            return False
        return True

    def string(self, value: Any, path: str, lo: int | None = None, hi: int | None = None, nonblank: bool = False) -> None:
        if value is None:
            return
        if not isinstance(value, str):
            self.fail(value, path, "Member must be a string")
            return
        if lo is not None and len(value) < lo:
            self.fail(value, path, f"Member must have length greater than or equal to {lo}")
        if hi is not None and len(value) > hi:
            self.fail(value, path, f"Member must have length less than or equal to {hi}")
        if nonblank and value and not value.strip():
            self.fail(value, path, "Member must satisfy regular expression pattern: .*\\S.*")

    def enum(self, value: Any, path: str, allowed: tuple[str, ...]) -> None:
        if value is not None and value not in allowed:
            self.fail(value, path, f"Member must satisfy enum value set: [{', '.join(allowed)}]")

    def integer(self, value: Any, path: str, bounds: tuple[int, int]) -> None:
        if value is None:
            return
        if isinstance(value, bool) or not isinstance(value, int):
            self.fail(value, path, "Member must be an integer")
            return
        lo, hi = bounds
        if value < lo:
            self.fail(value, path, f"Member must have value greater than or equal to {lo}")
        if value > hi:
            self.fail(value, path, f"Member must have value less than or equal to {hi}")

    def boolean(self, value: Any, path: str) -> None:
        if value is not None and not isinstance(value, bool):
            self.fail(value, path, "Member must be a boolean")

    def struct(self, value: Any, path: str) -> bool:
        if value is None:
            return False
        if not isinstance(value, dict):
            self.fail(value, path, "Member must be a structure")
            return False
        return True

    def sequence(self, value: Any, path: str, hi: int) -> bool:
        if value is None:
            return False
        if not isinstance(value, list):
            self.fail(value, path, "Member must be a list")
            return False
        if len(value) > hi:
            self.problems.append(
                f"Value '[{len(value)} items]' at '{path}' failed to satisfy constraint: "
                f"Member must have length less than or equal to {hi}"
            )
        return True


def validate_remediation(check: _Checker, item: Any, path: str) -> list[str]:
    """Validate one RemediationConfiguration; returns the semantic (InvalidParameterValue) problems."""
    semantic: list[str] = []
    if not check.struct(item, path):
        check.required(item, path)
        return semantic
    rule = item.get("ConfigRuleName")
    if check.required(rule, f"{path}.configRuleName"):
        check.string(rule, f"{path}.configRuleName", 1, 128, nonblank=True)
    if check.required(item.get("TargetType"), f"{path}.targetType"):
        check.enum(item.get("TargetType"), f"{path}.targetType", TARGET_TYPES)
    if check.required(item.get("TargetId"), f"{path}.targetId"):
        check.string(item.get("TargetId"), f"{path}.targetId", 1, 256)
    check.string(item.get("TargetVersion"), f"{path}.targetVersion")
    check.string(item.get("ResourceType"), f"{path}.resourceType")
    check.boolean(item.get("Automatic"), f"{path}.automatic")
    check.integer(item.get("MaximumAutomaticAttempts"), f"{path}.maximumAutomaticAttempts", ATTEMPTS_RANGE)
    check.integer(item.get("RetryAttemptSeconds"), f"{path}.retryAttemptSeconds", RETRY_SECONDS_RANGE)
    controls = item.get("ExecutionControls")
    if check.struct(controls, f"{path}.executionControls"):
        ssm = controls.get("SsmControls")
        if check.struct(ssm, f"{path}.executionControls.ssmControls"):
            for member in ("ConcurrentExecutionRatePercentage", "ErrorPercentage"):
                check.integer(
                    ssm.get(member),
                    f"{path}.executionControls.ssmControls.{member[0].lower()}{member[1:]}",
                    PERCENTAGE_RANGE,
                )
    params = item.get("Parameters")
    if params is not None:
        if not isinstance(params, dict):
            check.fail(params, f"{path}.parameters", "Member must be a map")
        else:
            if len(params) > MAX_PARAMETERS:
                check.problems.append(
                    f"Value '[{len(params)} entries]' at '{path}.parameters' failed to satisfy constraint: "
                    f"Member must have length less than or equal to {MAX_PARAMETERS}"
                )
            for key, value in params.items():
                check.string(key, f"{path}.parameters.key", 1, 256)
                vpath = f"{path}.parameters.{key}.member"
                if not check.struct(value, vpath):
                    check.required(value, vpath)
                    continue
                resource_value, static_value = value.get("ResourceValue"), value.get("StaticValue")
                if check.struct(resource_value, f"{vpath}.resourceValue"):
                    if check.required(resource_value.get("Value"), f"{vpath}.resourceValue.value"):
                        check.enum(resource_value.get("Value"), f"{vpath}.resourceValue.value", RESOURCE_VALUE_TYPES)
                if check.struct(static_value, f"{vpath}.staticValue"):
                    values = static_value.get("Values")
                    if check.required(values, f"{vpath}.staticValue.values") and check.sequence(
                        values, f"{vpath}.staticValue.values", MAX_STATIC_VALUES
                    ):
                        for j, v in enumerate(values, 1):
                            check.string(v, f"{vpath}.staticValue.values.{j}.member", 1, 256)
                # RemediationParameterValue: "You must select either a dynamic value or a static value."
                if (resource_value is None) == (static_value is None):
                    semantic.append(
                        f"The parameter {key} of the remediation configuration for rule {rule} must have either "
                        "a ResourceValue or a StaticValue."
                    )
    return semantic


def _rule_names(check: _Checker, names: Any, path: str) -> list[str]:
    if not check.required(names, path) or not check.sequence(names, path, MAX_BATCH):
        return []
    for i, name in enumerate(names, 1):
        if check.required(name, f"{path}.{i}.member"):
            check.string(name, f"{path}.{i}.member", 1, 128, nonblank=True)
    return [n for n in names if isinstance(n, str)]


# --------------------------------------------------------------------------------------------------------------
# State (hangs off moto's backend object, so moto's reset clears it)
# --------------------------------------------------------------------------------------------------------------

_STATE_LOCK = threading.RLock()


def remediations(backend: Any) -> dict[str, dict[str, Any]]:
    """Rule name -> stored RemediationConfiguration (one per rule) of one account and Region."""
    return extlib.attached(backend, "_moto_ext_remediations", dict)


# --------------------------------------------------------------------------------------------------------------
# Backend methods (set on ConfigBackend)
# --------------------------------------------------------------------------------------------------------------

_ORIGINAL: dict[str, Callable[..., Any]] = {}


class BackendExtension:
    """Methods copied onto ``ConfigBackend``; ``self`` is moto's backend for one account/region."""

    account_id: str
    region_name: str
    config_rules: dict[str, Any]

    def _remediation_arn(self, rule: str) -> str:
        partition = get_partition(self.region_name)
        return (
            f"arn:{partition}:config:{self.region_name}:{self.account_id}:remediation-configuration/"
            f"{rule}/{random.uuid4()}"
        )

    def put_remediation_configurations(self, items: Any) -> list[dict[str, Any]]:
        check = _Checker()
        semantic: list[str] = []
        if check.required(items, "remediationConfigurations") and check.sequence(
            items, "remediationConfigurations", MAX_BATCH
        ):
            for i, item in enumerate(items, 1):
                semantic += validate_remediation(check, item, f"remediationConfigurations.{i}.member")
        if check.problems:  # the whole request is refused, nothing is stored
            raise validation_error(check.problems)
        if semantic:
            raise invalid_parameter(semantic[0])

        failed: dict[str, list[dict[str, Any]]] = {}  # failure message -> items, in request order
        with _STATE_LOCK:
            store = remediations(self)
            for item in items:
                rule_name = item["ConfigRuleName"]
                rule = self.config_rules.get(rule_name)
                if rule is None:
                    failed.setdefault(RULE_MISSING, []).append(copy.deepcopy(item))
                    continue
                previous = store.get(rule_name)
                stored: dict[str, Any] = {
                    "ConfigRuleName": rule_name,
                    "TargetType": item["TargetType"],
                    "TargetId": item["TargetId"],
                    "Automatic": bool(item.get("Automatic", False)),
                    "MaximumAutomaticAttempts": item.get(
                        "MaximumAutomaticAttempts", DEFAULT_MAXIMUM_AUTOMATIC_ATTEMPTS
                    ),
                    "RetryAttemptSeconds": item.get("RetryAttemptSeconds", DEFAULT_RETRY_ATTEMPT_SECONDS),
                    # "Adds or updates": an update keeps the configuration's ARN; Arn/CreatedByService in the
                    # request are ignored (the service sets them).
                    "Arn": previous["Arn"] if previous else self._remediation_arn(rule_name),
                }
                for member in ("TargetVersion", "Parameters", "ResourceType", "ExecutionControls"):
                    if item.get(member) is not None:
                        stored[member] = copy.deepcopy(item[member])
                if getattr(rule, "created_by", None):  # service-linked rule (moto refuses to create any)
                    stored["CreatedByService"] = rule.created_by
                store[rule_name] = stored  # replaces the rule's configuration as a whole
        return [{"FailureMessage": message, "FailedItems": batch} for message, batch in failed.items()]

    def describe_remediation_configurations(self, rule_names: Any) -> list[dict[str, Any]]:
        check = _Checker()
        names = _rule_names(check, rule_names, "configRuleNames")
        if check.problems:
            raise validation_error(check.problems)
        store = remediations(self)
        out, seen = [], set()
        for name in names:  # request order; rules without a configuration (or unknown) are left out
            if name in store and name not in seen:
                seen.add(name)
                out.append(copy.deepcopy(store[name]))
        return out

    def delete_remediation_configuration(self, rule_name: Any, resource_type: Any) -> None:
        check = _Checker()
        if check.required(rule_name, "configRuleName"):
            check.string(rule_name, "configRuleName", 1, 128, nonblank=True)
        check.string(resource_type, "resourceType")
        if check.problems:
            raise validation_error(check.problems)
        with _STATE_LOCK:
            store = remediations(self)
            stored = store.get(rule_name)
            # A ResourceType that isn't the configuration's names no configuration of the rule.
            if stored is None or (resource_type is not None and stored.get("ResourceType") != resource_type):
                raise no_such_remediation(rule_name)
            del store[rule_name]

    def delete_config_rule(self, rule_name: str) -> None:
        with _STATE_LOCK:
            if rule_name in self.config_rules and rule_name in remediations(self):
                raise rule_has_remediation(rule_name)
            # moto's: NoSuchConfigRuleException for an unknown rule, else the rule (and its tags) is gone.
            _ORIGINAL["Backend.delete_config_rule"](self, rule_name)
            remediations(self).pop(rule_name, None)  # nothing of the rule remains


# --------------------------------------------------------------------------------------------------------------
# Response handlers (set on ConfigResponse)
# --------------------------------------------------------------------------------------------------------------


class ResponseExtension:
    """Handlers copied onto ``ConfigResponse``; ``self.config_backend`` is
    ``config_backends[self.current_account][self.region]``."""

    config_backend: Any
    body: Any

    def _json_body(self) -> dict[str, Any]:
        return extlib.json_body(self.body, lambda message: ConfigError("SerializationException", message))

    def put_remediation_configurations(self) -> ActionResult:
        params = self._json_body()
        failed = self.config_backend.put_remediation_configurations(params.get("RemediationConfigurations"))
        return ActionResult({"FailedBatches": failed})

    def describe_remediation_configurations(self) -> ActionResult:
        params = self._json_body()
        found = self.config_backend.describe_remediation_configurations(params.get("ConfigRuleNames"))
        return ActionResult({"RemediationConfigurations": found})

    def delete_remediation_configuration(self) -> ActionResult:
        params = self._json_body()
        self.config_backend.delete_remediation_configuration(params.get("ConfigRuleName"), params.get("ResourceType"))
        return EmptyResult()

    def delete_config_rule(self) -> ActionResult:
        params = self._json_body()
        self.config_backend.delete_config_rule(params.get("ConfigRuleName"))
        return EmptyResult()


# --------------------------------------------------------------------------------------------------------------
# apply()
# --------------------------------------------------------------------------------------------------------------

ADDED_OPERATIONS: list[str] = []
FIXED_OPERATIONS: list[str] = []


@extlib.once
def apply() -> None:
    """Patch moto's Config backend and response class. Idempotent."""
    extlib.install(Backend, BackendExtension, "Backend", _ORIGINAL)
    added, replaced = extlib.install(Response, ResponseExtension, "Response", _ORIGINAL)
    extlib.record_operations(ADDED_OPERATIONS, FIXED_OPERATIONS, added, replaced)
