#!/usr/bin/env python3
"""Self-test of the Security Hub extension: starts ``server.py`` on a free loopback port and drives it with boto3.

Run with the venv's Python (no pytest needed):

    .venv/bin/python tests/moto_ext/test_securityhub_ext.py

Each test gets a fresh server state through moto's reset endpoint; the server is stopped by PID at the end.
The server harness (start, reset, stop, boto3 clients, raw requests) is in ``harness.py``.
"""

from __future__ import annotations

import re
import time
import unittest
import urllib.parse
from typing import Any

from botocore.exceptions import ClientError

import harness
from harness import reset_moto

client = harness.client_factory("securityhub")

ACCOUNT = "123456789012"
FSBP = "arn:aws:securityhub:us-east-1::standards/aws-foundational-security-best-practices/v/1.0.0"
CIS12 = "arn:aws:securityhub:::ruleset/cis-aws-foundations-benchmark/v/1.2.0"
CIS14 = "arn:aws:securityhub:us-east-1::standards/cis-aws-foundations-benchmark/v/1.4.0"
CIS30 = "arn:aws:securityhub:us-east-1::standards/cis-aws-foundations-benchmark/v/3.0.0"
CIS50 = "arn:aws:securityhub:us-east-1::standards/cis-aws-foundations-benchmark/v/5.0.0"
NIST = "arn:aws:securityhub:us-east-1::standards/nist-800-53/v/5.0.0"
PCI321 = "arn:aws:securityhub:us-east-1::standards/pci-dss/v/3.2.1"
PCI401 = "arn:aws:securityhub:us-east-1::standards/pci-dss/v/4.0.1"
TAGGING = "arn:aws:securityhub:us-east-1::standards/aws-resource-tagging-standard/v/1.0.0"
SUB = f"arn:aws:securityhub:us-east-1:{ACCOUNT}:subscription/"
FSBP_SUB = SUB + "aws-foundational-security-best-practices/v/1.0.0"
CIS12_SUB = SUB + "cis-aws-foundations-benchmark/v/1.2.0"
CIS14_SUB = SUB + "cis-aws-foundations-benchmark/v/1.4.0"
AGGREGATOR_ARN = re.compile(
    rf"^arn:aws:securityhub:(?P<region>[a-z0-9-]+):{ACCOUNT}:finding-aggregator/[0-9a-f-]{{36}}$"
)


def setUpModule() -> None:
    harness.setUp()


def tearDownModule() -> None:
    harness.tearDown()


def raw(method: str, path: str, body: Any = None, region: str = "us-east-1") -> tuple[int, dict[str, Any]]:
    """An unsigned-but-scoped REST-JSON request (moto routes by the SigV4 credential scope; no signature check)."""
    return harness.raw_request("securityhub", method, path, body, region)


class SecurityHubTestCase(unittest.TestCase):
    sh: Any

    def setUp(self) -> None:
        reset_moto()
        self.sh = client()

    def assertError(self, code: str, status: int, fn: Any, **kwargs: Any) -> ClientError:
        with self.assertRaises(ClientError) as ctx:
            fn(**kwargs)
        err = ctx.exception.response
        self.assertEqual(err["Error"]["Code"], code, err)
        self.assertEqual(err["ResponseMetadata"]["HTTPStatusCode"], status, err)
        return ctx.exception

    def enabled_arns(self, sh: Any = None) -> list[str]:
        subs = (sh or self.sh).get_enabled_standards()["StandardsSubscriptions"]
        return [s["StandardsArn"] for s in subs]

    def association(self, standards_arn: str, control_id: str, sh: Any = None) -> dict[str, Any]:
        out = (sh or self.sh).batch_get_standards_control_associations(
            StandardsControlAssociationIds=[{"SecurityControlId": control_id, "StandardsArn": standards_arn}]
        )
        self.assertEqual(out["UnprocessedAssociations"], [], out)
        self.assertEqual(len(out["StandardsControlAssociationDetails"]), 1, out)
        return dict(out["StandardsControlAssociationDetails"][0])


