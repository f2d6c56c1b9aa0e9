"""EC2 subnet reads, shared by every capability that names or counts subnets."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from botocore import xform_name

from lambdas.core.chunks import chunks
from lambdas.core.errors import AWS_ERRORS, AwsReadError
from lambdas.core.network import Subnet
from lambdas.core.text import plain_or_none

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


def iter_subnet_pages(ec2: Any, filters: list[dict[str, object]]) -> Iterator[list[Subnet]]:
    """Yield the account's subnets page by page; raise AwsReadError if a page cannot be read."""
    for page in iter_describe_pages(ec2, "DescribeSubnets", "Subnets", filters):
        yield [_subnet(raw) for raw in page]


def _subnet(raw: dict[str, Any]) -> Subnet:
    tags = {t["Key"]: t["Value"] for t in raw.get("Tags", [])}
    return Subnet(
        subnet_id=raw["SubnetId"],
        vpc_id=raw["VpcId"],
        availability_zone=raw["AvailabilityZone"],
        # IPv6-only subnets have no CidrBlock at all.
        cidr_block=raw.get("CidrBlock") or None,
        available_ip_address_count=int(raw.get("AvailableIpAddressCount", 0)),
        name=plain_or_none(tags.get("Name")),  # anyone who may tag the subnet writes it
        owner_id=raw.get("OwnerId"),
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


def subnets_by_id(ec2: Any, subnet_ids: Iterable[str]) -> dict[str, Subnet]:
    """Each of the subnets that exists (one DescribeSubnets per 200 ids); raise AwsReadError."""
    wanted = sorted(set(subnet_ids))
    found: dict[str, Subnet] = {}
    for ids in chunks(wanted, FILTER_VALUES):
        filters: list[dict[str, object]] = [{"Name": "subnet-id", "Values": list(ids)}]
        for page in iter_subnet_pages(ec2, filters):
            found.update((s.subnet_id, s) for s in page)
    return found
