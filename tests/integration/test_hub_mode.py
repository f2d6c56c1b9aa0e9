"""Hub mode end to end on the emulator: the dispatcher's messages, the collectors reading members through their
reader role, metrics with AccountId read back from the hub, and a member without the role isolated."""

from __future__ import annotations

import json
import os
from datetime import UTC, datetime
from typing import Any
from unittest.mock import patch

import boto3
import pytest

from devkit.alarm_fixtures import THRESHOLDS, load_notification, with_contributor
from devkit.event_fixtures import load_event
from devkit.lambda_context import LocalLambdaContext, function_arn
from devkit.organization import (
    HUB_ACCOUNT,
    HUB_REGION,
    MEMBER_WITH_ROLE,
    MEMBER_WITHOUT_ROLE,
    READER_ROLE,
    REGIONS,
    MemberNetwork,
    create_failure_streak_table,
    dispatch_and_work,
    hub_environment,
    seed_member_cluster,
    seed_members,
)
from devkit.publishing import EVERY_RUN
from devkit.readback import drain_queue
from devkit.scenario import ECS_CLUSTER, EventResources, seed_event_resources
from lambdas.alerts.digest_handler import handler as digest_handler
from lambdas.alerts.handler import handler as composer_handler
from lambdas.census.handler import handler as census_handler
from lambdas.census.table_handler import handler as census_table_handler
from lambdas.ecs.handler import handler as ecs_handler
from lambdas.events.handler import handler as events_handler
from lambdas.hub.dispatch.handler import handler as dispatcher
from lambdas.hub.members import TargetMessage, member_target
from lambdas.platform import contract
from lambdas.platform.targets import own_target
from lambdas.subnets.handler import handler as subnet_handler
from tests.integration.conftest import NAMESPACE, count_calls, metric_values, published_series

# The subnet the ECS task fixture names (tests/events), replaced by a member's.
FIXTURE_SUBNET = "subnet-0a1b2c3d4e5f60718"
CONTEXT: Any = LocalLambdaContext(function_name="hub", invoked_function_arn=function_arn(HUB_REGION, HUB_ACCOUNT))


@pytest.fixture
def hub(aws: None, monkeypatch: pytest.MonkeyPatch) -> dict[str, MemberNetwork]:
    """Two members in two regions (one without the reader role), the hub's queues, and hub-mode settings."""
    for key, value in {
        **EVERY_RUN,
        "METRIC_NAMESPACE": NAMESPACE,
        "SUBNET_TAG_FILTER": "",
        "CLUSTER_NAMES": "",
        **hub_environment(),
    }.items():
        monkeypatch.setenv(key, value)
    return seed_members(own_target(CONTEXT).client("sts"))


def _queue(name: str) -> str:
    return str(boto3.client("sqs", region_name=HUB_REGION).create_queue(QueueName=name)["QueueUrl"])


def _deliver(queue_url: str) -> dict[str, Any]:
    """What the SQS event source hands the collector, one record per message (batch size 1 in the stack)."""
    sqs = boto3.client("sqs", region_name=HUB_REGION)
    records = []
    while batch := sqs.receive_message(QueueUrl=queue_url, MaxNumberOfMessages=10).get("Messages", []):
        for message in batch:
            records.append({"messageId": message["MessageId"], "body": message["Body"], "eventSource": "aws:sqs"})
            sqs.delete_message(QueueUrl=queue_url, ReceiptHandle=message["ReceiptHandle"])
    return {"Records": records}


