"""Pure: the dispatcher's plan, one work message per target account and region, and the run's figures."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime

from ..members import TargetMessage


def target_accounts(listed: Iterable[str], under_units: Iterable[str]) -> list[str]:
    """The accounts to read: those listed and those found under the organizational units, each once, sorted."""
    return sorted(set(listed) | set(under_units))


def work_messages(
    collector: str, accounts: Sequence[str], regions: Sequence[str], scheduled_at: datetime, period_minutes: int
) -> list[TargetMessage]:
    """One message per account and region, in a stable order (accounts, then regions)."""
    return [
        TargetMessage(
            collector=collector,
            accountId=account,
            region=region,
            scheduledAt=scheduled_at,
            periodMinutes=period_minutes,
        )
        for account in accounts
        for region in regions
    ]
