"""Adds the Security Hub operations moto 5.2.5 lacks (and fixes the ones it gets wrong) for the hub configuration,
security standards, standard/control associations and cross-Region aggregation (finding aggregators).

Everything is stored in moto's own Security Hub backend (``moto.securityhub.models.securityhub_backends[account_id]
[region]``), next to the hub, findings and members moto already keeps, so ``POST /moto-api/reset`` clears it and state
is scoped per account and region like moto's. Nothing here runs until :func:`apply` is called; ``server.py`` calls it
before starting moto's server.

How it hooks in: Security Hub is a REST-JSON service. moto's werkzeug app routes a request to
``SecurityHubResponse.dispatch`` only if its path matches one of ``moto.securityhub.urls.url_paths`` (read when the
app for the service is created, at its first request); the response class then finds the operation from botocore's
model (method + ``requestUri``, ``moto.core.routing``) and calls the method named after it in snake case
(``BaseResponse.call_action``). :func:`apply` adds the missing paths to ``url_paths``, sets the handlers below on
``SecurityHubResponse`` and the backend methods on ``SecurityHubBackend``. Handlers return ``ActionResult`` dicts that
moto serializes against botocore's Security Hub model, so only members of the documented output shape reach the
client, and a raised ``SecurityHubClientError`` becomes the AWS error (``__type``, ``Message``, with the HTTP status
of the model's error shape: InvalidInputException 400, InvalidAccessException 401, ResourceNotFoundException 404,
ResourceConflictException 409).

Request and response shapes follow the AWS Security Hub API Reference
(https://docs.aws.amazon.com/securityhub/1.0/APIReference/), one page per operation, e.g.
https://docs.aws.amazon.com/securityhub/1.0/APIReference/API_BatchEnableStandards.html
"""

from __future__ import annotations

import copy
import re
import threading
from collections.abc import Callable
from typing import Any
from urllib.parse import parse_qs

from moto.core.responses import ActionResult, EmptyResult
from moto.core.utils import utcnow
from moto.moto_api._internal import mock_random as random
from moto.securityhub import models as sh_models
from moto.securityhub import responses as sh_responses
from moto.securityhub import urls as sh_urls
from moto.securityhub.exceptions import SecurityHubClientError

import extlib

Backend = sh_models.SecurityHubBackend
Response = sh_responses.SecurityHubResponse

API_REFERENCE = "https://docs.aws.amazon.com/securityhub/1.0/APIReference"


# --------------------------------------------------------------------------------------------------------------
# Errors (AWS REST-JSON error: {"__type": code, "Message": ...}, HTTP status from the model's error shape)
# --------------------------------------------------------------------------------------------------------------


class SecurityHubError(extlib.CodedError, SecurityHubClientError):
    """A Security Hub error; ``code`` must be an error shape name of the Security Hub model."""


def invalid_input(message: str) -> SecurityHubError:
    return SecurityHubError("InvalidInputException", message)


def not_subscribed(account_id: str) -> SecurityHubError:
    # moto's own message for DescribeHub/DisableSecurityHub, kept for the added operations.
    return SecurityHubError("InvalidAccessException", f"Account {account_id} is not subscribed to AWS Security Hub")


def not_found(message: str) -> SecurityHubError:
    return SecurityHubError("ResourceNotFoundException", message)


# --------------------------------------------------------------------------------------------------------------
# Catalogue: standards and a documented SUBSET of the controls that apply to each
# --------------------------------------------------------------------------------------------------------------

# Security control id -> title (Security Hub CSPM user guide, "Control reference").
CONTROL_TITLES: dict[str, str] = {
    "Account.1": "Security contact information should be provided for an AWS account",
    "CloudTrail.1": "CloudTrail should be enabled and configured with at least one multi-Region trail that includes "
    "read and write management events",
    "CloudTrail.2": "CloudTrail should have encryption at-rest enabled",
    "CloudTrail.4": "CloudTrail log file validation should be enabled",
    "CloudTrail.5": "CloudTrail trails should be integrated with Amazon CloudWatch Logs",
    "CloudTrail.7": "Ensure S3 bucket access logging is enabled on the CloudTrail S3 bucket",
    "CloudTrail.9": "CloudTrail trails should be tagged",
    "Config.1": "AWS Config should be enabled and use the service-linked role for resource recording",
    "EC2.2": "VPC default security groups should not allow inbound or outbound traffic",
    "EC2.6": "VPC flow logging should be enabled in all VPCs",
    "EC2.7": "EBS default encryption should be enabled",
    "EC2.8": "EC2 instances should use Instance Metadata Service Version 2 (IMDSv2)",
    "GuardDuty.1": "GuardDuty should be enabled",
    "GuardDuty.4": "GuardDuty detectors should be tagged",
    "IAM.1": 'IAM policies should not allow full "*" administrative privileges',
    "IAM.2": "IAM users should not have IAM policies attached",
    "IAM.3": "IAM users' access keys should be rotated every 90 days or less",
    "IAM.4": "IAM root user access key should not exist",
    "IAM.5": "MFA should be enabled for all IAM users that have a console password",
    "IAM.6": "Hardware MFA should be enabled for the root user",
    "IAM.7": "Password policies for IAM users should have strong configurations",
    "IAM.8": "Unused IAM user credentials should be removed",
    "IAM.9": "MFA should be enabled for the root user",
    "IAM.10": "Password policies for IAM users should have strong configurations",
    "IAM.19": "MFA should be enabled for all IAM users",
    "IAM.21": "IAM customer managed policies that you create should not allow wildcard actions for services",
    "IAM.23": "IAM Access Analyzer analyzers should be tagged",
    "IAM.24": "IAM roles should be tagged",
    "IAM.25": "IAM users should be tagged",
    "KMS.3": "AWS KMS keys should not be deleted unintentionally",
    "KMS.4": "AWS KMS key rotation should be enabled",
    "S3.1": "S3 general purpose buckets should have block public access settings enabled",
    "S3.5": "S3 general purpose buckets should require requests to use SSL",
    "S3.8": "S3 general purpose buckets should block public access",
    "SecretsManager.5": "Secrets Manager secrets should be tagged",
    "SSM.1": "Amazon EC2 instances should be managed by AWS Systems Manager",
}

