#!/usr/bin/env python3
"""Self-test of the Synthetics extension: starts ``server.py`` on a free loopback port and drives every added and
fixed canary operation with boto3.

Run with the venv's Python (no pytest needed):

    .venv/bin/python tests/moto_ext/test_synthetics_ext.py
"""

from __future__ import annotations

import unittest
from datetime import datetime
from typing import Any

from botocore.exceptions import ClientError

import harness
from harness import reset_moto

client = harness.client_factory("synthetics")

ACCOUNT = "123456789012"
ROLE = f"arn:aws:iam::{ACCOUNT}:role/canary"


def setUpModule() -> None:
    harness.setUp()


def tearDownModule() -> None:
    harness.tearDown()


def arn(name: str, region: str = "us-east-1") -> str:
    return f"arn:aws:synthetics:{region}:{ACCOUNT}:canary:{name}"


class SyntheticsTestCase(unittest.TestCase):
    syn: Any

    def setUp(self) -> None:
        reset_moto()
        self.syn = client()

    def assertError(self, code: str, status: int, fn: Any, *args: Any, **kwargs: Any) -> None:
        with self.assertRaises(ClientError) as ctx:
            fn(*args, **kwargs)
        err = ctx.exception.response
        self.assertEqual(err["Error"]["Code"], code, err)
        self.assertEqual(err["ResponseMetadata"]["HTTPStatusCode"], status, err)

    def create(self, name: str = "api-check", **overrides: Any) -> dict[str, Any]:
        args: dict[str, Any] = {
            "Name": name,
            "Code": {"ZipFile": b"PK\x05\x06" + b"\0" * 18, "Handler": "apiCanary.handler"},
            "ArtifactS3Location": "s3://canary-artifacts/api",
            "ExecutionRoleArn": ROLE,
            "Schedule": {"Expression": "rate(5 minutes)"},
            "RuntimeVersion": "syn-nodejs-puppeteer-9.1",
            "Tags": {"owner": "team-a"},
        }
        args.update(overrides)
        return dict(self.syn.create_canary(**args)["Canary"])

    def get(self, name: str = "api-check") -> dict[str, Any]:
        return dict(self.syn.get_canary(Name=name)["Canary"])


class CreateAndRead(SyntheticsTestCase):
    def test_create_returns_the_output_shape_with_timestamps_and_a_layer_version(self) -> None:
        c = self.create()
        self.assertEqual(c["Status"]["State"], "READY")
        self.assertIsInstance(c["Timeline"]["Created"], datetime)
        self.assertEqual(c["Code"]["Handler"], "apiCanary.handler")
        self.assertTrue(c["Code"]["SourceLocationArn"].endswith(":1"), c["Code"])
        self.assertNotIn("ZipFile", c["Code"])
        self.assertEqual(c["ArtifactS3Location"], "canary-artifacts/api")
        self.assertEqual((c["SuccessRetentionPeriodInDays"], c["FailureRetentionPeriodInDays"]), (31, 31))
        self.assertEqual(self.get()["Tags"], {"owner": "team-a"})

    def test_create_refuses_a_taken_name_a_bad_name_and_missing_code(self) -> None:
        self.create()
        self.assertError("ValidationException", 400, self.create)
        self.assertError("ValidationException", 400, self.create, name="Upper")
        self.assertError("ValidationException", 400, self.create, name="nocode", Code={"Handler": "a.handler"})

    def test_get_of_an_unknown_canary_is_not_found(self) -> None:
        self.assertError("ResourceNotFoundException", 404, self.syn.get_canary, Name="missing")

    def test_describe_filters_by_names_and_pages(self) -> None:
        for n in ("a", "b", "c"):
            self.create(n)
        got = self.syn.describe_canaries(Names=["a", "c", "zz"])["Canaries"]
        self.assertEqual([c["Name"] for c in got], ["a", "c"])
        first = self.syn.describe_canaries(MaxResults=2)
        self.assertEqual([c["Name"] for c in first["Canaries"]], ["a", "b"])
        rest = self.syn.describe_canaries(MaxResults=2, NextToken=first["NextToken"])
        self.assertEqual([c["Name"] for c in rest["Canaries"]], ["c"])
        self.assertNotIn("NextToken", rest)
        self.assertError("ValidationException", 400, self.syn.describe_canaries, Names=list("abcdef"))

    def test_canaries_are_per_region(self) -> None:
        self.create()
        self.assertEqual(client(region="eu-west-1").describe_canaries()["Canaries"], [])


