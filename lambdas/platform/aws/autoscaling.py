"""Auto Scaling reads: the groups behind ECS capacity providers (their size limits and subnets)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ..chunks import chunks
from ..errors import AWS_ERRORS, AwsReadError

# DescribeAutoScalingGroups takes at most 50 names a call (and pages its answer).
GROUPS_PER_CALL = 50


def describe_groups(autoscaling: Any, names: Sequence[str]) -> list[dict[str, Any]]:
    """The Auto Scaling groups called names, as DescribeAutoScalingGroups describes them; raise AwsReadError."""
    described: list[dict[str, Any]] = []
    for batch in chunks(names, GROUPS_PER_CALL):
        try:
            pages = autoscaling.get_paginator("describe_auto_scaling_groups").paginate(
                AutoScalingGroupNames=list(batch)
            )
            described += [group for page in pages for group in page.get("AutoScalingGroups", [])]
        except AWS_ERRORS as err:
            raise AwsReadError.wrap("DescribeAutoScalingGroups", err, {"groups": ",".join(batch)}) from err
    return described
