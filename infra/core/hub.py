"""Hub mode (monitor:mode hub): the dispatcher, a work queue per collector, and the names the member stack trusts.

On each collector's schedule the dispatcher puts one message per target account and region on the
collector's queue; the collector's function consumes it (batch size 1, monitor:workerConcurrency at most at
once, partial batch responses) and reads the target through the member's reader role.
"""

from __future__ import annotations

from aws_cdk import Acknowledgment, Duration, Stack, Validations
from aws_cdk import aws_events as events
from aws_cdk import aws_events_targets as targets
from aws_cdk import aws_iam as iam
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_lambda_event_sources as sources
from aws_cdk import aws_s3 as s3
from aws_cdk import aws_sqs as sqs
from constructs import Construct

from infra.core.config import MonitorConfig
from infra.core.dead_letters import DeadLetterQueue
from infra.core.expiring_table import ExpiringTable
from infra.core.foundation import Foundation
from infra.core.lambda_defaults import grant_read_and_publish, monitor_function
from lambdas.hub.dispatch.settings import MEMBER_ACCOUNTS, MONITOR_REGIONS, ORGANIZATION_UNIT_IDS
from lambdas.hub.streak_table import STREAK_KEY
from lambdas.platform import contract
from lambdas.platform.settings import METRIC_NAMESPACE, SNAPSHOT_BUCKET

# The collectors' roles have fixed names in hub mode, so the member stack's reader role can trust exactly them.
COLLECTOR_ROLE_PREFIX = "SubnetIpMonitor-collector-"
# A message the collector failed on (a bug, a timeout) is tried this many times, then kept in the queue below.
WORK_RECEIVES = 2
# AWS's advice for an SQS event source: a visibility timeout of six times the function's timeout.
VISIBILITY_PER_TIMEOUT = 6


# The hub's event bus, which the members' forwarding rules target.
MEMBER_BUS_NAME = "SubnetIpMonitor-member-events"


def member_bus_arn(partition: str, hub_region: str, hub_account: str) -> str:
    """The hub's event bus for the members' exhaustion events."""
    return f"arn:{partition}:events:{hub_region}:{hub_account}:event-bus/{MEMBER_BUS_NAME}"


class MemberEventBus(Construct):
    """The bus the members forward their exhaustion events to; it accepts PutEvents only from the organization
    (monitor:organizationId) or, without one, from the listed member accounts, and only events of the sources the
    members forward (AWS's own, aws.*: no member can put the monitor's or a made-up source here)."""

    def __init__(self, scope: Construct, construct_id: str, *, config: MonitorConfig, sources: list[str]) -> None:
        super().__init__(scope, construct_id)
        self.bus = events.EventBus(self, "Bus", event_bus_name=MEMBER_BUS_NAME)
        # events:source, EventBridge's condition key on PutEvents (the service authorization reference,
        # https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazoneventbridge.html), holds
        # every entry's source: all of them must be forwarded ones, and the key must be there.
        only_sources = {"ForAllValues:StringEquals": {"events:source": sources}, "Null": {"events:source": "false"}}
        if config.organization_id:
            statement = iam.PolicyStatement(
                sid="OrganizationMembersPutEvents",
                principals=[iam.AnyPrincipal()],
                actions=["events:PutEvents"],
                resources=[self.bus.event_bus_arn],
                conditions={"StringEquals": {"aws:PrincipalOrgID": config.organization_id}, **only_sources},
            )
        else:
            statement = iam.PolicyStatement(
                sid="MemberAccountsPutEvents",
                principals=[iam.AccountPrincipal(a) for a in config.member_accounts],
                actions=["events:PutEvents"],
                resources=[self.bus.event_bus_arn],
                conditions=only_sources,
            )
        self.bus.add_to_resource_policy(statement)


# The roles that look a member's subnet or VPC up for an email, in hub mode: the event handler's (an
# incident's subnet) and the alert composer's (an alarm contributor's subnet or VPC).
EVENT_HANDLER_ROLE_NAME = "SubnetIpMonitor-event-handler"
ALERT_COMPOSER_ROLE_NAME = "SubnetIpMonitor-alert-composer"


