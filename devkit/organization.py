"""A hub and member accounts on the emulator, for the hub-mode tests and the demo.

moto keeps separate state per account: a client made from AssumeRole credentials into an account reads and
writes that account's resources. It does not check that the role exists, or that it trusts the caller: in
AWS an AssumeRole of a role that is not there is AccessDenied. `deny_missing_reader_roles` makes the hub's STS
client answer as AWS would, from the member's IAM state in the emulator, so a member without the reader
role fails the way it would in AWS.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

import boto3
from botocore.awsrequest import AWSResponse

from devkit.scenario import seed_network, seed_orders_cluster
from lambdas.hub.dispatch.settings import MEMBER_ACCOUNTS, MONITOR_REGIONS, ORGANIZATION_UNIT_IDS
from lambdas.hub.streak_table import STREAK_KEY
from lambdas.platform.settings import (
    FAILURE_STREAK_TABLE,
    MODE_HUB,
    MONITOR_MODE,
    READER_ROLE_NAME,
    SNAPSHOT_BUCKET,
    VPC_IDS,
)

HUB_ACCOUNT = "123456789012"  # moto's default account: where the monitor itself runs
HUB_REGION = "eu-west-1"
MEMBER_WITH_ROLE = "111111111111"
MEMBER_WITHOUT_ROLE = "222222222222"
READER_ROLE = "SubnetIpMonitorReader"
REGIONS = ("eu-west-1", "us-east-1")
# Addresses taken per subnet of the member with the role, different in each region so a mix-up shows.
FILLS = {"eu-west-1": {"tasks-a": 50, "tasks-b": 3}, "us-east-1": {"tasks-a": 20, "tasks-b": 57}}


def member_session(account_id: str, region: str) -> boto3.Session:
    """A session in account_id (the emulator's per-account state), as the account's own administrator."""
    credentials = boto3.client("sts", region_name=region).assume_role(
        RoleArn=f"arn:aws:iam::{account_id}:role/seed", RoleSessionName="seed"
    )["Credentials"]
    return boto3.Session(
        aws_access_key_id=credentials["AccessKeyId"],
        aws_secret_access_key=credentials["SecretAccessKey"],
        aws_session_token=credentials["SessionToken"],
        region_name=region,
    )


def create_reader_role(account_id: str, region: str, role_name: str = READER_ROLE) -> None:
    """The member stack's reader role, as far as the emulator needs it (its name; moto does not evaluate trust)."""
    trust = {
        "Version": "2012-10-17",
        "Statement": [
            {"Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{HUB_ACCOUNT}:root"}, "Action": "sts:AssumeRole"}
        ],
    }
    member_session(account_id, region).client("iam").create_role(
        RoleName=role_name, AssumeRolePolicyDocument=json.dumps(trust)
    )


@dataclass
class MemberNetwork:
    """One member's VPC in one region: subnet ids by name, and how many addresses each should have free."""

    account_id: str
    region: str
    vpc_id: str
    subnets: dict[str, str] = field(default_factory=dict)
    free: dict[str, int] = field(default_factory=dict)
    availability_zones: dict[str, str] = field(default_factory=dict)


def seed_member_network(account_id: str, region: str, fills: dict[str, int]) -> MemberNetwork:
    """A /16 VPC with one /26 (59 usable) per name in fills, each with that many interfaces created."""
    ec2 = member_session(account_id, region).client("ec2")
    vpc_id = ec2.create_vpc(CidrBlock="10.40.0.0/16")["Vpc"]["VpcId"]
    network = MemberNetwork(account_id, region, vpc_id)
    for index, (name, taken) in enumerate(sorted(fills.items())):
        az = f"{region}{'abc'[index % 3]}"
        subnet_id = ec2.create_subnet(VpcId=vpc_id, CidrBlock=f"10.40.{index}.0/26", AvailabilityZone=az)["Subnet"][
            "SubnetId"
        ]
        for _ in range(taken):
            ec2.create_network_interface(SubnetId=subnet_id)
        network.subnets[name] = subnet_id
        network.free[name] = 59 - taken
        network.availability_zones[name] = az
    return network


