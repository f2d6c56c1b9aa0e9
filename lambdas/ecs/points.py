"""Pure: the four metric points per cluster with EC2 container instances."""

from __future__ import annotations

from collections.abc import Iterable

from lambdas.core import contract
from lambdas.core.contract import MetricPoint
from lambdas.ecs.model import ClusterEniCapacity


def cluster_metric_points(capacities: Iterable[ClusterEniCapacity], account_id: str, region: str) -> list[MetricPoint]:
    """Tasks, capacity, utilization and untrunked instances of each cluster of account_id in region."""
    points = []
    for c in capacities:
        dims = contract.cluster_series(account_id, region, c.cluster_name)
        points += [
            contract.ENI_TASKS_RUNNING.point(c.tasks_running, dims),
            contract.ENI_TASK_CAPACITY.point(c.capacity, dims),
            contract.ENI_UTILIZATION.point(c.utilization_percent, dims),
            contract.UNTRUNKED_INSTANCES.point(c.untrunked_instances, dims),
        ]
    return points
