"""Pure: will the next deployment of an ECS service fit in its subnets (and, on EC2, its cluster's ENI slots)?

Shared by the ECS collector (every service, each run) and the event handler (the one service whose deployment
just started). The arithmetic, from the ECS Developer Guide's deployment types:

- rolling update (deployment controller ECS): ECS starts new tasks up to maximumPercent of desiredCount,
  rounded down, before it stops old ones: surge = floor(desiredCount x maximumPercent / 100) - desiredCount;
- blue/green (CODE_DEPLOY): a whole replacement task set: surge = desiredCount;
- EXTERNAL: a third-party controller decides; not assessed.

Each awsvpc task takes one address in one of the service's subnets. The service fits when the subnets' free
addresses together cover the surge. ECS spreads tasks across Availability Zones, so the rollout is
*unbalanced* when a subnet cannot take its even share, ceil(surge / subnets): part of the rollout stalls on
the full subnet even when the total would do. On the EC2 launch type each new task also needs a free task-ENI
slot on an ACTIVE container instance.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from ..platform.chunks import ceil_div
from .network import Subnet, subnet_label


class Controller(StrEnum):
    """An ECS service's deployment controller type."""

    ECS = "ECS"  # rolling update
    CODE_DEPLOY = "CODE_DEPLOY"  # blue/green
    EXTERNAL = "EXTERNAL"


# ECS's default maximumPercent for a rolling update when the service does not set one.
DEFAULT_MAXIMUM_PERCENT = 200
# Capacity providers that are not Auto Scaling groups: their tasks take no instance and no instance address.
FARGATE_PROVIDERS = frozenset({"FARGATE", "FARGATE_SPOT"})
CAPACITY_PROVIDER = "CAPACITY_PROVIDER"


@dataclass(frozen=True)
class Service:
    """An awsvpc ECS service as DescribeServices says it is."""

    cluster: str
    name: str
    launch_type: str  # EC2, FARGATE, EXTERNAL, or CAPACITY_PROVIDER when a strategy decides
    controller: Controller
    desired_count: int
    maximum_percent: int
    subnets: tuple[str, ...]
    capacity_providers: tuple[str, ...] = ()  # the service's capacity provider strategy, when it has one


@dataclass(frozen=True)
class ScalingGroup:
    """The Auto Scaling group behind a capacity provider with managed scaling."""

    name: str
    max_size: int
    instances: int
    subnets: tuple[str, ...]


@dataclass(frozen=True)
class ScalingRoom:
    """Whether the service's Auto Scaling groups can add the instances its surge would need.

    instances_needed: the surge beyond the cluster's free task-ENI slots, over the slots an instance of the
    cluster holds now; each new instance takes one address in the group's subnets (two with a trunk ENI).
    """

    groups: tuple[str, ...]
    instances_needed: int | None  # None: the cluster has no instance yet to size one by
    addresses_needed: int | None
    free_in_subnets: int | None
    headroom_to_max: int

    @property
    def fits(self) -> bool | None:
        """The groups' subnets have the addresses and the groups the headroom (None: cannot tell)."""
        if self.instances_needed is None or self.addresses_needed is None or self.free_in_subnets is None:
            return None
        return self.free_in_subnets >= self.addresses_needed and self.headroom_to_max >= self.instances_needed


def managed_scaling_groups(
    providers: Sequence[Mapping[str, Any]], groups: Sequence[Mapping[str, Any]]
) -> dict[str, ScalingGroup]:
    """Capacity provider name -> its Auto Scaling group, for the providers with managed scaling ENABLED
    (DescribeCapacityProviders and DescribeAutoScalingGroups answers)."""
    by_name = {str(g["AutoScalingGroupName"]): g for g in groups}
    found: dict[str, ScalingGroup] = {}
    for provider in providers:
        asg = provider.get("autoScalingGroupProvider") or {}
        if (asg.get("managedScaling") or {}).get("status") != "ENABLED":
            continue
        group = by_name.get(group_name(str(asg.get("autoScalingGroupArn", ""))))
        if group is None:
            continue
        subnets = tuple(s for s in str(group.get("VPCZoneIdentifier", "")).split(",") if s)
        found[str(provider["name"])] = ScalingGroup(
            str(group["AutoScalingGroupName"]), int(group["MaxSize"]), len(group.get("Instances", [])), subnets
        )
    return found


