"""What every collector run shares: its report and publishing points in the fewest PutMetricData calls."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import Any

from aws_lambda_powertools import Logger

from lambdas.aws.cloudwatch import put_metric_batch
from lambdas.errors import AwsCallError, PublishError
from lambdas.metrics import MetricPoint, batches, collector_failure_point, heartbeat_point

logger = Logger(child=True)


@dataclass(frozen=True)
class Deadline:
    """Stop reading when the invocation has reserve_ms left, so what was read is still published in time."""

    remaining_ms: Callable[[], int]
    reserve_ms: int

    def near(self) -> bool:
        """True once the time left is within the reserve."""
        return self.remaining_ms() <= self.reserve_ms


@dataclass
class RunReport:
    """What one collector run did; returned by the handler and logged, so a partial run is never silent."""

    collector: str
    resources: int = 0
    metric_points: int = 0
    put_metric_data_calls: int = 0
    failures: list[dict[str, str]] = field(default_factory=list)
    findings: list[str] = field(default_factory=list)

    @property
    def status(self) -> str:
        """'complete' or 'partial' (some AWS call failed; everything else was still published)."""
        return "partial" if self.failures else "complete"

    def record_failure(self, err: AwsCallError) -> None:
        """Keep the failure with its context and log it; the run goes on with the other resources."""
        failure = err.as_failure()
        self.failures.append(failure)
        logger.error(
            "AWS call failed; continuing with the other resources", extra={"failure": failure, "error": str(err)}
        )

    def stop_early(self, left_unread: str, deadline: Deadline) -> None:
        """Record that the run stopped reading to publish before its timeout (a partial run, alarmed)."""
        failure = {"operation": "Run", "code": "DeadlineNear", "leftUnread": left_unread}
        self.failures.append(failure)
        logger.warning(
            "stopping early to publish before the Lambda timeout",
            extra={"failure": failure, "remainingMs": deadline.remaining_ms()},
        )

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready summary, status included."""
        return {"status": self.status, **asdict(self)}


def publish_points(
    cloudwatch: Any, namespace: str, points: Sequence[MetricPoint], timestamp: datetime, report: RunReport
) -> None:
    """Publish points and the run's heartbeat in batches of 1,000; a failed batch does not stop the others."""
    for batch in batches([*points, heartbeat_point(report.collector)]):
        report.put_metric_data_calls += 1
        try:
            put_metric_batch(cloudwatch, namespace, batch, timestamp)
            report.metric_points += len(batch)
        except PublishError as err:
            report.record_failure(err)
    if report.failures:
        # One extra call, only on a bad run, so an alarm can see partial failures.
        report.put_metric_data_calls += 1
        try:
            put_metric_batch(
                cloudwatch, namespace, [collector_failure_point(report.collector, len(report.failures))], timestamp
            )
        except PublishError as err:
            report.record_failure(err)
    logger.info("collector run finished", extra={"report": report.as_dict()})
