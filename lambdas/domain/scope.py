"""The subnets in scope, read once per run by every collector that reads subnets (subnets, census)."""

from __future__ import annotations

from typing import Any

from ..platform.errors import AwsReadError
from ..platform.report import Deadline, RunReport
from ..platform.settings import SubnetScopeSettings
from .network import Subnet, describe_subnets_filters
from .subnet_reads import iter_subnet_pages


def read_subnets_in_scope(
    ec2: Any,
    scope: SubnetScopeSettings,
    report: RunReport,
    deadline: Deadline | None = None,
    *,
    owned_by: str | None = None,
) -> dict[str, Subnet]:
    """Every subnet in scope by id (one seen on two pages, as the set changed while paging, counts once);
    a page that fails, or a deadline that nears, ends the reading with what was read and says so.

    owned_by (hub mode): only the subnets that account owns. A subnet shared through AWS RAM appears in
    every participant's DescribeSubnets; read from its owner alone, it is published and counted once.
    """
    subnets: dict[str, Subnet] = {}
    filters = describe_subnets_filters(scope.vpc_ids, scope.subnet_tag_filter)
    try:
        for page in iter_subnet_pages(ec2, filters):
            subnets.update((s.subnet_id, s) for s in page if owned_by is None or s.owner_id in (None, owned_by))
            if deadline and deadline.near():
                report.stop_early("the remaining DescribeSubnets pages", deadline)
                break
    except AwsReadError as err:
        report.record_failure(err)
    return subnets
