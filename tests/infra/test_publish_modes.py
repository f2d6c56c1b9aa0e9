"""monitor:publishMode in the template: the at-risk mode's grants and environment, and alarms that do not move."""

from typing import Any

import pytest

from tests.infra.conftest import Synthesized, synthesize

COLLECTORS = {
    "lambdas.subnets.handler.handler": "subnets",
    "lambdas.ecs.handler.handler": "ecs",
    "lambdas.census.handler.handler": "census",
}


@pytest.fixture(scope="module")
def every_run(tmp_path_factory: pytest.TempPathFactory) -> Synthesized:
    return synthesize(tmp_path_factory.mktemp("every-run"), alertEmails=["oncall@example.com"], publishMode="every-run")


def _collectors(synthesized: Synthesized) -> dict[str, dict[str, Any]]:
    return {
        COLLECTORS[f["Properties"]["Handler"]]: f["Properties"]
        for f in synthesized.of_type("AWS::Lambda::Function").values()
        if f["Properties"]["Handler"] in COLLECTORS
    }


def _statements(synthesized: Synthesized, role_ref: dict[str, Any]) -> list[dict[str, Any]]:
    role_id = role_ref["Fn::GetAtt"][0]
    return [
        s
        for policy in synthesized.of_type("AWS::IAM::Policy").values()
        if {"Ref": role_id} in policy["Properties"]["Roles"]
        for s in policy["Properties"]["PolicyDocument"]["Statement"]
    ]


def _listed(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def _state_grants(synthesized: Synthesized, role_ref: dict[str, Any]) -> list[Any]:
    return [
        s["Resource"]
        for s in _statements(synthesized, role_ref)
        if set(_listed(s["Action"])) == {"s3:GetObject", "s3:PutObject"}
    ]


def test_given_defaults_then_each_collector_may_read_and_replace_only_its_own_state(synthesized):
    collectors = _collectors(synthesized)
    assert set(collectors) == {"subnets", "ecs", "census"}
    for name, function in collectors.items():
        variables = function["Environment"]["Variables"]
        assert variables["PUBLISH_MODE"] == "at-risk"
        assert variables["PUBLISH_STATE_BUCKET"]["Ref"].startswith("EniCensusSnapshots")
        (resource,) = _state_grants(synthesized, function["Role"])
        assert resource["Fn::Join"][1][-1] == f"/publish-state/{name}/*"


def test_given_every_run_then_no_collector_keeps_state_or_may_touch_the_bucket_for_it(every_run):
    for name, function in _collectors(every_run).items():
        assert function["Environment"]["Variables"]["PUBLISH_MODE"] == "every-run"
        assert function["Environment"]["Variables"]["PUBLISH_STATE_BUCKET"] == ""
        assert _state_grants(every_run, function["Role"]) == [], name
        # The census writes its snapshot and the ECS collector its deployment fit with the key, in both modes.
        if name not in ("census", "ecs"):
            statements = _statements(every_run, function["Role"])
            actions = {a for s in statements for a in _listed(s["Action"])}
            assert "cloudwatch:PutMetricData" in actions
            assert not any(a.startswith("s3:") for a in actions), name
            # The key only for the failed-runs queue (through SQS), not for any state.
            key_uses = [s for s in statements if any(a.startswith("kms:") for a in _listed(s["Action"]))]
            assert [s["Condition"]["StringEquals"]["kms:ViaService"]["Fn::Join"][1][0] for s in key_uses] == ["sqs."]


def test_given_either_mode_then_every_alarm_its_query_and_threshold_are_the_same(synthesized, every_run):
    def alarms(s: Synthesized) -> dict[str, dict[str, Any]]:
        return {v["Properties"]["AlarmName"]: v["Properties"] for v in s.of_type("AWS::CloudWatch::Alarm").values()}

    at_risk_alarms, every_run_alarms = alarms(synthesized), alarms(every_run)
    assert at_risk_alarms == every_run_alarms
    assert "SubnetIpMonitor-subnet-ip-utilization" in at_risk_alarms
    assert "SubnetIpMonitor-ecs-eni-utilization" in at_risk_alarms
    assert "SubnetIpMonitor-subnet-free-prefix-blocks" in at_risk_alarms
