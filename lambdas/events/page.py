"""The page of an incident (lambdas/platform/paging.py): the email's facts for a paging tool, in one JSON."""

from __future__ import annotations

from typing import Any

from ..platform.paging import Page, PageState, Severity, dedup_key
from ..platform.text import quoted
from .model import EventKind, Incident

# A deployment that will not fit has not failed yet: someone should look today, not be woken.
WARNING_REASONS = frozenset({"DeploymentWillNotFit"})


def incident_page(kind: EventKind[Any], incident: Incident, title: str, runbook_url: str) -> Page:
    """The incident's page, titled as its email is; its dedupKey is the incident's, so a tool opens it once."""
    said = f" AWS said: {quoted(incident.aws_message)}" if incident.aws_message else ""
    fit = f" {incident.fit_summary}." if incident.fit_summary else ""
    return Page(
        severity=Severity.WARNING if incident.reason in WARNING_REASONS else Severity.CRITICAL,
        state=PageState.ALARM,
        title=title,
        account=incident.origin.account,
        region=incident.origin.region,
        resource=_resource(kind, incident),
        summary=f"{incident.reason}: {kind.title}.{fit}{said}",
        dedup_key=dedup_key("incident", incident.dedupe_key),
        runbook_url=runbook_url or None,
    )


def _resource(kind: EventKind[Any], incident: Incident) -> str:
    """The most specific thing the incident names: its subnet, interface, group, node group or cluster."""
    named = (
        incident.subnet_id,
        incident.network_interface_id,
        incident.auto_scaling_group,
        incident.node_group,
        incident.service,
        incident.cluster,
        incident.eks_cluster,
    )
    return next((name for name in named if name), kind.rule_id)
