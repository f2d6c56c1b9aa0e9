"""Alerting: the encrypted SNS topic, its email subscriptions, and how each alarm reaches it; the paging topic;
the chat topic and its Slack and Teams channel configurations.

Health alarms notify the topic (and the chat topics) directly. Metrics Insights alarms grouped by subnet, cluster
or VPC are routed per contributor to the alert composer instead (infra/alerts.py builds the rule from the names
registered here), which writes one enriched email, page and chat message per contributor transition. A broken
composer cannot silence a health alarm: CloudWatch publishes those itself, to email and to chat.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from aws_cdk import ArnFormat, Stack
from aws_cdk import aws_chatbot as chatbot
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_cloudwatch_actions as cloudwatch_actions
from aws_cdk import aws_iam as iam
from aws_cdk import aws_sns as sns
from aws_cdk import aws_sns_subscriptions as subscriptions
from constructs import Construct

from infra.core.config import PagingEndpoint, Route, SlackChannel, TeamsChannel
from infra.core.keys import AppKey
from lambdas.platform.paging import SEVERITY_ATTRIBUTE


class Alerting(Construct):
    """One topic for every alert; each email address must confirm its subscription before mail arrives."""

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        key: AppKey,
        emails: Sequence[str],
        paging_endpoints: Sequence[PagingEndpoint] = (),
        slack_channels: Sequence[SlackChannel] = (),
        teams_channels: Sequence[TeamsChannel] = (),
        chat_topic_arns: Sequence[str] = (),
        routes: Sequence[Route] = (),
    ) -> None:
        super().__init__(scope, construct_id)
        # CloudWatch alarms publish to an encrypted topic only if they may use its key.
        key.let_cloudwatch_alarms_use_key()
        self.topic = sns.Topic(
            self,
            "Topic",
            display_name="Subnet IP Monitor",
            master_key=key.key,
            enforce_ssl=True,
        )
        _let_alarms_publish(self.topic)
        for email in emails:
            self.topic.add_subscription(subscriptions.EmailSubscription(email))
        self.per_contributor_alarm_names: list[str] = []
        self.paging_topic = paging_topic(self, key, paging_endpoints) if paging_endpoints else None
        self.chat_topic = (
            chat_topic(self, key, slack_channels, teams_channels, alarms_publish=True)
            if slack_channels or teams_channels
            else None
        )
        self.chat_topics = _every_chat_topic(self, self.chat_topic, chat_topic_arns)
        self._actions = [cloudwatch_actions.SnsAction(t) for t in (self.topic, *self.chat_topics)]
        # monitor:routes: each route's own topics; health alarms stay on the default ones above.
        self.routes = [RouteDestinations(self, f"Route-{route.name}", key=key, route=route) for route in routes]

    def notify(self, alarm: cloudwatch.Alarm) -> None:
        """Send the alarm's ALARM and OK transitions to the topic and to every chat topic."""
        alarm.add_alarm_action(*self._actions)
        alarm.add_ok_action(*self._actions)

    def notify_per_contributor(self, alarm_name: str) -> None:
        """The alarm's contributors go to the alert composer (through EventBridge), not to the topic."""
        self.per_contributor_alarm_names.append(alarm_name)


def chat_topic(
    scope: Construct,
    key: AppKey,
    slack_channels: Sequence[SlackChannel],
    teams_channels: Sequence[TeamsChannel],
    *,
    alarms_publish: bool,
    prefix: str = "",
) -> sns.Topic:
    """The chat topic and one channel configuration per Slack or Teams channel subscribed to it.

    The channel role trusts Amazon Q Developer only and holds no permission: the channels get notifications
    and their members can run nothing. The guardrail (ReadOnlyAccess) caps any role a member might bring,
    and user roles are not required, so no member role is ever assumed. CloudWatch alarms publish to it
    too (health alarms) when alarms_publish, so its policy then lets this stack's alarms publish as the alert
    topic's does; a route's chat topic (prefix '<route>-') gets no alarm.
    """
    topic = sns.Topic(scope, "ChatTopic", display_name="Subnet IP Monitor chat", master_key=key.key, enforce_ssl=True)
    if alarms_publish:
        _let_alarms_publish(topic)
    role = iam.Role(
        scope,
        "ChatChannelRole",
        assumed_by=iam.ServicePrincipal("chatbot.amazonaws.com"),
        description="Subnet IP Monitor chat channels: notifications only, no permissions",
    )
    stack = Stack.of(scope)
    guardrail = iam.ManagedPolicy.from_aws_managed_policy_name("ReadOnlyAccess").managed_policy_arn
    for i, slack in enumerate(slack_channels):
        chatbot.CfnSlackChannelConfiguration(
            scope,
            f"Slack{i}",
            configuration_name=channel_configuration_name(stack, f"{prefix}slack", slack.name or str(i)),
            slack_workspace_id=slack.workspace_id,
            slack_channel_id=slack.channel_id,
            iam_role_arn=role.role_arn,
            guardrail_policies=[guardrail],
            logging_level="ERROR",
            sns_topic_arns=[topic.topic_arn],
            user_role_required=False,
        )
    for i, teams in enumerate(teams_channels):
        chatbot.CfnMicrosoftTeamsChannelConfiguration(
            scope,
            f"Teams{i}",
            configuration_name=channel_configuration_name(stack, f"{prefix}teams", teams.name or str(i)),
            team_id=teams.team_id,
            teams_tenant_id=teams.tenant_id,
            teams_channel_id=teams.channel_id,
            iam_role_arn=role.role_arn,
            guardrail_policies=[guardrail],
            logging_level="ERROR",
            sns_topic_arns=[topic.topic_arn],
            user_role_required=False,
        )
    return topic


