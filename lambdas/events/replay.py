"""The envelope `subnet-ip-monitor replay` sends a kept event in, so the handler neither keeps it again (the
queue still holds the original until the replay succeeds) nor counts it twice."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

REPLAY_KEY = "subnetIpMonitorReplay"
# The stack outputs the command finds the handler and its dead-letter queue by (infra/events.py writes them).
HANDLER_OUTPUT = "EventHandlerName"
QUEUE_OUTPUT = "EventsDeadLetterQueueUrl"
POLICY_OUTPUT = "ReplayPolicyArn"


@dataclass(frozen=True)
class Replay:
    """A kept event sent again: which message it came from, and whether it was counted when first handled."""

    message_id: str
    counted: bool


def wrap(event: Any, message_id: str, *, counted: bool) -> dict[str, Any]:
    """The payload that replays event, kept as message_id."""
    return {REPLAY_KEY: {"messageId": message_id, "counted": counted}, "event": event}


def unwrap(payload: Any) -> tuple[Any, Replay | None]:
    """The event and, if payload is a replay envelope, what the replay says; anything else is the event itself."""
    if isinstance(payload, dict) and set(payload) == {REPLAY_KEY, "event"} and isinstance(payload[REPLAY_KEY], dict):
        meta = payload[REPLAY_KEY]
        return payload["event"], Replay(str(meta.get("messageId", "")), meta.get("counted") is True)
    return payload, None
