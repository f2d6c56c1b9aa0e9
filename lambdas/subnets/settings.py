"""Environment of the subnet collector."""

from __future__ import annotations

from lambdas.core.settings import SubnetScopeSettings

# The Collector dimension of its heartbeat and failures, and the name part of its alarms.
COLLECTOR = "subnets"


class SubnetCollectorSettings(SubnetScopeSettings):
    """The subnets in scope. Every key is set by the stack; none has a default."""
