"""A simulated day of subnet collector runs in each publish mode, and what it costs a month.

The estate: the benchmark's subnets with a stated spread of utilization (UTILIZATION_BANDS) and a stated
day (daily cycle, deployments). Every run is decided by the collector's own rule
(lambdas.platform.publish_policy.select); what is counted is what CloudWatch bills: metric-hours (a metric is
billed for the hours in which it receives data, prorated to 730 hours a month) and PutMetricData requests.
Day 0 starts from no state (every subnet is new); day 1, in steady state, is the one counted.
"""

from __future__ import annotations

import math
import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from lambdas.platform.publish_policy import AtRiskRules, PublishState, Reading, select
from lambdas.subnets.model import is_at_risk

# Share of subnets, and the utilization range (%) they are spread over uniformly. An assumption, not a
# measurement: in a large estate most subnets are lightly used (per-AZ public, database, endpoint and
# spare subnets, and subnets sized for growth); a minority host autoscaled task or node fleets, and a few
# run near their limit. 15 % of subnets sit at or above the 50 % watch level.
UTILIZATION_BANDS = ((0.60, 2.0, 20.0), (0.25, 20.0, 50.0), (0.10, 50.0, 80.0), (0.05, 80.0, 95.0))
# The day: subnets at 20 % or more follow a daily cycle of +/-15 % of their usage (autoscaled fleets), the
# others +/-3 %; 2 % of subnets have one deployment a day that adds half their usage for 30 minutes
# (blue/green task sets).
BUSY_PERCENT = 20.0
BUSY_SWING, QUIET_SWING = 0.15, 0.03
DEPLOYING_SHARE, DEPLOYMENT_MINUTES, DEPLOYMENT_EXTRA = 0.02, 30, 0.5

RUN_SECONDS = 300  # monitor:scheduleMinutes 5
DAY_SECONDS = 86_400
RUNS_A_DAY = DAY_SECONDS // RUN_SECONDS
START = 1_800_000_000 - 1_800_000_000 % DAY_SECONDS  # a midnight, any will do
WATCH_PERCENT, FREE_FLOOR, CHANGE_ADDRESSES, QUIET_HOURS = 50.0, 8, 10, 24  # the defaults (cdk.json)

# Prices (us-east-1 list prices; README "Cost" names where they were read): custom metrics $0.30 a month
# for the first 10,000 and $0.10 for the next 240,000, prorated by the hour; PutMetricData $0.01 per 1,000
# requests; S3 GetObject $0.0004 and PutObject $0.005 per 1,000 (the at-risk state, one each a run).
METRIC_TIERS: tuple[tuple[float, float], ...] = ((10_000, 0.30), (240_000, 0.10))
# The price of one more metric in an account that already has 10,000 others (the monitor's or anyone's).
MARGINAL_TIERS: tuple[tuple[float, float], ...] = ((240_000, 0.10),)
HOURS_A_MONTH = 730
DAYS_A_MONTH = HOURS_A_MONTH / 24
PUT_METRIC_DATA_PER_1000 = 0.01
STATE_READ_WRITE_PER_RUN = (0.0004 + 0.005) / 1000
POINTS_PER_CALL = 1000


def spread_utilization(usable: Mapping[str, int], seed: int = 2026) -> dict[str, int]:
    """Addresses in use per subnet (by its usable count), drawn from UTILIZATION_BANDS, the same every time."""
    rng = random.Random(seed)  # noqa: S311 - a reproducible benchmark, not a secret
    used = {}
    for subnet_id, size in sorted(usable.items()):
        draw, cumulative = rng.random(), 0.0
        for share, low, high in UTILIZATION_BANDS:
            cumulative += share
            if draw < cumulative or (share, low, high) == UTILIZATION_BANDS[-1]:
                used[subnet_id] = round(size * rng.uniform(low, high) / 100)
                break
    return used


@dataclass(frozen=True)
class SubnetDay:
    """One subnet's day: its usage at midnight, its cycle and its deployment (if any)."""

    subnet_id: str
    usable: int
    base_used: int
    swing: float
    phase: float
    deployment_at: int | None  # seconds after midnight

    def used(self, second: int) -> int:
        """Addresses in use at this second of the day."""
        cycle = self.base_used * self.swing * math.sin(2 * math.pi * (second / DAY_SECONDS + self.phase))
        extra = 0.0
        if self.deployment_at is not None and 0 <= second - self.deployment_at < DEPLOYMENT_MINUTES * 60:
            extra = self.base_used * DEPLOYMENT_EXTRA
        return max(0, min(self.usable, round(self.base_used + cycle + extra)))


