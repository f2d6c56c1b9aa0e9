"""Environment of the census collector."""

from __future__ import annotations

from typing import Final

from pydantic import Field

from ..platform.settings import (
    SNAPSHOT_BUCKET,
    UTILIZATION_THRESHOLD_PERCENT,
    HubSettings,
    OrganizationViewSettings,
    PublishSettings,
    SubnetScopeSettings,
)

# monitor:freePrefixBlockFloor, for the at-risk publish mode (the alarm's threshold is set by the stack).
FREE_PREFIX_BLOCK_FLOOR: Final = "FREE_PREFIX_BLOCK_FLOOR"

# The monitor's private event bus: the census sends its EKS shortage events there, and only it may.
MONITOR_EVENT_BUS: Final = "MONITOR_EVENT_BUS"

# The Collector dimension of its heartbeat and failures, and the name part of its alarms.
COLLECTOR = "census"


class CensusSettings(SubnetScopeSettings, PublishSettings, HubSettings):
    """The subnets in scope, where the snapshot goes, how FreePrefixBlocks is published. Every key is set by
    the stack; none has a default."""

    snapshot_bucket: str = Field(alias=SNAPSHOT_BUCKET, min_length=3, max_length=63)
    free_prefix_block_floor: int = Field(alias=FREE_PREFIX_BLOCK_FLOOR, ge=0, le=4096)
    monitor_event_bus: str = Field(alias=MONITOR_EVENT_BUS, min_length=1, max_length=256)


class CensusTableSettings(OrganizationViewSettings):
    """Environment of the dashboard's census table: where the snapshots are, which utilization is red, and (hub
    mode) how accounts are named."""

    snapshot_bucket: str = Field(alias=SNAPSHOT_BUCKET, min_length=3, max_length=63)
    utilization_threshold_percent: float = Field(alias=UTILIZATION_THRESHOLD_PERCENT, gt=0, le=100)
