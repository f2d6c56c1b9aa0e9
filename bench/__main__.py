"""`make bench`: seed moto at sizes S, M and L, run the real collector handlers and a naive baseline, and
print (and with --write, save to BENCHMARKS.md) calls against the floor, time and memory."""

from __future__ import annotations

import argparse
import os
import platform
import sys
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from unittest.mock import patch

import boto3
from moto import mock_aws
from moto.cloudwatch.models import cloudwatch_backends
from moto.core.models import DEFAULT_ACCOUNT_ID

from bench.emulator import aws_like_emulator
from bench.measure import Measurement, count_calls, measure, peak_python_mb, replay
from bench.naive import naive_ecs, naive_subnets
from bench.seed import INSTANCE_TYPES, REGION, seed
from bench.sizes import (
    FORECAST_CAP,
    SIZES,
    Size,
    census_floor,
    ecs_floor,
    forecast_cost_per_month,
    forecast_floor,
    subnet_floor,
)
from lambdas.alerts.settings import (
    FORECAST_HORIZON_DAYS,
    FORECAST_MAX_SUBNETS,
    FORECAST_WATCH_PERCENT,
)
from lambdas.core.settings import FREE_ADDRESS_FLOOR, METRIC_NAMESPACE, SNAPSHOT_BUCKET, SUBNET_TAG_FILTER, VPC_IDS
from lambdas.core.targets import forget_targets, own_target
from lambdas.ecs.reads import ecs_read_budget
from lambdas.ecs.settings import CLUSTER_NAMES
from tests.support.lambda_context import LocalLambdaContext, function_arn

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
    ecs: Measurement
    census: Measurement
    forecast: Measurement
    subnet_floor: dict[str, int]
    ecs_floor: dict[str, int]
    census_floor: dict[str, int]
    forecast_floor: dict[str, int]
    naive_subnet_calls: int | None
    naive_ecs_calls: int | None
    custom_metrics: int
    vpcs: int
    snapshot_bytes: int
    points: int


def run_size(size: Size) -> SizeResult:
    """Seed one environment and measure both collectors (and the naive baseline) against it."""
    environment = {
        "AWS_ACCESS_KEY_ID": "bench",
        "AWS_SECRET_ACCESS_KEY": "bench",
        "AWS_DEFAULT_REGION": REGION,
        "AWS_REGION": REGION,
        "POWERTOOLS_SERVICE_NAME": "subnet-ip-monitor-bench",
        "POWERTOOLS_LOG_LEVEL": "ERROR",
        METRIC_NAMESPACE: NAMESPACE,
        VPC_IDS: "",
        SUBNET_TAG_FILTER: "",
        CLUSTER_NAMES: "",
        SNAPSHOT_BUCKET: CENSUS_BUCKET,
        # The forecaster at its cap: every subnet is at or above a 0 % watch level.
        FREE_ADDRESS_FLOOR: "8",
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
    return SizeResult(
        size=size,
        subnets_in_scope=subnets_in_scope,
        subnets=subnet_run,
        ecs=ecs_run,
        census=census_run,
        forecast=forecast_run,
        subnet_floor=subnet_floor(subnets_in_scope),
        ecs_floor=ecs_floor(size, instance_types=len(INSTANCE_TYPES)),
        census_floor=census_floor(size, vpcs=vpcs),
        forecast_floor=forecast_floor(subnets_in_scope),
        naive_subnet_calls=naive_subnet_calls,
        naive_ecs_calls=naive_ecs_calls,
        custom_metrics=len(series),
        vpcs=vpcs,
        snapshot_bytes=snapshot_bytes,
        points=0,
    )


def _frozen(moment: datetime) -> type[datetime]:
    """A datetime class whose now() is always moment."""

    class Frozen(datetime):
        @classmethod
        def now(cls, tz: Any = None) -> Frozen:
            return cls.fromtimestamp(moment.timestamp(), tz)

    return Frozen


def _measured_handler(handler: Any) -> Measurement:
    forget_targets()  # a cold container: new clients, a full ECS budget
    target = own_target(CONTEXT)
    calls: Counter[str] = Counter()
    count_calls([target.client(s) for s in MEASURED_SERVICES], calls)
    result, answers = measure(lambda: handler({}, CONTEXT), calls, lambda: ecs_read_budget(target).waited_seconds)
    # The memory run repeats the handler on moto's recorded answers, so only the handler's own allocations
    # (botocore parsing included) are traced, and without the call budgets: sleeping allocates nothing.
    forget_targets()
    target = own_target(CONTEXT)
    with (
        patch("lambdas.ecs.reads.ECS_READ_RATE_PER_SECOND", 1e9),
        patch("lambdas.ecs.reads.ECS_READ_BURST", 10**9),
        patch("lambdas.census.reads.RESERVATION_READS_PER_SECOND", 1e9),
        patch("lambdas.census.reads.RESERVATION_READS_BURST", 10**9),
        replay([target.client(s) for s in MEASURED_SERVICES], answers),  # clients made unlimited
    ):
        result.peak_python_mb = peak_python_mb(lambda: handler({}, CONTEXT))
    forget_targets()
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
    lines += [
        "",
        "### Custom metrics created",
        "",
        "| size | measured (distinct series) | expected: 2 x subnets + 4 x clusters + EKS subnets + VPCs "
        "+ 4 heartbeats (no DaysToExhaustion: no history is seeded) |",
        "| --- | ---: | ---: |",
    ]
    for r in results:
        expected = 2 * r.subnets_in_scope + 4 * r.size.clusters + r.size.eks_subnets + r.vpcs + 4
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
    return "\n".join(lines) + "\n"


def _machine() -> str:
    cpus = os.cpu_count()
    return f"{platform.system()} {platform.machine()}, {cpus} CPUs, Python {platform.python_version()}"


def main() -> None:
    """Run the sizes asked for, print the tables, and save them with --write."""
    parser = argparse.ArgumentParser(prog="make bench")
    parser.add_argument("--sizes", default="S,M,L", help="comma-separated: XS, S, M, L")
    parser.add_argument("--write", action="store_true", help="also write BENCHMARKS.md")
    args = parser.parse_args()
    results = []
    for name in args.sizes.split(","):
        print(f"size {name}: seeding and measuring...", file=sys.stderr, flush=True)
        results.append(run_size(SIZES[name]))
    tables = render(results)
    print(tables)
    if args.write:
        header = (
            "# Benchmarks\n\n"
            f"Produced by `make bench` on {datetime.now(UTC):%Y-%m-%d} on {_machine()}, against moto "
            "(in process, paging like AWS: see `bench/emulator.py`). How to read it: `docs/benchmarks.md`.\n\n"
        )
        (REPO_ROOT / "BENCHMARKS.md").write_text(header + tables)


if __name__ == "__main__":
    main()
