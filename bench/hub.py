"""The hub-mode benchmark (size XL): one hub reading member accounts x regions through their reader roles.

Each target (account, region) is seeded through the API in its own emulated account: a VPC of /26 subnets and
a few ECS clusters. Then the real dispatcher and the real subnet and ECS collectors run as Lambda would run
them (one SQS record per invocation), in one process: one warm container, so the second schedule shows what
cached credentials save. Calls are counted on the hub's clients and on every member session's clients.
"""

from __future__ import annotations

import json
import math
import os
import statistics
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any
from unittest.mock import patch

import boto3
from moto import mock_aws

from bench.day import DayCount, monthly_cost, simulate, spread_utilization, subnet_days
from bench.emulator import aws_like_emulator, bench_environment
from bench.sizes import Size, ecs_floor
from devkit.lambda_context import LocalLambdaContext, function_arn
from devkit.organization import HUB_ACCOUNT, HUB_REGION, create_reader_role, member_session
from devkit.publishing import EVERY_RUN
from lambdas.domain.network import usable_addresses
from lambdas.ecs.settings import CLUSTER_NAMES
from lambdas.hub import members
from lambdas.hub.dispatch.settings import MEMBER_ACCOUNTS, MONITOR_REGIONS, ORGANIZATION_UNIT_IDS
from lambdas.platform.settings import (
    METRIC_NAMESPACE,
    MODE_HUB,
    MONITOR_MODE,
    SNAPSHOT_BUCKET,
    SUBNET_TAG_FILTER,
    VPC_IDS,
)
from lambdas.platform.settings import _load_from_process_environment as settings_cache
from lambdas.platform.targets import Target, forget_warm_state, own_target

NAMESPACE = "SubnetIpMonitorBench"
MESSAGES_PER_BATCH = 10
# The stack's default (monitor:workerConcurrency): how many targets a collector reads at once in AWS.
WORKER_CONCURRENCY = 5
# SQS $0.40 per million requests (standard queue, us-east-1, list price; free tier ignored).
SQS_PER_MILLION = 0.40
SCHEDULES_A_MONTH = 8_640  # every 5 minutes
INSTANCE_TYPE = "m5.large"
EMULATOR_AMI = "ami-12c6146b"


@dataclass(frozen=True)
class HubSize:
    """An organization: accounts x regions targets, each with the same network and clusters."""

    name: str
    accounts: int
    regions: tuple[str, ...]
    subnets_per_target: int
    clusters_per_target: int
    instances_per_cluster: int
    tasks_per_cluster: int

    @property
    def targets(self) -> int:
        """Accounts x regions."""
        return self.accounts * len(self.regions)

    @property
    def member_accounts(self) -> list[str]:
        """Made-up 12-digit account ids, 100000000001 on."""
        return [f"{100_000_000_000 + n:012d}" for n in range(1, self.accounts + 1)]

    @property
    def target_ecs_size(self) -> Size:
        """One target's clusters, in the single-account benchmark's terms (for its ECS floor)."""
        clusters = self.clusters_per_target
        return Size(
            "target",
            self.subnets_per_target,
            clusters,
            clusters * self.instances_per_cluster,
            clusters * self.tasks_per_cluster,
        )


HUB_SIZES = {
    "XL": HubSize("XL", 40, ("eu-west-1", "eu-central-1", "us-east-1"), 100, 2, 2, 10),
    # The smoke test in tests/: 2 accounts x 2 regions.
    "XS-hub": HubSize("XS-hub", 2, ("eu-west-1", "us-east-1"), 5, 1, 1, 2),
}


@dataclass
class CollectorSchedule:
    """One schedule of one collector over every target: the calls, and each target's time."""

    calls: Counter[str] = field(default_factory=Counter)
    target_wall_s: list[float] = field(default_factory=list)
    target_cpu_s: list[float] = field(default_factory=list)
    retried: int = 0

    @property
    def wall_at_concurrency(self) -> float:
        """Derived, not measured: the schedule's length with WORKER_CONCURRENCY targets read at once."""
        return sum(self.target_wall_s) / WORKER_CONCURRENCY