def collector_role_name(collector: str) -> str:
    """The fixed name of a collector's role in hub mode (the member's reader role trusts it by name)."""
    return f"{COLLECTOR_ROLE_PREFIX}{collector}"


def reader_user_arns(partition: str, hub_account: str, collectors: list[str]) -> list[str]:
    """The ARNs of the hub's roles that assume the members' reader role (the collectors', the event
    handler's and the alert composer's), as the member's trust policy names them."""
    names = [*(collector_role_name(c) for c in collectors), EVENT_HANDLER_ROLE_NAME, ALERT_COMPOSER_ROLE_NAME]
    return [f"arn:{partition}:iam::{hub_account}:role/{name}" for name in names]


class HubDispatch(Construct):
    """The dispatcher function, and for each collector its work queue, event source and schedule."""

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        foundation: Foundation,
    ) -> None:
        super().__init__(scope, construct_id)
        config, key, alerting = foundation.config, foundation.key, foundation.alerting
        self._config = config
        self._key = key
        self._targets_bucket: s3.IBucket | None = None
        self.function, self.role = monitor_function(
            self,
            "Dispatcher",
            handler="lambdas.hub.dispatch.handler.handler",
            description="Subnet IP Monitor: one work message per member account and region on each schedule",
            environment={
                METRIC_NAMESPACE: config.namespace,
                MEMBER_ACCOUNTS: ",".join(config.member_accounts),
                ORGANIZATION_UNIT_IDS: ",".join(config.organization_unit_ids),
                MONITOR_REGIONS: ",".join(config.monitored_regions(Stack.of(self).region)),
                SNAPSHOT_BUCKET: "",  # keep_targets_in sets it when there are organizational units
            },
            key=key,
            timeout=Duration.minutes(1),
            memory_size=256,
            log_retention_days=config.log_retention_days,
            retry_attempts=0,  # the next schedule dispatches everything again
            reserved_concurrency=1,  # one dispatch at a time; a throttled one expires after max_event_age
            max_event_age=Duration.hours(1),
            dead_letter_queue=foundation.failed_runs.queue,
        )
        organization_reads = (
            [
                iam.PolicyStatement(
                    actions=["organizations:ListAccountsForParent", "organizations:ListOrganizationalUnitsForParent"],
                    resources=["*"],
                )
            ]
            if config.organization_unit_ids
            else []
        )
        grant_read_and_publish(
            self,
            self.role,
            namespace=config.namespace,
            reads=organization_reads,
            why="organizations list calls on units found at run time; PutMetricData for the dispatch failures",
        )
        # Written only when a target's run fails; the weekly digest names the targets failing run after run.
        self.failure_streaks = ExpiringTable(
            self,
            "FailureStreaks",
            key=key,
            partition_key=STREAK_KEY,
            why_no_recovery=(
                "The table holds only the failure streaks of member targets, each expiring 8 days after its "
                "last failure; the next failing run starts a new one, so point-in-time recovery buys nothing."
            ),
        )
        self.dead_letters = DeadLetterQueue(
            self,
            "WorkDeadLetters",
            key=key,
            alerting=alerting,
            name="hub-work",
            kept=(
                f"A collector failed {WORK_RECEIVES} times on one member account and region (an error it did not "
                "expect, or its timeout). The message names the collector, account and region; the collector's "
                "log group has the error. The next schedule sends the target again: read, fix, purge."
            ),
        )

    def schedule(
        self,
        scope: Construct,
        *,
        collector: str,
        title: str,
        function: lambda_.Function,
        timeout: Duration,
        period: Duration,
    ) -> sqs.Queue:
        """The collector's work queue and event source, and its schedule running the dispatcher for it."""
        queue = sqs.Queue(
            scope,
            "WorkQueue",
            encryption=sqs.QueueEncryption.KMS,
            encryption_master_key=self._key.key,
            enforce_ssl=True,
            visibility_timeout=Duration.seconds(timeout.to_seconds() * VISIBILITY_PER_TIMEOUT),
            # A message older than a few schedules is stale: the next schedule has sent a fresh one.
            retention_period=Duration.hours(1),
            dead_letter_queue=sqs.DeadLetterQueue(queue=self.dead_letters.queue, max_receive_count=WORK_RECEIVES),
        )
        queue.grant_send_messages(self.role)
        self._key.acknowledge_data_key_actions(self.role)
        function.add_event_source(
            sources.SqsEventSource(
                queue,
                batch_size=1,
                max_concurrency=self._config.worker_concurrency,
                report_batch_item_failures=True,
            )
        )
        events.Rule(
            scope,
            "Schedule",
            description=f"Dispatches {title} to every member account and region every {period.to_minutes()} minutes",
            schedule=events.Schedule.rate(period),
            targets=[
                targets.LambdaFunction(
                    self.function,
                    retry_attempts=0,
                    event=events.RuleTargetInput.from_object(
                        {"collector": collector, "queueUrl": queue.queue_url, "periodMinutes": period.to_minutes()}
                    ),
                )
            ],
        )
        return queue

    def grant_assume_readers(self, role: iam.Role) -> None:
        """sts:AssumeRole on the reader role of the targets only: the listed members' by ARN and, with
        organizational units (accounts found at run time), any account's only inside monitor:organizationId."""
        partition, name = Stack.of(self).partition, self._config.reader_role_name
        listed = [f"arn:{partition}:iam::{account}:role/{name}" for account in self._config.member_accounts]
        if listed:
            role.add_to_policy(iam.PolicyStatement(actions=["sts:AssumeRole"], resources=listed))
        if not self._config.organization_unit_ids:
            return
        # aws:ResourceOrgID is the organization of the account that owns the role being assumed (IAM's global
        # condition keys, https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html).
        role.add_to_policy(
            iam.PolicyStatement(
                actions=["sts:AssumeRole"],
                resources=[f"arn:{partition}:iam::*:role/{name}"],
                conditions={"StringEquals": {"aws:ResourceOrgID": self._config.organization_id}},
            )
        )
        Validations.of(role).acknowledge(
            Acknowledgment(
                id=f"AwsSolutions::AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:iam::*:role/{name}]",
                reason=(
                    "Member accounts under organizational units are found at run time: any account's reader role, "
                    "but only in monitor:organizationId (aws:ResourceOrgID); each reader role trusts only the hub's "
                    "roles by name."
                ),
            )
        )

    def keep_targets_in(self, bucket: s3.IBucket) -> None:
        """With organizational units, the dispatcher writes the accounts it found (contract.TARGET_ACCOUNTS_KEY) to
        bucket on each dispatch: the event handler's list of targets."""
        if not self._config.organization_unit_ids:
            return
        self._targets_bucket = bucket
        self.function.add_environment(SNAPSHOT_BUCKET, bucket.bucket_name)
        self.role.add_to_policy(
            iam.PolicyStatement(
                actions=["s3:PutObject"], resources=[bucket.arn_for_objects(contract.TARGET_ACCOUNTS_KEY)]
            )
        )
        self.role.add_to_policy(self._key.through("s3", "kms:GenerateDataKey"))

    def grant_read_targets(self, role: iam.IRole) -> None:
        """GetObject on the targets document (with organizational units; nothing to read without)."""
        if self._targets_bucket is None:
            return
        role.add_to_principal_policy(
            iam.PolicyStatement(
                actions=["s3:GetObject"],
                resources=[self._targets_bucket.arn_for_objects(contract.TARGET_ACCOUNTS_KEY)],
            )
        )
        role.add_to_principal_policy(self._key.through("s3", "kms:Decrypt"))

    def grant_failure_streaks(self, role: iam.IRole) -> None:
        """A collector keeps its targets' failure streaks: GetItem and PutItem on the streak table."""
        self.failure_streaks.grant_items(role, "dynamodb:GetItem", "dynamodb:PutItem")
