"""Pure: who holds a subnet's addresses. Every network interface falls in exactly one category, with an owner.

How an interface is recognised: the rules below, in this order, first match wins (RULES). Sources are
public; where AWS documents no shape, the open-source code that creates those interfaces is the source.

1. `Status` `available` -> unattached, whoever created it (EC2 API reference, NetworkInterfaceStatus).
2. `InterfaceType` `trunk` -> ecs-trunk, owner the instance (ECS developer guide, ENI trunking).
3. `InterfaceType` `branch` with description `aws-k8s-…` or tag `cluster.k8s.amazonaws.com/name` ->
   eks-pod-eni, owner the tag (aws/amazon-vpc-resource-controller-k8s names its ENIs `aws-k8s-`);
   any other `branch` -> ecs-task (ECS developer guide, ENI trunking: tasks get branch interfaces).
4. `InterfaceType` `lambda`, `natGateway`, `vpc_endpoint`, `gateway_load_balancer_endpoint`, the load
   balancer types, or the description AWS writes for them -> lambda, nat-gateway, vpc-endpoint,
   load-balancer. Owners from the description: `AWS Lambda VPC ENI-<function>-<uuid>` (Lambda developer
   guide, VPC networking; hashicorp/terraform-provider-aws matches the same prefix), `ELB app/<name>/<id>`,
   `ELB net/<name>/<id>` or `ELB <name>` (Elastic Load Balancing guides), `Interface for NAT Gateway nat-…`
   (VPC user guide, NAT gateways), `VPC Endpoint Interface vpce-…` (PrivateLink guide).
5. Any other `InterfaceType` but `interface`, `efa`, `efa-only` -> other-aws-service, owner the type
   (EC2 API reference, NetworkInterfaceType).
6. Description `arn:aws…:ecs:<region>:<account>:attachment/…` or tag `aws:ecs:clusterName` -> ecs-task,
   owner `cluster/service` from the `aws:ecs:*` tags where present (ECS developer guide, task networking;
   ECS does not always tag task interfaces, containers-roadmap issue 567).
7. Description `Amazon EKS <cluster>` -> eks-control-plane (EKS user guide, cluster VPC requirements).
8. Description `aws-K8S-…` or tag `cluster.k8s.amazonaws.com/name` -> eks-node, owner the tag or the
   instance's `eks:cluster-name` (aws/amazon-vpc-cni-k8s: its ENI description prefix and tags).
9. Attached to an instance tagged `eks:cluster-name` -> eks-node (EKS user guide, managed node groups
   tag their instances); attached to any other instance -> ec2-instance, owner the instance.
10. `RequesterManaged` -> other-aws-service, owner the `RequesterId` (EC2 API reference).
11. Anything else -> other.

Addresses held = private IPv4 addresses + 16 per IPv4 /28 prefix. Unknown shapes land in `other`, never in an
error.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum

ADDRESSES_PER_PREFIX = 16  # an IPv4 prefix delegated to an interface is a /28


class Category(StrEnum):
    """Who asked for an interface (the census vocabulary)."""

    ECS_TASK = "ecs-task"
    ECS_TRUNK = "ecs-trunk"
    EKS_NODE = "eks-node"
    EKS_POD_ENI = "eks-pod-eni"
    EKS_CONTROL_PLANE = "eks-control-plane"
    LAMBDA = "lambda"
    LOAD_BALANCER = "load-balancer"
    NAT_GATEWAY = "nat-gateway"
    VPC_ENDPOINT = "vpc-endpoint"
    EC2_INSTANCE = "ec2-instance"
    UNATTACHED = "unattached"
    OTHER_AWS_SERVICE = "other-aws-service"
    OTHER = "other"


# InterfaceType values that say nothing about the owner: the description and tags decide.
GENERIC_INTERFACE_TYPES = frozenset({"interface", "efa", "efa-only", ""})
TYPE_CATEGORIES = {
    "lambda": Category.LAMBDA,
    "load_balancer": Category.LOAD_BALANCER,
    "network_load_balancer": Category.LOAD_BALANCER,
    "gateway_load_balancer": Category.LOAD_BALANCER,
    "natGateway": Category.NAT_GATEWAY,
    "vpc_endpoint": Category.VPC_ENDPOINT,
    "gateway_load_balancer_endpoint": Category.VPC_ENDPOINT,
}
ECS_CLUSTER_TAG = "aws:ecs:clusterName"
ECS_SERVICE_TAG = "aws:ecs:serviceName"
K8S_CLUSTER_TAG = "cluster.k8s.amazonaws.com/name"
EKS_INSTANCE_TAG = "eks:cluster-name"

ECS_ATTACHMENT = re.compile(r"^arn:aws[a-z-]*:ecs:[^:]*:\d*:attachment/")
EKS_CONTROL_PLANE = re.compile(r"^Amazon EKS (?P<owner>\S+)")
LAMBDA_ENI = re.compile(r"^AWS Lambda VPC ENI-(?P<owner>.+)-[0-9a-f]{8}(-[0-9a-f]{4}){3}-[0-9a-f]{12}$")
LOAD_BALANCER = re.compile(r"^ELB (?P<owner>(app|net|gwy)/[^/]+|[^/\s]+)")
NAT_GATEWAY = re.compile(r"^Interface for NAT Gateway (?P<owner>nat-[0-9a-f]+)")
VPC_ENDPOINT = re.compile(r"^VPC Endpoint Interface (?P<owner>vpce-[0-9a-f]+)")
VPC_CNI_PREFIX = "aws-k8s-"  # aws-K8S-i-… (VPC CNI) and aws-k8s-branch-eni (resource controller), any case
DESCRIPTIONS = (
    (LAMBDA_ENI, Category.LAMBDA),
    (LOAD_BALANCER, Category.LOAD_BALANCER),
    (NAT_GATEWAY, Category.NAT_GATEWAY),
    (VPC_ENDPOINT, Category.VPC_ENDPOINT),
)


@dataclass(frozen=True)
class NetworkInterface:
    """One interface as DescribeNetworkInterfaces returns it, down to what the census reads."""

    interface_id: str
    subnet_id: str
    vpc_id: str
    status: str
    interface_type: str = "interface"
    description: str = ""
    requester_id: str | None = None
    requester_managed: bool = False
    instance_id: str | None = None  # the instance it is attached to, if any
    private_ips: tuple[str, ...] = ()
    ipv4_prefixes: tuple[str, ...] = ()
    tags: Mapping[str, str] = field(default_factory=dict)

    @property
    def addresses(self) -> int:
        """IPv4 addresses this interface takes from its subnet."""
        return len(self.private_ips) + ADDRESSES_PER_PREFIX * len(self.ipv4_prefixes)


@dataclass(frozen=True)
class Consumer:
    """Who holds an interface: its category and, where the data says, its owner."""

    category: Category
    owner: str | None = None


Rule = Callable[[NetworkInterface, Mapping[str, str]], "Consumer | None"]


def classify(eni: NetworkInterface, eks_instances: Mapping[str, str]) -> Consumer:
    """The one category (and owner) of an interface; eks_instances maps instance id -> EKS cluster name."""
    for rule in RULES:
        consumer = rule(eni, eks_instances)
        if consumer is not None:
            return consumer
    return Consumer(Category.OTHER)


def _unattached(eni: NetworkInterface, _: Mapping[str, str]) -> Consumer | None:
    return Consumer(Category.UNATTACHED) if eni.status == "available" else None


def _trunk_or_branch(eni: NetworkInterface, _: Mapping[str, str]) -> Consumer | None:
    if eni.interface_type == "trunk":
        return Consumer(Category.ECS_TRUNK, eni.instance_id)
    if eni.interface_type != "branch":
        return None
    if _is_vpc_cni(eni):
        return Consumer(Category.EKS_POD_ENI, eni.tags.get(K8S_CLUSTER_TAG))
    return Consumer(Category.ECS_TASK, _ecs_owner(eni))


def _service_interface(eni: NetworkInterface, _: Mapping[str, str]) -> Consumer | None:
    described = next(
        (
            Consumer(category, m.group("owner"))
            for pattern, category in DESCRIPTIONS
            if (m := pattern.match(eni.description))
        ),
        None,
    )
    typed = TYPE_CATEGORIES.get(eni.interface_type)
    if typed is not None:
        return Consumer(typed, described.owner if described and described.category is typed else None)
    if described is not None:
        return described
    if eni.interface_type not in GENERIC_INTERFACE_TYPES:
        return Consumer(Category.OTHER_AWS_SERVICE, eni.interface_type)
    return None


def _described(description: str) -> Consumer | None:
    for pattern, category in DESCRIPTIONS:
        match = pattern.match(description)
        if match:
            return Consumer(category, match.group("owner"))
    return None


def _ecs_task(eni: NetworkInterface, _: Mapping[str, str]) -> Consumer | None:
    if ECS_ATTACHMENT.match(eni.description) or ECS_CLUSTER_TAG in eni.tags:
        return Consumer(Category.ECS_TASK, _ecs_owner(eni))
    return None


def _eks_control_plane(eni: NetworkInterface, _: Mapping[str, str]) -> Consumer | None:
    match = EKS_CONTROL_PLANE.match(eni.description)
    return Consumer(Category.EKS_CONTROL_PLANE, match.group("owner")) if match else None


def _instance(eni: NetworkInterface, eks_instances: Mapping[str, str]) -> Consumer | None:
    cluster = eks_instances.get(eni.instance_id or "")
    if _is_vpc_cni(eni) or cluster:
        return Consumer(Category.EKS_NODE, eni.tags.get(K8S_CLUSTER_TAG) or cluster)
    return Consumer(Category.EC2_INSTANCE, eni.instance_id) if eni.instance_id else None


def _requester_managed(eni: NetworkInterface, _: Mapping[str, str]) -> Consumer | None:
    return Consumer(Category.OTHER_AWS_SERVICE, eni.requester_id) if eni.requester_managed else None


RULES: tuple[Rule, ...] = (
    _unattached,
    _trunk_or_branch,
    _service_interface,
    _ecs_task,
    _eks_control_plane,
    _instance,
    _requester_managed,
)


def _is_vpc_cni(eni: NetworkInterface) -> bool:
    return eni.description.lower().startswith(VPC_CNI_PREFIX) or K8S_CLUSTER_TAG in eni.tags


def _ecs_owner(eni: NetworkInterface) -> str | None:
    cluster, service = eni.tags.get(ECS_CLUSTER_TAG), eni.tags.get(ECS_SERVICE_TAG)
    if cluster and service:
        return f"{cluster}/{service}"
    return cluster


# Health issue codes that mean an EKS cluster's or node group's subnets ran out of addresses (EKS API
# reference: ClusterIssueCode and NodegroupIssueCode both name it InsufficientFreeAddresses).
ADDRESS_ISSUE_CODES = frozenset({"InsufficientFreeAddresses"})


@dataclass(frozen=True)
class EksShortage:
    """An EKS cluster (nodegroup None: its control plane's subnets) or managed node group short of addresses."""

    cluster: str
    nodegroup: str | None
    arn: str
    code: str
    message: str
    subnet_ids: tuple[str, ...]
