"""What every email of the monitor shares: its two parts, a subject SNS accepts, and console links."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import quote

from .aws_limits import SNS_SUBJECT_LENGTH

# The sections of an alert email that other parts place themselves by (the runbook, chat's steps and links).
STEPS_HEADING = "WHAT TO DO"
LINKS_HEADING = "OPEN IN THE CONSOLE"
# SNS email subjects: ASCII, no line breaks, fewer than 100 characters.
MAX_SUBJECT_LENGTH = SNS_SUBJECT_LENGTH.value


@dataclass(frozen=True)
class Email:
    """What goes to SNS (Subject and Message), and what a chat message is made of: the whole title (the
    subject may be cut) and the body's sections ('HEADING\ntext'), without the title and closing lines."""

    subject: str
    body: str
    title: str = ""
    sections: tuple[str, ...] = ()
    closing: str = ""

    @classmethod
    def compose(cls, title: str, sections: Sequence[str], closing: str) -> Email:
        """The email titled title (its subject cut to fit SNS), its sections, and a closing line."""
        body = "\n\n".join([title, *sections, closing]) + "\n"
        return cls(fit_subject(title), body, title, tuple(sections), closing)

    def with_section(self, section: str, *, after: str) -> Email:
        """This email with section after the one headed after (last if none is); for composed emails only."""
        headings = [s.partition("\n")[0] for s in self.sections]
        at = headings.index(after) + 1 if after in headings else len(self.sections)
        return Email.compose(self.title, [*self.sections[:at], section, *self.sections[at:]], self.closing)


def fit_subject(text: str) -> str:
    """Printable ASCII only, cut with '...' to fit SNS's subject limit."""
    printable = "".join(c if 32 <= ord(c) < 127 else "?" for c in text)
    if len(printable) <= MAX_SUBJECT_LENGTH:
        return printable
    return printable[: MAX_SUBJECT_LENGTH - 3].rstrip() + "..."


def readable_time(iso: str | None) -> str:
    """'2026-11-29 11:42 UTC' from an ISO time (the census snapshot's generatedAt); as given if not one."""
    try:
        return f"{datetime.fromisoformat(iso or ''):%Y-%m-%d %H:%M} UTC"
    except ValueError:
        return iso or "unknown time"


def console(region: str) -> str:
    """The AWS console's address for region (commercial partition)."""
    return f"https://{region}.console.aws.amazon.com"


def subnet_url(region: str, subnet_id: str) -> str:
    """The subnet's page in the VPC console."""
    return f"{console(region)}/vpcconsole/home?region={region}#SubnetDetails:subnetId={subnet_id}"


def vpc_url(region: str, vpc_id: str) -> str:
    """The VPC's page in the VPC console."""
    return f"{console(region)}/vpcconsole/home?region={region}#VpcDetails:VpcId={vpc_id}"


def ecs_cluster_url(region: str, cluster: str) -> str:
    """The ECS cluster's services page."""
    return f"{console(region)}/ecs/v2/clusters/{quote(cluster)}/services?region={region}"


def interface_url(region: str, interface_id: str) -> str:
    """One network interface in the EC2 console."""
    return f"{console(region)}/ec2/home?region={region}#NetworkInterface:networkInterfaceId={interface_id}"


def interfaces_url(region: str, subnet_id: str) -> str:
    """The network interfaces of one subnet in the EC2 console."""
    return f"{console(region)}/ec2/home?region={region}#NIC:subnetId={subnet_id}"
