"""The report's promise kept by the code: it calls only Describe*, List* and Get* operations, and it says
which permissions it lacked instead of failing.

Both are hooks on the boto3 session every client of the report is made from: one before each call refuses
anything that is not a read (so a future change cannot slip a write in), one after it notes each
`service:Operation` AWS denied.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import partial
from typing import Any

import boto3

from lambdas.platform.errors import MonitorError

READ_PREFIXES = ("Describe", "List", "Get")
DENIED_CODES = frozenset(
    {"AccessDenied", "AccessDeniedException", "UnauthorizedOperation", "UnauthorizedAccess", "AuthorizationError"}
)


HTTP_FORBIDDEN = 403


class NotReadOnly(MonitorError):
    """An operation that is not Describe*, List* or Get* was about to be called; it was not sent."""


@dataclass
class CallLog:
    """Every operation the report called (as IAM actions, service:Operation), and those AWS denied."""

    called: list[str] = field(default_factory=list)
    denied: set[str] = field(default_factory=set)


def watch_read_only(session: boto3.Session) -> CallLog:
    """Hook session so that only reads are sent, each is logged, and denials are noted; return the log."""
    log = CallLog()
    session.events.register("before-call", partial(_refuse_writes, log))
    session.events.register("after-call", partial(_note_denied, log))
    return log


def _action(model: Any) -> str:
    return f"{model.service_model.service_name}:{model.name}"


def _refuse_writes(log: CallLog, model: Any, **_: Any) -> None:
    if not model.name.startswith(READ_PREFIXES):
        raise NotReadOnly(f"{_action(model)} is not a read; the report calls only {', '.join(READ_PREFIXES)}*")
    log.called.append(_action(model))


def _note_denied(log: CallLog, model: Any, parsed: dict[str, Any], http_response: Any, **_: Any) -> None:
    # By code where the service says it (ECS: AccessDeniedException, HTTP 400; EC2: UnauthorizedOperation),
    # else by HTTP 403 (IAM's own denial, whatever the body; moto's enforced policies answer so).
    code = parsed.get("Error", {}).get("Code")
    if code in DENIED_CODES or getattr(http_response, "status_code", None) == HTTP_FORBIDDEN:
        log.denied.add(_action(model))
