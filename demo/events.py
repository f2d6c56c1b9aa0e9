"""A burst of events as EventBridge would see them during an exhaustion incident, and their delivery: ECS's,
and two failed EC2 calls of an EKS cluster's VPC CNI recorded by CloudTrail (monitor:cloudTrailSignals).

The shapes follow the ECS developer guide's event examples (trimmed to the fields that matter here);
tests/events holds the full fixtures.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, cast

from moto.events.models import EventPattern

from lambdas.events.kinds import registry

ACCOUNT = "123456789012"  # moto's account


@dataclass(frozen=True)
class Burst:
    """Where the incident happens."""

    region: str
    cluster: str
    task_subnet: str
    instance_subnet: str
    roomy_subnet: str  # a task subnet with free addresses (an EC2 error there is not exhaustion)
    eks_subnet: str
    eks_interface: str  # an EKS node's interface in eks_subnet (a CloudTrail call on it names no subnet)
    start: datetime


def _event(
    burst: Burst,
    number: int,
    detail_type: str,
    resources: list[str],
    detail: dict[str, Any],
    *,
    source: str = "aws.ecs",
) -> dict[str, Any]:
    return {
        "version": "0",
        "id": f"de000000-0000-4000-8000-{number:012d}",
        "detail-type": detail_type,
        "source": source,
        "account": ACCOUNT,
        "time": f"{burst.start + timedelta(seconds=20 * number):%Y-%m-%dT%H:%M:%SZ}",
        "region": burst.region,
        "resources": resources,
        "detail": detail,
    }


def _stopped_task(burst: Burst, number: int, service: str, reason: str, subnet: str | None = None) -> dict[str, Any]:
    prefix = f"arn:aws:ecs:{burst.region}:{ACCOUNT}"
    task_arn = f"{prefix}:task/{burst.cluster}/{number:032x}"
    return _event(
        burst,
        number,
        "ECS Task State Change",
        [task_arn],
        {
            "clusterArn": f"{prefix}:cluster/{burst.cluster}",
            "taskArn": task_arn,
            "taskDefinitionArn": f"{prefix}:task-definition/{service}:7",
            "group": f"service:{service}",
            "launchType": "EC2",
            "lastStatus": "STOPPED",
            "desiredStatus": "STOPPED",
            "stopCode": "TaskFailedToStart",
            "stoppedReason": reason,
            "attachments": [{"type": "eni", "details": [{"name": "subnetId", "value": subnet or burst.task_subnet}]}],
        },
    )


def _service_action(burst: Burst, number: int, service: str, reason: str) -> dict[str, Any]:
    prefix = f"arn:aws:ecs:{burst.region}:{ACCOUNT}"
    return _event(
        burst,
        number,
        "ECS Service Action",
        [f"{prefix}:service/{burst.cluster}/{service}"],
        {
            "eventType": "WARN",
            "eventName": "SERVICE_TASK_PLACEMENT_FAILURE",
            "clusterArn": f"{prefix}:cluster/{burst.cluster}",
            "reason": reason,
        },
    )


def _registration_failed(burst: Burst, number: int) -> dict[str, Any]:
    prefix = f"arn:aws:ecs:{burst.region}:{ACCOUNT}"
    instance_arn = f"{prefix}:container-instance/{burst.cluster}/{number:032x}"
    return _event(
        burst,
        number,
        "ECS Container Instance State Change",
        [instance_arn],
        {
            "clusterArn": f"{prefix}:cluster/{burst.cluster}",
            "containerInstanceArn": instance_arn,
            "ec2InstanceId": "i-0demo000000000001",
            "status": "REGISTRATION_FAILED",
            # Illustrative wording: AWS does not document the statusReason texts.
            "statusReason": "Unable to provision the trunk network interface: the instance type t3.medium does "
            "not support ENI trunking",
            "attributes": [{"name": "ecs.subnet-id", "value": burst.instance_subnet}],
        },
    )


def _failed_api_call(burst: Burst, number: int, call: str, code: str, parameters: dict[str, Any]) -> dict[str, Any]:
    """What CloudTrail hands EventBridge when the EKS VPC CNI's EC2 call fails (tests/events: cloudtrail_*)."""
    role = "platform-eks-node-role"
    return _event(
        burst,
        number,
        "AWS API Call via CloudTrail",
        [],
        {
            "eventSource": "ec2.amazonaws.com",
            "eventName": call,
            "errorCode": code,
            "errorMessage": "The specified subnet does not have enough free addresses to satisfy the request.",
            "userAgent": "amazon-vpc-cni-k8s/v1.19.2 (linux/amd64)",
            "userIdentity": {
                "type": "AssumedRole",
                "arn": f"arn:aws:sts::{ACCOUNT}:assumed-role/{role}/i-0demo000000000002",
                "sessionContext": {
                    "sessionIssuer": {"type": "Role", "arn": f"arn:aws:iam::{ACCOUNT}:role/{role}", "userName": role}
                },
            },
            "requestParameters": parameters,
            "readOnly": False,
        },
        source="aws.ec2",
    )


def incident_burst(burst: Burst) -> list[dict[str, Any]]:
    """What one bad quarter of an hour looks like: retries, placement failures, noise and one broken event."""
    no_addresses = (
        f"Unexpected EC2 error while attempting to Create Network Interface in subnet '{burst.task_subnet}' "
        "with public IP assignment disabled: InsufficientFreeAddressesInSubnet"
    )
    events = [_stopped_task(burst, n, "orders-api", no_addresses) for n in range(1, 9)]
    events += [_service_action(burst, n, "orders-worker", "RESOURCE:ENI") for n in range(9, 14)]
    events.append(_registration_failed(burst, 14))
    events += [_stopped_task(burst, n, "orders-api", "Task stopped by user") for n in range(15, 18)]
    events += [_service_action(burst, n, "orders-worker", "RESOURCE:CPU") for n in range(18, 20)]
    broken = _stopped_task(burst, 20, "orders-api", no_addresses)
    del broken["detail"]["clusterArn"]  # matches its rule, but the handler cannot say where
    events.append(broken)
    # Another EC2 error in a subnet with room: an interface failure, not exhaustion.
    refused = f"Unexpected EC2 error while attempting to Create Network Interface in subnet '{burst.roomy_subnet}': "
    events.append(_stopped_task(burst, 21, "orders-api", refused + "InvalidParameterValue", burst.roomy_subnet))
    # The EKS cluster's VPC CNI, seen only through CloudTrail (monitor:cloudTrailSignals on).
    events.append(
        _failed_api_call(
            burst,
            22,
            "CreateNetworkInterface",
            "Client.InsufficientFreeAddressesInSubnet",
            {"subnetId": burst.eks_subnet},
        )
    )
    events.append(
        _failed_api_call(
            burst,
            23,
            "AssignPrivateIpAddresses",
            "InsufficientCidrBlocks",
            {"networkInterfaceId": burst.eks_interface},
        )
    )
    return events


def matching_rule(event: dict[str, Any]) -> str | None:
    """The exhaustion rule that would deliver event, evaluated with moto's EventBridge pattern matcher."""
    for kind in registry.KINDS:
        # moto types the event as its own TypedDict; any EventBridge-shaped dict is what it evaluates.
        if EventPattern.load(json.dumps(kind.pattern)).matches_event(cast(Any, event)):
            return kind.rule_id
    return None
