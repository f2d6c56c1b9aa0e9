"""The at-risk publish mode end to end against moto: runs a few minutes apart, points read back from
CloudWatch, the state read back from S3."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from botocore.stub import Stubber

from devkit.emulator import restore_aws_fields
from devkit.publishing import at_risk
from devkit.scenario import (
    ECS_CLUSTER,
    REGION,
    seed_census_consumers,
    seed_network,
    seed_orders_cluster,
)
from lambdas.census.pipeline import collect_census
from lambdas.census.settings import CensusSettings
from lambdas.ecs.pipeline import collect_ecs
from lambdas.ecs.settings import EcsCollectorSettings
from lambdas.platform import contract
from lambdas.platform.publish_policy import rotation_due
from lambdas.platform.targets import Target
from lambdas.subnets.pipeline import collect_subnets
from lambdas.subnets.settings import SubnetCollectorSettings
from tests.integration.conftest import ACCOUNT_ID, NAMESPACE, fill_subnet, metric_values, target_with

pytestmark = pytest.mark.usefixtures("aws")
BUCKET = "monitor-bucket"
# Runs 5 minutes apart, within the last hour (the metrics are read back over the last hour).
T0 = datetime.now(UTC).replace(second=0, microsecond=0) - timedelta(minutes=40)
SCOPE = {"METRIC_NAMESPACE": NAMESPACE, "VPC_IDS": "", "SUBNET_TAG_FILTER": ""}


def _minutes(n: int) -> datetime:
    return T0 + timedelta(minutes=n)


def _rotation_due(key: str, after_minutes: int, until_minutes: int) -> bool:
    """Whether the key's daily rotation instant falls between two runs (the tests' runs are minutes apart)."""
    after, until = (int(_minutes(m).timestamp()) for m in (after_minutes, until_minutes))
    return rotation_due(key, 24 * 3600, after, until)


def _state(target: Target, collector: str) -> dict[str, Any]:
    key = f"publish-state/{collector}/{ACCOUNT_ID}-{REGION}.json"
    return dict(json.loads(target.client("s3").get_object(Bucket=BUCKET, Key=key)["Body"].read()))


@pytest.fixture
def target() -> Target:
    target = Target(ACCOUNT_ID, REGION)
    target.client("s3").create_bucket(Bucket=BUCKET, CreateBucketConfiguration={"LocationConstraint": REGION})
    return target


@pytest.fixture
def subnets(target: Target) -> dict[str, str]:
    """A /27 (27 usable) at 7 % and one at 93 %, in one VPC."""
    ec2 = target.client("ec2")
    vpc = ec2.create_vpc(CidrBlock="10.40.0.0/16")["Vpc"]["VpcId"]
    ids = {"vpc": vpc}
    for name, cidr, used in (("quiet", "10.40.0.0/27", 2), ("hot", "10.40.0.32/27", 25)):
        ids[name] = ec2.create_subnet(VpcId=vpc, CidrBlock=cidr, AvailabilityZone=f"{REGION}a")["Subnet"]["SubnetId"]
        fill_subnet(ec2, ids[name], used)
    return ids


def _subnet_settings(vpc: str) -> SubnetCollectorSettings:
    return SubnetCollectorSettings.model_validate({**SCOPE, "VPC_IDS": vpc, **at_risk(BUCKET)})


def _utilization(target: Target, ids: dict[str, str], name: str) -> list[float]:
    dims = contract.subnet_series(ACCOUNT_ID, ids["vpc"], ids[name], f"{REGION}a")
    return metric_values(target.client("cloudwatch"), "IpUtilization", dims)


def test_given_a_quiet_subnet_that_fills_up_then_the_run_that_sees_it_publishes_it(target, subnets):
    settings = _subnet_settings(subnets["vpc"])
    # Given a first run (everything is new) and a second, where only the hot subnet needs a point
    first = collect_subnets(target, settings, _minutes(0)).report
    second = collect_subnets(target, settings, _minutes(5)).report
    assert (first.published, first.publish_reasons) == (2, {"new": 1, "at-risk": 1})
    # (unless the quiet subnet's daily turn falls in these 5 minutes: a 1 in 288 chance, worked out here)
    rotated = _rotation_due(subnets["quiet"], 0, 5)
    assert second.publish_reasons == ({"at-risk": 1, "rotation": 1} if rotated else {"at-risk": 1})
    # When the quiet subnet jumps from 7 % to 100 % before the third run
    fill_subnet(target.client("ec2"), subnets["quiet"], 25)
    third = collect_subnets(target, settings, _minutes(10)).report
    # Then that run publishes it: its alarm sees it as soon as in every-run
    assert third.publish_reasons == {"at-risk": 2}
    # (GetMetricData answers newest first)
    quiet_points = [pytest.approx(100.0)] + [pytest.approx(100 * 2 / 27)] * (2 if rotated else 1)
    assert _utilization(target, subnets, "quiet") == quiet_points
    assert _utilization(target, subnets, "hot") == [pytest.approx(100 * 25 / 27)] * 3
    # And the per-VPC series have a point every run, whatever was published
    vpc = contract.vpc_series(ACCOUNT_ID, subnets["vpc"])
    cloudwatch = target.client("cloudwatch")
    assert metric_values(cloudwatch, "VpcAvailableIpAddressCount", vpc) == [2.0, 27.0, 27.0]
    assert metric_values(cloudwatch, "VpcMaxIpUtilization", vpc) == [100.0] + [pytest.approx(100 * 25 / 27)] * 2
    # And the state (read back from S3) remembers both, with the run's time
    state = _state(target, "subnets")
    assert state["runAt"] == int(_minutes(10).timestamp())
    assert set(state["series"]) == {subnets["quiet"], subnets["hot"]}
    assert all(s["status"] == "complete" for s in (first.as_dict(), second.as_dict(), third.as_dict()))


def test_given_every_run_mode_then_every_subnet_has_a_point_every_run_and_no_state_is_kept(target, subnets):
    settings = SubnetCollectorSettings.model_validate(
        {**SCOPE, "VPC_IDS": subnets["vpc"], **at_risk(BUCKET), "PUBLISH_MODE": "every-run"}
    )
    for minute in (0, 5):
        assert collect_subnets(target, settings, _minutes(minute)).report.published == 2
    assert len(_utilization(target, subnets, "quiet")) == 2
    assert target.client("s3").list_objects_v2(Bucket=BUCKET)["KeyCount"] == 0


def test_given_the_state_cannot_be_read_then_every_subnet_is_published_and_the_run_is_partial(target, subnets):
    # The bucket is missing (a deleted bucket, or a role without s3:GetObject): the safe side is more points
    settings = SubnetCollectorSettings.model_validate({**SCOPE, "VPC_IDS": subnets["vpc"], **at_risk("no-such")})
    report = collect_subnets(target, settings, _minutes(0)).report
    assert report.published == 2
    assert report.status == "partial"
    assert [(f["operation"], f["code"]) for f in report.failures] == [
        ("GetObject", "NoSuchBucket"),
        ("PutObject", "NoSuchBucket"),
    ]
    assert len(_utilization(target, subnets, "quiet")) == 1


def test_given_a_failed_put_metric_data_batch_then_the_state_is_not_kept_so_the_next_run_resends(target, subnets):
    # moto cannot fail PutMetricData on demand: Stubber answers the one batch with a 500 (retries exhausted)
    cloudwatch = target_with(region=REGION).client("cloudwatch")
    settings = _subnet_settings(subnets["vpc"])
    broken = Target(ACCOUNT_ID, REGION, clients={"ec2": target.client("ec2"), "s3": target.client("s3")})
    with Stubber(cloudwatch) as stub:
        stub.add_client_error("put_metric_data", "InternalServiceError", "try later", 500)
        stub.add_response("put_metric_data", {})  # the CollectorFailures point
        broken.clients["cloudwatch"] = cloudwatch
        report = collect_subnets(broken, settings, _minutes(0)).report
    assert report.status == "partial"
    assert target.client("s3").list_objects_v2(Bucket=BUCKET)["KeyCount"] == 0
    # The next run starts from no state: both subnets go out again
    assert collect_subnets(target, settings, _minutes(5)).report.published == 2


def test_given_a_cluster_with_untrunked_instances_then_it_is_published_every_run(target):
    ec2, ecs = target.client("ec2"), target.client("ecs")
    network = seed_network(ec2)
    seed_orders_cluster(ec2, ecs, network)
    settings = EcsCollectorSettings.model_validate(
        {"METRIC_NAMESPACE": NAMESPACE, "CLUSTER_NAMES": "", "SNAPSHOT_BUCKET": BUCKET, **at_risk(BUCKET)}
    )
    # 7 tasks in 14 slots (50 %: at the watch level), 2 instances without their trunk: at risk
    reports = [collect_ecs(target, settings, _minutes(n)).report for n in (0, 5, 10)]
    assert [r.publish_reasons for r in reports] == [{"at-risk": 1}] * 3
    assert (
        metric_values(
            target.client("cloudwatch"), "UntrunkedInstances", contract.cluster_series(ACCOUNT_ID, REGION, ECS_CLUSTER)
        )
        == [2.0] * 3
    )
    assert _state(target, "ecs")["series"][ECS_CLUSTER][0] == 7.0  # free task slots: 14 - 7


def test_given_an_eks_subnet_then_its_free_blocks_go_out_when_at_risk_or_due_and_the_per_vpc_series_every_run(
    target,
):
    ec2 = target.client("ec2")
    restore_aws_fields(ec2)
    network = seed_network(ec2)
    seed_census_consumers(ec2, network)
    # A floor of 0 /28 blocks, and the EKS subnet 5.6 % used: it is quiet unless moto's random addresses
    # (docs/demo.md's notes) happened to leave no block free, which makes it at risk.
    settings = CensusSettings.model_validate(
        {
            **SCOPE,
            "VPC_IDS": network.vpc_id,
            "SNAPSHOT_BUCKET": BUCKET,
            **at_risk(BUCKET),
            "FREE_PREFIX_BLOCK_FLOOR": "0",
        }
    )
    reports = [collect_census(target, settings, _minutes(n)).report for n in (0, 15)]
    eks = contract.subnet_series(ACCOUNT_ID, network.vpc_id, network.subnet_ids["eks-1a"], f"{REGION}a")
    snapshot = json.loads(target.client("s3").get_object(Bucket=BUCKET, Key="census/latest.json")["Body"].read())
    free_blocks = next(s["freePrefixBlocks"] for s in snapshot["subnets"] if s["subnetId"] == eks["SubnetId"])
    rotated = _rotation_due(eks["SubnetId"], 0, 15)  # a 1 in 96 chance, worked out
    if free_blocks == 0:  # at risk: a point every run
        expected_reasons, points = [{"at-risk": 1}, {"at-risk": 1}], 2
    else:  # quiet: new in the first run, then only its daily turn
        expected_reasons, points = [{"new": 1}, {"rotation": 1} if rotated else {}], 2 if rotated else 1
    assert [r.publish_reasons for r in reports] == expected_reasons
    cloudwatch = target.client("cloudwatch")
    assert metric_values(cloudwatch, "FreePrefixBlocks", eks) == [float(free_blocks)] * points
    assert (
        len(metric_values(cloudwatch, "UnattachedEniAddresses", contract.vpc_series(ACCOUNT_ID, network.vpc_id))) == 2
    )
