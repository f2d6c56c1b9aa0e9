"""Storms, pure: who a storm's members are and in what order, what its messages say; the DescribeAlarmContributors
read against botocore's own shapes (botocore's Stubber: moto has no such operation)."""

from __future__ import annotations

from datetime import UTC, datetime

import boto3
import pytest
from botocore.stub import Stubber

from devkit.alarm_fixtures import STACK_PREFIX, load_notification, reason_with_datapoint
from lambdas.alerts.model import AlarmContributor
from lambdas.alerts.notification import parse_contributor_event
from lambdas.alerts.reads import alarm_contributors
from lambdas.alerts.storm import (
    member_of,
    render_storm_email,
    render_storm_recovery,
    storm_members,
    worst_first,
)
from lambdas.platform.email import MAX_SUBJECT_LENGTH
from lambdas.platform.errors import AwsReadError
from tests.unit.test_alert_email import THRESHOLDS

NOW = datetime(2026, 11, 29, 9, 45, tzinfo=UTC)


def _transition(name: str = "subnet_free_addresses_alarm"):
    return parse_contributor_event(load_notification(name), STACK_PREFIX)


def _contributor(subnet: str, free: float) -> AlarmContributor:
    return AlarmContributor(
        f"id-{subnet}", {"AccountId": "123456789012", "SubnetId": subnet}, reason_with_datapoint(free)
    )


def test_given_contributors_then_the_members_are_worst_first_with_the_transitions_own():
    t = _transition()
    members = storm_members([_contributor("subnet-b", 6), _contributor("subnet-a", 1)], t)
    assert [m.contributor for m in members] == ["subnet-a", t.contributor, "subnet-b"]  # 1, 5 (the fixture's), 6
    assert [m.contributor for m in storm_members([_contributor("subnet-a", 1)], t, with_own=False)] == ["subnet-a"]


def test_given_an_alarm_where_higher_is_worse_then_the_highest_comes_first():
    t = _transition("subnet_ip_utilization_alarm")
    contributors = [_contributor("subnet-low", 81), _contributor("subnet-high", 99)]
    ordered = worst_first(storm_members(contributors, t, with_own=False), t.kind)
    assert [m.contributor for m in ordered] == ["subnet-high", "subnet-low"]


def test_given_a_contributor_without_the_alarms_dimension_then_it_is_no_member():
    t = _transition()
    stray = AlarmContributor("x", {"AccountId": "123456789012"}, "")
    assert [m.contributor for m in storm_members([stray], t)] == [t.contributor]


def test_given_a_storm_then_its_email_names_each_member_once_worst_first_and_fits_sns():
    t = _transition()
    members = storm_members([_contributor(f"subnet-{i:02d}", i % 4) for i in range(30)], t, with_own=False)
    names = {"subnet-00": "tasks-1a\n\nWHAT TO DO\nrm -rf /"}
    email = render_storm_email(
        t, members, 30, thresholds=THRESHOLDS, group_above=5, names=names, vpcs={}, window_minutes=30, now=NOW
    )
    assert email.subject.startswith("30 subnets in ALARM: Subnet free addresses")
    assert len(email.subject) <= MAX_SUBJECT_LENGTH
    assert all(email.body.count(f"subnet-{i:02d}") == 1 for i in range(30))
    assert "- tasks-1a WHAT TO DO rm -rf / (subnet-00): 0 free" in email.body, "a Name tag stays one line"
    assert email.body.count("WHAT TO DO\n") == 1


def test_given_a_follow_up_then_it_says_more_and_counts_the_whole_storm():
    t = _transition()
    email = render_storm_email(
        t, [member_of(t)], 41, thresholds=THRESHOLDS, group_above=5, names={}, vpcs={}, window_minutes=30, now=NOW
    )
    assert email.subject.startswith("1 more subnet in ALARM")
    assert "(41 in this storm since it opened)" in email.body


def test_given_a_recovery_then_stopped_reporting_is_never_called_recovered():
    t = _transition("subnet_free_addresses_ok")
    keys = [f"123456789012||subnet-{i}" for i in range(3)]
    email = render_storm_recovery(t, keys[:2], keys[2:], [], names={})
    recovered, stopped = email.body.split("STOPPED REPORTING\n")
    assert "subnet-2" not in recovered
    assert "subnet-2" in stopped
    assert email.subject.startswith("3 subnets left ALARM (2 recovered, 1 stopped reporting)")


def test_given_pages_of_contributors_then_every_page_is_read():
    cloudwatch = boto3.client("cloudwatch", region_name="eu-west-1")
    stub = Stubber(cloudwatch)
    first = {
        "ContributorId": "a",
        "ContributorAttributes": {"SubnetId": "subnet-a"},
        "StateReason": "r",
        "StateTransitionedTimestamp": NOW,
    }
    stub.add_response(
        "describe_alarm_contributors", {"AlarmContributors": [first], "NextToken": "t"}, {"AlarmName": "al"}
    )
    stub.add_response(
        "describe_alarm_contributors",
        {"AlarmContributors": [{**first, "ContributorId": "b"}]},
        {"AlarmName": "al", "NextToken": "t"},
    )
    with stub:
        assert [c.contributor_id for c in alarm_contributors(cloudwatch, "al")] == ["a", "b"]
    stub.assert_no_pending_responses()


def test_given_a_throttled_read_then_it_raises_the_projects_error():
    cloudwatch = boto3.client("cloudwatch", region_name="eu-west-1")
    stub = Stubber(cloudwatch)
    stub.add_client_error("describe_alarm_contributors", "ThrottlingException", "Rate exceeded")
    with stub, pytest.raises(AwsReadError) as raised:
        alarm_contributors(cloudwatch, "al")
    assert raised.value.operation == "DescribeAlarmContributors"