# Requirement of the standard's framework behind a control ("Related requirements" of each control in the user guide),
# where the user guide gives it; standard key -> control -> requirement id.
CIS_REQUIREMENTS: dict[str, dict[str, str]] = {
    "cis-1.2.0": {
        "CloudTrail.1": "2.1", "CloudTrail.2": "2.7", "CloudTrail.4": "2.2", "CloudTrail.5": "2.4",
        "Config.1": "2.5", "EC2.2": "4.3", "EC2.6": "2.9", "IAM.1": "1.22", "IAM.2": "1.16", "IAM.3": "1.4",
        "IAM.4": "1.12", "IAM.5": "1.2", "IAM.6": "1.14", "IAM.9": "1.13", "KMS.4": "2.8",
    },
    "cis-1.4.0": {
        "CloudTrail.1": "3.1", "CloudTrail.2": "3.7", "CloudTrail.4": "3.2", "CloudTrail.5": "3.4",
        "Config.1": "3.5", "EC2.2": "5.3", "EC2.6": "3.9", "EC2.7": "2.2.1", "IAM.1": "1.16", "IAM.3": "1.14",
        "IAM.4": "1.4", "IAM.5": "1.10", "IAM.6": "1.6", "IAM.9": "1.5", "KMS.4": "3.8", "S3.1": "2.1.5",
        "S3.8": "2.1.5",
    },
    "cis-3.0.0": {
        "Config.1": "3.3", "EC2.2": "5.4", "EC2.6": "3.7", "EC2.7": "2.2.1", "IAM.2": "1.15", "IAM.3": "1.14",
        "IAM.4": "1.4", "IAM.5": "1.10", "IAM.6": "1.6", "IAM.9": "1.5", "KMS.4": "3.6", "S3.1": "2.1.4",
        "S3.8": "2.1.4",
    },
    "cis-5.0.0": {
        "Config.1": "3.3", "EC2.2": "5.5", "EC2.6": "3.7", "EC2.7": "5.1.1", "IAM.2": "1.14", "IAM.3": "1.13",
        "IAM.4": "1.3", "IAM.5": "1.9", "IAM.6": "1.5", "IAM.9": "1.4", "KMS.4": "3.6", "S3.1": "2.1.4",
        "S3.8": "2.1.4",
    },
    "pci-3.2.1": {
        "CloudTrail.2": "3.4", "CloudTrail.4": "10.5.2", "CloudTrail.5": "10.5.3", "Config.1": "10.5.2",
        "EC2.2": "1.2.1", "EC2.6": "10.3.3", "IAM.1": "7.2.1", "IAM.2": "7.2.1", "IAM.4": "2.1", "IAM.6": "8.3.1",
        "IAM.9": "8.3.1", "KMS.4": "3.6.4", "S3.1": "1.2.1",
    },
    "pci-4.0.1": {
        "IAM.3": "8.3.9", "IAM.5": "8.4.2", "IAM.6": "8.4.2", "IAM.9": "8.4.2", "KMS.4": "3.7.4", "S3.8": "1.4.4",
    },
}


class StandardDef:
    """One entry of the DescribeStandards catalogue."""

    def __init__(
        self,
        key: str,
        arn: str,
        path: str,
        name: str,
        description: str,
        enabled_by_default: bool,
        controls: list[str],
        requirement_prefix: str | None = None,
        control_arns_by_id: bool = False,
    ) -> None:
        self.key = key
        self.arn_template = arn  # {p} partition, {r} region
        self.path = path  # part after "standards/" (or "ruleset/"), e.g. "pci-dss/v/3.2.1"
        self.name = name
        self.description = description
        self.enabled_by_default = enabled_by_default
        self.controls = controls
        self.requirement_prefix = requirement_prefix  # e.g. "CIS AWS Foundations Benchmark v1.2.0"
        # FSBP, NIST and the tagging standard name their standards controls after the security control id
        self.control_arns_by_id = control_arns_by_id

    def arn(self, partition: str, region: str) -> str:
        return self.arn_template.format(p=partition, r=region)

    def subscription_arn(self, partition: str, region: str, account_id: str) -> str:
        return f"arn:{partition}:securityhub:{region}:{account_id}:subscription/{self.path}"

    def describe(self, partition: str, region: str) -> dict[str, Any]:
        return {
            "StandardsArn": self.arn(partition, region),
            "Name": self.name,
            "Description": self.description,
            "EnabledByDefault": self.enabled_by_default,
            "StandardsManagedBy": {"Company": "AWS", "Product": "AWS"},
        }

    def related_requirements(self, control_id: str) -> list[str]:
        requirement = CIS_REQUIREMENTS.get(self.key, {}).get(control_id)
        return [f"{self.requirement_prefix}/{requirement}"] if requirement and self.requirement_prefix else []

    def standards_control_arns(self, partition: str, region: str, account_id: str, control_id: str) -> list[str]:
        if self.control_arns_by_id:
            standards_control_id = control_id
        elif self.key.startswith("cis-") and control_id in CIS_REQUIREMENTS.get(self.key, {}):
            standards_control_id = CIS_REQUIREMENTS[self.key][control_id]
        else:
            return []
        return [f"arn:{partition}:securityhub:{region}:{account_id}:control/{self.path}/{standards_control_id}"]


