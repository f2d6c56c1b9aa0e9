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


class Controller(StrEnum):
    """An ECS service's deployment controller type."""

    ECS = "ECS"  # rolling update
    CODE_DEPLOY = "CODE_DEPLOY"  # blue/green
    EXTERNAL = "EXTERNAL"


# ECS's default maximumPercent for a rolling update when the service does not set one.
DEFAULT_MAXIMUM_PERCENT = 200


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


@dataclass(frozen=True)
class SubnetRoom:
    """One of the service's subnets and its free addresses (None: not read)."""

    subnet_id: str
    free: int | None


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

    @property
    def at_risk(self) -> bool:
        """Does not fit in its subnets or its cluster's ENI slots, or its rollout would stall in one AZ."""
        return self.fits is False or self.eni_fits is False or self.unbalanced

    @property
    def free_total(self) -> int | None:
        """The free addresses of all its subnets together (None if one could not be read)."""
        frees = [s.free for s in self.subnets]
        return None if any(f is None for f in frees) else sum(f for f in frees if f is not None)

    @property
    def share_per_subnet(self) -> int | None:
        """The surge's even share per subnet, rounded up."""
        if self.surge is None or not self.subnets:
            return None
        return -(-self.surge // len(self.subnets))

    def as_json(self) -> dict[str, Any]:
        """The documented shape (README, "Deployment fit")."""
        return {
            "cluster": self.service.cluster,
            "service": self.service.name,
            "launchType": self.service.launch_type,
            "controller": self.service.controller.value,
            "desiredCount": self.service.desired_count,
            "maximumPercent": self.service.maximum_percent,
            "surge": self.surge,
            "subnets": [{"subnetId": s.subnet_id, "free": s.free} for s in self.subnets],
            "fits": self.fits,
            "unbalanced": self.unbalanced,
            "eniSlotsFree": self.eni_slots_free,
            "atRisk": self.at_risk,
        }


def shortfall_words(
    surge: int, free_total: int | None, *, fits: bool | None, unbalanced: bool, eni_slots_free: int | None = None
) -> str:
    """'needs 10 more addresses; its subnets have 7 free' (or why it stalls in one AZ, or lacks ENI slots)."""
    if fits is not False and unbalanced:
        words = f"fits in total, but a subnet cannot take its share of the {surge} new tasks ({free_total} free in all)"
    else:
        free = "an unknown number of" if free_total is None else str(free_total)
        words = f"needs {surge} more addresses; its subnets have {free} free"
    if eni_slots_free is not None and eni_slots_free < surge:
        words += f"; the cluster has {eni_slots_free} free task-ENI slots"
    return words


def entry_shortfall(entry: Mapping[str, Any]) -> str:
    """shortfall_words of a deployment fit document's entry (ServiceFit.as_json), for its readers."""
    frees = [room["free"] for room in entry["subnets"]]
    return shortfall_words(
        entry["surge"],
        None if None in frees else sum(frees),
        fits=entry.get("fits"),
        unbalanced=bool(entry.get("unbalanced")),
        eni_slots_free=entry.get("eniSlotsFree"),
    )


def fit_summary(fit: ServiceFit) -> str:
    """The fit's shortfall in words (shortfall_words); "" for a deployment ECS does not size."""
    if fit.surge is None:
        return ""
    return shortfall_words(
        fit.surge, fit.free_total, fits=fit.fits, unbalanced=fit.unbalanced, eni_slots_free=fit.eni_slots_free
    )


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
    rooms = ", ".join(
        f"{r.subnet_id}: {'unknown' if r.free is None else r.free} free"
        + (" (short of its share)" if share is not None and r.free is not None and r.free < share else "")
        for r in fit.subnets
    )
    return f"{how}; even share {share} per subnet. Subnets now: {rooms}."


def deployment_surge(service: Service) -> int | None:
    """Tasks the next deployment adds on top of those running; None when ECS does not decide (EXTERNAL)."""
    if service.controller is Controller.EXTERNAL:
        return None
    if service.controller is Controller.CODE_DEPLOY:
        return service.desired_count
    return service.desired_count * service.maximum_percent // 100 - service.desired_count


def service_fit(
    service: Service, free_by_subnet: Mapping[str, int], *, eni_slots_free: int | None = None
) -> ServiceFit:
    """The fit of service's next deployment given its subnets' free addresses (a subnet missing from
    free_by_subnet was not read) and, for the EC2 launch type, its cluster's free task-ENI slots."""
    rooms = tuple(SubnetRoom(s, free_by_subnet.get(s)) for s in service.subnets)
    surge = deployment_surge(service)
    if surge is None:
        return ServiceFit(service, None, rooms, None, False)
    frees = [r.free for r in rooms]
    known = [f for f in frees if f is not None]
    total_known = len(known) == len(frees) and bool(rooms)
    fits = sum(known) >= surge if total_known else (True if surge == 0 else None)
    share = -(-surge // len(rooms)) if rooms else 0
    unbalanced = surge > 0 and any(f is not None and f < share for f in frees) and fits is not False
    on_ec2 = service.launch_type == "EC2" and eni_slots_free is not None
    eni_fits = (eni_slots_free >= surge) if on_ec2 and eni_slots_free is not None else None
    return ServiceFit(service, surge, rooms, fits, unbalanced, eni_slots_free if on_ec2 else None, eni_fits)


def services_at_risk(fits: Sequence[ServiceFit]) -> dict[str, int]:
    """ServicesAtDeploymentRisk per cluster: every cluster with an assessed service, 0 when none is at risk."""
    counts: dict[str, int] = {}
    for fit in fits:
        if fit.surge is None:
            continue
        counts[fit.service.cluster] = counts.get(fit.service.cluster, 0) + int(fit.at_risk)
    return counts


def parse_service(cluster: str, raw: Mapping[str, Any]) -> Service | None:
    """The awsvpc service in a DescribeServices entry; None for a service that is not awsvpc or not ACTIVE."""
    network = (raw.get("networkConfiguration") or {}).get("awsvpcConfiguration") or {}
    subnets = tuple(network.get("subnets") or ())
    if not subnets or raw.get("status", "ACTIVE") != "ACTIVE":
        return None
    controller = Controller((raw.get("deploymentController") or {}).get("type", "ECS"))
    configuration = raw.get("deploymentConfiguration") or {}
    launch_type = raw.get("launchType") or ("CAPACITY_PROVIDER" if raw.get("capacityProviderStrategy") else "EC2")
    return Service(
        cluster=cluster,
        name=str(raw["serviceName"]),
        launch_type=str(launch_type),
        controller=controller,
        desired_count=int(raw.get("desiredCount", 0)),
        maximum_percent=int(configuration.get("maximumPercent") or DEFAULT_MAXIMUM_PERCENT),
        subnets=subnets,
    )
