"""The publish and mode keys of the scheduled collectors, for tests that build their settings or environment."""

from __future__ import annotations

from lambdas.census.settings import FREE_PREFIX_BLOCK_FLOOR, MONITOR_EVENT_BUS
from lambdas.platform.settings import (
    FAILURE_STREAK_TABLE,
    FREE_ADDRESS_FLOOR,
    MAX_SERIES_PER_TARGET,
    MODE_ACCOUNT,
    MONITOR_MODE,
    PUBLISH_MODE,
    PUBLISH_STATE_BUCKET,
    QUIET_PUBLISH_HOURS,
    READER_ROLE_NAME,
    SNAPSHOT_BUCKET,
    WATCH_CHANGE_ADDRESSES,
    WATCH_UTILIZATION_PERCENT,
)

MONITOR_BUS = "SubnetIpMonitor-test-monitor-events"

# The defaults of cdk.json, in every-run mode: every series every run (what most collector tests check).
EVERY_RUN = {
    PUBLISH_MODE: "every-run",
    PUBLISH_STATE_BUCKET: "",
    WATCH_UTILIZATION_PERCENT: "50",
    WATCH_CHANGE_ADDRESSES: "10",
    QUIET_PUBLISH_HOURS: "24",
    MAX_SERIES_PER_TARGET: "2000",
    FREE_ADDRESS_FLOOR: "8",
    FREE_PREFIX_BLOCK_FLOOR: "2",
    # monitor:mode account: each collector reads its own account on its schedule.
    MONITOR_MODE: MODE_ACCOUNT,
    READER_ROLE_NAME: "SubnetIpMonitorReader",
    FAILURE_STREAK_TABLE: "",
    # The census's private bus for its EKS shortage events (tests that read them create it: MONITOR_BUS).
    MONITOR_EVENT_BUS: MONITOR_BUS,
}


# Where the ECS collector writes its deployment fit document (only when it finds awsvpc services, so tests
# without services need no bucket).
ECS_DOCUMENTS = {SNAPSHOT_BUCKET: "subnet-ip-monitor-test-snapshots"}


def at_risk(bucket: str) -> dict[str, str]:
    """The same keys in the at-risk mode, with its state kept in bucket."""
    return {**EVERY_RUN, PUBLISH_MODE: "at-risk", PUBLISH_STATE_BUCKET: bucket}
