"""Pure: one message per storm. When more than monitor:groupAbove contributors of one alarm are in ALARM at once
(a secondary CIDR removed, a burst of deployments), their transitions make one grouped email, page and chat
message instead of one each; when they leave ALARM, one grouped recovery says which recovered and which stopped
reporting (not a recovery: model.NO_DATA_REASON).

A storm lives in one item of the incident table for one dedupe window from its first member (pipeline.py):
NAMED, the members a grouped message has named; RECOVERED and STOPPED, the members whose OK arrived; REPORTED,
those a grouped recovery has named. Each transition adds to them atomically, so concurrent ones name a member once.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from ..domain.network import subnet_label
from ..platform import contract
from ..platform.email import Email
from ..platform.text import plain
from .email import alarm_url
from .model import AlarmContributor, AlarmKind, ContributorTransition, Scope, Thresholds
from .notification import DATAPOINT

NAMED = "named"
RECOVERED = "recovered"
STOPPED = "stopped"
REPORTED = "reported"
# Alarms whose figure is worse the lower it is (free addresses, free blocks, days left); the others higher.
LOWER_IS_WORSE = frozenset({"subnet-free-addresses", "subnet-free-prefix-blocks", "subnet-days-to-exhaustion"})
NOUNS = {
    Scope.SUBNET: ("subnet", "subnets"),
    Scope.CLUSTER: ("ECS cluster", "ECS clusters"),
    Scope.VPC: ("VPC", "VPCs"),
}
# What each alarm's figure counts, after the number in a member's line.
FIGURES = {
    "subnet-ip-utilization": "% used",
    "subnet-free-addresses": "free",
    "subnet-free-prefix-blocks": "/28 blocks free",
    "subnet-days-to-exhaustion": "days left",
    "ecs-eni-utilization": "% of task ENIs used",
    "ecs-untrunked-instances": "untrunked",
    "ecs-services-at-deployment-risk": "at risk",
    "unattached-eni-addresses": "unattached",
}


@dataclass(frozen=True)
class StormMember:
    """One contributor of a storm: what it is, where, and the figure that crossed the threshold; region is only
    a cluster's (subnet and VPC ids are unique, and their alarms' series carry no region)."""

    contributor: str
    account: str
    region: str
    datapoint: float | None

    @property
    def key(self) -> str:
        """Its name in the storm's sets: 'account|region|contributor'."""
        return f"{self.account}|{self.region}|{self.contributor}"


def storm_key(transition: ContributorTransition, route: str | None) -> str:
    """The incident-table item of the storm of the transition's alarm in one route (monitor:routes)."""
    return f"storm|{transition.account}|{transition.region}|{transition.alarm_name}|{route or ''}"


def member_of(transition: ContributorTransition) -> StormMember:
    """The transition's contributor as a storm member."""
    t = transition
    region = t.contributor_region if t.kind.scope is Scope.CLUSTER else ""
    return StormMember(t.contributor, t.contributor_account, region, t.datapoint)


def storm_members(
    contributors: Sequence[AlarmContributor], transition: ContributorTransition, *, with_own: bool = True
) -> list[StormMember]:
    """The alarm's contributors now in ALARM as members (those naming no contributor of its scope left out),
    with the transition's own when with_own (DescribeAlarmContributors may lag its event), worst first."""
    scope = transition.kind.scope.value
    members = {
        m.key: m
        for m in (
            StormMember(
                c.attributes[scope],
                c.attributes.get(contract.ACCOUNT_ID, transition.account),
                c.attributes.get(contract.REGION, transition.region) if transition.kind.scope is Scope.CLUSTER else "",
                _datapoint(c.reason),
            )
            for c in contributors
            if c.attributes.get(scope)
        )
    }
    if with_own:
        own = member_of(transition)
        members.setdefault(own.key, own)
    return worst_first(list(members.values()), transition.kind)


def worst_first(members: Sequence[StormMember], kind: AlarmKind) -> list[StormMember]:
    """Members by their figure, worst first (those without one last), then by name."""
    sign = 1 if kind.stem in LOWER_IS_WORSE else -1

    def order(m: StormMember) -> tuple[bool, float, str]:
        return (m.datapoint is None, sign * (m.datapoint or 0.0), m.contributor)

    return sorted(members, key=order)


