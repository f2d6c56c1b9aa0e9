"""The documented limits table and the schedule grammar, read as EventBridge and CloudWatch read them."""

from __future__ import annotations

import pytest

from lambdas.alerts.model import ALARM_KINDS
from lambdas.alerts.settings import FORECASTER
from lambdas.census.settings import COLLECTOR as CENSUS
from lambdas.ecs.settings import COLLECTOR as ECS
from lambdas.platform import aws_limits
from lambdas.subnets.settings import COLLECTOR as SUBNETS


def test_every_limit_names_the_aws_page_that_states_it():
    assert len(aws_limits.LIMITS) >= 12
    for limit in aws_limits.LIMITS:
        assert limit.source.startswith("https://docs.aws.amazon.com/"), limit
        assert limit.value > 0
        assert limit.what


@pytest.mark.parametrize(
    "expression",
    [
        # The examples of EventBridge's schedule page, and the shapes this app makes (CDK's rates, the digest's).
        "rate(1 minute)",
        "rate(5 minutes)",
        "rate(1 hour)",
        "rate(12 hours)",
        "rate(1 day)",
        "cron(0 8 ? * MON *)",
        "cron(0 10 * * ? *)",
        "cron(15 12 * * ? *)",
        "cron(0 18 ? * MON-FRI *)",
        "cron(0 8 1 * ? *)",
        "cron(0/15 * * * ? *)",
        "cron(0/10 * ? * MON-FRI *)",
        "cron(0/5 8-17 ? * MON-FRI *)",
        "cron(0 9 ? * 2#1 *)",
        "cron(0 9 L * ? *)",
        "cron(0 9 15W * ? *)",
        "cron(0 10 ? JAN,JUL MON 2027)",
    ],
)
def test_documented_schedule_expressions_are_accepted(expression):
    assert aws_limits.schedule_expression_problem(expression) is None


@pytest.mark.parametrize(
    ("expression", "why"),
    [
        ("rate(1 minutes)", "singular for 1"),
        ("rate(5 minute)", "plural above it"),
        ("rate(0 minutes)", "must be positive"),
        ("rate(5 weeks)", "neither rate"),
        ("cron(0 8 * * MON *)", "exactly one of day-of-month and day-of-week must be '?'"),
        ("cron(0 8 ? * ? *)", "exactly one of day-of-month and day-of-week must be '?'"),
        ("cron(0 8 * *)", "6 fields"),
        ("cron(0 8 ? * MON * *)", "6 fields"),
        ("cron(60 8 ? * MON *)", "minutes 60 is outside 0-59"),
        ("cron(0 24 ? * MON *)", "hours 24 is outside 0-23"),
        ("cron(0 8 32 * ? *)", "day-of-month 32 is outside 1-31"),
        ("cron(0 8 ? 13 MON *)", "month 13 is outside 1-12"),
        ("cron(0 8 ? * 8 *)", "day-of-week 8 is outside 1-7"),
        ("cron(0 8 ? * FUNDAY *)", "day-of-week 'FUNDAY'"),
        ("cron(0 8 ? * MON#6 *)", "day-of-week 'MON#6'"),
        ("cron(0 8 ? * MON 1969)", "year 1969 is outside 1970-2199"),
        ("0 8 * * 1", "neither rate"),
    ],
)
def test_expressions_eventbridge_rejects_are_refused_with_the_reason(expression, why):
    problem = aws_limits.schedule_expression_problem(expression)
    assert problem is not None
    assert why in problem


def test_each_alarm_kind_names_the_collector_whose_heartbeat_alarm_covers_it():
    # The stopped-reporting email names '<stack>-<publisher>-collector-heartbeat'.
    assert {kind.publisher for kind in ALARM_KINDS} == {SUBNETS, CENSUS, ECS, FORECASTER}
