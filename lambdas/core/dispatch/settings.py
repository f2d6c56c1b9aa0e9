"""The dispatcher's settings: which accounts (listed, or under organizational units) and which regions."""

from __future__ import annotations

import re
from typing import Final

from pydantic import Field, field_validator

from lambdas.core.settings import CommaSeparated, MonitorSettings

MEMBER_ACCOUNTS: Final = "MEMBER_ACCOUNTS"
ORGANIZATION_UNIT_IDS: Final = "ORGANIZATION_UNIT_IDS"
MONITOR_REGIONS: Final = "MONITOR_REGIONS"

ACCOUNT_ID_PATTERN = r"^\d{12}$"
OU_ID_PATTERN = r"^(ou-[0-9a-z]{4,32}-[a-z0-9]{8,32}|r-[0-9a-z]{4,32})$"
REGION_PATTERN = r"^[a-z]{2}(-[a-z]+)+-\d$"


class DispatcherSettings(MonitorSettings):
    """monitor:memberAccounts, monitor:organizationUnitIds (or a root id) and monitor:regions."""

    member_accounts: CommaSeparated = Field(alias=MEMBER_ACCOUNTS)
    organization_unit_ids: CommaSeparated = Field(alias=ORGANIZATION_UNIT_IDS)
    regions: CommaSeparated = Field(alias=MONITOR_REGIONS, min_length=1)

    @field_validator("member_accounts")
    @classmethod
    def _accounts(cls, values: tuple[str, ...]) -> tuple[str, ...]:
        return matching(values, ACCOUNT_ID_PATTERN, "an account id (12 digits)")

    @field_validator("organization_unit_ids")
    @classmethod
    def _ous(cls, values: tuple[str, ...]) -> tuple[str, ...]:
        return matching(values, OU_ID_PATTERN, "an organizational unit id (ou-…) or root id (r-…)")

    @field_validator("regions")
    @classmethod
    def _regions(cls, values: tuple[str, ...]) -> tuple[str, ...]:
        return matching(values, REGION_PATTERN, "a region name (eu-west-1)")


def matching(values: tuple[str, ...], pattern: str, what: str) -> tuple[str, ...]:
    """values, or ValueError naming those that do not match (the CDK config reuses it for its keys)."""
    bad = [v for v in values if not re.match(pattern, v)]
    if bad:
        raise ValueError(f"not {what}: {', '.join(bad)}")
    return values
