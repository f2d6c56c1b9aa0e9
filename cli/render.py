"""Pure: the report as a person reads it (table), as a program reads it (json), and as a spreadsheet (csv)."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from cli.readonly import DENIED_CODES
from cli.report import RegionReport
from lambdas.census.table import utilization
from lambdas.domain.snapshots import unattached_lines
from lambdas.platform.text import spreadsheet_cell

TOP_CONSUMERS = 3
LISTED_INTERFACES = 10
CSV_COLUMNS = (
    "accountId",
    "region",
    "name",
    "subnetId",
    "vpcId",
    "availabilityZone",
    "cidrBlock",
    "usableAddresses",
    "usedAddresses",
    "availableAddresses",
    "utilizationPercent",
    "freePrefixBlocks",
    "daysToFloor",
    "topConsumers",
)
# What each permission the report may lack costs it, for the "missing permissions" lines.
WHAT_NEEDS = {
    "ec2:DescribeSubnets": "no subnet can be reported",
    "ec2:DescribeNetworkInterfaces": "who holds the addresses, and interfaces attached to nothing, are not shown",
    "ec2:DescribeInstances": "EKS nodes' interfaces count as plain EC2 instances",
    "ec2:GetSubnetCidrReservations": "free /28 blocks are not worked out",
    "ec2:DescribeInstanceTypes": "container instances' task-ENI limits are unknown, so clusters are not shown",
    "ecs:ListClusters": "the ECS clusters are not reported",
    "ecs:ListAccountSettings": "the awsvpcTrunking setting is not checked",
    "ecs:ListContainerInstances": "a cluster's container instances are not read",
    "ecs:DescribeContainerInstances": "a cluster's container instances are not read",
    "ecs:ListTasks": "a cluster's running tasks are not read",
    "ecs:DescribeTasks": "a cluster's running tasks are not read",
    "ecs:ListServices": "a cluster's services and their deployment fit are not read",
    "ecs:DescribeServices": "a cluster's services and their deployment fit are not read",
    "ecs:DescribeCapacityProviders": "capacity providers' Auto Scaling groups are not checked for room",
    "autoscaling:DescribeAutoScalingGroups": "capacity providers' Auto Scaling groups are not checked for room",
    "eks:DescribeCluster": "EKS clusters' health is not read",
    "cloudwatch:GetMetricData": "no forecast (it reads a deployed monitor's history)",
    "ec2:DescribeRegions": "--all-regions cannot list the regions",
}


def by_risk(subnets: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    """Fullest first (utilization, then fewest free)."""
    return sorted(subnets, key=lambda s: (-utilization(s), s["availableAddresses"], s["subnetId"]))


def as_json(reports: Sequence[RegionReport], denied: set[str], generated_at: datetime) -> str:
    """{"generatedAt", "accountId", "regions": [census snapshot shape + clusters], "missingPermissions"}."""
    regions = []
    for report in reports:
        document = report.as_json()
        document["subnets"] = by_risk(document["subnets"])
        regions.append(document)
    account = reports[0].account_id if reports else None
    body = {
        "generatedAt": generated_at.isoformat(),
        "accountId": account,
        "regions": regions,
        "missingPermissions": sorted(denied),
    }
    return json.dumps(body, indent=2) + "\n"


def as_csv(reports: Sequence[RegionReport]) -> str:
    """One row per subnet, fullest first within each region (clusters are in the table and JSON formats)."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=CSV_COLUMNS, lineterminator="\n")
    writer.writeheader()
    for report in reports:
        for subnet in by_risk(report.snapshot["subnets"]):
            forecast = subnet.get("forecast") or {}
            writer.writerow(
                {
                    "accountId": report.account_id,
                    "region": report.region,
                    "name": spreadsheet_cell(subnet["name"] or ""),
                    "subnetId": subnet["subnetId"],
                    "vpcId": subnet["vpcId"],
                    "availabilityZone": subnet["availabilityZone"],
                    "cidrBlock": subnet["cidrBlock"],
                    "usableAddresses": subnet["usableAddresses"],
                    "usedAddresses": subnet["usableAddresses"] - subnet["availableAddresses"],
                    "availableAddresses": subnet["availableAddresses"],
                    "utilizationPercent": f"{utilization(subnet):.1f}",
                    "freePrefixBlocks": "" if subnet["freePrefixBlocks"] is None else subnet["freePrefixBlocks"],
                    "daysToFloor": "" if forecast.get("daysToFloor") is None else forecast["daysToFloor"],
                    "topConsumers": spreadsheet_cell(
                        "; ".join(_consumer(c) for c in subnet["consumers"][:TOP_CONSUMERS])
                    ),
                }
            )
    return out.getvalue()


def as_table(reports: Sequence[RegionReport], denied: set[str]) -> str:
    """The report for a terminal: per region, subnets by risk, clusters, findings, leaks; then what was missing."""
    sections = [_region_table(report) for report in reports]
    sections.append(_missing(denied, [f for r in reports for f in r.failures]))
    return "\n\n".join(s for s in sections if s) + "\n"


