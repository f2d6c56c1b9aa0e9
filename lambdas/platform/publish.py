"""Publishing metric points in the fewest PutMetricData calls, with each collector run's heartbeat."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any

from aws_lambda_powertools import Logger

from . import contract
from .aws.cloudwatch import put_metric_batch
from .chunks import chunks
from .contract import MetricPoint
from .errors import PublishError

if TYPE_CHECKING:  # run.py calls publish_run: a runtime import would be circular
    from .report import RunReport

logger = Logger(child=True)

# PutMetricData accepts up to 1,000 metric data per call (and 1 MB); fewer calls means fewer requests billed.
MAX_METRIC_DATA_PER_CALL = 1000


def batches(points: Sequence[MetricPoint], size: int = MAX_METRIC_DATA_PER_CALL) -> Iterator[Sequence[MetricPoint]]:
    """Split points into the fewest PutMetricData-sized batches."""
    return chunks(points, size)


def heartbeat_point(collector: str) -> MetricPoint:
    """One point per run, even a partial one, so the heartbeat alarm hears from every collector run."""
    return contract.COLLECTOR_HEARTBEAT.point(1, {contract.COLLECTOR: collector})


def collector_failure_point(collector: str, failures: int) -> MetricPoint:
    """The run-level failure count that the self-monitoring alarm watches."""
    return contract.COLLECTOR_FAILURES.point(failures, {contract.COLLECTOR: collector})


def publish_run(
    cloudwatch: Any,
    namespace: str,
    points: Sequence[MetricPoint],
    timestamp: datetime,
    report: RunReport,
    *,
    heartbeat: bool = True,
) -> None:
    """Publish points and the run's heartbeat in batches of 1,000; a failed batch does not stop the others.

    heartbeat=False for work that is not a collector run (the hub's dispatcher): only its failures count.
    """
    for batch in batches([*points, *([heartbeat_point(report.collector)] if heartbeat else [])]):
        report.put_metric_data_calls += 1
        try:
            put_metric_batch(cloudwatch, namespace, batch, timestamp)
            report.metric_points += len(batch)
        except PublishError as err:
            report.record_failure(err)
    if report.failures or report.series_left_out:
        # One extra call, only on a bad run, so an alarm can see partial failures (and the digest what a series
        # cap left out).
        report.put_metric_data_calls += 1
        extra = [collector_failure_point(report.collector, len(report.failures))] if report.failures else []
        if report.series_left_out:
            extra.append(contract.SERIES_LEFT_OUT.point(report.series_left_out, {contract.COLLECTOR: report.collector}))
        try:
            put_metric_batch(cloudwatch, namespace, extra, timestamp)
        except PublishError as err:
            report.record_failure(err)
    logger.info("collector run finished", extra={"report": report.as_dict()})