class HubTests(SecurityHubTestCase):
    def test_enable_defaults_and_describe(self) -> None:
        self.assertError("InvalidAccessException", 401, self.sh.describe_hub)
        self.sh.enable_security_hub(Tags={"team": "platform"})
        hub = self.sh.describe_hub()
        self.assertEqual(hub["HubArn"], f"arn:aws:securityhub:us-east-1:{ACCOUNT}:hub/default")
        self.assertTrue(hub["SubscribedAt"])
        self.assertIs(hub["AutoEnableControls"], True)
        self.assertEqual(hub["ControlFindingGenerator"], "SECURITY_CONTROL")
        # EnableDefaultStandards absent = true: FSBP and CIS v1.2.0
        self.assertEqual(self.enabled_arns(), [FSBP, CIS12])
        self.assertEqual(self.sh.describe_hub(HubArn=hub["HubArn"])["HubArn"], hub["HubArn"])
        self.assertError("ResourceNotFoundException", 404, self.sh.describe_hub,
                         HubArn=f"arn:aws:securityhub:us-east-1:{ACCOUNT}:hub/other")

    def test_enable_without_default_standards_and_generator(self) -> None:
        self.sh.enable_security_hub(EnableDefaultStandards=False, ControlFindingGenerator="STANDARD_CONTROL")
        self.assertEqual(self.enabled_arns(), [])
        self.assertEqual(self.sh.describe_hub()["ControlFindingGenerator"], "STANDARD_CONTROL")

    def test_enable_errors(self) -> None:
        self.assertError("InvalidInputException", 400, self.sh.enable_security_hub, ControlFindingGenerator="BOTH")
        self.assertError("InvalidAccessException", 401, self.sh.describe_hub)  # nothing stored
        self.sh.enable_security_hub(EnableDefaultStandards=False)
        self.assertError("ResourceConflictException", 409, self.sh.enable_security_hub)
        self.assertEqual(self.enabled_arns(), [])  # the conflict didn't enable the default standards

    def test_update_configuration(self) -> None:
        self.assertError("InvalidAccessException", 401, self.sh.update_security_hub_configuration,
                         AutoEnableControls=False)
        self.sh.enable_security_hub()
        self.sh.update_security_hub_configuration(AutoEnableControls=False)
        hub = self.sh.describe_hub()
        self.assertEqual((hub["AutoEnableControls"], hub["ControlFindingGenerator"]), (False, "SECURITY_CONTROL"))
        self.sh.update_security_hub_configuration(ControlFindingGenerator="STANDARD_CONTROL")
        hub = self.sh.describe_hub()
        self.assertEqual((hub["AutoEnableControls"], hub["ControlFindingGenerator"]), (False, "STANDARD_CONTROL"))
        self.sh.update_security_hub_configuration()  # nothing given, nothing changes
        self.assertIs(self.sh.describe_hub()["AutoEnableControls"], False)
        self.assertError("InvalidInputException", 400, self.sh.update_security_hub_configuration,
                         ControlFindingGenerator="NONE")

    def test_disable_drops_standards_and_settings(self) -> None:
        self.assertError("InvalidAccessException", 401, self.sh.disable_security_hub)
        self.sh.enable_security_hub()
        self.sh.batch_enable_standards(StandardsSubscriptionRequests=[{"StandardsArn": CIS14}])
        self.sh.batch_update_standards_control_associations(StandardsControlAssociationUpdates=[
            {"StandardsArn": FSBP, "SecurityControlId": "IAM.1", "AssociationStatus": "DISABLED",
             "UpdatedReason": "not used"}])
        self.sh.update_security_hub_configuration(AutoEnableControls=False, ControlFindingGenerator="STANDARD_CONTROL")
        self.sh.disable_security_hub()
        self.assertError("InvalidAccessException", 401, self.sh.describe_hub)
        self.assertError("InvalidAccessException", 401, self.sh.get_enabled_standards)
        self.sh.enable_security_hub()
        hub = self.sh.describe_hub()
        self.assertEqual((hub["AutoEnableControls"], hub["ControlFindingGenerator"]), (True, "SECURITY_CONTROL"))
        self.assertEqual(self.enabled_arns(), [FSBP, CIS12])  # CIS v1.4.0 is gone
        self.assertEqual(self.association(FSBP, "IAM.1")["AssociationStatus"], "ENABLED")

    def test_every_added_operation_needs_the_hub(self) -> None:
        calls: list[tuple[Any, dict[str, Any]]] = [
            (self.sh.describe_standards, {}),
            (self.sh.get_enabled_standards, {}),
            (self.sh.batch_enable_standards, {"StandardsSubscriptionRequests": [{"StandardsArn": FSBP}]}),
            (self.sh.batch_disable_standards, {"StandardsSubscriptionArns": [FSBP_SUB]}),
            (self.sh.batch_get_standards_control_associations,
             {"StandardsControlAssociationIds": [{"SecurityControlId": "IAM.1", "StandardsArn": FSBP}]}),
            (self.sh.batch_update_standards_control_associations,
             {"StandardsControlAssociationUpdates": [{"SecurityControlId": "IAM.1", "StandardsArn": FSBP,
                                                      "AssociationStatus": "ENABLED"}]}),
            (self.sh.list_standards_control_associations, {"SecurityControlId": "IAM.1"}),
            (self.sh.create_finding_aggregator, {"RegionLinkingMode": "ALL_REGIONS"}),
            (self.sh.list_finding_aggregators, {}),
            (self.sh.get_finding_aggregator,
             {"FindingAggregatorArn": f"arn:aws:securityhub:us-east-1:{ACCOUNT}:finding-aggregator/x"}),
            (self.sh.update_finding_aggregator,
             {"FindingAggregatorArn": f"arn:aws:securityhub:us-east-1:{ACCOUNT}:finding-aggregator/x",
              "RegionLinkingMode": "ALL_REGIONS"}),
            (self.sh.delete_finding_aggregator,
             {"FindingAggregatorArn": f"arn:aws:securityhub:us-east-1:{ACCOUNT}:finding-aggregator/x"}),
        ]
        for fn, kwargs in calls:
            with self.subTest(fn.__name__):
                self.assertError("InvalidAccessException", 401, fn, **kwargs)


