"""Subnet collection: the scheduled collector, its queries, the subnet alarms and the subnet dashboard section."""

from __future__ import annotations

from aws_cdk import Duration
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_iam as iam
from constructs import Construct

from infra.core.alarms import query_alarm
from infra.core.alerting import Alerting
from infra.core.config import MonitorConfig
from infra.core.dashboard import Section, heading, query_graph
from infra.core.foundation import Foundation
from infra.core.hub import HubDispatch
from infra.core.publishing import PublishStateStore
from infra.core.queries import MAX_SERIES_PER_QUERY, ranked, schema
from infra.core.scheduled_collector import ScheduledCollector
from lambdas.platform import contract
from lambdas.platform.publish_policy import PublishMode
from lambdas.platform.settings import FREE_ADDRESS_FLOOR, SUBNET_TAG_FILTER, VPC_IDS
from lambdas.subnets.settings import COLLECTOR

# What the subnet collector reads in the account it watches (the members' reader roles hold it in hub mode).
SUBNET_READS = ["ec2:DescribeSubnets"]

SUBNET_REMEDY = (
    "Free addresses (delete unused ENIs, endpoints or load balancers), add a subnet to the ECS service or "
    "Auto Scaling group, or add a secondary CIDR to the VPC and new subnets in it. The alarm's contributors "
    "name the subnets; the Subnet IP Monitor dashboard shows their trend."
)


def _where(part: str | None) -> str:
    """The WHERE of one alarm partition: a VPC id (monitor:alarmPerVpc) or an account id (alarmPerAccount)."""
    if not part:
        return ""
    dimension = contract.VPC_ID if part.startswith("vpc-") else contract.ACCOUNT_ID
    return f" WHERE {dimension} = '{part}'"


def alarm_partitions(config: MonitorConfig) -> tuple[str | None, ...]:
    """One subnet alarm pair per listed VPC or member account when asked, else one for everything."""
    if config.alarm_per_vpc:
        return config.vpc_ids
    if config.alarm_per_account:
        return config.member_accounts
    return (None,)


def worst_subnet_utilization(namespace: str, vpc_id: str | None = None, limit: int = MAX_SERIES_PER_QUERY) -> str:
    """Highest IpUtilization per subnet, worst first."""
    return ranked(
        namespace,
        contract.IP_UTILIZATION,
        group_by=contract.SUBNET_KEY,
        lowest_first=False,
        limit=limit,
        where=_where(vpc_id),
    )


def fewest_free_addresses(namespace: str, vpc_id: str | None = None, limit: int = MAX_SERIES_PER_QUERY) -> str:
    """Lowest AvailableIpAddressCount per subnet, fewest first."""
    return ranked(
        namespace,
        contract.AVAILABLE_IP_ADDRESS_COUNT,
        group_by=contract.SUBNET_KEY,
        lowest_first=True,
        limit=limit,
        where=_where(vpc_id),
    )


def vpc_free_addresses(namespace: str, limit: int = MAX_SERIES_PER_QUERY) -> str:
    """Each VPC's free addresses (published every run in both publish modes), fewest first."""
    return ranked(
        namespace, contract.VPC_AVAILABLE_IP_ADDRESS_COUNT, group_by=contract.VPC_KEY, lowest_first=True, limit=limit
    )


def vpc_fullest_subnet(namespace: str, limit: int = MAX_SERIES_PER_QUERY) -> str:
    """Each VPC's fullest subnet's utilization (published every run in both publish modes), worst first."""
    return ranked(
        namespace, contract.VPC_MAX_IP_UTILIZATION, group_by=contract.VPC_KEY, lowest_first=False, limit=limit
    )