_FSBP = [
    "Account.1", "CloudTrail.1", "CloudTrail.2", "CloudTrail.4", "CloudTrail.5", "Config.1", "EC2.2", "EC2.6",
    "EC2.7", "EC2.8", "GuardDuty.1", "IAM.1", "IAM.2", "IAM.3", "IAM.4", "IAM.5", "IAM.6", "IAM.7", "IAM.8",
    "IAM.21", "KMS.3", "S3.1", "S3.5", "S3.8", "SSM.1",
]
_CIS_120 = [
    "CloudTrail.1", "CloudTrail.2", "CloudTrail.4", "CloudTrail.5", "Config.1", "EC2.2", "EC2.6", "IAM.1", "IAM.2",
    "IAM.3", "IAM.4", "IAM.5", "IAM.6", "IAM.9", "KMS.4",
]
_CIS_140 = [
    "CloudTrail.1", "CloudTrail.2", "CloudTrail.4", "CloudTrail.5", "Config.1", "EC2.2", "EC2.6", "EC2.7", "IAM.1",
    "IAM.3", "IAM.4", "IAM.5", "IAM.6", "IAM.9", "KMS.4", "S3.1", "S3.8",
]
_CIS_300 = [
    "Account.1", "CloudTrail.1", "CloudTrail.2", "CloudTrail.4", "CloudTrail.7", "Config.1", "EC2.2", "EC2.6",
    "EC2.7", "EC2.8", "IAM.2", "IAM.3", "IAM.4", "IAM.5", "IAM.6", "IAM.9", "KMS.4", "S3.1", "S3.8",
]
_CIS_500 = [
    "CloudTrail.1", "CloudTrail.2", "CloudTrail.4", "Config.1", "EC2.2", "EC2.6", "EC2.7", "IAM.2", "IAM.3", "IAM.4",
    "IAM.5", "IAM.6", "IAM.9", "KMS.4", "S3.1", "S3.8",
]
_NIST = [
    "CloudTrail.1", "CloudTrail.2", "CloudTrail.4", "CloudTrail.5", "Config.1", "EC2.2", "EC2.6", "EC2.7",
    "GuardDuty.1", "IAM.1", "IAM.2", "IAM.3", "IAM.4", "IAM.5", "IAM.6", "IAM.9", "KMS.4", "S3.1", "S3.8",
]
_PCI_321 = [
    "CloudTrail.2", "CloudTrail.4", "CloudTrail.5", "Config.1", "EC2.2", "EC2.6", "GuardDuty.1", "IAM.1", "IAM.2",
    "IAM.4", "IAM.6", "IAM.9", "IAM.10", "IAM.19", "KMS.4", "S3.1", "S3.5", "SSM.1",
]
_PCI_401 = [
    "CloudTrail.2", "CloudTrail.4", "CloudTrail.7", "EC2.8", "IAM.3", "IAM.5", "IAM.6", "IAM.9", "KMS.4", "S3.8",
]
_TAGGING = ["CloudTrail.9", "GuardDuty.4", "IAM.23", "IAM.24", "IAM.25", "SecretsManager.5"]

_REGIONAL = "arn:{p}:securityhub:{r}::standards/"
STANDARDS: list[StandardDef] = [
    StandardDef(
        "fsbp", _REGIONAL + "aws-foundational-security-best-practices/v/1.0.0",
        "aws-foundational-security-best-practices/v/1.0.0", "AWS Foundational Security Best Practices v1.0.0",
        "Controls that detect when AWS accounts and deployed resources deviate from AWS security best practices.",
        True, _FSBP, control_arns_by_id=True,
    ),
    StandardDef(
        "cis-1.2.0", "arn:{p}:securityhub:::ruleset/cis-aws-foundations-benchmark/v/1.2.0",
        "cis-aws-foundations-benchmark/v/1.2.0", "CIS AWS Foundations Benchmark v1.2.0",
        "The Center for Internet Security (CIS) AWS Foundations Benchmark v1.2.0: security configuration best "
        "practices for AWS.",
        True, _CIS_120, requirement_prefix="CIS AWS Foundations Benchmark v1.2.0",
    ),
    StandardDef(
        "cis-1.4.0", _REGIONAL + "cis-aws-foundations-benchmark/v/1.4.0", "cis-aws-foundations-benchmark/v/1.4.0",
        "CIS AWS Foundations Benchmark v1.4.0",
        "The Center for Internet Security (CIS) AWS Foundations Benchmark v1.4.0: security configuration best "
        "practices for AWS.",
        False, _CIS_140, requirement_prefix="CIS AWS Foundations Benchmark v1.4.0",
    ),
    StandardDef(
        "cis-3.0.0", _REGIONAL + "cis-aws-foundations-benchmark/v/3.0.0", "cis-aws-foundations-benchmark/v/3.0.0",
        "CIS AWS Foundations Benchmark v3.0.0",
        "The Center for Internet Security (CIS) AWS Foundations Benchmark v3.0.0: security configuration best "
        "practices for AWS.",
        False, _CIS_300, requirement_prefix="CIS AWS Foundations Benchmark v3.0.0",
    ),
    StandardDef(
        "cis-5.0.0", _REGIONAL + "cis-aws-foundations-benchmark/v/5.0.0", "cis-aws-foundations-benchmark/v/5.0.0",
        "CIS AWS Foundations Benchmark v5.0.0",
        "The Center for Internet Security (CIS) AWS Foundations Benchmark v5.0.0: security configuration best "
        "practices for AWS.",
        False, _CIS_500, requirement_prefix="CIS AWS Foundations Benchmark v5.0.0",
    ),
    StandardDef(
        "nist-800-53", _REGIONAL + "nist-800-53/v/5.0.0", "nist-800-53/v/5.0.0",
        "NIST Special Publication 800-53 Revision 5",
        "Controls that support a subset of the NIST SP 800-53 Rev. 5 security and privacy requirements.",
        False, _NIST, control_arns_by_id=True,
    ),
    StandardDef(
        "pci-3.2.1", _REGIONAL + "pci-dss/v/3.2.1", "pci-dss/v/3.2.1", "PCI DSS v3.2.1",
        "Controls that support the Payment Card Industry Data Security Standard (PCI DSS) v3.2.1.",
        False, _PCI_321, requirement_prefix="PCI DSS v3.2.1",
    ),
    StandardDef(
        "pci-4.0.1", _REGIONAL + "pci-dss/v/4.0.1", "pci-dss/v/4.0.1", "PCI DSS v4.0.1",
        "Controls that support the Payment Card Industry Data Security Standard (PCI DSS) v4.0.1.",
        False, _PCI_401, requirement_prefix="PCI DSS v4.0.1",
    ),
    StandardDef(
        "aws-resource-tagging", _REGIONAL + "aws-resource-tagging-standard/v/1.0.0",
        "aws-resource-tagging-standard/v/1.0.0", "AWS Resource Tagging Standard v1.0.0",
        "Controls that check whether AWS resources have tags.",
        False, _TAGGING, control_arns_by_id=True,
    ),
]

