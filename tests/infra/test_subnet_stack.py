"""What `cdk deploy` would create for the subnet slice, read from the synthesized template."""

import json

from aws_cdk.assertions import Match

from tests.infra.conftest import synthesize


def _logical_id(synthesized, resource_type, predicate):
    matches = [k for k, v in synthesized.of_type(resource_type).items() if predicate(v["Properties"])]
    assert len(matches) == 1, matches
    return matches[0]


def _collector_id(synthesized):
    return _logical_id(
        synthesized,
        "AWS::Lambda::Function",
        lambda p: p["Handler"] == "lambdas.subnets.handler.handler",
    )


def test_given_defaults_then_the_collector_runs_python_3_14_with_powertools_and_its_settings(synthesized):
    synthesized.template.has_resource_properties(
        "AWS::Lambda::Function",
        {
            "Handler": "lambdas.subnets.handler.handler",
            "Runtime": "python3.14",
            "Architectures": ["arm64"],
            "Environment": {
                "Variables": Match.object_like(
                    {"METRIC_NAMESPACE": "SubnetIpMonitor", "VPC_IDS": "", "SUBNET_TAG_FILTER": ""}
                )
            },
            "Layers": [
                {
                    "Fn::Join": [
                        "",
                        Match.array_with([Match.string_like_regexp("AWSLambdaPowertoolsPythonV3-python314")]),
                    ]
                }
            ],
        },
    )


def test_given_defaults_then_a_rule_runs_the_collector_every_5_minutes_without_retries(synthesized):
    collector = _collector_id(synthesized)
    synthesized.template.has_resource_properties(
        "AWS::Events::Rule",
        {
            "ScheduleExpression": "rate(5 minutes)",
            "Targets": [
                Match.object_like({"Arn": {"Fn::GetAtt": [collector, "Arn"]}, "RetryPolicy": Match.any_value()})
            ],
        },
    )
    synthesized.template.has_resource_properties(
        "AWS::Lambda::EventInvokeConfig", {"FunctionName": {"Ref": collector}, "MaximumRetryAttempts": 0}
    )


def test_given_defaults_then_two_multi_series_alarms_group_by_subnet_and_leave_the_emails_to_the_composer(
    synthesized,
):
    alarms = {
        v["Properties"]["AlarmName"]: v["Properties"] for v in synthesized.of_type("AWS::CloudWatch::Alarm").values()
    }
    utilization = alarms["SubnetIpMonitor-subnet-ip-utilization"]
    free = alarms["SubnetIpMonitor-subnet-free-addresses"]
    assert utilization["Metrics"][0]["Expression"] == (
        'SELECT MAX(IpUtilization) FROM SCHEMA("SubnetIpMonitor", AccountId, AvailabilityZone, SubnetId, VpcId) '
        "GROUP BY AccountId, SubnetId ORDER BY MAX() DESC LIMIT 500"
    )
    assert (utilization["Threshold"], utilization["ComparisonOperator"]) == (80, "GreaterThanOrEqualToThreshold")
    assert free["Metrics"][0]["Expression"] == (
        'SELECT MIN(AvailableIpAddressCount) FROM SCHEMA("SubnetIpMonitor", '
        "AccountId, AvailabilityZone, SubnetId, VpcId) "
        "GROUP BY AccountId, SubnetId ORDER BY MIN() ASC LIMIT 500"
    )
    assert (free["Threshold"], free["ComparisonOperator"]) == (8, "LessThanOrEqualToThreshold")
    for alarm in (utilization, free):
        assert alarm["Metrics"][0]["Period"] == 300
        # No action of its own: each contributor's transition reaches the composer through EventBridge.
        assert "AlarmActions" not in alarm
        assert "OKActions" not in alarm
        assert alarm["TreatMissingData"] == "notBreaching"
        assert "add a subnet" in alarm["AlarmDescription"]


def test_given_defaults_then_collector_failures_alarm_on_the_first_partial_run(synthesized):
    synthesized.template.has_resource_properties(
        "AWS::CloudWatch::Alarm",
        {
            "MetricName": "CollectorFailures",
            "Namespace": "SubnetIpMonitor",
            "Dimensions": [{"Name": "Collector", "Value": "subnets"}],
            "Threshold": 1,
            "AlarmActions": [Match.any_value()],
        },
    )


