#!/usr/bin/env python3
"""Self-test of the AWS Config extension: starts ``server.py`` on a free loopback port and drives it with boto3.

Run with the venv's Python (no pytest needed):

    .venv/bin/python tests/moto_ext/test_config_ext.py

Each test gets a fresh server state through moto's reset endpoint; the server is stopped by PID at the end.
The server harness (start, reset, stop, boto3 clients, raw requests) is in ``harness.py``.
"""

from __future__ import annotations

import re
import unittest
from typing import Any

from botocore.exceptions import ClientError

import harness
from harness import reset_moto

client = harness.client_factory("config")

ACCOUNT = "123456789012"
ROLE = f"arn:aws:iam::{ACCOUNT}:role/remediation"
DOCUMENT = "AWS-ConfigureCloudTrailLogging"


def remediation_arn(rule: str, region: str = "us-east-1", account: str = ACCOUNT, partition: str = "aws") -> Any:
    return re.compile(
        rf"^arn:{partition}:config:{region}:{account}:remediation-configuration/{re.escape(rule)}/[0-9a-f-]{{36}}$"
    )


def setUpModule() -> None:
    harness.setUp()


def tearDownModule() -> None:
    harness.tearDown()


def raw(operation: str, body: Any, region: str = "us-east-1") -> tuple[int, dict[str, Any]]:
    """An X-Amz-Target JSON request (moto routes by the SigV4 credential scope; no signature check)."""
    return harness.raw_request("config", "POST", "/", body, region, target=f"StarlingDoveService.{operation}")


def remediation(rule: str, **overrides: Any) -> dict[str, Any]:
    item: dict[str, Any] = {
        "ConfigRuleName": rule,
        "TargetType": "SSM_DOCUMENT",
        "TargetId": DOCUMENT,
    }
    item.update(overrides)
    return item


class ConfigTestCase(unittest.TestCase):
    cfg: Any
    loose: Any

    def setUp(self) -> None:
        reset_moto()
        self.cfg = client()
        self.loose = client(validate=False)

    def put_rule(self, name: str, cfg: Any = None, **extra: Any) -> dict[str, Any]:
        (cfg or self.cfg).put_config_rule(
            ConfigRule={"ConfigRuleName": name, "Source": {"Owner": "AWS", "SourceIdentifier": "CLOUD_TRAIL_ENABLED"}},
            **extra,
        )
        rules = (cfg or self.cfg).describe_config_rules(ConfigRuleNames=[name])["ConfigRules"]
        return dict(rules[0])

    def describe(self, *rules: str, cfg: Any = None) -> list[dict[str, Any]]:
        out = (cfg or self.cfg).describe_remediation_configurations(ConfigRuleNames=list(rules))
        return list(out["RemediationConfigurations"])

    def put(self, *items: dict[str, Any], cfg: Any = None) -> list[dict[str, Any]]:
        out = (cfg or self.cfg).put_remediation_configurations(RemediationConfigurations=list(items))
        return list(out.get("FailedBatches", []))

    def assertError(self, code: str, fn: Any, **kwargs: Any) -> dict[str, Any]:
        with self.assertRaises(ClientError) as ctx:
            fn(**kwargs)
        err = ctx.exception.response
        self.assertEqual(err["Error"]["Code"], code, err)
        self.assertEqual(err["ResponseMetadata"]["HTTPStatusCode"], 400, err)
        self.assertTrue(err["Error"]["Message"], err)
        return dict(err["Error"])


