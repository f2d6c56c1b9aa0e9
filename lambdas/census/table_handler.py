"""The dashboard's census table (a CloudWatch custom widget): the fullest subnets and who holds them."""

from typing import Any

from aws_lambda_powertools import Logger
from aws_lambda_powertools.utilities.typing import LambdaContext

from ..domain.snapshots import read_snapshots
from ..platform.settings import load_settings
from ..platform.targets import own_target
from .settings import CensusTableSettings
from .table import FULLEST_SUBNETS, fullest_subnets_table

logger = Logger()

DESCRIPTION = (
    f"The {FULLEST_SUBNETS} fullest subnets of the latest ENI census and their top consumers, from the census "
    "snapshots in the monitor's snapshot bucket (census/latest.json; in hub mode every target's)."
)


@logger.inject_lambda_context
def handler(event: dict[str, Any], context: LambdaContext) -> str:
    """HTML for the dashboard; CloudWatch asks with {"describe": true} for the widget's documentation."""
    if event.get("describe"):
        return DESCRIPTION
    settings = load_settings(CensusTableSettings)
    snapshots, failures = read_snapshots(
        own_target(context).client("s3"), settings.snapshot_bucket, hub=settings.is_hub
    )
    for failure in failures:
        logger.error("could not read a census snapshot", extra={"failure": failure.as_failure()})
    return fullest_subnets_table(
        snapshots,
        threshold_percent=settings.utilization_threshold_percent,
        account_label=settings.account_label,
        unread=len(failures),
    )
