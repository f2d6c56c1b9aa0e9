"""Pure: the events the census sends for EKS clusters and node groups short of addresses, so the event path
emails them.

No AWS event carries an EKS cluster's or managed node group's `InsufficientFreeAddresses` health issue; the
census reads it and sends one event per cluster or node group and issue to the monitor's private bus (its
policy admits the census's role alone, so no one can forge one), where the events capability's
EksNodegroupNoAddresses kind picks it up (counted, emailed once per incident window). The detail names the
cluster's account and region (in hub mode a member's: the event itself comes from the hub), and the subnets
with what the census knows of them; `nodegroupName` is null for the cluster's own issue.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from typing import Any

from ..platform import contract
from .model import EksShortage
from .snapshot import SubnetCensus


def in_scope(shortages: Iterable[EksShortage], subnets: Sequence[SubnetCensus]) -> list[EksShortage]:
    """The shortages of clusters and node groups with at least one subnet in the census's scope."""
    known = {s.subnet.subnet_id for s in subnets}
    return [s for s in shortages if known.intersection(s.subnet_ids)]


def shortage_events(
    shortages: Iterable[EksShortage], subnets: Sequence[SubnetCensus], *, account: str, region: str, bus: str
) -> list[dict[str, Any]]:
    """PutEvents entries for bus, one per node group issue of account and region, fullest subnet first."""
    by_id = {s.subnet.subnet_id: s for s in subnets}
    entries = []
    for shortage in shortages:
        described = [by_id[subnet_id] for subnet_id in shortage.subnet_ids if subnet_id in by_id]
        described.sort(key=lambda s: s.subnet.available_ip_address_count)
        detail = {
            "account": account,
            "region": region,
            "clusterName": shortage.cluster,
            "nodegroupName": shortage.nodegroup,
            "code": shortage.code,
            "message": shortage.message,
            "subnets": [
                {
                    "subnetId": s.subnet.subnet_id,
                    "name": s.subnet.name,
                    "availabilityZone": s.subnet.availability_zone,
                    "availableAddresses": s.subnet.available_ip_address_count,
                    "freePrefixBlocks": s.free_prefix_blocks,
                }
                for s in described
            ],
        }
        entries.append(
            {
                "EventBusName": bus,
                "Source": contract.MONITOR_EVENT_SOURCE,
                "DetailType": contract.EKS_ADDRESS_SHORTAGE,
                "Resources": [shortage.arn] if shortage.arn else [],
                "Detail": json.dumps(detail),
            }
        )
    return entries
