"""Subnet collection: the scheduled collector, its read-only permissions and the subnet alarms."""

from __future__ import annotations

from aws_cdk import Duration
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_iam as iam
from constructs import Construct

from infra import queries
from infra.alarms import collector_failures_alarm, query_alarm
from infra.alerting import Alerting
from infra.config import MonitorConfig
from infra.lambda_defaults import grant_read_and_publish, monitor_function, run_on_schedule

SUBNET_REMEDY = (
    "Free addresses (delete unused ENIs, endpoints or load balancers), add a subnet to the ECS service or "
    "Auto Scaling group, or add a secondary CIDR to the VPC and new subnets in it. The alarm's contributors "
    "name the subnets; the Subnet IP Monitor dashboard shows their trend."
)


class SubnetCollection(Construct):
    """Publishes AvailableIpAddressCount and IpUtilization per subnet and alarms on them."""

    def __init__(self, scope: Construct, construct_id: str, *, config: MonitorConfig, alerting: Alerting) -> None:
        super().__init__(scope, construct_id)
        period = Duration.seconds(config.schedule_seconds)
        self.function, role = monitor_function(
            self,
            "Collector",
            handler="lambdas.handlers.subnet_collector.handler",
            description="Subnet IP Monitor: publishes free IPv4 addresses and utilization per subnet",
            environment={
                "METRIC_NAMESPACE": config.namespace,
                "VPC_IDS": ",".join(config.vpc_ids),
                "SUBNET_TAG_FILTER": config.subnet_tag_filter,
            },
            timeout=Duration.minutes(2),
            memory_size=256,
            log_retention_days=config.log_retention_days,
            # A failed scheduled run is not retried: the next one is minutes away and reads everything again.
            retry_attempts=0,
        )
        grant_read_and_publish(
            self,
            role,
            namespace=config.namespace,
            reads=[iam.PolicyStatement(actions=["ec2:DescribeSubnets"], resources=["*"])],
            why="ec2:DescribeSubnets supports no resource-level permissions",
        )
        run_on_schedule(self, self.function, config.schedule_minutes, "the subnet collector")
        self.alarms: list[cloudwatch.Alarm] = []
        for vpc_id in config.vpc_ids if config.alarm_per_vpc else (None,):
            self._threshold_alarms(config, period, vpc_id, alerting)
        self.alarms.append(
            collector_failures_alarm(
                self, collector="subnets", namespace=config.namespace, period=period, alerting=alerting
            )
        )

    def _threshold_alarms(
        self, config: MonitorConfig, period: Duration, vpc_id: str | None, alerting: Alerting
    ) -> None:
        scope = f" in {vpc_id}" if vpc_id else ""
        suffix = f"-{vpc_id}" if vpc_id else ""
        self.alarms.append(
            query_alarm(
                self,
                f"UtilizationAlarm{vpc_id or ''}",
                name=f"subnet-ip-utilization{suffix}",
                description=(
                    f"A subnet{scope} uses {config.utilization_threshold_percent:g}% or more of its usable IPv4 "
                    f"addresses. New ECS tasks, instances and load balancer nodes will fail to get an address "
                    f"when it reaches 100%. {SUBNET_REMEDY}"
                ),
                query=queries.worst_subnet_utilization(config.namespace, vpc_id),
                label="IpUtilization",
                period=period,
                threshold=config.utilization_threshold_percent,
                comparison=cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
                alerting=alerting,
            )
        )
        self.alarms.append(
            query_alarm(
                self,
                f"FreeAddressesAlarm{vpc_id or ''}",
                name=f"subnet-free-addresses{suffix}",
                description=(
                    f"A subnet{scope} has {config.free_address_floor} or fewer free IPv4 addresses "
                    f"(an Elastic Load Balancer needs 8 free to scale). {SUBNET_REMEDY}"
                ),
                query=queries.fewest_free_addresses(config.namespace, vpc_id),
                label="AvailableIpAddressCount",
                period=period,
                threshold=config.free_address_floor,
                comparison=cloudwatch.ComparisonOperator.LESS_THAN_OR_EQUAL_TO_THRESHOLD,
                alerting=alerting,
            )
        )
