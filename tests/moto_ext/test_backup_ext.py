#!/usr/bin/env python3
"""Self-test of the AWS Backup extension: starts ``server.py`` on a free loopback port and drives it with boto3.

Run with the venv's Python (no pytest needed):

    .venv/bin/python tests/moto_ext/test_backup_ext.py

Each test gets a fresh server state through moto's reset endpoint; the server is stopped by PID at the end. The server
harness (start, reset, stop, boto3 clients) is in ``harness.py``.
"""

from __future__ import annotations

import json
import unittest
from typing import Any

from botocore.exceptions import ClientError

import harness
from harness import reset_moto

client = harness.client_factory("backup")


def setUpModule() -> None:
    harness.setUp()


def tearDownModule() -> None:
    harness.tearDown()


ACCOUNT = "123456789012"
ROLE = f"arn:aws:iam::{ACCOUNT}:role/backup"
POLICY = json.dumps(
    {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "deny-delete",
                "Effect": "Deny",
                "Principal": "*",
                "Action": "backup:DeleteRecoveryPoint",
                "Resource": "*",
            }
        ],
    }
)


def rule(name: str = "daily", **overrides: Any) -> dict[str, Any]:
    r: dict[str, Any] = {"RuleName": name, "TargetBackupVaultName": "central"}
    r.update(overrides)
    return r


def plan(name: str = "daily", *rules: dict[str, Any]) -> dict[str, Any]:
    return {"BackupPlanName": name, "Rules": list(rules) or [rule()]}


class BackupTestCase(unittest.TestCase):
    backup: Any

    def setUp(self) -> None:
        reset_moto()
        self.backup = client()
        self.backup.create_backup_vault(BackupVaultName="central")

    def assertError(self, code: str, fn: Any, *args: Any, **kwargs: Any) -> ClientError:
        with self.assertRaises(ClientError) as ctx:
            fn(*args, **kwargs)
        self.assertEqual(ctx.exception.response["Error"]["Code"], code, ctx.exception.response)
        return ctx.exception


class AccessPolicyTest(BackupTestCase):
    def test_put_get_delete(self) -> None:
        self.assertError("ResourceNotFoundException", self.backup.get_backup_vault_access_policy,
                         BackupVaultName="central")
        self.backup.put_backup_vault_access_policy(BackupVaultName="central", Policy=POLICY)
        got = self.backup.get_backup_vault_access_policy(BackupVaultName="central")
        self.assertEqual(json.loads(got["Policy"]), json.loads(POLICY))
        self.assertEqual(got["BackupVaultArn"], f"arn:aws:backup:us-east-1:{ACCOUNT}:backup-vault:central")
        self.backup.delete_backup_vault_access_policy(BackupVaultName="central")
        self.backup.delete_backup_vault_access_policy(BackupVaultName="central")
        self.assertError("ResourceNotFoundException", self.backup.get_backup_vault_access_policy,
                         BackupVaultName="central")

    def test_unknown_vault_and_bad_policy(self) -> None:
        self.assertError("ResourceNotFoundException", self.backup.put_backup_vault_access_policy,
                         BackupVaultName="nope", Policy=POLICY)
        self.assertError("InvalidParameterValueException", self.backup.put_backup_vault_access_policy,
                         BackupVaultName="central", Policy="not json")

    def test_deleting_a_vault_drops_policy_and_tags(self) -> None:
        arn = f"arn:aws:backup:us-east-1:{ACCOUNT}:backup-vault:central"
        self.backup.tag_resource(ResourceArn=arn, Tags={"team": "platform"})
        self.backup.put_backup_vault_access_policy(BackupVaultName="central", Policy=POLICY)
        self.backup.delete_backup_vault(BackupVaultName="central")
        self.assertError("ResourceNotFoundException", self.backup.delete_backup_vault, BackupVaultName="central")
        self.backup.create_backup_vault(BackupVaultName="central")
        self.assertEqual(self.backup.list_tags(ResourceArn=arn)["Tags"], {})
        self.assertError("ResourceNotFoundException", self.backup.get_backup_vault_access_policy,
                         BackupVaultName="central")


class TagsTest(BackupTestCase):
    def test_list_tags_with_and_without_the_trailing_slash(self) -> None:
        arn = f"arn:aws:backup:us-east-1:{ACCOUNT}:backup-vault:central"
        self.backup.tag_resource(ResourceArn=arn, Tags={"team": "platform"})
        self.assertEqual(self.backup.list_tags(ResourceArn=arn)["Tags"], {"team": "platform"})
        for path in (f"/tags/{arn}", f"/tags/{arn.replace(':', '%3A')}"):
            status, body = harness.raw_request("backup", "GET", path)
            self.assertEqual(status, 200, body)
            self.assertEqual(body["Tags"], {"team": "platform"})


