"""Recognising and classifying exhaustion events: pure functions on the JSON fixtures, no mocks."""

from typing import Any

import pytest

from devkit.event_fixtures import EXPECTED_REASONS, NEAR_MISSES, load_event
from lambdas.events.errors import UnparsableEvent
from lambdas.events.model import Incident, resource_name
from lambdas.events.parsing import recognise

# Every fixture comes from account 111122223333 in eu-west-1: the incident key starts with them.
ORIGIN = "111122223333|eu-west-1"


def incident_of(raw: Any) -> Incident | None:
    """The incident the event reports, None if it reports none."""
    return recognise(raw).incident


@pytest.mark.parametrize(("name", "reason"), sorted(EXPECTED_REASONS.items()))
def test_given_each_failure_fixture_when_classified_then_its_reason_is_named(name, reason):
    incident = incident_of(load_event(name))

    assert incident is not None
    assert incident.reason == reason
    assert incident.origin.event_id == load_event(name)["id"]
    assert incident.origin.account == "111122223333"


@pytest.mark.parametrize("name", NEAR_MISSES)
def test_given_a_near_miss_that_reached_the_handler_then_it_parses_and_is_ignored(name):
    # The rules keep these away (tests/infra); if one arrives anyway it is neither an incident nor an error.
    assert incident_of(load_event(name)) is None


def test_given_a_service_task_on_ec2_then_cluster_service_task_definition_and_subnet_are_read():
    incident = incident_of(load_event("task_stopped_no_addresses_ec2"))

    assert incident is not None
    assert (incident.cluster, incident.service, incident.task_definition) == ("prod", "checkout", "checkout:42")
    assert incident.subnet_id == "subnet-0a1b2c3d4e5f60718"
    assert incident.launch_type == "EC2"
    assert incident.dedupe_key == f"{ORIGIN}|SubnetAddressesExhausted|prod|checkout|subnet-0a1b2c3d4e5f60718"


def test_given_a_minimal_task_event_then_the_subnet_comes_from_the_stopped_reason_and_unknowns_stay_none():
    incident = incident_of(load_event("task_stopped_no_addresses_minimal"))

    assert incident is not None
    assert incident.subnet_id == "subnet-0a1b2c3d4e5f60718"
    assert (incident.service, incident.task_definition, incident.launch_type) == (None, None, None)
    assert incident.dedupe_key == f"{ORIGIN}|SubnetAddressesExhausted|prod|-|subnet-0a1b2c3d4e5f60718"


def test_given_a_standalone_run_task_then_its_group_stands_in_for_the_service():
    incident = incident_of(load_event("task_stopped_no_addresses_run_task"))

    assert incident is not None
    assert incident.service is None
    assert (
        incident.dedupe_key == f"{ORIGIN}|SubnetAddressesExhausted|prod|family:nightly-report|subnet-0a1b2c3d4e5f60718"
    )


def test_given_a_task_whose_stopped_reason_has_no_subnet_then_the_eni_attachment_names_it():
    event = load_event("task_stopped_no_addresses_fargate")
    event["detail"]["stoppedReason"] = "ResourceInitializationError: InsufficientFreeAddressesInSubnet"

    incident = incident_of(event)

    assert incident is not None
    assert incident.subnet_id == "subnet-0a1b2c3d4e5f60718"
    assert incident.launch_type == "FARGATE"


def test_given_a_registration_failure_then_instance_and_its_subnet_come_from_the_attributes():
    incident = incident_of(load_event("container_instance_registration_failed"))

    assert incident is not None
    assert incident.ec2_instance_id == "i-0abc1234def567890"
    assert incident.subnet_id == "subnet-0b2c3d4e5f6071829"
    assert incident.aws_message == "Failed to provision trunk ENI: InsufficientFreeAddressesInSubnet"
    assert incident.dedupe_key == f"{ORIGIN}|ContainerInstanceRegistrationFailed|prod|-|subnet-0b2c3d4e5f6071829"


def test_given_a_registration_failure_without_status_reason_then_the_message_says_so():
    incident = incident_of(load_event("container_instance_registration_failed_no_reason"))

    assert incident is not None
    assert incident.aws_message == "(the event carries no statusReason)"


def test_given_a_resource_eni_placement_failure_then_the_service_comes_from_resources():
    incident = incident_of(load_event("service_action_resource_eni"))

    assert incident is not None
    assert (incident.cluster, incident.service, incident.subnet_id) == ("prod", "checkout", None)
    assert incident.dedupe_key == f"{ORIGIN}|TaskPlacementEniExhausted|prod|checkout|-"


def test_given_an_autoscaling_message_in_capitals_when_classified_then_the_recheck_ignores_case():
    event = load_event("autoscaling_launch_not_enough_free_addresses")
    event["detail"]["StatusMessage"] = "NOT ENOUGH FREE ADDRESSES IN SUBNET"

    incident = incident_of(event)

    assert incident is not None
    assert incident.auto_scaling_group == "prod-ecs-instances"
    assert incident.dedupe_key == f"{ORIGIN}|AutoScalingLaunchNoAddresses|-|prod-ecs-instances|subnet-0b2c3d4e5f6071829"


def test_given_an_event_without_its_cluster_when_parsed_then_it_is_unparsable_naming_the_field():
    with pytest.raises(UnparsableEvent) as caught:
        recognise(load_event("malformed_task_missing_cluster"))

    assert caught.value.event_id == "bf728394-5c6e-7f80-91a2-b3c4d5e6f708"
    assert "detail.clusterArn" in caught.value.reason


