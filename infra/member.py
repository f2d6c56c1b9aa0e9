"""The member stack (SubnetIpMonitorMember): what a monitored account needs for the hub to watch it.

- A read-only role (monitor:readerRoleName) holding exactly the read actions the collectors use, trusted only by
  the hub's collector roles (by account and role name). IAM is global: the role is made by the stack in the
  first monitored region only (a CloudFormation condition), so one template serves every region of a StackSet.
- In every region it is deployed to, EventBridge rules forwarding the exhaustion-event patterns to the hub's
  event bus.
"""

from __future__ import annotations

import json
from typing import Any, cast

import aws_cdk as cdk
from aws_cdk import Acknowledgment, Aws, CfnCondition, CfnResource, Fn, Stack, Validations
from aws_cdk import aws_cloudformation as cloudformation
from aws_cdk import aws_events as events
from aws_cdk import aws_events_targets as targets
from aws_cdk import aws_iam as iam
from constructs import Construct

from infra.alerts import COMPOSER_TARGET_READS, FORECASTER_TARGET_READS
from infra.census import CENSUS_READ_ACTIONS, EKS_HEALTH_READ_ACTIONS
from infra.core.config import MonitorConfig
from infra.core.hub import member_bus_arn, reader_user_arns
from infra.ecs import ECS_READ_ACTIONS
from infra.events import EVENT_HANDLER_READS, aws_kinds, event_pattern
from infra.subnets import SUBNET_READS
from lambdas.alerts.settings import FORECASTER
from lambdas.census.settings import COLLECTOR as CENSUS
from lambdas.ecs.settings import COLLECTOR as ECS
from lambdas.subnets.settings import COLLECTOR as SUBNETS

# Every read the hub makes in a watched account (the collectors', and the alert composer's and the event
# handler's lookups for their emails), none of which supports resource-level permissions.
READ_ACTIONS = sorted(
    {
        *SUBNET_READS,
        *ECS_READ_ACTIONS,
        *CENSUS_READ_ACTIONS,
        *FORECASTER_TARGET_READS,
        *COMPOSER_TARGET_READS,
        *EVENT_HANDLER_READS,
    }
)
MEMBER_STACK_NAME = "SubnetIpMonitorMember"
# The collectors that assume the reader role (their role names are fixed in hub mode).
READING_COLLECTORS = [SUBNETS, ECS, CENSUS, FORECASTER]


