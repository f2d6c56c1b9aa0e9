"""Settings base: one validated model per function, read once from the environment the stack sets.

Each environment variable's name is a constant next to the model that reads it; the CDK constructs set
the variables through the same constants, and tests/infra checks every function's synthesized
environment against its model.
"""

from __future__ import annotations

import functools
import os
import re
from collections.abc import Mapping
from typing import Annotated, Any, Final, Literal, TypeVar, cast

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    Json,
    ValidationError,
    field_validator,
    model_validator,
)

from .errors import SettingsError
from .publish_policy import PublishMode
from .runbooks import Runbook, runbook_for

METRIC_NAMESPACE: Final = "METRIC_NAMESPACE"
VPC_IDS: Final = "VPC_IDS"
SUBNET_TAG_FILTER: Final = "SUBNET_TAG_FILTER"
# The bucket of the census snapshot (census/latest.json), for the census and every function that reads it.
SNAPSHOT_BUCKET: Final = "SNAPSHOT_BUCKET"
# monitor:utilizationThresholdPercent, for functions that mark or explain the utilization alarm.
UTILIZATION_THRESHOLD_PERCENT: Final = "UTILIZATION_THRESHOLD_PERCENT"
# monitor:freeAddressFloor, for functions that judge whether a subnet is full.
FREE_ADDRESS_FLOOR: Final = "FREE_ADDRESS_FLOOR"


def _comma_separated(value: object) -> object:
    if isinstance(value, str):
        return tuple(item.strip() for item in value.split(",") if item.strip())
    return value


# "a,b" (environment, `cdk deploy -c key=a,b`) or a list (cdk.json): the same tuple either way.
CommaSeparated = Annotated[tuple[str, ...], BeforeValidator(_comma_separated)]


def parse_tag_filter(text: str) -> tuple[str, str] | None:
    """Parse 'Key=Value' (empty means no tag filter); raise ValueError on anything else."""
    if not text:
        return None
    key, sep, value = text.partition("=")
    if not sep or not key.strip() or not value.strip():
        raise ValueError(f"expected 'Key=Value', got {text!r}")
    return key.strip(), value.strip()


