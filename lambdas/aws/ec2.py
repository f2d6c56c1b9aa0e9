"""EC2 reads."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from lambdas.errors import AWS_ERRORS, AwsReadError
from lambdas.subnets import Subnet

# DescribeSubnets' largest page. moto ignores MaxResults and answers in one page; the paging is
# tested with botocore's Stubber (tests/integration/test_subnet_paging.py).
DESCRIBE_SUBNETS_PAGE_SIZE = 1000


def iter_subnet_pages(ec2: Any, filters: list[dict[str, object]]) -> Iterator[list[Subnet]]:
    """Yield the account's subnets page by page; raise AwsReadError if a page cannot be read."""
    paginator = ec2.get_paginator("describe_subnets")
    pages = paginator.paginate(Filters=filters, PaginationConfig={"PageSize": DESCRIBE_SUBNETS_PAGE_SIZE})
    page_number = 0
    try:
        for page in pages:
            page_number += 1
            yield [_subnet(raw) for raw in page.get("Subnets", [])]
    except AWS_ERRORS as err:
        raise AwsReadError.wrap("DescribeSubnets", err, {"page": str(page_number + 1)}) from err


def _subnet(raw: dict[str, Any]) -> Subnet:
    tags = {t["Key"]: t["Value"] for t in raw.get("Tags", [])}
    return Subnet(
        subnet_id=raw["SubnetId"],
        vpc_id=raw["VpcId"],
        availability_zone=raw["AvailabilityZone"],
        # IPv6-only subnets have no CidrBlock at all.
        cidr_block=raw.get("CidrBlock") or None,
        available_ip_address_count=int(raw.get("AvailableIpAddressCount", 0)),
        name=tags.get("Name"),
    )


# DescribeInstanceTypes accepts at most 100 instance types per call.
INSTANCE_TYPES_PER_CALL = 100


def max_network_interfaces(ec2: Any, instance_types: set[str]) -> dict[str, int]:
    """MaximumNetworkInterfaces of each type, from its default network card (100 types per call)."""
    wanted = sorted(instance_types)
    limits: dict[str, int] = {}
    for start in range(0, len(wanted), INSTANCE_TYPES_PER_CALL):
        chunk = wanted[start : start + INSTANCE_TYPES_PER_CALL]
        try:
            response = ec2.describe_instance_types(InstanceTypes=chunk)
        except AWS_ERRORS as err:
            raise AwsReadError.wrap("DescribeInstanceTypes", err, {"instanceTypes": ",".join(chunk)}) from err
        for raw in response.get("InstanceTypes", []):
            limits[raw["InstanceType"]] = _default_card_interfaces(raw.get("NetworkInfo", {}))
    return limits


def _default_card_interfaces(network_info: dict[str, Any]) -> int:
    # Instances with several network cards (p4d, trn1...) attach task ENIs to the default card only.
    default_index = network_info.get("DefaultNetworkCardIndex", 0)
    for card in network_info.get("NetworkCards", []):
        if card.get("NetworkCardIndex") == default_index:
            return int(card["MaximumNetworkInterfaces"])
    return int(network_info.get("MaximumNetworkInterfaces", 1))


def describe_subnet(ec2: Any, subnet_id: str) -> Subnet:
    """One subnet as it is now; raise AwsReadError if it cannot be read (deleted, denied)."""
    try:
        subnets = ec2.describe_subnets(SubnetIds=[subnet_id]).get("Subnets", [])
    except AWS_ERRORS as err:
        raise AwsReadError.wrap("DescribeSubnets", err, {"subnet": subnet_id}) from err
    if not subnets:
        raise AwsReadError("DescribeSubnets", "NotFound", "no such subnet", {"subnet": subnet_id})
    return _subnet(subnets[0])
