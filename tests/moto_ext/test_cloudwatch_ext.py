#!/usr/bin/env python3
"""Self-test of the CloudWatch Smithy RPC v2 CBOR front end: starts ``server.py`` on a free loopback port and drives it
with botocore speaking RPC v2 CBOR (as aws-sdk-cloudwatch 1.100+ does) and with raw ``cbor2`` requests for the wire
details (headers, tag-1 timestamps, float doubles, empty bodies, error bodies).

Run with the venv's Python (no pytest needed):

    .venv/bin/python tests/moto_ext/test_cloudwatch_ext.py

boto3's default CloudWatch client speaks the JSON protocol (botocore prefers it over CBOR); the CBOR client here is
made from botocore's own CloudWatch model with ``protocols`` narrowed to ``smithy-rpc-v2-cbor``. Each test gets a
fresh server state through moto's reset endpoint; the server is stopped by PID at the end. The server harness is in
``harness.py``.
"""

from __future__ import annotations

import gzip
import json
import os
import shutil
import tempfile
import unittest
import urllib.error
import urllib.parse
import urllib.request
from datetime import datetime, timedelta, timezone
from typing import Any

import botocore.session
import cbor2
from botocore.config import Config
from botocore.exceptions import ClientError

import harness
from harness import reset_moto

SERVICE_PATH = "/service/GraniteServiceVersion20100801/operation/"
ACCOUNT = "123456789012"

_model_dir: str | None = None


def setUpModule() -> None:
    global _model_dir
    harness.setUp()
    # botocore's CloudWatch model with only the CBOR protocol, in a directory put first on the loader's search path.
    model = botocore.session.get_session().get_component("data_loader").load_service_model("cloudwatch", "service-2")
    model["metadata"]["protocol"] = "smithy-rpc-v2-cbor"
    model["metadata"]["protocols"] = ["smithy-rpc-v2-cbor"]
    _model_dir = tempfile.mkdtemp(prefix="cw-cbor-model-")
    version_dir = os.path.join(_model_dir, "cloudwatch", model["metadata"]["apiVersion"])
    os.makedirs(version_dir)
    with open(os.path.join(version_dir, "service-2.json"), "w") as f:
        json.dump(model, f)


def tearDownModule() -> None:
    harness.tearDown()
    if _model_dir:
        shutil.rmtree(_model_dir, ignore_errors=True)


def cbor_client(region: str = "us-east-1") -> Any:
    """A botocore CloudWatch client that speaks Smithy RPC v2 CBOR."""
    session = botocore.session.get_session()
    session.get_component("data_loader").search_paths.insert(0, _model_dir)
    c = session.create_client(
        "cloudwatch",
        region_name=region,
        endpoint_url=harness.ENDPOINT,
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
        config=Config(retries={"max_attempts": 1, "mode": "standard"}),
    )
    assert c.meta.service_model.resolved_protocol == "smithy-rpc-v2-cbor"
    return c


def auth(region: str) -> str:
    return (
        f"AWS4-HMAC-SHA256 Credential=testing/20250101/{region}/monitoring/aws4_request, "
        "SignedHeaders=host;smithy-protocol, Signature=0"
    )


def raw_cbor(
    operation: str,
    body: Any = None,
    region: str = "us-east-1",
    data: bytes | None = None,
    protocol_header: bool = True,
    extra_headers: dict[str, str] | None = None,
) -> tuple[int, dict[str, str], bytes]:
    """An RPC v2 CBOR request as the Rust SDK sends it: ``body`` CBOR-encoded (None: no body) or ``data`` as is.
    Returns the status, the headers (lower-case names) and the raw body."""
    headers = {"Authorization": auth(region), "Accept": "application/cbor", "x-amzn-query-mode": "true"}
    if protocol_header:
        headers["smithy-protocol"] = "rpc-v2-cbor"
    headers.update(extra_headers or {})
    payload = data if data is not None else (None if body is None else cbor2.dumps(body))
    if payload is not None:
        headers["Content-Type"] = "application/cbor"
    req = urllib.request.Request(f"{harness.ENDPOINT}{SERVICE_PATH}{operation}", data=payload, headers=headers, method="POST")
    try:
        with urllib.request.urlopen(req, timeout=10) as resp:
            return resp.status, {k.lower(): v for k, v in resp.headers.items()}, resp.read()
    except urllib.error.HTTPError as e:
        return e.code, {k.lower(): v for k, v in e.headers.items()}, e.read()


