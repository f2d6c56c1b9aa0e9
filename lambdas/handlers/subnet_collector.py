"""Scheduled subnet collector (EventBridge rule, every few minutes)."""

from datetime import UTC, datetime
from typing import Any

from aws_lambda_powertools import Logger
from aws_lambda_powertools.utilities.typing import LambdaContext

from lambdas.aws.clients import aws_client
from lambdas.collection import Deadline
from lambdas.settings import SubnetCollectorSettings, load_settings
from lambdas.subnet_collection import PUBLISH_RESERVE_MS, collect_subnet_metrics

logger = Logger()


@logger.inject_lambda_context
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    """Publish headroom metrics for every subnet in scope and return the run report."""
    deadline = Deadline(context.get_remaining_time_in_millis, PUBLISH_RESERVE_MS)
    settings = load_settings(SubnetCollectorSettings)
    report = collect_subnet_metrics(aws_client("ec2"), aws_client("cloudwatch"), settings, datetime.now(UTC), deadline)
    return report.as_dict()
