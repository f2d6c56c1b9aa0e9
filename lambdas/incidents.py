"""Pure classification: which exhaustion failure an event reports, where, and which incident it belongs to."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from lambdas.eni import ENI_ATTACHMENT_TYPES
from lambdas.exhaustion_events import (
    ContainerInstanceStateChange,
    ExhaustionEvent,
    LaunchUnsuccessful,
    NameValue,
    ServiceAction,
    TaskStateChange,
)

# The EC2 error ECS surfaces in stoppedReason: "... Create Network Interface in subnet 'subnet-…' ...:
# InsufficientFreeAddressesInSubnet". Matched case-insensitively, as are the Auto Scaling wordings.
TASK_NO_ADDRESSES = "insufficientfreeaddressesinsubnet"
AUTOSCALING_NO_ADDRESSES = "free addresses"
REGISTRATION_FAILED = "REGISTRATION_FAILED"
PLACEMENT_FAILURE = "SERVICE_TASK_PLACEMENT_FAILURE"
RESOURCE_ENI = "RESOURCE:ENI"
SUBNET_ID = re.compile(r"\bsubnet-[0-9a-f]{8,17}\b")
SUBNET_ATTRIBUTE = "ecs.subnet-id"


class Reason(StrEnum):
    """The `Reason` dimension of IpExhaustionEvents."""

    SUBNET_ADDRESSES_EXHAUSTED = "SubnetAddressesExhausted"
    CONTAINER_INSTANCE_REGISTRATION_FAILED = "ContainerInstanceRegistrationFailed"
    TASK_PLACEMENT_ENI_EXHAUSTED = "TaskPlacementEniExhausted"
    AUTOSCALING_LAUNCH_NO_ADDRESSES = "AutoScalingLaunchNoAddresses"


@dataclass(frozen=True)
class EventOrigin:
    """Which event reported the incident, from where and when."""

    event_id: str
    account: str
    region: str
    time: datetime


@dataclass(frozen=True)
class Incident:
    """One exhaustion failure, with everything the email names; None where the event does not say."""

    reason: Reason
    origin: EventOrigin
    aws_message: str
    cluster: str | None = None
    service: str | None = None
    task_group: str | None = None  # "service:x" or "family:y" for tasks not started by a service
    task_definition: str | None = None
    launch_type: str | None = None
    container_instance: str | None = None
    ec2_instance_id: str | None = None
    auto_scaling_group: str | None = None
    subnet_id: str | None = None
    availability_zone: str | None = None

    @property
    def dedupe_key(self) -> str:
        """At most one email per (reason, cluster, service or group, subnet) per window."""
        owner = self.service or self.auto_scaling_group or self.task_group
        return "|".join((self.reason.value, self.cluster or "-", owner or "-", self.subnet_id or "-"))


def resource_name(arn: str) -> str:
    """Last path part of an ARN: cluster/prod -> prod, service/prod/web -> web, task-definition/web:3 -> web:3."""
    return arn.rsplit("/", 1)[-1] if "/" in arn else arn.rsplit(":", 1)[-1]


def classify(event: ExhaustionEvent) -> Incident | None:
    """The incident an event reports, or None for an event that matched a rule but is not an exhaustion failure."""
    if isinstance(event, TaskStateChange):
        return _task_incident(event)
    if isinstance(event, ContainerInstanceStateChange):
        return _registration_incident(event)
    if isinstance(event, ServiceAction):
        return _placement_incident(event)
    return _launch_incident(event)


def _origin(event: ExhaustionEvent) -> EventOrigin:
    return EventOrigin(event.id, event.account, event.region, event.time)


def _task_incident(event: TaskStateChange) -> Incident | None:
    detail = event.detail
    reason = detail.stopped_reason or ""
    if detail.last_status != "STOPPED" or TASK_NO_ADDRESSES not in reason.lower():
        return None
    group = detail.group
    eni_subnets = [
        d.value for a in detail.attachments if a.type in ENI_ATTACHMENT_TYPES for d in a.details if d.name == "subnetId"
    ]
    subnet = _first_subnet_id(reason) or next((s for s in eni_subnets if s), None)
    return Incident(
        reason=Reason.SUBNET_ADDRESSES_EXHAUSTED,
        origin=_origin(event),
        aws_message=reason,
        cluster=resource_name(detail.cluster_arn),
        service=group.removeprefix("service:") if group and group.startswith("service:") else None,
        task_group=group,
        task_definition=resource_name(detail.task_definition_arn) if detail.task_definition_arn else None,
        launch_type=detail.launch_type,
        subnet_id=subnet,
        availability_zone=detail.availability_zone,
    )


def _registration_incident(event: ContainerInstanceStateChange) -> Incident | None:
    detail = event.detail
    if detail.status != REGISTRATION_FAILED:
        return None
    message = detail.status_reason or "(the event carries no statusReason)"
    return Incident(
        reason=Reason.CONTAINER_INSTANCE_REGISTRATION_FAILED,
        origin=_origin(event),
        aws_message=message,
        cluster=resource_name(detail.cluster_arn),
        container_instance=resource_name(detail.container_instance_arn),
        ec2_instance_id=detail.ec2_instance_id,
        subnet_id=_attribute(detail.attributes, SUBNET_ATTRIBUTE) or _first_subnet_id(message),
        availability_zone=_attribute(detail.attributes, "ecs.availability-zone"),
    )


def _placement_incident(event: ServiceAction) -> Incident | None:
    detail = event.detail
    if detail.event_name != PLACEMENT_FAILURE or detail.reason != RESOURCE_ENI:
        return None
    service_arn = next((r for r in event.resources if ":service/" in r), None)
    return Incident(
        reason=Reason.TASK_PLACEMENT_ENI_EXHAUSTED,
        origin=_origin(event),
        aws_message=f"{detail.event_name}: {detail.reason}",
        cluster=resource_name(detail.cluster_arn),
        service=resource_name(service_arn) if service_arn else None,
    )


def _launch_incident(event: LaunchUnsuccessful) -> Incident | None:
    detail = event.detail
    # The rule's wildcard is case-sensitive; AWS words this both "insufficient free addresses" and
    # "not enough free addresses", so the text is checked again here regardless of case.
    message = detail.status_message or ""
    if AUTOSCALING_NO_ADDRESSES not in message.lower():
        return None
    return Incident(
        reason=Reason.AUTOSCALING_LAUNCH_NO_ADDRESSES,
        origin=_origin(event),
        aws_message=message,
        auto_scaling_group=detail.auto_scaling_group_name,
        subnet_id=detail.details.subnet_id or _first_subnet_id(message),
        availability_zone=detail.details.availability_zone,
    )


def _first_subnet_id(text: str) -> str | None:
    match = SUBNET_ID.search(text)
    return match.group(0) if match else None


def _attribute(attributes: list[NameValue], name: str) -> str | None:
    return next((a.value for a in attributes if a.name == name and a.value), None)
