"""A client-side call budget, so the monitor never spends the API rate the workloads it watches need."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any


class TokenBucket:
    """At most `rate` calls per second after a burst of `burst`, shared by every thread using it."""

    def __init__(
        self,
        rate: float,
        burst: int,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ):
        self.rate = rate
        self.burst = burst
        self.waited_seconds = 0.0
        self._tokens = float(burst)
        self._clock = clock
        self._sleep = sleep
        self._last = clock()
        self._lock = threading.Lock()

    def acquire(self) -> float:
        """Take one call's token, sleeping until it is due; return the seconds waited."""
        with self._lock:
            now = self._clock()
            self._tokens = min(float(self.burst), self._tokens + (now - self._last) * self.rate)
            self._last = now
            self._tokens -= 1  # below zero = reserved ahead: later callers queue behind it
            wait = -self._tokens / self.rate if self._tokens < 0 else 0.0
            self.waited_seconds += wait
        if wait:
            self._sleep(wait)
        return wait

    def before_call(self, **_: Any) -> None:
        """botocore `before-call` hook: every API call (not each retry) spends one token."""
        self.acquire()
