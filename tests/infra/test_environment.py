"""Every function's synthesized environment validates against the settings model its handler loads.

The variable names are constants beside each settings model and the constructs set them through those
constants; this test is what catches a construct and a model drifting apart. Values that CloudFormation
fills in at deploy time (Ref of the topic, table and queue) are replaced by what CloudFormation returns
for a Ref of that resource type, per its resource reference: the topic's ARN, the table's name, the
queue's URL.
"""

from __future__ import annotations

import importlib
from typing import Any

from lambdas.platform.settings import (
    CHAT_TOPIC_ARNS,
    DOCS_URL,
    PAGING_TOPIC_ARN,
    ROUTES,
    RUNBOOK_URL,
    MonitorSettings,
    load_settings,
)
from tests.infra.conftest import synthesize

# What `Ref` returns for each resource type a function's environment refers to (CloudFormation docs).
REF_RETURNS = {
    "AWS::SNS::Topic": "arn:aws:sns:eu-west-1:123456789012:SubnetIpMonitor-Topic-1A2B3C4D",
    "AWS::DynamoDB::Table": "SubnetIpMonitor-IncidentWindows-1A2B3C4D",
    "AWS::SQS::Queue": "https://sqs.eu-west-1.amazonaws.com/123456789012/SubnetIpMonitor-DeadLetterQueue-1A2B3C4D",
    "AWS::S3::Bucket": "subnetipmonitor-enicensussnapshots-1a2b3c4d",
    "AWS::Events::EventBus": "SubnetIpMonitorEniCensusMonitorEvents1A2B3C4D",  # a bus's Ref is its name
}
# Set for Powertools itself, not read by the project's settings.
POWERTOOLS_VARIABLES = {"POWERTOOLS_SERVICE_NAME", "POWERTOOLS_LOG_LEVEL"}


def _settings_model(handler: str) -> type[MonitorSettings]:
    module = importlib.import_module(handler.rsplit(".", 1)[0])
    models = {
        value
        for value in vars(module).values()
        if isinstance(value, type) and issubclass(value, MonitorSettings) and value is not MonitorSettings
    }
    assert len(models) == 1, f"{handler} should load exactly one settings model, found {models}"
    return models.pop()


def _deployed_value(value: Any, resources: dict[str, Any]) -> str:
    if isinstance(value, str):
        return value
    assert set(value) == {"Ref"}, f"unexpected intrinsic in a function environment: {value}"
    return REF_RETURNS[resources[value["Ref"]]["Type"]]


SET_WHEN_CONFIGURED = {PAGING_TOPIC_ARN, RUNBOOK_URL, CHAT_TOPIC_ARNS, DOCS_URL, ROUTES}


def _functions(synthesized):
    return [f["Properties"] for f in synthesized.of_type("AWS::Lambda::Function").values()]


def test_given_the_stack_then_each_function_environment_validates_against_its_settings_model(synthesized):
    resources = synthesized.resources
    checked = []
    for function in _functions(synthesized):
        model = _settings_model(function["Handler"])
        variables = function["Environment"]["Variables"]
        environment = {name: _deployed_value(value, resources) for name, value in variables.items()}

        load_settings(model, environment)  # raises SettingsError naming any missing or bad variable

        known = {field.alias for field in model.model_fields.values()}
        # Set only when configured (monitor:pagingEndpoints, monitor:runbookUrl; tests/infra/test_paging_stack.py).
        assert set(environment) - POWERTOOLS_VARIABLES == known - SET_WHEN_CONFIGURED, function["Handler"]
        checked.append(model.__name__)
    assert sorted(checked) == [
        "CensusSettings",
        "CensusTableSettings",
        "ComposerSettings",
        "DigestSettings",
        "EcsCollectorSettings",
        "EventHandlerSettings",
        "ForecasterSettings",
        "SubnetCollectorSettings",
    ]


def test_given_scope_keys_then_the_collectors_read_back_exactly_that_scope(tmp_path):
    synthesized = synthesize(
        tmp_path, vpcIds=["vpc-0123456789abcdef0"], subnetTagFilter="Purpose=tasks", clusterNames=["orders", "pay"]
    )
    read = {}
    for function in _functions(synthesized):
        variables = function["Environment"]["Variables"]
        environment = {k: _deployed_value(v, synthesized.resources) for k, v in variables.items()}
        settings = load_settings(_settings_model(function["Handler"]), environment)
        read[type(settings).__name__] = settings.model_dump()

    assert read["SubnetCollectorSettings"]["vpc_ids"] == ("vpc-0123456789abcdef0",)
    assert read["SubnetCollectorSettings"]["subnet_tag_filter"] == ("Purpose", "tasks")
    assert read["EcsCollectorSettings"]["cluster_names"] == ("orders", "pay")
    assert read["CensusSettings"]["vpc_ids"] == ("vpc-0123456789abcdef0",)
    assert read["CensusSettings"]["subnet_tag_filter"] == ("Purpose", "tasks")
    for forecaster_or_digest in ("ForecasterSettings", "DigestSettings"):
        assert read[forecaster_or_digest]["vpc_ids"] == ("vpc-0123456789abcdef0",)
        assert read[forecaster_or_digest]["subnet_tag_filter"] == ("Purpose", "tasks")
