"""An Auto Scaling group could not launch an instance because the subnet had no free IPv4 address."""

from __future__ import annotations

from aws_lambda_powertools.utilities.parser.models import EventBridgeModel
from pydantic import Field

from ..model import Detail, EventKind, EventOrigin, Incident, first_subnet_id

REASON = "AutoScalingLaunchNoAddresses"
# Auto Scaling words it "insufficient free addresses ..." or "There are not enough free addresses in
# subnet ...". Pattern wildcards are case-sensitive, so the rule lists both capitalisations and classify
# checks the text again regardless of case.
NO_ADDRESSES = "free addresses"


class LaunchDetails(Detail):
    """The `Details` object of an Auto Scaling activity."""

    subnet_id: str | None = Field(default=None, alias="Subnet ID")
    availability_zone: str | None = Field(default=None, alias="Availability Zone")


class LaunchUnsuccessfulDetail(Detail):
    """`detail` of Auto Scaling's EC2 Instance Launch Unsuccessful."""

    auto_scaling_group_name: str = Field(alias="AutoScalingGroupName")
    status_message: str | None = Field(default=None, alias="StatusMessage")
    cause: str | None = Field(default=None, alias="Cause")
    details: LaunchDetails = Field(default_factory=LaunchDetails, alias="Details")


class LaunchUnsuccessful(EventBridgeModel):
    """Auto Scaling EC2 Instance Launch Unsuccessful."""

    detail: LaunchUnsuccessfulDetail


def classify(event: LaunchUnsuccessful) -> Incident | None:
    """A failed launch whose StatusMessage says the subnet has no free addresses."""
    detail = event.detail
    message = detail.status_message or ""
    if NO_ADDRESSES not in message.lower():
        return None
    return Incident(
        reason=REASON,
        origin=EventOrigin.of(event),
        aws_message=message,
        auto_scaling_group=detail.auto_scaling_group_name,
        subnet_id=detail.details.subnet_id or first_subnet_id(message),
        availability_zone=detail.details.availability_zone,
    )


def subject(incident: Incident, subnet: str) -> str:
    """Names the group, what failed, then the subnet."""
    return f"Auto Scaling group {incident.auto_scaling_group} cannot launch: {subnet} is full"


KIND = EventKind(
    rule_id="AutoScalingLaunchNoAddresses",
    reason=REASON,
    service="Auto Scaling",
    title="Auto Scaling launches without addresses",
    pattern={
        "source": ["aws.autoscaling"],
        "detail-type": ["EC2 Instance Launch Unsuccessful"],
        "detail": {"StatusMessage": [{"wildcard": f"*{NO_ADDRESSES}*"}, {"wildcard": "*Free addresses*"}]},
    },
    model=LaunchUnsuccessful,
    classify=classify,
    subject=subject,
    what_happened=(
        "The Auto Scaling group could not launch an instance: the subnet has no free IPv4 address. The cluster "
        "does not grow, so tasks waiting for capacity stay pending."
    ),
    remedies=(
        "The group cannot launch instances in this subnet until addresses are free; it keeps retrying.",
        "Free addresses: delete network interfaces left in the 'available' state in this subnet.",
        "Add subnets with free addresses (another Availability Zone, or larger) to the group's subnets "
        "(VPCZoneIdentifier), or move the group to larger subnets.",
        "Keep awsvpc task subnets apart from instance subnets, so tasks cannot starve instance launches.",
    ),
)
