"""ECS collector pipeline: read instances and tasks per cluster, compute ENI slots, publish per cluster."""

from __future__ import annotations

from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from aws_lambda_powertools import Logger

from ..domain.deployments import (
    FARGATE_PROVIDERS,
    ScalingGroup,
    Service,
    ServiceFit,
    deployment_surge,
    free_and_names,
    group_name,
    managed_scaling_groups,
    parse_service,
    scaling_room,
    service_fit,
)
from ..domain.network import Subnet
from ..domain.subnet_reads import subnets_by_id
from ..platform import contract
from ..platform.at_risk import at_risk_publishing
from ..platform.aws.autoscaling import describe_groups
from ..platform.aws.ecs import ClusterNotFound, describe_capacity_providers, describe_services, list_service_arns
from ..platform.aws.s3 import put_document
from ..platform.errors import AwsCallError, AwsReadError
from ..platform.publish_policy import Reading
from ..platform.report import Deadline, RunReport
from ..platform.run import CollectorRun, run_collector
from ..platform.targets import Target
from .model import (
    ClusterEniCapacity,
    ContainerInstance,
    LimitBasis,
    RunningTask,
    cluster_eni_capacity,
    trunking_findings,
)
from .points import cluster_metric_points, deployment_fit_document, deployment_risk_points
from .reads import (
    ecs_client,
    effective_trunking_setting,
    iter_active_container_instances,
    iter_running_tasks,
    list_cluster_arns,
    max_network_interfaces,
)
from .settings import COLLECTOR, EcsCollectorSettings
from .trunk_table import TABLE_PATH, trunk_task_limits

logger = Logger(child=True)

# Time kept back for DescribeInstanceTypes and publishing once the clusters are read.
PUBLISH_RESERVE_MS = 20_000
# Clusters are read in parallel: with up to 200 ms per ECS call, 2 threads already outrun the collector's
# ECS call budget (10 per second, lambdas.ecs.reads), which then sets the pace; more threads would only
# wait on it and cost CPU in contention (the benchmark measured +50% CPU with 4).
CLUSTER_WORKERS = 2


@dataclass(frozen=True)
class ClusterReading:
    """One cluster's ACTIVE container instances and RUNNING tasks, as read."""

    cluster: str
    instances: list[ContainerInstance]
    tasks: list[RunningTask]


def collect_ecs(
    target: Target, settings: EcsCollectorSettings, now: datetime, deadline: Deadline | None = None
) -> CollectorRun[ClusterEniCapacity]:
    """One scheduled run: every readable cluster is published even if another one fails or time runs short.

    Beside the task-ENI slots, each awsvpc service's next deployment is checked against its subnets' free
    addresses and its cluster's free slots (ServicesAtDeploymentRisk per cluster, and the deployment fit
    document for the alert composer)."""
    fits: list[ServiceFit] = []

    def read(report: RunReport) -> list[ClusterEniCapacity]:
        capacities, found = read_ecs(target, settings.cluster_names, report, deadline)
        fits.extend(found)
        return capacities

    def store_snapshot(_: list[ClusterEniCapacity], report: RunReport) -> None:
        if not fits:
            return  # no awsvpc service: nothing to say, and no PutObject
        document = deployment_fit_document(fits, target.account_id, target.region, now)
        key = contract.deployment_fit_key(target.account_id, target.region, per_target=settings.is_hub)
        try:
            put_document(target.home_client("s3"), settings.snapshot_bucket, [key], document)
        except AwsCallError as err:
            report.record_failure(err)

    def reading(capacity: ClusterEniCapacity) -> Reading:
        at_risk = capacity.is_at_risk(settings.watch_utilization_percent)
        return Reading(capacity.cluster_name, capacity.free_task_slots, at_risk)

    return run_collector(
        COLLECTOR,
        target,
        settings,
        now,
        read=read,
        points=lambda published: cluster_metric_points(published, target.account_id, target.region),
        # Every run, every cluster with an assessed service: a deployment risk must not wait for a rotation.
        summary_points=lambda _: deployment_risk_points(fits, target.account_id, target.region),
        at_risk=at_risk_publishing(settings, reading),
        store=store_snapshot,
        max_series=settings.max_series_per_target,
    )


