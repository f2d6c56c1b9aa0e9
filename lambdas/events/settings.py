"""Environment of the exhaustion-event handler."""

from __future__ import annotations

from typing import Final

from pydantic import Field

from lambdas.core.settings import MonitorSettings

TOPIC_ARN: Final = "TOPIC_ARN"
INCIDENT_TABLE_NAME: Final = "INCIDENT_TABLE_NAME"
DEDUPE_WINDOW_MINUTES: Final = "DEDUPE_WINDOW_MINUTES"
DEAD_LETTER_QUEUE_URL: Final = "DEAD_LETTER_QUEUE_URL"


class EventHandlerSettings(MonitorSettings):
    """Where emails, claims and kept events go. Every key is set by the stack; none has a default."""

    topic_arn: str = Field(alias=TOPIC_ARN, pattern=r"^arn:aws[a-z-]*:sns:")
    incident_table_name: str = Field(alias=INCIDENT_TABLE_NAME, min_length=3, max_length=255)
    dedupe_window_minutes: int = Field(alias=DEDUPE_WINDOW_MINUTES, ge=1, le=1440)
    dead_letter_queue_url: str = Field(alias=DEAD_LETTER_QUEUE_URL, pattern=r"^https://")
