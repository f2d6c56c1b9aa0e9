"""The project's own exceptions: adapters raise these so callers never inspect botocore errors or messages.

Capabilities subclass these for their own cases (ecs: ClusterNotFound; events: UnparsableEvent).
"""

from __future__ import annotations

from typing import Self

from botocore.exceptions import BotoCoreError, ClientError


class MonitorError(Exception):
    """Base class of every error this project raises on purpose."""


class SettingsError(MonitorError):
    """A function's environment is missing or malformed (a deploy problem, not a runtime one)."""


class AwsCallError(MonitorError):
    """An AWS call failed after botocore's retries; carries the operation, the error code and the context."""

    def __init__(self, operation: str, code: str, message: str, context: dict[str, str] | None = None):
        self.operation = operation
        self.code = code
        self.context = context or {}
        super().__init__(f"{operation} failed ({code}): {message}")

    def as_failure(self) -> dict[str, str]:
        """The call, the error code and the context, as run reports and event outcomes record them."""
        return {"operation": self.operation, "code": self.code, **self.context}

    @classmethod
    def wrap(cls, operation: str, err: Exception, context: dict[str, str] | None = None) -> Self:
        """Build the project error from a botocore ClientError or BotoCoreError."""
        if isinstance(err, ClientError):
            error = err.response.get("Error", {})
            return cls(operation, error.get("Code", "Unknown"), error.get("Message", str(err)), context)
        return cls(operation, type(err).__name__, str(err), context)


class AwsReadError(AwsCallError):
    """A describe/list call failed: what was read before it is still good."""


class PublishError(AwsCallError):
    """A PutMetricData (or other write) call failed for one batch."""


class NotifyError(AwsCallError):
    """The SNS notification could not be sent."""


class DedupeError(AwsCallError):
    """The incident-window table could not be read or written."""


class DeadLetterError(AwsCallError):
    """A kept event or notification could not be put in its dead-letter queue."""


AWS_ERRORS = (ClientError, BotoCoreError)
