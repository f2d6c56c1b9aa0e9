"""A table of short-lived items: pay per request, items expiring by TTL, encrypted with the app key.

Two uses: the incident windows (claims that let one email through per incident per window, shared by every
function that emails) and, in hub mode, the member targets' failure streaks the weekly digest names.
"""

from __future__ import annotations

from aws_cdk import Acknowledgment, RemovalPolicy, Validations
from aws_cdk import aws_dynamodb as dynamodb
from aws_cdk import aws_iam as iam
from constructs import Construct

from infra.core.keys import AppKey
from infra.core.scanners import skip_check
from lambdas.platform.aws.dynamodb import EXPIRES_AT


class ExpiringTable(Construct):
    """A table keyed by partition_key whose items expire; why_no_recovery says why point-in-time recovery would
    buy nothing (cdk-nag asks)."""

    def __init__(
        self, scope: Construct, construct_id: str, *, key: AppKey, partition_key: str, why_no_recovery: str
    ) -> None:
        super().__init__(scope, construct_id)
        self._key = key
        self.table = dynamodb.Table(
            self,
            "Table",
            partition_key=dynamodb.Attribute(name=partition_key, type=dynamodb.AttributeType.STRING),
            billing_mode=dynamodb.BillingMode.PAY_PER_REQUEST,
            time_to_live_attribute=EXPIRES_AT,
            encryption=dynamodb.TableEncryption.CUSTOMER_MANAGED,
            encryption_key=key.key,
            # Only short-lived items: nothing to keep when the stack goes.
            removal_policy=RemovalPolicy.DESTROY,
        )
        Validations.of(self.table).acknowledge(
            Acknowledgment(id="AwsSolutions::AwsSolutions-DDB3", reason=why_no_recovery)
        )
        skip_check(self.table, "CKV_AWS_28", why_no_recovery)

    def grant_items(self, role: iam.IRole, *actions: str) -> None:
        """actions on the table's items, and the key only through DynamoDB."""
        self.table.grant(role, *actions)
        # Reading and writing items of a table encrypted with a customer-managed key uses that key through
        # DynamoDB: the same key actions CDK grants for data access, and only when the call comes via DynamoDB.
        role.add_to_principal_policy(
            self._key.through(
                "dynamodb", "kms:Decrypt", "kms:DescribeKey", "kms:Encrypt", "kms:GenerateDataKey*", "kms:ReEncrypt*"
            )
        )
        self._key.acknowledge_data_key_actions(role)
