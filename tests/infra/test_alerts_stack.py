"""What `cdk deploy` creates for alerts: the routing of alarm contributors to the composer (its rule evaluated as
EventBridge does), the forecaster and its alarm, and the digest's schedule."""

from __future__ import annotations

import json
from typing import Any, cast

import pytest
from moto.events.models import EventPattern

from devkit.alarm_fixtures import DOCUMENTED, load_notification, notification_names
from tests.infra.conftest import synthesize

COMPOSER = "lambdas.alerts.handler.handler"
DIGEST = "lambdas.alerts.digest_handler.handler"
# The synthesized template has no account (an environment-agnostic stack); put moto's in its place.
ACCOUNT = "123456789012"


def _function_id(synthesized, handler: str) -> str | None:
    found = [
        k for k, f in synthesized.of_type("AWS::Lambda::Function").items() if f["Properties"]["Handler"] == handler
    ]
    return found[0] if found else None


def _rules_targeting(synthesized, handler: str) -> list[dict[str, Any]]:
    logical_id = _function_id(synthesized, handler)
    return [
        rule["Properties"]
        for rule in synthesized.of_type("AWS::Events::Rule").values()
        if rule["Properties"]["Targets"][0]["Arn"] == {"Fn::GetAtt": [logical_id, "Arn"]}
    ]


def _contributor_pattern(synthesized) -> EventPattern:
    (rule,) = _rules_targeting(synthesized, COMPOSER)
    pattern = dict(rule["EventPattern"])
    assert pattern["account"] == [{"Ref": "AWS::AccountId"}]  # only this account's alarms
    return EventPattern.load(json.dumps({**pattern, "account": [ACCOUNT]}))


def _matches(pattern: EventPattern, event: dict[str, Any]) -> bool:
    """moto's EventBridge matcher (moto has no TestEventPattern), typed loosely as moto is."""
    return bool(pattern.matches_event(cast(Any, event)))


def _alarms(synthesized) -> dict[str, dict[str, Any]]:
    return {
        a["Properties"]["AlarmName"]: a["Properties"] for a in synthesized.of_type("AWS::CloudWatch::Alarm").values()
    }


@pytest.fixture(scope="module")
def with_every_alarm(tmp_path_factory):
    """The stack with the one alarm that is off by default (unattached interfaces) turned on."""
    return synthesize(tmp_path_factory.mktemp("cdk-every-alarm"), unattachedEniAlarmThreshold=20)


@pytest.mark.parametrize("name", notification_names())
def test_every_contributor_notification_of_our_alarms_reaches_the_composer(with_every_alarm, name):
    assert _matches(_contributor_pattern(with_every_alarm), load_notification(name))


def test_the_rule_takes_contributor_changes_only_of_this_apps_grouped_alarms(with_every_alarm):
    pattern = _contributor_pattern(with_every_alarm)
    alarms = _alarms(with_every_alarm)

    def contributor_event(alarm_name: str, detail_type: str = "CloudWatch Alarm Contributor State Change"):
        event = load_notification("subnet_ip_utilization_alarm")
        event["detail"]["alarmName"] = alarm_name
        event["detail-type"] = detail_type
        return event

    routed = {name for name in alarms if _matches(pattern, contributor_event(name))}
    grouped = {name for name, a in alarms.items() if "GROUP BY" in (a.get("Metrics") or [{}])[0].get("Expression", "")}
    assert routed == grouped
    # Utilization, free addresses, prefix blocks, forecast, ENI utilization, untrunked, services at deployment
    # risk, unattached addresses.
    assert len(routed) == 8
    # Not the parent alarm's own state change, not another app's alarm, not another account's.
    assert not _matches(
        pattern, contributor_event("SubnetIpMonitor-subnet-ip-utilization", "CloudWatch Alarm State Change")
    )
    assert not _matches(pattern, load_notification(DOCUMENTED))
    other_account = {**load_notification("subnet_ip_utilization_alarm"), "account": "210987654321"}
    assert not _matches(pattern, other_account)


