"""Seeds the emulator with a realistic ECS-on-EC2 network: instance and task subnets in three AZs."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from devkit.emulator import aws_fields
from lambdas.ecs.model import TRUNK_ATTRIBUTE
from lambdas.platform.aws.dynamodb import INCIDENT_KEY

REGION = "eu-west-1"
AZS = ("eu-west-1a", "eu-west-1b", "eu-west-1c")


@dataclass(frozen=True)
class SubnetPlan:
    """A subnet to create and how many addresses to take in it, as ECS task or instance interfaces."""

    name: str
    cidr: str
    az: str
    enis: int
    holder: str = "ecs-task"  # or "instance"; the census subnets are filled by seed_census_consumers


# Task subnets are /25 (123 usable). tasks-1a is nearly full, tasks-1b is past the utilization threshold.
# eks-1a holds an EKS cluster's nodes; shared-1a/1b a Lambda function, a load balancer, a NAT gateway, an
# endpoint and two interfaces left behind.
SUBNET_PLANS = (
    SubnetPlan("instances-1a", "10.20.0.0/24", AZS[0], 6, "instance"),
    SubnetPlan("instances-1b", "10.20.1.0/24", AZS[1], 5, "instance"),
    SubnetPlan("instances-1c", "10.20.2.0/24", AZS[2], 4, "instance"),
    SubnetPlan("tasks-1a", "10.20.16.0/25", AZS[0], 118),
    SubnetPlan("tasks-1b", "10.20.16.128/25", AZS[1], 105),
    SubnetPlan("tasks-1c", "10.20.17.0/25", AZS[2], 40),
    SubnetPlan("eks-1a", "10.20.32.0/24", AZS[0], 0),
    SubnetPlan("shared-1a", "10.20.33.0/26", AZS[0], 0),
    SubnetPlan("shared-1b", "10.20.33.64/26", AZS[1], 0),
)
# The services whose task interfaces fill the task subnets, in turn (ECS's aws:ecs:* tags name them).
TASK_SERVICES = ("checkout", "payments")
EKS_CLUSTER = "platform-eks"


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
        for number in range(plan.enis):
            ec2.create_network_interface(SubnetId=subnet_id, **_interface_of(plan, number))
        subnet_ids[plan.name] = subnet_id
    return SeededNetwork(vpc_id, subnet_ids)


def _interface_of(plan: SubnetPlan, number: int) -> dict[str, Any]:
    """How an ECS task's (or an instance's) interface looks in DescribeNetworkInterfaces."""
    if plan.holder == "instance":
        tags = aws_fields(status="in-use", instance_id=f"i-{plan.name[-2:]}{number:015x}")
        return {"Description": "", "TagSpecifications": _tagged(tags)}
    tags = [
        {"Key": "aws:ecs:clusterName", "Value": ECS_CLUSTER},
        {"Key": "aws:ecs:serviceName", "Value": TASK_SERVICES[number % len(TASK_SERVICES)]},
        *aws_fields(status="in-use", requester_managed=True),
    ]
    attachment = f"arn:aws:ecs:{REGION}:123456789012:attachment/{number:08x}-0000-4000-8000-{plan.name[-2:]}0000000000"
    return {"Description": attachment, "TagSpecifications": _tagged(tags)}


def _tagged(tags: list[dict[str, str]]) -> list[dict[str, Any]]:
    return [{"ResourceType": "network-interface", "Tags": tags}]


@dataclass(frozen=True)
class CensusConsumers:
    """What seed_census_consumers created, for the demo and the tests to check against."""

    eks_nodes: tuple[str, ...]
    leaked_interfaces: tuple[str, ...]


def seed_census_consumers(ec2: Any, network: SeededNetwork) -> CensusConsumers:
    """EKS nodes (VPC CNI interfaces with secondary addresses and two /28 prefixes), a Lambda function, a load
    balancer's two interfaces, a NAT gateway, an endpoint, and two interfaces left `available`."""
    eks, shared_a, shared_b = (network.subnet_ids[n] for n in ("eks-1a", "shared-1a", "shared-1b"))
    nodes = []
    for node in range(2):
        instance_id = ec2.run_instances(
            ImageId=EMULATOR_AMI,
            MinCount=1,
            MaxCount=1,
            InstanceType="m5.large",
            SubnetId=eks,
            TagSpecifications=[
                {"ResourceType": "instance", "Tags": [{"Key": "eks:cluster-name", "Value": EKS_CLUSTER}]}
            ],
        )["Instances"][0]["InstanceId"]
        # The VPC CNI's secondary interface: 5 addresses kept warm for pods, and on the second node two /28
        # prefixes (prefix delegation) near the top of the subnet, where moto does not hand out addresses.
        prefixes = ("10.20.32.192/28", "10.20.32.208/28") if node else ()
        cni = ec2.create_network_interface(
            SubnetId=eks,
            Description=f"aws-K8S-{instance_id}",
            SecondaryPrivateIpAddressCount=5,
            TagSpecifications=_tagged(
                [
                    {"Key": "cluster.k8s.amazonaws.com/name", "Value": EKS_CLUSTER},
                    {"Key": "node.k8s.amazonaws.com/instance_id", "Value": instance_id},
                    *aws_fields(prefixes=prefixes),
                ]
            ),
        )["NetworkInterface"]["NetworkInterfaceId"]
        ec2.attach_network_interface(NetworkInterfaceId=cni, InstanceId=instance_id, DeviceIndex=1)
        nodes.append(instance_id)
    # An explicit reservation (say, for a future node group's static addresses): no prefix may come from it.
    ec2.create_subnet_cidr_reservation(SubnetId=eks, Cidr="10.20.32.224/28", ReservationType="explicit")
    for subnet, description, fields in (
        (
            shared_a,
            "AWS Lambda VPC ENI-orders-api-1b2c3d4e-0a1b-4c2d-8e3f-0123456789ab",
            aws_fields(interface_type="lambda", requester_managed=True, status="in-use"),
        ),
        (shared_a, "ELB app/orders-alb/50dc6c495c0c9188", aws_fields(requester_id="amazon-elb", status="in-use")),
        (shared_b, "ELB app/orders-alb/50dc6c495c0c9188", aws_fields(requester_id="amazon-elb", status="in-use")),
        (
            shared_a,
            "Interface for NAT Gateway nat-0a1b2c3d4e5f60718",
            aws_fields(interface_type="natGateway", requester_managed=True, status="in-use"),
        ),
        (
            shared_b,
            "VPC Endpoint Interface vpce-0123456789abcdef0",
            aws_fields(interface_type="vpc_endpoint", requester_managed=True, status="in-use"),
        ),
    ):
        ec2.create_network_interface(SubnetId=subnet, Description=description, TagSpecifications=_tagged(fields))
    leaked = tuple(
        ec2.create_network_interface(SubnetId=shared_b, Description=description)["NetworkInterface"][
            "NetworkInterfaceId"
        ]
        for description in (
            "AWS Lambda VPC ENI-retired-job-9f8e7d6c-0a1b-4c2d-8e3f-0123456789ab",
            "aws-K8S-i-0deadbeef00000001",
        )
    )
    return CensusConsumers(tuple(nodes), leaked)


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
    _describe_task_interfaces_as_ecs_does(ec2, ecs, cluster)
    return arns


