"""EC2 reads every capability pages through: Describe* pages, filter sizes, the subnet of an interface."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from botocore import xform_name

from ..errors import AWS_ERRORS, AwsReadError

# The largest page of DescribeSubnets and DescribeNetworkInterfaces. moto ignores MaxResults and answers in
# one page; the paging is tested with botocore's Stubber (tests/integration/test_subnet_paging.py and
# test_census_collector.py).
DESCRIBE_PAGE_SIZE = 1000


def iter_describe_pages(
    ec2: Any, operation: str, items_key: str, filters: list[dict[str, object]]
) -> Iterator[list[dict[str, Any]]]:
    """The raw items of an EC2 Describe* call, 1,000 a page; raise AwsReadError naming the page that failed."""
    page_number = 0
    try:
        pages = ec2.get_paginator(xform_name(operation)).paginate(
            Filters=filters, PaginationConfig={"PageSize": DESCRIBE_PAGE_SIZE}
        )
        for page in pages:
            page_number += 1
            yield page.get(items_key, [])
    except AWS_ERRORS as err:
        raise AwsReadError.wrap(operation, err, {"page": str(page_number + 1)}) from err


# Values in one EC2 filter: 200 is the limit EC2's describe calls document (the API reference states none for
# DescribeNetworkInterfaces: a guess there).
FILTER_VALUES = 200


def subnet_of_interface(ec2: Any, interface_id: str) -> str:
    """The subnet a network interface is in; raise AwsReadError if it cannot be read (deleted, denied)."""
    context = {"networkInterface": interface_id}
    try:
        interfaces = ec2.describe_network_interfaces(NetworkInterfaceIds=[interface_id]).get("NetworkInterfaces", [])
    except AWS_ERRORS as err:
        raise AwsReadError.wrap("DescribeNetworkInterfaces", err, context) from err
    if not interfaces:
        raise AwsReadError("DescribeNetworkInterfaces", "NotFound", "no such interface", context)
    return str(interfaces[0]["SubnetId"])
