"""The documented AWS limits this app depends on, each with the page that states it, and the schedule grammar.

One table for the runtime (subject length, series per query) and for `cdk synth` (infra/core/limits.py checks
the synthesized stack against it; the configuration's bounds are read from it). The emulator checks none of
these: docs/emulator-gaps.md says which test covers each.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

CLOUDWATCH_ALARM_LIMITS = "https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/alarm-limits.html"
CLOUDWATCH_QUOTAS = "https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/cloudwatch_limits.html"
METRICS_INSIGHTS_QUOTAS = (
    "https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/cloudwatch-metrics-insights-limits.html"
)
PUT_METRIC_ALARM = "https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_PutMetricAlarm.html"
SNS_PUBLISH = "https://docs.aws.amazon.com/sns/latest/api/API_Publish.html"
LAMBDA_CONCURRENCY = "https://docs.aws.amazon.com/lambda/latest/dg/configuration-concurrency.html"
LAMBDA_QUOTAS = "https://docs.aws.amazon.com/lambda/latest/dg/gettingstarted-limits.html"
EVENTBRIDGE_SCHEDULES = "https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-scheduled-rule-pattern.html"
IAM_QUOTAS = "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html"


@dataclass(frozen=True)
class Limit:
    """One documented limit: its value, what it bounds, and where AWS says so."""

    value: int
    what: str
    source: str


# CloudWatch alarms on a Metrics Insights query ------------------------------------------------------------
METRICS_INSIGHTS_ALARM_LOOKBACK_SECONDS = Limit(
    3 * 3600, "a Metrics Insights alarm evaluates only the latest 3 hours of data", CLOUDWATCH_ALARM_LIMITS
)
METRICS_INSIGHTS_ALARMS_PER_REGION = Limit(
    200, "Metrics Insights alarms per account and Region (default quota, adjustable)", CLOUDWATCH_ALARM_LIMITS
)
CONTRIBUTORS_IN_ALARM = Limit(
    100, "concurrent contributor transitions of one multi-time-series alarm", CLOUDWATCH_ALARM_LIMITS
)
# Metrics Insights queries (alarms, dashboards, GetMetricData) ---------------------------------------------
SERIES_PER_QUERY = Limit(500, "time series one Metrics Insights query returns", METRICS_INSIGHTS_QUOTAS)
METRICS_PER_QUERY = Limit(10_000, "metrics one Metrics Insights query processes", METRICS_INSIGHTS_QUOTAS)
QUERIES_PER_REQUEST = Limit(
    1, "Metrics Insights queries in one GetMetricData request, so in one dashboard graph", METRICS_INSIGHTS_QUOTAS
)
# Alarms in general -----------------------------------------------------------------------------------------
ALARM_NAME_LENGTH = Limit(255, "characters of an alarm name", PUT_METRIC_ALARM)
ALARM_ACTIONS_PER_STATE = Limit(5, "actions per alarm state", CLOUDWATCH_QUOTAS)
# SNS ---------------------------------------------------------------------------------------------------------
SNS_SUBJECT_LENGTH = Limit(99, "characters of an email subject: printable ASCII, less than 100", SNS_PUBLISH)
# Lambda ------------------------------------------------------------------------------------------------------
UNRESERVED_CONCURRENCY_FLOOR = Limit(
    100, "concurrency Lambda keeps unreserved in every account and Region", LAMBDA_CONCURRENCY
)
LAMBDA_ENVIRONMENT_BYTES = Limit(4096, "bytes of all of a function's environment variables together", LAMBDA_QUOTAS)
DEFAULT_ACCOUNT_CONCURRENCY = Limit(1000, "concurrent executions per account and Region (default)", LAMBDA_CONCURRENCY)
# IAM ---------------------------------------------------------------------------------------------------------
ROLE_NAME_LENGTH = Limit(64, "characters of an IAM role name", IAM_QUOTAS)

# Request throttling: the account's token buckets (per region), shared with everything else in the account ----
ECS_THROTTLING = "https://docs.aws.amazon.com/AmazonECS/latest/APIReference/request-throttling.html"
EC2_THROTTLING = "https://docs.aws.amazon.com/AWSEC2/latest/APIReference/throttling.html"
GET_METRIC_DATA_QUOTA = "https://repost.aws/knowledge-center/cloudwatch-getmetricdata-api"
S3_PERFORMANCE = "https://docs.aws.amazon.com/AmazonS3/latest/userguide/optimizing-performance.html"


@dataclass(frozen=True)
class ThrottleGroup:
    """One of AWS's request buckets: the operations that share it, its size (the most calls in any one second)
    and its refill (the sustained calls a second), as its service's page states them."""

    name: str
    operations: frozenset[str]  # "service.Operation", as make bench counts calls
    bucket: int
    refill_per_second: float
    source: str


