"""AWS's region names, as botocore's endpoint data lists them per partition: known without a call."""

from __future__ import annotations

import difflib
import functools

from botocore.loaders import create_loader


@functools.cache
def known_regions() -> frozenset[str]:
    """Every region of every partition in the installed botocore's endpoints.json."""
    endpoints = create_loader().load_data("endpoints")
    return frozenset(region for partition in endpoints["partitions"] for region in partition["regions"])


def region_problem(name: str) -> str | None:
    """Why name is not a region botocore knows, with the nearest known name; None when it is one.

    A region newer than the installed botocore is refused too: upgrading botocore is the fix.
    """
    if name in known_regions():
        return None
    nearest = difflib.get_close_matches(name, sorted(known_regions()), n=1)
    hint = f"did you mean {nearest[0]}?" if nearest else "for example eu-west-1"
    return f"{name!r} is not an AWS region ({hint})"
