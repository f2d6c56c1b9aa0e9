"""The dispatcher: list the target accounts, put one message per account and region on the collector's queue."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from aws_lambda_powertools import Logger
from pydantic import BaseModel, ConfigDict, Field

from ...platform import contract
from ...platform.aws.s3 import put_document
from ...platform.errors import AwsCallError, AwsReadError
from ...platform.publish import publish_run
from ...platform.report import RunReport
from ...platform.targets import Target
from .model import target_accounts, work_messages
from .reads import accounts_under, send_work
from .settings import DispatcherSettings

logger = Logger(child=True)


class DispatchRequest(BaseModel):
    """The schedule rule's input (set by the stack): which collector, its work queue and its schedule."""

    model_config = ConfigDict(frozen=True, populate_by_name=True)

    collector: str = Field(min_length=1)
    queue_url: str = Field(alias="queueUrl", pattern=r"^https://")
    period_minutes: int = Field(alias="periodMinutes", ge=1)


def dispatch(home: Target, settings: DispatcherSettings, request: DispatchRequest, now: datetime) -> dict[str, Any]:
    """One schedule of one collector: every target that can be listed gets its message, whatever else fails.

    A failure (an organizational unit that cannot be listed, a message not put) counts in the collector's
    CollectorFailures, so the collector's own failure alarm says its coverage is short this run.
    """
    report = RunReport(collector=request.collector, account_id=home.account_id, region=home.region)
    found: list[str] = []
    for unit in settings.organization_unit_ids:
        try:
            found += accounts_under(home.client("organizations"), unit)
        except AwsReadError as err:
            report.record_failure(err)
    accounts = target_accounts(settings.member_accounts, found)
    if settings.organization_unit_ids and not report.failures:
        # Only a whole list: a unit that could not be listed would drop its accounts' events as foreign.
        try:
            document = {"generatedAt": now.isoformat(), "accounts": accounts}
            put_document(home.client("s3"), settings.snapshot_bucket, [contract.TARGET_ACCOUNTS_KEY], document)
        except AwsCallError as err:
            report.record_failure(err)
    messages = work_messages(request.collector, accounts, settings.regions, now, request.period_minutes)
    calls, errors = send_work(home.client("sqs"), request.queue_url, messages)
    for error in errors:
        report.record_failure(error)
    report.resources = len(messages) - len(errors)
    # No heartbeat: the collector's own runs send it. A failure here still counts under the collector.
    publish_run(home.client("cloudwatch"), settings.metric_namespace, [], now, report, heartbeat=False)
    outcome = {
        **report.as_dict(),
        "accounts": len(accounts),
        "regions": len(settings.regions),
        "sendMessageBatchCalls": calls,
    }
    logger.info("dispatched", extra={"outcome": outcome})
    return outcome
