"""The JSON event fixtures under tests/events."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

EVENTS_DIR = Path(__file__).resolve().parents[1] / "tests" / "events"


def load_event(name: str, *, account: str | None = None) -> dict[str, Any]:
    """One fixture by file name without .json (a fresh copy each time); with account, as it reaches a handler
    watching that account (EventBridge delivers an account's own events; the census names the account in the
    detail of its own): the handler drops events of accounts that are not its targets."""
    event = dict(json.loads((EVENTS_DIR / f"{name}.json").read_text()))
    if account is not None:
        event["account"] = account
        if "account" in event.get("detail", {}):
            event["detail"]["account"] = account
    return event


def fixture_names(prefix: str = "") -> list[str]:
    """Fixture names starting with prefix, sorted."""
    return sorted(p.stem for p in EVENTS_DIR.glob(f"{prefix}*.json"))


# Fixture -> the Reason its incident has (every fixture the rules deliver and the handler emails).
EXPECTED_REASONS = {
    "task_stopped_no_addresses_ec2": "SubnetAddressesExhausted",
    "task_stopped_no_addresses_fargate": "SubnetAddressesExhausted",
    "task_stopped_no_addresses_minimal": "SubnetAddressesExhausted",
    "task_stopped_no_addresses_run_task": "SubnetAddressesExhausted",
    "task_stopped_no_addresses_fargate_public_ip": "SubnetAddressesExhausted",
    "task_stopped_no_addresses_empty_subnet_in_text": "SubnetAddressesExhausted",
    # Not "no addresses" in EC2's words: EniCreationFailed where the subnet has room (an ambiguous code on a
    # subnet at or below the free-address floor is counted as SubnetAddressesExhausted by the handler).
    "task_eni_creation_failed_invalid_parameter_value": "EniCreationFailed",
    "task_eni_creation_failed_security_group_limit": "EniCreationFailed",
    "container_instance_registration_failed": "ContainerInstanceRegistrationFailed",
    "container_instance_registration_failed_no_reason": "ContainerInstanceRegistrationFailed",
    "container_instance_registration_failed_unsupported_type": "ContainerInstanceRegistrationFailed",
    "container_instance_registration_failed_other_trunk_failure": "ContainerInstanceRegistrationFailed",
    "service_action_resource_eni": "TaskPlacementEniExhausted",
    "service_action_resource_eni_capacity_provider": "TaskPlacementEniExhausted",
    "autoscaling_launch_insufficient_free_addresses": "AutoScalingLaunchNoAddresses",
    "autoscaling_launch_not_enough_free_addresses": "AutoScalingLaunchNoAddresses",
    "eks_nodegroup_insufficient_free_addresses": "EksNodegroupNoAddresses",
    "cloudtrail_create_network_interface_no_addresses": "NetworkInterfaceNoAddresses",
    "cloudtrail_run_instances_no_addresses": "NetworkInterfaceNoAddresses",
    "cloudtrail_assign_private_ip_addresses_no_cidr_blocks": "PrefixBlocksExhausted",
    # Counted only when the deployment will not fit: the tests' worlds seed its service short of addresses.
    "deployment_in_progress": "DeploymentWillNotFit",
}
NEAR_MISSES = fixture_names("near_miss_")
