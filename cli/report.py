"""`subnet-ip-monitor report`: what the monitor would say about an account, read-only, nothing deployed.

It composes the runtime's own read paths and pure logic, per region: the census (subnets, who holds their
addresses, free /28 blocks, interfaces attached to nothing), the ECS collector's task-ENI slots and trunking
findings, and, when a deployed monitor has published history, the forecaster's trend. Every read that fails
is recorded and the rest goes on, so a missing permission costs only what needs it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import boto3

from lambdas.alerts.forecast import forecast_exhaustion
from lambdas.alerts.pipeline import HISTORY
from lambdas.alerts.reads import free_address_queries, read_series
from lambdas.census.pipeline import read_census
from lambdas.census.snapshot import SubnetCensus, snapshot
from lambdas.domain.network import utilization_percent
from lambdas.ecs.model import ClusterEniCapacity
from lambdas.ecs.pipeline import read_ecs
from lambdas.platform.errors import AwsReadError
from lambdas.platform.report import RunReport
from lambdas.platform.settings import SubnetScopeSettings
from lambdas.platform.targets import Target

# Forecasts are read for the fullest subnets only: one GetMetricData call covers them.
FORECAST_SUBNETS = 20


@dataclass
class RegionReport:
    """One region of the account: the census snapshot's shape, the clusters, and what could not be read."""

    account_id: str
    region: str
    snapshot: dict[str, Any]
    clusters: list[dict[str, Any]]
    findings: list[str]
    services: list[dict[str, Any]]  # the deployment fit of each awsvpc service, at risk first
    failures: list[dict[str, str]] = field(default_factory=list)
    forecast_note: str = ""

    def as_json(self) -> dict[str, Any]:
        """The census snapshot's documented shape (each subnet with its "forecast") plus the clusters and the
        services' deployment fit (the deployment fit document's entries)."""
        return {
            **self.snapshot,
            "clusters": self.clusters,
            "services": self.services,
            "findings": self.findings,
            "failures": self.failures,
        }


def account_of(session: boto3.Session) -> str:
    """The caller's account (sts:GetCallerIdentity needs no permission)."""
    return str(session.client("sts").get_caller_identity()["Account"])


def enabled_regions(session: boto3.Session, region: str) -> list[str]:
    """Every region enabled for the account (ec2:DescribeRegions), asked in region."""
    answer = session.client("ec2", region_name=region).describe_regions(AllRegions=False)
    return sorted(r["RegionName"] for r in answer["Regions"])


def read_region(
    session: boto3.Session,
    account_id: str,
    region: str,
    scope: SubnetScopeSettings,
    *,
    cluster_names: Sequence[str],
    free_address_floor: int,
    now: datetime,
) -> RegionReport:
    """The report of one region; every read that fails is in failures and the others still report."""
    target = Target(account_id, region, session=session)
    run = RunReport(collector="report", account_id=account_id, region=region)
    census = read_census(target, scope, run)
    document = snapshot(census, account_id=account_id, region=region, generated_at=now)
    capacities, services = read_ecs(target, cluster_names, run)
    note = _add_forecasts(
        target, scope.metric_namespace, census=census, document=document, floor=free_address_floor, now=now, run=run
    )
    return RegionReport(
        account_id,
        region,
        document,
        [cluster_row(c) for c in capacities],
        list(run.findings),
        [f.as_json() for f in sorted(services, key=lambda f: (not f.at_risk, f.service.cluster, f.service.name))],
        list(run.failures),
        note,
    )


def cluster_row(capacity: ClusterEniCapacity) -> dict[str, Any]:
    """A cluster's task-ENI figures as the report shows them."""
    return {
        "clusterName": capacity.cluster_name,
        "instances": len(capacity.instances),
        "taskEnisRunning": capacity.tasks_running,
        "taskEniCapacity": capacity.capacity,
        "utilizationPercent": round(capacity.utilization_percent, 1),
        "freeTaskSlots": capacity.free_task_slots,
        "untrunkedInstances": capacity.untrunked_instances,
    }


def _add_forecasts(
    target: Target,
    namespace: str,
    *,
    census: list[SubnetCensus],
    document: dict[str, Any],
    floor: int,
    now: datetime,
    run: RunReport,
) -> str:
    """Each subnet's forecast from a deployed monitor's history ("forecast": {"daysToFloor" (None: not
    shrinking), "declinePerDay"}, or None without history); a note when there is no history at all."""
    for entry in document["subnets"]:
        entry["forecast"] = None
    fullest = sorted(census, key=lambda s: -(utilization_percent(s.subnet) or 0.0))[:FORECAST_SUBNETS]
    if not fullest:
        return ""
    subnets = [s.subnet for s in fullest]
    try:
        series = read_series(
            target.client("cloudwatch"),
            namespace,
            free_address_queries(subnets, target.account_id),
            now - HISTORY,
            now,
        )
    except AwsReadError as err:
        run.record_failure(err)
        return "forecasts: the metric history could not be read"
    by_id = {entry["subnetId"]: entry for entry in document["subnets"]}
    forecast_any = False
    for index, subnet in enumerate(subnets):
        forecast = forecast_exhaustion(series[f"s{index}"], floor, now)
        if forecast is not None:
            forecast_any = True
            days = forecast.days_to_floor
            by_id[subnet.subnet_id]["forecast"] = {
                "daysToFloor": None if days is None else round(days, 1),
                "declinePerDay": round(forecast.decline_per_day, 1),
            }
    if forecast_any:
        return ""
    return f"forecasts: no history in the {namespace} namespace yet (a deployed monitor publishes it)"
