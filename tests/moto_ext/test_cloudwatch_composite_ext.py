#!/usr/bin/env python3
"""Self-test of the CloudWatch composite alarm extension (``cloudwatch_composite_ext.py``): starts ``server.py`` on a
free loopback port and drives PutCompositeAlarm and the fixed DeleteAlarms with boto3 (moto's JSON protocol; the
Rust integration tests drive the same handlers over RPC v2 CBOR).

    .venv/bin/python tests/moto_ext/test_cloudwatch_composite_ext.py
"""

from __future__ import annotations

import unittest

from botocore.exceptions import ClientError

import cloudwatch_composite_ext
import harness
from harness import reset_moto

client = harness.client_factory("cloudwatch")
TOPIC = "arn:aws:sns:us-east-1:123456789012:ops"


def setUpModule() -> None:
    harness.setUp()


def tearDownModule() -> None:
    harness.tearDown()


class CompositeAlarmsTest(unittest.TestCase):
    def setUp(self) -> None:
        reset_moto()
        self.cw = client()
        for name in ("errors", "latency"):
            self.cw.put_metric_alarm(
                AlarmName=name, Namespace="App", MetricName=name, Statistic="Sum", Period=60,
                EvaluationPeriods=1, Threshold=1.0, ComparisonOperator="GreaterThanThreshold",
            )

    def composite(self, name: str = "user-facing") -> dict:
        out = self.cw.describe_alarms(AlarmNames=[name], AlarmTypes=["CompositeAlarm"])
        self.assertEqual(out["MetricAlarms"], [])
        self.assertEqual(len(out["CompositeAlarms"]), 1)
        return out["CompositeAlarms"][0]

    def test_put_creates_and_describe_alarms_returns_it_with_tags(self) -> None:
        self.cw.put_composite_alarm(
            AlarmName="user-facing", AlarmRule='ALARM("errors") AND ALARM(latency)', AlarmDescription="d",
            AlarmActions=[TOPIC], OKActions=[TOPIC], ActionsEnabled=True, Tags=[{"Key": "team", "Value": "web"}],
        )
        c = self.composite()
        self.assertEqual(c["AlarmRule"], 'ALARM("errors") AND ALARM(latency)')
        self.assertEqual((c["AlarmDescription"], c["AlarmActions"], c["OKActions"]), ("d", [TOPIC], [TOPIC]))
        self.assertEqual(c["InsufficientDataActions"], [])
        self.assertTrue(c["ActionsEnabled"])
        tags = self.cw.list_tags_for_resource(ResourceARN=c["AlarmArn"])["Tags"]
        self.assertEqual(tags, [{"Key": "team", "Value": "web"}])

    def test_put_again_replaces_the_settings_and_ignores_tags(self) -> None:
        self.cw.put_composite_alarm(AlarmName="user-facing", AlarmRule="ALARM(errors)", AlarmActions=[TOPIC],
                                    Tags=[{"Key": "team", "Value": "web"}])
        self.cw.put_composite_alarm(AlarmName="user-facing", AlarmRule="OK(latency)",
                                    Tags=[{"Key": "other", "Value": "x"}])
        c = self.composite()
        self.assertEqual((c["AlarmRule"], c["AlarmActions"]), ("OK(latency)", []))
        tags = self.cw.list_tags_for_resource(ResourceARN=c["AlarmArn"])["Tags"]
        self.assertEqual(tags, [{"Key": "team", "Value": "web"}], "tags are ignored on an update")

    def test_a_rule_naming_a_missing_alarm_is_refused(self) -> None:
        with self.assertRaises(ClientError) as e:
            self.cw.put_composite_alarm(AlarmName="c", AlarmRule="ALARM(errors) OR INSUFFICIENT_DATA('gone')")
        self.assertEqual(e.exception.response["Error"]["Code"], "ValidationError")
        self.assertIn("[gone]", e.exception.response["Error"]["Message"])
        self.assertEqual(self.cw.describe_alarms(AlarmNames=["c"])["CompositeAlarms"], [])

    def test_a_metric_alarm_name_is_not_reused(self) -> None:
        with self.assertRaises(ClientError) as e:
            self.cw.put_composite_alarm(AlarmName="errors", AlarmRule="ALARM(latency)")
        self.assertEqual(e.exception.response["Error"]["Code"], "ValidationError")

    def test_required_members(self) -> None:
        for kwargs in ({"AlarmName": "c", "AlarmRule": ""}, {"AlarmName": "", "AlarmRule": "ALARM(errors)"}):
            with self.subTest(kwargs=kwargs), self.assertRaises(ClientError):
                harness.client("cloudwatch", validate=False).put_composite_alarm(**kwargs)

    def test_delete_refuses_an_alarm_a_composite_names_unless_deleted_together(self) -> None:
        self.cw.put_composite_alarm(AlarmName="user-facing", AlarmRule="ALARM(errors)")
        with self.assertRaises(ClientError) as e:
            self.cw.delete_alarms(AlarmNames=["errors"])
        self.assertEqual(e.exception.response["Error"]["Code"], "ValidationError")
        self.cw.delete_alarms(AlarmNames=["latency"])  # not named by the rule
        self.cw.delete_alarms(AlarmNames=["errors", "user-facing"])
        self.assertEqual(self.cw.describe_alarms()["MetricAlarms"], [])
        self.assertEqual(self.cw.describe_alarms()["CompositeAlarms"], [])

    def test_rule_alarms_parses_quoted_and_bare_names(self) -> None:
        self.assertEqual(
            cloudwatch_composite_ext.rule_alarms('ALARM("a b") AND NOT OK(c) OR INSUFFICIENT_DATA(\'d\')'),
            ["a b", "c", "d"],
        )


if __name__ == "__main__":
    unittest.main()
