"""An EC2 call that takes subnet addresses failed for lack of them, whoever made it (CloudTrail; opt-in).

EventBridge receives every API call CloudTrail records as `AWS API Call via CloudTrail` when the account has
a trail. The rule forwards only the calls that take addresses and failed with a no-addresses code, so a
healthy account sends nothing. CloudTrail writes EC2's error codes with a `Client.` prefix
(`Client.InsufficientFreeAddressesInSubnet`); the pattern lists both forms.
"""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.utilities.parser.models import EventBridgeModel
from pydantic import Field

from ..model import Detail, EventKind, EventOrigin, Incident, Story, first_subnet_id

REASON = "NetworkInterfaceNoAddresses"
PREFIX_REASON = "PrefixBlocksExhausted"
# The calls that take subnet addresses: interfaces and their secondary addresses and /28 prefixes (VPC CNI,
# Lambda, ECS, load balancers), attaching one, instances, NAT gateways and interface endpoints.
ADDRESS_CALLS = (
    "CreateNetworkInterface",
    "AssignPrivateIpAddresses",
    "AttachNetworkInterface",
    "RunInstances",
    "CreateNatGateway",
    "CreateVpcEndpoint",
)
NO_ADDRESSES = "InsufficientFreeAddressesInSubnet"
NO_PREFIX_BLOCKS = "InsufficientCidrBlocks"
ERROR_CODES = tuple(f"{prefix}{code}" for code in (NO_ADDRESSES, NO_PREFIX_BLOCKS) for prefix in ("", "Client."))
VPC_CNI_AGENT = "amazon-vpc-cni-k8s"


class SessionIssuer(Detail):
    """The role behind an assumed-role session."""

    arn: str | None = None
    user_name: str | None = Field(default=None, alias="userName")


class SessionContext(Detail):
    """userIdentity.sessionContext."""

    session_issuer: SessionIssuer = Field(default_factory=SessionIssuer, alias="sessionIssuer")


class UserIdentity(Detail):
    """Who made the call."""

    type: str | None = None
    arn: str | None = None
    invoked_by: str | None = Field(default=None, alias="invokedBy")
    session_context: SessionContext = Field(default_factory=SessionContext, alias="sessionContext")


class ApiCallDetail(Detail):
    """`detail` of AWS API Call via CloudTrail, the fields read here."""

    event_source: str = Field(alias="eventSource")
    event_name: str = Field(alias="eventName")
    error_code: str | None = Field(default=None, alias="errorCode")
    error_message: str | None = Field(default=None, alias="errorMessage")
    user_agent: str | None = Field(default=None, alias="userAgent")
    user_identity: UserIdentity = Field(default_factory=UserIdentity, alias="userIdentity")
    request_parameters: dict[str, Any] | None = Field(default=None, alias="requestParameters")


class ApiCall(EventBridgeModel):
    """AWS API Call via CloudTrail."""

    detail: ApiCallDetail


def caller(detail: ApiCallDetail) -> str:
    """Who made the call, in words: the VPC CNI, Lambda, a service-linked role, or the role or principal."""
    identity = detail.user_identity
    role = identity.session_context.session_issuer
    arn = role.arn or identity.arn or "an unknown principal"
    agent = detail.user_agent or ""
    if VPC_CNI_AGENT in agent:
        return f"EKS VPC CNI on node role {role.user_name or arn}"
    if "aws-service-role/" in arn:
        service = arn.split("aws-service-role/", 1)[1].split("/", 1)[0]
        return f"service-linked role of {service}"
    if "lambda.amazonaws.com" in (identity.invoked_by or "") + agent:
        return f"Lambda, execution role {role.user_name or arn}"
    return f"role {role.user_name}" if role.user_name else arn


def subnet_of(parameters: Any) -> str | None:
    """The first subnetId anywhere in the request (RunInstances nests it in networkInterfaceSet)."""
    if isinstance(parameters, dict):
        if isinstance(parameters.get("subnetId"), str):
            return str(parameters["subnetId"])
        found = (subnet_of(value) for value in parameters.values())
        return next((s for s in found if s), None)
    if isinstance(parameters, list):
        return next((s for s in (subnet_of(item) for item in parameters) if s), None)
    return None


