"""ECS reads: clusters, ACTIVE container instances, RUNNING tasks and the trunking account setting.

Every list call asks for 100 per page and every describe call takes a whole page, so the calls grow
with pages, never with instances or tasks.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from lambdas.eni import INSTANCE_TYPE_ATTRIBUTE, TRUNK_ATTRIBUTE, ContainerInstance, RunningTask
from lambdas.errors import AWS_ERRORS, AwsReadError, ClusterNotFound

ECS_PAGE_SIZE = 100


def _wrap(operation: str, err: Exception, cluster: str | None) -> AwsReadError:
    context = {"cluster": cluster} if cluster else {}
    error = AwsReadError.wrap(operation, err, context)
    if error.code == "ClusterNotFoundException":
        return ClusterNotFound(operation, error.code, str(err), context)
    return error


def list_cluster_arns(ecs: Any) -> list[str]:
    """Every cluster in the account and region."""
    try:
        pages = ecs.get_paginator("list_clusters").paginate(PaginationConfig={"PageSize": ECS_PAGE_SIZE})
        return [arn for page in pages for arn in page.get("clusterArns", [])]
    except AWS_ERRORS as err:
        raise _wrap("ListClusters", err, None) from err


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
        raise _wrap(operation, err, cluster) from err


def effective_trunking_setting(ecs: Any) -> str | None:
    """The awsvpcTrunking value in effect for the caller ('enabled'/'disabled'), None if ECS returns none."""
    try:
        settings = ecs.list_account_settings(name="awsvpcTrunking", effectiveSettings=True).get("settings", [])
    except AWS_ERRORS as err:
        raise _wrap("ListAccountSettings", err, None) from err
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
