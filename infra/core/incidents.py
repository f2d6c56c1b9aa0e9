"""The incident-window table: short-lived claims that let one email through per incident per window.

Shared by every function that emails (exhaustion events, alarm notifications), so an incident's key is
claimed in one place whatever noticed it.
"""

from __future__ import annotations

from aws_cdk import Acknowledgment, RemovalPolicy, Validations
from aws_cdk import aws_dynamodb as dynamodb
from aws_cdk import aws_iam as iam
from constructs import Construct

from infra.core.keys import AppKey
from lambdas.core.aws.dynamodb import EXPIRES_AT, KEY


class IncidentWindows(Construct):
    """A pay-per-request table keyed by incident, items expiring by TTL, encrypted with the app key."""

    def __init__(self, scope: Construct, construct_id: str, *, key: AppKey) -> None:
        super().__init__(scope, construct_id)
        self._key = key
        self.table = dynamodb.Table(
            self,
            "Table",
            partition_key=dynamodb.Attribute(name=KEY, type=dynamodb.AttributeType.STRING),
            billing_mode=dynamodb.BillingMode.PAY_PER_REQUEST,
            time_to_live_attribute=EXPIRES_AT,
            encryption=dynamodb.TableEncryption.CUSTOMER_MANAGED,
            encryption_key=key.key,
            # Only short-lived email-dedupe claims: nothing to keep when the stack goes.
            removal_policy=RemovalPolicy.DESTROY,
        )
        Validations.of(self.table).acknowledge(
            Acknowledgment(
                id="AwsSolutions::AwsSolutions-DDB3",
                reason=(
                    "The table holds only email-dedupe claims that expire within the dedupe window; restoring "
                    "it would at most suppress one duplicate email, so point-in-time recovery buys nothing."
                ),
            )
        )

    def grant_claims(self, role: iam.IRole) -> None:
        """PutItem (claim) and DeleteItem (release), and the key only through DynamoDB."""
        self.table.grant(role, "dynamodb:PutItem", "dynamodb:DeleteItem")
        # Reading and writing items of a table encrypted with a customer-managed key uses that key through
        # DynamoDB: the same key actions CDK grants for data access, and only when the call comes via DynamoDB.
        role.add_to_principal_policy(
            self._key.through(
                "dynamodb", "kms:Decrypt", "kms:DescribeKey", "kms:Encrypt", "kms:GenerateDataKey*", "kms:ReEncrypt*"
            )
        )
