"""The incident windows: one conditional write claims the right to email an incident; a counter caps them; a
storm's members are sets of one item (lambdas/alerts/storm.py)."""

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


def add_to_set(
    dynamodb: Any, table: str, item_key: str, field: str, members: set[str], *, now: datetime, until: datetime
) -> dict[str, set[str]]:
    """Add members to the string set field of item_key (an item that expires at until, counted from its first
    write); return every set of the item as it was before (an expired item counts as empty, and is replaced)."""
    names = {"#field": field, "#expires": EXPIRES_AT}
    values = {":members": {"SS": sorted(members)}, ":until": {"N": str(int(until.timestamp()))}}
    try:
        try:
            response = dynamodb.update_item(
                TableName=table,
                Key={INCIDENT_KEY: {"S": item_key}},
                UpdateExpression="ADD #field :members SET #expires = if_not_exists(#expires, :until)",
                # TTL deletion is lazy: an expired item must not merge into a new window.
                ConditionExpression="attribute_not_exists(#expires) OR #expires > :now",
                ExpressionAttributeNames=names,
                ExpressionAttributeValues={**values, ":now": {"N": str(int(now.timestamp()))}},
                ReturnValues="ALL_OLD",
            )
        except ClientError as err:
            if err.response.get("Error", {}).get("Code") != "ConditionalCheckFailedException":
                raise
            dynamodb.put_item(
                TableName=table,
                Item={INCIDENT_KEY: {"S": item_key}, field: values[":members"], EXPIRES_AT: values[":until"]},
            )
            return {}
    except AWS_ERRORS as err:
        raise DedupeError.wrap("UpdateItem", err, {"item": item_key}) from err
    return _sets(response.get("Attributes", {}))


def remove_from_set(dynamodb: Any, table: str, item_key: str, field: str, members: set[str]) -> None:
    """Take members out of the string set field of item_key (a grouped message that could not be sent)."""
    try:
        dynamodb.update_item(
            TableName=table,
            Key={INCIDENT_KEY: {"S": item_key}},
            UpdateExpression="DELETE #field :members",
            ExpressionAttributeNames={"#field": field},
            ExpressionAttributeValues={":members": {"SS": sorted(members)}},
        )
    except AWS_ERRORS as err:
        raise DedupeError.wrap("UpdateItem", err, {"item": item_key}) from err


def read_sets(dynamodb: Any, table: str, item_key: str, now: datetime) -> dict[str, set[str]]:
    """Every string set of item_key, read consistently; empty when it is not there or has expired."""
    try:
        item = dynamodb.get_item(TableName=table, Key={INCIDENT_KEY: {"S": item_key}}, ConsistentRead=True).get("Item")
    except AWS_ERRORS as err:
        raise DedupeError.wrap("GetItem", err, {"item": item_key}) from err
    if not item or int(item.get(EXPIRES_AT, {}).get("N", "0")) <= int(now.timestamp()):
        return {}
    return _sets(item)


def _sets(item: dict[str, Any]) -> dict[str, set[str]]:
    return {name: set(value["SS"]) for name, value in item.items() if "SS" in value}
