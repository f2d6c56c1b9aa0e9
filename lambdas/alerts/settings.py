"""Environments of the alert composer, the forecaster and the weekly digest."""

from __future__ import annotations

from typing import Final

from pydantic import Field

from ..platform.settings import (
    CHAT_TOPIC_ARNS,
    FAILURE_STREAK_TABLE,
    FREE_ADDRESS_FLOOR,
    SNAPSHOT_BUCKET,
    TOPIC_ARN,
    UTILIZATION_THRESHOLD_PERCENT,
    CommaSeparated,
    HubSettings,
    MonitorSettings,
    NotifySettings,
    OrganizationViewSettings,
    SubnetScopeSettings,
)
from .model import Thresholds

ALARM_NAME_PREFIX: Final = "ALARM_NAME_PREFIX"
GROUP_ABOVE: Final = "GROUP_ABOVE"
FREE_PREFIX_BLOCK_FLOOR: Final = "FREE_PREFIX_BLOCK_FLOOR"
ENI_UTILIZATION_THRESHOLD_PERCENT: Final = "ENI_UTILIZATION_THRESHOLD_PERCENT"
FORECAST_ALARM_DAYS: Final = "FORECAST_ALARM_DAYS"
FORECAST_HORIZON_DAYS: Final = "FORECAST_HORIZON_DAYS"
FORECAST_WATCH_PERCENT: Final = "FORECAST_WATCH_PERCENT"
FORECAST_MAX_SUBNETS: Final = "FORECAST_MAX_SUBNETS"
UNATTACHED_ENI_ALARM_THRESHOLD: Final = "UNATTACHED_ENI_ALARM_THRESHOLD"

# The Collector dimension of the forecaster's heartbeat and failures, and the name part of its alarms.
FORECASTER = "forecast"


class ThresholdSettings(MonitorSettings):
    """The alarm thresholds as configured, so an email states the one that was crossed."""

    utilization_threshold_percent: float = Field(alias=UTILIZATION_THRESHOLD_PERCENT, gt=0, le=100)
    free_address_floor: int = Field(alias=FREE_ADDRESS_FLOOR, ge=0)
    free_prefix_block_floor: int = Field(alias=FREE_PREFIX_BLOCK_FLOOR, ge=0)
    eni_utilization_threshold_percent: float = Field(alias=ENI_UTILIZATION_THRESHOLD_PERCENT, gt=0, le=100)
    forecast_alarm_days: int = Field(alias=FORECAST_ALARM_DAYS, ge=1)
    unattached_eni_alarm_threshold: int = Field(alias=UNATTACHED_ENI_ALARM_THRESHOLD, ge=0)

    @property
    def thresholds(self) -> Thresholds:
        """The thresholds as the pure code takes them."""
        return Thresholds(
            utilization_percent=self.utilization_threshold_percent,
            free_address_floor=self.free_address_floor,
            free_prefix_block_floor=self.free_prefix_block_floor,
            eni_utilization_percent=self.eni_utilization_threshold_percent,
            forecast_alarm_days=self.forecast_alarm_days,
            unattached_eni_addresses=self.unattached_eni_alarm_threshold,
        )


class ComposerSettings(NotifySettings, ThresholdSettings):
    """Which alarms are ours (their name prefix), where the snapshot is, and where emails go."""

    alarm_name_prefix: str = Field(alias=ALARM_NAME_PREFIX, min_length=2)
    snapshot_bucket: str = Field(alias=SNAPSHOT_BUCKET, min_length=3, max_length=63)
    # monitor:groupAbove: more contributors of one alarm in ALARM at once make one grouped message (0: never;
    # the stack always sets it, 5 by default).
    group_above: int = Field(default=0, alias=GROUP_ABOVE, ge=0, le=100)


class ForecasterSettings(SubnetScopeSettings, HubSettings):
    """The floor forecasts run to, how far ahead they publish, and which subnets get one."""

    free_address_floor: int = Field(alias=FREE_ADDRESS_FLOOR, ge=0)
    forecast_horizon_days: int = Field(alias=FORECAST_HORIZON_DAYS, ge=1)
    forecast_watch_percent: float = Field(alias=FORECAST_WATCH_PERCENT, ge=0, le=100)
    forecast_max_subnets: int = Field(alias=FORECAST_MAX_SUBNETS, ge=1)


class DigestSettings(SubnetScopeSettings, OrganizationViewSettings):
    """The subnets in scope, the snapshots, the floor forecasts run to, and the topic; in hub mode how accounts
    are named and where the targets' failure streaks are."""

    topic_arn: str = Field(alias=TOPIC_ARN, pattern=r"^arn:aws[a-z-]*:sns:")
    snapshot_bucket: str = Field(alias=SNAPSHOT_BUCKET, min_length=3, max_length=63)
    free_address_floor: int = Field(alias=FREE_ADDRESS_FLOOR, ge=0)
    failure_streak_table: str = Field(alias=FAILURE_STREAK_TABLE, max_length=255)
    chat_topic_arns: CommaSeparated = Field(default=(), alias=CHAT_TOPIC_ARNS)
