"""The demo's one account, seeded on the emulator: what `make demo` and `subnet-ip-monitor report --demo` read.

A VPC with instance, task, EKS and shared subnets filled as tasks, services and nodes would fill them, the
census's other consumers, two weeks of free-address history for three task subnets, and an ECS cluster whose
first m5.large was launched before the awsvpcTrunking opt-in.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import boto3

from devkit.emulator import aws_fields
from devkit.scenario import (
    AZS,
    ECS_CLUSTER,
    REGION,
    CensusConsumers,
    SeededNetwork,
    seed_awsvpc_service,
    seed_census_consumers,
    seed_free_address_history,
    seed_network,
    seed_orders_cluster,
)
from lambdas.platform import contract

# Free addresses now (what the seeded interfaces leave) and addresses lost a day over the last two weeks.
HISTORY = {"tasks-1a": (5, 3.0), "tasks-1b": (18, 1.0), "tasks-1c": (83, 0.0)}


@dataclass(frozen=True)
class DemoAccount:
    """What was seeded: the network, the census's consumers, the container instances by name."""

    network: SeededNetwork
    census_consumers: CensusConsumers
    instance_names: dict[str, str]


def seed_demo_account(namespace: str) -> DemoAccount:
    """Seed the demo account in REGION of the running emulator (history published under namespace)."""
    ec2 = boto3.client("ec2", region_name=REGION)
    ecs = boto3.client("ecs", region_name=REGION)
    network = seed_network(ec2)
    census_consumers = seed_census_consumers(ec2, network)
    _seed_history(ec2, network, namespace)
    # The opt-in happened between the two m5.large launches: enabled now, but the first has no trunk.
    # (moto implements PutAccountSetting, not PutAccountSettingDefault; the effect on reads is the same.)
    ecs.put_account_setting(name="awsvpcTrunking", value="enabled")
    instance_names = seed_orders_cluster(ec2, ecs, network)
    return DemoAccount(network, census_consumers, instance_names)


def _seed_history(ec2: Any, network: SeededNetwork, namespace: str) -> None:
    """Two weeks of hourly free counts, as the subnet collector would have published them."""
    cloudwatch = boto3.client("cloudwatch", region_name=REGION)
    now = datetime.now(UTC)
    for name, (free_now, lost_per_day) in HISTORY.items():
        raw = ec2.describe_subnets(SubnetIds=[network.subnet_ids[name]])["Subnets"][0]
        dims = contract.subnet_series(raw["OwnerId"], raw["VpcId"], raw["SubnetId"], raw["AvailabilityZone"])
        seed_free_address_history(cloudwatch, namespace, dims, free_now=free_now, lost_per_day=lost_per_day, now=now)


def seed_deployment_services(network: SeededNetwork) -> str:
    """Two awsvpc services of the orders cluster whose next deployment is at risk; return deploy-1a's id.

    orders-api: 10 tasks in deploy-1a, a /28 with 4 interfaces taken (7 free): a rolling update at 200 % adds
    10. orders-worker: 12 tasks over tasks-1a (5 free) and tasks-1c (75 free): 80 in all, but 6 each.
    """
    ec2, ecs = boto3.client("ec2", region_name=REGION), boto3.client("ecs", region_name=REGION)
    deploy = ec2.create_subnet(VpcId=network.vpc_id, CidrBlock="10.20.40.0/28", AvailabilityZone=AZS[0])["Subnet"]
    ec2.create_tags(Resources=[deploy["SubnetId"]], Tags=[{"Key": "Name", "Value": "deploy-1a"}])
    # Its 4 taken addresses: a Lambda function's interfaces (in use, as AWS shows them; moto keeps the fields as tags).
    for n in range(4):
        ec2.create_network_interface(
            SubnetId=deploy["SubnetId"],
            Description=f"AWS Lambda VPC ENI-orders-events-1b2c3d4e-0a1b-4c2d-8e3f-0123456789a{n}",
            TagSpecifications=[
                {
                    "ResourceType": "network-interface",
                    "Tags": aws_fields(interface_type="lambda", requester_managed=True, status="in-use"),
                }
            ],
        )
    seed_awsvpc_service(
        ec2, ecs, cluster=ECS_CLUSTER, service="orders-api", subnet_ids=[deploy["SubnetId"]], desired_count=10
    )
    worker_subnets = [network.subnet_ids["tasks-1a"], network.subnet_ids["tasks-1c"]]
    seed_awsvpc_service(
        ec2, ecs, cluster=ECS_CLUSTER, service="orders-worker", subnet_ids=worker_subnets, desired_count=12
    )
    return str(deploy["SubnetId"])
