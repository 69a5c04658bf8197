#!/usr/bin/env python3
"""Self-test of the Budgets extension: starts ``server.py`` on a free loopback port and drives it with boto3.

Run with the venv's Python (no pytest needed):

    .venv/bin/python tests/moto_ext/test_budgets_ext.py

Each test class gets a fresh server state through moto's reset endpoint; the server is stopped by PID at the end.
The server harness (start, reset, stop, boto3 clients, raw requests) is in ``harness.py``.
"""

from __future__ import annotations

import unittest
from datetime import datetime, timezone
from typing import Any

from botocore.exceptions import ClientError

import harness
from harness import reset_moto

client = harness.client_factory("budgets")


def setUpModule() -> None:
    harness.setUp()


def tearDownModule() -> None:
    harness.tearDown()


ACCOUNT = "123456789012"
ARN = f"arn:aws:budgets::{ACCOUNT}:budget/"

ACTUAL_80 = {"NotificationType": "ACTUAL", "ComparisonOperator": "GREATER_THAN", "Threshold": 80,
             "ThresholdType": "PERCENTAGE"}
FORECAST_100 = {"NotificationType": "FORECASTED", "ComparisonOperator": "GREATER_THAN", "Threshold": 100.0}
EMAIL = {"SubscriptionType": "EMAIL", "Address": "finops@example.com"}
SNS = {"SubscriptionType": "SNS", "Address": "arn:aws:sns:us-east-1:123456789012:budget-alerts"}


class BudgetsTestCase(unittest.TestCase):
    budgets: Any

    def setUp(self) -> None:
        reset_moto()
        self.budgets = client()

    def assertError(self, code: str, fn: Any, *args: Any, **kwargs: Any) -> ClientError:
        with self.assertRaises(ClientError) as ctx:
            fn(*args, **kwargs)
        err = ctx.exception.response
        self.assertEqual(err["Error"]["Code"], code, err)
        self.assertEqual(err["ResponseMetadata"]["HTTPStatusCode"], 400, err)
        return ctx.exception

    def budget(self, name: str = "monthly", **overrides: Any) -> dict[str, Any]:
        b: dict[str, Any] = {"BudgetName": name, "BudgetType": "COST", "TimeUnit": "MONTHLY",
                             "BudgetLimit": {"Amount": "1000", "Unit": "USD"}}
        b.update(overrides)
        return b

    def create(self, name: str = "monthly", notifications: Any = None, tags: Any = None, **overrides: Any) -> None:
        args: dict[str, Any] = {"AccountId": ACCOUNT, "Budget": self.budget(name, **overrides)}
        if notifications is not None:
            args["NotificationsWithSubscribers"] = notifications
        if tags is not None:
            args["ResourceTags"] = tags
        self.budgets.create_budget(**args)

    def describe(self, name: str = "monthly") -> dict[str, Any]:
        return dict(self.budgets.describe_budget(AccountId=ACCOUNT, BudgetName=name)["Budget"])

    def notifications(self, name: str = "monthly") -> list[dict[str, Any]]:
        return list(self.budgets.describe_notifications_for_budget(AccountId=ACCOUNT, BudgetName=name)[
            "Notifications"])

    def subscribers(self, notification: dict[str, Any], name: str = "monthly") -> list[dict[str, Any]]:
        return list(self.budgets.describe_subscribers_for_notification(
            AccountId=ACCOUNT, BudgetName=name, Notification=notification)["Subscribers"])


