"""ECS collection: the scheduled ENI collector, its read-only permissions and the per-cluster alarms."""

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

# Read-only calls the collector makes; ECS and EC2 describe/list calls are named one by one.
ECS_READ_ACTIONS = [
    "ecs:ListClusters",
    "ecs:ListContainerInstances",
    "ecs:DescribeContainerInstances",
    "ecs:ListTasks",
    "ecs:DescribeTasks",
    "ecs:ListAccountSettings",
    "ec2:DescribeInstanceTypes",
]


class EcsCollection(Construct):
    """Publishes EniTasksRunning, EniTaskCapacity, EniUtilization and UntrunkedInstances per cluster."""

    def __init__(self, scope: Construct, construct_id: str, *, config: MonitorConfig, alerting: Alerting) -> None:
        super().__init__(scope, construct_id)
        period = Duration.seconds(config.schedule_seconds)
        self.function, role = monitor_function(
            self,
            "Collector",
            handler="lambdas.handlers.ecs_collector.handler",
            description="Subnet IP Monitor: publishes task-ENI use and capacity per ECS cluster",
            environment={"METRIC_NAMESPACE": config.namespace, "CLUSTER_NAMES": ",".join(config.cluster_names)},
            timeout=Duration.minutes(5),
            memory_size=512,
            log_retention_days=config.log_retention_days,
            retry_attempts=0,
        )
        grant_read_and_publish(
            self,
            role,
            namespace=config.namespace,
            reads=[iam.PolicyStatement(actions=ECS_READ_ACTIONS, resources=["*"])],
            why=(
                "ListClusters, ListAccountSettings and ec2:DescribeInstanceTypes support no resource scoping, and "
                "the clusters are discovered at run time"
            ),
        )
        run_on_schedule(self, self.function, config.schedule_minutes, "the ECS ENI collector")
        self.alarms: list[cloudwatch.Alarm] = [
            query_alarm(
                self,
                "EniUtilizationAlarm",
                name="ecs-eni-utilization",
                description=(
                    f"An ECS cluster uses {config.eni_utilization_threshold_percent:g}% or more of its container "
                    "instances' task-ENI slots (awsvpc tasks). Past 100% new tasks fail placement with RESOURCE:ENI "
                    "even with CPU and memory free. Add instances, enable awsvpcTrunking for the role that registers "
                    "instances and replace untrunked ones, or move tasks to bridge/host mode or Fargate."
                ),
                query=queries.worst_cluster_eni_utilization(config.namespace),
                label="EniUtilization",
                period=period,
                threshold=config.eni_utilization_threshold_percent,
                comparison=cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
                alerting=alerting,
            ),
            collector_failures_alarm(
                self, collector="ecs", namespace=config.namespace, period=period, alerting=alerting
            ),
        ]
        if config.untrunked_instances_alarm:
            self.alarms.append(
                query_alarm(
                    self,
                    "UntrunkedInstancesAlarm",
                    name="ecs-untrunked-instances",
                    description=(
                        "An ECS cluster has container instances whose type supports ENI trunking but that run "
                        "without a trunk, so they hold only MaximumNetworkInterfaces - 1 awsvpc tasks (2 on a "
                        "c5.large instead of 10). Trunks are attached only to instances launched after the "
                        "awsvpcTrunking opt-in of the role that registers them: enable it for that role, then "
                        "replace the instances (instance refresh)."
                    ),
                    query=queries.untrunked_instances_per_cluster(config.namespace),
                    label="UntrunkedInstances",
                    period=period,
                    threshold=1,
                    comparison=cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
                    alerting=alerting,
                )
            )
