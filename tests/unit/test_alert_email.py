"""The composer's reading of contributor notifications and the emails it writes, without AWS."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from devkit.alarm_fixtures import DOCUMENTED, STACK_PREFIX, load_notification, notification_names
from lambdas.alerts.email import render_alarm_email, subnet_remedies
from lambdas.alerts.forecast import Sample, forecast_exhaustion, trend
from lambdas.alerts.model import ClusterFacts, Facts, Scope, SubnetFacts, Thresholds, VpcFacts
from lambdas.alerts.notification import UnparsableNotification, parse_contributor_event
from lambdas.domain.network import Subnet
from lambdas.platform import contract
from lambdas.platform.email import MAX_SUBJECT_LENGTH

NOW = datetime(2026, 11, 29, 9, 45, tzinfo=UTC)
THRESHOLDS = Thresholds(
    utilization_percent=80,
    free_address_floor=8,
    free_prefix_block_floor=2,
    eni_utilization_percent=80,
    forecast_alarm_days=7,
    unattached_eni_addresses=20,
)
SUBNET = Subnet("subnet-0a1b2c3d4e5f60718", "vpc-0f1e2d3c4b5a69788", "eu-west-1a", "10.0.1.0/25", 5, "tasks-1a")
CENSUS_ENTRY: dict[str, Any] = {
    "subnetId": SUBNET.subnet_id,
    "vpcId": SUBNET.vpc_id,
    "availabilityZone": "eu-west-1a",
    "cidrBlock": "10.0.1.0/25",
    "name": "tasks-1a",
    "usableAddresses": 123,
    "availableAddresses": 5,
    "freePrefixBlocks": 1,
    "consumers": [
        {"category": "ecs-task", "owner": "orders/checkout", "addresses": 80, "interfaces": 80},
        {"category": "eks-node", "owner": "platform-eks", "addresses": 30, "interfaces": 3},
        {"category": "unattached", "owner": None, "addresses": 8, "interfaces": 2},
    ],
}
UNATTACHED = [
    {"networkInterfaceId": "eni-0aaa", "subnetId": SUBNET.subnet_id, "addresses": 4, "description": "left over"},
    {"networkInterfaceId": "eni-0bbb", "subnetId": SUBNET.subnet_id, "addresses": 4, "description": ""},
]
# Two weeks losing 4 addresses a day, down to 5 now.
HISTORY = [Sample(NOW - timedelta(hours=h), 5 + 4 * h / 24) for h in range(14 * 24, -1, -1)]


def subnet_facts(*, with_census: bool) -> SubnetFacts:
    return SubnetFacts(
        SUBNET.subnet_id,
        SUBNET,
        "platform",
        CENSUS_ENTRY if with_census else None,
        "2026-11-29T09:30:00+00:00" if with_census else None,
        UNATTACHED if with_census else [],
        HISTORY,
        forecast_exhaustion(HISTORY, THRESHOLDS.free_address_floor, NOW),
        trend(HISTORY, 5, NOW),
        [] if with_census else ["who holds the addresses: no census snapshot yet"],
    )


def facts_for(scope: Scope, *, with_census: bool) -> Facts:
    if scope is Scope.SUBNET:
        return subnet_facts(with_census=with_census)
    if scope is Scope.CLUSTER:
        figures: dict[str, float | None] = {
            contract.ENI_UTILIZATION.name: 91.7,
            contract.ENI_TASKS_RUNNING.name: 11,
            contract.ENI_TASK_CAPACITY.name: 12,
            contract.UNTRUNKED_INSTANCES.name: 3,
        }
        history = [Sample(NOW - timedelta(hours=h), 60 + h / 10) for h in range(24 * 8, 0, -1)]
        return ClusterFacts("orders", figures, trend(history, 91.7, NOW))
    return VpcFacts("vpc-0f1e2d3c4b5a69788", "platform", UNATTACHED if with_census else [], "2026-11-29T09:30:00+00:00")


@pytest.mark.parametrize("with_census", [True, False], ids=["with-snapshot", "without-snapshot"])
@pytest.mark.parametrize("name", notification_names())
def test_every_notification_gets_an_ascii_subject_under_100_characters_and_the_sections_of_its_state(
    name: str, with_census: bool
) -> None:
    transition = parse_contributor_event(load_notification(name), STACK_PREFIX)
    email = render_alarm_email(
        transition, facts_for(transition.kind.scope, with_census=with_census), THRESHOLDS, 30, NOW
    )

    assert 0 < len(email.subject) <= MAX_SUBJECT_LENGTH
    assert email.subject.isascii()
    assert email.subject.isprintable()
    if transition.stopped_reporting:
        assert email.subject.startswith("Stopped reporting: ")
        assert "STOPPED REPORTING" in email.body
        assert "recover" not in email.body.lower().replace("not a recovery", "")
        assert len(email.body.splitlines()) < 25
    elif transition.state == "OK":
        assert email.subject.startswith("Recovered: ")
        assert "RECOVERED" in email.body
        assert "WHAT TO DO" not in email.body
        assert len(email.body.splitlines()) < 25
    else:
        for section in ("WHAT\n", "WHERE\n", "WHAT TO DO\n", "OPEN IN THE CONSOLE\n"):
            assert section in email.body
        assert transition.alarm_name in email.body
        assert transition.kind.condition(THRESHOLDS) in email.body


def test_a_contributor_that_stopped_reporting_is_never_emailed_as_recovered() -> None:
    # CloudWatch puts a contributor its query no longer returns to OK, whatever TreatMissingData says.
    transition = parse_contributor_event(load_notification("subnet_free_addresses_no_data"), STACK_PREFIX)
    email = render_alarm_email(transition, subnet_facts(with_census=True), THRESHOLDS, 30, NOW)

    assert transition.state == "OK"
    assert transition.stopped_reporting
    assert email.subject == f"Stopped reporting: tasks-1a ({SUBNET.subnet_id}), Subnet free addresses alarm"
    assert "RECOVERED" not in email.body
    assert "Recovered" not in email.body
    assert "back within its threshold" not in email.body
    # Since when (the last point of its history), what CloudWatch said, and where to look next.
    assert f"No data for this subnet since {NOW:%Y-%m-%d %H:%M} UTC (its last data point)" in email.body
    assert '"No data was returned for this contributor"' in email.body
    assert "This is not a recovery" in email.body
    assert "SubnetIpMonitor-subnets-collector-heartbeat" in email.body
    assert "IT STILL EXISTS\nFree addresses: 5" in email.body


def test_a_cluster_that_stopped_reporting_points_at_the_ecs_collector() -> None:
    transition = parse_contributor_event(load_notification("ecs_eni_utilization_no_data"), STACK_PREFIX)
    email = render_alarm_email(transition, facts_for(Scope.CLUSTER, with_census=False), THRESHOLDS, 30, NOW)

    assert email.subject == "Stopped reporting: ECS cluster orders, ECS task-ENI utilization alarm"
    assert f"No data for this cluster since before {transition.at:%Y-%m-%d %H:%M} UTC" in email.body
    assert "SubnetIpMonitor-ecs-collector-heartbeat" in email.body


def test_a_real_recovery_stays_a_recovery_and_gets_its_own_incident_key() -> None:
    recovered = parse_contributor_event(load_notification("subnet_free_addresses_ok"), STACK_PREFIX)
    stopped = parse_contributor_event(load_notification("subnet_free_addresses_no_data"), STACK_PREFIX)
    email = render_alarm_email(recovered, subnet_facts(with_census=True), THRESHOLDS, 30, NOW)

    assert not recovered.stopped_reporting
    assert email.subject.startswith("Recovered: ")
    assert "RECOVERED" in email.body
    # A stop and a later real recovery within one window are two emails, not one deduplicated away.
    assert recovered.incident_key.endswith("|OK")
    assert stopped.incident_key.endswith("|NO_DATA")


def test_a_utilization_alarm_email_names_the_subnet_its_cidr_consumers_trend_and_forecast() -> None:
    transition = parse_contributor_event(load_notification("subnet_ip_utilization_alarm"), STACK_PREFIX)
    email = render_alarm_email(transition, subnet_facts(with_census=True), THRESHOLDS, 30, NOW)

    assert email.subject == "tasks-1a (subnet-0a1b2c3d4e5f60718) is 96% full: 5 addresses left"
    assert "CIDR: 10.0.1.0/25" in email.body
    assert "Usable addresses: 123" in email.body
    assert "VPC: vpc-0f1e2d3c4b5a69788 (platform)" in email.body
    assert "- ecs-task orders/checkout: 80 addresses, 80 interfaces" in email.body
    assert "- eks-node platform-eks: 30 addresses, 3 interfaces" in email.body
    assert "2 interfaces holding 8 addresses" in email.body
    assert "24 hours ago: 9 (-4 addresses since, worse)" in email.body
    assert "7 days ago: 33 (-28 addresses since, worse)" in email.body
    # 5 free is below the floor of 8 already.
    assert (
        "FORECAST\nAt 8 free addresses already, or within one surge of it. At this pace none are left in about 1.2"
        in (email.body)
    )
    assert "1 hour ago: 5 (+0 addresses since)" in email.body
    assert "Value that crossed it: 96.2" in email.body
    assert "NOT IN THIS EMAIL" not in email.body


def test_without_a_snapshot_the_email_still_goes_and_says_what_is_missing() -> None:
    transition = parse_contributor_event(load_notification("subnet_free_addresses_alarm"), STACK_PREFIX)
    email = render_alarm_email(transition, subnet_facts(with_census=False), THRESHOLDS, 30, NOW)

    assert "Unknown: no census entry" in email.body
    assert "NOT IN THIS EMAIL\n- who holds the addresses: no census snapshot yet" in email.body
    assert "FORECAST\nAt 8 free addresses already" in email.body


def test_remedies_follow_who_holds_the_addresses() -> None:
    transition = parse_contributor_event(load_notification("subnet_ip_utilization_alarm"), STACK_PREFIX)
    with_everyone = " ".join(subnet_remedies(transition, subnet_facts(with_census=True)))
    assert "ECS services (orders/checkout)" in with_everyone
    assert "secondary CIDR" in with_everyone
    assert "delete-network-interface" in with_everyone

    ecs_only = {**CENSUS_ENTRY, "consumers": CENSUS_ENTRY["consumers"][:1]}
    facts = SubnetFacts(SUBNET.subnet_id, SUBNET, None, ecs_only, "t")
    only_ecs = " ".join(subnet_remedies(transition, facts))
    assert "ECS services" in only_ecs
    assert "custom networking" not in only_ecs
    assert "delete-network-interface" not in only_ecs


def test_a_prefix_block_alarm_says_blocks_and_suggests_a_prefix_reservation() -> None:
    transition = parse_contributor_event(load_notification("subnet_free_prefix_blocks_alarm"), STACK_PREFIX)
    email = render_alarm_email(transition, subnet_facts(with_census=True), THRESHOLDS, 30, NOW)
    assert email.subject == "tasks-1a (subnet-0a1b2c3d4e5f60718) has 1 free /28 blocks, 5 addresses left"
    assert "--reservation-type prefix" in email.body


def test_a_cluster_alarm_email_gives_slots_and_trunking_steps() -> None:
    transition = parse_contributor_event(load_notification("ecs_eni_utilization_alarm"), STACK_PREFIX)
    email = render_alarm_email(transition, facts_for(Scope.CLUSTER, with_census=True), THRESHOLDS, 30, NOW)
    assert email.subject == "ECS cluster orders: 92% of task-ENI slots used (11/12)"
    assert "awsvpcTrunking" in email.body
    assert "Instances without a trunk: 3" in email.body


def test_the_datapoint_and_the_contributor_are_read_from_the_notification() -> None:
    transition = parse_contributor_event(load_notification("subnet_days_to_exhaustion_alarm"), STACK_PREFIX)
    assert transition.datapoint == pytest.approx(4.6)
    assert transition.contributor == "subnet-0a1b2c3d4e5f60718"
    assert transition.kind.stem == contract.ALARM_SUBNET_DAYS_TO_EXHAUSTION
    assert transition.incident_key.startswith("alarm|123456789012|us-east-1|SubnetIpMonitor-subnet-days")


def test_per_vpc_alarm_names_map_to_their_family() -> None:
    notification = load_notification("subnet_free_addresses_alarm")
    notification["detail"]["alarmName"] = "SubnetIpMonitor-subnet-free-addresses-vpc-0123456789abcdef0"
    assert parse_contributor_event(notification, STACK_PREFIX).kind.stem == contract.ALARM_SUBNET_FREE_ADDRESSES


def test_the_documented_example_is_not_an_alarm_the_composer_explains() -> None:
    with pytest.raises(UnparsableNotification, match="not one the composer explains"):
        parse_contributor_event(load_notification(DOCUMENTED), STACK_PREFIX)


def test_a_contributor_without_the_grouped_dimension_is_refused_by_name() -> None:
    notification = load_notification("subnet_ip_utilization_alarm")
    notification["detail"]["alarmContributor"]["attributes"] = {"TableName": "x"}
    with pytest.raises(UnparsableNotification, match="no SubnetId attribute"):
        parse_contributor_event(notification, STACK_PREFIX)
