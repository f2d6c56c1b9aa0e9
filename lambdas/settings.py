"""Validated settings, one model per function, read once from the environment the stack sets."""

from __future__ import annotations

import functools
import os
from collections.abc import Mapping
from typing import Annotated, TypeVar, cast

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, ValidationError, field_validator

from lambdas.errors import SettingsError
from lambdas.subnets import parse_tag_filter


def _comma_separated(value: object) -> object:
    if isinstance(value, str):
        return tuple(item.strip() for item in value.split(",") if item.strip())
    return value


CommaSeparated = Annotated[tuple[str, ...], BeforeValidator(_comma_separated)]


class _Settings(BaseModel):
    model_config = ConfigDict(frozen=True, extra="ignore")


class SubnetCollectorSettings(_Settings):
    """Environment of the subnet collector. Every key is set by the stack; none has a default."""

    metric_namespace: str = Field(alias="METRIC_NAMESPACE", min_length=1, max_length=255)
    vpc_ids: CommaSeparated = Field(alias="VPC_IDS")  # empty string: every VPC
    subnet_tag_filter: tuple[str, str] | None = Field(alias="SUBNET_TAG_FILTER")  # empty string: no filter

    @field_validator("subnet_tag_filter", mode="before")
    @classmethod
    def _parse_tag_filter(cls, value: object) -> object:
        return parse_tag_filter(value) if isinstance(value, str) else value


SettingsModel = TypeVar("SettingsModel", bound=_Settings)


def load_settings(model: type[SettingsModel], environ: Mapping[str, str] | None = None) -> SettingsModel:
    """Validate the environment against model; raise SettingsError naming the bad keys."""
    if environ is None:
        return cast(SettingsModel, _load_from_process_environment(model))
    try:
        return model.model_validate(dict(environ))
    except ValidationError as err:
        problems = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in err.errors())
        raise SettingsError(f"invalid {model.__name__} environment: {problems}") from err


@functools.cache
def _load_from_process_environment(model: type[_Settings]) -> _Settings:
    # Read once per Lambda container: the environment does not change between invocations.
    return load_settings(model, os.environ)


class EcsCollectorSettings(_Settings):
    """Environment of the ECS ENI collector. Every key is set by the stack; none has a default."""

    metric_namespace: str = Field(alias="METRIC_NAMESPACE", min_length=1, max_length=255)
    cluster_names: CommaSeparated = Field(alias="CLUSTER_NAMES")  # empty string: every cluster


class EventHandlerSettings(_Settings):
    """Environment of the exhaustion-event handler. Every key is set by the stack; none has a default."""

    metric_namespace: str = Field(alias="METRIC_NAMESPACE", min_length=1, max_length=255)
    topic_arn: str = Field(alias="TOPIC_ARN", pattern=r"^arn:aws[a-z-]*:sns:")
    incident_table_name: str = Field(alias="INCIDENT_TABLE_NAME", min_length=3, max_length=255)
    dedupe_window_minutes: int = Field(alias="DEDUPE_WINDOW_MINUTES", ge=1, le=1440)
    dead_letter_queue_url: str = Field(alias="DEAD_LETTER_QUEUE_URL", pattern=r"^https://")
