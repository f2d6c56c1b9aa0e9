"""MkDocs hooks: the configuration reference, generated from the configuration model at build time."""

from __future__ import annotations

import json
from enum import Enum
from typing import Any

from infra.core.config import CONTEXT_PREFIX, HUB_ONLY_FIELDS, MonitorConfig

MARKER = "CONFIGURATION_REFERENCE"
HUB_ONLY = "hub mode only"


def configuration_reference() -> str:
    """One row per `monitor:*` key: its default, what it allows and what it does, from MonitorConfig's fields."""
    rows = ["| Key | Default | Allowed | What it does |", "| --- | --- | --- | --- |"]
    for name, field in MonitorConfig.model_fields.items():
        extra = field.json_schema_extra if isinstance(field.json_schema_extra, dict) else {}
        allowed = str(extra.get("allowed", ""))
        if name in HUB_ONLY_FIELDS and "hub mode" not in allowed:
            allowed = f"{allowed}; {HUB_ONLY}"
        default = field.get_default(call_default_factory=True)
        rows.append(f"| `{CONTEXT_PREFIX}{field.alias}` | `{_shown(default)}` | {allowed} | {field.description} |")
    return "\n".join(rows)


def _shown(value: Any) -> str:
    """A default as cdk.json would write it."""
    if isinstance(value, Enum):
        value = value.value
    if isinstance(value, tuple):
        value = list(value)
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return value if isinstance(value, str) and value else json.dumps(value)


def on_page_markdown(markdown: str, **_: Any) -> str:
    """Put the generated reference where the configuration page has the marker."""
    return markdown.replace(MARKER, configuration_reference())
