"""One email (and page, and chat message) per incident per window, and nothing lost: claim the window, send,
release on failure, dead-letter.

Shared by every function that emails on something it was sent (an exhaustion event, an alarm
notification). Failures are handed to record (the caller's outcome) and never stop the others.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from aws_lambda_powertools import Logger

from .aws.dynamodb import claim_incident_window, release_incident_window
from .aws.sns import publish_chat, publish_email, publish_page
from .aws.sqs import send_to_dead_letter_queue
from .chat import ChatMessage
from .email import Email
from .errors import AwsCallError, DeadLetterError, DedupeError, NotifyError
from .paging import Page
from .settings import NotifySettings
from .targets import Target

logger = Logger(child=True)


@dataclass(frozen=True)
class Destinations:
    """Where one route's alerts go: its email topic, its paging topic ("" for none) and its chat topics."""

    topic_arn: str
    paging_topic_arn: str
    chat_topic_arns: tuple[str, ...]


@dataclass(frozen=True)
class Notifier:
    """Where one invocation's claims, emails and kept messages go."""

    target: Target
    settings: NotifySettings
    now: datetime
    record: Callable[[AwsCallError], None]

    def claim(self, incident_key: str) -> bool:
        """True if this call opens the incident's window (email it); open on a table failure."""
        until = self.now + timedelta(minutes=self.settings.dedupe_window_minutes)
        try:
            return claim_incident_window(
                self.target.client("dynamodb"), self.settings.incident_table_name, incident_key, self.now, until
            )
        except DedupeError as err:
            # Fail open: a duplicate email is better than none for an outage.
            self.record(err)
            return True

    def send(
        self,
        incident_key: str,
        email: Email,
        page: Page | None = None,
        chat: ChatMessage | None = None,
        *,
        route: str | None = None,
    ) -> str | None:
        """Publish the email, the page when a paging topic is configured and the chat message to each chat topic,
        all to route's topics (monitor:routes; None: the default ones); None if all went, else why not (the
        window is released so a replay sends them all again: a second email rather than a lost page)."""
        sns = self.target.client("sns")
        to = self.destinations(route)
        try:
            publish_email(sns, to.topic_arn, email.subject, email.body)
            if page is not None and to.paging_topic_arn:
                publish_page(sns, to.paging_topic_arn, page.message(), page.severity.value)
            if chat is not None:
                for topic_arn in to.chat_topic_arns:
                    publish_chat(sns, topic_arn, chat.message())
            return None
        except NotifyError as err:
            self.record(err)
            why = f"notification failed: {err}"
        try:
            release_incident_window(self.target.client("dynamodb"), self.settings.incident_table_name, incident_key)
        except DedupeError as err:
            self.record(err)
        return why

    def destinations(self, route: str | None) -> Destinations:
        """The topics of route (the default ones for None, or for a route the settings do not know)."""
        found = next((r for r in self.settings.routes if r.name == route), None)
        if found is None:
            s = self.settings
            return Destinations(s.topic_arn, s.paging_topic_arn, s.chat_topic_arns)
        return Destinations(found.topic, found.paging_topic, found.chat_topics)

    def dead_letter(self, raw: Any, why: str, message_id: str, *, counted: str | None = None) -> None:
        """Put raw, intact, in the dead-letter queue with why (and counted: the metric its point went to, if
        any); raise if even that fails (Lambda retries)."""
        try:
            send_to_dead_letter_queue(
                self.target.client("sqs"), self.settings.dead_letter_queue_url, raw, why, message_id, counted=counted
            )
        except DeadLetterError:
            # Raising makes Lambda retry the invocation and, after its retries, send it to the function's
            # own dead-letter queue; the log keeps it too.
            logger.exception("could not keep the message in the dead-letter queue", extra={"raw": raw, "why": why})
            raise
