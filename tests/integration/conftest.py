"""moto-backed AWS for handler tests, plus helpers that read published metrics back."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import boto3
import pytest
from moto import mock_aws

from devkit.event_fixtures import load_event
from devkit.publishing import ECS_DOCUMENTS, EVERY_RUN
from devkit.readback import drain_queue, total_over_series
from devkit.readback import metric_values as read_values
from devkit.scenario import seed_awsvpc_service, subscribed_queue
from lambdas.platform.targets import Target
from tests.support.faults import moto_skips_faulted_requests, sleeps  # noqa: F401 - fixtures of the fault tests

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


# The event handler's world, shared by test_event_handler.py and test_faults_at_the_edges.py.
FIXTURE_SUBNETS = ("subnet-0a1b2c3d4e5f60718", "subnet-0b2c3d4e5f6071829")
SNAPSHOT_BUCKET = "census-snapshots"


@dataclass
class EventWorld:
    """The handler's AWS resources in moto, and ways to look at what it did."""

    subnet_id: str
    inbox_url: str
    dead_letter_url: str
    table: str

    def event(self, name: str, **detail: Any) -> dict[str, Any]:
        """A fixture whose subnets are this world's subnet (moto makes its own ids)."""
        text = json.dumps(load_event(name, account=ACCOUNT_ID))
        for fixture_subnet in FIXTURE_SUBNETS:
            text = text.replace(fixture_subnet, self.subnet_id)
        event = json.loads(text)
        event["detail"].update(detail)
        return dict(event)

    def emails(self) -> list[dict[str, str]]:
        """Every notification the topic delivered so far (Subject and Message)."""
        return [json.loads(m["Body"]) for m in drain_queue(regional_client("sqs"), self.inbox_url)]

    def dead_letters(self) -> list[dict[str, Any]]:
        return drain_queue(regional_client("sqs"), self.dead_letter_url)


@pytest.fixture
def world(aws, monkeypatch) -> EventWorld:
    ec2, sns, sqs, dynamodb = (regional_client(s) for s in ("ec2", "sns", "sqs", "dynamodb"))
    vpc_id = ec2.create_vpc(CidrBlock="10.20.0.0/16")["Vpc"]["VpcId"]
    subnet_id = ec2.create_subnet(VpcId=vpc_id, CidrBlock="10.20.16.0/28", AvailabilityZone="us-east-1a")["Subnet"][
        "SubnetId"
    ]
    ec2.create_tags(Resources=[subnet_id], Tags=[{"Key": "Name", "Value": "tasks-1a"}])
    fill_subnet(ec2, subnet_id, 9)
    # The service of the deployment fixture: 10 tasks, so its next rolling deployment needs 10 addresses (2 free).
    seed_awsvpc_service(
        ec2, regional_client("ecs"), cluster="orders", service="orders-api", subnet_ids=[subnet_id], desired_count=10
    )
    topic_arn = sns.create_topic(Name="alerts")["TopicArn"]
    inbox_url = subscribed_queue(sns, sqs, topic_arn, "inbox")
    dead_letter_url = sqs.create_queue(QueueName="events-dlq")["QueueUrl"]
    regional_client("s3").create_bucket(Bucket=SNAPSHOT_BUCKET)  # no snapshot yet: emails go without /28 blocks
    dynamodb.create_table(
        TableName="incident-windows",
        KeySchema=[{"AttributeName": "incident", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "incident", "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
    )
    for key, value in {
        "METRIC_NAMESPACE": "SubnetIpMonitorTest",
        "TOPIC_ARN": topic_arn,
        "INCIDENT_TABLE_NAME": "incident-windows",
        "DEDUPE_WINDOW_MINUTES": "30",
        "DEAD_LETTER_QUEUE_URL": dead_letter_url,
        "ACCOUNT_NAMES": "{}",
        "MONITOR_MODE": "account",
        "READER_ROLE_NAME": "SubnetIpMonitorReader",
        "MEMBER_ACCOUNTS": "",
        "ORGANIZATION_UNIT_IDS": "",
        "MAX_INCIDENTS_PER_WINDOW": "20",
        # The /28 keeps 2 free addresses: above this floor an ambiguous EC2 code stays EniCreationFailed.
        "FREE_ADDRESS_FLOOR": "1",
        "SNAPSHOT_BUCKET": SNAPSHOT_BUCKET,
    }.items():
        monkeypatch.setenv(key, value)
    return EventWorld(subnet_id, inbox_url, dead_letter_url, "incident-windows")


def event_count(reason: str) -> float:
    """IpExhaustionEvents of reason, over every account the fixtures' events come from."""
    cloudwatch = regional_client("cloudwatch")
    assert all(set(dims) == {"AccountId", "Reason"} for dims in published_series(cloudwatch, "IpExhaustionEvents"))
    return total_over_series(cloudwatch, NAMESPACE, "IpExhaustionEvents", {"Reason": reason})
