"""Every page, over every event and alarm fixture, validates against the documented schema; the same contributor
shares one dedupKey from ALARM to OK; text from AWS stays one bounded line."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from devkit.alarm_fixtures import STACK_PREFIX, load_notification
from devkit.event_fixtures import load_event
from lambdas.alerts.model import ALARM_KINDS
from lambdas.alerts.notification import parse_contributor_event
from lambdas.alerts.page import SEVERITY_BY_ALARM, transition_page
from lambdas.events.page import incident_page
from lambdas.events.parsing import recognise
from lambdas.platform import paging
from tests.unit.test_alert_email import THRESHOLDS
from tests.unit.test_subjects import ALARM_SUBJECTS, EVENT_SUBJECTS, event_subject

SCHEMA = json.loads((Path(__file__).resolve().parents[2] / "docs" / "paging-event.schema.json").read_text())
VALIDATOR = jsonschema.Draft202012Validator(SCHEMA, format_checker=jsonschema.FormatChecker())
RUNBOOK = "https://wiki.example.com/runbooks/subnet-ip"


def _valid(page: paging.Page) -> dict[str, Any]:
    document: dict[str, Any] = json.loads(page.message())
    VALIDATOR.validate(document)
    return document


def test_given_the_schema_then_its_limits_are_the_codes():
    properties = SCHEMA["properties"]
    assert properties["schemaVersion"]["const"] == paging.SCHEMA_VERSION
    assert properties["title"]["maxLength"] == paging.TITLE_CHARS
    assert properties["summary"]["maxLength"] == paging.SUMMARY_CHARS
    assert properties["severity"]["enum"] == [s.value for s in paging.Severity]
    assert properties["state"]["enum"] == [s.value for s in paging.PageState]


@pytest.mark.parametrize("name", sorted(EVENT_SUBJECTS))
def test_given_an_event_fixture_then_its_page_validates_and_names_the_incident(name):
    found = recognise(load_event(name))
    assert found.incident is not None
    document = _valid(incident_page(found.kind, found.incident, event_subject(name), RUNBOOK))
    assert document["state"] == "ALARM"
    assert document["account"] == found.incident.origin.account
    assert document["runbookUrl"] == RUNBOOK
    assert document["severity"] == ("warning" if found.incident.reason == "DeploymentWillNotFit" else "critical")


@pytest.mark.parametrize("name", sorted(ALARM_SUBJECTS))
def test_given_an_alarm_fixture_then_its_page_validates(name):
    transition = parse_contributor_event(load_notification(name), STACK_PREFIX)
    document = _valid(transition_page(transition, THRESHOLDS, f"title of {name}", ""))
    expected = "STOPPED_REPORTING" if name.endswith("_no_data") else ("OK" if name.endswith("_ok") else "ALARM")
    assert document["state"] == expected
    assert document["resource"] == transition.contributor
    assert document["runbookUrl"] is None


def _dedup_key(notification: str) -> str:
    transition = parse_contributor_event(load_notification(notification), STACK_PREFIX)
    return str(json.loads(transition_page(transition, THRESHOLDS, "t", "").message())["dedupKey"])


def test_given_a_contributors_alarm_and_its_ok_then_they_share_one_dedup_key():
    names = ("subnet_free_addresses_alarm", "subnet_free_addresses_ok", "subnet_free_addresses_no_data")
    keys = {_dedup_key(name) for name in names}
    assert len(keys) == 1
    assert _dedup_key("subnet_ip_utilization_alarm") not in keys


def test_given_every_alarm_kind_then_it_has_a_severity():
    assert set(SEVERITY_BY_ALARM) == {kind.stem for kind in ALARM_KINDS}


def test_given_hostile_text_from_aws_then_the_page_keeps_it_on_one_bounded_line():
    found = recognise(load_event("task_stopped_no_addresses_ec2"))
    assert found.incident is not None
    hostile = replace(found.incident, aws_message="full\n\nSEVERITY: info\u202e" + "x" * 5000)
    document = _valid(incident_page(found.kind, hostile, "T" * 500, ""))
    assert "\n" not in document["summary"]
    assert "\u202e" not in document["summary"]
    assert len(document["summary"]) <= paging.SUMMARY_CHARS
    assert len(document["title"]) <= paging.TITLE_CHARS
    assert document["severity"] == "critical"


def test_given_a_page_that_breaks_the_schema_then_the_validator_refuses_it():
    page = paging.Page(
        paging.Severity.CRITICAL, paging.PageState.OK, "t", "not-an-account", "eu-west-1", "r", "s", "x" * 64
    )
    with pytest.raises(jsonschema.ValidationError):
        _valid(page)
