"""Alerts: the composer (per-contributor alarm emails), the forecaster, the weekly digest, their alarms and row."""

from __future__ import annotations

from collections.abc import Callable
from typing import cast

from aws_cdk import Acknowledgment, Duration, Stack, Token, Validations
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_events as events
from aws_cdk import aws_events_targets as targets
from aws_cdk import aws_iam as iam
from aws_cdk import aws_lambda as lambda_
from constructs import Construct

from infra.core.alarms import query_alarm
from infra.core.alerting import Alerting, alarm_arn_pattern, alarm_prefix
from infra.core.config import DIGEST_OFF, MonitorConfig
from infra.core.dashboard import WIDTH, Section, heading, query_graph
from infra.core.dead_letters import DeadLetterQueue
from infra.core.expiring_table import ExpiringTable
from infra.core.foundation import Foundation
from infra.core.hub import ALERT_COMPOSER_ROLE_NAME, HubDispatch
from infra.core.lambda_defaults import grant_read_and_publish, monitor_function
from infra.core.notifying import (
    chat_environment,
    grant_chat,
    grant_notify,
    notify_environment,
    organization_view_environment,
)
from infra.core.queries import MAX_SERIES_PER_QUERY, ranked
from infra.core.scheduled_collector import ScheduledCollector
from lambdas.alerts.notification import DETAIL_TYPE, SOURCE
from lambdas.alerts.settings import (
    ALARM_NAME_PREFIX,
    ENI_UTILIZATION_THRESHOLD_PERCENT,
    FORECAST_ALARM_DAYS,
    FORECAST_HORIZON_DAYS,
    FORECAST_MAX_SUBNETS,
    FORECAST_WATCH_PERCENT,
    FORECASTER,
    FREE_PREFIX_BLOCK_FLOOR,
    GROUP_ABOVE,
    UNATTACHED_ENI_ALARM_THRESHOLD,
)
from lambdas.platform import contract
from lambdas.platform.settings import (
    FAILURE_STREAK_TABLE,
    FREE_ADDRESS_FLOOR,
    SNAPSHOT_BUCKET,
    SUBNET_TAG_FILTER,
    TOPIC_ARN,
    UTILIZATION_THRESHOLD_PERCENT,
    VPC_IDS,
)

COMPOSER = "alerts"
DIGEST = "digest"
# Contributor emails at once; a burst beyond it is retried by EventBridge (infra/core/dead_letters.py).
COMPOSER_CONCURRENCY = 5
HISTORY_READS = ["cloudwatch:GetMetricData", "cloudwatch:ListMetrics"]
# What the forecaster reads in the account it watches (the members' reader roles hold it in hub mode).
FORECASTER_TARGET_READS = ["ec2:DescribeSubnets"]
# What the composer reads of an alarm's subnet or VPC (in hub mode, a member's through its reader role).
COMPOSER_TARGET_READS = ["ec2:DescribeSubnets", "ec2:DescribeVpcs"]


def soonest_exhaustion(namespace: str, limit: int = MAX_SERIES_PER_QUERY) -> str:
    """Lowest DaysToExhaustion per subnet, soonest first."""
    return ranked(namespace, contract.DAYS_TO_EXHAUSTION, group_by=contract.SUBNET_KEY, lowest_first=True, limit=limit)


def threshold_environment(config: MonitorConfig) -> dict[str, str]:
    """The alarm thresholds the composer states in its emails (ThresholdSettings)."""
    return {
        UTILIZATION_THRESHOLD_PERCENT: f"{config.utilization_threshold_percent:g}",
        FREE_ADDRESS_FLOOR: str(config.free_address_floor),
        FREE_PREFIX_BLOCK_FLOOR: str(config.free_prefix_block_floor),
        ENI_UTILIZATION_THRESHOLD_PERCENT: f"{config.eni_utilization_threshold_percent:g}",
        FORECAST_ALARM_DAYS: str(config.forecast_alarm_days),
        UNATTACHED_ENI_ALARM_THRESHOLD: str(config.unattached_eni_alarm_threshold),
    }


