"""Pure: the events the census sends for node groups short of addresses, so the event path emails them.

No AWS event carries an EKS managed node group's `InsufficientFreeAddresses` health issue; the census reads
it and sends one event per node group and issue to the default bus, where the events capability's
EksNodegroupNoAddresses kind picks it up (counted, emailed once per incident window). The detail names the
node group's subnets with what the census knows of them.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from typing import Any

from lambdas.census.model import NodegroupShortage
from lambdas.census.snapshot import SubnetCensus
from lambdas.core import contract


def in_scope(shortages: Iterable[NodegroupShortage], subnets: Sequence[SubnetCensus]) -> list[NodegroupShortage]:
    """The shortages of node groups with at least one subnet in the census's scope."""
    known = {s.subnet.subnet_id for s in subnets}
    return [s for s in shortages if known.intersection(s.subnet_ids)]


def shortage_events(shortages: Iterable[NodegroupShortage], subnets: Sequence[SubnetCensus]) -> list[dict[str, Any]]:
    """PutEvents entries, one per node group issue, fullest subnet first in the detail."""
    by_id = {s.subnet.subnet_id: s for s in subnets}
    entries = []
    for shortage in shortages:
        described = [by_id[subnet_id] for subnet_id in shortage.subnet_ids if subnet_id in by_id]
        described.sort(key=lambda s: s.subnet.available_ip_address_count)
        detail = {
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
                "Source": contract.MONITOR_EVENT_SOURCE,
                "DetailType": contract.EKS_NODEGROUP_ADDRESS_SHORTAGE,
                "Resources": [shortage.nodegroup_arn] if shortage.nodegroup_arn else [],
                "Detail": json.dumps(detail),
            }
        )
    return entries
