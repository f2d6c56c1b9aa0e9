"""The construct's keyword props: the `monitor:*` keys in snake_case, validated exactly as the context is."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Literal, TypedDict

from infra.core.config import CONTEXT_PREFIX, MonitorConfig, config_from_context


class MonitorProps(TypedDict, total=False):
    """One prop per MonitorConfig field (tests/infra/test_construct.py keeps the two the same); docs/configuration.md
    says what each does. A prop left out takes its key's default."""

    alert_emails: Sequence[str]
    paging_endpoints: Sequence[Mapping[str, Any]]
    slack_channels: Sequence[Mapping[str, Any]]
    teams_channels: Sequence[Mapping[str, Any]]
    chat_topic_arns: Sequence[str]
    routes: Sequence[Mapping[str, Any]]
    docs_url: str
    runbook_url: str
    group_above: int
    namespace: str
    schedule_minutes: int
    utilization_threshold_percent: float
    free_address_floor: int
    vpc_ids: Sequence[str]
    subnet_tag_filter: str
    alarm_per_vpc: bool
    log_retention_days: int
    cluster_names: Sequence[str]
    eni_utilization_threshold_percent: float
    untrunked_instances_alarm: bool
    dedupe_window_minutes: int
    census_minutes: int
    free_prefix_block_floor: int
    forecast_minutes: int
    forecast_watch_percent: float
    forecast_max_subnets: int
    forecast_horizon_days: int
    forecast_alarm_days: int
    cloud_trail_signals: bool
    digest_schedule: str
    unattached_eni_alarm_threshold: int
    publish_mode: Literal["every-run", "at-risk"]
    watch_utilization_percent: float
    watch_change_addresses: int
    quiet_publish_hours: int
    max_series_per_target: int
    mode: Literal["account", "hub"]
    hub_account_id: str
    hub_region: str
    member_accounts: Sequence[str]
    organization_unit_ids: Sequence[str]
    organization_id: str
    regions: Sequence[str]
    reader_role_name: str
    worker_concurrency: int
    event_handler_concurrency: int
    max_incidents_per_window: int
    deploy_members_with_stack_set: bool
    stack_set_call_as: Literal["SELF", "DELEGATED_ADMIN"]
    account_names: Mapping[str, str]
    alarm_per_account: bool
    metrics_insights_alarm_quota: int
    account_concurrency_limit: int


def config_from_props(props: Mapping[str, Any]) -> MonitorConfig:
    """Validate props as their `monitor:*` keys; raise ConfigError naming each bad key (monitor:alertEmails...)."""
    fields = MonitorConfig.model_fields
    # An unknown prop goes in under its own name, so the context's check names it (and the nearest key).
    return config_from_context(
        {
            f"{CONTEXT_PREFIX}{fields[name].alias if name in fields else name}": _context_value(value)
            for name, value in props.items()
        }
    )


def _context_value(value: Any) -> Any:
    # The context's own forms: a list for a sequence (a tuple is not JSON), the rest as given.
    return list(value) if isinstance(value, tuple) else value
