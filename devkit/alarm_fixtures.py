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
