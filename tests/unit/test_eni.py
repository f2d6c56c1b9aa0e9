"""ENI slot arithmetic and trunking drift, with no AWS and no mocks."""

import json

import pytest

from lambdas.ecs.model import (
    ContainerInstance,
    LimitBasis,
    RunningTask,
    cluster_eni_capacity,
    task_eni_limit,
    trunking_findings,
)
from lambdas.ecs.points import cluster_metric_points
from lambdas.ecs.trunk_table import TABLE_PATH, trunk_task_limits
from lambdas.platform import contract

# MaximumNetworkInterfaces as DescribeInstanceTypes reports it for these types.
MAX_ENIS = {"m5.large": 3, "c5.large": 3, "t3.medium": 3, "x9.large": 4}
TRUNK = trunk_task_limits()


def _instance(name: str, instance_type: str, trunk: bool) -> ContainerInstance:
    return ContainerInstance(f"arn:ci/{name}", f"i-{name}", instance_type, f"eni-trunk-{name}" if trunk else None)


def _tasks(instance: ContainerInstance, n: int, attachment: str = "ElasticNetworkInterface") -> list[RunningTask]:
    return [
        RunningTask(f"arn:task/{instance.ec2_instance_id}-{i}", instance.arn, "EC2", (attachment,)) for i in range(n)
    ]


@pytest.mark.parametrize("instance_type", ["c5.large", "m5.large"])
def test_given_a_large_c5_or_m5_then_2_task_slots_without_trunk_and_10_with(instance_type):
    assert task_eni_limit(instance_type, False, MAX_ENIS[instance_type], TRUNK) == (2, LimitBasis.NO_TRUNK)
    assert task_eni_limit(instance_type, True, MAX_ENIS[instance_type], TRUNK) == (10, LimitBasis.TRUNK)


def test_given_a_trunked_type_missing_from_the_table_then_it_falls_back_to_the_non_trunk_limit():
    assert "x9.large" not in TRUNK
    assert task_eni_limit("x9.large", True, MAX_ENIS["x9.large"], TRUNK) == (3, LimitBasis.TRUNK_TYPE_UNKNOWN)


def test_given_the_shipped_trunk_table_then_it_names_its_source_and_date_and_covers_the_required_families():
    table = json.loads(TABLE_PATH.read_text())
    assert "Amazon ECS Developer Guide" in table["source"]
    assert table["read_on"] == "2026-11-23"
    families = {t.split(".")[0] for t in table["task_limits"]}
    assert {"c5", "m5", "m6i", "c6i", "m6g", "c6g", "m7g", "a1", "m5zn", "mac2"} <= families
    # The guide's non-trunk column is MaximumNetworkInterfaces - 1; spot-check it against EC2's figure.
    assert table["task_limits"]["m5.large"]["without_trunking"] == MAX_ENIS["m5.large"] - 1
    assert (TRUNK["mac2.metal"], TRUNK["m5zn.large"], TRUNK["a1.medium"]) == (12, 14, 10)


def test_given_a_mixed_cluster_then_tasks_capacity_utilization_and_untrunked_are_summed():
    # Given the trunking story: an old m5 (no trunk, full), a new m5 (trunk), an untrunked c5, a t3 (no trunking)
    old, new, c5, t3 = (
        _instance("old", "m5.large", False),
        _instance("new", "m5.large", True),
        _instance("c5", "c5.large", False),
        _instance("t3", "t3.medium", False),
    )
    tasks = _tasks(old, 2) + _tasks(new, 4, attachment="eni") + _tasks(c5, 1)
    # and tasks that must not count: Fargate, bridge-mode (no ENI), and one on an instance of another cluster
    tasks += [
        RunningTask("arn:task/fargate", None, "FARGATE", ("ElasticNetworkInterface",)),
        RunningTask("arn:task/bridge", old.arn, "EC2", ()),
    ]
    # When
    capacity = cluster_eni_capacity("orders", [old, new, c5, t3], tasks, MAX_ENIS, TRUNK)
    # Then
    assert capacity is not None
    assert [(s.used, s.limit) for s in capacity.instances] == [(2, 2), (4, 10), (1, 2), (0, 2)]
    assert (capacity.tasks_running, capacity.capacity) == (7, 16)
    assert capacity.utilization_percent == pytest.approx(43.75)
    assert capacity.untrunked_instances == 2  # old m5 and c5; t3 cannot have a trunk


