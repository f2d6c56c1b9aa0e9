"""The page: the small JSON a paging tool (PagerDuty, Opsgenie, any HTTPS endpoint) receives per incident and
per alarm contributor transition, beside the email. Its schema is docs/paging-event.schema.json.

A page names one resource in one account and region; dedupKey is the same for a resource's ALARM and its OK,
so the tool opens one incident and resolves it. STOPPED_REPORTING is not a recovery: the alarm's query no
longer returns the resource (deleted, or its collector stopped), and a person should look.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from enum import StrEnum

from .text import plain

SCHEMA_VERSION = "1"
# The schema's maxLength of each: a title fits one line of a phone's notification, the summary a paging
# tool's description field (PagerDuty's Events API v2 cuts its summary at 1,024 characters).
TITLE_CHARS = 120
SUMMARY_CHARS = 1000
# The SNS message attribute an HTTPS subscription's filter policy matches (monitor:pagingEndpoints severities).
SEVERITY_ATTRIBUTE = "severity"


class Severity(StrEnum):
    """How urgently a person is wanted: now (critical), today (warning), when convenient (info)."""

    CRITICAL = "critical"
    WARNING = "warning"
    INFO = "info"


class PageState(StrEnum):
    """What happened to the resource: it went wrong, it recovered, or it is no longer measured."""

    ALARM = "ALARM"
    OK = "OK"
    STOPPED_REPORTING = "STOPPED_REPORTING"


@dataclass(frozen=True)
class Page:
    """One page; text from AWS data reaches it only through plain() (one bounded line)."""

    severity: Severity
    state: PageState
    title: str
    account: str
    region: str
    resource: str
    summary: str
    dedup_key: str
    runbook_url: str | None = None

    def message(self) -> str:
        """The JSON document published to the paging topic (schemaVersion 1)."""
        return json.dumps(
            {
                "schemaVersion": SCHEMA_VERSION,
                "severity": self.severity.value,
                "state": self.state.value,
                "title": plain(self.title, TITLE_CHARS),
                "account": self.account,
                "region": self.region,
                "resource": plain(self.resource),
                "summary": plain(self.summary, SUMMARY_CHARS),
                "runbookUrl": self.runbook_url,
                "dedupKey": self.dedup_key,
            },
            ensure_ascii=False,
            sort_keys=True,
        )


def dedup_key(*parts: str) -> str:
    """A stable key of at most 64 characters for what the parts name (paging tools cap theirs: PagerDuty at 255)."""
    return hashlib.sha256("|".join(parts).encode()).hexdigest()
