"""The demo's stand-in for the alarms moto never evaluates: the subnet thresholds applied to read-back values."""

from __future__ import annotations

from dataclasses import dataclass

from lambdas.subnets.model import SubnetHeadroom


@dataclass(frozen=True)
class SubnetThresholds:
    """The subnet alarms' thresholds (monitor:utilizationThresholdPercent, monitor:freeAddressFloor)."""

    utilization_percent: float
    min_free_addresses: int


def breached_thresholds(headroom: SubnetHeadroom, thresholds: SubnetThresholds) -> list[str]:
    """Which subnet alarms this subnet would trip: utilization at/above, or free addresses at/below."""
    breached = []
    if headroom.utilization_percent >= thresholds.utilization_percent:
        breached.append(f"utilization {headroom.utilization_percent:.1f}% >= {thresholds.utilization_percent:g}%")
    if headroom.available_addresses <= thresholds.min_free_addresses:
        breached.append(f"free addresses {headroom.available_addresses} <= {thresholds.min_free_addresses}")
    return breached
