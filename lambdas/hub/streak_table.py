"""The hub's failure-streak table: one item per failing target and collector, expiring KEPT_FOR after its last
failure."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from ..platform.aws.dynamodb import EXPIRES_AT
from ..platform.errors import AWS_ERRORS, AwsReadError, PublishError
from .streaks import KEPT_FOR, FailureStreak

STREAK_KEY = "target"


def get_streak(dynamodb: Any, table: str, key: str) -> FailureStreak | None:
    """The target's failure streak for a collector, None if it has none; raise AwsReadError."""
    try:
        item = dynamodb.get_item(TableName=table, Key={STREAK_KEY: {"S": key}}, ConsistentRead=True).get("Item")
    except AWS_ERRORS as err:
        raise AwsReadError.wrap("GetItem", err, {"streak": key}) from err
    return _streak(item) if item else None


def put_streak(dynamodb: Any, table: str, streak: FailureStreak) -> None:
    """Keep the streak, expiring KEPT_FOR after its last failure; raise PublishError."""
    item = {
        STREAK_KEY: {"S": streak.key},
        "collector": {"S": streak.collector},
        "accountId": {"S": streak.account_id},
        "region": {"S": streak.region},
        "runs": {"N": str(streak.runs)},
        "firstFailedAt": {"S": streak.first_failed_at.isoformat()},
        "lastFailedAt": {"S": streak.last_failed_at.isoformat()},
        "lastError": {"S": streak.last_error},
        "periodMinutes": {"N": str(streak.period_minutes)},
        EXPIRES_AT: {"N": str(int((streak.last_failed_at + KEPT_FOR).timestamp()))},
    }
    try:
        dynamodb.put_item(TableName=table, Item=item)
    except AWS_ERRORS as err:
        raise PublishError.wrap("PutItem", err, {"streak": streak.key}) from err


def scan_streaks(dynamodb: Any, table: str) -> list[FailureStreak]:
    """Every streak kept (a handful: only failing targets have one); raise AwsReadError."""
    try:
        pages = dynamodb.get_paginator("scan").paginate(TableName=table, ConsistentRead=True)
        return [_streak(item) for page in pages for item in page.get("Items", [])]
    except AWS_ERRORS as err:
        raise AwsReadError.wrap("Scan", err, {"table": table}) from err


def _streak(item: dict[str, Any]) -> FailureStreak:
    return FailureStreak(
        collector=item["collector"]["S"],
        account_id=item["accountId"]["S"],
        region=item["region"]["S"],
        runs=int(item["runs"]["N"]),
        first_failed_at=datetime.fromisoformat(item["firstFailedAt"]["S"]),
        last_failed_at=datetime.fromisoformat(item["lastFailedAt"]["S"]),
        last_error=item["lastError"]["S"],
        period_minutes=int(item["periodMinutes"]["N"]),
    )
