#!/usr/bin/env python3
"""Self-test of the SSM extension: starts ``server.py`` on a free loopback port and drives it with boto3.

Run with the venv's Python (no pytest needed):

    .venv/bin/python tests/moto_ext/test_ssm_ext.py

Each test class gets a fresh server state through moto's reset endpoint; the server is stopped by PID at the end.
The server harness (start, reset, stop, boto3 clients, raw requests) is in ``harness.py``.
"""

from __future__ import annotations

import datetime
import json
import unittest
from typing import Any

from botocore.exceptions import ClientError

import harness
from harness import reset_moto

client = harness.client_factory("ssm")


def setUpModule() -> None:
    harness.setUp()


def tearDownModule() -> None:
    harness.tearDown()


class SSMTestCase(unittest.TestCase):
    ssm: Any

    def setUp(self) -> None:
        reset_moto()
        self.ssm = client()

    def assertError(self, code: str, fn: Any, **kwargs: Any) -> ClientError:
        with self.assertRaises(ClientError) as ctx:
            fn(**kwargs)
        err = ctx.exception.response
        self.assertEqual(err["Error"]["Code"], code, err)
        self.assertEqual(err["ResponseMetadata"]["HTTPStatusCode"], 400, err)
        return ctx.exception

    def window(self, **overrides: Any) -> str:
        args: dict[str, Any] = {
            "Name": "patch-window",
            "Schedule": "cron(0 2 ? * SUN *)",
            "Duration": 3,
            "Cutoff": 1,
            "AllowUnassociatedTargets": False,
        }
        args.update(overrides)
        return str(self.ssm.create_maintenance_window(**args)["WindowId"])

    def target(self, window_id: str, **overrides: Any) -> str:
        args: dict[str, Any] = {
            "WindowId": window_id,
            "ResourceType": "INSTANCE",
            "Targets": [{"Key": "tag:Patch Group", "Values": ["web"]}],
            "OwnerInformation": "team-a",
            "Name": "web-servers",
            "Description": "all web servers",
        }
        args.update(overrides)
        return str(self.ssm.register_target_with_maintenance_window(**args)["WindowTargetId"])


RUN_COMMAND_PARAMS = {
    "RunCommand": {
        "Comment": "patch",
        "DocumentVersion": "$LATEST",
        "OutputS3BucketName": "logs-bucket",
        "OutputS3KeyPrefix": "patch/",
        "Parameters": {"Operation": ["Install"], "RebootOption": ["RebootIfNeeded"]},
        "ServiceRoleArn": "arn:aws:iam::123456789012:role/notify",
        "TimeoutSeconds": 600,
        "NotificationConfig": {
            "NotificationArn": "arn:aws:sns:us-east-1:123456789012:topic",
            "NotificationEvents": ["Failed"],
            "NotificationType": "Command",
        },
        "CloudWatchOutputConfig": {"CloudWatchLogGroupName": "/patch", "CloudWatchOutputEnabled": True},
    }
}


class MaintenanceWindowTests(SSMTestCase):
    def test_existing_create_get_describe_delete(self) -> None:
        wid = self.window(Description="weekly", Tags=[{"Key": "team", "Value": "a"}])
        got = self.ssm.get_maintenance_window(WindowId=wid)
        self.assertEqual(got["Name"], "patch-window")
        self.assertEqual(got["Description"], "weekly")
        self.assertIs(got["Enabled"], True)
        self.assertIs(got["AllowUnassociatedTargets"], False)
        self.assertIn("CreatedDate", got)
        self.assertIn("ModifiedDate", got)
        listed = self.ssm.describe_maintenance_windows(Filters=[{"Key": "Name", "Values": ["patch-window"]}])
        self.assertEqual([w["WindowId"] for w in listed["WindowIdentities"]], [wid])
        tags = self.ssm.list_tags_for_resource(ResourceType="MaintenanceWindow", ResourceId=wid)["TagList"]
        self.assertEqual(tags, [{"Key": "team", "Value": "a"}])
        self.ssm.delete_maintenance_window(WindowId=wid)
        self.assertError("DoesNotExistException", self.ssm.get_maintenance_window, WindowId=wid)
        self.assertEqual(self.ssm.describe_maintenance_windows()["WindowIdentities"], [])

    def test_create_stores_allow_unassociated_targets(self) -> None:
        wid = self.window(AllowUnassociatedTargets=True)
        self.assertIs(self.ssm.get_maintenance_window(WindowId=wid)["AllowUnassociatedTargets"], True)

    def test_update_changes_only_given_fields(self) -> None:
        wid = self.window(
            Description="weekly",
            ScheduleTimezone="Europe/Berlin",
            ScheduleOffset=2,
            StartDate="2030-01-01T00:00:00Z",
            EndDate="2031-01-01T00:00:00Z",
        )
        before = self.ssm.get_maintenance_window(WindowId=wid)
        out = self.ssm.update_maintenance_window(WindowId=wid, Duration=4, Enabled=False)
        self.assertEqual(out["WindowId"], wid)
        self.assertEqual(out["Duration"], 4)
        self.assertIs(out["Enabled"], False)
        self.assertEqual(out["Description"], "weekly")
        self.assertNotIn("CreatedDate", out)  # not a member of UpdateMaintenanceWindow's output
        got = self.ssm.get_maintenance_window(WindowId=wid)
        expected = {
            "Name": "patch-window",
            "Description": "weekly",
            "Schedule": "cron(0 2 ? * SUN *)",
            "ScheduleTimezone": "Europe/Berlin",
            "ScheduleOffset": 2,
            "Duration": 4,
            "Cutoff": 1,
            "AllowUnassociatedTargets": False,
            "Enabled": False,
            "StartDate": "2030-01-01T00:00:00Z",
            "EndDate": "2031-01-01T00:00:00Z",
        }
        self.assertEqual({k: got.get(k) for k in expected}, expected)
        self.assertEqual(got["CreatedDate"], before["CreatedDate"])
        self.assertGreaterEqual(got["ModifiedDate"], before["ModifiedDate"])

        self.ssm.update_maintenance_window(
            WindowId=wid,
            Name="renamed-window",
            Schedule="rate(7 days)",
            ScheduleTimezone="UTC",
            ScheduleOffset=1,
            Cutoff=2,
            AllowUnassociatedTargets=True,
            Enabled=True,
            Description="new",
            StartDate="2030-02-01T00:00:00Z",
            EndDate="2031-02-01T00:00:00Z",
        )
        got = self.ssm.get_maintenance_window(WindowId=wid)
        expected.update(
            Name="renamed-window",
            Schedule="rate(7 days)",
            ScheduleTimezone="UTC",
            ScheduleOffset=1,
            Cutoff=2,
            AllowUnassociatedTargets=True,
            Enabled=True,
            Description="new",
            StartDate="2030-02-01T00:00:00Z",
            EndDate="2031-02-01T00:00:00Z",
        )
        self.assertEqual({k: got.get(k) for k in expected}, expected)

    def test_update_replace(self) -> None:
        wid = self.window(Description="weekly", ScheduleTimezone="Europe/Berlin", ScheduleOffset=2)
        self.ssm.update_maintenance_window(WindowId=wid, Enabled=False)
        # Replace needs every field CreateMaintenanceWindow requires.
        self.assertError("ValidationException", self.ssm.update_maintenance_window, WindowId=wid, Name="x-y-z",
                         Replace=True)
        out = self.ssm.update_maintenance_window(
            WindowId=wid,
            Name="replaced",
            Schedule="cron(0 3 ? * MON *)",
            Duration=2,
            Cutoff=0,
            AllowUnassociatedTargets=True,
            Replace=True,
        )
        self.assertEqual(out["Name"], "replaced")
        got = self.ssm.get_maintenance_window(WindowId=wid)
        for absent in ("Description", "ScheduleTimezone", "ScheduleOffset", "StartDate", "EndDate"):
            self.assertNotIn(absent, got)
        self.assertIs(got["Enabled"], True)
        self.assertEqual((got["Duration"], got["Cutoff"]), (2, 0))

    def test_update_unknown_window(self) -> None:
        err = self.assertError(
            "DoesNotExistException", self.ssm.update_maintenance_window, WindowId="mw-0123456789abcdef0", Duration=2
        )
        self.assertIn("mw-0123456789abcdef0", str(err))

    def test_describe_windows_enabled_filter(self) -> None:
        on = self.window(Name="window-on")
        off = self.window(Name="window-off")
        self.ssm.update_maintenance_window(WindowId=off, Enabled=False)
        got = self.ssm.describe_maintenance_windows(Filters=[{"Key": "Enabled", "Values": ["true"]}])
        self.assertEqual([w["WindowId"] for w in got["WindowIdentities"]], [on])

    def test_executions(self) -> None:
        wid = self.window()
        self.assertEqual(self.ssm.describe_maintenance_window_executions(WindowId=wid)["WindowExecutions"], [])
        self.assertError(
            "DoesNotExistException",
            self.ssm.describe_maintenance_window_executions,
            WindowId="mw-0123456789abcdef0",
        )


