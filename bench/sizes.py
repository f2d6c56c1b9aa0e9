"""Benchmark sizes, the environments they seed, and the fewest API calls the APIs allow for them."""

from __future__ import annotations

import math
from dataclasses import dataclass


@dataclass(frozen=True)
class Size:
    """One generated environment."""

    name: str
    subnets: int
    clusters: int
    instances: int  # container instances in all, spread evenly over the clusters
    tasks: int  # awsvpc tasks in all, spread evenly over the clusters
    services_per_cluster: int = 0  # awsvpc services each cluster's deployment fit reads

    @property
    def instances_per_cluster(self) -> int:
        """Container instances in each cluster."""
        return self.instances // self.clusters

    @property
    def tasks_per_cluster(self) -> int:
        """Running awsvpc tasks in each cluster."""
        return self.tasks // self.clusters

    @property
    def interfaces(self) -> int:
        """Network interfaces the census reads: one per container instance and one per awsvpc task."""
        return self.instances + self.tasks

    @property
    def eks_subnets(self) -> int:
        """Subnets whose interfaces belong to an EKS cluster's nodes: every EKS_SUBNET_EVERY-th one."""
        return math.ceil(self.subnets / EKS_SUBNET_EVERY)


SIZES = {
    "XS": Size("XS", 20, 2, 4, 20, 2),  # the smoke test in tests/, not part of `make bench`
    "S": Size("S", 100, 5, 50, 500, 10),
    "M": Size("M", 1_000, 20, 500, 5_000, 10),
    "L": Size("L", 10_000, 100, 5_000, 50_000, 10),
}

# One subnet in ten holds EKS nodes: those get FreePrefixBlocks and a GetSubnetCidrReservations call each.
EKS_SUBNET_EVERY = 10
DESCRIBE_SUBNETS_PAGE = 1_000
DESCRIBE_NETWORK_INTERFACES_PAGE = 1_000
DESCRIBE_INSTANCES_PAGE = 1_000
ECS_PAGE = 100
DESCRIBE_SERVICES_PER_CALL = 10
SUBNET_FILTER_VALUES = 200
METRIC_DATA_PER_CALL = 1_000
INSTANCE_TYPES_PER_CALL = 100
# The forecaster at its cap: every subnet at or above the watch level (the benchmark sets it to 0 %), at
# most monitor:forecastMaxSubnets (500) of them read, 500 series a GetMetricData call.
FORECAST_CAP = 500
SERIES_PER_GET_METRIC_DATA = 500
FORECAST_RUNS_PER_MONTH = 720
GET_METRIC_DATA_PRICE_PER_1000_SERIES = 0.01


def _pages(items: int, per_page: int) -> int:
    return math.ceil(items / per_page)


def subnet_floor(subnets: int, vpcs: int) -> dict[str, int]:
    """Fewest calls for one every-run subnet run: pages of 1,000 subnets; 2 points a subnet, 2 a VPC and the
    heartbeat, 1,000 a call."""
    return {
        "ec2.DescribeSubnets": max(1, _pages(subnets, DESCRIBE_SUBNETS_PAGE)),
        "cloudwatch.PutMetricData": _pages(2 * subnets + 2 * vpcs + 1, METRIC_DATA_PER_CALL),
    }


def subnet_floor_at_risk(subnets: int, vpcs: int, published: int) -> dict[str, int]:
    """Fewest calls for one at-risk subnet run that publishes `published` subnets: every subnet is still read;
    the state is read once and written once."""
    return {
        "ec2.DescribeSubnets": max(1, _pages(subnets, DESCRIBE_SUBNETS_PAGE)),
        "s3.GetObject": 1,
        "cloudwatch.PutMetricData": _pages(2 * published + 2 * vpcs + 1, METRIC_DATA_PER_CALL),
        "s3.PutObject": 1,
    }


