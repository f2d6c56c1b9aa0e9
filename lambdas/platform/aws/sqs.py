"""The dead-letter queue: where an event the handler could not finish is kept intact."""

from __future__ import annotations

import json
from typing import Any

from ..errors import AWS_ERRORS, DeadLetterError

# SQS message attribute values are at most 256 KB with the body; reasons are short, cut them anyway.
MAX_REASON_LENGTH = 1000
# The message attributes of a kept message (the replay command reads them back).
REASON_ATTRIBUTE = "Reason"
EVENT_ID_ATTRIBUTE = "EventId"
COUNTED_ATTRIBUTE = "Counted"


def send_to_dead_letter_queue(
    sqs: Any, queue_url: str, raw_event: Any, why: str, event_id: str, *, counted: str | None = None
) -> None:
    """Send the event exactly as received (JSON) with why it was kept as a message attribute, and Counted (the
    metric its point was published to) when it was counted before it was kept (a replay does not count it again)."""
    attributes = {
        REASON_ATTRIBUTE: {"DataType": "String", "StringValue": why[:MAX_REASON_LENGTH] or "unknown"},
        EVENT_ID_ATTRIBUTE: {"DataType": "String", "StringValue": event_id},
    }
    if counted:
        attributes[COUNTED_ATTRIBUTE] = {"DataType": "String", "StringValue": counted}
    try:
        sqs.send_message(
            QueueUrl=queue_url, MessageBody=json.dumps(raw_event, default=str), MessageAttributes=attributes
        )
    except AWS_ERRORS as err:
        raise DeadLetterError.wrap("SendMessage", err, {"event": event_id}) from err
