"""What `cdk deploy` would create for event watching, and the rules' patterns evaluated as EventBridge does."""

import json

import pytest
from moto.events.models import EventPattern

from devkit.event_fixtures import EXPECTED_REASONS, NEAR_MISSES, fixture_names, load_event
from lambdas.events.kinds import registry
from tests.infra.conftest import synthesize

HANDLER = "lambdas.events.handler.handler"
# Fixture reason -> the rule that must deliver it: the rule of the kind with that reason.
RULE_OF_REASON = {reason: kind.rule_id for kind in registry.KINDS for reason in kind.reasons}
PATTERN_OF_RULE = {kind.rule_id: kind.pattern for kind in registry.KINDS}
# The kinds with a rule when no monitor:* switch is on (CloudTrail's is off by default).
DEFAULT_RULES = sorted(kind.rule_id for kind in registry.KINDS if not kind.opt_in)


@pytest.fixture(scope="module")
def with_cloudtrail(tmp_path_factory):
    """The stack with monitor:cloudTrailSignals on: every kind has its rule."""
    return synthesize(tmp_path_factory.mktemp("cdk-cloudtrail"), cloudTrailSignals=True)


def _handler(synthesized):
    (found,) = [
        (k, f["Properties"])
        for k, f in synthesized.of_type("AWS::Lambda::Function").items()
        if f["Properties"]["Handler"] == HANDLER
    ]
    return found


def _exhaustion_rules(synthesized):
    """Synthesized rule construct id -> its properties, for the rules that target the event handler."""
    logical_id, _ = _handler(synthesized)
    return {
        next(r for r in PATTERN_OF_RULE if k.startswith(f"EventWatching{r}")): rule["Properties"]
        for k, rule in synthesized.of_type("AWS::Events::Rule").items()
        if rule["Properties"]["Targets"][0]["Arn"] == {"Fn::GetAtt": [logical_id, "Arn"]}
    }


def _matching_rules(synthesized, event):
    """Which synthesized rules match event, with moto's implementation of EventBridge pattern matching.

    moto does not implement the TestEventPattern API (it answers nothing), so its matcher is used directly.
    """
    return sorted(
        rule_id
        for rule_id, props in _exhaustion_rules(synthesized).items()
        if EventPattern.load(json.dumps(props["EventPattern"])).matches_event(event)
    )


def test_given_the_stack_then_four_rules_carry_the_patterns_and_deliver_with_retries_and_a_dead_letter_queue(
    synthesized,
):
    rules = _exhaustion_rules(synthesized)

    assert sorted(rules) == DEFAULT_RULES
    for rule_id, props in rules.items():
        assert props["EventPattern"] == PATTERN_OF_RULE[rule_id]
        (target,) = props["Targets"]
        assert target["RetryPolicy"] == {"MaximumEventAgeInSeconds": 7200, "MaximumRetryAttempts": 8}
        assert "DeadLetterConfig" in target


@pytest.mark.parametrize(("name", "reason"), sorted(EXPECTED_REASONS.items()))
def test_given_each_failure_event_then_exactly_its_rule_matches(with_cloudtrail, name, reason):
    assert _matching_rules(with_cloudtrail, load_event(name)) == [RULE_OF_REASON[reason]]


@pytest.mark.parametrize("name", NEAR_MISSES)
def test_given_a_near_miss_then_no_rule_matches_and_the_handler_is_not_invoked(with_cloudtrail, name):
    assert _matching_rules(with_cloudtrail, load_event(name)) == []


def test_given_cloudtrail_signals_off_then_no_cloudtrail_rule_and_on_then_one_that_requires_an_error_code(
    synthesized, with_cloudtrail
):
    assert "CloudTrailNoAddresses" not in _exhaustion_rules(synthesized)
    assert not any(
        "AWS API Call via CloudTrail" in json.dumps(r["Properties"].get("EventPattern", {}))
        for r in synthesized.of_type("AWS::Events::Rule").values()
    )
    cloudtrail = _exhaustion_rules(with_cloudtrail)["CloudTrailNoAddresses"]
    detail = cloudtrail["EventPattern"]["detail"]
    assert detail["errorCode"] == [
        "InsufficientFreeAddressesInSubnet",
        "Client.InsufficientFreeAddressesInSubnet",
        "InsufficientCidrBlocks",
        "Client.InsufficientCidrBlocks",
    ]
    assert "DescribeNetworkInterfaces" not in detail["eventName"]  # read-only calls never match
    assert len(_exhaustion_rules(with_cloudtrail)) == len(DEFAULT_RULES) + 1


def test_given_every_fixture_then_each_is_either_a_failure_a_near_miss_or_malformed():
    # A new fixture must be given an expectation above, or it tests nothing.
    assert set(fixture_names()) == set(EXPECTED_REASONS) | set(NEAR_MISSES) | set(fixture_names("malformed_"))


