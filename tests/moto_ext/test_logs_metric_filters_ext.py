#!/usr/bin/env python3
"""Self-test of the metric-filter extension: starts ``server.py`` on a free loopback port and drives it with boto3.

Run with the venv's Python (no pytest needed):

    .venv/bin/python tests/moto_ext/test_logs_metric_filters_ext.py

Pattern matching is tested in-process (``compile_pattern``); the loop PutLogEvents -> metric -> alarm -> SNS -> SQS
through the server. Each server test gets a fresh state through moto's reset endpoint; the server is stopped by PID.
"""

from __future__ import annotations

import json
import time
import unittest
from typing import Any

import harness
from harness import reset_moto
from logs_metric_filters_ext import PatternError, compile_pattern

logs_client = harness.client_factory("logs")
cw_client = harness.client_factory("cloudwatch")
sns_client = harness.client_factory("sns")
sqs_client = harness.client_factory("sqs")

GROUP = "/aws/cloudtrail/cis-trail"
ROOT_USAGE = '{ $.userIdentity.type = "Root" && $.userIdentity.invokedBy NOT EXISTS && $.eventType != "AwsServiceEvent" }'
UNAUTHORIZED = '{ ($.errorCode = "*UnauthorizedOperation") || ($.errorCode = "AccessDenied*") }'
CONSOLE_NO_MFA = (
    '{ ($.eventName = "ConsoleLogin") && ($.additionalEventData.MFAUsed != "Yes") && '
    '($.userIdentity.type = "IAMUser") && ($.responseElements.ConsoleLogin = "Success") }'
)


def record(**fields: Any) -> str:
    base: dict[str, Any] = {
        "eventVersion": "1.08",
        "userIdentity": {"type": "IAMUser", "accountId": "123456789012"},
        "eventSource": "ec2.amazonaws.com",
        "eventName": "DescribeInstances",
        "eventType": "AwsApiCall",
    }
    base.update(fields)
    return json.dumps(base)


def setUpModule() -> None:
    harness.setUp()


def tearDownModule() -> None:
    harness.tearDown()


class PatternTest(unittest.TestCase):
    def test_cis_patterns_match_the_events_they_are_for_and_only_those(self) -> None:
        root = compile_pattern(ROOT_USAGE)
        self.assertTrue(root(record(userIdentity={"type": "Root"}, eventName="ConsoleLogin")))
        self.assertFalse(root(record(userIdentity={"type": "Root", "invokedBy": "support.amazonaws.com"})))
        self.assertFalse(root(record(userIdentity={"type": "Root"}, eventType="AwsServiceEvent")))
        self.assertFalse(root(record()))

        denied = compile_pattern(UNAUTHORIZED)
        self.assertTrue(denied(record(errorCode="Client.UnauthorizedOperation")))
        self.assertTrue(denied(record(errorCode="AccessDenied")))
        self.assertTrue(denied(record(errorCode="AccessDeniedException")))
        self.assertFalse(denied(record(errorCode="ThrottlingException")))
        self.assertFalse(denied(record()))

        mfa = compile_pattern(CONSOLE_NO_MFA)
        login = {"eventName": "ConsoleLogin", "responseElements": {"ConsoleLogin": "Success"}}
        self.assertTrue(mfa(record(additionalEventData={"MFAUsed": "No"}, **login)))
        self.assertFalse(mfa(record(additionalEventData={"MFAUsed": "Yes"}, **login)))
        # `!=` on an absent property does not match.
        self.assertFalse(mfa(record(**login)))

    def test_bare_values_numbers_null_and_other_forms(self) -> None:
        trail = compile_pattern("{ ($.eventName = CreateTrail) || ($.eventName = StopLogging) }")
        self.assertTrue(trail(record(eventName="StopLogging")))
        self.assertFalse(trail(record(eventName="StartLogging")))
        self.assertFalse(trail("not json"))
        self.assertTrue(compile_pattern("{ $.bytes > 100 }")(json.dumps({"bytes": 101})))
        self.assertFalse(compile_pattern("{ $.bytes > 100 }")(json.dumps({"bytes": "101"})))
        self.assertTrue(compile_pattern("{ $.list[1] = b }")(json.dumps({"list": ["a", "b"]})))
        self.assertTrue(compile_pattern("{ $.x IS NULL }")(json.dumps({"x": None})))
        self.assertTrue(compile_pattern("")("anything"))
        with self.assertRaises(PatternError):
            compile_pattern("[ip, user, ...]")
        with self.assertRaises(PatternError):
            compile_pattern("{ $.a = }")


