"""The dashboard's census table (a CloudWatch custom widget): the fullest subnets and who holds them."""

from typing import Any

from aws_lambda_powertools import Logger
from aws_lambda_powertools.utilities.typing import LambdaContext

from lambdas.census.settings import CensusTableSettings
from lambdas.census.table import FULLEST_SUBNETS, fullest_subnets_table
from lambdas.core.aws.s3 import get_document
from lambdas.core.contract import CENSUS_SNAPSHOT_KEY
from lambdas.core.errors import AwsReadError
from lambdas.core.settings import load_settings
from lambdas.core.targets import own_target

logger = Logger()

DESCRIPTION = (
    f"The {FULLEST_SUBNETS} fullest subnets of the latest ENI census and their top consumers, from "
    "census/latest.json in the monitor's snapshot bucket."
)


@logger.inject_lambda_context
def handler(event: dict[str, Any], context: LambdaContext) -> str:
    """HTML for the dashboard; CloudWatch asks with {"describe": true} for the widget's documentation."""
    if event.get("describe"):
        return DESCRIPTION
    settings = load_settings(CensusTableSettings)
    try:
        snapshot = get_document(own_target(context).client("s3"), settings.snapshot_bucket, CENSUS_SNAPSHOT_KEY)
    except AwsReadError as err:
        logger.error("could not read the census snapshot", extra={"failure": err.as_failure()})
        return f"<p>The census snapshot could not be read ({err.code}); see the table function's log group.</p>"
    return fullest_subnets_table(snapshot, threshold_percent=settings.utilization_threshold_percent)