@dataclass
class HubResult:
    """Everything measured at one organization size."""

    size: HubSize
    subnets_in_scope: int
    vpcs_per_target: int
    cold: dict[str, CollectorSchedule]  # the first schedule of each collector: every role assumed
    warm: dict[str, CollectorSchedule]  # the next one: credentials cached for the hour
    floors: dict[str, dict[str, int]]
    every_run_day: DayCount
    at_risk_day: DayCount

    @property
    def every_run_cost_per_subnet_month(self) -> float:
        """Subnet publishing (metrics, requests) a month, per subnet, every-run, plus the hub's queues."""
        return (monthly_cost(self.every_run_day, at_risk=False).total + self.queue_cost) / self.subnets_in_scope

    @property
    def at_risk_cost_per_subnet_month(self) -> float:
        """The same in the at-risk mode (the default)."""
        return (monthly_cost(self.at_risk_day, at_risk=True).total + self.queue_cost) / self.subnets_in_scope

    @property
    def queue_cost(self) -> float:
        """The subnet collector's SQS requests a month: the dispatcher's batches, one receive and one delete
        per message (Lambda's empty polls are not counted: they do not depend on the size)."""
        sends = self.cold["subnets"].calls.get("sqs.SendMessageBatch", 0)
        requests = (sends + 2 * self.size.targets) * SCHEDULES_A_MONTH
        return requests * SQS_PER_MILLION / 1_000_000


def hub_floors(size: HubSize, subnets_per_target: int, vpcs_per_target: int) -> dict[str, dict[str, int]]:
    """Fewest calls for one schedule of each collector over every target, cold (one AssumeRole a target)."""
    targets, batches = size.targets, math.ceil(size.targets / MESSAGES_PER_BATCH)
    ecs = Counter({op: n * targets for op, n in ecs_floor(size.target_ecs_size, instance_types=1).items()})
    points_per_target = 2 * subnets_per_target + 2 * vpcs_per_target + 1
    return {
        "subnets": {
            "sqs.SendMessageBatch": batches,
            "sts.AssumeRole": targets,
            "ec2.DescribeSubnets": targets * max(1, math.ceil(subnets_per_target / 1_000)),
            "cloudwatch.PutMetricData": targets * math.ceil(points_per_target / 1_000),
        },
        "ecs": {"sqs.SendMessageBatch": batches, "sts.AssumeRole": targets, **ecs},
    }


def run_hub_size(size: HubSize) -> HubResult:
    """Seed the organization, then measure two schedules of the subnet and ECS collectors over it."""
    environment = {
        **bench_environment(HUB_REGION),
        **EVERY_RUN,
        METRIC_NAMESPACE: NAMESPACE,
        VPC_IDS: "",
        SUBNET_TAG_FILTER: "",
        CLUSTER_NAMES: "",
        MONITOR_MODE: MODE_HUB,
        # Targets have no services here: the ECS collector writes no deployment fit (its ListServices are counted).
        SNAPSHOT_BUCKET: "bench-hub-census",
        MEMBER_ACCOUNTS: ",".join(size.member_accounts),
        ORGANIZATION_UNIT_IDS: "",
        MONITOR_REGIONS: ",".join(size.regions),
    }
    with mock_aws(), aws_like_emulator(), patch.dict(os.environ, environment):
        settings_cache.cache_clear()
        usable: dict[str, int] = {}
        vpcs_per_target = 0
        for account in size.member_accounts:
            create_reader_role(account, size.regions[0])
            for region in size.regions:
                subnets, vpcs_per_target = _seed_target(account, region, size)
                usable.update(subnets)
        from lambdas.ecs import handler as ecs_collector  # noqa: PLC0415
        from lambdas.hub.dispatch import handler as dispatcher  # noqa: PLC0415 - after the environment
        from lambdas.subnets import handler as subnet_collector  # noqa: PLC0415

        forget_warm_state()
        context: Any = LocalLambdaContext(
            function_name="bench-hub",
            invoked_function_arn=function_arn(HUB_REGION, HUB_ACCOUNT),
            memory_limit_in_mb=512,
            remaining_ms=300_000,
        )
        handlers = {"subnets": subnet_collector.handler, "ecs": ecs_collector.handler}
        cold = {name: _schedule(name, handler, dispatcher.handler, context) for name, handler in handlers.items()}
        warm = {name: _schedule(name, handler, dispatcher.handler, context) for name, handler in handlers.items()}
        forget_warm_state()
        settings_cache.cache_clear()
        _hooked_sessions.clear()
    subnets_per_target = len(usable) // size.targets
    used = spread_utilization(usable)
    every_run, at_risk = _days(used, usable, size, vpcs_per_target)
    return HubResult(
        size=size,
        subnets_in_scope=len(usable),
        vpcs_per_target=vpcs_per_target,
        cold=cold,
        warm=warm,
        floors=hub_floors(size, subnets_per_target, vpcs_per_target),
        every_run_day=every_run,
        at_risk_day=at_risk,
    )