def test_given_two_members_in_two_regions_then_subnets_carry_their_account_and_the_roleless_member_fails_alone(hub):
    sent, retried = dispatch_and_work("subnets", subnet_handler, dispatcher, CONTEXT)

    assert (sent["status"], sent["resources"], sent["accounts"], sent["regions"]) == ("complete", 4, 2, 2)
    assert retried == 0
    cloudwatch = boto3.client("cloudwatch", region_name=HUB_REGION)
    for region, network in hub.items():
        for name, subnet_id in network.subnets.items():
            dims = contract.subnet_series(MEMBER_WITH_ROLE, network.vpc_id, subnet_id, network.availability_zones[name])
            assert metric_values(cloudwatch, "AvailableIpAddressCount", dims) == [float(network.free[name])], region
    published = published_series(cloudwatch, "AvailableIpAddressCount")
    accounts = {d["AccountId"] for d in published}
    assert accounts == {MEMBER_WITH_ROLE}  # moto's default VPCs of the member are published too, same account
    # The member without the role: one AssumeRole failure per region, counted under the collector.
    assert sum(metric_values(cloudwatch, "CollectorFailures", {"Collector": "subnets"}, "Sum")) == 2
    # Published to the hub's region only: nothing went to us-east-1's CloudWatch.
    assert boto3.client("cloudwatch", region_name="us-east-1").list_metrics(Namespace=NAMESPACE)["Metrics"] == []


def test_given_a_member_with_more_series_than_the_cap_then_the_hub_publishes_the_cap_and_counts_the_rest(
    hub, monkeypatch
):
    # A member's junk subnets cannot grow the hub's bill without bound (monitor:maxSeriesPerTarget).
    monkeypatch.setenv("MAX_SERIES_PER_TARGET", "10")
    from lambdas.platform.settings import _load_from_process_environment

    _load_from_process_environment.cache_clear()

    dispatch_and_work("subnets", subnet_handler, dispatcher, CONTEXT)

    cloudwatch = boto3.client("cloudwatch", region_name=HUB_REGION)
    published = [
        (name, d)
        for name in ("AvailableIpAddressCount", "IpUtilization", "VpcAvailableIpAddressCount", "VpcMaxIpUtilization")
        for d in published_series(cloudwatch, name)
    ]
    # Each of the member's two regions has more than 10 series (its subnets and moto's default VPC): 10 each.
    assert len(published) == 2 * 10
    assert {n for n, _ in published} >= {"VpcAvailableIpAddressCount", "VpcMaxIpUtilization"}
    left_out = metric_values(cloudwatch, "SeriesLeftOut", {"Collector": "subnets"}, "Sum")
    assert sum(left_out) > 0
    # Not a failure: only the roleless member's AssumeRole failures are (one per region).
    assert sum(metric_values(cloudwatch, "CollectorFailures", {"Collector": "subnets"}, "Sum")) == 2


def test_given_a_member_cluster_then_its_series_carry_account_and_region(hub):
    seed_member_cluster()

    _, retried = dispatch_and_work("ecs", ecs_handler, dispatcher, CONTEXT)

    assert retried == 0
    cloudwatch = boto3.client("cloudwatch", region_name=HUB_REGION)
    dims = contract.cluster_series(MEMBER_WITH_ROLE, HUB_REGION, ECS_CLUSTER)
    # The same cluster the single-account test reads: 7 ENI tasks on 14 slots.
    assert metric_values(cloudwatch, "EniTasksRunning", dims) == [7.0]
    assert metric_values(cloudwatch, "EniTaskCapacity", dims) == [14.0]
    assert {(d["AccountId"], d["Region"]) for d in published_series(cloudwatch, "EniUtilization")} == {
        (MEMBER_WITH_ROLE, HUB_REGION)
    }


def test_given_warm_containers_then_a_member_role_is_assumed_once_per_credential_lifetime(hub):
    home = own_target(CONTEXT)
    calls = count_calls(home.client("sts"), "AssumeRole")

    first = member_target(home, MEMBER_WITH_ROLE, HUB_REGION, READER_ROLE, "subnets")
    again = member_target(home, MEMBER_WITH_ROLE, HUB_REGION, READER_ROLE, "subnets")
    other_collector = member_target(home, MEMBER_WITH_ROLE, HUB_REGION, READER_ROLE, "ecs")

    assert first is again
    assert other_collector is not first
    assert [c["RoleSessionName"] for c in calls] == ["subnets", "ecs"]
    assert calls[0]["RoleArn"] == f"arn:aws:iam::{MEMBER_WITH_ROLE}:role/{READER_ROLE}"
    # Reads go to the member; writes go home.
    assert first.client("sts").get_caller_identity()["Account"] == MEMBER_WITH_ROLE
    assert first.home_client("sts").get_caller_identity()["Account"] == HUB_ACCOUNT


