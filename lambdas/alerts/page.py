"""The page of an alarm contributor transition (lambdas/platform/paging.py), beside its email."""

from __future__ import annotations

from ..platform import contract
from ..platform.paging import Page, PageState, Severity, dedup_key
from ..platform.text import quoted
from .model import ContributorTransition, Thresholds

# How urgently each alarm wants a person: a subnet or its /28 blocks at the floor stop launches now; a trend,
# a utilization level or a deployment that would not fit can wait for the day; the others are housekeeping.
SEVERITY_BY_ALARM = {
    contract.ALARM_SUBNET_FREE_ADDRESSES: Severity.CRITICAL,
    contract.ALARM_SUBNET_FREE_PREFIX_BLOCKS: Severity.CRITICAL,
    contract.ALARM_SUBNET_UTILIZATION: Severity.WARNING,
    contract.ALARM_SUBNET_DAYS_TO_EXHAUSTION: Severity.WARNING,
    contract.ALARM_CLUSTER_ENI_UTILIZATION: Severity.WARNING,
    contract.ALARM_CLUSTER_SERVICES_AT_DEPLOYMENT_RISK: Severity.WARNING,
    contract.ALARM_CLUSTER_UNTRUNKED_INSTANCES: Severity.INFO,
    contract.ALARM_VPC_UNATTACHED_ENI_ADDRESSES: Severity.INFO,
}


def transition_page(transition: ContributorTransition, thresholds: Thresholds, title: str, runbook_url: str) -> Page:
    """The transition's page, titled as its email is. ALARM, OK and stopped-reporting of one contributor of one
    alarm share a dedupKey, so the paging tool opens one incident and OK resolves it."""
    t = transition
    if t.stopped_reporting:
        state = PageState.STOPPED_REPORTING
    else:
        state = PageState.ALARM if t.state == "ALARM" else PageState.OK
    return Page(
        severity=SEVERITY_BY_ALARM[t.kind.stem],
        state=state,
        title=title,
        account=t.contributor_account,
        region=t.contributor_region,
        resource=t.contributor,
        summary=f"{t.kind.title} ({t.kind.condition(thresholds)}): {t.state}. CloudWatch said: {quoted(t.reason)}",
        dedup_key=contributor_key(t),
        runbook_url=runbook_url or None,
    )


def contributor_key(transition: ContributorTransition) -> str:
    """One key per alarm and contributor, shared by its ALARM, OK and stopped-reporting: the page's dedupKey
    and the chat message's thread."""
    t = transition
    return dedup_key(
        "alarm", t.account, t.region, t.alarm_name, t.contributor_account, t.contributor_region, t.contributor
    )


def storm_page(transition: ContributorTransition, title: str, state: PageState, dedup: str, runbook_url: str) -> Page:
    """The page of a storm's grouped message: one incident per storm (dedup), resolved when every member has
    recovered, STOPPED_REPORTING when some left ALARM only because they stopped reporting."""
    t = transition
    return Page(
        severity=SEVERITY_BY_ALARM[t.kind.stem],
        state=state,
        title=title,
        account=t.account,
        region=t.region,
        resource=t.alarm_name,
        summary=title,
        dedup_key=dedup,
        runbook_url=runbook_url or None,
    )
