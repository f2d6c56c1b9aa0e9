"""DescribeSubnets paging and partial failures, with botocore's Stubber.

moto ignores MaxResults on DescribeSubnets and always answers in one page, so the paging real EC2
does (at most 1,000 subnets a page, then a NextToken) is replayed here from recorded-shape responses.
CloudWatch is moto, so the published metrics are read back.
"""

from datetime import UTC, datetime

import pytest
from botocore.stub import Stubber

from devkit.publishing import EVERY_RUN
from lambdas.subnets.pipeline import collect_subnets
from lambdas.subnets.settings import SubnetCollectorSettings
from tests.integration.conftest import NAMESPACE, count_calls, published_series, regional_client, target_with

pytestmark = pytest.mark.usefixtures("aws")

SETTINGS = SubnetCollectorSettings.model_validate(
    {"METRIC_NAMESPACE": NAMESPACE, "VPC_IDS": "", "SUBNET_TAG_FILTER": "", **EVERY_RUN}
)


def _subnet(i: int) -> dict:
    return {
        "SubnetId": f"subnet-{i:017x}",
        "VpcId": "vpc-0123456789abcdef0",
        "AvailabilityZone": ("us-east-1a", "us-east-1b", "us-east-1c")[i % 3],
        "CidrBlock": f"10.{i // 256}.{i % 256}.0/24",
        "AvailableIpAddressCount": 200,
        "State": "available",
    }


def _stub_pages(stubber: Stubber, pages: list[list[dict]]) -> None:
    for number, page in enumerate(pages):
        expected = {"Filters": [], "MaxResults": 1000}
        if number:
            expected["NextToken"] = f"token-{number}"
        response: dict = {"Subnets": page}
        if number < len(pages) - 1:
            response["NextToken"] = f"token-{number + 1}"
        stubber.add_response("describe_subnets", response, expected)


def test_given_2400_subnets_when_collecting_then_3_pages_of_1000_and_exactly_5_put_metric_data_calls():
    # Given real EC2's answer to MaxResults=1000: pages of 1000, 1000 and 400
    ec2, cloudwatch = regional_client("ec2"), regional_client("cloudwatch")
    subnets = [_subnet(i) for i in range(2400)]
    put_calls = count_calls(cloudwatch, "PutMetricData")
    with Stubber(ec2) as stubber:
        _stub_pages(stubber, [subnets[:1000], subnets[1000:2000], subnets[2000:]])
        # When
        report = collect_subnets(target_with(ec2=ec2, cloudwatch=cloudwatch), SETTINGS, datetime.now(UTC)).report
        # Then every stubbed page (with its MaxResults and NextToken) was asked for, and no more
        stubber.assert_no_pending_responses()
    # 4,800 subnet points, the VPC's two and the run's heartbeat: ceil(4,803 / 1,000) = 5 calls.
    assert [len(call["MetricData"]) for call in put_calls] == [1000, 1000, 1000, 1000, 803]
    assert report.put_metric_data_calls == 5
    assert len(published_series(cloudwatch, "IpUtilization")) == 2400
    assert published_series(cloudwatch, "CollectorHeartbeat") == [{"Collector": "subnets"}]
    assert report.status == "complete"


def test_given_page_2_fails_when_collecting_then_page_1_is_published_and_the_run_is_partial():
    ec2, cloudwatch = regional_client("ec2"), regional_client("cloudwatch")
    with Stubber(ec2) as stubber:
        stubber.add_response(
            "describe_subnets",
            {"Subnets": [_subnet(i) for i in range(3)], "NextToken": "token-1"},
            {"Filters": [], "MaxResults": 1000},
        )
        stubber.add_client_error("describe_subnets", "UnauthorizedOperation", "You are not authorized", 403)
        report = collect_subnets(target_with(ec2=ec2, cloudwatch=cloudwatch), SETTINGS, datetime.now(UTC)).report
    assert report.status == "partial"
    assert report.failures == [{"operation": "DescribeSubnets", "code": "UnauthorizedOperation", "page": "2"}]
    assert len(published_series(cloudwatch, "AvailableIpAddressCount")) == 3
    # The failure is published too, so the collector-failures alarm sees it.
    assert published_series(cloudwatch, "CollectorFailures") == [{"Collector": "subnets"}]


def test_given_a_subnet_listed_on_two_pages_when_collecting_then_it_is_published_once():
    # The set of subnets changed while paging: one subnet shows up again on the next page.
    ec2, cloudwatch = regional_client("ec2"), regional_client("cloudwatch")
    put_calls = count_calls(cloudwatch, "PutMetricData")
    with Stubber(ec2) as stubber:
        _stub_pages(stubber, [[_subnet(0), _subnet(1)], [_subnet(1), _subnet(2)]])
        report = collect_subnets(target_with(ec2=ec2, cloudwatch=cloudwatch), SETTINGS, datetime.now(UTC)).report
    assert report.resources == 3
    assert sum(len(call["MetricData"]) for call in put_calls) == 6 + 2 + 1  # the VPC's two, the heartbeat


def test_given_an_ipv6_only_subnet_when_collecting_then_it_publishes_nothing():
    ec2, cloudwatch = regional_client("ec2"), regional_client("cloudwatch")
    ipv6_only = {**_subnet(1), "Ipv6Native": True}
    del ipv6_only["CidrBlock"]
    with Stubber(ec2) as stubber:
        _stub_pages(stubber, [[_subnet(0), ipv6_only]])
        report = collect_subnets(target_with(ec2=ec2, cloudwatch=cloudwatch), SETTINGS, datetime.now(UTC)).report
    assert [d["SubnetId"] for d in published_series(cloudwatch, "IpUtilization")] == [_subnet(0)["SubnetId"]]
    assert report.resources == 1


def test_given_one_put_metric_data_batch_fails_when_publishing_then_the_other_batches_still_go_out():
    # Given 1,498 subnets (2,996 points, the VPC's two and the heartbeat: 3 batches) and CloudWatch refusing
    # the second batch
    ec2, cloudwatch = regional_client("ec2"), regional_client("cloudwatch")
    subnets = [_subnet(i) for i in range(1498)]
    with Stubber(ec2) as ec2_stub, Stubber(cloudwatch) as cw_stub:
        _stub_pages(ec2_stub, [subnets[:1000], subnets[1000:]])
        cw_stub.add_response("put_metric_data", {})
        cw_stub.add_client_error("put_metric_data", "InternalServiceError", "try later", 500)
        cw_stub.add_response("put_metric_data", {})
        cw_stub.add_response("put_metric_data", {})  # the CollectorFailures point
        # When
        report = collect_subnets(target_with(ec2=ec2, cloudwatch=cloudwatch), SETTINGS, datetime.now(UTC)).report
        # Then all four calls were made: batch 3 (999 points with the heartbeat) was not dropped
        cw_stub.assert_no_pending_responses()
    assert report.metric_points == 1999
    assert report.failures == [{"operation": "PutMetricData", "code": "InternalServiceError", "points": "1000"}]
    assert report.status == "partial"
