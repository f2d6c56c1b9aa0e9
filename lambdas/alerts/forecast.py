"""Pure: when will a subnet's free addresses reach the floor? A trend robust to daily and weekly cycles and surges.

Method (docs/alerts.md, "Forecast"):
1. From hourly minima of AvailableIpAddressCount, take each UTC day's lowest sample (with its time): daily
   cycles and short dips within a day do not move a daily minimum more than once.
2. The decline is the Theil-Sen slope of those daily minima: the median of the slopes between pairs of
   days. Once two weeks of days exist, only pairs a whole number of weeks apart are used, so a weekly
   cycle (busy weekdays, quiet weekends) cancels out. One unusual day (a deployment surge) moves a median
   very little, where it would tilt a least-squares line.
3. The level now is the line through the daily minima at this moment (median intercept).
4. The surge margin is the deepest hourly sample below that line: how far a surge (a rolling deployment,
   a scale-out) has taken the subnet below its trend. Exhaustion is reached when the line minus that
   margin meets the floor.
Subnets whose slope is not negative are not shrinking: they get no forecast.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

DAY_SECONDS = 86_400.0
# Fewer distinct days than this and a slope says more about noise than about a trend.
MIN_DAYS_OF_HISTORY = 3
WEEK_DAYS = 7


@dataclass(frozen=True)
class Sample:
    """One hourly figure: a subnet's lowest free-address count, or a cluster's highest ENI utilization."""

    at: datetime
    value: float


@dataclass(frozen=True)
class Forecast:
    """A subnet's trend; days_to_floor is None when it is not shrinking."""

    decline_per_day: float  # addresses a day, positive when the subnet is filling up
    level_now: float  # free addresses on the trend line now
    surge_margin: float  # deepest dip below the trend line seen in the history
    days_of_history: int
    days_to_floor: float | None


def daily_minima(samples: Sequence[Sample]) -> list[Sample]:
    """Each UTC day's lowest sample (the earliest one on a tie), in day order."""
    lowest: dict[object, Sample] = {}
    for sample in sorted(samples, key=lambda s: s.at):
        day = sample.at.date()
        if day not in lowest or sample.value < lowest[day].value:
            lowest[day] = sample
    return [lowest[day] for day in sorted(lowest)]  # type: ignore[type-var]


def forecast_exhaustion(samples: Sequence[Sample], floor: float, now: datetime) -> Forecast | None:
    """The forecast from hourly minima, or None with fewer than MIN_DAYS_OF_HISTORY days of samples."""
    minima = daily_minima(samples)
    if len(minima) < MIN_DAYS_OF_HISTORY:
        return None
    days = [_days_since(now, m.at) for m in minima]
    slope = _theil_sen_slope(days, [m.value for m in minima], minima)
    level_now = statistics.median(m.value - slope * d for m, d in zip(minima, days, strict=True))
    surge = max((level_now + slope * _days_since(now, s.at) - s.value for s in samples), default=0.0)
    # Addresses are whole: a dip of less than one is rounding, not a surge.
    margin = float(max(math.floor(surge), 0))
    days_to_floor = None
    if slope < 0:
        days_to_floor = max((level_now - margin - floor) / -slope, 0.0)
    return Forecast(
        decline_per_day=-slope,
        level_now=level_now,
        surge_margin=margin,
        days_of_history=len(minima),
        days_to_floor=days_to_floor,
    )


def _days_since(now: datetime, at: datetime) -> float:
    """Days from now to at (negative in the past)."""
    return (at - now).total_seconds() / DAY_SECONDS


def _theil_sen_slope(days: Sequence[float], values: Sequence[float], minima: Sequence[Sample]) -> float:
    """Median pairwise slope; pairs a whole number of weeks apart once there are two weeks of days."""
    ordinals = [m.at.date().toordinal() for m in minima]
    pairs = [(i, j) for i in range(len(days)) for j in range(i + 1, len(days))]
    if ordinals[-1] - ordinals[0] >= 2 * WEEK_DAYS - 1:
        weekly = [(i, j) for i, j in pairs if (ordinals[j] - ordinals[i]) % WEEK_DAYS == 0]
        pairs = weekly or pairs
    slopes = [(values[j] - values[i]) / (days[j] - days[i]) for i, j in pairs if days[j] != days[i]]
    return statistics.median(slopes) if slopes else 0.0


@dataclass(frozen=True)
class Trend:
    """A figure now against the hourly sample 1 hour, 24 hours and 7 days ago (None: no sample then)."""

    now: float
    hour_ago: float | None
    day_ago: float | None
    week_ago: float | None


def trend(samples: Sequence[Sample], value_now: float, now: datetime) -> Trend:
    """The sample nearest each offset, if one is within an hour of it."""

    def near(offset: timedelta) -> float | None:
        wanted = now - offset
        close = [s for s in samples if abs((s.at - wanted).total_seconds()) <= 3600]
        return min(close, key=lambda s: abs((s.at - wanted).total_seconds())).value if close else None

    return Trend(value_now, near(timedelta(hours=1)), near(timedelta(days=1)), near(timedelta(days=7)))
