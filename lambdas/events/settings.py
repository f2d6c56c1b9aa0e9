"""Environment of the exhaustion-event handler."""

from __future__ import annotations

from typing import Final

from pydantic import Field

from ..hub.dispatch.settings import MEMBER_ACCOUNTS, ORGANIZATION_UNIT_IDS, AccountIds, OrganizationUnitIds
from ..platform.settings import FREE_ADDRESS_FLOOR, SNAPSHOT_BUCKET, NotifySettings

# monitor:maxIncidentsPerWindow: new incidents emailed per account and reason per window.
MAX_INCIDENTS_PER_WINDOW: Final = "MAX_INCIDENTS_PER_WINDOW"


class EventHandlerSettings(NotifySettings):
    """Where emails, claims and kept events go, and the floor at which a subnet counts as full (an ambiguous
    EC2 error code on a subnet at or below it is counted as exhaustion). Set by the stack; no defaults."""

    free_address_floor: int = Field(alias=FREE_ADDRESS_FLOOR, ge=0)
    # The census snapshot: free /28 blocks of the incident's subnet, where the census counted them (and, with
    # organizational units, the dispatcher's list of the accounts under them).
    snapshot_bucket: str = Field(alias=SNAPSHOT_BUCKET, min_length=3, max_length=63)
    # The targets (hub mode): an event from any other account is counted as foreign and dropped.
    member_accounts: AccountIds = Field(alias=MEMBER_ACCOUNTS)
    organization_unit_ids: OrganizationUnitIds = Field(alias=ORGANIZATION_UNIT_IDS)
    # Beyond this many new incidents of one account and reason in a window, one summary email, then only counts.
    max_incidents_per_window: int = Field(alias=MAX_INCIDENTS_PER_WINDOW, ge=1, le=1000)