def raw_query(params: dict[str, str], region: str = "us-east-1") -> tuple[int, str]:
    """A query-protocol request (``Action=...`` form body), as aws-sdk-cloudwatch 1.99 sends it."""
    data = urllib.parse.urlencode({"Version": "2010-08-01", **params}).encode()
    headers = {"Authorization": auth(region), "Content-Type": "application/x-www-form-urlencoded; charset=utf-8"}
    req = urllib.request.Request(f"{harness.ENDPOINT}/", data=data, headers=headers, method="POST")
    try:
        with urllib.request.urlopen(req, timeout=10) as resp:
            return resp.status, resp.read().decode()
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode()


def metric_alarm(name: str, **overrides: Any) -> dict[str, Any]:
    alarm: dict[str, Any] = {
        "AlarmName": name,
        "AlarmDescription": "5xx on the ALB",
        "Namespace": "AWS/ApplicationELB",
        "MetricName": "HTTPCode_ELB_5XX_Count",
        "Dimensions": [{"Name": "LoadBalancer", "Value": "app/web/123"}],
        "Statistic": "Sum",
        "Period": 300,
        "EvaluationPeriods": 3,
        "DatapointsToAlarm": 2,
        "Threshold": 10.5,
        "ComparisonOperator": "GreaterThanThreshold",
        "TreatMissingData": "notBreaching",
        "AlarmActions": ["arn:aws:sns:us-east-1:123456789012:alerts"],
        "OKActions": [],
        "InsufficientDataActions": [],
        "ActionsEnabled": True,
    }
    alarm.update(overrides)
    return alarm


def math_alarm(name: str) -> dict[str, Any]:
    return {
        "AlarmName": name,
        "EvaluationPeriods": 1,
        "Threshold": 1.0,
        "ComparisonOperator": "GreaterThanOrEqualToThreshold",
        "ThresholdMetricId": "e1",
        "Metrics": [
            {
                "Id": "m1",
                "MetricStat": {
                    "Metric": {
                        "Namespace": "AWS/Lambda",
                        "MetricName": "Errors",
                        "Dimensions": [{"Name": "FunctionName", "Value": "f"}],
                    },
                    "Period": 60,
                    "Stat": "Sum",
                },
                "ReturnData": False,
            },
            {"Id": "e1", "Expression": "m1 * 2", "Label": "doubled", "ReturnData": True},
        ],
    }


class CloudWatchCborTestCase(unittest.TestCase):
    cw: Any

    def setUp(self) -> None:
        reset_moto()
        self.cw = cbor_client()

    def assert_error(self, e: ClientError, code: str, status: int) -> None:
        self.assertEqual(e.response["Error"]["Code"], code)
        self.assertEqual(e.response["ResponseMetadata"]["HTTPStatusCode"], status)


