"""What every collector run reports: its deadline and its report (publish and the at-risk state read these;
the run skeleton in run.py composes them, so the three form no circle)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from typing import Any

from aws_lambda_powertools import Logger

from .errors import AwsCallError

logger = Logger(child=True)


@dataclass(frozen=True)
class Deadline:
    """Stop reading when the invocation has reserve_ms left, so what was read is still published in time."""

    remaining_ms: Callable[[], int]
    reserve_ms: int

    def near(self) -> bool:
        """True once the time left is within the reserve."""
        return self.remaining_ms() <= self.reserve_ms


@dataclass
class RunReport:
    """What one collector run did; returned by the handler and logged, so a partial run is never silent."""

    collector: str
    account_id: str = ""  # the target's (a member's in hub mode)
    region: str = ""
    resources: int = 0
    published: int = 0  # resources whose per-series points this run sent (all of them in every-run)
    publish_reasons: dict[str, int] = field(default_factory=dict)  # at-risk: why they were (Why values)
    metric_points: int = 0
    put_metric_data_calls: int = 0
    failures: list[dict[str, str]] = field(default_factory=list)
    findings: list[str] = field(default_factory=list)
    series_left_out: int = 0  # beyond monitor:maxSeriesPerTarget, not published this run

    @property
    def status(self) -> str:
        """'complete' or 'partial' (some AWS call failed; everything else was still published)."""
        return "partial" if self.failures else "complete"

    def record_failure(self, err: AwsCallError) -> None:
        """Keep the failure with its context and log it; the run goes on with the other resources."""
        failure = err.as_failure()
        self.failures.append(failure)
        logger.error(
            "AWS call failed; continuing with the other resources",
            # The target's account and region: in hub mode, which member failed.
            extra={"failure": failure, "error": str(err), "account": self.account_id, "region": self.region},
        )

    def stop_early(self, left_unread: str, deadline: Deadline) -> None:
        """Record that the run stopped reading to publish before its timeout (a partial run, alarmed)."""
        failure = {"operation": "Run", "code": "DeadlineNear", "leftUnread": left_unread}
        self.failures.append(failure)
        logger.warning(
            "stopping early to publish before the Lambda timeout",
            extra={"failure": failure, "remainingMs": deadline.remaining_ms()},
        )

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready summary, status included."""
        return {"status": self.status, **asdict(self)}
