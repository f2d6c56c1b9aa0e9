"""Shared fixtures: a fake AWS environment so nothing here can reach a real account."""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass

import pytest

# Set before any boto3 client exists: tests never see real credentials or a real region.
os.environ.update(
    AWS_ACCESS_KEY_ID="testing",
    AWS_SECRET_ACCESS_KEY="testing",
    AWS_SESSION_TOKEN="testing",
    AWS_DEFAULT_REGION="us-east-1",
    AWS_REGION="us-east-1",
    POWERTOOLS_SERVICE_NAME="subnet-ip-monitor-tests",
    JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION="20",
)


@dataclass
class FakeLambdaContext:
    """The attributes Powertools' inject_lambda_context reads."""

    function_name: str = "test-function"
    memory_limit_in_mb: int = 256
    invoked_function_arn: str = "arn:aws:lambda:us-east-1:123456789012:function:test-function"
    aws_request_id: str = "00000000-0000-0000-0000-000000000000"

    def get_remaining_time_in_millis(self) -> int:
        return 120_000


@pytest.fixture
def lambda_context() -> FakeLambdaContext:
    return FakeLambdaContext()


@pytest.fixture(autouse=True)
def _fresh_caches() -> Iterator[None]:
    """Clients and settings are cached per container in Lambda; each test is a new container."""
    from lambdas.aws.clients import aws_client, ecs_read_budget
    from lambdas.settings import _load_from_process_environment

    caches = (aws_client, ecs_read_budget, _load_from_process_environment)
    for cache in caches:
        cache.cache_clear()
    yield
    for cache in caches:
        cache.cache_clear()
