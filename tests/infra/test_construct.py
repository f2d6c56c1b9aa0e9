"""SubnetIpMonitor as a construct in a stack of the user's own: props mirror the keys and are validated alike."""

from __future__ import annotations

import typing
from collections.abc import Mapping, Sequence
from typing import Any

import aws_cdk as cdk
import pytest
from aws_cdk.assertions import Match, Template

from infra.core.config import (
    ConfigError,
    MonitorConfig,
    PagingEndpoint,
    Route,
    SlackChannel,
    TeamsChannel,
    config_from_context,
)
from infra.core.props import MonitorProps
from infra.stack import SubnetIpMonitor
from lambdas.platform.publish_policy import PublishMode


def _prop_type(annotation: Any) -> Any:
    """The prop type a config field's type is given as (a user passes lists and plain strings)."""
    if annotation == tuple[str, ...]:
        return Sequence[str]
    if annotation == dict[str, str]:
        return Mapping[str, str]
    if annotation in (
        tuple[PagingEndpoint, ...],
        tuple[SlackChannel, ...],
        tuple[TeamsChannel, ...],
        tuple[Route, ...],
    ):
        return Sequence[Mapping[str, Any]]
    if annotation is PublishMode:
        return typing.Literal[tuple(mode.value for mode in PublishMode)]
    return annotation


def test_given_the_props_then_there_is_one_per_configuration_key_of_the_same_type():
    hints = typing.get_type_hints(MonitorProps)
    fields = MonitorConfig.model_fields
    assert list(hints) == list(fields)
    assert {name: hints[name] for name in fields} == {name: _prop_type(f.annotation) for name, f in fields.items()}


def test_given_props_in_a_users_own_stack_then_the_monitor_is_built_with_them():
    app = cdk.App()
    stack = cdk.Stack(app, "PlatformTeamStack")
    monitor = SubnetIpMonitor(stack, "Monitor", alert_emails=["oncall@example.com"], schedule_minutes=10)
    template = Template.from_stack(stack)
    assert monitor.config == config_from_context(
        {"monitor:alertEmails": ["oncall@example.com"], "monitor:scheduleMinutes": 10}
    )
    template.has_resource_properties("AWS::Events::Rule", {"ScheduleExpression": "rate(10 minutes)"})
    template.has_resource_properties("AWS::SNS::Subscription", {"Protocol": "email", "Endpoint": "oncall@example.com"})
    template.has_resource_properties(
        "AWS::Lambda::Function", {"Handler": "lambdas.subnets.handler.handler", "Runtime": Match.any_value()}
    )


@pytest.mark.parametrize(
    ("props", "named"),
    [
        ({"schedule_minutes": 0}, "monitor:scheduleMinutes"),
        ({"alert_emails": ["not an address"]}, "monitor:alertEmails"),
        ({"alarm_per_vpc": True}, "monitor:alarmPerVpc needs monitor:vpcIds"),
        ({"schedul_minutes": 5}, "did you mean monitor:scheduleMinutes?"),
        ({"hub_region": "eu-west-1"}, "monitor:hubRegion: applies only with monitor:mode=hub"),
    ],
)
def test_given_a_bad_prop_then_config_error_names_its_key(props, named):
    stack = cdk.Stack(cdk.App(), "PlatformTeamStack")
    with pytest.raises(ConfigError, match=named):
        SubnetIpMonitor(stack, "Monitor", **props)


def test_given_hub_mode_then_the_stack_must_be_in_the_hubs_account_and_region():
    hub: MonitorProps = {
        "mode": "hub",
        "hub_account_id": "123456789012",
        "hub_region": "eu-west-1",
        "member_accounts": ["111111111111"],
    }
    with pytest.raises(ConfigError, match="explicit environment"):
        SubnetIpMonitor(cdk.Stack(cdk.App(), "Agnostic"), "Monitor", **hub)
    elsewhere = cdk.Stack(cdk.App(), "Elsewhere", env=cdk.Environment(account="123456789012", region="us-east-1"))
    with pytest.raises(ConfigError, match="must be the stack's environment"):
        SubnetIpMonitor(elsewhere, "Monitor", **hub)


def test_given_config_and_props_then_the_construct_refuses_both():
    with pytest.raises(ConfigError, match="config or props"):
        SubnetIpMonitor(cdk.Stack(cdk.App(), "S"), "Monitor", config=config_from_context({}), schedule_minutes=5)