class AlarmsTest(CloudWatchCborTestCase):
    def test_metric_alarm_round_trip(self) -> None:
        self.cw.put_metric_alarm(**metric_alarm("web-5xx"), Tags=[{"Key": "owner", "Value": "baseline"}])
        alarms = self.cw.describe_alarms(AlarmNamePrefix="web-")["MetricAlarms"]
        self.assertEqual(len(alarms), 1)
        a = alarms[0]
        expected = metric_alarm("web-5xx")
        for key in ("AlarmName", "AlarmDescription", "Namespace", "MetricName", "Dimensions", "Statistic", "Period",
                    "EvaluationPeriods", "DatapointsToAlarm", "Threshold", "ComparisonOperator", "TreatMissingData",
                    "AlarmActions", "OKActions", "InsufficientDataActions", "ActionsEnabled"):
            self.assertEqual(a[key], expected[key], key)
        self.assertEqual(a["AlarmArn"], f"arn:aws:cloudwatch:us-east-1:{ACCOUNT}:alarm:web-5xx")
        self.assertEqual(a["StateValue"], "OK")
        self.assertIsInstance(a["StateUpdatedTimestamp"], datetime)
        self.assertLess(abs(a["StateUpdatedTimestamp"] - datetime.now(timezone.utc)), timedelta(minutes=5))
        tags = self.cw.list_tags_for_resource(ResourceARN=a["AlarmArn"])["Tags"]
        self.assertEqual(tags, [{"Key": "owner", "Value": "baseline"}])

    def test_metric_math_alarm_round_trip(self) -> None:
        self.cw.put_metric_alarm(**math_alarm("lambda-errors"))
        a = self.cw.describe_alarms(AlarmNames=["lambda-errors"])["MetricAlarms"][0]
        self.assertEqual(a["ThresholdMetricId"], "e1")
        m1, e1 = a["Metrics"]
        self.assertEqual(m1["Id"], "m1")
        self.assertIs(m1["ReturnData"], False)
        self.assertEqual(m1["MetricStat"]["Metric"]["Dimensions"], [{"Name": "FunctionName", "Value": "f"}])
        self.assertEqual((m1["MetricStat"]["Period"], m1["MetricStat"]["Stat"]), (60, "Sum"))
        self.assertEqual((e1["Expression"], e1["Label"], e1["ReturnData"]), ("m1 * 2", "doubled", True))

    def test_describe_filters_and_delete(self) -> None:
        for name in ("app-a", "app-b", "other"):
            self.cw.put_metric_alarm(**metric_alarm(name))
        names = lambda out: sorted(a["AlarmName"] for a in out["MetricAlarms"])  # noqa: E731
        self.assertEqual(names(self.cw.describe_alarms(AlarmNamePrefix="app-")), ["app-a", "app-b"])
        self.assertEqual(names(self.cw.describe_alarms(AlarmNames=["other", "missing"])), ["other"])
        self.assertEqual(names(self.cw.describe_alarms()), ["app-a", "app-b", "other"])
        self.cw.set_alarm_state(AlarmName="app-a", StateValue="ALARM", StateReason="test")
        self.assertEqual(names(self.cw.describe_alarms(StateValue="ALARM")), ["app-a"])
        self.cw.delete_alarms(AlarmNames=["app-a", "app-b"])
        self.assertEqual(names(self.cw.describe_alarms()), ["other"])
        self.assertEqual(self.cw.describe_alarms()["CompositeAlarms"], [])

    def test_describe_pages_like_cloudwatch(self) -> None:
        # 8 alarms under the prefix, 1 outside; pages of 3 in name order. (Composite alarms share the page budget
        # in the extension; PutCompositeAlarm is cloudwatch_composite_ext.py's and tested in its own self-test.)
        for name in ("p.0", "p.1", "p.2", "p.3", "p.3a", "p.4", "p.5", "p.6"):
            self.cw.put_metric_alarm(**metric_alarm(name))
        self.cw.put_metric_alarm(**metric_alarm("q.0"))
        seen, pages, token = [], 0, None
        while True:
            kwargs = {"AlarmNamePrefix": "p.", "MaxRecords": 3, "AlarmTypes": ["MetricAlarm", "CompositeAlarm"]}
            if token:
                kwargs["NextToken"] = token
            out = self.cw.describe_alarms(**kwargs)
            pages += 1
            page = [a["AlarmName"] for a in out["MetricAlarms"] + out["CompositeAlarms"]]
            self.assertLessEqual(len(page), 3)
            seen += page
            token = out.get("NextToken")
            if not token:
                break
        self.assertEqual(pages, 3)
        self.assertEqual(sorted(seen), ["p.0", "p.1", "p.2", "p.3", "p.3a", "p.4", "p.5", "p.6"])
        self.assertEqual(len(seen), len(set(seen)))
        # Exactly one page when everything fits: no NextToken.
        self.assertNotIn("NextToken", self.cw.describe_alarms(AlarmNamePrefix="p.", MaxRecords=100))
        # Without MaxRecords every alarm comes back at once, as from moto.
        self.assertEqual(len(self.cw.describe_alarms()["MetricAlarms"]), 9)
        with self.assertRaises(ClientError) as ctx:
            self.cw.describe_alarms(NextToken="%%%not-a-token")
        self.assert_error(ctx.exception, "InvalidNextToken", 400)

    def test_tag_and_untag(self) -> None:
        self.cw.put_metric_alarm(**metric_alarm("tagged"))
        arn = self.cw.describe_alarms(AlarmNames=["tagged"])["MetricAlarms"][0]["AlarmArn"]
        self.cw.tag_resource(ResourceARN=arn, Tags=[{"Key": "a", "Value": "1"}, {"Key": "b", "Value": "2"}])
        self.cw.untag_resource(ResourceARN=arn, TagKeys=["a"])
        self.assertEqual(self.cw.list_tags_for_resource(ResourceARN=arn)["Tags"], [{"Key": "b", "Value": "2"}])

    def test_unknown_resource_for_tags(self) -> None:
        # moto: TagResource on an ARN that is no alarm (ListTagsForResource answers no tags instead).
        with self.assertRaises(ClientError) as ctx:
            self.cw.tag_resource(ResourceARN=f"arn:aws:cloudwatch:us-east-1:{ACCOUNT}:alarm:nope",
                                 Tags=[{"Key": "a", "Value": "1"}])
        self.assert_error(ctx.exception, "ResourceNotFoundException", 404)

    def test_state_is_per_region(self) -> None:
        self.cw.put_metric_alarm(**metric_alarm("us-only"))
        self.assertEqual(cbor_client("eu-west-1").describe_alarms()["MetricAlarms"], [])

    def test_invalid_parameter(self) -> None:
        alarm = metric_alarm("bad", ExtendedStatistic="x99")  # moto: must start with "p"
        del alarm["Statistic"]
        with self.assertRaises(ClientError) as ctx:
            self.cw.put_metric_alarm(**alarm)
        self.assert_error(ctx.exception, "InvalidParameterValue", 400)


