"""Adds DescribeTrustedAdvisorCheckSummaries, the Trusted Advisor read moto 5.2.5 lacks, to moto's AWS Support.

moto 5.2.5 implements DescribeTrustedAdvisorChecks (a static copy of AWS's check list, ``ADVISOR_CHECKS``) and
RefreshTrustedAdvisorCheck, but no check results. This extension answers
[DescribeTrustedAdvisorCheckSummaries](https://docs.aws.amazon.com/awssupport/latest/APIReference/API_DescribeTrustedAdvisorCheckSummaries.html)
for the checks of moto's list, each evaluated *now* from moto's own state of the calling account, so out-of-band
changes made through moto's other services show up the way Trusted Advisor would report them:

- ``HCP4007jGY`` "Security Groups - Specific Ports Unrestricted": ``error`` (red) when an ingress rule of a security
  group in any Region of the account opens port 20, 21, 22, 1433, 1434, 3306, 3389, 4333, 5432 or 5500 to
  ``0.0.0.0/0`` or ``::/0``; ``warning`` (yellow) for any other port open to the world but 25, 80, 443 and 465;
  ``ok`` otherwise (alert criteria of the check reference, without its "attached to a resource" refinement).
- ``1iG5NDGVre`` "Security Groups - Unrestricted Access": ``error`` when a rule opens any port but 25, 80 or 443 to
  a ``/0`` source.
- ``7DAFEmoDos`` "MFA on Root Account": always ``error``, because moto's IAM has no way to enable root MFA
  (``AccountMFAEnabled`` is always 0).
- every other check: ``ok`` with nothing flagged.

Each summary carries the members the API reference marks required (``checkId``, ``timestamp``, ``status``,
``resourcesSummary``, ``categorySpecificSummary``) plus ``hasFlaggedResources``. A check ID that is not in moto's
list is ``InvalidParameterValueException`` (HTTP 400), as AWS answers an unknown check. Nothing is stored: the
results follow moto's EC2 state, which ``POST /moto-api/reset`` clears.

How it hooks in: moto's server turns the ``X-Amz-Target`` action (``AWSSupport_20130415.DescribeTrustedAdvisorCheck
Summaries``) into snake case and calls that method on ``moto.support.responses.SupportResponse``; :func:`apply` sets
it there. The handler returns an ``ActionResult`` that moto serializes against botocore's Support model.
"""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

from moto.core.exceptions import ServiceException
from moto.core.responses import ActionResult
from moto.ec2.models import ec2_backends
from moto.support import models as support_models
from moto.support import responses as support_responses

import extlib

Response = support_responses.SupportResponse

SPECIFIC_PORTS = "HCP4007jGY"
UNRESTRICTED = "1iG5NDGVre"
ROOT_MFA = "7DAFEmoDos"
# "Security Groups - Specific Ports Unrestricted" alert criteria.
RED_PORTS = (20, 21, 22, 1433, 1434, 3306, 3389, 4333, 5432, 5500)
GREEN_PORTS = (25, 80, 443, 465)
# "Security Groups - Unrestricted Access": ports allowed open to the world.
UNRESTRICTED_OK_PORTS = (25, 80, 443)
WORLD = ("0.0.0.0/0", "::/0")


class SupportError(extlib.CodedError, ServiceException):
    """An AWS Support error; ``code`` must be an error shape name of the Support model."""


def open_rules(account_id: str) -> list[tuple[str, int, int]]:
    """``(group id, from port, to port)`` of every ingress rule open to the world, in every Region whose EC2 backend
    moto has created for the account (all ports for protocol ``-1``)."""
    out = []
    backends = ec2_backends[account_id]
    for region in list(backends.keys()):
        for groups in backends[region].groups.values():
            for group in groups.values():
                for rule in group.ingress_rules:
                    cidr = rule.ip_range.get("CidrIp") or rule.ip_range.get("CidrIpv6")
                    if cidr not in WORLD:
                        continue
                    if rule.ip_protocol in (None, "-1"):
                        out.append((group.id, 0, 65535))
                    else:
                        out.append((group.id, int(rule.from_port), int(rule.to_port)))
    return out


def covers(rule: tuple[str, int, int], port: int) -> bool:
    return rule[1] <= port <= rule[2]


def evaluate(check_id: str, account_id: str) -> tuple[str, int, int]:
    """``(status, resources processed, resources flagged)`` of one check now."""
    if check_id == ROOT_MFA:
        return "error", 1, 1
    if check_id not in (SPECIFIC_PORTS, UNRESTRICTED):
        return "ok", 0, 0
    rules = open_rules(account_id)
    if check_id == SPECIFIC_PORTS:
        red = {r[0] for r in rules if any(covers(r, p) for p in RED_PORTS)}
        yellow = {r[0] for r in rules if not single_port_in(r, GREEN_PORTS)} - red
        status = "error" if red else "warning" if yellow else "ok"
        return status, len({r[0] for r in rules}), len(red | yellow)
    bad = {r[0] for r in rules if not single_port_in(r, UNRESTRICTED_OK_PORTS)}
    return ("error" if bad else "ok"), len({r[0] for r in rules}), len(bad)


def single_port_in(rule: tuple[str, int, int], ports: tuple[int, ...]) -> bool:
    """The rule opens exactly one port, one of ``ports``."""
    return rule[1] == rule[2] and rule[1] in ports


class ResponseExtension:
    """Handlers copied onto ``SupportResponse``."""

    current_account: str
    _get_param: Any

    def describe_trusted_advisor_check_summaries(self) -> ActionResult:
        ids = self._get_param("checkIds")
        if not isinstance(ids, list):
            raise SupportError("InvalidParameterValueException", "checkIds is required.")
        known = {c["id"] for c in support_models.ADVISOR_CHECKS["checks"]}
        unknown = [i for i in ids if i not in known]
        if unknown:
            raise SupportError(
                "InvalidParameterValueException", f"Invalid check ID(s): {', '.join(unknown)}"
            )
        now = datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
        summaries = []
        for check_id in ids:
            status, processed, flagged = evaluate(check_id, self.current_account)
            summaries.append({
                "checkId": check_id,
                "timestamp": now,
                "status": status,
                "hasFlaggedResources": flagged > 0,
                "resourcesSummary": {
                    "resourcesProcessed": processed,
                    "resourcesFlagged": flagged,
                    "resourcesIgnored": 0,
                    "resourcesSuppressed": 0,
                },
                "categorySpecificSummary": {
                    "costOptimizing": {"estimatedMonthlySavings": 0.0, "estimatedPercentMonthlySavings": 0.0}
                },
            })
        return ActionResult({"summaries": summaries})


ADDED_OPERATIONS: list[str] = []
FIXED_OPERATIONS: list[str] = []
_ORIGINAL: dict[str, Any] = {}


@extlib.once
def apply() -> None:
    """Patch moto's Support response class. Idempotent; call before serving requests."""
    added, replaced = extlib.install(Response, ResponseExtension, "Response", _ORIGINAL)
    extlib.record_operations(ADDED_OPERATIONS, FIXED_OPERATIONS, added, replaced)