class PutAndDescribeTests(ConfigTestCase):
    def test_put_and_describe_every_member(self) -> None:
        self.put_rule("cloudtrail-enabled")
        item = remediation(
            "cloudtrail-enabled",
            TargetVersion="1",
            Parameters={
                "TrailName": {"ResourceValue": {"Value": "RESOURCE_ID"}},
                "AutomationAssumeRole": {"StaticValue": {"Values": [ROLE]}},
                "S3BucketName": {"StaticValue": {"Values": ["logs-a", "logs-b"]}},
            },
            ResourceType="AWS::CloudTrail::Trail",
            Automatic=True,
            ExecutionControls={"SsmControls": {"ConcurrentExecutionRatePercentage": 10, "ErrorPercentage": 20}},
            MaximumAutomaticAttempts=3,
            RetryAttemptSeconds=120,
        )
        self.assertEqual(self.put(item), [])
        [got] = self.describe("cloudtrail-enabled")
        arn = got.pop("Arn")
        self.assertRegex(arn, remediation_arn("cloudtrail-enabled"))
        self.assertNotIn("CreatedByService", got)  # only for service-linked rules, which moto can't create
        self.assertEqual(got, item)

    def test_defaults(self) -> None:
        self.put_rule("r1")
        self.assertEqual(self.put(remediation("r1")), [])
        [got] = self.describe("r1")
        self.assertIs(got["Automatic"], False)
        # RemediationConfiguration: "If you do not select a number, the default is 5" / "... is 60 seconds"
        self.assertEqual((got["MaximumAutomaticAttempts"], got["RetryAttemptSeconds"]), (5, 60))
        for absent in ("TargetVersion", "Parameters", "ResourceType", "ExecutionControls"):
            self.assertNotIn(absent, got)
        # Arn and CreatedByService in the request are the service's to set
        self.put(remediation("r1", Arn="arn:aws:config:us-east-1:1:remediation-configuration/x/y",
                             CreatedByService="securityhub.amazonaws.com"))
        [again] = self.describe("r1")
        self.assertEqual(again["Arn"], got["Arn"])
        self.assertNotIn("CreatedByService", again)

    def test_missing_rule_goes_to_failed_batches(self) -> None:
        self.put_rule("present")
        failed = self.put(remediation("absent-1"), remediation("present", Automatic=True), remediation("absent-2"))
        self.assertEqual(len(failed), 1, failed)
        self.assertTrue(failed[0]["FailureMessage"])
        self.assertEqual([i["ConfigRuleName"] for i in failed[0]["FailedItems"]], ["absent-1", "absent-2"])
        self.assertEqual(failed[0]["FailedItems"][0]["TargetId"], DOCUMENT)
        # the rest of the request is applied
        self.assertEqual([r["ConfigRuleName"] for r in self.describe("absent-1", "present", "absent-2")], ["present"])
        self.assertIs(self.describe("present")[0]["Automatic"], True)

    def test_replacement(self) -> None:
        self.put_rule("r1")
        self.put(remediation("r1", TargetVersion="2", Automatic=True, MaximumAutomaticAttempts=7,
                             RetryAttemptSeconds=300, ResourceType="AWS::S3::Bucket",
                             Parameters={"BucketName": {"ResourceValue": {"Value": "RESOURCE_ID"}}},
                             ExecutionControls={"SsmControls": {"ErrorPercentage": 5}}))
        [first] = self.describe("r1")
        self.put(remediation("r1", TargetId="AWS-EnableS3BucketEncryption",
                             Parameters={"AutomationAssumeRole": {"StaticValue": {"Values": [ROLE]}}}))
        [second] = self.describe("r1")
        self.assertEqual(second["Arn"], first["Arn"])  # the same configuration, updated
        self.assertEqual(second["TargetId"], "AWS-EnableS3BucketEncryption")
        self.assertEqual(second["Parameters"], {"AutomationAssumeRole": {"StaticValue": {"Values": [ROLE]}}})
        # replaced as a whole: members left out are back to absent / the defaults
        self.assertIs(second["Automatic"], False)
        self.assertEqual((second["MaximumAutomaticAttempts"], second["RetryAttemptSeconds"]), (5, 60))
        for absent in ("TargetVersion", "ResourceType", "ExecutionControls"):
            self.assertNotIn(absent, second)
        self.assertEqual(len(self.describe("r1")), 1)  # still one configuration per rule
        # the last entry for a rule in one request wins
        self.put(remediation("r1", TargetVersion="3"), remediation("r1", TargetVersion="4"))
        self.assertEqual(self.describe("r1")[0]["TargetVersion"], "4")

    def test_batch_limits(self) -> None:
        names = [f"rule-{i:02d}" for i in range(26)]
        for name in names:
            self.put_rule(name)
        self.assertEqual(self.put(*(remediation(n) for n in names[:25])), [])
        self.assertEqual(len(self.describe(*names[:25])), 25)
        err = self.assertError("ValidationException", self.loose.put_remediation_configurations,
                               RemediationConfigurations=[remediation(n) for n in names])
        self.assertIn("less than or equal to 25", err["Message"])
        self.assertEqual(self.describe(names[25]), [])  # nothing of the refused request was stored
        self.assertError("ValidationException", self.loose.describe_remediation_configurations,
                         ConfigRuleNames=names)
        self.assertEqual(self.put(), [])  # an empty list is allowed (min 0)

    def test_validation_errors(self) -> None:
        self.put_rule("r1")
        cases: dict[str, dict[str, Any]] = {
            "target type": remediation("r1", TargetType="LAMBDA"),
            "attempts 0": remediation("r1", MaximumAutomaticAttempts=0),
            "attempts 26": remediation("r1", MaximumAutomaticAttempts=26),
            "retry 0": remediation("r1", RetryAttemptSeconds=0),
            "retry 2678001": remediation("r1", RetryAttemptSeconds=2678001),
            "rate 0": remediation("r1", ExecutionControls={"SsmControls": {"ConcurrentExecutionRatePercentage": 0}}),
            "error 101": remediation("r1", ExecutionControls={"SsmControls": {"ErrorPercentage": 101}}),
            "resource value": remediation("r1", Parameters={"P": {"ResourceValue": {"Value": "RESOURCE_ARN"}}}),
            "static values 26": remediation("r1", Parameters={"P": {"StaticValue": {"Values": ["v"] * 26}}}),
            "static value empty string": remediation("r1", Parameters={"P": {"StaticValue": {"Values": [""]}}}),
            "26 parameters": remediation(
                "r1", Parameters={f"P{i}": {"StaticValue": {"Values": ["v"]}} for i in range(26)}),
            "target id 257": remediation("r1", TargetId="d" * 257),
            "rule name 129": remediation("r" * 129),
            "blank rule name": remediation("   "),
            "no target id": {"ConfigRuleName": "r1", "TargetType": "SSM_DOCUMENT"},
            "no rule name": {"TargetType": "SSM_DOCUMENT", "TargetId": DOCUMENT},
        }
        for name, item in cases.items():
            with self.subTest(name):
                self.assertError("ValidationException", self.loose.put_remediation_configurations,
                                 RemediationConfigurations=[remediation("r1"), item])
        for name, value in {"neither": {}, "both": {"ResourceValue": {"Value": "RESOURCE_ID"},
                                                    "StaticValue": {"Values": ["x"]}}}.items():
            with self.subTest(name):
                self.assertError("InvalidParameterValueException", self.loose.put_remediation_configurations,
                                 RemediationConfigurations=[remediation("r1", Parameters={"P": value})])
        # all or nothing: the valid first item of each refused request wasn't stored
        self.assertEqual(self.describe("r1"), [])
        self.assertError("ValidationException", self.loose.put_remediation_configurations)
        self.assertEqual(self.put(remediation("r1", MaximumAutomaticAttempts=25, RetryAttemptSeconds=2678000,
                                              ExecutionControls={"SsmControls": {
                                                  "ConcurrentExecutionRatePercentage": 100,
                                                  "ErrorPercentage": 1}})), [])  # the bounds are allowed

    def test_describe(self) -> None:
        for name in ("a", "b", "c"):
            self.put_rule(name)
        self.put(remediation("c"), remediation("a"))
        # request order; a rule without a configuration and an unknown rule are simply absent; no duplicates
        self.assertEqual([r["ConfigRuleName"] for r in self.describe("a", "b", "nope", "c", "a")], ["a", "c"])
        self.assertEqual(self.describe(), [])
        self.assertError("ValidationException", self.loose.describe_remediation_configurations)
        self.assertError("ValidationException", self.loose.describe_remediation_configurations,
                         ConfigRuleNames=["x" * 129])


