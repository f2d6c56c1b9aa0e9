"""Deploy-time configuration: `monitor:*` keys of the CDK context, validated before anything is synthesized."""

from __future__ import annotations

import difflib
import json
import re
from collections.abc import Mapping
from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, ValidationError, field_validator, model_validator

from lambdas.hub.dispatch.settings import AccountIds, OrganizationUnitIds, Regions, matching
from lambdas.platform import aws_limits
from lambdas.platform.contract import DEFAULT_NAMESPACE
from lambdas.platform.publish_policy import PublishMode
from lambdas.platform.regions import region_problem

# `cdk deploy -c monitor:alertEmails=a@x.org,b@y.org` arrives as one string, cdk.json gives a list: the
# Lambda settings parse their comma-separated variables the same way.
from lambdas.platform.settings import (
    ACCOUNT_ID_PATTERN,
    CLUSTER_NAME_PATTERN,
    MODE_ACCOUNT,
    MODE_HUB,
    NAMESPACE_RULE,
    VPC_ID_PATTERN,
    CommaSeparated,
    parse_tag_filter,
    valid_namespace,
)

CONTEXT_PREFIX = "monitor:"
EMAIL_PATTERN = re.compile(r"^[^@\s,]+@[^@\s,]+\.[^@\s,]+$")
DIGEST_OFF = "off"
# The census and the forecaster run every N minutes, and N is the period of their Metrics Insights alarms, which
# evaluate only the latest 3 hours (aws_limits.METRICS_INSIGHTS_ALARM_LOOKBACK_SECONDS).
ALARM_PERIOD_MINUTES_MAX = aws_limits.METRICS_INSIGHTS_ALARM_LOOKBACK_SECONDS.value // 60
# IAM role names: up to 64 of letters, digits and + = , . @ _ -.
ROLE_NAME_PATTERN = r"^[\w+=,.@-]{1,64}$"
# The retention periods CloudWatch Logs accepts.
LOG_RETENTION_DAYS = (
    1,
    3,
    5,
    7,
    14,
    30,
    60,
    90,
    120,
    150,
    180,
    365,
    400,
    545,
    731,
    1096,
    1827,
    2192,
    2557,
    2922,
    3288,
    3653,
)


KEYS_ARE_LISTED = "docs/configuration.md lists every key"
# Keys that mean something only in hub mode: given in account mode, they would silently do nothing.
HUB_ONLY_FIELDS = (
    "hub_account_id",
    "hub_region",
    "member_accounts",
    "organization_unit_ids",
    "organization_id",
    "regions",
    "reader_role_name",
    "worker_concurrency",
    "max_series_per_target",
    "deploy_members_with_stack_set",
    "stack_set_call_as",
    "alarm_per_account",
)


class ConfigError(ValueError):
    """A configuration value is wrong; the message names the key and what is allowed."""


def _known_regions(names: tuple[str, ...]) -> tuple[str, ...]:
    problems = [problem for problem in map(region_problem, names) if problem]
    if problems:
        raise ValueError("; ".join(problems))
    return names


def _all_match(values: tuple[str, ...], pattern: re.Pattern[str], what: str) -> tuple[str, ...]:
    bad = [v for v in values if not pattern.match(v)]
    if bad:
        raise ValueError(f"{what}: {', '.join(bad)}")
    return values


class PagingEndpoint(BaseModel):
    """One HTTPS endpoint of the paging topic (monitor:pagingEndpoints), and the severities it takes (all if none)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    url: str = Field(pattern=r"^https://[^\s/$.?#][^\s]*$", max_length=2048)
    severities: tuple[Literal["critical", "warning", "info"], ...] = ()


# Amazon Q Developer in chat applications' own patterns (API reference: SlackChannelConfiguration,
# TeamsChannelConfiguration; CloudFormation: ConfigurationName ^[A-Za-z0-9-_]+$, 1-128 characters).
SLACK_WORKSPACE_ID = r"^[0-9A-Z]{1,255}$"
SLACK_CHANNEL_ID = r"^[A-Za-z0-9]{1,255}$"
UUID = r"^[0-9A-Fa-f]{8}(-[0-9A-Fa-f]{4}){3}-[0-9A-Fa-f]{12}$"
TEAMS_CHANNEL_ID = r"^([a-zA-Z0-9-_=+/.,])*%3[aA]([a-zA-Z0-9-_=+/.,])*%40([a-zA-Z0-9-_=+/.,])*$"
CHANNEL_NAME = r"^[A-Za-z0-9-_]{1,40}$"
SNS_TOPIC_ARN = r"^arn:aws[a-z-]*:sns:[a-z0-9-]+:[0-9]{12}:[A-Za-z0-9_-]{1,256}$"


class SlackChannel(BaseModel):
    """One Slack channel of the chat topic (monitor:slackChannels): the workspace authorized in the Amazon Q
    Developer console, the channel's id, and a short name for its channel configuration."""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    workspace_id: str = Field(alias="workspaceId", pattern=SLACK_WORKSPACE_ID)
    channel_id: str = Field(alias="channelId", pattern=SLACK_CHANNEL_ID)
    name: str = Field(default="", pattern=rf"({CHANNEL_NAME})|^$")


