"""Alarm helpers: every alarm of the app has one shape and is named after the stack.

Threshold alarms notify the topic; Metrics Insights alarms grouped by a dimension are explained per
contributor by the alert composer (Alerting.notify_per_contributor).
"""

from __future__ import annotations

from aws_cdk import Duration
from aws_cdk import aws_cloudwatch as cloudwatch
from constructs import Construct

from infra.core.alerting import Alerting, alarm_prefix


def alarm_name(scope: Construct, name: str) -> str:
    """'<stack name>-<name>': every alarm of one deployment sorts together in the console."""
    return f"{alarm_prefix(scope)}{name}"


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
    notify_topic: bool = True,
) -> cloudwatch.Alarm:
    """An alarm (by default: >= 1 in one period, missing data not breaching) on ALARM and OK to the topic."""
    alarm = cloudwatch.Alarm(
        scope,
        construct_id,
        alarm_name=alarm_name(scope, name),
        alarm_description=description,
        metric=metric,
        threshold=threshold,
        comparison_operator=comparison,
        evaluation_periods=evaluation_periods,
        datapoints_to_alarm=evaluation_periods,
        treat_missing_data=missing,
    )
    if notify_topic:
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
    per_contributor: bool = True,
) -> cloudwatch.Alarm:
    """A Metrics Insights alarm; missing data is not breaching.

    per_contributor (a GROUP BY query): each subnet, cluster or VPC crossing the threshold is emailed by
    the alert composer. Otherwise (one series) the alarm notifies the topic itself.
    """
    # A deleted subnet or cluster stops reporting; that is not a reason to page anyone (the default).
    alarm = threshold_alarm(
        scope,
        construct_id,
        name=name,
        description=description,
        metric=cloudwatch.MathExpression(expression=query, label=label, period=period, using_metrics={}),
        alerting=alerting,
        threshold=threshold,
        comparison=comparison,
        notify_topic=not per_contributor,
    )
    if per_contributor:
        alerting.notify_per_contributor(alarm_name(scope, name))
    return alarm
