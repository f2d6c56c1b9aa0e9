"""ECS collection: the scheduled ENI collector, its queries, the per-cluster alarms and the ECS dashboard section."""

from __future__ import annotations

from aws_cdk import Duration
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_iam as iam
from constructs import Construct

from infra.core.alarms import query_alarm
from infra.core.dashboard import WIDTH, Section, heading, query_graph
from infra.core.foundation import Foundation
from infra.core.hub import HubDispatch
from infra.core.publishing import PublishStateStore
from infra.core.queries import MAX_SERIES_PER_QUERY, ranked, schema
from infra.core.scheduled_collector import ScheduledCollector
from lambdas.ecs.settings import CLUSTER_NAMES, COLLECTOR
from lambdas.platform import contract
from lambdas.platform.settings import SNAPSHOT_BUCKET

# Read-only calls the collector makes; ECS and EC2 describe/list calls are named one by one.
ECS_READ_ACTIONS = [
    "ecs:ListClusters",
    "ecs:ListContainerInstances",
    "ecs:DescribeContainerInstances",
    "ecs:ListTasks",
    "ecs:DescribeTasks",
    "ecs:ListAccountSettings",
    "ecs:ListServices",
    "ecs:DescribeServices",
    "ecs:DescribeCapacityProviders",
    "autoscaling:DescribeAutoScalingGroups",
    "ec2:DescribeInstanceTypes",
    "ec2:DescribeSubnets",
]


def _worst_clusters(namespace: str, metric: contract.Metric, limit: int) -> str:
    return ranked(namespace, metric, group_by=contract.CLUSTER_KEY, lowest_first=False, limit=limit)


def worst_cluster_eni_utilization(namespace: str, limit: int = MAX_SERIES_PER_QUERY) -> str:
    """Highest EniUtilization per cluster, worst first."""
    return _worst_clusters(namespace, contract.ENI_UTILIZATION, limit)


def untrunked_instances_per_cluster(namespace: str, limit: int = MAX_SERIES_PER_QUERY) -> str:
    """Untrunked trunk-capable instances per cluster, most first."""
    return _worst_clusters(namespace, contract.UNTRUNKED_INSTANCES, limit)


def services_at_deployment_risk(namespace: str, limit: int = MAX_SERIES_PER_QUERY) -> str:
    """Services whose next deployment would not fit, per cluster, most first."""
    return _worst_clusters(namespace, contract.SERVICES_AT_DEPLOYMENT_RISK, limit)


def cluster_sum(namespace: str, metric: contract.Metric) -> str:
    """One series per cluster of a per-cluster count (tasks or capacity)."""
    return f"SELECT SUM({metric.name}) FROM {schema(namespace, metric)} GROUP BY {', '.join(contract.CLUSTER_KEY)}"


