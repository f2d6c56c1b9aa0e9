"""Pure: the dashboard's table of the fullest subnets and who holds them, as HTML, from the census snapshot.

CloudWatch renders a custom widget's HTML inside the dashboard; this is the only HTML the project makes.
Every value from the snapshot is escaped.
"""

from __future__ import annotations

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
    snapshot: dict[str, Any] | None, *, threshold_percent: float, limit: int = FULLEST_SUBNETS
) -> str:
    """The `limit` fullest subnets with their top consumers, those at or above the utilization alarm's threshold
    in red; a plain message when there is no snapshot yet."""
    if snapshot is None:
        return f"{STYLE}<p>No census snapshot yet: the census writes one on its first run.</p>"
    subnets = sorted(snapshot["subnets"], key=utilization, reverse=True)[:limit]
    rows = "".join(_row(s, threshold_percent) for s in subnets)
    return (
        f'{STYLE}<table><tr><th>Subnet</th><th>AZ</th><th>CIDR</th><th class="n">Used</th><th class="n">Free</th>'
        f'<th class="n">Free /28</th><th>Top consumers (addresses)</th></tr>{rows}</table>'
        f"<p>{len(subnets)} fullest of {len(snapshot['subnets'])} subnets, account {escape(snapshot['accountId'])}, "
        f"{escape(snapshot['region'])}, census of {_when(snapshot['generatedAt'])}. "
        f"{len(snapshot['unattached'])} interface(s) attached to nothing.</p>"
    )


def _when(generated_at: str) -> str:
    try:
        return f"{datetime.fromisoformat(generated_at):%Y-%m-%d %H:%M} UTC"
    except ValueError:
        return escape(generated_at)


def _row(subnet: dict[str, Any], threshold_percent: float) -> str:
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
    return (
        f"<tr><td>{label}</td><td>{escape(subnet['availabilityZone'])}</td><td>{escape(subnet['cidrBlock'])}</td>"
        f"<td{hot}>{used}/{subnet['usableAddresses']} ({percent:.0f}%)</td>"
        f'<td class="n">{subnet["availableAddresses"]}</td><td class="n">{blocks}</td>'
        f"<td>{consumers or 'nothing'}</td></tr>"
    )
