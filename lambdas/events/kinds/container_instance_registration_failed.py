"""An ECS container instance failed to register, most often because its trunk ENI could not be created.

REGISTRATION_FAILED is sent for any trunk failure. The statusReason says which; AWS does not document its
wording, so it is read by keywords: no free address for the trunk (its subnet is full), an instance type
that does not support trunking, or another trunk failure. All three keep the Reason (the metric contract);
the email's story differs (variants below).
"""

from __future__ import annotations

from aws_lambda_powertools.utilities.parser.models import EventBridgeModel
from pydantic import Field

from ..model import (
    Attachment,
    Detail,
    EventKind,
    EventOrigin,
    Incident,
    NameValue,
    Story,
    attribute,
    first_subnet_id,
    resource_name,
)

REASON = "ContainerInstanceRegistrationFailed"
REGISTRATION_FAILED = "REGISTRATION_FAILED"
SUBNET_ATTRIBUTE = "ecs.subnet-id"
AVAILABILITY_ZONE_ATTRIBUTE = "ecs.availability-zone"
NO_ADDRESSES = "no-addresses"
UNSUPPORTED_TYPE = "unsupported-type"
NO_ADDRESS_WORDS = ("free address", "insufficientfreeaddresses", "ip address")
UNSUPPORTED_WORDS = ("not support", "unsupported")


def why_registration_failed(status_reason: str | None) -> str | None:
    """The variant the statusReason points to, or None (another failure, or no reason given)."""
    text = (status_reason or "").lower()
    if any(word in text for word in NO_ADDRESS_WORDS):
        return NO_ADDRESSES
    if any(word in text for word in UNSUPPORTED_WORDS):
        return UNSUPPORTED_TYPE
    return None


class ContainerInstanceDetail(Detail):
    """`detail` of ECS Container Instance State Change (a ContainerInstance object)."""

    cluster_arn: str = Field(alias="clusterArn")
    container_instance_arn: str = Field(alias="containerInstanceArn")
    status: str
    status_reason: str | None = Field(default=None, alias="statusReason")
    ec2_instance_id: str | None = Field(default=None, alias="ec2InstanceId")
    attributes: list[NameValue] = Field(default_factory=list)
    attachments: list[Attachment] = Field(default_factory=list)


class ContainerInstanceStateChange(EventBridgeModel):
    """ECS Container Instance State Change."""

    detail: ContainerInstanceDetail


def classify(event: ContainerInstanceStateChange) -> Incident | None:
    """Any REGISTRATION_FAILED instance: the statusReason (when AWS sends one) says why."""
    detail = event.detail
    if detail.status != REGISTRATION_FAILED:
        return None
    message = detail.status_reason or "(the event carries no statusReason)"
    return Incident(
        reason=REASON,
        origin=EventOrigin.of(event),
        aws_message=message,
        cluster=resource_name(detail.cluster_arn),
        container_instance=resource_name(detail.container_instance_arn),
        ec2_instance_id=detail.ec2_instance_id,
        subnet_id=attribute(detail.attributes, SUBNET_ATTRIBUTE) or first_subnet_id(message),
        availability_zone=attribute(detail.attributes, AVAILABILITY_ZONE_ATTRIBUTE),
        variant=why_registration_failed(detail.status_reason),
    )


def subject(incident: Incident, subnet: str) -> str:
    """Names the instance and the cluster it could not join."""
    instance = incident.ec2_instance_id or incident.container_instance
    return f"ECS instance {instance} failed to register in cluster {incident.cluster}"


KIND = EventKind(
    rule_id="ContainerInstanceRegistrationFailed",
    reason=REASON,
    service="ECS",
    title="container instances that failed to register",
    pattern={
        "source": ["aws.ecs"],
        "detail-type": ["ECS Container Instance State Change"],
        "detail": {"status": [REGISTRATION_FAILED]},
    },
    model=ContainerInstanceStateChange,
    classify=classify,
    subject=subject,
    what_happened=(
        "A container instance failed to register with the cluster (REGISTRATION_FAILED), most often because its "
        "trunk network interface could not be created. It runs no tasks."
    ),
    remedies=(
        "Read 'AWS said' above: it is the instance's statusReason.",
        "If it names free addresses or the trunk network interface, the instance's subnet has no address for "
        "the trunk: free addresses there or move the Auto Scaling group to subnets with room.",
        "If the instance type does not support trunking, use a type that does (ECS Developer Guide: the "
        "instance types that support ENI trunking).",
        "Terminate the failed instance so its Auto Scaling group replaces it: it cannot run tasks.",
    ),
    variants={
        NO_ADDRESSES: Story(
            subject=lambda incident, subnet: (
                f"ECS instance {incident.ec2_instance_id or incident.container_instance} got no trunk address: "
                f"{subnet} is full"
            ),
            what_happened=(
                "A container instance failed to register (REGISTRATION_FAILED) because its trunk network interface "
                "could not get an address: the instance's subnet has none free. The instance runs no tasks, and "
                "every replacement launched into the same subnet fails the same way."
            ),
            remedies=(
                "Free addresses in the instance's subnet (interfaces left 'available', tasks you do not need).",
                "Move the Auto Scaling group (or capacity provider) to subnets with room; keep task subnets apart "
                "from instance subnets so tasks cannot starve the trunks.",
                "Terminate the failed instance once there is room, so its group replaces it.",
            ),
        ),
        UNSUPPORTED_TYPE: Story(
            subject=lambda incident, subnet: (
                f"ECS instance {incident.ec2_instance_id or incident.container_instance} failed to register: "
                "its type does not support ENI trunking"
            ),
            what_happened=(
                "A container instance failed to register (REGISTRATION_FAILED) because awsvpcTrunking is on for "
                "the role that registers it but its instance type cannot have a trunk network interface. It runs "
                "no tasks. This is not an address shortage."
            ),
            remedies=(
                "Use an instance type that supports trunking (ECS Developer Guide's list: c5, m5, m6i, … families).",
                "Or turn awsvpcTrunking off for the role that registers these instances, if they need no trunk.",
                "Terminate the failed instance so its Auto Scaling group replaces it with the new type.",
            ),
        ),
    },
)
