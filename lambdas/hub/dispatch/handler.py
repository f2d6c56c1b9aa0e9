"""Hub-mode dispatcher (each collector's EventBridge schedule, with the collector and its queue as input)."""

from datetime import UTC, datetime
from typing import Any

from aws_lambda_powertools import Logger
from aws_lambda_powertools.utilities.typing import LambdaContext

from ...platform.settings import load_settings
from ...platform.targets import own_target
from .pipeline import DispatchRequest, dispatch
from .settings import DispatcherSettings

logger = Logger()


@logger.inject_lambda_context
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    """Put one work message per target account and region on the collector's queue; return what was sent."""
    settings = load_settings(DispatcherSettings)
    request = DispatchRequest.model_validate(event)
    return dispatch(own_target(context), settings, request, datetime.now(UTC))
