"""An ECS service deployment started whose new tasks will not fit in the service's subnets.

ECS sends "ECS Deployment State Change" with eventName SERVICE_DEPLOYMENT_IN_PROGRESS when a deployment (or
its rollback) starts; the event names the service (in `resources`) and the deployment, not its size. The
handler checks the fit at once (lambdas/domain/deployments.py, reads in the event's account and region) and
counts and emails only a deployment that will not fit: one warning per deployment.
Source of the shape: Amazon ECS Developer Guide, "Amazon ECS service deployment state change events".
"""

from __future__ import annotations

from aws_lambda_powertools.utilities.parser.models import EventBridgeModel
from pydantic import Field

from ..model import Detail, EventKind, EventOrigin, Incident

REASON = "DeploymentWillNotFit"
IN_PROGRESS = "SERVICE_DEPLOYMENT_IN_PROGRESS"
# A service ARN without its cluster (the old ARN format: service/<name>) is in the default cluster.
DEFAULT_CLUSTER = "default"


class DeploymentDetail(Detail):
    """`detail` of ECS Deployment State Change."""

    event_name: str = Field(alias="eventName")
    deployment_id: str = Field(alias="deploymentId")
    reason: str | None = None


class DeploymentStateChange(EventBridgeModel):
    """ECS Deployment State Change."""

    detail: DeploymentDetail


def classify(event: DeploymentStateChange) -> Incident | None:
    """A deployment starting: a candidate, counted only if the handler finds it will not fit."""
    detail = event.detail
    service_arn = next((r for r in event.resources if ":service/" in r), None)
    if detail.event_name != IN_PROGRESS or service_arn is None:
        return None
    path = service_arn.split(":service/", 1)[1].split("/")
    cluster, service = (path[0], path[1]) if len(path) > 1 else (DEFAULT_CLUSTER, path[0])
    return Incident(
        reason=REASON,
        origin=EventOrigin.of(event),
        aws_message=f"{detail.event_name}: {detail.reason or detail.deployment_id}",
        cluster=cluster,
        service=service,
        deployment_id=detail.deployment_id,
    )


def subject(incident: Incident, subnet: str) -> str:
    """Names the service and the shortfall (the deployment id is in the body: it is long)."""
    return (
        f"ECS deployment of {incident.service} will not fit: "
        f"{incident.fit_summary or 'its subnets are short of addresses'}"
    )


KIND = EventKind(
    rule_id="DeploymentWillNotFit",
    reason=REASON,
    service="ECS",
    title="deployments that will not fit",
    pattern={
        "source": ["aws.ecs"],
        "detail-type": ["ECS Deployment State Change"],
        "detail": {"eventName": [IN_PROGRESS]},
    },
    model=DeploymentStateChange,
    classify=classify,
    subject=subject,
    what_happened=(
        "An ECS deployment of the service has just started, and its new tasks need more addresses than its "
        "subnets have free (a rolling update starts up to maximumPercent of the desired count before it stops "
        "old tasks; blue/green starts a whole task set). Tasks that find no address stop with "
        "InsufficientFreeAddressesInSubnet and the deployment stalls or rolls back."
    ),
    remedies=(
        "Watch the deployment (its events and rolloutState): aws ecs describe-services --cluster {cluster} "
        "--services {service}",
        "Make room now: delete interfaces attached to nothing in its subnets (the monitor's census lists them), "
        "or stop tasks you do not need during the rollout.",
        "For this deployment, lower maximumPercent so fewer new tasks start before old ones stop: aws ecs "
        "update-service --cluster {cluster} --service {service} --deployment-configuration "
        "maximumPercent=150,minimumHealthyPercent=50",
        "For the next ones, add subnets (more Availability Zones) to the service or size them for the peak: "
        "{plan_command}",
    ),
)
