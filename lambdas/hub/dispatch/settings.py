"""The dispatcher's settings: which accounts (listed, or under organizational units) and which regions.

The id types are shared with the CDK configuration (infra/core/config.py), so both refuse the same values.
"""

from __future__ import annotations

import re
from functools import partial
from typing import Annotated, Final

from pydantic import AfterValidator, Field

from ...platform.settings import (
    ACCOUNT_ID_PATTERN,
    REGION_PATTERN,
    SNAPSHOT_BUCKET,
    CommaSeparated,
    MonitorSettings,
)

MEMBER_ACCOUNTS: Final = "MEMBER_ACCOUNTS"
ORGANIZATION_UNIT_IDS: Final = "ORGANIZATION_UNIT_IDS"
MONITOR_REGIONS: Final = "MONITOR_REGIONS"


def matching(values: tuple[str, ...], pattern: str, what: str) -> tuple[str, ...]:
    """values, or ValueError naming those that do not match."""
    bad = [v for v in values if not re.match(pattern, v)]
    if bad:
        raise ValueError(f"not {what}: {', '.join(bad)}")
    return values


AccountIds = Annotated[
    CommaSeparated, AfterValidator(partial(matching, pattern=ACCOUNT_ID_PATTERN, what="an account id (12 digits)"))
]
OrganizationUnitIds = Annotated[
    CommaSeparated,
    AfterValidator(
        partial(
            matching,
            pattern=r"^(ou-[0-9a-z]{4,32}-[a-z0-9]{8,32}|r-[0-9a-z]{4,32})$",
            what="an organizational unit id (ou-…) or root id (r-…)",
        )
    ),
]
Regions = Annotated[
    CommaSeparated, AfterValidator(partial(matching, pattern=REGION_PATTERN, what="a region name (eu-west-1)"))
]


class DispatcherSettings(MonitorSettings):
    """monitor:memberAccounts, monitor:organizationUnitIds (or a root id) and monitor:regions."""

    member_accounts: AccountIds = Field(alias=MEMBER_ACCOUNTS)
    organization_unit_ids: OrganizationUnitIds = Field(alias=ORGANIZATION_UNIT_IDS)
    regions: Regions = Field(alias=MONITOR_REGIONS, min_length=1)
    # With organizational units: where it keeps the accounts it found (contract.TARGET_ACCOUNTS_KEY), "" without.
    snapshot_bucket: str = Field(alias=SNAPSHOT_BUCKET, max_length=63)