def test_given_a_cluster_without_ec2_instances_then_there_is_nothing_to_publish():
    fargate = [RunningTask("arn:task/f", None, "FARGATE", ("ElasticNetworkInterface",))]
    assert cluster_eni_capacity("serverless", [], fargate, MAX_ENIS, TRUNK) is None


def test_given_an_instance_type_that_could_not_be_described_then_it_is_left_out_of_capacity():
    known, unknown = _instance("a", "m5.large", True), _instance("b", "z9.huge", False)
    capacity = cluster_eni_capacity("c", [known, unknown], [], MAX_ENIS, TRUNK)
    assert capacity is not None
    assert [s.instance.arn for s in capacity.instances] == [known.arn]


def test_given_zero_capacity_then_utilization_is_0_without_tasks_and_100_with():
    gone = _instance("g", "tiny.one", False)
    capacity = cluster_eni_capacity("c", [gone], _tasks(gone, 1), {"tiny.one": 1}, TRUNK)
    assert capacity is not None
    assert (capacity.capacity, capacity.utilization_percent) == (0, 100.0)
    empty = cluster_eni_capacity("c", [gone], [], {"tiny.one": 1}, TRUNK)
    assert empty is not None
    assert empty.utilization_percent == 0.0


def test_given_trunking_disabled_with_capable_instances_then_the_finding_says_enable_then_replace():
    capacity = cluster_eni_capacity("c", [_instance("a", "m5.large", False)], [], MAX_ENIS, TRUNK)
    assert capacity is not None
    findings = trunking_findings([capacity], "disabled")
    assert len(findings) == 2
    assert "awsvpcTrunking is disabled" in findings[0]
    assert "then replace the instances" in findings[0]
    assert "1 trunk-capable instance(s) run without a trunk ENI" in findings[1]
    assert trunking_findings([capacity], "enabled") == findings[1:]


def test_given_a_fully_trunked_cluster_then_there_are_no_findings():
    capacity = cluster_eni_capacity("c", [_instance("a", "m5.large", True)], [], MAX_ENIS, TRUNK)
    assert capacity is not None
    assert trunking_findings([capacity], "enabled") == []


def test_given_a_cluster_then_four_points_with_its_account_region_and_name():
    instance = _instance("a", "m5.large", True)
    capacity = cluster_eni_capacity("orders", [instance], _tasks(instance, 5), MAX_ENIS, TRUNK)
    assert capacity is not None
    points = {p.name: p for p in cluster_metric_points([capacity], "111122223333", "eu-west-1")}
    assert {n: p.value for n, p in points.items()} == {
        contract.ENI_TASKS_RUNNING.name: 5,
        contract.ENI_TASK_CAPACITY.name: 10,
        contract.ENI_UTILIZATION.name: 50.0,
        contract.UNTRUNKED_INSTANCES.name: 0,
    }
    assert {p.dimensions for p in points.values()} == {
        (("AccountId", "111122223333"), ("Region", "eu-west-1"), ("ClusterName", "orders"))
    }
    assert points[contract.ENI_UTILIZATION.name].unit == "Percent"


@pytest.mark.parametrize(("tasks", "at_risk"), [(4, False), (5, True)])
def test_given_a_trunked_cluster_then_it_is_at_risk_from_the_watch_level_and_free_slots_are_what_is_left(
    tasks, at_risk
):
    instance = _instance("a", "m5.large", True)  # 10 slots
    capacity = cluster_eni_capacity("orders", [instance], _tasks(instance, tasks), MAX_ENIS, TRUNK)
    assert capacity is not None
    assert capacity.is_at_risk(50) is at_risk
    assert capacity.free_task_slots == 10 - tasks


def test_given_an_untrunked_trunk_capable_instance_then_the_cluster_is_at_risk_however_empty():
    capacity = cluster_eni_capacity("c", [_instance("a", "m5.large", False)], [], MAX_ENIS, TRUNK)
    assert capacity is not None
    assert capacity.is_at_risk(50)
