"""Small in-memory stand-ins for the AWS clients of the emailing functions, for property-based tests.

They answer in botocore's shapes and record what was sent, so thousands of inputs run in seconds; the same
paths against moto are in the integration tests. SNS can be told to fail; DescribeSubnets finds nothing
and the census snapshot is missing, so every email takes its "could not read" path.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from botocore.exceptions import ClientError

from lambdas.platform.targets import Target


def _error(code: str, operation: str) -> ClientError:
    return ClientError({"Error": {"Code": code, "Message": code}}, operation)


class FakeAws:
    """Records what the pipeline sends; SNS can be told to fail."""

    def __init__(self, sns_fails: bool = False):
        self.sns_fails = sns_fails
        self.metric_calls: list[dict[str, Any]] = []
        self.emails: list[dict[str, Any]] = []
        self.dead_letters: list[dict[str, Any]] = []
        self.claims: dict[str, int] = {}
        self.counters: dict[str, int] = {}
        self.calls: Counter[str] = Counter()  # "service.Operation" -> calls, as make bench counts them

    def put_metric_data(self, **call: Any) -> None:
        self.calls["cloudwatch.PutMetricData"] += 1
        self.metric_calls.append(call)

    def publish(self, **call: Any) -> dict[str, str]:
        self.calls["sns.Publish"] += 1
        if self.sns_fails:
            raise _error("KMSDisabledException", "Publish")
        self.emails.append(call)
        return {"MessageId": str(len(self.emails))}

    def put_item(self, **call: Any) -> None:
        self.calls["dynamodb.PutItem"] += 1
        key = call["Item"]["incident"]["S"]
        if key in self.claims and self.claims[key] > int(call["ExpressionAttributeValues"][":now"]["N"]):
            raise _error("ConditionalCheckFailedException", "PutItem")
        self.claims[key] = int(call["Item"]["expiresAt"]["N"])

    # STS: no member role can be assumed here (the handler then emails without the member's subnet read).
    meta = type("Meta", (), {"partition": "aws"})()

    def assume_role(self, **call: Any) -> dict[str, Any]:
        self.calls["sts.AssumeRole"] += 1
        raise _error("AccessDenied", "AssumeRole")

    def update_item(self, **call: Any) -> dict[str, Any]:
        """The incident cap's counter: ADD one, as DynamoDB does atomically."""
        self.calls["dynamodb.UpdateItem"] += 1
        key = call["Key"]["incident"]["S"]
        self.counters[key] = self.counters.get(key, 0) + 1
        return {"Attributes": {"count": {"N": str(self.counters[key])}}}

    def delete_item(self, **call: Any) -> None:
        self.calls["dynamodb.DeleteItem"] += 1
        self.claims.pop(call["Key"]["incident"]["S"], None)

    def send_message(self, **call: Any) -> None:
        self.calls["sqs.SendMessage"] += 1
        self.dead_letters.append(call)

    def describe_subnets(self, **call: Any) -> dict[str, Any]:
        self.calls["ec2.DescribeSubnets"] += 1
        raise _error("InvalidSubnetID.NotFound", "DescribeSubnets")

    def describe_network_interfaces(self, **call: Any) -> dict[str, Any]:
        self.calls["ec2.DescribeNetworkInterfaces"] += 1
        raise _error("InvalidNetworkInterfaceID.NotFound", "DescribeNetworkInterfaces")

    def describe_vpcs(self, **call: Any) -> dict[str, Any]:
        self.calls["ec2.DescribeVpcs"] += 1
        raise _error("InvalidVpcID.NotFound", "DescribeVpcs")

    def get_object(self, **call: Any) -> dict[str, Any]:
        self.calls["s3.GetObject"] += 1
        raise _error("NoSuchKey", "GetObject")

    def get_metric_data(self, **call: Any) -> dict[str, Any]:
        self.calls["cloudwatch.GetMetricData"] += 1
        return {
            "MetricDataResults": [{"Id": q["Id"], "Timestamps": [], "Values": []} for q in call["MetricDataQueries"]]
        }

    def target(self) -> Target:
        return Target(
            "123456789012",
            "us-east-1",
            clients=dict.fromkeys(("cloudwatch", "sns", "dynamodb", "sqs", "ec2", "s3", "sts"), self),
        )
