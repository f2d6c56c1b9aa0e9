"""AWS's region names, as botocore's endpoint data lists them per partition: known without a call."""

from __future__ import annotations

import functools
from collections.abc import Iterable

from botocore.loaders import create_loader


@functools.cache
def known_regions() -> frozenset[str]:
    """Every region of every partition in the installed botocore's endpoints.json."""
    endpoints = create_loader().load_data("endpoints")
    return frozenset(region for partition in endpoints["partitions"] for region in partition["regions"])


def unknown_regions(names: Iterable[str]) -> list[str]:
    """The names botocore does not know as regions (a typo, or a region newer than the installed botocore)."""
    return [name for name in names if name not in known_regions()]
