"""Every chat message, over every event and alarm fixture, validates against the documented custom-notification
schema and the project's caps; text from AWS cannot format, mention or link; every alert carries its runbook."""

from __future__ import annotations

import json
import re
from dataclasses import replace
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from devkit.alarm_fixtures import STACK_PREFIX, load_notification, notification_names
from devkit.event_fixtures import load_event
from lambdas.alerts.chat import transition_chat
from lambdas.alerts.email import render_alarm_email
from lambdas.alerts.model import ALARM_KINDS, SubnetFacts
from lambdas.alerts.notification import parse_contributor_event
from lambdas.events.chat import incident_chat
from lambdas.events.email import SubnetNow, render_email
from lambdas.events.kinds.registry import KINDS as EVENT_KINDS
from lambdas.events.parsing import recognise
from lambdas.platform import chat
from lambdas.platform.email import STEPS_HEADING, Email
from lambdas.platform.runbooks import RUNBOOK_HEADING, runbook_anchor, runbook_for
from tests.unit.test_alert_email import THRESHOLDS, facts_for
from tests.unit.test_subjects import EVENT_SUBJECTS, NOW, SUBNET

DOCS = Path(__file__).resolve().parents[2] / "docs"
SCHEMA = json.loads((DOCS / "chat-notification.schema.json").read_text())
VALIDATOR = jsonschema.Draft202012Validator(SCHEMA)
RUNBOOK = runbook_for("subnet-free-addresses", runbook_url="", docs_url="https://docs.example.com/sim/")


def _valid(message: chat.ChatMessage) -> dict[str, Any]:
    document: dict[str, Any] = json.loads(message.message())
    VALIDATOR.validate(document)
    return document


def _event_email(name: str) -> tuple[Any, Any, Email]:
    found = recognise(load_event(name))
    assert found.incident is not None
    incident = found.incident
    subnet = replace(SUBNET, subnet_id=incident.subnet_id or SUBNET.subnet_id)
    email = render_email(found.kind, incident, SubnetNow(subnet), 30, NOW)
    return found.kind, incident, RUNBOOK.added_to(email)


def test_given_the_schema_then_its_caps_are_the_codes():
    content = SCHEMA["properties"]["content"]["properties"]
    assert SCHEMA["properties"]["version"]["const"] == chat.VERSION
    assert SCHEMA["properties"]["source"]["const"] == chat.SOURCE
    assert content["textType"]["const"] == chat.TEXT_TYPE
    assert content["title"]["maxLength"] == chat.TITLE_CHARS
    assert content["description"]["maxLength"] == chat.DESCRIPTION_CHARS
    assert content["nextSteps"]["maxItems"] == chat.NEXT_STEPS
    assert content["nextSteps"]["items"]["maxLength"] >= chat.NEXT_STEP_CHARS + len("```\n\n```")
    assert content["keywords"]["maxItems"] == chat.KEYWORDS
    assert SCHEMA["properties"]["metadata"]["properties"]["summary"]["maxLength"] == chat.SUMMARY_CHARS


@pytest.mark.parametrize("name", sorted(EVENT_SUBJECTS))
def test_given_an_event_fixture_then_its_chat_message_validates_and_carries_the_email_facts(name):
    kind, incident, email = _event_email(name)
    document = _valid(incident_chat(kind, incident, email, RUNBOOK))
    content = document["content"]
    assert content["title"].startswith(email.title[:40].translate(chat.CHAT_UNSAFE))
    assert "*WHAT HAPPENED*" in content["description"]
    assert f"Runbook: {RUNBOOK.url}" in content["description"]
    assert content["nextSteps"], "WHAT TO DO became the next steps"
    assert incident.origin.account in content["keywords"]
    assert document["metadata"]["eventType"] == kind.rule_id


@pytest.mark.parametrize("name", notification_names())
def test_given_an_alarm_fixture_then_its_chat_message_validates(name):
    transition = parse_contributor_event(load_notification(name), STACK_PREFIX)
    facts = facts_for(transition.kind.scope, with_census=True)
    email = render_alarm_email(transition, facts, THRESHOLDS, 30, NOW)
    document = _valid(transition_chat(transition, facts, email, RUNBOOK))
    assert transition.contributor in document["content"]["keywords"]
    if isinstance(facts, SubnetFacts) and facts.subnet:
        assert facts.subnet.vpc_id in document["content"]["keywords"]
    assert document["metadata"]["eventType"] == transition.kind.stem


def test_given_a_contributors_alarm_and_its_ok_then_they_share_one_thread():
    def thread(name: str) -> str:
        transition = parse_contributor_event(load_notification(name), STACK_PREFIX)
        facts = facts_for(transition.kind.scope, with_census=True)
        email = render_alarm_email(transition, facts, THRESHOLDS, 30, NOW)
        return str(json.loads(transition_chat(transition, facts, email, RUNBOOK).message())["metadata"]["threadId"])

    assert thread("subnet_free_addresses_alarm") == thread("subnet_free_addresses_ok")
    assert thread("subnet_free_addresses_alarm") != thread("subnet_ip_utilization_alarm")


