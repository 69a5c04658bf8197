#!/usr/bin/env python3
"""Self-test of the AWS Support (Trusted Advisor) extension: starts ``server.py`` on a free loopback port and drives
it with boto3.

Run with the venv's Python (no pytest needed):

    .venv/bin/python tests/moto_ext/test_support_ext.py
"""

from __future__ import annotations

import unittest

from botocore.exceptions import ClientError

import harness
from harness import reset_moto

client = harness.client_factory("support")


def setUpModule() -> None:
    harness.setUp()


def tearDownModule() -> None:
    harness.tearDown()


SPECIFIC_PORTS = "HCP4007jGY"
UNRESTRICTED = "1iG5NDGVre"
ROOT_MFA = "7DAFEmoDos"
EXPOSED_KEYS = "12Fnkpl8Y5"


class TrustedAdvisorSummaries(unittest.TestCase):
    def setUp(self) -> None:
        reset_moto()
        self.support = client()

    def statuses(self, *ids: str) -> dict[str, str]:
        out = self.support.describe_trusted_advisor_check_summaries(checkIds=list(ids))
        self.assertEqual([s["checkId"] for s in out["summaries"]], list(ids))
        for s in out["summaries"]:
            # Members the API reference marks required.
            for member in ("timestamp", "resourcesSummary", "categorySpecificSummary"):
                self.assertIn(member, s)
        return {s["checkId"]: s["status"] for s in out["summaries"]}

    def open_port(self, port: int, region: str = "us-east-1", cidr: str = "0.0.0.0/0") -> str:
        ec2 = client("ec2", region=region)
        group = ec2.create_security_group(GroupName=f"open-{port}", Description="test")["GroupId"]
        ec2.authorize_security_group_ingress(
            GroupId=group,
            IpPermissions=[{"IpProtocol": "tcp", "FromPort": port, "ToPort": port, "IpRanges": [{"CidrIp": cidr}]}],
        )
        return group

    def test_the_checks_moto_lists_are_served(self) -> None:
        ids = [c["id"] for c in self.support.describe_trusted_advisor_checks(language="en")["checks"]]
        for check in (SPECIFIC_PORTS, UNRESTRICTED, ROOT_MFA, EXPOSED_KEYS):
            self.assertIn(check, ids)
        self.assertEqual(self.statuses(SPECIFIC_PORTS, UNRESTRICTED, EXPOSED_KEYS),
                         {SPECIFIC_PORTS: "ok", UNRESTRICTED: "ok", EXPOSED_KEYS: "ok"})

    def test_root_mfa_is_red_because_moto_cannot_enable_it(self) -> None:
        self.assertEqual(self.statuses(ROOT_MFA), {ROOT_MFA: "error"})

    def test_a_risky_port_open_to_the_world_is_red_in_any_region(self) -> None:
        self.open_port(3389, region="eu-west-1")
        self.assertEqual(self.statuses(SPECIFIC_PORTS, UNRESTRICTED),
                         {SPECIFIC_PORTS: "error", UNRESTRICTED: "error"})
        out = self.support.describe_trusted_advisor_check_summaries(checkIds=[SPECIFIC_PORTS])["summaries"][0]
        self.assertEqual(out["resourcesSummary"]["resourcesFlagged"], 1)
        self.assertTrue(out["hasFlaggedResources"])

    def test_web_ports_are_green_and_a_private_source_is_not_flagged(self) -> None:
        self.open_port(443)
        self.open_port(3306, cidr="10.0.0.0/8")
        self.assertEqual(self.statuses(SPECIFIC_PORTS, UNRESTRICTED), {SPECIFIC_PORTS: "ok", UNRESTRICTED: "ok"})
        self.open_port(8080)
        self.assertEqual(self.statuses(SPECIFIC_PORTS, UNRESTRICTED),
                         {SPECIFIC_PORTS: "warning", UNRESTRICTED: "error"})

    def test_results_are_per_account(self) -> None:
        self.open_port(22)
        creds = client("sts").assume_role(
            RoleArn="arn:aws:iam::111111111111:role/baseline-operator", RoleSessionName="support-ext"
        )["Credentials"]
        other = client(aws_access_key_id=creds["AccessKeyId"], aws_secret_access_key=creds["SecretAccessKey"],
                       aws_session_token=creds["SessionToken"])
        summaries = other.describe_trusted_advisor_check_summaries(checkIds=[SPECIFIC_PORTS])["summaries"]
        self.assertEqual(summaries[0]["status"], "ok")
        self.assertEqual(self.statuses(SPECIFIC_PORTS), {SPECIFIC_PORTS: "error"})

    def test_an_unknown_check_is_invalid(self) -> None:
        with self.assertRaises(ClientError) as ctx:
            self.support.describe_trusted_advisor_check_summaries(checkIds=["nope"])
        err = ctx.exception.response
        self.assertEqual(err["Error"]["Code"], "InvalidParameterValueException", err)
        self.assertEqual(err["ResponseMetadata"]["HTTPStatusCode"], 400, err)


if __name__ == "__main__":
    unittest.main()
