"""EC2 and EventBridge calls of the census: network interfaces, EKS node instances, CIDR reservations, events.

Every describe call asks for its largest page (1,000), so calls grow with pages, not with interfaces.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from ..platform.aws.ec2 import DESCRIBE_PAGE_SIZE, FILTER_VALUES, iter_describe_pages
from ..platform.chunks import chunks
from ..platform.errors import AWS_ERRORS, AwsReadError, PublishError
from ..platform.targets import Target
from ..platform.text import TEXT_LIMIT, plain
from .model import ADDRESS_ISSUE_CODES, EKS_INSTANCE_TAG, EksShortage, NetworkInterface

# GetSubnetCidrReservations takes one subnet a call, so a run makes one per subnet whose /28 blocks matter
# (1,000 at the benchmark's L size). EC2's API bucket for such reads refills at about 20 a second per account
# (EC2 API reference, request throttling; a figure read there, not measured); the census takes at most half.
RESERVATION_READS_PER_SECOND = 10.0
RESERVATION_READS_BURST = 20
RESERVATION_BUDGET = "ec2-reservation-reads"
# The subnet-id filter (FILTER_VALUES values a series) is only used with a tag filter, so only a large
# tagged scope makes more than one series of DescribeNetworkInterfaces pages.


def interface_filters(vpc_ids: Iterable[str], subnet_ids: list[str] | None) -> list[list[dict[str, object]]]:
    """The Filters of each DescribeNetworkInterfaces series: by VPC, or by subnet when a tag filter narrowed it."""
    vpc_filter: list[dict[str, object]] = [{"Name": "vpc-id", "Values": sorted(set(vpc_ids))}] if vpc_ids else []
    if subnet_ids is None:
        return [vpc_filter]
    return [[*vpc_filter, {"Name": "subnet-id", "Values": list(ids)}] for ids in chunks(subnet_ids, FILTER_VALUES)]


def iter_interface_pages(ec2: Any, filters: list[dict[str, object]]) -> Iterator[list[NetworkInterface]]:
    """Interfaces matching filters, a page at a time; raise AwsReadError if a page cannot be read."""
    for page in iter_describe_pages(ec2, "DescribeNetworkInterfaces", "NetworkInterfaces", filters):
        yield [_interface(raw) for raw in page]


def _interface(raw: dict[str, Any]) -> NetworkInterface:
    attachment = raw.get("Attachment") or {}
    return NetworkInterface(
        interface_id=raw["NetworkInterfaceId"],
        subnet_id=raw.get("SubnetId", ""),
        vpc_id=raw.get("VpcId", ""),
        status=raw.get("Status", ""),
        interface_type=raw.get("InterfaceType", "interface"),
        # Anyone who may create or describe an interface writes these: one line each (AWS's own descriptions and
        # tags, at most 255 and 256 characters, pass unchanged, so the classification still matches them).
        description=plain(raw.get("Description", ""), TEXT_LIMIT),
        requester_id=raw.get("RequesterId"),
        requester_managed=bool(raw.get("RequesterManaged", False)),
        instance_id=attachment.get("InstanceId"),
        private_ips=tuple(a["PrivateIpAddress"] for a in raw.get("PrivateIpAddresses", []) if "PrivateIpAddress" in a),
        ipv4_prefixes=tuple(p["Ipv4Prefix"] for p in raw.get("Ipv4Prefixes", []) if "Ipv4Prefix" in p),
        tags={plain(t["Key"], TEXT_LIMIT): plain(t["Value"], TEXT_LIMIT) for t in raw.get("TagSet", [])},
    )


def eks_node_instances(ec2: Any) -> dict[str, str]:
    """Instance id -> EKS cluster of every instance tagged eks:cluster-name (managed node groups tag theirs)."""
    try:
        pages = ec2.get_paginator("describe_instances").paginate(
            Filters=[{"Name": "tag-key", "Values": [EKS_INSTANCE_TAG]}],
            PaginationConfig={"PageSize": DESCRIBE_PAGE_SIZE},
        )
        return {
            instance["InstanceId"]: tags[EKS_INSTANCE_TAG]
            for page in pages
            for reservation in page.get("Reservations", [])
            for instance in reservation.get("Instances", [])
            if EKS_INSTANCE_TAG in (tags := {t["Key"]: t["Value"] for t in instance.get("Tags", [])})
        }
    except AWS_ERRORS as err:
        raise AwsReadError.wrap("DescribeInstances", err) from err


def pace_reservation_reads(target: Target) -> Any:
    """The target's EC2 client, with GetSubnetCidrReservations held to the census's share of EC2's rate."""
    ec2 = target.client("ec2")
    budget = target.budget(RESERVATION_BUDGET, RESERVATION_READS_PER_SECOND, RESERVATION_READS_BURST)
    ec2.meta.events.register(
        "before-call.ec2.GetSubnetCidrReservations", budget.before_call, unique_id=RESERVATION_BUDGET
    )
    return ec2


