"""Pure rendering of the incident email: a subject that says what broke and where, a plain-text body for a phone."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import quote

from ..domain.network import SUBJECT_NAME_CHARS, Subnet, subnet_label, usable_addresses
from ..platform import contract
from ..platform.email import Email, console, ecs_cluster_url, interface_url, subnet_url
from ..platform.text import quoted
from .model import EventKind, Incident, Story


@dataclass(frozen=True)
class SubnetNow:
    """The incident's subnet as DescribeSubnets returned it at send time, or why it could not be read."""

    subnet: Subnet | None
    lookup_problem: str | None = None
    # From the census snapshot, where it counted them (subnets with IPv4 prefixes or EKS nodes).
    free_prefix_blocks: int | None = None
    census_at: str | None = None


def render_email(
    kind: EventKind[Any],
    incident: Incident,
    subnet: SubnetNow,
    window_minutes: int,
    now: datetime,
    *,
    account: str | None = None,
) -> Email:
    """The email for the first event of an incident window: the kind's subject, story and remedies.

    account, when given (hub mode, or a named account), says whose incident it is: "[payments-prod] ..." first
    in the subject, and in WHERE.
    """
    where = (
        named_subnet(incident.subnet_id, subnet, name_limit=SUBJECT_NAME_CHARS) if incident.subnet_id else "its subnet"
    )
    story = kind.story_of(incident)
    subject = story.subject(incident, where)
    if account:
        subject = f"[{_short_account(account)}] {subject}"
    sections = _sections(story, incident, subnet=subnet, now=now, account=account)
    return Email.compose(subject, sections, _dedupe_note(incident, window_minutes, now))


def _short_account(label: str) -> str:
    """'payments-prod' from '111122223333 (payments-prod)'; the id when the account has no name."""
    return label.split(" (", 1)[1].rstrip(")") if " (" in label else label


def named_subnet(subnet_id: str, subnet: SubnetNow, *, name_limit: int | None = None) -> str:
    """'tasks-1a (subnet-0abc)', or the id alone when the subnet has no Name tag or could not be read."""
    return subnet_label(subnet_id, subnet.subnet.name if subnet.subnet else None, name_limit=name_limit)


def _sections(story: Story, incident: Incident, *, subnet: SubnetNow, now: datetime, account: str | None) -> list[str]:
    """The body between the subject (repeated in full, in case the subject line had to be cut) and the note."""
    # AWS's words (which can carry text someone else wrote) quoted; the handler's own note below them.
    said = quoted(incident.aws_message) + (f"\n\n{incident.note}" if incident.note else "")
    links = console_links(incident)
    return [
        "WHAT HAPPENED\n" + story.what_happened,
        "WHERE\n" + "\n".join(f"{label}: {value}" for label, value in _where(incident, subnet, now, account) if value),
        "AWS SAID\n" + said,
        "WHAT TO DO\n" + "\n".join(f"{n}. {step}" for n, step in enumerate(_remedies(story, incident), start=1)),
        *(["OPEN IN THE CONSOLE\n" + "\n".join(f"{label}: {url}" for label, url in links)] if links else []),
    ]


def _remedies(story: Story, incident: Incident) -> list[str]:
    # The commands written with the incident's own names: on-call copies them, never edits a placeholder it knew.
    values = incident.remedy_values()
    return [step.format_map(values) for step in story.remedies]


def _where(incident: Incident, subnet: SubnetNow, now: datetime, account: str | None) -> list[tuple[str, str | None]]:
    return [
        ("Account", account or incident.origin.account),
        ("Region", incident.origin.region),
        ("Cluster", incident.cluster),
        ("Service", incident.service),
        ("Task group", incident.task_group if not incident.service else None),
        ("Task definition", incident.task_definition),
        ("Launch type", incident.launch_type),
        ("Auto Scaling group", incident.auto_scaling_group),
        ("EKS cluster", incident.eks_cluster),
        ("EKS node group", incident.node_group),
        ("EC2 instance", incident.ec2_instance_id),
        ("Container instance", incident.container_instance),
        ("Availability Zone", incident.availability_zone),
        ("EC2 error code", incident.ec2_error_code),
        ("API call", incident.api_call),
        ("Caller", incident.caller),
        ("Network interface", incident.network_interface_id),
        *(_subnet_lines(incident.subnet_id, subnet, now) if incident.subnet_id else []),
        ("When", f"{incident.origin.time:%Y-%m-%d %H:%M:%S} UTC"),
    ]


