#!/usr/bin/env python3
"""Self-test of the IAM extension: starts ``server.py`` on a free loopback port and drives it with boto3.

    .venv/bin/python tests/moto_ext/test_iam_ext.py
"""

from __future__ import annotations

import unittest

import harness
from harness import reset_moto

client = harness.client_factory("iam")


def setUpModule() -> None:
    harness.setUp()


def tearDownModule() -> None:
    harness.tearDown()


class ServiceLinkedRoleTest(unittest.TestCase):
    def setUp(self) -> None:
        reset_moto()

    def test_config_gets_the_documented_name_and_path(self) -> None:
        iam = client()
        role = iam.create_service_linked_role(AWSServiceName="config.amazonaws.com")["Role"]
        self.assertEqual(role["RoleName"], "AWSServiceRoleForConfig")
        self.assertEqual(
            role["Arn"], "arn:aws:iam::123456789012:role/aws-service-role/config.amazonaws.com/AWSServiceRoleForConfig"
        )
        self.assertEqual(iam.get_role(RoleName="AWSServiceRoleForConfig")["Role"]["RoleName"], "AWSServiceRoleForConfig")

    def test_other_services_keep_moto_names(self) -> None:
        role = client().create_service_linked_role(AWSServiceName="autoscaling.amazonaws.com")["Role"]
        self.assertEqual(role["RoleName"], "AWSServiceRoleForAutoScaling")


if __name__ == "__main__":
    unittest.main(verbosity=2)
