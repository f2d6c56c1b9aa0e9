"""A flood of distinct incidents from one account cannot bury another account's: the per-account cap.

One member sends a flood of events, each a new incident (a service of its own); another member sends 10 real
ones, spread through the flood. The flood is emailed up to monitor:maxIncidentsPerWindow incidents plus one
summary; the 10 real incidents are each emailed once; every event is counted and none is kept or lost.
"""

from __future__ import annotations

import json
from collections import Counter
from datetime import UTC, datetime, timedelta

from bench.flood import CAP, FLOOD, FLOODING, NOW, REAL, SETTINGS, flood_and_real, member_event, run_flood
from devkit.fake_aws import FakeAws
from lambdas.events.pipeline import handle_exhaustion_event, window_start


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
    outcome = handle_exhaustion_event(member_event(FLOODING, "junk-next", 99999), aws.target(), SETTINGS, later)

    assert outcome.status == "notified"
    assert window_start(later, timedelta(minutes=30)) == datetime(2026, 12, 3, 14, 30, tzinfo=UTC)
    assert json.loads(json.dumps(aws.counters))  # one counter per account, reason and window
    assert len(aws.counters) == 3


def test_the_benchmark_counts_what_the_test_checks() -> None:
    result = run_flood(100)
    assert (result.real_emails, result.flood_emails, result.summaries, result.kept) == (10, CAP, 1, 0)
    assert result.counted == result.events == 110
    assert result.calls["dynamodb.UpdateItem"] == 110  # one cap counter per new incident (all new here)