class MonitorSettings(BaseModel):
    """What every function reads: the metric namespace. Every key is set by the stack; none has a default."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    metric_namespace: str = Field(alias=METRIC_NAMESPACE, min_length=1, max_length=255)


class SubnetScopeSettings(MonitorSettings):
    """The subnets in scope, for every collector that reads subnets (monitor:vpcIds, monitor:subnetTagFilter)."""

    vpc_ids: CommaSeparated = Field(alias=VPC_IDS)  # empty string: every VPC
    subnet_tag_filter: tuple[str, str] | None = Field(alias=SUBNET_TAG_FILTER)  # empty string: no filter

    @field_validator("subnet_tag_filter", mode="before")
    @classmethod
    def _parse_tag_filter(cls, value: object) -> object:
        return parse_tag_filter(value) if isinstance(value, str) else value


# monitor:publishMode and its keys (docs/metrics.md, "Publish modes"), for every collector that publishes per series.
PUBLISH_MODE: Final = "PUBLISH_MODE"
PUBLISH_STATE_BUCKET: Final = "PUBLISH_STATE_BUCKET"
WATCH_UTILIZATION_PERCENT: Final = "WATCH_UTILIZATION_PERCENT"
WATCH_CHANGE_ADDRESSES: Final = "WATCH_CHANGE_ADDRESSES"
QUIET_PUBLISH_HOURS: Final = "QUIET_PUBLISH_HOURS"
MAX_SERIES_PER_TARGET: Final = "MAX_SERIES_PER_TARGET"


class PublishSettings(MonitorSettings):
    """How a collector publishes its per-series metrics: every run, or only what is at risk (and the rest rarely)."""

    publish_mode: PublishMode = Field(alias=PUBLISH_MODE)
    publish_state_bucket: str = Field(alias=PUBLISH_STATE_BUCKET)  # empty string in every-run
    watch_utilization_percent: float = Field(alias=WATCH_UTILIZATION_PERCENT, ge=0, le=100)
    watch_change_addresses: int = Field(alias=WATCH_CHANGE_ADDRESSES, ge=1, le=65531)
    quiet_publish_hours: int = Field(alias=QUIET_PUBLISH_HOURS, ge=1, le=168)
    # The most custom series one run publishes for one target (a member cannot grow the hub's bill without bound).
    max_series_per_target: int = Field(alias=MAX_SERIES_PER_TARGET, ge=1, le=100_000)

    @model_validator(mode="after")
    def _at_risk_keeps_state(self) -> PublishSettings:
        if self.publish_mode is PublishMode.AT_RISK and not self.publish_state_bucket:
            raise ValueError(f"{PUBLISH_MODE}=at-risk needs {PUBLISH_STATE_BUCKET}")
        return self


# The names the configuration and the CLI check before anything reads AWS.
VPC_ID_PATTERN: Final = re.compile(r"^vpc-[0-9a-f]{8}([0-9a-f]{9})?$")
CLUSTER_NAME_PATTERN: Final = re.compile(r"^[A-Za-z0-9_-]{1,255}$")
# CloudWatch namespaces: letters, digits and . - _ / # : (and "AWS/" is reserved for AWS).
NAMESPACE_PATTERN: Final = re.compile(r"^[A-Za-z0-9.\-_/#:]{1,255}$")
NAMESPACE_RULE: Final = "1-255 of A-Z a-z 0-9 . - _ / # : and not starting with 'AWS/'"


def valid_namespace(namespace: str) -> bool:
    """Whether CloudWatch takes namespace for custom metrics."""
    return bool(NAMESPACE_PATTERN.match(namespace)) and not namespace.startswith("AWS/")


# An AWS account id and a region name, as hub mode's settings and work messages take them.
ACCOUNT_ID_PATTERN: Final = r"^\d{12}$"
REGION_PATTERN: Final = r"^[a-z]{2}(-[a-z]+)+-\d$"

# monitor:mode and the reader role of the member accounts (docs/organization.md).
MONITOR_MODE: Final = "MONITOR_MODE"
READER_ROLE_NAME: Final = "READER_ROLE_NAME"
MODE_ACCOUNT: Final = "account"
MODE_HUB: Final = "hub"
# Hub mode: the table of the targets' failure streaks (lambdas/hub/streaks.py); "" in account mode. The
# collectors write it, the digest reads it.
FAILURE_STREAK_TABLE: Final = "FAILURE_STREAK_TABLE"


class ModeSettings(MonitorSettings):
    """Every function whose reads depend on the mode: its own account, or member accounts through their roles."""

    mode: Literal["account", "hub"] = Field(alias=MONITOR_MODE)
    reader_role_name: str = Field(alias=READER_ROLE_NAME, pattern=r"^[\w+=,.@-]{1,64}$")

    @property
    def is_hub(self) -> bool:
        """monitor:mode hub: the targets are member accounts, read through their reader roles."""
        return self.mode == MODE_HUB

    def subnet_owner(self, account_id: str) -> str | None:
        """Hub mode: read only the subnets account_id owns (a shared subnet once, from its owner); else all."""
        return account_id if self.is_hub else None


TOPIC_ARN: Final = "TOPIC_ARN"
# monitor:pagingEndpoints: the paging topic ("" when no endpoint is configured), and monitor:runbookUrl.
PAGING_TOPIC_ARN: Final = "PAGING_TOPIC_ARN"
RUNBOOK_URL: Final = "RUNBOOK_URL"
# monitor:docsUrl (where the team publishes the docs: each alert links its runbook section there).
DOCS_URL: Final = "DOCS_URL"
# The chat topics (monitor:slackChannels / teamsChannels make one; monitor:chatTopicArns adds a team's own).
CHAT_TOPIC_ARNS: Final = "CHAT_TOPIC_ARNS"
# monitor:routes: each route's match and its own topics, as a JSON list ("[]" or unset when there are none).
ROUTES: Final = "ROUTES"
INCIDENT_TABLE_NAME: Final = "INCIDENT_TABLE_NAME"
DEDUPE_WINDOW_MINUTES: Final = "DEDUPE_WINDOW_MINUTES"
DEAD_LETTER_QUEUE_URL: Final = "DEAD_LETTER_QUEUE_URL"
# monitor:accountNames as a JSON object ({"111122223333": "payments-prod"}); "{}" when none are named.
ACCOUNT_NAMES: Final = "ACCOUNT_NAMES"


class HubSettings(ModeSettings):
    """Every scheduled collector: whether it reads its own account on its schedule, or the targets it is sent,
    and (hub mode) where it keeps the targets' failure streaks."""

    failure_streak_table: str = Field(alias=FAILURE_STREAK_TABLE, max_length=255)


