"""Faults at the edges (issue 18): the topic's KMS key disabled or its grant missing, the incident table and SNS
throttled during a storm, a collector killed by its timeout. Faults are answered below botocore's retries
(tests/support/faults.py) with the error bodies the services send; everything else is moto, and each test
reads back what was counted, emailed and kept, then replays the kept events as `subnet-ip-monitor replay` does.
"""

from __future__ import annotations

import os
from dataclasses import asdict
from datetime import UTC, datetime
from typing import Any

import pytest

from cli.replay import REPLAYED, replay_kept_events
from devkit.publishing import EVERY_RUN
from devkit.scenario import seed_network
from lambdas.events.pipeline import handle_exhaustion_event
from lambdas.events.replay import unwrap
from lambdas.events.settings import EventHandlerSettings
from lambdas.platform.report import Deadline
from lambdas.platform.settings import load_settings
from lambdas.platform.targets import Target
from lambdas.subnets.pipeline import collect_subnets
from lambdas.subnets.settings import SubnetCollectorSettings
from tests.integration.conftest import (
    ACCOUNT_ID,
    NAMESPACE,
    EventWorld,
    event_count,
    metric_values,
    published_series,
    regional_client,
)
from tests.support.faults import Faults

pytestmark = pytest.mark.usefixtures("aws", "moto_skips_faulted_requests")


def _sns_error(code: str, status: int = 400) -> tuple[int, bytes]:
    """An SNS (query protocol) error answer, as SNS sends it."""
    body = (
        f"<ErrorResponse><Error><Type>Sender</Type><Code>{code}</Code><Message>{code}</Message></Error>"
        "<RequestId>fault</RequestId></ErrorResponse>"
    )
    return status, body.encode()


# SNS Publish on a topic whose key is disabled, or whose key policy/grant does not let SNS use it.
KMS_DISABLED = _sns_error("KMSDisabled")
KMS_ACCESS_DENIED = _sns_error("KMSAccessDenied")
# SNS's throttling answer (HTTP 429): botocore's standard mode retries it as throttling.
SNS_THROTTLED = _sns_error("Throttled", 429)
DYNAMODB_THROTTLED = (
    400,
    b'{"__type": "com.amazonaws.dynamodb.v20120810#ProvisionedThroughputExceededException", '
    b'"message": "The level of configured provisioned throughput for the table was exceeded."}',
)


class Killed(BaseException):
    """Lambda ending an invocation at its timeout: nothing after it runs, no handler catches it."""


@pytest.fixture
def target() -> Target:
    """The handler's target as deployed: clients with the project's retry configuration (standard, 5 attempts)."""
    return Target(ACCOUNT_ID, "us-east-1")


def handle(target: Target, payload: Any) -> dict[str, Any]:
    """The handler's work on payload (an event, or a replay envelope), through target's clients."""
    raw, replay = unwrap(payload)
    settings = load_settings(EventHandlerSettings, dict(os.environ))
    return asdict(handle_exhaustion_event(raw, target, settings, datetime.now(UTC), replay))


def visible_messages(queue_url: str) -> int:
    """ApproximateNumberOfMessages: what the dead-letter queue alarm watches (it fires at 1)."""
    attributes = regional_client("sqs").get_queue_attributes(
        QueueUrl=queue_url, AttributeNames=["ApproximateNumberOfMessages"]
    )
    return int(attributes["Attributes"]["ApproximateNumberOfMessages"])


@pytest.mark.parametrize("fault", [KMS_DISABLED, KMS_ACCESS_DENIED], ids=["key disabled", "grant missing"])
def test_given_the_topic_key_unusable_then_the_event_is_kept_alarmed_and_replayed_once_fixed_without_a_second_count(
    world: EventWorld, target, sleeps, fault
):
    faults = Faults(target.client("sns"), "Publish", fault, lambda *_: True)

    result = handle(target, world.event("service_action_resource_eni"))

    assert result["status"] == "dead-lettered"
    assert result["why"].startswith("notification failed")
    assert faults.attempts == 1  # a KMS error is not retried
    assert event_count("TaskPlacementEniExhausted") == 1
    assert visible_messages(world.dead_letter_url) == 1  # >= 1: the events-dead-letter-queue alarm fires
    assert world.emails() == []

    # The key is enabled again (or the grant restored): the fault is gone and the kept event replayed.
    faults.stop()
    results = replay_kept_events(
        regional_client("sqs"), world.dead_letter_url, lambda payload: handle(target, payload), dry_run=False
    )

    assert [(r.state, r.detail) for r in results] == [(REPLAYED, "the handler answered notified")]
    assert results[0].kept.counted is True
    assert event_count("TaskPlacementEniExhausted") == 1  # not counted twice
    assert len(world.emails()) == 1
    assert visible_messages(world.dead_letter_url) == 0


