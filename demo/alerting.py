"""The demo's chat messages, a storm and routing: what Slack or Teams gets beside each email (printed, and drawn
in demo/out/chat-preview.html), one grouped message for many subnets in ALARM, and two teams' subnets routed
to two teams."""

from __future__ import annotations

import html
import json
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

import boto3

from devkit.alarm_contributors import ContributorsInAlarm
from devkit.alarm_fixtures import load_notification, storm_of, with_contributor
from devkit.readback import drain_queue
from devkit.scenario import REGION, SeededNetwork, subscribed_queue
from lambdas.platform.settings import RouteSetting
from lambdas.platform.targets import Target

PREVIEW = Path(__file__).resolve().parent / "out" / "chat-preview.html"
STORM_ALARM = "subnet-free-addresses"


def chat_messages(sqs: Any, chat_queue: str) -> list[dict[str, Any]]:
    """Every chat message on the chat topic since the last call, as Amazon Q Developer would receive them."""
    return [json.loads(m["Body"]) for m in drain_queue(sqs, chat_queue)]


def print_chat(messages: Sequence[dict[str, Any]], what: str) -> None:
    """How many chat messages went, and the first as the chat topic carries it."""
    print(f"\nChat messages on the chat topic ({what}): {len(messages)}")
    if messages:
        print("The first, as Amazon Q Developer in chat applications receives it (a custom notification):")
        print(json.dumps(messages[0], indent=2, ensure_ascii=False))


def run_storm(
    target: Target,
    settings: Any,
    network: SeededNetwork,
    in_alarm: ContributorsInAlarm,
    *,
    alarm_prefix: str,
    now: datetime,
) -> tuple[list[str], list[str]]:
    """Every demo subnet at the free-address floor at once, then all of them back: the statuses of the ALARM
    transitions and of the OK ones."""
    from lambdas.alerts.pipeline import compose_alert  # noqa: PLC0415

    alarm = f"{alarm_prefix}{STORM_ALARM}"
    subnets = sorted(network.subnet_ids.values())
    figures = [float(i % 8) for i in range(len(subnets))]
    in_alarm.set(alarm, [{"AccountId": target.account_id, "SubnetId": s} for s in subnets], figures)
    entered = [
        compose_alert(_here(n, target, now), target, settings, now).status
        for n in storm_of("subnet_free_addresses_alarm", subnets, figures)
    ]
    in_alarm.clear(alarm)
    left = [
        compose_alert(_here(n, target, now), target, settings, now).status
        for n in storm_of("subnet_free_addresses_ok", subnets)
    ]
    return entered, left


def route_two_teams(
    target: Target, settings: Any, network: SeededNetwork, *, now: datetime
) -> list[tuple[str, str, str]]:
    """tasks-1a tagged team=payments, tasks-1b team=orders, each team's route to its own topic; a forecast alarm for
    each and for one untagged subnet. Returns (subnet, route, subject) as each inbox got it."""
    from lambdas.alerts.pipeline import compose_alert  # noqa: PLC0415

    sns, sqs, ec2 = (boto3.client(s, region_name=REGION) for s in ("sns", "sqs", "ec2"))
    teams = {"tasks-1a": "payments", "tasks-1b": "orders"}
    inboxes: dict[str, str] = {}
    routes = []
    for subnet, team in teams.items():
        ec2.create_tags(Resources=[network.subnet_ids[subnet]], Tags=[{"Key": "team", "Value": team}])
        topic = sns.create_topic(Name=f"subnet-ip-monitor-route-{team}")["TopicArn"]
        inboxes[team] = subscribed_queue(sns, sqs, topic, f"{team}-oncall")
        routes.append(RouteSetting(name=team, match={"tags": {"team": team}}, topic=topic))
    routed = settings.model_copy(update={"routes": tuple(routes), "chat_topic_arns": ()})
    for subnet in (*teams, "tasks-1c"):
        forecast = load_notification("subnet_days_to_exhaustion_alarm")
        notification = with_contributor(forecast, network.subnet_ids[subnet])
        compose_alert(_here(notification, target, now), target, routed, now)
    return [(subnet, team, _subject(m)) for subnet, team in teams.items() for m in drain_queue(sqs, inboxes[team])]


