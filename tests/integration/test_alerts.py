"""Alerts against moto: the composer's emails (read back through an SQS subscription), the forecaster's
DaysToExhaustion (read back from CloudWatch), and the weekly digest."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from botocore.stub import Stubber

from devkit.alarm_fixtures import STACK_PREFIX, THRESHOLDS, load_notification, with_contributor
from devkit.emulator import restore_aws_fields
from devkit.publishing import EVERY_RUN
from devkit.readback import drain_queue, latest_value
from devkit.scenario import (
    REGION,
    EventResources,
    SeededNetwork,
    seed_census_consumers,
    seed_event_resources,
    seed_free_address_history,
    seed_network,
    seed_paging_topic,
)
from lambdas.alerts.pipeline import compose_alert, run_forecast, send_digest
from lambdas.alerts.reads import QUERIES_PER_CALL, free_address_queries, read_series
from lambdas.alerts.settings import ComposerSettings, DigestSettings, ForecasterSettings
from lambdas.census.pipeline import collect_census
from lambdas.census.settings import CensusSettings
from lambdas.domain.deployments import Controller, ScalingGroup, Service, scaling_room, service_fit
from lambdas.domain.network import Subnet
from lambdas.ecs.points import deployment_fit_document
from lambdas.platform import contract
from lambdas.platform.targets import Target
from tests.integration.conftest import ACCOUNT_ID, NAMESPACE, count_calls
from tests.integration.test_paging import pages

pytestmark = pytest.mark.usefixtures("aws")
BUCKET = "census-snapshots"
NOW = datetime.now(UTC).replace(microsecond=0)


@dataclass
class AlertWorld:
    """The seeded network with its census and history, the alerting resources, and ways to look at results."""

    target: Target
    network: SeededNetwork
    resources: EventResources

    def composer_settings(self) -> ComposerSettings:
        return ComposerSettings.model_validate(
            {
                "METRIC_NAMESPACE": NAMESPACE,
                "TOPIC_ARN": self.resources.topic_arn,
                "INCIDENT_TABLE_NAME": self.resources.incident_table,
                "DEDUPE_WINDOW_MINUTES": "30",
                "DEAD_LETTER_QUEUE_URL": self.resources.dead_letter_queue_url,
                "ACCOUNT_NAMES": "{}",
                "MONITOR_MODE": "account",
                "READER_ROLE_NAME": "SubnetIpMonitorReader",
                "ALARM_NAME_PREFIX": STACK_PREFIX,
                "SNAPSHOT_BUCKET": BUCKET,
                **THRESHOLDS,
            }
        )

    def notification(self, fixture: str, subnet: str) -> dict[str, Any]:
        """The fixture about one of this world's subnets (moto makes its own ids)."""
        notification = with_contributor(load_notification(fixture), self.network.subnet_ids[subnet])
        notification["region"] = REGION
        return notification

    def emails(self) -> list[dict[str, str]]:
        return [json.loads(m["Body"]) for m in drain_queue(self.target.client("sqs"), self.resources.inbox_url)]

    def dead_letters(self) -> list[dict[str, Any]]:
        return drain_queue(self.target.client("sqs"), self.resources.dead_letter_queue_url)

    def subnet(self, name: str) -> Subnet:
        raw = self.target.client("ec2").describe_subnets(SubnetIds=[self.network.subnet_ids[name]])["Subnets"][0]
        return Subnet(raw["SubnetId"], raw["VpcId"], raw["AvailabilityZone"], raw["CidrBlock"], 0, name)


def _dimensions(subnet: Subnet) -> dict[str, str]:
    return contract.subnet_series(ACCOUNT_ID, subnet.vpc_id, subnet.subnet_id, subnet.availability_zone)


# The cluster the alarm fixtures name, in the account and region their events come from.
ORDERS = [{"Name": k, "Value": v} for k, v in contract.cluster_series(ACCOUNT_ID, "us-east-1", "orders").items()]


@pytest.fixture
def world() -> AlertWorld:
    return alert_world()


