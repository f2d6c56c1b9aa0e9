"""Subnet arithmetic, with no AWS and no mocks."""

import pytest

from demo.thresholds import SubnetThresholds, breached_thresholds
from lambdas.domain.network import Subnet, describe_subnets_filters, usable_addresses
from lambdas.platform.settings import parse_tag_filter
from lambdas.subnets.model import ipv4_headroom, is_at_risk, subnet_headroom


def _subnet(cidr: str | None, available: int, subnet_id: str = "subnet-1") -> Subnet:
    return Subnet(subnet_id, "vpc-1", "us-east-1a", cidr, available)


@pytest.mark.parametrize(
    ("cidr", "usable"),
    [("10.0.0.0/28", 11), ("10.0.0.0/24", 251), ("10.0.0.0/20", 4091), ("10.0.0.0/16", 65531)],
)
def test_given_a_cidr_when_counting_usable_then_aws_reserved_five(cidr, usable):
    assert usable_addresses(cidr) == usable


def test_given_a_slash_24_with_200_in_use_then_51_free_and_79_68_percent():
    # Given a /24 (251 usable) of which EC2 reports 51 free, i.e. 200 in use
    headroom = subnet_headroom(_subnet("10.0.1.0/24", 51))
    # Then
    assert headroom.available_addresses == 51
    assert headroom.used_addresses == 200
    assert headroom.utilization_percent == pytest.approx(79.6812749, abs=1e-6)


def test_given_an_empty_and_a_full_subnet_then_0_and_100_percent():
    assert subnet_headroom(_subnet("10.0.0.0/28", 11)).utilization_percent == 0.0
    assert subnet_headroom(_subnet("10.0.0.0/28", 0)).utilization_percent == 100.0


def test_given_an_ipv6_only_subnet_when_computing_headroom_then_it_is_skipped():
    subnets = [_subnet(None, 0, "subnet-v6"), _subnet("10.0.0.0/24", 100, "subnet-v4")]
    assert [h.subnet.subnet_id for h in ipv4_headroom(subnets)] == ["subnet-v4"]
    with pytest.raises(ValueError, match="subnet-v6 has no IPv4 CIDR"):
        subnet_headroom(subnets[0])


@pytest.mark.parametrize(
    ("text", "parsed"), [("", None), ("Purpose=ecs-tasks", ("Purpose", "ecs-tasks")), (" a = b ", ("a", "b"))]
)
def test_given_a_tag_filter_text_then_it_parses_to_key_and_value(text, parsed):
    assert parse_tag_filter(text) == parsed


@pytest.mark.parametrize("text", ["Purpose", "=x", "Purpose=", "="])
def test_given_a_malformed_tag_filter_then_value_error_says_what_is_expected(text):
    with pytest.raises(ValueError, match="expected 'Key=Value'"):
        parse_tag_filter(text)


def test_given_vpcs_and_a_tag_then_filters_let_ec2_do_the_scoping():
    filters = describe_subnets_filters(["vpc-b", "vpc-a", "vpc-a"], ("Purpose", "tasks"))
    assert filters == [
        {"Name": "vpc-id", "Values": ["vpc-a", "vpc-b"]},
        {"Name": "tag:Purpose", "Values": ["tasks"]},
    ]
    assert describe_subnets_filters([], None) == []


def test_given_thresholds_then_at_or_beyond_them_breaches_and_below_does_not():
    thresholds = SubnetThresholds(utilization_percent=80, min_free_addresses=8)
    # /24: 251 usable. 51 free -> 79.7 %: no breach. 50 free -> 80.08 %: breach. 8 free -> both.
    assert breached_thresholds(subnet_headroom(_subnet("10.0.0.0/24", 51)), thresholds) == []
    assert len(breached_thresholds(subnet_headroom(_subnet("10.0.0.0/24", 50)), thresholds)) == 1
    both = breached_thresholds(subnet_headroom(_subnet("10.0.0.0/24", 8)), thresholds)
    assert [b.split()[0] for b in both] == ["utilization", "free"]


@pytest.mark.parametrize(
    ("available", "at_risk"),
    [
        (126, False),  # 49.8 %, 126 free
        (125, True),  # 50.2 %: at the 50 % watch level
    ],
)
def test_given_the_watch_level_then_a_subnet_at_or_above_it_is_at_risk(available, at_risk):
    headroom = subnet_headroom(_subnet("10.0.1.0/24", available))
    assert is_at_risk(headroom.utilization_percent, headroom.available_addresses, 50, 8) is at_risk


@pytest.mark.parametrize(("available", "at_risk"), [(17, False), (16, True)])
def test_given_few_free_addresses_then_at_most_twice_the_floor_is_at_risk_whatever_the_percentage(available, at_risk):
    # A /20 (4,091 usable) is 99.6 % used with 16 free: the floor rule is what matters for small remainders;
    # a watch level of 100 % isolates it.
    headroom = subnet_headroom(_subnet("10.0.0.0/20", available))
    assert is_at_risk(headroom.utilization_percent, headroom.available_addresses, 100, 8) is at_risk