def test_given_an_unreadable_message_then_only_it_is_returned_for_retry(hub):
    good = TargetMessage(
        collector="subnets", accountId=MEMBER_WITH_ROLE, region=HUB_REGION, scheduledAt=datetime.now(UTC)
    )
    records = [
        {"messageId": "bad", "body": json.dumps({"collector": "subnets", "accountId": "not-an-account"})},
        {"messageId": "good", "body": good.body()},
    ]

    response = subnet_handler({"Records": records}, CONTEXT)

    assert response == {"batchItemFailures": [{"itemIdentifier": "bad"}]}
    cloudwatch = boto3.client("cloudwatch", region_name=HUB_REGION)
    assert {d["AccountId"] for d in published_series(cloudwatch, "IpUtilization")} == {MEMBER_WITH_ROLE}


def test_given_an_organizational_unit_that_cannot_be_listed_then_the_listed_members_are_still_dispatched(
    hub, monkeypatch
):
    monkeypatch.setenv("ORGANIZATION_UNIT_IDS", "ou-abcd-12345678")
    from lambdas.platform.settings import _load_from_process_environment

    _load_from_process_environment.cache_clear()
    queue_url = _queue("subnets-work")

    sent = dispatcher({"collector": "subnets", "queueUrl": queue_url, "periodMinutes": 5}, CONTEXT)

    # No organization in the emulator: listing the unit fails, as it would without the permission.
    assert sent["status"] == "partial"
    assert [f["operation"] for f in sent["failures"]] == ["ListAccountsForParent"]
    assert sent["failures"][0]["organizationalUnit"] == "ou-abcd-12345678"
    assert sent["resources"] == 4
    bodies = [json.loads(r["body"]) for r in _deliver(queue_url)["Records"]]
    assert sorted((b["accountId"], b["region"]) for b in bodies) == sorted(
        (a, r) for a in (MEMBER_WITH_ROLE, MEMBER_WITHOUT_ROLE) for r in REGIONS
    )
    cloudwatch = boto3.client("cloudwatch", region_name=HUB_REGION)
    assert metric_values(cloudwatch, "CollectorFailures", {"Collector": "subnets"}, "Sum") == [1.0]


def _email_world() -> tuple[EventResources, dict[str, str]]:
    """The hub's topic (with a readable inbox), incident table, dead-letter queue and census bucket, and the
    environment of a function that emails through them."""
    resources = seed_event_resources(*(boto3.client(s, region_name=HUB_REGION) for s in ("sns", "sqs", "dynamodb")))
    boto3.client("s3", region_name=HUB_REGION).create_bucket(
        Bucket="hub-census", CreateBucketConfiguration={"LocationConstraint": HUB_REGION}
    )
    return resources, {
        "TOPIC_ARN": resources.topic_arn,
        "INCIDENT_TABLE_NAME": resources.incident_table,
        "DEDUPE_WINDOW_MINUTES": "30",
        "DEAD_LETTER_QUEUE_URL": resources.dead_letter_queue_url,
        "ACCOUNT_NAMES": "{}",
        "SNAPSHOT_BUCKET": "hub-census",
        "MAX_INCIDENTS_PER_WINDOW": "20",
    }


def test_given_a_members_exhaustion_event_then_the_email_reads_its_subnet_and_census_in_that_account(hub):
    network = hub["eu-west-1"]
    subnet_id = network.subnets["tasks-a"]
    sqs, s3 = boto3.client("sqs", region_name=HUB_REGION), boto3.client("s3", region_name=HUB_REGION)
    resources, environment = _email_world()
    # The census's snapshot of that member and region (the hub keeps one per target); only its entry is read.
    snapshot = {"generatedAt": "2026-11-29T15:00:00Z", "subnets": [{"subnetId": subnet_id, "freePrefixBlocks": 1}]}
    s3.put_object(
        Bucket="hub-census", Key=f"census/members/{MEMBER_WITH_ROLE}/eu-west-1/latest.json", Body=json.dumps(snapshot)
    )
    event = json.loads(json.dumps(load_event("task_stopped_no_addresses_ec2")).replace(FIXTURE_SUBNET, subnet_id))
    event.update(account=MEMBER_WITH_ROLE, region="eu-west-1")
    named = {"ACCOUNT_NAMES": json.dumps({MEMBER_WITH_ROLE: "payments-prod"}), "FREE_ADDRESS_FLOOR": "8"}
    with patch.dict(os.environ, {**environment, **named}):
        outcome = events_handler(event, CONTEXT)

    assert (outcome["status"], outcome["problems"]) == ("notified", [])
    (email,) = [json.loads(m["Body"]) for m in drain_queue(sqs, resources.inbox_url)]
    assert email["Subject"].startswith("[payments-prod] subnet-")
    assert email["Subject"].endswith(" is out of IP addresses: ECS task could not start")
    # Read in the member's account through its reader role: the /26 with 50 taken has 9 free.
    assert "Free addresses now: 9 (read at" in email["Message"]
    assert "Free /28 blocks: 1" in email["Message"]


