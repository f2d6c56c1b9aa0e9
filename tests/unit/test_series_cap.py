"""What a member can add to the hub's bill: series capped per target and run, zero-size services not assessed."""

from __future__ import annotations

from datetime import UTC, datetime

from lambdas.alerts.digest import DigestInputs, render_digest
from lambdas.domain.deployments import parse_service
from lambdas.platform import contract
from lambdas.platform.run import within_series_cap


def _point(name: str, subnet: str) -> contract.MetricPoint:
    return contract.MetricPoint(name, 1.0, contract.UNIT_COUNT, (("SubnetId", subnet),))


def test_the_cap_keeps_the_first_series_whole_and_counts_every_series_left_out() -> None:
    points = [_point(m, f"subnet-{n}") for n in range(5) for m in ("A", "B")]
    points.append(_point("A", "subnet-0"))  # a second point of a kept series stays

    within, left_out = within_series_cap(points, 4)

    assert [(p.name, p.dimensions) for p in within] == [
        ("A", (("SubnetId", "subnet-0"),)),
        ("B", (("SubnetId", "subnet-0"),)),
        ("A", (("SubnetId", "subnet-1"),)),
        ("B", (("SubnetId", "subnet-1"),)),
        ("A", (("SubnetId", "subnet-0"),)),
    ]
    assert left_out == 6


def test_under_the_cap_nothing_is_left_out() -> None:
    points = [_point("A", f"subnet-{n}") for n in range(3)]
    assert within_series_cap(points, 3) == (points, 0)


def test_a_service_scaled_to_zero_is_not_assessed() -> None:
    raw = {
        "serviceName": "idle",
        "desiredCount": 0,
        "networkConfiguration": {"awsvpcConfiguration": {"subnets": ["subnet-0a1b2c3d4e5f60718"]}},
    }
    assert parse_service("orders", raw) is None
    assert parse_service("orders", {**raw, "desiredCount": 1}) is not None


def test_the_digest_says_which_collector_left_series_out_and_only_when_it_did() -> None:
    inputs = DigestInputs(
        account="111122223333",
        region="eu-west-1",
        now=datetime(2026, 12, 7, 8, 0, tzinfo=UTC),
        subnets=[],
        forecasts={},
        census=None,
        clusters=[],
        events_by_reason={},
        series_left_out={"ecs": 1234.0, "subnets": 0.0},
    )
    body = render_digest(inputs).body

    assert "SERIES LEFT OUT THIS WEEK (more than monitor:maxSeriesPerTarget in one run for one target)\n" in body
    assert "- ecs: 1,234 series\n" in body
    assert "- subnets:" not in body
    quiet = render_digest(DigestInputs(**{**inputs.__dict__, "series_left_out": {}})).body
    assert "SERIES LEFT OUT" not in quiet