class DashboardsTest(CloudWatchCborTestCase):
    def test_dashboard_round_trip(self) -> None:
        body = json.dumps({"widgets": [{"type": "text", "properties": {"markdown": "hi"}}]})
        out = self.cw.put_dashboard(DashboardName="ops-main", DashboardBody=body)
        self.assertEqual(out["DashboardValidationMessages"], [])
        self.cw.put_dashboard(DashboardName="ops-extra", DashboardBody="{}")
        self.cw.put_dashboard(DashboardName="team", DashboardBody="{}")
        got = self.cw.get_dashboard(DashboardName="ops-main")
        self.assertEqual((got["DashboardName"], got["DashboardBody"]), ("ops-main", body))
        self.assertEqual(got["DashboardArn"], f"arn:aws:cloudwatch::{ACCOUNT}:dashboard/ops-main")
        entries = self.cw.list_dashboards(DashboardNamePrefix="ops-")["DashboardEntries"]
        self.assertEqual(sorted(e["DashboardName"] for e in entries), ["ops-extra", "ops-main"])
        for e in entries:
            self.assertIsInstance(e["LastModified"], datetime)
            self.assertIsInstance(e["Size"], int)
        self.assertEqual(len(self.cw.list_dashboards()["DashboardEntries"]), 3)
        self.cw.delete_dashboards(DashboardNames=["ops-main", "ops-extra"])
        self.assertEqual([e["DashboardName"] for e in self.cw.list_dashboards()["DashboardEntries"]], ["team"])

    def test_dashboard_errors(self) -> None:
        with self.assertRaises(ClientError) as ctx:
            self.cw.get_dashboard(DashboardName="missing")
        self.assert_error(ctx.exception, "ResourceNotFound", 404)
        with self.assertRaises(ClientError) as ctx:
            self.cw.delete_dashboards(DashboardNames=["missing"])
        self.assert_error(ctx.exception, "ResourceNotFound", 404)
        with self.assertRaises(ClientError) as ctx:
            self.cw.put_dashboard(DashboardName="bad", DashboardBody="not json")
        self.assert_error(ctx.exception, "InvalidParameterInput", 400)


class MetricsTest(CloudWatchCborTestCase):
    def test_metric_data_timestamps(self) -> None:
        now = datetime.now(timezone.utc).replace(microsecond=0)
        self.cw.put_metric_data(
            Namespace="Custom",
            MetricData=[{"MetricName": "Hits", "Value": 3.0, "Timestamp": now - timedelta(minutes=1),
                         "Dimensions": [{"Name": "Env", "Value": "test"}]}],
        )
        metrics = self.cw.list_metrics(Namespace="Custom")["Metrics"]
        self.assertEqual(metrics, [{"Namespace": "Custom", "MetricName": "Hits",
                                    "Dimensions": [{"Name": "Env", "Value": "test"}]}])
        out = self.cw.get_metric_data(
            MetricDataQueries=[{"Id": "q", "MetricStat": {
                "Metric": {"Namespace": "Custom", "MetricName": "Hits", "Dimensions": [{"Name": "Env", "Value": "test"}]},
                "Period": 60, "Stat": "Sum"}}],
            StartTime=now - timedelta(minutes=10),
            EndTime=now + timedelta(minutes=1),
        )
        result = out["MetricDataResults"][0]
        self.assertEqual(result["Values"], [3.0])
        self.assertEqual(len(result["Timestamps"]), 1)
        self.assertLessEqual(abs(result["Timestamps"][0] - (now - timedelta(minutes=1))), timedelta(seconds=60))


