"""The monitor's share of the account's API rate budget (issue 31): per size, collector and AWS request bucket
(lambdas/platform/aws_limits.py THROTTLE_GROUPS), the calls a run makes averaged over the collector's schedule
against the bucket's refill, and the most calls it can make in one second against the bucket's size.

The average is exact: the calls a run makes (counted by make bench) over the seconds between runs. The peak is a
bound, not a measurement (moto answers in microseconds, so timing calls here says nothing of AWS): where a
client-side budget paces the calls (the ECS collector's ECS reads, the census's CIDR reservation reads), at most
its burst plus one second of its rate; elsewhere, every call of the run in the same second.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from lambdas.census.reads import RESERVATION_READS_BURST, RESERVATION_READS_PER_SECOND
from lambdas.ecs.reads import ECS_READ_BURST, ECS_READ_RATE_PER_SECOND
from lambdas.platform.aws_limits import THROTTLE_GROUPS, ThrottleGroup

# Seconds between runs at cdk.json's schedules (monitor:scheduleMinutes 5, censusMinutes 15, forecastMinutes 60).
SCHEDULE_SECONDS = {"subnets": 300, "subnets (at-risk)": 300, "ecs": 300, "census": 900, "forecast": 3600}
# The client-side budgets: which collector's calls of which operations they pace, at what rate and burst.
PACED = {
    "ecs": (lambda operation: operation.startswith("ecs."), ECS_READ_RATE_PER_SECOND, ECS_READ_BURST),
    "census": (
        lambda operation: operation == "ec2.GetSubnetCidrReservations",
        RESERVATION_READS_PER_SECOND,
        RESERVATION_READS_BURST,
    ),
}
# The monitor's target (issue 31): at most this share of a bucket's refill on average, of its size in any second.
SUSTAINED_TARGET = 0.02
PEAK_TARGET = 0.10


@dataclass(frozen=True)
class Share:
    """One collector's use of one bucket at one size."""

    size: str
    group: ThrottleGroup
    collector: str
    calls: int
    per_second: float
    peak: int
    peak_paced: bool

    @property
    def sustained_share(self) -> float:
        """Of the bucket's refill, on average over the schedule."""
        return self.per_second / self.group.refill_per_second

    @property
    def peak_share(self) -> float:
        """Of the bucket's size, in the busiest second (a bound)."""
        return self.peak / self.group.bucket


def shares(size: str, collector: str, calls: Counter[str]) -> list[Share]:
    """The collector's share of every bucket its run's calls draw on."""
    found = []
    for group in THROTTLE_GROUPS:
        counted = {op: n for op, n in calls.items() if op in group.operations}
        total = sum(counted.values())
        if not total:
            continue
        paced = PACED.get(collector)
        paced_calls = sum(n for op, n in counted.items() if paced and paced[0](op))
        peak = total - paced_calls
        if paced and paced_calls:
            peak += min(paced_calls, paced[2] + int(paced[1]))
        found.append(
            Share(
                size=size,
                group=group,
                collector=collector,
                calls=total,
                per_second=total / SCHEDULE_SECONDS[collector],
                peak=peak,
                peak_paced=bool(paced_calls) and paced_calls == total,
            )
        )
    return found


def render_budget(all_shares: list[Share]) -> list[str]:
    """The BENCHMARKS.md table: each collector's share, then each bucket's total over the collectors."""
    lines = [
        "",
        "### Share of the account's API rate budget",
        "",
        "Each AWS request bucket the monitor draws on (size = most calls in one second, refill = sustained calls a "
        "second; `lambdas/platform/aws_limits.py`, with the page that states each), against the calls a run makes "
        "averaged over its schedule, and the most it can make in one second (a bound: its client-side budget's "
        f"burst plus one second's rate where one paces it, else every call of the run at once). Target: at most "
        f"{SUSTAINED_TARGET:.0%} of a refill, {PEAK_TARGET:.0%} of a bucket.",
        "",
        "| size | bucket (size / refill per s) | collector | calls per run | calls/s over the schedule | "
        "of the refill | peak calls in 1 s (bound) | of the bucket |",
        "| --- | --- | --- | ---: | ---: | ---: | ---: | ---: |",
    ]
    for s in all_shares:
        paced = " (paced)" if s.peak_paced else ""
        lines.append(
            f"| {s.size} | {s.group.name} ({s.group.bucket:,} / {s.group.refill_per_second:g}) | {s.collector} | "
            f"{s.calls:,} | {s.per_second:.3f} | {_flagged(s.sustained_share, SUSTAINED_TARGET)} | "
            f"{s.peak:,}{paced} | {_flagged(s.peak_share, PEAK_TARGET)} |"
        )
    totals: dict[tuple[str, str], float] = {}
    for s in all_shares:
        if s.collector != "subnets (at-risk)":  # one subnet collector runs: the every-run one counted above
            key = (s.size, s.group.name)
            totals[key] = totals.get(key, 0.0) + s.sustained_share
    lines += [
        "",
        "| size | bucket | every collector together, of the refill |",
        "| --- | --- | ---: |",
        *(f"| {size} | {group} | {_flagged(share, SUSTAINED_TARGET)} |" for (size, group), share in totals.items()),
    ]
    return lines


def _flagged(share: float, target: float) -> str:
    """The share as a percentage, in bold when it is over the target."""
    text = f"{100 * share:.2f} %"
    return f"**{text}**" if share > target else text
