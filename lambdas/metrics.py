"""Pure construction of metric data points and their batching for PutMetricData."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass

from lambdas import contract
from lambdas.eni import ClusterEniCapacity
from lambdas.subnets import SubnetHeadroom

# PutMetricData accepts up to 1,000 metric data per call (and 1 MB); fewer calls means fewer requests billed.
MAX_METRIC_DATA_PER_CALL = 1000


@dataclass(frozen=True)
class MetricPoint:
    """One CloudWatch data point, independent of boto3's wire shape."""

    name: str
    value: float
    unit: str
    dimensions: tuple[tuple[str, str], ...]


def subnet_metric_points(headrooms: Iterable[SubnetHeadroom]) -> list[MetricPoint]:
    """Two points per subnet (the cost budget): free addresses and utilization."""
    points = []
    for h in headrooms:
        dims = (
            ("VpcId", h.subnet.vpc_id),
            ("SubnetId", h.subnet.subnet_id),
            ("AvailabilityZone", h.subnet.availability_zone),
        )
        points.append(
            MetricPoint(contract.AVAILABLE_IP_ADDRESS_COUNT, h.available_addresses, contract.UNIT_COUNT, dims)
        )
        points.append(MetricPoint(contract.IP_UTILIZATION, h.utilization_percent, contract.UNIT_PERCENT, dims))
    return points


def cluster_metric_points(capacities: Iterable[ClusterEniCapacity]) -> list[MetricPoint]:
    """Four points per cluster with EC2 instances: tasks, capacity, utilization, untrunked instances."""
    points = []
    for c in capacities:
        dims = (("ClusterName", c.cluster_name),)
        points += [
            MetricPoint(contract.ENI_TASKS_RUNNING, c.tasks_running, contract.UNIT_COUNT, dims),
            MetricPoint(contract.ENI_TASK_CAPACITY, c.capacity, contract.UNIT_COUNT, dims),
            MetricPoint(contract.ENI_UTILIZATION, c.utilization_percent, contract.UNIT_PERCENT, dims),
            MetricPoint(contract.UNTRUNKED_INSTANCES, c.untrunked_instances, contract.UNIT_COUNT, dims),
        ]
    return points


def heartbeat_point(collector: str) -> MetricPoint:
    """One point per run, even a partial one, so the heartbeat alarm hears from every collector run."""
    return MetricPoint(contract.COLLECTOR_HEARTBEAT, 1, contract.UNIT_COUNT, (("Collector", collector),))


def collector_failure_point(collector: str, failures: int) -> MetricPoint:
    """The run-level failure count that the self-monitoring alarm watches."""
    return MetricPoint(contract.COLLECTOR_FAILURES, failures, contract.UNIT_COUNT, (("Collector", collector),))


def batches(points: Sequence[MetricPoint], size: int = MAX_METRIC_DATA_PER_CALL) -> Iterator[Sequence[MetricPoint]]:
    """Split points into the fewest PutMetricData-sized batches."""
    for start in range(0, len(points), size):
        yield points[start : start + size]


def exhaustion_event_point(reason: str) -> MetricPoint:
    """One data point per exhaustion event, whether or not it was emailed."""
    return MetricPoint(contract.IP_EXHAUSTION_EVENTS, 1, contract.UNIT_COUNT, (("Reason", reason),))


def unparsed_event_point() -> MetricPoint:
    """One data point per event the handler could not parse (the event is in the dead-letter queue)."""
    return MetricPoint(contract.UNPARSED_EVENTS, 1, contract.UNIT_COUNT, ())
