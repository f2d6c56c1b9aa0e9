"""Text from AWS data (tags, descriptions, AWS's own messages): untrusted, so it never shapes what a person reads.

Anyone who may tag a subnet or describe an interface writes text the monitor repeats in emails, chat, the census
table and CSV. plain() makes it one bounded line (control characters, line and paragraph separators and
bidirectional overrides become spaces), so a Name tag cannot start a section of its own in an email; quoted()
marks it as someone else's words; spreadsheet_cell() keeps a spreadsheet from reading it as a formula.
"""

from __future__ import annotations

import re

# Names (Name tags, owners) and free text (descriptions, AWS's messages) are cut at these lengths.
NAME_LIMIT = 100
TEXT_LIMIT = 500
# C0 and C1 controls (newlines and tabs included), U+2028/2029 line and paragraph separators, and the
# bidirectional embeddings, overrides and isolates that can make text read in another order than it is.
UNSAFE = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]+")
SPACES = re.compile(r" {2,}")
# OWASP "CSV Injection": a cell starting with one of these is a formula to Excel, LibreOffice and Sheets.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def plain(text: str, limit: int = NAME_LIMIT) -> str:
    """text as one line of at most limit characters: unsafe characters to spaces, runs of spaces folded."""
    line = SPACES.sub(" ", UNSAFE.sub(" ", text)).strip()
    return line if len(line) <= limit else line[: limit - 1].rstrip() + "…"


def plain_or_none(text: str | None, limit: int = NAME_LIMIT) -> str | None:
    """plain(text), or None for no text (a tag that is not there)."""
    return plain(text, limit) if text is not None else None


def quoted(text: str, limit: int = TEXT_LIMIT) -> str:
    """plain(text) in double quotes (its own double quotes made single): someone else's words, shown as such."""
    return '"' + plain(text, limit).replace('"', "'") + '"'


def spreadsheet_cell(value: str) -> str:
    """A CSV cell a spreadsheet shows as text: one starting like a formula gets a leading apostrophe."""
    return f"'{value}" if value.startswith(FORMULA_START) else value
