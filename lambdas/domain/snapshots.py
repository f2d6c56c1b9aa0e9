"""The census snapshot's documented shape (docs/census.md): where its readers find it, and pure reads.

Account mode keeps one snapshot (census/latest.json); hub mode one per target account and region under
census/members/. Readers that show the whole organization (the dashboard table, the digest) read them all.
"""

from __future__ import annotations

from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from ..platform.aws.s3 import get_document, list_keys
from ..platform.contract import CENSUS_SNAPSHOT_KEY, MEMBER_SNAPSHOT_PREFIX
from ..platform.errors import AwsReadError
from ..platform.text import quoted
from .network import Subnet, subnet_label

# S3 clients are thread-safe; 8 GETs at a time read 120 targets' snapshots in about a second.
PARALLEL_READS = 8


def subnet_entry(snapshot: dict[str, Any] | None, subnet_id: str) -> dict[str, Any] | None:
    """The snapshot's entry for subnet_id, None if there is no snapshot or the census did not see the subnet."""
    return next((s for s in (snapshot or {}).get("subnets", []) if s["subnetId"] == subnet_id), None)


def read_snapshots(
    s3: Any,
    bucket: str,
    *,
    hub: bool,
    key: str = CENSUS_SNAPSHOT_KEY,
    members_prefix: str = MEMBER_SNAPSHOT_PREFIX,
) -> tuple[list[dict[str, Any]], list[AwsReadError]]:
    """Every latest document in scope — the census snapshot, or with key and members_prefix another kept the
    same way (the deployment fit) — in account mode the one, in hub mode each target's; and the reads that
    failed: one document that cannot be read never hides the others."""
    if hub:
        try:
            keys = [k for k in list_keys(s3, bucket, members_prefix) if k.endswith("/latest.json")]
        except AwsReadError as err:
            return [], [err]
    else:
        keys = [key]

    def read(key: str) -> dict[str, Any] | AwsReadError | None:
        try:
            return get_document(s3, bucket, key)
        except AwsReadError as err:
            return err

    with ThreadPoolExecutor(max_workers=PARALLEL_READS) as pool:
        results = list(pool.map(read, keys))
    snapshots = [r for r in results if isinstance(r, dict)]
    return snapshots, [r for r in results if isinstance(r, AwsReadError)]


def snapshot_subnets(snapshots: Sequence[dict[str, Any]]) -> list[tuple[str, str, Subnet]]:
    """Every IPv4 subnet of the snapshots as (account, region, subnet), as the census last counted it."""
    return [
        (
            snapshot["accountId"],
            snapshot["region"],
            Subnet(
                subnet_id=entry["subnetId"],
                vpc_id=entry["vpcId"],
                availability_zone=entry["availabilityZone"],
                cidr_block=entry["cidrBlock"],
                available_ip_address_count=int(entry["availableAddresses"]),
                name=entry.get("name"),
                owner_id=snapshot["accountId"],
            ),
        )
        for snapshot in snapshots
        for entry in snapshot["subnets"]
        if entry.get("cidrBlock")
    ]


def merged_snapshot(snapshots: Sequence[dict[str, Any]]) -> dict[str, Any] | None:
    """One snapshot-shaped view of many (their subnets and unattached interfaces together), None if none."""
    if not snapshots:
        return None
    return {
        "subnets": [entry for snapshot in snapshots for entry in snapshot["subnets"]],
        "unattached": [entry for snapshot in snapshots for entry in snapshot["unattached"]],
    }


def unattached_lines(unattached: Sequence[dict[str, Any]], *, listed: int, rest_in: str) -> list[str]:
    """'INTERFACES ATTACHED TO NOTHING: n holding m addresses' and the first `listed` of them, then where the
    rest are (the snapshot's `unattached` entries, for the digest and the report)."""
    held = sum(u["addresses"] for u in unattached)
    lines = [f"INTERFACES ATTACHED TO NOTHING: {len(unattached)} holding {held} addresses"]
    lines += [
        f"- {u['networkInterfaceId']} in {subnet_label(u['subnetId'], u.get('subnetName'))} ({u['addresses']}): "
        f"{interface_description(u)}"
        for u in unattached[:listed]
    ]
    if len(unattached) > listed:
        lines.append(f"- and {len(unattached) - listed} more ({rest_in})")
    return lines


def interface_description(unattached: dict[str, Any], *, missing: str = "-") -> str:
    """An unattached interface's description (a snapshot entry) as someone else's words, quoted; missing without
    one."""
    description = unattached.get("description")
    return quoted(description) if description else missing