# An account that is neither the hub nor a member (nor, with units, found under them).
OUTSIDER = "999999999999"


def test_given_an_event_from_an_account_that_is_not_a_target_then_it_is_counted_and_dropped(hub):
    sqs, cloudwatch = (boto3.client(s, region_name=HUB_REGION) for s in ("sqs", "cloudwatch"))
    resources, environment = _email_world()
    event = load_event("task_stopped_no_addresses_ec2")
    event.update(account=OUTSIDER, region="eu-west-1")
    sts = own_target(CONTEXT).client("sts")
    assumed = count_calls(sts, "AssumeRole")
    with patch.dict(os.environ, {**environment, "FREE_ADDRESS_FLOOR": "8"}):
        outcome = events_handler(event, CONTEXT)

    # Not emailed, not looked up in that account, not kept for replay; counted without its account as a dimension.
    assert outcome["status"] == "foreign"
    assert drain_queue(sqs, resources.inbox_url) == []
    assert drain_queue(sqs, resources.dead_letter_queue_url) == []
    assert assumed == []
    assert metric_values(cloudwatch, "ForeignAccountEvents", {}, "Sum") == [1.0]
    assert published_series(cloudwatch, "IpExhaustionEvents") == []


def test_given_organizational_units_then_the_accounts_the_dispatcher_found_are_the_targets(hub, monkeypatch):
    sqs = boto3.client("sqs", region_name=HUB_REGION)
    resources, environment = _email_world()
    found = "444455556666"
    # What the dispatcher writes after listing the units (contract.TARGET_ACCOUNTS_KEY).
    boto3.client("s3", region_name=HUB_REGION).put_object(
        Bucket="hub-census",
        Key=contract.TARGET_ACCOUNTS_KEY,
        Body=json.dumps({"generatedAt": "2026-12-03T10:00:00Z", "accounts": [MEMBER_WITH_ROLE, found]}),
    )
    units = {"ORGANIZATION_UNIT_IDS": "ou-abcd-12345678", "FREE_ADDRESS_FLOOR": "8"}
    outcomes = {}
    for account in (found, OUTSIDER):
        event = load_event("task_stopped_no_addresses_ec2")
        event.update(account=account, region="eu-west-1", id=f"unit-{account}")
        with patch.dict(os.environ, {**environment, **units}):
            outcomes[account] = events_handler(event, CONTEXT)["status"]

    # The found account's event is an incident (its subnet lookup fails: no reader role there); the other is not.
    assert outcomes == {found: "notified", OUTSIDER: "foreign"}
    assert len(drain_queue(sqs, resources.inbox_url)) == 1


