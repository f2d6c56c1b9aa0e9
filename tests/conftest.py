"""Shared fixtures: a fake AWS environment so nothing here can reach a real account."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

from devkit.lambda_context import LocalLambdaContext

FUNCTION_ARN = "arn:aws:lambda:us-east-1:123456789012:function:test-function"

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


@pytest.fixture
def lambda_context() -> LocalLambdaContext:
    return LocalLambdaContext(function_name="test-function", invoked_function_arn=FUNCTION_ARN)


@pytest.fixture(autouse=True)
def _fresh_caches() -> Iterator[None]:
    """Clients and settings are cached per container in Lambda; each test is a new container."""
    from lambdas.platform.settings import _load_from_process_environment
    from lambdas.platform.targets import forget_warm_state

    forget_warm_state()
    _load_from_process_environment.cache_clear()
    yield
    forget_warm_state()
    _load_from_process_environment.cache_clear()
