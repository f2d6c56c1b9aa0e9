"""boto3 clients with one deliberate retry policy, created once per Lambda container."""

from __future__ import annotations

import functools
from typing import Any

import boto3
from botocore.config import Config

from lambdas.aws.lean_parsing import parse_lean
from lambdas.aws.rate_limit import TokenBucket

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

# ECS cluster-resource reads (ListTasks, DescribeTasks, ListContainerInstances, DescribeContainerInstances,
# ListAttributes) share one account bucket: 100 burst, refilled at 20 per second. The collector takes at
# most half the refill and a fifth of the burst, leaving the rest to the ECS agent, deployments and scaling.
ECS_READ_RATE_PER_SECOND = 10.0
ECS_READ_BURST = 20


@functools.cache
def ecs_read_budget() -> TokenBucket:
    """The one ECS call budget of this Lambda container, shared by all threads."""
    return TokenBucket(ECS_READ_RATE_PER_SECOND, ECS_READ_BURST)


@functools.cache
def aws_client(service: str) -> Any:
    """A cached boto3 client for service, using the region from the Lambda environment."""
    client = boto3.client(service, config=RETRY_CONFIG)  # type: ignore[call-overload]
    if service == "ecs":
        client.meta.events.register("before-call.ecs", ecs_read_budget().before_call)
        parse_lean(client)
    return client