class WindowTargetTests(SSMTestCase):
    def test_existing_register_describe_deregister(self) -> None:
        wid = self.window()
        tid = self.target(wid)
        targets = self.ssm.describe_maintenance_window_targets(WindowId=wid)["Targets"]
        self.assertEqual(len(targets), 1)
        self.assertEqual(targets[0]["WindowTargetId"], tid)
        self.assertEqual(targets[0]["OwnerInformation"], "team-a")  # moto 5.2.5 returned ""
        self.ssm.deregister_target_from_maintenance_window(WindowId=wid, WindowTargetId=tid)
        self.assertEqual(self.ssm.describe_maintenance_window_targets(WindowId=wid)["Targets"], [])
        self.assertError(
            "DoesNotExistException",
            self.ssm.deregister_target_from_maintenance_window,
            WindowId=wid,
            WindowTargetId=tid,
        )

    def test_describe_target_filters(self) -> None:
        wid = self.window()
        a = self.target(wid)
        b = self.target(wid, ResourceType="RESOURCE_GROUP", OwnerInformation="team-b",
                        Targets=[{"Key": "resource-groups:Name", "Values": ["rg"]}])
        describe = self.ssm.describe_maintenance_window_targets

        def ids(*filters: dict[str, Any]) -> list[str]:
            return [t["WindowTargetId"] for t in describe(WindowId=wid, Filters=list(filters))["Targets"]]

        self.assertEqual(ids({"Key": "Type", "Values": ["RESOURCE_GROUP"]}), [b])
        self.assertEqual(ids({"Key": "WindowTargetId", "Values": [a]}), [a])
        self.assertEqual(ids({"Key": "OwnerInformation", "Values": ["team-a", "team-b"]}), [a, b])
        self.assertEqual(ids({"Key": "Type", "Values": ["INSTANCE"]}, {"Key": "OwnerInformation",
                                                                        "Values": ["team-b"]}), [])

    def test_update_target(self) -> None:
        wid = self.window()
        tid = self.target(wid)
        out = self.ssm.update_maintenance_window_target(WindowId=wid, WindowTargetId=tid, Name="db-servers")
        self.assertEqual(out["Name"], "db-servers")
        self.assertEqual(out["OwnerInformation"], "team-a")
        self.assertEqual(out["Targets"], [{"Key": "tag:Patch Group", "Values": ["web"]}])
        new_targets = [{"Key": "InstanceIds", "Values": ["i-0123456789abcdef0"]}]
        self.ssm.update_maintenance_window_target(
            WindowId=wid, WindowTargetId=tid, Targets=new_targets, Description="ids"
        )
        got = self.ssm.describe_maintenance_window_targets(WindowId=wid)["Targets"][0]
        self.assertEqual(got["Targets"], new_targets)
        self.assertEqual((got["Name"], got["Description"], got["OwnerInformation"]), ("db-servers", "ids", "team-a"))

    def test_update_target_replace(self) -> None:
        wid = self.window()
        tid = self.target(wid)
        self.assertError(
            "ValidationException",
            self.ssm.update_maintenance_window_target,
            WindowId=wid,
            WindowTargetId=tid,
            Name="only-name",
            Replace=True,
        )
        targets = [{"Key": "tag:env", "Values": ["prod"]}]
        out = self.ssm.update_maintenance_window_target(
            WindowId=wid, WindowTargetId=tid, Targets=targets, Replace=True
        )
        self.assertEqual(out["Targets"], targets)
        for absent in ("Name", "Description", "OwnerInformation"):
            self.assertNotIn(absent, out)
        got = self.ssm.describe_maintenance_window_targets(WindowId=wid)["Targets"][0]
        self.assertNotIn("OwnerInformation", got)

    def test_update_target_unknown_ids(self) -> None:
        wid = self.window()
        self.assertError(
            "DoesNotExistException",
            self.ssm.update_maintenance_window_target,
            WindowId=wid,
            WindowTargetId="00000000-0000-4000-8000-000000000000",
            Name="abc",
        )
        self.assertError(
            "DoesNotExistException",
            self.ssm.update_maintenance_window_target,
            WindowId="mw-0123456789abcdef0",
            WindowTargetId="00000000-0000-4000-8000-000000000000",
        )