def alert_world() -> AlertWorld:
    """The seeded network, its history and the alerting resources in moto (inside the aws fixture)."""
    target = Target(ACCOUNT_ID, REGION)
    ec2 = target.client("ec2")
    restore_aws_fields(ec2)
    network = seed_network(ec2)
    seed_census_consumers(ec2, network)
    resources = seed_event_resources(target.client("sns"), target.client("sqs"), target.client("dynamodb"))
    target.client("s3").create_bucket(Bucket=BUCKET, CreateBucketConfiguration={"LocationConstraint": REGION})
    world = AlertWorld(target, network, resources)
    # Two weeks of history: tasks-1a (5 free now) lost 3 a day, tasks-1b (18 free now) 1 a day.
    for name, free_now, lost in (("tasks-1a", 5, 3.0), ("tasks-1b", 18, 1.0)):
        seed_free_address_history(
            target.client("cloudwatch"),
            NAMESPACE,
            _dimensions(world.subnet(name)),
            free_now=free_now,
            lost_per_day=lost,
            now=NOW,
        )
    return world


def _run_census(world: AlertWorld) -> None:
    settings = CensusSettings.model_validate(
        {"METRIC_NAMESPACE": NAMESPACE, "VPC_IDS": "", "SUBNET_TAG_FILTER": "", "SNAPSHOT_BUCKET": BUCKET, **EVERY_RUN}
    )
    assert collect_census(world.target, settings, NOW).report.status == "complete"


# The composer ---------------------------------------------------------------------------------------------


def test_given_a_utilization_alarm_for_tasks_1a_then_the_email_has_its_cidr_consumers_trend_and_forecast(world):
    _run_census(world)

    outcome = compose_alert(
        world.notification("subnet_ip_utilization_alarm", "tasks-1a"), world.target, world.composer_settings(), NOW
    )

    assert (outcome.status, outcome.missing, outcome.problems) == ("notified", [], [])
    (email,) = world.emails()
    subnet_id = world.network.subnet_ids["tasks-1a"]
    assert email["Subject"] == f"tasks-1a ({subnet_id}) is 96% full: 5 addresses left"
    body = email["Message"]
    assert "CIDR: 10.20.16.0/25\nUsable addresses: 123" in body
    assert f"VPC: {world.network.vpc_id} (ecs-prod)" in body
    assert "- ecs-task orders/checkout: 59 addresses, 59 interfaces" in body
    assert "- ecs-task orders/payments: 59 addresses, 59 interfaces" in body
    assert "24 hours ago: 8 (-3 addresses since, worse)" in body
    assert "7 days ago: 26 (-21 addresses since, worse)" in body
    assert "Trend of 15 daily minima: 3.0 fewer free addresses a day" in body
    assert "Add a subnet with free addresses in another AZ or CIDR to the ECS services" in body
    assert world.dead_letters() == []


def test_given_the_same_contributor_again_then_no_second_email_but_its_recovery_is_sent(world):
    settings = world.composer_settings()
    alarm = world.notification("subnet_ip_utilization_alarm", "tasks-1a")

    statuses = [compose_alert(alarm, world.target, settings, NOW).status for _ in range(3)]
    recovered = compose_alert(world.notification("subnet_ip_utilization_ok", "tasks-1a"), world.target, settings, NOW)

    assert statuses == ["notified", "duplicate", "duplicate"]
    assert recovered.status == "notified"
    subjects = [e["Subject"] for e in world.emails()]
    assert len(subjects) == 2
    assert subjects[1].startswith("Recovered: tasks-1a")


def test_given_no_census_snapshot_then_the_email_still_goes_and_says_what_is_missing(world):
    outcome = compose_alert(
        world.notification("subnet_free_addresses_alarm", "tasks-1a"), world.target, world.composer_settings(), NOW
    )

    assert outcome.status == "notified"
    assert outcome.missing == ["who holds the addresses: no census snapshot yet (the census runs every 15 minutes)"]
    (email,) = world.emails()
    assert "NOT IN THIS EMAIL\n- who holds the addresses: no census snapshot yet" in email["Message"]
    assert "TREND (free addresses)\nnow: 5" in email["Message"]


def test_given_a_notification_of_another_alarm_then_it_is_kept_in_the_dead_letter_queue_and_not_emailed(world):
    notification = load_notification("documented_contributor_alarm")

    outcome = compose_alert(notification, world.target, world.composer_settings(), NOW)

    assert outcome.status == "unparsed"
    assert world.emails() == []
    (kept,) = world.dead_letters()
    assert json.loads(kept["Body"]) == notification
    assert "not one the composer explains" in kept["MessageAttributes"]["Reason"]["StringValue"]


