"""The exhaustion-event handler against moto: metrics, emails (read back through an SQS subscription),
the incident table, and the dead-letter queue."""

from __future__ import annotations

import json
import os
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from devkit.event_fixtures import EXPECTED_REASONS, NEAR_MISSES
from devkit.scenario import seed_awsvpc_service
from lambdas.events.handler import handler
from lambdas.events.pipeline import handle_exhaustion_event
from lambdas.events.settings import EventHandlerSettings
from lambdas.platform.errors import DeadLetterError
from lambdas.platform.settings import load_settings
from tests.integration.conftest import (
    SNAPSHOT_BUCKET,
    event_count,
    metric_values,
    published_series,
    regional_client,
    target_with,
)


def handle(event: Any, now: datetime | None = None, **overrides: str) -> dict[str, Any]:
    """Run the pipeline as the handler does, at a chosen time, with optional settings overrides."""
    settings = load_settings(EventHandlerSettings, {**os.environ, **overrides})
    target = target_with(**{s: regional_client(s) for s in ("cloudwatch", "sns", "dynamodb", "sqs", "ec2", "ecs")})
    outcome = handle_exhaustion_event(event, target, settings, now or datetime.now(UTC))
    return {"status": outcome.status, "reason": outcome.reason, "problems": outcome.problems}


@pytest.mark.parametrize(("name", "reason"), sorted(EXPECTED_REASONS.items()))
def test_given_each_failure_when_handled_then_one_email_and_one_data_point(world, lambda_context, name, reason):
    result = handler(world.event(name), lambda_context)

    emails = world.emails()
    assert result["status"] == "notified"
    assert len(emails) == 1
    assert len(emails[0]["Subject"]) < 100
    assert "WHAT TO DO" in emails[0]["Message"]
    assert event_count(reason) == 1
    assert world.dead_letters() == []


def test_given_a_task_event_then_the_email_shows_the_subnet_free_count_looked_up_at_send_time(world):
    handle(world.event("task_stopped_no_addresses_ec2"))

    (email,) = world.emails()
    assert email["Subject"] == f"tasks-1a ({world.subnet_id}) is out of IP addresses: ECS task could not start"
    # /28 = 11 usable, 9 ENIs taken: AvailableIpAddressCount is 2.
    assert "Free addresses now: 2 (read at" in email["Message"]
    assert "CIDR: 10.20.16.0/28 (11 usable)" in email["Message"]


@pytest.mark.parametrize(
    ("overrides", "prefix", "account_line"),
    [
        # One account: the subject is unchanged, WHERE names the account.
        ({}, "", "Account: 123456789012\n"),
        # Hub mode: every subject says whose incident it is, by name where monitor:accountNames has one.
        ({"MONITOR_MODE": "hub"}, "[123456789012] ", "Account: 123456789012\n"),
        (
            {"MONITOR_MODE": "hub", "ACCOUNT_NAMES": '{"123456789012": "platform-prod"}'},
            "[platform-prod] ",
            "Account: 123456789012 (platform-prod)\n",
        ),
    ],
)
def test_given_an_event_then_its_email_and_count_carry_its_account(world, overrides, prefix, account_line):
    # The hub's own account and region (read with the handler's own role); a member's event, read through the
    # member's reader role, is in tests/integration/test_hub_mode.py.
    event = world.event("task_stopped_no_addresses_ec2")
    event.update(account="123456789012", region="us-east-1")

    handle(event, **overrides)

    (email,) = world.emails()
    subject = f"{prefix}tasks-1a ({world.subnet_id}) is out of IP addresses: ECS task could not start"
    # Subjects are cut to fit (100 characters); the body starts with the whole one.
    assert subject.startswith(email["Subject"].removesuffix("..."))
    assert email["Message"].startswith(subject + "\n")
    assert account_line in email["Message"]
    counted = {"AccountId": "123456789012", "Reason": "SubnetAddressesExhausted"}
    assert sum(metric_values(regional_client("cloudwatch"), "IpExhaustionEvents", counted, "Sum")) == 1


