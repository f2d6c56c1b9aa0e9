"""Event watching: one rule per event kind, the event handler, its incident table, dead-letter queue, alarms,
queries and dashboard section."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from aws_cdk import CfnOutput, Duration, Stack
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_events as events
from aws_cdk import aws_iam as iam
from constructs import Construct

from infra.core.alarms import query_alarm, threshold_alarm
from infra.core.config import MonitorConfig
from infra.core.dashboard import WIDTH, Section, heading, query_series
from infra.core.dead_letters import DeadLetterQueue
from infra.core.expiring_table import ExpiringTable
from infra.core.foundation import Foundation
from infra.core.hub import EVENT_HANDLER_ROLE_NAME, HubDispatch
from infra.core.keys import AppKey
from infra.core.lambda_defaults import grant_read_and_publish, monitor_function
from infra.core.notifying import grant_notify, notify_environment
from infra.core.queries import schema
from infra.core.scheduled_collector import ScheduledCollector
from lambdas.events.kinds import registry
from lambdas.events.model import EventKind
from lambdas.events.replay import HANDLER_OUTPUT, POLICY_OUTPUT, QUEUE_OUTPUT
from lambdas.events.settings import MAX_INCIDENTS_PER_WINDOW
from lambdas.hub.dispatch.settings import MEMBER_ACCOUNTS, ORGANIZATION_UNIT_IDS
from lambdas.platform import contract
from lambdas.platform.settings import FREE_ADDRESS_FLOOR, SNAPSHOT_BUCKET

# The exhaustion alarm looks at 5 minutes whatever the collectors' schedule: an event is news at once.
EVENT_ALARM_PERIOD = Duration.minutes(5)
# The name the event handler goes by in the health alarms and dashboard.
FUNCTION_NAME = "events"


def watched_kinds(config: MonitorConfig) -> list[EventKind[Any]]:
    """The event kinds with a rule: every kind, opt-in ones (CloudTrail) only when switched on."""
    return [k for k in registry.KINDS if not k.opt_in or config.cloud_trail_signals]


def aws_kinds(config: MonitorConfig) -> list[EventKind[Any]]:
    """The watched kinds AWS sends (aws.* sources, which no one else may put): the ones members forward and the
    hub's bus accepts. The monitor's own kinds travel its private bus only."""
    return [k for k in watched_kinds(config) if not k.from_monitor]


def forwarded_sources(config: MonitorConfig) -> list[str]:
    """The event sources the members forward, for the hub bus policy's events:source condition."""
    return sorted({k.source for k in aws_kinds(config)})


def event_pattern(kind: EventKind[Any]) -> events.EventPattern:
    """A kind's pattern as an EventBridge rule takes it (the hub's rules and the members' forwarding rules)."""
    return events.EventPattern(
        source=kind.pattern["source"], detail_type=kind.pattern["detail-type"], detail=kind.pattern["detail"]
    )


def exhaustion_events_total(namespace: str) -> str:
    """All exhaustion events, every reason, as one series."""
    metric = contract.IP_EXHAUSTION_EVENTS
    return f"SELECT SUM({metric.name}) FROM {schema(namespace, metric)}"


def exhaustion_events_by_reason(namespace: str) -> str:
    """One series per exhaustion reason."""
    return f"{exhaustion_events_total(namespace)} GROUP BY {contract.REASON}"


def _listed(words: list[str], last: str) -> str:
    """'a, b or c' (last='or') or 'a, b and c' (last='and')."""
    return ", ".join(words[:-1]) + f" {last} {words[-1]}" if len(words) > 1 else "".join(words)


# What the handler reads where the event happened: the incident's subnet (and, for a call on an interface, the
# interface's subnet), and the service of a deployment that just started (its subnets and deployment
# configuration, for the fit check).
EVENT_HANDLER_READS = ["ec2:DescribeSubnets", "ec2:DescribeNetworkInterfaces", "ecs:DescribeServices"]