def test_given_the_key_still_disabled_then_a_replay_leaves_the_one_message_and_counts_nothing(
    world: EventWorld, target, sleeps
):
    Faults(target.client("sns"), "Publish", KMS_DISABLED, lambda *_: True)
    handle(target, world.event("service_action_resource_eni"))

    (result,) = replay_kept_events(
        regional_client("sqs"), world.dead_letter_url, lambda payload: handle(target, payload), dry_run=False
    )

    assert result.state == "stays"
    assert "the handler answered failed (notification failed" in result.detail
    assert visible_messages(world.dead_letter_url) == 1  # the original, visible again; no second copy
    assert event_count("TaskPlacementEniExhausted") == 1


def test_given_the_incident_table_throttled_then_retries_are_bounded_and_the_email_still_goes(
    world: EventWorld, target, sleeps
):
    faults = Faults(target.client("dynamodb"), "PutItem", DYNAMODB_THROTTLED, lambda *_: True)

    result = handle(target, world.event("task_stopped_no_addresses_ec2"))

    assert result["status"] == "notified"
    assert [p["operation"] for p in result["problems"]] == ["PutItem"]
    assert faults.attempts == 5  # the project's total_max_attempts
    assert len(world.emails()) == 1
    assert visible_messages(world.dead_letter_url) == 0


def test_given_sns_throttled_during_a_storm_then_each_event_retries_a_bounded_number_of_times_then_is_kept_and_a_replay_emails_each_incident_once(  # noqa: E501
    world: EventWorld, target, sleeps
):
    incidents = ("task_stopped_no_addresses_ec2", "service_action_resource_eni")
    storm = [world.event(name) for _ in range(5) for name in incidents]  # 10 events of 2 incidents, interleaved
    faults = Faults(target.client("sns"), "Publish", SNS_THROTTLED, lambda *_: True)

    outcomes = [handle(target, event)["status"] for event in storm]

    # Every failed send releases its window, so each event tries once (5 attempts), then is kept.
    assert outcomes == ["dead-lettered"] * 10
    assert faults.attempts == 50
    assert len(sleeps) == 40  # backed off before each of the 4 retries of each event
    assert visible_messages(world.dead_letter_url) == 10
    assert event_count("SubnetAddressesExhausted") + event_count("TaskPlacementEniExhausted") == 10

    faults.stop()  # SNS recovers
    results = replay_kept_events(
        regional_client("sqs"), world.dead_letter_url, lambda payload: handle(target, payload), dry_run=False
    )

    assert (
        sorted(r.detail for r in results)
        == ["the handler answered duplicate"] * 8 + ["the handler answered notified"] * 2
    )
    assert len(world.emails()) == 2  # one per incident
    assert event_count("SubnetAddressesExhausted") + event_count("TaskPlacementEniExhausted") == 10
    assert visible_messages(world.dead_letter_url) == 0


def test_given_a_collector_killed_by_its_timeout_then_it_published_no_heartbeat_and_the_next_run_is_complete(
    monkeypatch,
):
    for key, value in {"METRIC_NAMESPACE": NAMESPACE, "VPC_IDS": "", "SUBNET_TAG_FILTER": "", **EVERY_RUN}.items():
        monkeypatch.setenv(key, value)
    settings = load_settings(SubnetCollectorSettings)
    killed_run, next_run = Target(ACCOUNT_ID, "us-east-1"), Target(ACCOUNT_ID, "us-east-1")
    seed_network(killed_run.client("ec2"))

    def kill(**_: Any) -> None:
        raise Killed

    # Killed after reading, while publishing: Lambda stops the process at its timeout.
    killed_run.client("cloudwatch").meta.events.register_first("before-send.cloudwatch.PutMetricData", kill)
    with pytest.raises(Killed):
        collect_subnets(killed_run, settings, datetime.now(UTC), Deadline(lambda: 60_000, reserve_ms=15_000))
    cloudwatch = regional_client("cloudwatch")
    assert published_series(cloudwatch, "CollectorHeartbeat") == []  # a missed run, as the alarm sees it

    report = collect_subnets(next_run, settings, datetime.now(UTC), Deadline(lambda: 60_000, reserve_ms=15_000)).report

    assert report.status == "complete"
    every_subnet = regional_client("ec2").describe_subnets()["Subnets"]
    assert len(published_series(cloudwatch, "IpUtilization")) == len(every_subnet)
    # One run's heartbeat: the heartbeat alarm needs HEARTBEAT_MISSED_RUNS (3) periods in a row without one, so
    # one killed run between complete runs leaves it in OK; the failures alarm has nothing either (the killed
    # run published nothing: Lambda's Errors alarm and the failed-runs dead-letter queue are what say so).
    assert len(metric_values(cloudwatch, "CollectorHeartbeat", {"Collector": "subnets"}, "SampleCount")) == 1
    assert published_series(cloudwatch, "CollectorFailures") == []
