"""EC2 subnet reads, shared by every capability that names or counts subnets: they build the domain's Subnet."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from ..platform.aws.ec2 import FILTER_VALUES, iter_describe_pages
from ..platform.chunks import chunks
from ..platform.errors import AWS_ERRORS, AwsReadError
from ..platform.text import plain_or_none
from .network import Subnet
from .routing import RouteSubject


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


def subnets_by_id(ec2: Any, subnet_ids: Iterable[str]) -> dict[str, Subnet]:
    """Each of the subnets that exists (one DescribeSubnets per 200 ids); raise AwsReadError."""
    wanted = sorted(set(subnet_ids))
    found: dict[str, Subnet] = {}
    for ids in chunks(wanted, FILTER_VALUES):
        filters: list[dict[str, object]] = [{"Name": "subnet-id", "Values": list(ids)}]
        for page in iter_subnet_pages(ec2, filters):
            found.update((s.subnet_id, s) for s in page)
    return found


def route_subjects(ec2: Any, account: str, subnet_ids: Iterable[str]) -> dict[str, RouteSubject]:
    """Each subnet's routing subject (its VPC, and its tags over its VPC's): DescribeSubnets and DescribeVpcs
    pages for all of them, filtered by id (a deleted subnet is left out, not an error); raise AwsReadError."""
    raw = [
        s
        for ids in chunks(sorted(set(subnet_ids)), FILTER_VALUES)
        for page in iter_describe_pages(ec2, "DescribeSubnets", "Subnets", [{"Name": "subnet-id", "Values": list(ids)}])
        for s in page
    ]
    vpc_ids = sorted({s["VpcId"] for s in raw})
    vpcs = [
        v
        for ids in chunks(vpc_ids, FILTER_VALUES)
        for page in iter_describe_pages(ec2, "DescribeVpcs", "Vpcs", [{"Name": "vpc-id", "Values": list(ids)}])
        for v in page
    ]
    vpc_tags = {v["VpcId"]: {t["Key"]: t["Value"] for t in v.get("Tags", [])} for v in vpcs}
    return {
        s["SubnetId"]: RouteSubject(
            account=account,
            vpc_id=s["VpcId"],
            subnet_id=s["SubnetId"],
            tags={**vpc_tags.get(s["VpcId"], {}), **{t["Key"]: t["Value"] for t in s.get("Tags", [])}},
        )
        for s in raw
    }
