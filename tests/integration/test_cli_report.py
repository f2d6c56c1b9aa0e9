"""`subnet-ip-monitor report`: the same report on the emulator in every format, read-only by construction,
and complete but for what a missing permission hides."""

from __future__ import annotations

import csv
import io
import json
from typing import Any

import boto3
import pytest
from botocore.awsrequest import AWSResponse

from cli.main import main, report_output
from cli.readonly import READ_PREFIXES, NotReadOnly, watch_read_only
from cli.report import enabled_regions
from devkit.demo_session import demo_session
from lambdas.platform.settings import SubnetScopeSettings

SCOPE = SubnetScopeSettings.model_validate(
    {"METRIC_NAMESPACE": "SubnetIpMonitor", "VPC_IDS": "", "SUBNET_TAG_FILTER": ""}
)


def _report(capsys: pytest.CaptureFixture[str], output_format: str) -> str:
    assert main(["report", "--demo", "--format", output_format]) == 0
    return capsys.readouterr().out


def test_given_the_demo_then_the_table_ranks_the_full_task_subnet_first_with_its_holders_and_forecast(capsys):
    out = _report(capsys, "table")

    lines = out.splitlines()
    header = lines.index(next(line for line in lines if line.startswith("name ")))
    first = lines[header + 1].split()
    assert first[0] == "tasks-1a"
    assert first[3:8] == ["10.20.16.0/25", "123", "118", "5", "95.9"]
    assert "at the floor" in lines[header + 1]
    assert "ecs-task orders/checkout 59, ecs-task orders/payments 59" in lines[header + 1]
    assert lines[header + 2].split()[0] == "tasks-1b"
    # The cluster: 7 of 14 task-ENI slots, the m5.large launched before the opt-in untrunked
    cluster = next(line for line in lines if line.startswith("orders "))
    assert cluster.split() == ["orders", "3", "7/14", "50.0", "7", "2"]
    assert "Finding: 2 trunk-capable instance(s) run without a trunk ENI" in out
    assert "INTERFACES ATTACHED TO NOTHING: 2 holding 2 addresses" in out
    assert "MISSING PERMISSIONS" not in out
    # The demo's two services at deployment risk, the one that does not fit first
    services = lines[lines.index("ECS SERVICES: WILL THE NEXT DEPLOYMENT FIT? (awsvpc services, at risk first)") + 2 :]
    assert services[0].split() == ["orders/orders-api", "10", "200", "10", "7", "in", "1", "NO", "no", "-"]
    assert services[1].split() == ["orders/orders-worker", "12", "200", "12", "80", "in", "2", "yes", "YES", "-"]


def test_given_the_demo_then_the_json_is_the_census_snapshot_shape_plus_clusters(capsys):
    document = json.loads(_report(capsys, "json"))

    (region,) = document["regions"]
    assert document["accountId"] == region["accountId"] == "123456789012"
    assert document["missingPermissions"] == []
    assert set(region) >= {"generatedAt", "accountId", "region", "subnets", "eksClusters", "unattached", "clusters"}
    first = region["subnets"][0]
    assert (first["name"], first["usableAddresses"], first["availableAddresses"]) == ("tasks-1a", 123, 5)
    assert first["consumers"][0] == {
        "category": "ecs-task",
        "owner": "orders/checkout",
        "addresses": 59,
        "interfaces": 59,
    }
    assert first["forecast"]["daysToFloor"] == 0
    tasks_1b = region["subnets"][1]
    assert tasks_1b["name"] == "tasks-1b"
    assert 9 <= tasks_1b["forecast"]["daysToFloor"] <= 11  # (18 - 8) free at 1 a day
    assert region["eksClusters"][0]["clusterName"] == "platform-eks"
    assert [(s["service"], s["surge"], s["fits"], s["unbalanced"]) for s in region["services"]] == [
        ("orders-api", 10, False, False),
        ("orders-worker", 12, True, True),
    ]
    (cluster,) = region["clusters"]
    assert (cluster["taskEnisRunning"], cluster["taskEniCapacity"], cluster["untrunkedInstances"]) == (7, 14, 2)


