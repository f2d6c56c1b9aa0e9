"""Exhaustion-event pipeline: parse, classify, count every event, email once per incident window.

Nothing is lost silently: an unparsable event and an event whose email could not be sent are kept intact
in the dead-letter queue, and if even that fails the handler raises so Lambda retries and keeps it.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import datetime, timedelta
from typing import Any

from aws_lambda_powertools import Logger

from lambdas.alert_email import SubnetNow, render_email
from lambdas.aws.cloudwatch import put_metric_batch
from lambdas.aws.dynamodb import claim_incident_window, release_incident_window
from lambdas.aws.ec2 import describe_subnet
from lambdas.aws.sns import publish_email
from lambdas.aws.sqs import keep_in_dead_letter_queue
from lambdas.errors import AwsCallError, AwsReadError, DeadLetterError, DedupeError, NotifyError, UnparsableEvent
from lambdas.exhaustion_events import parse_exhaustion_event
from lambdas.incidents import Incident, classify
from lambdas.metrics import MetricPoint, exhaustion_event_point, unparsed_event_point
from lambdas.settings import EventHandlerSettings

logger = Logger(child=True)


@dataclass(frozen=True)
class EventClients:
    """The boto3 clients the pipeline writes and reads through."""

    cloudwatch: Any
    sns: Any
    dynamodb: Any
    sqs: Any
    ec2: Any


@dataclass
class EventOutcome:
    """What became of one event; returned by the handler and logged."""

    event_id: str
    status: str  # unparsed | ignored | duplicate | notified | dead-lettered
    reason: str | None = None
    incident: str | None = None
    problems: list[dict[str, str]] = field(default_factory=list)

    def record(self, err: AwsCallError) -> None:
        """Keep a failed call with its context and log it; the event goes on."""
        problem = err.as_failure()
        self.problems.append(problem)
        logger.error("AWS call failed while handling an event", extra={"event_id": self.event_id, "failure": problem})


def handle_exhaustion_event(
    raw: Any, clients: EventClients, settings: EventHandlerSettings, now: datetime
) -> EventOutcome:
    """Handle one event as EventBridge delivers it."""
    try:
        event = parse_exhaustion_event(raw)
    except UnparsableEvent as err:
        outcome = EventOutcome(err.event_id, "unparsed")
        logger.error(
            "unparsable event: counted and kept in the dead-letter queue",
            extra={"event_id": err.event_id, "why": err.reason},
        )
        _count(clients.cloudwatch, settings, unparsed_event_point(), now, outcome)
        _keep(raw, f"unparsed: {err.reason}", clients, settings, outcome)
        return outcome
    incident = classify(event)
    if incident is None:
        logger.info("event matched a rule but reports no exhaustion; ignored", extra={"event_id": event.id})
        return EventOutcome(event.id, "ignored")
    outcome = EventOutcome(event.id, "duplicate", incident.reason.value, incident.dedupe_key)
    _count(clients.cloudwatch, settings, exhaustion_event_point(incident.reason.value), now, outcome)
    if _claim(clients.dynamodb, settings, incident, now, outcome):
        _notify(raw, incident, clients=clients, settings=settings, now=now, outcome=outcome)
    logger.info("exhaustion event handled", extra={"outcome": asdict(outcome)})
    return outcome


def _count(
    cloudwatch: Any, settings: EventHandlerSettings, point: MetricPoint, now: datetime, outcome: EventOutcome
) -> None:
    try:
        put_metric_batch(cloudwatch, settings.metric_namespace, [point], now)
    except AwsCallError as err:
        outcome.record(err)


def _claim(
    dynamodb: Any, settings: EventHandlerSettings, incident: Incident, now: datetime, outcome: EventOutcome
) -> bool:
    until = now + timedelta(minutes=settings.dedupe_window_minutes)
    try:
        return claim_incident_window(dynamodb, settings.incident_table_name, incident.dedupe_key, now, until)
    except DedupeError as err:
        # Fail open: a duplicate email is better than none for an outage.
        outcome.record(err)
        return True


def _notify(
    raw: Any,
    incident: Incident,
    *,
    clients: EventClients,
    settings: EventHandlerSettings,
    now: datetime,
    outcome: EventOutcome,
) -> None:
    email = render_email(
        incident, _subnet_now(clients.ec2, incident.subnet_id, outcome), settings.dedupe_window_minutes, now
    )
    try:
        publish_email(clients.sns, settings.topic_arn, email.subject, email.body)
        outcome.status = "notified"
        return
    except NotifyError as err:
        outcome.record(err)
        why = f"notification failed: {err}"
    try:
        release_incident_window(clients.dynamodb, settings.incident_table_name, incident.dedupe_key)
    except DedupeError as err:
        outcome.record(err)
    _keep(raw, why, clients, settings, outcome)


def _subnet_now(ec2: Any, subnet_id: str | None, outcome: EventOutcome) -> SubnetNow:
    if subnet_id is None:
        return SubnetNow(None, "no subnet in the event")
    try:
        return SubnetNow(describe_subnet(ec2, subnet_id))
    except AwsReadError as err:
        outcome.record(err)
        return SubnetNow(None, f"DescribeSubnets failed: {err.code}")


def _keep(raw: Any, why: str, clients: EventClients, settings: EventHandlerSettings, outcome: EventOutcome) -> None:
    try:
        keep_in_dead_letter_queue(clients.sqs, settings.dead_letter_queue_url, raw, why, outcome.event_id)
    except DeadLetterError:
        # Raising makes Lambda retry the invocation and, after its retries, send the event to the
        # function's own dead-letter queue; the log keeps it too.
        logger.exception("could not keep the event in the dead-letter queue", extra={"event": raw, "why": why})
        raise
    if outcome.status != "unparsed":
        outcome.status = "dead-lettered"