class DeleteTests(ConfigTestCase):
    def test_delete_remediation(self) -> None:
        self.put_rule("r1")
        self.put(remediation("r1"))
        self.cfg.delete_remediation_configuration(ConfigRuleName="r1")
        self.assertEqual(self.describe("r1"), [])
        err = self.assertError("NoSuchRemediationConfigurationException", self.cfg.delete_remediation_configuration,
                               ConfigRuleName="r1")
        self.assertIn("r1", err["Message"])
        self.assertError("NoSuchRemediationConfigurationException", self.cfg.delete_remediation_configuration,
                         ConfigRuleName="never-existed")
        # a new configuration after a delete is a new resource
        self.put(remediation("r1"))
        old = self.describe("r1")[0]["Arn"]
        self.cfg.delete_remediation_configuration(ConfigRuleName="r1")
        self.put(remediation("r1"))
        self.assertNotEqual(self.describe("r1")[0]["Arn"], old)

    def test_delete_with_resource_type(self) -> None:
        self.put_rule("r1")
        self.put(remediation("r1", ResourceType="AWS::CloudTrail::Trail"))
        self.assertError("NoSuchRemediationConfigurationException", self.cfg.delete_remediation_configuration,
                         ConfigRuleName="r1", ResourceType="AWS::S3::Bucket")
        self.assertEqual(len(self.describe("r1")), 1)
        self.cfg.delete_remediation_configuration(ConfigRuleName="r1", ResourceType="AWS::CloudTrail::Trail")
        self.assertEqual(self.describe("r1"), [])
        self.put(remediation("r1"))  # no ResourceType stored: only a delete without one matches
        self.assertError("NoSuchRemediationConfigurationException", self.cfg.delete_remediation_configuration,
                         ConfigRuleName="r1", ResourceType="AWS::CloudTrail::Trail")
        self.cfg.delete_remediation_configuration(ConfigRuleName="r1")

    def test_delete_remediation_validation(self) -> None:
        self.assertError("ValidationException", self.loose.delete_remediation_configuration)
        self.assertError("ValidationException", self.loose.delete_remediation_configuration, ConfigRuleName="")

    def test_delete_rule_with_remediation_is_refused(self) -> None:
        rule = self.put_rule("r1", Tags=[{"Key": "team", "Value": "platform"}])
        self.put(remediation("r1"))
        err = self.assertError("ResourceInUseException", self.cfg.delete_config_rule, ConfigRuleName="r1")
        self.assertIn("RemediationConfiguration", err["Message"])
        # nothing changed
        self.assertEqual([r["ConfigRuleName"] for r in self.cfg.describe_config_rules()["ConfigRules"]], ["r1"])
        self.assertEqual(len(self.describe("r1")), 1)
        self.assertEqual(self.cfg.list_tags_for_resource(ResourceArn=rule["ConfigRuleArn"])["Tags"],
                         [{"Key": "team", "Value": "platform"}])
        # remediation first, then the rule
        self.cfg.delete_remediation_configuration(ConfigRuleName="r1")
        self.cfg.delete_config_rule(ConfigRuleName="r1")
        self.assertEqual(self.cfg.describe_config_rules()["ConfigRules"], [])

    def test_deleted_rule_leaves_nothing(self) -> None:
        self.put_rule("other")  # (moto's DescribeConfigRules answers [] for any names when there is no rule)
        old = self.put_rule("r1", Tags=[{"Key": "team", "Value": "platform"}])
        self.cfg.delete_config_rule(ConfigRuleName="r1")
        self.assertEqual([r["ConfigRuleName"] for r in self.cfg.describe_config_rules()["ConfigRules"]], ["other"])
        self.assertError("NoSuchConfigRuleException", self.cfg.describe_config_rules, ConfigRuleNames=["r1"])
        self.assertError("ResourceNotFoundException", self.cfg.list_tags_for_resource,
                         ResourceArn=old["ConfigRuleArn"])
        self.assertEqual(self.describe("r1"), [])
        # a remediation for the deleted rule fails; a new rule of the same name starts empty
        self.assertEqual(len(self.put(remediation("r1"))), 1)
        new = self.put_rule("r1")
        self.assertNotEqual(new["ConfigRuleArn"], old["ConfigRuleArn"])
        self.assertEqual(self.cfg.list_tags_for_resource(ResourceArn=new["ConfigRuleArn"])["Tags"], [])
        self.assertEqual(self.describe("r1"), [])
        self.cfg.delete_config_rule(ConfigRuleName="r1")

    def test_delete_unknown_rule(self) -> None:
        self.assertError("NoSuchConfigRuleException", self.cfg.delete_config_rule, ConfigRuleName="nope")