DEFAULT_STANDARDS = [s for s in STANDARDS if s.enabled_by_default]
CONTROL_FINDING_GENERATORS = ("STANDARD_CONTROL", "SECURITY_CONTROL")
ASSOCIATION_STATUSES = ("ENABLED", "DISABLED")
REGION_LINKING_MODES = ("ALL_REGIONS", "ALL_REGIONS_EXCEPT_SPECIFIED", "SPECIFIED_REGIONS", "NO_REGIONS")
REGION_PATTERN = re.compile(r"^[a-z]{2}(-[a-z]+)+-\d+$")


def standard_by_arn(arn: str, partition: str, region: str) -> StandardDef | None:
    for standard in STANDARDS:
        if standard.arn(partition, region) == arn:
            return standard
    return None


def control_id_of(value: str) -> str:
    """A control named by SecurityControlId or by SecurityControlArn (``...:security-control/IAM.1``)."""
    if value.startswith("arn:") and ":security-control/" in value:
        return value.split(":security-control/", 1)[1]
    return value


# --------------------------------------------------------------------------------------------------------------
# State (hangs off moto's backend object, so moto's reset clears it)
# --------------------------------------------------------------------------------------------------------------


class Subscription:
    def __init__(self, standard: StandardDef, arn: str, standards_input: dict[str, str] | None) -> None:
        self.standard = standard
        self.arn = arn
        self.standards_input = dict(standards_input or {})
        self.created_at = utcnow()

    def describe(self, partition: str, region: str, status: str = "READY") -> dict[str, Any]:
        return {
            "StandardsSubscriptionArn": self.arn,
            "StandardsArn": self.standard.arn(partition, region),
            "StandardsInput": copy.deepcopy(self.standards_input),
            "StandardsStatus": status,
            "StandardsControlsUpdatable": "READY_FOR_UPDATES",
        }


class FindingAggregator:
    def __init__(self, arn: str, home_region: str, mode: str, regions: list[str]) -> None:
        self.arn = arn
        self.home_region = home_region
        self.mode = mode
        self.regions = regions

    def describe(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "FindingAggregatorArn": self.arn,
            "FindingAggregationRegion": self.home_region,
            "RegionLinkingMode": self.mode,
        }
        if self.regions:
            out["Regions"] = list(self.regions)
        return out


class ExtState:
    """Extra state of one backend (one account and region) that moto's backend has no attribute for."""

    def __init__(self) -> None:
        self.auto_enable_controls = True
        self.control_finding_generator = "SECURITY_CONTROL"
        # standards ARN -> subscription, in the order the standards were enabled
        self.subscriptions: dict[str, Subscription] = {}
        # (standards ARN, security control id) -> {"AssociationStatus", "UpdatedReason", "UpdatedAt"}; only
        # changed associations (every control of an enabled standard starts ENABLED)
        self.associations: dict[tuple[str, str], dict[str, Any]] = {}
        # The account's finding aggregator, held by the backend of its home Region (None elsewhere)
        self.finding_aggregator: FindingAggregator | None = None

    def reset_hub(self) -> None:
        """DisableSecurityHub: enabled standards and their control settings go; the aggregator stays."""
        self.auto_enable_controls = True
        self.control_finding_generator = "SECURITY_CONTROL"
        self.subscriptions.clear()
        self.associations.clear()


_STATE_LOCK = threading.RLock()


def ext_state(backend: Backend) -> ExtState:
    return extlib.attached(backend, "_moto_ext_state", ExtState)


def paginate(items: list[Any], max_results: Any, next_token: Any, default: int) -> tuple[list[Any], str | None]:
    """Index-based NextToken/MaxResults paging (MaxResults 1..100 in every operation here)."""
    if max_results in (None, ""):
        limit = default
    else:
        try:
            limit = int(max_results)
        except (TypeError, ValueError):
            raise invalid_input(f"Invalid MaxResults value {max_results!r}.")
        if not 1 <= limit <= 100:
            raise invalid_input(f"MaxResults must be between 1 and 100, got {limit}.")
    # A JSON body may hold a token of any type: its string form must be an index.
    token = None if next_token in (None, "") else str(next_token)
    return extlib.page(items, limit, token, lambda: invalid_input("The NextToken is invalid."))


# --------------------------------------------------------------------------------------------------------------
# Backend methods (set on SecurityHubBackend)
# --------------------------------------------------------------------------------------------------------------

_ORIGINAL: dict[str, Callable[..., Any]] = {}