class EventWatching(Construct):
    """Counts IP and ENI exhaustion events as they happen and emails one alert per incident window."""

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        foundation: Foundation,
        incidents: ExpiringTable,
        snapshot_bucket: str,
        grant_snapshot_read: Callable[[iam.IRole], None],
        monitor_bus: events.IEventBus,
        member_bus: events.IEventBus | None = None,
        hub: HubDispatch | None = None,
    ) -> None:
        super().__init__(scope, construct_id)
        config, key, alerting = foundation.config, foundation.key, foundation.alerting
        self._config = config
        self.dead_letters = DeadLetterQueue(
            self,
            "DeadLetters",
            key=key,
            alerting=alerting,
            name=FUNCTION_NAME,
            kept=(
                "An exhaustion event could not be handled and is kept in the dead-letter queue: it did not parse "
                "(UnparsedEvents), its email could not be sent, or the handler failed after its retries. "
                "`subnet-ip-monitor replay --dry-run` lists each kept event and why; fix the cause, then "
                "`subnet-ip-monitor replay` (docs/events.md, 'Dead-letter queue')."
            ),
        )
        self.function, role = monitor_function(
            self,
            "Handler",
            handler="lambdas.events.handler.handler",
            description="Subnet IP Monitor: counts IP/ENI exhaustion events and emails one alert per incident",
            environment={
                **notify_environment(config, alerting, incidents, self.dead_letters),
                FREE_ADDRESS_FLOOR: str(config.free_address_floor),
                SNAPSHOT_BUCKET: snapshot_bucket,
                # Its targets: an event from any other account is counted (ForeignAccountEvents) and dropped.
                MEMBER_ACCOUNTS: ",".join(config.member_accounts),
                ORGANIZATION_UNIT_IDS: ",".join(config.organization_unit_ids),
                MAX_INCIDENTS_PER_WINDOW: str(config.max_incidents_per_window),
            },
            timeout=Duration.seconds(30),
            memory_size=256,
            log_retention_days=config.log_retention_days,
            # A crash (not a handled failure) is retried twice, then the event goes to the queue intact.
            retry_attempts=2,
            dead_letter_queue=self.dead_letters.queue,
            key=key,
            # Hub mode: a fixed name, so the members' reader roles can trust it (a member's subnet lookup).
            role_name=EVENT_HANDLER_ROLE_NAME if hub else None,
            # A storm beyond this is throttled: EventBridge retries it (the rule target's policy), then keeps it
            # in the dead-letter queue; the account's other functions keep their concurrency.
            reserved_concurrency=config.event_handler_concurrency,
        )
        if hub:
            hub.grant_assume_readers(role)
            hub.grant_read_targets(role)
        grant_read_and_publish(
            self,
            role,
            namespace=config.namespace,
            reads=[iam.PolicyStatement(actions=EVENT_HANDLER_READS, resources=["*"])],
            why=(
                "ec2:DescribeSubnets (the subnet's free count at send time) and ec2:DescribeNetworkInterfaces (the "
                "subnet of an interface a CloudTrail call names) support no resource-level permissions; "
                "ecs:DescribeServices reads the service whose deployment just started, found at run time"
            ),
        )
        grant_notify(role, alerting=alerting, incidents=incidents, key=key)
        # The per-account incident cap: one counter item per account, reason and window, added to atomically.
        incidents.grant_items(role, "dynamodb:UpdateItem")
        grant_snapshot_read(role)  # free /28 blocks of the incident's subnet, from the census
        self.kinds = watched_kinds(config)
        self.functions = {FUNCTION_NAME: self.function}
        self.collectors: list[ScheduledCollector] = []
        # AWS's events on the default bus; the monitor's own (the census's) on its private bus only.
        self.rules = [
            events.Rule(
                self,
                kind.rule_id,
                description=f"Subnet IP Monitor: {kind.rule_id} events to the exhaustion-event handler",
                event_bus=monitor_bus if kind.from_monitor else None,
                event_pattern=event_pattern(kind),
                targets=[self.dead_letters.rule_target(self.function)],
            )
            for kind in self.kinds
        ]
        if member_bus is not None:
            # Hub mode: AWS's kinds again on the bus the member accounts forward their events to.
            self.rules += [
                events.Rule(
                    self,
                    f"Members{kind.rule_id}",
                    description=f"Subnet IP Monitor: members' {kind.rule_id} events to the exhaustion-event handler",
                    event_bus=member_bus,
                    event_pattern=event_pattern(kind),
                    targets=[self.dead_letters.rule_target(self.function)],
                )
                for kind in aws_kinds(config)
            ]
        self._replay_access(key)
        self.alarms = [
            query_alarm(
                self,
                "ExhaustionEventsAlarm",
                name="ip-exhaustion-events",
                description=(
                    f"{_listed(list(dict.fromkeys(k.service for k in self.kinds)), 'or')} reported an IP or ENI "
                    "exhaustion failure in the last 5 minutes (IpExhaustionEvents, any Reason). The first event of "
                    "each incident is emailed with the cluster, service, subnet and what to do; the dashboard shows "
                    "counts by reason."
                ),
                query=exhaustion_events_total(config.namespace),
                label=contract.IP_EXHAUSTION_EVENTS.name,
                period=EVENT_ALARM_PERIOD,
                threshold=1,
                comparison=cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
                alerting=alerting,
                # One series (every reason summed): the events themselves are emailed by the event handler.
                per_contributor=False,
            ),
            self.dead_letters.alarm,
            threshold_alarm(
                self,
                "DeadLetterErrorsAlarm",
                name="events-lambda-dead-letter-errors",
                description=(
                    "Lambda could not write a failed exhaustion event to the dead-letter queue: that event is "
                    "only in the event handler's log group now. Check the queue's key policy and the role."
                ),
                metric=self.function.metric("DeadLetterErrors", period=EVENT_ALARM_PERIOD, statistic="Sum"),
                alerting=alerting,
            ),
        ]

    def _replay_access(self, key: AppKey) -> None:
        """What `subnet-ip-monitor replay` needs, as a managed policy for the people who run it (attached to no
        role here), and the stack outputs it finds the handler and the dead-letter queue by."""
        stack = Stack.of(self)
        policy = iam.ManagedPolicy(
            self,
            "ReplayPolicy",
            description="Subnet IP Monitor: read, replay and delete the events kept in its dead-letter queue",
            statements=[
                iam.PolicyStatement(
                    actions=["sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:ChangeMessageVisibility"],
                    resources=[self.dead_letters.queue.queue_arn],
                ),
                key.through("sqs", "kms:Decrypt"),
                iam.PolicyStatement(actions=["lambda:InvokeFunction"], resources=[self.function.function_arn]),
                iam.PolicyStatement(actions=["cloudformation:DescribeStacks"], resources=[stack.stack_id]),
            ],
        )
        for output_id, value in (
            (HANDLER_OUTPUT, self.function.function_name),
            (QUEUE_OUTPUT, self.dead_letters.queue.queue_url),
            (POLICY_OUTPUT, policy.managed_policy_arn),
        ):
            CfnOutput(self, output_id, value=value).override_logical_id(output_id)

    def dashboard_section(self) -> Section:
        """Exhaustion events by reason, and the events not handled."""
        every_five_minutes = Duration.minutes(5)
        titles = _listed([kind.title for kind in self.kinds], "and")
        return [
            [
                heading(
                    "## Exhaustion events (as they happen)\n"
                    f"{titles[0].upper()}{titles[1:]}. The first event of an incident is emailed; repeats within "
                    f"{self._config.dedupe_window_minutes} min are only counted."
                )
            ],
            [
                cloudwatch.GraphWidget(
                    title="Exhaustion events by reason (per 5 min)",
                    left=[query_series(exhaustion_events_by_reason(self._config.namespace), every_five_minutes)],
                    left_y_axis=cloudwatch.YAxisProps(min=0),
                    stacked=True,
                    width=WIDTH // 2,
                    height=8,
                ),
                cloudwatch.GraphWidget(
                    title="Events not handled: unparsed, from outside the targets, and in the dead-letter queue",
                    left=[
                        *(
                            cloudwatch.Metric(
                                namespace=self._config.namespace,
                                metric_name=metric.name,
                                statistic="Sum",
                                period=every_five_minutes,
                                label=label,
                            )
                            for metric, label in (
                                (contract.UNPARSED_EVENTS, "unparsed events"),
                                (
                                    contract.FOREIGN_ACCOUNT_EVENTS,
                                    "events from accounts that are not targets (dropped)",
                                ),
                            )
                        ),
                        self.dead_letters.messages_visible("in the dead-letter queue"),
                    ],
                    left_y_axis=cloudwatch.YAxisProps(min=0),
                    width=WIDTH // 2,
                    height=8,
                ),
            ],
        ]
