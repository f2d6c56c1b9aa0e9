"""Every email subject, over every event and alarm fixture, as a phone's preview shows it: the resource and the
problem in the first 60 characters, the whole subject under SNS's 100."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import UTC, datetime

import pytest

from devkit.alarm_fixtures import STACK_PREFIX, load_notification, notification_names
from devkit.event_fixtures import EXPECTED_REASONS, load_event
from lambdas.alerts.email import render_alarm_email
from lambdas.alerts.notification import parse_contributor_event
from lambdas.domain.network import Subnet
from lambdas.events.email import SubnetNow, render_email
from lambdas.events.parsing import recognise
from lambdas.platform.email import MAX_SUBJECT_LENGTH
from tests.unit.test_alert_email import THRESHOLDS, facts_for

PREVIEW = 60
NOW = datetime(2026, 11, 23, 14, 2, 30, tzinfo=UTC)
SUBNET = Subnet("subnet-0c3d4e5f6071829a0", "vpc-1", "eu-west-1a", "10.20.32.0/24", 2, "tasks-1a")
NAMED = "tasks-1a (subnet-X)"  # every fixture's subnet id reads as subnet-X below
OUT = "is out of IP addresses"

# fixture -> (the resource, the problem), each of which must be in the preview.
EVENT_SUBJECTS = {
    "autoscaling_launch_insufficient_free_addresses": ("Auto Scaling group prod-ecs-instances", "cannot launch"),
    "autoscaling_launch_not_enough_free_addresses": ("Auto Scaling group prod-ecs-instances", "cannot launch"),
    "cloudtrail_assign_private_ip_addresses_no_cidr_blocks": (NAMED, "No free /28 block"),
    "cloudtrail_create_network_interface_no_addresses": (NAMED, OUT),
    "cloudtrail_run_instances_no_addresses": (NAMED, OUT),
    "container_instance_registration_failed": ("ECS instance i-0abc1234def567890", "got no trunk address"),
    "container_instance_registration_failed_no_reason": ("ECS instance i-0abc1234def567890", "failed to register"),
    "container_instance_registration_failed_other_trunk_failure": (
        "ECS instance i-0abc1234def567890",
        "failed to register",
    ),
    "container_instance_registration_failed_unsupported_type": (
        "ECS instance i-0abc1234def567890",
        "failed to register",
    ),
    "deployment_in_progress": ("ECS deployment of orders-api", "will not fit"),
    "eks_nodegroup_insufficient_free_addresses": ("EKS node group system (platform-eks)", "no free addresses"),
    "service_action_resource_eni": ("ECS service checkout", "cannot place tasks"),
    "service_action_resource_eni_capacity_provider": ("ECS service checkout", "cannot place tasks"),
    "task_eni_creation_failed_invalid_parameter_value": (NAMED, "ECS task got no ENI"),
    "task_eni_creation_failed_security_group_limit": (NAMED, "ECS task got no ENI"),
    **{
        name: (NAMED, OUT)
        for name in (
            "task_stopped_no_addresses_ec2",
            "task_stopped_no_addresses_empty_subnet_in_text",
            "task_stopped_no_addresses_fargate",
            "task_stopped_no_addresses_fargate_public_ip",
            "task_stopped_no_addresses_minimal",
            "task_stopped_no_addresses_run_task",
        )
    },
}

SUBNET_ALARM = "tasks-1a (subnet-0a1b2c3d4e5f60718)"
ALARM_SUBJECTS = {
    "ecs_eni_utilization_alarm": ("ECS cluster orders", "of task-ENI slots used"),
    "ecs_eni_utilization_no_data": ("ECS cluster orders", "Stopped reporting"),
    "ecs_eni_utilization_ok": ("ECS cluster orders", "Recovered"),
    "ecs_services_at_deployment_risk_alarm": ("ECS cluster orders", "of task-ENI slots used"),
    "ecs_services_at_deployment_risk_ok": ("ECS cluster orders", "Recovered"),
    "ecs_untrunked_instances_alarm": ("ECS cluster orders", "instances without ENI trunking"),
    "ecs_untrunked_instances_ok": ("ECS cluster orders", "Recovered"),
    "subnet_days_to_exhaustion_alarm": (SUBNET_ALARM, "fills up in"),
    "subnet_days_to_exhaustion_ok": (SUBNET_ALARM, "Recovered"),
    "subnet_free_addresses_alarm": (SUBNET_ALARM, "% full"),
    "subnet_free_addresses_no_data": (SUBNET_ALARM, "Stopped reporting"),
    "subnet_free_addresses_ok": (SUBNET_ALARM, "Recovered"),
    "subnet_free_prefix_blocks_alarm": (SUBNET_ALARM, "free /28 blocks"),
    "subnet_free_prefix_blocks_ok": (SUBNET_ALARM, "Recovered"),
    "subnet_ip_utilization_alarm": (SUBNET_ALARM, "% full"),
    "subnet_ip_utilization_ok": (SUBNET_ALARM, "Recovered"),
    "unattached_eni_addresses_alarm": ("platform (vpc-0f1e2d3c4b5a69788)", "unattached interfaces hold"),
    "unattached_eni_addresses_ok": ("platform (vpc-0f1e2d3c4b5a69788)", "Recovered"),
}


def event_subject(name: str) -> str:
    """The subject the handler sends for the fixture, its subnet named as DescribeSubnets would (an interface's
    subnet is found by the handler before it renders)."""
    found = recognise(load_event(name))
    assert found.incident is not None
    incident = found.incident
    if incident.subnet_id is None and incident.network_interface_id is not None:
        incident = replace(incident, subnet_id=SUBNET.subnet_id)
    subnet = replace(SUBNET, subnet_id=incident.subnet_id or SUBNET.subnet_id)
    return render_email(found.kind, incident, SubnetNow(subnet), 30, NOW).subject


def test_every_fixture_has_an_expected_subject() -> None:
    recognised = {n for n in EXPECTED_REASONS if recognise(load_event(n)).incident is not None}
    assert set(EVENT_SUBJECTS) == recognised
    assert set(ALARM_SUBJECTS) == set(notification_names())


@pytest.mark.parametrize(("name", "expected"), sorted(EVENT_SUBJECTS.items()))
def test_an_event_emails_subject_shows_the_resource_and_the_problem_in_a_phones_preview(
    name: str, expected: tuple[str, str]
) -> None:
    subject = event_subject(name)
    resource, problem = expected
    # The preview is cut from the real subject (its real subnet id), then matched with any id for subnet-X.
    preview = subject[:PREVIEW]
    assert re.search(re.escape(resource).replace("subnet\\-X", "subnet-[0-9a-f]+"), preview), subject
    assert problem in preview, subject
    assert len(subject) <= MAX_SUBJECT_LENGTH


@pytest.mark.parametrize(("name", "expected"), sorted(ALARM_SUBJECTS.items()))
def test_an_alarm_emails_subject_shows_the_resource_and_the_problem_in_a_phones_preview(
    name: str, expected: tuple[str, str]
) -> None:
    transition = parse_contributor_event(load_notification(name), STACK_PREFIX)
    subject = render_alarm_email(
        transition, facts_for(transition.kind.scope, with_census=True), THRESHOLDS, 30, NOW
    ).subject
    resource, problem = expected
    preview = subject[:PREVIEW]
    assert resource in preview, subject
    assert problem in preview, subject
    assert len(subject) <= MAX_SUBJECT_LENGTH
