"""Environment of the census collector."""

from __future__ import annotations

from pydantic import Field

from lambdas.core.settings import SNAPSHOT_BUCKET, UTILIZATION_THRESHOLD_PERCENT, MonitorSettings, SubnetScopeSettings

# The Collector dimension of its heartbeat and failures, and the name part of its alarms.
COLLECTOR = "census"


class CensusSettings(SubnetScopeSettings):
    """The subnets in scope and where the snapshot goes. Every key is set by the stack; none has a default."""

    snapshot_bucket: str = Field(alias=SNAPSHOT_BUCKET, min_length=3, max_length=63)


class CensusTableSettings(MonitorSettings):
    """Environment of the dashboard's census table: where the snapshot is, and which utilization is red."""

    snapshot_bucket: str = Field(alias=SNAPSHOT_BUCKET, min_length=3, max_length=63)
    utilization_threshold_percent: float = Field(alias=UTILIZATION_THRESHOLD_PERCENT, gt=0, le=100)
