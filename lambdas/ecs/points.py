"""Pure: the four metric points per cluster with EC2 container instances, and the deployment fit's."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from ..domain.deployments import ServiceFit, services_at_risk
from ..platform import contract
from ..platform.contract import MetricPoint
from .model import ClusterEniCapacity


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


def deployment_risk_points(fits: Iterable[ServiceFit], account_id: str, region: str) -> list[MetricPoint]:
    """ServicesAtDeploymentRisk of each cluster with an assessed awsvpc service (0 when none is at risk)."""
    return [
        contract.SERVICES_AT_DEPLOYMENT_RISK.point(count, contract.cluster_series(account_id, region, cluster))
        for cluster, count in sorted(services_at_risk(list(fits)).items())
    ]


def deployment_fit_document(
    fits: Iterable[ServiceFit], account_id: str, region: str, generated_at: datetime
) -> dict[str, Any]:
    """The deployment fit as the documented JSON (docs/metrics.md, "Deployment fit"), services at risk first."""
    ranked = sorted(fits, key=lambda f: (not f.at_risk, f.service.cluster, f.service.name))
    return {
        "generatedAt": generated_at.isoformat(),
        "accountId": account_id,
        "region": region,
        "services": [f.as_json() for f in ranked],
    }