class ScopingAndWireTests(ConfigTestCase):
    def test_region_isolation(self) -> None:
        eu = client(region="eu-west-1")
        self.put_rule("r1")
        self.put(remediation("r1", TargetVersion="1"))
        # eu-west-1 has neither the rule nor its remediation
        self.assertEqual(self.describe("r1", cfg=eu), [])
        self.assertEqual(len(self.put(remediation("r1"), cfg=eu)), 1)
        self.assertError("NoSuchRemediationConfigurationException", eu.delete_remediation_configuration,
                         ConfigRuleName="r1")
        self.assertError("NoSuchConfigRuleException", eu.delete_config_rule, ConfigRuleName="r1")
        # the same rule name there is its own rule and configuration
        self.put_rule("r1", cfg=eu)
        self.assertEqual(self.put(remediation("r1", TargetVersion="9"), cfg=eu), [])
        [here], [there] = self.describe("r1"), self.describe("r1", cfg=eu)
        self.assertEqual((here["TargetVersion"], there["TargetVersion"]), ("1", "9"))
        self.assertRegex(there["Arn"], remediation_arn("r1", region="eu-west-1"))
        eu.delete_remediation_configuration(ConfigRuleName="r1")
        eu.delete_config_rule(ConfigRuleName="r1")
        self.assertEqual(self.describe("r1")[0]["TargetVersion"], "1")
        self.assertError("ResourceInUseException", self.cfg.delete_config_rule, ConfigRuleName="r1")

    def test_account_isolation_and_partition(self) -> None:
        creds = client("sts").assume_role(RoleArn="arn:aws:iam::111111111111:role/operator",
                                          RoleSessionName="self-test")["Credentials"]
        other = client(aws_access_key_id=creds["AccessKeyId"], aws_secret_access_key=creds["SecretAccessKey"],
                       aws_session_token=creds["SessionToken"])
        self.put_rule("r1")
        self.put(remediation("r1"))
        self.assertEqual(self.describe("r1", cfg=other), [])
        self.put_rule("r1", cfg=other)
        self.put(remediation("r1"), cfg=other)
        self.assertRegex(self.describe("r1", cfg=other)[0]["Arn"], remediation_arn("r1", account="111111111111"))
        gov = client(region="us-gov-west-1")
        self.put_rule("r1", cfg=gov)
        self.put(remediation("r1"), cfg=gov)
        self.assertRegex(self.describe("r1", cfg=gov)[0]["Arn"],
                         remediation_arn("r1", region="us-gov-west-1", partition="aws-us-gov"))

    def test_reset_clears_everything(self) -> None:
        self.put_rule("r1")
        self.put(remediation("r1"))
        reset_moto()
        self.assertEqual(self.describe("r1"), [])
        self.put_rule("r1")
        self.assertEqual(self.describe("r1"), [])
        self.cfg.delete_config_rule(ConfigRuleName="r1")  # no remediation left behind to block it

    def test_error_shape(self) -> None:
        status, body = raw("DeleteRemediationConfiguration", {"ConfigRuleName": "nope"})
        self.assertEqual((status, body.get("__type")), (400, "NoSuchRemediationConfigurationException"), body)
        self.assertIn("message", body)
        self.put_rule("r1")
        self.put(remediation("r1"))
        status, body = raw("DeleteConfigRule", {"ConfigRuleName": "r1"})
        self.assertEqual((status, body.get("__type")), (400, "ResourceInUseException"), body)
        status, body = raw("PutRemediationConfigurations", {"RemediationConfigurations": [
            remediation("r1", MaximumAutomaticAttempts=0)]})
        self.assertEqual((status, body.get("__type")), (400, "ValidationException"), body)
        self.assertIn("remediationConfigurations.1.member.maximumAutomaticAttempts", body["message"])
        status, body = raw("PutRemediationConfigurations", {"RemediationConfigurations": [remediation("r1")]})
        self.assertEqual((status, body), (200, {"FailedBatches": []}))
        status, body = raw("DescribeRemediationConfigurations", {"ConfigRuleNames": ["r1"]})
        self.assertEqual(status, 200)
        self.assertEqual(set(body["RemediationConfigurations"][0]), {
            "ConfigRuleName", "TargetType", "TargetId", "Automatic", "MaximumAutomaticAttempts",
            "RetryAttemptSeconds", "Arn"})
        status, body = raw("DeleteRemediationConfiguration", {"ConfigRuleName": "r1"})
        self.assertEqual((status, body), (200, {}))

    def test_moto_operations_still_work(self) -> None:
        self.cfg.put_configuration_recorder(ConfigurationRecorder={
            "name": "default", "roleARN": f"arn:aws:iam::{ACCOUNT}:role/config",
            "recordingGroup": {"allSupported": True, "includeGlobalResourceTypes": True}})
        self.assertEqual([r["name"] for r in self.cfg.describe_configuration_recorders()["ConfigurationRecorders"]],
                         ["default"])
        self.put_rule("r1")
        self.cfg.delete_config_rule(ConfigRuleName="r1")

    def test_server_announces_the_operations(self) -> None:
        line = next((ln for ln in harness.log().splitlines() if ln.startswith("moto_ext: config_ext applied")), "")
        self.assertIn("DeleteRemediationConfiguration", line, harness.log_tail())
        self.assertIn("DescribeRemediationConfigurations", line)
        self.assertIn("PutRemediationConfigurations", line)
        self.assertIn("replaced DeleteConfigRule", line)


if __name__ == "__main__":
    unittest.main(verbosity=2)