def test_given_hostile_text_from_aws_then_the_chat_message_cannot_mention_link_or_format():
    kind, incident, _ = _event_email("task_stopped_no_addresses_ec2")
    hostile = "<!channel> *urgent* _x_ ~y~ ``` <https://evil.example|click> & more"
    incident = replace(incident, aws_message=hostile, cluster="<!here>`orders`")
    subnet = replace(SUBNET, name="*tasks* <@U123>")
    email = render_email(kind, incident, SubnetNow(subnet), 30, NOW)
    document = _valid(incident_chat(kind, incident, email, RUNBOOK))
    text = json.dumps(document, ensure_ascii=False)
    for raw in ("<!channel>", "<!here>", "<@U123>", "<https://evil"):
        assert raw not in text, "no mention or link anywhere, code blocks included"
    # Outside code blocks (title, headings, steps' fences, keywords, summary) nothing formats either.
    content = document["content"]
    fields = [content["title"], content["description"], *content["nextSteps"], *content["keywords"]]
    outside = "".join(re.sub(r"```\n.*?\n```", "", f, flags=re.DOTALL) for f in fields)
    outside += document["metadata"]["summary"]
    for raw in ("*urgent*", "*tasks*", "_x_", "~y~"):
        assert raw not in outside
    assert "\u2039!channel\u203a" in document["content"]["description"], "the text is kept, only neutralised"
    # Each section is exactly one code block: a ``` inside the text cannot close it early.
    assert document["content"]["description"].count("```") % 2 == 0
    assert all(not re.search(r"[<>*`~]", k) for k in document["content"]["keywords"])


def test_given_a_huge_email_then_the_description_stays_within_its_cap_and_says_what_it_left_out():
    sections = tuple(f"WHERE\n{'x' * 5000}" for _ in range(12))
    email = Email.compose("T" * 600, sections, "closing")
    message = chat.chat_from_email(email, keywords=["k"] * 30, thread_id="t", event_type="e", runbook="r")
    document = _valid(message)
    assert len(document["content"]["description"]) <= chat.DESCRIPTION_CHARS
    assert "more sections in the email" in document["content"]["description"]
    assert document["content"]["keywords"] == ["k"]


def test_given_the_digest_then_every_section_is_kept():
    email = Email.compose("digest", ["SUBNETS CLOSEST TO EXHAUSTION (3 of 9)\na\nb", "ECS CLUSTERS\nc"], "")
    message = chat.chat_from_email(email, keywords=[], thread_id="d", event_type="WeeklyDigest", runbook="", keep=None)
    description = _valid(message)["content"]["description"]
    assert "*SUBNETS CLOSEST TO EXHAUSTION (3 of 9)*" in description
    assert "*ECS CLUSTERS*" in description
    assert "Runbook" not in description


# Runbooks ----------------------------------------------------------------------------------------------


def test_every_alarm_and_event_kind_has_its_runbook_section():
    page = (DOCS / "runbooks.md").read_text()
    anchors = set(re.findall(r"\{#([a-z0-9-]+)\}", page))
    topics = [k.stem for k in ALARM_KINDS] + [k.rule_id for k in EVENT_KINDS]
    assert {runbook_anchor(t) for t in topics} <= anchors
    # and no section that no alert links to
    assert anchors == {runbook_anchor(t) for t in topics}


@pytest.mark.parametrize(
    ("runbook_url", "docs_url", "url", "text"),
    [
        ("https://wiki/rb", "https://docs/", "https://wiki/rb", "https://wiki/rb"),
        ("", "https://docs/sim", "https://docs/sim/runbooks/#ecs-eni-utilization", None),
        ("", "", None, "docs/runbooks.md#ecs-eni-utilization in the Subnet IP Monitor docs"),
    ],
    ids=["one-runbook-for-all", "docs-site", "no-site"],
)
def test_given_the_settings_then_the_runbook_is_the_most_specific_link(runbook_url, docs_url, url, text):
    runbook = runbook_for("ecs-eni-utilization", runbook_url=runbook_url, docs_url=docs_url)
    assert runbook.url == url
    assert runbook.text.startswith(text or url)


def test_given_an_email_then_its_runbook_section_follows_what_to_do():
    _, _, email = _event_email("task_stopped_no_addresses_ec2")
    headings = [s.partition("\n")[0] for s in email.sections]
    assert headings[headings.index(STEPS_HEADING) + 1] == RUNBOOK_HEADING
    assert f"{RUNBOOK_HEADING}\n{RUNBOOK.url}" in email.body
    assert email.body.rstrip().endswith(email.closing)


def test_given_sections_that_almost_fill_it_then_the_description_never_passes_its_cap():
    # Every length from 300 to 700 (the section cap): for some, the sections that fit leave less room than the
    # line saying how many did not, which must still fit.
    links = ("OPEN IN THE CONSOLE\nSubnet: https://example.com/" + "p" * 300,)
    longest = 0
    for length in range(300, 701):
        sections = tuple(f"WHERE\n{'y' * length}" for _ in range(8))
        email = Email.compose("title", (*sections, *links), "closing")
        message = chat.chat_from_email(email, keywords=[], thread_id="t", event_type="e", runbook="r" * 200)
        longest = max(longest, len(_valid(message)["content"]["description"]))
    assert chat.DESCRIPTION_CHARS - 40 < longest <= chat.DESCRIPTION_CHARS