def test_given_an_alarm_on_a_members_subnet_in_another_region_then_the_composer_reads_it_there(hub):
    # The subnet collector's series tell the composer where the subnet is (its alarm names no region).
    dispatch_and_work("subnets", subnet_handler, dispatcher, CONTEXT)
    network = hub["us-east-1"]
    subnet_id = network.subnets["tasks-b"]  # 57 of 59 taken: 2 free, 96.6 %
    sqs = boto3.client("sqs", region_name=HUB_REGION)
    resources, environment = _email_world()
    notification = with_contributor(load_notification("subnet_ip_utilization_alarm"), subnet_id)
    notification["detail"]["alarmContributor"]["attributes"]["AccountId"] = MEMBER_WITH_ROLE
    notification.update(account=HUB_ACCOUNT, region=HUB_REGION)
    with patch.dict(os.environ, {**environment, "ALARM_NAME_PREFIX": "SubnetIpMonitor-", **THRESHOLDS}):
        outcome = composer_handler(notification, CONTEXT)

    assert (outcome["status"], outcome["problems"]) == ("notified", [])
    (email,) = [json.loads(m["Body"]) for m in drain_queue(sqs, resources.inbox_url)]
    body = email["Message"]
    # Read in us-east-1 of the member, through its reader role: the subnet's own CIDR and free count.
    assert f"Account: {MEMBER_WITH_ROLE}\nRegion: us-east-1\n" in body
    assert "CIDR: 10.40.1.0/26" in body
    assert "Free addresses: 2\n" in body
    # The member's census snapshot is looked for under its own key; none exists yet, and the email says so.
    assert "no census snapshot yet" in body


def test_given_a_week_of_runs_then_the_digest_and_table_cover_every_member_and_name_the_one_failing(hub):
    sqs = boto3.client("sqs", region_name=HUB_REGION)
    resources, environment = _email_world()
    named = {MEMBER_WITH_ROLE: "payments-prod"}
    streaks = {
        "FAILURE_STREAK_TABLE": create_failure_streak_table(boto3.client("dynamodb", region_name=HUB_REGION)),
        "ACCOUNT_NAMES": json.dumps(named),
        "UTILIZATION_THRESHOLD_PERCENT": "80",
    }
    with patch.dict(os.environ, {**environment, **streaks}):
        # Three schedules in a row: the member without the role fails each, in both regions.
        for _ in range(3):
            dispatch_and_work("subnets", subnet_handler, dispatcher, CONTEXT)
        dispatch_and_work("census", census_handler, dispatcher, CONTEXT)
        outcome = digest_handler({}, CONTEXT)
        table = census_table_handler({}, CONTEXT)

    (email,) = [json.loads(m["Body"]) for m in drain_queue(sqs, resources.inbox_url)]
    body = email["Message"]
    assert outcome["missing"] == []
    assert email["Subject"].startswith("Subnet IP Monitor weekly digest: 2 account-regions, ")
    # Every member subnet the census counted, fullest first, named by account and region.
    closest = body.split("SUBNETS CLOSEST TO EXHAUSTION")[1].split("\n\n")[0].splitlines()
    # 4 seeded subnets and the emulator's default VPC's (3 in eu-west-1, 6 in us-east-1), as in a real account.
    assert closest[0] == " (10 of 13 in scope)"
    tasks_b_east, tasks_a_west = hub["us-east-1"].subnets["tasks-b"], hub["eu-west-1"].subnets["tasks-a"]
    assert closest[1].startswith(f"- [{MEMBER_WITH_ROLE} (payments-prod) us-east-1] {tasks_b_east} in us-east-1b")
    assert ": 2 free, 97% used" in closest[1]
    assert closest[2].startswith(f"- [{MEMBER_WITH_ROLE} (payments-prod) eu-west-1] {tasks_a_west} in eu-west-1a")
    # The member without the reader role: three subnet runs in a row in each region; its one census run is not.
    failing = body.split("TARGETS FAILING RUN AFTER RUN")[1].split("\n\n")[0].splitlines()[1:]
    assert [line.split(":")[0] for line in failing[:2]] == [
        f"- {MEMBER_WITHOUT_ROLE} eu-west-1, subnets",
        f"- {MEMBER_WITHOUT_ROLE} us-east-1, subnets",
    ]
    assert all(
        "3 runs from" in line and "(still failing); last error AssumeRole AccessDenied" in line for line in failing[:2]
    )
    assert "census" not in "\n".join(failing)
    # The dashboard table: one ranking across the member's two regions, with the account column.
    rows = table.split("<tr>")[2:]
    assert rows[0].startswith(f"<td>{MEMBER_WITH_ROLE} (payments-prod)<br>us-east-1</td>")
    assert "13 fullest of 13 subnets, 2 account-regions" in table
    assert "more (census/members/*/*/latest.json)" in body
