"""Deploy-time configuration: bad values fail with one line naming the key and what is allowed."""

import json
from pathlib import Path

import pytest

from infra.core.config import ConfigError, config_from_context

CDK_JSON = Path(__file__).resolve().parents[2] / "cdk.json"


def test_given_the_shipped_cdk_json_then_it_is_valid_and_matches_the_documented_defaults():
    config = config_from_context(json.loads(CDK_JSON.read_text())["context"])
    assert (config.schedule_minutes, config.utilization_threshold_percent, config.free_address_floor) == (5, 80, 8)
    assert config.namespace == "SubnetIpMonitor"
    assert (config.publish_mode.value, config.watch_utilization_percent, config.watch_change_addresses) == (
        "at-risk",
        50,
        10,
    )
    assert config.quiet_publish_hours == 24


def test_given_cli_strings_then_they_are_parsed_like_cdk_json_values():
    # `cdk deploy -c key=value` passes every value as a string.
    config = config_from_context(
        {
            "monitor:alertEmails": "oncall@example.com, platform@example.org",
            "monitor:utilizationThresholdPercent": "75.5",
            "monitor:vpcIds": "vpc-0123456789abcdef0",
            "monitor:alarmPerVpc": "true",
            "@aws-cdk/core:someFeatureFlag": True,  # not ours: ignored
        }
    )
    assert config.alert_emails == ("oncall@example.com", "platform@example.org")
    assert config.utilization_threshold_percent == 75.5
    assert config.alarm_per_vpc is True


@pytest.mark.parametrize(
    ("context", "expected"),
    [
        ({"monitor:utilizationThresholdPercent": 150}, "monitor:utilizationThresholdPercent: Input should be less"),
        ({"monitor:alertEmails": ["oncall@example"]}, "monitor:alertEmails: not an email address: oncall@example"),
        ({"monitor:thresold": 5}, "monitor:thresold: unknown configuration key (docs/configuration.md lists every key"),
        ({"monitor:shceduleMinutes": 5}, "unknown configuration key (did you mean monitor:scheduleMinutes?)"),
        (
            {"monitor:regions": "eu-mars-1"},
            "monitor:regions: 'eu-mars-1' is not an AWS region (did you mean eu-west-1?)",
        ),
        ({"monitor:readerRoleName": "Reader"}, "monitor:readerRoleName: applies only with monitor:mode=hub (this is"),
        ({"monitor:hubRegion": "eu-west-1"}, "monitor:hubRegion: applies only with monitor:mode=hub"),
        ({"monitor:scheduleMinutes": 0}, "monitor:scheduleMinutes: Input should be greater than or equal to 1"),
        ({"monitor:vpcIds": "vpc-12"}, "monitor:vpcIds: not a VPC id"),
        ({"monitor:subnetTagFilter": "Purpose"}, "monitor:subnetTagFilter: expected 'Key=Value'"),
        ({"monitor:logRetentionDays": 31}, "monitor:logRetentionDays: must be one of 1, 3, 5"),
        ({"monitor:namespace": "AWS/EC2"}, "monitor:namespace: 1-255 of"),
        ({"monitor:alarmPerVpc": True}, "monitor:alarmPerVpc needs monitor:vpcIds"),
        ({"monitor:digestSchedule": "mondays"}, "monitor:digestSchedule: neither rate(value unit) nor cron("),
        ({"monitor:digestSchedule": "cron(0 8 * *)"}, "monitor:digestSchedule: a cron expression has 6 fields"),
        # What EventBridge rejects at deploy time and a looser pattern let through (its schedule grammar).
        ({"monitor:digestSchedule": "cron(0 8 * * MON *)"}, "monitor:digestSchedule: exactly one of day-of-month"),
        ({"monitor:digestSchedule": "rate(1 minutes)"}, "monitor:digestSchedule: rate(1 minutes): the unit is"),
        ({"monitor:digestSchedule": "rate(0 minutes)"}, "monitor:digestSchedule: a rate's value must be positive"),
        # Their Metrics Insights alarms would look back further than the 3 hours CloudWatch evaluates.
        ({"monitor:censusMinutes": 1440}, "monitor:censusMinutes: at most 180: it is the period of this collector"),
        ({"monitor:forecastMinutes": 240}, "monitor:forecastMinutes: at most 180"),
        ({"monitor:accountConcurrencyLimit": 100}, "monitor:accountConcurrencyLimit: Input should be greater than 100"),
        ({"monitor:forecastAlarmDays": 40}, "monitor:forecastAlarmDays must not exceed monitor:forecastHorizonDays"),
        ({"monitor:forecastMaxSubnets": 0}, "monitor:forecastMaxSubnets: Input should be greater than or equal to 1"),
        ({"monitor:forecastWatchPercent": 101}, "monitor:forecastWatchPercent: Input should be less than or equal"),
        ({"monitor:publishMode": "sometimes"}, "monitor:publishMode: Input should be 'every-run' or 'at-risk'"),
        ({"monitor:quietPublishHours": 0}, "monitor:quietPublishHours: Input should be greater than or equal to 1"),
        ({"monitor:watchChangeAddresses": 0}, "monitor:watchChangeAddresses: Input should be greater than or equal"),
        (
            {"monitor:watchUtilizationPercent": 85},
            "monitor:watchUtilizationPercent (85) must not exceed monitor:utilizationThresholdPercent (80)",
        ),
        (
            {"monitor:watchUtilizationPercent": 70, "monitor:eniUtilizationThresholdPercent": 60},
            "monitor:watchUtilizationPercent (70) must not exceed monitor:eniUtilizationThresholdPercent (60)",
        ),
    ],
)
def test_given_a_bad_value_then_config_error_names_the_key_and_what_is_allowed(context, expected):
    with pytest.raises(ConfigError) as raised:
        config_from_context(context)
    assert expected in str(raised.value)


