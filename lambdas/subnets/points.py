"""Pure: the two metric points per subnet (the cost budget), and the two per VPC that every run publishes."""

from __future__ import annotations

from collections.abc import Iterable

from ..platform import contract
from ..platform.contract import MetricPoint
from .model import SubnetHeadroom


def subnet_metric_points(headrooms: Iterable[SubnetHeadroom], account_id: str) -> list[MetricPoint]:
    """Free addresses and utilization of each subnet of account_id."""
    points = []
    for h in headrooms:
        dims = contract.subnet_series(account_id, h.subnet.vpc_id, h.subnet.subnet_id, h.subnet.availability_zone)
        points.append(contract.AVAILABLE_IP_ADDRESS_COUNT.point(h.available_addresses, dims))
        points.append(contract.IP_UTILIZATION.point(h.utilization_percent, dims))
    return points


def vpc_metric_points(headrooms: Iterable[SubnetHeadroom], account_id: str) -> list[MetricPoint]:
    """Each VPC's free addresses (the sum over its subnets in scope) and its fullest subnet's utilization."""
    free: dict[str, int] = {}
    worst: dict[str, float] = {}
    for h in headrooms:
        vpc = h.subnet.vpc_id
        free[vpc] = free.get(vpc, 0) + h.available_addresses
        worst[vpc] = max(worst.get(vpc, 0.0), h.utilization_percent)
    points = []
    for vpc in sorted(free):
        dims = contract.vpc_series(account_id, vpc)
        points.append(contract.VPC_AVAILABLE_IP_ADDRESS_COUNT.point(free[vpc], dims))
        points.append(contract.VPC_MAX_IP_UTILIZATION.point(worst[vpc], dims))
    return points
