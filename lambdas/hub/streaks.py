"""Pure: hub mode's failure streaks, so a member target that keeps failing is named, not only counted.

A collector run on a target that records any failure (its reader role missing or denying, a read denied, STS
or the service throttling beyond retries) extends that target's streak for the collector; a run without
failure writes nothing, and the streak simply stops growing. Runs are the dispatcher's schedule slots, so
"in a row" means the previous failure was at the previous slot.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

# The rule: a target that fails this many runs in a row is named in the weekly digest.
NAMED_AFTER_RUNS = 3
# How far back the digest looks, and how long a streak is kept after its last failure (the table's TTL).
DIGEST_WEEK = timedelta(days=7)
KEPT_FOR = timedelta(days=8)
# A failure up to 1.5 periods after the previous one is the next run's (the schedule fires every period; slots
# are the dispatcher's own times, so this absorbs its jitter without joining runs two periods apart).
NEXT_RUN_WITHIN = 1.5


@dataclass(frozen=True)
class FailureStreak:
    """Consecutive failed runs of one collector on one target account and region."""

    collector: str
    account_id: str
    region: str
    runs: int
    first_failed_at: datetime
    last_failed_at: datetime
    last_error: str
    period_minutes: int

    @property
    def key(self) -> str:
        """The table key: one streak per collector, account and region."""
        return streak_key(self.collector, self.account_id, self.region)

    def still_failing(self, now: datetime) -> bool:
        """True while no run has gone by since the last failure without failing (two periods of grace)."""
        return now - self.last_failed_at <= timedelta(minutes=2 * self.period_minutes)


def streak_key(collector: str, account_id: str, region: str) -> str:
    """The table key of a collector's streak on a target."""
    return f"{collector}#{account_id}#{region}"


def extend_streak(
    previous: FailureStreak | None,
    *,
    collector: str,
    account_id: str,
    region: str,
    run_at: datetime,
    period_minutes: int,
    error: str,
) -> FailureStreak:
    """The streak after a failed run at run_at: one longer if the previous failure was the previous run's, the
    same if it is this run again (a retried message), else a new streak of one."""
    if previous is not None:
        if previous.last_failed_at == run_at:
            return replace(previous, last_error=error)
        if run_at - previous.last_failed_at <= timedelta(minutes=NEXT_RUN_WITHIN * period_minutes):
            return replace(previous, runs=previous.runs + 1, last_failed_at=run_at, last_error=error)
    return FailureStreak(collector, account_id, region, 1, run_at, run_at, error, period_minutes)


def named_in_digest(streaks: Iterable[FailureStreak], now: datetime) -> list[FailureStreak]:
    """The streaks of NAMED_AFTER_RUNS or more that failed within the week, longest first."""
    named = [s for s in streaks if s.runs >= NAMED_AFTER_RUNS and now - s.last_failed_at <= DIGEST_WEEK]
    return sorted(named, key=lambda s: (-s.runs, s.account_id, s.region, s.collector))