@pytest.mark.parametrize(
    ("raw", "says"),
    [
        ("not an event", "expected a JSON object, got str"),
        ([1, 2], "expected a JSON object, got list"),
        ({"source": "aws.ec2", "detail-type": "EC2 Spot Instance Interruption Warning"}, "unexpected source"),
        ({"source": "aws.ecs", "detail-type": "ECS Task State Change", "id": "x"}, "TaskStateChange does not"),
    ],
)
def test_given_input_that_is_not_one_of_the_four_events_then_it_is_unparsable_saying_why(raw, says):
    with pytest.raises(UnparsableEvent) as caught:
        recognise(raw)

    assert says in caught.value.reason


@pytest.mark.parametrize(
    ("arn", "name"),
    [
        ("arn:aws:ecs:eu-west-1:111122223333:cluster/prod", "prod"),
        ("arn:aws:ecs:eu-west-1:111122223333:service/prod/checkout", "checkout"),
        ("arn:aws:ecs:eu-west-1:111122223333:service/checkout", "checkout"),  # old ARN format
        ("arn:aws:ecs:eu-west-1:111122223333:task-definition/checkout:42", "checkout:42"),
    ],
)
def test_given_ecs_arns_then_the_resource_name_is_the_last_path_part(arn, name):
    assert resource_name(arn) == name


@pytest.mark.parametrize(
    ("name", "code", "if_full"),
    [
        ("task_stopped_no_addresses_fargate_public_ip", "InsufficientFreeAddressesInSubnet", None),
        ("task_eni_creation_failed_invalid_parameter_value", "InvalidParameterValue", "SubnetAddressesExhausted"),
        ("task_eni_creation_failed_security_group_limit", "SecurityGroupLimitExceeded", "SubnetAddressesExhausted"),
    ],
)
def test_given_an_eni_creation_failure_then_the_ec2_code_is_read_and_only_an_other_code_is_ambiguous(
    name, code, if_full
):
    incident = incident_of(load_event(name))

    assert incident is not None
    assert incident.ec2_error_code == code
    # Only a code other than InsufficientFreeAddressesInSubnet may become exhaustion, if the subnet is full.
    assert incident.if_subnet_full == if_full
    assert incident.subnet_id == "subnet-0a1b2c3d4e5f60718"


def test_given_no_subnet_in_the_text_then_the_subnet_comes_from_the_tasks_eni_attachment():
    event = load_event("task_stopped_no_addresses_empty_subnet_in_text")
    assert "in subnet ''" in event["detail"]["stoppedReason"]

    incident = incident_of(event)

    assert incident is not None
    assert incident.subnet_id == "subnet-0a1b2c3d4e5f60718"  # the attachment's subnetId
    assert incident.reason == "SubnetAddressesExhausted"


@pytest.mark.parametrize(
    ("name", "caller", "subnet", "call"),
    [
        (
            "cloudtrail_create_network_interface_no_addresses",
            "EKS VPC CNI on node role platform-eks-node-role",
            "subnet-0a1b2c3d4e5f60718",
            "CreateNetworkInterface",
        ),
        (
            "cloudtrail_run_instances_no_addresses",
            "service-linked role of autoscaling.amazonaws.com",
            "subnet-0a1b2c3d4e5f60718",  # nested in networkInterfaceSet
            "RunInstances",
        ),
        (
            "cloudtrail_assign_private_ip_addresses_no_cidr_blocks",
            "EKS VPC CNI on node role platform-eks-node-role",
            None,  # the call names only the interface
            "AssignPrivateIpAddresses",
        ),
    ],
)
def test_given_a_failed_api_call_then_the_caller_the_call_and_the_subnet_are_read(name, caller, subnet, call):
    incident = incident_of(load_event(name))

    assert incident is not None
    assert (incident.caller, incident.subnet_id, incident.api_call) == (caller, subnet, call)
    # The caller is part of the incident key: one cluster's CNI retrying is one incident.
    assert caller in incident.dedupe_key


def test_given_the_same_failure_from_two_callers_then_they_are_two_incidents():
    event = load_event("cloudtrail_create_network_interface_no_addresses")
    other = load_event("cloudtrail_create_network_interface_no_addresses")
    other["detail"]["userAgent"] = "aws-cli/2.17.0"

    first, second = incident_of(event), incident_of(other)

    assert first is not None
    assert second is not None
    assert first.dedupe_key != second.dedupe_key
    assert second.caller == "role platform-eks-node-role"


@pytest.mark.parametrize(
    ("name", "variant", "subject_part"),
    [
        ("container_instance_registration_failed", "no-addresses", "got no trunk address"),
        (
            "container_instance_registration_failed_unsupported_type",
            "unsupported-type",
            "does not support ENI trunking",
        ),
        ("container_instance_registration_failed_other_trunk_failure", None, "failed to register in cluster"),
        ("container_instance_registration_failed_no_reason", None, "failed to register in cluster"),
    ],
)
def test_given_a_registration_failure_then_the_status_reason_picks_the_story_and_the_reason_stays(
    name, variant, subject_part
):
    recognised = recognise(load_event(name))
    incident = recognised.incident

    assert incident is not None
    assert incident.reason == "ContainerInstanceRegistrationFailed"  # the metric contract does not change
    assert incident.variant == variant
    assert subject_part in recognised.kind.story_of(incident).subject(incident, "subnet-0a1b2c3d4e5f60718")
