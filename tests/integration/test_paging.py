"""Pages through moto: the event handler publishes one page beside each email to the paging topic (read back
through an SQS subscription) with its severity attribute; a failed page releases the window and keeps the event,
as a failed email does. The composer's pages: tests/integration/test_alerts.py."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema

from devkit.readback import drain_queue
from devkit.scenario import seed_paging_topic
from lambdas.platform.settings import PAGING_TOPIC_ARN, RUNBOOK_URL
from tests.integration.conftest import regional_client
from tests.integration.test_event_handler import handle

SCHEMA = json.loads((Path(__file__).resolve().parents[2] / "docs" / "paging-event.schema.json").read_text())
RUNBOOK = "https://wiki.example.com/runbooks/subnet-ip"


def pages(sqs: Any, queue_url: str) -> list[tuple[dict[str, Any], str]]:
    """Each page read back, validated against the schema, with its severity attribute."""
    pages = []
    for message in drain_queue(sqs, queue_url):
        page = json.loads(message["Body"])
        jsonschema.validate(page, SCHEMA)
        pages.append((page, message["MessageAttributes"]["severity"]["StringValue"]))
    return pages


def test_given_an_exhaustion_event_then_one_page_goes_beside_its_email_and_duplicates_page_no_more(world):
    sns, sqs = regional_client("sns"), regional_client("sqs")
    topic_arn, queue_url = seed_paging_topic(sns, sqs)
    event = world.event("task_stopped_no_addresses_ec2")

    statuses = [handle(event, None, **{PAGING_TOPIC_ARN: topic_arn, RUNBOOK_URL: RUNBOOK})["status"] for _ in range(2)]

    assert statuses == ["notified", "duplicate"]
    ((page, severity),) = pages(sqs, queue_url)
    (email,) = world.emails()
    assert severity == page["severity"] == "critical"
    assert (page["state"], page["resource"], page["runbookUrl"]) == ("ALARM", world.subnet_id, RUNBOOK)
    assert page["title"] == email["Subject"]


def test_given_no_paging_topic_then_only_the_email_goes(world):
    assert handle(world.event("task_stopped_no_addresses_ec2"))["status"] == "notified"
    assert len(world.emails()) == 1


def test_given_the_paging_topic_is_gone_then_the_event_is_kept_and_its_window_released(world):
    gone = "arn:aws:sns:us-east-1:123456789012:no-such-topic"
    event = world.event("task_stopped_no_addresses_ec2")

    first = handle(event, None, **{PAGING_TOPIC_ARN: gone})
    retried = handle(event, None, **{PAGING_TOPIC_ARN: gone})

    assert (first["status"], retried["status"]) == ("dead-lettered", "dead-lettered")  # released: tried again
    assert [p["operation"] for p in first["problems"]] == ["Publish"]
    assert len(world.dead_letters()) == 2
