"""Pure: the alarms the composer explains, one contributor's transition, and the facts gathered about it."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any

from ..domain.network import Subnet
from ..platform import contract
from .forecast import Forecast, Sample, Trend


class Scope(StrEnum):
    """What one contributor of an alarm is: the dimension its query groups by."""

    SUBNET = contract.SUBNET_ID
    CLUSTER = contract.CLUSTER_NAME
    VPC = contract.VPC_ID


@dataclass(frozen=True)
class Thresholds:
    """The alarm thresholds as configured (monitor:* keys), for WHAT and for the digest's marks."""

    utilization_percent: float
    free_address_floor: int
    free_prefix_block_floor: int
    eni_utilization_percent: float
    forecast_alarm_days: int
    unattached_eni_addresses: int


@dataclass(frozen=True)
class AlarmKind:
    """One alarm family: its name part, what a contributor is, its title, and the collector publishing its series
    (the name in that collector's '<stack>-<collector>-collector-heartbeat' alarm)."""

    stem: str
    scope: Scope
    title: str
    publisher: str

    def condition(self, thresholds: Thresholds) -> str:
        """The alarm's threshold as a sentence."""
        return {
            contract.ALARM_SUBNET_UTILIZATION: f"{contract.IP_UTILIZATION.name} >= "
            f"{thresholds.utilization_percent:g}% of usable addresses",
            contract.ALARM_SUBNET_FREE_ADDRESSES: f"{contract.AVAILABLE_IP_ADDRESS_COUNT.name} <= "
            f"{thresholds.free_address_floor} free addresses",
            contract.ALARM_SUBNET_FREE_PREFIX_BLOCKS: f"{contract.FREE_PREFIX_BLOCKS.name} <= "
            f"{thresholds.free_prefix_block_floor} free aligned /28 blocks",
            contract.ALARM_SUBNET_DAYS_TO_EXHAUSTION: f"{contract.DAYS_TO_EXHAUSTION.name} <= "
            f"{thresholds.forecast_alarm_days} days to {thresholds.free_address_floor} free addresses",
            contract.ALARM_CLUSTER_ENI_UTILIZATION: f"{contract.ENI_UTILIZATION.name} >= "
            f"{thresholds.eni_utilization_percent:g}% of task-ENI slots",
            contract.ALARM_CLUSTER_UNTRUNKED_INSTANCES: f"{contract.UNTRUNKED_INSTANCES.name} >= 1",
            contract.ALARM_CLUSTER_SERVICES_AT_DEPLOYMENT_RISK: f"{contract.SERVICES_AT_DEPLOYMENT_RISK.name} >= 1 "
            "service whose next deployment would not fit",
            contract.ALARM_VPC_UNATTACHED_ENI_ADDRESSES: f"{contract.UNATTACHED_ENI_ADDRESSES.name} >= "
            f"{thresholds.unattached_eni_addresses} addresses",
        }[self.stem]


ALARM_KINDS = (
    AlarmKind(contract.ALARM_SUBNET_UTILIZATION, Scope.SUBNET, "Subnet IP utilization", "subnets"),
    AlarmKind(contract.ALARM_SUBNET_FREE_ADDRESSES, Scope.SUBNET, "Subnet free addresses", "subnets"),
    AlarmKind(contract.ALARM_SUBNET_FREE_PREFIX_BLOCKS, Scope.SUBNET, "Subnet free /28 prefix blocks", "census"),
    AlarmKind(contract.ALARM_SUBNET_DAYS_TO_EXHAUSTION, Scope.SUBNET, "Subnet forecast to fill up", "forecast"),
    AlarmKind(contract.ALARM_CLUSTER_ENI_UTILIZATION, Scope.CLUSTER, "ECS task-ENI utilization", "ecs"),
    AlarmKind(contract.ALARM_CLUSTER_UNTRUNKED_INSTANCES, Scope.CLUSTER, "ECS instances without ENI trunking", "ecs"),
    AlarmKind(
        contract.ALARM_CLUSTER_SERVICES_AT_DEPLOYMENT_RISK,
        Scope.CLUSTER,
        "ECS services whose deployment would not fit",
        "ecs",
    ),
    AlarmKind(
        contract.ALARM_VPC_UNATTACHED_ENI_ADDRESSES, Scope.VPC, "Addresses held by unattached interfaces", "census"
    ),
)

