"""The stack only composes the capabilities; each construct owns its resources and wiring."""

from __future__ import annotations

from typing import Any

from aws_cdk import Stack
from constructs import Construct

from infra.alerting import Alerting
from infra.config import MonitorConfig
from infra.dashboard import MonitorDashboard
from infra.ecs_collection import EcsCollection
from infra.event_watching import EventWatching
from infra.health import MonitorHealth
from infra.subnet_collection import SubnetCollection


class SubnetIpMonitorStack(Stack):
    """Subnet IP Monitor: collectors, exhaustion-event watching, alarms, alert topic and dashboard."""

    def __init__(self, scope: Construct, construct_id: str, *, config: MonitorConfig, **kwargs: Any) -> None:
        super().__init__(scope, construct_id, **kwargs)
        self.alerting = Alerting(self, "Alerting", emails=config.alert_emails)
        self.subnets = SubnetCollection(self, "SubnetCollection", config=config, alerting=self.alerting)
        self.ecs = EcsCollection(self, "EcsCollection", config=config, alerting=self.alerting)
        self.events = EventWatching(self, "EventWatching", config=config, alerting=self.alerting)
        collectors = {"subnets": self.subnets.function, "ecs": self.ecs.function}
        self.health = MonitorHealth(
            self,
            "Health",
            config=config,
            alerting=self.alerting,
            collectors=collectors,
            event_handler=self.events.function,
        )
        self.dashboard = MonitorDashboard(
            self,
            "Dashboard",
            config=config,
            dead_letter_queue=self.events.dead_letter_queue,
            collectors=collectors,
            event_handler=self.events.function,
        )