THROTTLE_GROUPS = (
    ThrottleGroup("ECS cluster reads", frozenset({"ecs.ListClusters", "ecs.DescribeClusters"}), 50, 20, ECS_THROTTLING),
    ThrottleGroup(
        "ECS cluster resource reads",
        frozenset(
            {
                "ecs.ListTasks",
                "ecs.DescribeTasks",
                "ecs.ListContainerInstances",
                "ecs.DescribeContainerInstances",
                "ecs.ListAttributes",
            }
        ),
        100,
        20,
        ECS_THROTTLING,
    ),
    ThrottleGroup(
        "ECS service reads", frozenset({"ecs.ListServices", "ecs.DescribeServices"}), 100, 20, ECS_THROTTLING
    ),
    ThrottleGroup("ECS setting reads", frozenset({"ecs.ListAccountSettings"}), 50, 20, ECS_THROTTLING),
    # Filtered or paginated Describe*, List*, Get*: every EC2 read the monitor makes asks for pages or filters.
    ThrottleGroup(
        "EC2 non-mutating",
        frozenset(
            {
                "ec2.DescribeSubnets",
                "ec2.DescribeNetworkInterfaces",
                "ec2.DescribeInstances",
                "ec2.DescribeInstanceTypes",
                "ec2.DescribeVpcs",
                "ec2.GetSubnetCidrReservations",
            }
        ),
        100,
        20,
        EC2_THROTTLING,
    ),
    # A transactions-per-second quota, no burst: the bucket is one second's worth.
    ThrottleGroup("CloudWatch GetMetricData", frozenset({"cloudwatch.GetMetricData"}), 50, 50, GET_METRIC_DATA_QUOTA),
    # Per prefix of a bucket: the monitor's objects are under a handful of prefixes; counted as one (the worst).
    ThrottleGroup("S3 GET per prefix", frozenset({"s3.GetObject"}), 5500, 5500, S3_PERFORMANCE),
    ThrottleGroup("S3 PUT per prefix", frozenset({"s3.PutObject"}), 3500, 3500, S3_PERFORMANCE),
)

# Every limit above, for the docs page and the test that each names its source.
LIMITS = (
    METRICS_INSIGHTS_ALARM_LOOKBACK_SECONDS,
    METRICS_INSIGHTS_ALARMS_PER_REGION,
    CONTRIBUTORS_IN_ALARM,
    SERIES_PER_QUERY,
    METRICS_PER_QUERY,
    QUERIES_PER_REQUEST,
    ALARM_NAME_LENGTH,
    ALARM_ACTIONS_PER_STATE,
    SNS_SUBJECT_LENGTH,
    UNRESERVED_CONCURRENCY_FLOOR,
    DEFAULT_ACCOUNT_CONCURRENCY,
    LAMBDA_ENVIRONMENT_BYTES,
    ROLE_NAME_LENGTH,
)


# EventBridge schedule expressions (EVENTBRIDGE_SCHEDULES): rate(value unit) or cron(six fields), in UTC.
RATE = re.compile(r"^rate\((?P<value>\d+) (?P<unit>minute|minutes|hour|hours|day|days)\)$")
CRON = re.compile(r"^cron\((?P<fields>[^()]+)\)$")
MONTHS = "JAN|FEB|MAR|APR|MAY|JUN|JUL|AUG|SEP|OCT|NOV|DEC"
DAYS = "SUN|MON|TUE|WED|THU|FRI|SAT"


@dataclass(frozen=True)
class CronField:
    """One field of a cron expression: its range, its names, and the wildcards it takes beyond , - * /."""

    name: str
    low: int
    high: int
    names: str = ""
    wildcards: str = ""

    def problem(self, field: str) -> str | None:
        """Why field is not a valid value of this field, or None."""
        if field == "?" and "?" in self.wildcards:
            return None
        names = self.names or "x^"  # a pattern that matches nothing
        plain = re.compile(rf"^(\*|[0-9]+|{names})(-([0-9]+|{names}))?(/[0-9]+)?$")
        special = {
            "L": r"^([0-9]*L|LW)$",
            "W": r"^[0-9]+W$",
            "#": rf"^([1-7]|{DAYS})#[1-5]$",
        }
        for part in field.split(","):
            # The numbers a part names (an increment's step and a '#' week excepted) lie in the field's range.
            for number in re.findall(r"\d+", re.sub(r"(/\d+|#\d)$", "", part)):
                if not self.low <= int(number) <= self.high:
                    return f"cron {self.name} {number} is outside {self.low}-{self.high}"
            if not plain.match(part) and not any(
                re.match(pattern, part) for mark, pattern in special.items() if mark in self.wildcards
            ):
                return f"cron {self.name} {part!r} is not a value, range, list, increment or one of its wildcards"
        return None


CRON_FIELDS = (
    CronField("minutes", 0, 59),
    CronField("hours", 0, 23),
    CronField("day-of-month", 1, 31, wildcards="?LW"),
    CronField("month", 1, 12, names=MONTHS),
    CronField("day-of-week", 1, 7, names=DAYS, wildcards="?L#"),
    CronField("year", 1970, 2199),
)


def schedule_expression_problem(text: str) -> str | None:
    """Why EventBridge would reject text as a schedule expression, or None if it follows the documented grammar."""
    rate, cron = RATE.match(text), CRON.match(text)
    if rate:
        return _rate_problem(int(rate["value"]), rate["unit"])
    if cron:
        return _cron_problem(cron["fields"].split(" "))
    return "neither rate(value unit) nor cron(minutes hours day-of-month month day-of-week year)"


def _rate_problem(value: int, unit: str) -> str | None:
    if value < 1:
        return "a rate's value must be positive (a whole number of minutes, hours or days)"
    if (value == 1) == unit.endswith("s"):
        return f"rate({value} {unit}): the unit is singular for 1 and plural above it"
    return None


def _cron_problem(fields: list[str]) -> str | None:
    if len(fields) != len(CRON_FIELDS):
        return f"a cron expression has {len(CRON_FIELDS)} fields separated by single spaces, not {len(fields)}"
    problems = [spec.problem(field) for field, spec in zip(fields, CRON_FIELDS, strict=True)]
    if any(problems):
        return next(p for p in problems if p)
    if (fields[2] == "?") == (fields[4] == "?"):
        return "exactly one of day-of-month and day-of-week must be '?'"
    return None
