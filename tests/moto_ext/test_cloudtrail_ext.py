#!/usr/bin/env python3
"""Self-test of the CloudTrail extension (``cloudtrail_ext.py``): a trail's KMS key and CloudWatch Logs delivery on
CreateTrail and UpdateTrail, driven with boto3 against ``server.py`` on a free loopback port.

    .venv/bin/python tests/moto_ext/test_cloudtrail_ext.py
"""

from __future__ import annotations

import unittest

from botocore.exceptions import ClientError

import harness
from harness import reset_moto

client = harness.client_factory("cloudtrail")
ACCOUNT = "123456789012"


def setUpModule() -> None:
    harness.setUp()


def tearDownModule() -> None:
    harness.tearDown()


class TrailKeyAndDeliveryTest(unittest.TestCase):
    def setUp(self) -> None:
        reset_moto()
        self.ct = client()
        client("s3").create_bucket(Bucket="trail-logs")
        kms = client("kms")
        meta = kms.create_key()["KeyMetadata"]
        self.key_id, self.key_arn = meta["KeyId"], meta["Arn"]
        kms.create_alias(AliasName="alias/trail", TargetKeyId=self.key_id)
        client("logs").create_log_group(logGroupName="/trail")
        self.group = f"arn:aws:logs:us-east-1:{ACCOUNT}:log-group:/trail:*"
        self.role = client("iam").create_role(RoleName="ct", AssumeRolePolicyDocument="{}")["Role"]["Arn"]

    def trail(self) -> dict:
        return self.ct.describe_trails(trailNameList=["main-trail"])["trailList"][0]

    def test_every_key_spelling_is_stored_as_the_key_arn(self) -> None:
        spellings = [self.key_id, self.key_arn, "alias/trail", f"arn:aws:kms:us-east-1:{ACCOUNT}:alias/trail"]
        for i, key in enumerate(spellings):
            with self.subTest(key=key):
                out = self.ct.create_trail(Name=f"trail{i}", S3BucketName="trail-logs", KmsKeyId=key)
                self.assertEqual(out["KmsKeyId"], self.key_arn)
                got = self.ct.describe_trails(trailNameList=[f"trail{i}"])["trailList"][0]
                self.assertEqual(got["KmsKeyId"], self.key_arn)

    def test_delivery_is_stored_and_empty_strings_clear_both(self) -> None:
        self.ct.create_trail(Name="main-trail", S3BucketName="trail-logs", KmsKeyId=self.key_id,
                             CloudWatchLogsLogGroupArn=self.group, CloudWatchLogsRoleArn=self.role)
        t = self.trail()
        self.assertEqual((t["CloudWatchLogsLogGroupArn"], t["CloudWatchLogsRoleArn"]), (self.group, self.role))
        out = self.ct.update_trail(Name="main-trail", KmsKeyId="", CloudWatchLogsLogGroupArn="", CloudWatchLogsRoleArn="")
        for member in ("KmsKeyId", "CloudWatchLogsLogGroupArn", "CloudWatchLogsRoleArn"):
            self.assertNotIn(member, out)
            self.assertNotIn(member, self.trail())
        # Setting them again through UpdateTrail.
        self.ct.update_trail(Name="main-trail", KmsKeyId="alias/trail", CloudWatchLogsLogGroupArn=self.group,
                             CloudWatchLogsRoleArn=self.role)
        t = self.trail()
        self.assertEqual((t["KmsKeyId"], t["CloudWatchLogsLogGroupArn"]), (self.key_arn, self.group))

    def test_an_update_without_the_members_keeps_them(self) -> None:
        self.ct.create_trail(Name="main-trail", S3BucketName="trail-logs", KmsKeyId=self.key_id,
                             CloudWatchLogsLogGroupArn=self.group, CloudWatchLogsRoleArn=self.role)
        self.ct.update_trail(Name="main-trail", EnableLogFileValidation=True)
        t = self.trail()
        self.assertEqual((t["KmsKeyId"], t["CloudWatchLogsRoleArn"]), (self.key_arn, self.role))

    def test_unknown_key_group_or_role_and_half_a_delivery_are_refused(self) -> None:
        other_region = f"arn:aws:kms:eu-west-1:{ACCOUNT}:key/{self.key_id}"
        cases = [
            ({"KmsKeyId": "alias/none"}, "KmsKeyNotFoundException"),
            ({"KmsKeyId": other_region}, "InvalidKmsKeyIdException"),
            ({"CloudWatchLogsLogGroupArn": self.group.replace("/trail", "/none"), "CloudWatchLogsRoleArn": self.role},
             "InvalidCloudWatchLogsLogGroupArnException"),
            ({"CloudWatchLogsLogGroupArn": self.group, "CloudWatchLogsRoleArn": f"arn:aws:iam::{ACCOUNT}:role/none"},
             "InvalidCloudWatchLogsRoleArnException"),
            ({"CloudWatchLogsLogGroupArn": self.group}, "InvalidParameterCombinationException"),
        ]
        for kwargs, code in cases:
            with self.subTest(kwargs=kwargs), self.assertRaises(ClientError) as e:
                self.ct.create_trail(Name="main-trail", S3BucketName="trail-logs", **kwargs)
            self.assertEqual(e.exception.response["Error"]["Code"], code)
        self.assertEqual(self.ct.describe_trails()["trailList"], [])

    def test_a_disabled_key_is_refused(self) -> None:
        client("kms").disable_key(KeyId=self.key_id)
        with self.assertRaises(ClientError) as e:
            self.ct.create_trail(Name="main-trail", S3BucketName="trail-logs", KmsKeyId=self.key_id)
        self.assertEqual(e.exception.response["Error"]["Code"], "KmsKeyDisabledException")


class InsightSelectorsTest(unittest.TestCase):
    def setUp(self) -> None:
        reset_moto()
        self.ct = client()
        client("s3").create_bucket(Bucket="trail-logs")
        self.ct.create_trail(Name="main-trail", S3BucketName="trail-logs")

    def types(self) -> list:
        out = self.ct.get_insight_selectors(TrailName="main-trail")
        return [s["InsightType"] for s in out.get("InsightSelectors", [])]

    def test_put_replaces_the_selectors(self) -> None:
        self.ct.put_insight_selectors(TrailName="main-trail", InsightSelectors=[{"InsightType": "ApiCallRateInsight"}])
        self.assertEqual(self.types(), ["ApiCallRateInsight"])
        self.ct.put_insight_selectors(TrailName="main-trail", InsightSelectors=[{"InsightType": "ApiErrorRateInsight"}])
        self.assertEqual(self.types(), ["ApiErrorRateInsight"])
        self.ct.put_insight_selectors(TrailName="main-trail", InsightSelectors=[])
        self.assertEqual(self.types(), [])


if __name__ == "__main__":
    unittest.main()
