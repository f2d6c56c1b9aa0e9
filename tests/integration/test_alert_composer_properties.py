"""Property-based: whatever notification arrives, the composer never raises and never loses it.

Random JSON, real notifications with fields deleted or replaced, and truncated JSON text run through the
real pipeline against in-memory fakes (tests/support/fake_aws.py); the same paths against moto are in
test_alert_composer.py.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lambdas.alerts.pipeline import compose_alert
from lambdas.alerts.settings import ComposerSettings
from tests.support.alarm_fixtures import ALARMS_DIR, STACK_PREFIX, load_notification, notification_names
from tests.support.fake_aws import FakeAws

SETTINGS = ComposerSettings.model_validate(
    {
        "METRIC_NAMESPACE": "SubnetIpMonitorTest",
        "TOPIC_ARN": "arn:aws:sns:us-east-1:123456789012:alerts",
        "INCIDENT_TABLE_NAME": "incident-windows",
        "DEDUPE_WINDOW_MINUTES": "30",
        "DEAD_LETTER_QUEUE_URL": "https://sqs.us-east-1.amazonaws.com/123456789012/alerts-dlq",
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


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False) | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner, max_size=4),
    max_leaves=12,
)
MANY = settings(max_examples=1000, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@MANY
@given(raw=json_values, sns_fails=st.booleans())
def test_given_any_json_value_then_the_composer_neither_raises_nor_loses_it(raw, sns_fails):
    _check_nothing_lost(raw, FakeAws(sns_fails))


def _paths(node: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    if isinstance(node, dict):
        return [p for k, v in node.items() for p in [(*prefix, k), *_paths(v, (*prefix, k))]]
    if isinstance(node, list):
        return [p for i, v in enumerate(node) for p in [(*prefix, i), *_paths(v, (*prefix, i))]]
    return []


@st.composite
def mutated_notifications(draw: st.DrawFn) -> Any:
    """A real notification with a few fields deleted or replaced by any JSON value."""
    notification = load_notification(draw(st.sampled_from(FIXTURES)))
    for _ in range(draw(st.integers(min_value=1, max_value=3))):
        *parents, last = draw(st.sampled_from(_paths(notification)))
        node: Any = notification
        for key in parents:
            node = node[key]
        if draw(st.booleans()) and isinstance(node, dict):
            del node[last]
        else:
            node[last] = draw(json_values)
    return notification


@MANY
@given(raw=mutated_notifications(), sns_fails=st.booleans())
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
