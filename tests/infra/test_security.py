"""Least privilege and encryption, read from every policy and resource of the synthesized template."""

import json
from typing import Any

import pytest

from infra.census import CENSUS_READ_ACTIONS, EKS_HEALTH_READ_ACTIONS
from infra.ecs import ECS_READ_ACTIONS
from lambdas.platform.contract import DEFAULT_NAMESPACE

LOGS = {"logs:CreateLogStream", "logs:PutLogEvents"}
EKS_ARN = "arn:<AWS::Partition>:eks:<AWS::Region>:<AWS::AccountId>"
# The at-risk publish mode: one state document per collector, read and replaced each run.
STATE_ACTIONS = ("s3:GetObject", "s3:PutObject")
STATE_KEY_ACTIONS = ("kms:Decrypt", "kms:GenerateDataKey")
KMS_USE = {"kms:Decrypt", "kms:DescribeKey", "kms:Encrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*"}
# A failed or expired scheduled run kept in the failed-runs queue (encrypted with the app key, through SQS).
FAILED_RUN = {"sqs:SendMessage": {"AWS::SQS::Queue"}}
# The explicit allow-list: construct -> action -> the resource kinds it may name ("*" or a resource type).
ALLOWED: dict[str, dict[str, set[str]]] = {
    "SubnetCollection": {
        **{a: {"AWS::Logs::LogGroup"} for a in LOGS},
        **FAILED_RUN,
        "ec2:DescribeSubnets": {"*"},
        "cloudwatch:PutMetricData": {"*"},
        # Its at-risk publish state (monitor:publishMode at-risk, the default) and nothing else of the bucket.
        **{a: {"AWS::S3::Bucket/publish-state/subnets/*"} for a in STATE_ACTIONS},
        **{a: {"AWS::KMS::Key"} for a in STATE_KEY_ACTIONS},
    },
    "EcsCollection": {
        **{a: {"AWS::Logs::LogGroup"} for a in LOGS},
        **FAILED_RUN,
        **{a: {"*"} for a in ECS_READ_ACTIONS},
        "cloudwatch:PutMetricData": {"*"},
        **{a: {"AWS::S3::Bucket/publish-state/ecs/*"} for a in STATE_ACTIONS},
        **{a: {"AWS::KMS::Key"} for a in STATE_KEY_ACTIONS},
        # Its deployment fit document, written only (STATE_ACTIONS already allow PutObject on its state).
        "s3:PutObject": {"AWS::S3::Bucket/publish-state/ecs/*", "AWS::S3::Bucket/deployments/*"},
    },
    "EniCensus": {
        **{a: {"AWS::Logs::LogGroup"} for a in LOGS},
        **FAILED_RUN,
        **{a: {"*"} for a in CENSUS_READ_ACTIONS},
        "cloudwatch:PutMetricData": {"*"},
        # Its snapshots and its publish state only: no list or delete, and the key only through S3.
        "s3:PutObject": {"AWS::S3::Bucket/census/*", "AWS::S3::Bucket/publish-state/census/*"},
        "kms:GenerateDataKey": {"AWS::KMS::Key"},
        # Node group health of this account's clusters, and shortage events to the default bus only.
        **{a: {f"{EKS_ARN}:cluster/*", f"{EKS_ARN}:nodegroup/*"} for a in EKS_HEALTH_READ_ACTIONS},
        # Its node group shortages to the monitor's private bus only (whose policy refuses everyone else).
        "events:PutEvents": {"AWS::Events::EventBus"},
        # The dashboard table reads the latest snapshot and nothing else; the census its publish state.
        "s3:GetObject": {"AWS::S3::Bucket/census/latest.json", "AWS::S3::Bucket/publish-state/census/*"},
        "kms:Decrypt": {"AWS::KMS::Key"},
    },
    "Alerts": {
        **{a: {"AWS::Logs::LogGroup"} for a in LOGS},
        # The forecaster: the subnets in scope, their history, and DaysToExhaustion in the app's namespace.
        "ec2:DescribeSubnets": {"*"},
        "cloudwatch:GetMetricData": {"*"},
        "cloudwatch:ListMetrics": {"*"},
        "cloudwatch:PutMetricData": {"*"},
        # The composer and the digest: a VPC's name, the latest census snapshot, the topic.
        "ec2:DescribeVpcs": {"*"},
        # The composer also reads the ECS collector's deployment fit (the services at deployment risk).
        "s3:GetObject": {"AWS::S3::Bucket/census/latest.json", "AWS::S3::Bucket/deployments/latest.json"},
        "sns:Publish": {"AWS::SNS::Topic"},
        # The composer: incident windows and its dead-letter queue, with the key for them.
        "dynamodb:PutItem": {"AWS::DynamoDB::Table"},
        "dynamodb:DeleteItem": {"AWS::DynamoDB::Table"},
        # Storms (monitor:groupAbove): the storm's item of the incident table, and who else of one of this
        # stack's alarms is in ALARM.
        "dynamodb:UpdateItem": {"AWS::DynamoDB::Table"},
        "dynamodb:GetItem": {"AWS::DynamoDB::Table"},
        "cloudwatch:DescribeAlarmContributors": {
            "arn:<AWS::Partition>:cloudwatch:<AWS::Region>:<AWS::AccountId>:alarm:SubnetIpMonitor-*"
        },
        "sqs:SendMessage": {"AWS::SQS::Queue"},
        **{a: {"AWS::KMS::Key"} for a in (*KMS_USE, "kms:GenerateDataKey")},
    },
    "EventWatching": {
        **{a: {"AWS::Logs::LogGroup"} for a in LOGS},
        "ec2:DescribeSubnets": {"*"},
        # The subnet of the interface a failed CloudTrail call names (AssignPrivateIpAddresses names no subnet).
        "ec2:DescribeNetworkInterfaces": {"*"},
        # The service whose deployment just started (its subnets and deployment configuration).
        "ecs:DescribeServices": {"*"},
        "cloudwatch:PutMetricData": {"*"},
        "sns:Publish": {"AWS::SNS::Topic"},
        "dynamodb:PutItem": {"AWS::DynamoDB::Table"},
        "dynamodb:DeleteItem": {"AWS::DynamoDB::Table"},
        # The per-account incident cap (monitor:maxIncidentsPerWindow): one counter item a window, added to.
        "dynamodb:UpdateItem": {"AWS::DynamoDB::Table"},
        "sqs:SendMessage": {"AWS::SQS::Queue"},
        **{a: {"AWS::KMS::Key"} for a in (*KMS_USE, "kms:GenerateDataKey")},
        # Free /28 blocks of the incident's subnet: the latest census snapshot, nothing else.
        "s3:GetObject": {"AWS::S3::Bucket/census/latest.json"},
    },
}


