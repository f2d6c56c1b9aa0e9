"""An EKS managed node group (or the cluster itself) reports InsufficientFreeAddresses: its subnets cannot give
nodes, pods or the control plane's interfaces addresses.

No AWS event carries EKS health, so the census reads it (DescribeCluster and DescribeNodegroup
`health.issues`) and sends this event itself, to the monitor's private bus (only the census's role may put
events there: infra/census.py), never to a bus anyone else can write. Its detail:
`{"account", "region" (where the cluster is: a member's in hub mode, where the census runs in the hub),
"clusterName", "nodegroupName" (null for the cluster's own issue), "code", "message", "subnets":
[{"subnetId", "name", "availabilityZone", "availableAddresses", "freePrefixBlocks"}]}`, the subnets fullest
first.
"""

from __future__ import annotations

from aws_lambda_powertools.utilities.parser.models import EventBridgeModel
from pydantic import Field

from ...platform import contract
from ...platform.settings import ACCOUNT_ID_PATTERN, REGION_PATTERN
from ..model import Detail, EventKind, EventOrigin, Incident

REASON = "EksNodegroupNoAddresses"
ADDRESS_CODES = ("InsufficientFreeAddresses",)


class ShortSubnet(Detail):
    """One of the node group's subnets as the census saw it."""

    subnet_id: str = Field(alias="subnetId")
    name: str | None = None
    availability_zone: str | None = Field(default=None, alias="availabilityZone")
    available_addresses: int | None = Field(default=None, alias="availableAddresses")
    free_prefix_blocks: int | None = Field(default=None, alias="freePrefixBlocks")


class ShortageDetail(Detail):
    """`detail` of the census's EKS Address Shortage."""

    # The event's own account and region are where the census runs (the hub); these are the cluster's.
    account: str = Field(pattern=ACCOUNT_ID_PATTERN)
    region: str = Field(pattern=REGION_PATTERN)
    cluster_name: str = Field(alias="clusterName")
    nodegroup_name: str | None = Field(default=None, alias="nodegroupName")
    code: str
    message: str = ""
    subnets: list[ShortSubnet] = Field(default_factory=list)


class NodegroupAddressShortage(EventBridgeModel):
    """EKS Address Shortage (sent by the census)."""

    detail: ShortageDetail


def classify(event: NodegroupAddressShortage) -> Incident | None:
    """Every delivered shortage is an incident; its subnet is the fullest one."""
    detail = event.detail
    if detail.code not in ADDRESS_CODES:
        return None
    fullest = detail.subnets[0] if detail.subnets else None
    subnets = "; ".join(
        f"{s.subnet_id}{f' ({s.name})' if s.name else ''}: {s.available_addresses} free addresses"
        + (f", {s.free_prefix_blocks} free /28 block(s)" if s.free_prefix_blocks is not None else "")
        for s in detail.subnets
    )
    return Incident(
        reason=REASON,
        origin=EventOrigin(event.id, detail.account, detail.region, event.time),
        aws_message=f"{detail.code}: {detail.message}",
        note=f"The census read these subnets at the time: {subnets}." if subnets else None,
        eks_cluster=detail.cluster_name,
        node_group=detail.nodegroup_name,
        subnet_id=fullest.subnet_id if fullest else None,
        availability_zone=fullest.availability_zone if fullest else None,
    )


def subject(incident: Incident, subnet: str) -> str:
    """Names the node group (or the cluster), and the fullest subnet."""
    if incident.node_group:
        return f"EKS node group {incident.node_group} ({incident.eks_cluster}): no free addresses in {subnet}"
    return f"EKS cluster {incident.eks_cluster}: no free addresses in {subnet}"


KIND = EventKind(
    rule_id="EksNodegroupNoAddresses",
    reason=REASON,
    service="EKS",
    title="EKS clusters and node groups short of addresses",
    pattern={
        "source": [contract.MONITOR_EVENT_SOURCE],
        "detail-type": [contract.EKS_ADDRESS_SHORTAGE],
        "detail": {"code": list(ADDRESS_CODES)},
    },
    model=NodegroupAddressShortage,
    classify=classify,
    subject=subject,
    what_happened=(
        "EKS reports InsufficientFreeAddresses for a managed node group (or for the cluster, whose control "
        "plane places its network interfaces in the cluster's subnets): the subnets have no free IPv4 address "
        "(or, with prefix delegation, no free aligned /28 block) for new nodes, pods or those interfaces. "
        "Scaling out fails and new pods stay Pending until addresses are freed."
    ),
    remedies=(
        "Free addresses now: delete interfaces left 'available' in these subnets (the census snapshot, "
        "census/latest.json, lists them under 'unattached').",
        "Lower the VPC CNI's warm pool (WARM_IP_TARGET / MINIMUM_IP_TARGET instead of WARM_ENI_TARGET) so "
        "each node holds fewer spare addresses.",
        "With prefix delegation, scattered addresses leave no /28 free: reserve space with a subnet CIDR "
        "reservation of type prefix, or add a subnet.",
        "For good: create a node group in larger subnets (a managed node group's subnets cannot be changed), "
        "or add a secondary VPC CIDR and custom networking for pods.",
    ),
)
