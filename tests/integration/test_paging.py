"""Pages through moto: the event handler publishes one page beside each email to the paging topic (read back
through an SQS subscription) with its severity attribute; a failed page releases the window and keeps the event,
as a failed email does; with monitor:routes, an incident goes to its route's topic. The composer's pages:
tests/integration/test_alerts.py."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema

from devkit.readback import drain_queue
from devkit.scenario import seed_paging_topic, subscribed_queue
from lambdas.platform.settings import PAGING_TOPIC_ARN, ROUTES, RUNBOOK_URL
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


def test_given_routes_then_an_incident_goes_to_the_route_its_subnets_tag_or_cluster_matches(world):
    sns, sqs, ec2 = regional_client("sns"), regional_client("sqs"), regional_client("ec2")
    ec2.create_tags(Resources=[world.subnet_id], Tags=[{"Key": "team", "Value": "payments"}])
    inboxes, routes = {}, []
    for name, match in (("payments", {"tags": {"team": "payments"}}), ("checkout", {"ecsClusters": ["prod"]})):
        topic = sns.create_topic(Name=f"route-{name}")["TopicArn"]
        inboxes[name] = subscribed_queue(sns, sqs, topic, f"route-{name}-inbox")
        routes.append({"name": name, "match": match, "topic": topic})
    event = world.event("task_stopped_no_addresses_ec2")  # cluster prod, in the payments team's subnet

    assert handle(event, None, **{ROUTES: json.dumps(routes)})["status"] == "notified"

    # The first route that matches wins: the subnet's tag (payments) before the cluster (checkout).
    (email,) = [json.loads(m["Body"]) for m in drain_queue(sqs, inboxes["payments"])]
    assert email["Subject"].startswith(f"tasks-1a ({world.subnet_id})")
    assert drain_queue(sqs, inboxes["checkout"]) == []
    assert world.emails() == [], "nothing to the default topic"


def test_given_a_route_by_cluster_then_the_incident_goes_there_without_reading_tags(world):
    sns, sqs = regional_client("sns"), regional_client("sqs")
    topic = sns.create_topic(Name="route-prod")["TopicArn"]
    inbox = subscribed_queue(sns, sqs, topic, "route-prod-inbox")
    routes = [{"name": "prod", "match": {"ecsClusters": ["prod"]}, "topic": topic}]

    result = handle(world.event("task_stopped_no_addresses_ec2"), None, **{ROUTES: json.dumps(routes)})

    assert result["status"] == "notified"
    assert len(drain_queue(sqs, inbox)) == 1
    assert world.emails() == []
