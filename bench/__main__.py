"""`make bench`: seed moto at sizes S, M and L, run the real collector handlers and a naive baseline, and
print (and with --write, save to BENCHMARKS.md) calls against the floor, time and memory."""

from __future__ import annotations

import argparse
import os
import platform
import sys
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from unittest.mock import patch

import boto3
from moto import mock_aws
from moto.cloudwatch.models import cloudwatch_backends
from moto.core.models import DEFAULT_ACCOUNT_ID

from bench.budget import render_budget, shares
from bench.day import (
    MARGINAL_TIERS,
    DayCount,
    MonthlyCost,
    monthly_cost,
    share_at_or_above,
    simulate,
    spread_utilization,
    subnet_days,
)
from bench.emulator import aws_like_emulator, bench_environment
from bench.flood import render_flood, run_flood
from bench.hub import HUB_HEADING, HUB_SIZES, render_hub, run_hub_size
from bench.measure import Measurement, count_calls, measure, peak_python_mb, replay
from bench.naive import naive_ecs, naive_subnets
from bench.seed import INSTANCE_TYPES, REGION, seed, take_addresses
from bench.sizes import (
    FORECAST_CAP,
    SIZES,
    Size,
    census_floor,
    ecs_floor,
    forecast_cost_per_month,
    forecast_floor,
    subnet_floor,
    subnet_floor_at_risk,
)
from bench.storm import STORM_HEADING, render_storm, run_storm
from devkit.lambda_context import LocalLambdaContext, function_arn
from devkit.publishing import EVERY_RUN
from lambdas.alerts.settings import (
    FORECAST_HORIZON_DAYS,
    FORECAST_MAX_SUBNETS,
    FORECAST_WATCH_PERCENT,
)
from lambdas.domain.network import usable_addresses
from lambdas.ecs.reads import ecs_read_budget
from lambdas.ecs.settings import CLUSTER_NAMES
from lambdas.platform.settings import (
    METRIC_NAMESPACE,
    PUBLISH_MODE,
    PUBLISH_STATE_BUCKET,
    SNAPSHOT_BUCKET,
    SUBNET_TAG_FILTER,
    VPC_IDS,
    _load_from_process_environment,
)
from lambdas.platform.targets import forget_warm_state, own_target

REPO_ROOT = Path(__file__).resolve().parent.parent
NAMESPACE = "SubnetIpMonitorBench"
NAIVE_SIZES = {"XS", "S", "M"}
MEASURED_SERVICES = ("ec2", "ecs", "cloudwatch", "s3", "eks", "events")
CENSUS_BUCKET = "subnet-ip-monitor-bench"  # at L the naive baseline would make ~110,000 calls to the emulator


# As if just invoked with the ECS collector's 5-minute timeout: the deadline never cuts a benchmark run short.
CONTEXT = LocalLambdaContext(
    function_name="bench",
    invoked_function_arn=function_arn(REGION, name="bench"),
    memory_limit_in_mb=512,
    remaining_ms=300_000,
)


@dataclass
class SizeResult:
    """Everything measured at one size."""

    size: Size
    subnets_in_scope: int
    subnets: Measurement
    subnets_at_risk: Measurement  # a steady-state run in the at-risk mode, 5 minutes after the one before
    ecs: Measurement
    census: Measurement
    forecast: Measurement
    subnet_floor: dict[str, int]
    subnet_at_risk_floor: dict[str, int]
    published_at_risk: int
    ecs_floor: dict[str, int]
    census_floor: dict[str, int]
    forecast_floor: dict[str, int]
    naive_subnet_calls: int | None
    naive_ecs_calls: int | None
    custom_metrics: int
    vpcs: int
    snapshot_bytes: int
    share_at_watch: float
    every_run_day: DayCount
    at_risk_day: DayCount

    @property
    def every_run_cost(self) -> MonthlyCost:
        """A month of subnet publishing in the every-run mode."""
        return monthly_cost(self.every_run_day, at_risk=False)

    @property
    def at_risk_cost(self) -> MonthlyCost:
        """A month of subnet publishing in the at-risk mode."""
        return monthly_cost(self.at_risk_day, at_risk=True)