class WindowTaskTests(SSMTestCase):
    def register(self, wid: str, tid: str, **overrides: Any) -> str:
        args: dict[str, Any] = {
            "WindowId": wid,
            "TaskArn": "AWS-RunPatchBaseline",
            "TaskType": "RUN_COMMAND",
            "Targets": [{"Key": "WindowTargetIds", "Values": [tid]}],
            "ServiceRoleArn": "arn:aws:iam::123456789012:role/mw",
            "TaskInvocationParameters": RUN_COMMAND_PARAMS,
            "Priority": 1,
            "MaxConcurrency": "10%",
            "MaxErrors": "1",
            "Name": "patch",
            "Description": "run patch baseline",
            "CutoffBehavior": "CANCEL_TASK",
            "AlarmConfiguration": {"IgnorePollAlarmFailure": True, "Alarms": [{"Name": "cpu-high"}]},
            "LoggingInfo": {"S3BucketName": "logs-bucket", "S3KeyPrefix": "mw/", "S3Region": "us-east-1"},
        }
        args.update(overrides)
        return str(self.ssm.register_task_with_maintenance_window(**args)["WindowTaskId"])

    def test_get_round_trip_and_describe(self) -> None:
        wid = self.window()
        tid = self.target(wid)
        task_id = self.register(wid, tid)
        got = self.ssm.get_maintenance_window_task(WindowId=wid, WindowTaskId=task_id)
        self.assertEqual(got["WindowId"], wid)
        self.assertEqual(got["WindowTaskId"], task_id)
        self.assertEqual(got["TaskType"], "RUN_COMMAND")
        self.assertEqual(got["TaskArn"], "AWS-RunPatchBaseline")
        self.assertEqual(got["Targets"], [{"Key": "WindowTargetIds", "Values": [tid]}])
        self.assertEqual(got["TaskInvocationParameters"], RUN_COMMAND_PARAMS)
        self.assertEqual((got["Priority"], got["MaxConcurrency"], got["MaxErrors"]), (1, "10%", "1"))
        self.assertEqual(got["ServiceRoleArn"], "arn:aws:iam::123456789012:role/mw")
        self.assertEqual(got["CutoffBehavior"], "CANCEL_TASK")
        self.assertEqual(got["AlarmConfiguration"], {"IgnorePollAlarmFailure": True, "Alarms": [{"Name": "cpu-high"}]})
        self.assertEqual(got["LoggingInfo"]["S3BucketName"], "logs-bucket")
        self.assertEqual((got["Name"], got["Description"]), ("patch", "run patch baseline"))

        described = self.ssm.describe_maintenance_window_tasks(WindowId=wid)["Tasks"]
        self.assertEqual(len(described), 1)
        self.assertEqual(described[0]["Type"], "RUN_COMMAND")  # moto 5.2.5 dropped it
        self.assertEqual(described[0]["CutoffBehavior"], "CANCEL_TASK")
        self.assertEqual(described[0]["AlarmConfiguration"]["Alarms"], [{"Name": "cpu-high"}])

    def test_describe_task_filters(self) -> None:
        wid = self.window()
        tid = self.target(wid)
        run = self.register(wid, tid, Priority=1)
        auto = self.ssm.register_task_with_maintenance_window(
            WindowId=wid, TaskArn="AWS-CreateSnapshot", TaskType="AUTOMATION", Priority=2,
            MaxConcurrency="1", MaxErrors="0")["WindowTaskId"]

        def ids(key: str, *values: str) -> list[str]:
            filters = [{"Key": key, "Values": list(values)}]
            tasks = self.ssm.describe_maintenance_window_tasks(WindowId=wid, Filters=filters)
            return [t["WindowTaskId"] for t in tasks["Tasks"]]

        self.assertEqual(ids("TaskType", "AUTOMATION"), [auto])
        self.assertEqual(ids("Priority", "1"), [run])
        self.assertEqual(ids("TaskArn", "AWS-RunPatchBaseline", "AWS-CreateSnapshot"), [run, auto])
        self.assertEqual(ids("WindowTaskId", auto), [auto])

    def test_automation_task(self) -> None:
        wid = self.window()
        params = {"Automation": {"DocumentVersion": "1", "Parameters": {"InstanceId": ["{{RESOURCE_ID}}"]}}}
        task_id = self.ssm.register_task_with_maintenance_window(
            WindowId=wid,
            TaskArn="AWS-CreateSnapshot",
            TaskType="AUTOMATION",
            TaskInvocationParameters=params,
            Priority=0,
            MaxConcurrency="1",
            MaxErrors="0",
        )["WindowTaskId"]
        got = self.ssm.get_maintenance_window_task(WindowId=wid, WindowTaskId=task_id)
        self.assertEqual(got["TaskType"], "AUTOMATION")
        self.assertEqual(got["TaskInvocationParameters"], params)
        self.assertEqual(got["Priority"], 0)
        new = {"Automation": {"DocumentVersion": "2", "Parameters": {"VolumeId": ["vol-1"]}}}
        out = self.ssm.update_maintenance_window_task(WindowId=wid, WindowTaskId=task_id, TaskInvocationParameters=new)
        self.assertEqual(out["TaskInvocationParameters"], new)

    def test_update_partial(self) -> None:
        wid = self.window()
        tid = self.target(wid)
        task_id = self.register(wid, tid)
        out = self.ssm.update_maintenance_window_task(
            WindowId=wid, WindowTaskId=task_id, Priority=5, MaxConcurrency="2", MaxErrors="3"
        )
        self.assertEqual((out["Priority"], out["MaxConcurrency"], out["MaxErrors"]), (5, "2", "3"))
        self.assertEqual(out["TaskInvocationParameters"], RUN_COMMAND_PARAMS)
        self.assertEqual(out["Name"], "patch")
        # TaskInvocationParameters is replaced as a whole: values not given again are removed.
        only_params = {"RunCommand": {"Parameters": {"Operation": ["Scan"]}}}
        self.ssm.update_maintenance_window_task(
            WindowId=wid,
            WindowTaskId=task_id,
            TaskInvocationParameters=only_params,
            ServiceRoleArn="arn:aws:iam::123456789012:role/other",
            CutoffBehavior="CONTINUE_TASK",
            AlarmConfiguration={"Alarms": [{"Name": "disk"}]},
            Name="patch-2",
            Description="scan only",
            LoggingInfo={"S3BucketName": "other-bucket", "S3Region": "us-east-1"},
            Targets=[{"Key": "InstanceIds", "Values": ["i-0123456789abcdef0"]}],
            TaskArn="AWS-RunPatchBaselineWithHooks",
        )
        got = self.ssm.get_maintenance_window_task(WindowId=wid, WindowTaskId=task_id)
        self.assertEqual(got["TaskInvocationParameters"], only_params)
        self.assertEqual(got["ServiceRoleArn"], "arn:aws:iam::123456789012:role/other")
        self.assertEqual(got["CutoffBehavior"], "CONTINUE_TASK")
        self.assertEqual(got["AlarmConfiguration"], {"Alarms": [{"Name": "disk"}]})
        self.assertEqual((got["Name"], got["Description"]), ("patch-2", "scan only"))
        self.assertEqual(got["LoggingInfo"]["S3BucketName"], "other-bucket")
        self.assertEqual(got["Targets"], [{"Key": "InstanceIds", "Values": ["i-0123456789abcdef0"]}])
        self.assertEqual(got["TaskArn"], "AWS-RunPatchBaselineWithHooks")
        self.assertEqual(got["Priority"], 5)

    def test_update_replace(self) -> None:
        wid = self.window()
        tid = self.target(wid)
        task_id = self.register(wid, tid)
        self.assertError(
            "ValidationException",
            self.ssm.update_maintenance_window_task,
            WindowId=wid,
            WindowTaskId=task_id,
            Priority=3,
            Replace=True,
        )
        out = self.ssm.update_maintenance_window_task(
            WindowId=wid, WindowTaskId=task_id, TaskArn="AWS-RunPatchBaseline", MaxErrors="2", Replace=True
        )
        self.assertEqual(out["MaxErrors"], "2")
        got = self.ssm.get_maintenance_window_task(WindowId=wid, WindowTaskId=task_id)
        for absent in (
            "Targets",
            "ServiceRoleArn",
            "TaskInvocationParameters",
            "Priority",
            "MaxConcurrency",
            "LoggingInfo",
            "Name",
            "Description",
            "CutoffBehavior",
            "AlarmConfiguration",
        ):
            self.assertNotIn(absent, got)
        self.assertEqual(got["TaskType"], "RUN_COMMAND")  # the task type never changes

    def test_unknown_ids_and_deregister(self) -> None:
        wid = self.window()
        unknown = "00000000-0000-4000-8000-000000000000"
        self.assertError("DoesNotExistException", self.ssm.get_maintenance_window_task, WindowId=wid,
                         WindowTaskId=unknown)
        self.assertError("DoesNotExistException", self.ssm.update_maintenance_window_task, WindowId=wid,
                         WindowTaskId=unknown, Priority=1)
        self.assertError("DoesNotExistException", self.ssm.get_maintenance_window_task,
                         WindowId="mw-0123456789abcdef0", WindowTaskId=unknown)
        tid = self.target(wid)
        task_id = self.register(wid, tid)
        self.ssm.deregister_task_from_maintenance_window(WindowId=wid, WindowTaskId=task_id)
        self.assertEqual(self.ssm.describe_maintenance_window_tasks(WindowId=wid)["Tasks"], [])
        self.assertError("DoesNotExistException", self.ssm.deregister_task_from_maintenance_window, WindowId=wid,
                         WindowTaskId=task_id)