class BudgetTests(BudgetsTestCase):
    def test_amounts_come_back_as_aws_writes_them(self) -> None:
        self.create("a")
        self.create("b", BudgetLimit={"Amount": "99.50", "Unit": "USD"})
        self.assertEqual(self.describe("a")["BudgetLimit"], {"Amount": "1000.0", "Unit": "USD"})
        amounts = {b["BudgetName"]: b["BudgetLimit"]["Amount"]
                   for b in self.budgets.describe_budgets(AccountId=ACCOUNT)["Budgets"]}
        self.assertEqual(amounts, {"a": "1000.0", "b": "99.5"})

    def test_default_time_period_and_update_keeps_a_period_sent_back(self) -> None:
        self.create()
        period = self.describe()["TimePeriod"]
        self.assertEqual(period["Start"].day, 1)
        self.assertEqual(period["End"].year, 2087)
        new = self.budget(BudgetLimit={"Amount": "1200", "Unit": "USD"},
                          TimePeriod={"Start": datetime(2020, 1, 1, tzinfo=timezone.utc), "End": period["End"]},
                          CostFilters={"Service": ["Amazon Elastic Compute Cloud - Compute"]})
        self.budgets.update_budget(AccountId=ACCOUNT, NewBudget=new)
        got = self.describe()
        self.assertEqual(got["BudgetLimit"], {"Amount": "1200.0", "Unit": "USD"})
        self.assertEqual(got["TimePeriod"]["Start"].year, 2020)
        self.assertEqual(got["CostFilters"], {"Service": ["Amazon Elastic Compute Cloud - Compute"]})
        # UpdateBudget replaces the budget: what the request leaves out is gone, a period left out starts over.
        self.budgets.update_budget(AccountId=ACCOUNT, NewBudget=self.budget(TimeUnit="DAILY"))
        got = self.describe()
        self.assertNotIn("CostFilters", got)
        self.assertEqual(got["TimeUnit"], "DAILY")
        self.assertEqual(got["TimePeriod"]["Start"].year, datetime.now(timezone.utc).year)

    def test_update_errors(self) -> None:
        self.assertError("NotFoundException", self.budgets.update_budget, AccountId=ACCOUNT,
                         NewBudget=self.budget("missing"))
        self.create()
        self.assertError("InvalidParameterException", self.budgets.update_budget, AccountId=ACCOUNT,
                         NewBudget={"BudgetName": "monthly", "BudgetType": "COST", "TimeUnit": "MONTHLY"})
        self.assertError("InvalidParameterException", self.budgets.update_budget, AccountId=ACCOUNT,
                         NewBudget=self.budget(TimePeriod={"Start": datetime(2030, 1, 1),
                                                           "End": datetime(2029, 1, 1)}))

    def test_ri_budgets_default_to_100_percent(self) -> None:
        self.budgets.create_budget(AccountId=ACCOUNT, Budget={"BudgetName": "ri", "BudgetType": "RI_UTILIZATION",
                                                              "TimeUnit": "MONTHLY"})
        self.assertEqual(self.describe("ri")["BudgetLimit"], {"Amount": "100.0", "Unit": "PERCENTAGE"})

    def test_create_and_delete_errors(self) -> None:
        self.create()
        self.assertError("DuplicateRecordException", self.create)
        self.assertError("NotFoundException", self.budgets.describe_budget, AccountId=ACCOUNT, BudgetName="x")
        self.assertError("NotFoundException", self.budgets.delete_budget, AccountId=ACCOUNT, BudgetName="x")
        self.assertError("InvalidParameterException", self.create, "too-many",
                         notifications=[{"Notification": dict(ACTUAL_80, Threshold=t), "Subscribers": [EMAIL]}
                                        for t in range(11)])
        self.assertError("CreationLimitExceededException", self.create, "two-topics",
                         notifications=[{"Notification": ACTUAL_80, "Subscribers": [SNS, dict(SNS, Address=SNS[
                             "Address"] + "-2")]}])
        names = [b["BudgetName"] for b in self.budgets.describe_budgets(AccountId=ACCOUNT)["Budgets"]]
        self.assertEqual(names, ["monthly"])

    def test_describe_budgets_pages(self) -> None:
        for i in range(5):
            self.create(f"b{i}")
        page = self.budgets.describe_budgets(AccountId=ACCOUNT, MaxResults=2)
        self.assertEqual([b["BudgetName"] for b in page["Budgets"]], ["b0", "b1"])
        names = [b["BudgetName"] for p in self.budgets.get_paginator("describe_budgets").paginate(
            AccountId=ACCOUNT, PaginationConfig={"PageSize": 2}) for b in p["Budgets"]]
        self.assertEqual(names, [f"b{i}" for i in range(5)])
        self.assertError("InvalidNextTokenException", self.budgets.describe_budgets, AccountId=ACCOUNT,
                         NextToken="nonsense")
        # No budgets: an empty list.
        reset_moto()
        self.assertEqual(self.budgets.describe_budgets(AccountId=ACCOUNT)["Budgets"], [])


