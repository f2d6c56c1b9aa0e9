"""The incident email: subject and plain-text body, rendered from plain data."""

from dataclasses import replace
from datetime import UTC, datetime

import pytest

from devkit.event_fixtures import EXPECTED_REASONS, load_event
from lambdas.domain.network import Subnet
from lambdas.events.email import SubnetNow, render_email
from lambdas.events.parsing import Recognised, recognise
from lambdas.platform.email import MAX_SUBJECT_LENGTH, Email

NOW = datetime(2026, 11, 23, 14, 2, 30, tzinfo=UTC)
TASKS_1A = Subnet("subnet-0a1b2c3d4e5f60718", "vpc-0f1e2d3c4b5a69788", "eu-west-1a", "10.20.16.0/25", 0, "tasks-1a")


def recognised(name: str) -> Recognised:
    found = recognise(load_event(name))
    assert found.incident is not None
    return found


def email_for_event(event: dict) -> Email:
    """The email for a raw event, with its subnet named as the event says (eks-1a)."""
    found = recognise(event)
    assert found.incident is not None
    subnet = Subnet("subnet-0c3d4e5f6071829a0", "vpc-1", "eu-west-1a", "10.20.32.0/24", 2, "eks-1a")
    return render_email(found.kind, found.incident, SubnetNow(subnet), 30, NOW)


def email_for(name: str, subnet: SubnetNow, window_minutes: int, now: datetime) -> Email:
    """The email the handler would send for the fixture's event."""
    found = recognised(name)
    assert found.incident is not None
    return render_email(found.kind, found.incident, subnet, window_minutes, now)


def test_given_a_task_stopped_for_lack_of_addresses_then_the_subject_names_the_problem_and_the_subnet():
    email = email_for("task_stopped_no_addresses_ec2", SubnetNow(TASKS_1A), 30, NOW)

    assert email.subject == "tasks-1a (subnet-0a1b2c3d4e5f60718) is out of IP addresses: ECS task could not start"


def test_given_a_task_incident_then_the_body_says_where_what_aws_said_and_what_to_do():
    found = recognised("task_stopped_no_addresses_ec2")
    assert found.incident is not None

    body = render_email(found.kind, found.incident, SubnetNow(TASKS_1A), 30, NOW).body

    for line in (
        "Account: 111122223333",
        "Region: eu-west-1",
        "Cluster: prod",
        "Service: checkout",
        "Task definition: checkout:42",
        "Subnet: tasks-1a (subnet-0a1b2c3d4e5f60718)",
        "CIDR: 10.20.16.0/25 (123 usable)",
        "Free addresses now: 0 (read at 14:02 UTC)",
        "When: 2026-11-23 14:02:11 UTC",
        found.incident.aws_message,
        f"1. {found.kind.remedies[0]}",
        "Service: https://eu-west-1.console.aws.amazon.com/ecs/v2/clusters/prod/services/checkout/health?region=eu-west-1",
        "Subnet: https://eu-west-1.console.aws.amazon.com/vpcconsole/home?region=eu-west-1"
        "#SubnetDetails:subnetId=subnet-0a1b2c3d4e5f60718",
        "not emailed again before 14:32 UTC",
    ):
        assert line in body, line


@pytest.mark.parametrize("name", sorted(EXPECTED_REASONS))
def test_given_every_failure_fixture_then_the_subject_is_short_ascii_and_the_body_has_every_section(name):
    email = email_for(name, SubnetNow(None, "DescribeSubnets failed: AccessDenied"), 30, NOW)

    assert 0 < len(email.subject) <= MAX_SUBJECT_LENGTH
    assert email.subject.isascii()
    assert "\n" not in email.subject
    sections = ["WHAT HAPPENED", "WHERE", "AWS SAID", "WHAT TO DO", "OPEN IN THE CONSOLE"]
    assert [s for s in sections if f"\n\n{s}\n" in email.body] == sections
    assert "None" not in email.body  # a missing field leaves its line out instead


def test_given_the_subnet_could_not_be_read_then_the_free_count_is_unknown_with_the_reason():
    body = email_for(
        "task_stopped_no_addresses_ec2", SubnetNow(None, "DescribeSubnets failed: AccessDenied"), 30, NOW
    ).body

    assert "Subnet: subnet-0a1b2c3d4e5f60718\n" in body
    assert "Free addresses now: unknown (DescribeSubnets failed: AccessDenied)" in body


def test_given_a_long_non_ascii_name_then_the_subject_cuts_the_name_and_keeps_the_problem_in_ascii():
    named = replace(TASKS_1A, name="équipe-paiements-" + "x" * 120)

    email = email_for("task_stopped_no_addresses_ec2", SubnetNow(named), 30, NOW)

    assert email.subject == (
        "?quipe-paiements-... (subnet-0a1b2c3d4e5f60718) is out of IP addresses: ECS task could not start"
    )
    assert len(email.subject) <= MAX_SUBJECT_LENGTH
    assert f"Subnet: {named.name} (subnet-0a1b2c3d4e5f60718)" in email.body  # the whole name, in WHERE


def test_given_a_placement_failure_then_the_subject_names_service_and_cluster_and_the_steps_name_trunking():
    email = email_for("service_action_resource_eni", SubnetNow(None, "no subnet in the event"), 30, NOW)

    assert email.subject == "ECS service checkout cannot place tasks: cluster prod is out of ENIs"
    assert "awsvpcTrunking" in email.body
    assert "Free addresses now" not in email.body  # no subnet in a placement failure


def test_given_an_autoscaling_failure_then_the_group_is_linked_and_named():
    email = email_for("autoscaling_launch_not_enough_free_addresses", SubnetNow(None, "x"), 30, NOW)

    assert email.subject == "Auto Scaling group prod-ecs-instances cannot launch: subnet-0b2c3d4e5f6071829 is full"
    assert "#AutoScalingGroupDetails:id=prod-ecs-instances;view=activity" in email.body


def test_given_the_census_reads_a_member_then_the_eks_incident_is_the_members_not_the_hubs():
    # Hub mode: the census runs in the hub, so the event's own account and region are the hub's; the detail
    # names the member's, and the incident (its count, its key, its subnet lookup) follows the detail.
    event = load_event("eks_nodegroup_insufficient_free_addresses")
    event["account"], event["region"] = "999988887777", "us-east-1"
    event["detail"]["account"], event["detail"]["region"] = "111122223333", "eu-west-1"

    incident = recognise(event).incident

    assert incident is not None
    assert (incident.origin.account, incident.origin.region) == ("111122223333", "eu-west-1")
    assert incident.dedupe_key.startswith("111122223333|eu-west-1|EksNodegroupNoAddresses|platform-eks|")


def test_given_a_cluster_level_eks_shortage_then_the_email_names_the_cluster_and_links_to_it():
    event = load_event("eks_nodegroup_insufficient_free_addresses")
    event["detail"]["nodegroupName"] = None

    email = email_for_event(event)

    assert email.subject == "EKS cluster platform-eks: no free addresses in eks-1a (subnet-0c3d4e5f6071829a0)"
    assert "EKS cluster: platform-eks" in email.body
    assert "EKS node group:" not in email.body
    assert "#/clusters/platform-eks\n" in email.body
    assert "/ecs/" not in email.body  # not an ECS cluster
