"""`subnet-ip-monitor plan`: the subnet-sizing arithmetic, its rounding, and the instance and EKS figures."""

from __future__ import annotations

import pytest

from cli.instance_types import instance_limits
from cli.plan import (
    PlanError,
    PlanInputs,
    max_pods,
    plan_subnets,
    smallest_prefix_for,
)
from lambdas.domain.network import usable_addresses_of_prefix


def test_given_the_issues_example_then_330_addresses_per_az_need_a_23_because_a_24_has_251():
    plan = plan_subnets(PlanInputs(tasks=400, max_percent=200, azs=3, load_balancer=True, headroom_percent=20))

    assert (plan.addresses, plan.prefix_length, plan.usable) == (330, 23, 507)
    assert plan.steps[0].startswith("ECS tasks at the deployment peak, per AZ: ceil(400 x 200 / 100 / 3) = 267")
    assert "Subtotal 275, with 20% headroom: ceil(275 x 120 / 100) = 330" in plan.steps[2]
    assert plan.steps[-1] == "Subnet per AZ: /23 (507 usable = 2^9 - 5), because a /24 has only 251 for 330"
    assert plan.as_json()["perAz"] == {"addresses": 330, "prefixLength": 23, "usable": 507}


def test_given_headroom_then_whole_numbers_are_not_rounded_up_by_floating_point():
    # 275 x 1.2 is 330.00000000000006 in floating point; the plan must still say 330, not 331.
    plan = plan_subnets(PlanInputs(tasks=267 * 3, max_percent=100, azs=3, load_balancer=True))
    assert plan.addresses == 330


@pytest.mark.parametrize(
    ("tasks", "max_percent", "azs", "per_az"),
    [(10, 150, 3, 5), (10, 200, 3, 7), (1, 200, 3, 1), (9, 100, 3, 3)],
)
def test_given_tasks_then_each_az_gets_its_share_of_the_peak_rounded_up(tasks, max_percent, azs, per_az):
    plan = plan_subnets(PlanInputs(tasks=tasks, max_percent=max_percent, azs=azs, headroom_percent=0))
    assert plan.addresses == per_az


def test_given_instances_then_each_takes_one_address_or_two_with_a_trunk():
    off = plan_subnets(PlanInputs(instances=7, azs=3, headroom_percent=0))
    on = plan_subnets(PlanInputs(instances=7, azs=3, trunking=True, headroom_percent=0))
    assert (off.addresses, on.addresses) == (3, 6)


@pytest.mark.parametrize(("addresses", "prefix"), [(1, 28), (11, 28), (12, 27), (251, 24), (252, 23), (65531, 16)])
def test_given_addresses_then_the_smallest_subnet_that_holds_them(addresses, prefix):
    assert smallest_prefix_for(addresses) == prefix
    assert usable_addresses_of_prefix(prefix) >= addresses


def test_given_more_than_a_16_per_az_then_the_plan_says_to_spread_it():
    with pytest.raises(PlanError, match="more than a /16"):
        plan_subnets(PlanInputs(tasks=200_000, azs=3))


def test_given_nothing_to_place_then_the_plan_says_so():
    with pytest.raises(PlanError, match="nothing to place"):
        plan_subnets(PlanInputs())


def test_given_a_c5_large_then_2_task_slots_without_trunking_and_10_with():
    limits = instance_limits("c5.large", session=None)
    plan = plan_subnets(PlanInputs(tasks=100, max_percent=200), limits)

    assert plan.instances is not None
    assert (plan.instances["taskSlotsWithoutTrunking"], plan.instances["taskSlotsWithTrunking"]) == (2, 10)
    assert (plan.instances["instancesWithoutTrunking"], plan.instances["instancesWithTrunking"]) == (100, 20)
    assert limits.source == "shipped table, no AWS credentials used"
    assert "add --instances 100 --trunking off" in plan.steps[-1]


def test_given_a_type_without_trunking_support_then_the_plan_says_so():
    plan = plan_subnets(PlanInputs(tasks=10), instance_limits("t3.medium", session=None))
    assert plan.instances is not None
    assert plan.instances["taskSlotsWithTrunking"] is None
    assert any("does not support awsvpcTrunking" in step for step in plan.steps)


def test_given_an_unknown_type_and_no_credentials_then_the_plan_names_the_table():
    with pytest.raises(PlanError, match="not in the shipped table"):
        instance_limits("x9.nonexistent", session=None)


def test_given_eks_types_then_max_pods_is_the_eni_formula_and_the_prefix_cap():
    c5 = instance_limits("c5.large", session=None)
    m5_4x = instance_limits("m5.4xlarge", session=None)
    # eni-max-pods.txt: c5.large 29 = 3 x (10 - 1) + 2; t3.medium 17; m5.4xlarge 234
    assert max_pods(c5, prefix_delegation=False) == 29
    assert max_pods(instance_limits("t3.medium", session=None), prefix_delegation=False) == 17
    assert max_pods(m5_4x, prefix_delegation=False) == 234
    # with prefixes 3 x 9 x 16 + 2 = 434, capped at 110 below 30 vCPUs
    assert max_pods(c5, prefix_delegation=True) == 110


def test_given_eks_pods_then_addresses_and_whether_they_fit_are_worked_out():
    limits = instance_limits("c5.large", session=None)
    secondary = plan_subnets(PlanInputs(pods=90, nodes=3, azs=3, headroom_percent=0), limits)
    # per AZ: 30 pods + 1 node + a warm ENI's 10 addresses; 30 pods per node > 29: does not fit
    assert secondary.addresses == 41
    assert secondary.eks is not None
    assert secondary.eks["maxPodsPerNode"] == 29
    assert any("does NOT fit: at least 4 nodes are needed" in step for step in secondary.steps)

    prefixes = plan_subnets(PlanInputs(pods=90, nodes=3, azs=3, prefix_delegation=True, headroom_percent=0), limits)
    # per node: ceil(30 / 16) + 1 warm = 3 blocks of 16, plus the node's own address
    assert prefixes.addresses == 49
    assert prefixes.eks is not None
    assert prefixes.eks["freeAlignedBlocksPerAz"] == 3