class BackendExtension:
    """Methods copied onto ``SecurityHubBackend``; ``self`` is moto's backend for one account/region."""

    account_id: str
    region_name: str
    partition: str
    enabled: bool
    enabled_at: str | None

    # ---- hub ------------------------------------------------------------------------------------------------

    def _require_hub(self) -> ExtState:
        if not self.enabled:
            raise not_subscribed(self.account_id)
        return ext_state(self)  # type: ignore[arg-type]

    def hub_arn(self) -> str:
        return f"arn:{self.partition}:securityhub:{self.region_name}:{self.account_id}:hub/default"

    def enable_security_hub(
        self,
        enable_default_standards: bool = True,
        tags: dict[str, str] | None = None,
        control_finding_generator: str | None = None,
    ) -> dict[str, Any]:
        if control_finding_generator is not None and control_finding_generator not in CONTROL_FINDING_GENERATORS:
            raise invalid_input(f"Invalid ControlFindingGenerator {control_finding_generator!r}.")
        with _STATE_LOCK:
            if self.enabled:  # moto returned {} and kept the old hub
                raise SecurityHubError(
                    "ResourceConflictException", f"Account {self.account_id} is already subscribed to Security Hub"
                )
            _ORIGINAL["Backend.enable_security_hub"](self, enable_default_standards=False, tags=tags)
            state = ext_state(self)  # type: ignore[arg-type]
            state.reset_hub()
            state.control_finding_generator = control_finding_generator or "SECURITY_CONTROL"
            if enable_default_standards:
                for standard in DEFAULT_STANDARDS:
                    self._subscribe(standard, None)
        return {}

    def disable_security_hub(self) -> dict[str, Any]:
        with _STATE_LOCK:
            result = _ORIGINAL["Backend.disable_security_hub"](self)  # InvalidAccessException when not enabled
            ext_state(self).reset_hub()  # type: ignore[arg-type]
        return result  # type: ignore[no-any-return]

    def describe_hub(self, hub_arn: str | None = None) -> dict[str, Any]:
        state = self._require_hub()
        if hub_arn and hub_arn != self.hub_arn():
            raise not_found(f"The request was rejected because no hub was found with ARN {hub_arn}.")
        return {
            "HubArn": self.hub_arn(),
            "SubscribedAt": self.enabled_at,
            "AutoEnableControls": state.auto_enable_controls,
            "ControlFindingGenerator": state.control_finding_generator,
        }

    def update_security_hub_configuration(
        self, auto_enable_controls: bool | None, control_finding_generator: str | None
    ) -> None:
        state = self._require_hub()
        if control_finding_generator is not None and control_finding_generator not in CONTROL_FINDING_GENERATORS:
            raise invalid_input(f"Invalid ControlFindingGenerator {control_finding_generator!r}.")
        with _STATE_LOCK:
            if auto_enable_controls is not None:
                state.auto_enable_controls = bool(auto_enable_controls)
            if control_finding_generator is not None:
                state.control_finding_generator = control_finding_generator

    # ---- standards ------------------------------------------------------------------------------------------

    def _subscribe(self, standard: StandardDef, standards_input: dict[str, str] | None) -> Subscription:
        state = ext_state(self)  # type: ignore[arg-type]
        arn = standard.arn(self.partition, self.region_name)
        if arn not in state.subscriptions:  # enabling an enabled standard leaves it as it is
            sub_arn = standard.subscription_arn(self.partition, self.region_name, self.account_id)
            state.subscriptions[arn] = Subscription(standard, sub_arn, standards_input)
        return state.subscriptions[arn]

    def describe_standards(self) -> list[dict[str, Any]]:
        self._require_hub()
        return [s.describe(self.partition, self.region_name) for s in STANDARDS]

    def get_enabled_standards(self, subscription_arns: list[str] | None) -> list[dict[str, Any]]:
        state = self._require_hub()
        subs = list(state.subscriptions.values())
        if subscription_arns is not None:
            if not 1 <= len(subscription_arns) <= 25:
                raise invalid_input("StandardsSubscriptionArns must have between 1 and 25 items.")
            subs = [s for s in subs if s.arn in subscription_arns]
        return [s.describe(self.partition, self.region_name) for s in subs]

    def batch_enable_standards(self, requests: list[dict[str, Any]]) -> list[dict[str, Any]]:
        self._require_hub()
        if not isinstance(requests, list) or not 1 <= len(requests) <= 25:
            raise invalid_input("StandardsSubscriptionRequests must have between 1 and 25 items.")
        standards = []
        for request in requests:
            request = request if isinstance(request, dict) else {}
            arn = request.get("StandardsArn")
            standard = standard_by_arn(arn or "", self.partition, self.region_name)
            if standard is None:
                raise invalid_input(f"The standard {arn} is not supported in {self.region_name}.")
            standards.append((standard, request.get("StandardsInput")))
        with _STATE_LOCK:  # all or nothing: validated above
            subs = [self._subscribe(standard, standards_input) for standard, standards_input in standards]
        # AWS answers PENDING and moves to READY once the controls are set up; the emulator is READY at once.
        return [s.describe(self.partition, self.region_name) for s in subs]

    def batch_disable_standards(self, subscription_arns: list[str]) -> list[dict[str, Any]]:
        state = self._require_hub()
        if not isinstance(subscription_arns, list) or not 1 <= len(subscription_arns) <= 25:
            raise invalid_input("StandardsSubscriptionArns must have between 1 and 25 items.")
        with _STATE_LOCK:
            by_arn = {s.arn: s for s in state.subscriptions.values()}
            missing = [a for a in subscription_arns if a not in by_arn]
            if missing:
                raise invalid_input(f"The standards subscription {missing[0]} does not exist.")
            out = []
            for sub_arn in subscription_arns:
                sub = by_arn[sub_arn]
                standards_arn = sub.standard.arn(self.partition, self.region_name)
                if state.subscriptions.pop(standards_arn, None) is None:
                    continue  # listed twice
                for key in [k for k in state.associations if k[0] == standards_arn]:
                    del state.associations[key]  # re-enabling a standard enables all its controls again
                # AWS answers DELETING and drops the subscription when done; the emulator drops it at once.
                out.append(sub.describe(self.partition, self.region_name, status="DELETING"))
        return out

    # ---- standard/control associations ----------------------------------------------------------------------

    def _association(
        self, state: ExtState, standards_arn: str, control_id: str
    ) -> tuple[dict[str, Any] | None, str | None]:
        """The association detail, or (None, reason) when the control isn't in an enabled standard here."""
        standard = standard_by_arn(standards_arn, self.partition, self.region_name)
        if standard is None:
            return None, f"Standard {standards_arn} does not exist in {self.region_name}."
        sub = state.subscriptions.get(standards_arn)
        if sub is None:
            return None, f"Standard {standards_arn} is not enabled in account {self.account_id}, {self.region_name}."
        if control_id not in standard.controls:
            return None, f"Control {control_id} is not part of standard {standards_arn}."
        change = state.associations.get((standards_arn, control_id), {})
        detail: dict[str, Any] = {
            "StandardsArn": standards_arn,
            "SecurityControlId": control_id,
            "SecurityControlArn": f"arn:{self.partition}:securityhub:{self.region_name}:{self.account_id}:"
            f"security-control/{control_id}",
            "AssociationStatus": change.get("AssociationStatus", "ENABLED"),
            "RelatedRequirements": standard.related_requirements(control_id),
            "UpdatedAt": change.get("UpdatedAt", sub.created_at),
            "StandardsControlTitle": CONTROL_TITLES.get(control_id, control_id),
            "StandardsControlArns": standard.standards_control_arns(
                self.partition, self.region_name, self.account_id, control_id
            ),
        }
        if change.get("UpdatedReason"):
            detail["UpdatedReason"] = change["UpdatedReason"]
        return detail, None

    def batch_get_standards_control_associations(
        self, ids: list[dict[str, Any]]
    ) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
        state = self._require_hub()
        if not isinstance(ids, list):
            raise invalid_input("StandardsControlAssociationIds is required.")
        details, unprocessed = [], []
        for item in ids:
            item = item or {}
            control_id = control_id_of(str(item.get("SecurityControlId") or ""))
            standards_arn = str(item.get("StandardsArn") or "")
            if not control_id or not standards_arn:
                unprocessed.append({"StandardsControlAssociationId": item, "ErrorCode": "INVALID_INPUT",
                                    "ErrorReason": "SecurityControlId and StandardsArn are required."})
                continue
            detail, reason = self._association(state, standards_arn, control_id)
            if detail is None:
                # UnprocessedErrorCode: NOT_FOUND is deprecated and replaced by RESOURCE_NOT_FOUND (API reference).
                unprocessed.append({"StandardsControlAssociationId": item, "ErrorCode": "RESOURCE_NOT_FOUND",
                                    "ErrorReason": reason})
            else:
                details.append(detail)
        return details, unprocessed

    def batch_update_standards_control_associations(self, updates: list[dict[str, Any]]) -> list[dict[str, Any]]:
        state = self._require_hub()
        if not isinstance(updates, list):
            raise invalid_input("StandardsControlAssociationUpdates is required.")
        unprocessed = []
        with _STATE_LOCK:
            for update in updates:
                update = update or {}
                control_id = control_id_of(str(update.get("SecurityControlId") or ""))
                standards_arn = str(update.get("StandardsArn") or "")
                status = update.get("AssociationStatus")
                reason = update.get("UpdatedReason")
                error = None
                if not control_id or not standards_arn:
                    error = ("INVALID_INPUT", "SecurityControlId and StandardsArn are required.")
                elif status not in ASSOCIATION_STATUSES:
                    error = ("INVALID_INPUT", f"AssociationStatus must be ENABLED or DISABLED, got {status!r}.")
                elif status == "DISABLED" and not (reason or "").strip():
                    error = ("INVALID_INPUT", "UpdatedReason is required when AssociationStatus is DISABLED.")
                else:
                    detail, why = self._association(state, standards_arn, control_id)
                    if detail is None:
                        error = ("RESOURCE_NOT_FOUND", why)
                if error:
                    unprocessed.append({"StandardsControlAssociationUpdate": update, "ErrorCode": error[0],
                                        "ErrorReason": error[1]})
                    continue
                state.associations[(standards_arn, control_id)] = {
                    "AssociationStatus": status,
                    "UpdatedReason": reason,
                    "UpdatedAt": utcnow(),
                }
        return unprocessed

    def list_standards_control_associations(self, control_id: str) -> list[dict[str, Any]]:
        state = self._require_hub()
        if not control_id:
            raise invalid_input("SecurityControlId is required.")
        control_id = control_id_of(control_id)
        out = []
        for standards_arn in list(state.subscriptions):
            detail, _ = self._association(state, standards_arn, control_id)
            if detail is not None:
                detail.pop("StandardsControlArns", None)  # not a member of StandardsControlAssociationSummary
                out.append(detail)
        return out

    # ---- finding aggregators (one per account; held by the home Region's backend) -----------------------------

    def _account_backends(self) -> list[Any]:
        """This account's Security Hub backends of this partition that exist (moto creates them on first use)."""
        backends = list(sh_models.securityhub_backends[self.account_id].values())
        return [b for b in backends if b.partition == self.partition]

    def _finding_aggregator(self) -> FindingAggregator | None:
        for backend in self._account_backends():
            aggregator = ext_state(backend).finding_aggregator
            if aggregator is not None:
                return aggregator
        return None

    def _validated_linking(self, mode: Any, regions: Any) -> list[str]:
        if mode not in REGION_LINKING_MODES:
            raise invalid_input(f"RegionLinkingMode must be one of {', '.join(REGION_LINKING_MODES)}, got {mode!r}.")
        regions = regions or []
        if not isinstance(regions, list) or not all(isinstance(r, str) for r in regions):
            raise invalid_input("Regions must be a list of Region names.")
        if mode in ("ALL_REGIONS_EXCEPT_SPECIFIED", "SPECIFIED_REGIONS") and not regions:
            raise invalid_input(f"Regions is required when RegionLinkingMode is {mode}.")
        if mode in ("ALL_REGIONS", "NO_REGIONS") and regions:
            raise invalid_input(f"Regions must not be specified when RegionLinkingMode is {mode}.")
        bad = [r for r in regions if not REGION_PATTERN.match(r)]
        if bad:
            raise invalid_input(f"Invalid Region {bad[0]!r}.")
        return list(dict.fromkeys(regions))

    def _aggregator_by_arn(self, arn: str) -> FindingAggregator:
        aggregator = self._finding_aggregator()
        if aggregator is None or aggregator.arn != arn:
            raise not_found(f"Finding aggregator {arn} does not exist.")
        return aggregator

    def _require_home_region(self, aggregator: FindingAggregator, operation: str) -> None:
        if aggregator.home_region != self.region_name:
            raise invalid_input(
                f"{operation} must be called from the home Region {aggregator.home_region} of the finding "
                f"aggregator, not {self.region_name}."
            )

    def create_finding_aggregator(self, mode: Any, regions: Any) -> FindingAggregator:
        self._require_hub()
        linked = self._validated_linking(mode, regions)
        with _STATE_LOCK:
            existing = self._finding_aggregator()
            if existing is not None:
                raise invalid_input(
                    f"A finding aggregator already exists for account {self.account_id} "
                    f"(home Region {existing.home_region}): {existing.arn}."
                )
            arn = (
                f"arn:{self.partition}:securityhub:{self.region_name}:{self.account_id}:"
                f"finding-aggregator/{random.uuid4()}"
            )
            aggregator = FindingAggregator(arn, self.region_name, mode, linked)
            ext_state(self).finding_aggregator = aggregator  # type: ignore[arg-type]
        return aggregator

    def get_finding_aggregator(self, arn: str) -> FindingAggregator:
        self._require_hub()
        return self._aggregator_by_arn(arn)

    def update_finding_aggregator(self, arn: str, mode: Any, regions: Any) -> FindingAggregator:
        self._require_hub()
        with _STATE_LOCK:
            aggregator = self._aggregator_by_arn(arn)
            self._require_home_region(aggregator, "UpdateFindingAggregator")
            linked = self._validated_linking(mode, regions)
            aggregator.mode, aggregator.regions = mode, linked
        return aggregator

    def delete_finding_aggregator(self, arn: str) -> None:
        self._require_hub()
        with _STATE_LOCK:
            aggregator = self._aggregator_by_arn(arn)
            self._require_home_region(aggregator, "DeleteFindingAggregator")
            ext_state(self).finding_aggregator = None  # type: ignore[arg-type]

    def list_finding_aggregators(self) -> list[FindingAggregator]:
        self._require_hub()
        aggregator = self._finding_aggregator()
        return [aggregator] if aggregator is not None else []