class OrganizationViewSettings(ModeSettings):
    """Every function that shows or emails about more than one account: how it names them."""

    account_names: Json[dict[str, str]] = Field(alias=ACCOUNT_NAMES)

    def account_label(self, account_id: str) -> str | None:
        """How an email's subject names the account: '111122223333 (payments-prod)' when monitor:accountNames
        names it, the id in hub mode (many accounts), else None (one account: nothing to add)."""
        name = self.account_names.get(account_id)
        if name:
            return f"{account_id} ({name})"
        return account_id if self.is_hub else None


class RouteSetting(BaseModel):
    """One route of monitor:routes as the stack hands it over: its name, its match (monitor:routes' keys) and its
    own topics (lambdas/domain/routing.py decides which route an alert takes)."""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    name: str = Field(pattern=r"^[A-Za-z0-9-]{1,32}$")
    match: dict[str, Any]
    topic: str = Field(pattern=r"^arn:aws[a-z-]*:sns:")
    paging_topic: str = Field(default="", alias="pagingTopic", pattern=r"^(arn:aws[a-z-]*:sns:.+)?$")
    chat_topics: tuple[str, ...] = Field(default=(), alias="chatTopics")


class NotifySettings(OrganizationViewSettings):
    """Every function that emails: the topic, the incident windows, and where what it cannot finish is kept;
    in hub mode, the members' reader role for looking up a member's resources."""

    topic_arn: str = Field(alias=TOPIC_ARN, pattern=r"^arn:aws[a-z-]*:sns:")
    incident_table_name: str = Field(alias=INCIDENT_TABLE_NAME, min_length=3, max_length=255)
    dedupe_window_minutes: int = Field(alias=DEDUPE_WINDOW_MINUTES, ge=1, le=1440)
    dead_letter_queue_url: str = Field(alias=DEAD_LETTER_QUEUE_URL, pattern=r"^https://")
    paging_topic_arn: str = Field(default="", alias=PAGING_TOPIC_ARN, pattern=r"^(arn:aws[a-z-]*:sns:.+)?$")
    runbook_url: str = Field(default="", alias=RUNBOOK_URL, pattern=r"^(https://.+)?$")
    docs_url: str = Field(default="", alias=DOCS_URL, pattern=r"^(https://.+)?$")
    chat_topic_arns: CommaSeparated = Field(default=(), alias=CHAT_TOPIC_ARNS)
    routes: Json[tuple[RouteSetting, ...]] = Field(default=(), alias=ROUTES)

    def runbook(self, topic: str) -> Runbook:
        """The runbook of the alerts topic raises (an alarm stem or an event kind's rule id)."""
        return runbook_for(topic, runbook_url=self.runbook_url, docs_url=self.docs_url)


SettingsModel = TypeVar("SettingsModel", bound=MonitorSettings)


def load_settings(model: type[SettingsModel], environ: Mapping[str, str] | None = None) -> SettingsModel:
    """Validate the environment against model; raise SettingsError naming the bad keys."""
    if environ is None:
        return cast(SettingsModel, _load_from_process_environment(model))
    try:
        return model.model_validate(dict(environ))
    except ValidationError as err:
        problems = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in err.errors())
        raise SettingsError(f"invalid {model.__name__} environment: {problems}") from err


@functools.cache
def _load_from_process_environment(model: type[MonitorSettings]) -> MonitorSettings:
    # Read once per Lambda container: the environment does not change between invocations.
    return load_settings(model, os.environ)
