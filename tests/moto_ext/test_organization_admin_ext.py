#!/usr/bin/env python3
"""Self-test of the organization-administration extension: starts ``server.py`` on a free loopback port and drives
it with boto3 as the management account and as a member account (credentials from STS AssumeRole, which moto maps
to the role's account).

Run with the venv's Python (no pytest needed):

    .venv/bin/python tests/moto_ext/test_organization_admin_ext.py
"""

from __future__ import annotations

import unittest

from botocore.exceptions import ClientError

import harness
from harness import reset_moto

client = harness.client_factory("organizations")


def setUpModule() -> None:
    harness.setUp()


def tearDownModule() -> None:
    harness.tearDown()


def as_account(account_id: str, service: str, region: str = "us-east-1"):
    creds = client("sts").assume_role(
        RoleArn=f"arn:aws:iam::{account_id}:role/admin", RoleSessionName="selftest"
    )["Credentials"]
    return client(
        service,
        region=region,
        aws_access_key_id=creds["AccessKeyId"],
        aws_secret_access_key=creds["SecretAccessKey"],
        aws_session_token=creds["SessionToken"],
    )


class OrganizationAdmin(unittest.TestCase):
    def setUp(self) -> None:
        reset_moto()
        org = client()
        org.create_organization(FeatureSet="ALL")
        self.member = org.create_account(AccountName="security", Email="s@example.com")["CreateAccountStatus"][
            "AccountId"
        ]
        self.org = org

    def test_config_is_a_delegated_administrator_principal(self) -> None:
        self.org.register_delegated_administrator(AccountId=self.member, ServicePrincipal="config.amazonaws.com")
        admins = self.org.list_delegated_administrators(ServicePrincipal="config.amazonaws.com")
        self.assertEqual([a["Id"] for a in admins["DelegatedAdministrators"]], [self.member])
        self.org.deregister_delegated_administrator(AccountId=self.member, ServicePrincipal="config.amazonaws.com")
        admins = self.org.list_delegated_administrators(ServicePrincipal="config.amazonaws.com")
        self.assertEqual(admins["DelegatedAdministrators"], [])

    def test_guardduty_organization_configuration_only_in_the_delegated_administrator(self) -> None:
        management = client("guardduty")
        member = as_account(self.member, "guardduty")
        detector = member.create_detector(Enable=True)["DetectorId"]
        # Not yet the delegated administrator: refused.
        with self.assertRaises(ClientError) as e:
            member.describe_organization_configuration(DetectorId=detector)
        self.assertEqual(e.exception.response["Error"]["Code"], "BadRequestException")
        management.enable_organization_admin_account(AdminAccountId=self.member)
        out = member.describe_organization_configuration(DetectorId=detector)
        self.assertEqual((out["AutoEnableOrganizationMembers"], out["AutoEnable"], out["MemberAccountLimitReached"]),
                         ("NONE", False, False))
        member.update_organization_configuration(DetectorId=detector, AutoEnableOrganizationMembers="ALL")
        out = member.describe_organization_configuration(DetectorId=detector)
        self.assertEqual((out["AutoEnableOrganizationMembers"], out["AutoEnable"]), ("ALL", True))
        # Another Region has its own delegated administrator: none there.
        eu = as_account(self.member, "guardduty", region="eu-west-1")
        eu_detector = eu.create_detector(Enable=True)["DetectorId"]
        with self.assertRaises(ClientError):
            eu.update_organization_configuration(DetectorId=eu_detector, AutoEnableOrganizationMembers="ALL")
        # A detector of another account is refused.
        with self.assertRaises(ClientError) as e:
            member.describe_organization_configuration(DetectorId="0" * 32)
        self.assertEqual(e.exception.response["Error"]["Code"], "BadRequestException")
        with self.assertRaises(ClientError):
            member.update_organization_configuration(DetectorId=detector, AutoEnableOrganizationMembers="SOME")

    def test_securityhub_lists_the_organization_administrator(self) -> None:
        sh = client("securityhub")
        self.assertEqual(sh.list_organization_admin_accounts()["AdminAccounts"], [])
        sh.enable_organization_admin_account(AdminAccountId=self.member)
        self.assertEqual(
            sh.list_organization_admin_accounts()["AdminAccounts"],
            [{"AccountId": self.member, "Status": "ENABLED"}],
        )
        with self.assertRaises(ClientError):
            as_account(self.member, "securityhub").list_organization_admin_accounts()


if __name__ == "__main__":
    unittest.main()