def run_size(size: Size) -> SizeResult:
    """Seed one environment and measure both collectors (and the naive baseline) against it."""
    environment = {
        **bench_environment(REGION),
        METRIC_NAMESPACE: NAMESPACE,
        VPC_IDS: "",
        SUBNET_TAG_FILTER: "",
        CLUSTER_NAMES: "",
        SNAPSHOT_BUCKET: CENSUS_BUCKET,
        # The collectors in the every-run mode first (the floors of earlier benchmarks), one account on the
        # schedule (cdk.json's floors and mode); the subnet collector is then measured in the at-risk mode too.
        **EVERY_RUN,
        # The forecaster at its cap: every subnet is at or above a 0 % watch level.
        FORECAST_HORIZON_DAYS: "30",
        FORECAST_WATCH_PERCENT: "0",
        FORECAST_MAX_SUBNETS: str(FORECAST_CAP),
    }
    with mock_aws(), aws_like_emulator(), patch.dict(os.environ, environment):
        ec2, ecs = boto3.client("ec2", region_name=REGION), boto3.client("ecs", region_name=REGION)
        seed(size, ec2, ecs)
        subnet_pages = list(ec2.get_paginator("describe_subnets").paginate())
        subnets_in_scope = sum(len(p["Subnets"]) for p in subnet_pages)
        vpcs = len({s["VpcId"] for p in subnet_pages for s in p["Subnets"]})
        # The stated spread of utilization (bench/day.py), then the usage every collector reads.
        usable = {s["SubnetId"]: usable_addresses(s["CidrBlock"]) for p in subnet_pages for s in p["Subnets"]}
        take_addresses(spread_utilization(usable))
        used = {
            s["SubnetId"]: usable[s["SubnetId"]] - s["AvailableIpAddressCount"]
            for p in ec2.get_paginator("describe_subnets").paginate()
            for s in p["Subnets"]
        }
        boto3.client("s3", region_name=REGION).create_bucket(
            Bucket=CENSUS_BUCKET, CreateBucketConfiguration={"LocationConstraint": REGION}
        )
        from lambdas.alerts import forecast_handler  # noqa: PLC0415 - after the environment
        from lambdas.census import handler as census_collector  # noqa: PLC0415
        from lambdas.ecs import handler as ecs_collector  # noqa: PLC0415
        from lambdas.subnets import handler as subnet_collector  # noqa: PLC0415

        subnet_run, ecs_run = _measured_handler(subnet_collector.handler), _measured_handler(ecs_collector.handler)
        census_run = _measured_handler(census_collector.handler)
        # Its requests name a time window: one fixed "now" lets the memory pass replay the recorded answers.
        with patch("lambdas.alerts.forecast_handler.datetime", _frozen(datetime.now(UTC))):
            forecast_run = _measured_handler(forecast_handler.handler)
        subnets_at_risk, published_at_risk = _at_risk_subnet_run(subnet_collector.handler)
        snapshot_bytes = boto3.client("s3", region_name=REGION).head_object(
            Bucket=CENSUS_BUCKET, Key="census/latest.json"
        )["ContentLength"]
        naive_subnet_calls = naive_ecs_calls = None
        if size.name in NAIVE_SIZES:
            naive_subnet_calls, naive_ecs_calls = _naive_calls()
        # Read from moto's store: its ListMetrics is quadratic at 20,000 series and repeats series with
        # several dimensions (its dimension comparison is wrong), so it can neither be waited for nor trusted.
        series = {
            (datum.name, tuple(sorted((d.name, d.value) for d in datum.dimensions)))
            for datum in cloudwatch_backends[DEFAULT_ACCOUNT_ID][REGION].metric_data
            if datum.namespace == NAMESPACE
        }
    days = subnet_days(used, usable)
    return SizeResult(
        size=size,
        subnets_in_scope=subnets_in_scope,
        subnets=subnet_run,
        subnets_at_risk=subnets_at_risk,
        ecs=ecs_run,
        census=census_run,
        forecast=forecast_run,
        subnet_floor=subnet_floor(subnets_in_scope, vpcs),
        subnet_at_risk_floor=subnet_floor_at_risk(subnets_in_scope, vpcs, published_at_risk),
        published_at_risk=published_at_risk,
        ecs_floor=ecs_floor(size, instance_types=len(INSTANCE_TYPES)),
        census_floor=census_floor(size, vpcs=vpcs),
        forecast_floor=forecast_floor(subnets_in_scope),
        naive_subnet_calls=naive_subnet_calls,
        naive_ecs_calls=naive_ecs_calls,
        custom_metrics=len(series),
        vpcs=vpcs,
        snapshot_bytes=snapshot_bytes,
        share_at_watch=share_at_or_above(used, usable, 50.0),
        every_run_day=simulate(days, vpcs, at_risk=False),
        at_risk_day=simulate(days, vpcs, at_risk=True),
    )