def ecs_floor(size: Size, instance_types: int, service_subnets: int = 1) -> dict[str, int]:
    """Fewest calls for one ECS run: ECS pages of 100 per cluster, 100 types a call, 4 points a cluster + heartbeat;
    the deployment fit: a ListServices page of 100 per cluster, 10 services a DescribeServices, 200 of their
    subnets a DescribeSubnets, one point per cluster with services and one PutObject of the fit document."""
    per_cluster_instances = size.instances_per_cluster
    per_cluster_tasks = size.tasks_per_cluster
    with_instances = size.clusters if per_cluster_instances else 0
    with_services = size.clusters if size.services_per_cluster else 0
    services = {
        "ecs.ListServices": size.clusters * max(1, _pages(size.services_per_cluster, ECS_PAGE)),
        "ecs.DescribeServices": size.clusters * _pages(size.services_per_cluster, DESCRIBE_SERVICES_PER_CALL),
        "ec2.DescribeSubnets": _pages(service_subnets, SUBNET_FILTER_VALUES) if with_services else 0,
        "s3.PutObject": 1 if with_services else 0,
    }
    return {
        **{operation: calls for operation, calls in services.items() if calls},
        "ecs.ListAccountSettings": 1,
        "ecs.ListClusters": max(1, _pages(size.clusters, ECS_PAGE)),
        "ecs.ListContainerInstances": size.clusters * max(1, _pages(per_cluster_instances, ECS_PAGE)),
        "ecs.DescribeContainerInstances": size.clusters * _pages(per_cluster_instances, ECS_PAGE),
        "ecs.ListTasks": with_instances * max(1, _pages(per_cluster_tasks, ECS_PAGE)),
        "ecs.DescribeTasks": with_instances * _pages(per_cluster_tasks, ECS_PAGE),
        "ec2.DescribeInstanceTypes": _pages(instance_types, INSTANCE_TYPES_PER_CALL),
        "cloudwatch.PutMetricData": _pages(4 * with_instances + with_services + 1, METRIC_DATA_PER_CALL),
    }


def forecast_floor(subnets: int) -> dict[str, int]:
    """Fewest calls for one forecaster run at its cap: pages of 1,000 subnets, one ListMetrics (what was
    forecast last time), the watched subnets' history 500 series a call (with no history seeded, one page
    each; two weeks of hourly points are two pages in AWS), and one PutMetricData (heartbeat and forecasts)."""
    return {
        "ec2.DescribeSubnets": max(1, _pages(subnets, DESCRIBE_SUBNETS_PAGE)),
        "cloudwatch.ListMetrics": 1,
        "cloudwatch.GetMetricData": _pages(min(subnets, FORECAST_CAP), SERIES_PER_GET_METRIC_DATA),
        "cloudwatch.PutMetricData": 1,
    }


def forecast_cost_per_month(subnets: int) -> float:
    """The forecaster's GetMetricData at its cap: series read a run x runs a month x the price."""
    return min(subnets, FORECAST_CAP) * FORECAST_RUNS_PER_MONTH * GET_METRIC_DATA_PRICE_PER_1000_SERIES / 1000


def census_floor(size: Size, vpcs: int) -> dict[str, int]:
    """Fewest calls for one census run: pages of 1,000 subnets, interfaces and EKS instances; one reservation
    read per subnet whose /28 blocks matter; points for those subnets, each VPC and each EKS cluster, and the
    heartbeat, 1,000 a call; the snapshot and its dated copy; one ListClusters."""
    points = size.eks_subnets + vpcs + 1  # no EKS cluster is named (untagged interfaces): no EksAddressesInUse
    return {
        "ec2.DescribeSubnets": max(1, _pages(size.subnets, DESCRIBE_SUBNETS_PAGE)),
        "ec2.DescribeInstances": 1,  # no instance is tagged eks:cluster-name in the benchmark: one empty page
        "ec2.DescribeNetworkInterfaces": max(1, _pages(size.interfaces, DESCRIBE_NETWORK_INTERFACES_PAGE)),
        "ec2.GetSubnetCidrReservations": size.eks_subnets,
        "cloudwatch.PutMetricData": _pages(points, METRIC_DATA_PER_CALL),
        "s3.PutObject": 2,
        "eks.ListClusters": 1,  # no EKS cluster in the benchmark: no node group to describe, no shortage event
    }
