"""The at-risk publish mode around a collector run: load the state, choose what to publish, store the state.

The state is one JSON document per collector, account and region in the monitor's bucket
(publish-state/<collector>/<account>-<region>.json, about 50 bytes a series: 0.5 MB at 10,000 subnets):
one GetObject and one PutObject a run, whatever the number of series. A state that cannot be read or
parsed is started afresh, which publishes every series once (the safe side: more points, never fewer).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Generic, TypeVar

from aws_lambda_powertools import Logger

from .aws.s3 import get_document, put_document
from .errors import AwsCallError
from .publish_policy import AtRiskRules, PublishMode, PublishState, Reading, Selection, select
from .settings import PublishSettings
from .targets import Target

if TYPE_CHECKING:  # run.py takes a AtRiskPublishing: a runtime import would be circular
    from .report import RunReport

logger = Logger(child=True)

Resource = TypeVar("Resource")

STATE_PREFIX = "publish-state/"
SECONDS_PER_HOUR = 3600


def state_key(collector: str, target: Target) -> str:
    """Where one collector keeps its state for one account and region."""
    return f"{STATE_PREFIX}{collector}/{target.account_id}-{target.region}.json"


@dataclass(frozen=True)
class AtRiskPublishing(Generic[Resource]):
    """The at-risk mode for one collector: its rules, where its state lives, how a resource reads as a series."""

    rules: AtRiskRules
    bucket: str
    reading: Callable[[Resource], Reading | None]  # None: not a series of this collector (no point to publish)

    def choose(
        self, collector: str, target: Target, resources: Sequence[Resource], now: datetime, report: RunReport
    ) -> tuple[list[Resource], Selection]:
        """The resources to publish this run, and the selection whose state store_state() stores after publishing."""
        series = [(r, reading) for r in resources if (reading := self.reading(r)) is not None]
        state = self._load(collector, target, report)
        selection = select((reading for _, reading in series), state, self.rules, int(now.timestamp()))
        published = [r for r, reading in series if reading.key in selection.publish]
        report.publish_reasons = selection.counts()
        return published, selection

    def store_state(self, collector: str, target: Target, selection: Selection, report: RunReport) -> None:
        """Store the state for the next run; a failure is the run's (it is alarmed), and costs only extra points."""
        try:
            put_document(
                target.home_client("s3"), self.bucket, (state_key(collector, target),), selection.state.to_document()
            )
        except AwsCallError as err:
            report.record_failure(err)

    def _load(self, collector: str, target: Target, report: RunReport) -> PublishState:
        key = state_key(collector, target)
        try:
            document = get_document(target.home_client("s3"), self.bucket, key)
        except AwsCallError as err:
            report.record_failure(err)
            return PublishState()
        except ValueError as err:  # not JSON
            logger.warning("publish state unreadable; starting afresh", extra={"key": key, "error": str(err)})
            return PublishState()
        if document is None:
            return PublishState()
        try:
            return PublishState.from_document(document)
        except ValueError as err:
            logger.warning("publish state malformed; starting afresh", extra={"key": key, "error": str(err)})
            return PublishState()


def at_risk_publishing(
    settings: PublishSettings, reading: Callable[[Resource], Reading | None], *, change: float | None = None
) -> AtRiskPublishing[Resource] | None:
    """The collector's at-risk mode, or None in every-run; change defaults to monitor:watchChangeAddresses."""
    if settings.publish_mode is PublishMode.EVERY_RUN:
        return None
    rules = AtRiskRules(
        change=settings.watch_change_addresses if change is None else change,
        quiet_period_seconds=settings.quiet_publish_hours * SECONDS_PER_HOUR,
    )
    return AtRiskPublishing(rules, settings.publish_state_bucket, reading)
