"""Splitting into pieces: a request list into the pieces an API takes in one call, and how many pieces a count
needs."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import TypeVar

Item = TypeVar("Item")


def chunks(items: Sequence[Item], size: int) -> Iterator[Sequence[Item]]:
    """items in consecutive slices of at most size, in order (none for no items)."""
    for start in range(0, len(items), size):
        yield items[start : start + size]


def ceil_div(numerator: int, denominator: int) -> int:
    """Integer ceiling of numerator / denominator: how many pieces of denominator cover numerator."""
    return -(-numerator // denominator)
