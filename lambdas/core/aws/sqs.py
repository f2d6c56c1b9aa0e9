"""The dead-letter queue: where an event the handler could not finish is kept intact."""

from __future__ import annotations

import json
from typing import Any

from lambdas.core.errors import AWS_ERRORS, DeadLetterError

# SQS message attribute values are at most 256 KB with the body; reasons are short, cut them anyway.
MAX_REASON_LENGTH = 1000


def keep_in_dead_letter_queue(sqs: Any, queue_url: str, raw_event: Any, why: str, event_id: str) -> None:
    """Send the event exactly as received (JSON) with why it was kept as a message attribute."""
    try:
        sqs.send_message(
            QueueUrl=queue_url,
            MessageBody=json.dumps(raw_event, default=str),
            MessageAttributes={
                "Reason": {"DataType": "String", "StringValue": why[:MAX_REASON_LENGTH] or "unknown"},
                "EventId": {"DataType": "String", "StringValue": event_id},
            },
        )
    except AWS_ERRORS as err:
        raise DeadLetterError.wrap("SendMessage", err, {"event": event_id}) from err
