"""Pure rendering of the incident email: a subject that says what broke and where, a plain-text body for a phone."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from urllib.parse import quote

from lambdas import contract
from lambdas.incidents import Incident, Reason
from lambdas.subnets import Subnet, usable_addresses

# SNS email subjects: ASCII, no line breaks, fewer than 100 characters.
MAX_SUBJECT_LENGTH = 99


@dataclass(frozen=True)
class SubnetNow:
    """The incident's subnet as DescribeSubnets returned it at send time, or why it could not be read."""

    subnet: Subnet | None
    lookup_problem: str | None = None


@dataclass(frozen=True)
class Email:
    """What goes to SNS: Subject and Message."""

    subject: str
    body: str


REMEDIES: dict[Reason, tuple[str, ...]] = {
    Reason.SUBNET_ADDRESSES_EXHAUSTED: (
        "Free addresses now: delete network interfaces left in the 'available' state in this subnet "
        "(EC2 > Network Interfaces, filter by subnet) and stop tasks you do not need.",
        "Give the service more room: add a subnet with free addresses to its network configuration "
        "(awsvpcConfiguration subnets) and update the service.",
        "For good: add a larger subnet, or a secondary CIDR block to the VPC and new subnets from it.",
        "Watch the subnet on the monitor's dashboard (AvailableIpAddressCount).",
    ),
    Reason.TASK_PLACEMENT_ENI_EXHAUSTED: (
        "Every container instance of the cluster has used its task network interface slots (without a trunk an "
        "instance holds MaximumNetworkInterfaces - 1 awsvpc tasks, 2 on a c5.large), even if CPU and memory are free.",
        "Add container instances: raise the Auto Scaling group's or capacity provider's maximum.",
        "Enable ENI trunking for the role that registers the instances (aws ecs put-account-setting-default "
        "--name awsvpcTrunking --value enabled), then replace the instances with an instance refresh: only "
        "instances launched after the opt-in get a trunk (10 tasks on a c5.large).",
        "Check the cluster's EniUtilization and UntrunkedInstances on the monitor's dashboard.",
    ),
    Reason.CONTAINER_INSTANCE_REGISTRATION_FAILED: (
        "Read 'AWS said' above: it is the instance's statusReason.",
        "If it names free addresses or the trunk network interface, the instance's subnet has no address for "
        "the trunk: free addresses there or move the Auto Scaling group to subnets with room.",
        "If the instance type does not support trunking, use a type that does (README, trunk table).",
        "Terminate the failed instance so its Auto Scaling group replaces it: it cannot run tasks.",
    ),
    Reason.AUTOSCALING_LAUNCH_NO_ADDRESSES: (
        "The group cannot launch instances in this subnet until addresses are free; it keeps retrying.",
        "Free addresses: delete network interfaces left in the 'available' state in this subnet.",
        "Add subnets with free addresses (another Availability Zone, or larger) to the group's subnets "
        "(VPCZoneIdentifier), or move the group to larger subnets.",
        "Keep awsvpc task subnets apart from instance subnets, so tasks cannot starve instance launches.",
    ),
}

WHAT_HAPPENED: dict[Reason, str] = {
    Reason.SUBNET_ADDRESSES_EXHAUSTED: (
        "An ECS task stopped before it started: ECS could not create its network interface because the subnet "
        "has no free IPv4 address. A service keeps retrying, and every retry fails the same way until addresses "
        "are freed."
    ),
    Reason.TASK_PLACEMENT_ENI_EXHAUSTED: (
        "The ECS service could not place a task: no container instance of the cluster has a free network "
        "interface slot (RESOURCE:ENI). Its tasks wait in PROVISIONING or are not started."
    ),
    Reason.CONTAINER_INSTANCE_REGISTRATION_FAILED: (
        "A container instance failed to register with the cluster (REGISTRATION_FAILED), most often because its "
        "trunk network interface could not be created. It runs no tasks."
    ),
    Reason.AUTOSCALING_LAUNCH_NO_ADDRESSES: (
        "The Auto Scaling group could not launch an instance: the subnet has no free IPv4 address. The cluster "
        "does not grow, so tasks waiting for capacity stay pending."
    ),
}


def render_email(incident: Incident, subnet: SubnetNow, window_minutes: int, now: datetime) -> Email:
    """The email for the first event of an incident window."""
    subject = _subject(incident, subnet)
    return Email(_fit_subject(subject), _body(subject, incident, subnet, window_minutes, now))


def subnet_label(subnet_id: str, subnet: SubnetNow) -> str:
    """'subnet-0abc (tasks-1a)', or the id alone when the subnet has no Name tag or could not be read."""
    name = subnet.subnet.name if subnet.subnet else None
    return f"{subnet_id} ({name})" if name else subnet_id


