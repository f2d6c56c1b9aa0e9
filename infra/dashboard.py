"""Dashboard: built on Metrics Insights queries, so new subnets appear without a redeploy."""

from __future__ import annotations

from collections.abc import Mapping

from aws_cdk import Duration
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_sqs as sqs
from constructs import Construct

from infra import queries
from infra.config import MonitorConfig
from infra.health import HEARTBEAT_MISSED_RUNS, LAMBDA_ALARM_PERIOD
from infra.monitor_metrics import collector_failures_metric, heartbeat_metric
from lambdas import contract

WIDTH = 24


class MonitorDashboard(Construct):
    """One dashboard for the platform team: worst subnets first."""

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        config: MonitorConfig,
        dead_letter_queue: sqs.IQueue,
        collectors: Mapping[str, lambda_.IFunction],
        event_handler: lambda_.IFunction,
    ) -> None:
        super().__init__(scope, construct_id)
        period = Duration.seconds(config.schedule_seconds)
        self.dashboard = cloudwatch.Dashboard(self, "Dashboard", default_interval=Duration.hours(3))
        self.dashboard.add_widgets(
            _heading(
                "## Subnet IP headroom\n"
                f"Utilization alarm at **{config.utilization_threshold_percent:g}%**, free-address alarm at "
                f"**{config.free_address_floor}** or fewer. Subnets are published every "
                f"{config.schedule_minutes} min by the subnet collector."
            )
        )
        self.dashboard.add_widgets(
            _query_graph(
                "Worst 10 subnets by IP utilization (%)",
                queries.worst_subnet_utilization(config.namespace, limit=10),
                period,
                threshold=config.utilization_threshold_percent,
                y_max=100,
            ),
            _query_graph(
                "Fewest free addresses: 20 lowest subnets",
                queries.fewest_free_addresses(config.namespace, limit=20),
                period,
                threshold=config.free_address_floor,
            ),
        )
        self.dashboard.add_widgets(
            _query_graph(
                "Free addresses per VPC (sum of subnets)", queries.free_addresses_per_vpc(config.namespace), period
            )
        )
        self.dashboard.add_widgets(
            _heading(
                "## ECS task-ENI capacity (awsvpc tasks on EC2)\n"
                f"Utilization alarm at **{config.eni_utilization_threshold_percent:g}%**. An untrunked instance "
                "holds MaximumNetworkInterfaces - 1 tasks; see the README's troubleshooting section."
            )
        )
        self.dashboard.add_widgets(
            _query_graph(
                "ENI utilization per cluster (%)",
                queries.worst_cluster_eni_utilization(config.namespace, limit=20),
                period,
                threshold=config.eni_utilization_threshold_percent,
                y_max=100,
            ),
            _query_graph(
                "Untrunked trunk-capable instances per cluster",
                queries.untrunked_instances_per_cluster(config.namespace, limit=20),
                period,
                threshold=1,
            ),
        )
        self.dashboard.add_widgets(
            cloudwatch.GraphWidget(
                title="ENI tasks running vs task-ENI capacity per cluster",
                left=[
                    _query(queries.cluster_sum(config.namespace, contract.ENI_TASKS_RUNNING), period, "tasks "),
                    _query(queries.cluster_sum(config.namespace, contract.ENI_TASK_CAPACITY), period, "capacity "),
                ],
                left_y_axis=cloudwatch.YAxisProps(min=0),
                width=WIDTH,
                height=8,
            )
        )

        self._add_event_row(config, dead_letter_queue)
        self._add_health_row(config, collectors, event_handler)

    def _add_health_row(
        self, config: MonitorConfig, collectors: Mapping[str, lambda_.IFunction], event_handler: lambda_.IFunction
    ) -> None:
        period = Duration.seconds(config.schedule_seconds)
        functions = {**collectors, "events": event_handler}
        self.dashboard.add_widgets(
            _heading(
                "## The monitor's own health\n"
                f"Each collector run publishes one heartbeat; {HEARTBEAT_MISSED_RUNS} missed runs in a row "
                "alarm. Errors and throttles of every function alarm at the first one."
            )
        )
        self.dashboard.add_widgets(
            cloudwatch.GraphWidget(
                title="Collector runs and failed AWS calls per run",
                left=[heartbeat_metric(config.namespace, c, period, f"{c} runs") for c in collectors],
                right=[collector_failures_metric(config.namespace, c, period, f"{c} failed calls") for c in collectors],
                left_y_axis=cloudwatch.YAxisProps(min=0),
                right_y_axis=cloudwatch.YAxisProps(min=0),
                width=WIDTH // 3,
                height=6,
            ),
            cloudwatch.GraphWidget(
                title="Lambda errors and throttles",
                left=[
                    metric
                    for name, fn in functions.items()
                    for metric in (
                        fn.metric_errors(period=LAMBDA_ALARM_PERIOD, statistic="Sum", label=f"{name} errors"),
                        fn.metric_throttles(period=LAMBDA_ALARM_PERIOD, statistic="Sum", label=f"{name} throttles"),
                    )
                ],
                left_y_axis=cloudwatch.YAxisProps(min=0),
                width=WIDTH // 3,
                height=6,
            ),
            cloudwatch.GraphWidget(
                title="Lambda duration, maximum (ms)",
                left=[
                    fn.metric_duration(period=LAMBDA_ALARM_PERIOD, statistic="Maximum", label=name)
                    for name, fn in functions.items()
                ],
                left_y_axis=cloudwatch.YAxisProps(min=0),
                width=WIDTH // 3,
                height=6,
            ),
        )

    def _add_event_row(self, config: MonitorConfig, dead_letter_queue: sqs.IQueue) -> None:
        every_five_minutes = Duration.minutes(5)
        self.dashboard.add_widgets(
            _heading(
                "## Exhaustion events (as they happen)\n"
                "Tasks stopped for lack of subnet addresses, RESOURCE:ENI placement failures, container "
                "instances that failed to register and Auto Scaling launches without addresses. The first event "
                f"of an incident is emailed; repeats within {config.dedupe_window_minutes} min are only counted."
            )
        )
        self.dashboard.add_widgets(
            cloudwatch.GraphWidget(
                title="Exhaustion events by reason (per 5 min)",
                left=[_query(queries.exhaustion_events_by_reason(config.namespace), every_five_minutes, "")],
                left_y_axis=cloudwatch.YAxisProps(min=0),
                stacked=True,
                width=WIDTH // 2,
                height=8,
            ),
            cloudwatch.GraphWidget(
                title="Events not handled: unparsed, and waiting in the dead-letter queue",
                left=[
                    cloudwatch.Metric(
                        namespace=config.namespace,
                        metric_name=contract.UNPARSED_EVENTS,
                        statistic="Sum",
                        period=every_five_minutes,
                        label="unparsed events",
                    ),
                    dead_letter_queue.metric_approximate_number_of_messages_visible(
                        period=every_five_minutes, statistic="Maximum", label="in the dead-letter queue"
                    ),
                ],
                left_y_axis=cloudwatch.YAxisProps(min=0),
                width=WIDTH // 2,
                height=8,
            ),
        )


def _heading(markdown: str) -> cloudwatch.TextWidget:
    return cloudwatch.TextWidget(markdown=markdown, width=WIDTH, height=2)


def _query_graph(
    title: str, query: str, period: Duration, *, threshold: float | None = None, y_max: float | None = None
) -> cloudwatch.GraphWidget:
    annotations = [cloudwatch.HorizontalAnnotation(value=threshold, label="alarm")] if threshold is not None else None
    return cloudwatch.GraphWidget(
        title=title,
        left=[_query(query, period, "")],
        left_annotations=annotations,
        left_y_axis=cloudwatch.YAxisProps(min=0, max=y_max),
        width=WIDTH // 2,
        height=8,
    )


def _query(query: str, period: Duration, label: str) -> cloudwatch.MathExpression:
    return cloudwatch.MathExpression(expression=query, period=period, using_metrics={}, label=label)
