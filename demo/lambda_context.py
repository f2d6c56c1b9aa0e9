"""A stand-in for the Lambda context, for running handlers outside Lambda (demo, benchmark, tests)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass
class LocalLambdaContext:
    """The attributes Powertools' inject_lambda_context and the collectors' deadline read."""

    function_name: str = "local"
    memory_limit_in_mb: int = 256
    invoked_function_arn: str = "arn:aws:lambda:us-east-1:123456789012:function:local"
    aws_request_id: str = "00000000-0000-0000-0000-000000000000"
    remaining_ms: int = 120_000

    def get_remaining_time_in_millis(self) -> int:
        """As if just invoked with remaining_ms before the timeout."""
        return self.remaining_ms
