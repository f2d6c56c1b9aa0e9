"""Pure: `subnet-ip-monitor plan`, the arithmetic of a task subnet's size, every step written out to check.

Per Availability Zone, for the peak of a deployment:

    addresses = ceil(tasks x max-percent / 100 / azs)            one address per awsvpc task
              + ceil(instances / azs) x (2 with trunking, else 1) each instance's primary (and trunk) ENI
              + 8 if the subnets also host a load balancer        AWS asks for at least 8 free per subnet
              + EKS pods and nodes, when given                   (see eks_steps)
    then x (1 + headroom-percent / 100), rounded up;
    the subnet: the longest prefix between /16 and /28 whose usable addresses (2^(32 - prefix) - 5) cover it.

Integer arithmetic throughout, so 275 x 120 % is 330, not 330.00000000000006 rounded up to 331.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from lambdas.domain.network import AWS_RESERVED_ADDRESSES_PER_SUBNET, usable_addresses_of_prefix
from lambdas.platform.chunks import ceil_div
from lambdas.platform.errors import MonitorError

SHORTEST_PREFIX = 16  # the largest subnet a VPC allows
LONGEST_PREFIX = 28  # the smallest
LOAD_BALANCER_ADDRESSES = 8  # Elastic Load Balancing needs at least 8 free addresses in each subnet
PREFIX_BLOCK = 16  # a /28, what the VPC CNI assigns per prefix under prefix delegation
# EKS's max-pods-calculator.sh: under prefix delegation, at most 110 pods on an instance with fewer than 30
# vCPUs, 250 otherwise (kubelet's and the scheduler's practical limits, not the ENI's).
PREFIX_MAX_PODS_SMALL, PREFIX_MAX_PODS_LARGE, LARGE_VCPUS = 110, 250, 30
MAX_PODS_SOURCE = (
    "EKS: maxPods = ENIs x (IPv4 per ENI - 1) + 2 (awslabs/amazon-eks-ami eni-max-pods.txt); with prefix "
    "delegation ENIs x (IPv4 per ENI - 1) x 16 + 2, capped at 110 below 30 vCPUs and 250 above "
    "(max-pods-calculator.sh; EKS user guide, 'Assign more IP addresses to Amazon EKS nodes with prefixes')"
)


class PlanError(MonitorError):
    """The inputs cannot be planned (nothing to place, or more than a /16 per Availability Zone)."""


@dataclass(frozen=True)
class InstanceLimits:
    """One instance type's network limits and where they came from (the EC2 API or the shipped table)."""

    instance_type: str
    vcpus: int
    max_network_interfaces: int
    ipv4_per_interface: int
    trunk_task_limit: int | None  # awsvpc tasks with a trunk ENI; None: the type does not support trunking
    source: str


@dataclass(frozen=True)
class PlanInputs:
    """What the platform team knows about the workload sharing the subnets."""

    tasks: int = 0
    max_percent: int = 200
    azs: int = 3
    instances: int = 0
    trunking: bool = False
    load_balancer: bool = False
    headroom_percent: int = 20
    pods: int = 0
    nodes: int = 0
    prefix_delegation: bool = False


@dataclass
class Plan:
    """The addresses one AZ's subnet needs, the subnet that covers them, and the steps that got there."""

    addresses: int
    prefix_length: int
    usable: int
    steps: list[str]
    instances: dict[str, Any] | None = None
    eks: dict[str, Any] | None = None
    notes: list[str] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        """The documented JSON: perAz, steps, and instances / eks when they were asked for."""
        document: dict[str, Any] = {
            "perAz": {"addresses": self.addresses, "prefixLength": self.prefix_length, "usable": self.usable},
            "steps": self.steps,
        }
        if self.instances is not None:
            document["instances"] = self.instances
        if self.eks is not None:
            document["eks"] = self.eks
        if self.notes:
            document["notes"] = self.notes
        return document


def smallest_prefix_for(addresses: int) -> int:
    """The longest prefix (smallest subnet) between /16 and /28 whose usable addresses cover addresses."""
    for prefix in range(LONGEST_PREFIX, SHORTEST_PREFIX - 1, -1):
        if usable_addresses_of_prefix(prefix) >= addresses:
            return prefix
    raise PlanError(
        f"{addresses} addresses per AZ need more than a /16 ({usable_addresses_of_prefix(SHORTEST_PREFIX)} "
        "usable): spread the workload over more Availability Zones or subnets"
    )


