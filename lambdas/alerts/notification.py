"""Pure: read a "CloudWatch Alarm Contributor State Change" event into a ContributorTransition.

The shape is the one CloudWatch documents for multi-time-series (Metrics Insights GROUP BY) alarms:
https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/cloudwatch-and-eventbridge.html
("Multi Time Series Alarm", "Alarm Contributor Example"). The contributor carries an id and the
attributes of its series (the GROUP BY dimension), the new state and its reason; there is no previous
state: a contributor is only ever in ALARM or OK.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from ..platform import contract
from ..platform.errors import MonitorError
from .model import ContributorTransition, alarm_kind

DETAIL_TYPE = "CloudWatch Alarm Contributor State Change"
SOURCE = "aws.cloudwatch"
# "... The most recent datapoint which crossed the threshold: [0.0 (01/12/25 13:34:00)]."
DATAPOINT = re.compile(r"crossed the threshold: \[(?P<value>-?[0-9.]+(?:E-?[0-9]+)?) \(")
STATE_TIMESTAMP = "%Y-%m-%dT%H:%M:%S.%f%z"


class UnparsableNotification(MonitorError):
    """A notification the composer cannot explain; it is logged and kept, never retried."""

    def __init__(self, event_id: str, reason: str):
        self.event_id = event_id
        self.reason = reason
        super().__init__(f"notification {event_id}: {reason}")


class _Model(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)


class _Contributor(_Model):
    id: str = Field(min_length=1)
    attributes: dict[str, str]


class _State(_Model):
    value: Literal["ALARM", "OK"]
    reason: str = ""
    timestamp: str = ""


class _Detail(_Model):
    alarm_name: str = Field(alias="alarmName", min_length=1)
    alarm_contributor: _Contributor = Field(alias="alarmContributor")
    state: _State


class _Event(_Model):
    id: str
    detail_type: Literal["CloudWatch Alarm Contributor State Change"] = Field(alias="detail-type")
    source: Literal["aws.cloudwatch"]
    account: str = Field(pattern=r"^\d{12}$")
    region: str = Field(min_length=1)
    time: datetime
    detail: _Detail


def parse_contributor_event(raw: Any, alarm_name_prefix: str) -> ContributorTransition:
    """The transition raw describes; raise UnparsableNotification naming what is wrong."""
    event_id = str(raw.get("id", "unknown")) if isinstance(raw, dict) else "unknown"
    try:
        event = _Event.model_validate(raw)
    except ValidationError as err:
        problems = "; ".join(f"{'.'.join(map(str, e['loc'])) or 'event'}: {e['msg']}" for e in err.errors()[:3])
        raise UnparsableNotification(event_id, problems) from None
    detail = event.detail
    kind = alarm_kind(detail.alarm_name, alarm_name_prefix)
    if kind is None:
        raise UnparsableNotification(event.id, f"alarm {detail.alarm_name!r} is not one the composer explains")
    contributor = detail.alarm_contributor.attributes.get(kind.scope.value)
    if not contributor:
        raise UnparsableNotification(
            event.id, f"contributor has no {kind.scope.value} attribute: {sorted(detail.alarm_contributor.attributes)}"
        )
    match = DATAPOINT.search(detail.state.reason)
    attributes = detail.alarm_contributor.attributes
    return ContributorTransition(
        event_id=event.id,
        account=event.account,
        region=event.region,
        alarm_name=detail.alarm_name,
        kind=kind,
        contributor_id=detail.alarm_contributor.id,
        contributor=contributor,
        # The alarms group by AccountId (and Region for clusters); the alarm's own account and region stand in
        # for an attribute a query does not group by.
        contributor_account=attributes.get(contract.ACCOUNT_ID, event.account),
        contributor_region=attributes.get(contract.REGION, event.region),
        state=detail.state.value,
        reason=detail.state.reason,
        at=_state_time(detail.state.timestamp) or event.time,
        datapoint=float(match["value"]) if match else None,
    )


def _state_time(text: str) -> datetime | None:
    try:
        return datetime.strptime(text, STATE_TIMESTAMP)
    except ValueError:
        return None