# A contributor the alarm's query no longer returns (its subnet deleted, its collector stopped) goes to OK with
# this reason whatever TreatMissingData says (CloudWatch user guide, "Create an alarm based on a Metrics Insights
# query": https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/Create_Metrics_Insights_Alarm.html).
# That OK is not a recovery.
NO_DATA_REASON = "No data was returned for this contributor"


def alarm_kind(alarm_name: str, prefix: str) -> AlarmKind | None:
    """The kind of the alarm called alarm_name ('<prefix><stem>', or with '-<vpc id>' or '-<account id>' for
    per-VPC and per-account alarms), if any."""
    if not alarm_name.startswith(prefix):
        return None
    rest = alarm_name.removeprefix(prefix)
    for kind in ALARM_KINDS:
        part = rest.removeprefix(f"{kind.stem}-")
        if rest == kind.stem or (part != rest and (part.startswith("vpc-") or PER_ACCOUNT.fullmatch(part))):
            return kind
    return None


# The suffix of a per-account alarm (monitor:alarmPerAccount): the account id.
PER_ACCOUNT = re.compile(r"\d{12}")


@dataclass(frozen=True)
class ContributorTransition:
    """One contributor (a subnet, cluster or VPC) of one alarm entering ALARM or returning to OK."""

    event_id: str
    account: str
    region: str
    alarm_name: str
    kind: AlarmKind
    contributor_id: str
    contributor: str  # the subnet id, cluster name or VPC id
    contributor_account: str  # the account the subnet, cluster or VPC is in (a member's, in hub mode)
    contributor_region: str
    state: str  # ALARM | OK
    reason: str
    at: datetime
    datapoint: float | None  # the figure that crossed the threshold, from the reason

    @property
    def stopped_reporting(self) -> bool:
        """OK only because the query no longer returns this contributor (NO_DATA_REASON), not a recovery."""
        return self.state == "OK" and NO_DATA_REASON.lower() in self.reason.lower()

    @property
    def incident_key(self) -> str:
        """One email per alarm, contributor and outcome per window: a flapping subnet cannot flood the inbox."""
        outcome = "NO_DATA" if self.stopped_reporting else self.state
        return (
            f"alarm|{self.account}|{self.region}|{self.alarm_name}|{self.contributor_account}|"
            f"{self.contributor_region}|{self.contributor}|{outcome}"
        )


@dataclass(frozen=True)
class SubnetFacts:
    """What could be read about one subnet when its email is written; missing says what could not, and why."""

    subnet_id: str
    subnet: Subnet | None = None
    vpc_name: str | None = None
    census: dict[str, Any] | None = None  # the subnet's entry of the census snapshot
    census_at: str | None = None
    unattached: list[dict[str, Any]] = field(default_factory=list)
    history: list[Sample] = field(default_factory=list)
    forecast: Forecast | None = None
    trend: Trend | None = None
    missing: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class ClusterFacts:
    """One ECS cluster's latest task-ENI figures (None: not published in the last hour) and trend."""

    cluster: str
    figures: dict[str, float | None]
    utilization_trend: Trend | None = None
    missing: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class DeploymentFacts:
    """One cluster's services whose next deployment would not fit, from the ECS collector's deployment fit
    document (its documented shape: lambdas/domain/deployments.py, ServiceFit.as_json)."""

    cluster: str
    at_risk: list[dict[str, Any]]
    assessed_at: str | None = None
    missing: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class VpcFacts:
    """One VPC's unattached interfaces from the census snapshot."""

    vpc_id: str
    vpc_name: str | None = None
    unattached: list[dict[str, Any]] = field(default_factory=list)
    census_at: str | None = None
    missing: list[str] = field(default_factory=list)


Facts = SubnetFacts | ClusterFacts | DeploymentFacts | VpcFacts


@dataclass(frozen=True)
class AlarmContributor:
    """One contributor of a multi-time-series alarm now in ALARM, as DescribeAlarmContributors returns it."""

    contributor_id: str
    attributes: Mapping[str, str]
    reason: str
