"""The chat message of an alarm contributor transition (lambdas/platform/chat.py), beside its email and page."""

from __future__ import annotations

from ..platform.chat import ChatMessage, chat_from_email
from ..platform.email import Email
from ..platform.runbooks import Runbook
from .model import ContributorTransition, Facts, SubnetFacts, VpcFacts
from .page import contributor_key


def transition_chat(transition: ContributorTransition, facts: Facts, email: Email, runbook: Runbook) -> ChatMessage:
    """The email's facts for a chat channel; ALARM, OK and stopped-reporting of one contributor share a thread."""
    t = transition
    vpc = facts.subnet.vpc_id if isinstance(facts, SubnetFacts) and facts.subnet else None
    if isinstance(facts, VpcFacts):
        vpc = facts.vpc_id
    return chat_from_email(
        email,
        keywords=[t.contributor_account, t.contributor_region, *([vpc] if vpc else []), t.contributor],
        thread_id=contributor_key(t),
        event_type=t.kind.stem,
        runbook=runbook.text,
    )
