"""Property-based: whatever notification arrives, the composer never raises and never loses it.

Random JSON, real notifications with fields deleted or replaced, and truncated JSON text run through the
real pipeline against in-memory fakes (devkit/fake_aws.py); the same paths against moto are in
test_alert_composer.py.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from devkit.alarm_fixtures import ALARMS_DIR, STACK_PREFIX, load_notification, notification_names
from devkit.fake_aws import FakeAws
from lambdas.alerts.pipeline import compose_alert
from lambdas.alerts.settings import ComposerSettings
from tests.support.mutations import json_values, mutated

SETTINGS = ComposerSettings.model_validate(
    {
        "METRIC_NAMESPACE": "SubnetIpMonitorTest",
        "TOPIC_ARN": "arn:aws:sns:us-east-1:123456789012:alerts",
        "INCIDENT_TABLE_NAME": "incident-windows",
        "DEDUPE_WINDOW_MINUTES": "30",
        "DEAD_LETTER_QUEUE_URL": "https://sqs.us-east-1.amazonaws.com/123456789012/alerts-dlq",
        "ACCOUNT_NAMES": "{}",
        "MONITOR_MODE": "account",
        "READER_ROLE_NAME": "SubnetIpMonitorReader",
        "ALARM_NAME_PREFIX": STACK_PREFIX,
        "SNAPSHOT_BUCKET": "snapshots",
        "UTILIZATION_THRESHOLD_PERCENT": "80",
        "FREE_ADDRESS_FLOOR": "8",
        "FREE_PREFIX_BLOCK_FLOOR": "2",
        "ENI_UTILIZATION_THRESHOLD_PERCENT": "80",
        "FORECAST_ALARM_DAYS": "7",
        "UNATTACHED_ENI_ALARM_THRESHOLD": "20",
    }
)
NOW = datetime(2026, 11, 29, 9, 45, tzinfo=UTC)
HANDLED = {"unparsed", "duplicate", "notified", "dead-lettered"}
FIXTURES = notification_names()
MANY = settings(max_examples=1000, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _check_nothing_lost(raw: Any, aws: FakeAws) -> str:
    outcome = compose_alert(raw, aws.target(), SETTINGS, NOW)

    assert outcome.status in HANDLED
    if outcome.status in {"unparsed", "dead-lettered"}:
        (kept,) = aws.dead_letters
        assert json.loads(kept["MessageBody"]) == raw  # intact
        assert aws.emails == []
    else:
        assert aws.dead_letters == []
    if outcome.status == "notified":
        (email,) = aws.emails
        assert 0 < len(email["Subject"]) < 100
        assert email["Subject"].isascii()
    return outcome.status


@MANY
@given(raw=json_values, sns_fails=st.booleans())
def test_given_any_json_value_then_the_composer_neither_raises_nor_loses_it(raw, sns_fails):
    _check_nothing_lost(raw, FakeAws(sns_fails))


@MANY
@given(raw=mutated(load_notification, FIXTURES), sns_fails=st.booleans())
def test_given_a_real_notification_with_fields_deleted_or_replaced_then_nothing_is_lost(raw, sns_fails):
    _check_nothing_lost(raw, FakeAws(sns_fails))


@settings(max_examples=300, deadline=None)
@given(name=st.sampled_from(FIXTURES), cut=st.floats(min_value=0, max_value=0.999))
def test_given_truncated_json_text_then_it_is_kept_not_emailed(name, cut):
    text = (ALARMS_DIR / f"{name}.json").read_text()
    aws = FakeAws()

    assert _check_nothing_lost(text[: int(len(text) * cut)], aws) == "unparsed"
    assert len(aws.dead_letters) == 1


def test_given_every_valid_notification_then_each_is_emailed_exactly_once_and_a_repeat_not_again():
    for name in FIXTURES:
        aws = FakeAws()
        assert _check_nothing_lost(load_notification(name), aws) == "notified", name
        assert compose_alert(load_notification(name), aws.target(), SETTINGS, NOW).status == "duplicate"
        assert len(aws.emails) == 1
