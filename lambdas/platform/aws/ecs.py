"""ECS service reads, shared by the ECS collector (every service) and the event handler (one service)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ..chunks import chunks
from ..errors import AWS_ERRORS, AwsReadError


class ClusterNotFound(AwsReadError):
    """The cluster was deleted while the run read it: not a failure of the monitor."""


def wrap_ecs_error(operation: str, err: Exception, cluster: str | None) -> AwsReadError:
    """The project's error for a failed ECS call: ClusterNotFound for a deleted cluster, else AwsReadError."""
    context = {"cluster": cluster} if cluster else {}
    error = AwsReadError.wrap(operation, err, context)
    if error.code == "ClusterNotFoundException":
        return ClusterNotFound(operation, error.code, str(err), context)
    return error


# ListServices returns at most 100 ARNs a page; DescribeServices takes at most 10 services a call.
LIST_PAGE_SIZE = 100
DESCRIBE_SERVICES_PER_CALL = 10


def list_service_arns(ecs: Any, cluster: str) -> list[str]:
    """Every service of cluster; raise AwsReadError."""
    try:
        pages = ecs.get_paginator("list_services").paginate(
            cluster=cluster, PaginationConfig={"PageSize": LIST_PAGE_SIZE}
        )
        return [arn for page in pages for arn in page.get("serviceArns", [])]
    except AWS_ERRORS as err:
        raise wrap_ecs_error("ListServices", err, cluster) from err


def describe_services(ecs: Any, cluster: str, services: Sequence[str]) -> list[dict[str, Any]]:
    """The services (ARNs or names) as DescribeServices describes them, 10 a call; raise AwsReadError."""
    described: list[dict[str, Any]] = []
    for batch in chunks(services, DESCRIBE_SERVICES_PER_CALL):
        try:
            described += ecs.describe_services(cluster=cluster, services=list(batch)).get("services", [])
        except AWS_ERRORS as err:
            raise wrap_ecs_error("DescribeServices", err, cluster) from err
    return described


# DescribeCapacityProviders takes at most 100 names a call.
CAPACITY_PROVIDERS_PER_CALL = 100


def describe_capacity_providers(ecs: Any, names: Sequence[str]) -> list[dict[str, Any]]:
    """The capacity providers called names, as ECS describes them; raise AwsReadError."""
    described: list[dict[str, Any]] = []
    for batch in chunks(names, CAPACITY_PROVIDERS_PER_CALL):
        try:
            described += ecs.describe_capacity_providers(capacityProviders=list(batch)).get("capacityProviders", [])
        except AWS_ERRORS as err:
            raise AwsReadError.wrap("DescribeCapacityProviders", err, {"capacityProviders": ",".join(batch)}) from err
    return described
