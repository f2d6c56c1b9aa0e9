"""ECS and EC2 reads of the ECS collector: clusters, ACTIVE container instances, RUNNING tasks, the trunking
account setting and instance types' interface limits.

Every list call asks for 100 per page and every describe call takes a whole page, so the calls grow
with pages, never with instances or tasks.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from ..platform.aws.ecs import wrap_ecs_error
from ..platform.aws.rate_limit import TokenBucket
from ..platform.errors import AWS_ERRORS, AwsReadError
from ..platform.targets import Target
from .lean_parsing import parse_lean
from .model import INSTANCE_TYPE_ATTRIBUTE, TRUNK_ATTRIBUTE, ContainerInstance, RunningTask

ECS_PAGE_SIZE = 100

# ECS cluster-resource reads (ListTasks, DescribeTasks, ListContainerInstances, DescribeContainerInstances,
# ListAttributes) share one account bucket: 100 burst, refilled at 20 per second. The collector takes at
# most half the refill and a fifth of the burst, leaving the rest to the ECS agent, deployments and scaling.
ECS_READ_RATE_PER_SECOND = 10.0
ECS_READ_BURST = 20
ECS_READ_BUDGET = "ecs-read"


def ecs_read_budget(target: Target) -> TokenBucket:
    """The target's one ECS call budget, shared by all the collector's threads."""
    return target.budget(ECS_READ_BUDGET, ECS_READ_RATE_PER_SECOND, ECS_READ_BURST)


def ecs_client(target: Target) -> Any:
    """The target's ECS client, spending the target's ECS budget on every call and parsing only what is read."""
    ecs = target.client("ecs")
    # unique_id makes registering again (every run of a warm container) a no-op.
    ecs.meta.events.register("before-call.ecs", ecs_read_budget(target).before_call, unique_id=ECS_READ_BUDGET)
    parse_lean(ecs)
    return ecs


def list_cluster_arns(ecs: Any) -> list[str]:
    """Every cluster in the account and region."""
    try:
        pages = ecs.get_paginator("list_clusters").paginate(PaginationConfig={"PageSize": ECS_PAGE_SIZE})
        return [arn for page in pages for arn in page.get("clusterArns", [])]
    except AWS_ERRORS as err:
        raise wrap_ecs_error("ListClusters", err, None) from err


def iter_active_container_instances(ecs: Any, cluster: str) -> Iterator[list[ContainerInstance]]:
    """ACTIVE container instances, one ListContainerInstances + one DescribeContainerInstances per 100."""
    for page in _list_then_describe(
        ecs,
        cluster,
        ("list_container_instances", "ListContainerInstances", "containerInstanceArns", {"status": "ACTIVE"}),
        ("describe_container_instances", "DescribeContainerInstances", "containerInstances"),
    ):
        yield [_container_instance(raw) for raw in page]


def iter_running_tasks(ecs: Any, cluster: str) -> Iterator[list[RunningTask]]:
    """Tasks with desired status RUNNING, one ListTasks + one DescribeTasks per 100."""
    for page in _list_then_describe(
        ecs,
        cluster,
        ("list_tasks", "ListTasks", "taskArns", {"desiredStatus": "RUNNING"}),
        ("describe_tasks", "DescribeTasks", "tasks"),
    ):
        yield [_task(raw) for raw in page]


def _list_then_describe(
    ecs: Any, cluster: str, lister: tuple[str, str, str, dict[str, str]], describer: tuple[str, str, str]
) -> Iterator[list[dict[str, Any]]]:
    """Page a List call (100 ARNs a page) and describe each page in one call; raw descriptions per page."""
    list_method, list_operation, arns_key, filters = lister
    describe_method, describe_operation, items_key = describer
    operation = list_operation
    try:
        pages = ecs.get_paginator(list_method).paginate(
            cluster=cluster, **filters, PaginationConfig={"PageSize": ECS_PAGE_SIZE}
        )
        for page in pages:
            arns = page.get(arns_key, [])
            if not arns:
                continue
            operation = describe_operation
            described = getattr(ecs, describe_method)(cluster=cluster, **{items_key: arns})
            yield described.get(items_key, [])
            operation = list_operation
    except AWS_ERRORS as err:
        raise wrap_ecs_error(operation, err, cluster) from err


def effective_trunking_setting(ecs: Any) -> str | None:
    """The awsvpcTrunking value in effect for the caller ('enabled'/'disabled'), None if ECS returns none."""
    try:
        settings = ecs.list_account_settings(name="awsvpcTrunking", effectiveSettings=True).get("settings", [])
    except AWS_ERRORS as err:
        raise wrap_ecs_error("ListAccountSettings", err, None) from err
    return str(settings[0]["value"]) if settings else None


def _container_instance(raw: dict[str, Any]) -> ContainerInstance:
    attributes = {a["name"]: a.get("value") for a in raw.get("attributes", [])}
    return ContainerInstance(
        arn=raw["containerInstanceArn"],
        ec2_instance_id=raw.get("ec2InstanceId", ""),
        instance_type=attributes.get(INSTANCE_TYPE_ATTRIBUTE) or "",  # "" = not reported by the agent
        trunk_id=attributes.get(TRUNK_ATTRIBUTE) or None,
    )


def _task(raw: dict[str, Any]) -> RunningTask:
    return RunningTask(
        arn=raw["taskArn"],
        container_instance_arn=raw.get("containerInstanceArn") or None,
        launch_type=raw.get("launchType") or None,
        attachment_types=tuple(a.get("type", "") for a in raw.get("attachments", [])),
    )


# DescribeInstanceTypes accepts at most 100 instance types per call.
INSTANCE_TYPES_PER_CALL = 100


def max_network_interfaces(ec2: Any, instance_types: set[str]) -> dict[str, int]:
    """MaximumNetworkInterfaces of each type, from its default network card (100 types per call)."""
    wanted = sorted(instance_types)
    limits: dict[str, int] = {}
    for start in range(0, len(wanted), INSTANCE_TYPES_PER_CALL):
        chunk = wanted[start : start + INSTANCE_TYPES_PER_CALL]
        try:
            response = ec2.describe_instance_types(InstanceTypes=chunk)
        except AWS_ERRORS as err:
            raise AwsReadError.wrap("DescribeInstanceTypes", err, {"instanceTypes": ",".join(chunk)}) from err
        for raw in response.get("InstanceTypes", []):
            limits[raw["InstanceType"]] = _default_card_interfaces(raw.get("NetworkInfo", {}))
    return limits


def _default_card_interfaces(network_info: dict[str, Any]) -> int:
    # Instances with several network cards (p4d, trn1...) attach task ENIs to the default card only.
    default_index = network_info.get("DefaultNetworkCardIndex", 0)
    for card in network_info.get("NetworkCards", []):
        if card.get("NetworkCardIndex") == default_index:
            return int(card["MaximumNetworkInterfaces"])
    return int(network_info.get("MaximumNetworkInterfaces", 1))
