"""What AWS would reject fails `cdk synth` naming the key: the limits table read against the built stack."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import aws_cdk as cdk
import pytest
from aws_cdk import aws_cloudwatch as cloudwatch

from app import build_app
from infra.core.config import ConfigError, config_from_context
from infra.core.dashboard import MonitorDashboard, query_series
from infra.core.lambda_defaults import POWERTOOLS_LAYER_ACCOUNT, POWERTOOLS_LAYER_ACCOUNTS_BY_REGION
from infra.core.limits import check_stack_limits, metrics_insights_alarms, reserved_concurrency
from lambdas.platform import aws_limits
from tests.infra.conftest import DEFAULT_CONTEXT, HUB_KEYS, REPO_ROOT, Synthesized, synthesize


def _synth_cli(tmp_path: Path, **keys: Any) -> subprocess.CompletedProcess[str]:
    """`cdk synth`'s own entry point (app.py) with these context keys, as `-c key=value` gives them."""
    context = {**DEFAULT_CONTEXT, **{f"monitor:{k}": v for k, v in keys.items()}}
    env = {**os.environ, "CDK_CONTEXT_JSON": json.dumps(context), "CDK_OUTDIR": str(tmp_path)}
    return subprocess.run(
        [sys.executable, "app.py"], cwd=REPO_ROOT, env=env, capture_output=True, text=True, check=False, timeout=300
    )


@pytest.mark.parametrize(
    ("keys", "named"),
    [
        ({"censusMinutes": 1440}, "monitor:censusMinutes: at most 180"),
        ({"forecastMinutes": 181}, "monitor:forecastMinutes: at most 180"),
        ({"digestSchedule": "rate(1 minutes)"}, "monitor:digestSchedule: rate(1 minutes): the unit is singular"),
        ({"digestSchedule": "cron(0 8 * * MON *)"}, "monitor:digestSchedule: exactly one of day-of-month"),
    ],
)
def test_given_a_value_aws_would_reject_then_synth_exits_with_one_line_naming_the_key(tmp_path, keys, named):
    result = _synth_cli(tmp_path, **keys)

    assert result.returncode == 1
    assert named in result.stderr
    assert "Traceback" not in result.stderr


def test_given_reserved_concurrency_over_the_accounts_limit_then_synth_fails_naming_the_keys(tmp_path):
    # 25 reserved in account mode at the defaults; an account whose quota is still 100 has none to spare.
    result = _synth_cli(tmp_path, accountConcurrencyLimit=120)

    assert result.returncode == 1
    assert (
        "monitor:accountConcurrencyLimit: the functions reserve 25 concurrent executions, more than 20" in result.stderr
    )
    assert "monitor:eventHandlerConcurrency and monitor:workerConcurrency" in result.stderr


def test_given_the_defaults_then_every_metrics_insights_alarm_looks_back_at_most_3_hours(synthesized: Synthesized):
    lookback = aws_limits.METRICS_INSIGHTS_ALARM_LOOKBACK_SECONDS.value
    alarms = [a for a in synthesized.of_type("AWS::CloudWatch::Alarm").values() if "Metrics" in a["Properties"]]
    queried = [a for a in alarms if any("SELECT" in str(m.get("Expression", "")) for m in a["Properties"]["Metrics"])]

    assert len(queried) == 8
    for alarm in queried:
        period = max(m["Period"] for m in alarm["Properties"]["Metrics"] if "Period" in m)
        assert period * alarm["Properties"]["EvaluationPeriods"] <= lookback


def test_given_an_alarm_looking_back_further_than_3_hours_then_the_synth_check_names_the_period_keys():
    app = cdk.App(context=DEFAULT_CONTEXT)
    config = config_from_context(DEFAULT_CONTEXT)
    stack = build_app(app, config)
    (alarm, *_) = metrics_insights_alarms(stack)
    alarm.evaluation_periods = 13  # 13 x 15 minutes: 195 minutes

    with pytest.raises(
        ConfigError, match=r"monitor:censusMinutes or monitor:forecastMinutes: alarm \S+ would evaluate 195 minutes"
    ):
        check_stack_limits(stack, config)