def render_storm_email(
    transition: ContributorTransition,
    new: Sequence[StormMember],
    total: int,
    *,
    thresholds: Thresholds,
    group_above: int,
    names: Mapping[str, str],
    vpcs: Mapping[str, str],
    window_minutes: int,
    now: datetime,
) -> Email:
    """The grouped message for members that entered ALARM ('12 subnets crossed …'), listing them worst first;
    total counts every member of the storm so far (a follow-up names only the new ones). names and vpcs: each
    subnet's Name tag and VPC, from the census snapshot (empty without one)."""
    t = transition
    more = total > len(new)
    head = f"{len(new)} more {_noun(t, len(new))}" if more else f"{len(new)} {_noun(t, len(new))}"
    title = f"{head} in ALARM: {t.kind.title}"
    until = now + timedelta(minutes=window_minutes)
    sections = [
        "STORM\n"
        f"{len(new)} {_noun(t, len(new))} of alarm {t.alarm_name} crossed {t.kind.condition(thresholds)} "
        f"({total} in this storm since it opened): more than monitor:groupAbove ({group_above}) at once, so one "
        "message for all of them instead of one each. Listed worst first.",
        "WHERE\n" + _where(new, t, vpcs),
        f"STORM MEMBERS ({len(new)})\n"
        + "\n".join(f"- {_member_line(m, t.kind, names, _with_origin([n.key for n in new]))}" for m in new),
        "WHAT TO DO\n"
        "1. Look for one cause first: so many at once is rarely many problems. A removed secondary CIDR, a burst "
        "of deployments, an Auto Scaling event or leaked interfaces in one VPC explain them together.\n"
        "2. Start with the worst, at the top: its own facts are in `subnet-ip-monitor report` and on the "
        "dashboard.\n"
        "3. The alarm's runbook (linked here) applies to every member.",
        "OPEN IN THE CONSOLE\n" + f"Alarm: {alarm_url(t)}",
    ]
    closing = (
        f"Notification {t.event_id}. Members entering ALARM before {until:%H:%M} UTC join this storm (a follow-up "
        "names them); when they leave ALARM, one message says which recovered and which stopped reporting."
    )
    return Email.compose(title, sections, closing)


def render_storm_recovery(
    transition: ContributorTransition,
    recovered: Sequence[str],
    stopped: Sequence[str],
    still_in_alarm: Sequence[str],
    *,
    names: Mapping[str, str],
) -> Email:
    """The grouped message for storm members that left ALARM: which recovered, which stopped reporting (not a
    recovery), and which are still in ALARM."""
    t = transition
    left = len(recovered) + len(stopped)
    origin = _with_origin([*recovered, *stopped, *still_in_alarm])
    parts = [f"{len(recovered)} recovered"] + ([f"{len(stopped)} stopped reporting"] if stopped else [])
    title = f"{left} {_noun(t, left)} left ALARM ({', '.join(parts)}): {t.kind.title}"
    sections = [
        "RECOVERED\n"
        + (
            f"{len(recovered)} {_noun(t, len(recovered))} of alarm {t.alarm_name} back within the threshold:\n"
            + "\n".join(f"- {_named(k, t.kind.scope, names, origin)}" for k in sorted(recovered))
            if recovered
            else "None."
        )
    ]
    if stopped:
        sections.append(
            "STOPPED REPORTING\n"
            f"{len(stopped)} {_noun(t, len(stopped))} left ALARM only because the alarm's query no longer returns "
            "them (deleted, or their collector stopped publishing). That is not a recovery: check them.\n"
            + "\n".join(f"- {_named(k, t.kind.scope, names, origin)}" for k in sorted(stopped))
        )
    if still_in_alarm:
        sections.append(
            f"STILL IN ALARM ({len(still_in_alarm)})\n"
            + "\n".join(f"- {_named(k, t.kind.scope, names, origin)}" for k in sorted(still_in_alarm))
        )
    sections.append("OPEN IN THE CONSOLE\n" + f"Alarm: {alarm_url(t)}")
    closing = f"Notification {t.event_id}. One message per storm: each member's own OK is not emailed."
    return Email.compose(title, sections, closing)


def _noun(t: ContributorTransition, count: int) -> str:
    one, many = NOUNS[t.kind.scope]
    return one if count == 1 else many


def _where(members: Sequence[StormMember], t: ContributorTransition, vpcs: Mapping[str, str]) -> str:
    accounts = sorted({m.account for m in members})
    lines = [
        f"Account: {accounts[0]}" if len(accounts) == 1 else f"{len(accounts)} accounts: {', '.join(accounts[:10])}"
    ]
    lines.append(f"Region of the alarm: {t.region}")
    in_vpcs = Counter(vpcs[m.contributor] for m in members if m.contributor in vpcs)
    if in_vpcs:
        lines.append("VPCs: " + ", ".join(f"{vpc} ({n})" for vpc, n in in_vpcs.most_common(10)))
    return "\n".join(lines)


def _member_line(m: StormMember, kind: AlarmKind, names: Mapping[str, str], with_origin: bool) -> str:
    figure = f": {m.datapoint:g} {FIGURES[kind.stem]}" if m.datapoint is not None else ""
    return f"{_named(m.key, kind.scope, names, with_origin)}{figure}"


def _with_origin(keys: Sequence[str]) -> bool:
    """Whether members need their account and region named: they are in more than one."""
    return len({k.rsplit("|", 1)[0] for k in keys}) > 1


def _named(key: str, scope: Scope, names: Mapping[str, str], with_origin: bool) -> str:
    """'tasks-1a (subnet-0abc)', and ' in 111122223333 eu-west-1' when with_origin."""
    account, region, contributor = key.split("|", 2)
    shown = plain(subnet_label(contributor, names.get(contributor)) if scope is Scope.SUBNET else contributor)
    return f"{shown} in {' '.join(p for p in (account, region) if p)}" if with_origin else shown


def _datapoint(reason: str) -> float | None:
    match = DATAPOINT.search(reason)
    return float(match["value"]) if match else None