def test_given_defaults_then_the_handler_has_its_settings_retries_and_own_dead_letter_queue(synthesized):
    logical_id, props = _handler(synthesized)
    variables = props["Environment"]["Variables"]

    assert set(variables) >= {
        "METRIC_NAMESPACE",
        "TOPIC_ARN",
        "INCIDENT_TABLE_NAME",
        "DEDUPE_WINDOW_MINUTES",
        "DEAD_LETTER_QUEUE_URL",
    }
    assert variables["DEDUPE_WINDOW_MINUTES"] == "30"
    assert "DeadLetterConfig" in props
    (invoke_config,) = [
        c["Properties"]
        for c in synthesized.of_type("AWS::Lambda::EventInvokeConfig").values()
        if c["Properties"]["FunctionName"] == {"Ref": logical_id}
    ]
    assert invoke_config["MaximumRetryAttempts"] == 2


def test_given_a_dedupe_window_then_it_reaches_the_handler(tmp_path):
    _, props = _handler(synthesize(tmp_path, dedupeWindowMinutes=90))

    assert props["Environment"]["Variables"]["DEDUPE_WINDOW_MINUTES"] == "90"


def test_given_defaults_then_the_incident_table_is_on_demand_expiring_encrypted_and_goes_with_the_stack(synthesized):
    (table,) = synthesized.of_type("AWS::DynamoDB::Table").values()

    assert table["Properties"]["BillingMode"] == "PAY_PER_REQUEST"
    assert table["Properties"]["TimeToLiveSpecification"] == {"AttributeName": "expiresAt", "Enabled": True}
    assert table["Properties"]["SSESpecification"]["SSEType"] == "KMS"
    assert table["DeletionPolicy"] == "Delete"


def test_given_defaults_then_the_dead_letter_queue_is_encrypted_ssl_only_and_alarmed(synthesized):
    (queue_id, queue), *_ = (
        (i, q) for i, q in synthesized.of_type("AWS::SQS::Queue").items() if i.startswith("EventWatching")
    )
    policies = [p["Properties"]["PolicyDocument"] for p in synthesized.of_type("AWS::SQS::QueuePolicy").values()]
    alarms = {
        a["Properties"]["AlarmName"]: a["Properties"] for a in synthesized.of_type("AWS::CloudWatch::Alarm").values()
    }

    assert "KmsMasterKeyId" in queue["Properties"]
    assert any(
        s["Effect"] == "Deny" and s["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}
        for p in policies
        for s in p["Statement"]
    )
    depth = alarms["SubnetIpMonitor-events-dead-letter-queue"]
    assert depth["MetricName"] == "ApproximateNumberOfMessagesVisible"
    assert depth["Dimensions"] == [{"Name": "QueueName", "Value": {"Fn::GetAtt": [queue_id, "QueueName"]}}]
    assert depth["Threshold"] == 1
    assert depth["AlarmActions"] == [{"Ref": next(iter(synthesized.of_type("AWS::SNS::Topic")))}]


def test_given_defaults_then_any_exhaustion_event_in_five_minutes_alarms_to_the_topic(synthesized):
    alarms = {
        a["Properties"]["AlarmName"]: a["Properties"] for a in synthesized.of_type("AWS::CloudWatch::Alarm").values()
    }
    (topic_id,) = synthesized.of_type("AWS::SNS::Topic")

    events = alarms["SubnetIpMonitor-ip-exhaustion-events"]
    (query,) = events["Metrics"]
    assert query["Expression"] == 'SELECT SUM(IpExhaustionEvents) FROM SCHEMA("SubnetIpMonitor", AccountId, Reason)'
    assert query["Period"] == 300
    assert (events["Threshold"], events["ComparisonOperator"]) == (1, "GreaterThanOrEqualToThreshold")
    assert events["AlarmActions"] == [{"Ref": topic_id}]


def test_given_the_handler_role_then_it_writes_only_to_its_topic_table_and_queue(synthesized):
    statements = [
        s
        for logical_id, policy in synthesized.of_type("AWS::IAM::Policy").items()
        if logical_id.startswith("EventWatching")
        for s in policy["Properties"]["PolicyDocument"]["Statement"]
    ]
    by_action: dict[str, list[object]] = {}
    for s in statements:
        for action in [s["Action"]] if isinstance(s["Action"], str) else s["Action"]:
            by_action.setdefault(action, []).append(s["Resource"])

    (topic_id,) = synthesized.of_type("AWS::SNS::Topic")
    (table_id,) = synthesized.of_type("AWS::DynamoDB::Table")
    assert by_action["sns:Publish"] == [{"Ref": topic_id}]
    assert by_action["dynamodb:PutItem"] == [[{"Fn::GetAtt": [table_id, "Arn"]}]]
    assert "dynamodb:Scan" not in by_action
    assert by_action["ec2:DescribeSubnets"] == ["*"]


def test_given_a_zero_dedupe_window_then_synth_fails_naming_the_key(tmp_path):
    from infra.core.config import ConfigError

    with pytest.raises(ConfigError, match=r"^monitor:dedupeWindowMinutes: Input should be greater than or equal to 1"):
        synthesize(tmp_path, dedupeWindowMinutes=0)
