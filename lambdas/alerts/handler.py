"""Alert composer: each alarm contributor entering ALARM or OK (EventBridge), emailed once per window."""

from dataclasses import asdict
from datetime import UTC, datetime
from typing import Any

from aws_lambda_powertools import Logger
from aws_lambda_powertools.utilities.typing import LambdaContext

from ..platform.settings import load_settings
from ..platform.targets import own_target
from .pipeline import compose_alert
from .settings import ComposerSettings

logger = Logger()


@logger.inject_lambda_context
def handler(event: Any, context: LambdaContext) -> dict[str, Any]:
    """Email one alarm contributor's transition (once per window) and return what became of it."""
    settings = load_settings(ComposerSettings)
    return asdict(compose_alert(event, own_target(context), settings, datetime.now(UTC)))
