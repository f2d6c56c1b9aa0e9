"""monitor:pagingEndpoints: an encrypted paging topic, one HTTPS subscription per endpoint (filtered on severity
when it names some), and the event handler and the alert composer allowed to publish to it."""

from __future__ import annotations

from typing import Any

import pytest
from aws_cdk.assertions import Match

from infra.core.config import ConfigError, config_from_context
from lambdas.platform.settings import PAGING_TOPIC_ARN, RUNBOOK_URL
from tests.infra.conftest import Synthesized, synthesize
from tests.infra.test_edges import ACCOUNT_MODE
from tests.support.edges import audit

ENDPOINTS: list[dict[str, Any]] = [
    {"url": "https://events.pagerduty.com/integration/abc123/enqueue", "severities": ["critical"]},
    {"url": "https://api.opsgenie.com/v1/json/amazonsns?apiKey=k"},
]
RUNBOOK = "https://wiki.example.com/runbooks/subnet-ip"


@pytest.fixture(scope="module")
def paged(tmp_path_factory: pytest.TempPathFactory) -> Synthesized:
    return synthesize(
        tmp_path_factory.mktemp("cdk-paging"),
        alertEmails=["oncall@example.com"],
        pagingEndpoints=ENDPOINTS,
        runbookUrl=RUNBOOK,
    )


def _paging_topic(paged: Synthesized) -> tuple[str, dict[str, Any]]:
    (found,) = [
        (logical_id, r)
        for logical_id, r in paged.of_type("AWS::SNS::Topic").items()
        if r["Properties"].get("DisplayName") == "Subnet IP Monitor pages"
    ]
    return found


def test_given_paging_endpoints_then_an_encrypted_topic_has_one_https_subscription_each(paged):
    logical_id, topic = _paging_topic(paged)
    assert "KmsMasterKeyId" in topic["Properties"]
    subscriptions = [
        s["Properties"]
        for s in paged.of_type("AWS::SNS::Subscription").values()
        if s["Properties"]["TopicArn"] == {"Ref": logical_id}
    ]
    assert sorted(s["Endpoint"] for s in subscriptions) == sorted(e["url"] for e in ENDPOINTS)
    assert {s["Protocol"] for s in subscriptions} == {"https"}
    filtered = {s["Endpoint"]: s.get("FilterPolicy") for s in subscriptions}
    assert filtered[ENDPOINTS[0]["url"]] == {"severity": ["critical"]}
    assert filtered[ENDPOINTS[1]["url"]] is None


def test_given_paging_endpoints_then_the_emailing_functions_know_the_topic_and_may_publish_to_it(paged):
    logical_id, _ = _paging_topic(paged)
    functions = [
        f["Properties"]
        for f in paged.of_type("AWS::Lambda::Function").values()
        if PAGING_TOPIC_ARN in f["Properties"].get("Environment", {}).get("Variables", {})
    ]
    assert sorted(f["Handler"] for f in functions) == [
        "lambdas.alerts.handler.handler",
        "lambdas.events.handler.handler",
    ]
    assert all(f["Environment"]["Variables"][PAGING_TOPIC_ARN] == {"Ref": logical_id} for f in functions)
    assert all(f["Environment"]["Variables"][RUNBOOK_URL] == RUNBOOK for f in functions)
    publishers = [
        p
        for p in paged.of_type("AWS::IAM::Policy").values()
        for statement in p["Properties"]["PolicyDocument"]["Statement"]
        if statement["Action"] == "sns:Publish" and statement["Resource"] == {"Ref": logical_id}
    ]
    assert len(publishers) == 2
    paged.template.has_resource_properties(
        "AWS::SNS::TopicPolicy", {"Topics": [{"Ref": logical_id}], "PolicyDocument": Match.any_value()}
    )


def test_given_no_paging_endpoints_then_there_is_no_paging_topic(synthesized):
    names = [t["Properties"].get("DisplayName") for t in synthesized.of_type("AWS::SNS::Topic").values()]
    assert "Subnet IP Monitor pages" not in names
    variables = [
        f["Properties"].get("Environment", {}).get("Variables", {})
        for f in synthesized.of_type("AWS::Lambda::Function").values()
    ]
    assert not any(PAGING_TOPIC_ARN in v for v in variables)


@pytest.mark.parametrize(
    ("value", "named"),
    [
        ([{"url": "http://insecure.example.com/hook"}], "monitor:pagingEndpoints"),
        ([{"url": "https://x.example.com", "severities": ["page-me"]}], "monitor:pagingEndpoints"),
        ([{"url": "https://x.example.com", "token": "secret"}], "monitor:pagingEndpoints"),
        ('[{"url": ', "monitor:pagingEndpoints: not a JSON list"),
    ],
)
def test_given_a_bad_paging_endpoint_then_synth_fails_naming_the_key(value, named):
    with pytest.raises(ConfigError, match=named):
        config_from_context({"monitor:pagingEndpoints": value})


def test_given_endpoints_as_cli_text_then_they_parse_as_cdk_json_does():
    text = '[{"url": "https://x.example.com/hook", "severities": ["critical", "warning"]}]'
    (endpoint,) = config_from_context({"monitor:pagingEndpoints": text}).paging_endpoints
    assert (endpoint.url, endpoint.severities) == ("https://x.example.com/hook", ("critical", "warning"))
    with pytest.raises(ConfigError, match="monitor:runbookUrl"):
        config_from_context({"monitor:runbookUrl": "http://wiki"})


def test_given_paging_endpoints_then_every_edge_of_the_template_is_still_granted(paged):
    result = audit(paged.template.to_json(), ACCOUNT_MODE)
    assert result.problems == []
    assert len(result.edges) >= 60
