"""Environment of the exhaustion-event handler."""

from __future__ import annotations

from pydantic import Field

from lambdas.core.settings import FREE_ADDRESS_FLOOR, SNAPSHOT_BUCKET, NotifySettings


class EventHandlerSettings(NotifySettings):
    """Where emails, claims and kept events go, and the floor at which a subnet counts as full (an ambiguous
    EC2 error code on a subnet at or below it is counted as exhaustion). Set by the stack; no defaults."""

    free_address_floor: int = Field(alias=FREE_ADDRESS_FLOOR, ge=0)
    # The census snapshot: free /28 blocks of the incident's subnet, where the census counted them.
    snapshot_bucket: str = Field(alias=SNAPSHOT_BUCKET, min_length=3, max_length=63)
