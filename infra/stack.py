"""The monitor as one construct that only composes (the app key, alerting, the capabilities in a list, health and
the dashboard), and the repository's stack around it."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from functools import partial
from typing import Any, Protocol, Unpack

from aws_cdk import Stack, Token
from aws_cdk import aws_lambda as lambda_
from constructs import Construct

from infra.alerts import Alerts
from infra.census import EniCensus
from infra.core.alerting import Alerting
from infra.core.config import ConfigError, MonitorConfig
from infra.core.dashboard import MonitorDashboard, Section
from infra.core.dead_letters import DeadLetterQueue
from infra.core.expiring_table import ExpiringTable
from infra.core.foundation import Foundation
from infra.core.health import MonitorHealth
from infra.core.hub import HubDispatch, MemberEventBus
from infra.core.keys import AppKey
from infra.core.limits import check_stack_limits
from infra.core.props import MonitorProps, config_from_props
from infra.core.scheduled_collector import ScheduledCollector
from infra.ecs import EcsCollection
from infra.events import EventWatching, forwarded_sources
from infra.member import MemberStackSet
from infra.subnets import SubnetCollection
from lambdas.platform.aws.dynamodb import INCIDENT_KEY

# The failed-runs dead-letter queue's alarm name part ("<stack>-collector-runs-dead-letter-queue").
FAILED_RUNS = "collector-runs"


class Capability(Protocol):
    """What the stack needs of a capability's construct to watch it and show it."""

    @property
    def functions(self) -> Mapping[str, lambda_.IFunction]:
        """Its functions by short name (health alarms and graphs)."""
        ...

    @property
    def collectors(self) -> Sequence[ScheduledCollector]:
        """Its scheduled collectors (heartbeat graphs)."""
        ...

    def dashboard_section(self) -> Section:
        """Its rows of the dashboard."""
        ...