def plan_subnets(inputs: PlanInputs, limits: InstanceLimits | None = None) -> Plan:
    """The per-AZ subnet for inputs, with instance counts (ECS on EC2) and EKS figures when limits are given."""
    _check(inputs)
    steps: list[str] = []
    subtotal = 0
    if inputs.tasks:
        peak = inputs.tasks * inputs.max_percent
        per_az = ceil_div(peak, 100 * inputs.azs)
        steps.append(
            f"ECS tasks at the deployment peak, per AZ: ceil({inputs.tasks} x {inputs.max_percent} / 100 / "
            f"{inputs.azs}) = {per_az} addresses (one per awsvpc task; a rolling deployment at maximumPercent "
            f"{inputs.max_percent} runs {peak / 100:g} tasks for a while)"
        )
        subtotal += per_az
    if inputs.instances:
        per_instance = 2 if inputs.trunking else 1
        per_az = ceil_div(inputs.instances, inputs.azs) * per_instance
        why = "primary ENI + trunk ENI" if inputs.trunking else "primary ENI"
        steps.append(
            f"EC2 container instances in these subnets, per AZ: ceil({inputs.instances} / {inputs.azs}) x "
            f"{per_instance} ({why}) = {per_az}"
        )
        subtotal += per_az
    eks = None
    if inputs.pods or inputs.nodes:
        eks_addresses, eks, eks_steps = eks_figures(inputs, limits)
        steps += eks_steps
        subtotal += eks_addresses
    if inputs.load_balancer:
        steps.append(f"Load balancer: {LOAD_BALANCER_ADDRESSES} free addresses in each of its subnets")
        subtotal += LOAD_BALANCER_ADDRESSES
    addresses = ceil_div(subtotal * (100 + inputs.headroom_percent), 100)
    steps.append(
        f"Subtotal {subtotal}, with {inputs.headroom_percent}% headroom: ceil({subtotal} x "
        f"{100 + inputs.headroom_percent} / 100) = {addresses} addresses per AZ"
    )
    prefix = smallest_prefix_for(addresses)
    steps.append(_prefix_step(addresses, prefix))
    plan = Plan(addresses, prefix, usable_addresses_of_prefix(prefix), steps, eks=eks)
    if limits is not None and inputs.tasks:
        plan.instances, instance_steps = instance_figures(inputs, limits)
        plan.steps += instance_steps
    return plan


def _check(inputs: PlanInputs) -> None:
    counts = {"--tasks": inputs.tasks, "--instances": inputs.instances, "--pods": inputs.pods, "--nodes": inputs.nodes}
    floors = {
        "--azs": (inputs.azs, 1),
        "--max-percent": (inputs.max_percent, 100),
        "--headroom-percent": (inputs.headroom_percent, 0),
    }
    problems = [f"{flag} must be at least 1 (got {value})" for flag, value in counts.items() if value < 0]
    problems += [f"{flag} must be at least {low} (got {value})" for flag, (value, low) in floors.items() if value < low]
    if problems:
        raise PlanError("; ".join(problems))
    if not any(counts.values()):
        raise PlanError("nothing to place: give --tasks, --instances, or --pods with --nodes")
    if inputs.pods and not inputs.nodes:
        raise PlanError("--pods needs --nodes: the pods' share of each node decides its addresses")
    if inputs.nodes and not inputs.pods:
        raise PlanError("--nodes needs --pods: a node's addresses depend on the pods it runs")


def _prefix_step(addresses: int, prefix: int) -> str:
    usable = usable_addresses_of_prefix(prefix)
    step = f"Subnet per AZ: /{prefix} ({usable} usable = 2^{32 - prefix} - {AWS_RESERVED_ADDRESSES_PER_SUBNET})"
    if prefix < LONGEST_PREFIX:
        smaller = prefix + 1
        step += f", because a /{smaller} has only {usable_addresses_of_prefix(smaller)} for {addresses}"
    return step