def test_given_a_burst_of_identical_failures_then_one_email_and_every_event_counted(world):
    now = datetime.now(UTC)
    statuses = [
        handle(world.event("task_stopped_no_addresses_ec2", taskArn=f"arn:aws:ecs:eu-west-1:1:task/prod/{n}"), now)[
            "status"
        ]
        for n in range(12)
    ]

    assert statuses == ["notified"] + ["duplicate"] * 11
    assert len(world.emails()) == 1
    assert event_count("SubnetAddressesExhausted") == 12


def test_given_the_window_has_passed_when_the_incident_recurs_then_a_second_email_is_sent(world):
    first = datetime.now(UTC) - timedelta(minutes=31)
    handle(world.event("task_stopped_no_addresses_ec2"), first)
    assert handle(world.event("task_stopped_no_addresses_ec2"), first + timedelta(minutes=29))["status"] == "duplicate"

    assert handle(world.event("task_stopped_no_addresses_ec2"), first + timedelta(minutes=31))["status"] == "notified"
    assert len(world.emails()) == 2


def test_given_two_services_in_the_same_subnet_then_each_gets_its_own_email(world):
    handle(world.event("task_stopped_no_addresses_ec2"))
    handle(world.event("task_stopped_no_addresses_ec2", group="service:payments"))

    subjects_and_services = sorted(
        next(line for line in e["Message"].splitlines() if line.startswith("Service: ")) for e in world.emails()
    )
    assert subjects_and_services == ["Service: checkout", "Service: payments"]


@pytest.mark.parametrize("name", NEAR_MISSES)
def test_given_a_near_miss_that_reaches_the_handler_then_nothing_is_sent_or_counted(world, name):
    assert handle(world.event(name))["status"] == "ignored"

    assert world.emails() == []
    assert world.dead_letters() == []
    assert published_metric_names() == []


def published_metric_names() -> list[str]:
    metrics = regional_client("cloudwatch").list_metrics(Namespace="SubnetIpMonitorTest")["Metrics"]
    return sorted({m["MetricName"] for m in metrics})


def test_given_a_malformed_event_then_it_is_counted_kept_intact_in_the_dead_letter_queue_and_not_emailed(world):
    event = world.event("malformed_task_missing_cluster")

    result = handle(event)

    assert result["status"] == "unparsed"
    assert sum(metric_values(regional_client("cloudwatch"), "UnparsedEvents", {}, "Sum")) == 1
    (kept,) = world.dead_letters()
    assert json.loads(kept["Body"]) == event
    assert kept["MessageAttributes"]["EventId"]["StringValue"] == event["id"]
    assert "detail.clusterArn" in kept["MessageAttributes"]["Reason"]["StringValue"]
    assert world.emails() == []


def test_given_the_topic_rejects_the_email_then_the_event_goes_to_the_dead_letter_queue_and_the_window_reopens(
    world,
):
    event = world.event("service_action_resource_eni")
    missing_topic = "arn:aws:sns:us-east-1:123456789012:deleted-topic"

    result = handle(event, TOPIC_ARN=missing_topic)

    assert result["status"] == "dead-lettered"
    assert [p["operation"] for p in result["problems"]] == ["Publish"]
    (kept,) = world.dead_letters()
    assert json.loads(kept["Body"]) == event
    assert kept["MessageAttributes"]["Reason"]["StringValue"].startswith("notification failed")
    assert event_count("TaskPlacementEniExhausted") == 1
    # The claim was released, so the next event of the incident emails once the topic works again.
    assert handle(world.event("service_action_resource_eni"))["status"] == "notified"
    assert len(world.emails()) == 1


def test_given_neither_topic_nor_dead_letter_queue_work_then_the_handler_raises_so_lambda_retries(world):
    with pytest.raises(DeadLetterError):
        handle(
            world.event("service_action_resource_eni"),
            TOPIC_ARN="arn:aws:sns:us-east-1:123456789012:deleted-topic",
            DEAD_LETTER_QUEUE_URL="https://sqs.us-east-1.amazonaws.com/123456789012/deleted-queue",
        )


