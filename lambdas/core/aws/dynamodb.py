"""The expiring tables: the incident windows (one conditional write claims the right to email an incident) and,
in hub mode, the targets' failure streaks."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from botocore.exceptions import ClientError

from lambdas.core.errors import AWS_ERRORS, AwsReadError, DedupeError, PublishError
from lambdas.core.streaks import KEPT_FOR, FailureStreak

INCIDENT_KEY = "incident"
# Epoch seconds; the table's TTL attribute, so DynamoDB deletes expired claims on its own (within days).
EXPIRES_AT = "expiresAt"
# The number of incidents a counter item holds (count_in_window).
COUNT = "count"


def claim_incident_window(dynamodb: Any, table: str, incident_key: str, now: datetime, until: datetime) -> bool:
    """True if this call opened a new window for incident_key (send the email), False if one is open."""
    try:
        dynamodb.put_item(
            TableName=table,
            Item={INCIDENT_KEY: {"S": incident_key}, EXPIRES_AT: {"N": str(int(until.timestamp()))}},
            # TTL deletion is lazy, so an expired claim may still be there: the condition checks the time itself.
            ConditionExpression="attribute_not_exists(#key) OR #expires <= :now",
            ExpressionAttributeNames={"#key": INCIDENT_KEY, "#expires": EXPIRES_AT},
            ExpressionAttributeValues={":now": {"N": str(int(now.timestamp()))}},
        )
    except ClientError as err:
        if err.response.get("Error", {}).get("Code") == "ConditionalCheckFailedException":
            return False
        raise DedupeError.wrap("PutItem", err, {"incident": incident_key}) from err
    except AWS_ERRORS as err:
        raise DedupeError.wrap("PutItem", err, {"incident": incident_key}) from err
    return True


def release_incident_window(dynamodb: Any, table: str, incident_key: str) -> None:
    """Forget a claim whose email could not be sent, so the next event of the incident tries again."""
    try:
        dynamodb.delete_item(TableName=table, Key={INCIDENT_KEY: {"S": incident_key}})
    except AWS_ERRORS as err:
        raise DedupeError.wrap("DeleteItem", err, {"incident": incident_key}) from err


def count_in_window(dynamodb: Any, table: str, counter_key: str, until: datetime) -> int:
    """Add one to the counter counter_key (it expires at until) and return its new value, atomically."""
    try:
        response = dynamodb.update_item(
            TableName=table,
            Key={INCIDENT_KEY: {"S": counter_key}},
            UpdateExpression="ADD #count :one SET #expires = :until",
            ExpressionAttributeNames={"#count": COUNT, "#expires": EXPIRES_AT},
            ExpressionAttributeValues={":one": {"N": "1"}, ":until": {"N": str(int(until.timestamp()))}},
            ReturnValues="UPDATED_NEW",
        )
    except AWS_ERRORS as err:
        raise DedupeError.wrap("UpdateItem", err, {"counter": counter_key}) from err
    return int(response["Attributes"][COUNT]["N"])


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
