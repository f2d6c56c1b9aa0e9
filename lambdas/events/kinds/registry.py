"""Every event kind the monitor handles. The CDK rules, the handler, the dashboard and the tests iterate over KINDS.

Adding a kind: one module beside this one (pattern, model, classify, email text) and one line here.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from typing import Any

from ..model import EventKind
from . import (
    autoscaling_launch_no_addresses,
    cloudtrail_no_addresses,
    container_instance_registration_failed,
    deployment_will_not_fit,
    eks_nodegroup_no_addresses,
    service_task_placement_eni,
    task_stopped_no_addresses,
)

KINDS: tuple[EventKind[Any], ...] = (
    task_stopped_no_addresses.KIND,
    container_instance_registration_failed.KIND,
    service_task_placement_eni.KIND,
    autoscaling_launch_no_addresses.KIND,
    eks_nodegroup_no_addresses.KIND,
    cloudtrail_no_addresses.KIND,
    deployment_will_not_fit.KIND,
)


def check_unique(kinds: Sequence[EventKind[Any]]) -> None:
    """Raise ValueError if two kinds share a rule id or a reason (a rule or a metric series would merge)."""
    for what, values in (("rule_id", [k.rule_id for k in kinds]), ("reason", [r for k in kinds for r in k.reasons])):
        repeated = [value for value, count in Counter(values).items() if count > 1]
        if repeated:
            raise ValueError(f"event kinds share a {what}: {', '.join(repeated)}")


check_unique(KINDS)