BASELINE_ARGS: dict[str, Any] = {
    "Name": "team-baseline",
    "OperatingSystem": "AMAZON_LINUX_2",
    "GlobalFilters": {"PatchFilters": [{"Key": "PRODUCT", "Values": ["AmazonLinux2"]}]},
    "ApprovalRules": {
        "PatchRules": [
            {
                "PatchFilterGroup": {"PatchFilters": [{"Key": "CLASSIFICATION", "Values": ["Security"]}]},
                "ComplianceLevel": "HIGH",
                "ApproveAfterDays": 7,
                "EnableNonSecurity": False,
            }
        ]
    },
    "ApprovedPatches": ["kernel"],
    "ApprovedPatchesComplianceLevel": "CRITICAL",
    "ApprovedPatchesEnableNonSecurity": True,
    "RejectedPatches": ["telnet"],
    "RejectedPatchesAction": "BLOCK",
    "Description": "team a",
    "Sources": [{"Name": "repo", "Products": ["AmazonLinux2"], "Configuration": "[main]\nname=repo"}],
}


class PatchBaselineTests(SSMTestCase):
    def test_get_round_trip(self) -> None:
        bid = self.ssm.create_patch_baseline(**BASELINE_ARGS, Tags=[{"Key": "team", "Value": "a"}])["BaselineId"]
        got = self.ssm.get_patch_baseline(BaselineId=bid)
        self.assertEqual(got["BaselineId"], bid)
        for key, value in BASELINE_ARGS.items():
            self.assertEqual(got[key], value, key)
        self.assertEqual(got["PatchGroups"], [])
        self.assertIn("CreatedDate", got)
        self.assertIn("ModifiedDate", got)
        tags = self.ssm.list_tags_for_resource(ResourceType="PatchBaseline", ResourceId=bid)["TagList"]
        self.assertEqual(tags, [{"Key": "team", "Value": "a"}])
        self.ssm.register_patch_baseline_for_patch_group(BaselineId=bid, PatchGroup="web")
        self.ssm.register_patch_baseline_for_patch_group(BaselineId=bid, PatchGroup="db")
        self.assertEqual(self.ssm.get_patch_baseline(BaselineId=bid)["PatchGroups"], ["db", "web"])

    def test_documented_defaults(self) -> None:
        bid = self.ssm.create_patch_baseline(Name="minimal")["BaselineId"]
        got = self.ssm.get_patch_baseline(BaselineId=bid)
        self.assertEqual(got["OperatingSystem"], "WINDOWS")
        self.assertEqual(got["ApprovedPatchesComplianceLevel"], "UNSPECIFIED")
        self.assertIs(got["ApprovedPatchesEnableNonSecurity"], False)
        self.assertEqual(got["RejectedPatchesAction"], "ALLOW_AS_DEPENDENCY")
        self.assertEqual((got["ApprovedPatches"], got["RejectedPatches"]), ([], []))

    def test_update_partial_and_replace(self) -> None:
        bid = self.ssm.create_patch_baseline(**BASELINE_ARGS)["BaselineId"]
        out = self.ssm.update_patch_baseline(BaselineId=bid, ApprovedPatches=["kernel", "openssl"])
        self.assertEqual(out["ApprovedPatches"], ["kernel", "openssl"])
        self.assertEqual(out["Description"], "team a")
        self.assertEqual(out["OperatingSystem"], "AMAZON_LINUX_2")
        got = self.ssm.get_patch_baseline(BaselineId=bid)
        self.assertEqual(got["RejectedPatches"], ["telnet"])
        self.assertEqual(got["ApprovalRules"], BASELINE_ARGS["ApprovalRules"])
        self.assertGreaterEqual(got["ModifiedDate"], got["CreatedDate"])

        self.assertError("ValidationException", self.ssm.update_patch_baseline, BaselineId=bid,
                         Description="x", Replace=True)
        self.ssm.update_patch_baseline(BaselineId=bid, Name="replaced", ApprovedPatches=["vim"], Replace=True)
        got = self.ssm.get_patch_baseline(BaselineId=bid)
        self.assertEqual(got["Name"], "replaced")
        self.assertEqual(got["ApprovedPatches"], ["vim"])
        self.assertEqual(got["RejectedPatches"], [])
        self.assertEqual(got["RejectedPatchesAction"], "ALLOW_AS_DEPENDENCY")
        self.assertEqual(got["ApprovedPatchesComplianceLevel"], "UNSPECIFIED")
        self.assertIs(got["ApprovedPatchesEnableNonSecurity"], False)
        self.assertEqual(got["ApprovalRules"], {"PatchRules": []})
        self.assertEqual(got["GlobalFilters"], {"PatchFilters": []})
        self.assertEqual(got["Sources"], [])
        self.assertNotIn("Description", got)
        self.assertEqual(got["OperatingSystem"], "AMAZON_LINUX_2")

    def test_unknown_baseline(self) -> None:
        unknown = "pb-0123456789abcdef0"
        self.assertError("DoesNotExistException", self.ssm.get_patch_baseline, BaselineId=unknown)
        self.assertError("DoesNotExistException", self.ssm.update_patch_baseline, BaselineId=unknown, Name="abc")
        self.assertEqual(self.ssm.delete_patch_baseline(BaselineId=unknown)["BaselineId"], unknown)

    def test_existing_describe_and_delete(self) -> None:
        a = self.ssm.create_patch_baseline(Name="team-a-linux", OperatingSystem="AMAZON_LINUX_2")["BaselineId"]
        b = self.ssm.create_patch_baseline(Name="team-b-linux", OperatingSystem="UBUNTU")["BaselineId"]
        listed = self.ssm.describe_patch_baselines()["BaselineIdentities"]
        self.assertEqual({x["BaselineId"] for x in listed}, {a, b})
        prefixed = self.ssm.describe_patch_baselines(Filters=[{"Key": "NAME_PREFIX", "Values": ["team-a"]}])
        self.assertEqual([x["BaselineId"] for x in prefixed["BaselineIdentities"]], [a])
        exact = self.ssm.describe_patch_baselines(Filters=[{"Key": "NAME_PREFIX", "Values": ["team-b-linux"]}])
        self.assertEqual([x["BaselineId"] for x in exact["BaselineIdentities"]], [b])
        self.assertEqual(self.ssm.delete_patch_baseline(BaselineId=a)["BaselineId"], a)
        self.assertError("DoesNotExistException", self.ssm.get_patch_baseline, BaselineId=a)
        self.assertEqual([x["BaselineId"] for x in self.ssm.describe_patch_baselines()["BaselineIdentities"]], [b])

    def test_delete_registered_baseline(self) -> None:
        bid = self.ssm.create_patch_baseline(Name="in-use", OperatingSystem="AMAZON_LINUX_2")["BaselineId"]
        self.ssm.register_patch_baseline_for_patch_group(BaselineId=bid, PatchGroup="web")
        self.assertError("ResourceInUseException", self.ssm.delete_patch_baseline, BaselineId=bid)
        self.ssm.deregister_patch_baseline_for_patch_group(BaselineId=bid, PatchGroup="web")
        self.ssm.delete_patch_baseline(BaselineId=bid)


