"""The benchmark cannot rot: its smallest size runs in the test suite and must sit on the floor."""

from bench.__main__ import render, run_size
from bench.sizes import SIZES


def test_given_the_xs_environment_when_benchmarked_then_every_call_count_equals_the_floor():
    result = run_size(SIZES["XS"])

    assert result.subnets.calls == result.subnet_floor
    assert result.ecs.calls == result.ecs_floor
    assert result.census.calls == result.census_floor
    assert result.forecast.calls == result.forecast_floor
    # 2 per subnet, 4 per cluster, FreePrefixBlocks for the 2 EKS subnets, one UnattachedEniAddresses per VPC
    # (the generated one and the clusters'), 4 heartbeats (the forecaster publishes no forecast: no history).
    assert result.vpcs == 2
    assert result.custom_metrics == 2 * result.subnets_in_scope + 4 * SIZES["XS"].clusters + 2 + 2 + 4
    assert result.naive_subnet_calls is not None
    assert result.naive_subnet_calls > sum(result.subnet_floor.values())
    assert "| XS | subnets: ec2.DescribeSubnets | 1 | 1 | 1.00 |" in render([result])
