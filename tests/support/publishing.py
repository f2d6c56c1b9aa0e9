"""The publish keys of the per-series collectors, for tests that build their settings or environment."""

from __future__ import annotations

from lambdas.census.settings import FREE_PREFIX_BLOCK_FLOOR
from lambdas.core.settings import (
    FREE_ADDRESS_FLOOR,
    PUBLISH_MODE,
    PUBLISH_STATE_BUCKET,
    QUIET_PUBLISH_HOURS,
    WATCH_CHANGE_ADDRESSES,
    WATCH_UTILIZATION_PERCENT,
)

# The defaults of cdk.json, in every-run mode: every series every run (what most collector tests check).
EVERY_RUN = {
    PUBLISH_MODE: "every-run",
    PUBLISH_STATE_BUCKET: "",
    WATCH_UTILIZATION_PERCENT: "50",
    WATCH_CHANGE_ADDRESSES: "10",
    QUIET_PUBLISH_HOURS: "24",
    FREE_ADDRESS_FLOOR: "8",
    FREE_PREFIX_BLOCK_FLOOR: "2",
}


def at_risk(bucket: str) -> dict[str, str]:
    """The same keys in the at-risk mode, with its state kept in bucket."""
    return {**EVERY_RUN, PUBLISH_MODE: "at-risk", PUBLISH_STATE_BUCKET: bucket}