class NotificationTests(BudgetsTestCase):
    def test_inline_notifications_and_their_subscribers(self) -> None:
        self.create(notifications=[{"Notification": ACTUAL_80, "Subscribers": [EMAIL, SNS]},
                                   {"Notification": FORECAST_100, "Subscribers": [EMAIL]}])
        got = self.notifications()
        self.assertEqual(len(got), 2)
        self.assertEqual(got[0]["ThresholdType"], "PERCENTAGE")
        # ThresholdType left out on create is left out on describe (AWS only returns it when it was set).
        self.assertNotIn("ThresholdType", got[1])
        self.assertEqual(self.subscribers(ACTUAL_80), [EMAIL, SNS])
        # A notification is found by type, comparison, threshold and threshold type; PERCENTAGE is the default.
        self.assertEqual(self.subscribers(dict(FORECAST_100, ThresholdType="PERCENTAGE")), [EMAIL])
        self.assertEqual(self.subscribers(dict(ACTUAL_80, Threshold=80.0, NotificationState="OK")), [EMAIL, SNS])
        self.assertError("NotFoundException", self.budgets.describe_subscribers_for_notification,
                         AccountId=ACCOUNT, BudgetName="monthly", Notification=dict(ACTUAL_80, Threshold=81))

    def test_create_update_delete_notification(self) -> None:
        self.create()
        self.assertEqual(self.notifications(), [])
        self.budgets.create_notification(AccountId=ACCOUNT, BudgetName="monthly", Notification=ACTUAL_80,
                                         Subscribers=[EMAIL])
        self.assertError("DuplicateRecordException", self.budgets.create_notification, AccountId=ACCOUNT,
                         BudgetName="monthly", Notification=dict(ACTUAL_80, Threshold=80.0), Subscribers=[EMAIL])
        self.budgets.update_notification(AccountId=ACCOUNT, BudgetName="monthly", OldNotification=ACTUAL_80,
                                         NewNotification=dict(ACTUAL_80, Threshold=90))
        self.assertEqual([n["Threshold"] for n in self.notifications()], [90.0])
        self.assertEqual(self.subscribers(dict(ACTUAL_80, Threshold=90)), [EMAIL])
        # Deleting takes the notification as the API names it (without NotificationState, default type).
        self.budgets.delete_notification(AccountId=ACCOUNT, BudgetName="monthly",
                                         Notification={"NotificationType": "ACTUAL",
                                                       "ComparisonOperator": "GREATER_THAN", "Threshold": 90})
        self.assertEqual(self.notifications(), [])
        self.assertError("NotFoundException", self.budgets.delete_notification, AccountId=ACCOUNT,
                         BudgetName="monthly", Notification=ACTUAL_80)
        self.assertError("NotFoundException", self.budgets.describe_notifications_for_budget,
                         AccountId=ACCOUNT, BudgetName="missing")

    def test_notification_quota(self) -> None:
        self.create(notifications=[{"Notification": dict(ACTUAL_80, Threshold=t), "Subscribers": [EMAIL]}
                                   for t in range(10)])
        self.assertError("CreationLimitExceededException", self.budgets.create_notification, AccountId=ACCOUNT,
                         BudgetName="monthly", Notification=dict(ACTUAL_80, Threshold=99), Subscribers=[EMAIL])


