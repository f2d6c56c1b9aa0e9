"""Which metrics tell the monitor's own health (CDK Metric objects), shared by its alarms and dashboard."""

from __future__ import annotations

from aws_cdk import Duration
from aws_cdk import aws_cloudwatch as cloudwatch

from lambdas import contract


def _collector_metric(
    namespace: str, name: str, collector: str, *, statistic: str, period: Duration, label: str | None
) -> cloudwatch.Metric:
    return cloudwatch.Metric(
        namespace=namespace,
        metric_name=name,
        dimensions_map={"Collector": collector},
        statistic=statistic,
        period=period,
        label=label,
    )


def heartbeat_metric(namespace: str, collector: str, period: Duration, label: str | None = None) -> cloudwatch.Metric:
    """Runs of collector per period (each run publishes one CollectorHeartbeat point)."""
    return _collector_metric(
        namespace, contract.COLLECTOR_HEARTBEAT, collector, statistic="SampleCount", period=period, label=label
    )


def collector_failures_metric(
    namespace: str, collector: str, period: Duration, label: str | None = None
) -> cloudwatch.Metric:
    """AWS calls of collector that failed per period (published only by runs that had failures)."""
    return _collector_metric(
        namespace, contract.COLLECTOR_FAILURES, collector, statistic="Sum", period=period, label=label
    )
