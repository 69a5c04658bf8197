"""Makes CloudWatch Logs metric filters count: moto 5.2.5 stores metric filters (PutMetricFilter) but PutLogEvents
never applies them, and PutMetricData never evaluates an alarm, so a CIS AWS Foundations alarm on a CloudTrail log
group can never fire in the emulator. This extension closes that loop:

1. PutLogEvents (moto's ``LogsBackend.put_log_events``, wrapped): after moto stores the events, every metric filter
   of the log group is matched against each accepted event; a match publishes the filter's metric transformation
   (``metricValue``, the event's timestamp) to moto's own CloudWatch backend of the same account and region, exactly
   as PutMetricData would (so GetMetricStatistics / GetMetricData see it).
2. The alarms of the same account and region on that metric (namespace, name, no dimensions) are evaluated over
   their last ``EvaluationPeriods`` periods ending now: a period's statistic (Sum, SampleCount, Average, Minimum,
   Maximum) against the threshold with the comparison operator; periods without data follow ``TreatMissingData``
   (``breaching`` / ``notBreaching``; ``missing`` and ``ignore`` leave them out). ``DatapointsToAlarm`` (default:
   ``EvaluationPeriods``) breaching periods put the alarm in ALARM, otherwise OK.
3. A state change with actions enabled publishes the alarm's ``AlarmActions`` (ALARM) or ``OKActions`` (OK) that
   are SNS topics through moto's SNS backend, with the message CloudWatch sends (a JSON object with ``AlarmName``,
   ``NewStateValue``, ``OldStateValue``, ``NewStateReason``, ``Trigger``, ...; subject ``ALARM: "<name>" in
   <region>``), so an SQS queue subscribed to the topic receives it.

Filter patterns: the JSON form CloudTrail metric filters use (the CIS AWS Foundations Benchmark set), as the
CloudWatch Logs user guide "Filter pattern syntax for metric filters" / "Using metric filters to match terms in JSON
log events" documents (https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/FilterAndPatternSyntax.html):
``{ <expr> }`` with ``&&``, ``||``, parentheses, selectors ``$.a.b`` / ``$.a[0]``, ``=`` and ``!=`` against a quoted
or bare string (``*`` a wildcard anywhere in it) or a number, ``<``, ``<=``, ``>``, ``>=`` against a number,
``NOT EXISTS`` (the property is absent) and ``IS NULL``. A comparison on an absent property does not match. Events
that are not JSON match no JSON pattern. An empty pattern matches every event. Other pattern forms (space-delimited,
terms) are not interpreted: the filter is skipped, as if nothing matched.

Reference for the alarm side: CloudWatch user guide, "Using Amazon CloudWatch alarms" (evaluation periods,
datapoints to alarm, treating missing data:
https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/AlarmThatSendsEmail.html). Not evaluated (left as
moto keeps them): metric-math and anomaly-detection alarms, extended statistics, alarms with dimensions, composite
alarms. Metric values taken from the event (``$.bytes``) are not interpreted: such a transformation is skipped.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from typing import Any

from moto.cloudwatch.models import cloudwatch_backends
from moto.core.utils import utcnow
from moto.logs import models as logs_models
from moto.sns.models import sns_backends

import extlib

ADDED_OPERATIONS: list[str] = []
FIXED_OPERATIONS: list[str] = []
SUMMARY = "PutLogEvents applies metric filters (CloudWatch metric data), alarms on them are evaluated and notify SNS"

_original: dict[str, Callable[..., Any]] = {}

# --------------------------------------------------------------------------------------------------------------
# Filter patterns


class PatternError(ValueError):
    """A pattern this extension does not interpret."""


_TOKEN = re.compile(
    r"""\s*(?:
        (?P<op>&&|\|\||!=|<=|>=|=|<|>|\(|\))
      | (?P<sel>\$(?:\.[A-Za-z0-9_@-]+|\[[0-9]+\])*)
      | (?P<str>"(?:[^"\\]|\\.)*")
      | (?P<word>[^\s()=!<>&|"]+)
    )""",
    re.VERBOSE,
)


def _tokens(text: str) -> list[tuple[str, str]]:
    out, pos = [], 0
    text = text.strip()
    while pos < len(text):
        m = _TOKEN.match(text, pos)
        if not m or m.end() == pos:
            raise PatternError(f"unexpected input at {pos}: {text[pos:pos + 20]!r}")
        kind = m.lastgroup or ""
        value = m.group(kind)
        out.append((kind, value))
        pos = m.end()
    return out


Predicate = Callable[[Any], bool]
_ABSENT = object()


def _select(event: Any, selector: str) -> Any:
    cur = event
    for part in re.findall(r"\.([A-Za-z0-9_@-]+)|\[([0-9]+)\]", selector[1:]):
        key, index = part
        if key:
            if not isinstance(cur, dict) or key not in cur:
                return _ABSENT
            cur = cur[key]
        else:
            i = int(index)
            if not isinstance(cur, list) or i >= len(cur):
                return _ABSENT
            cur = cur[i]
    return cur


def _wildcard(value: str) -> re.Pattern[str]:
    return re.compile("^" + ".*".join(re.escape(p) for p in value.split("*")) + "$", re.DOTALL)


def _number(text: str) -> float | None:
    try:
        return float(text)
    except ValueError:
        return None


def _compare(selector: str, op: str, operand: str, quoted: bool) -> Predicate:
    num = None if quoted else _number(operand)
    if op in ("<", "<=", ">", ">="):
        if num is None:
            raise PatternError(f"{op} needs a number")
        cmp = {"<": float.__lt__, "<=": float.__le__, ">": float.__gt__, ">=": float.__ge__}[op]

        def numeric(e: Any) -> bool:
            v = _select(e, selector)
            return isinstance(v, (int, float)) and not isinstance(v, bool) and cmp(float(v), num)

        return numeric
    pattern = _wildcard(operand)

    def equals(v: Any) -> bool:
        if num is not None and isinstance(v, (int, float)) and not isinstance(v, bool):
            return float(v) == num
        if isinstance(v, bool):
            v = "true" if v else "false"
        return isinstance(v, (str, int, float)) and bool(pattern.match(str(v)))

    def test(e: Any) -> bool:
        v = _select(e, selector)
        if v is _ABSENT or v is None:
            return False
        return equals(v) if op == "=" else not equals(v)

    return test


class _Parser:
    def __init__(self, tokens: list[tuple[str, str]]):
        self.t = tokens
        self.i = 0

    def peek(self) -> tuple[str, str] | None:
        return self.t[self.i] if self.i < len(self.t) else None

    def take(self) -> tuple[str, str]:
        tok = self.peek()
        if tok is None:
            raise PatternError("unexpected end of pattern")
        self.i += 1
        return tok

    def expect(self, value: str) -> None:
        if self.take()[1] != value:
            raise PatternError(f"expected {value}")

    def disjunction(self) -> Predicate:
        parts = [self.conjunction()]
        while self.peek() == ("op", "||"):
            self.take()
            parts.append(self.conjunction())
        return parts[0] if len(parts) == 1 else lambda e: any(p(e) for p in parts)

    def conjunction(self) -> Predicate:
        parts = [self.unary()]
        while self.peek() == ("op", "&&"):
            self.take()
            parts.append(self.unary())
        return parts[0] if len(parts) == 1 else lambda e: all(p(e) for p in parts)

    def unary(self) -> Predicate:
        kind, value = self.take()
        if (kind, value) == ("op", "("):
            inner = self.disjunction()
            self.expect(")")
            return inner
        if kind != "sel":
            raise PatternError(f"expected a selector, got {value!r}")
        selector = value
        kind, value = self.take()
        if kind == "word" and value.upper() == "NOT":
            if self.take()[1].upper() != "EXISTS":
                raise PatternError("expected EXISTS")
            return lambda e: _select(e, selector) is _ABSENT
        if kind == "word" and value.upper() == "IS":
            if self.take()[1].upper() != "NULL":
                raise PatternError("expected NULL")
            return lambda e: _select(e, selector) is None
        if kind != "op" or value not in ("=", "!=", "<", "<=", ">", ">="):
            raise PatternError(f"expected a comparison, got {value!r}")
        okind, operand = self.take()
        if okind == "str":
            return _compare(selector, value, json.loads(operand), True)
        if okind == "word":
            return _compare(selector, value, operand, False)
        raise PatternError(f"expected a value, got {operand!r}")


def compile_pattern(pattern: str) -> Callable[[str], bool]:
    """A matcher over raw log messages for a metric filter pattern; raises PatternError for forms not interpreted."""
    text = pattern.strip()
    if not text:
        return lambda _message: True
    if not (text.startswith("{") and text.endswith("}")):
        raise PatternError("only JSON patterns ({ ... }) are interpreted")
    parser = _Parser(_tokens(text[1:-1]))
    predicate = parser.disjunction()
    if parser.peek() is not None:
        raise PatternError(f"unexpected {parser.peek()[1]!r}")  # type: ignore[index]

    def match(message: str) -> bool:
        try:
            event = json.loads(message)
        except ValueError:
            return False
        return isinstance(event, dict) and predicate(event)

    return match


# --------------------------------------------------------------------------------------------------------------
# Metrics and alarms

_COMPARISONS: dict[str, Callable[[float, float], bool]] = {
    "GreaterThanOrEqualToThreshold": lambda v, t: v >= t,
    "GreaterThanThreshold": lambda v, t: v > t,
    "LessThanThreshold": lambda v, t: v < t,
    "LessThanOrEqualToThreshold": lambda v, t: v <= t,
}


def _statistic(name: str, values: list[float]) -> float:
    if name == "Sum":
        return sum(values)
    if name == "SampleCount":
        return float(len(values))
    if name == "Average":
        return sum(values) / len(values)
    if name == "Minimum":
        return min(values)
    if name == "Maximum":
        return max(values)
    raise ValueError(name)


def _aware(ts: datetime) -> datetime:
    return ts if ts.tzinfo else ts.replace(tzinfo=timezone.utc)


def _values(backend: Any, namespace: str, name: str, start: datetime, end: datetime) -> list[float]:
    out = []
    for d in backend.metric_data:
        if d.namespace != namespace or d.name != name or d.dimensions:
            continue
        if start <= _aware(d.timestamp) < end and hasattr(d, "value"):
            out.append(float(d.value))
    return out


def evaluate(alarm: Any, backend: Any, now: datetime) -> str | None:
    """The state the alarm's metric puts it in (``ALARM`` / ``OK``), or None for alarms this does not evaluate
    (metric math, extended statistics, dimensions, composite alarms)."""
    if alarm.metric_data_queries or alarm.dimensions or alarm.rule or alarm.extended_statistic:
        return None
    if alarm.statistic not in ("Sum", "SampleCount", "Average", "Minimum", "Maximum"):
        return None
    compare = _COMPARISONS.get(alarm.comparison_operator)
    if compare is None:
        return None
    period = timedelta(seconds=int(alarm.period))
    breaching = 0
    for i in range(int(alarm.evaluation_periods)):
        end = now - i * period
        values = _values(backend, alarm.namespace, alarm.metric_name, end - period, end + timedelta(seconds=1))
        if values:
            breaching += compare(_statistic(alarm.statistic, values), float(alarm.threshold))
        elif alarm.treat_missing_data == "breaching":
            breaching += 1
    needed = int(alarm.datapoints_to_alarm or alarm.evaluation_periods)
    return "ALARM" if breaching >= needed else "OK"


def _notify(alarm: Any, account_id: str, region: str, old: str, new: str, reason: str) -> None:
    if not alarm.actions_enabled:
        return
    actions = alarm.alarm_actions if new == "ALARM" else alarm.ok_actions
    message = json.dumps(
        {
            "AlarmName": alarm.name,
            "AlarmDescription": alarm.description,
            "AWSAccountId": account_id,
            "AlarmConfigurationUpdatedTimestamp": alarm.configuration_updated_timestamp.isoformat(),
            "NewStateValue": new,
            "NewStateReason": reason,
            "StateChangeTime": utcnow().isoformat(),
            "Region": region,
            "AlarmArn": alarm.alarm_arn,
            "OldStateValue": old,
            "OKActions": list(alarm.ok_actions),
            "AlarmActions": list(alarm.alarm_actions),
            "InsufficientDataActions": list(alarm.insufficient_data_actions),
            "Trigger": {
                "MetricName": alarm.metric_name,
                "Namespace": alarm.namespace,
                "StatisticType": "Statistic",
                "Statistic": alarm.statistic.upper(),
                "Unit": alarm.unit,
                "Dimensions": [],
                "Period": int(alarm.period),
                "EvaluationPeriods": int(alarm.evaluation_periods),
                "ComparisonOperator": alarm.comparison_operator,
                "Threshold": float(alarm.threshold),
                "TreatMissingData": alarm.treat_missing_data or "missing",
            },
        }
    )
    subject = f'{new}: "{alarm.name}" in {region}'[:100]
    for arn in actions:
        parts = arn.split(":")
        if len(parts) < 6 or parts[2] != "sns":
            continue
        sns = sns_backends[parts[4]][parts[3]]
        if arn in sns.topics:
            sns.publish(message=message, arn=arn, subject=subject)


def evaluate_alarms(account_id: str, region: str, metrics: set[tuple[str, str]]) -> None:
    """Evaluate the alarms of ``account_id``/``region`` on any of ``metrics`` (namespace, name); notify changes."""
    backend = cloudwatch_backends[account_id][region]
    now = utcnow()
    now = _aware(now)
    for alarm in list(backend.alarms.values()):
        if (alarm.namespace, alarm.metric_name) not in metrics:
            continue
        new = evaluate(alarm, backend, now)
        if new is None or new == alarm.state_value:
            continue
        old = alarm.state_value
        reason = (
            f"Threshold Crossed: datapoints of {alarm.namespace}/{alarm.metric_name} were "
            f"{'' if new == 'ALARM' else 'not '}{alarm.comparison_operator} {float(alarm.threshold)} "
            f"(metric filter, moto_ext)."
        )
        alarm.update_state(reason, json.dumps({"version": "1.0", "evaluatedBy": "moto_ext"}), new)
        _notify(alarm, account_id, region, old, new, reason)


class _LogsBackend:
    def put_log_events(
        self: Any, log_group_name: str, log_stream_name: str, log_events: list[dict[str, Any]]
    ) -> Any:
        result = _original["backend.put_log_events"](self, log_group_name, log_stream_name, log_events)
        apply_metric_filters(self, log_group_name, log_events)
        return result


def apply_metric_filters(backend: Any, log_group_name: str, log_events: list[dict[str, Any]]) -> None:
    """Publish the metric of every filter of the group that an accepted event matches, then evaluate alarms."""
    oldest = int((utcnow() - timedelta(days=14)).timestamp() * 1000)
    newest = int((utcnow() + timedelta(hours=2)).timestamp() * 1000)
    accepted = [e for e in log_events if oldest <= int(e["timestamp"]) <= newest]
    if not accepted:
        return
    # PutMetricFilter replaces a filter of the same name: the last one stored wins.
    filters: dict[str, dict[str, Any]] = {}
    for f in backend.filters.get_matching_filters(log_group_name=log_group_name):
        filters[f["filterName"]] = f
    cw = cloudwatch_backends[backend.account_id][backend.region_name]
    touched: set[tuple[str, str]] = set()
    for f in filters.values():
        try:
            matches = compile_pattern(f["filterPattern"] or "")
        except PatternError:
            continue
        for event in accepted:
            if not matches(event["message"]):
                continue
            # Naive UTC, as moto keeps the timestamps of PutMetricData (GetMetricStatistics compares them).
            ts = datetime.fromtimestamp(int(event["timestamp"]) / 1000, tz=timezone.utc).replace(tzinfo=None)
            for t in f["metricTransformations"]:
                value = _number(str(t.get("metricValue", "1")))
                if value is None:
                    continue  # `$.field` metric values are not interpreted
                cw.put_metric_data(
                    t["metricNamespace"],
                    [{"MetricName": t["metricName"], "Value": value, "Timestamp": ts}],
                )
                touched.add((t["metricNamespace"], t["metricName"]))
    if touched:
        evaluate_alarms(backend.account_id, backend.region_name, touched)


@extlib.once
def apply() -> None:
    """Wrap moto's ``LogsBackend.put_log_events``."""
    extlib.install(logs_models.LogsBackend, _LogsBackend, "backend", _original)
    # The operation whose behaviour changes (moto's handler is unchanged; its backend method is wrapped).
    FIXED_OPERATIONS[:] = ["PutLogEvents"]
