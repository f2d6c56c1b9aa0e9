"""Adding an event kind is one module and one registry line: a throwaway kind gets its rule, parsing and email.

The kind below stands for the new file; monkeypatching registry.KINDS stands for the registry line.
"""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, datetime

import pytest
from aws_lambda_powertools.utilities.parser.models import EventBridgeModel
from pydantic import Field

from lambdas.events.email import SubnetNow, render_email
from lambdas.events.kinds import registry
from lambdas.events.model import Detail, EventKind, EventOrigin, Incident
from lambdas.events.parsing import recognise
from tests.infra.conftest import synthesize


class ShortageDetail(Detail):
    """`detail` of the made-up event."""

    subnet_id: str = Field(alias="subnetId")
    message: str


class AddressShortage(EventBridgeModel):
    """A made-up event: a service reports that a subnet ran out of addresses."""

    detail: ShortageDetail


def _classify(event: AddressShortage) -> Incident | None:
    return Incident(
        reason="ExampleAddressShortage",
        origin=EventOrigin.of(event),
        aws_message=event.detail.message,
        subnet_id=event.detail.subnet_id,
    )


THROWAWAY = EventKind(
    rule_id="ExampleAddressShortage",
    reason="ExampleAddressShortage",
    service="Example Service",
    title="example address shortages",
    pattern={"source": ["com.example.capacity"], "detail-type": ["Example Address Shortage"], "detail": {"x": [1]}},
    model=AddressShortage,
    classify=_classify,
    subject=lambda incident, subnet: f"Example Service is short of addresses in subnet {subnet}",
    what_happened="Example Service could not get an address.",
    remedies=("Free addresses in the subnet.",),
)
EVENT = {
    "version": "0",
    "id": "ee000000-0000-4000-8000-000000000001",
    "detail-type": "Example Address Shortage",
    "source": "com.example.capacity",
    "account": "111122223333",
    "time": "2026-11-29T10:00:00Z",
    "region": "eu-west-1",
    "resources": [],
    "detail": {"x": 1, "subnetId": "subnet-0a1b2c3d4e5f60718", "message": "no free addresses"},
}


@pytest.fixture
def with_throwaway_kind(monkeypatch):
    monkeypatch.setattr(registry, "KINDS", (*registry.KINDS, THROWAWAY))


@pytest.mark.usefixtures("with_throwaway_kind")
def test_given_a_registered_kind_then_its_rule_is_synthesized_and_it_is_on_the_dashboard(tmp_path):
    synthesized = synthesize(tmp_path)

    rules = {
        k: r["Properties"]
        for k, r in synthesized.of_type("AWS::Events::Rule").items()
        if k.startswith("EventWatchingExampleAddressShortage")
    }
    (rule,) = rules.values()
    assert rule["EventPattern"] == THROWAWAY.pattern
    (target,) = rule["Targets"]
    assert target["RetryPolicy"] == {"MaximumEventAgeInSeconds": 7200, "MaximumRetryAttempts": 8}
    (dashboard,) = synthesized.of_type("AWS::CloudWatch::Dashboard").values()
    assert "example address shortages" in json.dumps(dashboard["Properties"]["DashboardBody"])
    alarms = [a["Properties"] for a in synthesized.of_type("AWS::CloudWatch::Alarm").values()]
    (events_alarm,) = [a for a in alarms if a["AlarmName"] == "SubnetIpMonitor-ip-exhaustion-events"]
    assert events_alarm["AlarmDescription"].startswith("ECS, Auto Scaling, EKS or Example Service reported")


@pytest.mark.usefixtures("with_throwaway_kind")
def test_given_a_registered_kind_then_its_events_are_recognised_and_emailed_with_its_text():
    recognised = recognise(EVENT)
    assert recognised.kind is THROWAWAY
    assert recognised.incident is not None

    email = render_email(THROWAWAY, recognised.incident, SubnetNow(None, "x"), 30, datetime.now(UTC))

    assert email.subject == "Example Service is short of addresses in subnet subnet-0a1b2c3d4e5f60718"
    assert "WHAT HAPPENED\nExample Service could not get an address." in email.body
    assert "WHAT TO DO\n1. Free addresses in the subnet." in email.body
    assert "ExampleAddressShortage" in email.body  # the dedupe note names its Reason dimension


def test_given_an_unregistered_kind_then_its_events_are_unparsable_not_misread():
    from lambdas.events.errors import UnparsableEvent

    with pytest.raises(UnparsableEvent, match="unexpected source/detail-type"):
        recognise(EVENT)


@pytest.mark.parametrize(
    ("change", "says"),
    [
        ({"remedies": ()}, "an email needs what_happened and at least one remedy"),
        ({"what_happened": " "}, "an email needs what_happened and at least one remedy"),
        ({"pattern": {"source": ["a", "b"], "detail-type": ["x"], "detail": {}}}, "exactly one source"),
        ({"pattern": {"source": ["a"], "detail-type": ["x"]}}, "must filter on detail"),
        ({"reason": "Has spaces"}, "letters and digits"),
    ],
)
def test_given_a_kind_missing_what_an_email_or_a_rule_needs_then_it_fails_when_defined(change, says):
    with pytest.raises(ValueError, match=says):
        replace(THROWAWAY, **change)


def test_given_two_kinds_with_one_reason_then_the_registry_refuses_them():
    with pytest.raises(ValueError, match="share a reason: ExampleAddressShortage"):
        registry.check_unique([THROWAWAY, replace(THROWAWAY, rule_id="Another")])