class WireTest(CloudWatchCborTestCase):
    """The bytes on the wire, as the Rust SDK's generated (de)serializers read them."""

    def test_success_headers_and_types(self) -> None:
        status, headers, body = raw_cbor("PutMetricAlarm", metric_alarm("wire", Threshold=7.0, Period=60))
        # No output shape: empty body, no Content-Type, but the protocol header.
        self.assertEqual((status, body), (200, b""))
        self.assertEqual(headers.get("smithy-protocol"), "rpc-v2-cbor")
        self.assertNotEqual(headers.get("content-type"), "application/cbor")

        status, headers, body = raw_cbor("DescribeAlarms", {"AlarmNames": ["wire"]})
        self.assertEqual(status, 200)
        self.assertEqual(headers.get("smithy-protocol"), "rpc-v2-cbor")
        self.assertEqual(headers.get("content-type"), "application/cbor")
        doc = cbor2.loads(body)
        alarm = doc["MetricAlarms"][0]
        # Member names exactly as the model, no XML-ish wrappers, lists as arrays.
        self.assertIsInstance(alarm["Dimensions"], list)
        self.assertIsInstance(alarm["AlarmActions"], list)
        self.assertNotIn("member", alarm["AlarmActions"])
        # A double is a CBOR float even when integral (7.0), an integer a CBOR integer.
        self.assertIsInstance(alarm["Threshold"], float)
        self.assertEqual(alarm["Threshold"], 7.0)
        self.assertIn(cbor2.dumps(7.0), body)
        self.assertIs(type(alarm["Period"]), int)
        self.assertIs(alarm["ActionsEnabled"], True)
        # Timestamps: tag 1 (cbor2 decodes it to an aware datetime), epoch seconds as a 64-bit float.
        self.assertIsInstance(alarm["StateUpdatedTimestamp"], datetime)
        self.assertIsNotNone(alarm["StateUpdatedTimestamp"].tzinfo)
        self.assertIn(b"\xc1\xfb", body)  # tag 1 followed by a float64
        self.assertNotIn(b"\xc0", body.split(b"StateUpdatedTimestamp")[1][:2])  # not tag 0 (a date string)

    def test_empty_body_is_empty_input(self) -> None:
        raw_cbor("PutDashboard", {"DashboardName": "d", "DashboardBody": "{}"})
        status, headers, body = raw_cbor("ListDashboards")
        self.assertEqual(status, 200)
        self.assertEqual([e["DashboardName"] for e in cbor2.loads(body)["DashboardEntries"]], ["d"])
        # An indefinite-length map, as some encoders send, is the same input.
        status, _, body = raw_cbor("ListDashboards", data=b"\xbf\x73DashboardNamePrefix\x61x\xff")
        self.assertEqual((status, cbor2.loads(body)["DashboardEntries"]), (200, []))

    def test_timestamp_input_as_tag_1(self) -> None:
        ts = datetime(2025, 1, 2, 3, 4, 5, tzinfo=timezone.utc)
        datum = {"MetricName": "M", "Value": 1.0, "Timestamp": cbor2.CBORTag(1, ts.timestamp())}
        status, _, _ = raw_cbor("PutMetricData", {"Namespace": "N", "MetricData": [datum]})
        self.assertEqual(status, 200)
        status, _, body = raw_cbor("GetMetricData", {
            "MetricDataQueries": [{"Id": "q", "MetricStat": {
                "Metric": {"Namespace": "N", "MetricName": "M"}, "Period": 60, "Stat": "Sum"}}],
            "StartTime": cbor2.CBORTag(1, int((ts - timedelta(minutes=5)).timestamp())),  # integer seconds too
            "EndTime": cbor2.CBORTag(1, (ts + timedelta(minutes=5)).timestamp()),
        })
        self.assertEqual(status, 200, body)
        result = cbor2.loads(body)["MetricDataResults"][0]
        self.assertEqual(result["Values"], [1.0])
        self.assertEqual(result["Timestamps"][0].replace(second=0), ts.replace(second=0))

    def test_gzip_request_body(self) -> None:
        # PutMetricData has the requestCompression trait: the SDK gzips large bodies.
        data = gzip.compress(cbor2.dumps({"Namespace": "Z", "MetricData": [{"MetricName": "m", "Value": 1.0}]}))
        status, _, _ = raw_cbor("PutMetricData", data=data, extra_headers={"Content-Encoding": "gzip"})
        self.assertEqual(status, 200)
        _, _, body = raw_cbor("ListMetrics", {"Namespace": "Z"})
        self.assertEqual([m["MetricName"] for m in cbor2.loads(body)["Metrics"]], ["m"])

    def test_error_shape(self) -> None:
        status, headers, body = raw_cbor("GetDashboard", {"DashboardName": "missing"})
        self.assertEqual(status, 404)
        self.assertEqual(headers.get("smithy-protocol"), "rpc-v2-cbor")
        self.assertEqual(headers.get("content-type"), "application/cbor")
        self.assertEqual(headers.get("x-amzn-query-error"), "ResourceNotFound;Sender")
        doc = cbor2.loads(body)
        self.assertTrue(doc["__type"].startswith("com.amazonaws.cloudwatch#"), doc)
        self.assertIn(doc["__type"].split("#")[1], ("ResourceNotFound", "DashboardNotFoundError"))
        self.assertEqual(doc["message"], "Dashboard does not exist")
        self.assertNotIn("Message", doc)

        status, headers, body = raw_cbor("PutDashboard", {"DashboardName": "x", "DashboardBody": "{"})
        self.assertEqual(status, 400)
        self.assertEqual(headers.get("x-amzn-query-error"), "InvalidParameterInput;Sender")
        self.assertEqual(cbor2.loads(body)["__type"], "com.amazonaws.cloudwatch#DashboardInvalidInputError")

    def test_protocol_errors(self) -> None:
        status, _, body = raw_cbor("ListDashboards", {}, protocol_header=False)
        self.assertEqual(status, 400)
        self.assertEqual(cbor2.loads(body)["__type"], "com.amazonaws.cloudwatch#SerializationException")
        status, _, body = raw_cbor("ListDashboards", data=b"\xff\x00garbage")
        self.assertEqual(status, 400)
        self.assertEqual(cbor2.loads(body)["__type"], "com.amazonaws.cloudwatch#SerializationException")
        status, _, body = raw_cbor("ListDashboards", data=cbor2.dumps([1, 2]))
        self.assertEqual(status, 400)
        status, _, body = raw_cbor("NoSuchOperation", {})
        self.assertEqual(status, 404)
        self.assertEqual(cbor2.loads(body)["__type"], "com.amazonaws.cloudwatch#UnknownOperationException")


class OtherProtocolsTest(CloudWatchCborTestCase):
    def test_state_shared_with_query_and_json(self) -> None:
        self.cw.put_metric_alarm(**metric_alarm("shared"))
        # Query protocol (aws-sdk-cloudwatch 1.99 and older) still served by moto, same backend.
        status, xml = raw_query({"Action": "DescribeAlarms", "AlarmNames.member.1": "shared"})
        self.assertEqual(status, 200, xml)
        self.assertIn("<AlarmName>shared</AlarmName>", xml)
        status, xml = raw_query({"Action": "PutDashboard", "DashboardName": "q", "DashboardBody": "{}"})
        self.assertEqual(status, 200, xml)
        self.assertEqual(self.cw.get_dashboard(DashboardName="q")["DashboardBody"], "{}")
        status, xml = raw_query({"Action": "GetDashboard", "DashboardName": "missing"})
        self.assertEqual(status, 404, xml)
        self.assertIn("<Code>ResourceNotFound</Code>", xml)
        # boto3's default client (JSON protocol).
        json_client = harness.client("cloudwatch")
        self.assertEqual([a["AlarmName"] for a in json_client.describe_alarms()["MetricAlarms"]], ["shared"])


if __name__ == "__main__":
    unittest.main(verbosity=2)
