"""Alerting: the encrypted SNS topic, its email subscriptions, and how each alarm reaches it; the paging topic;
the chat topic and its Slack and Teams channel configurations.

Health alarms notify the topic (and the chat topics) directly. Metrics Insights alarms grouped by subnet, cluster
or VPC are routed per contributor to the alert composer instead (infra/alerts.py builds the rule from the names
registered here), which writes one enriched email, page and chat message per contributor transition. A broken
composer cannot silence a health alarm: CloudWatch publishes those itself, to email and to chat.
"""

from __future__ import annotations

from collections.abc import Sequence

from aws_cdk import ArnFormat, Stack
from aws_cdk import aws_chatbot as chatbot
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_cloudwatch_actions as cloudwatch_actions
from aws_cdk import aws_iam as iam
from aws_cdk import aws_sns as sns
from aws_cdk import aws_sns_subscriptions as subscriptions
from constructs import Construct

from infra.core.config import PagingEndpoint, SlackChannel, TeamsChannel
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
        self.paging_topic = self._paging_topic(key, paging_endpoints) if paging_endpoints else None
        self.chat_topic = (
            self._chat_topic(key, slack_channels, teams_channels) if slack_channels or teams_channels else None
        )
        # Every topic a chat message goes to: the stack's own, then the team's (monitor:chatTopicArns).
        self.chat_topics: list[sns.ITopic] = [
            *([self.chat_topic] if self.chat_topic else []),
            *(sns.Topic.from_topic_arn(self, f"TeamChatTopic{i}", arn) for i, arn in enumerate(chat_topic_arns)),
        ]
        self._actions = [cloudwatch_actions.SnsAction(t) for t in (self.topic, *self.chat_topics)]

    def _chat_topic(
        self, key: AppKey, slack_channels: Sequence[SlackChannel], teams_channels: Sequence[TeamsChannel]
    ) -> sns.Topic:
        """The chat topic and one channel configuration per Slack or Teams channel subscribed to it.

        The channel role trusts Amazon Q Developer only and holds no permission: the channels get notifications
        and their members can run nothing. The guardrail (ReadOnlyAccess) caps any role a member might bring,
        and user roles are not required, so no member role is ever assumed. CloudWatch alarms publish to it
        too (health alarms), so its policy lets this stack's alarms publish as the alert topic's does.
        """
        topic = sns.Topic(
            self, "ChatTopic", display_name="Subnet IP Monitor chat", master_key=key.key, enforce_ssl=True
        )
        _let_alarms_publish(topic)
        role = iam.Role(
            self,
            "ChatChannelRole",
            assumed_by=iam.ServicePrincipal("chatbot.amazonaws.com"),
            description="Subnet IP Monitor chat channels: notifications only, no permissions",
        )
        stack = Stack.of(self)
        guardrail = iam.ManagedPolicy.from_aws_managed_policy_name("ReadOnlyAccess").managed_policy_arn
        for i, slack in enumerate(slack_channels):
            chatbot.CfnSlackChannelConfiguration(
                self,
                f"Slack{i}",
                configuration_name=channel_configuration_name(stack, "slack", slack.name or str(i)),
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
                self,
                f"Teams{i}",
                configuration_name=channel_configuration_name(stack, "teams", teams.name or str(i)),
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

    def _paging_topic(self, key: AppKey, endpoints: Sequence[PagingEndpoint]) -> sns.Topic:
        """The pages' topic (monitor:pagingEndpoints): one HTTPS subscription per endpoint, filtered on the page's
        severity attribute when the endpoint names severities. Only the event handler and the alert composer
        publish to it (grant_notify); no alarm does, so its policy allows no service."""
        topic = sns.Topic(
            self, "PagingTopic", display_name="Subnet IP Monitor pages", master_key=key.key, enforce_ssl=True
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

    def notify(self, alarm: cloudwatch.Alarm) -> None:
        """Send the alarm's ALARM and OK transitions to the topic and to every chat topic."""
        alarm.add_alarm_action(*self._actions)
        alarm.add_ok_action(*self._actions)

    def notify_per_contributor(self, alarm_name: str) -> None:
        """The alarm's contributors go to the alert composer (through EventBridge), not to the topic."""
        self.per_contributor_alarm_names.append(alarm_name)


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