def write_preview(messages: Sequence[dict[str, Any]]) -> Path:
    """demo/out/chat-preview.html: the messages drawn roughly as Slack lays out a custom notification (a sketch
    to look at, not Slack's renderer); every text is escaped."""
    cards = "\n".join(_card(m) for m in messages)
    PREVIEW.parent.mkdir(exist_ok=True)
    PREVIEW.write_text(
        "<!doctype html><meta charset=utf-8><meta name=viewport content='width=device-width'>"
        "<title>Subnet IP Monitor: chat preview</title><style>"
        "body{font:15px/1.4 -apple-system,Segoe UI,Roboto,sans-serif;background:#f8f8f8;margin:0;padding:12px;"
        "max-width:420px}.card{background:#fff;border-left:4px solid #d13212;border-radius:6px;padding:10px 12px;"
        "margin:0 0 14px;box-shadow:0 1px 2px #0002}.app{color:#616061;font-size:12px}h2{font-size:15px;margin:4px 0}"
        "pre{background:#f6f6f6;border:1px solid #e2e2e2;border-radius:4px;padding:6px;white-space:pre-wrap;"
        "font-size:12px;margin:2px 0 8px}b{display:block;margin-top:6px}.kw{color:#1264a3;font-size:12px}"
        "ol{padding-left:18px;margin:4px 0}</style>"
        f"<h1 style='font-size:16px'>What the channel shows: {len(messages)} messages</h1>{cards}"
    )
    return PREVIEW


def _card(message: dict[str, Any]) -> str:
    content = message["content"]
    # Red for a problem, green for a message that something left ALARM (the preview's own colours, not Slack's).
    recovered = any(word in content.get("title", "") for word in ("left ALARM", "Recovered"))
    parts = [
        f"<div class=card style='border-left-color:{'#1d8102' if recovered else '#d13212'}'>"
        "<div class=app>Amazon Q Developer · Subnet IP Monitor</div>",
        f"<h2>{html.escape(content.get('title', ''))}</h2>",
        _markdown(content["description"]),
    ]
    if content.get("nextSteps"):
        steps = "".join(f"<li>{_markdown(step)}</li>" for step in content["nextSteps"])
        parts.append(f"<b>Next steps</b><ol>{steps}</ol>")
    if content.get("keywords"):
        parts.append("<div class=kw>" + " · ".join(html.escape(k) for k in content["keywords"]) + "</div>")
    return "".join(parts) + "</div>"


def _markdown(text: str) -> str:
    """The client-markdown the messages use: *bold* headings, ``` code blocks, lines; everything escaped."""
    out, code = [], False
    for line in text.split("\n"):
        if line == "```":
            out.append("<pre>" if not code else "</pre>")
            code = not code
        elif code:
            out.append(html.escape(line) + "\n")
        elif line.startswith("*") and line.endswith("*") and len(line) > 2:
            out.append(f"<b>{html.escape(line[1:-1])}</b>")
        elif line:
            out.append(f"<div>{html.escape(line)}</div>")
    return "".join(out)


def _here(notification: dict[str, Any], target: Target, now: datetime) -> dict[str, Any]:
    """The fixture as this demo account's CloudWatch would send it now."""
    notification.update(account=target.account_id, region=REGION, time=f"{now:%Y-%m-%dT%H:%M:%SZ}")
    notification["detail"]["alarmContributor"]["attributes"]["AccountId"] = target.account_id
    return notification


def _subject(message: dict[str, Any]) -> str:
    return str(json.loads(message["Body"])["Subject"])
