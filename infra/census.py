"""The ENI census: its scheduled collector, the snapshot bucket, its queries, alarms and dashboard section."""

from __future__ import annotations

from typing import cast

from aws_cdk import Acknowledgment, CfnElement, Duration, RemovalPolicy, Stack, Validations
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_events as events
from aws_cdk import aws_iam as iam
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_s3 as s3
from constructs import Construct

from infra.core.alarms import query_alarm
from infra.core.config import MonitorConfig
from infra.core.dashboard import WIDTH, Section, heading, query_graph
from infra.core.foundation import Foundation
from infra.core.hub import HubDispatch
from infra.core.keys import AppKey
from infra.core.lambda_defaults import monitor_function
from infra.core.notifying import organization_view_environment
from infra.core.publishing import PublishStateStore
from infra.core.queries import MAX_SERIES_PER_QUERY, ranked
from infra.core.scanners import skip_check
from infra.core.scheduled_collector import ScheduledCollector
from lambdas.census.settings import COLLECTOR, FREE_PREFIX_BLOCK_FLOOR, MONITOR_EVENT_BUS
from lambdas.platform import contract
from lambdas.platform.settings import SNAPSHOT_BUCKET, SUBNET_TAG_FILTER, UTILIZATION_THRESHOLD_PERCENT, VPC_IDS

# Read-only calls the census makes; each named, none supports resource-level permissions.
CENSUS_READ_ACTIONS = [
    "ec2:DescribeSubnets",
    "ec2:DescribeNetworkInterfaces",
    "ec2:DescribeInstances",
    "ec2:GetSubnetCidrReservations",
    "eks:ListClusters",
]
# Cluster and node group health, scoped to this account and region's EKS resources.
EKS_HEALTH_READ_ACTIONS = ["eks:DescribeCluster", "eks:ListNodegroups", "eks:DescribeNodegroup"]
SNAPSHOT_PREFIX = "census/"
HISTORY_PREFIX = "census/history/"
HISTORY_DAYS = 35
# Dashboard refreshes at once (a few people looking); a throttled one shows an error and is asked again.
TABLE_CONCURRENCY = 5


def fewest_free_prefix_blocks(namespace: str, limit: int = MAX_SERIES_PER_QUERY) -> str:
    """Lowest FreePrefixBlocks per subnet, fewest first."""
    return ranked(namespace, contract.FREE_PREFIX_BLOCKS, group_by=contract.SUBNET_KEY, lowest_first=True, limit=limit)


def unattached_addresses_per_vpc(namespace: str, limit: int = MAX_SERIES_PER_QUERY) -> str:
    """Addresses held by unattached interfaces, per VPC, most first."""
    return ranked(
        namespace, contract.UNATTACHED_ENI_ADDRESSES, group_by=contract.VPC_KEY, lowest_first=False, limit=limit
    )


def eks_addresses_per_cluster(namespace: str, limit: int = MAX_SERIES_PER_QUERY) -> str:
    """Addresses held by each EKS cluster, most first."""
    return ranked(
        namespace, contract.EKS_ADDRESSES_IN_USE, group_by=contract.CLUSTER_KEY, lowest_first=False, limit=limit
    )


def node_group_reads(stack: Stack) -> iam.PolicyStatement:
    """Node group health of the clusters of the stack's account and region."""
    eks_arn = f"arn:{stack.partition}:eks:{stack.region}:{stack.account}"
    return iam.PolicyStatement(
        actions=EKS_HEALTH_READ_ACTIONS, resources=[f"{eks_arn}:cluster/*", f"{eks_arn}:nodegroup/*"]
    )


