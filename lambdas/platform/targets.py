"""Targets: the account and region a run reads, with that target's boto3 clients and call budgets.

Every pipeline takes a Target instead of bare clients. In monitor:mode account there is one target, the
function's own account and region. In hub mode a worker reads a member account through its reader role
(lambdas/hub/members.py) and writes (metrics, publish state, snapshot) to its home: the hub's own account and
region. Clients and budgets live on their target, so two targets never share a client or a rate budget.
"""

from __future__ import annotations

import functools
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Protocol

import boto3
from botocore.config import Config

from .aws.rate_limit import TokenBucket

# "standard" retry mode retries throttling (RequestLimitExceeded, ThrottlingException) and transient
# errors with exponential backoff and jitter, and stops retrying early when a client-side retry quota
# is spent, so a throttling storm is not made worse. Five attempts in all (botocore's `max_attempts`
# would count retries only) ride out a burst of the EC2/ECS token buckets (refill 20/s) without pushing a
# scheduled run past its timeout.
RETRY_CONFIG = Config(
    retries={"mode": "standard", "total_max_attempts": 5},
    connect_timeout=5,
    read_timeout=30,
    max_pool_connections=10,  # above the ECS collector's worker threads
)


@dataclass(frozen=True, eq=False)
class Target:
    """One account and region; its clients and budgets are made on first use and kept for the container."""

    account_id: str
    region: str
    # The credentials reads use; None: the function's own (its execution role).
    session: boto3.Session | None = field(default=None, repr=False)
    # Where the run writes; None: the target itself (its own account and region).
    home: Target | None = field(default=None, repr=False)
    # Filled lazily; a test may pass clients of its own (fakes or Stubber-wrapped clients).
    clients: dict[str, Any] = field(default_factory=dict, repr=False)
    budgets: dict[str, TokenBucket] = field(default_factory=dict, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def client(self, service: str) -> Any:
        """The target's boto3 client for service, with the project's retry policy."""
        with self._lock:
            if service not in self.clients:
                make = self.session.client if self.session is not None else boto3.client
                self.clients[service] = make(  # type: ignore[call-overload]
                    service, region_name=self.region, config=RETRY_CONFIG
                )
            return self.clients[service]

    @property
    def is_member(self) -> bool:
        """A member account read from the hub (through its reader role), whose metrics the hub pays for."""
        return self.home is not None

    def home_client(self, service: str) -> Any:
        """A client in the monitor's own account and region, for what the run writes (metrics, state, snapshot)."""
        return (self.home or self).client(service)

    def budget(self, name: str, rate_per_second: float, burst: int) -> TokenBucket:
        """The target's call budget called name, shared by every thread reading the target."""
        with self._lock:
            if name not in self.budgets:
                self.budgets[name] = TokenBucket(rate_per_second, burst)
            return self.budgets[name]


class InvokedFunction(Protocol):
    """The part of the Lambda context that says where the function runs."""

    @property
    def invoked_function_arn(self) -> str:
        """arn:aws:lambda:<region>:<account>:function:<name>."""
        ...


def own_target(context: InvokedFunction) -> Target:
    """The function's own account and region, read from its ARN (no STS call), one per Lambda container."""
    _, _, _, region, account_id, *_ = context.invoked_function_arn.split(":")
    return _target(account_id, region)


@functools.cache
def _target(account_id: str, region: str) -> Target:
    return Target(account_id, region)


# What a warm Lambda container keeps between invocations (targets with their clients and budgets; in hub mode the
# member sessions, which lambdas/hub registers). forget_warm_state() is the one reset product code offers: the
# tests, the demo and the benchmark call it to start as a new container would.
_WARM_STATE: list[Callable[[], None]] = [_target.cache_clear]


def keeps_warm_state(forget: Callable[[], None]) -> None:
    """Register how to drop a cache a warm container keeps, for forget_warm_state()."""
    _WARM_STATE.append(forget)


def forget_warm_state() -> None:
    """Drop every cache a warm container keeps, as a new Lambda container would start."""
    for forget in _WARM_STATE:
        forget()