class PlanTest(BackupTestCase):
    def test_update_replaces_the_rules_and_keeps_rule_ids_by_name(self) -> None:
        created = self.backup.create_backup_plan(BackupPlan=plan("daily", rule("daily"), rule("weekly")))
        plan_id = created["BackupPlanId"]
        before = self.backup.get_backup_plan(BackupPlanId=plan_id)
        ids = {r["RuleName"]: r["RuleId"] for r in before["BackupPlan"]["Rules"]}
        updated = self.backup.update_backup_plan(
            BackupPlanId=plan_id,
            BackupPlan=plan("daily", rule("daily", ScheduleExpression="cron(0 3 * * ? *)",
                                          Lifecycle={"DeleteAfterDays": 35})),
        )
        self.assertNotEqual(updated["VersionId"], created["VersionId"])
        after = self.backup.get_backup_plan(BackupPlanId=plan_id)["BackupPlan"]["Rules"]
        self.assertEqual(len(after), 1)
        self.assertEqual(after[0]["RuleId"], ids["daily"])
        self.assertEqual(after[0]["ScheduleExpression"], "cron(0 3 * * ? *)")
        self.assertEqual(after[0]["Lifecycle"], {"DeleteAfterDays": 35})
        self.assertEqual(after[0]["StartWindowMinutes"], 480)
        self.assertError("ResourceNotFoundException", self.backup.update_backup_plan, BackupPlanId="nope",
                         BackupPlan=plan())

    def test_lifecycle_and_rule_checks(self) -> None:
        bad = rule(Lifecycle={"MoveToColdStorageAfterDays": 30, "DeleteAfterDays": 60})
        self.assertError("InvalidParameterValueException", self.backup.create_backup_plan,
                         BackupPlan=plan("p", bad))
        self.assertError("InvalidParameterValueException", self.backup.create_backup_plan,
                         BackupPlan=plan("p", rule("a"), rule("a")))

    def test_delete_refuses_while_selections_remain_then_the_name_is_free(self) -> None:
        plan_id = self.backup.create_backup_plan(BackupPlan=plan("daily"), BackupPlanTags={"o": "1"})["BackupPlanId"]
        arn = f"arn:aws:backup:us-east-1:{ACCOUNT}:backup-plan:{plan_id}"
        self.assertEqual(self.backup.list_tags(ResourceArn=arn)["Tags"], {"o": "1"})
        sel = self.backup.create_backup_selection(
            BackupPlanId=plan_id, BackupSelection={"SelectionName": "all", "IamRoleArn": ROLE, "Resources": ["*"]}
        )["SelectionId"]
        self.assertError("InvalidRequestException", self.backup.delete_backup_plan, BackupPlanId=plan_id)
        self.backup.delete_backup_selection(BackupPlanId=plan_id, SelectionId=sel)
        self.backup.delete_backup_plan(BackupPlanId=plan_id)
        self.assertError("ResourceNotFoundException", self.backup.delete_backup_plan, BackupPlanId=plan_id)
        self.assertEqual(self.backup.list_backup_plans()["BackupPlansList"], [])
        self.assertEqual(self.backup.list_tags(ResourceArn=arn)["Tags"], {})
        # The name of a deleted plan can be used again; a live plan's can't.
        again = self.backup.create_backup_plan(BackupPlan=plan("daily"))["BackupPlanId"]
        self.assertNotEqual(again, plan_id)
        self.assertError("AlreadyExistsException", self.backup.create_backup_plan, BackupPlan=plan("daily"))


class SelectionTest(BackupTestCase):
    def test_create_get_list_delete(self) -> None:
        plan_id = self.backup.create_backup_plan(BackupPlan=plan())["BackupPlanId"]
        tags = [{"ConditionType": "STRINGEQUALS", "ConditionKey": "backup", "ConditionValue": "daily"}]
        created = self.backup.create_backup_selection(
            BackupPlanId=plan_id,
            BackupSelection={"SelectionName": "tagged", "IamRoleArn": ROLE, "ListOfTags": tags},
            CreatorRequestId="req-1",
        )
        self.assertEqual(created["BackupPlanId"], plan_id)
        got = self.backup.get_backup_selection(BackupPlanId=plan_id, SelectionId=created["SelectionId"])
        self.assertEqual(got["BackupSelection"]["SelectionName"], "tagged")
        self.assertEqual(got["BackupSelection"]["ListOfTags"], tags)
        self.assertEqual(got["BackupSelection"]["Resources"], [])
        self.assertEqual(got["BackupSelection"]["Conditions"]["StringEquals"], [])
        self.assertEqual(got["CreatorRequestId"], "req-1")
        listed = self.backup.list_backup_selections(BackupPlanId=plan_id)["BackupSelectionsList"]
        self.assertEqual([(s["SelectionName"], s["IamRoleArn"]) for s in listed], [("tagged", ROLE)])
        self.backup.delete_backup_selection(BackupPlanId=plan_id, SelectionId=created["SelectionId"])
        self.assertEqual(self.backup.list_backup_selections(BackupPlanId=plan_id)["BackupSelectionsList"], [])
        self.assertError("ResourceNotFoundException", self.backup.get_backup_selection, BackupPlanId=plan_id,
                         SelectionId=created["SelectionId"])
        self.assertError("ResourceNotFoundException", self.backup.delete_backup_selection, BackupPlanId=plan_id,
                         SelectionId=created["SelectionId"])

    def test_paging_and_unknown_plan(self) -> None:
        plan_id = self.backup.create_backup_plan(BackupPlan=plan())["BackupPlanId"]
        for i in range(3):
            self.backup.create_backup_selection(
                BackupPlanId=plan_id, BackupSelection={"SelectionName": f"s{i}", "IamRoleArn": ROLE}
            )
        first = self.backup.list_backup_selections(BackupPlanId=plan_id, MaxResults=2)
        self.assertEqual(len(first["BackupSelectionsList"]), 2)
        rest = self.backup.list_backup_selections(BackupPlanId=plan_id, MaxResults=2, NextToken=first["NextToken"])
        self.assertEqual([s["SelectionName"] for s in rest["BackupSelectionsList"]], ["s2"])
        self.assertNotIn("NextToken", rest)
        self.assertError("ResourceNotFoundException", self.backup.list_backup_selections, BackupPlanId="nope")
        self.assertError("InvalidParameterValueException", self.backup.create_backup_selection,
                         BackupPlanId=plan_id,
                         BackupSelection={"SelectionName": "bad", "IamRoleArn": ROLE,
                                          "ListOfTags": [{"ConditionType": "STRINGLIKE", "ConditionKey": "a",
                                                          "ConditionValue": "b"}]})


if __name__ == "__main__":
    unittest.main(verbosity=2)
