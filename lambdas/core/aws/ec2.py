"""EC2 subnet reads, shared by every capability that names or counts subnets."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from lambdas.core.errors import AWS_ERRORS, AwsReadError
from lambdas.core.network import Subnet

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


def describe_subnet(ec2: Any, subnet_id: str) -> Subnet:
    """One subnet as it is now; raise AwsReadError if it cannot be read (deleted, denied)."""
    try:
        subnets = ec2.describe_subnets(SubnetIds=[subnet_id]).get("Subnets", [])
    except AWS_ERRORS as err:
        raise AwsReadError.wrap("DescribeSubnets", err, {"subnet": subnet_id}) from err
    if not subnets:
        raise AwsReadError("DescribeSubnets", "NotFound", "no such subnet", {"subnet": subnet_id})
    return _subnet(subnets[0])
