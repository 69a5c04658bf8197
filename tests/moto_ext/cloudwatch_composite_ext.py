"""Adds PutCompositeAlarm, which moto 5.2.5 lacks (HTTP 500 through every protocol), and makes DeleteAlarms refuse
an alarm a composite alarm still names, as CloudWatch does.

moto's model already has composite alarms: its ``Alarm`` keeps an ``AlarmRule`` (``rule``), DescribeAlarms returns
the alarms with a rule under ``CompositeAlarms``, and tags and Enable/DisableAlarmActions work on any alarm. Only the
handler is missing, so PutCompositeAlarm stores a moto ``Alarm`` with the rule through moto's own
``CloudWatchBackend.put_metric_alarm``: all state lives in ``cloudwatch_backends[account][region]``, the query, JSON
and RPC v2 CBOR front ends (``cloudwatch_ext.py``) see the same alarms, and ``POST /moto-api/reset`` clears them.

Checked as the API reference describes
(https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_PutCompositeAlarm.html): ``AlarmName`` (1-255)
and ``AlarmRule`` (1-10240) are required; every alarm the rule names with ``ALARM(...)``, ``OK(...)`` or
``INSUFFICIENT_DATA(...)`` must exist (``ValidationError`` "Could not save the composite alarm as alarms [...] in the
alarm rule do not exist"); a metric alarm's name can't be reused; ``Tags`` are applied only when the alarm is created
("If you are using this operation to update an existing alarm, any tags you specify in this parameter are
ignored"). DeleteAlarms: "you can't delete a metric alarm that is part of a composite alarm's rule unless you
delete the composite alarm first or in the same request"
(https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_DeleteAlarms.html).

Not modelled: evaluating the rule (a composite alarm's state stays moto's initial ``OK``), actions suppressors
(stored by nobody, returned as absent), ``AlarmRule`` syntax beyond the alarm functions.
"""

from __future__ import annotations

import re
from typing import Any

from moto.cloudwatch import responses as cw_responses
from moto.cloudwatch.exceptions import ValidationError
from moto.core.responses import EmptyResult

import extlib

Response = cw_responses.CloudWatchResponse

# ALARM(name), OK("name"), INSUFFICIENT_DATA('name'): the alarm functions of an AlarmRule, with the name quoted or not.
_ALARM_FUNCTION = re.compile(
    r"\b(?:ALARM|OK|INSUFFICIENT_DATA)\(\s*(?:\"((?:[^\"\\]|\\.)*)\"|'((?:[^'\\]|\\.)*)'|([^\s()]+))\s*\)"
)
MAX_NAME = 255
MAX_RULE = 10240


def rule_alarms(rule: str) -> list[str]:
    """The alarm names a rule's alarm functions take, in order of appearance."""
    return [next(g for g in m.groups() if g is not None) for m in _ALARM_FUNCTION.finditer(rule)]


class ResponseExtension:
    """Handlers set on ``moto.cloudwatch.responses.CloudWatchResponse`` (``self`` is moto's response object)."""

    def put_composite_alarm(self: Any) -> EmptyResult:
        name = self._get_param("AlarmName")
        rule = self._get_param("AlarmRule")
        if not isinstance(name, str) or not 1 <= len(name) <= MAX_NAME:
            raise ValidationError(f"AlarmName must be 1 to {MAX_NAME} characters.")
        if not isinstance(rule, str) or not 1 <= len(rule) <= MAX_RULE:
            raise ValidationError(f"AlarmRule must be 1 to {MAX_RULE} characters.")
        backend = self.cloudwatch_backend
        existing = backend.alarms.get(name)
        if existing is not None and existing.rule is None:
            raise ValidationError(f"The alarm {name} is a metric alarm; a composite alarm can't replace it.")
        missing = [a for a in dict.fromkeys(rule_alarms(rule)) if a not in backend.alarms]
        if missing:
            raise ValidationError(
                f"Could not save the composite alarm as alarms [{', '.join(missing)}] in the alarm rule do not exist"
            )
        tags = self._get_param("Tags", []) if existing is None else []
        backend.put_metric_alarm(
            name=name,
            namespace=None,
            metric_name=None,
            comparison_operator=None,
            evaluation_periods=None,
            period=None,
            threshold=None,
            statistic=None,
            description=self._get_param("AlarmDescription"),
            dimensions=[],
            alarm_actions=self._get_param("AlarmActions", []),
            ok_actions=self._get_param("OKActions", []),
            insufficient_data_actions=self._get_param("InsufficientDataActions", []),
            actions_enabled=self._get_bool_param("ActionsEnabled"),
            rule=rule,
            tags=tags,
        )
        return EmptyResult()

    def delete_alarms(self: Any) -> Any:
        names = set(self._get_param("AlarmNames", []))
        backend = self.cloudwatch_backend
        for composite in backend.alarms.values():
            if composite.rule is None or composite.name in names:
                continue
            named = names.intersection(rule_alarms(composite.rule))
            if named:
                raise ValidationError(
                    f"The alarm(s) {', '.join(sorted(named))} can't be deleted: the composite alarm "
                    f"{composite.name} names them in its rule."
                )
        return _ORIGINAL["Response.delete_alarms"](self)


ADDED_OPERATIONS: list[str] = []
FIXED_OPERATIONS: list[str] = []
_ORIGINAL: dict[str, Any] = {}


@extlib.once
def apply() -> None:
    """Patch moto's CloudWatch response class. Idempotent; call before serving requests."""
    added, replaced = extlib.install(Response, ResponseExtension, "Response", _ORIGINAL)
    extlib.record_operations(ADDED_OPERATIONS, FIXED_OPERATIONS, added, replaced)