class PatchGroupTests(SSMTestCase):
    def test_register_describe_deregister(self) -> None:
        linux = self.ssm.create_patch_baseline(Name="linux", OperatingSystem="AMAZON_LINUX_2",
                                               Description="l")["BaselineId"]
        windows = self.ssm.create_patch_baseline(Name="windows", OperatingSystem="WINDOWS")["BaselineId"]
        other = self.ssm.create_patch_baseline(Name="linux-2", OperatingSystem="AMAZON_LINUX_2")["BaselineId"]
        self.ssm.register_patch_baseline_for_patch_group(BaselineId=linux, PatchGroup="web")
        self.ssm.register_patch_baseline_for_patch_group(BaselineId=windows, PatchGroup="web")  # other OS: fine
        self.ssm.register_patch_baseline_for_patch_group(BaselineId=linux, PatchGroup="db")
        self.assertError("AlreadyExistsException", self.ssm.register_patch_baseline_for_patch_group,
                         BaselineId=other, PatchGroup="web")
        self.assertError("DoesNotExistException", self.ssm.register_patch_baseline_for_patch_group,
                         BaselineId="pb-0123456789abcdef0", PatchGroup="web")

        got = self.ssm.get_patch_baseline_for_patch_group(PatchGroup="web", OperatingSystem="AMAZON_LINUX_2")
        self.assertEqual(got["BaselineId"], linux)
        self.assertEqual(self.ssm.get_patch_baseline_for_patch_group(PatchGroup="web")["BaselineId"], windows)

        mappings = self.ssm.describe_patch_groups()["Mappings"]
        self.assertEqual(
            [(m["PatchGroup"], m["BaselineIdentity"]["BaselineId"]) for m in mappings],
            [("db", linux), ("web", linux), ("web", windows)],
        )
        identity = mappings[0]["BaselineIdentity"]
        self.assertEqual(
            identity,
            {"BaselineId": linux, "BaselineName": "linux", "OperatingSystem": "AMAZON_LINUX_2",
             "BaselineDescription": "l", "DefaultBaseline": False},
        )
        by_prefix = self.ssm.describe_patch_groups(Filters=[{"Key": "NAME_PREFIX", "Values": ["we"]}])["Mappings"]
        self.assertEqual({m["PatchGroup"] for m in by_prefix}, {"web"})
        by_os = self.ssm.describe_patch_groups(Filters=[{"Key": "OPERATING_SYSTEM", "Values": ["WINDOWS"]}])
        self.assertEqual([m["BaselineIdentity"]["BaselineId"] for m in by_os["Mappings"]], [windows])

        page1 = self.ssm.describe_patch_groups(MaxResults=2)
        self.assertEqual(len(page1["Mappings"]), 2)
        page2 = self.ssm.describe_patch_groups(MaxResults=2, NextToken=page1["NextToken"])
        self.assertEqual(len(page2["Mappings"]), 1)
        self.assertNotIn("NextToken", page2)

        self.ssm.deregister_patch_baseline_for_patch_group(BaselineId=linux, PatchGroup="web")
        self.assertEqual(self.ssm.get_patch_baseline(BaselineId=linux)["PatchGroups"], ["db"])
        default = self.ssm.get_patch_baseline_for_patch_group(PatchGroup="web", OperatingSystem="AMAZON_LINUX_2")
        self.assertNotEqual(default["BaselineId"], linux)  # back to the AWS default baseline
        self.assertError("InvalidResourceId", self.ssm.deregister_patch_baseline_for_patch_group,
                         BaselineId=linux, PatchGroup="web")
        self.ssm.register_patch_baseline_for_patch_group(BaselineId=other, PatchGroup="web")