def test_given_the_topic_is_gone_then_the_notification_is_kept_and_its_window_released(world):
    settings = world.composer_settings()
    world.target.client("sns").delete_topic(TopicArn=world.resources.topic_arn)
    notification = world.notification("subnet_ip_utilization_alarm", "tasks-1b")

    outcome = compose_alert(notification, world.target, settings, NOW)

    assert outcome.status == "dead-lettered"
    assert [p["operation"] for p in outcome.problems] == ["Publish"]
    (kept,) = world.dead_letters()
    assert json.loads(kept["Body"]) == notification
    # The window was released: once the topic is back, the same notification is emailed.
    topic = world.target.client("sns").create_topic(Name="subnet-ip-monitor-alerts")["TopicArn"]
    assert topic == world.resources.topic_arn
    assert compose_alert(notification, world.target, settings, NOW).status == "notified"


def test_given_a_contributor_alarm_and_its_recovery_then_two_pages_with_one_dedup_key(world):
    topic_arn, queue_url = seed_paging_topic(world.target.client("sns"), world.target.client("sqs"))
    settings = world.composer_settings().model_copy(update={"paging_topic_arn": topic_arn})
    for fixture in ("subnet_free_addresses_alarm", "subnet_free_addresses_ok"):
        assert compose_alert(world.notification(fixture, "tasks-1a"), world.target, settings, NOW).status == "notified"

    (alarm, severity), (ok, _) = pages(world.target.client("sqs"), queue_url)
    assert (alarm["state"], ok["state"], severity) == ("ALARM", "OK", "critical")
    assert alarm["dedupKey"] == ok["dedupKey"]
    assert alarm["resource"] == world.network.subnet_ids["tasks-1a"]
    assert alarm["runbookUrl"] is None


def test_given_a_cluster_alarm_then_the_email_reads_the_clusters_figures_back(world):
    cloudwatch = world.target.client("cloudwatch")
    figures = {"EniUtilization": 91.7, "EniTasksRunning": 11, "EniTaskCapacity": 12, "UntrunkedInstances": 3}
    cloudwatch.put_metric_data(
        Namespace=NAMESPACE,
        MetricData=[{"MetricName": name, "Dimensions": ORDERS, "Value": value} for name, value in figures.items()],
    )

    outcome = compose_alert(
        load_notification("ecs_eni_utilization_alarm"), world.target, world.composer_settings(), NOW
    )

    assert outcome.status == "notified"
    (email,) = world.emails()
    assert email["Subject"] == "ECS cluster orders: 92% of task-ENI slots used (11/12)"
    assert "Instances without a trunk: 3" in email["Message"]


def test_given_services_at_deployment_risk_then_the_email_names_each_with_its_surge_and_subnets(world):
    # The ECS collector's deployment fit document, made by its own code: orders-api short, orders-worker unbalanced.
    api = Service("orders", "orders-api", "FARGATE", Controller.ECS, 10, 200, ("subnet-0aaa",))
    worker = Service("orders", "orders-worker", "EC2", Controller.ECS, 16, 200, ("subnet-0aaa", "subnet-0bbb"))
    # orders-batch: on a capacity provider whose group can grow by 1 instance, where the surge needs 2.
    batch = Service("orders", "orders-batch", "CAPACITY_PROVIDER", Controller.ECS, 20, 200, ("subnet-0bbb",), ("cp",))
    group = ScalingGroup("orders-asg", 4, 3, ("subnet-0ccc",))
    room = scaling_room(
        20, eni_slots_free=4, slots_per_instance=10, trunked=False, groups=[group], free_by_subnet={"subnet-0ccc": 9}
    )
    fits = [
        service_fit(api, {"subnet-0aaa": 7}),
        service_fit(worker, {"subnet-0aaa": 7, "subnet-0bbb": 120}, eni_slots_free=20),
        service_fit(batch, {"subnet-0bbb": 120}, eni_slots_free=4, scaling=room),
    ]
    document = deployment_fit_document(fits, "123456789012", "us-east-1", NOW)
    world.target.client("s3").put_object(Bucket=BUCKET, Key="deployments/latest.json", Body=json.dumps(document))

    outcome = compose_alert(
        load_notification("ecs_services_at_deployment_risk_alarm"), world.target, world.composer_settings(), NOW
    )

    assert outcome.status == "notified"
    (email,) = world.emails()
    body = email["Message"]
    assert email["Subject"] == "ECS cluster orders: 3 service(s) whose next deployment would not fit"
    assert (
        "- orders-batch needs 20 more addresses; its subnets have 120 free; its Auto Scaling groups cannot add the "
        "2 instances it needs (2 addresses, 9 free in their subnets, 1 below their maximum size)" in body
    )
    assert (
        "  Auto Scaling (orders-asg): 2 more instances needed, 1 below the maximum size; 2 addresses needed, "
        "9 free in the groups' subnets" in body
    )
    assert "- orders-api needs 10 more addresses; its subnets have 7 free\n" in body
    assert (
        "- orders-worker fits in total, but a subnet cannot take its share of the 16 new tasks (127 free in all)"
        in body
    )
    assert "Subnets: subnet-0aaa 7 free (short of its share), subnet-0bbb 120 free" in body
    assert "lower maximumPercent" in body
    assert "NOT IN THIS EMAIL" not in body


