"""An ECS task stopped because its subnet had no free IPv4 address for the task's ENI."""

from __future__ import annotations

from aws_lambda_powertools.utilities.parser.models import EventBridgeModel
from pydantic import Field

from lambdas.core.network import ENI_ATTACHMENT_TYPES
from lambdas.events.model import Attachment, Detail, EventKind, EventOrigin, Incident, first_subnet_id, resource_name

REASON = "SubnetAddressesExhausted"
# The EC2 error ECS surfaces in stoppedReason: "Unexpected EC2 error while attempting to Create Network
# Interface in subnet '…': InsufficientFreeAddressesInSubnet". The handler checks it again regardless of case.
EC2_ERROR = "InsufficientFreeAddressesInSubnet"


class TaskDetail(Detail):
    """`detail` of ECS Task State Change."""

    cluster_arn: str = Field(alias="clusterArn")
    task_arn: str = Field(alias="taskArn")
    last_status: str = Field(alias="lastStatus")
    stopped_reason: str | None = Field(default=None, alias="stoppedReason")
    task_definition_arn: str | None = Field(default=None, alias="taskDefinitionArn")
    group: str | None = None
    launch_type: str | None = Field(default=None, alias="launchType")
    availability_zone: str | None = Field(default=None, alias="availabilityZone")
    attachments: list[Attachment] = Field(default_factory=list)


class TaskStateChange(EventBridgeModel):
    """ECS Task State Change."""

    detail: TaskDetail


def classify(event: TaskStateChange) -> Incident | None:
    """A STOPPED task whose stoppedReason is the EC2 no-free-addresses error."""
    detail = event.detail
    reason = detail.stopped_reason or ""
    if detail.last_status != "STOPPED" or EC2_ERROR.lower() not in reason.lower():
        return None
    group = detail.group
    eni_subnets = [
        d.value for a in detail.attachments if a.type in ENI_ATTACHMENT_TYPES for d in a.details if d.name == "subnetId"
    ]
    return Incident(
        reason=REASON,
        origin=EventOrigin.of(event),
        aws_message=reason,
        cluster=resource_name(detail.cluster_arn),
        service=group.removeprefix("service:") if group and group.startswith("service:") else None,
        task_group=group,
        task_definition=resource_name(detail.task_definition_arn) if detail.task_definition_arn else None,
        launch_type=detail.launch_type,
        subnet_id=first_subnet_id(reason) or next((s for s in eni_subnets if s), None),
        availability_zone=detail.availability_zone,
    )


KIND = EventKind(
    rule_id="TaskStoppedNoAddresses",
    reason=REASON,
    service="ECS",
    title="tasks stopped for lack of subnet addresses",
    pattern={
        "source": ["aws.ecs"],
        "detail-type": ["ECS Task State Change"],
        "detail": {"lastStatus": ["STOPPED"], "stoppedReason": [{"wildcard": f"*{EC2_ERROR}*"}]},
    },
    model=TaskStateChange,
    classify=classify,
    subject=lambda incident, subnet: f"ECS task could not start: subnet {subnet} is out of IP addresses",
    what_happened=(
        "An ECS task stopped before it started: ECS could not create its network interface because the subnet "
        "has no free IPv4 address. A service keeps retrying, and every retry fails the same way until addresses "
        "are freed."
    ),
    remedies=(
        "Free addresses now: delete network interfaces left in the 'available' state in this subnet "
        "(EC2 > Network Interfaces, filter by subnet) and stop tasks you do not need.",
        "Give the service more room: add a subnet with free addresses to its network configuration "
        "(awsvpcConfiguration subnets) and update the service.",
        "For good: add a larger subnet, or a secondary CIDR block to the VPC and new subnets from it.",
        "Watch the subnet on the monitor's dashboard (AvailableIpAddressCount).",
    ),
)