def _subnet_lines(subnet_id: str, subnet: SubnetNow, now: datetime) -> list[tuple[str, str | None]]:
    found = subnet.subnet
    if found is None:
        return [("Subnet", subnet_id), ("Free addresses now", f"unknown ({subnet.lookup_problem})")]
    cidr = f"{found.cidr_block} ({usable_addresses(found.cidr_block)} usable)" if found.cidr_block else None
    return [
        ("Subnet", named_subnet(subnet_id, subnet)),
        ("VPC", found.vpc_id),
        ("CIDR", cidr),
        ("Free addresses now", f"{found.available_ip_address_count} (read at {now:%H:%M} UTC)"),
        (
            "Free /28 blocks",
            f"{subnet.free_prefix_blocks} (ENI census of {subnet.census_at})"
            if subnet.free_prefix_blocks is not None
            else None,
        ),
    ]


def console_links(incident: Incident) -> list[tuple[str, str]]:
    """AWS console pages for what the incident names (commercial partition URLs)."""
    region = incident.origin.region
    home = console(region)
    links = []
    if incident.eks_cluster:
        eks = f"{home}/eks/home?region={region}#/clusters/{quote(incident.eks_cluster)}"
        links.append(("EKS cluster", eks))
        if incident.node_group:
            links.append(("Node group", f"{eks}/nodegroups/{quote(incident.node_group)}"))
    if incident.cluster and incident.service:
        links.append(
            (
                "Service",
                f"{home}/ecs/v2/clusters/{quote(incident.cluster)}/services/{quote(incident.service)}"
                f"/health?region={region}",
            )
        )
    elif incident.cluster:
        links.append(("Cluster", ecs_cluster_url(region, incident.cluster)))
    if incident.auto_scaling_group:
        links.append(
            (
                "Auto Scaling group",
                f"{home}/ec2/home?region={region}#AutoScalingGroupDetails:id={quote(incident.auto_scaling_group)}"
                ";view=activity",
            )
        )
    if incident.ec2_instance_id:
        links.append(
            (
                "EC2 instance",
                f"{home}/ec2/home?region={region}#InstanceDetails:instanceId={incident.ec2_instance_id}",
            )
        )
    if incident.subnet_id:
        links.append(("Subnet", subnet_url(region, incident.subnet_id)))
    if incident.network_interface_id:
        links.append(("Network interface (its subnet)", interface_url(region, incident.network_interface_id)))
    return links


def _dedupe_note(incident: Incident, window_minutes: int, now: datetime) -> str:
    until = now + timedelta(minutes=window_minutes)
    return (
        f"Event {incident.origin.event_id}. Further events of this incident are counted in "
        f"{contract.IP_EXHAUSTION_EVENTS.name} ({contract.REASON}={incident.reason}) but not emailed again "
        f"before {until:%H:%M} UTC."
    )


def render_cap_summary(
    kind: EventKind[Any], incident: Incident, cap: int, window: tuple[datetime, datetime], *, account: str | None
) -> Email:
    """The one email that says an account has had more than cap new incidents of one reason in this window: the
    rest of the window's are counted, not emailed (a storm of distinct incidents is not a storm of emails)."""
    start, end = window
    who = account or incident.origin.account
    subject = (
        f"[{_short_account(who)}] More than {cap} {kind.service} incidents ({incident.reason}) since {start:%H:%M} UTC"
    )
    metrics = f"{console(incident.origin.region)}/cloudwatch/home?region={incident.origin.region}#metricsV2"
    sections = [
        "WHAT HAPPENED\n"
        f"Account {who} (in any region) has had more than {cap} new incidents of "
        f"{incident.reason} since {start:%H:%M} UTC. The first {cap} were emailed one by one. The others until "
        f"{end:%H:%M} UTC are counted in {contract.IP_EXHAUSTION_EVENTS.name} ({contract.REASON}={incident.reason}), "
        "not emailed: one email per incident would bury the others.",
        "WHAT TO DO\n"
        "1. Read the first emails: they name the clusters, services and subnets; a VPC-wide cause (a full CIDR, a "
        "removed secondary CIDR, a mass deployment) explains many at once.\n"
        "2. Count them on the dashboard's exhaustion-events graph (by reason).\n"
        "3. If the account should not produce these at all, check who deploys there right now.",
        "OPEN IN THE CONSOLE\n" + f"CloudWatch metrics ({contract.IP_EXHAUSTION_EVENTS.name}): {metrics}",
    ]
    note = f"monitor:maxIncidentsPerWindow is {cap}. The next window starts at {end:%H:%M} UTC."
    return Email.compose(subject, sections, note)