class SubnetIpMonitorMemberStack(Stack):
    """The reader role and the event forwarding rules of one member account (and region)."""

    def __init__(self, scope: Construct, construct_id: str, *, config: MonitorConfig, **kwargs: Any) -> None:
        super().__init__(scope, construct_id, **kwargs)
        role_region = config.monitored_regions(config.hub_region)[0]
        in_role_region = CfnCondition(self, "InRoleRegion", expression=Fn.condition_equals(Aws.REGION, role_region))
        role = self._reader_role(config)
        cast(CfnResource, role.node.default_child).cfn_options.condition = in_role_region
        self._forwarding_rules(config)

    def _reader_role(self, config: MonitorConfig) -> iam.Role:
        hub_roles = reader_user_arns(self.partition, config.hub_account_id, READING_COLLECTORS)
        eks = f"arn:{self.partition}:eks:*:{self.account}"
        reads = iam.PolicyDocument(
            statements=[
                iam.PolicyStatement(actions=READ_ACTIONS, resources=["*"]),
                iam.PolicyStatement(
                    actions=EKS_HEALTH_READ_ACTIONS, resources=[f"{eks}:cluster/*", f"{eks}:nodegroup/*"]
                ),
            ]
        )
        role = iam.Role(
            self,
            "Reader",
            role_name=config.reader_role_name,
            description="Subnet IP Monitor: read-only access for the hub's collectors (see docs/organization.md)",
            # The hub account, and within it only the collectors' and the event handler's roles: an
            # administrator of the hub cannot assume this role from any other principal.
            assumed_by=iam.AccountPrincipal(config.hub_account_id).with_conditions(
                {"ArnEquals": {"aws:PrincipalArn": hub_roles}}
            ),
            # Inline, in the role's own resource, so the region condition covers the whole role.
            inline_policies={"Reads": reads},
        )
        Validations.of(role).acknowledge(
            Acknowledgment(
                id="AwsSolutions::AwsSolutions-IAM5[Resource::*]",
                reason=(
                    "Describe and List calls of EC2, ECS and EKS that support no resource-level permissions; "
                    "read-only, no write action on any service."
                ),
            ),
            *(
                Acknowledgment(
                    id=f"AwsSolutions::AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:eks:*:<AWS::AccountId>:{r}]",
                    reason="EKS node group health of this account's clusters, found at run time, in any region.",
                )
                for r in ("cluster/*", "nodegroup/*")
            ),
        )
        return role

    def _forwarding_rules(self, config: MonitorConfig) -> None:
        hub_bus = events.EventBus.from_event_bus_arn(
            self, "HubBus", member_bus_arn(self.partition, config.hub_region, config.hub_account_id)
        )
        # One role for every rule, allowed to put events on the hub's bus alone.
        forwarder = iam.Role(
            self,
            "Forwarder",
            assumed_by=iam.ServicePrincipal("events.amazonaws.com"),
            description="Subnet IP Monitor: forwards exhaustion events to the hub's event bus",
        )
        # AWS's own events only (aws.* sources no one else may put); the census's travel the hub's private bus.
        for kind in aws_kinds(config):
            events.Rule(
                self,
                f"Forward{kind.rule_id}",
                description=f"Subnet IP Monitor: {kind.rule_id} events to the hub's event bus",
                event_pattern=event_pattern(kind),
                targets=[targets.EventBus(hub_bus, role=forwarder)],
            )


def member_template(config: MonitorConfig) -> dict[str, Any]:
    """The member stack's template, synthesized apart (what a StackSet deploys)."""
    app = cdk.App()
    stack = SubnetIpMonitorMemberStack(
        app, MEMBER_STACK_NAME, config=config, synthesizer=cdk.BootstraplessSynthesizer()
    )
    template: dict[str, Any] = app.synth().get_stack_by_name(stack.stack_name).template
    return template


class MemberStackSet(Construct):
    """A service-managed StackSet of the member stack on monitor:organizationUnitIds in every monitored region;
    accounts that join those units get it too (automatic deployment), and lose it when they leave."""

    def __init__(self, scope: Construct, construct_id: str, *, config: MonitorConfig) -> None:
        super().__init__(scope, construct_id)
        cloudformation.CfnStackSet(
            self,
            "StackSet",
            stack_set_name=MEMBER_STACK_NAME,
            description="Subnet IP Monitor member: the hub's read-only role and exhaustion-event forwarding",
            permission_model="SERVICE_MANAGED",
            call_as=config.stack_set_call_as,
            auto_deployment=cloudformation.CfnStackSet.AutoDeploymentProperty(
                enabled=True, retain_stacks_on_account_removal=False
            ),
            capabilities=["CAPABILITY_NAMED_IAM"],
            managed_execution={"Active": True},
            operation_preferences=cloudformation.CfnStackSet.OperationPreferencesProperty(
                region_concurrency_type="PARALLEL", max_concurrent_percentage=100, failure_tolerance_percentage=100
            ),
            stack_instances_group=[
                cloudformation.CfnStackSet.StackInstancesProperty(
                    deployment_targets=cloudformation.CfnStackSet.DeploymentTargetsProperty(
                        organizational_unit_ids=list(config.organization_unit_ids)
                    ),
                    regions=list(config.monitored_regions(config.hub_region)),
                )
            ],
            template_body=json.dumps(member_template(config), separators=(",", ":")),
        )
