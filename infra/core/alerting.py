"""Alerting: the encrypted SNS topic, its email subscriptions, and how each alarm reaches it.

Health alarms notify the topic directly. Metrics Insights alarms grouped by subnet, cluster or VPC are
routed per contributor to the alert composer instead (infra/alerts.py builds the rule from the names
registered here), which writes one enriched email per contributor transition.
"""

from __future__ import annotations

from collections.abc import Sequence

from aws_cdk import ArnFormat, Stack
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_cloudwatch_actions as cloudwatch_actions
from aws_cdk import aws_iam as iam
from aws_cdk import aws_sns as sns
from aws_cdk import aws_sns_subscriptions as subscriptions
from constructs import Construct

from infra.core.config import PagingEndpoint
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
        self._let_alarms_publish()
        for email in emails:
            self.topic.add_subscription(subscriptions.EmailSubscription(email))
        self._action = cloudwatch_actions.SnsAction(self.topic)
        self.per_contributor_alarm_names: list[str] = []
        self.paging_topic = self._paging_topic(key, paging_endpoints) if paging_endpoints else None

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

    def _let_alarms_publish(self) -> None:
        """A topic policy replaces SNS's default one, so the enforce_ssl policy alone would refuse every alarm:
        "...is not authorized to perform: SNS:Publish ... because no resource-based policy allows..."
        (https://repost.aws/knowledge-center/cloudwatch-receive-sns-for-alarm-trigger). CloudWatch publishes as
        its service principal; aws:SourceArn (this stack's alarms, all named '<stack>-…' by alarm_name) and
        aws:SourceAccount keep it to them (https://docs.aws.amazon.com/sns/latest/dg/sns-access-policy-use-cases.html,
        the confused-deputy conditions)."""
        stack = Stack.of(self)
        self.topic.add_to_resource_policy(
            iam.PolicyStatement(
                sid="CloudWatchAlarmsOfThisStackPublish",
                principals=[iam.ServicePrincipal("cloudwatch.amazonaws.com")],
                actions=["sns:Publish"],
                resources=[self.topic.topic_arn],
                conditions={
                    "ArnLike": {"aws:SourceArn": alarm_arn_pattern(stack)},
                    "StringEquals": {"aws:SourceAccount": stack.account},
                },
            )
        )

    def notify(self, alarm: cloudwatch.Alarm) -> None:
        """Send the alarm's ALARM and OK transitions to the topic."""
        alarm.add_alarm_action(self._action)
        alarm.add_ok_action(self._action)

    def notify_per_contributor(self, alarm_name: str) -> None:
        """The alarm's contributors go to the alert composer (through EventBridge), not to the topic."""
        self.per_contributor_alarm_names.append(alarm_name)


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
