"""The replay command's pure parts: reading a kept message from each place that keeps one, the replay envelope,
the listing; and its two AWS lookups against botocore's Stubber (moto runs no Lambda code)."""

from __future__ import annotations

import io
import json
from typing import Any

import boto3
import pytest
from botocore.response import StreamingBody
from botocore.stub import Stubber

from cli.replay import (
    REPLAYED,
    STAYS,
    KeptEvent,
    Replayed,
    ReplayError,
    kept_event,
    lambda_invoker,
    load_corrections,
    render,
    save_events,
    stack_outputs,
    still_unparsable,
)
from devkit.event_fixtures import load_event
from lambdas.events.replay import unwrap, wrap

EVENT = load_event("task_stopped_no_addresses_ec2")


def _message(body: str, **attributes: str) -> dict[str, Any]:
    return {
        "MessageId": "m-1",
        "ReceiptHandle": "r-1",
        "Body": body,
        "MessageAttributes": {k: {"DataType": "String", "StringValue": v} for k, v in attributes.items()},
    }


def test_given_a_message_the_handler_kept_then_its_reason_id_and_count_are_read():
    kept = kept_event(
        _message(
            json.dumps(EVENT), Reason="notification failed: KMSDisabled", EventId="e-1", Counted="IpExhaustionEvents"
        )
    )

    assert (kept.message_id, kept.event, kept.event_id, kept.why, kept.counted) == (
        "m-1",
        EVENT,
        "e-1",
        "notification failed: KMSDisabled",
        True,
    )


def test_given_a_message_eventbridge_kept_then_its_error_attributes_say_why_and_it_was_not_counted():
    # EventBridge's dead-letter messages carry ERROR_CODE, ERROR_MESSAGE, RULE_ARN, TARGET_ARN (EventBridge User
    # Guide, "Using dead-letter queues to process undelivered events"); the body is the event.
    kept = kept_event(
        _message(
            json.dumps(EVENT),
            ERROR_CODE="SDK_CLIENT_ERROR",
            ERROR_MESSAGE="Rate Exceeded.",
            RULE_ARN="arn:aws:events:us-east-1:123456789012:rule/r",
        )
    )

    assert (kept.why, kept.event_id, kept.counted) == ("SDK_CLIENT_ERROR: Rate Exceeded.", EVENT["id"], False)


def test_given_a_replay_lambda_kept_after_its_retries_then_the_envelope_is_opened_and_its_count_kept():
    # Lambda's own dead-letter messages carry RequestID, ErrorCode, ErrorMessage; the body is the payload.
    envelope = wrap(EVENT, "m-0", counted=True)
    kept = kept_event(
        _message(json.dumps(envelope), ErrorCode="200", ErrorMessage="Task timed out after 30.00 seconds")
    )

    assert (kept.event, kept.counted) == (EVENT, True)
    assert kept.why == "200: Task timed out after 30.00 seconds"


def test_given_a_body_that_is_not_json_then_it_is_kept_as_text_and_would_not_parse():
    kept = kept_event(_message("{truncated", Reason="unparsed: expected a JSON object, got str"))

    assert kept.event == "{truncated"
    assert still_unparsable(kept.event) == "expected a JSON object, got str"


def test_given_an_event_then_the_envelope_round_trips_and_a_plain_event_is_not_mistaken_for_one():
    event, replay = unwrap(wrap(EVENT, "m-1", counted=True))
    assert (event, replay is not None and replay.message_id, replay is not None and replay.counted) == (
        EVENT,
        "m-1",
        True,
    )
    assert unwrap(EVENT) == (EVENT, None)
    assert unwrap({"event": EVENT}) == ({"event": EVENT}, None)


def test_given_a_corrected_event_then_it_parses_where_the_kept_one_did_not():
    broken = json.loads(json.dumps(EVENT))
    del broken["detail"]["clusterArn"]

    assert "detail.clusterArn" in (still_unparsable(broken) or "")
    assert still_unparsable(EVENT) is None


def test_given_saved_events_then_they_load_back_by_message_id(tmp_path):
    kept = [KeptEvent("m-1", "r-1", EVENT, "e-1", "why", False), KeptEvent("m-2", "r-2", "text", "?", "why", False)]

    paths = save_events(kept, tmp_path / "kept")

    assert [p.name for p in paths] == ["m-1.json", "m-2.json"]
    assert load_corrections(tmp_path / "kept") == {"m-1": EVENT, "m-2": "text"}


def test_given_results_then_the_listing_says_why_each_was_kept_and_what_became_of_it():
    kept = KeptEvent("m-1", "r-1", EVENT, "e-1", "unparsed: no cluster", False)
    text = render(
        [Replayed(kept, REPLAYED, "the handler answered notified"), Replayed(kept, STAYS, "x")], dry_run=False
    )

    assert "- message m-1, event e-1 (ECS Task State Change)\n    kept because: unparsed: no cluster\n" in text
    assert "    replayed: the handler answered notified\n" in text
    assert text.endswith("1 replayed and deleted, 1 left in the queue.")
    assert render([], dry_run=True) == "The events dead-letter queue is empty: nothing to replay."


def _payload(answer: Any) -> StreamingBody:
    raw = json.dumps(answer).encode()
    return StreamingBody(io.BytesIO(raw), len(raw))


def test_given_the_handler_answers_then_the_invoker_returns_it_and_a_function_error_is_a_replay_error():
    client = boto3.client("lambda", region_name="us-east-1", aws_access_key_id="x", aws_secret_access_key="x")
    invoke = lambda_invoker(client, "handler")
    with Stubber(client) as stub:
        stub.add_response("invoke", {"StatusCode": 200, "Payload": _payload({"status": "notified"})})
        stub.add_response(
            "invoke",
            {"StatusCode": 200, "FunctionError": "Unhandled", "Payload": _payload({"errorMessage": "boom"})},
        )

        assert invoke(wrap(EVENT, "m-1", counted=False)) == {"status": "notified"}
        with pytest.raises(ReplayError, match="the handler failed: boom"):
            invoke(wrap(EVENT, "m-1", counted=False))


def test_given_the_stack_then_its_outputs_name_the_handler_and_queue_or_say_which_is_missing():
    client = boto3.client("cloudformation", region_name="us-east-1", aws_access_key_id="x", aws_secret_access_key="x")
    stack = {"StackName": "SubnetIpMonitor", "CreationTime": "2026-11-29T00:00:00Z", "StackStatus": "CREATE_COMPLETE"}
    outputs = [
        {"OutputKey": "EventHandlerName", "OutputValue": "fn"},
        {"OutputKey": "EventsDeadLetterQueueUrl", "OutputValue": "https://sqs/q"},
    ]
    with Stubber(client) as stub:
        stub.add_response("describe_stacks", {"Stacks": [{**stack, "Outputs": outputs}]})
        stub.add_response("describe_stacks", {"Stacks": [{**stack, "Outputs": outputs[:1]}]})

        stub.add_client_error(
            "describe_stacks", "ValidationError", "Stack with id NoSuchStack does not exist", http_status_code=400
        )

        assert stack_outputs(client, "SubnetIpMonitor") == ("fn", "https://sqs/q")
        with pytest.raises(ReplayError, match="has no output EventsDeadLetterQueueUrl"):
            stack_outputs(client, "SubnetIpMonitor")
        with pytest.raises(ReplayError, match=r"^no stack NoSuchStack in this region: give --stack and --region, or"):
            stack_outputs(client, "NoSuchStack")