def group_name(group_arn: str) -> str:
    """The group name at the end of an Auto Scaling group ARN (…:autoScalingGroupName/<name>)."""
    return group_arn.split("autoScalingGroupName/", 1)[-1]


def even_share(surge: int, subnets: int) -> int:
    """The surge's share per subnet when ECS spreads it evenly across them, rounded up (0 without subnets)."""
    return ceil_div(surge, subnets) if subnets else 0


def known_total(frees: Sequence[int | None]) -> int | None:
    """The free addresses of several subnets together; None if one of them could not be read."""
    return None if None in frees else sum(f for f in frees if f is not None)


def rooms_text(rooms: Sequence[Mapping[str, Any]], share: int | None, *, separator: str) -> str:
    """'tasks-1a (subnet-a)<separator>5 free (short of its share), …': each subnet of a fit entry's "subnets"
    with its free addresses, those below share marked."""
    return ", ".join(
        f"{subnet_label(room['subnetId'], room.get('name'))}{separator}"
        f"{'unknown' if room['free'] is None else room['free']} free"
        + (" (short of its share)" if share is not None and room["free"] is not None and room["free"] < share else "")
        for room in rooms
    )


# A rolling update's usual lower setting for one deployment: half the tasks may stop, 1.5x may run.
LOWER_MAXIMUM_PERCENT, LOWER_MINIMUM_HEALTHY_PERCENT = 150, 50


def lower_maximum_percent_command(entry: Mapping[str, Any]) -> str:
    """The aws CLI line that lowers a fit entry's service to maximumPercent 150 for its next deployment."""
    return (
        f"aws ecs update-service --cluster {entry['cluster']} --service {entry['service']} "
        f"--deployment-configuration maximumPercent={LOWER_MAXIMUM_PERCENT},"
        f"minimumHealthyPercent={LOWER_MINIMUM_HEALTHY_PERCENT}"
    )


def plan_command(entry: Mapping[str, Any]) -> str:
    """The `subnet-ip-monitor plan` line that sizes a fit entry's subnets for its deployment peak (one subnet per
    Availability Zone; blue/green starts a whole task set, what maximumPercent 200 does)."""
    blue_green = entry["controller"] == Controller.CODE_DEPLOY.value
    percent = 200 if blue_green else max(int(entry["maximumPercent"]), 100)
    azs = max(len(entry["subnets"]), 1)
    return f"subnet-ip-monitor plan --tasks {entry['desiredCount']} --max-percent {percent} --azs {azs}"


def scaling_room(
    surge: int,
    *,
    eni_slots_free: int,
    slots_per_instance: int | None,
    trunked: bool,
    groups: Sequence[ScalingGroup],
    free_by_subnet: Mapping[str, int],
) -> ScalingRoom:
    """The instances and addresses the surge needs from groups, against their subnets and maximum sizes."""
    short = max(surge - eni_slots_free, 0)
    needed: int | None
    if not short:
        needed = 0
    elif slots_per_instance:
        needed = ceil_div(short, slots_per_instance)
    else:
        needed = None  # instances are needed, but none is there to size one by
    addresses = None if needed is None else needed * (2 if trunked else 1)
    subnets = {s for g in groups for s in g.subnets}
    free = known_total([free_by_subnet.get(s) for s in sorted(subnets)])
    headroom = sum(max(g.max_size - g.instances, 0) for g in groups)
    return ScalingRoom(tuple(g.name for g in groups), needed, addresses, free, headroom)


@dataclass(frozen=True)
class SubnetRoom:
    """One of the service's subnets and its free addresses (None: not read)."""

    subnet_id: str
    free: int | None
    name: str | None = None  # its Name tag, when DescribeSubnets returned one


