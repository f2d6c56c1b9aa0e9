"""The incident windows: one conditional write claims the right to email an incident; a counter caps them."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from botocore.exceptions import ClientError

from ..errors import AWS_ERRORS, DedupeError

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
