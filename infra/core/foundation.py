"""What every capability's construct is built on, made once by the stack and handed to each."""

from __future__ import annotations

from dataclasses import dataclass

from infra.core.alerting import Alerting
from infra.core.config import MonitorConfig
from infra.core.dead_letters import DeadLetterQueue
from infra.core.keys import AppKey


@dataclass(frozen=True)
class Foundation:
    """The validated configuration, the app key, the alert topic and its routing, and the failed-runs queue
    every scheduled function keeps a failed or expired invocation in."""

    config: MonitorConfig
    key: AppKey
    alerting: Alerting
    failed_runs: DeadLetterQueue
