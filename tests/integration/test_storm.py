"""One message per storm, and routes by owner, through moto: 40 subnets of one alarm in ALARM at once make 1 grouped
email, 1 chat message and 1 page naming all 40 (not 40 of each); their 40 OKs make 1 grouped recovery that tells
recovered from stopped reporting; two teams' subnets go to two teams' topics. moto has no
DescribeAlarmContributors: devkit/alarm_contributors.py answers it."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from botocore.exceptions import ClientError

from devkit.alarm_contributors import ContributorsInAlarm
from devkit.alarm_fixtures import STACK_PREFIX, storm_of
from devkit.readback import drain_queue
from devkit.scenario import REGION, seed_chat_topic, seed_paging_topic, subscribed_queue
from lambdas.alerts.pipeline import compose_alert
from lambdas.platform.settings import RouteSetting
from tests.integration.conftest import ACCOUNT_ID
from tests.integration.test_alerts import NOW, AlertWorld, alert_world
from tests.integration.test_paging import pages

pytestmark = pytest.mark.usefixtures("aws")
ALARM = f"{STACK_PREFIX}subnet-free-addresses"
CHAT_SCHEMA = json.loads((Path(__file__).resolve().parents[2] / "docs" / "chat-notification.schema.json").read_text())
SUBNETS = [f"subnet-{i:017x}" for i in range(1, 41)]


def _storm(world: AlertWorld, fixture: str, contributors: list[str], datapoints: list[float] | None = None):
    notifications = storm_of(fixture, contributors, datapoints)
    for n in notifications:
        n["region"] = REGION
        n["account"] = ACCOUNT_ID
        n["detail"]["alarmContributor"]["attributes"]["AccountId"] = ACCOUNT_ID
    return notifications


@pytest.fixture
def storm():
    world = alert_world()
    sns, sqs = world.target.client("sns"), world.target.client("sqs")
    chat_topic, chat_queue = seed_chat_topic(sns, sqs)
    paging_topic, paging_queue = seed_paging_topic(sns, sqs)
    settings = world.composer_settings().model_copy(
        update={
            "chat_topic_arns": (chat_topic,),
            "paging_topic_arn": paging_topic,
            "group_above": 5,
            "docs_url": "https://platform.example.com/sim/",
        }
    )
    in_alarm = ContributorsInAlarm()
    in_alarm.answer_on(world.target.home_client("cloudwatch"))

    def chat() -> list[dict[str, Any]]:
        messages = [json.loads(m["Body"]) for m in drain_queue(sqs, chat_queue)]
        for message in messages:
            jsonschema.validate(message, CHAT_SCHEMA)
        return messages

    return world, settings, in_alarm, chat, lambda: pages(sqs, paging_queue)


def _attributes(subnets: list[str]) -> list[dict[str, str]]:
    return [{"AccountId": ACCOUNT_ID, "SubnetId": s} for s in subnets]


def test_given_40_subnets_in_alarm_at_once_then_one_grouped_email_chat_message_and_page_name_all_40(storm):
    world, settings, in_alarm, chat, paged = storm
    figures = [float(i % 7) for i in range(40)]
    in_alarm.set(ALARM, _attributes(SUBNETS), figures)

    outcomes = [
        compose_alert(n, world.target, settings, NOW)
        for n in _storm(world, "subnet_free_addresses_alarm", SUBNETS, figures)
    ]

    assert sorted(o.status for o in outcomes) == ["grouped"] * 39 + ["notified"]
    (email,) = world.emails()
    assert email["Subject"].startswith("40 subnets in ALARM: Subnet free addresses")
    assert all(s in email["Message"] for s in SUBNETS)
    listed = [line for line in email["Message"].splitlines() if line.startswith("- subnet-")]
    shown = [float(line.rsplit(": ", 1)[1].removesuffix(" free")) for line in listed]
    assert shown == sorted(figures), "worst (fewest free) first"
    assert "RUNBOOK\nhttps://platform.example.com/sim/runbooks/#subnet-free-addresses" in email["Message"]
    (message,) = chat()
    assert all(s in message["content"]["description"] for s in SUBNETS), "all 40 named in chat too"
    ((page, severity),) = paged()
    assert (page["state"], severity) == ("ALARM", "critical")


def test_given_their_40_oks_then_one_grouped_recovery_tells_recovered_from_stopped_reporting(storm):
    world, settings, in_alarm, chat, paged = storm
    in_alarm.set(ALARM, _attributes(SUBNETS))
    for n in _storm(world, "subnet_free_addresses_alarm", SUBNETS):
        compose_alert(n, world.target, settings, NOW)
    world.emails(), chat(), paged()

    in_alarm.clear(ALARM)
    oks = _storm(world, "subnet_free_addresses_ok", SUBNETS[:38]) + _storm(
        world, "subnet_free_addresses_no_data", SUBNETS[38:]
    )
    outcomes = [compose_alert(n, world.target, settings, NOW) for n in oks]

    assert sorted(o.status for o in outcomes) == ["grouped"] * 39 + ["notified"]
    (email,) = world.emails()
    assert email["Subject"].startswith("40 subnets left ALARM (38 recovered, 2 stopped reporting)")
    recovered, stopped = email["Message"].split("STOPPED REPORTING\n", 1)
    assert all(s in recovered for s in SUBNETS[:38])
    assert all(s in stopped for s in SUBNETS[38:])
    assert "not a recovery" in stopped
    assert len(chat()) == 1
    ((page, _),) = paged()
    assert page["state"] == "STOPPED_REPORTING", "some stopped reporting: not resolved as recovered"


def test_given_a_member_still_in_alarm_then_the_recovery_names_it_and_the_page_stays_open(storm):
    world, settings, in_alarm, chat, paged = storm
    in_alarm.set(ALARM, _attributes(SUBNETS[:8]))
    for n in _storm(world, "subnet_free_addresses_alarm", SUBNETS[:8]):
        compose_alert(n, world.target, settings, NOW)
    world.emails(), chat(), paged()

    in_alarm.set(ALARM, _attributes(SUBNETS[7:8]))
    outcomes = [
        compose_alert(n, world.target, settings, NOW) for n in _storm(world, "subnet_free_addresses_ok", SUBNETS[:7])
    ]

    assert [o.status for o in outcomes][-1] == "notified"
    (email,) = world.emails()
    assert "STILL IN ALARM (1)\n- " + SUBNETS[7] in email["Message"]
    assert paged() == [], "one member is still in ALARM: the storm's page is not resolved"


def test_given_few_contributors_in_alarm_then_each_is_emailed_alone(storm):
    world, settings, in_alarm, chat, _ = storm
    in_alarm.set(ALARM, _attributes(SUBNETS[:5]))

    outcomes = [
        compose_alert(n, world.target, settings, NOW) for n in _storm(world, "subnet_free_addresses_alarm", SUBNETS[:5])
    ]

    assert [o.status for o in outcomes] == ["notified"] * 5
    assert len(world.emails()) == 5
    assert len(chat()) == 5


def test_given_a_storm_that_cannot_be_read_then_each_contributor_is_emailed_alone(storm):
    world, settings, in_alarm, _, _ = storm
    in_alarm.set(ALARM, _attributes(SUBNETS))

    def throttled(**_: Any) -> None:
        raise ClientError(
            {"Error": {"Code": "ThrottlingException", "Message": "Rate exceeded"}}, "DescribeAlarmContributors"
        )

    # Registered first, so it answers before the stand-in does: the read fails as a throttled call would.
    world.target.home_client("cloudwatch").meta.events.register_first(
        "before-call.cloudwatch.DescribeAlarmContributors", throttled
    )
    notifications = _storm(world, "subnet_free_addresses_alarm", SUBNETS[:7])
    outcomes = [compose_alert(n, world.target, settings, NOW) for n in notifications]

    assert [o.status for o in outcomes] == ["notified"] * 7, "fail open: a lost storm read loses no alert"
    assert all(o.problems[0]["operation"] == "DescribeAlarmContributors" for o in outcomes)


def test_given_grouping_off_then_no_contributor_is_grouped(storm):
    world, settings, in_alarm, _, _ = storm
    in_alarm.set(ALARM, _attributes(SUBNETS))
    off = settings.model_copy(update={"group_above": 0})
    outcomes = [
        compose_alert(n, world.target, off, NOW) for n in _storm(world, "subnet_free_addresses_alarm", SUBNETS[:7])
    ]
    assert [o.status for o in outcomes] == ["notified"] * 7


# Routing (monitor:routes) ------------------------------------------------------------------------------------


def test_given_two_teams_subnets_then_each_teams_alerts_go_to_its_own_topic_and_the_rest_to_the_default(storm):
    world, settings, in_alarm, _, _ = storm
    sns, sqs, ec2 = world.target.client("sns"), world.target.client("sqs"), world.target.client("ec2")
    subnets = world.network.subnet_ids
    ec2.create_tags(Resources=[subnets["tasks-1a"]], Tags=[{"Key": "team", "Value": "payments"}])
    ec2.create_tags(Resources=[subnets["tasks-1b"]], Tags=[{"Key": "team", "Value": "orders"}])
    inboxes, routes = {}, []
    for team in ("payments", "orders"):
        topic = sns.create_topic(Name=f"route-{team}")["TopicArn"]
        inboxes[team] = subscribed_queue(sns, sqs, topic, f"{team}-inbox")
        routes.append(RouteSetting(name=team, match={"tags": {"team": team}}, topic=topic))
    routed = settings.model_copy(update={"routes": tuple(routes)})
    in_alarm.set(ALARM, [])
    others = [name for name in subnets if name not in ("tasks-1a", "tasks-1b")]

    for name in ("tasks-1a", "tasks-1b", others[0]):
        assert (
            compose_alert(world.notification("subnet_free_addresses_alarm", name), world.target, routed, NOW).status
            == "notified"
        )

    def subjects(queue: str) -> list[str]:
        return [json.loads(m["Body"])["Subject"] for m in drain_queue(sqs, queue)]

    (payments,) = subjects(inboxes["payments"])
    (orders,) = subjects(inboxes["orders"])
    assert subnets["tasks-1a"] in payments
    assert subnets["tasks-1b"] in orders
    (default,) = [e["Subject"] for e in world.emails()]
    assert subnets[others[0]] in default
