"""Hub mode: reading a member account through its reader role, and the work messages that say which one.

A scheduled collector in hub mode does not read on its schedule: the dispatcher (lambdas/hub/dispatch) puts one message
per target account and region on the collector's queue, and the collector's function, invoked by SQS with one
message at a time, assumes the member's reader role and runs its usual pipeline against that target. Its
metrics, publish state and snapshot go to its home (the hub's own account and region).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import boto3
from aws_lambda_powertools import Logger
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from ..platform.errors import AWS_ERRORS, AwsCallError, MonitorError
from ..platform.publish import publish_run
from ..platform.report import RunReport
from ..platform.settings import ACCOUNT_ID_PATTERN, REGION_PATTERN, HubSettings, ModeSettings
from ..platform.targets import InvokedFunction, Target, keeps_warm_state, own_target
from .streak_table import get_streak, put_streak
from .streaks import NAMED_AFTER_RUNS, extend_streak, streak_key

logger = Logger(child=True)

# Credentials are asked for an hour (the default maximum session of a role) and renewed 5 minutes before
# they expire, so a run that starts on cached credentials can finish on them.
SESSION_SECONDS = 3600
RENEW_BEFORE = timedelta(minutes=5)


class TargetUnreachable(AwsCallError):
    """The member's reader role could not be assumed (missing, not trusting the hub, or STS throttling)."""


class UnreadableMessage(MonitorError):
    """A work message is not the dispatcher's shape; it fails the batch item and ends in the dead-letter queue."""


class TargetMessage(BaseModel):
    """One unit of work: run collector against account in region. The dispatcher writes it, a collector reads it."""

    model_config = ConfigDict(frozen=True, populate_by_name=True, extra="forbid")

    collector: str = Field(min_length=1)
    account_id: str = Field(alias="accountId", pattern=ACCOUNT_ID_PATTERN)
    region: str = Field(pattern=REGION_PATTERN)
    scheduled_at: datetime = Field(alias="scheduledAt")
    # The collector's schedule, so a failure can tell whether it follows the previous run's (failure streaks).
    # Optional: a message sent before an upgrade has none, and its failure simply starts no streak.
    period_minutes: int | None = Field(alias="periodMinutes", default=None, ge=1)

    def body(self) -> str:
        """The message body as sent to SQS."""
        return self.model_dump_json(by_alias=True)


def parse_message(body: str) -> TargetMessage:
    """The work message of an SQS record's body; raise UnreadableMessage naming what is wrong."""
    try:
        return TargetMessage.model_validate_json(body)
    except ValidationError as err:
        problems = "; ".join(f"{'.'.join(map(str, e['loc'])) or 'body'}: {e['msg']}" for e in err.errors()[:3])
        raise UnreadableMessage(problems) from None


def reader_role_arn(partition: str, account_id: str, role_name: str) -> str:
    """The reader role of a member account."""
    return f"arn:{partition}:iam::{account_id}:role/{role_name}"


@dataclass(frozen=True)
class _Session:
    target: Target
    expires: datetime


_sessions: dict[tuple[str, str, str], _Session] = {}
_sessions_lock = threading.Lock()


def member_target(home: Target, account_id: str, region: str, role_name: str, session_name: str) -> Target:
    """The member's target (its clients on the reader role's credentials), kept while the credentials last.

    One AssumeRole per account, region and session name per credential lifetime in a warm container; raise
    TargetUnreachable if the role cannot be assumed.
    """
    key = (account_id, region, session_name)
    now = datetime.now(UTC)
    with _sessions_lock:
        cached = _sessions.get(key)
        if cached is not None and cached.expires - RENEW_BEFORE > now:
            return cached.target
    partition = home.client("sts").meta.partition
    role_arn = reader_role_arn(partition, account_id, role_name)
    try:
        credentials = home.client("sts").assume_role(
            RoleArn=role_arn, RoleSessionName=session_name, DurationSeconds=SESSION_SECONDS
        )["Credentials"]
    except AWS_ERRORS as err:
        raise TargetUnreachable.wrap("AssumeRole", err, {"account": account_id, "region": region}) from err
    session = boto3.Session(
        aws_access_key_id=credentials["AccessKeyId"],
        aws_secret_access_key=credentials["SecretAccessKey"],
        aws_session_token=credentials["SessionToken"],
        region_name=region,
    )
    target = Target(account_id, region, session=session, home=home)
    expires = credentials["Expiration"]
    with _sessions_lock:
        _sessions[key] = _Session(target, expires if expires.tzinfo else expires.replace(tzinfo=UTC))
    return target


