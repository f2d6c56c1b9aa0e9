"""Reserved concurrency as synthesized: no overlapping collector runs, and an event storm that cannot take the
account's other functions' concurrency (issue 18)."""

from __future__ import annotations

from typing import Any

import pytest

from infra.core.config import ConfigError, config_from_context
from tests.infra.conftest import DEFAULT_CONTEXT, Synthesized, synthesize
from tests.infra.test_hub_stack import HUB_KEYS

COLLECTORS = {
    "lambdas.subnets.handler.handler": 300,
    "lambdas.ecs.handler.handler": 300,
    "lambdas.census.handler.handler": 900,
    "lambdas.alerts.forecast_handler.handler": 3600,
}
EVENT_HANDLER = "lambdas.events.handler.handler"


def _functions(synthesized: Synthesized) -> dict[str, tuple[str, dict[str, Any]]]:
    return {
        f["Properties"]["Handler"]: (k, f["Properties"])
        for k, f in synthesized.of_type("AWS::Lambda::Function").items()
    }


def _max_event_age(synthesized: Synthesized, logical_id: str) -> int | None:
    (config,) = [
        c["Properties"]
        for c in synthesized.of_type("AWS::Lambda::EventInvokeConfig").values()
        if c["Properties"]["FunctionName"] == {"Ref": logical_id}
    ]
    age = config.get("MaximumEventAgeInSeconds")
    return None if age is None else int(age)


def test_given_account_mode_then_each_collector_runs_one_at_a_time_and_a_stale_schedule_is_dropped(synthesized):
    functions = _functions(synthesized)
    for handler, period_s in COLLECTORS.items():
        logical_id, properties = functions[handler]
        assert properties["ReservedConcurrentExecutions"] == 1, handler
        assert _max_event_age(synthesized, logical_id) == period_s, handler
    assert functions[EVENT_HANDLER][1]["ReservedConcurrentExecutions"] == 10


def test_given_hub_mode_and_a_configured_cap_then_collectors_reserve_the_worker_concurrency(tmp_path):
    hub = synthesize(tmp_path, **HUB_KEYS, eventHandlerConcurrency=25)
    functions = _functions(hub)
    for handler in COLLECTORS:
        assert functions[handler][1]["ReservedConcurrentExecutions"] == HUB_KEYS["workerConcurrency"], handler
    assert functions[EVENT_HANDLER][1]["ReservedConcurrentExecutions"] == 25


@pytest.mark.parametrize("value", [0, 1001, "ten"])
def test_given_a_bad_event_handler_cap_then_synth_fails_naming_the_key(value):
    with pytest.raises(ConfigError, match="monitor:eventHandlerConcurrency"):
        config_from_context({**DEFAULT_CONTEXT, "monitor:eventHandlerConcurrency": value})
