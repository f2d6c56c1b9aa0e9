"""The lean parse of DescribeTasks/DescribeContainerInstances keeps exactly what botocore's full parse gives
for the fields the collector reads, and leaves errors to botocore."""

import boto3
import pytest
from botocore.exceptions import ClientError

from devkit.scenario import ECS_CLUSTER, REGION, seed_network, seed_orders_cluster
from lambdas.ecs.lean_parsing import KEPT_FIELDS, parse_lean

pytestmark = pytest.mark.usefixtures("aws")


@pytest.fixture
def clients():
    full, lean = boto3.client("ecs", region_name=REGION), boto3.client("ecs", region_name=REGION)
    parse_lean(lean)
    ec2 = boto3.client("ec2", region_name=REGION)
    network = seed_network(ec2)
    seed_orders_cluster(ec2, full, network)
    return full, lean


def _projection(items, fields):
    return [{f: item[f] for f in fields if f in item} for item in items]


def test_given_tasks_when_described_leanly_then_the_read_fields_equal_the_full_parse(clients):
    full, lean = clients
    arns = full.list_tasks(cluster=ECS_CLUSTER)["taskArns"]
    _, fields = KEPT_FIELDS["DescribeTasks"]

    full_tasks = full.describe_tasks(cluster=ECS_CLUSTER, tasks=arns)["tasks"]
    lean_tasks = lean.describe_tasks(cluster=ECS_CLUSTER, tasks=arns)["tasks"]

    assert len(lean_tasks) == len(arns) == 8
    assert lean_tasks == _projection(full_tasks, fields)
    assert all(set(t) <= set(fields) for t in lean_tasks)


def test_given_container_instances_when_described_leanly_then_the_read_fields_equal_the_full_parse(clients):
    full, lean = clients
    arns = full.list_container_instances(cluster=ECS_CLUSTER)["containerInstanceArns"]
    _, fields = KEPT_FIELDS["DescribeContainerInstances"]

    full_instances = full.describe_container_instances(cluster=ECS_CLUSTER, containerInstances=arns)
    lean_instances = lean.describe_container_instances(cluster=ECS_CLUSTER, containerInstances=arns)

    assert lean_instances["containerInstances"] == _projection(full_instances["containerInstances"], fields)
    assert lean_instances["failures"] == full_instances["failures"]


def test_given_an_error_response_then_botocore_still_parses_it_into_the_error(clients):
    _, lean = clients

    with pytest.raises(ClientError) as caught:
        lean.describe_tasks(cluster="no-such-cluster", tasks=["arn:aws:ecs:eu-west-1:123456789012:task/x/y"])

    assert caught.value.response["Error"]["Code"] == "ClusterNotFoundException"
