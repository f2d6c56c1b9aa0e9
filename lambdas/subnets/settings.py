"""Environment of the subnet collector."""

from __future__ import annotations

from typing import Final

from pydantic import Field, field_validator

from lambdas.core.settings import CommaSeparated, MonitorSettings, parse_tag_filter

VPC_IDS: Final = "VPC_IDS"
SUBNET_TAG_FILTER: Final = "SUBNET_TAG_FILTER"

# The Collector dimension of its heartbeat and failures, and the name part of its alarms.
COLLECTOR = "subnets"


class SubnetCollectorSettings(MonitorSettings):
    """The subnets in scope. Every key is set by the stack; none has a default."""

    vpc_ids: CommaSeparated = Field(alias=VPC_IDS)  # empty string: every VPC
    subnet_tag_filter: tuple[str, str] | None = Field(alias=SUBNET_TAG_FILTER)  # empty string: no filter

    @field_validator("subnet_tag_filter", mode="before")
    @classmethod
    def _parse_tag_filter(cls, value: object) -> object:
        return parse_tag_filter(value) if isinstance(value, str) else value
