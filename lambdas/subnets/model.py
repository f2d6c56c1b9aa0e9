"""Pure subnet arithmetic: headroom (usable, free, utilization) and the EC2 filters for the configured scope."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from lambdas.core.network import Subnet, usable_addresses


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


def describe_subnets_filters(vpc_ids: Iterable[str], tag_filter: tuple[str, str] | None) -> list[dict[str, object]]:
    """EC2 Filters for the configured scope, so EC2 (not this code) drops out-of-scope subnets."""
    filters: list[dict[str, object]] = []
    vpcs = sorted(set(vpc_ids))
    if vpcs:
        filters.append({"Name": "vpc-id", "Values": vpcs})
    if tag_filter:
        filters.append({"Name": f"tag:{tag_filter[0]}", "Values": [tag_filter[1]]})
    return filters
