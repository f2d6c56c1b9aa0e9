"""Pure: the two metric points per subnet (the cost budget)."""

from __future__ import annotations

from collections.abc import Iterable

from lambdas.core import contract
from lambdas.core.contract import MetricPoint
from lambdas.subnets.model import SubnetHeadroom


def subnet_metric_points(headrooms: Iterable[SubnetHeadroom]) -> list[MetricPoint]:
    """Free addresses and utilization of each subnet."""
    points = []
    for h in headrooms:
        dims = {
            contract.VPC_ID: h.subnet.vpc_id,
            contract.SUBNET_ID: h.subnet.subnet_id,
            contract.AVAILABILITY_ZONE: h.subnet.availability_zone,
        }
        points.append(contract.AVAILABLE_IP_ADDRESS_COUNT.point(h.available_addresses, dims))
        points.append(contract.IP_UTILIZATION.point(h.utilization_percent, dims))
    return points
