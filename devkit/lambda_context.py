"""A stand-in for the Lambda context, for running handlers outside Lambda (demo, benchmark, tests)."""

from __future__ import annotations

from dataclasses import dataclass


def function_arn(region: str, account_id: str = "123456789012", name: str = "local") -> str:
    """The ARN a function in region has; the handlers take their account and region from it."""
    return f"arn:aws:lambda:{region}:{account_id}:function:{name}"


@dataclass
class LocalLambdaContext:
    """The attributes Powertools' inject_lambda_context and the collectors' deadline read."""

    function_name: str = "local"
    memory_limit_in_mb: int = 256
    invoked_function_arn: str = function_arn("us-east-1")
    aws_request_id: str = "00000000-0000-0000-0000-000000000000"
    remaining_ms: int = 120_000

    def get_remaining_time_in_millis(self) -> int:
        """As if just invoked with remaining_ms before the timeout."""
        return self.remaining_ms