def test_given_the_demo_then_the_csv_has_one_row_per_subnet_fullest_first(capsys):
    rows = list(csv.DictReader(io.StringIO(_report(capsys, "csv"))))

    assert [r["name"] for r in rows[:3]] == ["tasks-1a", "tasks-1b", "tasks-1c"]
    assert (rows[0]["usedAddresses"], rows[0]["availableAddresses"], rows[0]["utilizationPercent"]) == (
        "118",
        "5",
        "95.9",
    )
    assert rows[0]["topConsumers"] == "ecs-task orders/checkout 59; ecs-task orders/payments 59"
    assert len({r["subnetId"] for r in rows}) == len(rows) == 13


def test_given_a_report_then_every_operation_it_called_is_a_describe_list_or_get():
    with demo_session() as (session, region):
        log = watch_read_only(session)
        report_output(session, [region], log=log, scope=SCOPE)

    assert log.called, "the report called nothing"
    assert all(action.split(":")[1].startswith(READ_PREFIXES) for action in log.called)
    # What the report needs, as docs/cli.md's permission list says
    assert {"ecs:ListServices", "ecs:DescribeServices"} <= set(log.called)
    assert {a for a in log.called if not a.startswith("sts:")} <= {
        "ec2:DescribeSubnets",
        "ec2:DescribeNetworkInterfaces",
        "ec2:DescribeInstances",
        "ec2:GetSubnetCidrReservations",
        "ec2:DescribeInstanceTypes",
        "ecs:ListClusters",
        "ecs:ListAccountSettings",
        "ecs:ListContainerInstances",
        "ecs:DescribeContainerInstances",
        "ecs:ListTasks",
        "ecs:DescribeTasks",
        "ecs:ListServices",
        "ecs:DescribeServices",
        "ecs:DescribeCapacityProviders",
        "autoscaling:DescribeAutoScalingGroups",
        "cloudwatch:GetMetricData",
    }


def test_given_a_write_through_the_reports_session_then_it_is_refused_before_it_is_sent():
    with demo_session() as (session, region):
        watch_read_only(session)
        before = len(boto3.client("ec2", region_name=region).describe_vpcs()["Vpcs"])
        with pytest.raises(NotReadOnly, match="ec2:CreateVpc is not a read"):
            session.client("ec2").create_vpc(CidrBlock="10.99.0.0/16")
        assert len(boto3.client("ec2", region_name=region).describe_vpcs()["Vpcs"]) == before


def _deny_list_clusters(**_: Any) -> tuple[AWSResponse, dict[str, Any]]:
    """ECS's answer to a role without ecs:ListClusters (HTTP 400, AccessDeniedException, as the ECS API
    reference documents it). moto enforces IAM only when told to, for every call, seeding included; a hook on
    the report's session denies exactly this one action."""
    message = "User: arn:aws:sts::123456789012:assumed-role/reader/cli is not authorized to perform: ecs:ListClusters"
    return AWSResponse("https://ecs.eu-west-1.amazonaws.com/", 400, {}, None), {  # type: ignore[arg-type]
        "Error": {"Code": "AccessDeniedException", "Message": message},
        "ResponseMetadata": {"HTTPStatusCode": 400},
    }


def test_given_a_role_without_ecs_list_clusters_then_the_report_names_it_and_still_prints_the_subnets():
    with demo_session() as (session, region):
        session.events.register("before-call.ecs.ListClusters", _deny_list_clusters)
        log = watch_read_only(session)
        table = report_output(session, [region], log=log, scope=SCOPE)
        document = json.loads(report_output(session, [region], log=log, scope=SCOPE, output_format="json"))

    assert "MISSING PERMISSIONS (the rest of the report is complete)" in table
    assert "- ecs:ListClusters: the ECS clusters are not reported" in table
    assert "- no cluster with EC2 container instances" in table
    assert "tasks-1a" in table
    assert document["missingPermissions"] == ["ecs:ListClusters"]
    assert document["regions"][0]["subnets"][0]["name"] == "tasks-1a"
    assert document["regions"][0]["clusters"] == []


def test_given_all_regions_then_the_regions_enabled_for_the_account_are_read_in_order():
    with demo_session() as (session, region):
        regions = enabled_regions(session, region)
    assert {"eu-west-1", "us-east-1"} <= set(regions)
    assert regions == sorted(regions)
