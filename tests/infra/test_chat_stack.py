"""monitor:slackChannels / teamsChannels / chatTopicArns: an encrypted chat topic, one notifications-only channel
configuration per channel (read-only guardrail, a role with no permission), health alarms straight to chat, and
the emailing functions allowed to publish chat messages; cdk-nag, cfn-lint and Checkov clean."""

from __future__ import annotations

from typing import Any

import pytest

from infra.core.config import ConfigError, config_from_context
from lambdas.platform.settings import CHAT_TOPIC_ARNS, DOCS_URL
from tests.infra.conftest import Synthesized, cfn_lint, synthesize
from tests.infra.test_checkov import checkov_results
from tests.infra.test_edges import ACCOUNT_MODE
from tests.infra.test_security import ALLOWED, outside_allow_list
from tests.support.edges import audit

WORKSPACE = "T07ABCDEF12"
SLACK: list[dict[str, Any]] = [
    {"workspaceId": WORKSPACE, "channelId": "C07PLATFORM1", "name": "platform-oncall"},
    {"workspaceId": WORKSPACE, "channelId": "C07PAYMENTS2"},
]
TEAMS: list[dict[str, Any]] = [
    {
        "teamId": "5d4c3b2a-1f0e-4d9c-8b7a-6f5e4d3c2b1a",
        "tenantId": "0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d",
        "channelId": "19%3aab12cd34ef56%40thread.tacv2",
        "name": "network-team",
    }
]
TEAM_TOPIC = "arn:aws:sns:eu-west-1:444455556666:platform-chat"
DOCS = "https://platform.example.com/subnet-ip-monitor/"
READ_ONLY = {"Fn::Join": ["", ["arn:", {"Ref": "AWS::Partition"}, ":iam::aws:policy/ReadOnlyAccess"]]}


@pytest.fixture(scope="module")
def chatty(tmp_path_factory: pytest.TempPathFactory) -> Synthesized:
    return synthesize(
        tmp_path_factory.mktemp("cdk-chat"),
        alertEmails=["oncall@example.com"],
        slackChannels=SLACK,
        teamsChannels=TEAMS,
        chatTopicArns=[TEAM_TOPIC],
        docsUrl=DOCS,
    )


def _chat_topic(chatty: Synthesized) -> str:
    (logical_id,) = [
        logical_id
        for logical_id, r in chatty.of_type("AWS::SNS::Topic").items()
        if r["Properties"].get("DisplayName") == "Subnet IP Monitor chat"
    ]
    return logical_id


def _configurations(chatty: Synthesized) -> list[dict[str, Any]]:
    return [
        r["Properties"]
        for kind in ("AWS::Chatbot::SlackChannelConfiguration", "AWS::Chatbot::MicrosoftTeamsChannelConfiguration")
        for r in chatty.of_type(kind).values()
    ]


def test_given_two_slack_channels_and_one_teams_channel_then_each_has_a_read_only_configuration(chatty):
    topic = _chat_topic(chatty)
    assert "KmsMasterKeyId" in chatty.resources[topic]["Properties"]
    slack = [r["Properties"] for r in chatty.of_type("AWS::Chatbot::SlackChannelConfiguration").values()]
    teams = [r["Properties"] for r in chatty.of_type("AWS::Chatbot::MicrosoftTeamsChannelConfiguration").values()]
    assert sorted(s["SlackChannelId"] for s in slack) == sorted(c["channelId"] for c in SLACK)
    assert [t["TeamsChannelId"] for t in teams] == [TEAMS[0]["channelId"]]
    assert [t["TeamsTenantId"] for t in teams] == [TEAMS[0]["tenantId"]]
    names = sorted(c["ConfigurationName"] for c in _configurations(chatty))
    assert names == [
        "SubnetIpMonitor-slack-1",
        "SubnetIpMonitor-slack-platform-oncall",
        "SubnetIpMonitor-teams-network-team",
    ]
    for configuration in _configurations(chatty):
        assert configuration["GuardrailPolicies"] == [READ_ONLY]
        assert configuration["UserRoleRequired"] is False
        assert configuration["SnsTopicArns"] == [{"Ref": topic}]


def test_given_the_channel_role_then_it_trusts_amazon_q_only_and_holds_no_permission(chatty):
    roles = chatty.of_type("AWS::IAM::Role")
    function_roles = {
        f["Properties"]["Role"]["Fn::GetAtt"][0] for f in chatty.of_type("AWS::Lambda::Function").values()
    }
    (channel_role,) = set(roles) - function_roles
    properties = roles[channel_role]["Properties"]
    assert set(properties) == {"AssumeRolePolicyDocument", "Description"}, "no managed or inline policy"
    (trust,) = properties["AssumeRolePolicyDocument"]["Statement"]
    assert trust["Principal"] == {"Service": "chatbot.amazonaws.com"}
    attached = [
        p for p in chatty.of_type("AWS::IAM::Policy").values() if {"Ref": channel_role} in p["Properties"]["Roles"]
    ]
    assert attached == []
    assert all(c["IamRoleArn"] == {"Fn::GetAtt": [channel_role, "Arn"]} for c in _configurations(chatty))


