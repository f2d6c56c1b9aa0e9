"""Generate an environment of a given size in moto: through the API where it is quick, into the backend
(cloning one API-made object) where the API would take minutes (10,000 subnets, 50,000 tasks)."""

from __future__ import annotations

import copy
import ipaddress
import json
import uuid
from collections.abc import Mapping
from typing import Any
from unittest.mock import patch

from moto.core.models import DEFAULT_ACCOUNT_ID
from moto.ec2.models import ec2_backends
from moto.ec2.models.elastic_network_interfaces import NetworkInterface
from moto.ecs.models import ecs_backends

from bench.sizes import EKS_SUBNET_EVERY, Size
from lambdas.ecs.model import TRUNK_ATTRIBUTE

REGION = "eu-west-1"
AZS = ("eu-west-1a", "eu-west-1b", "eu-west-1c")
SUBNETS_PER_VPC = 200  # /26 subnets of a /16 (moto checks each new subnet against its VPC's others)
INSTANCE_TYPES = ("m5.large", "c5.large", "m6i.large")
EMULATOR_AMI = "ami-12c6146b"
BENCH_EKS_CLUSTER = "bench-eks"


def seed(size: Size, ec2: Any, ecs: Any) -> None:
    """Exactly size.subnets subnets (VPCs of 200, plus the clusters' own); clusters with equal shares of
    container instances and awsvpc tasks."""
    backend = ec2_backends[DEFAULT_ACCOUNT_ID][REGION]
    # moto starts with a default VPC and one subnet per AZ; they would not be the size's subnets.
    for subnet in ec2.describe_subnets(Filters=[{"Name": "default-for-az", "Values": ["true"]}])["Subnets"]:
        ec2.delete_subnet(SubnetId=subnet["SubnetId"])
    # moto checks each new subnet for overlap by filtering every subnet in the region (quadratic: minutes
    # at 10,000); the generated CIDRs are disjoint by construction, so that check is skipped here.
    with patch.object(type(backend), "describe_subnets", lambda *_, **__: []):
        subnets = _seed_subnets(ec2, backend, size.subnets - 1)
    _seed_ecs(ec2, ecs, size)
    # The ECS seeding made one instance and one task interface per cluster; the rest go in the other subnets.
    _seed_interfaces(backend, subnets, size.interfaces - 2 * size.clusters)


def _seed_subnets(ec2: Any, backend: Any, count: int) -> list[Any]:
    subnets = []
    for vpc_index in range(0, count, SUBNETS_PER_VPC):
        vpc_id = ec2.create_vpc(CidrBlock=f"10.{vpc_index // SUBNETS_PER_VPC}.0.0/16")["Vpc"]["VpcId"]
        for i in range(min(SUBNETS_PER_VPC, count - vpc_index)):
            subnets.append(
                backend.create_subnet(
                    vpc_id=vpc_id,
                    cidr_block=f"10.{vpc_index // SUBNETS_PER_VPC}.{i // 4}.{i % 4 * 64}/26",
                    availability_zone=AZS[i % len(AZS)],
                )
            )
    return subnets