class TeamsChannel(BaseModel):
    """One Microsoft Teams channel of the chat topic (monitor:teamsChannels): the team and tenant authorized in
    the Amazon Q Developer console, the channel's id (URL-encoded, as the console shows it), and a short name."""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    team_id: str = Field(alias="teamId", pattern=UUID)
    tenant_id: str = Field(alias="tenantId", pattern=UUID)
    channel_id: str = Field(alias="channelId", pattern=TEAMS_CHANNEL_ID, max_length=255)
    name: str = Field(default="", pattern=rf"({CHANNEL_NAME})|^$")


ACCOUNT_ID = r"^[0-9]{12}$"
MAX_ROUTES = 10  # each route's topics travel in the functions' environment (4 KB in all: infra/core/limits.py)


class RouteMatch(BaseModel):
    """What a route takes (monitor:routes): every criterion it names must hold, any of its values."""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    accounts: tuple[Annotated[str, Field(pattern=ACCOUNT_ID)], ...] = ()
    vpc_ids: tuple[Annotated[str, Field(pattern=r"^vpc-[0-9a-f]{8,17}$")], ...] = Field(default=(), alias="vpcIds")
    subnet_ids: tuple[Annotated[str, Field(pattern=r"^subnet-[0-9a-f]{8,17}$")], ...] = Field(
        default=(), alias="subnetIds"
    )
    tags: dict[Annotated[str, Field(min_length=1, max_length=128)], Annotated[str, Field(max_length=256)]] = {}
    ecs_clusters: tuple[Annotated[str, Field(pattern=r"^[A-Za-z0-9_-]{1,255}$")], ...] = Field(
        default=(), alias="ecsClusters"
    )
    eks_clusters: tuple[Annotated[str, Field(pattern=r"^[0-9A-Za-z][A-Za-z0-9_-]{0,99}$")], ...] = Field(
        default=(), alias="eksClusters"
    )

    @model_validator(mode="after")
    def _names_something(self) -> RouteMatch:
        if not any((self.accounts, self.vpc_ids, self.subnet_ids, self.tags, self.ecs_clusters, self.eks_clusters)):
            raise ValueError("a route's match names nothing (it would take every alert: that is the default route)")
        return self

    def document(self) -> dict[str, Any]:
        """The match as the functions read it (lambdas/domain/routing.py), empty criteria left out."""
        return {k: v for k, v in self.model_dump(by_alias=True, mode="json").items() if v}


class Route(BaseModel):
    """One route of monitor:routes: its name, its match, and where its alerts go instead of the default."""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    name: str = Field(pattern=r"^[A-Za-z0-9-]{1,32}$")
    match: RouteMatch
    emails: tuple[Annotated[str, Field(pattern=EMAIL_PATTERN.pattern)], ...] = ()
    slack_channels: tuple[SlackChannel, ...] = Field(default=(), alias="slackChannels")
    teams_channels: tuple[TeamsChannel, ...] = Field(default=(), alias="teamsChannels")
    paging_endpoints: tuple[PagingEndpoint, ...] = Field(default=(), alias="pagingEndpoints")
    chat_topic_arns: tuple[Annotated[str, Field(pattern=SNS_TOPIC_ARN)], ...] = Field(default=(), alias="chatTopicArns")

    @model_validator(mode="after")
    def _goes_somewhere(self) -> Route:
        if not any(
            (self.emails, self.slack_channels, self.teams_channels, self.paging_endpoints, self.chat_topic_arns)
        ):
            raise ValueError(f"route {self.name} sends nowhere: give it emails, channels, endpoints or chat topics")
        return self


def _json_list(value: object) -> object:
    # `-c monitor:pagingEndpoints='[{"url": ...}]'` arrives as text; cdk.json gives the list itself.
    if isinstance(value, str):
        try:
            return json.loads(value) if value.strip() else []
        except json.JSONDecodeError as err:
            raise ValueError(f"not a JSON list: {err.msg}") from err
    return value


