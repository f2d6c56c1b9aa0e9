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
        ({"monitor:thresold": 5}, "monitor:thresold: unknown configuration key (allowed: monitor:alertEmails"),
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