def _seed_interfaces(backend: Any, subnets: list[Any], count: int) -> None:
    """Interfaces spread round-robin over the subnets, made in the backend (55,000 API calls would take minutes):
    ECS task interfaces, and in every EKS_SUBNET_EVERY-th subnet an EKS cluster's VPC CNI interfaces."""
    for number in range(count):
        index = number % len(subnets)
        subnet = subnets[index]
        address = ipaddress.IPv4Network(subnet.cidr_block)[4 + number // len(subnets)]
        # No tags: moto looks a resource's tags up by scanning every tag of the region, so 55,000 tagged
        # interfaces would make every DescribeSubnets quadratic. The descriptions alone say who holds them.
        if index % EKS_SUBNET_EVERY == 0:
            description = f"aws-K8S-i-{number:017x}"
        else:
            description = f"arn:aws:ecs:{REGION}:{DEFAULT_ACCOUNT_ID}:attachment/{uuid.uuid4()}"
        eni = NetworkInterface(  # type: ignore[abstract]  # moto's CloudFormation hooks, unused here
            backend, subnet, private_ip_address=str(address), description=description
        )
        eni.status, eni.requester_managed = "in-use", True
        backend.enis[eni.id] = eni


def _seed_ecs(ec2: Any, ecs: Any, size: Size) -> None:
    # The last subnet, roomy, for the one real instance and task of each cluster (the clones take no address).
    ecs_vpc = ec2.create_vpc(CidrBlock="10.250.0.0/16")["Vpc"]["VpcId"]
    # moto gives awsvpc task ENIs a DNS name only in VPCs with DNS hostnames on.
    ec2.modify_vpc_attribute(VpcId=ecs_vpc, EnableDnsHostnames={"Value": True})
    task_subnet = ec2.create_subnet(VpcId=ecs_vpc, CidrBlock="10.250.0.0/20", AvailabilityZone=AZS[0])["Subnet"]
    security_group = ec2.create_security_group(GroupName="bench-tasks", Description="awsvpc tasks", VpcId=ecs_vpc)[
        "GroupId"
    ]
    ecs.register_task_definition(
        family="bench",
        networkMode="awsvpc",
        requiresCompatibilities=["EC2"],
        containerDefinitions=[{"name": "app", "image": "public.ecr.aws/nginx/nginx", "cpu": 64, "memory": 64}],
    )
    network = {"awsvpcConfiguration": {"subnets": [task_subnet["SubnetId"]], "securityGroups": [security_group]}}
    for c in range(size.clusters):
        _seed_cluster(ec2, ecs, f"bench-{c:03d}", size, network=network, subnet_id=task_subnet["SubnetId"])


def _seed_cluster(ec2: Any, ecs: Any, cluster: str, size: Size, *, network: dict[str, Any], subnet_id: str) -> None:
    ecs.create_cluster(clusterName=cluster)
    instance_id = ec2.run_instances(
        ImageId=EMULATOR_AMI, MinCount=1, MaxCount=1, InstanceType=INSTANCE_TYPES[0], SubnetId=subnet_id
    )["Instances"][0]["InstanceId"]
    ecs.register_container_instance(
        cluster=cluster, instanceIdentityDocument=json.dumps({"instanceId": instance_id, "instanceType": "m5.large"})
    )
    ecs.run_task(cluster=cluster, taskDefinition="bench", count=1, launchType="EC2", networkConfiguration=network)
    # The services the deployment fit reads (through the API: DescribeServices answers from moto's models).
    for s in range(size.services_per_cluster):
        ecs.create_service(
            cluster=cluster,
            serviceName=f"svc-{s:02d}",
            taskDefinition="bench",
            desiredCount=0,
            launchType="EC2",
            networkConfiguration=network,
        )
    backend = ecs_backends[DEFAULT_ACCOUNT_ID][REGION]
    # Created at 0 so moto starts no task for them; the deployment fit assesses only services with tasks to
    # replace (a service scaled to zero starts none), so they run one task each, as a real service would.
    for service in backend.services.values():
        service.desired_count = 1
    template_instance = next(iter(backend.container_instances[cluster].values()))
    template_task = next(iter(backend.tasks[cluster].values()))
    instances = [template_instance]
    for i in range(1, size.instances_per_cluster):
        clone = copy.copy(template_instance)
        clone.id = str(uuid.uuid4())
        clone.ec2_instance_id = f"i-{uuid.uuid4().hex[:17]}"
        clone.attributes = {
            **template_instance.attributes,
            "ecs.instance-type": INSTANCE_TYPES[i % len(INSTANCE_TYPES)],
        }
        if i % 2:  # every other instance registered after the trunking opt-in
            clone.attributes[TRUNK_ATTRIBUTE] = f"eni-{uuid.uuid4().hex[:17]}"
        backend.container_instances[cluster][clone.id] = clone
        instances.append(clone)
    for t in range(1, size.tasks_per_cluster):
        task = copy.copy(template_task)
        task.id = str(uuid.uuid4())
        task.container_instance_arn = instances[t % len(instances)].container_instance_arn
        backend.tasks[cluster][task.task_arn] = task


def take_addresses(used: Mapping[str, int]) -> None:
    """Make each subnet report `used` addresses in use (never fewer than its interfaces hold) by lowering
    moto's free count: the benchmark's utilization spread (bench/day.py) without 200,000 more interfaces."""
    backend = ec2_backends[DEFAULT_ACCOUNT_ID][REGION]
    for subnet_id, in_use in used.items():
        subnet = backend.get_subnet(subnet_id)
        usable = ipaddress.IPv4Network(subnet.cidr_block).num_addresses - 5
        surplus = subnet.available_ip_address_count - (usable - in_use)
        if surplus > 0:
            subnet._available_ip_addresses -= surplus
