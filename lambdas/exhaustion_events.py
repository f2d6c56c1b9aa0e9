"""Typed models of the four EventBridge events the rules deliver, and parsing raw input into them.

The models name only the fields this project reads; AWS adds fields over time, so extra fields are
ignored rather than rejected. Without the resource that says where (cluster, task, container instance,
Auto Scaling group) an event is unparsable; a missing reason text only means it reports no exhaustion.
"""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.utilities.parser import parse
from aws_lambda_powertools.utilities.parser.models import EventBridgeModel
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from lambdas.errors import UnparsableEvent

ECS_SOURCE = "aws.ecs"
AUTOSCALING_SOURCE = "aws.autoscaling"
TASK_STATE_CHANGE = "ECS Task State Change"
CONTAINER_INSTANCE_STATE_CHANGE = "ECS Container Instance State Change"
SERVICE_ACTION = "ECS Service Action"
INSTANCE_LAUNCH_UNSUCCESSFUL = "EC2 Instance Launch Unsuccessful"


class _Detail(BaseModel):
    model_config = ConfigDict(extra="ignore", populate_by_name=True, frozen=True)


class NameValue(_Detail):
    """An attachment detail or container-instance attribute (value may be absent)."""

    name: str
    value: str | None = None


class Attachment(_Detail):
    """An ENI (or other) attachment; tasks say type "eni" in events and "ElasticNetworkInterface" in APIs."""

    type: str | None = None
    details: list[NameValue] = []


class TaskDetail(_Detail):
    """`detail` of ECS Task State Change."""

    cluster_arn: str = Field(alias="clusterArn")
    task_arn: str = Field(alias="taskArn")
    last_status: str = Field(alias="lastStatus")
    stopped_reason: str | None = Field(default=None, alias="stoppedReason")
    task_definition_arn: str | None = Field(default=None, alias="taskDefinitionArn")
    group: str | None = None
    launch_type: str | None = Field(default=None, alias="launchType")
    availability_zone: str | None = Field(default=None, alias="availabilityZone")
    attachments: list[Attachment] = []


class ContainerInstanceDetail(_Detail):
    """`detail` of ECS Container Instance State Change (a ContainerInstance object)."""

    cluster_arn: str = Field(alias="clusterArn")
    container_instance_arn: str = Field(alias="containerInstanceArn")
    status: str
    status_reason: str | None = Field(default=None, alias="statusReason")
    ec2_instance_id: str | None = Field(default=None, alias="ec2InstanceId")
    attributes: list[NameValue] = []
    attachments: list[Attachment] = []


class ServiceActionDetail(_Detail):
    """`detail` of ECS Service Action; the service ARN is in the event's `resources`."""

    cluster_arn: str = Field(alias="clusterArn")
    event_name: str = Field(alias="eventName")
    reason: str | None = None  # absent on INFO events such as SERVICE_STEADY_STATE
    event_type: str | None = Field(default=None, alias="eventType")


class LaunchDetails(_Detail):
    """The `Details` object of an Auto Scaling activity."""

    subnet_id: str | None = Field(default=None, alias="Subnet ID")
    availability_zone: str | None = Field(default=None, alias="Availability Zone")


class LaunchUnsuccessfulDetail(_Detail):
    """`detail` of Auto Scaling's EC2 Instance Launch Unsuccessful."""

    auto_scaling_group_name: str = Field(alias="AutoScalingGroupName")
    status_message: str | None = Field(default=None, alias="StatusMessage")
    cause: str | None = Field(default=None, alias="Cause")
    details: LaunchDetails = Field(default_factory=LaunchDetails, alias="Details")


class TaskStateChange(EventBridgeModel):
    """ECS Task State Change."""

    detail: TaskDetail


class ContainerInstanceStateChange(EventBridgeModel):
    """ECS Container Instance State Change."""

    detail: ContainerInstanceDetail


class ServiceAction(EventBridgeModel):
    """ECS Service Action."""

    detail: ServiceActionDetail


class LaunchUnsuccessful(EventBridgeModel):
    """Auto Scaling EC2 Instance Launch Unsuccessful."""

    detail: LaunchUnsuccessfulDetail


ExhaustionEvent = TaskStateChange | ContainerInstanceStateChange | ServiceAction | LaunchUnsuccessful

MODELS: dict[tuple[str, str], type[ExhaustionEvent]] = {
    (ECS_SOURCE, TASK_STATE_CHANGE): TaskStateChange,
    (ECS_SOURCE, CONTAINER_INSTANCE_STATE_CHANGE): ContainerInstanceStateChange,
    (ECS_SOURCE, SERVICE_ACTION): ServiceAction,
    (AUTOSCALING_SOURCE, INSTANCE_LAUNCH_UNSUCCESSFUL): LaunchUnsuccessful,
}


def event_id(raw: object) -> str:
    """The EventBridge id of raw, or a placeholder that says it had none."""
    if isinstance(raw, dict) and isinstance(raw.get("id"), str) and raw["id"]:
        return str(raw["id"])
    return "(no id)"


def parse_exhaustion_event(raw: Any) -> ExhaustionEvent:
    """Validate raw into the model its source and detail-type name; raise UnparsableEvent saying why."""
    identifier = event_id(raw)
    if not isinstance(raw, dict):
        raise UnparsableEvent(identifier, f"expected a JSON object, got {type(raw).__name__}")
    model = MODELS.get((str(raw.get("source")), str(raw.get("detail-type"))))
    if model is None:
        raise UnparsableEvent(
            identifier, f"unexpected source/detail-type {raw.get('source')!r}/{raw.get('detail-type')!r}"
        )
    try:
        return parse(event=raw, model=model)
    except ValidationError as err:
        problems = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in err.errors()[:5])
        raise UnparsableEvent(identifier, f"{model.__name__} does not validate: {problems}") from err
