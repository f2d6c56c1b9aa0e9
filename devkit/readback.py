"""Reading published metrics back from (emulated) CloudWatch, as the demo and the tests both do."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any


def metric_values(cloudwatch: Any, namespace: str, name: str, dimensions: dict[str, str], stat: str) -> list[float]:
    """Every value of one series in the last hour, at one-minute resolution."""
    now = datetime.now(UTC)
    result = cloudwatch.get_metric_data(
        MetricDataQueries=[
            {
                "Id": "m",
                "MetricStat": {
                    "Metric": {
                        "Namespace": namespace,
                        "MetricName": name,
                        "Dimensions": [{"Name": k, "Value": v} for k, v in dimensions.items()],
                    },
                    "Period": 60,
                    "Stat": stat,
                },
            }
        ],
        StartTime=now - timedelta(hours=1),
        EndTime=now + timedelta(minutes=5),
    )
    return [float(v) for v in result["MetricDataResults"][0]["Values"]]


def total_over_series(cloudwatch: Any, namespace: str, name: str, matching: dict[str, str], stat: str = "Sum") -> float:
    """The sum of stat over every series of name whose dimensions include matching (every account, say)."""
    listed = cloudwatch.get_paginator("list_metrics").paginate(Namespace=namespace, MetricName=name)
    # moto lists a series once per PutMetricData; CloudWatch lists it once: a set counts each once.
    series = {
        tuple(sorted((d["Name"], d["Value"]) for d in metric["Dimensions"]))
        for page in listed
        for metric in page["Metrics"]
    }
    return sum(
        sum(metric_values(cloudwatch, namespace, name, dict(dims), stat))
        for dims in series
        if matching.items() <= dict(dims).items()
    )


def latest_value(cloudwatch: Any, namespace: str, name: str, dimensions: dict[str, str], stat: str) -> float | None:
    """The most recent value of one series, None if nothing was published."""
    values = metric_values(cloudwatch, namespace, name, dimensions, stat)
    return values[0] if values else None


def drain_queue(sqs: Any, queue_url: str) -> list[dict[str, Any]]:
    """Receive and delete every message of a queue (with its attributes): what an SQS reader would see."""
    messages: list[dict[str, Any]] = []
    while batch := sqs.receive_message(QueueUrl=queue_url, MaxNumberOfMessages=10, MessageAttributeNames=["All"]).get(
        "Messages", []
    ):
        messages += batch
        for message in batch:
            sqs.delete_message(QueueUrl=queue_url, ReceiptHandle=message["ReceiptHandle"])
    return messages