def _region_table(report: RegionReport) -> str:
    document = report.snapshot
    subnets = by_risk(document["subnets"])
    rows = [
        (
            s["name"] or "-",
            s["subnetId"],
            s["availabilityZone"],
            s["cidrBlock"],
            str(s["usableAddresses"]),
            str(s["usableAddresses"] - s["availableAddresses"]),
            str(s["availableAddresses"]),
            f"{utilization(s):.1f}",
            "-" if s["freePrefixBlocks"] is None else str(s["freePrefixBlocks"]),
            _forecast(s.get("forecast")),
            ", ".join(_consumer(c) for c in s["consumers"][:TOP_CONSUMERS]) or "nothing",
        )
        for s in subnets
    ]
    header = ("name", "subnet", "AZ", "CIDR", "usable", "used", "free", "util%", "free/28", "forecast", "top consumers")
    lines = [
        f"ACCOUNT {report.account_id}, {report.region} (read {_when(document['generatedAt'])})",
        f"SUBNETS BY RISK ({len(subnets)} in scope)",
        *_columns(header, rows, numeric={4, 5, 6, 7, 8}),
    ]
    if report.forecast_note:
        lines.append(f"({report.forecast_note})")
    lines += ["", "ECS CLUSTERS (awsvpc task-ENI slots of EC2 container instances)"]
    clusters = sorted(report.clusters, key=lambda c: -c["utilizationPercent"])
    cluster_rows = [
        (
            c["clusterName"],
            str(c["instances"]),
            f"{c['taskEnisRunning']}/{c['taskEniCapacity']}",
            f"{c['utilizationPercent']:.1f}",
            str(c["freeTaskSlots"]),
            str(c["untrunkedInstances"]),
        )
        for c in clusters
    ]
    if cluster_rows:
        cluster_header = ("cluster", "instances", "used/limit", "util%", "free", "untrunked")
        lines += _columns(cluster_header, cluster_rows, numeric={1, 2, 3, 4, 5})
    else:
        lines.append("- no cluster with EC2 container instances")
    lines += [f"Finding: {finding}" for finding in report.findings]
    lines += ["", "ECS SERVICES: WILL THE NEXT DEPLOYMENT FIT? (awsvpc services, at risk first)"]
    service_rows = [
        (
            f"{s['cluster']}/{s['service']}",
            str(s["desiredCount"]),
            str(s["maximumPercent"]),
            "-" if s["surge"] is None else str(s["surge"]),
            _free(s["subnets"]),
            {True: "yes", False: "NO", None: "?"}[s["fits"]],
            "YES" if s["unbalanced"] else "no",
            "-" if s["eniSlotsFree"] is None else str(s["eniSlotsFree"]),
        )
        for s in report.services
    ]
    if service_rows:
        service_header = ("service", "desired", "max%", "surge", "free in subnets", "fits", "unbalanced", "ENI slots")
        lines += _columns(service_header, service_rows, numeric={1, 2, 3, 4, 7})
    else:
        lines.append("- no awsvpc service")
    lines += ["", *unattached_lines(document["unattached"], listed=LISTED_INTERFACES, rest_in="--format json")]
    return "\n".join(lines)


def _missing(denied: set[str], failures: Sequence[dict[str, str]]) -> str:
    lines = []
    if denied:
        lines.append("MISSING PERMISSIONS (the rest of the report is complete)")
        lines += [f"- {action}: {WHAT_NEEDS.get(action, 'what it reads is missing')}" for action in sorted(denied)]
    other = sorted({f"{f['operation']} {f['code']}" for f in failures if f.get("code") not in DENIED_CODES})
    if other:
        lines.append("OTHER READS THAT FAILED")
        lines += [f"- {failure}" for failure in other]
    return "\n".join(lines)


def _columns(header: Sequence[str], rows: Sequence[Sequence[str]], numeric: set[int]) -> list[str]:
    widths = [max(len(row[i]) for row in [header, *rows]) for i in range(len(header))]

    def line(cells: Sequence[str]) -> str:
        return "  ".join(
            (cell.rjust(widths[i]) if i in numeric else cell.ljust(widths[i])) for i, cell in enumerate(cells)
        ).rstrip()

    return [line(header), *(line(row) for row in rows)]


def _free(subnets: Sequence[dict[str, Any]]) -> str:
    frees = [s["free"] for s in subnets]
    return "?" if None in frees else f"{sum(frees)} in {len(frees)}"


def _consumer(entry: dict[str, Any]) -> str:
    owner = f" {entry['owner']}" if entry.get("owner") else ""
    return f"{entry['category']}{owner} {entry['addresses']}"


def _forecast(forecast: dict[str, Any] | None) -> str:
    if forecast is None:
        return "-"
    if forecast["daysToFloor"] is None:
        return "not shrinking"
    if forecast["daysToFloor"] == 0:
        return "at the floor"
    return f"{forecast['daysToFloor']:g} d"


def _when(generated_at: str) -> str:
    return f"{datetime.fromisoformat(generated_at):%Y-%m-%d %H:%M} UTC"
