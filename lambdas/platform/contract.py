"""The metric contract: every metric's name, unit and exact dimensions, used by the publishers and the queries.

A point can only be built through its metric, which checks the dimensions, so a publisher cannot drift from
what the alarms and the dashboard query. Capabilities exchange data through this contract, never by importing
one another.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

DEFAULT_NAMESPACE = "SubnetIpMonitor"

UNIT_COUNT = "Count"
UNIT_PERCENT = "Percent"
UNIT_NONE = "None"

# Dimension names. AccountId is on every series (a single-account deployment publishes its own account id),
# so one contract serves monitor:mode account and hub; Region is on the series whose name is only unique
# within an account and region (ECS and EKS cluster names). Subnet and VPC ids are unique across regions.
ACCOUNT_ID = "AccountId"
REGION = "Region"
VPC_ID = "VpcId"
SUBNET_ID = "SubnetId"
AVAILABILITY_ZONE = "AvailabilityZone"
CLUSTER_NAME = "ClusterName"
REASON = "Reason"
COLLECTOR = "Collector"

SUBNET_DIMENSIONS = (ACCOUNT_ID, VPC_ID, SUBNET_ID, AVAILABILITY_ZONE)
CLUSTER_DIMENSIONS = (ACCOUNT_ID, REGION, CLUSTER_NAME)
VPC_DIMENSIONS = (ACCOUNT_ID, VPC_ID)
EVENT_DIMENSIONS = (ACCOUNT_ID, REASON)
COLLECTOR_DIMENSIONS = (COLLECTOR,)
# What names one subnet, cluster or VPC across accounts: the alarms group by these, so each contributor is
# one resource and carries the account it is in.
SUBNET_KEY = (ACCOUNT_ID, SUBNET_ID)
CLUSTER_KEY = CLUSTER_DIMENSIONS
VPC_KEY = VPC_DIMENSIONS


def subnet_series(account_id: str, vpc_id: str, subnet_id: str, availability_zone: str) -> dict[str, str]:
    """The dimensions of one subnet's series."""
    return {ACCOUNT_ID: account_id, VPC_ID: vpc_id, SUBNET_ID: subnet_id, AVAILABILITY_ZONE: availability_zone}


def cluster_series(account_id: str, region: str, cluster_name: str) -> dict[str, str]:
    """The dimensions of one ECS or EKS cluster's series."""
    return {ACCOUNT_ID: account_id, REGION: region, CLUSTER_NAME: cluster_name}


def vpc_series(account_id: str, vpc_id: str) -> dict[str, str]:
    """The dimensions of one VPC's series."""
    return {ACCOUNT_ID: account_id, VPC_ID: vpc_id}


@dataclass(frozen=True)
class MetricPoint:
    """One CloudWatch data point, independent of boto3's wire shape."""

    name: str
    value: float
    unit: str
    dimensions: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class Metric:
    """A metric of the contract: its name, unit and the exact set of dimensions every point carries."""

    name: str
    unit: str
    dimensions: tuple[str, ...]

    def point(self, value: float, dimensions: Mapping[str, str] | None = None) -> MetricPoint:
        """A point of this metric; raise ValueError unless dimensions name exactly this metric's dimensions."""
        given = dimensions or {}
        if len(given) != len(self.dimensions) or not all(name in given for name in self.dimensions):
            raise ValueError(f"{self.name} takes dimensions {self.dimensions}, got {tuple(given)}")
        return MetricPoint(self.name, value, self.unit, tuple((name, given[name]) for name in self.dimensions))


# Per subnet.
AVAILABLE_IP_ADDRESS_COUNT = Metric("AvailableIpAddressCount", UNIT_COUNT, SUBNET_DIMENSIONS)
IP_UTILIZATION = Metric("IpUtilization", UNIT_PERCENT, SUBNET_DIMENSIONS)

# Per VPC in scope (subnet collector, every run in both publish modes): the sum of its subnets' free
# addresses and its fullest subnet's utilization, so the per-VPC view is whole even when quiet subnets are
# published rarely (monitor:publishMode at-risk).
VPC_AVAILABLE_IP_ADDRESS_COUNT = Metric("VpcAvailableIpAddressCount", UNIT_COUNT, VPC_DIMENSIONS)
VPC_MAX_IP_UTILIZATION = Metric("VpcMaxIpUtilization", UNIT_PERCENT, VPC_DIMENSIONS)

# Per ECS cluster with EC2 container instances.
ENI_TASKS_RUNNING = Metric("EniTasksRunning", UNIT_COUNT, CLUSTER_DIMENSIONS)
ENI_TASK_CAPACITY = Metric("EniTaskCapacity", UNIT_COUNT, CLUSTER_DIMENSIONS)
ENI_UTILIZATION = Metric("EniUtilization", UNIT_PERCENT, CLUSTER_DIMENSIONS)
UNTRUNKED_INSTANCES = Metric("UntrunkedInstances", UNIT_COUNT, CLUSTER_DIMENSIONS)
# Per ECS cluster with awsvpc services (ECS collector, every run): services whose next deployment would not
# fit in their subnets or their cluster's task-ENI slots, or would stall in one AZ (lambdas/domain/deployments.py).
SERVICES_AT_DEPLOYMENT_RISK = Metric("ServicesAtDeploymentRisk", UNIT_COUNT, CLUSTER_DIMENSIONS)