def _subject(incident: Incident, subnet: SubnetNow) -> str:
    where = subnet_label(incident.subnet_id, subnet) if incident.subnet_id else "its subnet"
    if incident.reason is Reason.SUBNET_ADDRESSES_EXHAUSTED:
        return f"ECS task could not start: subnet {where} is out of IP addresses"
    if incident.reason is Reason.TASK_PLACEMENT_ENI_EXHAUSTED:
        service = incident.service or "(unknown)"
        return f"ECS service {service} cannot place tasks: cluster {incident.cluster} is out of ENIs"
    if incident.reason is Reason.CONTAINER_INSTANCE_REGISTRATION_FAILED:
        instance = incident.ec2_instance_id or incident.container_instance
        return f"ECS instance {instance} failed to register in cluster {incident.cluster}"
    return f"Auto Scaling group {incident.auto_scaling_group} cannot launch: subnet {where} is out of IP addresses"


def _fit_subject(text: str) -> str:
    printable = "".join(c if 32 <= ord(c) < 127 else "?" for c in text)  # ASCII printable only
    if len(printable) <= MAX_SUBJECT_LENGTH:
        return printable
    return printable[: MAX_SUBJECT_LENGTH - 3].rstrip() + "..."


def _body(subject: str, incident: Incident, subnet: SubnetNow, window_minutes: int, now: datetime) -> str:
    sections = [
        subject,  # the full text, in case the subject line had to be cut
        "WHAT HAPPENED\n" + WHAT_HAPPENED[incident.reason],
        "WHERE\n" + "\n".join(f"{label}: {value}" for label, value in _where(incident, subnet, now) if value),
        "AWS SAID\n" + incident.aws_message,
        "WHAT TO DO\n" + "\n".join(f"{n}. {step}" for n, step in enumerate(REMEDIES[incident.reason], start=1)),
        "OPEN IN THE CONSOLE\n" + "\n".join(f"{label}: {url}" for label, url in console_links(incident)),
        _dedupe_note(incident, window_minutes, now),
    ]
    return "\n\n".join(sections) + "\n"


def _where(incident: Incident, subnet: SubnetNow, now: datetime) -> list[tuple[str, str | None]]:
    return [
        ("Account", incident.origin.account),
        ("Region", incident.origin.region),
        ("Cluster", incident.cluster),
        ("Service", incident.service),
        ("Task group", incident.task_group if not incident.service else None),
        ("Task definition", incident.task_definition),
        ("Launch type", incident.launch_type),
        ("Auto Scaling group", incident.auto_scaling_group),
        ("EC2 instance", incident.ec2_instance_id),
        ("Container instance", incident.container_instance),
        ("Availability Zone", incident.availability_zone),
        *(_subnet_lines(incident.subnet_id, subnet, now) if incident.subnet_id else []),
        ("When", f"{incident.origin.time:%Y-%m-%d %H:%M:%S} UTC"),
    ]


def _subnet_lines(subnet_id: str, subnet: SubnetNow, now: datetime) -> list[tuple[str, str | None]]:
    found = subnet.subnet
    if found is None:
        return [("Subnet", subnet_id), ("Free addresses now", f"unknown ({subnet.lookup_problem})")]
    cidr = f"{found.cidr_block} ({usable_addresses(found.cidr_block)} usable)" if found.cidr_block else None
    return [
        ("Subnet", subnet_label(subnet_id, subnet)),
        ("VPC", found.vpc_id),
        ("CIDR", cidr),
        ("Free addresses now", f"{found.available_ip_address_count} (read at {now:%H:%M} UTC)"),
    ]


def console_links(incident: Incident) -> list[tuple[str, str]]:
    """AWS console pages for what the incident names (commercial partition URLs)."""
    region = incident.origin.region
    console = f"https://{region}.console.aws.amazon.com"
    links = []
    if incident.cluster and incident.service:
        links.append(
            (
                "Service",
                f"{console}/ecs/v2/clusters/{quote(incident.cluster)}/services/{quote(incident.service)}"
                f"/health?region={region}",
            )
        )
    elif incident.cluster:
        links.append(("Cluster", f"{console}/ecs/v2/clusters/{quote(incident.cluster)}/services?region={region}"))
    if incident.auto_scaling_group:
        links.append(
            (
                "Auto Scaling group",
                f"{console}/ec2/home?region={region}#AutoScalingGroupDetails:id={quote(incident.auto_scaling_group)}"
                ";view=activity",
            )
        )
    if incident.ec2_instance_id:
        links.append(
            (
                "EC2 instance",
                f"{console}/ec2/home?region={region}#InstanceDetails:instanceId={incident.ec2_instance_id}",
            )
        )
    if incident.subnet_id:
        links.append(
            ("Subnet", f"{console}/vpcconsole/home?region={region}#SubnetDetails:subnetId={incident.subnet_id}")
        )
    return links


def _dedupe_note(incident: Incident, window_minutes: int, now: datetime) -> str:
    until = now + timedelta(minutes=window_minutes)
    return (
        f"Event {incident.origin.event_id}. Further events of this incident are counted in "
        f"{contract.IP_EXHAUSTION_EVENTS} (Reason={incident.reason.value}) but not emailed again "
        f"before {until:%H:%M} UTC."
    )