class UpdateStartStopDelete(SyntheticsTestCase):
    def test_update_changes_the_configuration_and_code_version(self) -> None:
        self.create()
        self.syn.update_canary(
            Name="api-check",
            Code={"ZipFile": b"PK\x05\x06" + b"\0" * 18, "Handler": "other.handler"},
            Schedule={"Expression": "rate(1 hour)"},
            SuccessRetentionPeriodInDays=7,
            ArtifactS3Location="s3://elsewhere/x",
        )
        c = self.get()
        self.assertEqual(c["Code"]["Handler"], "other.handler")
        self.assertTrue(c["Code"]["SourceLocationArn"].endswith(":2"))
        self.assertEqual(c["Schedule"]["Expression"], "rate(1 hour)")
        self.assertEqual(c["SuccessRetentionPeriodInDays"], 7)
        self.assertEqual(c["FailureRetentionPeriodInDays"], 31)
        self.assertEqual(c["ArtifactS3Location"], "elsewhere/x")
        self.assertError("ResourceNotFoundException", 404, self.syn.update_canary, Name="missing",
                         Schedule={"Expression": "rate(1 hour)"})
        self.assertError("ValidationException", 400, self.syn.update_canary, Name="api-check",
                         SuccessRetentionPeriodInDays=1000)

    def test_start_stop_and_delete_follow_the_state(self) -> None:
        self.create()
        self.syn.start_canary(Name="api-check")
        self.assertEqual(self.get()["Status"]["State"], "RUNNING")
        self.assertIn("LastStarted", self.get()["Timeline"])
        self.assertError("ConflictException", 409, self.syn.start_canary, Name="api-check")
        self.assertError("ConflictException", 409, self.syn.delete_canary, Name="api-check")
        self.syn.stop_canary(Name="api-check")
        self.assertEqual(self.get()["Status"]["State"], "STOPPED")
        self.assertError("ConflictException", 409, self.syn.stop_canary, Name="api-check")
        self.syn.delete_canary(Name="api-check", DeleteLambda=True)
        self.assertError("ResourceNotFoundException", 404, self.syn.get_canary, Name="api-check")
        self.assertError("ResourceNotFoundException", 404, self.syn.delete_canary, Name="api-check")
        self.assertError("ResourceNotFoundException", 404, self.syn.start_canary, Name="api-check")


class Tags(SyntheticsTestCase):
    def test_tag_untag_and_list_by_arn(self) -> None:
        self.create()
        self.syn.tag_resource(ResourceArn=arn("api-check"), Tags={"env": "prod", "owner": "team-b"})
        self.assertEqual(self.syn.list_tags_for_resource(ResourceArn=arn("api-check"))["Tags"],
                         {"env": "prod", "owner": "team-b"})
        self.syn.untag_resource(ResourceArn=arn("api-check"), TagKeys=["env"])
        self.assertEqual(self.get()["Tags"], {"owner": "team-b"})

    def test_unknown_and_foreign_arns_are_not_found(self) -> None:
        self.create()
        self.assertError("NotFoundException", 404, self.syn.list_tags_for_resource, ResourceArn=arn("missing"))
        self.assertError("NotFoundException", 404, self.syn.tag_resource, ResourceArn=arn("api-check", "eu-west-1"),
                         Tags={"a": "b"})
        self.assertError("BadRequestException", 400, self.syn.list_tags_for_resource,
                         ResourceArn="arn:aws:sns:us-east-1:123456789012:topic")


if __name__ == "__main__":
    unittest.main(verbosity=2)
