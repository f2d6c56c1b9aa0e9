"""Alerting: the encrypted SNS topic, its email subscriptions, and how each alarm reaches it.

Health alarms notify the topic directly. Metrics Insights alarms grouped by subnet, cluster or VPC are
routed per contributor to the alert composer instead (infra/alerts.py builds the rule from the names
registered here), which writes one enriched email per contributor transition.
"""

from __future__ import annotations

from collections.abc import Sequence

from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_cloudwatch_actions as cloudwatch_actions
from aws_cdk import aws_sns as sns
from aws_cdk import aws_sns_subscriptions as subscriptions
from constructs import Construct

from infra.core.keys import AppKey


class Alerting(Construct):
    """One topic for every alert; each email address must confirm its subscription before mail arrives."""

    def __init__(self, scope: Construct, construct_id: str, *, key: AppKey, emails: Sequence[str]) -> None:
        super().__init__(scope, construct_id)
        # CloudWatch alarms publish to an encrypted topic only if they may use its key.
        key.let_service_use_key("cloudwatch.amazonaws.com")
        self.topic = sns.Topic(
            self,
            "Topic",
            display_name="Subnet IP Monitor",
            master_key=key.key,
            enforce_ssl=True,
        )
        for email in emails:
            self.topic.add_subscription(subscriptions.EmailSubscription(email))
        self._action = cloudwatch_actions.SnsAction(self.topic)
        self.per_contributor_alarm_names: list[str] = []

    def notify(self, alarm: cloudwatch.Alarm) -> None:
        """Send the alarm's ALARM and OK transitions to the topic."""
        alarm.add_alarm_action(self._action)
        alarm.add_ok_action(self._action)

    def notify_per_contributor(self, alarm_name: str) -> None:
        """The alarm's contributors go to the alert composer (through EventBridge), not to the topic."""
        self.per_contributor_alarm_names.append(alarm_name)