def _seed_target(account: str, region: str, size: HubSize) -> tuple[dict[str, int], int]:
    """One target's VPC of /26 subnets (moto's default subnets removed) and its clusters; return the usable
    addresses of every subnet it has, and its VPCs."""
    session = member_session(account, region)
    ec2, ecs = session.client("ec2"), session.client("ecs")
    for subnet in ec2.describe_subnets(Filters=[{"Name": "default-for-az", "Values": ["true"]}])["Subnets"]:
        ec2.delete_subnet(SubnetId=subnet["SubnetId"])
    vpc_id = ec2.create_vpc(CidrBlock="10.40.0.0/16")["Vpc"]["VpcId"]
    ec2.modify_vpc_attribute(VpcId=vpc_id, EnableDnsHostnames={"Value": True})  # moto: task ENIs need it
    zones = [f"{region}{letter}" for letter in "abc"]
    for i in range(size.subnets_per_target):
        cidr = f"10.40.{i // 4}.{i % 4 * 64}/26"
        ec2.create_subnet(VpcId=vpc_id, CidrBlock=cidr, AvailabilityZone=zones[i % len(zones)])
    task_subnet = ec2.create_subnet(VpcId=vpc_id, CidrBlock="10.40.200.0/22", AvailabilityZone=zones[0])["Subnet"]
    _seed_clusters(ec2, ecs, size, vpc_id, task_subnet["SubnetId"])
    subnets = ec2.describe_subnets()["Subnets"]
    return {s["SubnetId"]: usable_addresses(s["CidrBlock"]) for s in subnets}, len({s["VpcId"] for s in subnets})


def _seed_clusters(ec2: Any, ecs: Any, size: HubSize, vpc_id: str, subnet_id: str) -> None:
    group = ec2.create_security_group(GroupName="bench-tasks", Description="awsvpc tasks", VpcId=vpc_id)["GroupId"]
    ecs.register_task_definition(
        family="bench",
        networkMode="awsvpc",
        requiresCompatibilities=["EC2"],
        containerDefinitions=[{"name": "app", "image": "public.ecr.aws/nginx/nginx", "cpu": 64, "memory": 64}],
    )
    network = {"awsvpcConfiguration": {"subnets": [subnet_id], "securityGroups": [group]}}
    for c in range(size.clusters_per_target):
        cluster = f"bench-{c:02d}"
        ecs.create_cluster(clusterName=cluster)
        for _ in range(size.instances_per_cluster):
            instance_id = ec2.run_instances(
                ImageId=EMULATOR_AMI, MinCount=1, MaxCount=1, InstanceType=INSTANCE_TYPE, SubnetId=subnet_id
            )["Instances"][0]["InstanceId"]
            identity = json.dumps({"instanceId": instance_id, "instanceType": INSTANCE_TYPE})
            ecs.register_container_instance(cluster=cluster, instanceIdentityDocument=identity)
        ecs.run_task(
            cluster=cluster,
            taskDefinition="bench",
            count=size.tasks_per_cluster,
            launchType="EC2",
            networkConfiguration=network,
        )


def _schedule(collector: str, handler: Any, dispatcher: Any, context: Any) -> CollectorSchedule:
    """One schedule: the dispatcher, then each message as its own invocation, timed per target."""
    result = CollectorSchedule()
    sqs = boto3.client("sqs", region_name=HUB_REGION)
    queue_url = sqs.create_queue(QueueName=f"{collector}-work")["QueueUrl"]
    with _counting(result.calls, own_target(context)):
        dispatcher({"collector": collector, "queueUrl": queue_url, "periodMinutes": 5}, context)
        while batch := sqs.receive_message(QueueUrl=queue_url, MaxNumberOfMessages=10).get("Messages", []):
            for message in batch:
                record = {"messageId": message["MessageId"], "body": message["Body"], "eventSource": "aws:sqs"}
                wall, cpu = time.perf_counter(), time.process_time()
                result.retried += len(handler({"Records": [record]}, context)["batchItemFailures"])
                result.target_wall_s.append(time.perf_counter() - wall)
                result.target_cpu_s.append(time.process_time() - cpu)
                sqs.delete_message(QueueUrl=queue_url, ReceiptHandle=message["ReceiptHandle"])
    return result


# Where the hooks below count: the schedule being measured (hooks stay on cached clients across schedules).
_counters: list[Counter[str]] = []
_hooked_sessions: set[int] = set()


