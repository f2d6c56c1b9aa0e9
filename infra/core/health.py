"""Self-monitoring: the monitor's own failures are loud. Lambda errors and throttles, and the health row."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from aws_cdk import Duration
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_lambda as lambda_
from constructs import Construct

from infra.core.alarms import threshold_alarm
from infra.core.alerting import Alerting
from infra.core.dashboard import WIDTH, Section, heading
from infra.core.dead_letters import DeadLetterQueue
from infra.core.scheduled_collector import HEARTBEAT_MISSED_RUNS, ScheduledCollector

LAMBDA_ALARM_PERIOD = Duration.minutes(5)


class MonitorHealth(Construct):
    """An errors and a throttles alarm per function, all to the same topic; the dashboard's health row."""

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        alerting: Alerting,
        functions: Mapping[str, lambda_.IFunction],
        collectors: Sequence[ScheduledCollector],
        failed_runs: DeadLetterQueue,
    ) -> None:
        super().__init__(scope, construct_id)
        self._failed_runs = failed_runs
        self._functions = dict(functions)
        self._collectors = list(collectors)
        self.alarms: list[cloudwatch.Alarm] = []
        for name, function in self._functions.items():
            for kind, metric, what in (
                (
                    "errors",
                    function.metric_errors(period=LAMBDA_ALARM_PERIOD, statistic="Sum"),
                    "failed (an unhandled error or a timeout). Its log group has the traceback; handled AWS "
                    "errors are reported as partial runs instead.",
                ),
                (
                    "throttles",
                    function.metric_throttles(period=LAMBDA_ALARM_PERIOD, statistic="Sum"),
                    "was throttled (its reserved concurrency, or the account's, was in use). A scheduled run "
                    "that found the previous one still going waits, and once a period old is kept in the "
                    "failed-runs dead-letter queue; events are retried by EventBridge, then kept.",
                ),
            ):
                self.alarms.append(
                    threshold_alarm(
                        self,
                        f"{name.capitalize()}{kind.capitalize()}Alarm",
                        name=f"{name}-lambda-{kind}",
                        description=f"The {name} function {what}",
                        metric=metric,
                        alerting=alerting,
                    )
                )

    def dashboard_section(self) -> Section:
        """Collector runs and failures, Lambda errors, throttles and durations."""
        collectors, functions = self._collectors, self._functions
        return [
            [
                heading(
                    "## The monitor's own health\n"
                    f"Each collector run publishes one heartbeat; {HEARTBEAT_MISSED_RUNS} missed runs in a row "
                    "alarm. Errors and throttles of every function alarm at the first one."
                )
            ],
            [
                cloudwatch.GraphWidget(
                    title="Collector runs and failed AWS calls per run",
                    left=[c.heartbeat_metric(f"{c.name} runs") for c in collectors],
                    right=[c.failures_metric(f"{c.name} failed calls") for c in collectors],
                    left_y_axis=cloudwatch.YAxisProps(min=0),
                    right_y_axis=cloudwatch.YAxisProps(min=0),
                    width=WIDTH // 3,
                    height=6,
                ),
                cloudwatch.GraphWidget(
                    title="Lambda errors and throttles; failed scheduled runs kept",
                    left=[
                        metric
                        for name, fn in functions.items()
                        for metric in (
                            fn.metric_errors(period=LAMBDA_ALARM_PERIOD, statistic="Sum", label=f"{name} errors"),
                            fn.metric_throttles(period=LAMBDA_ALARM_PERIOD, statistic="Sum", label=f"{name} throttles"),
                        )
                    ],
                    right=[self._failed_runs.messages_visible("failed runs kept (dead-letter queue)")],
                    left_y_axis=cloudwatch.YAxisProps(min=0),
                    right_y_axis=cloudwatch.YAxisProps(min=0),
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
            ],
        ]