def paging_topic(scope: Construct, key: AppKey, endpoints: Sequence[PagingEndpoint]) -> sns.Topic:
    """The pages' topic (monitor:pagingEndpoints): one HTTPS subscription per endpoint, filtered on the page's
    severity attribute when the endpoint names severities. Only the event handler and the alert composer
    publish to it (grant_notify); no alarm does, so its policy allows no service."""
    topic = sns.Topic(
        scope, "PagingTopic", display_name="Subnet IP Monitor pages", master_key=key.key, enforce_ssl=True
    )
    for endpoint in endpoints:
        severities = {SEVERITY_ATTRIBUTE: sns.SubscriptionFilter.string_filter(allowlist=list(endpoint.severities))}
        topic.add_subscription(
            subscriptions.UrlSubscription(
                endpoint.url,
                protocol=sns.SubscriptionProtocol.HTTPS,
                filter_policy=severities if endpoint.severities else None,
            )
        )
    return topic


def _let_alarms_publish(topic: sns.Topic) -> None:
    """A topic policy replaces SNS's default one, so the enforce_ssl policy alone would refuse every alarm:
    "...is not authorized to perform: SNS:Publish ... because no resource-based policy allows..."
    (https://repost.aws/knowledge-center/cloudwatch-receive-sns-for-alarm-trigger). CloudWatch publishes as
    its service principal; aws:SourceArn (this stack's alarms, all named '<stack>-…' by alarm_name) and
    aws:SourceAccount keep it to them (https://docs.aws.amazon.com/sns/latest/dg/sns-access-policy-use-cases.html,
    the confused-deputy conditions)."""
    stack = Stack.of(topic)
    topic.add_to_resource_policy(
        iam.PolicyStatement(
            sid="CloudWatchAlarmsOfThisStackPublish",
            principals=[iam.ServicePrincipal("cloudwatch.amazonaws.com")],
            actions=["sns:Publish"],
            resources=[topic.topic_arn],
            conditions={
                "ArnLike": {"aws:SourceArn": alarm_arn_pattern(stack)},
                "StringEquals": {"aws:SourceAccount": stack.account},
            },
        )
    )


def channel_configuration_name(stack: Stack, kind: str, name: str) -> str:
    """'<stack>-slack-<name>': unique per account (a channel configuration's name is), at most 128 characters."""
    return f"{stack.stack_name}-{kind}-{name}"[:128]


def alarm_prefix(scope: Construct) -> str:
    """'<stack name>-', the start of every alarm name of the stack (infra.core.alarms.alarm_name)."""
    return f"{Stack.of(scope).stack_name}-"


def alarm_arn_pattern(stack: Stack) -> str:
    """The ARN of every alarm of this stack (each named alarm_prefix + its name)."""
    return stack.format_arn(
        service="cloudwatch",
        resource="alarm",
        resource_name=f"{alarm_prefix(stack)}*",
        arn_format=ArnFormat.COLON_RESOURCE_NAME,
    )


class RouteDestinations(Construct):
    """One route's own topics (monitor:routes): its email topic and subscriptions, and its paging and chat
    topics when it names endpoints or channels. Only the event handler and the composer publish to them."""

    def __init__(self, scope: Construct, construct_id: str, *, key: AppKey, route: Route) -> None:
        super().__init__(scope, construct_id)
        self.name = route.name
        self.topic = sns.Topic(
            self, "Topic", display_name=f"Subnet IP Monitor: {route.name}", master_key=key.key, enforce_ssl=True
        )
        for email in route.emails:
            self.topic.add_subscription(subscriptions.EmailSubscription(email))
        self.paging_topic = paging_topic(self, key, route.paging_endpoints) if route.paging_endpoints else None
        own_chat = (
            chat_topic(
                self, key, route.slack_channels, route.teams_channels, alarms_publish=False, prefix=f"{route.name}-"
            )
            if route.slack_channels or route.teams_channels
            else None
        )
        self.chat_topics = _every_chat_topic(self, own_chat, route.chat_topic_arns)

    def document(self) -> dict[str, Any]:
        """The route as the functions read it (lambdas.platform.settings.RouteSetting), tokens unresolved."""
        return {
            "name": self.name,
            "topic": self.topic.topic_arn,
            "pagingTopic": self.paging_topic.topic_arn if self.paging_topic else "",
            "chatTopics": [t.topic_arn for t in self.chat_topics],
        }


def _every_chat_topic(scope: Construct, own: sns.ITopic | None, arns: Sequence[str]) -> list[sns.ITopic]:
    """Every topic a chat message goes to: the stack's own, then the team's (chatTopicArns)."""
    return [
        *([own] if own else []),
        *(sns.Topic.from_topic_arn(scope, f"TeamChatTopic{i}", a) for i, a in enumerate(arns)),
    ]
