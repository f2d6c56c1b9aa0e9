"""Alerting: the encrypted SNS topic, its email subscriptions, and wiring alarms to it."""

from __future__ import annotations

from collections.abc import Sequence

from aws_cdk import Duration, RemovalPolicy, Stack
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_cloudwatch_actions as cloudwatch_actions
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_sns as sns
from aws_cdk import aws_sns_subscriptions as subscriptions
from constructs import Construct


class Alerting(Construct):
    """One topic for every alert; each email address must confirm its subscription before mail arrives."""

    def __init__(self, scope: Construct, construct_id: str, *, emails: Sequence[str]) -> None:
        super().__init__(scope, construct_id)
        self.key = kms.Key(
            self,
            "TopicKey",
            enable_key_rotation=True,
            description="Encrypts the Subnet IP Monitor alert topic, events dead-letter queue and incident table",
            # What it encrypts goes with the stack, so the key does too (KMS waits 7 days before deleting it).
            removal_policy=RemovalPolicy.DESTROY,
            pending_window=Duration.days(7),
        )
        # CloudWatch alarms publish to an encrypted topic only if they may use its key.
        self.let_service_use_key("cloudwatch.amazonaws.com")
        self.topic = sns.Topic(
            self,
            "Topic",
            display_name="Subnet IP Monitor",
            master_key=self.key,
            enforce_ssl=True,
        )
        for email in emails:
            self.topic.add_subscription(subscriptions.EmailSubscription(email))
        self._action = cloudwatch_actions.SnsAction(self.topic)

    def let_service_use_key(self, service: str) -> None:
        """Let an AWS service encrypt with the app's key on this account's behalf only (aws:SourceAccount)."""
        self.key.add_to_resource_policy(
            iam.PolicyStatement(
                principals=[iam.ServicePrincipal(service)],
                actions=["kms:Decrypt", "kms:GenerateDataKey*"],
                resources=["*"],  # in a key policy, "*" means this key
                conditions={"StringEquals": {"aws:SourceAccount": Stack.of(self).account}},
            )
        )

    def notify(self, alarm: cloudwatch.Alarm) -> None:
        """Send the alarm's ALARM and OK transitions to the topic."""
        alarm.add_alarm_action(self._action)
        alarm.add_ok_action(self._action)
