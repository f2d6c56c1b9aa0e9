"""Subnet collector pipeline: read the target's subnets, compute headroom, publish two metrics per subnet."""

from __future__ import annotations

from datetime import datetime

from lambdas.core.aws.ec2 import iter_subnet_pages
from lambdas.core.errors import AwsReadError
from lambdas.core.network import Subnet, describe_subnets_filters
from lambdas.core.run import CollectorRun, Deadline, RunReport, run_collector
from lambdas.core.targets import Target
from lambdas.subnets.model import SubnetHeadroom, ipv4_headroom
from lambdas.subnets.points import subnet_metric_points
from lambdas.subnets.settings import COLLECTOR, SubnetCollectorSettings

# Time kept back for publishing: 10,000 subnets are 21 PutMetricData calls.
PUBLISH_RESERVE_MS = 15_000


def collect_subnets(
    target: Target, settings: SubnetCollectorSettings, now: datetime, deadline: Deadline | None = None
) -> CollectorRun[SubnetHeadroom]:
    """One scheduled run: every subnet in scope gets its metrics, even if a later page fails or time runs short."""

    def read(report: RunReport) -> list[SubnetHeadroom]:
        return ipv4_headroom(_read_subnets(target, settings, report, deadline))

    return run_collector(
        COLLECTOR,
        target,
        settings,
        now,
        read=read,
        points=subnet_metric_points,
    )


def _read_subnets(
    target: Target, settings: SubnetCollectorSettings, report: RunReport, deadline: Deadline | None
) -> list[Subnet]:
    # Keyed by id: a subnet seen on two pages (the set changed while paging) is published once.
    subnets: dict[str, Subnet] = {}
    filters = describe_subnets_filters(settings.vpc_ids, settings.subnet_tag_filter)
    try:
        for page in iter_subnet_pages(target.client("ec2"), filters):
            subnets.update((s.subnet_id, s) for s in page)
            if deadline and deadline.near():
                report.stop_early("the remaining DescribeSubnets pages", deadline)
                break
    except AwsReadError as err:
        report.record_failure(err)
    return list(subnets.values())
