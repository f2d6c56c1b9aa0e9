"""Faults injected below botocore's retry logic: a `before-send` hook answers instead of moto, so the project's
real retry configuration is what handles them (tests/integration/test_fault_tolerance.py, test_faults_at_the_edges.py).

botocore calls every `before-send` handler and takes the first answer, so moto's handler is told to skip a request
that got a fault: the failed attempt must not reach the emulator (a PutMetricData that failed must not have stored
anything).
"""

from __future__ import annotations

import types
from collections.abc import Callable
from typing import Any

import pytest
from botocore.awsrequest import AWSResponse
from moto.core.botocore_stubber import BotocoreStubber

from devkit.responses import canned_response


class Faults:
    """Answer chosen calls with an error before moto sees them; count every attempt."""

    def __init__(self, client: Any, operation: str, fault: tuple[int, bytes], when: Callable[[int, bytes], bool]):
        self.attempts = 0
        self.injected = 0
        self._fault = fault
        self._when = when
        client.meta.events.register_first(f"before-send.{client.meta.service_model.service_name}.{operation}", self)

    def stop(self) -> None:
        """The fault is gone (the key enabled again, the throttling over): every later call reaches moto."""
        self._when = lambda *_: False

    def __call__(self, request: Any, **_: Any) -> AWSResponse | None:
        self.attempts += 1
        body = request.body if isinstance(request.body, bytes) else str(request.body or "").encode()
        if not self._when(self.attempts, body):
            return None
        self.injected += 1
        request.fault_injected = True  # read by moto_skips_faulted_requests
        status, payload = self._fault
        return canned_response(request.url, status, {}, payload)


@pytest.fixture
def moto_skips_faulted_requests(monkeypatch: pytest.MonkeyPatch) -> None:
    """Leave a faulted request to the fault: moto must not also answer (and store) it."""
    moto_answer = BotocoreStubber.__call__

    def answer_unless_faulted(stubber: Any, event_name: str, request: Any, **kwargs: Any) -> Any:
        if getattr(request, "fault_injected", False):
            return None
        return moto_answer(stubber, event_name, request, **kwargs)

    monkeypatch.setattr(BotocoreStubber, "__call__", answer_unless_faulted)


@pytest.fixture
def sleeps(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """botocore's backoff delays, recorded instead of slept."""
    recorded: list[float] = []
    monkeypatch.setattr("botocore.endpoint.time", types.SimpleNamespace(sleep=recorded.append, time=lambda: 0.0))
    return recorded