def _at_risk_subnet_run(handler: Any) -> tuple[Measurement, int]:
    """The subnet collector in the at-risk mode: a first run (no state: every subnet is new), then the run
    measured, 5 minutes later (what every later run looks like, but for the few subnets its rotation holds)."""
    moment = datetime.now(UTC)
    with patch.dict(os.environ, {PUBLISH_MODE: "at-risk", PUBLISH_STATE_BUCKET: CENSUS_BUCKET}):
        _load_from_process_environment.cache_clear()
        with patch("lambdas.subnets.handler.datetime", _frozen(moment)):
            handler({}, CONTEXT)
        with patch("lambdas.subnets.handler.datetime", _frozen(moment + timedelta(minutes=5))):
            published: list[int] = []
            measurement = _measured_handler(
                lambda event, context: published.append(handler(event, context)["published"])
            )
    _load_from_process_environment.cache_clear()
    return measurement, published[0]


def _frozen(moment: datetime) -> type[datetime]:
    """A datetime class whose now() is always moment."""

    class Frozen(datetime):
        @classmethod
        def now(cls, tz: Any = None) -> Frozen:
            return cls.fromtimestamp(moment.timestamp(), tz)

    return Frozen


def _measured_handler(handler: Any) -> Measurement:
    forget_warm_state()  # a cold container: new clients, a full ECS budget
    target = own_target(CONTEXT)
    calls: Counter[str] = Counter()
    count_calls([target.client(s) for s in MEASURED_SERVICES], calls)
    result, answers = measure(lambda: handler({}, CONTEXT), calls, lambda: ecs_read_budget(target).waited_seconds)
    # The memory run repeats the handler on moto's recorded answers, so only the handler's own allocations
    # (botocore parsing included) are traced, and without the call budgets: sleeping allocates nothing.
    forget_warm_state()
    target = own_target(CONTEXT)
    with (
        patch("lambdas.ecs.reads.ECS_READ_RATE_PER_SECOND", 1e9),
        patch("lambdas.ecs.reads.ECS_READ_BURST", 10**9),
        patch("lambdas.census.reads.RESERVATION_READS_PER_SECOND", 1e9),
        patch("lambdas.census.reads.RESERVATION_READS_BURST", 10**9),
        replay([target.client(s) for s in MEASURED_SERVICES], answers),  # clients made unlimited
    ):
        result.peak_python_mb = peak_python_mb(lambda: handler({}, CONTEXT))
    forget_warm_state()
    return result


