"""Splitting a request list into the pieces an API takes in one call."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import TypeVar

Item = TypeVar("Item")


def chunks(items: Sequence[Item], size: int) -> Iterator[Sequence[Item]]:
    """items in consecutive slices of at most size, in order (none for no items)."""
    for start in range(0, len(items), size):
        yield items[start : start + size]