class MonitorConfig(BaseModel):
    """Every knob a platform team can set; each field's alias is its context key without the prefix."""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    alert_emails: CommaSeparated = Field(
        default=(),
        alias="alertEmails",
        description="SNS email subscriptions (each must be confirmed)",
        json_schema_extra={"allowed": "email addresses"},
    )
    paging_endpoints: Annotated[tuple[PagingEndpoint, ...], BeforeValidator(_json_list)] = Field(
        default=(),
        alias="pagingEndpoints",
        description=(
            "HTTPS endpoints of a paging tool, each subscribed to the paging topic, which gets one JSON page per "
            "incident and per alarm contributor transition (see [Paging](paging.md)); none: no paging topic"
        ),
        json_schema_extra={"allowed": '`[{"url": "https://…", "severities": ["critical"]}]` (severities optional)'},
    )
    slack_channels: Annotated[tuple[SlackChannel, ...], BeforeValidator(_json_list)] = Field(
        default=(),
        alias="slackChannels",
        description=(
            "Slack channels that get every alert as a chat message (Amazon Q Developer in chat applications; "
            "see [Chat](chat.md)): one channel configuration each, notifications only, read-only guardrail"
        ),
        json_schema_extra={"allowed": '`[{"workspaceId": "T0…", "channelId": "C0…", "name": "platform-oncall"}]`'},
    )
    teams_channels: Annotated[tuple[TeamsChannel, ...], BeforeValidator(_json_list)] = Field(
        default=(),
        alias="teamsChannels",
        description="Microsoft Teams channels, as `slackChannels`",
        json_schema_extra={
            "allowed": '`[{"teamId": "<uuid>", "tenantId": "<uuid>", "channelId": "19%3a…%40thread.tacv2"}]`'
        },
    )
    chat_topic_arns: CommaSeparated = Field(
        default=(),
        alias="chatTopicArns",
        description=(
            "SNS topics a team's own chat channels already subscribe to: chat messages and health alarms are "
            "published there too (the topic's policy, and its key's, must let this stack publish)"
        ),
        json_schema_extra={"allowed": "SNS topic ARNs"},
    )
    routes: Annotated[tuple[Route, ...], BeforeValidator(_json_list)] = Field(
        default=(),
        alias="routes",
        description=(
            "rules sending an alert to a team's own emails, channels and paging endpoints by account, VPC, subnet, "
            "subnet or VPC tag, ECS or EKS cluster; the first that matches wins, the rest take the keys above "
            "(see [Routing](routing.md))"
        ),
        json_schema_extra={
            "allowed": (
                f'at most {MAX_ROUTES}: `[{{"name": "payments", "match": {{"tags": {{"team": "payments"}}}}, '
                '"emails": ["payments-oncall@example.com"]}]`'
            )
        },
        max_length=MAX_ROUTES,
    )
    docs_url: str = Field(
        default="",
        alias="docsUrl",
        description=(
            "where your team publishes this site (`make docs`): each alert then links its section of "
            "[Runbooks](runbooks.md) there; empty: alerts name the section"
        ),
        json_schema_extra={"allowed": "an `https://` URL"},
        pattern=r"^(https://\S+)?$",
        max_length=1024,
    )
    runbook_url: str = Field(
        default="",
        alias="runbookUrl",
        description=(
            "one runbook every alert, page and chat message links to instead of its [Runbooks](runbooks.md) section"
        ),
        json_schema_extra={"allowed": "an `https://` URL"},
        pattern=r"^(https://\S+)?$",
        max_length=2048,
    )
    group_above: int = Field(
        default=5,
        alias="groupAbove",
        description=(
            "more contributors of one alarm in ALARM at once than this make one grouped email, page and chat "
            "message (worst first) instead of one each, and one grouped recovery; 0: never group"
        ),
        json_schema_extra={"allowed": "0 to 100 (CloudWatch keeps at most 100 contributors in ALARM)"},
        ge=0,
        le=aws_limits.CONTRIBUTORS_IN_ALARM.value,
    )
    namespace: str = Field(
        default=DEFAULT_NAMESPACE,
        alias="namespace",
        description="where metrics go; IAM limits publishing to it",
        json_schema_extra={"allowed": "CloudWatch namespace, not `AWS/…`"},
    )
    schedule_minutes: int = Field(
        default=5,
        alias="scheduleMinutes",
        description="collector schedule and alarm period",
        json_schema_extra={"allowed": "1-60"},
        ge=1,
        le=60,
    )
    utilization_threshold_percent: float = Field(
        default=80.0,
        alias="utilizationThresholdPercent",
        description="utilization alarm threshold",
        json_schema_extra={"allowed": "> 0, <= 100"},
        gt=0,
        le=100,
    )
    free_address_floor: int = Field(
        default=8,
        alias="freeAddressFloor",
        description=(
            "free-address alarm threshold; the forecast's floor; at or below it an ambiguous EC2 error "
            "code of a task counts as exhaustion"
        ),
        json_schema_extra={"allowed": ">= 0"},
        ge=0,
        le=65531,
    )
    vpc_ids: CommaSeparated = Field(
        default=(),
        alias="vpcIds",
        description="limit collection to these VPCs",
        json_schema_extra={"allowed": "`vpc-` ids"},
    )
    subnet_tag_filter: str = Field(
        default="",
        alias="subnetTagFilter",
        description="limit collection to subnets with this tag",
        json_schema_extra={"allowed": "`Key=Value`"},
    )
    alarm_per_vpc: bool = Field(
        default=False,
        alias="alarmPerVpc",
        description="one alarm pair per VPC instead of one for all",
        json_schema_extra={"allowed": "boolean; needs `vpcIds`"},
    )
    log_retention_days: int = Field(
        default=30,
        alias="logRetentionDays",
        description="log retention of the functions",
        json_schema_extra={"allowed": "a CloudWatch Logs retention value"},
    )
    cluster_names: CommaSeparated = Field(
        default=(),
        alias="clusterNames",
        description="limit the ECS collector to these clusters",
        json_schema_extra={"allowed": "ECS cluster names"},
    )
    eni_utilization_threshold_percent: float = Field(
        default=80.0,
        alias="eniUtilizationThresholdPercent",
        description="per-cluster ENI utilization alarm threshold",
        json_schema_extra={"allowed": "> 0, <= 100"},
        gt=0,
        le=100,
    )
    untrunked_instances_alarm: bool = Field(
        default=True,
        alias="untrunkedInstancesAlarm",
        description="alarm when a cluster has an untrunked trunk-capable instance",
        json_schema_extra={"allowed": "boolean"},
    )
    dedupe_window_minutes: int = Field(
        default=30,
        alias="dedupeWindowMinutes",
        description="at most one email per incident per this many minutes (every event is still counted)",
        json_schema_extra={"allowed": "1-1440"},
        ge=1,
        le=1440,
    )
    census_minutes: int = Field(
        default=15,
        alias="censusMinutes",
        description=(
            "census schedule, and the period of its alarms (Metrics Insights alarms evaluate only the latest 3 hours)"
        ),
        json_schema_extra={"allowed": "5-180"},
        ge=5,
    )
    free_prefix_block_floor: int = Field(
        default=2,
        alias="freePrefixBlockFloor",
        description="alarm when a subnet with prefixes or EKS nodes has this many free /28 blocks or fewer",
        json_schema_extra={"allowed": "0-4096"},
        ge=0,
        le=4096,
    )
    # The forecaster: how often, which subnets (watch level, cap), how far ahead it publishes, when it alarms.
    forecast_minutes: int = Field(
        default=60,
        alias="forecastMinutes",
        description="forecaster schedule, and the period of the forecast alarm (as above)",
        json_schema_extra={"allowed": "15-180"},
        ge=15,
    )
    forecast_watch_percent: float = Field(
        default=50.0,
        alias="forecastWatchPercent",
        description="forecast subnets at or above this utilization (and those forecast last time)",
        json_schema_extra={"allowed": "0-100"},
        ge=0,
        le=100,
    )
    forecast_max_subnets: int = Field(
        default=500,
        alias="forecastMaxSubnets",
        description=(
            "at most this many subnets' history read per forecaster run (the fullest first): the cap on its cost"
        ),
        json_schema_extra={"allowed": "1-5000"},
        ge=1,
        le=5000,
    )
    forecast_horizon_days: int = Field(
        default=30,
        alias="forecastHorizonDays",
        description="publish `DaysToExhaustion` only for subnets forecast to reach the floor within this many days",
        json_schema_extra={"allowed": "1-365"},
        ge=1,
        le=365,
    )
    forecast_alarm_days: int = Field(
        default=7,
        alias="forecastAlarmDays",
        description="alarm when a subnet is forecast to reach the floor within this many days",
        json_schema_extra={"allowed": "1-365, <= horizon"},
        ge=1,
        le=365,
    )
    # A rule for failed EC2 calls recorded by CloudTrail (needs a trail in the account); off by default.
    cloud_trail_signals: bool = Field(
        default=False,
        alias="cloudTrailSignals",
        description="a rule for failed EC2 calls that take addresses, from CloudTrail (needs a trail in the account)",
        json_schema_extra={"allowed": "boolean"},
    )
    # An EventBridge schedule expression in UTC, or "off".
    digest_schedule: str = Field(
        default="cron(0 8 ? * MON *)",
        alias="digestSchedule",
        description="when the weekly capacity digest is sent",
        json_schema_extra={
            "allowed": (
                "an EventBridge `cron(…)` (six fields, exactly one of day-of-month and day-of-week `?`) or "
                "`rate(…)` (`rate(1 day)`, `rate(2 days)`) in UTC, or `off`"
            )
        },
    )
    # 0: no alarm (the default); N: alarm when a VPC's unattached interfaces hold N or more addresses.
    unattached_eni_alarm_threshold: int = Field(
        default=0,
        alias="unattachedEniAlarmThreshold",
        description="alarm when unattached interfaces in a VPC hold this many addresses or more",
        json_schema_extra={"allowed": "0-65531"},
        ge=0,
        le=65531,
    )
    # Per-series publishing (docs/metrics.md, "Publish modes"): every run, or the series at risk every run and the
    # quiet ones at least once every quietPublishHours.
    publish_mode: PublishMode = Field(
        default=PublishMode.AT_RISK,
        alias="publishMode",
        description=(
            "publish each subnet, cluster and FreePrefixBlocks series only when at risk, recently at "
            "risk, changed or due in the rotation (`at-risk`), or every run (see "
            "[Publish modes](metrics.md#publish-modes-pay-for-the-subnets-at-risk-monitorpublishmode))"
        ),
        json_schema_extra={"allowed": "`at-risk`, `every-run`"},
    )
    watch_utilization_percent: float = Field(
        default=50.0,
        alias="watchUtilizationPercent",
        description="at or above it a subnet or cluster is at risk: published every run",
        json_schema_extra={"allowed": "0-100, <= both utilization alarm thresholds"},
        ge=0,
        le=100,
    )
    watch_change_addresses: int = Field(
        default=10,
        alias="watchChangeAddresses",
        description=(
            "a quiet series whose free addresses (task slots; blocks x 16) moved by more than this since "
            "last published is published"
        ),
        json_schema_extra={"allowed": "1-65531"},
        ge=1,
        le=65531,
    )
    quiet_publish_hours: int = Field(
        default=24,
        alias="quietPublishHours",
        description="every quiet series is published once per this many hours",
        json_schema_extra={"allowed": "1-168"},
        ge=1,
        le=168,
    )
    # Hub mode: the most custom series a collector publishes for one member in one run (a member's junk clusters
    # cannot grow the hub's bill without bound); what is left out is counted (SeriesLeftOut) and in the digest.
    max_series_per_target: int = Field(
        default=2000,
        alias="maxSeriesPerTarget",
        description=(
            "hub mode: the most custom series a collector run publishes for one member account and region"
            " (the per-VPC and per-cluster summaries first); the rest are counted in `SeriesLeftOut` and "
            "named in the digest. An account's own runs are not capped"
        ),
        json_schema_extra={"allowed": "10-100000"},
        ge=10,
        le=100_000,
    )
    # Organization scale (docs/organization.md): this account alone, or a hub reading members.
    mode: Literal["account", "hub"] = Field(
        default=MODE_ACCOUNT,
        alias="mode",
        description=(
            "read this account only, or member accounts through their reader roles "
            "(see [Organization](organization.md))"
        ),
        json_schema_extra={"allowed": "`account`, `hub`"},
    )
    hub_account_id: str = Field(
        default="",
        alias="hubAccountId",
        description="the hub's account: the member role trusts its collectors, members forward events to its bus",
        json_schema_extra={"allowed": "12 digits; required in hub mode"},
    )
    hub_region: str = Field(
        default="",
        alias="hubRegion",
        description="where the hub is deployed (its metrics, its event bus)",
        json_schema_extra={"allowed": "a region; required in hub mode"},
    )
    member_accounts: AccountIds = Field(
        default=(),
        alias="memberAccounts",
        description="accounts to read",
        json_schema_extra={"allowed": "account ids; hub mode"},
    )
    organization_unit_ids: OrganizationUnitIds = Field(
        default=(),
        alias="organizationUnitIds",
        description="also read every active account under these units (listed each run)",
        json_schema_extra={"allowed": "`ou-…` or `r-…` ids; hub mode"},
    )
    organization_id: str = Field(
        default="",
        alias="organizationId",
        description=(
            "the hub's event bus accepts the members' events from this organization, and with units the "
            "hub assumes reader roles only inside it (`aws:ResourceOrgID`)"
        ),
        json_schema_extra={"allowed": "`o-…`; required with `organizationUnitIds`"},
    )
    regions: Regions = Field(
        default=(),
        alias="regions",
        description="regions read in each member; the reader role is made in the first",
        json_schema_extra={"allowed": "region names"},
    )
    reader_role_name: str = Field(
        default="SubnetIpMonitorReader",
        alias="readerRoleName",
        description="the members' read-only role",
        json_schema_extra={"allowed": "an IAM role name"},
        pattern=ROLE_NAME_PATTERN,
    )
    # SQS event sources take a maximum concurrency of 2 to 1,000.
    worker_concurrency: int = Field(
        default=5,
        alias="workerConcurrency",
        description=(
            "at most this many targets read at once per collector (SQS event source maximum concurrency, "
            "and each collector's reserved concurrency in hub mode)"
        ),
        json_schema_extra={"allowed": "2-1000"},
        ge=2,
        le=1000,
    )
    # The event handler's reserved concurrency: a storm is absorbed by EventBridge's retries and the events
    # dead-letter queue, not by the account's other functions (docs/security.md, "Concurrency").
    event_handler_concurrency: int = Field(
        default=10,
        alias="eventHandlerConcurrency",
        description="the event handler's reserved concurrency (see [Concurrency](security.md#concurrency))",
        json_schema_extra={"allowed": "1-1000"},
        ge=1,
        le=1000,
    )
    # New incidents emailed per account and reason per dedupe window; beyond it one summary email, then counts.
    max_incidents_per_window: int = Field(
        default=20,
        alias="maxIncidentsPerWindow",
        description=(
            "new incidents emailed per account and `Reason` per dedupe window; the next one sends one "
            'summary email ("More than 20 ECS incidents (…) since 14:00 UTC"), the rest of the window\'s '
            "are counted, not emailed"
        ),
        json_schema_extra={"allowed": "1-1000"},
        ge=1,
        le=1000,
    )
    deploy_members_with_stack_set: bool = Field(
        default=False,
        alias="deployMembersWithStackSet",
        description="a service-managed StackSet of the member stack in the hub stack",
        json_schema_extra={"allowed": "boolean; needs `organizationUnitIds`"},
    )
    # SELF when the hub is the organization's management account, DELEGATED_ADMIN for a delegated administrator.
    stack_set_call_as: Literal["SELF", "DELEGATED_ADMIN"] = Field(
        default="SELF",
        alias="stackSetCallAs",
        description="`SELF` from the management account, `DELEGATED_ADMIN` from a delegated StackSets administrator",
        json_schema_extra={"allowed": "`SELF`, `DELEGATED_ADMIN`"},
    )
    account_names: dict[str, str] = Field(
        default_factory=dict,
        alias="accountNames",
        description=(
            "names shown in email subjects and bodies, the digest, the census table and the dashboard's "
            "account selector (which also offers these accounts)"
        ),
        json_schema_extra={"allowed": "account id → name"},
    )
    alarm_per_account: bool = Field(
        default=False,
        alias="alarmPerAccount",
        description="one subnet alarm pair per member account",
        json_schema_extra={"allowed": "boolean; hub mode, needs `memberAccounts`; not with `alarmPerVpc`"},
    )
    # CloudWatch's default quota of Metrics Insights alarms per account and region; raise it if yours is higher.
    metrics_insights_alarm_quota: int = Field(
        default=aws_limits.METRICS_INSIGHTS_ALARMS_PER_REGION.value,
        alias="metricsInsightsAlarmQuota",
        description="synth fails when the configuration makes more Metrics Insights alarms than this",
        json_schema_extra={"allowed": "1-10000"},
        ge=1,
        le=10000,
    )
    # The account's Lambda concurrency quota in this region (1,000 by default): the functions' reserved
    # concurrency must leave Lambda's 100 unreserved (checked at synth, infra/core/limits.py).
    account_concurrency_limit: int = Field(
        default=aws_limits.DEFAULT_ACCOUNT_CONCURRENCY.value,
        alias="accountConcurrencyLimit",
        description=(
            "the account's Lambda concurrency quota in the region: synth fails when the functions' "
            "reserved concurrency leaves fewer than Lambda's 100 unreserved"
        ),
        json_schema_extra={"allowed": "> 100"},
        gt=aws_limits.UNRESERVED_CONCURRENCY_FLOOR.value,
    )

    @field_validator("alert_emails")
    @classmethod
    def _emails(cls, emails: tuple[str, ...]) -> tuple[str, ...]:
        return _all_match(emails, EMAIL_PATTERN, "not an email address")

    @field_validator("chat_topic_arns")
    @classmethod
    def _topic_arns(cls, arns: tuple[str, ...]) -> tuple[str, ...]:
        return _all_match(arns, re.compile(SNS_TOPIC_ARN), "not an SNS topic ARN")

    @field_validator("cluster_names")
    @classmethod
    def _cluster_names(cls, names: tuple[str, ...]) -> tuple[str, ...]:
        return _all_match(names, CLUSTER_NAME_PATTERN, "not an ECS cluster name (1-255 of A-Z a-z 0-9 - _)")

    @field_validator("namespace")
    @classmethod
    def _namespace(cls, namespace: str) -> str:
        if not valid_namespace(namespace):
            raise ValueError(NAMESPACE_RULE)
        return namespace

    @field_validator("vpc_ids")
    @classmethod
    def _vpc_ids(cls, vpc_ids: tuple[str, ...]) -> tuple[str, ...]:
        return _all_match(vpc_ids, VPC_ID_PATTERN, "not a VPC id (vpc- and 8 or 17 hex digits)")

    @field_validator("log_retention_days")
    @classmethod
    def _retention(cls, days: int) -> int:
        if days not in LOG_RETENTION_DAYS:
            raise ValueError(f"must be one of {', '.join(map(str, LOG_RETENTION_DAYS))}")
        return days

    @field_validator("subnet_tag_filter")
    @classmethod
    def _tag_filter(cls, text: str) -> str:
        parse_tag_filter(text)
        return text

    @field_validator("digest_schedule")
    @classmethod
    def _digest_schedule(cls, text: str) -> str:
        why = None if text == DIGEST_OFF else aws_limits.schedule_expression_problem(text)
        if why:
            raise ValueError(
                f"{why}; give '{DIGEST_OFF}', cron(minutes hours day-of-month month day-of-week year) or "
                f"rate(n units), in UTC ({aws_limits.EVENTBRIDGE_SCHEDULES})"
            )
        return text

    @field_validator("census_minutes", "forecast_minutes")
    @classmethod
    def _alarm_period(cls, minutes: int) -> int:
        if minutes > ALARM_PERIOD_MINUTES_MAX:
            lookback = aws_limits.METRICS_INSIGHTS_ALARM_LOOKBACK_SECONDS
            raise ValueError(
                f"at most {ALARM_PERIOD_MINUTES_MAX}: it is the period of this collector's Metrics Insights alarms, "
                f"and {lookback.what} ({lookback.source})"
            )
        return minutes

    @field_validator("hub_region")
    @classmethod
    def _hub_region(cls, value: str) -> str:
        return _known_regions((value,))[0] if value else value

    @field_validator("regions")
    @classmethod
    def _regions(cls, names: tuple[str, ...]) -> tuple[str, ...]:
        return _known_regions(names)

    @field_validator("hub_account_id")
    @classmethod
    def _hub_account(cls, value: str) -> str:
        return matching((value,), ACCOUNT_ID_PATTERN, "an account id (12 digits)")[0] if value else value

    @field_validator("organization_id")
    @classmethod
    def _organization(cls, value: str) -> str:
        return matching((value,), r"^o-[a-z0-9]{10,32}$", "an organization id (o-…)")[0] if value else value

    @field_validator("account_names")
    @classmethod
    def _account_names(cls, names: dict[str, str]) -> dict[str, str]:
        matching(tuple(names), ACCOUNT_ID_PATTERN, "an account id (12 digits)")
        return names

    @model_validator(mode="after")
    def _consistent(self) -> MonitorConfig:
        # Every problem between keys at once, one line each, so a bad cdk.json is fixed in one pass.
        problems = self._threshold_problems() + self._scope_problems() + self._chat_problems()
        problems += self._hub_problems() if self.is_hub else self._hub_only_problems()
        if problems:
            raise ValueError("\n".join(problems))
        return self

    def _threshold_problems(self) -> list[str]:
        problems = []
        if self.forecast_alarm_days > self.forecast_horizon_days:
            problems.append(
                "monitor:forecastAlarmDays must not exceed monitor:forecastHorizonDays (no forecast beyond the "
                "horizon is published, so the alarm could never see it)"
            )
        # A series above its alarm threshold but below the watch level would be published rarely: its alarm
        # would see missing data (not breaching) between points and flap.
        for alarm_key, threshold in (
            ("utilizationThresholdPercent", self.utilization_threshold_percent),
            ("eniUtilizationThresholdPercent", self.eni_utilization_threshold_percent),
        ):
            if self.watch_utilization_percent > threshold:
                problems.append(
                    f"monitor:watchUtilizationPercent ({self.watch_utilization_percent:g}) must not exceed "
                    f"monitor:{alarm_key} ({threshold:g}): a subnet or cluster in alarm must be published every run"
                )
        return problems

    def _chat_problems(self) -> list[str]:
        problems = []
        owners = [("monitor:slackChannels / monitor:teamsChannels", self.slack_channels, self.teams_channels)]
        owners += [(f"monitor:routes ({r.name})", r.slack_channels, r.teams_channels) for r in self.routes]
        for where, slack, teams in owners:
            names = [c.name for c in slack if c.name] + [c.name for c in teams if c.name]
            repeated = sorted({n for n in names if names.count(n) > 1})
            if repeated:
                problems.append(f"{where}: names used twice: {', '.join(repeated)}")
        routes = [r.name for r in self.routes]
        if len(set(routes)) < len(routes):
            problems.append("monitor:routes: two routes share a name")
        return problems

    def _scope_problems(self) -> list[str]:
        problems = []
        if self.alarm_per_vpc and not self.vpc_ids:
            problems.append("monitor:alarmPerVpc needs monitor:vpcIds (the VPCs to give alarms of their own)")
        if self.alarm_per_account and self.alarm_per_vpc:
            problems.append("monitor:alarmPerAccount and monitor:alarmPerVpc cannot both be on: choose one partition")
        return problems

    def _hub_only_problems(self) -> list[str]:
        defaults = MonitorConfig.model_fields
        return [
            f"{CONTEXT_PREFIX}{defaults[name].alias}: applies only with monitor:mode=hub (this is monitor:mode="
            f"{self.mode}): remove it, or set monitor:mode=hub"
            for name in HUB_ONLY_FIELDS
            if getattr(self, name) != defaults[name].get_default(call_default_factory=True)
        ]

    def _hub_problems(self) -> list[str]:
        problems = []
        if not self.member_accounts and not self.organization_unit_ids:
            problems.append("monitor:mode=hub needs monitor:memberAccounts or monitor:organizationUnitIds (or both)")
        problems += [
            f"monitor:mode=hub needs monitor:{key} (where the hub is deployed: the member stack trusts its "
            "collectors and forwards events to its bus)"
            for key, value in (("hubAccountId", self.hub_account_id), ("hubRegion", self.hub_region))
            if not value
        ]
        if self.organization_unit_ids and not self.organization_id:
            problems.append(
                "monitor:organizationUnitIds needs monitor:organizationId: the accounts under the units are found at "
                "run time, so the hub assumes reader roles only inside the organization (aws:ResourceOrgID) and its "
                "event bus accepts the members' events from it (aws:PrincipalOrgID)"
            )
        if self.deploy_members_with_stack_set and not self.organization_unit_ids:
            problems.append("monitor:deployMembersWithStackSet needs monitor:organizationUnitIds (where to deploy)")
        if self.alarm_per_account and not self.member_accounts:
            problems.append(
                "monitor:alarmPerAccount needs monitor:memberAccounts (alarms are made at synth, per listed account)"
            )
        return problems

    @property
    def has_chat_channels(self) -> bool:
        """Any Slack or Teams channel configured: the stack makes the chat topic and their configurations."""
        return bool(self.slack_channels or self.teams_channels)

    @property
    def is_hub(self) -> bool:
        """monitor:mode hub: the collectors read member accounts through their reader roles."""
        return self.mode == MODE_HUB

    def dashboard_accounts(self) -> dict[str, str | None]:
        """The accounts the dashboard's selector offers: those listed and those named, with their names."""
        accounts: dict[str, str | None] = dict.fromkeys(self.member_accounts)
        return {**accounts, **self.account_names}

    def monitored_regions(self, hub_region: str) -> tuple[str, ...]:
        """monitor:regions, or the hub's own region when none is set."""
        return self.regions or (hub_region,)

    @property
    def schedule_seconds(self) -> int:
        """Collector period, also the alarms' evaluation period."""
        return self.schedule_minutes * 60