# --------------------------------------------------------------------------------------------------------------
# Response handlers (set on SecurityHubResponse; method name = snake_case of the operation)
# --------------------------------------------------------------------------------------------------------------


class ResponseExtension:
    """Handlers copied onto ``SecurityHubResponse``; ``self.securityhub_backend`` is
    ``securityhub_backends[self.current_account][self.region]``."""

    securityhub_backend: Any
    body: Any
    parsed_url: Any
    uri_match: dict[str, Any]

    # moto's _get_param also reads headers and form-decoded bodies; the members here are read from where the model
    # puts them: the JSON body, the query string, the URI.
    def _json_body(self) -> dict[str, Any]:
        return extlib.json_body(self.body, invalid_input)

    def _query(self, name: str) -> str | None:
        values = parse_qs(self.parsed_url.query, keep_blank_values=True).get(name)
        return values[0] if values else None

    def _query_list(self, name: str) -> list[str] | None:
        return parse_qs(self.parsed_url.query, keep_blank_values=True).get(name)

    def _uri(self, name: str) -> str:
        return str((self.uri_match or {}).get(name) or "")

    @staticmethod
    def _providers_exclude_aws(providers: list[str] | None) -> bool:
        # Every standard in the catalogue evaluates AWS resources (Provider AWS).
        return bool(providers) and "AWS" not in providers  # type: ignore[operator]

    # ---- hub ------------------------------------------------------------------------------------------------

    def enable_security_hub(self) -> ActionResult:
        params = self._json_body()
        enable_default = params.get("EnableDefaultStandards")
        self.securityhub_backend.enable_security_hub(
            enable_default_standards=True if enable_default is None else bool(enable_default),
            tags=params.get("Tags") or {},
            control_finding_generator=params.get("ControlFindingGenerator"),
        )
        return ActionResult({})

    def disable_security_hub(self) -> ActionResult:
        self.securityhub_backend.disable_security_hub()
        return ActionResult({})

    def describe_hub(self) -> ActionResult:
        return ActionResult(self.securityhub_backend.describe_hub(hub_arn=self._query("HubArn")))

    def update_security_hub_configuration(self) -> ActionResult:
        params = self._json_body()
        self.securityhub_backend.update_security_hub_configuration(
            params.get("AutoEnableControls"), params.get("ControlFindingGenerator")
        )
        return ActionResult({})

    # ---- standards ------------------------------------------------------------------------------------------

    def describe_standards(self) -> ActionResult:
        standards = self.securityhub_backend.describe_standards()
        if self._providers_exclude_aws(self._query_list("Providers")):
            standards = []
        page, token = paginate(standards, self._query("MaxResults"), self._query("NextToken"), 100)
        return ActionResult({"Standards": page, "NextToken": token})

    def get_enabled_standards(self) -> ActionResult:
        params = self._json_body()
        subs = self.securityhub_backend.get_enabled_standards(params.get("StandardsSubscriptionArns"))
        if self._providers_exclude_aws(params.get("Providers")):
            subs = []
        page, token = paginate(subs, params.get("MaxResults"), params.get("NextToken"), 100)
        return ActionResult({"StandardsSubscriptions": page, "NextToken": token})

    def batch_enable_standards(self) -> ActionResult:
        subs = self.securityhub_backend.batch_enable_standards(
            self._json_body().get("StandardsSubscriptionRequests")
        )
        return ActionResult({"StandardsSubscriptions": subs})

    def batch_disable_standards(self) -> ActionResult:
        subs = self.securityhub_backend.batch_disable_standards(self._json_body().get("StandardsSubscriptionArns"))
        return ActionResult({"StandardsSubscriptions": subs})

    # ---- standard/control associations ----------------------------------------------------------------------

    def batch_get_standards_control_associations(self) -> ActionResult:
        details, unprocessed = self.securityhub_backend.batch_get_standards_control_associations(
            self._json_body().get("StandardsControlAssociationIds")
        )
        return ActionResult({"StandardsControlAssociationDetails": details, "UnprocessedAssociations": unprocessed})

    def batch_update_standards_control_associations(self) -> ActionResult:
        unprocessed = self.securityhub_backend.batch_update_standards_control_associations(
            self._json_body().get("StandardsControlAssociationUpdates")
        )
        return ActionResult({"UnprocessedAssociationUpdates": unprocessed})

    def list_standards_control_associations(self) -> ActionResult:
        summaries = self.securityhub_backend.list_standards_control_associations(
            self._query("SecurityControlId") or ""
        )
        page, token = paginate(summaries, self._query("MaxResults"), self._query("NextToken"), 25)
        return ActionResult({"StandardsControlAssociationSummaries": page, "NextToken": token})

    # ---- finding aggregators --------------------------------------------------------------------------------

    def create_finding_aggregator(self) -> ActionResult:
        params = self._json_body()
        aggregator = self.securityhub_backend.create_finding_aggregator(
            params.get("RegionLinkingMode"), params.get("Regions")
        )
        return ActionResult(aggregator.describe())

    def get_finding_aggregator(self) -> ActionResult:
        aggregator = self.securityhub_backend.get_finding_aggregator(self._uri("FindingAggregatorArn"))
        return ActionResult(aggregator.describe())

    def update_finding_aggregator(self) -> ActionResult:
        params = self._json_body()
        aggregator = self.securityhub_backend.update_finding_aggregator(
            str(params.get("FindingAggregatorArn") or ""), params.get("RegionLinkingMode"), params.get("Regions")
        )
        return ActionResult(aggregator.describe())

    def delete_finding_aggregator(self) -> ActionResult:
        self.securityhub_backend.delete_finding_aggregator(self._uri("FindingAggregatorArn"))
        return EmptyResult()

    def list_finding_aggregators(self) -> ActionResult:
        aggregators = self.securityhub_backend.list_finding_aggregators()
        page, token = paginate(aggregators, self._query("MaxResults"), self._query("NextToken"), 100)
        return ActionResult(
            {"FindingAggregators": [{"FindingAggregatorArn": a.arn} for a in page], "NextToken": token}
        )


