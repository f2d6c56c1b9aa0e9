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