def forecast_environment(config: MonitorConfig) -> dict[str, str]:
    """The forecaster's floor, horizon, watch level and cap (ForecasterSettings, beyond the subnet scope)."""
    return {
        FREE_ADDRESS_FLOOR: str(config.free_address_floor),
        FORECAST_HORIZON_DAYS: str(config.forecast_horizon_days),
        FORECAST_WATCH_PERCENT: f"{config.forecast_watch_percent:g}",
        FORECAST_MAX_SUBNETS: str(config.forecast_max_subnets),
    }


class Alerts(Construct):
    """Per-contributor alarm emails, the hourly exhaustion forecast and the weekly capacity digest."""

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        foundation: Foundation,
        incidents: ExpiringTable,
        snapshot_bucket: str,
        grant_snapshot_read: Callable[..., None],
        hub: HubDispatch | None = None,
    ) -> None:
        super().__init__(scope, construct_id)
        config, key, alerting = foundation.config, foundation.key, foundation.alerting
        self._config = config
        stack = Stack.of(self)
        self.forecaster = ScheduledCollector(
            self,
            "Forecaster",
            name=FORECASTER,
            title="the exhaustion forecaster",
            handler="lambdas.alerts.forecast_handler.handler",
            description="Subnet IP Monitor: forecasts days until each watched subnet reaches the free-address floor",
            environment={
                VPC_IDS: ",".join(config.vpc_ids),
                SUBNET_TAG_FILTER: config.subnet_tag_filter,
                **forecast_environment(config),
            },
            timeout=Duration.minutes(2),
            memory_size=256,
            reads=[iam.PolicyStatement(actions=FORECASTER_TARGET_READS, resources=["*"])],
            home_reads=[iam.PolicyStatement(actions=HISTORY_READS, resources=["*"])],
            why_any_resource="ec2:DescribeSubnets, GetMetricData and ListMetrics support no resource-level permissions",
            foundation=foundation,
            minutes=config.forecast_minutes,
            hub=hub,
        )
        self.alarms: list[cloudwatch.Alarm] = [
            query_alarm(
                self,
                "DaysToExhaustionAlarm",
                name=contract.ALARM_SUBNET_DAYS_TO_EXHAUSTION,
                description=(
                    f"A subnet is forecast to reach {config.free_address_floor} free addresses within "
                    f"{config.forecast_alarm_days} days (trend of its daily minimum free addresses over up to 14 "
                    "days, less the deepest surge seen). The email names who holds its addresses and what to do."
                ),
                query=soonest_exhaustion(config.namespace),
                label=contract.DAYS_TO_EXHAUSTION.name,
                period=self.forecaster.period,
                threshold=config.forecast_alarm_days,
                comparison=cloudwatch.ComparisonOperator.LESS_THAN_OR_EQUAL_TO_THRESHOLD,
                alerting=alerting,
            )
        ]
        self.dead_letters = DeadLetterQueue(
            self,
            "DeadLetters",
            key=key,
            alerting=alerting,
            name=COMPOSER,
            kept=(
                "An alarm notification could not be turned into an email and is kept in the alerts dead-letter "
                "queue: it did not parse, its email could not be sent, or the composer failed after its retries. "
                "The alarm itself is still in ALARM: open it in the CloudWatch console. Each message is the "
                "notification as delivered, its Reason attribute says why (none after the composer's own "
                "retries); docs/alerts.md says how to read and replay them."
            ),
        )
        self.composer, composer_role = monitor_function(
            self,
            "Composer",
            handler="lambdas.alerts.handler.handler",
            description="Subnet IP Monitor: one email per alarm contributor transition, with consumers and forecast",
            environment={
                **notify_environment(config, alerting, incidents, self.dead_letters),
                ALARM_NAME_PREFIX: alarm_prefix(self),
                SNAPSHOT_BUCKET: snapshot_bucket,
                GROUP_ABOVE: str(config.group_above),
                **threshold_environment(config),
            },
            key=key,
            timeout=Duration.seconds(30),
            memory_size=256,
            log_retention_days=config.log_retention_days,
            reserved_concurrency=COMPOSER_CONCURRENCY,
            # A crash (not a handled failure) is retried twice, then the notification goes to the queue intact.
            retry_attempts=2,
            dead_letter_queue=self.dead_letters.queue,
            # Hub mode: a fixed name, so the members' reader roles can trust it (a member's subnet or VPC).
            role_name=ALERT_COMPOSER_ROLE_NAME if hub else None,
        )
        # Hub mode: ListMetrics finds the region of a member's subnet or VPC (their alarms carry none).
        metric_reads = ["cloudwatch:GetMetricData", *(["cloudwatch:ListMetrics"] if hub else [])]
        grant_read_and_publish(
            self.composer,
            composer_role,
            namespace=config.namespace,
            reads=[iam.PolicyStatement(actions=[*COMPOSER_TARGET_READS, *metric_reads], resources=["*"])],
            why="DescribeSubnets, DescribeVpcs, GetMetricData and ListMetrics support no resource-level permissions",
            publish_metrics=False,
        )
        grant_notify(composer_role, alerting=alerting, incidents=incidents, key=key)
        self._grant_storms(composer_role, incidents)
        if hub:
            hub.grant_assume_readers(composer_role)
        # Hub mode: the census's per-member snapshots too (the contributor's account and region).
        grant_snapshot_read(composer_role, members=hub is not None, deployment_fit=True)
        self.digest = self._digest(foundation, snapshot_bucket, grant_snapshot_read, hub=hub)
        self.functions: dict[str, lambda_.IFunction] = {COMPOSER: self.composer, FORECASTER: self.forecaster.function}
        if self.digest is not None:
            self.functions[DIGEST] = self.digest
        self.collectors = [self.forecaster]
        # Built last: every capability has registered its per-contributor alarms by now (the stack composes
        # the alerts capability after the others).
        self.rule = events.Rule(
            self,
            "ContributorStateChanges",
            description="Subnet IP Monitor: each alarm contributor entering ALARM or OK, to the alert composer",
            event_pattern=events.EventPattern(
                source=[SOURCE],
                detail_type=[DETAIL_TYPE],
                account=[stack.account],
                detail={"alarmName": [{"prefix": family} for family in alarm_families(alerting)]},
            ),
            targets=[self.dead_letters.rule_target(self.composer)],
        )

    def _grant_storms(self, role: iam.IRole, incidents: ExpiringTable) -> None:
        """Storms (monitor:groupAbove): who else of an alarm of this stack is in ALARM, and the storm's item."""
        policy = iam.Policy(
            self,
            "StormReads",
            statements=[
                iam.PolicyStatement(
                    actions=["cloudwatch:DescribeAlarmContributors"], resources=[alarm_arn_pattern(Stack.of(self))]
                )
            ],
        )
        policy.attach_to_role(role)
        # cfn-lint's IAM action list predates the DescribeAlarmContributors API (added 2025-09-09); the action is
        # named as the API is, as public code grants it: if AWS named it otherwise the read is denied and each
        # contributor is emailed alone (docs/alerts.md, docs/emulator-gaps.md).
        cast(iam.CfnPolicy, policy.node.default_child).add_metadata(
            "cfn-lint", {"config": {"ignore_checks": ["W3037"]}}
        )
        Validations.of(policy).acknowledge(
            Acknowledgment(
                id=f"AwsSolutions::AwsSolutions-IAM5[Resource::{_as_nag_names(Stack.of(self))}{alarm_prefix(self)}*]",
                reason=(
                    "DescribeAlarmContributors (read-only) on this stack's alarms only: every alarm is named "
                    "'<stack>-…', and the composer reads the contributors of whichever one notified it."
                ),
            )
        )
        incidents.grant_items(role, "dynamodb:UpdateItem", "dynamodb:GetItem")

    def _digest(
        self,
        foundation: Foundation,
        snapshot_bucket: str,
        grant_snapshot_read: Callable[..., None],
        *,
        hub: HubDispatch | None,
    ) -> lambda_.Function | None:
        """The weekly digest on its schedule, unless monitor:digestSchedule is off. In hub mode it reads the
        subnets from every target's census snapshot (no member reads of its own) and names failing targets."""
        config, key, alerting = foundation.config, foundation.key, foundation.alerting
        if config.digest_schedule == DIGEST_OFF:
            return None
        function, role = monitor_function(
            self,
            "Digest",
            handler="lambdas.alerts.digest_handler.handler",
            description="Subnet IP Monitor: weekly capacity digest by email",
            environment={
                **organization_view_environment(config),
                VPC_IDS: ",".join(config.vpc_ids),
                SUBNET_TAG_FILTER: config.subnet_tag_filter,
                TOPIC_ARN: alerting.topic.topic_arn,
                SNAPSHOT_BUCKET: snapshot_bucket,
                FREE_ADDRESS_FLOOR: str(config.free_address_floor),
                FAILURE_STREAK_TABLE: hub.failure_streaks.table.table_name if hub else "",
                **chat_environment(alerting),
            },
            key=key,
            timeout=Duration.minutes(1),
            memory_size=512,
            log_retention_days=config.log_retention_days,
            # Nothing is sent before the last step, so a retry cannot send the digest twice.
            retry_attempts=2,
            reserved_concurrency=1,  # once a week; never two at once
            # After its retries a failed digest is kept with the collectors' failed runs (and alarmed).
            dead_letter_queue=foundation.failed_runs.queue,
        )
        grant_read_and_publish(
            function,
            role,
            namespace=config.namespace,
            reads=[
                iam.PolicyStatement(
                    actions=[*([] if hub else ["ec2:DescribeSubnets"]), *HISTORY_READS], resources=["*"]
                )
            ],
            why="DescribeSubnets, GetMetricData and ListMetrics support no resource-level permissions",
            publish_metrics=False,
        )
        alerting.topic.grant_publish(role)
        grant_chat(role, alerting)
        grant_snapshot_read(role, members=hub is not None, list_members=hub is not None, deployment_fit=True)
        if hub:
            hub.failure_streaks.grant_items(role, "dynamodb:Scan")
        key.acknowledge_data_key_actions(role)
        events.Rule(
            self,
            "DigestSchedule",
            description="Sends the Subnet IP Monitor weekly capacity digest",
            schedule=events.Schedule.expression(config.digest_schedule),
            targets=[targets.LambdaFunction(function, retry_attempts=0)],
        )
        return function

    def dashboard_section(self) -> Section:
        """The subnets forecast to fill up soonest, and notifications not handled."""
        config = self._config
        return [
            [
                heading(
                    "## Forecast and alerts\n"
                    f"Days until a subnet reaches {config.free_address_floor} free addresses, for subnets forecast "
                    f"within {config.forecast_horizon_days} days (alarm at {config.forecast_alarm_days}). Alarm "
                    "contributors are emailed one by one by the alert composer."
                )
            ],
            [
                query_graph(
                    "Soonest to fill up: days to exhaustion, 10 subnets",
                    soonest_exhaustion(config.namespace, limit=10),
                    self.forecaster.period,
                    threshold=config.forecast_alarm_days,
                ),
                cloudwatch.GraphWidget(
                    title="Alarm notifications not emailed (alerts dead-letter queue)",
                    left=[self.dead_letters.messages_visible("in the dead-letter queue")],
                    left_y_axis=cloudwatch.YAxisProps(min=0),
                    width=WIDTH // 2,
                    height=6,
                ),
            ],
        ]


def alarm_families(alerting: Alerting) -> list[str]:
    """One name prefix per routed alarm family: per-VPC alarms ('<family>-vpc-...') share their family's."""
    return sorted({name.split("-vpc-")[0] for name in alerting.per_contributor_alarm_names})


def _as_nag_names(stack: Stack) -> str:
    """The start of this stack's alarm ARNs as cdk-nag writes it: '<AWS::Region>' for an unresolved region
    (an environment-agnostic stack), the region itself otherwise; likewise the account."""
    region = "<AWS::Region>" if Token.is_unresolved(stack.region) else stack.region
    account = "<AWS::AccountId>" if Token.is_unresolved(stack.account) else stack.account
    return f"arn:<AWS::Partition>:cloudwatch:{region}:{account}:alarm:"
