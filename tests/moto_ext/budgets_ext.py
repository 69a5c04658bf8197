"""Adds the AWS Budgets operations moto 5.2.5 lacks (and fixes the ones it gets wrong) for budgets, their
notifications, subscribers and tags.

moto 5.2.5 implements CreateBudget, DescribeBudget(s), DeleteBudget, CreateNotification, DeleteNotification and
DescribeNotificationsForBudget only: no UpdateBudget, no subscriber operations, no tags. Everything here is kept on
moto's own objects: the budgets of ``moto.budgets.models.budgets_backends[account][partition].budgets[AccountId]``
(moto's ``Budget``), their notifications (moto's ``Notification``, whose ``subscribers`` list moto already keeps)
and, as an extra attribute of each ``Budget``, its tags. So the added operations and moto's own see the same state,
a budget's tags go with it when it is deleted, and ``POST /moto-api/reset`` clears everything.

How it hooks in: moto's server turns the ``X-Amz-Target`` action (``AWSBudgetServiceGateway.UpdateBudget``) into
snake case and calls the method of that name on ``moto.budgets.responses.BudgetsResponse``. :func:`apply` sets the
handlers below on that class. Handlers return ``ActionResult`` dicts, which moto serializes against botocore's
Budgets service model, so only members of the documented output shape reach the client; a raised
:class:`BudgetsError` becomes the AWS JSON error (``{"__type": code, "Message": ...}``, HTTP 400).

Request and response shapes follow the AWS Budgets API Reference, one page per operation, e.g.
https://docs.aws.amazon.com/aws-cost-management/latest/APIReference/API_budgets_UpdateBudget.html
"""

from __future__ import annotations

import copy
import re
from collections.abc import Callable
from datetime import datetime, timezone
from decimal import Decimal, InvalidOperation
from typing import Any

from moto.budgets import models as budgets_models
from moto.budgets import responses as budgets_responses
from moto.core.exceptions import ServiceException
from moto.core.responses import ActionResult, EmptyResult
from moto.core.utils import unix_time

import extlib

Response = budgets_responses.BudgetsResponse
Budget = budgets_models.Budget
Notification = budgets_models.Notification

API_REFERENCE = "https://docs.aws.amazon.com/aws-cost-management/latest/APIReference"

# Quotas from the API reference: "A budget can have up to ten notifications"; "a notification can have one SNS
# subscriber and up to 10 email subscribers, for a total of 11" (Notification, NotificationWithSubscribers);
# ResourceTagList has at most 200 members.
MAX_NOTIFICATIONS = 10
MAX_EMAIL_SUBSCRIBERS = 10
MAX_SNS_SUBSCRIBERS = 1
MAX_TAGS = 200
# The TimePeriod end AWS sets when none is given: 06/15/87 00:00 UTC.
DEFAULT_END = 3706473600
# MaxResults bounds: DescribeBudgets (MaxResultsDescribeBudgets) and the other Describe* (MaxResults).
DESCRIBE_BUDGETS_MAX = 1000
DESCRIBE_MAX = 100
DEFAULT_PAGE = 100

# arn:<partition>:budgets::<account>:budget/<name> (Budget: "the Amazon Resource Name (ARN) pattern for a budget")
BUDGET_ARN = re.compile(r"^arn:(aws[a-z-]*):budgets::(\d{12}):budget/(.+)$")


# --------------------------------------------------------------------------------------------------------------
# Errors (AWS JSON error shape, from the Budgets model's error shapes: all HTTP 400 with a Message member)
# --------------------------------------------------------------------------------------------------------------


class BudgetsError(extlib.CodedError, ServiceException):
    """A Budgets error; ``code`` must be an error shape name of the Budgets model."""


def not_found(message: str) -> BudgetsError:
    return BudgetsError("NotFoundException", message)


def invalid(message: str) -> BudgetsError:
    return BudgetsError("InvalidParameterException", message)