class SubnetIpMonitor(Construct):
    """Subnet IP Monitor in a stack of your own: collectors, exhaustion-event watching, alarms, alert topic and
    dashboard. Give the `monitor:*` keys as snake_case props (or a validated config); a bad one raises ConfigError
    naming its key, and so does a limit the built stack would break (infra/core/limits.py)."""

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        config: MonitorConfig | None = None,
        **props: Unpack[MonitorProps],
    ) -> None:
        super().__init__(scope, construct_id)
        if config is not None and props:
            raise ConfigError("SubnetIpMonitor: give config or props, not both")
        if config is None:
            config = config_from_props(props)
        self.config = config
        _check_hub_environment(Stack.of(self), config)
        key = AppKey(self, "AppKey")
        alerting = Alerting(
            self,
            "Alerting",
            key=key,
            emails=config.alert_emails,
            paging_endpoints=config.paging_endpoints,
            slack_channels=config.slack_channels,
            teams_channels=config.teams_channels,
            chat_topic_arns=config.chat_topic_arns,
            routes=config.routes,
        )
        incidents = ExpiringTable(
            self,
            "IncidentWindows",
            key=key,
            partition_key=INCIDENT_KEY,
            why_no_recovery=(
                "The table holds only email-dedupe claims that expire within the dedupe window; restoring "
                "it would at most suppress one duplicate email, so point-in-time recovery buys nothing."
            ),
        )
        # The census first: its bucket holds the collectors' publish state, and the event handler and the alerts read
        # its snapshot (the list keeps the dashboard order).
        # Hub mode: the collectors read member accounts, one work message per account and region (infra/core/hub.py).
        # Every scheduled invocation that failed, or was throttled until it expired (collectors, digest, dispatcher).
        failed_runs = DeadLetterQueue(
            self,
            "FailedRuns",
            key=key,
            alerting=alerting,
            name=FAILED_RUNS,
            kept=(
                "A scheduled run failed after its retries, or was throttled until its event expired (the previous "
                "run of the same collector was still going). Each message is the schedule's event (its resources "
                "name the rule, and so the collector) with Lambda's ErrorCode and ErrorMessage attributes; the "
                "function's log group has the error. Nothing here needs replaying (the next run reads everything "
                "again): read it, fix the cause, purge the queue."
            ),
        )
        foundation = Foundation(config, key, alerting, failed_runs)
        hub = HubDispatch(self, "Hub", foundation=foundation) if config.is_hub else None
        member_bus = (
            MemberEventBus(self, "MemberEvents", config=config, sources=forwarded_sources(config)).bus
            if config.is_hub
            else None
        )
        if config.deploy_members_with_stack_set:
            MemberStackSet(self, "Members", config=config)
        census = EniCensus(self, "EniCensus", foundation=foundation, hub=hub)
        if hub:
            hub.keep_targets_in(census.bucket)
        self.capabilities: list[Capability] = [
            SubnetCollection(
                self, "SubnetCollection", foundation=foundation, publish_state=census.publish_state, hub=hub
            ),
            EcsCollection(self, "EcsCollection", foundation=foundation, publish_state=census.publish_state, hub=hub),
            EventWatching(
                self,
                "EventWatching",
                foundation=foundation,
                incidents=incidents,
                snapshot_bucket=census.bucket.bucket_name,
                # Hub mode: the census's per-member snapshots too (the incident's account and region).
                grant_snapshot_read=partial(census.grant_snapshot_read, members=config.is_hub),
                monitor_bus=census.monitor_bus,
                member_bus=member_bus,
                hub=hub,
            ),
            census,
        ]
        # Last: it routes the per-contributor alarms the others registered, and reads the census snapshot.
        self.capabilities.append(
            Alerts(
                self,
                "Alerts",
                foundation=foundation,
                incidents=incidents,
                snapshot_bucket=census.bucket.bucket_name,
                grant_snapshot_read=census.grant_snapshot_read,
                hub=hub,
            )
        )
        health = MonitorHealth(
            self,
            "Health",
            alerting=alerting,
            functions={name: fn for c in self.capabilities for name, fn in c.functions.items()},
            collectors=[collector for c in self.capabilities for collector in c.collectors],
            failed_runs=failed_runs,
        )
        MonitorDashboard(
            self,
            "Dashboard",
            sections=[*(c.dashboard_section() for c in self.capabilities), health.dashboard_section()],
            accounts=config.dashboard_accounts() if config.is_hub else None,
        )
        check_stack_limits(Stack.of(self), config)


class SubnetIpMonitorStack(Stack):
    """The repository's stack (app.py): the monitor alone. Its id "Default" keeps the resources' logical ids
    those of a stack that holds them directly, so this layout replaces nothing in a deployed stack."""

    def __init__(self, scope: Construct, construct_id: str, *, config: MonitorConfig, **kwargs: Any) -> None:
        super().__init__(scope, construct_id, **kwargs)
        self.monitor = SubnetIpMonitor(self, "Default", config=config)


def _check_hub_environment(stack: Stack, config: MonitorConfig) -> None:
    """In hub mode the members trust and forward to monitor:hubAccountId and monitor:hubRegion: the stack must be
    deployed exactly there (an environment-agnostic stack cannot be checked, and is refused)."""
    if not config.is_hub:
        return
    if Token.is_unresolved(stack.account) or Token.is_unresolved(stack.region):
        raise ConfigError(
            "monitor:mode=hub needs a stack with an explicit environment: "
            f"env=Environment(account={config.hub_account_id!r}, region={config.hub_region!r})"
        )
    if (stack.account, stack.region) != (config.hub_account_id, config.hub_region):
        raise ConfigError(
            f"monitor:hubAccountId and monitor:hubRegion ({config.hub_account_id}, {config.hub_region}) must be the "
            f"stack's environment ({stack.account}, {stack.region}): the members trust and forward to the hub there"
        )