class AssociationTests(SSMTestCase):
    FULL: dict[str, Any] = {
        "Name": "AWS-GatherSoftwareInventory",
        "AssociationName": "inventory",
        "DocumentVersion": "1",
        "Targets": [{"Key": "tag:Patch Group", "Values": ["web"]}],
        "ScheduleExpression": "rate(30 minutes)",
        "Parameters": {"applications": ["Enabled"], "awsComponents": ["Enabled"]},
        "OutputLocation": {"S3Location": {"OutputS3BucketName": "inv-bucket", "OutputS3KeyPrefix": "inv/"}},
        "MaxConcurrency": "50%",
        "MaxErrors": "10%",
        "ComplianceSeverity": "MEDIUM",
        "ApplyOnlyAtCronInterval": True,
    }

    def test_create_describe_list_delete(self) -> None:
        created = self.ssm.create_association(**self.FULL, Tags=[{"Key": "team", "Value": "a"}])
        desc = created["AssociationDescription"]
        aid = desc["AssociationId"]
        self.assertEqual(desc["AssociationVersion"], "1")
        for key, value in self.FULL.items():
            self.assertEqual(desc[key], value, key)
        self.assertIn("Date", desc)
        self.assertEqual(desc["Overview"]["Status"], "Pending")

        got = self.ssm.describe_association(AssociationId=aid)["AssociationDescription"]
        self.assertEqual({k: got[k] for k in self.FULL}, self.FULL)

        tags = self.ssm.list_tags_for_resource(ResourceType="Association", ResourceId=aid)["TagList"]
        self.assertEqual(tags, [{"Key": "team", "Value": "a"}])
        self.ssm.add_tags_to_resource(ResourceType="Association", ResourceId=aid, Tags=[{"Key": "x", "Value": "y"}])
        self.ssm.remove_tags_from_resource(ResourceType="Association", ResourceId=aid, TagKeys=["team"])
        tags = self.ssm.list_tags_for_resource(ResourceType="Association", ResourceId=aid)["TagList"]
        self.assertEqual(tags, [{"Key": "x", "Value": "y"}])

        listed = self.ssm.list_associations()["Associations"]
        self.assertEqual([a["AssociationId"] for a in listed], [aid])
        self.assertEqual(listed[0]["AssociationName"], "inventory")
        self.assertEqual(listed[0]["ScheduleExpression"], "rate(30 minutes)")
        self.assertNotIn("Parameters", listed[0])  # not a member of Association

        self.ssm.delete_association(AssociationId=aid)
        self.assertError("AssociationDoesNotExist", self.ssm.describe_association, AssociationId=aid)
        self.assertError("AssociationDoesNotExist", self.ssm.delete_association, AssociationId=aid)
        self.assertError("InvalidResourceId", self.ssm.list_tags_for_resource, ResourceType="Association",
                         ResourceId=aid)
        self.assertEqual(self.ssm.list_associations()["Associations"], [])

    def test_legacy_instance_association(self) -> None:
        aid = self.ssm.create_association(Name="AWS-RunPatchBaseline", InstanceId="i-0123456789abcdef0")[
            "AssociationDescription"]["AssociationId"]
        got = self.ssm.describe_association(Name="AWS-RunPatchBaseline", InstanceId="i-0123456789abcdef0")
        self.assertEqual(got["AssociationDescription"]["AssociationId"], aid)
        self.assertEqual(got["AssociationDescription"]["DocumentVersion"], "$DEFAULT")
        self.assertError("AssociationAlreadyExists", self.ssm.create_association, Name="AWS-RunPatchBaseline",
                         InstanceId="i-0123456789abcdef0")
        listed = self.ssm.list_associations(
            AssociationFilterList=[{"key": "InstanceId", "value": "i-0123456789abcdef0"}])["Associations"]
        self.assertEqual([a["AssociationId"] for a in listed], [aid])
        self.ssm.delete_association(Name="AWS-RunPatchBaseline", InstanceId="i-0123456789abcdef0")
        self.assertError("AssociationDoesNotExist", self.ssm.describe_association, Name="AWS-RunPatchBaseline",
                         InstanceId="i-0123456789abcdef0")

    def test_update_bumps_version_and_replaces(self) -> None:
        aid = self.ssm.create_association(**self.FULL)["AssociationDescription"]["AssociationId"]
        out = self.ssm.update_association(AssociationId=aid, ScheduleExpression="rate(1 hour)",
                                          AssociationName="inventory")["AssociationDescription"]
        self.assertEqual(out["AssociationVersion"], "2")
        self.assertEqual(out["ScheduleExpression"], "rate(1 hour)")
        self.assertEqual(out["AssociationName"], "inventory")
        # Documented: UpdateAssociation overwrites optional parameters left out of the request with null.
        self.assertNotIn("Parameters", out)
        self.assertNotIn("OutputLocation", out)
        self.assertNotIn("MaxConcurrency", out)
        self.assertEqual(out["DocumentVersion"], "$DEFAULT")
        self.assertIs(out["ApplyOnlyAtCronInterval"], False)
        # The document and the targets stay.
        self.assertEqual(out["Name"], "AWS-GatherSoftwareInventory")
        self.assertEqual(out["Targets"], self.FULL["Targets"])

        full = dict(self.FULL, AssociationId=aid, AssociationVersion="2", ScheduleExpression="rate(2 hours)")
        out = self.ssm.update_association(**full)["AssociationDescription"]
        self.assertEqual(out["AssociationVersion"], "3")
        self.assertEqual({k: out[k] for k in self.FULL if k != "ScheduleExpression"},
                         {k: v for k, v in self.FULL.items() if k != "ScheduleExpression"})
        self.assertError("InvalidAssociationVersion", self.ssm.update_association, AssociationId=aid,
                         AssociationVersion="1", ScheduleExpression="rate(3 hours)")
        self.ssm.update_association(AssociationId=aid, AssociationVersion="$LATEST", ScheduleExpression="rate(1 day)")

        v1 = self.ssm.describe_association(AssociationId=aid, AssociationVersion="1")["AssociationDescription"]
        self.assertEqual(v1["ScheduleExpression"], "rate(30 minutes)")
        self.assertEqual(v1["AssociationVersion"], "1")
        latest = self.ssm.describe_association(AssociationId=aid)["AssociationDescription"]
        self.assertEqual(latest["AssociationVersion"], "4")
        self.assertError("InvalidAssociationVersion", self.ssm.describe_association, AssociationId=aid,
                         AssociationVersion="9")
        self.assertError("AssociationDoesNotExist", self.ssm.update_association,
                         AssociationId="00000000-0000-4000-8000-000000000000", ScheduleExpression="rate(1 day)")

    def test_instance_status_reports_make_the_overview(self) -> None:
        # API_UpdateAssociationStatus; the overview's counts are AssociationStatusAggregatedCount (AssociationOverview).
        aid = self.ssm.create_association(
            Name="AmazonCloudWatch-ManageAgent", AssociationName="agent",
            Targets=[{"Key": "tag:team", "Values": ["checkout"]}],
        )["AssociationDescription"]["AssociationId"]
        listed = self.ssm.list_associations()["Associations"][0]
        self.assertEqual(listed["Overview"], {"Status": "Pending", "DetailedStatus": "Creating"})
        now = datetime.datetime.now(datetime.timezone.utc)
        for instance, state in [("i-0000000000000000a", "Success"), ("i-0000000000000000b", "Failed"),
                                ("i-0000000000000000c", "Success")]:
            out = self.ssm.update_association_status(
                Name="AmazonCloudWatch-ManageAgent", InstanceId=instance,
                AssociationStatus={"Date": now, "Name": state, "Message": state},
            )["AssociationDescription"]
            self.assertEqual(out["AssociationId"], aid)
        overview = self.ssm.describe_association(AssociationId=aid)["AssociationDescription"]["Overview"]
        self.assertEqual(overview, {"Status": "Failed", "DetailedStatus": "Failed",
                                    "AssociationStatusAggregatedCount": {"Success": 2, "Failed": 1}})
        failed = self.ssm.list_associations(
            AssociationFilterList=[{"key": "AssociationStatusName", "value": "Failed"}])["Associations"]
        self.assertEqual([a["AssociationId"] for a in failed], [aid])
        # The failed instance recovers: every instance succeeded.
        self.ssm.update_association_status(
            Name="AmazonCloudWatch-ManageAgent", InstanceId="i-0000000000000000b",
            AssociationStatus={"Date": now, "Name": "Success", "Message": "ok"},
        )
        overview = self.ssm.list_associations()["Associations"][0]["Overview"]
        self.assertEqual(overview["Status"], "Success")
        self.assertEqual(overview["AssociationStatusAggregatedCount"], {"Success": 3})
        self.assertError("AssociationDoesNotExist", self.ssm.update_association_status,
                         Name="AWS-RunPatchBaseline", InstanceId="i-0000000000000000a",
                         AssociationStatus={"Date": now, "Name": "Success", "Message": "ok"})

    def test_list_filters_and_pagination(self) -> None:
        ids = []
        for i in range(5):
            ids.append(self.ssm.create_association(
                Name="AWS-GatherSoftwareInventory" if i % 2 == 0 else "AWS-RunPatchBaseline",
                AssociationName=f"assoc-{i}",
                Targets=[{"Key": "InstanceIds", "Values": ["*"]}],
            )["AssociationDescription"]["AssociationId"])
        by_name = self.ssm.list_associations(
            AssociationFilterList=[{"key": "Name", "value": "AWS-RunPatchBaseline"}])["Associations"]
        self.assertEqual([a["AssociationId"] for a in by_name], [ids[1], ids[3]])
        by_assoc_name = self.ssm.list_associations(
            AssociationFilterList=[{"key": "AssociationName", "value": "assoc-2"}])["Associations"]
        self.assertEqual([a["AssociationId"] for a in by_assoc_name], [ids[2]])
        by_id = self.ssm.list_associations(
            AssociationFilterList=[{"key": "AssociationId", "value": ids[4]}])["Associations"]
        self.assertEqual([a["AssociationName"] for a in by_id], ["assoc-4"])

        seen, token, pages = [], None, 0
        while True:
            kwargs: dict[str, Any] = {"MaxResults": 2}
            if token:
                kwargs["NextToken"] = token
            page = self.ssm.list_associations(**kwargs)
            pages += 1
            seen += [a["AssociationId"] for a in page["Associations"]]
            token = page.get("NextToken")
            if not token:
                break
        self.assertEqual((seen, pages), (ids, 3))
        paginated = [a["AssociationId"] for p in self.ssm.get_paginator("list_associations").paginate(
            PaginationConfig={"PageSize": 2}) for a in p["Associations"]]
        self.assertEqual(paginated, ids)
        self.assertError("InvalidNextToken", self.ssm.list_associations, NextToken="not-a-token")

    def test_documents(self) -> None:
        self.assertError("InvalidDocument", self.ssm.create_association, Name="my-missing-doc",
                         Targets=[{"Key": "InstanceIds", "Values": ["*"]}])
        content = {"schemaVersion": "2.2", "description": "d", "mainSteps": [
            {"action": "aws:runShellScript", "name": "run", "inputs": {"runCommand": ["true"]}}]}
        self.ssm.create_document(Name="my-doc", Content=json.dumps(content), DocumentType="Command")
        desc = self.ssm.create_association(Name="my-doc", Targets=[{"Key": "InstanceIds", "Values": ["*"]}])
        self.assertEqual(desc["AssociationDescription"]["Name"], "my-doc")


