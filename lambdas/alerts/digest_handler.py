"""Weekly capacity digest (EventBridge schedule, monitor:digestSchedule)."""

from dataclasses import asdict
from datetime import UTC, datetime
from typing import Any

from aws_lambda_powertools import Logger
from aws_lambda_powertools.utilities.typing import LambdaContext

from ..platform.settings import load_settings
from ..platform.targets import own_target
from .pipeline import send_digest
from .settings import DigestSettings

logger = Logger()


@logger.inject_lambda_context
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    """Send the weekly capacity digest and return what it sent; raise if it could not be sent."""
    settings = load_settings(DigestSettings)
    return asdict(send_digest(own_target(context), settings, datetime.now(UTC)))