def lookup_target(home: Target, account_id: str, region: str, settings: ModeSettings, purpose: str) -> Target:
    """Where to look a resource of account_id in region up: home itself (account mode, or the hub's own account
    and region), else the member through its reader role; raise TargetUnreachable if it cannot be assumed."""
    if not settings.is_hub or (account_id, region) == (home.account_id, home.region):
        return home
    return member_target(home, account_id, region, settings.reader_role_name, purpose)


def _forget_member_sessions() -> None:
    with _sessions_lock:
        _sessions.clear()


keeps_warm_state(_forget_member_sessions)


def run_targets(
    event: dict[str, Any],
    home: Target,
    settings: HubSettings,
    run: Callable[[Target], RunReport],
) -> dict[str, Any]:
    """Run each SQS record's target; return the partial batch response (the records to retry).

    A target that cannot be reached is a run report with a failure (published, logged, alarmed), not a retry:
    the next schedule tries again. Only a message that cannot be read, or an error this code did not expect,
    is returned for retry, and after the queue's receive limit it is kept in the dead-letter queue.
    """
    failures: list[dict[str, str]] = []
    for record in event.get("Records", []):
        message_id = record.get("messageId", "unknown")
        try:
            message = parse_message(record.get("body", ""))
        except UnreadableMessage as err:
            logger.error("unreadable work message; kept for the dead-letter queue", extra={"why": str(err)})
            failures.append({"itemIdentifier": message_id})
            continue
        try:
            _run_one(message, home, settings, run)
        except Exception:
            # A bug is one target's: its message is retried, then kept; the other targets lose nothing.
            logger.exception(
                "collector run failed on a target; the message will be retried",
                extra={"account": message.account_id, "region": message.region, "collector": message.collector},
            )
            failures.append({"itemIdentifier": message_id})
    return {"batchItemFailures": failures}


def _run_one(message: TargetMessage, home: Target, settings: HubSettings, run: Callable[[Target], RunReport]) -> None:
    try:
        target = member_target(home, message.account_id, message.region, settings.reader_role_name, message.collector)
    except TargetUnreachable as err:
        # Counted in CollectorFailures like any failed read, and the heartbeat still says the collector ran.
        report = RunReport(collector=message.collector, account_id=message.account_id, region=message.region)
        report.record_failure(err)
        publish_run(home.client("cloudwatch"), settings.metric_namespace, [], datetime.now(UTC), report)
    else:
        report = run(target)
    if report.failures:
        _extend_failure_streak(home, settings, message, report)


def _extend_failure_streak(home: Target, settings: HubSettings, message: TargetMessage, report: RunReport) -> None:
    """Keep the target's failure streak for the weekly digest; losing it must not fail the run (it is logged)."""
    if not settings.failure_streak_table or message.period_minutes is None:
        return
    first = report.failures[0]
    error = f"{first.get('operation', '?')} {first.get('code', '?')}"
    dynamodb = home.client("dynamodb")
    key = streak_key(message.collector, message.account_id, message.region)
    try:
        streak = extend_streak(
            get_streak(dynamodb, settings.failure_streak_table, key),
            collector=message.collector,
            account_id=message.account_id,
            region=message.region,
            run_at=message.scheduled_at,
            period_minutes=message.period_minutes,
            error=error,
        )
        put_streak(dynamodb, settings.failure_streak_table, streak)
    except AwsCallError as err:
        logger.error("could not keep the target's failure streak", extra={"failure": err.as_failure()})
        return
    if streak.runs >= NAMED_AFTER_RUNS:
        logger.warning(
            "target failing run after run; named in the weekly digest",
            extra={
                "account": message.account_id,
                "region": message.region,
                "collector": message.collector,
                "runs": streak.runs,
                "error": error,
            },
        )


def run_in_mode(
    event: dict[str, Any], context: InvokedFunction, settings: HubSettings, run: Callable[[Target], RunReport]
) -> dict[str, Any]:
    """What a collector's handler returns: its own account's run report in account mode; in hub mode, the
    partial batch response of the targets its queue sent."""
    if settings.is_hub:
        return run_targets(event, own_target(context), settings, run)
    return run(own_target(context)).as_dict()
