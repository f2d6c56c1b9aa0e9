"""Faults injected below botocore's retry logic (tests/support/faults.py), so the project's real retry
configuration is what handles them; everything else is moto.

botocore's Stubber answers before retries happen, so it cannot show that throttling is retried; this can.
botocore calls every `before-send` handler and takes the first answer, so moto's handler is told to skip
a request that got a fault: the failed attempt must not reach the emulator (a PutMetricData that failed
must not have stored anything).
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import pytest

from devkit.lambda_context import LocalLambdaContext, function_arn
from devkit.publishing import ECS_DOCUMENTS, EVERY_RUN
from devkit.scenario import ECS_PLANS, REGION, seed_ecs_cluster, seed_network
from lambdas.ecs.pipeline import collect_ecs
from lambdas.ecs.settings import EcsCollectorSettings
from lambdas.platform.report import Deadline
from lambdas.platform.targets import Target, own_target
from lambdas.subnets.pipeline import collect_subnets
from lambdas.subnets.settings import SubnetCollectorSettings
from tests.integration.conftest import ACCOUNT_ID, NAMESPACE, published_series
from tests.support.faults import Faults

pytestmark = pytest.mark.usefixtures("aws")

SUBNET_SETTINGS = SubnetCollectorSettings.model_validate(
    {"METRIC_NAMESPACE": NAMESPACE, "VPC_IDS": "", "SUBNET_TAG_FILTER": "", **EVERY_RUN}
)
ECS_SETTINGS = EcsCollectorSettings.model_validate(
    {"METRIC_NAMESPACE": NAMESPACE, "CLUSTER_NAMES": "", **EVERY_RUN, **ECS_DOCUMENTS}
)
EC2_THROTTLED = (
    400,
    b"<Response><Errors><Error><Code>RequestLimitExceeded</Code><Message>Request limit exceeded."
    b"</Message></Error></Errors><RequestID>fault</RequestID></Response>",
)
ECS_THROTTLED = (400, b'{"__type": "ThrottlingException", "message": "Rate exceeded"}')
ECS_DENIED = (400, b'{"__type": "AccessDeniedException", "message": "not authorized to perform ecs:ListTasks"}')
SERVER_ERROR = (500, b"")


@pytest.fixture(autouse=True)
def _faults_skip_moto(moto_skips_faulted_requests):
    """Every test here injects faults."""


@pytest.fixture
def target() -> Target:
    """A target as the handlers make it (standard retries, 5 attempts), in the region the demo world is seeded in."""
    return Target(ACCOUNT_ID, REGION)


@pytest.fixture
def project_clients(target):
    """The target's own clients, which the pipelines use."""
    return {s: target.client(s) for s in ("ec2", "ecs", "cloudwatch")}


def _two_clusters(clients: dict[str, Any]) -> None:
    network = seed_network(clients["ec2"])
    for cluster in ("orders", "payments"):
        seed_ecs_cluster(
            clients["ec2"],
            clients["ecs"],
            cluster=cluster,
            plans=ECS_PLANS[:1],
            instance_subnet=network.subnet_ids["instances-1a"],
            task_subnet=network.subnet_ids["tasks-1c"],
        )


def test_given_describe_subnets_is_throttled_twice_then_it_is_retried_and_the_run_is_complete(
    target, project_clients, sleeps
):
    seed_network(project_clients["ec2"])
    faults = Faults(project_clients["ec2"], "DescribeSubnets", EC2_THROTTLED, lambda attempt, _: attempt <= 2)

    report = collect_subnets(target, SUBNET_SETTINGS, datetime.now(UTC)).report

    assert (faults.injected, faults.attempts) == (2, 3)
    assert len(sleeps) == 2  # backed off before each retry
    assert report.status == "complete"
    every_subnet = project_clients["ec2"].describe_subnets()["Subnets"]  # 6 seeded and moto's default VPC's
    assert len(published_series(project_clients["cloudwatch"], "IpUtilization")) == len(every_subnet)


def test_given_list_tasks_is_throttled_then_it_is_retried_and_every_cluster_is_published(
    target, project_clients, sleeps
):
    _two_clusters(project_clients)
    faults = Faults(project_clients["ecs"], "ListTasks", ECS_THROTTLED, lambda attempt, _: attempt in {1, 3})

    report = collect_ecs(target, ECS_SETTINGS, datetime.now(UTC)).report

    assert faults.injected == 2
    assert report.status == "complete"
    assert sorted(d["ClusterName"] for d in published_series(project_clients["cloudwatch"], "EniUtilization")) == [
        "orders",
        "payments",
    ]


