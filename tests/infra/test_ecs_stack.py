"""What `cdk deploy` would create for the ECS slice, read from the synthesized template."""

import json

from infra.ecs import ECS_READ_ACTIONS
from tests.infra.conftest import synthesize


def _alarms(synthesized):
    return {
        a["Properties"]["AlarmName"]: a["Properties"] for a in synthesized.of_type("AWS::CloudWatch::Alarm").values()
    }


def test_given_defaults_then_the_ecs_collector_runs_on_the_schedule_with_its_settings(synthesized):
    functions = [
        (k, f["Properties"])
        for k, f in synthesized.of_type("AWS::Lambda::Function").items()
        if f["Properties"]["Handler"] == "lambdas.ecs.handler.handler"
    ]
    assert len(functions) == 1
    logical_id, props = functions[0]
    assert props["Environment"]["Variables"]["CLUSTER_NAMES"] == ""
    assert props["Environment"]["Variables"]["METRIC_NAMESPACE"] == "SubnetIpMonitor"
    rules = [
        r["Properties"]
        for r in synthesized.of_type("AWS::Events::Rule").values()
        if r["Properties"]["Targets"][0]["Arn"] == {"Fn::GetAtt": [logical_id, "Arn"]}
    ]
    assert [r["ScheduleExpression"] for r in rules] == ["rate(5 minutes)"]


def test_given_defaults_then_the_ecs_collector_may_only_read_ecs_and_instance_types_and_keep_its_state(synthesized):
    statements = [
        s
        for logical_id, policy in synthesized.of_type("AWS::IAM::Policy").items()
        if logical_id.startswith("EcsCollection")
        for s in policy["Properties"]["PolicyDocument"]["Statement"]
    ]
    actions = {a for s in statements for a in ([s["Action"]] if isinstance(s["Action"], str) else s["Action"])}
    # The at-risk publish mode (the default) reads and replaces its one state document (tests/infra/test_publish_modes).
    publish_state = {"s3:GetObject", "s3:PutObject", "kms:Decrypt", "kms:GenerateDataKey"}
    assert actions == {
        *ECS_READ_ACTIONS,
        "cloudwatch:PutMetricData",
        "logs:CreateLogStream",
        "logs:PutLogEvents",
        *publish_state,
        # A failed or expired scheduled run goes to the failed-runs queue (encrypted: the same two key actions).
        "sqs:SendMessage",
    }
    assert all(a.split(":")[1].startswith(("List", "Describe")) for a in ECS_READ_ACTIONS)


def test_given_the_whole_stack_then_no_statement_grants_a_write_on_ec2_or_ecs(synthesized):
    actions = [
        a
        for policy in synthesized.of_type("AWS::IAM::Policy").values()
        for s in policy["Properties"]["PolicyDocument"]["Statement"]
        for a in ([s["Action"]] if isinstance(s["Action"], str) else s["Action"])
        if a.split(":")[0] in {"ec2", "ecs"}
    ]
    assert actions
    assert all(a.split(":")[1].startswith(("Describe", "List", "Get")) and "*" not in a for a in actions), actions


def test_given_defaults_then_eni_utilization_and_untrunked_alarms_group_by_cluster(synthesized):
    alarms = _alarms(synthesized)
    utilization = alarms["SubnetIpMonitor-ecs-eni-utilization"]
    untrunked = alarms["SubnetIpMonitor-ecs-untrunked-instances"]
    assert utilization["Metrics"][0]["Expression"] == (
        'SELECT MAX(EniUtilization) FROM SCHEMA("SubnetIpMonitor", AccountId, ClusterName, Region) '
        "GROUP BY AccountId, Region, ClusterName ORDER BY MAX() DESC LIMIT 500"
    )
    assert (utilization["Threshold"], utilization["ComparisonOperator"]) == (80, "GreaterThanOrEqualToThreshold")
    assert "GROUP BY AccountId, Region, ClusterName" in untrunked["Metrics"][0]["Expression"]
    assert untrunked["Threshold"] == 1
    assert "replace the instances" in untrunked["AlarmDescription"]
    # Per-cluster alarms are emailed cluster by cluster by the alert composer; the collector's own alarm goes
    # straight to the topic.
    for alarm in (utilization, untrunked):
        assert "AlarmActions" not in alarm
        assert "OKActions" not in alarm
    failures = alarms["SubnetIpMonitor-ecs-collector-failures"]
    assert len(failures["AlarmActions"]) == 1
    assert failures["OKActions"] == failures["AlarmActions"]


def test_given_the_untrunked_alarm_turned_off_then_only_it_is_gone(tmp_path):
    synthesized = synthesize(tmp_path, untrunkedInstancesAlarm=False, eniUtilizationThresholdPercent=90)
    alarms = _alarms(synthesized)
    assert "SubnetIpMonitor-ecs-untrunked-instances" not in alarms
    assert alarms["SubnetIpMonitor-ecs-eni-utilization"]["Threshold"] == 90


def test_given_defaults_then_the_dashboard_shows_eni_utilization_tasks_vs_capacity_and_untrunked(synthesized):
    dashboard = next(iter(synthesized.of_type("AWS::CloudWatch::Dashboard").values()))
    body = json.dumps(dashboard["Properties"]["DashboardBody"])
    for fragment in ("MAX(EniUtilization)", "SUM(EniTasksRunning)", "SUM(EniTaskCapacity)", "MAX(UntrunkedInstances)"):
        assert fragment in body
