"""Self-monitoring: the monitor's own failures are loud. Heartbeats, Lambda errors and throttles, lost events."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from aws_cdk import Duration
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_lambda as lambda_
from constructs import Construct

from infra.alarms import threshold_alarm
from infra.alerting import Alerting
from infra.config import MonitorConfig
from infra.monitor_metrics import heartbeat_metric

# A collector that missed this many runs in a row is silent, not slow: every threshold alarm would be
# sitting in INSUFFICIENT_DATA (treated as not breaching) while nothing is watched.
HEARTBEAT_MISSED_RUNS = 3
LAMBDA_ALARM_PERIOD = Duration.minutes(5)


class MonitorHealth(Construct):
    """Alarms on the monitor itself, all to the same topic."""

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        config: MonitorConfig,
        alerting: Alerting,
        collectors: Mapping[str, lambda_.IFunction],
        event_handler: lambda_.IFunction,
    ) -> None:
        super().__init__(scope, construct_id)
        self._alerting = alerting
        period = Duration.seconds(config.schedule_seconds)
        self.alarms: list[cloudwatch.Alarm] = []
        for collector in collectors:
            self.alarms.append(
                self._alarm(
                    f"{collector.capitalize()}HeartbeatAlarm",
                    name=f"{collector}-collector-heartbeat",
                    description=(
                        f"The {collector} collector has not published for {HEARTBEAT_MISSED_RUNS} runs in a row "
                        f"({HEARTBEAT_MISSED_RUNS * config.schedule_minutes} min): its metrics are stale and its "
                        "alarms cannot fire. Check the function's errors, throttles and log group, its schedule "
                        "rule, and whether its role lost a permission."
                    ),
                    metric=heartbeat_metric(config.namespace, collector, period),
                    threshold=1,
                    comparison=cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD,
                    evaluation_periods=HEARTBEAT_MISSED_RUNS,
                    # No data at all is exactly the failure this alarm exists for.
                    missing=cloudwatch.TreatMissingData.BREACHING,
                )
            )
        for name, function in {**collectors, "events": event_handler}.items():
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
                    "was throttled (account or function concurrency limit). Scheduled runs are skipped; events "
                    "are retried by EventBridge and Lambda.",
                ),
            ):
                self.alarms.append(
                    self._alarm(
                        f"{name.capitalize()}{kind.capitalize()}Alarm",
                        name=f"{name}-lambda-{kind}",
                        description=f"The {name} function {what}",
                        metric=metric,
                    )
                )
        self.alarms.append(
            self._alarm(
                "EventsDeadLetterErrorsAlarm",
                name="events-lambda-dead-letter-errors",
                description=(
                    "Lambda could not write a failed exhaustion event to the dead-letter queue: that event is "
                    "only in the event handler's log group now. Check the queue's key policy and the role."
                ),
                metric=event_handler.metric("DeadLetterErrors", period=LAMBDA_ALARM_PERIOD, statistic="Sum"),
            )
        )

    def _alarm(self, construct_id: str, **kwargs: Any) -> cloudwatch.Alarm:
        return threshold_alarm(self, construct_id, alerting=self._alerting, **kwargs)
