"""An ECS task stopped because EC2 would not create its network interface: a full subnet, or another EC2 error.

ECS writes the failure as "Unexpected EC2 error while attempting to Create Network Interface in subnet
'<id>': <EC2 error code>" (Fargate: "… Create Network Interface with public IP assignment enabled in subnet
…"; some events leave the id empty, "in subnet ''"). InsufficientFreeAddressesInSubnet is a full subnet.
Any other code is EniCreationFailed, unless the subnet, looked up when the event is handled, is at or below
the free-address floor: EC2 has answered InvalidParameterValue ("There aren't sufficient free Ipv4 addresses
or prefixes") for a full subnet too (tests/events/README.md names the reports).
"""

from __future__ import annotations

import re

from aws_lambda_powertools.utilities.parser.models import EventBridgeModel
from pydantic import Field

from ...domain.network import ENI_ATTACHMENT_TYPES
from ..model import (
    Attachment,
    Detail,
    EventKind,
    EventOrigin,
    Incident,
    Story,
    first_subnet_id,
    resource_name,
)

REASON = "SubnetAddressesExhausted"
ENI_CREATION_FAILED = "EniCreationFailed"
ENI_ERROR_PREFIX = "Unexpected EC2 error while attempting to Create Network Interface"
# The code of a full subnet; the handler checks it again regardless of case.
EC2_ERROR = "InsufficientFreeAddressesInSubnet"
# The EC2 error code ends the message: "…: InvalidParameterValue" (a trailing period tolerated).
TRAILING_CODE = re.compile(r":\s*([A-Za-z][A-Za-z0-9.]*?)\.?\s*$")


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
    """A STOPPED task whose network interface EC2 would not create; None for any other stop."""
    detail = event.detail
    reason = detail.stopped_reason or ""
    full = EC2_ERROR.lower() in reason.lower()
    if detail.last_status != "STOPPED" or not (full or reason.startswith(ENI_ERROR_PREFIX)):
        return None
    group = detail.group
    return Incident(
        reason=REASON if full else ENI_CREATION_FAILED,
        origin=EventOrigin.of(event),
        aws_message=reason,
        cluster=resource_name(detail.cluster_arn),
        service=_service_name(group),
        task_group=group,
        task_definition=resource_name(detail.task_definition_arn) if detail.task_definition_arn else None,
        launch_type=detail.launch_type,
        subnet_id=first_subnet_id(reason) or _attached_subnet_id(detail),
        availability_zone=detail.availability_zone,
        ec2_error_code=_ec2_error_code(reason, full=full),
        if_subnet_full=None if full else REASON,
    )


def _ec2_error_code(reason: str, *, full: bool) -> str:
    """The EC2 error the stop reason ends with ("unknown" when it names none)."""
    if full:
        return EC2_ERROR
    match = TRAILING_CODE.search(reason)
    return match.group(1) if match else "unknown"


def _service_name(group: str | None) -> str | None:
    """The service of a task group "service:<name>"; None for a task started on its own."""
    return group.removeprefix("service:") if group and group.startswith("service:") else None


def _attached_subnet_id(detail: TaskDetail) -> str | None:
    """The subnet of the task's ENI attachment, when the stop reason names none."""
    subnets = (
        d.value for a in detail.attachments if a.type in ENI_ATTACHMENT_TYPES for d in a.details if d.name == "subnetId"
    )
    return next((s for s in subnets if s), None)


KIND = EventKind(
    rule_id="TaskStoppedNoAddresses",
    reason=REASON,
    service="ECS",
    title="tasks stopped because EC2 would not create their network interface",
    pattern={
        "source": ["aws.ecs"],
        "detail-type": ["ECS Task State Change"],
        "detail": {
            "lastStatus": ["STOPPED"],
            "stoppedReason": [{"prefix": ENI_ERROR_PREFIX}, {"wildcard": f"*{EC2_ERROR}*"}],
        },
    },
    model=TaskStateChange,
    classify=classify,
    subject=lambda incident, subnet: f"{subnet} is out of IP addresses: ECS task could not start",
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
    other_reasons={
        ENI_CREATION_FAILED: Story(
            subject=lambda incident, subnet: f"ECS task got no ENI in {subnet}: {incident.ec2_error_code}",
            what_happened=(
                "An ECS task stopped before it started: EC2 refused to create its network interface with an error "
                "other than 'no free addresses' (the code is under WHERE). A service keeps retrying; each retry "
                "fails the same way until the cause is fixed. AWS SAID ends with the subnet's free count when the "
                "event was handled."
            ),
            remedies=(
                "InvalidParameterValue with 'There aren't sufficient free Ipv4 addresses or prefixes': the subnet "
                "is (nearly) full after all; free addresses or give the service another subnet.",
                "AuthFailure or UnauthorizedOperation: the ECS service-linked role or the task's role lost its "
                "EC2 permissions; check the role and any service control policy.",
                "RequestLimitExceeded: EC2's API is throttling the account; ECS retries, but a deployment that "
                "starts many tasks at once can run into it repeatedly (lower the deployment's maximum percent).",
                "Anything else: look the code up in the EC2 API reference's error codes, and check the subnet and "
                "its security groups still exist.",
            ),
        )
    },
)