# --------------------------------------------------------------------------------------------------------------
# URL routes: moto's werkzeug app only dispatches paths listed in moto.securityhub.urls.url_paths
# --------------------------------------------------------------------------------------------------------------

# requestUri of each added operation (botocore's model); "{0}" is the service URL base.
URL_PATHS: dict[str, str] = {
    "{0}/accounts$": "EnableSecurityHub (POST), DescribeHub (GET), DisableSecurityHub (DELETE), "
    "UpdateSecurityHubConfiguration (PATCH)",
    "{0}/standards$": "DescribeStandards (GET)",
    "{0}/standards/get$": "GetEnabledStandards (POST)",
    "{0}/standards/register$": "BatchEnableStandards (POST)",
    "{0}/standards/deregister$": "BatchDisableStandards (POST)",
    "{0}/associations$": "ListStandardsControlAssociations (GET), BatchUpdateStandardsControlAssociations (PATCH)",
    "{0}/associations/batchGet$": "BatchGetStandardsControlAssociations (POST)",
    "{0}/findingAggregator/create$": "CreateFindingAggregator (POST)",
    "{0}/findingAggregator/get/(?P<FindingAggregatorArn>.+)$": "GetFindingAggregator (GET)",
    "{0}/findingAggregator/update$": "UpdateFindingAggregator (PATCH)",
    "{0}/findingAggregator/delete/(?P<FindingAggregatorArn>.+)$": "DeleteFindingAggregator (DELETE)",
    "{0}/findingAggregator/list$": "ListFindingAggregators (GET)",
}


# --------------------------------------------------------------------------------------------------------------
# apply()
# --------------------------------------------------------------------------------------------------------------

ADDED_OPERATIONS: list[str] = []
FIXED_OPERATIONS: list[str] = []


@extlib.once
def apply() -> None:
    """Patch moto's Security Hub URL map, backend and response class. Idempotent; call before the server serves
    its first Security Hub request (the URL map is read when moto creates the service's app)."""
    for path in URL_PATHS:
        sh_urls.url_paths.setdefault(path, Response.dispatch)
    extlib.install(Backend, BackendExtension, "Backend", _ORIGINAL)
    added, replaced = extlib.install(Response, ResponseExtension, "Response", _ORIGINAL)
    extlib.record_operations(ADDED_OPERATIONS, FIXED_OPERATIONS, added, replaced)

