"""Pure: the weekly capacity digest, one plain-text email under 100 lines."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from ..domain.deployments import entry_shortfall
from ..domain.network import Subnet, subnet_label, utilization_percent
from ..domain.snapshots import unattached_lines
from ..hub.streaks import NAMED_AFTER_RUNS, FailureStreak
from ..platform.email import Email, fit_subject
from .forecast import Forecast

CLOSEST_SUBNETS = 10
LISTED_CLUSTERS = 10
LISTED_PREFIX_SUBNETS = 5
LISTED_INTERFACES = 10
LISTED_SERVICES = 10
MAX_LINES = 99


@dataclass(frozen=True)
class ClusterRow:
    """One ECS cluster's latest task-ENI figures (None: not published in the last hour)."""

    cluster: str
    utilization: float | None
    running: float | None
    capacity: float | None
    untrunked: float | None


@dataclass(frozen=True)
class DigestInputs:
    """Everything the digest reports; missing says what could not be read."""

    account: str
    region: str
    now: datetime
    subnets: Sequence[Subnet]
    forecasts: Mapping[str, Forecast | None]
    census: dict[str, Any] | None
    clusters: Sequence[ClusterRow]
    events_by_reason: Mapping[str, float]
    missing: list[str] = field(default_factory=list)
    # Per collector: the series a run left out this week (beyond monitor:maxSeriesPerTarget for one target).
    series_left_out: Mapping[str, float] = field(default_factory=dict)
    # Hub mode: each subnet's account and region as the digest names them (subnet ids are unique across
    # accounts), and the targets failing run after run; empty in account mode.
    origins: Mapping[str, str] = field(default_factory=dict)
    failing: Sequence[FailureStreak] = ()
    # The deployment fit document's entries at risk, each with its accountId and region.
    services_at_risk: Sequence[Mapping[str, Any]] = ()
    account_label: Callable[[str], str | None] = lambda account: None


def closest_to_exhaustion(subnets: Sequence[Subnet], limit: int = CLOSEST_SUBNETS) -> list[Subnet]:
    """IPv4 subnets by utilization, fullest first (fewest free on a tie)."""
    ipv4 = [s for s in subnets if s.cidr_block]
    return sorted(ipv4, key=lambda s: (-_utilization(s), s.available_ip_address_count, s.subnet_id))[:limit]


def render_digest(inputs: DigestInputs) -> Email:
    """The digest email: closest subnets, clusters, /28 blocks, leaked interfaces, the week's events."""
    census = inputs.census or {}
    census_subnets = {s["subnetId"]: s for s in census.get("subnets", [])}
    scope = (
        f"{len(set(inputs.origins.values()))} account-regions"
        if inputs.origins
        else f"{inputs.account} {inputs.region}"
    )
    subject = f"Subnet IP Monitor weekly digest: {scope}, {inputs.now:%Y-%m-%d}"
    sections = [
        subject,
        *([_failing(inputs)] if inputs.failing else []),
        _closest(inputs, census_subnets),
        _clusters(inputs.clusters),
        _deployments(inputs),
        _prefix_blocks(census_subnets),
        _leaked(census, kept_in="census/members/*/*/latest.json" if inputs.origins else "census/latest.json"),
        _events(inputs.events_by_reason),
        *([_left_out(inputs.series_left_out)] if any(inputs.series_left_out.values()) else []),
    ]
    if inputs.missing:
        sections.append("NOT IN THIS DIGEST\n" + "\n".join(f"- {m}" for m in inputs.missing))
    lines = "\n\n".join(sections).splitlines()
    if len(lines) > MAX_LINES:
        lines = [*lines[: MAX_LINES - 1], "(cut to fit; the dashboard has the rest)"]
    return Email(fit_subject(subject), "\n".join(lines) + "\n", subject, tuple(sections[1:]))


def _closest(inputs: DigestInputs, census_subnets: Mapping[str, dict[str, Any]]) -> str:
    closest = closest_to_exhaustion(inputs.subnets)
    lines = [f"SUBNETS CLOSEST TO EXHAUSTION ({len(closest)} of {len(inputs.subnets)} in scope)"]
    for s in closest:
        forecast = inputs.forecasts.get(s.subnet_id)
        when = _when(forecast)
        top = (census_subnets.get(s.subnet_id) or {}).get("consumers") or []
        holder = f"; top: {_consumer(top[0])}" if top else ""
        origin = inputs.origins.get(s.subnet_id)
        where = f"[{origin}] " if origin else ""
        lines.append(
            f"- {where}{subnet_label(s.subnet_id, s.name)} in {s.availability_zone}: "
            f"{s.available_ip_address_count} free, {_utilization(s):.0f}% used, {when}{holder}"
        )
    return "\n".join(lines if closest else [*lines, "- no IPv4 subnets in scope"])


