"""moto-backed AWS for handler tests, plus helpers that read published metrics back."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from moto import mock_aws

from lambdas.core.targets import Target
from tests.support.publishing import ECS_DOCUMENTS, EVERY_RUN
from tests.support.readback import metric_values as read_values

NAMESPACE = "SubnetIpMonitorTest"
# moto's default account, where every client of these tests lands.
ACCOUNT_ID = "123456789012"


@pytest.fixture
def aws() -> Iterator[None]:
    with mock_aws():
        yield


@pytest.fixture
def subnet_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("METRIC_NAMESPACE", NAMESPACE)
    monkeypatch.setenv("VPC_IDS", "")
    monkeypatch.setenv("SUBNET_TAG_FILTER", "")
    for key, value in {**EVERY_RUN, **ECS_DOCUMENTS}.items():
        monkeypatch.setenv(key, value)


def fill_subnet(ec2: Any, subnet_id: str, enis: int) -> None:
    """Take `enis` addresses, as awsvpc tasks would."""
    for _ in range(enis):
        ec2.create_network_interface(SubnetId=subnet_id)


def metric_values(cloudwatch: Any, name: str, dimensions: dict[str, str], stat: str = "Maximum") -> list[float]:
    """Every per-minute value (stat) of one series of the test namespace in the last hour."""
    return read_values(cloudwatch, NAMESPACE, name, dimensions, stat)


def published_series(cloudwatch: Any, name: str) -> list[dict[str, str]]:
    """The dimension sets of every series of one metric in the test namespace."""
    paginator = cloudwatch.get_paginator("list_metrics")
    return [
        {d["Name"]: d["Value"] for d in metric["Dimensions"]}
        for page in paginator.paginate(Namespace=NAMESPACE, MetricName=name)
        for metric in page["Metrics"]
    ]


def count_calls(client: Any, operation: str) -> list[dict[str, Any]]:
    """Record the parameters of every call of operation made through client."""
    calls: list[dict[str, Any]] = []
    client.meta.events.register(
        f"provide-client-params.{client.meta.service_model.service_name}.{operation}",
        lambda params, **_: calls.append(params),
    )
    return calls


def regional_client(service: str) -> Any:
    return boto3.client(service, region_name="us-east-1")


def target_with(region: str = "us-east-1", **clients: Any) -> Target:
    """A target in moto's account whose clients are the given ones (moto's, Stubber-wrapped, or fakes)."""
    return Target(ACCOUNT_ID, region, clients=dict(clients))
