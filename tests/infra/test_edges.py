"""The edge audit over the account, hub, member and organization templates (tests/support/edges.py).

moto enforces no topic, queue, bus or key policy: these tests are where a missing grant is seen before AWS.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

import pytest

from infra.core.config import config_from_context
from infra.member import member_template
from tests.infra.conftest import DEFAULT_CONTEXT, HUB, HUB_KEYS, MEMBERS, ORGANIZATION, Synthesized, synthesize
from tests.support.edges import Audit, audit, audit_forwarding

# Stand-ins for the pseudo parameters of an environment-agnostic template; the hub's are its configured ones.
ACCOUNT_MODE = {"AWS::Partition": "aws", "AWS::Region": "eu-west-1", "AWS::AccountId": "444455556666"}
HUB_MODE = {"AWS::Partition": "aws", "AWS::Region": HUB_KEYS["hubRegion"], "AWS::AccountId": HUB}
# Every kind of edge each template must have (an audit matching nothing would pass otherwise).
ACCOUNT_KINDS = {
    "alarm -> topic",
    "alarm -> topic key",
    "rule -> function",
    "rule -> dead-letter queue",
    "rule -> dead-letter queue key",
    "function -> dead-letter queue",
    "log group -> key",
    "bucket -> key",
    "census -> monitor bus",
}
HUB_KINDS = ACCOUNT_KINDS | {"queue -> consuming function"}


@pytest.fixture(scope="module")
def listed_hub(tmp_path_factory: pytest.TempPathFactory) -> Synthesized:
    """Hub mode with listed member accounts and no organization (the bus names the accounts)."""
    return synthesize(tmp_path_factory.mktemp("cdk-hub-listed"), alertEmails=["oncall@example.com"], **HUB_KEYS)


def _kinds(result: Audit) -> set[str]:
    return {edge.split(":")[0] for edge in result.edges}


def test_every_edge_of_the_account_template_is_granted(synthesized: Synthesized) -> None:
    result = audit(synthesized.template.to_json(), ACCOUNT_MODE)

    assert result.problems == []
    assert _kinds(result) == ACCOUNT_KINDS
    # 36 alarms: those notifying the topic send ALARM and OK (two edges each, and their key).
    assert len(result.edges) >= 60


@pytest.mark.parametrize("fixture", ["listed_hub", "hub"], ids=["hub", "organization"])
def test_every_edge_of_the_hub_templates_is_granted(fixture: str, request: pytest.FixtureRequest) -> None:
    template = request.getfixturevalue(fixture).template.to_json()
    result = audit(template, HUB_MODE)

    assert result.problems == []
    assert _kinds(result) == HUB_KINDS


def test_every_member_rule_reaches_the_listed_hubs_bus(listed_hub: Synthesized) -> None:
    member = member_template(
        config_from_context({**DEFAULT_CONTEXT, **{f"monitor:{k}": v for k, v in HUB_KEYS.items()}})
    )
    for account in MEMBERS:
        result = audit_forwarding(member, listed_hub.template.to_json(), account, organization_id=None)
        assert result.problems == []
        assert len(result.edges) >= 5, result.edges  # one per watched event kind
    # An account the hub does not list is refused by the bus policy.
    outsider = audit_forwarding(member, listed_hub.template.to_json(), "999999999999", organization_id=None)
    assert outsider.problems
    assert "bus accepts the member False" in outsider.problems[0]


def test_every_member_rule_of_the_stack_set_reaches_the_organizations_bus(hub: Synthesized) -> None:
    (stack_set,) = hub.of_type("AWS::CloudFormation::StackSet").values()
    member = json.loads(stack_set["Properties"]["TemplateBody"])
    result = audit_forwarding(member, hub.template.to_json(), "333333333333", organization_id=ORGANIZATION)

    assert result.problems == []
    assert len(result.edges) >= 5


# The audit itself: it fails on the defects it is there to find. ------------------------------------------------


def _without(template: Mapping[str, Any], resource_type: str, drop: Any) -> dict[str, Any]:
    broken: dict[str, Any] = json.loads(json.dumps(template))
    for resource in broken["Resources"].values():
        if resource["Type"] == resource_type:
            drop(resource["Properties"])
    return broken


def test_the_audit_fails_a_topic_policy_without_the_alarms_allow(synthesized: Synthesized) -> None:
    def drop_allow(properties: dict[str, Any]) -> None:
        statements = properties["PolicyDocument"]["Statement"]
        properties["PolicyDocument"]["Statement"] = [s for s in statements if s["Effect"] != "Allow"]

    result = audit(_without(synthesized.template.to_json(), "AWS::SNS::TopicPolicy", drop_allow), ACCOUNT_MODE)

    assert result.problems
    assert all(p.startswith("alarm -> topic: ") for p in result.problems)
    assert "no topic-policy Allow for cloudwatch.amazonaws.com" in result.problems[0]


def test_the_audit_fails_an_eventbridge_key_grant_with_a_source_condition(synthesized: Synthesized) -> None:
    def add_source_account(properties: dict[str, Any]) -> None:
        for statement in properties["KeyPolicy"]["Statement"]:
            if statement.get("Principal") == {"Service": "events.amazonaws.com"}:
                statement["Condition"] = {"StringEquals": {"aws:SourceAccount": {"Ref": "AWS::AccountId"}}}

    result = audit(_without(synthesized.template.to_json(), "AWS::KMS::Key", add_source_account), ACCOUNT_MODE)

    assert {p.split(":")[0] for p in result.problems} == {"rule -> dead-letter queue key"}


def test_the_audit_fails_a_dead_letter_queue_that_no_rule_may_write(synthesized: Synthesized) -> None:
    def drop_rule_grants(properties: dict[str, Any]) -> None:
        statements = properties["PolicyDocument"]["Statement"]
        properties["PolicyDocument"]["Statement"] = [s for s in statements if s["Effect"] != "Allow"]

    result = audit(_without(synthesized.template.to_json(), "AWS::SQS::QueuePolicy", drop_rule_grants), ACCOUNT_MODE)

    assert {p.split(":")[0] for p in result.problems} == {"rule -> dead-letter queue"}


def test_the_audit_fails_an_alarm_outside_the_topic_policys_pattern(synthesized: Synthesized) -> None:
    def rename(properties: dict[str, Any]) -> None:
        properties["AlarmName"] = "someone-else-" + properties["AlarmName"]

    result = audit(_without(synthesized.template.to_json(), "AWS::CloudWatch::Alarm", rename), ACCOUNT_MODE)

    assert result.problems
    assert "conditions do not match this alarm" in result.problems[0]


def test_the_audit_fails_the_monitors_own_source_on_the_default_bus(synthesized: Synthesized) -> None:
    # Only aws.* sources are reserved: anyone allowed events:PutEvents could forge the census's event there.
    def to_default_bus(properties: dict[str, Any]) -> None:
        properties.pop("EventBusName", None)

    result = audit(_without(synthesized.template.to_json(), "AWS::Events::Rule", to_default_bus), ACCOUNT_MODE)

    assert any("on the default bus: anyone may forge it" in p for p in result.problems)


def test_the_audit_fails_a_monitor_bus_that_does_not_deny_other_writers(synthesized: Synthesized) -> None:
    def drop_deny(properties: dict[str, Any]) -> None:
        if properties["Statement"]["Effect"] == "Deny":
            properties["Statement"] = {**properties["Statement"], "Effect": "Allow"}

    result = audit(_without(synthesized.template.to_json(), "AWS::Events::EventBusPolicy", drop_deny), ACCOUNT_MODE)

    assert [p.split(":")[0] for p in result.problems] == ["census -> monitor bus"]
