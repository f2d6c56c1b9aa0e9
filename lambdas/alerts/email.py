"""Pure: the email for one alarm contributor's transition, plain text for a phone.

ALARM: WHAT, WHERE, NOW, WHO HOLDS THE ADDRESSES, TREND, FORECAST, WHAT TO DO, OPEN IN THE CONSOLE, and
what could not be read. OK: what recovered and the figure now. OK because the query no longer returns the
contributor (model.NO_DATA_REASON): that it stopped reporting, since when, and why it may have; never "recovered".
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import quote

from ..domain.deployments import (
    entry_shortfall,
    even_share,
    lower_maximum_percent_command,
    plan_command,
    rooms_text,
)
from ..domain.network import SUBJECT_NAME_CHARS, subnet_label, usable_addresses, utilization_percent
from ..domain.snapshots import interface_description
from ..platform import contract
from ..platform.email import (
    Email,
    console,
    ecs_cluster_url,
    interfaces_url,
    readable_time,
    subnet_url,
    vpc_url,
)
from .forecast import Forecast, Sample, Trend
from .model import (
    NO_DATA_REASON,
    ClusterFacts,
    ContributorTransition,
    DeploymentFacts,
    Facts,
    SubnetFacts,
    Thresholds,
    VpcFacts,
)

TOP_CONSUMERS = 5
LISTED_INTERFACES = 5


def render_alarm_email(
    transition: ContributorTransition, facts: Facts, thresholds: Thresholds, window_minutes: int, now: datetime
) -> Email:
    """The one email for this transition."""
    if transition.stopped_reporting:
        subject, sections = _stopped_reporting_email(transition, facts, thresholds)
    elif isinstance(facts, SubnetFacts):
        subject, sections = _subnet_email(transition, facts, thresholds)
    elif isinstance(facts, ClusterFacts):
        subject, sections = _cluster_email(transition, facts, thresholds)
    elif isinstance(facts, DeploymentFacts):
        subject, sections = _deployment_email(transition, facts, thresholds)
    else:
        subject, sections = _vpc_email(transition, facts, thresholds)
    closing = _closing(transition, _contributor_view(transition, facts)[0], window_minutes, now)
    missing = facts.missing
    if missing:
        sections.append("NOT IN THIS EMAIL\n" + "\n".join(f"- {m}" for m in missing))
    return Email.compose(subject, sections, closing)


# Subnets ------------------------------------------------------------------------------------------------


def _subnet_email(t: ContributorTransition, f: SubnetFacts, thresholds: Thresholds) -> tuple[str, list[str]]:
    label = _subnet_label(f, name_limit=SUBJECT_NAME_CHARS)
    free, percent = _free_and_percent(f)
    figure = _subnet_figure(t, f, free, percent)
    if t.state == "OK":
        return f"Recovered: {label} {figure}", [
            f"RECOVERED\n{t.kind.title} is back within its threshold ({t.kind.condition(thresholds)}) for "
            f"{t.contributor}.",
            "NOW\n" + _lines(_subnet_now(f, free, percent)),
            "OPEN IN THE CONSOLE\n" + _lines(_subnet_links(t, f)),
        ]
    return f"{label} {figure}", [
        "WHAT\n" + _lines(_what(t, thresholds)),
        "WHERE\n" + _lines(_subnet_where(t, f)),
        "NOW\n" + _lines(_subnet_now(f, free, percent)),
        "WHO HOLDS THE ADDRESSES\n" + _holders(f),
        "TREND (free addresses)\n" + _trend(f.trend, "addresses", higher_is_better=True, decimals=0),
        "FORECAST\n" + _forecast(f.forecast, thresholds.free_address_floor, f.history),
        "WHAT TO DO\n" + _numbered(subnet_remedies(t, f)),
        "OPEN IN THE CONSOLE\n" + _lines(_subnet_links(t, f)),
    ]


def _subnet_label(f: SubnetFacts, *, name_limit: int | None = None) -> str:
    name = f.subnet.name if f.subnet else (f.census or {}).get("name")
    return subnet_label(f.subnet_id, name, name_limit=name_limit)


def _free_and_percent(f: SubnetFacts) -> tuple[int | None, float | None]:
    if f.subnet is None or not f.subnet.cidr_block:
        return None, None
    return f.subnet.available_ip_address_count, utilization_percent(f.subnet)


def _subnet_figure(t: ContributorTransition, f: SubnetFacts, free: int | None, percent: float | None) -> str:
    """The subject's figure: what the alarm measures, in the subnet's own numbers."""
    left = f"{free} addresses left" if free is not None else "free count unknown"
    full = f"is {percent:.0f}% full" if percent is not None else "is filling up"
    stem = t.kind.stem
    if stem == contract.ALARM_SUBNET_FREE_PREFIX_BLOCKS:
        blocks = (f.census or {}).get("freePrefixBlocks")
        blocks = blocks if blocks is not None else _whole(t.datapoint)
        return f"has {blocks if blocks is not None else 'few'} free /28 blocks, {left}"
    if stem == contract.ALARM_SUBNET_DAYS_TO_EXHAUSTION:
        days = f.forecast.days_to_floor if f.forecast and f.forecast.days_to_floor is not None else t.datapoint
        return f"fills up in {days:.1f} days: {left}" if days is not None else f"is forecast to fill up: {left}"
    return f"{full}: {left}"


def _origin(t: ContributorTransition) -> list[tuple[str, str | None]]:
    """The account and region the subnet, cluster or VPC is in (a member's, in hub mode)."""
    return [("Account", t.contributor_account), ("Region", t.contributor_region)]


def _subnet_where(t: ContributorTransition, f: SubnetFacts) -> list[tuple[str, str | None]]:
    s = f.subnet
    cidr = s.cidr_block if s else (f.census or {}).get("cidrBlock")
    usable = f"{usable_addresses(cidr)}" if cidr else None
    vpc = s.vpc_id if s else (f.census or {}).get("vpcId")
    return [
        *_origin(t),
        ("VPC", f"{vpc} ({f.vpc_name})" if vpc and f.vpc_name else vpc),
        ("Availability Zone", s.availability_zone if s else (f.census or {}).get("availabilityZone")),
        ("Subnet", _subnet_label(f)),
        ("CIDR", cidr),
        ("Usable addresses", usable),
    ]


def _subnet_now(f: SubnetFacts, free: int | None, percent: float | None) -> list[tuple[str, str | None]]:
    blocks = (f.census or {}).get("freePrefixBlocks")
    return [
        ("Free addresses", f"{free}" if free is not None else "unknown"),
        ("Utilization", f"{percent:.1f}%" if percent is not None else "unknown"),
        ("Free /28 blocks", f"{blocks} (census of {readable_time(f.census_at)})" if blocks is not None else None),
    ]


def _holders(f: SubnetFacts) -> str:
    if f.census is None:
        return "Unknown: no census entry for this subnet (see NOT IN THIS EMAIL)."
    consumers = f.census.get("consumers", [])
    lines = [f"From the ENI census of {readable_time(f.census_at)}:"]
    for c in consumers[:TOP_CONSUMERS]:
        owner = f" {c['owner']}" if c.get("owner") else ""
        lines.append(f"- {c['category']}{owner}: {c['addresses']} addresses, {c['interfaces']} interfaces")
    if len(consumers) > TOP_CONSUMERS:
        rest = consumers[TOP_CONSUMERS:]
        lines.append(f"- {len(rest)} more consumers: {sum(c['addresses'] for c in rest)} addresses")
    if not consumers:
        lines.append("- no interfaces in this subnet")
    if f.unattached:
        held = sum(u["addresses"] for u in f.unattached)
        lines.append(f"Attached to nothing (leaked?): {len(f.unattached)} interfaces holding {held} addresses:")
        for u in f.unattached[:LISTED_INTERFACES]:
            lines.append(
                f"- {u['networkInterfaceId']} ({u['addresses']}): {interface_description(u, missing='no description')}"
            )
    return "\n".join(lines)


def _forecast(forecast: Forecast | None, floor: int, history: Sequence[Sample]) -> str:
    if forecast is None:
        return (
            f"None: {len({s.at.date() for s in history})} day(s) of history, at least 3 are needed."
            if history
            else "None: no history of AvailableIpAddressCount could be read."
        )
    direction = "fewer" if forecast.decline_per_day > 0 else "more"
    basis = (
        f"Trend of {forecast.days_of_history} daily minima: {abs(forecast.decline_per_day):.1f} {direction} free "
        f"addresses a day; deepest surge below the trend: {forecast.surge_margin:.0f} addresses."
    )
    if forecast.days_to_floor is None:
        return f"Not shrinking. {basis}"
    if forecast.days_to_floor == 0:
        room = forecast.level_now - forecast.surge_margin
        empty = f" At this pace none are left in about {room / forecast.decline_per_day:.1f} days." if room > 0 else ""
        return f"At {floor} free addresses already, or within one surge of it.{empty} {basis}"
    return f"Reaches {floor} free addresses in about {forecast.days_to_floor:.1f} days (an estimate). {basis}"


def subnet_remedies(t: ContributorTransition, f: SubnetFacts) -> list[str]:
    """Steps chosen from who holds the subnet's addresses; general steps when the census is missing."""
    consumers = (f.census or {}).get("consumers", [])
    categories = {c["category"] for c in consumers}
    steps: list[str] = []

    def named(category: str) -> str:
        names = [c["owner"] for c in consumers if c["category"] == category and c.get("owner")][:3]
        return f" ({', '.join(names)})" if names else ""

    if f.unattached:
        steps.append(
            f"Delete the {len(f.unattached)} interfaces attached to nothing once you know no service reuses them: "
            "aws ec2 delete-network-interface --network-interface-id <id>"
        )
    if categories & {"ecs-task", "ecs-trunk"}:
        steps.append(
            f"Add a subnet with free addresses in another AZ or CIDR to the ECS services{named('ecs-task')}: "
            "networkConfiguration.awsvpcConfiguration.subnets, then force a new deployment."
        )
    if categories & {"ecs-trunk"}:
        steps.append(
            "Trunked instances take one address per task: enable awsvpcTrunking only where tasks need it, "
            "or place the tasks' interfaces in a separate, larger subnet."
        )
    if categories & {"eks-node", "eks-pod-eni"}:
        steps.append(
            f"EKS{named('eks-node')}: add a secondary CIDR to the VPC (100.64.0.0/16 is common) and use VPC CNI "
            "custom networking (one ENIConfig per AZ) so pods take addresses there; lower WARM_IP_TARGET / "
            "WARM_ENI_TARGET to give back the warm pool."
        )
    if t.kind.stem == contract.ALARM_SUBNET_FREE_PREFIX_BLOCKS:
        steps.append(
            "Prefix delegation needs aligned, empty /28 blocks: reserve a CIDR of type prefix "
            "(aws ec2 create-subnet-cidr-reservation --reservation-type prefix) in a new subnet and add it to "
            "the node group."
        )
    if "lambda" in categories:
        steps.append(f"Lambda{named('lambda')}: add subnets to the functions' VPC configuration.")
    if "load-balancer" in categories:
        steps.append("Load balancers need 8 free addresses to scale: keep their subnets apart from task subnets.")
    steps.append(
        "Add a subnet (from a secondary VPC CIDR if the VPC is full) in this AZ and give it to the consumers above."
    )
    return steps


def _subnet_links(t: ContributorTransition, f: SubnetFacts) -> list[tuple[str, str | None]]:
    vpc = f.subnet.vpc_id if f.subnet else (f.census or {}).get("vpcId")
    return [
        ("Subnet", subnet_url(t.contributor_region, f.subnet_id)),
        ("Its network interfaces", interfaces_url(t.contributor_region, f.subnet_id)),
        ("VPC", vpc_url(t.contributor_region, vpc) if vpc else None),
        ("Alarm", alarm_url(t)),
    ]


# ECS clusters -------------------------------------------------------------------------------------------


def _cluster_email(t: ContributorTransition, f: ClusterFacts, thresholds: Thresholds) -> tuple[str, list[str]]:
    util = f.figures.get(contract.ENI_UTILIZATION.name)
    running = f.figures.get(contract.ENI_TASKS_RUNNING.name)
    capacity = f.figures.get(contract.ENI_TASK_CAPACITY.name)
    untrunked = f.figures.get(contract.UNTRUNKED_INSTANCES.name)
    if t.kind.stem == contract.ALARM_CLUSTER_UNTRUNKED_INSTANCES:
        count = untrunked if untrunked is not None else t.datapoint
        figure = f"{_whole(count) if count is not None else 'some'} instances without ENI trunking"
    else:
        used = f" ({_whole(running)}/{_whole(capacity)})" if running is not None and capacity is not None else ""
        value = util if util is not None else t.datapoint
        figure = f"{value:.0f}% of task-ENI slots used{used}" if value is not None else "task-ENI slots filling"
    subject = f"ECS cluster {f.cluster}: {figure}"
    now_lines = [
        ("Task-ENI utilization", f"{util:.1f}%" if util is not None else "unknown"),
        ("awsvpc tasks / slots", f"{_whole(running)} / {_whole(capacity)}" if running is not None else "unknown"),
        ("Instances without a trunk", f"{_whole(untrunked)}" if untrunked is not None else "unknown"),
    ]
    links = [("Cluster", ecs_cluster_url(t.contributor_region, f.cluster)), ("Alarm", alarm_url(t))]
    if t.state == "OK":
        return f"Recovered: {subject}", [
            f"RECOVERED\n{t.kind.title} is back within its threshold ({t.kind.condition(thresholds)}).",
            "NOW\n" + _lines(now_lines),
            "OPEN IN THE CONSOLE\n" + _lines(links),
        ]
    return subject, [
        "WHAT\n" + _lines(_what(t, thresholds)),
        "WHERE\n" + _lines([*_origin(t), ("ECS cluster", f.cluster)]),
        "NOW\n" + _lines(now_lines),
        "TREND (task-ENI utilization, %)\n" + _trend(f.utilization_trend, "points", higher_is_better=False, decimals=1),
        "WHAT TO DO\n" + _numbered(_cluster_remedies(t, untrunked)),
        "OPEN IN THE CONSOLE\n" + _lines(links),
    ]


def _cluster_remedies(t: ContributorTransition, untrunked: float | None) -> list[str]:
    steps = []
    if t.kind.stem == contract.ALARM_CLUSTER_UNTRUNKED_INSTANCES or (untrunked or 0) > 0:
        steps.append(
            "Enable awsvpcTrunking for the IAM role that registers the instances (aws ecs put-account-setting "
            "--name awsvpcTrunking --value enabled, run as that role), then replace the untrunked instances "
            "(instance refresh): only instances launched after the opt-in get a trunk."
        )
    steps.append("Add container instances (raise the capacity provider's or Auto Scaling group's maximum).")
    steps.append("Move tasks that do not need their own interface to bridge or host mode, or to Fargate.")
    return steps


# Deployments --------------------------------------------------------------------------------------------


def _deployment_email(t: ContributorTransition, f: DeploymentFacts, thresholds: Thresholds) -> tuple[str, list[str]]:
    count = len(f.at_risk) if f.at_risk else _whole(t.datapoint)
    first = f.at_risk[0] if f.at_risk else None
    named = f" ({service_fit_line(first)})" if first is not None and len(f.at_risk) == 1 else ""
    subject = f"ECS cluster {f.cluster}: {count} service(s) whose next deployment would not fit{named}"
    links = [("Cluster", ecs_cluster_url(t.contributor_region, f.cluster)), ("Alarm", alarm_url(t))]
    if t.state == "OK":
        return f"Recovered: {subject}", [
            f"RECOVERED\n{t.kind.title} is back within its threshold ({t.kind.condition(thresholds)}).",
            "OPEN IN THE CONSOLE\n" + _lines(links),
        ]
    services = [_service_block(s) for s in f.at_risk] or ["- the deployment fit document names none now"]
    return subject, [
        "WHAT\n" + _lines(_what(t, thresholds)),
        "WHERE\n" + _lines([*_origin(t), ("ECS cluster", f.cluster)]),
        f"SERVICES AT RISK (deployment fit of {readable_time(f.assessed_at)})\n" + "\n".join(services),
        "WHAT TO DO\n" + _numbered(_deployment_remedies(f.at_risk)),
        "OPEN IN THE CONSOLE\n" + _lines(links),
    ]


def service_fit_line(service: dict[str, Any]) -> str:
    """'orders-api needs 10 more addresses; its subnets have 7 free' (a deployment fit entry in words)."""
    return f"{service['service']} {entry_shortfall(service)}"


# Commands written out for at most this many services (the fit document lists them all).
LISTED_COMMANDS = 5
CONTROLLER_WORDS = {"ECS": "rolling update", "CODE_DEPLOY": "blue/green"}


def _service_block(service: dict[str, Any]) -> str:
    controller = CONTROLLER_WORDS.get(service["controller"], service["controller"])
    share = even_share(service["surge"], len(service["subnets"]))
    subnets = rooms_text(service["subnets"], share, separator=" ")
    block = (
        f"- {service_fit_line(service)}\n"
        f"  {service['launchType']}, {controller}, desiredCount {service['desiredCount']}, maximumPercent "
        f"{service['maximumPercent']}: the deployment starts {service['surge']} more tasks "
        f"(even share {share} per subnet)\n  Subnets: {subnets}"
    )
    scaling = service.get("scaling")
    if scaling is not None:
        block += (
            f"\n  Auto Scaling ({', '.join(scaling['groups'])}): {scaling['instancesNeeded']} more instances "
            f"needed, {scaling['headroomToMaxSize']} below the maximum size; {scaling['addressesNeeded']} "
            f"addresses needed, {scaling['freeInGroupSubnets']} free in the groups' subnets"
        )
    return block


def _deployment_remedies(at_risk: list[dict[str, Any]]) -> list[str]:
    steps = [
        "Free addresses in the services' subnets (see the census: interfaces attached to nothing, idle endpoints) "
        "or add subnets in more Availability Zones to the services' awsvpcConfiguration.",
        "For this deployment, lower maximumPercent so fewer tasks start before old ones stop:\n"
        + "\n".join(f"   {lower_maximum_percent_command(s)}" for s in at_risk[:LISTED_COMMANDS]),
    ]
    if any(s.get("eniSlotsFree") is not None and s["eniSlotsFree"] < s["surge"] for s in at_risk):
        steps.append(
            "Raise the Auto Scaling group's or capacity provider's maximum, or enable awsvpcTrunking for the "
            "role that registers the instances and replace them: the cluster lacks task-ENI slots."
        )
    steps.append(
        "Size the subnets for the deployment peak:\n"
        + "\n".join(f"   {s['service']}: {plan_command(s)}" for s in at_risk[:LISTED_COMMANDS])
    )
    return steps


# VPCs ---------------------------------------------------------------------------------------------------


def _vpc_email(t: ContributorTransition, f: VpcFacts, thresholds: Thresholds) -> tuple[str, list[str]]:
    held = sum(u["addresses"] for u in f.unattached)
    label = f"{f.vpc_name} ({f.vpc_id})" if f.vpc_name else f.vpc_id
    count = held if f.unattached else _whole(t.datapoint)
    subject = f"{label}: unattached interfaces hold {count} addresses"
    if t.state == "OK":
        return f"Recovered: {subject}", [
            f"RECOVERED\n{t.kind.title} is back within its threshold ({t.kind.condition(thresholds)}).",
        ]
    listing = [
        f"- {u['networkInterfaceId']} in {subnet_label(u['subnetId'], u.get('subnetName'))} ({u['addresses']}): "
        f"{interface_description(u, missing='no description')}"
        for u in f.unattached[:10]
    ]
    return subject, [
        "WHAT\n" + _lines(_what(t, thresholds)),
        "WHERE\n" + _lines([*_origin(t), ("VPC", label)]),
        f"WHO HOLDS THE ADDRESSES\nFrom the ENI census of {readable_time(f.census_at)}: "
        f"{len(f.unattached)} interfaces\n" + ("\n".join(listing) or "- none listed"),
        "WHAT TO DO\n"
        + _numbered(
            [
                "Check each description: a Lambda or ECS interface left behind by a deleted function or task, "
                "or one created by hand.",
                "Delete the ones nothing will reuse: aws ec2 delete-network-interface --network-interface-id <id>",
            ]
        ),
        "OPEN IN THE CONSOLE\n" + _lines([("VPC", vpc_url(t.contributor_region, f.vpc_id)), ("Alarm", alarm_url(t))]),
    ]


# Contributors that stopped reporting ------------------------------------------------------------------


def _stopped_reporting_email(t: ContributorTransition, f: Facts, thresholds: Thresholds) -> tuple[str, list[str]]:
    label, noun, links = _contributor_view(t, f)
    last = f.history[-1].at if isinstance(f, SubnetFacts) and f.history else None
    since = f"{last:%Y-%m-%d %H:%M} UTC (its last data point)" if last else f"before {t.at:%Y-%m-%d %H:%M} UTC"
    # '<stack>-<stem>' (or with a VPC or account suffix): the heartbeat alarms share the '<stack>-' part.
    heartbeat = f"{t.alarm_name.partition(t.kind.stem)[0]}{t.kind.publisher}-collector-heartbeat"
    scope_keys = "monitor:clusterNames" if noun == "cluster" else "monitor:vpcIds or monitor:subnetTagFilter"
    sections = [
        "STOPPED REPORTING\n"
        f"No data for this {noun} since {since}. CloudWatch set it to OK in {t.alarm_name} because the alarm's "
        f'query no longer returns it ("{NO_DATA_REASON}"). This is not a recovery: nothing says it is back within '
        f"the threshold ({t.kind.condition(thresholds)}).",
        "WHY IT MAY HAVE STOPPED\n"
        + _lines(
            [
                (f"The {noun} was deleted", "then nothing is left to do"),
                (f"The {t.kind.publisher} collector stopped", f"its heartbeat alarm {heartbeat} says so"),
                ("It left the monitor's scope", scope_keys),
            ]
        ),
    ]
    if isinstance(f, SubnetFacts) and f.subnet is not None:
        free, percent = _free_and_percent(f)
        sections.append("IT STILL EXISTS\n" + _lines(_subnet_now(f, free, percent)))
    sections.append("OPEN IN THE CONSOLE\n" + _lines(links))
    return f"Stopped reporting: {label}, {t.kind.title} alarm", sections


def _contributor_view(t: ContributorTransition, f: Facts) -> tuple[str, str, list[tuple[str, str | None]]]:
    """How the email names the contributor, what it is, and its console links."""
    if isinstance(f, SubnetFacts):
        return _subnet_label(f, name_limit=SUBJECT_NAME_CHARS), "subnet", _subnet_links(t, f)
    if isinstance(f, VpcFacts):
        label = f"{f.vpc_name} ({f.vpc_id})" if f.vpc_name else f.vpc_id
        return label, "VPC", [("VPC", vpc_url(t.contributor_region, f.vpc_id)), ("Alarm", alarm_url(t))]
    cluster_links: list[tuple[str, str | None]] = [
        ("Cluster", ecs_cluster_url(t.contributor_region, f.cluster)),
        ("Alarm", alarm_url(t)),
    ]
    return f"ECS cluster {f.cluster}", "cluster", cluster_links


# Shared pieces ------------------------------------------------------------------------------------------


def _what(t: ContributorTransition, thresholds: Thresholds) -> list[tuple[str, str | None]]:
    crossed = f"{t.datapoint:.4g}" if t.datapoint is not None else None
    return [
        ("Alarm", f"{t.alarm_name} ({t.kind.title})"),
        ("Threshold", t.kind.condition(thresholds)),
        ("Value that crossed it", crossed),
        ("Since", f"{t.at:%Y-%m-%d %H:%M} UTC"),
    ]


def _trend(trend: Trend | None, unit: str, *, higher_is_better: bool, decimals: int) -> str:
    if trend is None:
        return "Unknown: no history could be read."

    def change(then: float | None, label: str) -> str:
        if then is None:
            return f"{label}: no data"
        delta = round(trend.now - then, decimals) + 0.0  # no "-0"
        worse = (delta < 0) == higher_is_better and delta != 0
        return f"{label}: {then:.{decimals}f} ({delta:+.{decimals}f} {unit} since{', worse' if worse else ''})"

    return "\n".join(
        [
            f"now: {trend.now:.{decimals}f}",
            change(trend.hour_ago, "1 hour ago"),
            change(trend.day_ago, "24 hours ago"),
            change(trend.week_ago, "7 days ago"),
        ]
    )


def alarm_url(t: ContributorTransition) -> str:
    """The alarm's page in the CloudWatch console."""
    return f"{console(t.region)}/cloudwatch/home?region={t.region}#alarmsV2:alarm/{quote(t.alarm_name)}"


def _closing(t: ContributorTransition, label: str, window_minutes: int, now: datetime) -> str:
    until = now + timedelta(minutes=window_minutes)
    return (
        f"Notification {t.event_id} (contributor {t.contributor_id}). If {label} goes into {t.state} "
        f"again before {until:%H:%M} UTC, no new email is sent (flapping guard): the alarm's page shows its state."
    )


def _lines(pairs: Sequence[tuple[str, str | None]]) -> str:
    return "\n".join(f"{label}: {value}" for label, value in pairs if value is not None)


def _numbered(steps: list[str]) -> str:
    return "\n".join(f"{n}. {step}" for n, step in enumerate(steps, start=1))


def _whole(value: float | None) -> str:
    return "?" if value is None else f"{value:.0f}"
