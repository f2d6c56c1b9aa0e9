"""boto3 clients with one deliberate retry policy, created once per Lambda container."""

from __future__ import annotations

import functools
from typing import Any

import boto3
from botocore.config import Config

# "standard" retry mode retries throttling (RequestLimitExceeded, ThrottlingException) and transient
# errors with exponential backoff and jitter, and stops retrying early when a client-side retry quota
# is spent, so a throttling storm is not made worse. Five attempts in all (botocore's `max_attempts`
# would count retries only) ride out a burst of the EC2/ECS token buckets (refill 20/s) without pushing a
# scheduled run past its timeout.
RETRY_CONFIG = Config(retries={"mode": "standard", "total_max_attempts": 5}, connect_timeout=5, read_timeout=30)


@functools.cache
def aws_client(service: str) -> Any:
    """A cached boto3 client for service, using the region from the Lambda environment."""
    return boto3.client(service, config=RETRY_CONFIG)  # type: ignore[call-overload]