def _describe_task_interfaces_as_ecs_does(ec2: Any, ecs: Any, cluster: str) -> None:
    """moto describes the interfaces it creates for tasks as 'moto ECS'; ECS writes the attachment's ARN."""
    task_arns = ecs.list_tasks(cluster=cluster)["taskArns"]
    for task in ecs.describe_tasks(cluster=cluster, tasks=task_arns)["tasks"]:
        for attachment in task.get("attachments", []):
            details = {d["name"]: d["value"] for d in attachment.get("details", [])}
            if "networkInterfaceId" not in details:
                continue
            ec2.modify_network_interface_attribute(
                NetworkInterfaceId=details["networkInterfaceId"],
                Description={"Value": f"arn:aws:ecs:{REGION}:123456789012:attachment/{attachment['id']}"},
            )
            ec2.create_tags(
                Resources=[details["networkInterfaceId"]], Tags=[{"Key": "aws:ecs:clusterName", "Value": cluster}]
            )


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
    # In AWS the subscribers are email addresses; an SQS subscription lets the demo read what they would get.
    inbox_url = subscribed_queue(sns, sqs, topic_arn, "demo-inbox")
    dynamodb.create_table(
        TableName="incident-windows",
        KeySchema=[{"AttributeName": INCIDENT_KEY, "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": INCIDENT_KEY, "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
    )
    dead_letter_queue_url = sqs.create_queue(QueueName="events-dead-letter")["QueueUrl"]
    return EventResources(topic_arn, inbox_url, "incident-windows", dead_letter_queue_url)


def seed_paging_topic(sns: Any, sqs: Any) -> tuple[str, str]:
    """A paging topic, and a queue that gets its pages as an HTTPS endpoint would (raw, with the severity
    attribute); return the topic's ARN and the queue's URL."""
    topic_arn = sns.create_topic(Name="subnet-ip-monitor-pages")["TopicArn"]
    return topic_arn, subscribed_queue(sns, sqs, topic_arn, "pager", raw=True)


def seed_chat_topic(sns: Any, sqs: Any) -> tuple[str, str]:
    """A chat topic, and a queue that gets its messages as Amazon Q Developer would (raw JSON); return the
    topic's ARN and the queue's URL."""
    topic_arn = sns.create_topic(Name="subnet-ip-monitor-chat")["TopicArn"]
    return topic_arn, subscribed_queue(sns, sqs, topic_arn, "chat", raw=True)


def subscribed_queue(sns: Any, sqs: Any, topic_arn: str, name: str, *, raw: bool = False) -> str:
    """A queue subscribed to the topic, to read back what its subscribers get (raw: the message alone, with its
    attributes, as an HTTPS endpoint gets it; else SNS's envelope, Subject and Message); return its URL."""
    queue_url = sqs.create_queue(QueueName=name)["QueueUrl"]
    queue_arn = sqs.get_queue_attributes(QueueUrl=queue_url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    attributes = {"RawMessageDelivery": "true"} if raw else {}
    sns.subscribe(TopicArn=topic_arn, Protocol="sqs", Endpoint=queue_arn, Attributes=attributes)
    return str(queue_url)


def seed_free_address_history(
    cloudwatch: Any,
    namespace: str,
    subnet: dict[str, str],
    *,
    free_now: float,
    lost_per_day: float,
    now: datetime,
    days: int = 14,
) -> None:
    """Hourly AvailableIpAddressCount for the last `days` days, falling by lost_per_day to free_now.

    subnet holds the three dimensions (VpcId, SubnetId, AvailabilityZone). CloudWatch (and moto) keep
    points put with past timestamps, so the forecast has two weeks of history on the first run.
    """
    points = [
        {
            "MetricName": "AvailableIpAddressCount",
            "Dimensions": [{"Name": name, "Value": value} for name, value in subnet.items()],
            "Timestamp": now - timedelta(hours=hours),
            "Value": round(free_now + lost_per_day * hours / 24),
            "Unit": "Count",
        }
        for hours in range(days * 24, 0, -1)
    ]
    for first in range(0, len(points), 1000):
        cloudwatch.put_metric_data(Namespace=namespace, MetricData=points[first : first + 1000])


def seed_awsvpc_service(
    ec2: Any, ecs: Any, *, cluster: str, service: str, subnet_ids: list[str], desired_count: int
) -> None:
    """An awsvpc Fargate service of cluster in subnet_ids (the cluster is made if missing).

    moto keeps the service's networkConfiguration and deploymentController but answers DescribeServices without
    its deploymentConfiguration, so the fit reads ECS's default maximumPercent (200) here, as ECS does for a
    service that sets none; other maximumPercent values are covered by the pure tests (test_deployment_fit.py).
    """
    ecs.create_cluster(clusterName=cluster)
    family = f"{service}-task"
    ecs.register_task_definition(
        family=family,
        networkMode="awsvpc",
        requiresCompatibilities=["FARGATE"],
        containerDefinitions=[{"name": "app", "image": "public.ecr.aws/nginx/nginx:latest", "memory": 512}],
    )
    vpc_id = ec2.describe_subnets(SubnetIds=subnet_ids[:1])["Subnets"][0]["VpcId"]
    group = ec2.describe_security_groups(Filters=[{"Name": "vpc-id", "Values": [vpc_id]}])["SecurityGroups"][0]
    ecs.create_service(
        cluster=cluster,
        serviceName=service,
        taskDefinition=family,
        desiredCount=desired_count,
        launchType="FARGATE",
        deploymentController={"type": "ECS"},
        deploymentConfiguration={"maximumPercent": 200, "minimumHealthyPercent": 100},
        networkConfiguration={"awsvpcConfiguration": {"subnets": subnet_ids, "securityGroups": [group["GroupId"]]}},
    )


def seed_orders_cluster(ec2: Any, ecs: Any, network: SeededNetwork) -> dict[str, str]:
    """The scenario's ECS cluster (ECS_PLANS) with its instances in instances-1a and its tasks in tasks-1c;
    return the container instances by name (seed_ecs_cluster)."""
    return seed_ecs_cluster(
        ec2,
        ecs,
        cluster=ECS_CLUSTER,
        plans=ECS_PLANS,
        instance_subnet=network.subnet_ids["instances-1a"],
        task_subnet=network.subnet_ids["tasks-1c"],
    )