def config_from_context(context: Mapping[str, Any]) -> MonitorConfig:
    """Validate the `monitor:*` context keys; raise ConfigError with every problem, one line each."""
    values = {
        key.removeprefix(CONTEXT_PREFIX): value for key, value in context.items() if key.startswith(CONTEXT_PREFIX)
    }
    try:
        return MonitorConfig.model_validate(values)
    except ValidationError as err:
        problems = [line for error in err.errors() for line in _describe(error).splitlines()]
        bad_keys = {str(error["loc"][0]) for error in err.errors() if error["loc"]}
    # The checks between keys run only once every key is valid: run them again without the bad keys, so one
    # synth names every problem.
    if bad_keys:
        problems += _problems_between_good_keys(values, bad_keys)
    raise ConfigError("\n".join(problems))


def _problems_between_good_keys(values: Mapping[str, Any], bad_keys: set[str]) -> list[str]:
    """The checks between keys over the keys that are valid alone; a problem naming a bad key is left out (it
    would follow from the first)."""
    try:
        MonitorConfig.model_validate({key: value for key, value in values.items() if key not in bad_keys})
    except ValidationError as err:
        return [
            line
            for error in err.errors()
            if not error["loc"]
            for line in _describe(error).splitlines()
            if not any(f"{CONTEXT_PREFIX}{key}" in line for key in bad_keys)
        ]
    return []


def _describe(error: Any) -> str:
    loc = [str(part) for part in error["loc"] if not isinstance(part, int)]
    key = f"{CONTEXT_PREFIX}{loc[0]}" if loc else "configuration"
    if error["type"] == "extra_forbidden":
        known = [f.alias for f in MonitorConfig.model_fields.values() if f.alias]
        nearest = difflib.get_close_matches(loc[0], known, n=1, cutoff=0.6)
        hint = f"did you mean {CONTEXT_PREFIX}{nearest[0]}?" if nearest else KEYS_ARE_LISTED
        return f"{key}: unknown configuration key ({hint})"
    message = str(error["msg"]).removeprefix("Value error, ")
    if not loc:
        return message
    got = repr(error.get("input"))
    return f"{key}: {message}" if got in message else f"{key}: {message} (got {got})"