class FleetTests(SSMTestCase):
    """Resource Data Sync, service settings and managed-instance information (API reference pages
    API_CreateResourceDataSync, API_ListResourceDataSync, API_DeleteResourceDataSync, API_GetServiceSetting,
    API_UpdateServiceSetting, API_ResetServiceSetting, API_DescribeInstanceInformation)."""

    S3 = {"BucketName": "fleet-inventory", "Prefix": "ssm", "SyncFormat": "JsonSerDe", "Region": "us-east-1"}

    def test_resource_data_sync_to_s3(self) -> None:
        self.ssm.create_resource_data_sync(SyncName="inv", S3Destination=self.S3)
        self.assertError("ResourceDataSyncAlreadyExistsException", self.ssm.create_resource_data_sync,
                         SyncName="inv", S3Destination=self.S3)
        self.assertError("ResourceDataSyncInvalidConfigurationException", self.ssm.create_resource_data_sync,
                         SyncName="other", SyncType="SyncToDestination")
        items = self.ssm.list_resource_data_sync()["ResourceDataSyncItems"]
        self.assertEqual([(i["SyncName"], i["SyncType"], i["S3Destination"]) for i in items],
                         [("inv", "SyncToDestination", self.S3)])
        self.assertEqual(self.ssm.list_resource_data_sync(SyncType="SyncFromSource")["ResourceDataSyncItems"], [])
        for n in range(3):
            self.ssm.create_resource_data_sync(SyncName=f"more-{n}", S3Destination=self.S3)
        page = self.ssm.list_resource_data_sync(MaxResults=2)
        self.assertEqual(len(page["ResourceDataSyncItems"]), 2)
        rest = self.ssm.list_resource_data_sync(MaxResults=2, NextToken=page["NextToken"])
        self.assertEqual(len(rest["ResourceDataSyncItems"]), 2)
        self.ssm.delete_resource_data_sync(SyncName="inv", SyncType="SyncToDestination")
        self.assertError("ResourceDataSyncNotFoundException", self.ssm.delete_resource_data_sync, SyncName="inv")
        names = [i["SyncName"] for i in self.ssm.list_resource_data_sync()["ResourceDataSyncItems"]]
        self.assertEqual(names, ["more-0", "more-1", "more-2"])

    def test_service_settings_update_and_reset(self) -> None:
        dhmc = "/ssm/managed-instance/default-ec2-instance-management-role"
        setting = self.ssm.get_service_setting(SettingId=dhmc)["ServiceSetting"]
        self.assertEqual((setting["SettingId"], setting["Status"]), (dhmc, "Default"))
        self.assertTrue(setting["ARN"].endswith(":servicesetting" + dhmc), setting["ARN"])
        self.ssm.update_service_setting(SettingId=dhmc, SettingValue="service-role/DHMC")
        # The setting's ARN is accepted as its ID.
        got = self.ssm.get_service_setting(SettingId=setting["ARN"])["ServiceSetting"]
        self.assertEqual((got["SettingValue"], got["Status"]), ("service-role/DHMC", "Customized"))
        reset = self.ssm.reset_service_setting(SettingId=dhmc)["ServiceSetting"]
        self.assertEqual(reset["Status"], "Default")
        self.assertEqual(self.ssm.get_service_setting(SettingId=dhmc)["ServiceSetting"]["Status"], "Default")
        self.assertError("ServiceSettingNotFound", self.ssm.get_service_setting, SettingId="/ssm/no/such/setting")

    def test_no_instance_registers_in_the_emulator(self) -> None:
        info = self.ssm.describe_instance_information(Filters=[{"Key": "ResourceType", "Values": ["EC2Instance"]}])
        self.assertEqual(info["InstanceInformationList"], [])
        self.assertEqual(self.ssm.describe_instance_information(MaxResults=5)["InstanceInformationList"], [])


