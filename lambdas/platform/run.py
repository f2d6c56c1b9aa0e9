"""The one shape of a collector run: read, choose (at-risk mode), publish, store the state, report."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Generic, TypeVar

from aws_lambda_powertools import Logger

from .at_risk import AtRiskPublishing
from .contract import MetricPoint
from .publish import publish_run
from .report import RunReport
from .settings import MonitorSettings
from .targets import Target

logger = Logger(child=True)

Resource = TypeVar("Resource")


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
    at_risk: AtRiskPublishing[Resource] | None = None,
    store: Callable[[list[Resource], RunReport], None] | None = None,
    max_series: int | None = None,
) -> CollectorRun[Resource]:
    """One run of any collector: read what it can (recording failures in the report), then publish it.

    points are per series (a subnet, a cluster): every resource's in every-run mode, at_risk chooses which in
    at-risk mode (and stores its state once they are sent). summary_points (per VPC, per cluster of the census)
    cover every resource, every run. store, if given, stores what the run computed (the census snapshot) before
    the metrics go out, so a failure to store it is in the run's CollectorFailures count. max_series caps the
    distinct series of a member target's run (within_series_cap); what it leaves out is counted (SeriesLeftOut).
    """
    report = RunReport(collector=collector, account_id=target.account_id, region=target.region)
    resources = read(report)
    report.resources = len(resources)
    if store is not None:
        store(resources, report)
    published, selection = resources, None
    if at_risk is not None:
        published, selection = at_risk.choose(collector, target, resources, now, report)
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
    if at_risk is not None and selection is not None:
        if len(report.failures) == failures_before_publishing:
            at_risk.store_state(collector, target, selection, report)
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
