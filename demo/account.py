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

from lambdas.core import contract
from tests.support.scenario import (
    REGION,
    CensusConsumers,
    SeededNetwork,
    seed_census_consumers,
    seed_free_address_history,
    seed_network,
    seed_orders_cluster,
)

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