def _interface_of(parameters: dict[str, Any] | None) -> str | None:
    value = (parameters or {}).get("networkInterfaceId")
    return value if isinstance(value, str) else None


def classify(event: ApiCall) -> Incident | None:
    """A failed address-taking EC2 call with a no-addresses or no-/28-blocks code; read-only calls never."""
    detail = event.detail
    code = (detail.error_code or "").removeprefix("Client.")
    if detail.event_source != "ec2.amazonaws.com" or detail.event_name not in ADDRESS_CALLS:
        return None
    if code not in (NO_ADDRESSES, NO_PREFIX_BLOCKS):
        return None
    message = detail.error_message or code
    return Incident(
        reason=PREFIX_REASON if code == NO_PREFIX_BLOCKS else REASON,
        origin=EventOrigin.of(event),
        aws_message=f"{detail.event_name} failed with {detail.error_code}: {message}",
        subnet_id=subnet_of(detail.request_parameters) or first_subnet_id(message),
        caller=caller(detail),
        api_call=detail.event_name,
        ec2_error_code=detail.error_code,
        network_interface_id=_interface_of(detail.request_parameters),
    )


KIND = EventKind(
    rule_id="CloudTrailNoAddresses",
    reason=REASON,
    service="CloudTrail",
    title="failed EC2 calls that take addresses (CloudTrail, opt-in)",
    pattern={
        "source": ["aws.ec2"],
        "detail-type": ["AWS API Call via CloudTrail"],
        "detail": {
            "eventSource": ["ec2.amazonaws.com"],
            "eventName": list(ADDRESS_CALLS),
            "errorCode": list(ERROR_CODES),
        },
    },
    model=ApiCall,
    classify=classify,
    subject=lambda incident, subnet: f"{subnet} is out of IP addresses: {incident.api_call} failed",
    what_happened=(
        "An EC2 call that needed an address from this subnet failed because none was free. CloudTrail recorded it "
        "whoever made it: the caller under WHERE says which consumer (EKS's VPC CNI, Lambda, ECS or a load "
        "balancer's service-linked role, or your own automation) is being refused. It keeps retrying until "
        "addresses are freed."
    ),
    remedies=(
        "Free addresses: delete network interfaces left 'available' in this subnet and stop what you do not need.",
        "EKS VPC CNI: lower WARM_IP_TARGET / WARM_ENI_TARGET, or add a secondary CIDR and use custom networking "
        "(ENIConfig per AZ) so pods take addresses from new subnets.",
        "Lambda or ECS: add subnets with free addresses to the function's VPC configuration or the service's "
        "network configuration.",
        "For good: a larger subnet, or a secondary VPC CIDR and new subnets from it.",
    ),
    opt_in=True,
    other_reasons={
        PREFIX_REASON: Story(
            subject=lambda incident, subnet: f"No free /28 block in {subnet}: {incident.api_call} failed",
            what_happened=(
                "An EC2 call asked for an IPv4 prefix (a /28, EKS prefix delegation or an endpoint) and got "
                "InsufficientCidrBlocks: no aligned, empty /28 is left in this subnet, even if single addresses "
                "are (fragmentation). The census's FreePrefixBlocks and the dashboard show how many remain."
            ),
            remedies=(
                "Reserve room for prefixes: create a subnet CIDR reservation of type prefix (aws ec2 "
                "create-subnet-cidr-reservation --reservation-type prefix) in a new or emptier subnet and give it "
                "to the node group.",
                "Let the VPC CNI fall back: with prefix delegation it can still assign single addresses where "
                "/28s are gone; or run the nodes in a subnet without fragmentation.",
                "Free addresses that split blocks: delete interfaces left 'available' in this subnet.",
            ),
        )
    },
)
