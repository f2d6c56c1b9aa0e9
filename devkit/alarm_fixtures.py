"""The JSON alarm contributor notifications under tests/alarms."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

ALARMS_DIR = Path(__file__).resolve().parents[1] / "tests" / "alarms"
DOCUMENTED = "documented_contributor_alarm"
STACK_PREFIX = "SubnetIpMonitor-"


# The alarm thresholds the composer states (ThresholdSettings), as cdk.json sets them but the unattached alarm
# (off there; 0 here too).
THRESHOLDS = {
    "UTILIZATION_THRESHOLD_PERCENT": "80",
    "FREE_ADDRESS_FLOOR": "8",
    "FREE_PREFIX_BLOCK_FLOOR": "2",
    "ENI_UTILIZATION_THRESHOLD_PERCENT": "80",
    "FORECAST_ALARM_DAYS": "7",
    "UNATTACHED_ENI_ALARM_THRESHOLD": "0",
}


def load_notification(name: str) -> dict[str, Any]:
    """One fixture by file name without .json (a fresh copy each time)."""
    return dict(json.loads((ALARMS_DIR / f"{name}.json").read_text()))


def notification_names() -> list[str]:
    """Every fixture of this app's alarms (the documented DynamoDB example left out), sorted."""
    return sorted(p.stem for p in ALARMS_DIR.glob("*.json") if p.stem != DOCUMENTED)


def with_contributor(notification: dict[str, Any], value: str) -> dict[str, Any]:
    """The notification about another subnet, cluster or VPC of the same account (the last attribute, a new value)."""
    attributes = notification["detail"]["alarmContributor"]["attributes"]
    *_, name = attributes  # AccountId (and Region) first, then what the contributor is
    attributes[name] = value
    return notification


def reason_with_datapoint(value: float) -> str:
    """A contributor's state reason as CloudWatch writes it (the fixtures' form), crossing at value."""
    return (
        "Threshold Crossed: 1 datapoint was less than or equal to the threshold (8.0). The most recent datapoint "
        f"which crossed the threshold: [{value} (29/11/26 09:35:00)]."
    )


def storm_of(name: str, values: list[str], datapoints: list[float] | None = None) -> list[dict[str, Any]]:
    """The fixture once per contributor value (a storm: many contributors of one alarm at once), each with its own
    contributor id and, for ALARM fixtures, the figure that crossed."""
    notifications = []
    for i, value in enumerate(values):
        notification = with_contributor(load_notification(name), value)
        notification["id"] = f"{notification['id'][:-4]}{i:04d}"
        notification["detail"]["alarmContributor"]["id"] = f"{i:016x}"
        if datapoints is not None:
            notification["detail"]["state"]["reason"] = reason_with_datapoint(datapoints[i])
        notifications.append(notification)
    return notifications