def test_given_the_incident_table_fails_then_the_email_is_sent_anyway(world):
    result = handle(world.event("task_stopped_no_addresses_ec2"), INCIDENT_TABLE_NAME="missing-table")

    assert result["status"] == "notified"
    # The claim and the per-account cap's counter both fail open: the email goes, both failures are said.
    assert [p["operation"] for p in result["problems"]] == ["PutItem", "UpdateItem"]
    assert len(world.emails()) == 1


def test_given_the_subnet_is_gone_then_the_email_still_goes_and_says_the_count_is_unknown(world):
    event = world.event("task_stopped_no_addresses_ec2")
    event["detail"]["stoppedReason"] = event["detail"]["stoppedReason"].replace(world.subnet_id, "subnet-0deadbeef")

    handle(event)

    (email,) = world.emails()
    assert "Free addresses now: unknown (DescribeSubnets failed: InvalidSubnetID.NotFound)" in email["Message"]


def test_given_topic_and_table_both_fail_then_the_kept_event_says_the_notification_failed(world):
    result = handle(
        world.event("task_stopped_no_addresses_ec2"),
        TOPIC_ARN="arn:aws:sns:us-east-1:123456789012:deleted-topic",
        INCIDENT_TABLE_NAME="missing-table",
    )

    assert [p["operation"] for p in result["problems"]] == ["PutItem", "UpdateItem", "Publish", "DeleteItem"]
    (kept,) = world.dead_letters()
    assert kept["MessageAttributes"]["Reason"]["StringValue"].startswith("notification failed: Publish failed")


def test_given_an_ambiguous_ec2_code_on_a_subnet_at_the_floor_then_it_counts_as_exhaustion_and_says_why(world):
    # The world's /28 has 2 free addresses; with the default floor of 8 the subnet is full.
    result = handle(world.event("task_eni_creation_failed_invalid_parameter_value"), FREE_ADDRESS_FLOOR="8")

    assert (result["status"], result["reason"]) == ("notified", "SubnetAddressesExhausted")
    assert event_count("SubnetAddressesExhausted") == 1
    assert event_count("EniCreationFailed") == 0
    (email,) = world.emails()
    assert email["Subject"] == f"tasks-1a ({world.subnet_id}) is out of IP addresses: ECS task could not start"
    assert (
        "EC2 answered InvalidParameterValue, not InsufficientFreeAddressesInSubnet, but the subnet had 2 free "
        "addresses (floor 8) when this was handled: counted as SubnetAddressesExhausted." in email["Message"]
    )
    assert "EC2 error code: InvalidParameterValue" in email["Message"]


def test_given_an_ambiguous_ec2_code_on_a_subnet_with_room_then_it_is_an_eni_creation_failure(world):
    result = handle(world.event("task_eni_creation_failed_invalid_parameter_value"), FREE_ADDRESS_FLOOR="1")

    assert (result["status"], result["reason"]) == ("notified", "EniCreationFailed")
    assert event_count("EniCreationFailed") == 1
    (email,) = world.emails()
    assert email["Subject"] == f"ECS task got no ENI in tasks-1a ({world.subnet_id}): InvalidParameterValue"
    assert "the subnet had 2 free addresses (floor 1): not exhaustion." in email["Message"]
    assert "There aren't sufficient free Ipv4 addresses or prefixes" in email["Message"]  # the remedy names it


def test_given_the_subnet_cannot_be_read_then_an_ambiguous_code_stays_an_eni_creation_failure(world):
    event = world.event("task_eni_creation_failed_invalid_parameter_value")
    text = json.dumps(event).replace(world.subnet_id, "subnet-0fffffffffffffff0")

    result = handle(json.loads(text), FREE_ADDRESS_FLOOR="8")

    assert result["reason"] == "EniCreationFailed"
    assert [p["operation"] for p in result["problems"]] == ["DescribeSubnets"]
    (email,) = world.emails()
    assert "The subnet could not be read (DescribeSubnets failed:" in email["Message"]