def test_given_hub_mode_then_the_reserved_concurrency_is_counted_and_within_the_default_limit(hub: Synthesized):
    functions = hub.of_type("AWS::Lambda::Function").values()
    total = sum(f["Properties"].get("ReservedConcurrentExecutions", 0) for f in functions)

    assert total == 42 + 4 * (HUB_KEYS["workerConcurrency"] - 5)  # 42 at the default of 5 workers a collector
    assert total <= aws_limits.DEFAULT_ACCOUNT_CONCURRENCY.value - aws_limits.UNRESERVED_CONCURRENCY_FLOOR.value


def test_reserved_concurrency_is_read_from_the_built_stack():
    app = cdk.App(context=DEFAULT_CONTEXT)
    stack = build_app(app, config_from_context(DEFAULT_CONTEXT))
    assert reserved_concurrency(stack) == 25


def test_every_dashboard_graph_holds_at_most_one_metrics_insights_query(synthesized: Synthesized):
    (dashboard,) = synthesized.of_type("AWS::CloudWatch::Dashboard").values()
    body = "".join(
        p if isinstance(p, str) else "token" for p in dashboard["Properties"]["DashboardBody"]["Fn::Join"][1]
    )
    widgets = json.loads(body)["widgets"]
    graphs = [w for w in widgets if w["type"] == "metric"]
    per_graph = [
        sum(
            1
            for row in w["properties"].get("metrics", [])
            for m in row
            if isinstance(m, dict) and str(m.get("expression", "")).startswith("SELECT")
        )
        for w in graphs
    ]

    assert len(graphs) >= 15
    assert max(per_graph) == 1
    titles = [w["properties"]["title"] for w in graphs]
    assert "awsvpc tasks running per cluster" in titles
    assert "Task-ENI capacity per cluster (slots)" in titles


def test_a_graph_with_two_queries_fails_the_synth_check():
    app = cdk.App(context=DEFAULT_CONTEXT)
    config = config_from_context(DEFAULT_CONTEXT)
    stack = build_app(app, config)
    period = cdk.Duration.minutes(5)
    two = cloudwatch.GraphWidget(
        title="two queries",
        left=[
            query_series("SELECT MAX(A) FROM B GROUP BY C", period),
            query_series("SELECT MAX(D) FROM B GROUP BY C", period),
        ],
    )
    MonitorDashboard(stack, "Extra", sections=[[[two]]])

    with pytest.raises(ConfigError, match="dashboard graph 'two queries' holds 2 queries"):
        check_stack_limits(stack, config)


def _layer_arn(function: dict[str, Any]) -> Any:
    (layer,) = function["Properties"]["Layers"]
    return layer


def test_given_account_mode_then_the_layer_account_follows_the_region_by_conditions(synthesized: Synthesized):
    template = synthesized.template.to_json()
    conditions = template["Conditions"]
    layer = json.dumps(_layer_arn(next(iter(synthesized.of_type("AWS::Lambda::Function").values()))))

    for region, account in POWERTOOLS_LAYER_ACCOUNTS_BY_REGION.items():
        (name,) = [n for n, c in conditions.items() if c == {"Fn::Equals": [{"Ref": "AWS::Region"}, region]}]
        assert f'["{name}", "{account}"' in layer
    assert f'"{POWERTOOLS_LAYER_ACCOUNT}"' in layer
    assert "AWSLambdaPowertoolsPythonV3-python314-arm64:27" in layer


@pytest.mark.parametrize(
    ("region", "account"),
    [("eu-west-1", "017000801446"), ("us-gov-west-1", "165093116878"), ("cn-north-1", "498634801083")],
)
def test_given_a_hub_region_then_its_layer_account_is_chosen_at_synth(tmp_path, region, account):
    synthesized = synthesize(tmp_path, **{**HUB_KEYS, "hubRegion": region})
    for function in synthesized.of_type("AWS::Lambda::Function").values():
        assert f":{region}:{account}:layer:" in json.dumps(_layer_arn(function)).replace('"', "")


def test_given_a_china_region_without_the_layer_then_synth_fails_naming_the_hub_region(tmp_path):
    with pytest.raises(
        ConfigError, match="monitor:hubRegion: cn-northwest-1: the Powertools layer is published in cn-north-1 only"
    ):
        synthesize(tmp_path, **{**HUB_KEYS, "hubRegion": "cn-northwest-1"})
