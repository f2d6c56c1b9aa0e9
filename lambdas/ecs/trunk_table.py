"""The shipped table of trunking task limits (lambdas/ecs/data/eni_trunking_limits.json)."""

from __future__ import annotations

import functools
import json
from pathlib import Path

TABLE_PATH = Path(__file__).parent / "data" / "eni_trunking_limits.json"


@functools.cache
def trunk_task_limits() -> dict[str, int]:
    """Instance type -> awsvpc tasks it runs with a trunk ENI, as AWS publishes it."""
    table = json.loads(TABLE_PATH.read_text())
    return {instance_type: int(row["with_trunking"]) for instance_type, row in table["task_limits"].items()}
