"""Pure reads of the census snapshot's documented shape (README, "Census snapshot"), for its readers."""

from __future__ import annotations

from typing import Any


def subnet_entry(snapshot: dict[str, Any] | None, subnet_id: str) -> dict[str, Any] | None:
    """The snapshot's entry for subnet_id, None if there is no snapshot or the census did not see the subnet."""
    return next((s for s in (snapshot or {}).get("subnets", []) if s["subnetId"] == subnet_id), None)
