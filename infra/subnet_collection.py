"""Subnet collection: the scheduled collector, its read-only permissions and the subnet alarms."""

from __future__ import annotations

from aws_cdk import Acknowledgment, Duration, Stack, Validations
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_events as events
from aws_cdk import aws_events_targets as targets
from aws_cdk import aws_iam as iam
from constructs import Construct

from infra import queries
from infra.alerting import Alerting
from infra.config import MonitorConfig
from infra.lambda_defaults import monitor_function
from lambdas import contract

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
        self._grant_read_and_publish(role, config.namespace)
        events.Rule(
            self,
            "Schedule",
            description=f"Runs the subnet collector every {config.schedule_minutes} minutes",
            schedule=events.Schedule.rate(Duration.minutes(config.schedule_minutes)),
            targets=[targets.LambdaFunction(self.function, retry_attempts=0)],
        )
        self.alarms: list[cloudwatch.Alarm] = []
        for vpc_id in config.vpc_ids if config.alarm_per_vpc else (None,):
            self._threshold_alarms(config, period, vpc_id, alerting)
        failures = cloudwatch.Alarm(
            self,
            "CollectorFailuresAlarm",
            alarm_name=f"{Stack.of(self).stack_name}-subnet-collector-failures",
            alarm_description=(
                "The subnet collector could not read or publish everything in a run (AccessDenied, throttling "
                "beyond retries, a failed PutMetricData batch). The other subnets' metrics were published. "
                "The collector's log group has the failing call and its context."
            ),
            metric=cloudwatch.Metric(
                namespace=config.namespace,
                metric_name=contract.COLLECTOR_FAILURES,
                dimensions_map={"Collector": "subnets"},
                statistic="Sum",
                period=period,
            ),
            threshold=1,
            evaluation_periods=1,
            comparison_operator=cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
            treat_missing_data=cloudwatch.TreatMissingData.NOT_BREACHING,
        )
        alerting.notify(failures)
        self.alarms.append(failures)

    def _grant_read_and_publish(self, role: iam.Role, namespace: str) -> None:
        policy = iam.Policy(
            self,
            "ReadSubnetsPublishMetrics",
            statements=[
                iam.PolicyStatement(actions=["ec2:DescribeSubnets"], resources=["*"]),
                iam.PolicyStatement(
                    actions=["cloudwatch:PutMetricData"],
                    resources=["*"],
                    conditions={"StringEquals": {"cloudwatch:namespace": namespace}},
                ),
            ],
        )
        policy.attach_to_role(role)
        Validations.of(policy).acknowledge(
            Acknowledgment(
                id="AwsSolutions::AwsSolutions-IAM5[Resource::*]",
                reason=(
                    "ec2:DescribeSubnets and cloudwatch:PutMetricData support no resource-level permissions, "
                    "so the resource must be '*'; PutMetricData is limited to this app's namespace by the "
                    "cloudwatch:namespace condition, and DescribeSubnets is read-only."
                ),
            )
        )

    def _threshold_alarms(
        self, config: MonitorConfig, period: Duration, vpc_id: str | None, alerting: Alerting
    ) -> None:
        scope = f" in {vpc_id}" if vpc_id else ""
        suffix = f"-{vpc_id}" if vpc_id else ""
        id_suffix = vpc_id or ""
        stack_name = Stack.of(self).stack_name
        utilization = cloudwatch.Alarm(
            self,
            f"UtilizationAlarm{id_suffix}",
            alarm_name=f"{stack_name}-subnet-ip-utilization{suffix}",
            alarm_description=(
                f"A subnet{scope} uses {config.utilization_threshold_percent:g}% or more of its usable IPv4 "
                f"addresses. New ECS tasks, instances and load balancer nodes will fail to get an address "
                f"when it reaches 100%. {SUBNET_REMEDY}"
            ),
            metric=cloudwatch.MathExpression(
                expression=queries.worst_subnet_utilization(config.namespace, vpc_id),
                label="IpUtilization",
                period=period,
                using_metrics={},
            ),
            threshold=config.utilization_threshold_percent,
            evaluation_periods=1,
            comparison_operator=cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
            # A subnet that was deleted stops reporting; that is not a reason to page anyone.
            treat_missing_data=cloudwatch.TreatMissingData.NOT_BREACHING,
        )
        free = cloudwatch.Alarm(
            self,
            f"FreeAddressesAlarm{id_suffix}",
            alarm_name=f"{stack_name}-subnet-free-addresses{suffix}",
            alarm_description=(
                f"A subnet{scope} has {config.free_address_floor} or fewer free IPv4 addresses "
                f"(an Elastic Load Balancer needs 8 free to scale). {SUBNET_REMEDY}"
            ),
            metric=cloudwatch.MathExpression(
                expression=queries.fewest_free_addresses(config.namespace, vpc_id),
                label="AvailableIpAddressCount",
                period=period,
                using_metrics={},
            ),
            threshold=config.free_address_floor,
            evaluation_periods=1,
            comparison_operator=cloudwatch.ComparisonOperator.LESS_THAN_OR_EQUAL_TO_THRESHOLD,
            treat_missing_data=cloudwatch.TreatMissingData.NOT_BREACHING,
        )
        for alarm in (utilization, free):
            alerting.notify(alarm)
            self.alarms.append(alarm)
