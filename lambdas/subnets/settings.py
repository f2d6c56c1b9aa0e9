"""Environment of the subnet collector."""

from __future__ import annotations

from pydantic import Field

from ..platform.settings import FREE_ADDRESS_FLOOR, HubSettings, PublishSettings, SubnetScopeSettings

# The Collector dimension of its heartbeat and failures, and the name part of its alarms.
COLLECTOR = "subnets"


class SubnetCollectorSettings(SubnetScopeSettings, PublishSettings, HubSettings):
    """The subnets in scope and how they are published. Every key is set by the stack; none has a default."""

    free_address_floor: int = Field(alias=FREE_ADDRESS_FLOOR, ge=0, le=65531)