@contextmanager
def _counting(calls: Counter[str], home: Target) -> Iterator[None]:
    """Count, into calls, every call of the hub's clients and of every member session's clients. A member
    session is hooked once, before any of its clients exists (a client takes its session's hooks when made)."""
    real = members.member_target
    if id(home) not in _hooked_sessions:
        _hooked_sessions.add(id(home))
        for service in ("sqs", "sts", "cloudwatch", "s3"):
            home.client(service).meta.events.register("before-call", _record)

    def counted(home: Target, *args: Any, **kwargs: Any) -> Target:
        target = real(home, *args, **kwargs)
        if target.session is not None and id(target.session) not in _hooked_sessions:
            _hooked_sessions.add(id(target.session))
            target.session.events.register("before-call", _record)
        return target

    _counters.append(calls)
    try:
        with patch.object(members, "member_target", counted):
            yield
    finally:
        _counters.pop()


def _record(event_name: str, **_: Any) -> None:
    _event, service, operation = event_name.split(".")
    if _counters:
        _counters[-1][f"{service}.{operation}"] += 1


def _days(
    used: dict[str, int], usable: dict[str, int], size: HubSize, vpcs_per_target: int
) -> tuple[DayCount, DayCount]:
    """A simulated day of the subnet collector in both publish modes over the whole organization: the subnets
    as one population (the same rules per subnet), and each target's own per-VPC series and PutMetricData."""
    days = subnet_days(used, usable)
    per_target = len(days) // size.targets
    chunks = [days[t * per_target : (t + 1) * per_target] for t in range(size.targets)]
    every_run = [simulate(chunk, vpcs_per_target, at_risk=False) for chunk in chunks]
    at_risk = [simulate(chunk, vpcs_per_target, at_risk=True) for chunk in chunks]
    return _summed(every_run), _summed(at_risk)


def _summed(targets: list[DayCount]) -> DayCount:
    """The organization's day: every target's series and calls (each target's run publishes on its own)."""
    return DayCount(
        subnet_metric_hours=sum(d.subnet_metric_hours for d in targets),
        fixed_metric_hours=sum(d.fixed_metric_hours for d in targets),
        put_metric_data_calls=sum(d.put_metric_data_calls for d in targets),
        runs=targets[0].runs,
        published_points=sum(d.published_points for d in targets),
    )


HUB_HEADING = "### Hub mode: one schedule over every target, against the floor\n"


def render_hub(results: list[HubResult]) -> str:
    """The hub-mode section of BENCHMARKS.md."""
    lines = [
        HUB_HEADING.rstrip("\n"),
        "",
        "Cold: the first schedule of a warm-less container (one `AssumeRole` a target); warm: the next schedule "
        "(credentials cached for the hour).",
        "",
        "| size | collector | operation | cold calls | floor | calls / floor | warm calls |",
        "| --- | --- | --- | ---: | ---: | ---: | ---: |",
    ]
    for r in results:
        for collector, floor in r.floors.items():
            cold, warm = r.cold[collector].calls, r.warm[collector].calls
            for operation in sorted(set(floor) | set(cold)):
                calls, expected = cold.get(operation, 0), floor.get(operation, 0)
                ratio = f"{calls / expected:.2f}" if expected else ("1.00" if calls == 0 else "inf")
                lines.append(
                    f"| {r.size.name} | {collector} | {operation} | {calls:,} | {expected:,} | {ratio} | "
                    f"{warm.get(operation, 0):,} |"
                )
    lines += [
        "",
        "| size | targets | subnets | collector | median / max wall per target | median CPU per target | "
        f"schedule at {WORKER_CONCURRENCY} at once (derived) | retried |",
        "| --- | ---: | ---: | --- | ---: | ---: | ---: | ---: |",
    ]
    for r in results:
        for collector, schedule in r.cold.items():
            lines.append(
                f"| {r.size.name} | {r.size.targets} | {r.subnets_in_scope:,} | {collector} (cold) | "
                f"{statistics.median(schedule.target_wall_s):.3f} s / {max(schedule.target_wall_s):.3f} s | "
                f"{statistics.median(schedule.target_cpu_s):.3f} s | {schedule.wall_at_concurrency:.1f} s | "
                f"{schedule.retried} |"
            )
    lines.append("")
    for r in results:
        lines.append(
            f"cost per subnet-month at {r.size.name} (hub): every-run ${r.every_run_cost_per_subnet_month:.2f}, "
            f"at-risk ${r.at_risk_cost_per_subnet_month:.2f}"
        )
    return "\n".join(lines) + "\n"
