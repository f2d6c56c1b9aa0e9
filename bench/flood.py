"""make bench's flood: one member sends a flood of distinct incidents, another 10 real ones, through the real
event handler pipeline (hub mode), with AWS replaced by a recorder (devkit/fake_aws.py): what the per-account
incident cap (monitor:maxIncidentsPerWindow) lets through, and what the flood costs the handler."""

from __future__ import annotations

import time
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from devkit.event_fixtures import load_event
from devkit.fake_aws import FakeAws
from lambdas.events.pipeline import handle_exhaustion_event
from lambdas.events.settings import EventHandlerSettings

FLOODING, REAL = "111111111111", "222222222222"
CAP = 20
FLOOD = 5000
REAL_INCIDENTS = 10
NOW = datetime(2026, 12, 3, 14, 1, tzinfo=UTC)
SETTINGS = EventHandlerSettings.model_validate(
    {
        "METRIC_NAMESPACE": "SubnetIpMonitorBench",
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


def member_event(account: str, service: str, number: int) -> dict[str, Any]:
    """A task stopped for lack of addresses in account, of its own service (so its own incident)."""
    event = load_event("task_stopped_no_addresses_ec2", account=account)
    event["id"] = f"{account}-{number:05d}"
    event["detail"]["group"] = f"service:{service}"
    return event


def flood_and_real(flood: int) -> list[dict[str, Any]]:
    """flood events of distinct incidents from one member, with 10 real ones of the other spread among them."""
    events = [member_event(FLOODING, f"junk-{n:05d}", n) for n in range(flood)]
    for n in range(REAL_INCIDENTS):
        events.insert((n + 1) * flood // (REAL_INCIDENTS + 1), member_event(REAL, f"checkout-{n}", n))
    return events


@dataclass(frozen=True)
class FloodResult:
    """What the flood became: emails per account, outcomes, points counted, kept events, handler CPU."""

    events: int
    real_emails: int
    flood_emails: int
    summaries: int
    counted: int
    kept: int
    outcomes: Counter[str]
    calls: Counter[str]
    cpu_s: float


def run_flood(flood: int = FLOOD) -> FloodResult:
    """Every event through handle_exhaustion_event, in order, one window."""
    aws = FakeAws()
    events = flood_and_real(flood)
    started = time.process_time()
    outcomes = Counter(handle_exhaustion_event(e, aws.target(), SETTINGS, NOW).status for e in events)
    cpu = time.process_time() - started
    subjects = [e["Subject"] for e in aws.emails]
    counted = sum(len(call["MetricData"]) for call in aws.metric_calls)
    return FloodResult(
        events=len(events),
        real_emails=sum(s.startswith(f"[{REAL}]") for s in subjects),
        flood_emails=sum(s.startswith(f"[{FLOODING}]") and "More than" not in s for s in subjects),
        summaries=sum("More than" in s for s in subjects),
        counted=counted,
        kept=len(aws.dead_letters),
        outcomes=outcomes,
        calls=aws.calls,
        cpu_s=cpu,
    )


def render_flood(result: FloodResult) -> str:
    """The flood's part of BENCHMARKS.md (under the event storm)."""
    outcomes = ", ".join(f"{status} {n:,}" for status, n in sorted(result.outcomes.items()))
    calls = ", ".join(f"{operation} {n:,}" for operation, n in sorted(result.calls.items()))
    return "\n".join(
        [
            "#### A flood from one member (the per-account incident cap)",
            "",
            f"{result.events - REAL_INCIDENTS:,} events of distinct incidents from one member and {REAL_INCIDENTS} "
            f"real ones from another, spread among them, through the real handler pipeline in hub mode "
            f"(monitor:maxIncidentsPerWindow {CAP}), AWS replaced by a recorder (devkit/fake_aws.py).",
            "",
            "| events | real incidents emailed | flood emails | summaries | counted | kept | handler CPU s |",
            "| ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
            f"| {result.events:,} | {result.real_emails} of {REAL_INCIDENTS} | {result.flood_emails} | "
            f"{result.summaries} | {result.counted:,} | {result.kept} | {result.cpu_s:.2f} |",
            "",
            f"Calls: {calls}. Outcomes: {outcomes}.",
            "",
        ]
    )