def test_given_a_census_snapshot_then_the_email_gives_the_subnets_free_prefix_blocks(world):
    snapshot = {
        "generatedAt": "2026-11-29T10:15:00+00:00",
        "subnets": [{"subnetId": world.subnet_id, "freePrefixBlocks": 0, "consumers": []}],
    }
    regional_client("s3").put_object(Bucket=SNAPSHOT_BUCKET, Key="census/latest.json", Body=json.dumps(snapshot))

    result = handle(world.event("cloudtrail_create_network_interface_no_addresses"))

    assert (result["status"], result["problems"]) == ("notified", [])
    (email,) = world.emails()
    assert "Free /28 blocks: 0 (ENI census of 2026-11-29 10:15 UTC)" in email["Message"]
    assert "Caller: EKS VPC CNI on node role platform-eks-node-role" in email["Message"]


def test_given_a_deployment_that_will_not_fit_then_one_warning_names_the_service_and_its_subnets(world):
    first = handle(world.event("deployment_in_progress"))
    again = handle(world.event("deployment_in_progress"))

    assert (first["status"], first["reason"]) == ("notified", "DeploymentWillNotFit")
    assert again["status"] == "duplicate"  # EventBridge's retries and ECS's repeats: one email per deployment
    (email,) = world.emails()
    assert (
        email["Subject"]
        == "ECS deployment of orders-api will not fit: needs 10 more addresses; its subnets have 2 free"
    )
    assert (
        "Deployment ecs-svc/1234567890123456789 of orders-api needs 10 more addresses; its subnets have 2 free."
        in email["Message"]
    )
    assert "Rolling update: floor(10 x 200 / 100) - 10 = 10 new tasks before old ones stop" in email["Message"]
    assert f"tasks-1a ({world.subnet_id}): 2 free (short of its share)" in email["Message"]
    assert event_count("DeploymentWillNotFit") == 2
    # The commands on-call copies carry the service's own names and sizes, not placeholders.
    assert "aws ecs describe-services --cluster orders --services orders-api" in email["Message"]
    assert "aws ecs update-service --cluster orders --service orders-api --deployment-configuration" in email["Message"]
    assert "subnet-ip-monitor plan --tasks 10 --max-percent 200 --azs 1" in email["Message"]
    assert "<" not in email["Message"].split("WHAT TO DO", 1)[1]


def test_given_a_call_on_an_interface_then_the_email_names_the_interfaces_subnet(world):
    interface = regional_client("ec2").create_network_interface(SubnetId=world.subnet_id)["NetworkInterface"]
    event = world.event("cloudtrail_assign_private_ip_addresses_no_cidr_blocks")
    event["detail"]["requestParameters"]["networkInterfaceId"] = interface["NetworkInterfaceId"]

    result = handle(event)

    assert (result["status"], result["problems"]) == ("notified", [])
    (email,) = world.emails()
    assert email["Subject"] == f"No free /28 block in tasks-1a ({world.subnet_id}): AssignPrivateIpAddresses failed"
    assert f"Subnet: tasks-1a ({world.subnet_id})" in email["Message"]


def test_given_a_deployment_that_fits_then_nothing_is_counted_or_emailed(world):
    event = world.event("deployment_in_progress")
    event["resources"] = ["arn:aws:ecs:eu-west-1:123456789012:service/orders/orders-small"]
    seed_awsvpc_service(
        regional_client("ec2"),
        regional_client("ecs"),
        cluster="orders",
        service="orders-small",
        subnet_ids=[world.subnet_id],
        desired_count=2,
    )

    result = handle(event)

    assert result["status"] == "ignored"
    assert world.emails() == []
    assert published_series(regional_client("cloudwatch"), "IpExhaustionEvents") == []
