"""Adds what moto 5.2.5 lacks for organization-level security settings (the AccountBaseline ``organization``
section): AWS Config as a delegated-administrator service principal, GuardDuty's organization configuration (the
auto-enable setting of the delegated administrator), and Security Hub's list of organization administrators.

State lives in moto's own backends, so ``POST /moto-api/reset`` clears it:

- Organizations: ``config.amazonaws.com`` is added to ``FakeDelegatedAdministrator.SUPPORTED_SERVICES``.
  AWS Config's delegated administrator for organization aggregators is registered for that principal
  (https://docs.aws.amazon.com/config/latest/developerguide/set-up-aggregator-cli.html#register-a-delegated-administrator-cli),
  and moto only knows ``config-multiaccountsetup.amazonaws.com`` (organization rules and conformance packs).
- GuardDuty ``DescribeOrganizationConfiguration`` / ``UpdateOrganizationConfiguration`` (``GET``/``POST
  /detector/{detectorId}/admin``;
  https://docs.aws.amazon.com/guardduty/latest/APIReference/API_DescribeOrganizationConfiguration.html,
  https://docs.aws.amazon.com/guardduty/latest/APIReference/API_UpdateOrganizationConfiguration.html): as in AWS,
  only the delegated administrator of the Region (the account the management account named with
  ``EnableOrganizationAdminAccount``, kept by moto in the management account's GuardDuty backend) may call them,
  with one of its own detectors; others get ``BadRequestException``. The setting is kept on the calling account's
  detector; ``AutoEnableOrganizationMembers`` is ``NEW``, ``ALL`` or ``NONE`` (default ``NONE``), and the deprecated
  ``AutoEnable`` boolean is answered as ``AutoEnableOrganizationMembers != NONE``.
- Security Hub ``ListOrganizationAdminAccounts`` (``GET /organization/admin``;
  https://docs.aws.amazon.com/securityhub/1.0/APIReference/API_ListOrganizationAdminAccounts.html): the
  administrator moto's ``EnableOrganizationAdminAccount`` recorded for the organization (``Status: ENABLED``); only the
  management account may call it (``InvalidAccessException`` otherwise, AWS's answer to a non-management caller).
"""

from __future__ import annotations

from typing import Any

from moto.core.responses import ActionResult
from moto.guardduty import models as gd_models
from moto.guardduty import responses as gd_responses
from moto.guardduty import urls as gd_urls
from moto.organizations import models as org_models
from moto.securityhub import models as sh_models
from moto.securityhub import responses as sh_responses
from moto.securityhub import urls as sh_urls
from moto.core.exceptions import JsonRESTError

import extlib

_ORIGINAL: dict[str, Any] = {}

AUTO_ENABLE_VALUES = ("NEW", "ALL", "NONE")


class Error(extlib.CodedError, JsonRESTError):
    """An AWS error in the JSON shape (``__type``, ``message``), HTTP 400."""


def _management_account(account_id: str) -> str | None:
    """The management account of the organization ``account_id`` belongs to (None outside an organization)."""
    try:
        org = org_models.organizations_backends[account_id]["aws"].describe_organization()
    except Exception:  # moto raises AWSOrganizationsNotInUseException outside an organization
        return None
    return str(org["Organization"]["MasterAccountId"])


class GuardDutyResponseExtension:
    """Handlers copied onto ``GuardDutyResponse``."""

    current_account: str
    region: str
    path: str
    body: Any

    def _org_detector(self) -> Any:
        detector_id = self.path.rstrip("/").split("/")[-2]
        backend = gd_models.guardduty_backends[self.current_account][self.region]
        management = _management_account(self.current_account)
        admins = (
            gd_models.guardduty_backends[management][self.region].admin_account_ids if management else []
        )
        if self.current_account not in admins:
            raise Error(
                "BadRequestException",
                "The request is rejected because the current account is not the delegated administrator "
                "of the organization for GuardDuty in this Region.",
            )
        detector = backend.detectors.get(detector_id)
        if detector is None:
            raise Error(
                "BadRequestException",
                "The request is rejected because the input detectorId is not owned by the current account.",
            )
        return detector

    def describe_organization_configuration(self) -> ActionResult:
        members = getattr(self._org_detector(), "awsbaseline_auto_enable_members", "NONE")
        return ActionResult(
            {
                "AutoEnable": members != "NONE",
                "AutoEnableOrganizationMembers": members,
                "MemberAccountLimitReached": False,
            }
        )

    def update_organization_configuration(self) -> ActionResult:
        detector = self._org_detector()
        params = extlib.json_body(self.body, lambda m: Error("BadRequestException", m))
        members = params.get("autoEnableOrganizationMembers")
        if members is None and "autoEnable" in params:
            members = "NEW" if params["autoEnable"] else "NONE"
        if members is not None:
            if members not in AUTO_ENABLE_VALUES:
                raise Error(
                    "BadRequestException",
                    f"The request is rejected because autoEnableOrganizationMembers {members!r} is not one of "
                    f"{', '.join(AUTO_ENABLE_VALUES)}.",
                )
            detector.awsbaseline_auto_enable_members = members
        return ActionResult({})


class SecurityHubResponseExtension:
    """Handlers copied onto ``SecurityHubResponse``."""

    current_account: str

    def list_organization_admin_accounts(self) -> ActionResult:
        management = _management_account(self.current_account)
        if management != self.current_account:
            raise Error(
                "InvalidAccessException",
                "Only the organization management account can list the Security Hub administrator accounts.",
            )
        org_config = sh_models.securityhub_backends[self.current_account]["us-east-1"]._get_org_config()
        admin = org_config.get("admin_account_id")
        return ActionResult(
            {"AdminAccounts": [{"AccountId": admin, "Status": "ENABLED"}] if admin else []}
        )


ADDED_OPERATIONS: list[str] = []
FIXED_OPERATIONS: list[str] = []
SUMMARY = "config.amazonaws.com accepted as a delegated-administrator service principal"


@extlib.once
def apply() -> None:
    """Patch moto's Organizations service list, GuardDuty and Security Hub URL maps and response classes.
    Idempotent; call before the server serves its first request of those services."""
    supported = org_models.FakeDelegatedAdministrator.SUPPORTED_SERVICES
    if "config.amazonaws.com" not in supported:
        supported.append("config.amazonaws.com")
    gd_urls.url_paths.setdefault(
        "{0}/detector/(?P<detector_id>[^/]+)/admin$", gd_responses.GuardDutyResponse.dispatch
    )
    sh_urls.url_paths.setdefault("{0}/organization/admin$", sh_responses.SecurityHubResponse.dispatch)
    added: list[str] = []
    replaced: list[str] = []
    for target, source, prefix in (
        (gd_responses.GuardDutyResponse, GuardDutyResponseExtension, "GuardDutyResponse"),
        (sh_responses.SecurityHubResponse, SecurityHubResponseExtension, "SecurityHubResponse"),
    ):
        a, r = extlib.install(target, source, prefix, _ORIGINAL)
        added += a
        replaced += r
    extlib.record_operations(ADDED_OPERATIONS, FIXED_OPERATIONS, added, replaced)