# The forecaster -------------------------------------------------------------------------------------------


def _forecaster_settings(**overrides: str) -> ForecasterSettings:
    environment = {
        "METRIC_NAMESPACE": NAMESPACE,
        "VPC_IDS": "",
        "SUBNET_TAG_FILTER": "",
        "FREE_ADDRESS_FLOOR": "8",
        "FORECAST_HORIZON_DAYS": "30",
        "FORECAST_WATCH_PERCENT": "50",
        "FORECAST_MAX_SUBNETS": "500",
        "MONITOR_MODE": "account",
        "READER_ROLE_NAME": "SubnetIpMonitorReader",
        "FAILURE_STREAK_TABLE": "",
    }
    return ForecasterSettings.model_validate({**environment, **overrides})


def test_given_two_weeks_of_history_then_the_shrinking_subnets_publish_days_to_exhaustion(world):
    cloudwatch = world.target.client("cloudwatch")
    history_reads = count_calls(cloudwatch, "GetMetricData")

    run = run_forecast(world.target, _forecaster_settings(), NOW)

    assert run.report.status == "complete"
    # Only the two task subnets at or above 50 % were read, in one GetMetricData call.
    assert sorted(f.subnet.name or "" for f in run.resources) == ["tasks-1a", "tasks-1b"]
    assert len(history_reads) == 1
    tasks_1b = latest_value(cloudwatch, NAMESPACE, "DaysToExhaustion", _dimensions(world.subnet("tasks-1b")), "Minimum")
    # (18 - 8) / 1 a day = 10; the seeded counts are whole addresses, which moves each daily minimum by up to
    # half an address (the unit tests hold the method to 5 % on exact series).
    assert tasks_1b == pytest.approx(10, rel=0.1)
    tasks_1a = latest_value(cloudwatch, NAMESPACE, "DaysToExhaustion", _dimensions(world.subnet("tasks-1a")), "Minimum")
    assert tasks_1a == 0  # below the floor already


def test_given_a_short_horizon_then_only_subnets_within_it_are_published(world):
    run = run_forecast(world.target, _forecaster_settings(FORECAST_HORIZON_DAYS="5"), NOW)

    published = {
        f.subnet.name
        for f in run.resources
        if latest_value(
            world.target.client("cloudwatch"), NAMESPACE, "DaysToExhaustion", _dimensions(f.subnet), "Minimum"
        )
        is not None
    }
    assert published == {"tasks-1a"}


def test_given_a_cap_then_the_fullest_subnets_are_read_first(world):
    run = run_forecast(world.target, _forecaster_settings(FORECAST_MAX_SUBNETS="1"), NOW)

    assert [f.subnet.name for f in run.resources] == ["tasks-1a"]
    assert "1 subnets watched" in run.report.findings[0]


