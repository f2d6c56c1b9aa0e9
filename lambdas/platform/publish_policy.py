"""Pure: which series a collector run publishes.

`every-run` publishes every series every run. `at-risk` (monitor:publishMode, the default) publishes a series
in a run when it is at risk now, was at risk within the last hour (so its alarm returns to OK on real data),
changed by more than the change threshold since it was last published, has never been published, or is due
in the quiet rotation. The rotation gives each series one instant in every quiet period (a stable hash of
its key) and publishes it in the run whose window (previous run, this run] holds that instant, so every quiet
series is published exactly once per period however the runs are spaced, and a missed run is made up by the
next one.

The state this needs (per series: the last published level and time, the last time it was at risk; per
run: when the previous run was) is a small document the collector keeps in S3 (lambdas/platform/at_risk.py).
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any


class PublishMode(StrEnum):
    """monitor:publishMode."""

    EVERY_RUN = "every-run"
    AT_RISK = "at-risk"


class Why(StrEnum):
    """Why a series is published in a run (the run report counts them)."""

    AT_RISK = "at-risk"
    RECOVERING = "recovering"  # at risk within the last hour, or in the previous run
    NEW = "new"  # no state for it: never published, or the state was lost
    CHANGED = "changed"
    ROTATION = "rotation"


# A series that was at risk keeps being published for this long after, so its alarm sees it recover.
RECOVERY_SECONDS = 3600
STATE_VERSION = 1


@dataclass(frozen=True)
class Reading:
    """One series as a run sees it: its key (subnet id, cluster name), its level and whether it is at risk."""

    key: str
    level: float  # what the change rule compares: free addresses, free task slots, free /28 blocks
    at_risk: bool


@dataclass(frozen=True)
class Remembered:
    """What the state keeps of one series."""

    level: float  # as last published
    published_at: int  # epoch seconds
    at_risk_at: int | None  # the last run that saw it at risk


@dataclass(frozen=True)
class PublishState:
    """The previous run's time and what is remembered of each series."""

    run_at: int | None = None
    series: Mapping[str, Remembered] = field(default_factory=dict)

    def to_document(self) -> dict[str, Any]:
        """JSON-ready and compact: [level, publishedAt, atRiskAt] per key (about 50 bytes a subnet)."""
        return {
            "version": STATE_VERSION,
            "runAt": self.run_at,
            "series": {k: [r.level, r.published_at, r.at_risk_at] for k, r in sorted(self.series.items())},
        }

    @classmethod
    def from_document(cls, document: Mapping[str, Any]) -> PublishState:
        """Parse to_document's shape; raise ValueError on anything else (the caller starts afresh)."""
        try:
            if document["version"] != STATE_VERSION:
                raise ValueError(f"state version {document['version']!r}, expected {STATE_VERSION}")
            run_at = document["runAt"]
            series = {
                str(key): Remembered(float(level), int(published), None if at_risk is None else int(at_risk))
                for key, (level, published, at_risk) in document["series"].items()
            }
            return cls(None if run_at is None else int(run_at), series)
        except (KeyError, TypeError, AttributeError, ValueError) as err:
            raise ValueError(f"malformed publish state: {err!r}") from err


@dataclass(frozen=True)
class AtRiskRules:
    """The at-risk mode's knobs, in the collector's own units."""

    change: float  # publish when the level moved by more than this since last published
    quiet_period_seconds: int  # every quiet series is published once per this period


@dataclass(frozen=True)
class Selection:
    """A run's choice: the keys to publish (with why) and the state to keep for the next run."""

    publish: Mapping[str, Why]
    state: PublishState

    def counts(self) -> dict[str, int]:
        """How many series were published for each reason."""
        return dict(Counter(str(why) for why in self.publish.values()))


def rotation_offset(key: str, period_seconds: int) -> int:
    """The key's instant within every quiet period: a stable hash (not Python's salted hash())."""
    digest = hashlib.sha256(key.encode()).digest()
    return int.from_bytes(digest[:8], "big") % period_seconds


def rotation_due(key: str, period_seconds: int, after: int, until: int) -> bool:
    """True when one of the key's rotation instants lies in (after, until]."""
    offset = rotation_offset(key, period_seconds)
    return (until - offset) // period_seconds > (after - offset) // period_seconds


def select(readings: Iterable[Reading], state: PublishState, rules: AtRiskRules, now: int) -> Selection:
    """Choose what this run publishes in the at-risk mode, and the state the next run starts from."""
    publish: dict[str, Why] = {}
    kept: dict[str, Remembered] = {}
    seen: set[str] = set()
    for reading in readings:
        seen.add(reading.key)
        remembered = state.series.get(reading.key)
        why = _why(reading, remembered, state.run_at, rules, now)
        at_risk_at = now if reading.at_risk else (remembered.at_risk_at if remembered else None)
        if why is None and remembered is not None:  # quiet: its state goes on, only at_risk_at may move
            kept[reading.key] = Remembered(remembered.level, remembered.published_at, at_risk_at)
            continue
        publish[reading.key] = why or Why.NEW  # _why never leaves a series without state unpublished
        kept[reading.key] = Remembered(reading.level, now, at_risk_at)
    # A series this run did not see (a failed page, or deleted) is remembered for one quiet period, then dropped.
    for key, remembered in state.series.items():
        if key not in seen and now - remembered.published_at < rules.quiet_period_seconds:
            kept[key] = remembered
    return Selection(publish, PublishState(now, kept))


def _why(
    reading: Reading, remembered: Remembered | None, previous_run_at: int | None, rules: AtRiskRules, now: int
) -> Why | None:
    if reading.at_risk:
        return Why.AT_RISK
    if remembered is None or previous_run_at is None:
        return Why.NEW
    if remembered.at_risk_at is not None and (
        remembered.at_risk_at >= previous_run_at or now - remembered.at_risk_at <= RECOVERY_SECONDS
    ):
        return Why.RECOVERING
    if abs(reading.level - remembered.level) > rules.change:
        return Why.CHANGED
    if rotation_due(reading.key, rules.quiet_period_seconds, previous_run_at, now):
        return Why.ROTATION
    return None