def read_ecs(
    target: Target, cluster_names: Sequence[str], report: RunReport, deadline: Deadline | None = None
) -> tuple[list[ClusterEniCapacity], list[ServiceFit]]:
    """Task-ENI slots of every cluster with EC2 instances (cluster_names, or every cluster when empty), the
    next deployment's fit of every awsvpc service, and the trunking findings in report (reads only; the
    scheduled collector and the report command both use it)."""
    clusters = _clusters(ecs_client(target), cluster_names, report)
    capacities = _capacities(target, clusters, report, deadline)
    return capacities, read_service_fits(target, clusters, capacities, report, deadline)


def _capacities(
    target: Target, clusters: Sequence[str], report: RunReport, deadline: Deadline | None
) -> list[ClusterEniCapacity]:
    ecs = ecs_client(target)
    trunking = _trunking_setting(ecs, report)
    readings = _read_clusters(ecs, list(clusters), report, deadline)
    # An instance whose agent reports no type is left out (and logged) rather than failing the one
    # DescribeInstanceTypes call that every cluster's capacity depends on.
    instance_types = {i.instance_type for r in readings for i in r.instances if i.instance_type}
    _log_untyped_instances(readings)
    try:
        interfaces = max_network_interfaces(target.client("ec2"), instance_types) if instance_types else {}
    except AwsReadError as err:
        report.record_failure(err)
        interfaces = {}
    trunk_limits = trunk_task_limits()
    capacities = [
        c
        for r in readings
        if (c := cluster_eni_capacity(r.cluster, r.instances, r.tasks, interfaces, trunk_limits)) is not None
    ]
    _log_unknown_trunk_types(capacities)
    report.findings = trunking_findings(capacities, trunking)
    for finding in report.findings:
        logger.warning(finding)
    return capacities


def read_service_fits(
    target: Target,
    clusters: Sequence[str],
    capacities: Sequence[ClusterEniCapacity],
    report: RunReport,
    deadline: Deadline | None = None,
) -> list[ServiceFit]:
    """The next deployment's fit of every awsvpc service of clusters: ListServices per cluster, DescribeServices
    per 10 services, one DescribeSubnets per 200 of their subnets; a cluster that cannot be read costs only its
    services."""
    ecs = ecs_client(target)
    services = _read_services(ecs, clusters, report, deadline)
    if not services:
        return []
    groups = _scaling_groups(target, ecs, services, report)
    wanted = {subnet for s in services for subnet in s.subnets} | {s for g in groups.values() for s in g.subnets}
    try:
        subnets = subnets_by_id(target.client("ec2"), wanted)
    except AwsReadError as err:
        report.record_failure(err)  # every fit is then unknown (None), not guessed
        subnets = {}
    by_cluster = {c.cluster_name: c for c in capacities}
    return [_fit(s, subnets, by_cluster.get(s.cluster), groups) for s in services]


def _read_services(ecs: Any, clusters: Sequence[str], report: RunReport, deadline: Deadline | None) -> list[Service]:
    """The awsvpc services of every cluster read before the deadline; a cluster that fails costs only its own."""
    services: list[Service] = []
    for done, cluster in enumerate(clusters):
        if deadline and deadline.near():
            report.stop_early(f"the services of {len(clusters) - done} of {len(clusters)} clusters", deadline)
            break
        try:
            described = describe_services(ecs, cluster, list_service_arns(ecs, cluster))
        except ClusterNotFound:
            continue  # deleted since it was listed: not a failure of the monitor
        except AwsReadError as err:
            report.record_failure(err)
            continue
        services += [s for raw in described if (s := parse_service(cluster, raw)) is not None]
    return services