def _listed(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def _resource_kind(resource: Any, resources: dict[str, Any]) -> str:
    if isinstance(resource, str):
        return resource  # "*", or a literal ARN (a team's own topic, monitor:chatTopicArns)
    if isinstance(resource, dict) and str(resource.get("Ref", "")).startswith("AWS::"):
        return f"<{resource['Ref']}>"  # a pseudo parameter (partition, region, account)
    if isinstance(resource, dict) and ("Ref" in resource or "Fn::GetAtt" in resource):
        logical_id = resource.get("Ref") or resource["Fn::GetAtt"][0]
        return str(resources[logical_id]["Type"])
    if isinstance(resource, dict) and "Fn::Join" in resource:
        # An ARN built from a resource and a literal path, e.g. the bucket's ARN + "/census/*".
        parts = resource["Fn::Join"][1]
        return "".join(_resource_kind(p, resources) if isinstance(p, dict) else p for p in parts)
    return f"unexpected resource {resource!r}"


def _identity_statements(synthesized) -> list[tuple[str, dict[str, Any]]]:
    return [
        (logical_id, statement)
        for logical_id, policy in synthesized.of_type("AWS::IAM::Policy").items()
        for statement in policy["Properties"]["PolicyDocument"]["Statement"]
    ]


def outside_allow_list(synthesized, allow_list: dict[str, dict[str, set[str]]]) -> list[tuple[str, str, str]]:
    """Every (policy, action, resource kind) of the template's identity policies that allow_list does not name."""
    resources = synthesized.resources
    outside = []
    for logical_id, statement in _identity_statements(synthesized):
        construct = next((c for c in allow_list if logical_id.startswith(c)), None)
        allowed = allow_list.get(construct or "", {})
        for action in _listed(statement["Action"]):
            for resource in _listed(statement["Resource"]):
                kind = _resource_kind(resource, resources)
                if statement["Effect"] != "Allow" or kind not in allowed.get(action, set()):
                    outside.append((logical_id, action, kind))
    return outside


def test_given_every_identity_policy_then_each_action_and_resource_is_on_the_allow_list(synthesized):
    assert outside_allow_list(synthesized, ALLOWED) == []
    # And the allow-list is not wider than what is used: every listed action is granted somewhere.
    granted = {a for _, s in _identity_statements(synthesized) for a in _listed(s["Action"])}
    assert {a for actions in ALLOWED.values() for a in actions} == granted


def test_given_every_role_then_it_belongs_to_one_function_and_has_no_managed_or_inline_policy(synthesized):
    roles = synthesized.of_type("AWS::IAM::Role")
    functions = synthesized.of_type("AWS::Lambda::Function").values()

    assert sorted(f["Properties"]["Role"]["Fn::GetAtt"][0] for f in functions) == sorted(roles)
    for role in roles.values():
        assert set(role["Properties"]) == {"AssumeRolePolicyDocument", "Description"}
        (trust,) = role["Properties"]["AssumeRolePolicyDocument"]["Statement"]
        assert trust["Principal"] == {"Service": "lambda.amazonaws.com"}


def test_given_put_metric_data_then_every_grant_is_limited_to_the_namespace(synthesized):
    grants = [s for _, s in _identity_statements(synthesized) if "cloudwatch:PutMetricData" in _listed(s["Action"])]

    assert len(grants) == 5  # the three collectors, the forecaster and the event handler
    assert all(s["Condition"] == {"StringEquals": {"cloudwatch:namespace": DEFAULT_NAMESPACE}} for s in grants)
    assert all(_listed(s["Action"]) == ["cloudwatch:PutMetricData"] for s in grants)


def test_given_the_key_policy_then_each_service_gets_the_key_with_only_the_conditions_its_path_documents(synthesized):
    (key,) = synthesized.of_type("AWS::KMS::Key").values()
    statements = key["Properties"]["KeyPolicy"]["Statement"]

    assert key["Properties"]["EnableKeyRotation"] is True
    assert key["DeletionPolicy"] == "Delete"
    assert key["Properties"]["PendingWindowInDays"] == 7
    services = {
        json.dumps(s["Principal"]["Service"], sort_keys=True): s for s in statements if "Service" in s["Principal"]
    }
    logs_principal = json.dumps({"Fn::Join": ["", ["logs.", {"Ref": "AWS::Region"}, ".amazonaws.com"]]})
    assert sorted(services) == sorted(['"cloudwatch.amazonaws.com"', '"events.amazonaws.com"', logs_principal])
    for statement in (services['"cloudwatch.amazonaws.com"'], services['"events.amazonaws.com"']):
        assert statement["Action"] == ["kms:Decrypt", "kms:GenerateDataKey*"]
    # CloudWatch alarms: this account only. EventBridge (to the dead-letter queues): no source condition, which
    # SNS's key-management page says KMS policies do not support for EventBridge (the queue policies bound it).
    cloudwatch = services['"cloudwatch.amazonaws.com"']
    assert cloudwatch["Condition"] == {"StringEquals": {"aws:SourceAccount": {"Ref": "AWS::AccountId"}}}
    assert "Condition" not in services['"events.amazonaws.com"']
    # CloudWatch Logs of this region, for log groups of this account and region only (the encryption context).
    logs = services[logs_principal]
    assert logs["Action"] == ["kms:Encrypt*", "kms:Decrypt*", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:Describe*"]
    (context_arn,) = logs["Condition"]["ArnLike"].values()
    assert list(logs["Condition"]["ArnLike"]) == ["kms:EncryptionContext:aws:logs:arn"]
    assert context_arn["Fn::Join"][1] == [
        "arn:",
        {"Ref": "AWS::Partition"},
        ":logs:",
        {"Ref": "AWS::Region"},
        ":",
        {"Ref": "AWS::AccountId"},
        ":log-group:*",
    ]
    # The rest is CDK's default: the account's own IAM policies decide (no other principal is named).
    others = [s for s in statements if "Service" not in s["Principal"]]
    assert [s["Principal"]["AWS"]["Fn::Join"][1][-1] for s in others] == [":root"]


@pytest.mark.parametrize(
    ("resource_type", "key_property"),
    [("AWS::SNS::Topic", "KmsMasterKeyId"), ("AWS::SQS::Queue", "KmsMasterKeyId")],
)
def test_given_topic_and_queue_then_they_use_the_app_key(synthesized, resource_type, key_property):
    (key_id,) = synthesized.of_type("AWS::KMS::Key")
    for resource in synthesized.of_type(resource_type).values():
        assert resource["Properties"][key_property] == {"Fn::GetAtt": [key_id, "Arn"]}


def test_given_the_emailing_functions_then_they_may_use_the_key_for_the_table_only_through_dynamodb(synthesized):
    statements = [
        (logical_id, s) for logical_id, s in _identity_statements(synthesized) if "kms:Encrypt" in _listed(s["Action"])
    ]

    assert sorted(logical_id.split("Composer")[0].split("Handler")[0] for logical_id, _ in statements) == [
        "Alerts",
        "EventWatching",
    ]
    for _, statement in statements:
        assert statement["Condition"] == {
            "StringEquals": {
                "kms:ViaService": {"Fn::Join": ["", ["dynamodb.", {"Ref": "AWS::Region"}, ".amazonaws.com"]]}
            }
        }


def test_given_the_incident_table_then_it_uses_the_app_key(synthesized):
    (key_id,) = synthesized.of_type("AWS::KMS::Key")
    (table,) = synthesized.of_type("AWS::DynamoDB::Table").values()

    assert table["Properties"]["SSESpecification"] == {
        "KMSMasterKeyId": {"Fn::GetAtt": [key_id, "Arn"]},
        "SSEEnabled": True,
        "SSEType": "KMS",
    }


def test_given_every_log_group_then_it_has_the_retention_the_app_key_and_goes_with_the_stack(synthesized):
    (key_id,) = synthesized.of_type("AWS::KMS::Key")
    groups = synthesized.of_type("AWS::Logs::LogGroup").values()

    assert len(groups) == 8
    assert all(g["Properties"]["RetentionInDays"] == 30 and g["DeletionPolicy"] == "Delete" for g in groups)
    # (GetAtt also orders the key, and its policy, before the log groups.)
    assert all(g["Properties"]["KmsKeyId"] == {"Fn::GetAtt": [key_id, "Arn"]} for g in groups)


def _alarms(synthesized) -> dict[str, dict[str, Any]]:
    return {
        a["Properties"]["AlarmName"]: a["Properties"] for a in synthesized.of_type("AWS::CloudWatch::Alarm").values()
    }


@pytest.mark.parametrize(("collector", "period"), [("subnets", 300), ("ecs", 300), ("census", 900)])
def test_given_each_collector_then_a_heartbeat_alarm_fires_after_3_silent_runs(synthesized, collector, period):
    (topic_id,) = synthesized.of_type("AWS::SNS::Topic")

    heartbeat = _alarms(synthesized)[f"SubnetIpMonitor-{collector}-collector-heartbeat"]

    assert (heartbeat["MetricName"], heartbeat["Statistic"]) == ("CollectorHeartbeat", "SampleCount")
    assert heartbeat["Dimensions"] == [{"Name": "Collector", "Value": collector}]
    assert (heartbeat["Period"], heartbeat["EvaluationPeriods"], heartbeat["DatapointsToAlarm"]) == (period, 3, 3)
    assert (heartbeat["ComparisonOperator"], heartbeat["Threshold"]) == ("LessThanThreshold", 1)
    assert heartbeat["TreatMissingData"] == "breaching"
    assert heartbeat["AlarmActions"] == heartbeat["OKActions"] == [{"Ref": topic_id}]


def test_given_every_function_then_its_errors_and_throttles_alarm_to_the_topic(synthesized):
    (topic_id,) = synthesized.of_type("AWS::SNS::Topic")
    alarms = _alarms(synthesized)
    functions = set(synthesized.of_type("AWS::Lambda::Function"))

    for metric in ("Errors", "Throttles"):
        watched = {
            a["Dimensions"][0]["Value"]["Ref"]
            for a in alarms.values()
            if a.get("Namespace") == "AWS/Lambda" and a.get("MetricName") == metric
        }
        assert watched == functions, metric
    lambda_alarms = [a for a in alarms.values() if a.get("Namespace") == "AWS/Lambda"]
    assert len(lambda_alarms) == 17  # errors and throttles of 8 functions, and the handler's DeadLetterErrors
    assert all(a["AlarmActions"] == [{"Ref": topic_id}] for a in lambda_alarms)
    # Every alarm notifies the topic itself except the grouped Metrics Insights alarms, whose contributors the
    # composer emails (so a broken composer cannot silence the monitor's own health alarms).
    direct = {name: a for name, a in alarms.items() if "AlarmActions" in a}
    assert all(a["AlarmActions"] == [{"Ref": topic_id}] for a in direct.values())
    routed = set(alarms) - set(direct)
    assert all("GROUP BY" in alarms[name]["Metrics"][0]["Expression"] for name in routed)


def test_given_the_replay_policy_then_it_reads_and_deletes_the_events_queue_invokes_the_handler_and_nothing_else(
    synthesized,
):
    resources = synthesized.resources
    (policy,) = synthesized.of_type("AWS::IAM::ManagedPolicy").values()
    statements = policy["Properties"]["PolicyDocument"]["Statement"]

    granted = {
        (action, _resource_kind(resource, resources))
        for s in statements
        for action in _listed(s["Action"])
        for resource in _listed(s["Resource"])
    }
    assert granted == {
        ("sqs:ReceiveMessage", "AWS::SQS::Queue"),
        ("sqs:DeleteMessage", "AWS::SQS::Queue"),
        ("sqs:ChangeMessageVisibility", "AWS::SQS::Queue"),
        ("kms:Decrypt", "AWS::KMS::Key"),
        ("lambda:InvokeFunction", "AWS::Lambda::Function"),
        ("cloudformation:DescribeStacks", "<AWS::StackId>"),  # this stack's outputs
    }
    queue = next(s for s in statements if "sqs:ReceiveMessage" in _listed(s["Action"]))
    assert queue["Resource"]["Fn::GetAtt"][0].startswith("EventWatchingDeadLetters")
    key_use = next(s for s in statements if s["Action"] == "kms:Decrypt")
    assert key_use["Condition"]["StringEquals"]["kms:ViaService"]["Fn::Join"][1][0] == "sqs."
    # Attached to nobody here: the people who replay attach it to their own role.
    assert not {"Roles", "Users", "Groups"} & set(policy["Properties"])
    outputs = synthesized.template.to_json()["Outputs"]
    assert set(outputs) == {"EventHandlerName", "EventsDeadLetterQueueUrl", "ReplayPolicyArn"}
    assert outputs["ReplayPolicyArn"]["Value"] == {"Ref": next(iter(synthesized.of_type("AWS::IAM::ManagedPolicy")))}