def test_given_more_than_one_page_of_history_then_every_page_is_read():
    # moto returns one page whatever the size; botocore's Stubber plays CloudWatch's NextToken paging.
    target = Target(ACCOUNT_ID, REGION)
    cloudwatch = target.client("cloudwatch")
    subnets = [Subnet(f"subnet-{i:08x}", "vpc-1", "eu-west-1a", "10.0.0.0/24", 10) for i in range(QUERIES_PER_CALL + 1)]
    queries = free_address_queries(subnets, ACCOUNT_ID)
    start, end = NOW - timedelta(days=14), NOW
    point = NOW - timedelta(hours=1)
    with Stubber(cloudwatch) as stub:
        for batch, pages in ((queries[:QUERIES_PER_CALL], 2), (queries[QUERIES_PER_CALL:], 1)):
            for page in range(pages):
                response: dict[str, Any] = {
                    "MetricDataResults": [
                        {"Id": q.query_id, "Timestamps": [point - timedelta(hours=page)], "Values": [float(page)]}
                        for q in batch
                    ]
                }
                if page + 1 < pages:
                    response["NextToken"] = "next"
                stub.add_response("get_metric_data", response)
        series = read_series(cloudwatch, NAMESPACE, queries, start, end)
        stub.assert_no_pending_responses()

    assert len(series) == QUERIES_PER_CALL + 1
    assert [s.value for s in series["s0"]] == [1.0, 0.0]  # both pages, oldest first
    assert [s.value for s in series[f"s{QUERIES_PER_CALL}"]] == [0.0]


# The digest -----------------------------------------------------------------------------------------------


def test_given_the_week_then_the_digest_lists_the_fullest_subnets_clusters_blocks_leaks_and_events(world):
    _run_census(world)
    cloudwatch = world.target.client("cloudwatch")
    cloudwatch.put_metric_data(
        Namespace=NAMESPACE,
        MetricData=[
            {"MetricName": "EniUtilization", "Dimensions": ORDERS, "Value": 75},
            {
                "MetricName": "UntrunkedInstances",
                "Dimensions": ORDERS,
                "Value": 1,
            },
            {
                "MetricName": "IpExhaustionEvents",
                "Dimensions": [
                    {"Name": "AccountId", "Value": ACCOUNT_ID},
                    {"Name": "Reason", "Value": "SubnetAddressesExhausted"},
                ],
                "Value": 4,
                "Timestamp": NOW - timedelta(days=2),
            },
        ],
    )
    settings = DigestSettings.model_validate(
        {
            "METRIC_NAMESPACE": NAMESPACE,
            "VPC_IDS": "",
            "SUBNET_TAG_FILTER": "",
            "TOPIC_ARN": world.resources.topic_arn,
            "SNAPSHOT_BUCKET": BUCKET,
            "FREE_ADDRESS_FLOOR": "8",
            "MONITOR_MODE": "account",
            "READER_ROLE_NAME": "SubnetIpMonitorReader",
            "ACCOUNT_NAMES": "{}",
            "FAILURE_STREAK_TABLE": "",
        }
    )

    # The ECS collector's deployment fit: one service whose next deployment would not fit.
    short = service_fit(
        Service("orders", "orders-api", "FARGATE", Controller.ECS, 10, 200, ("subnet-0aaa",)), {"subnet-0aaa": 7}
    )
    fit_document = deployment_fit_document([short], ACCOUNT_ID, REGION, NOW)
    world.target.client("s3").put_object(Bucket=BUCKET, Key="deployments/latest.json", Body=json.dumps(fit_document))
    outcome = send_digest(world.target, settings, NOW)

    assert outcome.missing == []
    (email,) = world.emails()
    body = email["Message"]
    assert email["Subject"] == f"Subnet IP Monitor weekly digest: {ACCOUNT_ID} {REGION}, {NOW:%Y-%m-%d}"
    assert len(body.splitlines()) < 100
    closest = body.split("SUBNETS CLOSEST TO EXHAUSTION")[1].split("\n\n")[0].splitlines()[1:]
    assert closest[0].startswith(f"- tasks-1a ({world.network.subnet_ids['tasks-1a']}) in eu-west-1a: 5 free, 96% used")
    assert closest[1].startswith("- tasks-1b")
    assert re.search(r"at the floor in (9\.\d|10\.\d) d", closest[1])  # (18 - 8) / 1 a day, whole addresses
    assert "top: ecs-task orders/checkout" in closest[0]
    assert "- orders: 75%, 1 untrunked instances" in body
    assert "INTERFACES ATTACHED TO NOTHING: 2 holding" in body
    assert "EXHAUSTION EVENTS THIS WEEK: 4\n- SubnetAddressesExhausted: 4" in body
    assert (
        "ECS SERVICES WHOSE NEXT DEPLOYMENT WOULD NOT FIT: 1\n"
        "- orders/orders-api needs 10 more addresses; its subnets have 7 free" in body
    )
