"""The metric contract, metric points and batching, with no AWS."""

import pytest

from lambdas.domain.network import Subnet
from lambdas.platform import contract
from lambdas.platform.publish import MAX_METRIC_DATA_PER_CALL, batches, collector_failure_point
from lambdas.subnets.model import ipv4_headroom
from lambdas.subnets.points import subnet_metric_points, vpc_metric_points

ACCOUNT = "111122223333"


def _subnets(n: int) -> list[Subnet]:
    return [Subnet(f"subnet-{i:05d}", "vpc-1", "us-east-1a", "10.0.0.0/24", 51) for i in range(n)]


def test_given_one_subnet_then_two_points_with_exactly_the_four_contract_dimensions():
    points = subnet_metric_points(ipv4_headroom(_subnets(1)), ACCOUNT)
    assert [(p.name, p.unit) for p in points] == [
        ("AvailableIpAddressCount", "Count"),
        ("IpUtilization", "Percent"),
    ]
    for point in points:
        assert dict(point.dimensions) == {
            "AccountId": ACCOUNT,
            "VpcId": "vpc-1",
            "SubnetId": "subnet-00000",
            "AvailabilityZone": "us-east-1a",
        }
    assert points[0].value == 51


@pytest.mark.parametrize(
    "dimensions",
    [
        {"VpcId": "vpc-1", "SubnetId": "subnet-1", "AvailabilityZone": "a"},  # AccountId missing
        {"AccountId": ACCOUNT, "VpcId": "vpc-1", "SubnetId": "subnet-1", "AvailabilityZone": "a", "Extra": "x"},
        {"AccountId": ACCOUNT, "VpcId": "vpc-1", "SubnetId": "subnet-1", "Az": "a"},  # a misspelt one
    ],
)
def test_given_dimensions_other_than_the_contracts_then_no_point_is_built(dimensions):
    with pytest.raises(ValueError, match="AvailableIpAddressCount takes dimensions"):
        contract.AVAILABLE_IP_ADDRESS_COUNT.point(1, dimensions)


def test_given_dimensions_in_any_order_then_the_point_carries_them_in_the_contracts_order():
    point = contract.IP_UTILIZATION.point(
        5.0, {"AvailabilityZone": "a", "SubnetId": "s", "VpcId": "v", "AccountId": "1"}
    )
    assert point.dimensions == (("AccountId", "1"), ("VpcId", "v"), ("SubnetId", "s"), ("AvailabilityZone", "a"))


def test_given_2500_subnets_then_5000_points_fit_in_5_batches_of_at_most_1000():
    points = subnet_metric_points(ipv4_headroom(_subnets(2500)), ACCOUNT)
    sizes = [len(b) for b in batches(points)]
    assert sizes == [1000, 1000, 1000, 1000, 1000]
    assert max(sizes) <= MAX_METRIC_DATA_PER_CALL


def test_given_no_points_then_no_batches_and_an_odd_count_leaves_a_short_last_batch():
    assert list(batches([])) == []
    assert [len(b) for b in batches(subnet_metric_points(ipv4_headroom(_subnets(501)), ACCOUNT))] == [1000, 2]


def test_given_failures_then_the_failure_point_names_the_collector():
    point = collector_failure_point("subnets", 2)
    assert (point.name, point.value, point.dimensions) == ("CollectorFailures", 2, (("Collector", "subnets"),))


def test_given_subnets_in_two_vpcs_then_each_vpc_gets_its_free_sum_and_its_fullest_subnet():
    headrooms = ipv4_headroom(
        [
            Subnet("subnet-a", "vpc-1", "us-east-1a", "10.0.0.0/24", 51),  # 79.7 %
            Subnet("subnet-b", "vpc-1", "us-east-1b", "10.0.1.0/24", 241),  # 4.0 %
            Subnet("subnet-c", "vpc-2", "us-east-1a", "10.1.0.0/28", 0),  # 100 %
        ]
    )
    points = {(p.name, dict(p.dimensions)["VpcId"]): p.value for p in vpc_metric_points(headrooms, ACCOUNT)}
    assert {dict(p.dimensions)["AccountId"] for p in vpc_metric_points(headrooms, ACCOUNT)} == {ACCOUNT}
    assert points == {
        ("VpcAvailableIpAddressCount", "vpc-1"): 292,
        ("VpcMaxIpUtilization", "vpc-1"): pytest.approx(100 * 200 / 251),
        ("VpcAvailableIpAddressCount", "vpc-2"): 0,
        ("VpcMaxIpUtilization", "vpc-2"): 100.0,
    }