def duplicate(message: str) -> BudgetsError:
    return BudgetsError("DuplicateRecordException", message)


def limit_exceeded(message: str) -> BudgetsError:
    return BudgetsError("CreationLimitExceededException", message)


# --------------------------------------------------------------------------------------------------------------
# Helpers
# --------------------------------------------------------------------------------------------------------------


def aws_amount(amount: Any) -> Any:
    """A ``NumericValue`` the way AWS returns it: a decimal with at least one fractional digit ("100" -> "100.0",
    "100.50" -> "100.5"); AWS does not echo the request's spelling, which is why clients compare amounts
    numerically (terraform-provider-aws suppresses the diff between "100" and "100.0")."""
    if not isinstance(amount, str):
        return amount
    try:
        d = Decimal(amount)
    except InvalidOperation:
        return amount
    if d == d.to_integral_value():
        return f"{int(d)}.0"
    return format(d.normalize(), "f")


def notification_key(n: dict[str, Any]) -> tuple[str, str, float, str]:
    """What identifies a notification of a budget: type, comparison, threshold and threshold type (PERCENTAGE when
    left out, the API's default). ``NotificationState`` is output only."""
    try:
        threshold = float(n.get("Threshold"))  # type: ignore[arg-type]
    except (TypeError, ValueError):
        raise invalid("Notification Threshold must be a number.") from None
    return (
        str(n.get("NotificationType")),
        str(n.get("ComparisonOperator")),
        threshold,
        str(n.get("ThresholdType") or "PERCENTAGE"),
    )


def subscriber_key(s: dict[str, Any]) -> tuple[str, str]:
    return str(s.get("SubscriptionType")), str(s.get("Address"))


def validate_notification(n: Any) -> None:
    if not isinstance(n, dict):
        raise invalid("Notification is required.")
    missing = [m for m in ("NotificationType", "ComparisonOperator", "Threshold") if n.get(m) is None]
    if missing:
        raise invalid(f"Notification is missing {', '.join(missing)}.")
    threshold = notification_key(n)[2]
    if not 0 <= threshold <= 15_000_000_000_000:
        raise invalid("Notification Threshold must be between 0 and 15000000000000.")


def validate_subscribers(subscribers: Any, *, at_least_one: bool) -> None:
    """Subscribers of one notification: 1..11, at most one SNS topic and 10 email addresses, no duplicates."""
    if not isinstance(subscribers, list) or (at_least_one and not subscribers):
        raise invalid("A notification needs at least one subscriber.")
    keys = [subscriber_key(s) for s in subscribers]
    for kind, address in keys:
        if kind not in ("SNS", "EMAIL") or not address or address == "None":
            raise invalid("A subscriber needs SubscriptionType SNS or EMAIL and an Address.")
    if len(set(keys)) != len(keys):
        raise duplicate("A subscriber is listed twice.")
    if sum(k == "SNS" for k, _ in keys) > MAX_SNS_SUBSCRIBERS:
        raise limit_exceeded("A notification can have one SNS subscriber.")
    if sum(k == "EMAIL" for k, _ in keys) > MAX_EMAIL_SUBSCRIBERS:
        raise limit_exceeded("A notification can have up to 10 email subscribers.")


def validate_tags(tags: Any) -> list[dict[str, str]]:
    if tags is None:
        return []
    if not isinstance(tags, list) or len(tags) > MAX_TAGS:
        raise invalid(f"ResourceTags must be a list of at most {MAX_TAGS} tags.")
    keys = [t.get("Key") for t in tags]
    if any(not k for k in keys) or len(set(keys)) != len(keys):
        raise invalid("Each tag needs a Key, and each key must be unique for the resource.")
    return [{"Key": str(t["Key"]), "Value": str(t.get("Value", ""))} for t in tags]


