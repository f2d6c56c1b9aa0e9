"""Environment of the census collector."""

from __future__ import annotations

from typing import Final

from pydantic import Field

from lambdas.core.settings import SubnetScopeSettings

SNAPSHOT_BUCKET: Final = "SNAPSHOT_BUCKET"

# The Collector dimension of its heartbeat and failures, and the name part of its alarms.
COLLECTOR = "census"


class CensusSettings(SubnetScopeSettings):
    """The subnets in scope and where the snapshot goes. Every key is set by the stack; none has a default."""

    snapshot_bucket: str = Field(alias=SNAPSHOT_BUCKET, min_length=3, max_length=63)
