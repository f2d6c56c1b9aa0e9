"""Reserved concurrency as synthesized: no overlapping collector runs, and an event storm that cannot take the
account's other functions' concurrency (issue 18)."""

from __future__ import annotations

from typing import Any

import pytest

from infra.core.config import ConfigError, config_from_context
from tests.infra.conftest import DEFAULT_CONTEXT, HUB_KEYS, Synthesized, synthesize

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


def test_given_account_mode_then_the_other_functions_reserve_a_small_fixed_share(synthesized):
    functions = _functions(synthesized)

    assert {h: p["ReservedConcurrentExecutions"] for h, (_, p) in functions.items() if h not in COLLECTORS} == {
        EVENT_HANDLER: 10,
        "lambdas.alerts.handler.handler": 5,  # the composer: a burst is retried by EventBridge
        "lambdas.alerts.digest_handler.handler": 1,
        "lambdas.census.table_handler.handler": 5,  # dashboard refreshes at once
    }
    # Reserved in all (docs/security.md's arithmetic): 4 collectors + 10 + 5 + 1 + 5.
    assert sum(p["ReservedConcurrentExecutions"] for _, p in functions.values()) == 25


def test_given_account_mode_then_every_scheduled_function_keeps_a_failed_run_in_the_alarmed_failed_runs_queue(
    synthesized,
):
    functions = _functions(synthesized)
    (queue_id,) = [q for q in synthesized.of_type("AWS::SQS::Queue") if q.startswith("FailedRuns")]
    scheduled = [*COLLECTORS, "lambdas.alerts.digest_handler.handler"]

    for handler in scheduled:
        assert functions[handler][1]["DeadLetterConfig"] == {"TargetArn": {"Fn::GetAtt": [queue_id, "Arn"]}}, handler
    kept_elsewhere = {h for h, (_, p) in functions.items() if "DeadLetterConfig" in p} - set(scheduled)
    assert kept_elsewhere == {EVENT_HANDLER, "lambdas.alerts.handler.handler"}  # their own dead-letter queues
    (alarm,) = [
        a["Properties"]
        for a in synthesized.of_type("AWS::CloudWatch::Alarm").values()
        if a["Properties"]["AlarmName"] == "SubnetIpMonitor-collector-runs-dead-letter-queue"
    ]
    assert alarm["Dimensions"] == [{"Name": "QueueName", "Value": {"Fn::GetAtt": [queue_id, "QueueName"]}}]
    assert (alarm["Threshold"], alarm["ComparisonOperator"]) == (1, "GreaterThanOrEqualToThreshold")
    # And on the dashboard's health row, beside the Lambda errors and throttles.
    (dashboard,) = synthesized.of_type("AWS::CloudWatch::Dashboard").values()
    assert {"Fn::GetAtt": [queue_id, "QueueName"]} in dashboard["Properties"]["DashboardBody"]["Fn::Join"][1]


def test_given_hub_mode_then_the_dispatcher_keeps_a_failed_run_and_collectors_rely_on_their_work_queues(tmp_path):
    hub = synthesize(tmp_path, **HUB_KEYS)
    functions = _functions(hub)

    assert "DeadLetterConfig" in functions["lambdas.hub.dispatch.handler.handler"][1]
    assert functions["lambdas.hub.dispatch.handler.handler"][1]["ReservedConcurrentExecutions"] == 1
    for handler in COLLECTORS:
        assert "DeadLetterConfig" not in functions[handler][1], handler
