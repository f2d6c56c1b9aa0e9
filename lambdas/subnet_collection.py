"""Subnet collector pipeline: read subnets, compute headroom, publish two metrics per subnet."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from lambdas.aws.ec2 import iter_subnet_pages
from lambdas.collection import Deadline, RunReport, publish_points
from lambdas.errors import AwsReadError
from lambdas.metrics import subnet_metric_points
from lambdas.settings import SubnetCollectorSettings
from lambdas.subnets import Subnet, describe_subnets_filters, ipv4_headroom

# Time kept back for publishing: 10,000 subnets are 21 PutMetricData calls.
PUBLISH_RESERVE_MS = 15_000


def collect_subnet_metrics(
    ec2: Any, cloudwatch: Any, settings: SubnetCollectorSettings, now: datetime, deadline: Deadline | None = None
) -> RunReport:
    """One scheduled run: every subnet in scope gets its metrics, even if a later page fails or time runs short."""
    report = RunReport(collector="subnets")
    # Keyed by id: a subnet seen on two pages (the set changed while paging) is published once.
    subnets: dict[str, Subnet] = {}
    filters = describe_subnets_filters(settings.vpc_ids, settings.subnet_tag_filter)
    try:
        for page in iter_subnet_pages(ec2, filters):
            subnets.update((s.subnet_id, s) for s in page)
            if deadline and deadline.near():
                report.stop_early("the remaining DescribeSubnets pages", deadline)
                break
    except AwsReadError as err:
        report.record_failure(err)
    headrooms = ipv4_headroom(subnets.values())
    report.resources = len(headrooms)
    publish_points(cloudwatch, settings.metric_namespace, subnet_metric_points(headrooms), now, report)
    return report
