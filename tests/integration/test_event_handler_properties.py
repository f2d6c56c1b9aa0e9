"""Property-based: whatever arrives, the event handler never raises and never loses an event.

Thousands of inputs (random JSON, fixtures with fields deleted or replaced, truncated JSON text) run
through the real pipeline against small in-memory fakes of the five AWS clients, so a run takes seconds;
the same paths against moto are in test_event_handler.py.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from functools import partial
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from devkit.event_fixtures import EVENTS_DIR, fixture_names, load_event
from devkit.fake_aws import FakeAws
from lambdas.events.pipeline import handle_exhaustion_event
from lambdas.events.settings import EventHandlerSettings
from tests.support.mutations import json_values, mutated

SETTINGS = EventHandlerSettings.model_validate(
    {
        "METRIC_NAMESPACE": "SubnetIpMonitorTest",
        "TOPIC_ARN": "arn:aws:sns:us-east-1:123456789012:alerts",
        "INCIDENT_TABLE_NAME": "incident-windows",
        "DEDUPE_WINDOW_MINUTES": "30",
        "DEAD_LETTER_QUEUE_URL": "https://sqs.us-east-1.amazonaws.com/123456789012/events-dlq",
        "ACCOUNT_NAMES": "{}",
        "MONITOR_MODE": "account",
        "READER_ROLE_NAME": "SubnetIpMonitorReader",
        "MEMBER_ACCOUNTS": "",
        "ORGANIZATION_UNIT_IDS": "",
        "MAX_INCIDENTS_PER_WINDOW": "20",
        "FREE_ADDRESS_FLOOR": "8",
        "SNAPSHOT_BUCKET": "census-snapshots",
    }
)
NOW = datetime(2026, 11, 23, 15, 0, tzinfo=UTC)
# The account the fake AWS handles events in: the fixtures are delivered there (a mutation may change it).
FAKE_ACCOUNT = FakeAws().target().account_id
HANDLED = {"unparsed", "ignored", "foreign", "duplicate", "notified", "dead-lettered"}


def _check_nothing_lost(raw: Any, aws: FakeAws) -> None:
    outcome = handle_exhaustion_event(raw, aws.target(), SETTINGS, NOW)

    assert outcome.status in HANDLED
    counted = [d["MetricName"] for call in aws.metric_calls for d in call["MetricData"]]
    if outcome.status == "ignored":
        assert counted == []
    elif outcome.status == "unparsed":
        assert counted == ["UnparsedEvents"]
    elif outcome.status == "foreign":
        # Another account's event (a mutation replaced its account): counted without it, then dropped.
        assert counted == ["ForeignAccountEvents"]
    else:
        assert counted == ["IpExhaustionEvents"]
    if outcome.status in {"unparsed", "dead-lettered"}:
        (kept,) = aws.dead_letters
        assert json.loads(kept["MessageBody"]) == raw  # intact
        assert aws.emails == []
    else:
        assert aws.dead_letters == []
    if outcome.status == "notified":
        (email,) = aws.emails
        assert len(email["Subject"]) < 100
        assert email["Subject"].isascii()


ALL_FIXTURES = fixture_names()
SETTINGS_FOR_MANY = settings(max_examples=1500, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@SETTINGS_FOR_MANY
@given(raw=json_values, sns_fails=st.booleans())
def test_given_any_json_value_then_the_handler_neither_raises_nor_loses_it(raw, sns_fails):
    _check_nothing_lost(raw, FakeAws(sns_fails))


@SETTINGS_FOR_MANY
@given(raw=mutated(partial(load_event, account=FAKE_ACCOUNT), ALL_FIXTURES), sns_fails=st.booleans())
def test_given_a_real_event_with_fields_deleted_or_replaced_then_nothing_is_lost(raw, sns_fails):
    _check_nothing_lost(raw, FakeAws(sns_fails))


FIXTURE_TEXTS = [(EVENTS_DIR / f"{name}.json").read_text() for name in ALL_FIXTURES]


@settings(max_examples=500, deadline=None)
@given(text=st.sampled_from(FIXTURE_TEXTS), cut=st.floats(min_value=0, max_value=0.999))
def test_given_truncated_json_text_then_it_is_unparsed_counted_and_kept(text, cut):
    # A payload that is a JSON string rather than an object (what a hand-made invoke may send).
    truncated = text[: int(len(text) * cut)]
    aws = FakeAws()

    _check_nothing_lost(truncated, aws)

    assert len(aws.dead_letters) == 1