class MetricFilterServerTest(unittest.TestCase):
    def setUp(self) -> None:
        reset_moto()
        self.logs = logs_client()
        self.cw = cw_client()
        self.logs.create_log_group(logGroupName=GROUP)
        self.logs.create_log_stream(logGroupName=GROUP, logStreamName="123456789012_CloudTrail_us-east-1")
        self.logs.put_metric_filter(
            logGroupName=GROUP,
            filterName="root-usage",
            filterPattern=ROOT_USAGE,
            metricTransformations=[{"metricName": "RootAccountUsage", "metricNamespace": "CIS", "metricValue": "1"}],
        )

    def put(self, *messages: str) -> None:
        now = int(time.time() * 1000)
        self.logs.put_log_events(
            logGroupName=GROUP,
            logStreamName="123456789012_CloudTrail_us-east-1",
            logEvents=[{"timestamp": now, "message": m} for m in messages],
        )

    def subscribed_queue(self) -> tuple[str, str]:
        sns, sqs = sns_client(), sqs_client()
        topic = sns.create_topic(Name="security")["TopicArn"]
        url = sqs.create_queue(QueueName="security-inbox")["QueueUrl"]
        arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
        sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=arn)
        return topic, url

    def alarm(self, topic: str, **extra: Any) -> None:
        params: dict[str, Any] = {
            "AlarmName": "root-usage",
            "Namespace": "CIS",
            "MetricName": "RootAccountUsage",
            "Statistic": "Sum",
            "Period": 300,
            "EvaluationPeriods": 1,
            "Threshold": 1,
            "ComparisonOperator": "GreaterThanOrEqualToThreshold",
            "TreatMissingData": "notBreaching",
            "AlarmActions": [topic],
        }
        params.update(extra)
        self.cw.put_metric_alarm(**params)

    def state(self) -> str:
        return str(self.cw.describe_alarms(AlarmNames=["root-usage"])["MetricAlarms"][0]["StateValue"])

    def test_a_matching_event_becomes_a_metric_point_and_fires_the_alarm_to_sns(self) -> None:
        topic, queue = self.subscribed_queue()
        self.alarm(topic)
        self.put(record())  # no match: no metric, alarm stays OK
        self.assertEqual(self.state(), "OK")
        self.assertEqual(self.cw.list_metrics(Namespace="CIS")["Metrics"], [])

        self.put(record(userIdentity={"type": "Root"}, eventName="ConsoleLogin"))
        self.assertEqual(self.state(), "ALARM")
        stats = self.cw.get_metric_statistics(
            Namespace="CIS",
            MetricName="RootAccountUsage",
            StartTime=time.time() - 600,
            EndTime=time.time() + 60,
            Period=300,
            Statistics=["Sum"],
        )["Datapoints"]
        self.assertEqual(sum(d["Sum"] for d in stats), 1.0)

        msgs = sqs_client().receive_message(QueueUrl=queue, MaxNumberOfMessages=10, WaitTimeSeconds=1)["Messages"]
        self.assertEqual(len(msgs), 1)
        envelope = json.loads(msgs[0]["Body"])
        self.assertEqual(envelope["Subject"], 'ALARM: "root-usage" in us-east-1')
        body = json.loads(envelope["Message"])
        self.assertEqual(body["AlarmName"], "root-usage")
        self.assertEqual((body["OldStateValue"], body["NewStateValue"]), ("OK", "ALARM"))
        self.assertEqual(body["Trigger"]["MetricName"], "RootAccountUsage")

        # A second matching event keeps it in ALARM without a second notification.
        self.put(record(userIdentity={"type": "Root"}, eventName="ConsoleLogin"))
        self.assertEqual(self.state(), "ALARM")
        again = sqs_client().receive_message(QueueUrl=queue, MaxNumberOfMessages=10, WaitTimeSeconds=0)
        self.assertEqual(again.get("Messages", []), [])

    def test_threshold_and_disabled_actions_are_respected(self) -> None:
        topic, queue = self.subscribed_queue()
        self.alarm(topic, Threshold=2, ActionsEnabled=False)
        self.put(record(userIdentity={"type": "Root"}))
        self.assertEqual(self.state(), "OK")  # 1 < 2
        self.put(record(userIdentity={"type": "Root"}))
        self.assertEqual(self.state(), "ALARM")  # Sum 2 >= 2
        got = sqs_client().receive_message(QueueUrl=queue, MaxNumberOfMessages=10, WaitTimeSeconds=0)
        self.assertEqual(got.get("Messages", []), [])  # actions disabled: no notification


if __name__ == "__main__":
    unittest.main(verbosity=2)