class SubnetCollection(Construct):
    """Publishes AvailableIpAddressCount and IpUtilization per subnet and alarms on them."""

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        foundation: Foundation,
        publish_state: PublishStateStore,
        hub: HubDispatch | None = None,
    ) -> None:
        super().__init__(scope, construct_id)
        config, alerting = foundation.config, foundation.alerting
        self._config = config
        self.collector = ScheduledCollector(
            self,
            "Collector",
            name=COLLECTOR,
            title="the subnet collector",
            handler="lambdas.subnets.handler.handler",
            description="Subnet IP Monitor: publishes free IPv4 addresses and utilization per subnet",
            environment={
                VPC_IDS: ",".join(config.vpc_ids),
                SUBNET_TAG_FILTER: config.subnet_tag_filter,
                FREE_ADDRESS_FLOOR: str(config.free_address_floor),
                **publish_state.environment(),
            },
            timeout=Duration.minutes(2),
            memory_size=256,
            reads=[iam.PolicyStatement(actions=SUBNET_READS, resources=["*"])],
            why_any_resource="ec2:DescribeSubnets supports no resource-level permissions",
            foundation=foundation,
            hub=hub,
        )
        publish_state.grant(self.collector.role, COLLECTOR)
        self.collectors = [self.collector]
        self.functions = {COLLECTOR: self.collector.function}
        self.alarms: list[cloudwatch.Alarm] = []
        for part in alarm_partitions(config):
            self._threshold_alarms(part, alerting)

    def _threshold_alarms(self, vpc_id: str | None, alerting: Alerting) -> None:
        config = self._config
        scope = (f" in {vpc_id}" if vpc_id.startswith("vpc-") else f" in account {vpc_id}") if vpc_id else ""
        suffix = f"-{vpc_id}" if vpc_id else ""
        self.alarms.append(
            query_alarm(
                self,
                f"UtilizationAlarm{vpc_id or ''}",
                name=f"{contract.ALARM_SUBNET_UTILIZATION}{suffix}",
                description=(
                    f"A subnet{scope} uses {config.utilization_threshold_percent:g}% or more of its usable IPv4 "
                    f"addresses. New ECS tasks, instances and load balancer nodes will fail to get an address "
                    f"when it reaches 100%. {SUBNET_REMEDY}"
                ),
                query=worst_subnet_utilization(config.namespace, vpc_id),
                label=contract.IP_UTILIZATION.name,
                period=self.collector.period,
                threshold=config.utilization_threshold_percent,
                comparison=cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
                alerting=alerting,
            )
        )
        self.alarms.append(
            query_alarm(
                self,
                f"FreeAddressesAlarm{vpc_id or ''}",
                name=f"{contract.ALARM_SUBNET_FREE_ADDRESSES}{suffix}",
                description=(
                    f"A subnet{scope} has {config.free_address_floor} or fewer free IPv4 addresses "
                    f"(an Elastic Load Balancer needs 8 free to scale). {SUBNET_REMEDY}"
                ),
                query=fewest_free_addresses(config.namespace, vpc_id),
                label=contract.AVAILABLE_IP_ADDRESS_COUNT.name,
                period=self.collector.period,
                threshold=config.free_address_floor,
                comparison=cloudwatch.ComparisonOperator.LESS_THAN_OR_EQUAL_TO_THRESHOLD,
                alerting=alerting,
            )
        )

    def dashboard_section(self) -> Section:
        """Worst subnets by utilization and by free addresses; free addresses and the fullest subnet per VPC (and,
        in hub mode, per member account first)."""
        config, period = self._config, self.collector.period
        return [
            *([self._accounts_row()] if config.is_hub else []),
            [
                heading(
                    "## Subnet IP headroom\n"
                    f"Utilization alarm at **{config.utilization_threshold_percent:g}%**, free-address alarm at "
                    f"**{config.free_address_floor}** or fewer. {self._publishing_note()}"
                )
            ],
            [
                query_graph(
                    "Worst 10 subnets by IP utilization (%)",
                    worst_subnet_utilization(config.namespace, limit=10),
                    period,
                    threshold=config.utilization_threshold_percent,
                    y_max=100,
                ),
                query_graph(
                    "Fewest free addresses: 20 lowest subnets",
                    fewest_free_addresses(config.namespace, limit=20),
                    period,
                    threshold=config.free_address_floor,
                ),
            ],
            [
                query_graph(
                    "Free addresses per VPC (all its subnets, every run)", vpc_free_addresses(config.namespace), period
                ),
                query_graph(
                    "Fullest subnet per VPC (%, every run)",
                    vpc_fullest_subnet(config.namespace),
                    period,
                    threshold=config.utilization_threshold_percent,
                    y_max=100,
                ),
            ],
        ]

    def _accounts_row(self) -> list[cloudwatch.IWidget]:
        """Hub mode: which member accounts are closest to running out, from the per-VPC series (every run)."""
        config, period = self._config, self.collector.period
        by_account = (contract.ACCOUNT_ID,)
        return [
            query_graph(
                "Fullest subnet per member account (%, every run)",
                ranked(config.namespace, contract.VPC_MAX_IP_UTILIZATION, group_by=by_account, lowest_first=False),
                period,
                threshold=config.utilization_threshold_percent,
                y_max=100,
            ),
            query_graph(
                "Free addresses per member account (its VPCs in scope, every run)",
                f"SELECT SUM({contract.VPC_AVAILABLE_IP_ADDRESS_COUNT.name}) FROM "
                f"{schema(config.namespace, contract.VPC_AVAILABLE_IP_ADDRESS_COUNT)} GROUP BY {contract.ACCOUNT_ID}",
                period,
            ),
        ]

    def _publishing_note(self) -> str:
        config = self._config
        if config.publish_mode is PublishMode.EVERY_RUN:
            return f"Every subnet is published every {config.schedule_minutes} min."
        at_risk_free = 2 * config.free_address_floor
        return (
            f"Subnets at or above **{config.watch_utilization_percent:g}%** or with **{at_risk_free}** "
            f"or fewer free are published every {config.schedule_minutes} min (and for an hour after); quieter ones "
            f"when they change by more than {config.watch_change_addresses} addresses, and at least once every "
            f"{config.quiet_publish_hours} h, so their lines are sparse. The per-VPC graphs are complete every run."
        )
