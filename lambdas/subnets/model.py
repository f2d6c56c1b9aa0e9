"""Pure subnet arithmetic: headroom (usable, free, utilization) and the EC2 filters for the configured scope."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from ..domain.network import Subnet, usable_addresses, utilization_percent


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
    return SubnetHeadroom(
        subnet=subnet,
        usable_addresses=usable_addresses(subnet.cidr_block),
        available_addresses=subnet.available_ip_address_count,
        utilization_percent=utilization_percent(subnet) or 0.0,
    )


def ipv4_headroom(subnets: Iterable[Subnet]) -> list[SubnetHeadroom]:
    """Headroom of every subnet that has an IPv4 CIDR (IPv6-only subnets have no IPv4 to run out of)."""
    return [subnet_headroom(s) for s in subnets if s.cidr_block is not None]


def is_at_risk(
    utilization: float, available_addresses: int, watch_utilization_percent: float, free_address_floor: int
) -> bool:
    """At or above the watch level, or at most twice the free-address floor left (at-risk publish mode)."""
    return utilization >= watch_utilization_percent or available_addresses <= 2 * free_address_floor
