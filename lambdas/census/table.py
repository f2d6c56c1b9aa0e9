"""Pure: the dashboard's table of the fullest subnets and who holds them, as HTML, from the census snapshots.

CloudWatch renders a custom widget's HTML inside the dashboard; this is the only HTML the project makes.
Every value from the snapshot is escaped.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from html import escape
from typing import Any

FULLEST_SUBNETS = 15
TOP_CONSUMERS = 3
STYLE = (
    "<style>table{border-collapse:collapse;font:13px sans-serif;width:100%}"
    "th,td{padding:3px 8px;border-bottom:1px solid #ddd;text-align:left;vertical-align:top}"
    ".n{text-align:right;font-variant-numeric:tabular-nums}.hot{color:#b00;font-weight:bold}"
    "p{font:12px sans-serif;color:#555;margin:4px 0}</style>"
)


def utilization(subnet: dict[str, Any]) -> float:
    """Percent of a snapshot subnet's usable addresses in use."""
    usable = int(subnet["usableAddresses"]) or 1
    return 100.0 * (usable - int(subnet["availableAddresses"])) / usable


def fullest_subnets_table(
    snapshots: Sequence[dict[str, Any]],
    *,
    threshold_percent: float,
    limit: int = FULLEST_SUBNETS,
    account_label: Callable[[str], str | None] = lambda account: None,
    unread: int = 0,
) -> str:
    """The `limit` fullest subnets of every snapshot with their top consumers, those at or above the utilization
    alarm's threshold in red; an Account column when the snapshots are of more than one account or region (hub
    mode); a plain message when there is no snapshot yet. unread: snapshots that could not be read."""
    if not snapshots:
        missing = "No census snapshot yet: the census writes one on its first run."
        return f"{STYLE}<p>{missing}{_unread(unread)}</p>"
    located = [(snapshot, subnet) for snapshot in snapshots for subnet in snapshot["subnets"]]
    fullest = sorted(located, key=lambda pair: utilization(pair[1]), reverse=True)[:limit]
    origins = {(s["accountId"], s["region"]) for s in snapshots}
    with_account = len(origins) > 1
    header = "<th>Account</th>" if with_account else ""
    rows = "".join(_row(sub, threshold_percent, snap if with_account else None, account_label) for snap, sub in fullest)
    unattached = sum(len(s["unattached"]) for s in snapshots)
    oldest = min(s["generatedAt"] for s in snapshots)
    where = (
        f"{len(origins)} account-regions, oldest census of {_when(oldest)}"
        if with_account
        else f"account {escape(snapshots[0]['accountId'])}, {escape(snapshots[0]['region'])}, census of {_when(oldest)}"
    )
    return (
        f'{STYLE}<table><tr>{header}<th>Subnet</th><th>AZ</th><th>CIDR</th><th class="n">Used</th>'
        f'<th class="n">Free</th><th class="n">Free /28</th><th>Top consumers (addresses)</th></tr>{rows}</table>'
        f"<p>{len(fullest)} fullest of {len(located)} subnets, {where}. "
        f"{unattached} interface(s) attached to nothing.{_unread(unread)}</p>"
    )


def _unread(unread: int) -> str:
    return (
        f' <span class="hot">{unread} snapshot(s) could not be read; see the table function\'s log group.</span>'
        if unread
        else ""
    )


def _when(generated_at: str) -> str:
    try:
        return f"{datetime.fromisoformat(generated_at):%Y-%m-%d %H:%M} UTC"
    except ValueError:
        return escape(generated_at)


def _row(
    subnet: dict[str, Any],
    threshold_percent: float,
    snapshot: dict[str, Any] | None,
    account_label: Callable[[str], str | None],
) -> str:
    name = escape(subnet["name"] or "")
    label = f"{name}<br>{escape(subnet['subnetId'])}" if name else escape(subnet["subnetId"])
    percent = utilization(subnet)
    used = subnet["usableAddresses"] - subnet["availableAddresses"]
    blocks = "-" if subnet["freePrefixBlocks"] is None else str(subnet["freePrefixBlocks"])
    consumers = "<br>".join(
        f"{escape(c['category'])} {escape(c['owner'] or '')} ({c['addresses']})"
        for c in subnet["consumers"][:TOP_CONSUMERS]
    )
    more = len(subnet["consumers"]) - TOP_CONSUMERS
    if more > 0:
        consumers += f"<br>and {more} more"
    hot = ' class="n hot"' if percent >= threshold_percent else ' class="n"'
    account = ""
    if snapshot is not None:
        who = account_label(snapshot["accountId"]) or snapshot["accountId"]
        account = f"<td>{escape(who)}<br>{escape(snapshot['region'])}</td>"
    return (
        f"<tr>{account}<td>{label}</td><td>{escape(subnet['availabilityZone'])}</td><td>{escape(subnet['cidrBlock'])}</td>"
        f"<td{hot}>{used}/{subnet['usableAddresses']} ({percent:.0f}%)</td>"
        f'<td class="n">{subnet["availableAddresses"]}</td><td class="n">{blocks}</td>'
        f"<td>{consumers or 'nothing'}</td></tr>"
    )
