"""The app's one customer-managed KMS key, handed to every construct that encrypts something."""

from __future__ import annotations

from aws_cdk import Acknowledgment, Duration, RemovalPolicy, Stack, Validations
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from constructs import Construct


class AppKey(Construct):
    """Encrypts the alert topic, the queues, the tables, the census bucket and every function's log group."""

    def __init__(self, scope: Construct, construct_id: str) -> None:
        super().__init__(scope, construct_id)
        self.key = kms.Key(
            self,
            "Key",
            enable_key_rotation=True,
            description="Encrypts the Subnet IP Monitor alert topic, queues, tables, snapshots and log groups",
            # What it encrypts goes with the stack, so the key does too (KMS waits 7 days before deleting it).
            removal_policy=RemovalPolicy.DESTROY,
            pending_window=Duration.days(7),
        )
        self._let_logs_use_key()

    def through(self, service: str, *actions: str) -> iam.PolicyStatement:
        """Key actions for a role, only when service (s3, dynamodb) asks for them on the role's behalf."""
        return iam.PolicyStatement(
            actions=list(actions),
            resources=[self.key.key_arn],
            conditions={"StringEquals": {"kms:ViaService": f"{service}.{Stack.of(self).region}.amazonaws.com"}},
        )

    def acknowledge_data_key_actions(self, role: iam.IRole) -> None:
        """cdk-nag: the wildcard KMS actions CDK grants for the topic, a queue or a table name this key only."""
        for action in ("kms:GenerateDataKey*", "kms:ReEncrypt*"):
            Validations.of(role).acknowledge(
                Acknowledgment(
                    id=f"AwsSolutions::AwsSolutions-IAM5[Action::{action}]",
                    reason=(
                        "KMS data-key actions on this app's own key alone (never '*'), for the encrypted topic, "
                        "dead-letter queue and (via DynamoDB only) the incident and failure-streak tables."
                    ),
                )
            )

    def let_cloudwatch_alarms_use_key(self) -> None:
        """CloudWatch alarms of this account publish to the encrypted alert topic.

        SNS, "Enable compatibility between event sources from AWS services and encrypted topics"
        (https://docs.aws.amazon.com/sns/latest/dg/sns-key-management.html#compatibility-with-aws-services):
        the key policy allows the service principal kms:Decrypt and kms:GenerateDataKey*; source conditions are
        supported for CloudWatch (not for EventBridge, below), so the grant is for this account's alarms only.
        """
        self._let_service_use_key(
            "cloudwatch.amazonaws.com", {"StringEquals": {"aws:SourceAccount": Stack.of(self).account}}
        )

    def let_eventbridge_use_key(self) -> None:
        """EventBridge writes an undeliverable event to an encrypted dead-letter queue.

        No condition: the SNS guide's page above says aws:SourceAccount, aws:SourceArn and aws:SourceOrgID are not
        supported in KMS policies for EventBridge, and EventBridge's dead-letter page
        (https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-rule-dlq.html) documents none for the queue's
        key. A condition the request does not carry would deny every write, silently (InvocationsFailedToBeSentToDlq).
        What EventBridge may write where is bounded by each queue's policy: SendMessage only from this stack's
        rules (aws:SourceArn), which CDK adds where a rule names the queue as its dead-letter queue.
        """
        self._let_service_use_key("events.amazonaws.com", None)

    def _let_service_use_key(self, service: str, conditions: dict[str, dict[str, str]] | None) -> None:
        self.key.add_to_resource_policy(
            iam.PolicyStatement(
                principals=[iam.ServicePrincipal(service)],
                actions=["kms:Decrypt", "kms:GenerateDataKey*"],
                resources=["*"],  # in a key policy, "*" means this key
                conditions=conditions,
            )
        )

    def _let_logs_use_key(self) -> None:
        """Let CloudWatch Logs in this region encrypt and read this account's log groups with the key, and no one
        else's (the encryption context names the log group; the condition pins it to this account and region)."""
        stack = Stack.of(self)
        self.key.add_to_resource_policy(
            iam.PolicyStatement(
                principals=[iam.ServicePrincipal(f"logs.{stack.region}.amazonaws.com")],
                actions=["kms:Encrypt*", "kms:Decrypt*", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:Describe*"],
                resources=["*"],  # in a key policy, "*" means this key
                conditions={
                    "ArnLike": {
                        "kms:EncryptionContext:aws:logs:arn": (
                            f"arn:{stack.partition}:logs:{stack.region}:{stack.account}:log-group:*"
                        )
                    }
                },
            )
        )
