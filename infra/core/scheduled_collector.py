"""The one shape of every collector: a function on a schedule, read-only grants, heartbeat and failure alarms."""

from __future__ import annotations

from aws_cdk import Duration
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_events as events
from aws_cdk import aws_events_targets as targets
from aws_cdk import aws_iam as iam
from constructs import Construct

from infra.core.alarms import threshold_alarm
from infra.core.foundation import Foundation
from infra.core.hub import HubDispatch, collector_role_name
from infra.core.lambda_defaults import grant_read_and_publish, monitor_function
from infra.core.scanners import skip_check
from lambdas.platform import contract
from lambdas.platform.settings import FAILURE_STREAK_TABLE, METRIC_NAMESPACE, MONITOR_MODE, READER_ROLE_NAME

# A collector that missed this many runs in a row is silent, not slow: every threshold alarm would be
# sitting in INSUFFICIENT_DATA (treated as not breaching) while nothing is watched.
HEARTBEAT_MISSED_RUNS = 3
# Lambda keeps an asynchronous invocation (a throttled schedule) at most 6 hours.
MAX_EVENT_AGE_S = 6 * 3600


class ScheduledCollector(Construct):
    """Runs handler on a schedule; alarms when a run fails a call or when runs stop.

    name is the Collector dimension and the alarms' name part ("subnets"); title is for people ("the subnet
    collector"). reads are what the collector reads in the account it watches: its own role's in account
    mode; in hub mode the member's reader role holds them (infra/member.py) and this role may only assume
    it. home_reads are reads in the monitor's own account either way (the forecaster's metric history).
    """

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        name: str,
        title: str,
        handler: str,
        description: str,
        environment: dict[str, str],
        timeout: Duration,
        memory_size: int,
        reads: list[iam.PolicyStatement],
        why_any_resource: str,
        foundation: Foundation,
        minutes: int | None = None,
        home_reads: list[iam.PolicyStatement] | None = None,
        hub: HubDispatch | None = None,
    ) -> None:
        super().__init__(scope, construct_id)
        config, key, alerting = foundation.config, foundation.key, foundation.alerting
        self.name = name
        self._namespace = config.namespace
        # Every monitor:scheduleMinutes unless the collector has a schedule of its own (the census).
        self.minutes = minutes or config.schedule_minutes
        self.period = Duration.minutes(self.minutes)
        self.function, self.role = monitor_function(
            self,
            "Function",
            handler=handler,
            description=description,
            environment={
                METRIC_NAMESPACE: config.namespace,
                MONITOR_MODE: config.mode,
                READER_ROLE_NAME: config.reader_role_name,
                FAILURE_STREAK_TABLE: hub.failure_streaks.table.table_name if hub else "",
                **environment,
            },
            key=key,
            timeout=timeout,
            memory_size=memory_size,
            log_retention_days=config.log_retention_days,
            # A failed scheduled run is not retried: the next one is minutes away and reads everything again.
            retry_attempts=0,
            role_name=collector_role_name(name) if hub else None,
            # Account mode: one run at a time. A schedule that finds the previous run still going is throttled
            # and dropped once a period old (the next one reads everything again); if that persists, the
            # heartbeat alarm says so. Hub mode: as many as the work queue's event source may run at once.
            reserved_concurrency=config.worker_concurrency if hub else 1,
            max_event_age=None if hub else Duration.seconds(min(MAX_EVENT_AGE_S, self.period.to_seconds())),
            # Account mode: a run that failed, or was throttled until it expired, is kept there (and alarmed).
            dead_letter_queue=None if hub else foundation.failed_runs.queue,
        )
        if hub:
            skip_check(
                self.function,
                "CKV_AWS_116",
                "Hub mode: invoked synchronously by its work queue's event source, never asynchronously; a "
                "message that fails 3 times goes to the hub-work dead-letter queue (alarmed).",
            )
        # Account mode: read this account. Hub mode: read nothing here; assume the members' reader roles.
        self.reads_own_account = hub is None
        grant_read_and_publish(
            self,
            self.role,
            namespace=config.namespace,
            reads=[*(reads if hub is None else []), *(home_reads or [])],
            why=why_any_resource,
        )
        if hub is None:
            events.Rule(
                self,
                "Schedule",
                description=f"Runs {title} every {self.minutes} minutes",
                schedule=events.Schedule.rate(self.period),
                targets=[targets.LambdaFunction(self.function, retry_attempts=0)],
            )
        else:
            hub.grant_assume_readers(self.role)
            hub.grant_failure_streaks(self.role)
            hub.schedule(self, collector=name, title=title, function=self.function, timeout=timeout, period=self.period)
        self.alarms = [
            threshold_alarm(
                self,
                "FailuresAlarm",
                name=f"{name}-collector-failures",
                description=(
                    f"The {name} collector could not read or publish everything in a run (AccessDenied, throttling "
                    "beyond retries, a failed PutMetricData batch, or it stopped near its timeout). Everything "
                    "else was published. The collector's log group has the failing call and its context."
                ),
                metric=self.failures_metric(),
                alerting=alerting,
            ),
            threshold_alarm(
                self,
                "HeartbeatAlarm",
                name=f"{name}-collector-heartbeat",
                description=(
                    f"The {name} collector has not published for {HEARTBEAT_MISSED_RUNS} runs in a row "
                    f"({HEARTBEAT_MISSED_RUNS * self.minutes} min): its metrics are stale and its "
                    "alarms cannot fire. Check the function's errors, throttles and log group, its schedule "
                    "rule, and whether its role lost a permission."
                ),
                metric=self.heartbeat_metric(),
                threshold=1,
                comparison=cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD,
                evaluation_periods=HEARTBEAT_MISSED_RUNS,
                # No data at all is exactly the failure this alarm exists for.
                missing=cloudwatch.TreatMissingData.BREACHING,
                alerting=alerting,
            ),
        ]

    def heartbeat_metric(self, label: str | None = None) -> cloudwatch.Metric:
        """Runs per period (each run publishes one CollectorHeartbeat point)."""
        return self._metric(contract.COLLECTOR_HEARTBEAT, "SampleCount", label)

    def failures_metric(self, label: str | None = None) -> cloudwatch.Metric:
        """AWS calls that failed per period (published only by runs that had failures)."""
        return self._metric(contract.COLLECTOR_FAILURES, "Sum", label)

    def _metric(self, metric: contract.Metric, statistic: str, label: str | None) -> cloudwatch.Metric:
        return cloudwatch.Metric(
            namespace=self._namespace,
            metric_name=metric.name,
            dimensions_map={contract.COLLECTOR: self.name},
            statistic=statistic,
            period=self.period,
            label=label,
        )
