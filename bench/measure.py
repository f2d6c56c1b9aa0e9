"""What one handler run costs: API calls by operation, wall and CPU time (the emulator's share removed),
time spent waiting on the ECS call budget, peak Python memory and process RSS."""

from __future__ import annotations

import resource
import threading
import time
import tracemalloc
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any
from unittest.mock import patch

from botocore.awsrequest import AWSResponse
from moto.core.botocore_stubber import BotocoreStubber

from devkit.responses import canned_response


@dataclass
class Measurement:
    """One run of one collector."""

    calls: Counter[str] = field(default_factory=Counter)  # "service.Operation" -> API calls (retries excluded)
    wall_s: float = 0.0
    cpu_s: float = 0.0  # the process's CPU during the run, all threads
    emulator_cpu_s: float = 0.0  # of which moto spent answering
    budget_wait_s: float = 0.0
    peak_python_mb: float = 0.0
    rss_peak_mb: float = 0.0

    @property
    def handler_cpu_s(self) -> float:
        """CPU of the handler itself: botocore, parsing, the project's code."""
        return self.cpu_s - self.emulator_cpu_s


Answers = dict[tuple[str, bytes], tuple[int, dict[str, str], bytes]]


class _EmulatorClock:
    """Thread CPU time spent inside moto's request handler, summed over threads; records moto's answers."""

    def __init__(self) -> None:
        self.seconds = 0.0
        self.answers: Answers = {}
        self._lock = threading.Lock()
        self._original = BotocoreStubber.__call__

    def __call__(self, stubber: BotocoreStubber, event_name: str, request: Any, **kwargs: Any) -> Any:
        start = time.thread_time()
        try:
            response = self._original(stubber, event_name, request, **kwargs)
        finally:
            with self._lock:
                self.seconds += time.thread_time() - start
        if response is not None:
            answer = (response.status_code, dict(response.headers), response.content)
            with self._lock:
                self.answers[_answer_key(event_name, request)] = answer
            # Reading .content consumed moto's body; a streamed answer (S3 GetObject) needs a fresh one.
            response = canned_response(request.url, *answer)
        return response


WRITES = frozenset({"PutMetricData", "PutObject"})


def _answer_key(event_name: str, request: Any) -> tuple[str, bytes]:
    operation = event_name.rsplit(".", 1)[-1]
    # Every PutMetricData and PutObject answer is the same; their requests carry timestamps (and the snapshot's
    # dated key) that differ between runs.
    raw = request.body or b""
    body = b"" if operation in WRITES else (raw.encode() if isinstance(raw, str) else bytes(raw))
    return operation, body


@contextmanager
def replay(clients: list[Any], answers: Answers) -> Iterator[None]:
    """Within the block, answer every call of clients from recorded answers, and moto does no work at all.

    botocore calls every `before-send` handler and takes the first answer, so moto's is switched off."""

    def answer(event_name: str, request: Any, **_: Any) -> AWSResponse:
        status, headers, body = answers[_answer_key(event_name, request)]
        return canned_response(request.url, status, headers, body)

    for client in clients:
        client.meta.events.register_first(f"before-send.{client.meta.service_model.service_id.hyphenize()}", answer)
    with patch.object(BotocoreStubber, "__call__", lambda *_, **__: None):
        yield


def count_calls(clients: list[Any], calls: Counter[str]) -> None:
    """Count every API call (not each retry) made through clients."""

    def record(event_name: str, **_: Any) -> None:
        _event, service_name, operation = event_name.split(".")
        calls[f"{service_name}.{operation}"] += 1

    for client in clients:
        client.meta.events.register(f"before-call.{client.meta.service_model.service_id.hyphenize()}", record)


@contextmanager
def emulator_clock() -> Iterator[_EmulatorClock]:
    """Within the block, moto's CPU time is accumulated on the returned clock."""
    clock = _EmulatorClock()

    def timed(stubber: BotocoreStubber, *args: Any, **kwargs: Any) -> Any:
        return clock(stubber, *args, **kwargs)

    with patch.object(BotocoreStubber, "__call__", timed):
        yield clock


def measure(
    run: Callable[[], Any], calls: Counter[str], budget_waited: Callable[[], float]
) -> tuple[Measurement, Answers]:
    """Time run (calls are counted by the hooks already on its clients); also return moto's answers."""
    result = Measurement(calls=calls)
    waited_before = budget_waited()
    with emulator_clock() as clock:
        wall, cpu = time.perf_counter(), time.process_time()
        run()
        result.wall_s = time.perf_counter() - wall
        result.cpu_s = time.process_time() - cpu
    result.emulator_cpu_s = clock.seconds
    result.budget_wait_s = budget_waited() - waited_before
    result.rss_peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return result, clock.answers


def peak_python_mb(run: Callable[[], Any]) -> float:
    """Peak memory Python allocated during run (a replayed second run: tracemalloc slows what it watches)."""
    tracemalloc.start()
    try:
        run()
        return tracemalloc.get_traced_memory()[1] / 2**20
    finally:
        tracemalloc.stop()
