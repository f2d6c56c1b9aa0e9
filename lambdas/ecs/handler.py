"""Scheduled ECS ENI collector (EventBridge rule every few minutes; in hub mode, SQS: one target per message)."""

from datetime import UTC, datetime
from typing import Any

from aws_lambda_powertools import Logger
from aws_lambda_powertools.utilities.typing import LambdaContext

from ..hub.members import run_in_mode
from ..platform.report import Deadline, RunReport
from ..platform.settings import load_settings
from ..platform.targets import Target
from .pipeline import PUBLISH_RESERVE_MS, collect_ecs
from .settings import EcsCollectorSettings

logger = Logger()


@logger.inject_lambda_context
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    """Publish ENI headroom per cluster and return the run report (with trunking findings)."""
    settings = load_settings(EcsCollectorSettings)
    deadline = Deadline(context.get_remaining_time_in_millis, PUBLISH_RESERVE_MS)

    def run(target: Target) -> RunReport:
        return collect_ecs(target, settings, datetime.now(UTC), deadline).report

    # Account mode: this account, on the schedule. Hub mode: each target account and region its queue sends.
    return run_in_mode(event, context, settings, run)
