"""Exhaustion-event handler (the EventBridge rules of lambdas/events/kinds/)."""

from dataclasses import asdict
from datetime import UTC, datetime
from typing import Any

from aws_lambda_powertools import Logger
from aws_lambda_powertools.utilities.typing import LambdaContext

from ..platform.settings import load_settings
from ..platform.targets import own_target
from .pipeline import handle_exhaustion_event
from .replay import unwrap
from .settings import EventHandlerSettings

logger = Logger()


@logger.inject_lambda_context
def handler(event: Any, context: LambdaContext) -> dict[str, Any]:
    """Count the event, email its incident once per window, and return what became of it."""
    settings = load_settings(EventHandlerSettings)
    raw, replay = unwrap(event)
    return asdict(handle_exhaustion_event(raw, own_target(context), settings, datetime.now(UTC), replay))