def _problems(context: dict[str, object]) -> list[str]:
    with pytest.raises(ConfigError) as raised:
        config_from_context(context)
    return str(raised.value).splitlines()


def test_given_several_mistakes_then_one_synth_names_every_one_on_a_line_of_its_own():
    problems = _problems(
        {
            "monitor:shceduleMinutes": 5,
            "monitor:freeAddressFloor": -1,
            "monitor:digestSchedule": "cron(0 8 * * MON *)",
            "monitor:alarmPerVpc": True,
            "monitor:forecastAlarmDays": 40,
            "monitor:workerConcurrency": 3,
        }
    )
    assert [line.split(" ", 1)[0].rstrip(":") for line in problems] == [
        "monitor:freeAddressFloor",
        "monitor:digestSchedule",
        "monitor:shceduleMinutes",
        "monitor:forecastAlarmDays",
        "monitor:alarmPerVpc",
        "monitor:workerConcurrency",
    ]
    assert all(len(line) <= 300 for line in problems), problems


def test_given_hub_mode_without_its_keys_then_every_missing_key_is_named_at_once():
    assert _problems({"monitor:mode": "hub"}) == [
        "monitor:mode=hub needs monitor:memberAccounts or monitor:organizationUnitIds (or both)",
        "monitor:mode=hub needs monitor:hubAccountId (where the hub is deployed: the member stack trusts its "
        "collectors and forwards events to its bus)",
        "monitor:mode=hub needs monitor:hubRegion (where the hub is deployed: the member stack trusts its "
        "collectors and forwards events to its bus)",
    ]


def test_given_a_bad_key_then_checks_that_follow_from_it_are_not_repeated():
    # hubRegion is bad, so "hub mode needs hubRegion" would only restate it.
    problems = _problems(
        {"monitor:mode": "hub", "monitor:hubAccountId": "111111111111", "monitor:hubRegion": "eu-wset-1"}
    )
    assert problems == [
        "monitor:hubRegion: 'eu-wset-1' is not an AWS region (did you mean eu-west-1?)",
        "monitor:mode=hub needs monitor:memberAccounts or monitor:organizationUnitIds (or both)",
    ]


def test_given_a_hub_only_key_at_its_default_in_account_mode_then_it_is_accepted():
    # Nothing would be silently ignored: the value is what account mode uses anyway.
    assert config_from_context({"monitor:readerRoleName": "SubnetIpMonitorReader"}).mode == "account"
