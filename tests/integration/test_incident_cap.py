"""A flood of distinct incidents from one account cannot bury another account's: the per-account cap.

One member sends a flood of events, each a new incident (a service of its own); another member sends 10 real
ones, spread through the flood. The flood is emailed up to monitor:maxIncidentsPerWindow incidents plus one
summary; the 10 real incidents are each emailed once; every event is counted and none is kept or lost.
"""

from __future__ import annotations

import json
from collections import Counter
from datetime import UTC, datetime, timedelta
from typing import Any

from lambdas.events.pipeline import handle_exhaustion_event, window_start
from lambdas.events.settings import EventHandlerSettings
from tests.support.event_fixtures import load_event
from tests.support.fake_aws import FakeAws

FLOODING, REAL = "111111111111", "222222222222"
CAP = 20
FLOOD = 5000
NOW = datetime(2026, 12, 3, 14, 1, tzinfo=UTC)
SETTINGS = EventHandlerSettings.model_validate(
    {
        "METRIC_NAMESPACE": "SubnetIpMonitorTest",
        "TOPIC_ARN": "arn:aws:sns:eu-west-1:123456789012:alerts",
        "INCIDENT_TABLE_NAME": "incident-windows",
        "DEDUPE_WINDOW_MINUTES": "30",
        "DEAD_LETTER_QUEUE_URL": "https://sqs.eu-west-1.amazonaws.com/123456789012/events-dlq",
        "ACCOUNT_NAMES": "{}",
        "MONITOR_MODE": "hub",
        "READER_ROLE_NAME": "SubnetIpMonitorReader",
        "MEMBER_ACCOUNTS": f"{FLOODING},{REAL}",
        "ORGANIZATION_UNIT_IDS": "",
        "MAX_INCIDENTS_PER_WINDOW": str(CAP),
        "FREE_ADDRESS_FLOOR": "8",
        "SNAPSHOT_BUCKET": "census-snapshots",
    }
)


def _event(account: str, service: str, number: int) -> dict[str, Any]:
    event = load_event("task_stopped_no_addresses_ec2", account=account)
    event["id"] = f"{account}-{number:05d}"
    event["detail"]["group"] = f"service:{service}"
    return event


def flood_and_real(flood: int) -> list[dict[str, Any]]:
    """flood events of distinct incidents from one member, with 10 real ones of the other spread among them."""
    events = [_event(FLOODING, f"junk-{n:05d}", n) for n in range(flood)]
    for n in range(10):
        events.insert((n + 1) * flood // 11, _event(REAL, f"checkout-{n}", n))
    return events


def test_a_flood_from_one_member_is_capped_and_the_others_real_incidents_are_each_emailed() -> None:
    aws = FakeAws()
    outcomes = Counter(
        handle_exhaustion_event(event, aws.target(), SETTINGS, NOW).status for event in flood_and_real(FLOOD)
    )

    subjects = [email["Subject"] for email in aws.emails]
    real = [e["Message"] for e in aws.emails if e["Subject"].startswith(f"[{REAL}]")]
    flooding = [s for s in subjects if s.startswith(f"[{FLOODING}]")]
    # Each real incident once, named by its service.
    assert sorted(next(line for line in m.splitlines() if line.startswith("Service: ")) for m in real) == [
        f"Service: checkout-{n}" for n in range(10)
    ]
    assert len(flooding) == CAP + 1
    (summary,) = [s for s in flooding if "More than" in s]
    assert summary == f"[{FLOODING}] More than {CAP} ECS incidents (SubnetAddressesExhausted) since 14:00 UTC"
    assert outcomes == {"notified": CAP + 10, "summarised": 1, "capped": FLOOD - CAP - 1}
    # Nothing lost: every event counted once, none kept.
    counted = [d["MetricName"] for call in aws.metric_calls for d in call["MetricData"]]
    assert counted == ["IpExhaustionEvents"] * (FLOOD + 10)
    assert aws.dead_letters == []


def test_the_summary_says_what_was_left_out_and_until_when() -> None:
    aws = FakeAws()
    for event in flood_and_real(CAP + 2):
        handle_exhaustion_event(event, aws.target(), SETTINGS, NOW)

    (summary,) = [e for e in aws.emails if "More than" in e["Subject"]]
    body = summary["Message"]
    assert f"has had more than {CAP} new incidents of SubnetAddressesExhausted since 14:00 UTC" in body
    assert "until 14:30 UTC are counted in IpExhaustionEvents (Reason=SubnetAddressesExhausted), not emailed" in body
    assert body.count("\nWHAT TO DO\n") == 1
    assert len(summary["Subject"]) < 100


def test_the_next_window_emails_new_incidents_again() -> None:
    aws = FakeAws()
    for event in flood_and_real(CAP + 5):
        handle_exhaustion_event(event, aws.target(), SETTINGS, NOW)
    later = NOW + timedelta(minutes=30)
    outcome = handle_exhaustion_event(_event(FLOODING, "junk-next", 99999), aws.target(), SETTINGS, later)

    assert outcome.status == "notified"
    assert window_start(later, timedelta(minutes=30)) == datetime(2026, 12, 3, 14, 30, tzinfo=UTC)
    assert json.loads(json.dumps(aws.counters))  # one counter per account, reason and window
    assert len(aws.counters) == 3