def test_routed_alarms_have_no_action_and_every_other_alarm_notifies_the_topic(synthesized):
    (topic,) = synthesized.of_type("AWS::SNS::Topic")
    for name, alarm in _alarms(synthesized).items():
        grouped = "GROUP BY" in (alarm.get("Metrics") or [{}])[0].get("Expression", "")
        if grouped:
            assert "AlarmActions" not in alarm, name
        else:
            assert alarm["AlarmActions"] == alarm["OKActions"] == [{"Ref": topic}], name


def test_the_composer_retries_then_keeps_what_it_cannot_handle(synthesized):
    (rule,) = _rules_targeting(synthesized, COMPOSER)
    (target,) = rule["Targets"]
    assert target["RetryPolicy"] == {"MaximumEventAgeInSeconds": 7200, "MaximumRetryAttempts": 8}
    queue = target["DeadLetterConfig"]["Arn"]["Fn::GetAtt"][0]
    composer = synthesized.of_type("AWS::Lambda::Function")[_function_id(synthesized, COMPOSER)]["Properties"]
    assert composer["DeadLetterConfig"]["TargetArn"]["Fn::GetAtt"][0] == queue
    variables = composer["Environment"]["Variables"]
    assert variables["ALARM_NAME_PREFIX"] == "SubnetIpMonitor-"
    assert variables["DEAD_LETTER_QUEUE_URL"] == {"Ref": queue}
    depth = _alarms(synthesized)["SubnetIpMonitor-alerts-dead-letter-queue"]
    assert depth["Dimensions"] == [{"Name": "QueueName", "Value": {"Fn::GetAtt": [queue, "QueueName"]}}]


def test_the_forecaster_runs_hourly_and_its_alarm_fires_at_seven_days(synthesized):
    alarm = _alarms(synthesized)["SubnetIpMonitor-subnet-days-to-exhaustion"]
    assert alarm["Metrics"][0]["Expression"] == (
        'SELECT MIN(DaysToExhaustion) FROM SCHEMA("SubnetIpMonitor", AccountId, AvailabilityZone, SubnetId, VpcId) '
        "GROUP BY AccountId, SubnetId ORDER BY MIN() ASC LIMIT 500"
    )
    assert (alarm["Threshold"], alarm["ComparisonOperator"]) == (7, "LessThanOrEqualToThreshold")
    assert alarm["Metrics"][0]["Period"] == 3600
    schedules = [r["Properties"].get("ScheduleExpression") for r in synthesized.of_type("AWS::Events::Rule").values()]
    assert "rate(1 hour)" in schedules
    heartbeat = _alarms(synthesized)["SubnetIpMonitor-forecast-collector-heartbeat"]
    assert heartbeat["Period"] == 3600


def test_the_digest_runs_on_monday_morning_by_default_and_not_at_all_when_off(synthesized, tmp_path):
    (rule,) = _rules_targeting(synthesized, DIGEST)
    assert rule["ScheduleExpression"] == "cron(0 8 ? * MON *)"

    off = synthesize(tmp_path, digestSchedule="off")
    assert _function_id(off, DIGEST) is None
    assert len(off.of_type("AWS::Lambda::Function")) == len(synthesized.of_type("AWS::Lambda::Function")) - 1


def test_forecast_keys_reach_the_forecaster_and_the_alarm(tmp_path):
    tuned = synthesize(tmp_path, forecastHorizonDays=60, forecastAlarmDays=14, forecastMinutes=30)
    alarm = _alarms(tuned)["SubnetIpMonitor-subnet-days-to-exhaustion"]
    assert (alarm["Threshold"], alarm["Metrics"][0]["Period"]) == (14, 1800)
    (forecaster,) = [
        f["Properties"]
        for f in tuned.of_type("AWS::Lambda::Function").values()
        if f["Properties"]["Handler"] == "lambdas.alerts.forecast_handler.handler"
    ]
    assert forecaster["Environment"]["Variables"]["FORECAST_HORIZON_DAYS"] == "60"
