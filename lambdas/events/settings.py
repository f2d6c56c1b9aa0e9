"""Environment of the exhaustion-event handler."""

from __future__ import annotations

from lambdas.core.settings import NotifySettings


class EventHandlerSettings(NotifySettings):
    """Where emails, claims and kept events go. Every key is set by the stack; none has a default."""
