"""Census pipeline: read the target's subnets and interfaces, attribute every address, keep the snapshot, publish."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from ..domain.network import Subnet
from ..domain.scope import read_subnets_in_scope
from ..platform import contract
from ..platform.at_risk import at_risk_publishing
from ..platform.aws.s3 import put_document
from ..platform.errors import AwsCallError, AwsReadError
from ..platform.publish_policy import Reading
from ..platform.report import Deadline, RunReport
from ..platform.run import CollectorRun, run_collector
from ..platform.settings import SubnetScopeSettings
from ..platform.targets import Target
from .blocks import BLOCK_SIZE
from .model import EksShortage, NetworkInterface
from .points import census_summary_points, prefix_block_points
from .reads import (
    eks_node_instances,
    eks_shortages,
    explicit_reservations,
    interface_filters,
    iter_interface_pages,
    pace_reservation_reads,
    put_events,
)
from .settings import COLLECTOR, CensusSettings
from .shortages import in_scope, shortage_events
from .snapshot import Held, SubnetCensus, holdings, needs_prefix_blocks, snapshot, take_census

# Time kept back for the reservations, the snapshot and publishing once the interfaces are read.
PUBLISH_RESERVE_MS = 30_000


def history_key(now: datetime, target: Target | None = None) -> str:
    """Where the run's dated copy goes (the bucket's lifecycle expires census/history/ after 35 days); in hub
    mode, with the target's account and region in the name."""
    where = f"-{target.account_id}-{target.region}" if target is not None else ""
    return f"census/history/{now:%Y/%m/%d/%H%M%SZ}{where}.json"


def collect_census(
    target: Target, settings: CensusSettings, now: datetime, deadline: Deadline | None = None
) -> CollectorRun[SubnetCensus]:
    """One scheduled run: every subnet in scope gets its consumers, even if one read fails or time runs short."""

    shortages: list[EksShortage] = []

    def read(report: RunReport) -> list[SubnetCensus]:
        subnets = read_census(target, settings, report, deadline, owned_by=settings.subnet_owner(target.account_id))
        shortages.extend(_read_shortages(target, subnets, report))
        return subnets

    def store_snapshot(subnets: list[SubnetCensus], report: RunReport) -> None:
        document = snapshot(subnets, account_id=target.account_id, region=target.region, generated_at=now)
        try:
            put_document(
                target.home_client("s3"),
                settings.snapshot_bucket,
                _snapshot_keys(target, settings, now),
                document,
            )
        except AwsCallError as err:
            report.record_failure(err)
        try:
            entries = shortage_events(
                shortages, subnets, account=target.account_id, region=target.region, bus=settings.monitor_event_bus
            )
            put_events(target.home_client("events"), entries)
        except AwsCallError as err:
            report.record_failure(err)

    def reading(subnet: SubnetCensus) -> Reading | None:
        if subnet.free_prefix_blocks is None:
            return None  # no FreePrefixBlocks series
        at_risk = subnet.prefix_blocks_at_risk(settings.free_prefix_block_floor, settings.watch_utilization_percent)
        return Reading(subnet.subnet.subnet_id, subnet.free_prefix_blocks, at_risk)

    return run_collector(
        COLLECTOR,
        target,
        settings,
        now,
        read=read,
        points=lambda published: prefix_block_points(published, target.account_id),
        summary_points=lambda every: census_summary_points(every, target.account_id, target.region),
        # A block is 16 addresses: the change threshold in blocks (10 addresses: any change of a block).
        at_risk=at_risk_publishing(settings, reading, change=settings.watch_change_addresses / BLOCK_SIZE),
        store=store_snapshot,
        max_series=settings.max_series_per_target,
    )


def _snapshot_keys(target: Target, settings: CensusSettings, now: datetime) -> tuple[str, str]:
    latest = contract.census_snapshot_key(target.account_id, target.region, per_target=settings.is_hub)
    return latest, history_key(now, target if settings.is_hub else None)


def read_census(
    target: Target,
    scope: SubnetScopeSettings,
    report: RunReport,
    deadline: Deadline | None = None,
    *,
    owned_by: str | None = None,
) -> list[SubnetCensus]:
    """Every IPv4 subnet in scope with who holds its addresses and its free /28 blocks (reads only; the
    scheduled census and the report command both use it); a failed read is recorded in report."""
    ec2 = pace_reservation_reads(target)
    # IPv4 subnets only: an IPv6-only subnet has no IPv4 address to hold.
    subnets = {i: s for i, s in read_subnets_in_scope(ec2, scope, report, owned_by=owned_by).items() if s.cidr_block}
    if not subnets:
        return []
    try:
        eks_instances = eks_node_instances(ec2)
    except AwsReadError as err:
        report.record_failure(err)  # EKS nodes' primary interfaces then count as ec2-instance
        eks_instances = {}
    held = holdings(subnets.values(), _read_interfaces(ec2, scope, subnets, report, deadline), eks_instances)
    return take_census(subnets.values(), held, _read_reservations(ec2, held, report, deadline))


def _read_shortages(target: Target, subnets: list[SubnetCensus], report: RunReport) -> list[EksShortage]:
    """Clusters and node groups in scope whose health reports no free addresses; a failure costs only this."""
    try:
        found = in_scope(eks_shortages(target.client("eks")), subnets)
    except AwsReadError as err:
        report.record_failure(err)
        return []
    for shortage in found:
        what = (
            f"node group {shortage.cluster}/{shortage.nodegroup}"
            if shortage.nodegroup
            else f"cluster {shortage.cluster}"
        )
        report.findings.append(f"EKS {what}: {shortage.code}: {shortage.message}")
    return found


def _read_interfaces(
    ec2: Any, scope: SubnetScopeSettings, subnets: dict[str, Subnet], report: RunReport, deadline: Deadline | None
) -> list[NetworkInterface]:
    # A tag filter narrows the scope to some subnets: ask EC2 for theirs only.
    subnet_ids = sorted(subnets) if scope.subnet_tag_filter else None
    interfaces: dict[str, NetworkInterface] = {}
    try:
        for filters in interface_filters(scope.vpc_ids, subnet_ids):
            for page in iter_interface_pages(ec2, filters):
                interfaces.update((eni.interface_id, eni) for eni in page if eni.subnet_id in subnets)
                if deadline and deadline.near():
                    report.stop_early("the remaining DescribeNetworkInterfaces pages", deadline)
                    return list(interfaces.values())
    except AwsReadError as err:
        report.record_failure(err)
    return list(interfaces.values())


def _read_reservations(
    ec2: Any, held: dict[str, Held], report: RunReport, deadline: Deadline | None
) -> dict[str, list[str]]:
    """Explicit CIDR reservations, read only for subnets whose /28 blocks matter (one call per such subnet)."""
    reservations: dict[str, list[str]] = {}
    wanted = sorted(s for s, pairs in held.items() if needs_prefix_blocks(pairs))
    for done, subnet_id in enumerate(wanted):
        if deadline and deadline.near():
            report.stop_early(f"reservations of {len(wanted) - done} of {len(wanted)} subnets", deadline)
            break
        try:
            reservations[subnet_id] = explicit_reservations(ec2, subnet_id)
        except AwsReadError as err:
            report.record_failure(err)  # its free blocks are then unknown (null), not guessed
    return reservations
