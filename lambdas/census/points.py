"""Pure: the census metrics, only where they pay for themselves."""

from __future__ import annotations

from collections.abc import Sequence

from ..platform import contract
from ..platform.contract import MetricPoint
from .model import Category
from .snapshot import SubnetCensus, classified_interfaces, eks_clusters


def prefix_block_points(subnets: Sequence[SubnetCensus], account_id: str) -> list[MetricPoint]:
    """FreePrefixBlocks for the subnets whose blocks matter (per series: the at-risk mode chooses which)."""
    return [
        contract.FREE_PREFIX_BLOCKS.point(
            s.free_prefix_blocks,
            contract.subnet_series(account_id, s.subnet.vpc_id, s.subnet.subnet_id, s.subnet.availability_zone),
        )
        for s in subnets
        if s.free_prefix_blocks is not None
    ]


def census_summary_points(subnets: Sequence[SubnetCensus], account_id: str, region: str) -> list[MetricPoint]:
    """Unattached addresses per VPC and EKS addresses per cluster: a few series, every run."""
    # Every VPC in scope gets a value, 0 included, so its alarm can return to OK.
    unattached: dict[str, int] = dict.fromkeys(sorted({s.subnet.vpc_id for s in subnets}), 0)
    for eni, consumer in classified_interfaces(subnets):
        if consumer.category is Category.UNATTACHED:
            unattached[eni.vpc_id] = unattached.get(eni.vpc_id, 0) + eni.addresses
    points = [
        contract.UNATTACHED_ENI_ADDRESSES.point(n, contract.vpc_series(account_id, vpc))
        for vpc, n in unattached.items()
    ]
    points += [
        contract.EKS_ADDRESSES_IN_USE.point(
            c["addresses"], contract.cluster_series(account_id, region, c["clusterName"])
        )
        for c in eks_clusters(subnets)
    ]
    return points
