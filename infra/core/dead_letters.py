"""A dead-letter queue for what a function could not finish, and the alarm that says something is in it."""

from __future__ import annotations

from aws_cdk import Acknowledgment, Duration, Validations
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_events_targets as targets
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_sqs as sqs
from constructs import Construct

from infra.core.alarms import threshold_alarm
from infra.core.alerting import Alerting
from infra.core.keys import AppKey

ALARM_PERIOD = Duration.minutes(5)
# EventBridge retries delivery (throttled or unavailable Lambda) with backoff before the DLQ.
DELIVERY_RETRIES = 8
DELIVERY_MAX_AGE = Duration.hours(2)


class DeadLetterQueue(Construct):
    """An encrypted queue keeping messages 14 days; its alarm goes straight to the topic.

    kept says, for the alarm's reader, what lands here, why, and what to do with it (name is the alarm's name
    part).
    """

    def __init__(
        self, scope: Construct, construct_id: str, *, key: AppKey, alerting: Alerting, name: str, kept: str
    ) -> None:
        super().__init__(scope, construct_id)
        self.queue = sqs.Queue(
            self,
            "Queue",
            encryption=sqs.QueueEncryption.KMS,
            encryption_master_key=key.key,
            enforce_ssl=True,
            retention_period=Duration.days(14),
        )
        Validations.of(self.queue).acknowledge(
            Acknowledgment(
                id="AwsSolutions::AwsSolutions-SQS3",
                reason="This queue is itself a dead-letter queue (of EventBridge rule targets and a function).",
            )
        )
        # EventBridge sends undeliverable events to the encrypted queue only if it may use the key.
        key.let_eventbridge_use_key()
        self.alarm = threshold_alarm(
            self,
            "Alarm",
            name=f"{name}-dead-letter-queue",
            description=kept,
            metric=self.messages_visible(),
            alerting=alerting,
        )

    def rule_target(self, function: lambda_.IFunction) -> targets.LambdaFunction:
        """A rule target that EventBridge retries for up to 2 hours, then keeps the event in this queue."""
        return targets.LambdaFunction(
            function, retry_attempts=DELIVERY_RETRIES, max_event_age=DELIVERY_MAX_AGE, dead_letter_queue=self.queue
        )

    def messages_visible(self, label: str | None = None) -> cloudwatch.Metric:
        """Messages waiting, the maximum per 5 minutes."""
        return self.queue.metric_approximate_number_of_messages_visible(
            period=ALARM_PERIOD, statistic="Maximum", label=label
        )
