"""What every email of the monitor shares: its two parts, a subject SNS accepts, and console links."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from urllib.parse import quote

from .aws_limits import SNS_SUBJECT_LENGTH

# SNS email subjects: ASCII, no line breaks, fewer than 100 characters.
MAX_SUBJECT_LENGTH = SNS_SUBJECT_LENGTH.value


@dataclass(frozen=True)
class Email:
    """What goes to SNS: Subject and Message."""

    subject: str
    body: str


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