def test_given_an_email_then_the_topic_is_kms_encrypted_ssl_only_and_subscribed(synthesized):
    key = _logical_id(synthesized, "AWS::KMS::Key", lambda p: p["EnableKeyRotation"] is True)
    synthesized.template.has_resource_properties("AWS::SNS::Topic", {"KmsMasterKeyId": {"Fn::GetAtt": [key, "Arn"]}})
    synthesized.template.has_resource_properties(
        "AWS::SNS::Subscription", {"Protocol": "email", "Endpoint": "oncall@example.com"}
    )
    synthesized.template.has_resource_properties(
        "AWS::SNS::TopicPolicy",
        {
            "PolicyDocument": {
                "Statement": Match.array_with(
                    [Match.object_like({"Effect": "Deny", "Condition": {"Bool": {"aws:SecureTransport": "false"}}})]
                )
            }
        },
    )
    # Alarms may use the key, and only from this account.
    key_policy = synthesized.resources[key]["Properties"]["KeyPolicy"]["Statement"]
    cloudwatch_grant = next(s for s in key_policy if s["Principal"] == {"Service": "cloudwatch.amazonaws.com"})
    assert cloudwatch_grant["Condition"] == {"StringEquals": {"aws:SourceAccount": {"Ref": "AWS::AccountId"}}}


def test_given_defaults_then_the_collector_reads_subnets_and_writes_only_its_namespace(synthesized):
    statements = [
        s
        for logical_id, policy in synthesized.of_type("AWS::IAM::Policy").items()
        if logical_id.startswith("SubnetCollection")
        for s in policy["Properties"]["PolicyDocument"]["Statement"]
    ]
    actions = sorted(a for s in statements for a in ([s["Action"]] if isinstance(s["Action"], str) else s["Action"]))
    assert actions == [
        "cloudwatch:PutMetricData",
        "ec2:DescribeSubnets",
        # The at-risk publish mode's state through S3 (the default; tests/infra/test_publish_modes.py has
        # every-run), and the failed-runs queue through SQS.
        "kms:Decrypt",
        "kms:Decrypt",
        "kms:GenerateDataKey",
        "kms:GenerateDataKey",
        "logs:CreateLogStream",
        "logs:PutLogEvents",
        "s3:GetObject",
        "s3:PutObject",
        # A failed or expired scheduled run goes to the failed-runs queue.
        "sqs:SendMessage",
    ]
    put = next(s for s in statements if s["Action"] == "cloudwatch:PutMetricData")
    assert put["Condition"] == {"StringEquals": {"cloudwatch:namespace": "SubnetIpMonitor"}}
    logs = next(s for s in statements if "logs:PutLogEvents" in s["Action"])
    assert "Fn::GetAtt" in logs["Resource"]  # its own log group, not logs:* on everything


def test_given_defaults_then_logs_are_kept_30_days_and_go_with_the_stack(synthesized):
    synthesized.template.has_resource(
        "AWS::Logs::LogGroup", {"Properties": {"RetentionInDays": 30}, "DeletionPolicy": "Delete"}
    )


def test_given_defaults_then_the_dashboard_uses_metrics_insights_queries(synthesized):
    dashboard = next(iter(synthesized.of_type("AWS::CloudWatch::Dashboard").values()))
    body = json.dumps(dashboard["Properties"]["DashboardBody"])
    assert "GROUP BY AccountId, SubnetId ORDER BY MAX() DESC LIMIT 10" in body
    assert "GROUP BY AccountId, SubnetId ORDER BY MIN() ASC LIMIT 20" in body
    assert "GROUP BY AccountId, VpcId" in body


def test_given_alarm_per_vpc_then_each_vpc_gets_its_own_pair_of_alarms(tmp_path):
    vpcs = ["vpc-0123456789abcdef0", "vpc-0fedcba9876543210"]
    synthesized = synthesize(tmp_path, vpcIds=vpcs, alarmPerVpc=True, utilizationThresholdPercent=70)
    expressions = [
        alarm["Properties"]["Metrics"][0]["Expression"]
        for logical_id, alarm in synthesized.of_type("AWS::CloudWatch::Alarm").items()
        if "Metrics" in alarm["Properties"] and logical_id.startswith("SubnetCollection")
    ]
    assert len(expressions) == 4
    for vpc in vpcs:
        assert sum(f"WHERE VpcId = '{vpc}'" in e for e in expressions) == 2
    synthesized.template.has_resource_properties(
        "AWS::CloudWatch::Alarm", {"AlarmName": f"SubnetIpMonitor-subnet-ip-utilization-{vpcs[0]}", "Threshold": 70}
    )
