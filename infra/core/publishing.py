"""How collectors publish their per-series metrics (monitor:publishMode): their environment, and in the
at-risk mode the grants on their state in the monitor's bucket."""

from __future__ import annotations

from typing import cast

from aws_cdk import Acknowledgment, CfnElement, Stack, Validations
from aws_cdk import aws_iam as iam
from aws_cdk import aws_s3 as s3
from constructs import Construct

from infra.core.config import MonitorConfig
from infra.core.keys import AppKey
from lambdas.platform.at_risk import STATE_PREFIX
from lambdas.platform.publish_policy import PublishMode
from lambdas.platform.settings import (
    MAX_SERIES_PER_TARGET,
    PUBLISH_MODE,
    PUBLISH_STATE_BUCKET,
    QUIET_PUBLISH_HOURS,
    WATCH_CHANGE_ADDRESSES,
    WATCH_UTILIZATION_PERCENT,
)


def publish_environment(config: MonitorConfig, state_bucket: str) -> dict[str, str]:
    """The publish keys every per-series collector reads (PublishSettings); no bucket in every-run."""
    return {
        PUBLISH_MODE: config.publish_mode.value,
        PUBLISH_STATE_BUCKET: state_bucket if config.publish_mode is PublishMode.AT_RISK else "",
        WATCH_UTILIZATION_PERCENT: f"{config.watch_utilization_percent:g}",
        WATCH_CHANGE_ADDRESSES: str(config.watch_change_addresses),
        QUIET_PUBLISH_HOURS: str(config.quiet_publish_hours),
        MAX_SERIES_PER_TARGET: str(config.max_series_per_target),
    }


class PublishStateStore:
    """Where the collectors keep their at-risk publish state: publish-state/<collector>/ in the monitor's bucket."""

    def __init__(self, scope: Construct, *, bucket: s3.IBucket, key: AppKey, config: MonitorConfig) -> None:
        self._scope = scope
        self._bucket = bucket
        self._key = key
        self._config = config

    @property
    def at_risk(self) -> bool:
        """True unless monitor:publishMode is every-run (which keeps no state and needs no grant)."""
        return self._config.publish_mode is PublishMode.AT_RISK

    def environment(self) -> dict[str, str]:
        """The publish keys every per-series collector reads (PublishSettings)."""
        return publish_environment(self._config, self._bucket.bucket_name)

    def grant(self, role: iam.IRole, collector: str) -> None:
        """At-risk only: read and write publish-state/<collector>/ and nothing else; the key only through S3."""
        if not self.at_risk:
            return
        prefix = f"{STATE_PREFIX}{collector}/"
        role.add_to_principal_policy(
            iam.PolicyStatement(
                actions=["s3:GetObject", "s3:PutObject"], resources=[self._bucket.arn_for_objects(f"{prefix}*")]
            )
        )
        role.add_to_principal_policy(self._key.through("s3", "kms:Decrypt", "kms:GenerateDataKey"))
        bucket_id = Stack.of(self._scope).get_logical_id(cast(CfnElement, self._bucket.node.default_child))
        Validations.of(role).acknowledge(
            Acknowledgment(
                id=f"AwsSolutions::AwsSolutions-IAM5[Resource::<{bucket_id}.Arn>/{prefix}*]",
                reason=(
                    f"The {collector} collector keeps one state document per account and region under {prefix} "
                    "(which series it published, and when); no other key."
                ),
            )
        )

    @property
    def bucket_name(self) -> str:
        """The monitor's bucket (the census's), where collectors keep their documents."""
        return self._bucket.bucket_name

    def grant_document(self, role: iam.IRole, prefix: str, why: str) -> None:
        """PutObject under prefix (a collector's own document) and nothing else; the key only through S3."""
        role.add_to_principal_policy(
            iam.PolicyStatement(actions=["s3:PutObject"], resources=[self._bucket.arn_for_objects(f"{prefix}*")])
        )
        role.add_to_principal_policy(self._key.through("s3", "kms:GenerateDataKey"))
        bucket_id = Stack.of(self._scope).get_logical_id(cast(CfnElement, self._bucket.node.default_child))
        Validations.of(role).acknowledge(
            Acknowledgment(id=f"AwsSolutions::AwsSolutions-IAM5[Resource::<{bucket_id}.Arn>/{prefix}*]", reason=why)
        )
