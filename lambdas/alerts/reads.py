"""AWS reads of the alerts capability: metric history (GetMetricData), metric listings, VPC names."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from ..domain.network import Subnet
from ..platform import contract
from ..platform.errors import AWS_ERRORS, AwsReadError
from ..platform.text import plain_or_none
from .forecast import Sample
from .model import AlarmContributor

# GetMetricData takes at most 500 queries a call (and returns at most 100,800 points a page: 500 series of
# 14 days at one point an hour are 168,000, so a call is followed by its NextToken pages).
QUERIES_PER_CALL = 500
HOUR = 3600


@dataclass(frozen=True)
class SeriesQuery:
    """One series to read: its id in the call, the metric, its dimensions, the statistic and period."""

    query_id: str
    metric: contract.Metric
    dimensions: Mapping[str, str]
    statistic: str
    period_seconds: int


def read_series(
    cloudwatch: Any, namespace: str, queries: Sequence[SeriesQuery], start: datetime, end: datetime
) -> dict[str, list[Sample]]:
    """Each query's points, oldest first, by query id; raise AwsReadError naming the failed batch."""
    series: dict[str, list[Sample]] = {q.query_id: [] for q in queries}
    for first in range(0, len(queries), QUERIES_PER_CALL):
        batch = queries[first : first + QUERIES_PER_CALL]
        for result in _results(cloudwatch, namespace, batch, start, end):
            series[result["Id"]].extend(
                Sample(at, float(value)) for at, value in zip(result["Timestamps"], result["Values"], strict=True)
            )
    return {query_id: sorted(points, key=lambda s: s.at) for query_id, points in series.items()}


def _results(
    cloudwatch: Any, namespace: str, batch: Sequence[SeriesQuery], start: datetime, end: datetime
) -> Iterator[dict[str, Any]]:
    request: dict[str, Any] = {
        "MetricDataQueries": [
            {
                "Id": q.query_id,
                "MetricStat": {
                    "Metric": {
                        "Namespace": namespace,
                        "MetricName": q.metric.name,
                        "Dimensions": [{"Name": name, "Value": q.dimensions[name]} for name in q.metric.dimensions],
                    },
                    "Period": q.period_seconds,
                    "Stat": q.statistic,
                },
                "ReturnData": True,
            }
            for q in batch
        ],
        "StartTime": start,
        "EndTime": end,
        "ScanBy": "TimestampAscending",
    }
    while True:
        try:
            page = cloudwatch.get_metric_data(**request)
        except AWS_ERRORS as err:
            raise AwsReadError.wrap("GetMetricData", err, {"series": str(len(batch))}) from err
        yield from page.get("MetricDataResults", [])
        if not page.get("NextToken"):
            return
        request["NextToken"] = page["NextToken"]


def free_address_queries(
    subnets: Sequence[Subnet], account_id: str, account_of: Mapping[str, str] | None = None
) -> list[SeriesQuery]:
    """The hourly minimum of AvailableIpAddressCount of each subnet (ids s0, s1, ... in order), published by
    account_id, or (hub mode) by the account account_of gives for the subnet id."""
    accounts = account_of or {}
    return [
        SeriesQuery(
            f"s{index}",
            contract.AVAILABLE_IP_ADDRESS_COUNT,
            contract.subnet_series(accounts.get(s.subnet_id, account_id), s.vpc_id, s.subnet_id, s.availability_zone),
            "Minimum",
            HOUR,
        )
        for index, s in enumerate(subnets)
    ]


def series_dimensions(
    cloudwatch: Any, namespace: str, metric: contract.Metric, *, recently_active: bool
) -> list[dict[str, str]]:
    """The dimensions of each of metric's series of the contract (published in the last 3 hours if
    recently_active), sorted; series with another dimension set (an older contract's) are left out."""
    request: dict[str, Any] = {"Namespace": namespace, "MetricName": metric.name}
    if recently_active:
        request["RecentlyActive"] = "PT3H"
    series: set[tuple[tuple[str, str], ...]] = set()
    try:
        for page in cloudwatch.get_paginator("list_metrics").paginate(**request):
            for listed in page.get("Metrics", []):
                dims = {d["Name"]: d["Value"] for d in listed.get("Dimensions", [])}
                if sorted(dims) == sorted(metric.dimensions):
                    series.add(tuple((name, dims[name]) for name in metric.dimensions))
    except AWS_ERRORS as err:
        raise AwsReadError.wrap("ListMetrics", err, {"metric": metric.name}) from err
    return [dict(s) for s in sorted(series)]


def zone_of(cloudwatch: Any, namespace: str, account_id: str, dimension: str, value: str) -> str | None:
    """The Availability Zone of a subnet (or of any subnet of a VPC) of account_id, from the dimensions of its
    AvailableIpAddressCount series; None if it has none. Hub mode: subnet and VPC alarms carry no region."""
    request = {
        "Namespace": namespace,
        "MetricName": contract.AVAILABLE_IP_ADDRESS_COUNT.name,
        "Dimensions": [{"Name": contract.ACCOUNT_ID, "Value": account_id}, {"Name": dimension, "Value": value}],
    }
    try:
        listed = cloudwatch.list_metrics(**request).get("Metrics", [])
    except AWS_ERRORS as err:
        raise AwsReadError.wrap("ListMetrics", err, {dimension: value}) from err
    zones = [d["Value"] for m in listed for d in m.get("Dimensions", []) if d["Name"] == contract.AVAILABILITY_ZONE]
    return zones[0] if zones else None


def vpc_name(ec2: Any, vpc_id: str) -> str | None:
    """The VPC's Name tag, None if it has none; raise AwsReadError if it cannot be read."""
    try:
        vpcs = ec2.describe_vpcs(VpcIds=[vpc_id]).get("Vpcs", [])
    except AWS_ERRORS as err:
        raise AwsReadError.wrap("DescribeVpcs", err, {"vpc": vpc_id}) from err
    tags = {t["Key"]: t["Value"] for vpc in vpcs for t in vpc.get("Tags", [])}
    return plain_or_none(tags.get("Name"))


def alarm_contributors(cloudwatch: Any, alarm_name: str) -> list[AlarmContributor]:
    """Every contributor of alarm_name now in ALARM (CloudWatch keeps at most 100); raise AwsReadError."""
    contributors: list[AlarmContributor] = []
    request: dict[str, Any] = {"AlarmName": alarm_name}
    try:
        while True:
            page = cloudwatch.describe_alarm_contributors(**request)
            contributors += [
                AlarmContributor(c["ContributorId"], dict(c.get("ContributorAttributes", {})), c.get("StateReason", ""))
                for c in page.get("AlarmContributors", [])
            ]
            if not page.get("NextToken"):
                return contributors
            request["NextToken"] = page["NextToken"]
    except AWS_ERRORS as err:
        raise AwsReadError.wrap("DescribeAlarmContributors", err, {"alarm": alarm_name}) from err