class StandardsTests(SecurityHubTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.sh.enable_security_hub(EnableDefaultStandards=False)

    def test_describe_standards_catalogue(self) -> None:
        standards = self.sh.describe_standards()["Standards"]
        by_arn = {s["StandardsArn"]: s for s in standards}
        self.assertEqual(list(by_arn), [FSBP, CIS12, CIS14, CIS30, CIS50, NIST, PCI321, PCI401, TAGGING])
        self.assertEqual(by_arn[FSBP]["Name"], "AWS Foundational Security Best Practices v1.0.0")
        self.assertEqual(by_arn[CIS12]["Name"], "CIS AWS Foundations Benchmark v1.2.0")
        self.assertEqual(by_arn[NIST]["Name"], "NIST Special Publication 800-53 Revision 5")
        self.assertEqual({a for a, s in by_arn.items() if s["EnabledByDefault"]}, {FSBP, CIS12})
        for s in standards:
            self.assertTrue(s["Description"])
            self.assertEqual(s["StandardsManagedBy"], {"Company": "AWS", "Product": "AWS"})
        eu = client(region="eu-west-1")
        eu.enable_security_hub(EnableDefaultStandards=False)
        eu_arns = [s["StandardsArn"] for s in eu.describe_standards()["Standards"]]
        self.assertIn("arn:aws:securityhub:eu-west-1::standards/pci-dss/v/4.0.1", eu_arns)
        self.assertIn(CIS12, eu_arns)  # the CIS v1.2.0 ruleset ARN has no Region

    def test_describe_standards_pagination_and_providers(self) -> None:
        seen, token, pages = [], None, 0
        while True:
            kwargs: dict[str, Any] = {"MaxResults": 4}
            if token:
                kwargs["NextToken"] = token
            out = self.sh.describe_standards(**kwargs)
            seen += [s["StandardsArn"] for s in out["Standards"]]
            pages += 1
            token = out.get("NextToken")
            if not token:
                break
        self.assertEqual((pages, len(seen), len(set(seen))), (3, 9, 9))
        paginator = self.sh.get_paginator("describe_standards")
        self.assertEqual(sum(len(p["Standards"]) for p in paginator.paginate(PaginationConfig={"PageSize": 2})), 9)
        self.assertEqual(self.sh.describe_standards(Providers=["Azure"])["Standards"], [])
        self.assertEqual(len(self.sh.describe_standards(Providers=["AWS", "GCP"])["Standards"]), 9)
        self.assertError("InvalidInputException", 400, self.sh.describe_standards, NextToken="bogus")
        status, body = raw("GET", "/standards?MaxResults=101")
        self.assertEqual((status, body.get("__type")), (400, "InvalidInputException"), body)

    def test_batch_enable_and_get(self) -> None:
        out = self.sh.batch_enable_standards(StandardsSubscriptionRequests=[
            {"StandardsArn": CIS14}, {"StandardsArn": PCI401, "StandardsInput": {"key": "value"}}])
        subs = out["StandardsSubscriptions"]
        self.assertEqual([s["StandardsSubscriptionArn"] for s in subs], [CIS14_SUB, SUB + "pci-dss/v/4.0.1"])
        self.assertEqual({s["StandardsStatus"] for s in subs}, {"READY"})
        self.assertEqual({s["StandardsControlsUpdatable"] for s in subs}, {"READY_FOR_UPDATES"})
        self.assertEqual(subs[1]["StandardsInput"], {"key": "value"})
        self.assertEqual(self.enabled_arns(), [CIS14, PCI401])
        # enabling an enabled standard changes nothing
        again = self.sh.batch_enable_standards(StandardsSubscriptionRequests=[{"StandardsArn": PCI401}])
        self.assertEqual(again["StandardsSubscriptions"][0]["StandardsInput"], {"key": "value"})
        self.assertEqual(self.enabled_arns(), [CIS14, PCI401])
        # CIS v1.2.0 subscription ARN carries the Region and account even though its standards ARN doesn't
        sub = self.sh.batch_enable_standards(StandardsSubscriptionRequests=[{"StandardsArn": CIS12}])
        self.assertEqual(sub["StandardsSubscriptions"][0]["StandardsSubscriptionArn"], CIS12_SUB)
        only = self.sh.get_enabled_standards(StandardsSubscriptionArns=[CIS12_SUB, SUB + "nope/v/1"])
        self.assertEqual([s["StandardsArn"] for s in only["StandardsSubscriptions"]], [CIS12])

    def test_batch_enable_errors(self) -> None:
        for arn in (
            "arn:aws:securityhub:us-east-1::standards/unknown/v/1.0.0",
            "arn:aws:securityhub:eu-west-1::standards/pci-dss/v/4.0.1",  # another Region's standard
            "arn:aws:securityhub:us-east-1::standards/cis-aws-foundations-benchmark/v/1.2.0",  # v1.2.0 is a ruleset
        ):
            with self.subTest(arn):
                self.assertError("InvalidInputException", 400, self.sh.batch_enable_standards,
                                 StandardsSubscriptionRequests=[{"StandardsArn": CIS14}, {"StandardsArn": arn}])
        self.assertEqual(self.enabled_arns(), [])  # all or nothing
        too_many = [{"StandardsArn": CIS14}] * 26
        self.assertError("InvalidInputException", 400, self.sh.batch_enable_standards,
                         StandardsSubscriptionRequests=too_many)

    def test_get_enabled_pagination(self) -> None:
        self.sh.batch_enable_standards(StandardsSubscriptionRequests=[
            {"StandardsArn": a} for a in (FSBP, CIS12, CIS14, CIS30, NIST)])
        first = self.sh.get_enabled_standards(MaxResults=2)
        self.assertEqual([s["StandardsArn"] for s in first["StandardsSubscriptions"]], [FSBP, CIS12])
        second = self.sh.get_enabled_standards(MaxResults=2, NextToken=first["NextToken"])
        self.assertEqual([s["StandardsArn"] for s in second["StandardsSubscriptions"]], [CIS14, CIS30])
        third = self.sh.get_enabled_standards(MaxResults=2, NextToken=second["NextToken"])
        self.assertEqual([s["StandardsArn"] for s in third["StandardsSubscriptions"]], [NIST])
        self.assertNotIn("NextToken", third)
        paginator = self.sh.get_paginator("get_enabled_standards")
        pages = list(paginator.paginate(PaginationConfig={"PageSize": 1}))
        self.assertEqual(sum(len(p["StandardsSubscriptions"]) for p in pages), 5)
        self.assertEqual(self.sh.get_enabled_standards(Providers=["Azure"])["StandardsSubscriptions"], [])
        self.assertError("InvalidInputException", 400, self.sh.get_enabled_standards, NextToken="99")
        status, body = raw("POST", "/standards/get", {"MaxResults": 0})
        self.assertEqual((status, body.get("__type")), (400, "InvalidInputException"), body)
        status, body = raw("POST", "/standards/get", {"StandardsSubscriptionArns": [FSBP_SUB] * 26})
        self.assertEqual((status, body.get("__type")), (400, "InvalidInputException"), body)

    def test_batch_disable(self) -> None:
        self.sh.batch_enable_standards(StandardsSubscriptionRequests=[{"StandardsArn": a} for a in (FSBP, CIS14)])
        out = self.sh.batch_disable_standards(StandardsSubscriptionArns=[CIS14_SUB])
        self.assertEqual(out["StandardsSubscriptions"][0]["StandardsArn"], CIS14)
        self.assertEqual(out["StandardsSubscriptions"][0]["StandardsStatus"], "DELETING")
        self.assertEqual(self.enabled_arns(), [FSBP])
        self.assertEqual(self.sh.get_enabled_standards(StandardsSubscriptionArns=[CIS14_SUB])[
            "StandardsSubscriptions"], [])
        # an unknown (or already disabled) subscription fails the whole request
        self.assertError("InvalidInputException", 400, self.sh.batch_disable_standards,
                         StandardsSubscriptionArns=[FSBP_SUB, CIS14_SUB])
        self.assertEqual(self.enabled_arns(), [FSBP])
        status, body = raw("POST", "/standards/deregister", {"StandardsSubscriptionArns": [FSBP_SUB] * 26})
        self.assertEqual((status, body.get("__type")), (400, "InvalidInputException"), body)
        self.sh.batch_disable_standards(StandardsSubscriptionArns=[FSBP_SUB])
        self.assertEqual(self.enabled_arns(), [])


class ControlAssociationTests(SecurityHubTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.sh.enable_security_hub()  # FSBP + CIS v1.2.0
        self.sh.batch_enable_standards(StandardsSubscriptionRequests=[{"StandardsArn": CIS14}])

    def test_required_controls_in_their_standards(self) -> None:
        self.sh.batch_enable_standards(StandardsSubscriptionRequests=[{"StandardsArn": CIS30}])
        fsbp = ["IAM.1", "IAM.3", "IAM.4", "IAM.6", "CloudTrail.1", "CloudTrail.2", "CloudTrail.4", "Config.1",
                "EC2.2", "EC2.6", "EC2.7", "GuardDuty.1", "S3.1", "S3.8"]
        cis14 = ["IAM.1", "IAM.3", "IAM.4", "IAM.6", "IAM.9", "CloudTrail.1", "CloudTrail.2", "CloudTrail.4",
                 "Config.1", "EC2.2", "EC2.6", "EC2.7", "S3.1", "S3.8", "KMS.4"]
        cis30 = ["IAM.3", "IAM.4", "IAM.6", "IAM.9", "CloudTrail.1", "CloudTrail.2", "CloudTrail.4", "Config.1",
                 "EC2.2", "EC2.6", "EC2.7", "S3.1", "S3.8", "KMS.4"]
        ids = [{"StandardsArn": arn, "SecurityControlId": c}
               for arn, controls in ((FSBP, fsbp), (CIS14, cis14), (CIS30, cis30)) for c in controls]
        out = self.sh.batch_get_standards_control_associations(StandardsControlAssociationIds=ids)
        self.assertEqual(out["UnprocessedAssociations"], [])
        self.assertEqual(len(out["StandardsControlAssociationDetails"]), len(ids))
        # per the user guide FSBP has no IAM.9 and no KMS.4, CIS v3.0.0 no IAM.1, CIS v1.4.0 no GuardDuty.1
        missing = [{"StandardsArn": FSBP, "SecurityControlId": "IAM.9"},
                   {"StandardsArn": FSBP, "SecurityControlId": "KMS.4"},
                   {"StandardsArn": CIS30, "SecurityControlId": "IAM.1"},
                   {"StandardsArn": CIS14, "SecurityControlId": "GuardDuty.1"}]
        out = self.sh.batch_get_standards_control_associations(StandardsControlAssociationIds=missing)
        self.assertEqual(out["StandardsControlAssociationDetails"], [])
        self.assertEqual([u["ErrorCode"] for u in out["UnprocessedAssociations"]], ["RESOURCE_NOT_FOUND"] * 4)

    def test_batch_get_default_detail(self) -> None:
        detail = self.association(CIS12, "IAM.1")
        self.assertEqual(detail["SecurityControlArn"],
                         f"arn:aws:securityhub:us-east-1:{ACCOUNT}:security-control/IAM.1")
        self.assertEqual(detail["AssociationStatus"], "ENABLED")
        self.assertEqual(detail["RelatedRequirements"], ["CIS AWS Foundations Benchmark v1.2.0/1.22"])
        self.assertEqual(detail["StandardsControlArns"],
                         [f"arn:aws:securityhub:us-east-1:{ACCOUNT}:control/"
                          "cis-aws-foundations-benchmark/v/1.2.0/1.22"])
        self.assertIn("administrative privileges", detail["StandardsControlTitle"])
        self.assertIn("UpdatedAt", detail)
        self.assertNotIn("UpdatedReason", detail)
        fsbp = self.association(FSBP, "S3.1")
        self.assertEqual(fsbp["StandardsControlArns"], [
            f"arn:aws:securityhub:us-east-1:{ACCOUNT}:control/aws-foundational-security-best-practices/v/1.0.0/S3.1"])
        # a control can be named by its SecurityControlArn
        by_arn = self.association(FSBP, f"arn:aws:securityhub:us-east-1:{ACCOUNT}:security-control/S3.1")
        self.assertEqual(by_arn["SecurityControlId"], "S3.1")

    def test_batch_get_unprocessed(self) -> None:
        ids = [
            {"StandardsArn": NIST, "SecurityControlId": "IAM.1"},  # standard not enabled here
            {"StandardsArn": FSBP, "SecurityControlId": "IAM.9"},  # control not in the standard
            {"StandardsArn": "arn:aws:securityhub:us-east-1::standards/unknown/v/1", "SecurityControlId": "IAM.1"},
            {"StandardsArn": FSBP, "SecurityControlId": "IAM.4"},
        ]
        out = self.sh.batch_get_standards_control_associations(StandardsControlAssociationIds=ids)
        self.assertEqual([d["SecurityControlId"] for d in out["StandardsControlAssociationDetails"]], ["IAM.4"])
        unprocessed = out["UnprocessedAssociations"]
        self.assertEqual([u["StandardsControlAssociationId"] for u in unprocessed], ids[:3])
        self.assertEqual({u["ErrorCode"] for u in unprocessed}, {"RESOURCE_NOT_FOUND"})
        self.assertIn("not enabled", unprocessed[0]["ErrorReason"])
        self.assertIn("not part of", unprocessed[1]["ErrorReason"])
        # the standard is enabled in us-east-1 only
        eu = client(region="eu-west-1")
        eu.enable_security_hub(EnableDefaultStandards=False)
        out = eu.batch_get_standards_control_associations(StandardsControlAssociationIds=[
            {"StandardsArn": "arn:aws:securityhub:eu-west-1::standards/aws-foundational-security-best-practices"
                             "/v/1.0.0", "SecurityControlId": "IAM.4"}])
        self.assertEqual(out["UnprocessedAssociations"][0]["ErrorCode"], "RESOURCE_NOT_FOUND")

    def test_batch_update(self) -> None:
        out = self.sh.batch_update_standards_control_associations(StandardsControlAssociationUpdates=[
            {"StandardsArn": CIS14, "SecurityControlId": "IAM.9", "AssociationStatus": "DISABLED",
             "UpdatedReason": "root has no password"},
            {"StandardsArn": FSBP, "SecurityControlId": "IAM.9", "AssociationStatus": "DISABLED",
             "UpdatedReason": "x"},  # not in FSBP
            {"StandardsArn": NIST, "SecurityControlId": "IAM.9", "AssociationStatus": "DISABLED",
             "UpdatedReason": "x"},  # NIST not enabled
            {"StandardsArn": CIS12, "SecurityControlId": "IAM.9", "AssociationStatus": "DISABLED"},  # no reason
            {"StandardsArn": CIS12, "SecurityControlId": "IAM.6", "AssociationStatus": "PAUSED"},
        ])
        codes = [(u["StandardsControlAssociationUpdate"]["StandardsArn"], u["ErrorCode"])
                 for u in out["UnprocessedAssociationUpdates"]]
        self.assertEqual(codes, [(FSBP, "RESOURCE_NOT_FOUND"), (NIST, "RESOURCE_NOT_FOUND"),
                                 (CIS12, "INVALID_INPUT"), (CIS12, "INVALID_INPUT")])
        detail = self.association(CIS14, "IAM.9")
        self.assertEqual((detail["AssociationStatus"], detail["UpdatedReason"]), ("DISABLED", "root has no password"))
        disabled_at = detail["UpdatedAt"]
        self.assertEqual(self.association(CIS12, "IAM.9")["AssociationStatus"], "ENABLED")  # other standard
        self.assertEqual(self.association(CIS12, "IAM.6")["AssociationStatus"], "ENABLED")
        time.sleep(0.01)
        out = self.sh.batch_update_standards_control_associations(StandardsControlAssociationUpdates=[
            {"StandardsArn": CIS14, "SecurityControlId": "IAM.9", "AssociationStatus": "ENABLED"}])
        self.assertEqual(out["UnprocessedAssociationUpdates"], [])
        detail = self.association(CIS14, "IAM.9")
        self.assertEqual(detail["AssociationStatus"], "ENABLED")
        self.assertNotIn("UpdatedReason", detail)
        self.assertGreater(detail["UpdatedAt"], disabled_at)

    def test_disabling_a_standard_forgets_its_controls(self) -> None:
        self.sh.batch_update_standards_control_associations(StandardsControlAssociationUpdates=[
            {"StandardsArn": CIS14, "SecurityControlId": "KMS.4", "AssociationStatus": "DISABLED",
             "UpdatedReason": "no CMKs"}])
        self.sh.batch_disable_standards(StandardsSubscriptionArns=[CIS14_SUB])
        self.sh.batch_enable_standards(StandardsSubscriptionRequests=[{"StandardsArn": CIS14}])
        self.assertEqual(self.association(CIS14, "KMS.4")["AssociationStatus"], "ENABLED")

    def test_list_by_control(self) -> None:
        self.sh.batch_update_standards_control_associations(StandardsControlAssociationUpdates=[
            {"StandardsArn": CIS12, "SecurityControlId": "IAM.4", "AssociationStatus": "DISABLED",
             "UpdatedReason": "break-glass"}])
        summaries = self.sh.list_standards_control_associations(SecurityControlId="IAM.4")[
            "StandardsControlAssociationSummaries"]
        self.assertEqual([s["StandardsArn"] for s in summaries], [FSBP, CIS12, CIS14])
        self.assertEqual([s["AssociationStatus"] for s in summaries], ["ENABLED", "DISABLED", "ENABLED"])
        self.assertEqual(summaries[1]["UpdatedReason"], "break-glass")
        self.assertNotIn("StandardsControlArns", summaries[0])
        page = self.sh.list_standards_control_associations(SecurityControlId="IAM.4", MaxResults=2)
        self.assertEqual(len(page["StandardsControlAssociationSummaries"]), 2)
        rest = self.sh.list_standards_control_associations(SecurityControlId="IAM.4", NextToken=page["NextToken"])
        self.assertEqual([s["StandardsArn"] for s in rest["StandardsControlAssociationSummaries"]], [CIS14])
        self.assertNotIn("NextToken", rest)
        # only enabled standards that contain the control
        self.assertEqual([s["StandardsArn"] for s in self.sh.list_standards_control_associations(
            SecurityControlId="GuardDuty.1")["StandardsControlAssociationSummaries"]], [FSBP])
        self.assertEqual(self.sh.list_standards_control_associations(SecurityControlId="Nope.1")[
            "StandardsControlAssociationSummaries"], [])
        self.assertError("InvalidInputException", 400, self.sh.list_standards_control_associations,
                         SecurityControlId="IAM.4", NextToken="x")
        status, body = raw("GET", "/associations?SecurityControlId=IAM.4&MaxResults=500")
        self.assertEqual((status, body.get("__type")), (400, "InvalidInputException"), body)


class FindingAggregatorTests(SecurityHubTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.sh.enable_security_hub(EnableDefaultStandards=False)
        self.eu = client(region="eu-west-1")
        self.eu.enable_security_hub(EnableDefaultStandards=False)

    def test_lifecycle(self) -> None:
        created = self.sh.create_finding_aggregator(RegionLinkingMode="SPECIFIED_REGIONS",
                                                    Regions=["eu-west-1", "us-west-2"])
        arn = created["FindingAggregatorArn"]
        match = AGGREGATOR_ARN.match(arn)
        self.assertIsNotNone(match, arn)
        self.assertEqual(match.group("region"), "us-east-1")  # type: ignore[union-attr]
        self.assertEqual(created["FindingAggregationRegion"], "us-east-1")
        self.assertEqual((created["RegionLinkingMode"], created["Regions"]),
                         ("SPECIFIED_REGIONS", ["eu-west-1", "us-west-2"]))
        got = self.sh.get_finding_aggregator(FindingAggregatorArn=arn)
        self.assertEqual({k: v for k, v in got.items() if k != "ResponseMetadata"},
                         {k: v for k, v in created.items() if k != "ResponseMetadata"})
        updated = self.sh.update_finding_aggregator(FindingAggregatorArn=arn,
                                                    RegionLinkingMode="ALL_REGIONS_EXCEPT_SPECIFIED",
                                                    Regions=["ap-south-1"])
        self.assertEqual((updated["RegionLinkingMode"], updated["Regions"]),
                         ("ALL_REGIONS_EXCEPT_SPECIFIED", ["ap-south-1"]))
        updated = self.sh.update_finding_aggregator(FindingAggregatorArn=arn, RegionLinkingMode="NO_REGIONS")
        self.assertEqual(updated["RegionLinkingMode"], "NO_REGIONS")
        self.assertNotIn("Regions", updated)
        self.assertEqual(self.sh.get_finding_aggregator(FindingAggregatorArn=arn)["RegionLinkingMode"], "NO_REGIONS")
        self.assertEqual(self.sh.list_finding_aggregators()["FindingAggregators"], [{"FindingAggregatorArn": arn}])
        self.sh.delete_finding_aggregator(FindingAggregatorArn=arn)
        self.assertEqual(self.sh.list_finding_aggregators()["FindingAggregators"], [])
        self.assertError("ResourceNotFoundException", 404, self.sh.get_finding_aggregator, FindingAggregatorArn=arn)
        self.assertError("ResourceNotFoundException", 404, self.sh.delete_finding_aggregator,
                         FindingAggregatorArn=arn)
        self.assertError("ResourceNotFoundException", 404, self.sh.update_finding_aggregator,
                         FindingAggregatorArn=arn, RegionLinkingMode="ALL_REGIONS")
        # a new one can be created after the delete, in another Region
        again = self.eu.create_finding_aggregator(RegionLinkingMode="ALL_REGIONS")
        self.assertEqual(again["FindingAggregationRegion"], "eu-west-1")
        self.assertNotEqual(again["FindingAggregatorArn"], arn)

    def test_linking_mode_validation(self) -> None:
        bad = [
            {"RegionLinkingMode": "SOME_REGIONS"},
            {"RegionLinkingMode": "SPECIFIED_REGIONS"},
            {"RegionLinkingMode": "SPECIFIED_REGIONS", "Regions": []},
            {"RegionLinkingMode": "ALL_REGIONS_EXCEPT_SPECIFIED"},
            {"RegionLinkingMode": "ALL_REGIONS", "Regions": ["eu-west-1"]},
            {"RegionLinkingMode": "NO_REGIONS", "Regions": ["eu-west-1"]},
            {"RegionLinkingMode": "SPECIFIED_REGIONS", "Regions": ["Europe"]},
        ]
        for kwargs in bad:
            with self.subTest(kwargs):
                self.assertError("InvalidInputException", 400, self.sh.create_finding_aggregator, **kwargs)
        self.assertEqual(self.sh.list_finding_aggregators()["FindingAggregators"], [])
        arn = self.sh.create_finding_aggregator(RegionLinkingMode="NO_REGIONS")["FindingAggregatorArn"]
        for kwargs in bad:
            with self.subTest(update=kwargs):
                self.assertError("InvalidInputException", 400, self.sh.update_finding_aggregator,
                                 FindingAggregatorArn=arn, **kwargs)
        self.assertEqual(self.sh.get_finding_aggregator(FindingAggregatorArn=arn)["RegionLinkingMode"], "NO_REGIONS")

    def test_one_per_account_and_home_region(self) -> None:
        arn = self.sh.create_finding_aggregator(RegionLinkingMode="ALL_REGIONS")["FindingAggregatorArn"]
        self.assertError("InvalidInputException", 400, self.sh.create_finding_aggregator,
                         RegionLinkingMode="ALL_REGIONS")
        self.assertError("InvalidInputException", 400, self.eu.create_finding_aggregator,
                         RegionLinkingMode="ALL_REGIONS")
        # visible and readable from every Region of the account
        self.assertEqual(self.eu.list_finding_aggregators()["FindingAggregators"], [{"FindingAggregatorArn": arn}])
        self.assertEqual(self.eu.get_finding_aggregator(FindingAggregatorArn=arn)["FindingAggregationRegion"],
                         "us-east-1")
        # changed and deleted from the home Region only
        self.assertError("InvalidInputException", 400, self.eu.update_finding_aggregator,
                         FindingAggregatorArn=arn, RegionLinkingMode="NO_REGIONS")
        self.assertError("InvalidInputException", 400, self.eu.delete_finding_aggregator, FindingAggregatorArn=arn)
        self.assertEqual(self.sh.get_finding_aggregator(FindingAggregatorArn=arn)["RegionLinkingMode"],
                         "ALL_REGIONS")
        # a Region without Security Hub can't see it
        west = client(region="us-west-2")
        self.assertError("InvalidAccessException", 401, west.list_finding_aggregators)

    def test_disable_security_hub_keeps_the_aggregator(self) -> None:
        arn = self.sh.create_finding_aggregator(RegionLinkingMode="ALL_REGIONS")["FindingAggregatorArn"]
        self.sh.disable_security_hub()
        self.assertError("InvalidAccessException", 401, self.sh.get_finding_aggregator, FindingAggregatorArn=arn)
        self.assertEqual(self.eu.list_finding_aggregators()["FindingAggregators"], [{"FindingAggregatorArn": arn}])
        self.sh.enable_security_hub()
        self.sh.delete_finding_aggregator(FindingAggregatorArn=arn)
        self.assertEqual(self.eu.list_finding_aggregators()["FindingAggregators"], [])

    def test_list_pagination(self) -> None:
        arn = self.sh.create_finding_aggregator(RegionLinkingMode="ALL_REGIONS")["FindingAggregatorArn"]
        out = self.sh.list_finding_aggregators(MaxResults=1)
        self.assertEqual(out["FindingAggregators"], [{"FindingAggregatorArn": arn}])
        self.assertNotIn("NextToken", out)
        paginator = self.sh.get_paginator("list_finding_aggregators")
        self.assertEqual([a for p in paginator.paginate() for a in p["FindingAggregators"]],
                         [{"FindingAggregatorArn": arn}])
        self.assertError("InvalidInputException", 400, self.sh.list_finding_aggregators, NextToken="5")
        status, body = raw("GET", "/findingAggregator/list?MaxResults=101")
        self.assertEqual((status, body.get("__type")), (400, "InvalidInputException"), body)

    def test_arn_routing_in_path(self) -> None:
        arn = self.sh.create_finding_aggregator(RegionLinkingMode="ALL_REGIONS")["FindingAggregatorArn"]
        # as boto3 sends it (greedy label: slashes kept, colons percent-encoded) and completely unencoded
        for path in (urllib.parse.quote(arn, safe="/"), arn, urllib.parse.quote(arn, safe="")):
            with self.subTest(path):
                status, body = raw("GET", f"/findingAggregator/get/{path}")
                self.assertEqual((status, body.get("FindingAggregatorArn")), (200, arn), body)
        status, body = raw("GET", f"/findingAggregator/get/{arn}-other")
        self.assertEqual((status, body.get("__type")), (404, "ResourceNotFoundException"), body)
        status, body = raw("DELETE", f"/findingAggregator/delete/{arn}")
        self.assertEqual(status, 200, body)
        self.assertEqual(self.sh.list_finding_aggregators()["FindingAggregators"], [])


class WireAndScopingTests(SecurityHubTestCase):
    def test_error_shape(self) -> None:
        status, body = raw("GET", "/accounts")
        self.assertEqual((status, body["__type"]), (401, "InvalidAccessException"), body)
        self.assertIn(ACCOUNT, body["Message"])
        self.sh.enable_security_hub()
        status, body = raw("POST", "/accounts", {})
        self.assertEqual((status, body["__type"]), (409, "ResourceConflictException"), body)
        status, body = raw("POST", "/standards/register", {"StandardsSubscriptionRequests": [{"StandardsArn": "x"}]})
        self.assertEqual((status, body["__type"]), (400, "InvalidInputException"), body)

    def test_moto_operations_still_work(self) -> None:
        self.sh.enable_security_hub()
        finding = {
            "SchemaVersion": "2018-10-08", "Id": "f-1", "ProductArn": "arn:aws:securityhub:us-east-1::product/x/y",
            "GeneratorId": "g", "AwsAccountId": ACCOUNT, "Types": ["Software and Configuration Checks"],
            "CreatedAt": "2025-01-01T00:00:00Z", "UpdatedAt": "2025-01-01T00:00:00Z",
            "Severity": {"Label": "LOW"}, "Title": "t", "Description": "d",
            "Resources": [{"Type": "Other", "Id": "r"}],
        }
        self.assertEqual(self.sh.batch_import_findings(Findings=[finding])["SuccessCount"], 1)
        self.assertEqual([f["Id"] for f in self.sh.get_findings()["Findings"]], ["f-1"])

    def test_region_scoping(self) -> None:
        self.sh.enable_security_hub()
        self.sh.update_security_hub_configuration(AutoEnableControls=False)
        eu = client(region="eu-west-1")
        self.assertError("InvalidAccessException", 401, eu.describe_hub)
        eu.enable_security_hub(EnableDefaultStandards=False)
        self.assertIs(eu.describe_hub()["AutoEnableControls"], True)
        self.assertEqual(self.enabled_arns(eu), [])
        eu.batch_enable_standards(StandardsSubscriptionRequests=[
            {"StandardsArn": "arn:aws:securityhub:eu-west-1::standards/nist-800-53/v/5.0.0"}])
        self.assertEqual(eu.get_enabled_standards()["StandardsSubscriptions"][0]["StandardsSubscriptionArn"],
                         f"arn:aws:securityhub:eu-west-1:{ACCOUNT}:subscription/nist-800-53/v/5.0.0")
        self.assertEqual(self.enabled_arns(), [FSBP, CIS12])
        self.assertError("InvalidInputException", 400, eu.batch_disable_standards, StandardsSubscriptionArns=[FSBP_SUB])

    def test_account_scoping(self) -> None:
        self.sh.enable_security_hub()
        self.sh.create_finding_aggregator(RegionLinkingMode="ALL_REGIONS")
        creds = client("sts").assume_role(RoleArn="arn:aws:iam::111111111111:role/operator",
                                          RoleSessionName="self-test")["Credentials"]
        other = client(aws_access_key_id=creds["AccessKeyId"], aws_secret_access_key=creds["SecretAccessKey"],
                       aws_session_token=creds["SessionToken"])
        self.assertError("InvalidAccessException", 401, other.describe_hub)
        other.enable_security_hub(EnableDefaultStandards=False)
        self.assertEqual(other.describe_hub()["HubArn"], "arn:aws:securityhub:us-east-1:111111111111:hub/default")
        self.assertEqual(self.enabled_arns(other), [])
        self.assertEqual(other.list_finding_aggregators()["FindingAggregators"], [])
        own = other.create_finding_aggregator(RegionLinkingMode="NO_REGIONS")["FindingAggregatorArn"]
        self.assertTrue(own.startswith("arn:aws:securityhub:us-east-1:111111111111:finding-aggregator/"), own)
        self.assertError("ResourceNotFoundException", 404, self.sh.get_finding_aggregator, FindingAggregatorArn=own)

    def test_partition(self) -> None:
        gov = client(region="us-gov-west-1")
        gov.enable_security_hub()
        self.assertEqual(gov.describe_hub()["HubArn"],
                         f"arn:aws-us-gov:securityhub:us-gov-west-1:{ACCOUNT}:hub/default")
        self.assertEqual(self.enabled_arns(gov), [
            "arn:aws-us-gov:securityhub:us-gov-west-1::standards/aws-foundational-security-best-practices/v/1.0.0",
            "arn:aws-us-gov:securityhub:::ruleset/cis-aws-foundations-benchmark/v/1.2.0"])
        arn = gov.create_finding_aggregator(RegionLinkingMode="ALL_REGIONS")["FindingAggregatorArn"]
        self.assertTrue(arn.startswith(f"arn:aws-us-gov:securityhub:us-gov-west-1:{ACCOUNT}:finding-aggregator/"))
        # the aws partition's hub has its own (none)
        self.sh.enable_security_hub()
        self.assertEqual(self.sh.list_finding_aggregators()["FindingAggregators"], [])

    def test_reset_clears_everything(self) -> None:
        self.sh.enable_security_hub()
        self.sh.create_finding_aggregator(RegionLinkingMode="ALL_REGIONS")
        reset_moto()
        self.assertError("InvalidAccessException", 401, self.sh.describe_hub)
        self.sh.enable_security_hub(EnableDefaultStandards=False)
        self.assertEqual(self.enabled_arns(), [])
        self.assertEqual(self.sh.list_finding_aggregators()["FindingAggregators"], [])


if __name__ == "__main__":
    unittest.main(verbosity=2)