class EniCensus(Construct):
    """Attributes every subnet address to who holds it, keeps the snapshot in S3, publishes three metrics."""

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        foundation: Foundation,
        hub: HubDispatch | None = None,
    ) -> None:
        super().__init__(scope, construct_id)
        config, key, alerting = foundation.config, foundation.key, foundation.alerting
        self._config = config
        self._key = key
        self.bucket = s3.Bucket(
            self,
            "Snapshots",
            encryption=s3.BucketEncryption.KMS,
            encryption_key=key.key,
            bucket_key_enabled=True,  # one KMS request per object key's data key, not per PUT
            enforce_ssl=True,
            block_public_access=s3.BlockPublicAccess.BLOCK_ALL,
            lifecycle_rules=[s3.LifecycleRule(prefix=HISTORY_PREFIX, expiration=Duration.days(HISTORY_DAYS))],
            # The census history is the one thing here worth keeping after `cdk destroy`: delete it by hand.
            removal_policy=RemovalPolicy.RETAIN,
        )
        no_access_logs = (
            "Only the census function writes here (its role is the only writer); server access logs "
            "would need a second bucket that costs more than the snapshots. CloudTrail data events "
            "can audit reads if a team needs that."
        )
        Validations.of(self.bucket).acknowledge(
            Acknowledgment(id="AwsSolutions::AwsSolutions-S1", reason=no_access_logs)
        )
        skip_check(self.bucket, "CKV_AWS_18", no_access_logs)
        skip_check(
            self.bucket,
            "CKV_AWS_21",
            "Versioning would keep every overwritten latest.json and publish state (one per run, 96+ a day); "
            f"the history the app needs is its own dated copies under {HISTORY_PREFIX}, kept {HISTORY_DAYS} days.",
        )
        # The collectors' at-risk publish state lives in this bucket too (publish-state/<collector>/).
        self.publish_state = PublishStateStore(self, bucket=self.bucket, key=key, config=config)
        # The census's own events (EKS shortages) go to a bus of their own that only its role may write to: on the
        # default bus their custom source could be forged by anyone allowed events:PutEvents (only aws.* sources
        # are reserved), and each forged one would be counted and emailed as AWS data.
        self.monitor_bus = events.EventBus(self, "MonitorEvents")
        self.collector = ScheduledCollector(
            self,
            "Collector",
            name=COLLECTOR,
            title="the ENI census",
            handler="lambdas.census.handler.handler",
            description="Subnet IP Monitor: who holds each subnet's addresses, free /28 blocks, leaked interfaces",
            environment={
                VPC_IDS: ",".join(config.vpc_ids),
                SUBNET_TAG_FILTER: config.subnet_tag_filter,
                SNAPSHOT_BUCKET: self.bucket.bucket_name,
                FREE_PREFIX_BLOCK_FLOOR: str(config.free_prefix_block_floor),
                MONITOR_EVENT_BUS: self.monitor_bus.event_bus_name,
                **self.publish_state.environment(),
            },
            timeout=Duration.minutes(5),
            # At the benchmark's L (55,000 interfaces) a run takes 12.6 s of CPU and 71 MB of Python heap;
            # 1,024 MB buys about 0.6 of a vCPU, so the run stays well inside its timeout (docs/scale.md).
            memory_size=1024,
            reads=[iam.PolicyStatement(actions=CENSUS_READ_ACTIONS, resources=["*"])],
            why_any_resource=(
                "EC2 describe calls, GetSubnetCidrReservations and eks:ListClusters support no resource-level "
                "permissions"
            ),
            foundation=foundation,
            minutes=config.census_minutes,
            hub=hub,
        )
        self._grant_snapshot_writes(key)
        self.publish_state.grant(self.collector.role, COLLECTOR)
        self._grant_node_group_reads_and_events(read_own_account=self.collector.reads_own_account)
        self.table_function = self._table_function(config, key)
        self.collectors = [self.collector]
        self.functions = {COLLECTOR: self.collector.function, "census-table": self.table_function}
        period = self.collector.period
        self.alarms: list[cloudwatch.Alarm] = [
            query_alarm(
                self,
                "FreePrefixBlocksAlarm",
                name=contract.ALARM_SUBNET_FREE_PREFIX_BLOCKS,
                description=(
                    f"A subnet used by EKS nodes or IPv4 prefixes has {config.free_prefix_block_floor} or fewer "
                    "free aligned /28 blocks. With prefix delegation, new nodes and pods fail with "
                    "InsufficientCidrBlocks even while the subnet still has free addresses (fragmentation). Add "
                    "a subnet (or a CIDR reservation of type prefix in a new one) to the node group, or free "
                    "addresses; the census snapshot (census/latest.json) names who holds the subnet."
                ),
                query=fewest_free_prefix_blocks(config.namespace),
                label=contract.FREE_PREFIX_BLOCKS.name,
                period=period,
                threshold=config.free_prefix_block_floor,
                comparison=cloudwatch.ComparisonOperator.LESS_THAN_OR_EQUAL_TO_THRESHOLD,
                alerting=alerting,
            )
        ]
        if config.unattached_eni_alarm_threshold:
            self.alarms.append(
                query_alarm(
                    self,
                    "UnattachedEniAddressesAlarm",
                    name=contract.ALARM_VPC_UNATTACHED_ENI_ADDRESSES,
                    description=(
                        f"Network interfaces attached to nothing hold {config.unattached_eni_alarm_threshold} or "
                        "more addresses in a VPC. They keep their addresses until deleted. The census snapshot "
                        "(census/latest.json, 'unattached') lists them; delete the ones no service will reuse."
                    ),
                    query=unattached_addresses_per_vpc(config.namespace),
                    label=contract.UNATTACHED_ENI_ADDRESSES.name,
                    period=period,
                    threshold=config.unattached_eni_alarm_threshold,
                    comparison=cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
                    alerting=alerting,
                )
            )

    def _grant_snapshot_writes(self, key: AppKey) -> None:
        """PutObject under census/ only, and the key's data keys only through S3 (no read, list or delete)."""
        role = self.collector.role
        role.add_to_policy(
            iam.PolicyStatement(
                actions=["s3:PutObject"], resources=[self.bucket.arn_for_objects(f"{SNAPSHOT_PREFIX}*")]
            )
        )
        role.add_to_policy(key.through("s3", "kms:GenerateDataKey"))
        bucket_id = Stack.of(self).get_logical_id(cast(CfnElement, self.bucket.node.default_child))
        Validations.of(role).acknowledge(
            Acknowledgment(
                id=f"AwsSolutions::AwsSolutions-IAM5[Resource::<{bucket_id}.Arn>/{SNAPSHOT_PREFIX}*]",
                reason="The census writes census/latest.json and one dated copy per run under census/history/.",
            )
        )

    def _table_function(self, config: MonitorConfig, key: AppKey) -> lambda_.Function:
        """The dashboard's table of the fullest subnets: reads the census snapshots (census/latest.json, or in
        hub mode every target's) and nothing else."""
        function, role = monitor_function(
            self,
            "TableFunction",
            handler="lambdas.census.table_handler.handler",
            description="Subnet IP Monitor: dashboard table of the fullest subnets and who holds them",
            environment={
                **organization_view_environment(config),
                SNAPSHOT_BUCKET: self.bucket.bucket_name,
                UTILIZATION_THRESHOLD_PERCENT: f"{config.utilization_threshold_percent:g}",
            },
            key=key,
            timeout=Duration.seconds(10),
            memory_size=256,
            log_retention_days=config.log_retention_days,
            retry_attempts=0,  # a dashboard refresh asks again
            reserved_concurrency=TABLE_CONCURRENCY,
        )
        skip_check(
            function,
            "CKV_AWS_116",
            "Invoked synchronously by the dashboard's custom widget, never asynchronously: a dead-letter queue "
            "would never receive anything (a failed refresh shows its error in the widget).",
        )
        self.grant_snapshot_read(role, members=config.is_hub, list_members=config.is_hub)
        return function

    def grant_snapshot_read(
        self, role: iam.IRole, *, members: bool = False, list_members: bool = False, deployment_fit: bool = False
    ) -> None:
        """GetObject on census/latest.json alone (and with members, the hub mode's per-target snapshots under
        census/members/; with list_members, listing them too; with deployment_fit, the ECS collector's
        deployment fit document beside it), and the key's Decrypt only through S3."""
        keys = [contract.CENSUS_SNAPSHOT_KEY, *([f"{contract.MEMBER_SNAPSHOT_PREFIX}*"] if members else [])]
        if deployment_fit:
            keys.append(contract.DEPLOYMENT_FIT_KEY)
            keys += [f"{contract.MEMBER_DEPLOYMENT_FIT_PREFIX}*"] if members else []
        role.add_to_principal_policy(
            iam.PolicyStatement(actions=["s3:GetObject"], resources=[self.bucket.arn_for_objects(k) for k in keys])
        )
        role.add_to_principal_policy(self._key.through("s3", "kms:Decrypt"))
        if list_members:
            role.add_to_principal_policy(
                iam.PolicyStatement(
                    actions=["s3:ListBucket"],
                    resources=[self.bucket.bucket_arn],
                    conditions={
                        "StringLike": {
                            "s3:prefix": [
                                f"{contract.MEMBER_SNAPSHOT_PREFIX}*",
                                *([f"{contract.MEMBER_DEPLOYMENT_FIT_PREFIX}*"] if deployment_fit else []),
                            ]
                        }
                    },
                )
            )
        if members:
            bucket_id = Stack.of(self).get_logical_id(cast(CfnElement, self.bucket.node.default_child))
            Validations.of(role).acknowledge(
                Acknowledgment(
                    id=f"AwsSolutions::AwsSolutions-IAM5[Resource::<{bucket_id}.Arn>/{contract.MEMBER_SNAPSHOT_PREFIX}*]",
                    reason="Hub mode: the census's latest snapshot of each member account and region, read only.",
                )
            )
            if deployment_fit:
                Validations.of(role).acknowledge(
                    Acknowledgment(
                        id=f"AwsSolutions::AwsSolutions-IAM5[Resource::<{bucket_id}.Arn>/"
                        f"{contract.MEMBER_DEPLOYMENT_FIT_PREFIX}*]",
                        reason="Hub mode: the ECS collector's deployment fit of each member account and region.",
                    )
                )

    def _grant_node_group_reads_and_events(self, *, read_own_account: bool) -> None:
        """Node group health of this account's clusters (in hub mode the members' reader roles hold it), and
        PutEvents on the monitor's bus, whose policy refuses every other principal (the shortages)."""
        stack = Stack.of(self)
        role = self.collector.role
        if read_own_account:
            role.add_to_policy(node_group_reads(stack))
        role.add_to_policy(
            iam.PolicyStatement(actions=["events:PutEvents"], resources=[self.monitor_bus.event_bus_arn])
        )
        # An explicit deny beats any identity policy of this account: aws:PrincipalArn is the census's role for
        # its sessions (a global condition key, https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html).
        self.monitor_bus.add_to_resource_policy(
            iam.PolicyStatement(
                sid="OnlyTheCensusPutsEvents",
                effect=iam.Effect.DENY,
                principals=[iam.AnyPrincipal()],
                actions=["events:PutEvents"],
                resources=[self.monitor_bus.event_bus_arn],
                conditions={"ArnNotEquals": {"aws:PrincipalArn": role.role_arn}},
            )
        )
        tokens = "arn:<AWS::Partition>:eks:<AWS::Region>:<AWS::AccountId>"
        for resource, reason in (
            (
                "cluster/*",
                "ListNodegroups on every cluster of this account and region; clusters are found at run time.",
            ),
            ("nodegroup/*", "DescribeNodegroup on the node groups found at run time, in this account and region only."),
        ):
            Validations.of(self.collector.role).acknowledge(
                Acknowledgment(id=f"AwsSolutions::AwsSolutions-IAM5[Resource::{tokens}:{resource}]", reason=reason)
            )

    def dashboard_section(self) -> Section:
        """Free /28 blocks, EKS addresses and unattached addresses."""
        config, period = self._config, self.collector.period
        return [
            [
                heading(
                    "## ENI census (who holds the addresses)\n"
                    f"Every {self.collector.minutes} min. Free /28 alarm at **{config.free_prefix_block_floor}** "
                    f"or fewer blocks. Per-subnet consumers are in s3://{self.bucket.bucket_name}/census/latest.json."
                )
            ],
            [
                cloudwatch.CustomWidget(
                    function_arn=self.table_function.function_arn,
                    title="Fullest subnets and who holds their addresses (latest census)",
                    width=WIDTH,
                    height=10,
                    update_on_refresh=True,
                    update_on_resize=False,
                    update_on_time_range_change=False,
                )
            ],
            [
                query_graph(
                    "Fewest free /28 prefix blocks: 20 lowest subnets",
                    fewest_free_prefix_blocks(config.namespace, limit=20),
                    period,
                    threshold=config.free_prefix_block_floor,
                ),
                query_graph("Addresses held per EKS cluster", eks_addresses_per_cluster(config.namespace), period),
            ],
            [
                query_graph(
                    "Addresses held by unattached interfaces, per VPC",
                    unattached_addresses_per_vpc(config.namespace),
                    period,
                    threshold=config.unattached_eni_alarm_threshold or None,
                )
            ],
        ]
