"""The monitor's share of the account's API rate budget (bench/budget.py), computed from a run's calls: exact
averages over the schedule, and peaks bounded by the client-side budgets where they pace the calls."""

from __future__ import annotations

from collections import Counter

import pytest

from bench.budget import PACED, SCHEDULE_SECONDS, shares
from lambdas.platform.aws_limits import THROTTLE_GROUPS

# The ECS collector at the benchmark's L size (BENCHMARKS.md): 1,406 calls a run.
ECS_AT_L = Counter(
    {
        "ecs.ListTasks": 500,
        "ecs.DescribeTasks": 500,
        "ecs.ListContainerInstances": 100,
        "ecs.DescribeContainerInstances": 100,
        "ecs.ListServices": 100,
        "ecs.DescribeServices": 100,
        "ecs.ListClusters": 1,
        "ecs.ListAccountSettings": 1,
        "ec2.DescribeSubnets": 1,
        "cloudwatch.PutMetricData": 1,
    }
)


def _by_group(found):
    return {s.group.name: s for s in found}


def test_given_the_ecs_collector_at_l_then_its_cluster_resource_reads_take_a_fifth_of_the_refill():
    found = _by_group(shares("L", "ecs", ECS_AT_L))
    reads = found["ECS cluster resource reads"]
    assert reads.calls == 1200
    assert reads.per_second == pytest.approx(1200 / 300)
    assert reads.sustained_share == pytest.approx(0.20)
    # Paced by the collector's budget: at most its burst of 20 plus 10 a second in any one second.
    assert (reads.peak, reads.peak_paced) == (30, True)
    assert reads.peak_share == pytest.approx(0.30)
    assert found["ECS service reads"].sustained_share == pytest.approx(200 / 300 / 20)
    assert "cloudwatch.PutMetricData" not in {op for s in found.values() for op in s.group.operations}


def test_given_the_census_then_reservation_reads_are_paced_and_interface_pages_are_not():
    calls = Counter(
        {"ec2.GetSubnetCidrReservations": 1000, "ec2.DescribeNetworkInterfaces": 55, "ec2.DescribeSubnets": 10}
    )
    (ec2,) = shares("L", "census", calls)
    assert ec2.calls == 1065
    assert ec2.per_second == pytest.approx(1065 / 900)
    assert (ec2.peak, ec2.peak_paced) == (65 + 30, False), "the unpaced pages may all land in one second"


def test_given_the_buckets_then_each_names_its_page_and_no_operation_is_in_two():
    operations = [op for group in THROTTLE_GROUPS for op in group.operations]
    assert len(operations) == len(set(operations))
    assert all(group.source.startswith("https://") for group in THROTTLE_GROUPS)
    assert all(group.bucket >= group.refill_per_second > 0 for group in THROTTLE_GROUPS)
    assert set(PACED) <= set(SCHEDULE_SECONDS)
