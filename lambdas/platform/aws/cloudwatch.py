"""CloudWatch writes."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from ..contract import MetricPoint
from ..errors import AWS_ERRORS, PublishError


def put_metric_batch(cloudwatch: Any, namespace: str, batch: Sequence[MetricPoint], timestamp: datetime) -> None:
    """Send one batch (at most 1,000 points) in a single PutMetricData call; raise PublishError on failure."""
    metric_data = [
        {
            "MetricName": p.name,
            "Dimensions": [{"Name": k, "Value": v} for k, v in p.dimensions],
            "Timestamp": timestamp,
            "Value": float(p.value),
            "Unit": p.unit,
        }
        for p in batch
    ]
    try:
        cloudwatch.put_metric_data(Namespace=namespace, MetricData=metric_data)
    except AWS_ERRORS as err:
        raise PublishError.wrap("PutMetricData", err, {"points": str(len(batch))}) from err