def _failing(inputs: DigestInputs) -> str:
    lines = [f"TARGETS FAILING RUN AFTER RUN ({NAMED_AFTER_RUNS} or more in a row this week; their metrics are stale)"]
    for streak in inputs.failing:
        who = inputs.account_label(streak.account_id) or streak.account_id
        state = "still failing" if streak.still_failing(inputs.now) else "no failure since"
        lines.append(
            f"- {who} {streak.region}, {streak.collector}: {streak.runs} runs from "
            f"{streak.first_failed_at:%a %H:%M} to {streak.last_failed_at:%a %H:%M} UTC ({state}); "
            f"last error {streak.last_error}"
        )
    lines.append("  A missing or untrusting reader role shows as AssumeRole AccessDenied (docs/troubleshooting.md).")
    return "\n".join(lines)


def _when(forecast: Forecast | None) -> str:
    if forecast is None:
        return "no forecast"
    if forecast.days_to_floor is None:
        return "not shrinking"
    return "at the floor now" if forecast.days_to_floor == 0 else f"at the floor in {forecast.days_to_floor:.1f} d"


def _clusters(clusters: Sequence[ClusterRow]) -> str:
    ranked = sorted(clusters, key=lambda c: -(c.utilization or 0))[:LISTED_CLUSTERS]
    lines = ["ECS CLUSTERS BY TASK-ENI UTILIZATION"]
    for c in ranked:
        figures = f"{c.utilization:.0f}%" if c.utilization is not None else "no data this hour"
        if c.running is not None and c.capacity is not None:
            figures += f" ({c.running:.0f}/{c.capacity:.0f} slots)"
        untrunked = f", {c.untrunked:.0f} untrunked instances" if c.untrunked else ""
        lines.append(f"- {c.cluster}: {figures}{untrunked}")
    return "\n".join(lines if ranked else [*lines, "- no ECS clusters with EC2 container instances"])


def _deployments(inputs: DigestInputs) -> str:
    lines = [f"ECS SERVICES WHOSE NEXT DEPLOYMENT WOULD NOT FIT: {len(inputs.services_at_risk)}"]
    for s in inputs.services_at_risk[:LISTED_SERVICES]:
        words = entry_shortfall(s)
        where = f"[{inputs.account_label(s['accountId']) or s['accountId']} {s['region']}] " if inputs.origins else ""
        lines.append(f"- {where}{s['cluster']}/{s['service']} {words}")
    if len(inputs.services_at_risk) > LISTED_SERVICES:
        lines.append(f"- and {len(inputs.services_at_risk) - LISTED_SERVICES} more (the deployment fit documents)")
    return "\n".join(lines)


def _prefix_blocks(census_subnets: Mapping[str, dict[str, Any]]) -> str:
    counted = [s for s in census_subnets.values() if s.get("freePrefixBlocks") is not None]
    fewest = sorted(counted, key=lambda s: (s["freePrefixBlocks"], s["subnetId"]))[:LISTED_PREFIX_SUBNETS]
    lines = ["FEWEST FREE /28 BLOCKS (subnets with EKS nodes or IPv4 prefixes)"]
    lines += [f"- {subnet_label(s['subnetId'], s.get('name'))}: {s['freePrefixBlocks']}" for s in fewest]
    return "\n".join(lines if fewest else [*lines, "- none counted"])


def _leaked(census: Mapping[str, Any], *, kept_in: str) -> str:
    return "\n".join(unattached_lines(census.get("unattached", []), listed=LISTED_INTERFACES, rest_in=kept_in))


def _events(by_reason: Mapping[str, float]) -> str:
    total = sum(by_reason.values())
    lines = [f"EXHAUSTION EVENTS THIS WEEK: {total:.0f}"]
    lines += [f"- {reason}: {count:.0f}" for reason, count in sorted(by_reason.items(), key=lambda i: -i[1]) if count]
    return "\n".join(lines)


def _left_out(by_collector: Mapping[str, float]) -> str:
    lines = ["SERIES LEFT OUT THIS WEEK (more than monitor:maxSeriesPerTarget in one run for one target)"]
    lines += [f"- {collector}: {count:,.0f} series" for collector, count in by_collector.items() if count]
    lines.append("The collector's log names the target: its run report's findings say how many and why.")
    return "\n".join(lines)


def _consumer(entry: Mapping[str, Any]) -> str:
    owner = f" {entry['owner']}" if entry.get("owner") else ""
    return f"{entry['category']}{owner} {entry['addresses']}"


def _utilization(subnet: Subnet) -> float:
    return utilization_percent(subnet) or 0.0
