"""What moto lacks: DescribeAlarmContributors (moto evaluates no alarm, so it has no contributor in ALARM and no
such operation). The demo and the tests say which contributors are in ALARM, as CloudWatch would after an
evaluation, and a `before-call` hook answers the operation from that, in botocore's shape, without a request.
The real call's shape is tested with botocore's Stubber (tests/unit/test_storm.py); docs/emulator-gaps.md lists it.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any
from unittest.mock import patch

import boto3
from botocore.awsrequest import AWSResponse

from .alarm_fixtures import reason_with_datapoint

OPERATION = "before-call.cloudwatch.DescribeAlarmContributors"
# before-call sees the serialized request; the alarm's name is noted from the call's parameters first.
PARAMETERS = "provide-client-params.cloudwatch.DescribeAlarmContributors"
CONTEXT_KEY = "devkit_alarm_name"


class ContributorsInAlarm:
    """Per alarm name, the contributors CloudWatch would list in ALARM."""

    def __init__(self) -> None:
        self._by_alarm: dict[str, list[dict[str, Any]]] = {}

    def set(self, alarm_name: str, attributes: list[dict[str, str]], datapoints: list[float] | None = None) -> None:
        """alarm_name's contributors in ALARM are those with these attributes (their figures, if given)."""
        figures = datapoints or [0.0] * len(attributes)
        self._by_alarm[alarm_name] = [
            {
                "ContributorId": f"contributor-{i:04d}",
                "ContributorAttributes": attrs,
                "StateReason": reason_with_datapoint(figure),
            }
            for i, (attrs, figure) in enumerate(zip(attributes, figures, strict=True))
        ]

    def clear(self, alarm_name: str) -> None:
        """None of alarm_name's contributors is in ALARM any more."""
        self._by_alarm[alarm_name] = []

    def answer_on(self, cloudwatch: Any) -> None:
        """Make cloudwatch's DescribeAlarmContributors answer from this table."""
        cloudwatch.meta.events.register(PARAMETERS, _note_alarm_name, unique_id="devkit-alarm-contributors-name")
        cloudwatch.meta.events.register(OPERATION, self._answer, unique_id="devkit-alarm-contributors")

    @contextmanager
    def everywhere(self) -> Iterator[None]:
        """Within the block, every CloudWatch client any boto3 session makes answers from this table."""
        make_client = boto3.Session.client

        def client(session: boto3.Session, *args: Any, **kwargs: Any) -> Any:
            made = make_client(session, *args, **kwargs)
            if (args[0] if args else kwargs.get("service_name")) == "cloudwatch":
                self.answer_on(made)
            return made

        with patch.object(boto3.Session, "client", client):
            yield

    def _answer(self, context: dict[str, Any], **_: Any) -> tuple[AWSResponse, dict[str, Any]]:
        contributors = self._by_alarm.get(context[CONTEXT_KEY], [])
        return AWSResponse("https://monitoring.amazonaws.com/", 200, {}, None), {"AlarmContributors": contributors}


def _note_alarm_name(params: dict[str, Any], context: dict[str, Any], **_: Any) -> None:
    context[CONTEXT_KEY] = params["AlarmName"]
