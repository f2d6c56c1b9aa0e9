"""Alarm helpers shared by the collection constructs: one shape for every query alarm and failure alarm."""

from __future__ import annotations

from aws_cdk import Duration, Stack
from aws_cdk import aws_cloudwatch as cloudwatch
from constructs import Construct

from infra.alerting import Alerting
from lambdas import contract


def query_alarm(
    scope: Construct,
    construct_id: str,
    *,
    name: str,
    description: str,
    query: str,
    label: str,
    period: Duration,
    threshold: float,
    comparison: cloudwatch.ComparisonOperator,
    alerting: Alerting,
) -> cloudwatch.Alarm:
    """A Metrics Insights (multi-time-series) alarm wired to the topic; missing data is not breaching."""
    alarm = cloudwatch.Alarm(
        scope,
        construct_id,
        alarm_name=f"{Stack.of(scope).stack_name}-{name}",
        alarm_description=description,
        metric=cloudwatch.MathExpression(expression=query, label=label, period=period, using_metrics={}),
        threshold=threshold,
        evaluation_periods=1,
        comparison_operator=comparison,
        # A deleted subnet or cluster stops reporting; that is not a reason to page anyone.
        treat_missing_data=cloudwatch.TreatMissingData.NOT_BREACHING,
    )
    alerting.notify(alarm)
    return alarm


def collector_failures_alarm(
    scope: Construct, *, collector: str, namespace: str, period: Duration, alerting: Alerting
) -> cloudwatch.Alarm:
    """Fires on the first run of `collector` that could not read or publish everything."""
    alarm = cloudwatch.Alarm(
        scope,
        "CollectorFailuresAlarm",
        alarm_name=f"{Stack.of(scope).stack_name}-{collector}-collector-failures",
        alarm_description=(
            f"The {collector} collector could not read or publish everything in a run (AccessDenied, throttling "
            "beyond retries, a failed PutMetricData batch). Everything else was published. The collector's log "
            "group has the failing call and its context."
        ),
        metric=cloudwatch.Metric(
            namespace=namespace,
            metric_name=contract.COLLECTOR_FAILURES,
            dimensions_map={"Collector": collector},
            statistic="Sum",
            period=period,
        ),
        threshold=1,
        evaluation_periods=1,
        comparison_operator=cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treat_missing_data=cloudwatch.TreatMissingData.NOT_BREACHING,
    )
    alerting.notify(alarm)
    return alarm