class EcsCollection(Construct):
    """Publishes EniTasksRunning, EniTaskCapacity, EniUtilization and UntrunkedInstances per cluster."""

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
            title="the ECS ENI collector",
            handler="lambdas.ecs.handler.handler",
            description="Subnet IP Monitor: publishes task-ENI use and capacity per ECS cluster",
            environment={
                CLUSTER_NAMES: ",".join(config.cluster_names),
                SNAPSHOT_BUCKET: publish_state.bucket_name,
                **publish_state.environment(),
            },
            timeout=Duration.minutes(5),
            memory_size=512,
            reads=[iam.PolicyStatement(actions=ECS_READ_ACTIONS, resources=["*"])],
            why_any_resource=(
                "ListClusters, ListAccountSettings, ec2:DescribeInstanceTypes, ec2:DescribeSubnets and "
                "autoscaling:DescribeAutoScalingGroups support no resource scoping, and the clusters, services and "
                "capacity providers are discovered at run time"
            ),
            foundation=foundation,
            hub=hub,
        )
        publish_state.grant(self.collector.role, COLLECTOR)
        publish_state.grant_document(
            self.collector.role,
            contract.DEPLOYMENT_FIT_PREFIX,
            "The ECS collector replaces its deployment fit document (one per account and region in hub mode) "
            "under deployments/ each run; no read, list or delete, no other key.",
        )
        self.collectors = [self.collector]
        self.functions = {COLLECTOR: self.collector.function}
        period = self.collector.period
        self.alarms: list[cloudwatch.Alarm] = [
            query_alarm(
                self,
                "EniUtilizationAlarm",
                name=contract.ALARM_CLUSTER_ENI_UTILIZATION,
                description=(
                    f"An ECS cluster uses {config.eni_utilization_threshold_percent:g}% or more of its container "
                    "instances' task-ENI slots (awsvpc tasks). Past 100% new tasks fail placement with RESOURCE:ENI "
                    "even with CPU and memory free. Add instances, enable awsvpcTrunking for the role that registers "
                    "instances and replace untrunked ones, or move tasks to bridge/host mode or Fargate."
                ),
                query=worst_cluster_eni_utilization(config.namespace),
                label=contract.ENI_UTILIZATION.name,
                period=period,
                threshold=config.eni_utilization_threshold_percent,
                comparison=cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
                alerting=alerting,
            )
        ]
        self.alarms.append(
            query_alarm(
                self,
                "ServicesAtDeploymentRiskAlarm",
                name=contract.ALARM_CLUSTER_SERVICES_AT_DEPLOYMENT_RISK,
                description=(
                    "An ECS service's next deployment would not fit: its subnets have fewer free addresses than "
                    "the tasks the deployment starts before it stops the old ones (rolling: maximumPercent; "
                    "blue/green: a whole task set), a subnet cannot take its share (the rollout stalls in one "
                    "AZ), or the cluster has too few free task-ENI slots. The email names each service, its "
                    "surge and its subnets' free addresses."
                ),
                query=services_at_deployment_risk(config.namespace),
                label=contract.SERVICES_AT_DEPLOYMENT_RISK.name,
                period=period,
                threshold=1,
                comparison=cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
                alerting=alerting,
            )
        )
        if config.untrunked_instances_alarm:
            self.alarms.append(
                query_alarm(
                    self,
                    "UntrunkedInstancesAlarm",
                    name=contract.ALARM_CLUSTER_UNTRUNKED_INSTANCES,
                    description=(
                        "An ECS cluster has container instances whose type supports ENI trunking but that run "
                        "without a trunk, so they hold only MaximumNetworkInterfaces - 1 awsvpc tasks (2 on a "
                        "c5.large instead of 10). Trunks are attached only to instances launched after the "
                        "awsvpcTrunking opt-in of the role that registers them: enable it for that role, then "
                        "replace the instances (instance refresh)."
                    ),
                    query=untrunked_instances_per_cluster(config.namespace),
                    label=contract.UNTRUNKED_INSTANCES.name,
                    period=period,
                    threshold=1,
                    comparison=cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
                    alerting=alerting,
                )
            )

    def dashboard_section(self) -> Section:
        """ENI utilization and untrunked instances per cluster, tasks against capacity."""
        config, period = self._config, self.collector.period
        return [
            [
                heading(
                    "## ECS task-ENI capacity (awsvpc tasks on EC2)\n"
                    f"Utilization alarm at **{config.eni_utilization_threshold_percent:g}%**. An untrunked instance "
                    "holds MaximumNetworkInterfaces - 1 tasks; see docs/troubleshooting.md."
                )
            ],
            [
                query_graph(
                    "ENI utilization per cluster (%)",
                    worst_cluster_eni_utilization(config.namespace, limit=20),
                    period,
                    threshold=config.eni_utilization_threshold_percent,
                    y_max=100,
                ),
                query_graph(
                    "Untrunked trunk-capable instances per cluster",
                    untrunked_instances_per_cluster(config.namespace, limit=20),
                    period,
                    threshold=1,
                ),
            ],
            # One Metrics Insights query per graph: CloudWatch runs one per GetMetricData request
            # (lambdas/platform/aws_limits.QUERIES_PER_REQUEST), so tasks and capacity are two graphs side by side.
            [
                query_graph(
                    "awsvpc tasks running per cluster",
                    cluster_sum(config.namespace, contract.ENI_TASKS_RUNNING),
                    period,
                    width=WIDTH // 3,
                ),
                query_graph(
                    "Task-ENI capacity per cluster (slots)",
                    cluster_sum(config.namespace, contract.ENI_TASK_CAPACITY),
                    period,
                    width=WIDTH // 3,
                ),
                query_graph(
                    "Services whose next deployment would not fit, per cluster",
                    services_at_deployment_risk(config.namespace, limit=20),
                    period,
                    threshold=1,
                    width=WIDTH // 3,
                ),
            ],
        ]
