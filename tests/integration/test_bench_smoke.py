"""The benchmark cannot rot: its smallest size runs in the test suite and must sit on the floor."""

import re

from bench.__main__ import render, run_size
from bench.hub import HUB_SIZES, render_hub, run_hub_size
from bench.sizes import SIZES


def test_given_the_xs_environment_when_benchmarked_then_every_call_count_equals_the_floor():
    result = run_size(SIZES["XS"])

    assert result.subnets.calls == result.subnet_floor
    assert result.subnets_at_risk.calls == result.subnet_at_risk_floor
    assert result.ecs.calls == result.ecs_floor
    assert result.census.calls == result.census_floor
    assert result.forecast.calls == result.forecast_floor
    # 2 per subnet, 5 per cluster (the 4 task-ENI figures and ServicesAtDeploymentRisk), FreePrefixBlocks for
    # the 2 EKS subnets, 3 per VPC (the generated one and the
    # clusters': 2 subnet aggregates and UnattachedEniAddresses), 4 heartbeats (the forecaster publishes no
    # forecast: no history).
    assert result.vpcs == 2
    assert result.custom_metrics == 2 * result.subnets_in_scope + 5 * SIZES["XS"].clusters + 2 + 3 * 2 + 4
    # The at-risk run publishes the subnets at or above 50 % (and none in rotation: 5 minutes of 24 hours for
    # 20 subnets is unlikely, and then the floor would still hold), and its day costs less than every-run's.
    assert result.published_at_risk <= result.subnets_in_scope
    assert result.at_risk_day.subnet_metric_hours < result.every_run_day.subnet_metric_hours
    assert result.at_risk_cost.total < result.every_run_cost.total
    assert result.naive_subnet_calls is not None
    assert result.naive_subnet_calls > sum(result.subnet_floor.values())
    rendered = render([result])
    assert "| XS | subnets: ec2.DescribeSubnets | 1 | 1 | 1.00 |" in rendered
    assert "| XS | subnets (at-risk): s3.GetObject | 1 | 1 | 1.00 |" in rendered
    assert re.search(r"^cost per subnet-month at XS: every-run \$\d+\.\d\d, at-risk \$\d+\.\d\d$", rendered, re.M)
    # The share of each API bucket: the ECS collector's cluster-resource reads, paced by its budget.
    assert re.search(r"^\| XS \| ECS cluster resource reads \(100 / 20\) \| ecs \| \d+ \| [\d.]+ \| ", rendered, re.M)
    assert "### Share of the account's API rate budget" in rendered


def test_given_a_small_organization_when_benchmarked_in_hub_mode_then_calls_equal_the_floor_and_roles_are_cached():
    result = run_hub_size(HUB_SIZES["XS-hub"])

    for collector, floor in result.floors.items():
        assert result.cold[collector].calls == floor, collector
        # The next schedule of a warm container assumes no role again (credentials are kept for the hour).
        warm_floor = {operation: n for operation, n in floor.items() if operation != "sts.AssumeRole"}
        assert result.warm[collector].calls == warm_floor, collector
        assert result.cold[collector].retried == 0
    assert result.floors["subnets"]["sts.AssumeRole"] == HUB_SIZES["XS-hub"].targets == 4
    assert result.at_risk_cost_per_subnet_month < result.every_run_cost_per_subnet_month
    rendered = render_hub([result])
    assert "| XS-hub | subnets | sts.AssumeRole | 4 | 4 | 1.00 | 0 |" in rendered
    assert re.search(
        r"^cost per subnet-month at XS-hub \(hub\): every-run \$\d+\.\d\d, at-risk \$\d+\.\d\d$", rendered, re.M
    )


def test_given_a_small_storm_then_every_event_is_counted_each_incident_emailed_once_and_none_kept(monkeypatch):
    from bench import storm

    # make bench runs 50 incidents x 200 deliveries; the same code at 5 x 10 here
    monkeypatch.setattr(storm, "INCIDENTS", 5)
    monkeypatch.setattr(storm, "DELIVERIES", 10)
    result = storm.run_storm()

    assert (result.events, result.counted, result.emails, result.dead_lettered) == (50, 50, 5, 0)
    assert result.outcomes == {"notified": 5, "duplicate": 45}
    # One PutMetricData and one claim (PutItem) per event; one cap counter (UpdateItem), subnet read, snapshot
    # read and email per incident
    assert result.measurement.calls == {
        "cloudwatch.PutMetricData": 50,
        "dynamodb.PutItem": 50,
        "dynamodb.UpdateItem": 5,
        "ec2.DescribeSubnets": 5,
        "s3.GetObject": 5,
        "sns.Publish": 5,
    }
