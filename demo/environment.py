"""Seeds the emulator with a realistic ECS-on-EC2 network: instance and task subnets in three AZs."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

REGION = "eu-west-1"
AZS = ("eu-west-1a", "eu-west-1b", "eu-west-1c")


@dataclass(frozen=True)
class SubnetPlan:
    """A subnet to create and how many addresses to take in it (ENIs, as tasks and instances would)."""

    name: str
    cidr: str
    az: str
    enis: int


# Task subnets are /25 (123 usable). tasks-1a is nearly full, tasks-1b is past the utilization threshold.
SUBNET_PLANS = (
    SubnetPlan("instances-1a", "10.20.0.0/24", AZS[0], 6),
    SubnetPlan("instances-1b", "10.20.1.0/24", AZS[1], 5),
    SubnetPlan("instances-1c", "10.20.2.0/24", AZS[2], 4),
    SubnetPlan("tasks-1a", "10.20.16.0/25", AZS[0], 118),
    SubnetPlan("tasks-1b", "10.20.16.128/25", AZS[1], 105),
    SubnetPlan("tasks-1c", "10.20.17.0/25", AZS[2], 40),
)


@dataclass(frozen=True)
class SeededNetwork:
    """Ids of what was created, by plan name."""

    vpc_id: str
    subnet_ids: dict[str, str]


def seed_network(ec2: Any) -> SeededNetwork:
    """Create the VPC, its subnets (Name-tagged) and the ENIs that occupy their addresses."""
    vpc_id = ec2.create_vpc(CidrBlock="10.20.0.0/16")["Vpc"]["VpcId"]
    ec2.modify_vpc_attribute(VpcId=vpc_id, EnableDnsHostnames={"Value": True})
    ec2.create_tags(Resources=[vpc_id], Tags=[{"Key": "Name", "Value": "ecs-prod"}])
    subnet_ids = {}
    for plan in SUBNET_PLANS:
        subnet_id = ec2.create_subnet(VpcId=vpc_id, CidrBlock=plan.cidr, AvailabilityZone=plan.az)["Subnet"]["SubnetId"]
        ec2.create_tags(Resources=[subnet_id], Tags=[{"Key": "Name", "Value": plan.name}])
        for _ in range(plan.enis):
            ec2.create_network_interface(SubnetId=subnet_id, Description="awsvpc task ENI (demo)")
        subnet_ids[plan.name] = subnet_id
    return SeededNetwork(vpc_id, subnet_ids)
