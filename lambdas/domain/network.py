"""Pure facts about VPC networking that several capabilities read: a subnet as EC2 describes it, usable addresses."""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Iterable
from dataclasses import dataclass

# AWS keeps the network address, the VPC router, DNS, one for future use and the broadcast address.
AWS_RESERVED_ADDRESSES_PER_SUBNET = 5

# Task attachments that take an ENI; ECS APIs say "ElasticNetworkInterface", ECS events say "eni".
ENI_ATTACHMENT_TYPES = frozenset({"ElasticNetworkInterface", "eni"})


@dataclass(frozen=True)
class Subnet:
    """One subnet as EC2 describes it; cidr_block is None for an IPv6-only subnet."""

    subnet_id: str
    vpc_id: str
    availability_zone: str
    cidr_block: str | None
    available_ip_address_count: int
    name: str | None = None
    # The account that owns the subnet: another account's when it is shared with this one through AWS RAM.
    owner_id: str | None = None


# A Name tag in a subject is cut here, so a long one cannot push the problem out of a phone's preview.
SUBJECT_NAME_CHARS = 20


def subnet_label(subnet_id: str, name: str | None, *, name_limit: int | None = None) -> str:
    """'tasks-1a (subnet-0abc…)': the name people use first, the id to search for; the id alone without a name.

    With name_limit, a longer name is cut to that many characters, ending in '...'.
    """
    if not name or name == subnet_id:
        return subnet_id
    if name_limit is not None and len(name) > name_limit:
        name = name[: name_limit - 3] + "..."
    return f"{name} ({subnet_id})"


# A region name at the start of a zone name: eu-west-1 of eu-west-1a, us-west-2 of the Local Zone
# us-west-2-lax-1a, us-gov-west-1 of us-gov-west-1b.
REGION_OF_ZONE = re.compile(r"^[a-z]{2}(?:-[a-z]+)+-\d+")


def region_of_zone(availability_zone: str) -> str | None:
    """The region an Availability Zone (or Local or Wavelength Zone) name belongs to; None if it is not one."""
    match = REGION_OF_ZONE.match(availability_zone)
    return match.group(0) if match else None


def usable_addresses(cidr_block: str) -> int:
    """Addresses a subnet can hand out: 2^(32 - prefix) minus the 5 AWS reserves."""
    return usable_addresses_of_prefix(ipaddress.IPv4Network(cidr_block).prefixlen)


def usable_addresses_of_prefix(prefix_length: int) -> int:
    """What a subnet of this prefix length can hand out: 2^(32 - prefix) minus the 5 AWS reserves."""
    return (1 << (32 - prefix_length)) - AWS_RESERVED_ADDRESSES_PER_SUBNET


def utilization_percent(subnet: Subnet) -> float | None:
    """100 * (usable - available) / usable; None for an IPv6-only subnet."""
    if not subnet.cidr_block:
        return None
    usable = usable_addresses(subnet.cidr_block)
    return 100.0 * (usable - subnet.available_ip_address_count) / usable if usable > 0 else None


def describe_subnets_filters(vpc_ids: Iterable[str], tag_filter: tuple[str, str] | None) -> list[dict[str, object]]:
    """EC2 Filters for the configured scope, so EC2 (not this code) drops out-of-scope subnets."""
    filters: list[dict[str, object]] = []
    vpcs = sorted(set(vpc_ids))
    if vpcs:
        filters.append({"Name": "vpc-id", "Values": vpcs})
    if tag_filter:
        filters.append({"Name": f"tag:{tag_filter[0]}", "Values": [tag_filter[1]]})
    return filters