@dataclass(frozen=True)
class ServiceFit:
    """The next deployment of one service against what is free now."""

    service: Service
    surge: int | None  # None: not assessed (EXTERNAL controller)
    subnets: tuple[SubnetRoom, ...]
    fits: bool | None  # None: not assessed, or a subnet could not be read
    unbalanced: bool
    eni_slots_free: int | None = None  # EC2 launch type: the cluster's free task-ENI slots
    eni_fits: bool | None = None
    scaling: ScalingRoom | None = None  # capacity providers with managed scaling: can the groups add instances

    @property
    def at_risk(self) -> bool:
        """Does not fit in its subnets or its cluster's ENI slots, or its rollout would stall in one AZ."""
        return self.fits is False or self.eni_fits is False or self.unbalanced

    @property
    def free_total(self) -> int | None:
        """The free addresses of all its subnets together (None if one could not be read)."""
        return known_total([s.free for s in self.subnets])

    @property
    def share_per_subnet(self) -> int | None:
        """The surge's even share per subnet, rounded up."""
        if self.surge is None or not self.subnets:
            return None
        return even_share(self.surge, len(self.subnets))

    def as_json(self) -> dict[str, Any]:
        """The documented shape (docs/metrics.md, "Deployment fit")."""
        return {
            "cluster": self.service.cluster,
            "service": self.service.name,
            "launchType": self.service.launch_type,
            "controller": self.service.controller.value,
            "desiredCount": self.service.desired_count,
            "maximumPercent": self.service.maximum_percent,
            "surge": self.surge,
            "subnets": [{"subnetId": s.subnet_id, "name": s.name, "free": s.free} for s in self.subnets],
            "fits": self.fits,
            "unbalanced": self.unbalanced,
            "eniSlotsFree": self.eni_slots_free,
            "scaling": None
            if self.scaling is None
            else {
                "groups": list(self.scaling.groups),
                "instancesNeeded": self.scaling.instances_needed,
                "addressesNeeded": self.scaling.addresses_needed,
                "freeInGroupSubnets": self.scaling.free_in_subnets,
                "headroomToMaxSize": self.scaling.headroom_to_max,
                "fits": self.scaling.fits,
            },
            "atRisk": self.at_risk,
        }


def shortfall_words(
    surge: int,
    free_total: int | None,
    *,
    fits: bool | None,
    unbalanced: bool,
    eni_slots_free: int | None = None,
    scaling: Mapping[str, Any] | None = None,
) -> str:
    """'needs 10 more addresses; its subnets have 7 free' (or why it stalls in one AZ, lacks ENI slots, or its
    Auto Scaling groups cannot add the instances; scaling in the document's shape, ServiceFit.as_json)."""
    if fits is not False and unbalanced:
        words = f"fits in total, but a subnet cannot take its share of the {surge} new tasks ({free_total} free in all)"
    else:
        free = "an unknown number of" if free_total is None else str(free_total)
        words = f"needs {surge} more addresses; its subnets have {free} free"
    if scaling is not None:
        if scaling["fits"] is False:
            words += (
                f"; its Auto Scaling groups cannot add the {scaling['instancesNeeded']} instances it needs "
                f"({scaling['addressesNeeded']} addresses, {scaling['freeInGroupSubnets']} free in their subnets, "
                f"{scaling['headroomToMaxSize']} below their maximum size)"
            )
    elif eni_slots_free is not None and eni_slots_free < surge:
        words += f"; the cluster has {eni_slots_free} free task-ENI slots"
    return words


def entry_shortfall(entry: Mapping[str, Any]) -> str:
    """shortfall_words of a deployment fit document's entry (ServiceFit.as_json), for its readers."""
    return shortfall_words(
        entry["surge"],
        known_total([room["free"] for room in entry["subnets"]]),
        fits=entry.get("fits"),
        unbalanced=bool(entry.get("unbalanced")),
        eni_slots_free=entry.get("eniSlotsFree"),
        scaling=entry.get("scaling"),
    )


def fit_summary(fit: ServiceFit) -> str:
    """The fit's shortfall in words (shortfall_words); "" for a deployment ECS does not size."""
    if fit.surge is None:
        return ""
    return entry_shortfall(fit.as_json())


def fit_details(fit: ServiceFit) -> str:
    """The arithmetic behind the fit, for a person to check: controller, counts, each subnet's free addresses."""
    service = fit.service
    how = {
        Controller.ECS: f"Rolling update: floor({service.desired_count} x {service.maximum_percent} / 100) - "
        f"{service.desired_count} = {fit.surge} new tasks before old ones stop",
        Controller.CODE_DEPLOY: f"Blue/green: a replacement task set of {service.desired_count} tasks",
        Controller.EXTERNAL: "EXTERNAL controller: not assessed",
    }[service.controller]
    share = fit.share_per_subnet
    rooms = rooms_text(fit.as_json()["subnets"], share, separator=": ")
    return f"{how}; even share {share} per subnet. Subnets now: {rooms}."


def deployment_surge(service: Service) -> int | None:
    """Tasks the next deployment adds on top of those running; None when ECS does not decide (EXTERNAL)."""
    if service.controller is Controller.EXTERNAL:
        return None
    if service.controller is Controller.CODE_DEPLOY:
        return service.desired_count
    return service.desired_count * service.maximum_percent // 100 - service.desired_count


