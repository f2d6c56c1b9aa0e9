"""Alarm helpers: every alarm of the app has one shape, is named after the stack and notifies the topic."""

from __future__ import annotations

from aws_cdk import Duration, Stack
from aws_cdk import aws_cloudwatch as cloudwatch
from constructs import Construct

from infra.core.alerting import Alerting


def threshold_alarm(
    scope: Construct,
    construct_id: str,
    *,
    name: str,
    description: str,
    metric: cloudwatch.IMetric,
    alerting: Alerting,
    threshold: float = 1,
    comparison: cloudwatch.ComparisonOperator = cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
    evaluation_periods: int = 1,
    missing: cloudwatch.TreatMissingData = cloudwatch.TreatMissingData.NOT_BREACHING,
) -> cloudwatch.Alarm:
    """An alarm (by default: >= 1 in one period, missing data not breaching) on ALARM and OK to the topic."""
    alarm = cloudwatch.Alarm(
        scope,
        construct_id,
        alarm_name=f"{Stack.of(scope).stack_name}-{name}",
        alarm_description=description,
        metric=metric,
        threshold=threshold,
        comparison_operator=comparison,
        evaluation_periods=evaluation_periods,
        datapoints_to_alarm=evaluation_periods,
        treat_missing_data=missing,
    )
    alerting.notify(alarm)
    return alarm


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
    # A deleted subnet or cluster stops reporting; that is not a reason to page anyone (the default).
    return threshold_alarm(
        scope,
        construct_id,
        name=name,
        description=description,
        metric=cloudwatch.MathExpression(expression=query, label=label, period=period, using_metrics={}),
        alerting=alerting,
        threshold=threshold,
        comparison=comparison,
    )