def explicit_reservations(ec2: Any, subnet_id: str) -> list[str]:
    """CIDRs of the subnet's explicit reservations (EC2 assigns nothing from them; prefix reservations differ)."""
    try:
        response = ec2.get_subnet_cidr_reservations(SubnetId=subnet_id)
    except AWS_ERRORS as err:
        raise AwsReadError.wrap("GetSubnetCidrReservations", err, {"subnet": subnet_id}) from err
    return [r["Cidr"] for r in response.get("SubnetIpv4CidrReservations", []) if r.get("ReservationType") == "explicit"]


EKS_PAGE_SIZE = 100
# PutEvents takes at most 10 entries a call.
EVENTS_PER_CALL = 10


def eks_shortages(eks: Any) -> list[EksShortage]:
    """Clusters and managed node groups whose health reports an address shortage: ListClusters, then per cluster
    DescribeCluster and ListNodegroups, and one DescribeNodegroup per node group (EKS has no batch describe)."""
    operation = "ListClusters"
    try:
        shortages = []
        for cluster in _paged(eks, "list_clusters", "clusters"):
            operation = "DescribeCluster"
            described = eks.describe_cluster(name=cluster)["cluster"]
            subnets = described.get("resourcesVpcConfig", {}).get("subnetIds", [])
            shortages += _address_issues(cluster, None, described, subnets)
            operation = "ListNodegroups"
            for nodegroup in _paged(eks, "list_nodegroups", "nodegroups", clusterName=cluster):
                operation = "DescribeNodegroup"
                described = eks.describe_nodegroup(clusterName=cluster, nodegroupName=nodegroup)["nodegroup"]
                shortages += _address_issues(cluster, nodegroup, described, described.get("subnets", []))
        return shortages
    except AWS_ERRORS as err:
        raise AwsReadError.wrap(operation, err) from err


def _address_issues(
    cluster: str, nodegroup: str | None, described: dict[str, Any], subnets: list[str]
) -> list[EksShortage]:
    arn = described.get("nodegroupArn" if nodegroup else "arn", "")
    return [
        EksShortage(cluster, nodegroup, arn, issue["code"], issue.get("message", ""), tuple(subnets))
        for issue in described.get("health", {}).get("issues", [])
        if issue.get("code") in ADDRESS_ISSUE_CODES
    ]


def _paged(eks: Any, method: str, key: str, **params: str) -> Iterator[str]:
    pages = eks.get_paginator(method).paginate(**params, PaginationConfig={"PageSize": EKS_PAGE_SIZE})
    for page in pages:
        yield from page.get(key, [])


def put_events(events: Any, entries: list[dict[str, Any]]) -> None:
    """Send entries to the default event bus, 10 a call; raise PublishError if any entry is refused."""
    for start in range(0, len(entries), EVENTS_PER_CALL):
        chunk = entries[start : start + EVENTS_PER_CALL]
        try:
            response = events.put_events(Entries=chunk)
        except AWS_ERRORS as err:
            raise PublishError.wrap("PutEvents", err, {"entries": str(len(chunk))}) from err
        if response.get("FailedEntryCount"):
            failed = [e for e in response.get("Entries", []) if e.get("ErrorCode")]
            code = failed[0]["ErrorCode"] if failed else "FailedEntry"
            raise PublishError("PutEvents", code, f"{response['FailedEntryCount']} entries refused")
