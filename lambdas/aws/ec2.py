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