class SubscriberTests(BudgetsTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.create(notifications=[{"Notification": ACTUAL_80, "Subscribers": [EMAIL]}])

    def call(self, fn: Any, **kwargs: Any) -> Any:
        return fn(AccountId=ACCOUNT, BudgetName="monthly", Notification=ACTUAL_80, **kwargs)

    def test_create_update_delete(self) -> None:
        self.call(self.budgets.create_subscriber, Subscriber=SNS)
        self.assertEqual(self.subscribers(ACTUAL_80), [EMAIL, SNS])
        new_sns = dict(SNS, Address=SNS["Address"] + "-2")
        # One SNS topic per notification: a second is refused, swapping it in place works.
        self.assertError("CreationLimitExceededException", self.call, self.budgets.create_subscriber,
                         Subscriber=new_sns)
        self.call(self.budgets.update_subscriber, OldSubscriber=SNS, NewSubscriber=new_sns)
        self.assertEqual(self.subscribers(ACTUAL_80), [EMAIL, new_sns])
        self.assertError("DuplicateRecordException", self.call, self.budgets.create_subscriber, Subscriber=EMAIL)
        self.assertError("DuplicateRecordException", self.call, self.budgets.update_subscriber,
                         OldSubscriber=new_sns, NewSubscriber=EMAIL)
        self.assertError("NotFoundException", self.call, self.budgets.update_subscriber, OldSubscriber=SNS,
                         NewSubscriber=new_sns)
        self.call(self.budgets.delete_subscriber, Subscriber=new_sns)
        self.assertEqual(self.subscribers(ACTUAL_80), [EMAIL])
        self.assertError("NotFoundException", self.call, self.budgets.delete_subscriber, Subscriber=SNS)

    def test_email_quota(self) -> None:
        for i in range(9):
            self.call(self.budgets.create_subscriber,
                      Subscriber={"SubscriptionType": "EMAIL", "Address": f"u{i}@example.com"})
        self.assertError("CreationLimitExceededException", self.call, self.budgets.create_subscriber,
                         Subscriber={"SubscriptionType": "EMAIL", "Address": "one-too-many@example.com"})
        self.assertEqual(len(self.subscribers(ACTUAL_80)), 10)

    def test_paging(self) -> None:
        for i in range(4):
            self.call(self.budgets.create_subscriber,
                      Subscriber={"SubscriptionType": "EMAIL", "Address": f"u{i}@example.com"})
        page = self.call(self.budgets.describe_subscribers_for_notification, MaxResults=2)
        self.assertEqual(len(page["Subscribers"]), 2)
        rest = self.call(self.budgets.describe_subscribers_for_notification, NextToken=page["NextToken"])
        self.assertEqual(len(rest["Subscribers"]), 3)
        self.assertNotIn("NextToken", rest)

    def test_unknown_budget_or_notification(self) -> None:
        self.assertError("NotFoundException", self.budgets.create_subscriber, AccountId=ACCOUNT,
                         BudgetName="missing", Notification=ACTUAL_80, Subscriber=SNS)
        self.assertError("NotFoundException", self.budgets.describe_subscribers_for_notification,
                         AccountId=ACCOUNT, BudgetName="missing", Notification=ACTUAL_80)
        self.assertError("NotFoundException", self.budgets.create_subscriber, AccountId=ACCOUNT,
                         BudgetName="monthly", Notification=FORECAST_100, Subscriber=SNS)


class TagTests(BudgetsTestCase):
    def test_resource_tags_on_create_and_tagging_operations(self) -> None:
        self.create(tags=[{"Key": "awsbaseline.io/owner-uid", "Value": "u-1"}])
        self.create("untagged")
        arn = ARN + "monthly"
        self.assertEqual(self.budgets.list_tags_for_resource(ResourceARN=arn)["ResourceTags"],
                         [{"Key": "awsbaseline.io/owner-uid", "Value": "u-1"}])
        self.assertEqual(self.budgets.list_tags_for_resource(ResourceARN=ARN + "untagged")["ResourceTags"], [])
        self.budgets.tag_resource(ResourceARN=arn, ResourceTags=[{"Key": "team", "Value": "finops"},
                                                                 {"Key": "awsbaseline.io/owner-uid",
                                                                  "Value": "u-2"}])
        self.budgets.untag_resource(ResourceARN=arn, ResourceTagKeys=["team"])
        self.assertEqual(self.budgets.list_tags_for_resource(ResourceARN=arn)["ResourceTags"],
                         [{"Key": "awsbaseline.io/owner-uid", "Value": "u-2"}])
        # Tags go with the budget: a new budget of the same name starts without them.
        self.budgets.delete_budget(AccountId=ACCOUNT, BudgetName="monthly")
        self.assertError("NotFoundException", self.budgets.list_tags_for_resource, ResourceARN=arn)
        self.create()
        self.assertEqual(self.budgets.list_tags_for_resource(ResourceARN=arn)["ResourceTags"], [])

    def test_bad_tags_and_arns(self) -> None:
        self.assertError("InvalidParameterException", self.create,
                         tags=[{"Key": "a", "Value": "1"}, {"Key": "a", "Value": "2"}])
        self.assertEqual(self.budgets.describe_budgets(AccountId=ACCOUNT)["Budgets"], [])
        self.assertError("NotFoundException", self.budgets.list_tags_for_resource,
                         ResourceARN="arn:aws:budgets::123456789012:budget/missing")
        self.assertError("NotFoundException", self.budgets.tag_resource,
                         ResourceARN="arn:aws:sns:us-east-1:123456789012:topic",
                         ResourceTags=[{"Key": "a", "Value": "1"}])


class WireAndScopingTests(BudgetsTestCase):
    def raw(self, action: str, body: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        return harness.raw_request("budgets", "POST", "/", body, target=f"AWSBudgetServiceGateway.{action}")

    def test_error_shape(self) -> None:
        status, body = self.raw("DescribeNotificationsForBudget", {"AccountId": ACCOUNT, "BudgetName": "missing"})
        self.assertEqual((status, body["__type"]), (400, "NotFoundException"))
        self.assertIn("missing", body["Message"])
        # moto answered HTTP 500 (KeyError) here.
        status, body = self.raw("DescribeBudgets", {"AccountId": ACCOUNT})
        self.assertEqual((status, body), (200, {"Budgets": []}))

    def test_unknown_operation_unchanged(self) -> None:
        status = self.raw("DescribeBudgetActionsForAccount", {"AccountId": ACCOUNT})[0]
        self.assertEqual(status, 500)

    def test_account_scoping(self) -> None:
        self.create(tags=[{"Key": "k", "Value": "v"}])
        sts = client("sts")
        creds = sts.assume_role(RoleArn="arn:aws:iam::111111111111:role/operator",
                                RoleSessionName="self-test")["Credentials"]
        other = client(aws_access_key_id=creds["AccessKeyId"], aws_secret_access_key=creds["SecretAccessKey"],
                       aws_session_token=creds["SessionToken"])
        self.assertEqual(other.describe_budgets(AccountId="111111111111")["Budgets"], [])
        other.create_budget(AccountId="111111111111", Budget=self.budget())
        self.assertError("NotFoundException", other.list_tags_for_resource,
                         ResourceARN="arn:aws:budgets::111111111111:budget/other")
        self.assertEqual(self.budgets.list_tags_for_resource(ResourceARN=ARN + "monthly")["ResourceTags"],
                         [{"Key": "k", "Value": "v"}])
        self.assertEqual(len(self.budgets.describe_budgets(AccountId=ACCOUNT)["Budgets"]), 1)

    def test_unimplemented_parts_of_moto_still_work(self) -> None:
        # moto's own operations not replaced by the extension keep working next to it.
        self.create()
        self.budgets.delete_budget(AccountId=ACCOUNT, BudgetName="monthly")
        self.assertEqual(self.budgets.describe_budgets(AccountId=ACCOUNT)["Budgets"], [])


if __name__ == "__main__":
    unittest.main(verbosity=2)