# Per subnet that holds an IPv4 prefix or an EKS node interface (census): aligned, empty /28 blocks left.
FREE_PREFIX_BLOCKS = Metric("FreePrefixBlocks", UNIT_COUNT, SUBNET_DIMENSIONS)
# Per VPC in scope (census): addresses held by interfaces in the `available` state (attached to nothing).
UNATTACHED_ENI_ADDRESSES = Metric("UnattachedEniAddresses", UNIT_COUNT, VPC_DIMENSIONS)
# Per EKS cluster (census): addresses held by its nodes, pod ENIs and prefixes, warm pools included.
EKS_ADDRESSES_IN_USE = Metric("EksAddressesInUse", UNIT_COUNT, CLUSTER_DIMENSIONS)

# Per subnet forecast to reach the free-address floor within monitor:forecastHorizonDays (forecaster, hourly):
# days until it does. Subnets that are not shrinking, or further out, publish nothing.
DAYS_TO_EXHAUSTION = Metric("DaysToExhaustion", UNIT_NONE, SUBNET_DIMENSIONS)
# Per exhaustion event caught by the event handler (one data point per event).
IP_EXHAUSTION_EVENTS = Metric("IpExhaustionEvents", UNIT_COUNT, EVENT_DIMENSIONS)
# Per event the handler could not parse; the event itself is kept in the dead-letter queue.
UNPARSED_EVENTS = Metric("UnparsedEvents", UNIT_COUNT, ())
# Per event from an account that is not a target (hub mode: not a member; account mode: not this account):
# dropped, never emailed or looked up. No account dimension, so no outsider can add series.
FOREIGN_ACCOUNT_EVENTS = Metric("ForeignAccountEvents", UNIT_COUNT, ())

# Per collector run, always (1), in the run's last PutMetricData batch: its absence is the alarm.
COLLECTOR_HEARTBEAT = Metric("CollectorHeartbeat", UNIT_COUNT, COLLECTOR_DIMENSIONS)
# Per collector run, only when the run had failures (so a healthy run costs no extra call).
COLLECTOR_FAILURES = Metric("CollectorFailures", UNIT_COUNT, COLLECTOR_DIMENSIONS)
# Per collector run that had more series than monitor:maxSeriesPerTarget: how many it left out (the digest says so).
SERIES_LEFT_OUT = Metric("SeriesLeftOut", UNIT_COUNT, COLLECTOR_DIMENSIONS)


# Events the monitor sends itself (PutEvents on its private bus, which only their sender may write), for
# capabilities that find an exhaustion condition no AWS event carries; the events capability has a kind for each.
# Detail shapes are documented with the kind that reads them (lambdas/events/kinds/).
MONITOR_EVENT_SOURCE = "subnet-ip-monitor"
EKS_ADDRESS_SHORTAGE = "EKS Address Shortage"

# The census snapshot (docs/census.md, "The census snapshot"): the latest one, in the monitor's snapshot bucket. The
# census writes it; the dashboard table, the alert composer and the digest read it.
CENSUS_SNAPSHOT_KEY = "census/latest.json"
# Hub mode with organizational units: the accounts the dispatcher found under them, written on each dispatch to
# the same bucket, so the event handler knows its targets ({"generatedAt", "accounts": [...]}).
TARGET_ACCOUNTS_KEY = "targets/accounts.json"
# In hub mode (monitor:mode hub) one snapshot per target account and region, beside it.
MEMBER_SNAPSHOT_PREFIX = "census/members/"


# The ECS collector's deployment fit of every awsvpc service (docs/metrics.md, "Deployment fit"), beside the census
# snapshot; the alert composer reads it for the ServicesAtDeploymentRisk email.
DEPLOYMENT_FIT_KEY = "deployments/latest.json"
DEPLOYMENT_FIT_PREFIX = "deployments/"
MEMBER_DEPLOYMENT_FIT_PREFIX = f"{DEPLOYMENT_FIT_PREFIX}members/"


def deployment_fit_key(account_id: str, region: str, *, per_target: bool) -> str:
    """The latest deployment fit of account_id in region: one document in account mode, per target in hub mode."""
    return f"{MEMBER_DEPLOYMENT_FIT_PREFIX}{account_id}/{region}/latest.json" if per_target else DEPLOYMENT_FIT_KEY


def census_snapshot_key(account_id: str, region: str, *, per_target: bool) -> str:
    """The latest snapshot of account_id in region: the one snapshot in account mode, per target in hub mode."""
    return f"{MEMBER_SNAPSHOT_PREFIX}{account_id}/{region}/latest.json" if per_target else CENSUS_SNAPSHOT_KEY


# The alarms whose contributors (one subnet, cluster or VPC each) the alert composer explains, by the part
# of their name after "<stack name>-" (per-VPC alarms, monitor:alarmPerVpc, add "-<vpc id>").
ALARM_SUBNET_UTILIZATION = "subnet-ip-utilization"
ALARM_SUBNET_FREE_ADDRESSES = "subnet-free-addresses"
ALARM_SUBNET_FREE_PREFIX_BLOCKS = "subnet-free-prefix-blocks"
ALARM_SUBNET_DAYS_TO_EXHAUSTION = "subnet-days-to-exhaustion"
ALARM_CLUSTER_ENI_UTILIZATION = "ecs-eni-utilization"
ALARM_CLUSTER_UNTRUNKED_INSTANCES = "ecs-untrunked-instances"
ALARM_CLUSTER_SERVICES_AT_DEPLOYMENT_RISK = "ecs-services-at-deployment-risk"
ALARM_VPC_UNATTACHED_ENI_ADDRESSES = "unattached-eni-addresses"