def test_given_chat_then_the_emailing_functions_and_the_digest_publish_to_every_chat_topic(chatty):
    topic = _chat_topic(chatty)
    functions = {
        f["Properties"]["Handler"]: f["Properties"]["Environment"]["Variables"]
        for f in chatty.of_type("AWS::Lambda::Function").values()
        if CHAT_TOPIC_ARNS in f["Properties"].get("Environment", {}).get("Variables", {})
    }
    assert sorted(functions) == [
        "lambdas.alerts.digest_handler.handler",
        "lambdas.alerts.handler.handler",
        "lambdas.events.handler.handler",
    ]
    expected = {"Fn::Join": ["", [{"Ref": topic}, f",{TEAM_TOPIC}"]]}
    assert all(v[CHAT_TOPIC_ARNS] == expected for v in functions.values())
    assert functions["lambdas.alerts.handler.handler"][DOCS_URL] == DOCS
    published = {
        str(statement["Resource"])
        for p in chatty.of_type("AWS::IAM::Policy").values()
        for statement in p["Properties"]["PolicyDocument"]["Statement"]
        if statement["Action"] == "sns:Publish"
    }
    assert {str({"Ref": topic}), TEAM_TOPIC} <= published


def test_given_chat_then_every_health_alarm_reaches_chat_without_the_composer(chatty):
    topic = _chat_topic(chatty)
    alarms = [
        a["Properties"] for a in chatty.of_type("AWS::CloudWatch::Alarm").values() if "AlarmActions" in a["Properties"]
    ]
    assert alarms
    for alarm in alarms:
        assert {"Ref": topic} in alarm["AlarmActions"], alarm["AlarmName"]
        assert TEAM_TOPIC in alarm["AlarmActions"], alarm["AlarmName"]
        assert {"Ref": topic} in alarm["OKActions"]


def test_given_chat_then_the_template_passes_its_checks_and_every_edge_is_granted(chatty):
    team_topic = {"sns:Publish": {"AWS::SNS::Topic", TEAM_TOPIC}}
    allowed = {
        name: {**actions, **team_topic} if "sns:Publish" in actions else actions for name, actions in ALLOWED.items()
    }
    assert outside_allow_list(chatty, allowed) == []
    result = audit(chatty.template.to_json(), ACCOUNT_MODE)
    assert result.problems == []
    lint = cfn_lint(chatty.outdir / "SubnetIpMonitor.template.json")
    assert lint.returncode == 0, lint.stdout
    scan = checkov_results([chatty.outdir / "SubnetIpMonitor.template.json"])
    assert [(c["check_id"], c["resource"]) for c in scan["results"]["failed_checks"]] == []


def test_given_no_chat_channel_then_there_is_no_chat_topic_and_no_chat_variable(synthesized):
    assert not synthesized.of_type("AWS::Chatbot::SlackChannelConfiguration")
    names = [t["Properties"].get("DisplayName") for t in synthesized.of_type("AWS::SNS::Topic").values()]
    assert "Subnet IP Monitor chat" not in names
    variables = [
        f["Properties"].get("Environment", {}).get("Variables", {})
        for f in synthesized.of_type("AWS::Lambda::Function").values()
    ]
    assert not any(CHAT_TOPIC_ARNS in v or DOCS_URL in v for v in variables)


@pytest.mark.parametrize(
    ("key", "value", "named"),
    [
        ("slackChannels", [{"workspaceId": "t07", "channelId": "C1"}], "monitor:slackChannels"),
        ("slackChannels", [{"workspaceId": WORKSPACE, "channelId": "C 1"}], "monitor:slackChannels"),
        ("slackChannels", [{"workspaceId": WORKSPACE, "channelId": "C1", "token": "x"}], "monitor:slackChannels"),
        ("teamsChannels", [{**TEAMS[0], "channelId": "general"}], "monitor:teamsChannels"),
        ("teamsChannels", [{**TEAMS[0], "teamId": "not-a-uuid"}], "monitor:teamsChannels"),
        ("chatTopicArns", ["arn:aws:sqs:eu-west-1:444455556666:q"], "monitor:chatTopicArns"),
        ("docsUrl", "http://docs.example.com", "monitor:docsUrl"),
        ("slackChannels", '[{"workspaceId": ', "monitor:slackChannels: not a JSON list"),
    ],
)
def test_given_bad_chat_configuration_then_synth_fails_naming_the_key(key, value, named):
    with pytest.raises(ConfigError, match=named):
        config_from_context({f"monitor:{key}": value})


def test_given_two_channels_with_one_name_then_synth_fails_naming_both_keys():
    twice = [{"workspaceId": WORKSPACE, "channelId": "C1", "name": "oncall"}]
    teams = [{**TEAMS[0], "name": "oncall"}]
    with pytest.raises(ConfigError, match="names used twice: oncall"):
        config_from_context({"monitor:slackChannels": twice, "monitor:teamsChannels": teams})