def instance_figures(inputs: PlanInputs, limits: InstanceLimits) -> tuple[dict[str, Any], list[str]]:
    """EC2 launch type: awsvpc task slots per instance with and without trunking, the instances the peak needs,
    and the steps."""
    peak = ceil_div(inputs.tasks * inputs.max_percent, 100)
    without = max(limits.max_network_interfaces - 1, 0)
    with_trunk = limits.trunk_task_limit
    steps = [
        f"{limits.instance_type} ({limits.source}): {limits.max_network_interfaces} network interfaces, so "
        f"{without} awsvpc task slots without trunking (MaximumNetworkInterfaces - 1, the primary ENI is the "
        "instance's own)"
    ]
    needed_without = ceil_div(peak, without) if without else None
    steps.append(
        f"Instances for the peak of {peak} tasks without trunking: ceil({peak} / {without}) = {needed_without}"
        if without
        else f"{limits.instance_type} has no interface to spare for awsvpc tasks without trunking"
    )
    needed_with = None
    if with_trunk:
        needed_with = ceil_div(peak, with_trunk)
        steps.append(
            f"With awsvpcTrunking (instances launched after the opt-in): {with_trunk} slots (ECS trunk table), "
            f"ceil({peak} / {with_trunk}) = {needed_with} instances"
        )
    else:
        steps.append(f"{limits.instance_type} does not support awsvpcTrunking (not in the ECS trunk table)")
    if not inputs.instances:
        trunked = needed_with is not None and inputs.trunking
        count = needed_with if trunked else needed_without
        if count:
            steps.append(
                f"If these {count} instances share the task subnets, their own addresses count too: add "
                f"--instances {count} --trunking {'on' if trunked else 'off'}"
            )
    figures = {
        "instanceType": limits.instance_type,
        "source": limits.source,
        "peakTasks": peak,
        "taskSlotsWithoutTrunking": without,
        "taskSlotsWithTrunking": with_trunk,
        "instancesWithoutTrunking": needed_without,
        "instancesWithTrunking": needed_with,
    }
    return figures, steps


def max_pods(limits: InstanceLimits, *, prefix_delegation: bool) -> int:
    """EKS's max pods of one node of this type (MAX_PODS_SOURCE)."""
    secondary = limits.ipv4_per_interface - 1
    if not prefix_delegation:
        return limits.max_network_interfaces * secondary + 2
    cap = PREFIX_MAX_PODS_LARGE if limits.vcpus >= LARGE_VCPUS else PREFIX_MAX_PODS_SMALL
    return min(limits.max_network_interfaces * secondary * PREFIX_BLOCK + 2, cap)


def eks_figures(inputs: PlanInputs, limits: InstanceLimits | None) -> tuple[int, dict[str, Any], list[str]]:
    """Addresses per AZ the pods and nodes take, with the VPC CNI's defaults, and whether the pods fit."""
    pods_per_az = ceil_div(inputs.pods, inputs.azs)
    nodes_per_az = ceil_div(inputs.nodes, inputs.azs)
    pods_per_node = ceil_div(inputs.pods, inputs.nodes)
    figures: dict[str, Any] = {"podsPerAz": pods_per_az, "nodesPerAz": nodes_per_az, "podsPerNode": pods_per_node}
    steps = []
    if inputs.prefix_delegation:
        # WARM_PREFIX_TARGET=1 (the VPC CNI's default): one spare /28 per node beyond what its pods use.
        prefixes = ceil_div(pods_per_node, PREFIX_BLOCK) + 1
        per_node = prefixes * PREFIX_BLOCK + 1
        addresses = nodes_per_az * per_node
        figures |= {"prefixesPerNode": prefixes, "freeAlignedBlocksPerAz": nodes_per_az * prefixes}
        steps.append(
            f"EKS with prefix delegation, per AZ: {nodes_per_az} nodes x (ceil({pods_per_node} pods / 16) + 1 warm "
            f"prefix = {prefixes} /28 blocks x 16 + 1 node address) = {addresses}; the subnet needs "
            f"{nodes_per_az * prefixes} free aligned /28 blocks, so keep it unfragmented (a CIDR reservation)"
        )
    else:
        addresses = pods_per_az + nodes_per_az
        steps.append(
            f"EKS pods and nodes, per AZ: ceil({inputs.pods} / {inputs.azs}) pods + ceil({inputs.nodes} / "
            f"{inputs.azs}) node addresses = {addresses}"
        )
        if limits is not None:
            # WARM_ENI_TARGET=1 (the VPC CNI's default): each node keeps a whole spare ENI's addresses.
            warm = nodes_per_az * limits.ipv4_per_interface
            addresses += warm
            steps.append(
                f"VPC CNI warm pool (WARM_ENI_TARGET=1): up to {nodes_per_az} nodes x {limits.ipv4_per_interface} "
                f"addresses of a spare ENI = {warm} (an upper bound; fewer when attached ENIs still have room)"
            )
    if limits is not None:
        limit = max_pods(limits, prefix_delegation=inputs.prefix_delegation)
        figures |= {"maxPodsPerNode": limit, "maxPodsSource": MAX_PODS_SOURCE}
        fits = pods_per_node <= limit
        steps.append(
            f"Max pods on a {limits.instance_type}: {limit}; {pods_per_node} per node "
            + ("fits" if fits else f"does NOT fit: at least {ceil_div(inputs.pods, limit)} nodes are needed")
        )
    figures["addressesPerAz"] = addresses
    return addresses, figures, steps
