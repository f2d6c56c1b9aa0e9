"""AWS reads and writes of the dispatcher: accounts under organizational units, and the work queue."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

from ...platform.errors import AWS_ERRORS, AwsCallError, AwsReadError
from ..members import TargetMessage

# SendMessageBatch takes at most 10 entries.
MESSAGES_PER_BATCH = 10
# Suspended and closing accounts have nothing to read, and their reader role cannot be assumed.
READABLE_ACCOUNT_STATES = frozenset({"ACTIVE"})


class DispatchError(AwsCallError):
    """Work messages could not be put on the collector's queue."""


def accounts_under(organizations: Any, unit_id: str) -> list[str]:
    """The active accounts under an organizational unit (or root), its child units included."""
    accounts: list[str] = []
    for parent in _units_under(organizations, unit_id):
        try:
            pages = organizations.get_paginator("list_accounts_for_parent").paginate(ParentId=parent)
            for page in pages:
                for account in page.get("Accounts", []):
                    # `State` replaces the older `Status`; an answer may carry either.
                    if account.get("State", account.get("Status")) in READABLE_ACCOUNT_STATES:
                        accounts.append(account["Id"])
        except AWS_ERRORS as err:
            raise AwsReadError.wrap("ListAccountsForParent", err, {"organizationalUnit": parent}) from err
    return accounts


def _units_under(organizations: Any, unit_id: str) -> Iterator[str]:
    yield unit_id
    try:
        pages = organizations.get_paginator("list_organizational_units_for_parent").paginate(ParentId=unit_id)
        children = [unit["Id"] for page in pages for unit in page.get("OrganizationalUnits", [])]
    except AWS_ERRORS as err:
        raise AwsReadError.wrap("ListOrganizationalUnitsForParent", err, {"organizationalUnit": unit_id}) from err
    for child in children:
        yield from _units_under(organizations, child)


def send_work(sqs: Any, queue_url: str, messages: Sequence[TargetMessage]) -> tuple[int, list[DispatchError]]:
    """Put the messages on the queue, 10 per call; return the calls made and a failure per message not put."""
    calls, errors = 0, []
    for start in range(0, len(messages), MESSAGES_PER_BATCH):
        batch = messages[start : start + MESSAGES_PER_BATCH]
        calls += 1
        entries = [{"Id": str(i), "MessageBody": m.body()} for i, m in enumerate(batch)]
        try:
            failed = sqs.send_message_batch(QueueUrl=queue_url, Entries=entries).get("Failed", [])
        except AWS_ERRORS as err:
            errors += [DispatchError.wrap("SendMessageBatch", err, _where(m)) for m in batch]
            continue
        for entry in failed:
            message = batch[int(entry["Id"])]
            errors.append(
                DispatchError(
                    "SendMessageBatch", entry.get("Code", "Unknown"), entry.get("Message", ""), _where(message)
                )
            )
    return calls, errors


def _where(message: TargetMessage) -> dict[str, str]:
    return {"account": message.account_id, "region": message.region}
