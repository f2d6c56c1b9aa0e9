"""Will the next deployment fit: the surge per deployment controller, fit and unbalanced on hand-built subnets,
the EC2 task-ENI slot check, and what a DescribeServices entry becomes."""

from __future__ import annotations

import pytest

from lambdas.domain.deployments import (
    Controller,
    ScalingGroup,
    Service,
    deployment_surge,
    fit_details,
    fit_summary,
    parse_service,
    scaling_room,
    service_fit,
    services_at_risk,
)


def _service(
    desired: int = 10,
    *,
    maximum_percent: int = 200,
    controller: Controller = Controller.ECS,
    subnets: tuple[str, ...] = ("subnet-a", "subnet-b"),
    launch_type: str = "FARGATE",
    cluster: str = "orders",
    name: str = "orders-api",
) -> Service:
    return Service(cluster, name, launch_type, controller, desired, maximum_percent, subnets)


@pytest.mark.parametrize(
    ("desired", "maximum_percent", "surge"),
    # ECS rounds the maximum down: 3 x 150 % is 4.5 tasks, so 4 run at most and 1 is new.
    [(10, 200, 10), (3, 150, 1), (10, 100, 0), (7, 125, 1), (0, 200, 0), (1, 199, 0)],
)
def test_given_a_rolling_update_then_the_surge_is_the_rounded_down_maximum_less_the_desired(
    desired, maximum_percent, surge
):
    assert deployment_surge(_service(desired, maximum_percent=maximum_percent)) == surge


def test_given_blue_green_then_a_whole_replacement_task_set_and_external_is_not_assessed():
    assert deployment_surge(_service(12, controller=Controller.CODE_DEPLOY)) == 12
    external = service_fit(_service(controller=Controller.EXTERNAL), {"subnet-a": 0, "subnet-b": 0})
    assert (external.surge, external.fits, external.at_risk) == (None, None, False)
    assert services_at_risk([external]) == {}


def test_given_subnets_with_7_free_then_a_surge_of_10_does_not_fit():
    fit = service_fit(_service(subnets=("subnet-a",)), {"subnet-a": 7})
    assert (fit.surge, fit.free_total, fit.fits, fit.at_risk) == (10, 7, False, True)
    assert fit_summary(fit) == "needs 10 more addresses; its subnets have 7 free"
    assert "floor(10 x 200 / 100) - 10 = 10 new tasks" in fit_details(fit)


def test_given_enough_in_total_but_one_subnet_short_of_its_share_then_it_fits_unbalanced():
    # 12 new tasks over 2 subnets: 6 each; one subnet has 5.
    fit = service_fit(_service(desired=12), {"subnet-a": 5, "subnet-b": 75})
    assert (fit.fits, fit.unbalanced, fit.at_risk, fit.share_per_subnet) == (True, True, True, 6)
    assert fit_summary(fit) == "fits in total, but a subnet cannot take its share of the 12 new tasks (80 free in all)"
    assert "subnet-a: 5 free (short of its share)" in fit_details(fit)


def test_given_room_everywhere_then_it_fits_and_is_not_at_risk():
    fit = service_fit(_service(desired=4), {"subnet-a": 2, "subnet-b": 2})
    assert (fit.fits, fit.unbalanced, fit.at_risk) == (True, False, False)


def test_given_a_subnet_that_could_not_be_read_then_the_fit_is_unknown_not_guessed():
    fit = service_fit(_service(), {"subnet-a": 100})
    assert (fit.fits, fit.free_total, fit.at_risk) == (None, None, False)


def test_given_the_ec2_launch_type_then_the_clusters_free_task_eni_slots_must_cover_the_surge():
    on_ec2 = _service(launch_type="EC2")
    short = service_fit(on_ec2, {"subnet-a": 50, "subnet-b": 50}, eni_slots_free=7)
    assert (short.fits, short.eni_fits, short.at_risk) == (True, False, True)
    assert fit_summary(short).endswith("; the cluster has 7 free task-ENI slots")
    enough = service_fit(on_ec2, {"subnet-a": 50, "subnet-b": 50}, eni_slots_free=10)
    assert (enough.eni_fits, enough.at_risk) == (True, False)
    # Fargate tasks take no instance slot: the cluster's slots do not apply.
    fargate = service_fit(_service(), {"subnet-a": 50, "subnet-b": 50}, eni_slots_free=0)
    assert (fargate.eni_slots_free, fargate.eni_fits, fargate.at_risk) == (None, None, False)


