"""The subnet collector handler against moto, metrics read back from the emulator's CloudWatch."""

import pytest

from lambdas.platform import contract
from lambdas.platform.errors import SettingsError
from lambdas.platform.targets import own_target
from lambdas.subnets.handler import handler
from tests.integration.conftest import (
    ACCOUNT_ID,
    count_calls,
    fill_subnet,
    metric_values,
    published_series,
    regional_client,
)

pytestmark = pytest.mark.usefixtures("aws", "subnet_env")


def test_given_a_slash_24_with_200_addresses_in_use_when_collecting_then_51_free_and_79_68_percent(lambda_context):
    # Given
    ec2, cloudwatch = regional_client("ec2"), regional_client("cloudwatch")
    vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    subnet = ec2.create_subnet(VpcId=vpc, CidrBlock="10.0.1.0/24", AvailabilityZone="us-east-1a")["Subnet"]
    fill_subnet(ec2, subnet["SubnetId"], 200)
    # When
    report = handler({}, lambda_context)
    # Then
    dims = contract.subnet_series(ACCOUNT_ID, vpc, subnet["SubnetId"], "us-east-1a")
    assert metric_values(cloudwatch, "AvailableIpAddressCount", dims) == [51.0]
    assert metric_values(cloudwatch, "IpUtilization", dims) == [pytest.approx(79.6812749)]
    assert report["status"] == "complete"
    assert report["failures"] == []


def test_given_several_vpcs_when_collecting_then_each_subnet_gets_exactly_two_series(lambda_context):
    ec2, cloudwatch = regional_client("ec2"), regional_client("cloudwatch")
    expected = set()
    for second_octet in (1, 2):
        vpc = ec2.create_vpc(CidrBlock=f"10.{second_octet}.0.0/16")["Vpc"]["VpcId"]
        for third_octet, az in enumerate(("us-east-1a", "us-east-1b", "us-east-1c")):
            cidr = f"10.{second_octet}.{third_octet}.0/24"
            subnet_id = ec2.create_subnet(VpcId=vpc, CidrBlock=cidr, AvailabilityZone=az)["Subnet"]["SubnetId"]
            expected.add((vpc, subnet_id, az))
    default_vpc_subnets = {
        (s["VpcId"], s["SubnetId"], s["AvailabilityZone"])
        for s in ec2.describe_subnets()["Subnets"]
        if (s["VpcId"], s["SubnetId"], s["AvailabilityZone"]) not in expected
    }

    report = handler({}, lambda_context)

    for name in ("AvailableIpAddressCount", "IpUtilization"):
        series = {(d["VpcId"], d["SubnetId"], d["AvailabilityZone"]) for d in published_series(cloudwatch, name)}
        assert series == expected | default_vpc_subnets
        assert all(
            d == {**contract.subnet_series(ACCOUNT_ID, *key)}
            for d in published_series(cloudwatch, name)
            for key in [(d["VpcId"], d["SubnetId"], d["AvailabilityZone"])]
        )
    assert report["resources"] == len(expected | default_vpc_subnets)


def test_given_a_vpc_and_tag_scope_when_collecting_then_only_matching_subnets_are_published(
    lambda_context, monkeypatch
):
    # Given two VPCs; in the first, one subnet tagged for tasks and one not
    ec2, cloudwatch = regional_client("ec2"), regional_client("cloudwatch")
    vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    other_vpc = ec2.create_vpc(CidrBlock="10.9.0.0/16")["Vpc"]["VpcId"]
    tasks = ec2.create_subnet(VpcId=vpc, CidrBlock="10.0.1.0/24")["Subnet"]["SubnetId"]
    ec2.create_subnet(VpcId=vpc, CidrBlock="10.0.2.0/24")
    other = ec2.create_subnet(VpcId=other_vpc, CidrBlock="10.9.1.0/24")["Subnet"]["SubnetId"]
    ec2.create_tags(Resources=[tasks, other], Tags=[{"Key": "Purpose", "Value": "ecs-tasks"}])
    monkeypatch.setenv("VPC_IDS", vpc)
    monkeypatch.setenv("SUBNET_TAG_FILTER", "Purpose=ecs-tasks")
    describe_calls = count_calls(own_target(lambda_context).client("ec2"), "DescribeSubnets")
    # When
    handler({}, lambda_context)
    # Then only the tagged subnet of the chosen VPC, and EC2 did the filtering
    assert [d["SubnetId"] for d in published_series(cloudwatch, "IpUtilization")] == [tasks]
    assert describe_calls[0]["Filters"] == [
        {"Name": "vpc-id", "Values": [vpc]},
        {"Name": "tag:Purpose", "Values": ["ecs-tasks"]},
    ]
    assert describe_calls[0]["MaxResults"] == 1000


def test_given_a_missing_namespace_setting_when_invoked_then_the_error_names_the_key(lambda_context, monkeypatch):
    monkeypatch.delenv("METRIC_NAMESPACE")
    with pytest.raises(SettingsError, match="METRIC_NAMESPACE"):
        handler({}, lambda_context)


def test_given_the_accounts_own_run_then_no_series_cap_applies(lambda_context, monkeypatch):
    # monitor:maxSeriesPerTarget bounds what a member adds to the hub's bill; an account pays for its own.
    monkeypatch.setenv("MAX_SERIES_PER_TARGET", "10")
    from lambdas.platform.settings import _load_from_process_environment

    _load_from_process_environment.cache_clear()
    ec2 = regional_client("ec2")
    vpc = ec2.create_vpc(CidrBlock="10.9.0.0/16")["Vpc"]["VpcId"]
    for n in range(8):
        ec2.create_subnet(VpcId=vpc, CidrBlock=f"10.9.{n}.0/24", AvailabilityZone="us-east-1a")

    report = handler({}, lambda_context)

    assert report["series_left_out"] == 0
    assert len(published_series(regional_client("cloudwatch"), "AvailableIpAddressCount")) == report["resources"]
