"""An ECS service could not place a task: no container instance had a free task-ENI slot (RESOURCE:ENI)."""

from __future__ import annotations

from aws_lambda_powertools.utilities.parser.models import EventBridgeModel
from pydantic import Field

from ..model import Detail, EventKind, EventOrigin, Incident, resource_name

REASON = "TaskPlacementEniExhausted"
PLACEMENT_FAILURE = "SERVICE_TASK_PLACEMENT_FAILURE"
RESOURCE_ENI = "RESOURCE:ENI"


class ServiceActionDetail(Detail):
    """`detail` of ECS Service Action; the service ARN is in the event's `resources`."""

    cluster_arn: str = Field(alias="clusterArn")
    event_name: str = Field(alias="eventName")
    reason: str | None = None  # absent on INFO events such as SERVICE_STEADY_STATE
    event_type: str | None = Field(default=None, alias="eventType")


class ServiceAction(EventBridgeModel):
    """ECS Service Action."""

    detail: ServiceActionDetail


def classify(event: ServiceAction) -> Incident | None:
    """A placement failure whose reason is RESOURCE:ENI."""
    detail = event.detail
    if detail.event_name != PLACEMENT_FAILURE or detail.reason != RESOURCE_ENI:
        return None
    service_arn = next((r for r in event.resources if ":service/" in r), None)
    return Incident(
        reason=REASON,
        origin=EventOrigin.of(event),
        aws_message=f"{detail.event_name}: {detail.reason}",
        cluster=resource_name(detail.cluster_arn),
        service=resource_name(service_arn) if service_arn else None,
    )


def subject(incident: Incident, subnet: str) -> str:
    """Names the service and its cluster."""
    return (
        f"ECS service {incident.service or '(unknown)'} cannot place tasks: cluster {incident.cluster} is out of ENIs"
    )


KIND = EventKind(
    rule_id="ServiceTaskPlacementEni",
    reason=REASON,
    service="ECS",
    title="RESOURCE:ENI placement failures",
    pattern={
        "source": ["aws.ecs"],
        "detail-type": ["ECS Service Action"],
        "detail": {"eventName": [PLACEMENT_FAILURE], "reason": [RESOURCE_ENI]},
    },
    model=ServiceAction,
    classify=classify,
    subject=subject,
    what_happened=(
        "The ECS service could not place a task: no container instance of the cluster has a free network "
        "interface slot (RESOURCE:ENI). Its tasks wait in PROVISIONING or are not started."
    ),
    remedies=(
        "Every container instance of the cluster has used its task network interface slots (without a trunk an "
        "instance holds MaximumNetworkInterfaces - 1 awsvpc tasks, 2 on a c5.large), even if CPU and memory are free.",
        "Add container instances: raise the Auto Scaling group's or capacity provider's maximum.",
        "Enable ENI trunking for the role that registers the instances (aws ecs put-account-setting-default "
        "--name awsvpcTrunking --value enabled), then replace the instances with an instance refresh: only "
        "instances launched after the opt-in get a trunk (10 tasks on a c5.large).",
        "Check the cluster's EniUtilization and UntrunkedInstances on the monitor's dashboard.",
    ),
)