def _fit(
    service: Service, subnets: dict[str, Subnet], capacity: ClusterEniCapacity | None, groups: dict[str, ScalingGroup]
) -> ServiceFit:
    free, names = free_and_names(subnets)
    slots = capacity.free_task_slots if capacity else None
    service_groups = [groups[p] for p in service.capacity_providers if p in groups]
    surge = deployment_surge(service)
    if not service_groups or surge is None:
        return service_fit(service, free, eni_slots_free=slots, names=names)
    instances = capacity.instances if capacity else ()
    room = scaling_room(
        surge,
        eni_slots_free=slots or 0,
        slots_per_instance=(capacity.capacity // len(instances)) if capacity and instances else None,
        trunked=2 * sum(i.basis is LimitBasis.TRUNK for i in instances) > len(instances),
        groups=service_groups,
        free_by_subnet=free,
    )
    return service_fit(service, free, eni_slots_free=slots, scaling=room, names=names)


def _scaling_groups(target: Target, ecs: Any, services: list[Service], report: RunReport) -> dict[str, ScalingGroup]:
    """The Auto Scaling groups of the services' capacity providers with managed scaling (none: no call)."""
    providers = sorted({p for s in services for p in s.capacity_providers} - FARGATE_PROVIDERS)
    if not providers:
        return {}
    try:
        described = describe_capacity_providers(ecs, providers)
        names = [
            group_name(str((p.get("autoScalingGroupProvider") or {}).get("autoScalingGroupArn", ""))) for p in described
        ]
        groups = describe_groups(target.client("autoscaling"), [n for n in names if n]) if any(names) else []
    except AwsReadError as err:
        report.record_failure(err)  # those services are then checked against the slots of the instances now
        return {}
    return managed_scaling_groups(described, groups)


def _trunking_setting(ecs: Any, report: RunReport) -> str | None:
    try:
        setting = effective_trunking_setting(ecs)
    except AwsReadError as err:
        report.record_failure(err)
        return None
    logger.info("awsvpcTrunking effective setting", extra={"awsvpcTrunking": setting})
    return setting


def _clusters(ecs: Any, cluster_names: Sequence[str], report: RunReport) -> list[str]:
    if cluster_names:
        return list(cluster_names)
    try:
        return [arn.rsplit("/", 1)[-1] for arn in list_cluster_arns(ecs)]
    except AwsReadError as err:
        report.record_failure(err)
        return []


def _read_clusters(ecs: Any, clusters: list[str], report: RunReport, deadline: Deadline | None) -> list[ClusterReading]:
    unread: list[str] = []

    def read(cluster: str) -> ClusterReading | None:
        if deadline and deadline.near():
            unread.append(cluster)  # the run must publish now
            return None
        return _read_cluster(ecs, cluster, report)

    with ThreadPoolExecutor(max_workers=CLUSTER_WORKERS) as pool:
        readings = [r for r in pool.map(read, clusters) if r is not None]
    if unread and deadline:
        report.stop_early(f"{len(unread)} of {len(clusters)} clusters", deadline)
    return readings


def _read_cluster(ecs: Any, cluster: str, report: RunReport) -> ClusterReading | None:
    """Instances first: a cluster without EC2 instances costs one call and publishes nothing."""
    try:
        instances = [i for page in iter_active_container_instances(ecs, cluster) for i in page]
        if not instances:
            return None
        tasks = [t for page in iter_running_tasks(ecs, cluster) for t in page]
    except ClusterNotFound:
        logger.info("cluster deleted during the run; skipped", extra={"cluster": cluster})
        return None
    except AwsReadError as err:
        report.record_failure(err)
        return None
    return ClusterReading(cluster, instances, tasks)


def _log_unknown_trunk_types(capacities: list[ClusterEniCapacity]) -> None:
    unknown = sorted(
        {s.instance.instance_type for c in capacities for s in c.instances if s.basis is LimitBasis.TRUNK_TYPE_UNKNOWN}
    )
    if unknown:
        logger.warning(
            "trunked instance types missing from the trunk table; counted with their non-trunk limit",
            extra={"instanceTypes": unknown, "table": "lambdas/ecs/data/" + TABLE_PATH.name},
        )


def _log_untyped_instances(readings: list[ClusterReading]) -> None:
    untyped = [i.arn for r in readings for i in r.instances if not i.instance_type]
    if untyped:
        logger.warning("container instances without ecs.instance-type; left out of capacity", extra={"arns": untyped})