def deny_missing_reader_roles(sts: Any) -> None:
    """Make sts (the hub's client) answer AssumeRole with AccessDenied when the member has no such role."""
    sts.meta.events.register("before-call.sts.AssumeRole", _deny_unless_role_exists, unique_id="deny-missing-roles")


def _deny_unless_role_exists(params: dict[str, Any], **_: Any) -> tuple[AWSResponse, dict[str, Any]] | None:
    from moto.iam.models import iam_backends

    role_arn = params["body"]["RoleArn"]
    account_id, role_name = role_arn.split(":")[4], role_arn.rsplit("/", 1)[1]
    if role_name in {role.name for role in iam_backends[account_id]["global"].roles.values()}:
        return None
    message = (
        f"User: arn:aws:sts::{HUB_ACCOUNT}:assumed-role/collector/local is not authorized to perform: "
        f"sts:AssumeRole on resource: {role_arn}"
    )
    response = AWSResponse(role_arn, 403, {}, None)  # type: ignore[arg-type]
    return response, {
        "Error": {"Code": "AccessDenied", "Message": message},
        "ResponseMetadata": {"HTTPStatusCode": 403},
    }


def dispatch_and_work(collector: str, handler: Any, dispatcher: Any, context: Any) -> tuple[dict[str, Any], int]:
    """One schedule: the dispatcher's messages on a fresh queue, each handed to the collector as Lambda's SQS
    event source would with batch size 1; return the dispatcher's answer and how many records were retried."""
    sqs = boto3.client("sqs", region_name=HUB_REGION)
    queue_url = sqs.create_queue(QueueName=f"{collector}-work")["QueueUrl"]
    sent = dispatcher({"collector": collector, "queueUrl": queue_url, "periodMinutes": 5}, context)
    retried = 0
    while batch := sqs.receive_message(QueueUrl=queue_url, MaxNumberOfMessages=10).get("Messages", []):
        for message in batch:
            record = {"messageId": message["MessageId"], "body": message["Body"], "eventSource": "aws:sqs"}
            retried += len(handler({"Records": [record]}, context)["batchItemFailures"])
            sqs.delete_message(QueueUrl=queue_url, ReceiptHandle=message["ReceiptHandle"])
    return sent, retried


def hub_environment() -> dict[str, str]:
    """The hub-mode keys of the collectors and the dispatcher: both members, every region, no scope filter."""
    return {
        MONITOR_MODE: MODE_HUB,
        READER_ROLE_NAME: READER_ROLE,
        # Set where a test or the demo makes the table (create_failure_streak_table); "" keeps no streaks.
        FAILURE_STREAK_TABLE: "",
        # The hub's census bucket (the ECS collector writes its deployment fit there when it finds services).
        SNAPSHOT_BUCKET: "hub-census",
        VPC_IDS: "",
        MEMBER_ACCOUNTS: f"{MEMBER_WITH_ROLE},{MEMBER_WITHOUT_ROLE}",
        ORGANIZATION_UNIT_IDS: "",
        MONITOR_REGIONS: ",".join(REGIONS),
    }


def seed_members(hub_sts: Any) -> dict[str, MemberNetwork]:
    """The member with the role (a network in each region, FILLS), the one without, and the hub's STS answering
    as AWS would for the missing role; return the first member's networks by region."""
    create_reader_role(MEMBER_WITH_ROLE, HUB_REGION)
    networks = {region: seed_member_network(MEMBER_WITH_ROLE, region, FILLS[region]) for region in REGIONS}
    seed_member_network(MEMBER_WITHOUT_ROLE, HUB_REGION, {"tasks-a": 10})
    deny_missing_reader_roles(hub_sts)
    return networks


def seed_member_cluster() -> None:
    """The scenario's ECS cluster (7 ENI tasks on 14 slots) in the member with the role, in the hub's region."""
    member = member_session(MEMBER_WITH_ROLE, HUB_REGION)
    network = seed_network(member.client("ec2"))
    seed_orders_cluster(member.client("ec2"), member.client("ecs"), network)


def create_failure_streak_table(dynamodb: Any) -> str:
    """The hub's failure-streak table as the stack makes it (key "target"); return its name."""
    dynamodb.create_table(
        TableName="failure-streaks",
        KeySchema=[{"AttributeName": STREAK_KEY, "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": STREAK_KEY, "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
    )
    return "failure-streaks"
