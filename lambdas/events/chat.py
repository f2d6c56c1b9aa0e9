"""The chat message of an incident (lambdas/platform/chat.py), beside its email and page."""

from __future__ import annotations

from typing import Any

from ..platform.chat import ChatMessage, chat_from_email
from ..platform.email import Email
from ..platform.paging import dedup_key
from ..platform.runbooks import Runbook
from .model import EventKind, Incident


def incident_chat(kind: EventKind[Any], incident: Incident, email: Email, runbook: Runbook) -> ChatMessage:
    """The email's facts for a chat channel, threaded by incident."""
    named = (incident.subnet_id, incident.cluster, incident.eks_cluster, incident.auto_scaling_group)
    return chat_from_email(
        email,
        keywords=[incident.origin.account, incident.origin.region, incident.reason, *(n for n in named if n)],
        thread_id=dedup_key("incident", incident.dedupe_key),
        event_type=kind.rule_id,
        runbook=runbook.text,
    )
