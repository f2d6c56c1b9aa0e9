"""`subnet-ip-monitor replay`: send the events kept in the events dead-letter queue through the handler again.

Each message is listed with why it was kept. A replay sends the event in the envelope of
lambdas/events/replay.py, so the handler neither keeps it again nor counts it twice; the message is deleted
only once the handler has finished it (notified, a duplicate of an emailed incident, or no exhaustion),
otherwise it is made visible again at once and stays. An event that still does not parse is not sent at all.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from botocore.exceptions import ClientError

from cli.arguments import aws_problem
from lambdas.events.errors import UnparsableEvent
from lambdas.events.parsing import event_id, recognise
from lambdas.events.replay import HANDLER_OUTPUT, QUEUE_OUTPUT, unwrap, wrap
from lambdas.platform.aws.sqs import COUNTED_ATTRIBUTE, EVENT_ID_ATTRIBUTE, REASON_ATTRIBUTE
from lambdas.platform.contract import IP_EXHAUSTION_EVENTS
from lambdas.platform.errors import AWS_ERRORS

# What the handler answers when it has finished an event (pipeline.EventOutcome.status).
FINISHED = ("notified", "duplicate", "ignored", "foreign", "capped", "summarised")
# Long enough for ten replays of a handler with a 30-second timeout; a listing hides messages only briefly.
REPLAY_VISIBILITY_S = 600
LIST_VISIBILITY_S = 30
# Where EventBridge (a delivery that failed after its retries) and Lambda (an invocation that failed after its
# retries) say why, when they keep an event: the EventBridge User Guide's "Using dead-letter queues" and the
# Lambda Developer Guide's "Dead-letter queues" list these message attributes.
FOREIGN_REASONS = (("ERROR_CODE", "ERROR_MESSAGE"), ("ErrorCode", "ErrorMessage"))

Invoke = Callable[[dict[str, Any]], dict[str, Any]]


class ReplayError(Exception):
    """A call the replay needs failed (the queue, the stack or the handler could not be reached)."""


@dataclass(frozen=True)
class KeptEvent:
    """One message of the dead-letter queue: the event as delivered and why it was kept."""

    message_id: str
    receipt_handle: str
    event: Any
    event_id: str
    why: str
    counted: bool  # its IpExhaustionEvents point was published before it was kept


REPLAYED = "replayed"  # the handler finished it; the message is deleted
WOULD_REPLAY = "would replay"  # a dry run: it parses today
STAYS = "stays"  # it could not be finished (or does not parse): still in the queue, visible again
UNTOUCHED = "untouched"  # --from had no corrected event for it


@dataclass(frozen=True)
class Replayed:
    """What became of one kept event: its state and the detail a person reads."""

    kept: KeptEvent
    state: str
    detail: str = ""


def kept_event(message: Mapping[str, Any]) -> KeptEvent:
    """A received SQS message as a kept event (its body is the event, or a replay envelope Lambda kept)."""
    attributes = message.get("MessageAttributes", {})

    def attribute(name: str) -> str | None:
        value = attributes.get(name, {}).get("StringValue")
        return str(value) if value else None

    try:
        body: Any = json.loads(message["Body"])
    except ValueError:
        body = message["Body"]
    event, replay = unwrap(body)
    foreign = next(
        (f"{attribute(code)}: {attribute(text) or ''}".strip() for code, text in FOREIGN_REASONS if attribute(code)),
        None,
    )
    return KeptEvent(
        message_id=str(message["MessageId"]),
        receipt_handle=str(message["ReceiptHandle"]),
        event=event,
        event_id=attribute(EVENT_ID_ATTRIBUTE) or event_id(event),
        why=attribute(REASON_ATTRIBUTE) or foreign or "no reason given",
        counted=attribute(COUNTED_ATTRIBUTE) == IP_EXHAUSTION_EVENTS.name or (replay is not None and replay.counted),
    )


def still_unparsable(event: Any) -> str | None:
    """Why the handler would not parse event today, or None if it would."""
    try:
        recognise(event)
    except UnparsableEvent as err:
        return err.reason
    return None


def replay_kept_events(
    sqs: Any,
    queue_url: str,
    invoke: Invoke,
    *,
    dry_run: bool,
    corrections: Mapping[str, Any] | None = None,
) -> list[Replayed]:
    """Replay (or, dry, list) every kept event; with corrections (message id -> event), only those messages,
    each with its corrected event in place of the body."""
    results = []
    for kept in receive_all(sqs, queue_url, LIST_VISIBILITY_S if dry_run else REPLAY_VISIBILITY_S):
        if corrections is not None and kept.message_id not in corrections:
            release(sqs, queue_url, kept)
            results.append(Replayed(kept, UNTOUCHED, "no corrected event for it"))
            continue
        event = kept.event if corrections is None else corrections[kept.message_id]
        results.append(_replay_one(sqs, queue_url, invoke, kept, event, dry_run=dry_run))
    return results


def _replay_one(sqs: Any, queue_url: str, invoke: Invoke, kept: KeptEvent, event: Any, *, dry_run: bool) -> Replayed:
    problem = still_unparsable(event)
    if problem is not None:
        release(sqs, queue_url, kept)
        return Replayed(kept, STAYS, f"still unparsable ({problem})")
    if dry_run:
        release(sqs, queue_url, kept)
        return Replayed(kept, WOULD_REPLAY, "it parses today")
    try:
        answer = invoke(wrap(event, kept.message_id, counted=kept.counted))
    except ReplayError as err:
        release(sqs, queue_url, kept)
        return Replayed(kept, STAYS, str(err))
    status = str(answer.get("status"))
    if status not in FINISHED:
        release(sqs, queue_url, kept)
        return Replayed(kept, STAYS, f"the handler answered {status} ({answer.get('why') or 'no reason'})")
    delete(sqs, queue_url, kept)
    return Replayed(kept, REPLAYED, f"the handler answered {status}")


def save_events(kept: list[KeptEvent], directory: Path) -> list[Path]:
    """Write each kept event to directory/<message id>.json, to correct and replay with --from."""
    directory.mkdir(parents=True, exist_ok=True)
    paths = []
    for event in kept:
        path = directory / f"{event.message_id}.json"
        path.write_text(json.dumps(event.event, indent=2) + "\n")
        paths.append(path)
    return paths


def load_corrections(directory: Path) -> dict[str, Any]:
    """The corrected events of directory, by message id (the file name); ReplayError names a file that is not
    JSON, or a directory with none (nothing would be replayed, and every kept event would look untouched)."""
    corrections = {}
    for path in sorted(directory.glob("*.json")):
        try:
            corrections[path.stem] = json.loads(path.read_text())
        except ValueError as err:
            raise ReplayError(f"--from: {path} is not JSON ({err}): correct it or move it out of {directory}") from None
    if not corrections:
        raise ReplayError(f"--from: {directory} holds no .json file (replay --save {directory} writes them)")
    return corrections


# Adapters: thin calls over boto3 clients, raising ReplayError.


def receive_all(sqs: Any, queue_url: str, visibility_s: int) -> list[KeptEvent]:
    """Every message of the queue, each hidden from other readers for visibility_s (long polling, so an
    empty answer means empty)."""
    kept: list[KeptEvent] = []
    try:
        while batch := sqs.receive_message(
            QueueUrl=queue_url,
            MaxNumberOfMessages=10,
            MessageAttributeNames=["All"],
            VisibilityTimeout=visibility_s,
            WaitTimeSeconds=1,
        ).get("Messages", []):
            kept += [kept_event(message) for message in batch]
    except AWS_ERRORS as err:
        raise ReplayError(f"ReceiveMessage on {queue_url} failed: {aws_problem(err, None)}") from err
    return kept


def release(sqs: Any, queue_url: str, kept: KeptEvent) -> None:
    """Make the message visible again at once (it stays in the queue)."""
    try:
        sqs.change_message_visibility(QueueUrl=queue_url, ReceiptHandle=kept.receipt_handle, VisibilityTimeout=0)
    except AWS_ERRORS as err:
        raise ReplayError(f"ChangeMessageVisibility failed for {kept.message_id}: {aws_problem(err, None)}") from err


def delete(sqs: Any, queue_url: str, kept: KeptEvent) -> None:
    """Delete the message (its replay has succeeded)."""
    try:
        sqs.delete_message(QueueUrl=queue_url, ReceiptHandle=kept.receipt_handle)
    except AWS_ERRORS as err:
        raise ReplayError(
            f"DeleteMessage failed for {kept.message_id} (it will be replayed again): {aws_problem(err, None)}"
        ) from err


def lambda_invoker(client: Any, function_name: str) -> Invoke:
    """Invoke the deployed handler synchronously and return its answer; a function error is a ReplayError."""

    def invoke(payload: dict[str, Any]) -> dict[str, Any]:
        try:
            response = client.invoke(
                FunctionName=function_name, InvocationType="RequestResponse", Payload=json.dumps(payload).encode()
            )
        except AWS_ERRORS as err:
            raise ReplayError(f"Invoke {function_name} failed: {aws_problem(err, None)}") from err
        answer = json.loads(response["Payload"].read() or b"null")
        if "FunctionError" in response:
            message = answer.get("errorMessage") if isinstance(answer, dict) else answer
            raise ReplayError(f"the handler failed: {message}")
        return dict(answer) if isinstance(answer, dict) else {"status": repr(answer)}

    return invoke


def stack_outputs(cloudformation: Any, stack_name: str) -> tuple[str, str]:
    """The event handler's name and its dead-letter queue's URL, from the stack's outputs."""
    try:
        (stack,) = cloudformation.describe_stacks(StackName=stack_name)["Stacks"]
    except ClientError as err:
        if err.response.get("Error", {}).get("Code") == "ValidationError":  # CloudFormation's "does not exist"
            raise ReplayError(
                f"no stack {stack_name} in this region: give --stack and --region, or --queue-url and --function-name"
            ) from err
        raise ReplayError(f"DescribeStacks {stack_name} failed: {aws_problem(err, None)}") from err
    except AWS_ERRORS as err:
        raise ReplayError(f"DescribeStacks {stack_name} failed: {aws_problem(err, None)}") from err
    outputs = {o["OutputKey"]: o["OutputValue"] for o in stack.get("Outputs", [])}
    missing = [key for key in (HANDLER_OUTPUT, QUEUE_OUTPUT) if key not in outputs]
    if missing:
        raise ReplayError(f"stack {stack_name} has no output {', '.join(missing)} (deployed before replay existed?)")
    return outputs[HANDLER_OUTPUT], outputs[QUEUE_OUTPUT]


def render(results: list[Replayed], *, dry_run: bool) -> str:
    """The listing a person reads: each kept event, why it was kept, and what became of it."""
    if not results:
        return "The events dead-letter queue is empty: nothing to replay."
    lines = [
        f"{len(results)} kept event(s) in the events dead-letter queue{' (dry run: nothing sent)' if dry_run else ''}"
    ]
    for result in results:
        kept = result.kept
        kind = kept.event.get("detail-type", "?") if isinstance(kept.event, dict) else type(kept.event).__name__
        lines += [
            f"- message {kept.message_id}, event {kept.event_id} ({kind})",
            f"    kept because: {kept.why}",
            f"    counted before: {'yes, not counted again' if kept.counted else 'no'}",
            f"    {result.state}: {result.detail}",
        ]
    done = sum(r.state in {REPLAYED, WOULD_REPLAY} for r in results)
    verb = "would be replayed" if dry_run else "replayed and deleted"
    lines.append(f"{done} {verb}, {len(results) - done} left in the queue.")
    return "\n".join(lines)
