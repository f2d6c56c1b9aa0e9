"""Which events: the EventBridge patterns of the four exhaustion rules, as plain data (no CDK here).

Filtering happens in the pattern, so the handler is invoked only for failures worth counting. The demo
evaluates these same patterns, and the tests check them against the synthesized template.
"""

from __future__ import annotations

from typing import Any

from lambdas.exhaustion_events import (
    AUTOSCALING_SOURCE,
    CONTAINER_INSTANCE_STATE_CHANGE,
    ECS_SOURCE,
    INSTANCE_LAUNCH_UNSUCCESSFUL,
    SERVICE_ACTION,
    TASK_STATE_CHANGE,
)

EventPattern = dict[str, Any]

# The EC2 error code ECS puts at the end of stoppedReason: "Unexpected EC2 error while attempting to
# Create Network Interface in subnet '...': InsufficientFreeAddressesInSubnet".
TASK_STOPPED_NO_ADDRESSES: EventPattern = {
    "source": [ECS_SOURCE],
    "detail-type": [TASK_STATE_CHANGE],
    "detail": {
        "lastStatus": ["STOPPED"],
        "stoppedReason": [{"wildcard": "*InsufficientFreeAddressesInSubnet*"}],
    },
}

CONTAINER_INSTANCE_REGISTRATION_FAILED: EventPattern = {
    "source": [ECS_SOURCE],
    "detail-type": [CONTAINER_INSTANCE_STATE_CHANGE],
    "detail": {"status": ["REGISTRATION_FAILED"]},
}

SERVICE_TASK_PLACEMENT_ENI: EventPattern = {
    "source": [ECS_SOURCE],
    "detail-type": [SERVICE_ACTION],
    "detail": {"eventName": ["SERVICE_TASK_PLACEMENT_FAILURE"], "reason": ["RESOURCE:ENI"]},
}

# Auto Scaling words it "insufficient free addresses ..." or "There are not enough free addresses in
# subnet ...". Wildcards are case-sensitive, so both capitalisations are listed; the handler re-checks
# the text regardless of case.
AUTOSCALING_LAUNCH_NO_ADDRESSES: EventPattern = {
    "source": [AUTOSCALING_SOURCE],
    "detail-type": [INSTANCE_LAUNCH_UNSUCCESSFUL],
    "detail": {"StatusMessage": [{"wildcard": "*free addresses*"}, {"wildcard": "*Free addresses*"}]},
}

# Rule construct id -> pattern.
EXHAUSTION_RULES: dict[str, EventPattern] = {
    "TaskStoppedNoAddresses": TASK_STOPPED_NO_ADDRESSES,
    "ContainerInstanceRegistrationFailed": CONTAINER_INSTANCE_REGISTRATION_FAILED,
    "ServiceTaskPlacementEni": SERVICE_TASK_PLACEMENT_ENI,
    "AutoScalingLaunchNoAddresses": AUTOSCALING_LAUNCH_NO_ADDRESSES,
}