class StateAndTaggingTests(SSMTestCase):
    def test_patch_and_compliance_state_is_empty(self) -> None:
        states = self.ssm.describe_instance_patch_states(InstanceIds=["i-0123456789abcdef0"])
        self.assertEqual(states["InstancePatchStates"], [])
        self.assertEqual(self.ssm.describe_instance_patches(InstanceId="i-0123456789abcdef0")["Patches"], [])
        self.assertEqual(self.ssm.list_compliance_summaries()["ComplianceSummaryItems"], [])
        summaries = self.ssm.list_compliance_summaries(Filters=[{"Key": "ComplianceType", "Values": ["Patch"]}])
        self.assertEqual(summaries["ComplianceSummaryItems"], [])

    def test_tags_on_windows_and_baselines(self) -> None:
        wid = self.window()
        bid = self.ssm.create_patch_baseline(Name="tagged")["BaselineId"]
        for rtype, rid in (("MaintenanceWindow", wid), ("PatchBaseline", bid)):
            self.ssm.add_tags_to_resource(ResourceType=rtype, ResourceId=rid,
                                          Tags=[{"Key": "a", "Value": "1"}, {"Key": "b", "Value": "2"}])
            self.ssm.remove_tags_from_resource(ResourceType=rtype, ResourceId=rid, TagKeys=["a"])
            tags = self.ssm.list_tags_for_resource(ResourceType=rtype, ResourceId=rid)["TagList"]
            self.assertEqual(tags, [{"Key": "b", "Value": "2"}], rtype)
        self.assertError("InvalidResourceId", self.ssm.list_tags_for_resource, ResourceType="PatchBaseline",
                         ResourceId="pb-0123456789abcdef0")
        self.assertError("InvalidResourceId", self.ssm.add_tags_to_resource, ResourceType="MaintenanceWindow",
                         ResourceId="mw-0123456789abcdef0", Tags=[{"Key": "a", "Value": "1"}])
        # Tags go with the resource.
        self.ssm.delete_maintenance_window(WindowId=wid)
        self.ssm.delete_patch_baseline(BaselineId=bid)
        self.assertError("InvalidResourceId", self.ssm.list_tags_for_resource, ResourceType="PatchBaseline",
                         ResourceId=bid)

    def test_parameters_still_work(self) -> None:
        self.ssm.put_parameter(Name="/x", Value="1", Type="String", Tags=[{"Key": "k", "Value": "v"}])
        self.assertEqual(self.ssm.get_parameter(Name="/x")["Parameter"]["Value"], "1")
        tags = self.ssm.list_tags_for_resource(ResourceType="Parameter", ResourceId="/x")["TagList"]
        self.assertEqual(tags, [{"Key": "k", "Value": "v"}])


class WireAndScopingTests(SSMTestCase):
    def raw(self, action: str, body: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        return harness.raw_request("ssm", "POST", "/", body, target=f"AmazonSSM.{action}")

    def test_error_shape(self) -> None:
        status, body = self.raw("GetMaintenanceWindowTask",
                                {"WindowId": "mw-0123456789abcdef0", "WindowTaskId": "x" * 36})
        self.assertEqual(status, 400)
        self.assertEqual(body["__type"], "DoesNotExistException")
        self.assertIn("mw-0123456789abcdef0", body.get("message") or body.get("Message"))
        status, body = self.raw("DescribeAssociation", {"AssociationId": "00000000-0000-4000-8000-000000000000"})
        self.assertEqual((status, body["__type"]), (400, "AssociationDoesNotExist"))

    def test_unknown_operation_unchanged(self) -> None:
        # Neither moto nor the extension implements it: moto's server answers 500 as before.
        status = self.raw("DescribePatchGroupState", {"PatchGroup": "web"})[0]
        self.assertEqual(status, 500)

    def test_region_scoping(self) -> None:
        wid = self.window()
        aid = self.ssm.create_association(Name="AWS-RunPatchBaseline", Targets=[{"Key": "InstanceIds",
                                                                                  "Values": ["*"]}])[
            "AssociationDescription"]["AssociationId"]
        other = client(region="eu-west-1")
        self.assertError("DoesNotExistException", other.update_maintenance_window, WindowId=wid, Duration=2)
        self.assertEqual(other.list_associations()["Associations"], [])
        self.assertError("AssociationDoesNotExist", other.describe_association, AssociationId=aid)
        self.assertEqual(len(self.ssm.list_associations()["Associations"]), 1)

    def test_account_scoping(self) -> None:
        self.window()
        sts = client("sts")
        role = "arn:aws:iam::111111111111:role/operator"
        creds = sts.assume_role(RoleArn=role, RoleSessionName="self-test")["Credentials"]
        other = client(aws_access_key_id=creds["AccessKeyId"], aws_secret_access_key=creds["SecretAccessKey"],
                       aws_session_token=creds["SessionToken"])
        self.assertEqual(other.describe_maintenance_windows()["WindowIdentities"], [])
        other_wid = other.create_maintenance_window(Name="other-account", Schedule="rate(1 day)", Duration=1,
                                                    Cutoff=0, AllowUnassociatedTargets=False)["WindowId"]
        other.update_maintenance_window(WindowId=other_wid, Enabled=False)
        self.assertError("DoesNotExistException", self.ssm.get_maintenance_window, WindowId=other_wid)
        self.assertIs(other.get_maintenance_window(WindowId=other_wid)["Enabled"], False)


if __name__ == "__main__":
    unittest.main(verbosity=2)
