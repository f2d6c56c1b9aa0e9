"""Environment of the ECS ENI collector."""

from __future__ import annotations

from typing import Final

from pydantic import Field

from ..platform.settings import SNAPSHOT_BUCKET, CommaSeparated, HubSettings, PublishSettings

CLUSTER_NAMES: Final = "CLUSTER_NAMES"

# The Collector dimension of its heartbeat and failures, and the name part of its alarms.
COLLECTOR = "ecs"


class EcsCollectorSettings(PublishSettings, HubSettings):
    """The clusters in scope and how they are published. Every key is set by the stack; none has a default."""

    cluster_names: CommaSeparated = Field(alias=CLUSTER_NAMES)  # empty string: every cluster
    # Where the deployment fit document goes (the census's bucket, under deployments/).
    snapshot_bucket: str = Field(alias=SNAPSHOT_BUCKET, min_length=3, max_length=63)