def _naive_calls() -> tuple[int, int]:
    clients = {s: boto3.client(s, region_name=REGION) for s in ("ec2", "ecs", "cloudwatch")}
    subnet_calls: Counter[str] = Counter()
    count_calls(list(clients.values()), subnet_calls)
    naive_subnets(clients["ec2"], clients["cloudwatch"])
    clients = {s: boto3.client(s, region_name=REGION) for s in ("ec2", "ecs", "cloudwatch")}
    ecs_calls: Counter[str] = Counter()
    count_calls(list(clients.values()), ecs_calls)
    naive_ecs(clients["ecs"], clients["ec2"], clients["cloudwatch"])
    return sum(subnet_calls.values()), sum(ecs_calls.values())


def _ratio(measured: int, floor: int) -> str:
    return f"{measured / floor:.2f}" if floor else ("1.00" if measured == 0 else "inf")


def render(results: list[SizeResult]) -> str:
    """The markdown tables of BENCHMARKS.md."""
    lines = [
        "### API calls per run, against the floor the APIs allow",
        "",
        "| size | operation | calls | floor | calls / floor | per 1,000 resources |",
        "| --- | --- | ---: | ---: | ---: | ---: |",
    ]
    for r in results:
        for collector, measured, floor, resources in (
            ("subnets", r.subnets, r.subnet_floor, r.subnets_in_scope),
            ("subnets (at-risk)", r.subnets_at_risk, r.subnet_at_risk_floor, r.subnets_in_scope),
            ("ecs", r.ecs, r.ecs_floor, r.size.instances + r.size.tasks),
            ("census", r.census, r.census_floor, r.size.interfaces),
            ("forecast", r.forecast, r.forecast_floor, r.subnets_in_scope),
        ):
            for operation in sorted(set(floor) | set(measured.calls)):
                calls = measured.calls.get(operation, 0)
                lines.append(
                    f"| {r.size.name} | {collector}: {operation} | {calls:,} | {floor.get(operation, 0):,} | "
                    f"{_ratio(calls, floor.get(operation, 0))} | {1000 * calls / resources:.2f} |"
                )
    lines += [
        "",
        "### Totals, the naive baseline, time and memory",
        "",
        "| size | subnets / clusters / instances / tasks | collector | calls | floor | calls / floor | naive calls "
        "| naive / ours | wall s | handler CPU s | emulator CPU s | ECS budget wait s (all threads) | peak Python MB "
        "| process peak RSS MB |",
        "| --- | --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for r in results:
        shape = f"{r.subnets_in_scope:,} / {r.size.clusters} / {r.size.instances:,} / {r.size.tasks:,}"
        for collector, measured, floor, naive in (
            ("subnets", r.subnets, r.subnet_floor, r.naive_subnet_calls),
            ("subnets (at-risk)", r.subnets_at_risk, r.subnet_at_risk_floor, None),
            ("ecs", r.ecs, r.ecs_floor, r.naive_ecs_calls),
            ("census", r.census, r.census_floor, None),
            ("forecast", r.forecast, r.forecast_floor, None),
        ):
            calls, floor_total = sum(measured.calls.values()), sum(floor.values())
            naive_cells = f"{naive:,} | {naive / calls:.1f}x" if naive is not None else "not run | -"
            m = measured
            lines.append(
                f"| {r.size.name} | {shape} | {collector} | {calls:,} | {floor_total:,} | "
                f"{_ratio(calls, floor_total)} | {naive_cells} | {m.wall_s:.2f} | {m.handler_cpu_s:.2f} | "
                f"{m.emulator_cpu_s:.2f} | {m.budget_wait_s:.1f} | {m.peak_python_mb:.1f} | {m.rss_peak_mb:.0f} |"
            )
    lines += render_budget(
        [
            share
            for r in results
            for collector, measured in (
                ("subnets", r.subnets),
                ("subnets (at-risk)", r.subnets_at_risk),
                ("ecs", r.ecs),
                ("census", r.census),
                ("forecast", r.forecast),
            )
            for share in shares(r.size.name, collector, measured.calls)
        ]
    )
    lines += [
        "",
        "### Custom metrics created",
        "",
        "| size | measured (distinct series) | expected: 2 x subnets + 5 x clusters (4 task-ENI figures and "
        "ServicesAtDeploymentRisk) + EKS subnets + 3 x VPCs "
        "(2 subnet aggregates, 1 unattached) + 4 heartbeats (no DaysToExhaustion: no history is seeded) |",
        "| --- | ---: | ---: |",
    ]
    for r in results:
        with_services = r.size.clusters if r.size.services_per_cluster else 0
        expected = 2 * r.subnets_in_scope + 4 * r.size.clusters + with_services + r.size.eks_subnets + 3 * r.vpcs + 4
        lines.append(f"| {r.size.name} | {r.custom_metrics:,} | {expected:,} |")
    lines += [
        "",
        "### Census snapshot",
        "",
        "| size | interfaces | census/latest.json bytes |",
        "| --- | ---: | ---: |",
    ]
    lines += [f"| {r.size.name} | {r.size.interfaces:,} | {r.snapshot_bytes:,} |" for r in results]
    lines += [
        "",
        "### Forecaster at its cap (every subnet watched, at most 500 read a run)",
        "",
        "| size | series read a run | GetMetricData calls a run | series a month (720 runs) | $ / month at $0.01 per "
        "1,000 series |",
        "| --- | ---: | ---: | ---: | ---: |",
    ]
    for r in results:
        series = min(r.subnets_in_scope, FORECAST_CAP)
        lines.append(
            f"| {r.size.name} | {series:,} | {r.forecast.calls.get('cloudwatch.GetMetricData', 0)} | "
            f"{series * 720:,} | {forecast_cost_per_month(r.subnets_in_scope):.2f} |"
        )
    lines += _publish_mode_lines(results)
    return "\n".join(lines) + "\n"


def _publish_mode_lines(results: list[SizeResult]) -> list[str]:
    lines = [
        "",
        "### Publish modes: a simulated day of subnet collector runs (bench/day.py)",
        "",
        "Subnets spread over 2-20 % (60 %), 20-50 % (25 %), 50-80 % (10 %) and 80-95 % (5 %) used; a daily "
        "cycle of +/-15 % of usage at 20 % or more (+/-3 % below), and 2 % of subnets deploying once a day "
        "(+50 % for 30 minutes). 288 runs (every 5 minutes) after a day of warm-up. Prices: custom metrics "
        "$0.30 a metric-month for the first 10,000 and $0.10 after, prorated by the hour (730 a month); "
        "PutMetricData $0.01 per 1,000; the at-risk state's S3 GetObject and PutObject $0.0004 and $0.005 "
        "per 1,000. Alarms are not in these figures (README, Cost).",
        "",
        "| size | subnets at >= 50 % | mode | subnets a run (measured) | points a day | metric-hours a day "
        "| PutMetricData a day | metric-months | metrics $ / month | requests $ / month | state $ / month "
        "| $ / subnet-month |",
        "| --- | ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for r in results:
        for mode, day, cost, published in (
            ("every-run", r.every_run_day, r.every_run_cost, r.subnets_in_scope),
            ("at-risk", r.at_risk_day, r.at_risk_cost, r.published_at_risk),
        ):
            lines.append(
                f"| {r.size.name} | {r.share_at_watch:.1%} | {mode} | {published:,} | {day.published_points:,} | "
                f"{day.subnet_metric_hours + day.fixed_metric_hours:,} | {day.put_metric_data_calls:,} | "
                f"{day.metric_months:,.0f} | {cost.metrics:,.2f} | {cost.requests:,.2f} | {cost.state:,.2f} | "
                f"{cost.total / r.subnets_in_scope:.4f} |"
            )
    lines.append("")
    for r in results:
        every, risky = r.every_run_cost.total, r.at_risk_cost.total
        hours = (r.at_risk_day.subnet_metric_hours + r.at_risk_day.fixed_metric_hours) / (
            r.every_run_day.subnet_metric_hours + r.every_run_day.fixed_metric_hours
        )
        lines.append(
            f"cost per subnet-month at {r.size.name}: every-run ${every / r.subnets_in_scope:.2f}, "
            f"at-risk ${risky / r.subnets_in_scope:.2f}"
        )
        lines.append("")
        lines.append(
            f"at-risk / every-run at {r.size.name}: {risky / every:.2f} of the cost, {hours:.2f} of the metric-hours"
        )
        lines.append("")
        marginal_every = monthly_cost(r.every_run_day, at_risk=False, tiers=MARGINAL_TIERS).total
        marginal_risky = monthly_cost(r.at_risk_day, at_risk=True, tiers=MARGINAL_TIERS).total
        lines.append(
            f"at the marginal $0.10 a metric (an account past 10,000 metrics) at {r.size.name}: every-run "
            f"${marginal_every / r.subnets_in_scope:.2f}, at-risk ${marginal_risky / r.subnets_in_scope:.2f} "
            f"({marginal_risky / marginal_every:.2f} of the cost)"
        )
        lines.append("")
    return lines


def _machine() -> str:
    cpus = os.cpu_count()
    return f"{platform.system()} {platform.machine()}, {cpus} CPUs, Python {platform.python_version()}"


def main() -> None:
    """Run the sizes asked for, print the tables, and save them with --write."""
    parser = argparse.ArgumentParser(prog="make bench")
    parser.add_argument(
        "--sizes",
        default="S,M,L,XL,storm",
        help="comma-separated: XS, S, M, L (one account), XL (hub), storm (10,000 events through the handler, then "
        "a 5,000-event flood from one member against the incident cap)",
    )
    parser.add_argument("--write", action="store_true", help="also write BENCHMARKS.md (the sizes run replace theirs)")
    args = parser.parse_args()
    names = args.sizes.split(",")
    results, hub_results, storm_table = [], [], None
    for name in names:
        print(f"size {name}: seeding and measuring...", file=sys.stderr, flush=True)
        if name == "storm":
            storm_table = render_storm(run_storm()) + "\n" + render_flood(run_flood())
        elif name in HUB_SIZES:
            hub_results.append(run_hub_size(HUB_SIZES[name]))
        else:
            results.append(run_size(SIZES[name]))
    account_tables = render(results) if results else None
    hub_tables = render_hub(hub_results) if hub_results else None
    print("\n".join(t for t in (account_tables, hub_tables, storm_table) if t))
    if args.write:
        _write(account_tables, hub_tables, storm_table)


def _write(account_tables: str | None, hub_tables: str | None, storm_table: str | None) -> None:
    """BENCHMARKS.md with the tables just measured, keeping the other parts' from the last run that made them."""
    path = REPO_ROOT / "BENCHMARKS.md"
    old = path.read_text() if path.exists() else ""
    old, _, old_storm = old.partition(STORM_HEADING)
    old_account, _, old_hub = old.partition(HUB_HEADING)
    old_account = old_account.split("\n\n", 2)[2] if old_account.startswith("# Benchmarks") else ""
    header = (
        "# Benchmarks\n\n"
        f"Produced by `make bench` on {datetime.now(UTC):%Y-%m-%d} on {_machine()}, against moto "
        "(in process, paging like AWS: see `bench/emulator.py`). How to read it: `docs/benchmarks.md`. "
        "The one-account sizes (S, M, L), the hub size (XL) and the event storm are written by the runs that "
        "measured them.\n\n"
    )
    hub = hub_tables or (HUB_HEADING + old_hub if old_hub else "")
    storm = storm_table or (STORM_HEADING + old_storm if old_storm else "")
    path.write_text(
        header + "\n".join(part.rstrip("\n") + "\n" for part in (account_tables or old_account, hub, storm) if part)
    )


if __name__ == "__main__":
    main()
