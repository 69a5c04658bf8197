#!/usr/bin/env python3
"""Self-test of the SSM compliance extension (``ssm_patch_compliance_ext.py``): PutComplianceItems, the compliance
reads, and the patch states and patches derived from ``Patch`` items, driven with boto3 against ``server.py``.

    .venv/bin/python tests/moto_ext/test_ssm_patch_compliance_ext.py
"""

from __future__ import annotations

import unittest

from botocore.exceptions import ClientError

import harness
from harness import reset_moto

client = harness.client_factory("ssm")


def setUpModule() -> None:
    harness.setUp()


def tearDownModule() -> None:
    harness.tearDown()


def patch(kb: str, severity: str, state: str, **details: str) -> dict:
    status = "NON_COMPLIANT" if state in ("Missing", "Failed") else "COMPLIANT"
    return {"Id": kb, "Title": f"{kb} title", "Severity": severity, "Status": status,
            "Details": {"PatchState": state, "Classification": "SecurityUpdates", **details}}


class ComplianceTest(unittest.TestCase):
    def setUp(self) -> None:
        reset_moto()
        self.ssm = client()

    def put(self, instance: str, items: list, ctype: str = "Patch", upload: str = "COMPLETE") -> None:
        self.ssm.put_compliance_items(ResourceId=instance, ResourceType="ManagedInstance", ComplianceType=ctype,
                                      ExecutionSummary={"ExecutionTime": 1_795_000_000, "ExecutionType": "Command"},
                                      Items=items, UploadType=upload)

    def test_nothing_reported_is_empty(self) -> None:
        self.assertEqual(self.ssm.describe_instance_patch_states(InstanceIds=["i-1"])["InstancePatchStates"], [])
        self.assertEqual(self.ssm.describe_instance_patches(InstanceId="i-1")["Patches"], [])
        self.assertEqual(self.ssm.list_compliance_summaries()["ComplianceSummaryItems"], [])
        self.assertEqual(self.ssm.list_resource_compliance_summaries()["ResourceComplianceSummaryItems"], [])

    def test_patch_states_count_the_items(self) -> None:
        self.put("i-1", [patch("KB1", "CRITICAL", "Missing", PatchBaselineId="pb-1", PatchGroup="prod"),
                         patch("KB2", "HIGH", "Failed"), patch("KB3", "LOW", "Installed"),
                         patch("KB4", "LOW", "InstalledPendingReboot"), patch("KB5", "LOW", "NotApplicable")])
        states = self.ssm.describe_instance_patch_states(InstanceIds=["i-1", "i-2"])["InstancePatchStates"]
        self.assertEqual(len(states), 1)
        s = states[0]
        self.assertEqual((s["InstanceId"], s["BaselineId"], s["PatchGroup"], s["Operation"]),
                         ("i-1", "pb-1", "prod", "Scan"))
        counts = {k: s[k] for k in ("MissingCount", "FailedCount", "InstalledCount", "InstalledPendingRebootCount",
                                    "NotApplicableCount", "CriticalNonCompliantCount", "SecurityNonCompliantCount",
                                    "OtherNonCompliantCount")}
        self.assertEqual(counts, {"MissingCount": 1, "FailedCount": 1, "InstalledCount": 1,
                                  "InstalledPendingRebootCount": 1, "NotApplicableCount": 1,
                                  "CriticalNonCompliantCount": 1, "SecurityNonCompliantCount": 2,
                                  "OtherNonCompliantCount": 0})
        self.assertEqual(int(s["OperationEndTime"].timestamp()), 1_795_000_000)

    def test_patches_filtered_by_state_and_severity_either_spelling(self) -> None:
        self.put("i-1", [patch("KB1", "CRITICAL", "Missing", PatchSeverity="Critical"),
                         patch("KB2", "HIGH", "Missing", PatchSeverity="Important"),
                         patch("KB3", "CRITICAL", "Installed", PatchSeverity="Critical", InstalledTime="1790000000")])
        for state in ("Missing", "MISSING"):
            out = self.ssm.describe_instance_patches(InstanceId="i-1", Filters=[
                {"Key": "State", "Values": [state]}, {"Key": "Severity", "Values": ["Critical"]}])["Patches"]
            self.assertEqual([(p["KBId"], p["State"], p["Severity"]) for p in out], [("KB1", "MISSING", "Critical")])
        installed = self.ssm.describe_instance_patches(InstanceId="i-1", Filters=[
            {"Key": "State", "Values": ["Installed"]}])["Patches"]
        self.assertEqual(int(installed[0]["InstalledTime"].timestamp()), 1_790_000_000)
        with self.assertRaises(ClientError) as e:
            self.ssm.describe_instance_patches(InstanceId="i-1", Filters=[{"Key": "Nope", "Values": ["x"]}])
        self.assertEqual(e.exception.response["Error"]["Code"], "InvalidFilter")

    def test_complete_upload_replaces_partial_merges(self) -> None:
        self.put("i-1", [patch("KB1", "CRITICAL", "Missing")])
        self.put("i-1", [patch("KB2", "LOW", "Installed")], upload="PARTIAL")
        items = self.ssm.list_compliance_items(ResourceIds=["i-1"], ResourceTypes=["ManagedInstance"])["ComplianceItems"]
        self.assertEqual(sorted(i["Id"] for i in items), ["KB1", "KB2"])
        self.put("i-1", [patch("KB1", "CRITICAL", "Installed")])
        items = self.ssm.list_compliance_items(ResourceIds=["i-1"], ResourceTypes=["ManagedInstance"])["ComplianceItems"]
        self.assertEqual([(i["Id"], i["Status"]) for i in items], [("KB1", "COMPLIANT")])

    def test_summaries_per_resource_and_per_type(self) -> None:
        self.put("i-1", [patch("KB1", "CRITICAL", "Missing"), patch("KB3", "LOW", "Installed")])
        self.put("i-2", [patch("KB1", "CRITICAL", "Installed")])
        self.put("i-1", [{"Id": "a", "Severity": "HIGH", "Status": "COMPLIANT"}], ctype="Custom:Backup")
        per_resource = self.ssm.list_resource_compliance_summaries(
            Filters=[{"Key": "ComplianceType", "Values": ["Patch"], "Type": "EQUAL"}])["ResourceComplianceSummaryItems"]
        got = {(r["ResourceId"], r["Status"], r["OverallSeverity"]) for r in per_resource}
        self.assertEqual(got, {("i-1", "NON_COMPLIANT", "CRITICAL"), ("i-2", "COMPLIANT", "CRITICAL")})
        i1 = next(r for r in per_resource if r["ResourceId"] == "i-1")
        self.assertEqual((i1["CompliantSummary"]["CompliantCount"], i1["NonCompliantSummary"]["NonCompliantCount"]),
                         (1, 1))
        summaries = {s["ComplianceType"]: s for s in self.ssm.list_compliance_summaries()["ComplianceSummaryItems"]}
        self.assertEqual(sorted(summaries), ["Custom:Backup", "Patch"])
        p = summaries["Patch"]
        self.assertEqual((p["CompliantSummary"]["CompliantCount"], p["NonCompliantSummary"]["NonCompliantCount"]),
                         (1, 1))
        self.assertEqual(p["NonCompliantSummary"]["SeveritySummary"]["CriticalCount"], 1)

    def test_invalid_items_are_refused(self) -> None:
        bad = [
            {"ResourceType": "Nope", "ComplianceType": "Patch"},
            {"ResourceType": "ManagedInstance", "ComplianceType": "Other"},
        ]
        for kwargs in bad:
            with self.subTest(kwargs=kwargs), self.assertRaises(ClientError) as e:
                self.ssm.put_compliance_items(ResourceId="i-1", ExecutionSummary={"ExecutionTime": 1}, Items=[],
                                              **kwargs)
            self.assertEqual(e.exception.response["Error"]["Code"], "ValidationException")
        with self.assertRaises(ClientError):
            client(validate=False).put_compliance_items(
                ResourceId="i-1", ResourceType="ManagedInstance", ComplianceType="Patch",
                ExecutionSummary={"ExecutionTime": 1}, Items=[{"Id": "x", "Severity": "BAD", "Status": "COMPLIANT"}])


if __name__ == "__main__":
    unittest.main()
