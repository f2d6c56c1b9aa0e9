"""Subnet collector pipeline: read the target's subnets, compute headroom, publish two metrics per subnet
(every run, or in the at-risk mode only for the subnets that need it) and two per VPC."""

from __future__ import annotations

from datetime import datetime

from ..domain.scope import read_subnets_in_scope
from ..platform.at_risk import at_risk_publishing
from ..platform.publish_policy import Reading
from ..platform.report import Deadline, RunReport
from ..platform.run import CollectorRun, run_collector
from ..platform.targets import Target
from .model import SubnetHeadroom, ipv4_headroom, is_at_risk
from .points import subnet_metric_points, vpc_metric_points
from .settings import COLLECTOR, SubnetCollectorSettings

# Time kept back for publishing: 10,000 subnets are 21 PutMetricData calls.
PUBLISH_RESERVE_MS = 15_000


def collect_subnets(
    target: Target, settings: SubnetCollectorSettings, now: datetime, deadline: Deadline | None = None
) -> CollectorRun[SubnetHeadroom]:
    """One scheduled run: every subnet in scope is read and judged, even if a later page fails or time runs short."""

    def read(report: RunReport) -> list[SubnetHeadroom]:
        return ipv4_headroom(
            read_subnets_in_scope(
                target.client("ec2"), settings, report, deadline, owned_by=settings.subnet_owner(target.account_id)
            ).values()
        )

    def reading(headroom: SubnetHeadroom) -> Reading:
        at_risk = is_at_risk(
            headroom.utilization_percent,
            headroom.available_addresses,
            settings.watch_utilization_percent,
            settings.free_address_floor,
        )
        return Reading(headroom.subnet.subnet_id, headroom.available_addresses, at_risk)

    return run_collector(
        COLLECTOR,
        target,
        settings,
        now,
        read=read,
        points=lambda published: subnet_metric_points(published, target.account_id),
        summary_points=lambda every: vpc_metric_points(every, target.account_id),
        at_risk=at_risk_publishing(settings, reading),
        max_series=settings.max_series_per_target,
    )
