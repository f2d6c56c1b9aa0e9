"""What moto drops from network interfaces, carried through it as tags.

moto ignores `InterfaceType` and IPv4 prefixes on CreateNetworkInterface, keeps no `RequesterManaged` or
`RequesterId`, and leaves an interface it did not attach to an instance `available` (in AWS, interfaces that
Lambda, load balancers, NAT gateways, endpoints and Fargate create are `in-use` with no instance). The
seeds write those fields as `emulator:<Field>` tags; the hook below moves them, on every
DescribeNetworkInterfaces answer, to where AWS puts them and drops the tags, so the code under test reads
the shapes the real API returns. Only the demo and the tests use it; the Lambda asset never sees it.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any
from unittest.mock import patch

import boto3

TAG_PREFIX = "emulator:"


def aws_fields(
    *,
    interface_type: str | None = None,
    requester_managed: bool = False,
    requester_id: str | None = None,
    status: str | None = None,
    instance_id: str | None = None,
    prefixes: tuple[str, ...] = (),
) -> list[dict[str, str]]:
    """The tags a seed puts on an interface for the fields moto would drop."""
    fields = {
        "InterfaceType": interface_type,
        "RequesterManaged": "true" if requester_managed or requester_id else None,
        "RequesterId": requester_id,
        "Status": status,
        "InstanceId": instance_id,
        "Ipv4Prefixes": ",".join(prefixes) or None,
    }
    return [{"Key": f"{TAG_PREFIX}{key}", "Value": value} for key, value in fields.items() if value]


def restore_aws_fields(ec2: Any) -> None:
    """Make ec2's DescribeNetworkInterfaces answers carry the fields the seeds wrote as tags."""
    ec2.meta.events.register(
        "after-call.ec2.DescribeNetworkInterfaces", _restore, unique_id="emulator-restore-aws-fields"
    )


def _restore(parsed: dict[str, Any], **_: Any) -> None:
    for eni in parsed.get("NetworkInterfaces", []):
        tags = eni.get("TagSet", [])
        fields = {t["Key"].removeprefix(TAG_PREFIX): t["Value"] for t in tags if t["Key"].startswith(TAG_PREFIX)}
        eni["TagSet"] = [t for t in tags if not t["Key"].startswith(TAG_PREFIX)]
        if "InterfaceType" in fields:
            eni["InterfaceType"] = fields["InterfaceType"]
        if "RequesterManaged" in fields:
            eni["RequesterManaged"] = True
        if "RequesterId" in fields:
            eni["RequesterId"] = fields["RequesterId"]
        if "Status" in fields:
            eni["Status"] = fields["Status"]
        if "InstanceId" in fields:
            eni["Attachment"] = {"InstanceId": fields["InstanceId"], "Status": "attached"}
        if "Ipv4Prefixes" in fields:
            eni["Ipv4Prefixes"] = [{"Ipv4Prefix": p} for p in fields["Ipv4Prefixes"].split(",")]


@contextmanager
def restoring_aws_fields_everywhere() -> Iterator[None]:
    """Within the block, every EC2 client any boto3 session makes restores the fields (hub mode's member
    sessions are made by the code under test, so their clients cannot be hooked one by one)."""
    make_client = boto3.Session.client

    def client(self: boto3.Session, *args: Any, **kwargs: Any) -> Any:
        made = make_client(self, *args, **kwargs)
        if (args[0] if args else kwargs.get("service_name")) == "ec2":
            restore_aws_fields(made)
        return made

    with patch.object(boto3.Session, "client", client):
        yield
