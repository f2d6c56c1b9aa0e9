"""Pure subnet arithmetic: usable addresses, utilization, scope filters and threshold checks."""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable
from dataclasses import dataclass

# AWS keeps the network address, the VPC router, DNS, one for future use and the broadcast address.
AWS_RESERVED_ADDRESSES_PER_SUBNET = 5


@dataclass(frozen=True)
class Subnet:
    """One subnet as EC2 describes it; cidr_block is None for an IPv6-only subnet."""

    subnet_id: str
    vpc_id: str
    availability_zone: str
    cidr_block: str | None
    available_ip_address_count: int
    name: str | None = None


@dataclass(frozen=True)
class SubnetHeadroom:
    """How much IPv4 room a subnet has left."""

    subnet: Subnet
    usable_addresses: int
    available_addresses: int
    utilization_percent: float

    @property
    def used_addresses(self) -> int:
        """Addresses in use (ENIs, load balancers, endpoints...)."""
        return self.usable_addresses - self.available_addresses


@dataclass(frozen=True)
class SubnetThresholds:
    """The alarm thresholds; the CDK alarms and the demo's evaluation both use these numbers."""

    utilization_percent: float
    min_free_addresses: int


def usable_addresses(cidr_block: str) -> int:
    """Addresses a subnet can hand out: 2^(32 - prefix) minus the 5 AWS reserves."""
    prefix = ipaddress.IPv4Network(cidr_block).prefixlen
    return int(2 ** (32 - prefix)) - AWS_RESERVED_ADDRESSES_PER_SUBNET


def subnet_headroom(subnet: Subnet) -> SubnetHeadroom:
    """Utilization of one IPv4 subnet: 100 * (usable - available) / usable."""
    if subnet.cidr_block is None:
        raise ValueError(f"{subnet.subnet_id} has no IPv4 CIDR")
    usable = usable_addresses(subnet.cidr_block)
    used = usable - subnet.available_ip_address_count
    return SubnetHeadroom(
        subnet=subnet,
        usable_addresses=usable,
        available_addresses=subnet.available_ip_address_count,
        utilization_percent=100.0 * used / usable,
    )


def ipv4_headroom(subnets: Iterable[Subnet]) -> list[SubnetHeadroom]:
    """Headroom of every subnet that has an IPv4 CIDR (IPv6-only subnets have no IPv4 to run out of)."""
    return [subnet_headroom(s) for s in subnets if s.cidr_block is not None]


def parse_tag_filter(text: str) -> tuple[str, str] | None:
    """Parse 'Key=Value' (empty means no tag filter); raise ValueError on anything else."""
    if not text:
        return None
    key, sep, value = text.partition("=")
    if not sep or not key.strip() or not value.strip():
        raise ValueError(f"expected 'Key=Value', got {text!r}")
    return key.strip(), value.strip()


def describe_subnets_filters(vpc_ids: Iterable[str], tag_filter: tuple[str, str] | None) -> list[dict[str, object]]:
    """EC2 Filters for the configured scope, so EC2 (not this code) drops out-of-scope subnets."""
    filters: list[dict[str, object]] = []
    vpcs = sorted(set(vpc_ids))
    if vpcs:
        filters.append({"Name": "vpc-id", "Values": vpcs})
    if tag_filter:
        filters.append({"Name": f"tag:{tag_filter[0]}", "Values": [tag_filter[1]]})
    return filters


def breached_thresholds(headroom: SubnetHeadroom, thresholds: SubnetThresholds) -> list[str]:
    """Which subnet alarms this subnet would trip: utilization at/above, or free addresses at/below."""
    breached = []
    if headroom.utilization_percent >= thresholds.utilization_percent:
        breached.append(f"utilization {headroom.utilization_percent:.1f}% >= {thresholds.utilization_percent:g}%")
    if headroom.available_addresses <= thresholds.min_free_addresses:
        breached.append(f"free addresses {headroom.available_addresses} <= {thresholds.min_free_addresses}")
    return breached
