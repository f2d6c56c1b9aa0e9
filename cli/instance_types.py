"""An instance type's network limits for `plan`: from EC2 when credentials exist, else the shipped table."""

from __future__ import annotations

import functools
import json
from pathlib import Path
from typing import Any

import boto3
from botocore.config import Config

from cli.plan import InstanceLimits, PlanError
from lambdas.ecs.trunk_table import trunk_task_limits
from lambdas.platform.errors import AWS_ERRORS

TABLE_PATH = Path(__file__).parent / "data" / "instance_network_limits.json"
# One quick try: a plan must not hang on a machine without network access.
QUICK = Config(retries={"total_max_attempts": 1}, connect_timeout=3, read_timeout=5)


@functools.cache
def shipped_limits() -> dict[str, dict[str, int]]:
    """The shipped table's rows by instance type."""
    return dict(json.loads(TABLE_PATH.read_text())["types"])


def instance_limits(instance_type: str, session: boto3.Session | None) -> InstanceLimits:
    """The type's limits from DescribeInstanceTypes when session has credentials, else the shipped table;
    raise PlanError when neither knows the type."""
    trunk = trunk_task_limits().get(instance_type)
    if session is not None and session.get_credentials() is not None:
        described = _described(session, instance_type)
        if described is not None:
            network, vcpus = described
            return InstanceLimits(
                instance_type,
                vcpus,
                int(network["MaximumNetworkInterfaces"]),
                int(network["Ipv4AddressesPerInterface"]),
                trunk,
                "EC2 DescribeInstanceTypes",
            )
    row = shipped_limits().get(instance_type)
    if row is None:
        raise PlanError(
            f"{instance_type} is not in the shipped table ({TABLE_PATH.name}) and EC2 could not be asked: "
            "run with AWS credentials, or add its row"
        )
    return InstanceLimits(
        instance_type,
        row["vcpus"],
        row["max_network_interfaces"],
        row["ipv4_per_interface"],
        trunk,
        "shipped table, no AWS credentials used",
    )


def _described(session: boto3.Session, instance_type: str) -> tuple[dict[str, Any], int] | None:
    try:
        answer = session.client("ec2", config=QUICK).describe_instance_types(InstanceTypes=[instance_type])
    except AWS_ERRORS:
        return None  # no network, no permission, an unknown type: the table decides
    (described,) = answer["InstanceTypes"] or [None]
    if described is None:
        return None
    return described["NetworkInfo"], int(described["VCpuInfo"]["DefaultVCpus"])
