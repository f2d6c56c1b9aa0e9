"""Seeds the emulator with a realistic ECS-on-EC2 network: instance and task subnets in three AZs."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from lambdas.ecs.model import TRUNK_ATTRIBUTE
from lambdas.events.aws.dynamodb import KEY as INCIDENT_KEY

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


@dataclass(frozen=True)
class InstancePlan:
    """A container instance to launch and register, and the awsvpc tasks to place on it."""

    name: str
    instance_type: str
    trunked: bool
    awsvpc_tasks: int


# The trunking story: an m5.large launched before the awsvpcTrunking opt-in (no trunk: 2 slots, both used),
# one launched after (trunk: 10 slots), and a c5.large without trunk.
ECS_CLUSTER = "orders"
ECS_PLANS = (
    InstancePlan("m5-before-opt-in", "m5.large", trunked=False, awsvpc_tasks=2),
    InstancePlan("m5-after-opt-in", "m5.large", trunked=True, awsvpc_tasks=4),
    InstancePlan("c5-no-trunk", "c5.large", trunked=False, awsvpc_tasks=1),
)
EMULATOR_AMI = "ami-12c6146b"  # one of moto's built-in images
CPU_UNITS_PER_INSTANCE = 4096  # what moto registers for every container instance


def seed_ecs_cluster(
    ec2: Any, ecs: Any, *, cluster: str, plans: tuple[InstancePlan, ...], instance_subnet: str, task_subnet: str
) -> dict[str, str]:
    """Create the cluster and its instances, place awsvpc tasks and one Fargate task; return ARNs by plan name."""
    ecs.create_cluster(clusterName=cluster)
    security_group = ec2.create_security_group(
        GroupName=f"{cluster}-tasks", Description="awsvpc tasks", VpcId=_vpc_of(ec2, task_subnet)
    )["GroupId"]
    network = {"awsvpcConfiguration": {"subnets": [task_subnet], "securityGroups": [security_group]}}
    arns = {}
    for plan in plans:
        instance_id = ec2.run_instances(
            ImageId=EMULATOR_AMI, MinCount=1, MaxCount=1, InstanceType=plan.instance_type, SubnetId=instance_subnet
        )["Instances"][0]["InstanceId"]
        identity = json.dumps({"instanceId": instance_id, "instanceType": plan.instance_type})
        arn = ecs.register_container_instance(cluster=cluster, instanceIdentityDocument=identity)["containerInstance"][
            "containerInstanceArn"
        ]
        arns[plan.name] = arn
        if plan.trunked:
            # ECS sets this attribute when it attaches a trunk ENI. moto ignores attributes at registration
            # and takes the container instance id (not the ARN) as targetId here.
            ecs.put_attributes(
                cluster=cluster,
                attributes=[
                    {
                        "name": TRUNK_ATTRIBUTE,
                        "value": f"eni-trunk{instance_id[2:]}",
                        "targetType": "container-instance",
                        "targetId": arn.rsplit("/", 1)[-1],
                    }
                ],
            )
        # moto places tasks by CPU on the first instance with room and knows no ENI limits, so each plan's
        # tasks are sized to fill its instance: the next plan's tasks then land on the next instance.
        family = f"{cluster}-{plan.name}"
        ecs.register_task_definition(
            family=family,
            networkMode="awsvpc",
            requiresCompatibilities=["EC2"],
            containerDefinitions=[
                {
                    "name": "app",
                    "image": "public.ecr.aws/nginx/nginx",
                    "cpu": CPU_UNITS_PER_INSTANCE // plan.awsvpc_tasks,
                    "memory": 256,
                }
            ],
        )
        ecs.run_task(
            cluster=cluster,
            taskDefinition=family,
            count=plan.awsvpc_tasks,
            launchType="EC2",
            networkConfiguration=network,
        )
    ecs.register_task_definition(
        family=f"{cluster}-fargate",
        networkMode="awsvpc",
        requiresCompatibilities=["FARGATE"],
        cpu="256",
        memory="512",
        containerDefinitions=[{"name": "app", "image": "public.ecr.aws/nginx/nginx", "cpu": 256, "memory": 512}],
    )
    ecs.run_task(
        cluster=cluster, taskDefinition=f"{cluster}-fargate", launchType="FARGATE", networkConfiguration=network
    )
    return arns


def _vpc_of(ec2: Any, subnet_id: str) -> str:
    return str(ec2.describe_subnets(SubnetIds=[subnet_id])["Subnets"][0]["VpcId"])


@dataclass(frozen=True)
class EventResources:
    """What the stack creates for the event handler, plus an SQS inbox subscribed to the topic to read emails."""

    topic_arn: str
    inbox_url: str
    incident_table: str
    dead_letter_queue_url: str


def seed_event_resources(sns: Any, sqs: Any, dynamodb: Any) -> EventResources:
    """Create the alert topic (with a readable inbox), the incident table and the dead-letter queue."""
    topic_arn = sns.create_topic(Name="subnet-ip-monitor-alerts")["TopicArn"]
    inbox_url = sqs.create_queue(QueueName="demo-inbox")["QueueUrl"]
    inbox_arn = sqs.get_queue_attributes(QueueUrl=inbox_url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    # In AWS the subscribers are email addresses; an SQS subscription lets the demo read what they would get.
    sns.subscribe(TopicArn=topic_arn, Protocol="sqs", Endpoint=inbox_arn)
    dynamodb.create_table(
        TableName="incident-windows",
        KeySchema=[{"AttributeName": INCIDENT_KEY, "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": INCIDENT_KEY, "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
    )
    dead_letter_queue_url = sqs.create_queue(QueueName="events-dead-letter")["QueueUrl"]
    return EventResources(topic_arn, inbox_url, "incident-windows", dead_letter_queue_url)
