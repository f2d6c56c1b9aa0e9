"""An ECS container instance failed to register, most often because its trunk ENI could not be created."""

from __future__ import annotations

from aws_lambda_powertools.utilities.parser.models import EventBridgeModel
from pydantic import Field

from lambdas.events.model import (
    Attachment,
    Detail,
    EventKind,
    EventOrigin,
    Incident,
    NameValue,
    attribute,
    first_subnet_id,
    resource_name,
)

REASON = "ContainerInstanceRegistrationFailed"
REGISTRATION_FAILED = "REGISTRATION_FAILED"
SUBNET_ATTRIBUTE = "ecs.subnet-id"
AVAILABILITY_ZONE_ATTRIBUTE = "ecs.availability-zone"


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
        "If the instance type does not support trunking, use a type that does (README, trunk table).",
        "Terminate the failed instance so its Auto Scaling group replaces it: it cannot run tasks.",
    ),
)
