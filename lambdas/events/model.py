"""What an event kind is, and the pure data every kind shares: detail models, the incident, its origin.

A kind (one module in lambdas/events/kinds/) is everything the monitor knows about one EventBridge rule:
the pattern the rule matches, the typed model of the events it delivers, how such an event becomes an
incident, and what the email says about it. The models name only the fields this project reads; AWS
adds fields over time, so extra fields are ignored rather than rejected.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from string import Formatter
from typing import Any, Generic, TypeVar

from aws_lambda_powertools.utilities.parser.models import EventBridgeModel
from pydantic import BaseModel, ConfigDict, Field, field_validator

from ..platform import contract
from ..platform.text import plain

SUBNET_ID = re.compile(r"\bsubnet-[0-9a-f]{8,17}\b")
# A reason is a CloudWatch dimension value and a rule id is a CDK construct id: keep both plain.
PLAIN_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9]{2,63}$")

Event = TypeVar("Event", bound=EventBridgeModel)
# An event's strings: long enough for any ARN and AWS's messages, short enough that none floods an email.
DETAIL_TEXT_LIMIT = 2048


class Detail(BaseModel):
    """Base of every `detail` model: extra fields ignored, snake_case fields filled from AWS's names, and every
    string one bounded line (a reason or message can carry text someone else wrote: lambdas/platform/text.py)."""

    model_config = ConfigDict(extra="ignore", populate_by_name=True, frozen=True)

    @field_validator("*", mode="after")
    @classmethod
    def _one_line(cls, value: Any) -> Any:
        return plain(value, DETAIL_TEXT_LIMIT) if isinstance(value, str) else value


class NameValue(Detail):
    """An attachment detail or container-instance attribute (value may be absent)."""

    name: str
    value: str | None = None


class Attachment(Detail):
    """An ENI (or other) attachment; tasks say type "eni" in events and "ElasticNetworkInterface" in APIs."""

    type: str | None = None
    details: list[NameValue] = Field(default_factory=list)


@dataclass(frozen=True)
class EventOrigin:
    """Which event reported the incident, from which account and region, and when."""

    event_id: str
    account: str
    region: str
    time: datetime

    @classmethod
    def of(cls, event: EventBridgeModel) -> EventOrigin:
        """The origin fields of any EventBridge event."""
        return cls(event.id, event.account, event.region, event.time)


# What a remedy may write in braces: the incident's attribute it is filled from, and the <placeholder> left
# when the event does not say (Incident.remedy_values).
REMEDY_PLACEHOLDERS = {
    "cluster": "<cluster>",
    "service": "<service>",
    "plan_command": "subnet-ip-monitor plan --tasks <desired count> --max-percent <maximumPercent>",
}


@dataclass(frozen=True)
class Incident:
    """One exhaustion failure, with everything the email names; None where the event does not say."""

    reason: str
    origin: EventOrigin
    aws_message: str
    cluster: str | None = None  # an ECS cluster
    service: str | None = None
    task_group: str | None = None  # "service:x" or "family:y" for tasks not started by a service
    task_definition: str | None = None
    launch_type: str | None = None
    container_instance: str | None = None
    ec2_instance_id: str | None = None
    auto_scaling_group: str | None = None
    eks_cluster: str | None = None
    node_group: str | None = None
    subnet_id: str | None = None
    availability_zone: str | None = None
    # An EC2 error code that does not say "no addresses" but may mean it (InvalidParameterValue has been
    # returned for a full subnet): counted as if_subnet_full instead when the subnet's free count, looked up
    # at handling time, is at or below the free-address floor.
    ec2_error_code: str | None = None
    if_subnet_full: str | None = None
    caller: str | None = None  # who made a failed API call (CloudTrail), in words
    api_call: str | None = None  # the failed API call (CloudTrail)
    network_interface_id: str | None = None  # the interface the call named, when it names no subnet
    variant: str | None = None  # which of the kind's variants tells this incident's story (same Reason)
    note: str | None = None  # what the handler concluded beyond AWS's words, shown under AWS SAID
    # An ECS deployment that just started: the handler checks its fit before counting or emailing anything.
    deployment_id: str | None = None
    fit_summary: str | None = None  # "needs 10 more addresses; its subnets have 7 free", once checked
    plan_command: str | None = None  # the `subnet-ip-monitor plan` line sizing its subnets, once checked

    def remedy_values(self) -> dict[str, str]:
        """What a remedy's {placeholder} becomes: the incident's own value, or a <placeholder> to fill in."""
        return {name: getattr(self, name) or unknown for name, unknown in REMEDY_PLACEHOLDERS.items()}

    @property
    def dedupe_key(self) -> str:
        """At most one email per (account, region, reason, cluster, service or group, subnet) per window."""
        # A CloudTrail incident's caller: one EKS cluster's CNI retrying every few seconds is one incident.
        owner = self.service or self.auto_scaling_group or self.node_group or self.task_group or self.caller
        return "|".join(
            (
                self.origin.account,
                self.origin.region,
                self.reason,
                self.cluster or self.eks_cluster or "-",
                owner or "-",
                self.subnet_id or self.deployment_id or "-",
            )
        )


@dataclass(frozen=True)
class Story:
    """What the email says for one Reason: its subject, what happened and what to do."""

    subject: Callable[[Incident, str], str]  # (incident, "name (subnet-…)" or "its subnet") -> email subject
    what_happened: str
    remedies: tuple[str, ...]


def _story_problems(story: Story) -> list[str]:
    """What an email text lacks: what happened, a remedy, or placeholders the remedies may name."""
    problems = []
    if not story.what_happened.strip() or not story.remedies or not all(r.strip() for r in story.remedies):
        problems.append("an email needs what_happened and at least one remedy")
    known = set(REMEDY_PLACEHOLDERS)
    unknown = {name for r in story.remedies for _, name, _, _ in Formatter().parse(r) if name} - known
    if unknown:
        problems.append(f"remedies may name only {sorted(known)}, not {sorted(unknown)}")
    return problems


@dataclass(frozen=True)
class EventKind(Generic[Event]):
    """One EventBridge rule and everything about the events it delivers; see lambdas/events/kinds/."""

    rule_id: str  # the rule's construct id
    reason: str  # the Reason dimension of IpExhaustionEvents
    service: str  # who reports it, for alarm text ("ECS", "Auto Scaling")
    title: str  # what it catches, for the dashboard heading
    pattern: dict[str, Any]  # the rule's event pattern, filtering as much as EventBridge can
    model: type[Event]
    classify: Callable[[Event], Incident | None]  # None: delivered, but not an exhaustion failure
    subject: Callable[[Incident, str], str]  # (incident, "name (subnet-…)" or "its subnet") -> email subject
    what_happened: str
    remedies: tuple[str, ...]
    # A rule only when its monitor:* switch is on (CloudTrail needs a trail); the handler reads it anyway.
    opt_in: bool = False
    # Other Reasons its classify may give, each with its own email text (the rule catches them all).
    other_reasons: dict[str, Story] = field(default_factory=dict)
    # Other stories of its own Reason that classify may pick (incident.variant): what AWS said differs, the
    # metric does not.
    variants: dict[str, Story] = field(default_factory=dict)

    def __post_init__(self) -> None:
        problems = self._name_problems() + self._pattern_problems()
        for story in [*self.stories.values(), *self.variants.values()]:
            problems += _story_problems(story)
        if problems:
            raise ValueError(f"event kind {self.rule_id!r}: {'; '.join(problems)}")

    def _name_problems(self) -> list[str]:
        problems = []
        if not PLAIN_NAME.match(self.rule_id) or not PLAIN_NAME.match(self.reason):
            problems.append("rule_id and reason must be 3-64 letters and digits")
        if not all(PLAIN_NAME.match(reason) for reason in self.other_reasons):
            problems.append("other reasons must be 3-64 letters and digits")
        return problems

    def _pattern_problems(self) -> list[str]:
        problems = [
            f"the pattern must name exactly one {key}"
            for key in ("source", "detail-type")
            if len(self.pattern.get(key, [])) != 1
        ]
        if "detail" not in self.pattern:
            problems.append("the pattern must filter on detail (so the handler is not invoked for every event)")
        return problems

    @property
    def stories(self) -> dict[str, Story]:
        """Every Reason the kind gives, first its own, with the email text for each."""
        return {self.reason: Story(self.subject, self.what_happened, self.remedies), **self.other_reasons}

    def story_of(self, incident: Incident) -> Story:
        """The email text for incident: its variant's, else its Reason's."""
        if incident.variant is not None:
            return self.variants[incident.variant]
        return self.stories[incident.reason]

    @property
    def reasons(self) -> tuple[str, ...]:
        """Every Reason the kind gives, first its own."""
        return tuple(self.stories)

    @property
    def source(self) -> str:
        """The event source the rule matches (aws.ecs, aws.autoscaling...)."""
        return str(self.pattern["source"][0])

    @property
    def from_monitor(self) -> bool:
        """Sent by the monitor itself (the census), not by AWS: its rule is on the monitor's private bus, never on
        a bus anyone else can put events on, and members do not forward it (only aws.* sources are reserved)."""
        return self.source == contract.MONITOR_EVENT_SOURCE

    @property
    def detail_type(self) -> str:
        """The detail-type the rule matches."""
        return str(self.pattern["detail-type"][0])


def resource_name(arn: str) -> str:
    """Last path part of an ARN: cluster/prod -> prod, service/prod/web -> web, task-definition/web:3 -> web:3."""
    return arn.rsplit("/", 1)[-1] if "/" in arn else arn.rsplit(":", 1)[-1]


def first_subnet_id(text: str) -> str | None:
    """The first subnet id written in text (AWS messages name the subnet inline)."""
    match = SUBNET_ID.search(text)
    return match.group(0) if match else None


def attribute(attributes: list[NameValue], name: str) -> str | None:
    """The value of the named attribute, if present and not empty."""
    return next((a.value for a in attributes if a.name == name and a.value), None)