def test_given_one_cluster_is_throttled_beyond_retries_then_the_other_is_published_and_the_failure_counted(
    target, project_clients, sleeps
):
    _two_clusters(project_clients)
    faults = Faults(project_clients["ecs"], "ListTasks", ECS_THROTTLED, lambda _, body: b'"payments"' in body)

    report = collect_ecs(target, ECS_SETTINGS, datetime.now(UTC)).report

    assert faults.injected == 5  # the configured max_attempts, then the error is the cluster's, not the run's
    assert report.status == "partial"
    assert report.failures == [{"operation": "ListTasks", "code": "ThrottlingException", "cluster": "payments"}]
    cloudwatch = project_clients["cloudwatch"]
    assert [d["ClusterName"] for d in published_series(cloudwatch, "EniUtilization")] == ["orders"]
    assert published_series(cloudwatch, "CollectorFailures") == [{"Collector": "ecs"}]
    # A partial run still beats: the heartbeat alarm stays quiet while the failures alarm speaks.
    assert published_series(cloudwatch, "CollectorHeartbeat") == [{"Collector": "ecs"}]


def test_given_access_denied_is_not_retried_then_the_other_cluster_is_published(target, project_clients, sleeps):
    _two_clusters(project_clients)
    faults = Faults(project_clients["ecs"], "ListTasks", ECS_DENIED, lambda _, body: b'"orders"' in body)

    report = collect_ecs(target, ECS_SETTINGS, datetime.now(UTC)).report

    assert faults.injected == 1
    assert sleeps == []
    assert report.failures == [{"operation": "ListTasks", "code": "AccessDeniedException", "cluster": "orders"}]
    assert [d["ClusterName"] for d in published_series(project_clients["cloudwatch"], "EniUtilization")] == ["payments"]


def test_given_put_metric_data_fails_once_on_one_batch_then_that_batch_is_retried_and_nothing_is_lost(
    target, project_clients, sleeps
):
    # 600 subnets: 1,203 points (the VPC's two and the heartbeat included) in 2 batches; the second batch's
    # first attempt gets a 500.
    ec2 = project_clients["ec2"]
    vpc = ec2.create_vpc(CidrBlock="10.30.0.0/16")["Vpc"]["VpcId"]
    for i in range(600):
        ec2.create_subnet(VpcId=vpc, CidrBlock=f"10.30.{i // 4}.{i % 4 * 64}/26", AvailabilityZone=f"{REGION}a")
    settings = SUBNET_SETTINGS.model_copy(update={"vpc_ids": (vpc,)})
    faults = Faults(project_clients["cloudwatch"], "PutMetricData", SERVER_ERROR, lambda attempt, _: attempt == 2)

    report = collect_subnets(target, settings, datetime.now(UTC)).report

    assert (faults.injected, faults.attempts) == (1, 3)
    assert report.status == "complete"
    assert report.metric_points == 1203
    series = [d["SubnetId"] for d in published_series(project_clients["cloudwatch"], "AvailableIpAddressCount")]
    # Each subnet once: the failed attempt stored nothing, the retry stored everything.
    assert len(series) == len(set(series)) == 600


def test_given_the_timeout_nears_between_clusters_then_what_was_read_is_published_and_the_run_is_partial(
    target, project_clients
):
    _two_clusters(project_clients)
    remaining = iter([60_000, 5_000])  # plenty before the first cluster, within the reserve before the second

    deadline = Deadline(lambda: next(remaining, 5_000), reserve_ms=20_000)
    report = collect_ecs(target, ECS_SETTINGS, datetime.now(UTC), deadline).report

    # The services' deployment fit comes after the clusters: with the deadline near, it is left unread too.
    assert report.failures == [
        {"operation": "Run", "code": "DeadlineNear", "leftUnread": "1 of 2 clusters"},
        {"operation": "Run", "code": "DeadlineNear", "leftUnread": "the services of 2 of 2 clusters"},
    ]
    cloudwatch = project_clients["cloudwatch"]
    assert [d["ClusterName"] for d in published_series(cloudwatch, "EniUtilization")] == ["orders"]
    assert published_series(cloudwatch, "CollectorFailures") == [{"Collector": "ecs"}]


def test_given_the_timeout_nears_after_a_page_then_that_page_is_published(target, project_clients):
    seed_network(project_clients["ec2"])

    report = collect_subnets(
        target, SUBNET_SETTINGS, datetime.now(UTC), Deadline(lambda: 1_000, reserve_ms=15_000)
    ).report

    assert report.failures == [
        {"operation": "Run", "code": "DeadlineNear", "leftUnread": "the remaining DescribeSubnets pages"}
    ]
    # moto answers in one page, so that page (every subnet) is published before the run stops.
    every_subnet = project_clients["ec2"].describe_subnets()["Subnets"]
    assert len(published_series(project_clients["cloudwatch"], "IpUtilization")) == len(every_subnet)


def test_given_a_handler_invocation_then_the_deadline_comes_from_the_lambda_context(monkeypatch):
    # The fake context reports 120 s left, far above the reserve: the run is complete.
    context = LocalLambdaContext(invoked_function_arn=function_arn(REGION))
    for key, value in {"METRIC_NAMESPACE": NAMESPACE, "VPC_IDS": "", "SUBNET_TAG_FILTER": "", **EVERY_RUN}.items():
        monkeypatch.setenv(key, value)
    seed_network(own_target(context).client("ec2"))
    from lambdas.subnets.handler import handler

    assert json.loads(json.dumps(handler({}, context)))["status"] == "complete"  # type: ignore[arg-type]
