"""The chat message: an email's facts in the custom-notification format of Amazon Q Developer in chat applications
(formerly AWS Chatbot), which renders it in Slack and Microsoft Teams. Its schema is docs/chat-notification.schema.json.

The format (https://docs.aws.amazon.com/chatbot/latest/adminguide/custom-notifs.html, "Event schema" and
"Parameter details"): version "1.0", source "custom", content.textType "client-markdown" (the only one),
content.title, content.description, content.nextSteps and content.keywords, and metadata (threadId, summary,
eventType, relatedResources, additionalContext). That page states no length for any field; SNS caps the whole
message at 256 KiB (https://docs.aws.amazon.com/sns/latest/api/API_Publish.html). The caps below are the
project's own, chosen so a message reads on a phone: a guess at a comfortable size, not an AWS limit.

Text from AWS data is in the email's sections already bounded and quoted (text.py); here it is also kept from
shaping the chat message: every section is a code block (no bold, no links, no mentions inside), and the
title and keywords lose Slack's control characters (<, >, & start mentions and links; *, _, ~ and ` format).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass

from .email import LINKS_HEADING, STEPS_HEADING, Email
from .text import plain

VERSION = "1.0"
SOURCE = "custom"
TEXT_TYPE = "client-markdown"
# Project caps (see above): a title of one line, a description of about one phone screen, a few steps.
TITLE_CHARS = 250
DESCRIPTION_CHARS = 3000
SECTION_CHARS = 700
# A grouped storm lists its members: room for about 50 names of a subnet.
LIST_CHARS = 2200
LIST_HEADINGS = frozenset({"STORM MEMBERS", "STILL IN ALARM", "RECOVERED", "STOPPED REPORTING"})
NEXT_STEPS = 5
NEXT_STEP_CHARS = 400  # of text; its code fence adds 8 (the schema's 410 leaves room)
KEYWORDS = 8
KEYWORD_CHARS = 64
SUMMARY_CHARS = 200
MORE_SECTIONS = "(+{count} more sections in the email)"
# Email sections a chat message keeps (in the email's order); STEPS_HEADING and LINKS_HEADING become its steps
# and links.
KEPT_HEADINGS = (
    "WHAT",
    "WHAT HAPPENED",
    "RECOVERED",
    "STOPPED REPORTING",
    "WHERE",
    "NOW",
    "IT STILL EXISTS",
    "WHO HOLDS THE ADDRESSES",
    "FORECAST",
    "SERVICES AT RISK",
    "AWS SAID",
    "STORM",
    "STORM MEMBERS",
    "STILL IN ALARM",
    "NOT IN THIS EMAIL",
    "NOT IN THIS DIGEST",
)
# Slack reads < > & as the start of a mention, link or entity, and * _ ~ ` as formatting: look-alikes instead.
# (Escapes: each look-alike is meant to look like, and not be, the character it replaces.)
CHAT_UNSAFE = str.maketrans(
    {"<": "\u2039", ">": "\u203a", "&": "+", "*": "\u2217", "_": "\u2017", "~": "\u223c", "`": "'"}
)
# In a code block nothing formats, but Slack still reads < > & (its "Escaping text" rule), and ``` would end it.
CODE_UNSAFE = str.maketrans({"<": "\u2039", ">": "\u203a", "&": "+", "`": "'"})


def chat_safe(text: str, limit: int) -> str:
    """text as one bounded line that cannot format, mention or link in Slack or Teams."""
    return plain(text, limit).translate(CHAT_UNSAFE)


@dataclass(frozen=True)
class ChatMessage:
    """One custom notification: what the email says, condensed for a chat channel."""

    title: str
    sections: tuple[tuple[str, str], ...]
    next_steps: tuple[str, ...]
    links: tuple[tuple[str, str], ...]
    keywords: tuple[str, ...]
    thread_id: str
    event_type: str
    runbook: str  # "" when the message is no alert (the digest)

    def message(self) -> str:
        """The JSON document published to a chat topic."""
        return json.dumps(
            {
                "version": VERSION,
                "source": SOURCE,
                "content": {
                    "textType": TEXT_TYPE,
                    "title": chat_safe(self.title, TITLE_CHARS),
                    "description": self.description(),
                    "nextSteps": [_code(step, NEXT_STEP_CHARS) for step in self.next_steps[:NEXT_STEPS]],
                    "keywords": self.safe_keywords(),
                },
                "metadata": {
                    "threadId": self.thread_id,
                    "summary": chat_safe(self.title, SUMMARY_CHARS),
                    "eventType": self.event_type,
                },
            },
            ensure_ascii=False,
            sort_keys=True,
        )

    def safe_keywords(self) -> list[str]:
        """The keywords made chat-safe, each once, empty ones dropped, at most KEYWORDS."""
        safe = (chat_safe(k, KEYWORD_CHARS) for k in self.keywords)
        return [k for k in dict.fromkeys(safe) if k][:KEYWORDS]

    def description(self) -> str:
        """The kept sections as code blocks, then the links and the runbook, within DESCRIPTION_CHARS."""
        tail = [f"{label}: {url}" for label, url in self.links]
        if self.runbook:
            tail.append(f"Runbook: {self.runbook}")
        closing = "\n".join(plain(line, 2 * SECTION_CHARS) for line in tail)
        # Room for the sections, less the line that says how many did not fit (always short enough for it).
        room = DESCRIPTION_CHARS - len(closing) - 2 - len(MORE_SECTIONS.format(count=len(self.sections))) - 2
        parts: list[str] = []
        for heading, text in self.sections:
            cap = LIST_CHARS if heading.split(" (")[0] in LIST_HEADINGS else SECTION_CHARS
            part = f"*{heading}*\n{_code(text, cap)}"
            if len(part) + 2 > room:
                parts.append(MORE_SECTIONS.format(count=len(self.sections) - len(parts)))
                break
            parts.append(part)
            room -= len(part) + 2
        return "\n\n".join([*parts, closing])


def chat_from_email(
    email: Email,
    *,
    keywords: Sequence[str],
    thread_id: str,
    event_type: str,
    runbook: str,
    keep: Sequence[str] | None = KEPT_HEADINGS,
) -> ChatMessage:
    """The chat message of an email: its full title, its kept sections (keep None: all), its steps and its
    console links."""
    sections: list[tuple[str, str]] = []
    steps: tuple[str, ...] = ()
    links: list[tuple[str, str]] = []
    for section in email.sections:
        heading, _, text = section.partition("\n")
        if heading == STEPS_HEADING:
            steps = tuple(_unnumbered(text))
        elif heading == LINKS_HEADING:
            links += [(label, url) for label, _, url in (line.partition(": ") for line in text.splitlines()) if url]
        elif keep is None or heading.split(" (")[0] in keep:
            sections.append((heading, text))
    return ChatMessage(
        title=email.title or email.subject,
        sections=tuple(sections),
        next_steps=steps,
        links=tuple(links),
        keywords=tuple(k for k in keywords if k),
        thread_id=thread_id,
        event_type=event_type,
        runbook=runbook,
    )


def _unnumbered(text: str) -> list[str]:
    """The steps of a numbered list ('1. …'), each with the lines that continue it."""
    steps: list[str] = []
    for line in text.splitlines():
        head, dot, rest = line.partition(". ")
        if dot and head.isdigit():
            steps.append(rest)
        elif steps:
            steps[-1] += "\n" + line
    return steps


def _code(text: str, limit: int) -> str:
    """text in a code block, where nothing formats, mentions or links; cut at limit."""
    body = text.translate(CODE_UNSAFE)
    if len(body) > limit:
        body = body[: limit - 1].rstrip() + "…"
    return f"```\n{body}\n```"