def paginate(items: list[Any], max_results: Any, next_token: Any, hi: int) -> tuple[list[Any], str | None]:
    """Index-based NextToken/MaxResults paging (1..hi, default 100); a token from elsewhere is
    InvalidNextTokenException."""
    size = DEFAULT_PAGE if max_results is None else int(max_results)
    if not 1 <= size <= hi:
        raise invalid(f"MaxResults must be between 1 and {hi}.")
    return extlib.page(
        items, size, next_token, lambda: BudgetsError("InvalidNextTokenException", "The pagination token is invalid.")
    )


def default_time_period(time_unit: str) -> dict[str, Any]:
    """TimePeriod when none is given: "the start of your chosen time period" (DAILY: today; MONTHLY: the first of
    the month; QUARTERLY: the first of the quarter; ANNUALLY: January 1st) to 06/15/87 00:00 UTC."""
    now = datetime.now(timezone.utc).replace(hour=0, minute=0, second=0, microsecond=0)
    if time_unit == "MONTHLY":
        now = now.replace(day=1)
    elif time_unit == "QUARTERLY":
        now = now.replace(day=1, month=(now.month - 1) // 3 * 3 + 1)
    elif time_unit == "ANNUALLY":
        now = now.replace(day=1, month=1)
    return {"Start": unix_time(now.replace(tzinfo=None)), "End": DEFAULT_END}


def validate_budget(budget: Any) -> dict[str, Any]:
    """A Budget request member (CreateBudget Budget, UpdateBudget NewBudget)."""
    if not isinstance(budget, dict):
        raise invalid("Budget is required.")
    missing = [m for m in ("BudgetName", "TimeUnit", "BudgetType") if not budget.get(m)]
    if missing:
        raise invalid(f"Budget is missing {', '.join(missing)}.")
    if "BudgetLimit" in budget and "PlannedBudgetLimits" in budget:
        raise invalid("Only one of BudgetLimit or PlannedBudgetLimits can be present.")
    if budget["BudgetType"] in ("COST", "USAGE") and not (
        "BudgetLimit" in budget or "PlannedBudgetLimits" in budget or "AutoAdjustData" in budget
    ):
        # moto's own message (BudgetMissingLimit).
        raise invalid(
            "Unable to create/update budget - please provide one of the followings: Budget Limit/ Planned Budget "
            "Limit/ Auto Adjust Data"
        )
    limit = budget.get("BudgetLimit")
    if limit is not None:
        if not isinstance(limit, dict) or not limit.get("Amount") or not limit.get("Unit"):
            raise invalid("BudgetLimit needs an Amount and a Unit.")
        if not re.fullmatch(r"([0-9]*\.)?[0-9]+", str(limit["Amount"])):
            raise invalid(f"BudgetLimit Amount {limit['Amount']} is not a number.")
    period = budget.get("TimePeriod") or {}
    if period.get("Start") is not None and period.get("End") is not None and period["Start"] >= period["End"]:
        raise invalid("The start date must come before the end date.")
    return budget


def new_budget(budget: dict[str, Any], notifications: list[dict[str, Any]]) -> Budget:
    """moto's ``Budget`` without its constructor's check, which refused every budget without BudgetLimit or
    PlannedBudgetLimits, also RI and Savings Plans budgets, where "BudgetLimit is ... optional" and defaults to
    100 (percent)."""
    if budget["BudgetType"] not in ("COST", "USAGE") and "BudgetLimit" not in budget:
        budget["BudgetLimit"] = {"Amount": "100", "Unit": "PERCENTAGE"}
    obj = Budget.__new__(Budget)
    obj.budget = budget
    obj.notifications = [Notification(details=n["Notification"], subscribers=n["Subscribers"]) for n in notifications]
    obj.budget["LastUpdatedTime"] = unix_time()
    return obj


def get_tags(budget: Budget) -> list[dict[str, str]]:
    return extlib.attached(budget, "_moto_ext_tags", list)


# --------------------------------------------------------------------------------------------------------------
# Handlers
# --------------------------------------------------------------------------------------------------------------

_ORIGINAL: dict[str, Callable[..., Any]] = {}


class ResponseExtension:
    """Handlers copied onto ``BudgetsResponse``; ``self.backend`` is ``budgets_backends[account][partition]``."""

    backend: Any
    _get_param: Callable[..., Any]

    # ---- lookups ------------------------------------------------------------------------------------------

    def _budgets_of(self, account_id: Any) -> dict[str, Budget]:
        if not isinstance(account_id, str) or not re.fullmatch(r"\d{12}", account_id):
            raise invalid("AccountId must be a 12-digit account ID.")
        return self.backend.budgets[account_id]

    def _budget(self, operation: str) -> Budget:
        name = self._get_param("BudgetName")
        budget = self._budgets_of(self._get_param("AccountId")).get(name)
        if budget is None:
            raise not_found(f"Unable to {operation} - the budget {name} doesn't exist.")
        return budget

    @staticmethod
    def _notification(budget: Budget, wanted: Any, operation: str) -> Notification:
        validate_notification(wanted)
        key = notification_key(wanted)
        for n in budget.notifications:
            if notification_key(n.details) == key:
                return n
        raise not_found(f"Unable to {operation} - the notification doesn't exist.")

    def _budget_for_arn(self) -> Budget:
        arn = self._get_param("ResourceARN")
        m = BUDGET_ARN.match(arn or "")
        budget = self.backend.budgets[m.group(2)].get(m.group(3)) if m else None
        if budget is None:
            raise not_found(f"Unable to find the resource {arn}.")
        return budget

    @staticmethod
    def _describe(budget: Budget) -> dict[str, Any]:
        out = budget.to_dict()
        if isinstance(out.get("BudgetLimit"), dict):
            out["BudgetLimit"]["Amount"] = aws_amount(out["BudgetLimit"].get("Amount"))
        for spend in (out.get("PlannedBudgetLimits") or {}).values():
            if isinstance(spend, dict):
                spend["Amount"] = aws_amount(spend.get("Amount"))
        return out

    # ---- budgets ------------------------------------------------------------------------------------------

    def create_budget(self) -> ActionResult:
        # moto ignored ResourceTags, kept any number of notifications and subscribers and stored the Budget
        # member without checking it.
        budgets = self._budgets_of(self._get_param("AccountId"))
        budget = copy.deepcopy(validate_budget(self._get_param("Budget")))
        notifications = self._get_param("NotificationsWithSubscribers") or []
        tags = validate_tags(self._get_param("ResourceTags"))
        if len(notifications) > MAX_NOTIFICATIONS:
            raise invalid(f"A budget can have up to {MAX_NOTIFICATIONS} notifications.")
        seen = set()
        for n in notifications:
            validate_notification(n.get("Notification"))
            validate_subscribers(n.get("Subscribers"), at_least_one=True)
            key = notification_key(n["Notification"])
            if key in seen:
                raise duplicate("A notification is listed twice.")
            seen.add(key)
        name = budget["BudgetName"]
        if name in budgets:
            raise duplicate(f"Error creating budget: {name} - the budget already exists.")
        if "TimePeriod" not in budget:
            budget["TimePeriod"] = default_time_period(budget["TimeUnit"])
        created = new_budget(budget, copy.deepcopy(notifications))
        get_tags(created).extend(tags)
        budgets[name] = created
        return EmptyResult()

    def describe_budget(self) -> ActionResult:
        return ActionResult({"Budget": self._describe(self._budget("get budget"))})

    def describe_budgets(self) -> ActionResult:
        # moto returned every budget with a "nextToken" member the model doesn't have.
        budgets = list(self._budgets_of(self._get_param("AccountId")).values())
        page, token = paginate(
            budgets, self._get_param("MaxResults"), self._get_param("NextToken"), DESCRIBE_BUDGETS_MAX
        )
        return ActionResult({"Budgets": [self._describe(b) for b in page], "NextToken": token})

    def update_budget(self) -> ActionResult:
        """UpdateBudget: "You can change every part of a budget except for the budgetName and the
        calculatedSpend." The NewBudget replaces the stored one; a TimePeriod left out starts over at the start
        of the current period, as for a new budget."""
        new = copy.deepcopy(validate_budget(self._get_param("NewBudget")))
        budgets = self._budgets_of(self._get_param("AccountId"))
        budget = budgets.get(new["BudgetName"])
        if budget is None:
            raise not_found(f"Unable to update budget - the budget {new['BudgetName']} doesn't exist.")
        new.pop("CalculatedSpend", None)
        if "TimePeriod" not in new:
            new["TimePeriod"] = default_time_period(new["TimeUnit"])
        if new["BudgetType"] not in ("COST", "USAGE") and "BudgetLimit" not in new:
            new["BudgetLimit"] = {"Amount": "100", "Unit": "PERCENTAGE"}
        new["LastUpdatedTime"] = unix_time()
        budget.budget = new
        return EmptyResult()

    def delete_budget(self) -> ActionResult:
        # The budget's notifications, subscribers and tags live on moto's Budget and go with it.
        budgets = self._budgets_of(self._get_param("AccountId"))
        name = self._get_param("BudgetName")
        if budgets.pop(name, None) is None:
            raise not_found(f"Unable to delete budget: {name} - the budget doesn't exist.")
        return EmptyResult()

    # ---- notifications ------------------------------------------------------------------------------------

    def create_notification(self) -> ActionResult:
        # moto accepted duplicates, any number of notifications and subscribers.
        budget = self._budget("create notification")
        notification = self._get_param("Notification")
        subscribers = self._get_param("Subscribers")
        validate_notification(notification)
        validate_subscribers(subscribers, at_least_one=True)
        key = notification_key(notification)
        if any(notification_key(n.details) == key for n in budget.notifications):
            raise duplicate("Unable to create notification - the notification already exists.")
        if len(budget.notifications) >= MAX_NOTIFICATIONS:
            raise limit_exceeded(f"A budget can have up to {MAX_NOTIFICATIONS} notifications.")
        budget.add_notification(copy.deepcopy(notification), copy.deepcopy(subscribers))
        return EmptyResult()

    def delete_notification(self) -> ActionResult:
        # moto compared the whole request dict (so a notification sent without its default ThresholdType, or with
        # NotificationState, was never found) and answered success for a notification that doesn't exist.
        budget = self._budget("delete notification")
        n = self._notification(budget, self._get_param("Notification"), "delete notification")
        budget.notifications.remove(n)
        return EmptyResult()

    def update_notification(self) -> ActionResult:
        budget = self._budget("update notification")
        old = self._notification(budget, self._get_param("OldNotification"), "update notification")
        new = self._get_param("NewNotification")
        validate_notification(new)
        key = notification_key(new)
        if key != notification_key(old.details) and any(
            notification_key(n.details) == key for n in budget.notifications
        ):
            raise duplicate("Unable to update notification - the new notification already exists.")
        old.details = copy.deepcopy(new)
        return EmptyResult()

    def describe_notifications_for_budget(self) -> ActionResult:
        # moto answered HTTP 500 (KeyError) for an unknown budget and had no paging.
        budget = self._budget("describe notifications")
        items = [copy.deepcopy(n.details) for n in budget.notifications]
        page, token = paginate(items, self._get_param("MaxResults"), self._get_param("NextToken"), DESCRIBE_MAX)
        return ActionResult({"Notifications": page, "NextToken": token})

    # ---- subscribers --------------------------------------------------------------------------------------

    def describe_subscribers_for_notification(self) -> ActionResult:
        budget = self._budget("describe subscribers")
        n = self._notification(budget, self._get_param("Notification"), "describe subscribers")
        items = [copy.deepcopy(s) for s in n.subscribers]
        page, token = paginate(items, self._get_param("MaxResults"), self._get_param("NextToken"), DESCRIBE_MAX)
        return ActionResult({"Subscribers": page, "NextToken": token})

    def create_subscriber(self) -> ActionResult:
        budget = self._budget("create subscriber")
        n = self._notification(budget, self._get_param("Notification"), "create subscriber")
        subscriber = self._get_param("Subscriber")
        validate_subscribers([subscriber], at_least_one=True)
        if subscriber_key(subscriber) in {subscriber_key(s) for s in n.subscribers}:
            raise duplicate("Unable to create subscriber - the subscriber already exists.")
        validate_subscribers(n.subscribers + [subscriber], at_least_one=True)
        n.subscribers.append(copy.deepcopy(subscriber))
        return EmptyResult()

    def delete_subscriber(self) -> ActionResult:
        budget = self._budget("delete subscriber")
        n = self._notification(budget, self._get_param("Notification"), "delete subscriber")
        key = subscriber_key(self._get_param("Subscriber") or {})
        kept = [s for s in n.subscribers if subscriber_key(s) != key]
        if len(kept) == len(n.subscribers):
            raise not_found("Unable to delete subscriber - the subscriber doesn't exist.")
        n.subscribers = kept
        return EmptyResult()

    def update_subscriber(self) -> ActionResult:
        budget = self._budget("update subscriber")
        n = self._notification(budget, self._get_param("Notification"), "update subscriber")
        old = subscriber_key(self._get_param("OldSubscriber") or {})
        new = self._get_param("NewSubscriber")
        validate_subscribers([new], at_least_one=True)
        keys = [subscriber_key(s) for s in n.subscribers]
        if old not in keys:
            raise not_found("Unable to update subscriber - the subscriber doesn't exist.")
        if subscriber_key(new) != old and subscriber_key(new) in keys:
            raise duplicate("Unable to update subscriber - the new subscriber already exists.")
        updated = [copy.deepcopy(new) if subscriber_key(s) == old else s for s in n.subscribers]
        validate_subscribers(updated, at_least_one=True)
        n.subscribers = updated
        return EmptyResult()

    # ---- tags ---------------------------------------------------------------------------------------------

    def list_tags_for_resource(self) -> ActionResult:
        return ActionResult({"ResourceTags": copy.deepcopy(get_tags(self._budget_for_arn()))})

    def tag_resource(self) -> ActionResult:
        budget = self._budget_for_arn()
        new = validate_tags(self._get_param("ResourceTags"))
        tags = {t["Key"]: t["Value"] for t in get_tags(budget)}
        tags.update({t["Key"]: t["Value"] for t in new})
        if len(tags) > MAX_TAGS:
            raise BudgetsError("ServiceQuotaExceededException", f"A budget can have at most {MAX_TAGS} tags.")
        get_tags(budget)[:] = [{"Key": k, "Value": v} for k, v in tags.items()]
        return EmptyResult()

    def untag_resource(self) -> ActionResult:
        budget = self._budget_for_arn()
        keys = set(self._get_param("ResourceTagKeys") or [])
        get_tags(budget)[:] = [t for t in get_tags(budget) if t["Key"] not in keys]
        return EmptyResult()


# --------------------------------------------------------------------------------------------------------------
# apply()
# --------------------------------------------------------------------------------------------------------------

ADDED_OPERATIONS: list[str] = []
FIXED_OPERATIONS: list[str] = []


@extlib.once
def apply() -> None:
    """Patch moto's Budgets response class. Idempotent; call before serving requests."""
    added, replaced = extlib.install(Response, ResponseExtension, "Response", _ORIGINAL)
    extlib.record_operations(ADDED_OPERATIONS, FIXED_OPERATIONS, added, replaced)
