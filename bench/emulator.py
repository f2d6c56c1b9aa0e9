"""moto made to page like AWS (so the benchmark counts the calls AWS would receive) and to scale.

moto 5.2.5 answers DescribeSubnets, DescribeNetworkInterfaces, ListClusters, ListContainerInstances and
ListTasks in one page whatever MaxResults/maxResults say. Real AWS returns at most MaxResults items (the
EC2 describe calls: up to 1,000, all when it is absent; the ECS list calls: 1-100, default 100) and a token
for the rest. This patch slices moto's result the same way, with the offset as the token.

moto counts a subnet's free addresses by scanning every interface of the region, for every subnet it
describes: 10,000 subnets x 55,000 interfaces at L. A count per subnet, made once while the interfaces do
not change, gives the same answer.

moto's DescribeTasks compares every requested ARN with every task of every cluster (50,000 tasks x 100
ARNs per call at the L size); an indexed lookup gives the same answer in a fraction of the time, which
only shortens the benchmark's wall time (the emulator's CPU is not counted as the handler's anyway).

Benchmark only; never shipped.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from typing import Any
from unittest.mock import patch

from moto.core.responses import ActionResult
from moto.ec2.models.subnets import Subnet
from moto.ec2.responses.elastic_network_interfaces import ElasticNetworkInterfaces
from moto.ec2.responses.subnets import Subnets
from moto.ecs.exceptions import InvalidParameterException
from moto.ecs.models import EC2ContainerServiceBackend, Task
from moto.ecs.responses import EC2ContainerServiceResponse

# (response class, method, list key, size parameter, token parameter, default page size or None for "all")
PAGED: tuple[tuple[type, str, str, str, str, int | None], ...] = (
    (Subnets, "describe_subnets", "Subnets", "MaxResults", "NextToken", None),
    (ElasticNetworkInterfaces, "describe_network_interfaces", "NetworkInterfaces", "MaxResults", "NextToken", None),
    (EC2ContainerServiceResponse, "list_clusters", "clusterArns", "maxResults", "nextToken", 100),
    (EC2ContainerServiceResponse, "list_container_instances", "containerInstanceArns", "maxResults", "nextToken", 100),
    (EC2ContainerServiceResponse, "list_tasks", "taskArns", "maxResults", "nextToken", 100),
)


def _paged(
    original: Callable[[Any], ActionResult], key: str, size_param: str, token_param: str, default: int | None
) -> Callable[[Any], ActionResult]:
    def method(self: Any) -> ActionResult:
        result = original(self)
        body = dict(result.result)  # type: ignore[call-overload]
        size = self._get_param(size_param) or default
        if size is None:
            return result
        start = int(self._get_param(token_param) or 0)
        items = body[key]
        body[key] = items[start : start + int(size)]
        if start + int(size) < len(items):
            body[token_param[0].upper() + token_param[1:] if key == "Subnets" else token_param] = str(start + int(size))
        return ActionResult(body)

    return method


def _indexed_describe_tasks(self: EC2ContainerServiceBackend, cluster_str: str, tasks: list[str]) -> list[Task]:
    cluster = self._get_cluster(cluster_str)
    if not tasks:
        raise InvalidParameterException("Tasks cannot be empty.")
    cluster_tasks = self.tasks.get(cluster.name, {})
    found = [cluster_tasks[arn] for arn in tasks if arn in cluster_tasks]
    for task in found:
        task.advance()
    return found


def _indexed_available_ip_address_count(self: Subnet) -> int:
    backend = self.ec2_backend
    cached = getattr(backend, "_bench_addresses_taken", None)
    if cached is None or cached[0] != len(backend.enis):
        taken: Counter[str] = Counter()
        for eni in backend.enis.values():
            taken[eni.subnet.id] += len(eni.private_ip_addresses)
        cached = (len(backend.enis), taken)
        backend._bench_addresses_taken = cached
    return int(self._available_ip_addresses - cached[1][self.id])


@contextmanager
def aws_like_emulator() -> Iterator[None]:
    """Within the block, moto pages the five list calls as AWS does, and counts free addresses and describes
    tasks by index."""
    with ExitStack() as stack:
        for cls, name, key, size_param, token_param, default in PAGED:
            stack.enter_context(
                patch.object(cls, name, _paged(getattr(cls, name), key, size_param, token_param, default))
            )
        stack.enter_context(patch.object(EC2ContainerServiceBackend, "describe_tasks", _indexed_describe_tasks))
        stack.enter_context(
            patch.object(Subnet, "available_ip_address_count", property(_indexed_available_ip_address_count))
        )
        yield


def bench_environment(region: str) -> dict[str, str]:
    """What every benchmark run sets before the handlers are imported: fake credentials in region, quiet logs."""
    return {
        "AWS_ACCESS_KEY_ID": "bench",
        "AWS_SECRET_ACCESS_KEY": "bench",
        "AWS_DEFAULT_REGION": region,
        "AWS_REGION": region,
        "POWERTOOLS_SERVICE_NAME": "subnet-ip-monitor-bench",
        "POWERTOOLS_LOG_LEVEL": "ERROR",
    }
