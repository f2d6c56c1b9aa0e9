"""Exhaustion-event handler (EventBridge rules on ECS and Auto Scaling failures)."""

from dataclasses import asdict
from datetime import UTC, datetime
from typing import Any

from aws_lambda_powertools import Logger
from aws_lambda_powertools.utilities.typing import LambdaContext

from lambdas.aws.clients import aws_client
from lambdas.event_handling import EventClients, handle_exhaustion_event
from lambdas.settings import EventHandlerSettings, load_settings

logger = Logger()


@logger.inject_lambda_context
def handler(event: Any, context: LambdaContext) -> dict[str, Any]:
    """Count the event, email its incident once per window, and return what became of it."""
    settings = load_settings(EventHandlerSettings)
    clients = EventClients(*(aws_client(s) for s in ("cloudwatch", "sns", "dynamodb", "sqs", "ec2")))
    return asdict(handle_exhaustion_event(event, clients, settings, datetime.now(UTC)))
