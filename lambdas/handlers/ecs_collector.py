"""Scheduled ECS ENI collector (EventBridge rule, every few minutes)."""

from datetime import UTC, datetime
from typing import Any

from aws_lambda_powertools import Logger
from aws_lambda_powertools.utilities.typing import LambdaContext

from lambdas.aws.clients import aws_client
from lambdas.collection import Deadline
from lambdas.ecs_collection import PUBLISH_RESERVE_MS, collect_ecs_metrics
from lambdas.settings import EcsCollectorSettings, load_settings

logger = Logger()


@logger.inject_lambda_context
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    """Publish ENI headroom per cluster and return the run report (with trunking findings)."""
    deadline = Deadline(context.get_remaining_time_in_millis, PUBLISH_RESERVE_MS)
    settings = load_settings(EcsCollectorSettings)
    clients = aws_client("ecs"), aws_client("ec2"), aws_client("cloudwatch")
    report, _ = collect_ecs_metrics(*clients, settings, datetime.now(UTC), deadline=deadline)
    return report.as_dict()
