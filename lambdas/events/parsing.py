"""Recognising raw input: which kind an event is, its typed model, and the incident it reports."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from aws_lambda_powertools.utilities.parser import parse
from aws_lambda_powertools.utilities.parser.models import EventBridgeModel
from pydantic import ValidationError

from .errors import UnparsableEvent
from .kinds import registry
from .model import EventKind, Incident


@dataclass(frozen=True)
class Recognised:
    """An event that parsed as a kind; incident is None if it reports no exhaustion (then it is only logged)."""

    kind: EventKind[Any]
    event: EventBridgeModel
    incident: Incident | None


def event_id(raw: object) -> str:
    """The EventBridge id of raw, or a placeholder that says it had none."""
    if isinstance(raw, dict) and isinstance(raw.get("id"), str) and raw["id"]:
        return str(raw["id"])
    return "(no id)"


def recognise(raw: Any) -> Recognised:
    """The first kind of raw's source and detail-type that parses it and finds an incident; raise UnparsableEvent.

    Several kinds may share a source and detail-type (they differ in detail): an event that parses as one of
    them but reports no exhaustion for any is recognised without an incident.
    """
    identifier = event_id(raw)
    if not isinstance(raw, dict):
        raise UnparsableEvent(identifier, f"expected a JSON object, got {type(raw).__name__}")
    candidates = [k for k in registry.KINDS if (k.source, k.detail_type) == (raw.get("source"), raw.get("detail-type"))]
    if not candidates:
        raise UnparsableEvent(
            identifier, f"unexpected source/detail-type {raw.get('source')!r}/{raw.get('detail-type')!r}"
        )
    first: Recognised | None = None
    problems = []
    for kind in candidates:
        try:
            event = parse(event=raw, model=kind.model)
        except ValidationError as err:
            details = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in err.errors()[:5])
            problems.append(f"{kind.model.__name__} does not validate: {details}")
            continue
        recognised = Recognised(kind, event, kind.classify(event))
        if recognised.incident is not None:
            return recognised
        first = first or recognised
    if first is None:
        raise UnparsableEvent(identifier, " | ".join(problems))
    return first
