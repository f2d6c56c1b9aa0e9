"""Pure ENI capacity arithmetic for ECS on EC2: task-ENI limits per instance, per-cluster totals, trunking drift."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum

from ..domain.network import ENI_ATTACHMENT_TYPES

TRUNK_ATTRIBUTE = "ecs.awsvpc-trunk-id"
INSTANCE_TYPE_ATTRIBUTE = "ecs.instance-type"


class LimitBasis(StrEnum):
    """Where an instance's task-ENI limit came from."""

    TRUNK = "trunk"  # trunk attached, type in the published table
    NO_TRUNK = "no-trunk"  # MaximumNetworkInterfaces - 1
    TRUNK_TYPE_UNKNOWN = "trunk-type-unknown"  # trunk attached but the table lacks the type: fell back to no-trunk


@dataclass(frozen=True)
class ContainerInstance:
    """An ACTIVE ECS container instance as the collector needs it."""

    arn: str
    ec2_instance_id: str
    instance_type: str
    trunk_id: str | None


@dataclass(frozen=True)
class RunningTask:
    """A task whose desired status is RUNNING."""

    arn: str
    container_instance_arn: str | None
    launch_type: str | None
    attachment_types: tuple[str, ...]

    @property
    def holds_instance_eni(self) -> bool:
        """An awsvpc task on an EC2 container instance (Fargate tasks have ENIs too, but not on our instances)."""
        return (
            self.launch_type != "FARGATE"
            and self.container_instance_arn is not None
            and any(t in ENI_ATTACHMENT_TYPES for t in self.attachment_types)
        )


@dataclass(frozen=True)
class InstanceSlots:
    """Task-ENI slots on one container instance."""

    instance: ContainerInstance
    used: int
    limit: int
    basis: LimitBasis
    trunk_capable: bool

    @property
    def untrunked(self) -> bool:
        """The type supports trunking but this instance has no trunk (launched before the opt-in, or not opted in)."""
        return self.trunk_capable and self.instance.trunk_id is None


@dataclass(frozen=True)
class ClusterEniCapacity:
    """Task-ENI use and capacity of one cluster's ACTIVE EC2 container instances."""

    cluster_name: str
    instances: tuple[InstanceSlots, ...]

    @property
    def tasks_running(self) -> int:
        """Tasks holding an ENI on this cluster's instances."""
        return sum(i.used for i in self.instances)

    @property
    def capacity(self) -> int:
        """Sum of the instances' task-ENI limits."""
        return sum(i.limit for i in self.instances)

    @property
    def utilization_percent(self) -> float:
        """100 * tasks / capacity (100 when capacity is 0 but tasks exist, 0 when both are 0)."""
        if self.capacity == 0:
            return 100.0 if self.tasks_running else 0.0
        return 100.0 * self.tasks_running / self.capacity

    @property
    def untrunked_instances(self) -> int:
        """Instances that could have a trunk and do not."""
        return sum(1 for i in self.instances if i.untrunked)

    @property
    def free_task_slots(self) -> int:
        """Task ENIs the cluster can still place (each takes one address): capacity - tasks."""
        return self.capacity - self.tasks_running

    def is_at_risk(self, watch_utilization_percent: float) -> bool:
        """At or above the watch level, or an instance without its trunk (at-risk publish mode)."""
        return self.utilization_percent >= watch_utilization_percent or self.untrunked_instances > 0


def task_eni_limit(
    instance_type: str, trunked: bool, max_network_interfaces: int, trunk_limits: Mapping[str, int]
) -> tuple[int, LimitBasis]:
    """Tasks with their own ENI an instance can run: the trunk table's figure, else MaximumNetworkInterfaces - 1."""
    if trunked and instance_type in trunk_limits:
        return trunk_limits[instance_type], LimitBasis.TRUNK
    basis = LimitBasis.TRUNK_TYPE_UNKNOWN if trunked else LimitBasis.NO_TRUNK
    return max(max_network_interfaces - 1, 0), basis


def cluster_eni_capacity(
    cluster_name: str,
    instances: Iterable[ContainerInstance],
    tasks: Iterable[RunningTask],
    max_network_interfaces: Mapping[str, int],
    trunk_limits: Mapping[str, int],
) -> ClusterEniCapacity | None:
    """Slots used and available per instance; None for a cluster with no EC2 instances (Fargate-only)."""
    used: dict[str, int] = {}
    for task in tasks:
        if task.holds_instance_eni and task.container_instance_arn:
            used[task.container_instance_arn] = used.get(task.container_instance_arn, 0) + 1
    slots = []
    for instance in instances:
        if instance.instance_type not in max_network_interfaces:
            continue  # the caller reports the types it could not describe
        limit, basis = task_eni_limit(
            instance.instance_type,
            instance.trunk_id is not None,
            max_network_interfaces[instance.instance_type],
            trunk_limits,
        )
        slots.append(
            InstanceSlots(instance, used.get(instance.arn, 0), limit, basis, instance.instance_type in trunk_limits)
        )
    return ClusterEniCapacity(cluster_name, tuple(slots)) if slots else None


def trunking_findings(capacities: Iterable[ClusterEniCapacity], trunking_setting: str | None) -> list[str]:
    """Plain-language findings about trunking drift, for the run result and the logs."""
    capacities = list(capacities)
    untrunked = sum(c.untrunked_instances for c in capacities)
    findings = []
    if trunking_setting == "disabled" and any(i.trunk_capable for c in capacities for i in c.instances):
        findings.append(
            "awsvpcTrunking is disabled (effective setting for this collector's role) while trunk-capable "
            "instances run: enable it for the role that registers container instances "
            "(aws ecs put-account-setting-default --name awsvpcTrunking --value enabled), then replace the instances."
        )
    if untrunked:
        findings.append(
            f"{untrunked} trunk-capable instance(s) run without a trunk ENI and hold only "
            "MaximumNetworkInterfaces - 1 awsvpc tasks: replace them (instances get a trunk only when launched "
            "after the opt-in, by a role that is opted in)."
        )
    return findings
