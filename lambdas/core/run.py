"""What every collector run shares: its deadline, its report, and the one shape of a run (read, publish, report)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import Any, Generic, TypeVar

from aws_lambda_powertools import Logger

from lambdas.core.contract import MetricPoint
from lambdas.core.errors import AwsCallError
from lambdas.core.publish import publish_run
from lambdas.core.quiet import QuietPublishing
from lambdas.core.settings import MonitorSettings
from lambdas.core.targets import Target

logger = Logger(child=True)

Resource = TypeVar("Resource")


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
    account_id: str = ""  # the target's (a member's in hub mode)
    region: str = ""
    resources: int = 0
    published: int = 0  # resources whose per-series points this run sent (all of them in every-run)
    publish_reasons: dict[str, int] = field(default_factory=dict)  # at-risk: why they were (Why values)
    metric_points: int = 0
    put_metric_data_calls: int = 0
    failures: list[dict[str, str]] = field(default_factory=list)
    findings: list[str] = field(default_factory=list)
    series_left_out: int = 0  # beyond monitor:maxSeriesPerTarget, not published this run

    @property
    def status(self) -> str:
        """'complete' or 'partial' (some AWS call failed; everything else was still published)."""
        return "partial" if self.failures else "complete"

    def record_failure(self, err: AwsCallError) -> None:
        """Keep the failure with its context and log it; the run goes on with the other resources."""
        failure = err.as_failure()
        self.failures.append(failure)
        logger.error(
            "AWS call failed; continuing with the other resources",
            # The target's account and region: in hub mode, which member failed.
            extra={"failure": failure, "error": str(err), "account": self.account_id, "region": self.region},
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


@dataclass(frozen=True)
class CollectorRun(Generic[Resource]):
    """A finished run: its report (what the handler returns) and what it computed (for the demo and tests)."""

    report: RunReport
    resources: list[Resource]


def run_collector(
    collector: str,
    target: Target,
    settings: MonitorSettings,
    now: datetime,
    *,
    read: Callable[[RunReport], list[Resource]],
    points: Callable[[Sequence[Resource]], list[MetricPoint]],
    summary_points: Callable[[Sequence[Resource]], list[MetricPoint]] | None = None,
    quiet: QuietPublishing[Resource] | None = None,
    keep: Callable[[list[Resource], RunReport], None] | None = None,
    max_series: int | None = None,
) -> CollectorRun[Resource]:
    """One run of any collector: read what it can (recording failures in the report), then publish it.

    points are per series (a subnet, a cluster): every resource's in every-run mode, quiet chooses which in
    at-risk mode (and keeps its state once they are sent). summary_points (per VPC, per cluster of the census)
    cover every resource, every run. keep, if given, stores what the run computed (the census snapshot) before
    the metrics go out, so a failure to store it is in the run's CollectorFailures count. max_series caps the
    distinct series of a member target's run (within_series_cap); what it leaves out is counted (SeriesLeftOut).
    """
    report = RunReport(collector=collector, account_id=target.account_id, region=target.region)
    resources = read(report)
    report.resources = len(resources)
    if keep is not None:
        keep(resources, report)
    published, selection = resources, None
    if quiet is not None:
        published, selection = quiet.choose(collector, target, resources, now, report)
    report.published = len(published)
    # The summaries first (a few per VPC or cluster, covering every resource), then the per-series points.
    metric_points = (summary_points(resources) if summary_points else []) + points(published)
    if max_series is not None and target.is_member:
        # Only a member's: it could grow the hub's bill; an account's own resources are its owner's to pay for.
        metric_points, report.series_left_out = within_series_cap(metric_points, max_series)
        if report.series_left_out:
            report.findings.append(
                f"{report.series_left_out} series left out: more than {max_series} in one run "
                "(monitor:maxSeriesPerTarget)"
            )
    failures_before_publishing = len(report.failures)
    publish_run(target.home_client("cloudwatch"), settings.metric_namespace, metric_points, now, report)
    if quiet is not None and selection is not None:
        if len(report.failures) == failures_before_publishing:
            quiet.keep(collector, target, selection, report)
        else:
            # Not kept: the next run starts from the previous state, so what this run failed to send is sent.
            logger.warning("publish state not kept after a failed PutMetricData batch")
    return CollectorRun(report, resources)


def within_series_cap(points: Sequence[MetricPoint], cap: int) -> tuple[list[MetricPoint], int]:
    """The points of the first cap distinct series (metric and dimensions), in order, and how many series were
    left out."""
    kept: set[tuple[str, tuple[tuple[str, str], ...]]] = set()
    left_out: set[tuple[str, tuple[tuple[str, str], ...]]] = set()
    within = []
    for point in points:
        series = (point.name, point.dimensions)
        if series in kept or (series not in left_out and len(kept) < cap):
            kept.add(series)
            within.append(point)
        else:
            left_out.add(series)
    return within, len(left_out)
