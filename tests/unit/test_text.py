"""Untrusted text made one bounded line, quoted, and safe in a spreadsheet (lambdas/platform/text.py)."""

from __future__ import annotations

import pytest

from lambdas.platform.text import NAME_LIMIT, plain, quoted, spreadsheet_cell


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("tasks-1a", "tasks-1a"),
        ("tasks-1a)\n\nWHAT TO DO\n1. Rotate", "tasks-1a) WHAT TO DO 1. Rotate"),
        ("a\r\nb\tc\x00d\x1be", "a b c d e"),
        ("line\u2028separator\u2029paragraph", "line separator paragraph"),
        ("abc\u202edcba\u2066x\u2069", "abc dcba x"),  # bidirectional override and isolates
        ("  padded   text  ", "padded text"),
        ("caf\u00e9 \u6771\u4eac", "caf\u00e9 \u6771\u4eac"),  # letters of any script stay
    ],
)
def test_plain_text_is_one_line_without_control_or_bidirectional_characters(text: str, expected: str) -> None:
    assert plain(text) == expected


def test_plain_text_is_cut_at_its_limit_and_says_so() -> None:
    cut = plain("x" * 300)
    assert len(cut) == NAME_LIMIT
    assert cut.endswith("…")


def test_quoted_text_cannot_close_its_own_quotes() -> None:
    assert quoted('say "hi"\nnow') == "\"say 'hi' now\""


@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t", "\r"])
def test_a_cell_starting_like_a_formula_is_prefixed(start: str) -> None:
    assert spreadsheet_cell(f"{start}SUM(A1)") == f"'{start}SUM(A1)"


def test_an_ordinary_cell_is_left_alone() -> None:
    assert spreadsheet_cell("tasks-1a") == "tasks-1a"
