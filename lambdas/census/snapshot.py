"""Pure: the census of a target's subnets (who holds what), and its JSON snapshot, whose shape is a contract.

The snapshot (docs/census.md, "The census snapshot") is what emails, the dashboard and the command-line report read:
consumers per subnet sorted by addresses, EKS clusters, and the interfaces attached to nothing.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from ..domain.network import Subnet, usable_addresses, utilization_percent
from .blocks import free_prefix_blocks
from .model import Category, Consumer, NetworkInterface, classify


@dataclass(frozen=True)
class ConsumerShare:
    """What one consumer holds in one subnet."""

    consumer: Consumer
    addresses: int
    interfaces: int


@dataclass(frozen=True)
class SubnetCensus:
    """One IPv4 subnet: who holds its addresses; free_prefix_blocks is None where it was not worked out."""

    subnet: Subnet
    interfaces: tuple[tuple[NetworkInterface, Consumer], ...]
    consumers: tuple[ConsumerShare, ...]
    free_prefix_blocks: int | None

    @property
    def usable_addresses(self) -> int:
        """2^(32 - prefix) - 5."""
        return usable_addresses(self.subnet.cidr_block or "0.0.0.0/32")

    def prefix_blocks_at_risk(self, block_floor: int, watch_utilization_percent: float) -> bool:
        """At most twice the free-block floor left, or the subnet at or above the watch level (at-risk mode)."""
        utilization = utilization_percent(self.subnet) or 0.0
        blocks = self.free_prefix_blocks
        return (blocks is not None and blocks <= 2 * block_floor) or utilization >= watch_utilization_percent


Held = list[tuple[NetworkInterface, Consumer]]


def holdings(
    subnets: Iterable[Subnet], interfaces: Iterable[NetworkInterface], eks_instances: Mapping[str, str]
) -> dict[str, Held]:
    """Each IPv4 subnet's interfaces with their consumers (interfaces of other subnets are left out)."""
    held: dict[str, Held] = {s.subnet_id: [] for s in subnets if s.cidr_block}
    for eni in interfaces:
        if eni.subnet_id in held:
            held[eni.subnet_id].append((eni, classify(eni, eks_instances)))
    return held


def take_census(
    subnets: Iterable[Subnet], held: Mapping[str, Held], reservations: Mapping[str, list[str]]
) -> list[SubnetCensus]:
    """The census of each subnet in held; free /28 blocks for those whose reservations were read."""
    return [_subnet_census(s, held[s.subnet_id], reservations) for s in subnets if s.subnet_id in held]


def needs_prefix_blocks(interfaces: Iterable[tuple[NetworkInterface, Consumer]]) -> bool:
    """A subnet whose /28 blocks matter: it holds an IPv4 prefix or an EKS node interface."""
    return any(eni.ipv4_prefixes or consumer.category is Category.EKS_NODE for eni, consumer in interfaces)


def classified_interfaces(subnets: Iterable[SubnetCensus]) -> Iterator[tuple[NetworkInterface, Consumer]]:
    """Every interface of the census with its consumer."""
    for s in subnets:
        yield from s.interfaces


def eks_clusters(subnets: Iterable[SubnetCensus]) -> list[dict[str, Any]]:
    """Addresses, interfaces and subnets of each EKS cluster (nodes, pod ENIs and their prefixes)."""
    clusters: dict[str, dict[str, Any]] = {}
    for eni, consumer in classified_interfaces(subnets):
        if consumer.category in (Category.EKS_NODE, Category.EKS_POD_ENI) and consumer.owner:
            entry = clusters.setdefault(consumer.owner, {"addresses": 0, "interfaces": 0, "subnetIds": set()})
            entry["addresses"] += eni.addresses
            entry["interfaces"] += 1
            entry["subnetIds"].add(eni.subnet_id)
    return [
        {"clusterName": name, **{**entry, "subnetIds": sorted(entry["subnetIds"])}}
        for name, entry in sorted(clusters.items())
    ]


def unattached(subnets: Iterable[SubnetCensus]) -> list[NetworkInterface]:
    """Interfaces in the `available` state, largest first."""
    found = [eni for eni, consumer in classified_interfaces(subnets) if consumer.category is Category.UNATTACHED]
    return sorted(found, key=lambda eni: (-eni.addresses, eni.interface_id))


def _subnet_census(subnet: Subnet, held: Held, reservations: Mapping[str, list[str]]) -> SubnetCensus:
    totals: dict[Consumer, list[int]] = defaultdict(lambda: [0, 0])
    for eni, consumer in held:
        totals[consumer][0] += eni.addresses
        totals[consumer][1] += 1
    shares = sorted(
        (ConsumerShare(consumer, addresses, count) for consumer, (addresses, count) in totals.items()),
        key=lambda s: (-s.addresses, s.consumer.category.value, s.consumer.owner or ""),
    )
    blocks = None
    if subnet.subnet_id in reservations and subnet.cidr_block:
        blocks = free_prefix_blocks(
            subnet.cidr_block,
            [ip for eni, _ in held for ip in eni.private_ips],
            [*(prefix for eni, _ in held for prefix in eni.ipv4_prefixes), *reservations[subnet.subnet_id]],
        )
    return SubnetCensus(subnet, tuple(held), tuple(shares), blocks)


def snapshot(subnets: list[SubnetCensus], *, account_id: str, region: str, generated_at: datetime) -> dict[str, Any]:
    """The census as the documented JSON shape."""
    names = {s.subnet.subnet_id: s.subnet.name for s in subnets}
    return {
        "generatedAt": generated_at.isoformat(),
        "accountId": account_id,
        "region": region,
        "subnets": [
            {
                "subnetId": s.subnet.subnet_id,
                "vpcId": s.subnet.vpc_id,
                "availabilityZone": s.subnet.availability_zone,
                "cidrBlock": s.subnet.cidr_block,
                "name": s.subnet.name,
                "usableAddresses": s.usable_addresses,
                "availableAddresses": s.subnet.available_ip_address_count,
                "freePrefixBlocks": s.free_prefix_blocks,
                "consumers": [
                    {
                        "category": share.consumer.category.value,
                        "owner": share.consumer.owner,
                        "addresses": share.addresses,
                        "interfaces": share.interfaces,
                    }
                    for share in s.consumers
                ],
            }
            for s in subnets
        ],
        "eksClusters": eks_clusters(subnets),
        "unattached": [
            {
                "networkInterfaceId": eni.interface_id,
                "subnetId": eni.subnet_id,
                "subnetName": names.get(eni.subnet_id),
                "addresses": eni.addresses,
                "description": eni.description,
            }
            for eni in unattached(subnets)
        ],
    }
