"""`subnet-ip-monitor replay` from its command line against moto's SQS (moto runs no Lambda code: an invocation
of a function that does not exist is what it can answer, and it is the failure path). The stack lookup is in
tests/unit/test_replay.py with botocore's Stubber: moto's DescribeStacks needs moto's API Gateway extras."""

from __future__ import annotations

import json

import pytest

from cli.main import main
from devkit.event_fixtures import load_event
from lambdas.platform.aws.sqs import send_to_dead_letter_queue
from tests.integration.conftest import ACCOUNT_ID, regional_client

pytestmark = pytest.mark.usefixtures("aws")

EVENT = load_event("task_stopped_no_addresses_ec2", account=ACCOUNT_ID)


@pytest.fixture
def queue_url() -> str:
    sqs = regional_client("sqs")
    url = str(sqs.create_queue(QueueName="events-dlq")["QueueUrl"])
    send_to_dead_letter_queue(
        sqs, url, EVENT, "notification failed: KMSDisabled", EVENT["id"], counted="IpExhaustionEvents"
    )
    return url


def _visible(url: str) -> int:
    attributes = regional_client("sqs").get_queue_attributes(
        QueueUrl=url, AttributeNames=["ApproximateNumberOfMessages"]
    )
    return int(attributes["Attributes"]["ApproximateNumberOfMessages"])


def test_given_a_kept_event_then_the_dry_run_lists_it_saves_it_and_leaves_it_visible(queue_url, tmp_path, capsys):
    status = main(
        [
            *("replay", "--dry-run", "--queue-url", queue_url, "--function-name", "handler"),
            *("--region", "us-east-1", "--save", str(tmp_path / "kept")),
        ]
    )

    out = capsys.readouterr().out
    assert status == 0
    assert "kept because: notification failed: KMSDisabled\n    counted before: yes, not counted again\n" in out
    assert "    would replay: it parses today\n" in out
    assert "1 would be replayed, 0 left in the queue." in out
    (saved,) = (tmp_path / "kept").glob("*.json")
    assert json.loads(saved.read_text()) == EVENT
    assert _visible(queue_url) == 1  # released at once, not hidden for the listing's visibility timeout


def test_given_the_handler_cannot_be_invoked_then_the_message_stays_and_the_command_exits_1(queue_url, capsys):
    status = main(["replay", "--queue-url", queue_url, "--function-name", "no-such-handler", "--region", "us-east-1"])

    out = capsys.readouterr().out
    assert status == 1
    assert "stays: Invoke no-such-handler failed:" in out
    assert "0 replayed and deleted, 1 left in the queue." in out
    assert _visible(queue_url) == 1