def subnet_days(used: Mapping[str, int], usable: Mapping[str, int], seed: int = 2027) -> list[SubnetDay]:
    """The day of each subnet, from its usage at midnight."""
    rng = random.Random(seed)  # noqa: S311 - a reproducible benchmark, not a secret
    days = []
    for subnet_id, base in sorted(used.items()):
        busy = 100 * base / usable[subnet_id] >= BUSY_PERCENT
        deploys = rng.random() < DEPLOYING_SHARE
        days.append(
            SubnetDay(
                subnet_id,
                usable[subnet_id],
                base,
                BUSY_SWING if busy else QUIET_SWING,
                rng.random(),
                rng.randrange(DAY_SECONDS) if deploys else None,
            )
        )
    return days


@dataclass(frozen=True)
class DayCount:
    """What one mode sent in the counted day."""

    subnet_metric_hours: int  # series-hours with at least one point (2 series a subnet)
    fixed_metric_hours: int  # per-VPC series and the heartbeat, every hour
    put_metric_data_calls: int
    runs: int
    published_points: int

    @property
    def metric_months(self) -> float:
        """Metric-months a month of such days bills: hours with data / 730, times the days of a month."""
        return (self.subnet_metric_hours + self.fixed_metric_hours) * DAYS_A_MONTH / HOURS_A_MONTH


def simulate(days: Sequence[SubnetDay], vpcs: int, *, at_risk: bool) -> DayCount:
    """Two days of runs every 5 minutes (the first from no state), counting the second."""
    rules = AtRiskRules(change=CHANGE_ADDRESSES, quiet_period_seconds=QUIET_HOURS * 3600)
    state = PublishState()
    hours_with_data: set[tuple[str, int]] = set()
    calls = points_sent = 0
    fixed_points = 2 * vpcs + 1  # VpcAvailableIpAddressCount, VpcMaxIpUtilization, CollectorHeartbeat
    everything = [day.subnet_id for day in days]
    for run in range(2 * RUNS_A_DAY):
        second = run * RUN_SECONDS
        if not at_risk:
            if run < RUNS_A_DAY:
                continue  # every-run keeps no state: the first day changes nothing
            published = everything
        else:
            selection = select(_readings(days, second % DAY_SECONDS), state, rules, START + second)
            state, published = selection.state, list(selection.publish)
            if run < RUNS_A_DAY:
                continue
        hour = (second - DAY_SECONDS) // 3600
        hours_with_data.update((key, hour) for key in published)
        points = 2 * len(published) + fixed_points
        calls += math.ceil(points / POINTS_PER_CALL)
        points_sent += points
    return DayCount(
        subnet_metric_hours=2 * len(hours_with_data),
        fixed_metric_hours=fixed_points * 24,
        put_metric_data_calls=calls,
        runs=RUNS_A_DAY,
        published_points=points_sent,
    )


def _readings(days: Sequence[SubnetDay], second: int) -> list[Reading]:
    readings = []
    for day in days:
        used = day.used(second)
        free = day.usable - used
        at_risk = is_at_risk(100 * used / day.usable, free, WATCH_PERCENT, FREE_FLOOR)
        readings.append(Reading(day.subnet_id, free, at_risk))
    return readings


def metric_cost(metric_months: float, tiers: Sequence[tuple[float, float]] = METRIC_TIERS) -> float:
    """Tiered custom-metric price of this many metric-months."""
    cost, left = 0.0, metric_months
    for size, price in tiers:
        billed = min(left, size)
        cost += billed * price
        left -= billed
    return cost


@dataclass(frozen=True)
class MonthlyCost:
    """A month of the subnet collector in one mode."""

    metrics: float
    requests: float
    state: float

    @property
    def total(self) -> float:
        """Everything the subnet collector's publishing costs a month."""
        return self.metrics + self.requests + self.state


def monthly_cost(day: DayCount, *, at_risk: bool, tiers: Sequence[tuple[float, float]] = METRIC_TIERS) -> MonthlyCost:
    """Metrics, PutMetricData requests and (at-risk) the state's S3 reads and writes, for a month of such days."""
    return MonthlyCost(
        metrics=metric_cost(day.metric_months, tiers),
        requests=day.put_metric_data_calls * DAYS_A_MONTH * PUT_METRIC_DATA_PER_1000 / 1000,
        state=day.runs * DAYS_A_MONTH * STATE_READ_WRITE_PER_RUN if at_risk else 0.0,
    )


def share_at_or_above(used: Mapping[str, int], usable: Mapping[str, int], percent: float) -> float:
    """Share of subnets at or above percent at midnight."""
    return sum(1 for s, u in used.items() if 100 * u / usable[s] >= percent) / len(used)
