"""monitor:routes: each route gets its own encrypted topic with its emails, its own paging and chat topics when it
names endpoints or channels, and the event handler and composer know every route's match and topics and may
publish to them; a route that matches nothing, sends nowhere or repeats a name fails synth naming the key."""

from __future__ import annotations

import json
from typing import Any

import pytest

from infra.core.config import ConfigError, config_from_context
from lambdas.platform.settings import ROUTES, RouteSetting
from tests.infra.conftest import Synthesized, cfn_lint, synthesize
from tests.infra.test_edges import ACCOUNT_MODE
from tests.infra.test_security import ALLOWED, outside_allow_list
from tests.support.edges import audit

ROUTE_LIST: list[dict[str, Any]] = [
    {
        "name": "payments",
        "match": {"tags": {"team": "payments"}},
        "emails": ["payments-oncall@example.com"],
        "slackChannels": [{"workspaceId": "T07ABCDEF12", "channelId": "C07PAYMENTS1", "name": "payments"}],
    },
    {
        "name": "orders",
        "match": {"accounts": ["222222222222"], "ecsClusters": ["orders"]},
        "pagingEndpoints": [{"url": "https://events.pagerduty.com/integration/orders/enqueue"}],
    },
]


@pytest.fixture(scope="module")
def routed(tmp_path_factory: pytest.TempPathFactory) -> Synthesized:
    return synthesize(tmp_path_factory.mktemp("cdk-routes"), alertEmails=["oncall@example.com"], routes=ROUTE_LIST)


def _topic(routed: Synthesized, display_name: str) -> str:
    (logical_id,) = [
        k for k, r in routed.of_type("AWS::SNS::Topic").items() if r["Properties"].get("DisplayName") == display_name
    ]
    return logical_id


def _subscriptions(routed: Synthesized, topic: str) -> list[dict[str, Any]]:
    return [
        s["Properties"]
        for s in routed.of_type("AWS::SNS::Subscription").values()
        if s["Properties"]["TopicArn"] == {"Ref": topic}
    ]


def test_given_two_routes_then_each_has_its_own_topic_and_destinations(routed):
    payments = _topic(routed, "Subnet IP Monitor: payments")
    orders = _topic(routed, "Subnet IP Monitor: orders")
    assert "KmsMasterKeyId" in routed.resources[payments]["Properties"]
    assert [(s["Protocol"], s["Endpoint"]) for s in _subscriptions(routed, payments)] == [
        ("email", "payments-oncall@example.com")
    ]
    assert _subscriptions(routed, orders) == [], "the orders route names no email"
    (slack,) = routed.of_type("AWS::Chatbot::SlackChannelConfiguration").values()
    assert slack["Properties"]["ConfigurationName"] == "SubnetIpMonitor-payments-slack-payments"
    (paging,) = [s for s in routed.of_type("AWS::SNS::Subscription").values() if s["Properties"]["Protocol"] == "https"]
    assert paging["Properties"]["Endpoint"] == ROUTE_LIST[1]["pagingEndpoints"][0]["url"]
    # The default route is unchanged: the alert topic keeps its email, and health alarms stay on it alone.
    default = _topic(routed, "Subnet IP Monitor")
    assert [s["Endpoint"] for s in _subscriptions(routed, default)] == ["oncall@example.com"]
    for alarm in routed.of_type("AWS::CloudWatch::Alarm").values():
        assert {"Ref": payments} not in alarm["Properties"].get("AlarmActions", [])


def test_given_routes_then_the_emailing_functions_know_each_match_and_topic(routed):
    functions = {
        f["Properties"]["Handler"]: f["Properties"]["Environment"]["Variables"]
        for f in routed.of_type("AWS::Lambda::Function").values()
        if ROUTES in f["Properties"].get("Environment", {}).get("Variables", {})
    }
    assert sorted(functions) == ["lambdas.alerts.handler.handler", "lambdas.events.handler.handler"]
    # The document with every reference made a placeholder parses as the functions' settings do.
    joined = functions["lambdas.alerts.handler.handler"][ROUTES]["Fn::Join"][1]
    text = "".join(p if isinstance(p, str) else "arn:aws:sns:eu-west-1:123456789012:t" for p in joined)
    routes = [RouteSetting.model_validate(r) for r in json.loads(text)]
    assert [(r.name, r.match) for r in routes] == [
        ("payments", {"tags": {"team": "payments"}}),
        ("orders", {"accounts": ["222222222222"], "ecsClusters": ["orders"]}),
    ]
    assert routes[0].chat_topics
    assert not routes[0].paging_topic
    assert routes[1].paging_topic
    assert not routes[1].chat_topics


def test_given_routes_then_the_template_passes_its_checks_and_every_edge_is_granted(routed):
    assert outside_allow_list(routed, ALLOWED) == []
    assert audit(routed.template.to_json(), ACCOUNT_MODE).problems == []
    lint = cfn_lint(routed.outdir / "SubnetIpMonitor.template.json")
    assert lint.returncode == 0, lint.stdout


@pytest.mark.parametrize(
    ("routes", "named"),
    [
        ([{"name": "x", "match": {}, "emails": ["a@example.com"]}], "names nothing"),
        ([{"name": "x", "match": {"accounts": ["222222222222"]}}], "route x sends nowhere"),
        ([{"name": "x y", "match": {"accounts": ["222222222222"]}, "emails": ["a@example.com"]}], "monitor:routes"),
        ([{"name": "x", "match": {"accounts": ["2222"]}, "emails": ["a@example.com"]}], "monitor:routes"),
        ([{"name": "x", "match": {"team": "payments"}, "emails": ["a@example.com"]}], "monitor:routes"),
        ([{"name": "x", "match": {"accounts": ["222222222222"]}, "emails": ["a@example.com"]}] * 2, "share a name"),
        (
            [
                {"name": f"r{i}", "match": {"accounts": ["222222222222"]}, "emails": ["a@example.com"]}
                for i in range(11)
            ],
            "monitor:routes",
        ),
    ],
)
def test_given_a_bad_route_then_synth_fails_naming_the_key(routes, named):
    with pytest.raises(ConfigError, match=named):
        config_from_context({"monitor:routes": routes})


def test_given_routes_whose_topics_overflow_the_functions_environment_then_synth_fails(tmp_path):
    arns = [f"arn:aws:sns:eu-west-1:444455556666:{'team-chat-topic-' * 10}{i}" for i in range(3)]
    many = [
        {"name": f"team-{i}-" + "x" * 20, "match": {"accounts": ["222222222222"]}, "chatTopicArns": arns}
        for i in range(10)
    ]
    with pytest.raises(ConfigError, match=r"monitor:routes .* environment of about .* bytes, over 4096"):
        synthesize(tmp_path, routes=many)