def test_given_fits_across_clusters_then_each_cluster_counts_its_services_at_risk():
    fits = [
        service_fit(_service(name="a"), {"subnet-a": 1, "subnet-b": 1}),
        service_fit(_service(name="b", desired=2), {"subnet-a": 9, "subnet-b": 9}),
        service_fit(_service(name="c", cluster="payments", desired=2), {"subnet-a": 9, "subnet-b": 9}),
    ]
    assert services_at_risk(fits) == {"orders": 1, "payments": 0}


def test_given_describe_services_entries_then_only_active_awsvpc_services_become_services():
    raw = {
        "serviceName": "orders-api",
        "status": "ACTIVE",
        "desiredCount": 6,
        "launchType": "EC2",
        "deploymentController": {"type": "CODE_DEPLOY"},
        "deploymentConfiguration": {"maximumPercent": 150, "minimumHealthyPercent": 100},
        "networkConfiguration": {"awsvpcConfiguration": {"subnets": ["subnet-a", "subnet-b"]}},
    }
    service = parse_service("orders", raw)
    assert service == Service("orders", "orders-api", "EC2", Controller.CODE_DEPLOY, 6, 150, ("subnet-a", "subnet-b"))
    assert parse_service("orders", {**raw, "networkConfiguration": None}) is None  # bridge or host mode
    assert parse_service("orders", {**raw, "status": "DRAINING"}) is None
    defaults = parse_service(
        "orders", {k: v for k, v in raw.items() if k not in ("deploymentController", "launchType")}
    )
    assert defaults is not None
    assert (defaults.controller, defaults.launch_type) == (Controller.ECS, "EC2")
    strategy = parse_service(
        "orders",
        {**raw, "launchType": None, "capacityProviderStrategy": [{"capacityProvider": "orders-cp", "weight": 1}]},
    )
    assert strategy is not None
    assert (strategy.launch_type, strategy.capacity_providers) == ("CAPACITY_PROVIDER", ("orders-cp",))
    spot = [{"capacityProvider": "FARGATE_SPOT", "weight": 1}, {"capacityProvider": "FARGATE", "base": 1}]
    fargate = parse_service("orders", {**raw, "launchType": None, "capacityProviderStrategy": spot})
    assert fargate is not None
    assert fargate.launch_type == "FARGATE"


def test_given_managed_scaling_then_the_groups_must_have_the_instances_headroom_and_their_addresses():
    service = _service(desired=20, launch_type="CAPACITY_PROVIDER")
    free = {"subnet-a": 50, "subnet-b": 50, "subnet-asg": 3}
    # 20 new tasks, 4 free slots: 16 more, 10 slots an instance (trunked): 2 instances, 4 addresses (2 each).
    room = scaling_room(
        20,
        eni_slots_free=4,
        slots_per_instance=10,
        trunked=True,
        groups=[ScalingGroup("orders-asg", 5, 4, ("subnet-asg",))],
        free_by_subnet=free,
    )
    assert (room.instances_needed, room.addresses_needed, room.free_in_subnets, room.headroom_to_max) == (2, 4, 3, 1)
    fit = service_fit(service, free, eni_slots_free=4, scaling=room)
    assert (fit.fits, fit.eni_fits, fit.at_risk) == (True, False, True)
    assert fit_summary(fit).endswith(
        "; its Auto Scaling groups cannot add the 2 instances it needs (4 addresses, 3 free in their subnets, "
        "1 below their maximum size)"
    )
    roomy = scaling_room(
        20,
        eni_slots_free=4,
        slots_per_instance=10,
        trunked=False,
        groups=[ScalingGroup("orders-asg", 9, 4, ("subnet-a",))],
        free_by_subnet=free,
    )
    assert (roomy.addresses_needed, roomy.fits) == (2, True)
    assert service_fit(service, free, eni_slots_free=4, scaling=roomy).at_risk is False
    # Enough free slots: no instance is needed whatever the groups.
    assert scaling_room(3, eni_slots_free=4, slots_per_instance=None, trunked=False, groups=[], free_by_subnet={}).fits
