"""Where each alert's runbook is: monitor:runbookUrl for every alert when set; otherwise the alert's own section of
the docs' runbook page (docs/runbooks.md), a link when monitor:docsUrl says where the team publishes the docs.

A section is named by what raised the alert: an alarm's stem (contract.ALARM_*) or an event kind's rule id; its
anchor is MkDocs's (lower case), and tests/unit/test_chat.py checks that every one exists.
"""

from __future__ import annotations

from dataclasses import dataclass

from .email import STEPS_HEADING, Email

RUNBOOK_PAGE = "runbooks"
RUNBOOK_HEADING = "RUNBOOK"


@dataclass(frozen=True)
class Runbook:
    """The runbook of one alert: its link when there is one, and the line the email and chat show."""

    url: str | None
    text: str

    def section(self) -> str:
        """The email section that names it."""
        return f"{RUNBOOK_HEADING}\n{self.text}"

    def added_to(self, email: Email) -> Email:
        """email with its RUNBOOK section, right after WHAT TO DO."""
        return email.with_section(self.section(), after=STEPS_HEADING)


def runbook_anchor(topic: str) -> str:
    """The section's anchor on the runbook page (MkDocs lower-cases a heading)."""
    return topic.lower()


def runbook_for(topic: str, *, runbook_url: str, docs_url: str) -> Runbook:
    """The runbook of the alerts topic raises (an alarm stem or an event kind's rule id)."""
    if runbook_url:
        return Runbook(runbook_url, runbook_url)
    anchor = runbook_anchor(topic)
    if docs_url:
        url = f"{docs_url.rstrip('/')}/{RUNBOOK_PAGE}/#{anchor}"
        return Runbook(url, url)
    where = f"docs/{RUNBOOK_PAGE}.md#{anchor}"
    return Runbook(None, f"{where} in the Subnet IP Monitor docs (monitor:docsUrl makes it a link)")