def free_and_names(subnets: Mapping[str, Subnet]) -> tuple[dict[str, int], dict[str, str | None]]:
    """The free addresses and the Name tag of each subnet as DescribeSubnets returned it, for service_fit."""
    return (
        {subnet_id: s.available_ip_address_count for subnet_id, s in subnets.items()},
        {subnet_id: s.name for subnet_id, s in subnets.items()},
    )


def service_fit(
    service: Service,
    free_by_subnet: Mapping[str, int],
    *,
    eni_slots_free: int | None = None,
    scaling: ScalingRoom | None = None,
    names: Mapping[str, str | None] | None = None,
) -> ServiceFit:
    """The fit of service's next deployment given its subnets' free addresses (a subnet missing from
    free_by_subnet was not read) and, on EC2 instances, its cluster's free task-ENI slots; with scaling
    (capacity providers with managed scaling), whether the groups can add the instances it would need
    instead of the slots alone. names (subnet id -> Name tag) label the subnets in what a person reads."""
    rooms = tuple(SubnetRoom(s, free_by_subnet.get(s), (names or {}).get(s)) for s in service.subnets)
    surge = deployment_surge(service)
    if surge is None:
        return ServiceFit(service, None, rooms, None, False)
    fits, unbalanced = _address_fit(rooms, surge)
    on_ec2 = service.launch_type in ("EC2", CAPACITY_PROVIDER) and eni_slots_free is not None
    slots = eni_slots_free if on_ec2 else None
    eni_fits = scaling.fits if scaling is not None else (None if slots is None else slots >= surge)
    return ServiceFit(service, surge, rooms, fits, unbalanced, slots, eni_fits, scaling)


def _address_fit(rooms: Sequence[SubnetRoom], surge: int) -> tuple[bool | None, bool]:
    """Whether the surge fits the subnets' free addresses together (None when one was not read), and whether
    one subnet has less than its even share of it (the placement may still fail in that AZ)."""
    frees = [r.free for r in rooms]
    known = [f for f in frees if f is not None]
    total_known = len(known) == len(frees) and bool(rooms)
    fits = sum(known) >= surge if total_known else (True if surge == 0 else None)
    share = even_share(surge, len(rooms))
    unbalanced = surge > 0 and any(f is not None and f < share for f in frees) and fits is not False
    return fits, unbalanced


def services_at_risk(fits: Sequence[ServiceFit]) -> dict[str, int]:
    """ServicesAtDeploymentRisk per cluster: every cluster with an assessed service, 0 when none is at risk."""
    counts: dict[str, int] = {}
    for fit in fits:
        if fit.surge is None:
            continue
        counts[fit.service.cluster] = counts.get(fit.service.cluster, 0) + int(fit.at_risk)
    return counts


def _launch_type(launch_type: str | None, providers: tuple[str, ...]) -> str:
    """FARGATE when the capacity provider strategy names only Fargate's; else the launch type as given, or the
    capacity providers', or EC2 (ECS's default)."""
    if providers and set(providers) <= FARGATE_PROVIDERS:
        return "FARGATE"
    return launch_type or (CAPACITY_PROVIDER if providers else "EC2")


def parse_service(cluster: str, raw: Mapping[str, Any]) -> Service | None:
    """The awsvpc service in a DescribeServices entry; None for a service that is not awsvpc, not ACTIVE, or
    scaled to zero (its deployment starts no task; unassessed, it adds no ServicesAtDeploymentRisk series)."""
    network = (raw.get("networkConfiguration") or {}).get("awsvpcConfiguration") or {}
    subnets = tuple(network.get("subnets") or ())
    if not subnets or raw.get("status", "ACTIVE") != "ACTIVE" or int(raw.get("desiredCount", 0)) == 0:
        return None
    controller = Controller((raw.get("deploymentController") or {}).get("type", "ECS"))
    configuration = raw.get("deploymentConfiguration") or {}
    providers = tuple(p["capacityProvider"] for p in raw.get("capacityProviderStrategy") or [])
    return Service(
        cluster=cluster,
        name=str(raw["serviceName"]),
        launch_type=_launch_type(raw.get("launchType"), providers),
        controller=controller,
        desired_count=int(raw.get("desiredCount", 0)),
        maximum_percent=int(configuration.get("maximumPercent") or DEFAULT_MAXIMUM_PERCENT),
        subnets=subnets,
        capacity_providers=providers,
    )
