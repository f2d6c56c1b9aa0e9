"""The event capability's own errors; its adapters raise them and the pipeline maps them by type."""

from __future__ import annotations

from ..platform.errors import MonitorError


class UnparsableEvent(MonitorError):
    """An event that does not have the shape its source and detail-type promise; it is kept, not retried."""

    def __init__(self, event_id: str, reason: str):
        self.event_id = event_id
        self.reason = reason
        super().__init__(f"event {event_id}: {reason}")
