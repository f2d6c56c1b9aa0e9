"""`make demo`: seed moto, run the real collectors and the event handler, show what a platform team would see."""

from __future__ import annotations

import json
import logging
import os
import tempfile
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from unittest.mock import patch

import boto3
from aws_lambda_powertools import Logger
from moto import mock_aws

from app import STACK_NAME
from cli.replay import load_corrections, render, replay_kept_events, save_events
from demo.alerting import chat_messages, print_chat, route_two_teams, run_storm, write_preview
from demo.events import Burst, incident_burst, matching_rule
from demo.organization import run_organization_demo
from demo.thresholds import SubnetThresholds, breached_thresholds
from devkit.alarm_contributors import ContributorsInAlarm
from devkit.alarm_fixtures import load_notification, with_contributor
from devkit.demo_account import HISTORY, seed_demo_account, seed_deployment_services
from devkit.emulator import restore_aws_fields
from devkit.event_fixtures import load_event
from devkit.lambda_context import LocalLambdaContext, function_arn
from devkit.readback import drain_queue, latest_value, metric_values, total_over_series
from devkit.scenario import (
    AZS,
    ECS_CLUSTER,
    REGION,
    CensusConsumers,
    EventResources,
    SeededNetwork,
    seed_chat_topic,
    seed_event_resources,
    seed_paging_topic,
)
from infra.alerts import forecast_environment, threshold_environment
from infra.core.config import MonitorConfig, config_from_context
from infra.core.publishing import publish_environment
from lambdas.alerts.settings import ALARM_NAME_PREFIX, GROUP_ABOVE
from lambdas.census.settings import FREE_PREFIX_BLOCK_FLOOR, MONITOR_EVENT_BUS
from lambdas.domain.network import Subnet
from lambdas.ecs import settings as ecs_settings
from lambdas.ecs.model import ClusterEniCapacity, LimitBasis
from lambdas.ecs.trunk_table import trunk_task_limits
from lambdas.events.kinds import registry
from lambdas.events.settings import MAX_INCIDENTS_PER_WINDOW
from lambdas.hub.dispatch.settings import MEMBER_ACCOUNTS, ORGANIZATION_UNIT_IDS
from lambdas.platform import contract
from lambdas.platform import settings as platform_settings
from lambdas.platform.settings import METRIC_NAMESPACE, SNAPSHOT_BUCKET, SUBNET_TAG_FILTER, VPC_IDS
from lambdas.platform.targets import own_target
from lambdas.subnets.model import subnet_headroom

REPO_ROOT = Path(__file__).resolve().parent.parent
CENSUS_BUCKET = "subnet-ip-monitor-census-demo"
MONITOR_BUS = "SubnetIpMonitor-demo-monitor-events"
TOP_CONSUMERS = 3
CONTEXT = LocalLambdaContext(function_name="demo", invoked_function_arn=function_arn(REGION, name="demo"))
# The emulator's account: the handlers publish it as the AccountId of every series.
DEMO_ACCOUNT = own_target(CONTEXT).account_id


SERVICE_NAME = "subnet-ip-monitor-demo"
# The functions' own log lines (JSON, what CloudWatch Logs would hold): in a file, not between the demo's output.
RUNTIME_LOG = Path(tempfile.gettempdir()) / "subnet-ip-monitor-demo" / "runtime.log"


@contextmanager
def _runtime_logs_to_file() -> Iterator[None]:
    """Configure the functions' Powertools logger first, writing to RUNTIME_LOG; every Logger() of the same
    service made later reuses it (Powertools configures a service's logger once).

    Modules the demo imported before it set POWERTOOLS_SERVICE_NAME hold child loggers of no configured service;
    their records reach the root logger, which writes to the same file (in Lambda the variable is set first).
    """
    RUNTIME_LOG.parent.mkdir(parents=True, exist_ok=True)
    handler = logging.FileHandler(RUNTIME_LOG, mode="w")
    Logger(service=SERVICE_NAME, logger_handler=handler)
    logging.root.addHandler(handler)
    try:
        yield
    finally:
        logging.root.removeHandler(handler)
        handler.close()


def main() -> None:
    """Run the demo end to end inside one in-process emulator; nothing is left running."""
    config = config_from_context(json.loads((REPO_ROOT / "cdk.json").read_text())["context"])
    with _runtime_logs_to_file():
        print(f"(The functions' own log lines, the expected failures' included, are in {RUNTIME_LOG}.)")
        _account_demo(config)
        run_organization_demo(config, _demo_environment(config))


def _account_demo(config: MonitorConfig) -> None:
    """One account: the collectors, the census, the event burst, the alerts and the deployment fit."""
    # moto has no DescribeAlarmContributors: the stand-in answers it (who is in ALARM) for the storm below.
    in_alarm = ContributorsInAlarm()
    with mock_aws(), patch.dict(os.environ, _demo_environment(config)), in_alarm.everywhere():
        ec2 = boto3.client("ec2", region_name=REGION)
        seeded = seed_demo_account(config.namespace)
        network, census_consumers, instance_names = seeded.network, seeded.census_consumers, seeded.instance_names
        os.environ[VPC_IDS] = network.vpc_id
        boto3.client("s3", region_name=REGION).create_bucket(
            Bucket=CENSUS_BUCKET, CreateBucketConfiguration={"LocationConstraint": REGION}
        )
        os.environ[SNAPSHOT_BUCKET] = CENSUS_BUCKET
        # The census's private bus for its EKS shortage events, as the stack makes it.
        boto3.client("events", region_name=REGION).create_event_bus(Name=MONITOR_BUS)
        # moto drops InterfaceType, prefixes and the in-use state of service interfaces: put them back.
        restore_aws_fields(own_target(CONTEXT).client("ec2"))
        resources = seed_event_resources(
            boto3.client("sns", region_name=REGION),
            boto3.client("sqs", region_name=REGION),
            boto3.client("dynamodb", region_name=REGION),
        )
        # monitor:pagingEndpoints: the pages land in a queue, as an HTTPS endpoint would get them.
        paging_topic, pager_url = seed_paging_topic(
            boto3.client("sns", region_name=REGION), boto3.client("sqs", region_name=REGION)
        )
        # monitor:slackChannels: the chat topic's messages land in a queue, as Amazon Q Developer would get them.
        chat_topic, chat_queue = seed_chat_topic(
            boto3.client("sns", region_name=REGION), boto3.client("sqs", region_name=REGION)
        )
        os.environ.update(
            {
                platform_settings.CHAT_TOPIC_ARNS: chat_topic,
                platform_settings.PAGING_TOPIC_ARN: paging_topic,
                platform_settings.TOPIC_ARN: resources.topic_arn,
                platform_settings.INCIDENT_TABLE_NAME: resources.incident_table,
                platform_settings.DEAD_LETTER_QUEUE_URL: resources.dead_letter_queue_url,
                platform_settings.ACCOUNT_NAMES: json.dumps(config.account_names),
            }
        )
        calls = _count_calls()

        # Imported once the environment is set: Powertools reads its settings at import time.
        from lambdas.ecs.pipeline import collect_ecs  # noqa: PLC0415
        from lambdas.ecs.settings import EcsCollectorSettings  # noqa: PLC0415
        from lambdas.platform.settings import load_settings  # noqa: PLC0415
        from lambdas.subnets import handler as subnet_collector  # noqa: PLC0415

        report = subnet_collector.handler({}, CONTEXT)  # type: ignore[arg-type]
        cloudwatch = boto3.client("cloudwatch", region_name=REGION)
        _print_subnets(ec2, cloudwatch, network, config)
        print(
            f"\nSubnet collector run: {report['status']}, {report['resources']} subnets, "
            f"{report['metric_points']} data points; API calls: {_format_calls(calls)}"
        )
        calls.clear()
        # A second run, as the next schedule would make it: in the at-risk mode only what needs a point gets one.
        again = subnet_collector.handler({}, CONTEXT)  # type: ignore[arg-type]
        reasons = ", ".join(f"{why} {n}" for why, n in sorted(again["publish_reasons"].items())) or "none"
        print(
            f"Next subnet run ({config.publish_mode.value}): {again['published']} of {again['resources']} subnets "
            f"published ({reasons}); API calls: {_format_calls(calls)}"
        )
        calls.clear()
        # The ECS handler returns only its report; the pipeline also hands back the per-instance detail to print.
        ecs_run = collect_ecs(own_target(CONTEXT), load_settings(EcsCollectorSettings), datetime.now(UTC))
        ecs_report, capacities = ecs_run.report, ecs_run.resources
        _print_clusters(cloudwatch, capacities, {v: k for k, v in instance_names.items()}, config)
        print(
            f"\nECS collector run: {ecs_report.status}, {ecs_report.resources} cluster(s) with EC2 instances, "
            f"{ecs_report.metric_points} data points; API calls: {_format_calls(calls)}"
        )
        for finding in ecs_report.findings:
            print(f"Finding: {finding}")
        calls.clear()
        from lambdas.census import handler as census_collector  # noqa: PLC0415

        census_report = census_collector.handler({}, CONTEXT)  # type: ignore[arg-type]
        _print_census(boto3.client("s3", region_name=REGION), network, census_consumers)
        print(
            f"\nCensus run: {census_report['status']}, {census_report['resources']} subnets, "
            f"{census_report['metric_points']} data points; API calls: {_format_calls(calls)}"
        )
        eks_interfaces = boto3.client("ec2", region_name=REGION).describe_network_interfaces(
            Filters=[{"Name": "subnet-id", "Values": [network.subnet_ids["eks-1a"]]}]
        )["NetworkInterfaces"]
        burst = Burst(
            REGION,
            ECS_CLUSTER,
            network.subnet_ids["tasks-1a"],
            network.subnet_ids["instances-1a"],
            network.subnet_ids["tasks-1c"],
            network.subnet_ids["eks-1a"],
            eks_interfaces[0]["NetworkInterfaceId"],
            start=datetime.now(UTC) - timedelta(minutes=10),
        )
        _deliver_events(incident_burst(burst), resources, cloudwatch, config)
        _alerts(network, resources, cloudwatch, config, queues=(chat_queue, pager_url), in_alarm=in_alarm)


def _alerts(
    network: SeededNetwork,
    resources: EventResources,
    cloudwatch: Any,
    config: MonitorConfig,
    *,
    queues: tuple[str, str],
    in_alarm: ContributorsInAlarm,
) -> None:
    """The pages and chat messages of the burst, the alerts, a storm, routing and the deployment fit."""
    chat_queue, pager_url = queues
    sqs = boto3.client("sqs", region_name=REGION)
    _print_pages(sqs, pager_url)
    incident_chats = chat_messages(sqs, chat_queue)
    print_chat(incident_chats, "one beside each incident email")
    print(
        "(moto does not evaluate alarms or send email; the demo applies the alarm thresholds to the "
        "metrics it read back. In AWS the alarms send these to the SNS topic.)"
    )
    _forecast_and_alert(network, resources, cloudwatch, config)
    # The alert's and the digest's chat messages and the alert's page: their emails are printed above.
    chat_messages(sqs, chat_queue)
    drain_queue(sqs, pager_url)
    storm_chats = _storm_and_routes(network, resources, queues, in_alarm)
    preview = write_preview([*incident_chats[:2], *storm_chats])
    print(f"\nThe chat messages above, drawn as a Slack channel would roughly show them: {preview}")
    _deployment_fit(network, resources, cloudwatch, config)


def _forecast_and_alert(
    network: SeededNetwork, resources: EventResources, cloudwatch: Any, config: MonitorConfig
) -> None:
    """The forecaster's run, the composer's email for a tasks-1a contributor, and the weekly digest."""
    from lambdas.alerts import digest_handler, forecast_handler  # noqa: PLC0415
    from lambdas.alerts import handler as composer  # noqa: PLC0415

    sqs = boto3.client("sqs", region_name=REGION)
    drain_queue(sqs, resources.inbox_url)  # the exhaustion-event emails were printed above
    report = forecast_handler.handler({}, CONTEXT)  # type: ignore[arg-type]
    print(
        f"\nForecaster run: {report['status']}; {report['findings'][0]}. Two weeks of hourly history were seeded: "
        + ", ".join(f"{name} losing {lost:g} a day" for name, (_, lost) in HISTORY.items())
    )
    print(f"{contract.DAYS_TO_EXHAUSTION.name} read back (days until {config.free_address_floor} free addresses):")
    names = {subnet_id: name for name, subnet_id in network.subnet_ids.items()}
    listed = cloudwatch.list_metrics(Namespace=config.namespace, MetricName=contract.DAYS_TO_EXHAUSTION.name)
    series = [{d["Name"]: d["Value"] for d in metric["Dimensions"]} for metric in listed["Metrics"]]
    for dims in sorted(series, key=lambda d: names.get(d[contract.SUBNET_ID], d[contract.SUBNET_ID])):
        days = latest_value(cloudwatch, config.namespace, contract.DAYS_TO_EXHAUSTION.name, dims, "Minimum")
        alarm = "ALARM" if days is not None and days <= config.forecast_alarm_days else "ok"
        print(f"  {names.get(dims[contract.SUBNET_ID], dims[contract.SUBNET_ID]):<14}{days:>6.1f}  {alarm}")

    notification = with_contributor(load_notification("subnet_ip_utilization_alarm"), network.subnet_ids["tasks-1a"])
    # As CloudWatch would word it now: the figure the subnet collector published, this minute.
    now = datetime.now(UTC)
    utilization = latest_value(
        cloudwatch,
        config.namespace,
        contract.IP_UTILIZATION.name,
        contract.subnet_series(DEMO_ACCOUNT, network.vpc_id, network.subnet_ids["tasks-1a"], AZS[0]),
        "Maximum",
    )
    notification.update(region=REGION, time=f"{now:%Y-%m-%dT%H:%M:%SZ}")
    notification["detail"]["state"].update(
        timestamp=f"{now:%Y-%m-%dT%H:%M:%S.000+0000}",
        reason=(
            f"Threshold Crossed: 1 datapoint was greater than or equal to the threshold "
            f"({config.utilization_threshold_percent:g}). The most recent datapoint which crossed the threshold: "
            f"[{utilization} ({now:%d/%m/%y %H:%M:%S})]."
        ),
    )
    outcome = composer.handler(notification, CONTEXT)  # type: ignore[arg-type]
    print(
        "\nAlert composer: CloudWatch would send it one 'CloudWatch Alarm Contributor State Change' per subnet; "
        f"fed the ALARM of tasks-1a on {notification['detail']['alarmName']}: {outcome['status']}"
    )
    _print_emails(sqs, resources)
    digest = digest_handler.handler({}, CONTEXT)  # type: ignore[arg-type]
    print(f"\nWeekly digest ({config.digest_schedule} UTC in AWS): {digest['lines']} lines")
    _print_emails(sqs, resources)


def _storm_and_routes(
    network: SeededNetwork, resources: EventResources, queues: tuple[str, str], in_alarm: ContributorsInAlarm
) -> list[dict[str, Any]]:
    """Every subnet at the floor at once (one grouped message, then one grouped recovery), and two teams'
    subnets routed to two teams; returns the storm's chat messages."""
    from lambdas.alerts.settings import ComposerSettings  # noqa: PLC0415
    from lambdas.platform.settings import load_settings  # noqa: PLC0415

    chat_queue, pager_url = queues
    sqs, target, now = boto3.client("sqs", region_name=REGION), own_target(CONTEXT), datetime.now(UTC)
    settings = load_settings(ComposerSettings)
    entered, left = run_storm(target, settings, network, in_alarm, alarm_prefix=f"{STACK_NAME}-", now=now)
    print(
        f"\nA storm: all {len(entered)} subnets at the free-address floor at once (monitor:groupAbove "
        f"{settings.group_above}); the composer's outcomes: {dict(Counter(entered))}, then their OKs: "
        f"{dict(Counter(left))}"
    )
    _print_emails(sqs, resources)
    storm_chats = chat_messages(sqs, chat_queue)
    print_chat(storm_chats, "the storm and its recovery, one each")
    _print_pages(sqs, pager_url)
    print("\nRouting (monitor:routes): tasks-1a is tagged team=payments, tasks-1b team=orders. A forecast alarm for")
    print("each, and for tasks-1c, which no route matches:")
    for subnet, team, subject in route_two_teams(target, settings, network, now=now):
        print(f"  {subnet} -> the {team} route's inbox: {subject}")
    for message in drain_queue(sqs, resources.inbox_url):
        print(f"  tasks-1c -> the default inbox: {json.loads(message['Body'])['Subject']}")
    chat_messages(sqs, chat_queue)
    drain_queue(sqs, pager_url)
    return storm_chats


def _deployment_fit(network: SeededNetwork, resources: EventResources, cloudwatch: Any, config: MonitorConfig) -> None:
    """Two services whose next deployment is at risk, the ECS collector's fit, and the emails it leads to."""
    from lambdas.alerts import handler as composer  # noqa: PLC0415
    from lambdas.ecs import handler as ecs_collector  # noqa: PLC0415

    deploy_subnet = seed_deployment_services(network)
    run = ecs_collector.handler({}, CONTEXT)  # type: ignore[arg-type]
    s3 = boto3.client("s3", region_name=REGION)
    document = json.loads(s3.get_object(Bucket=CENSUS_BUCKET, Key=contract.DEPLOYMENT_FIT_KEY)["Body"].read())
    names = {v: k for k, v in network.subnet_ids.items()} | {deploy_subnet: "deploy-1a"}
    print(f"\nDeployment fit (ECS collector run: {run['status']}; s3://{CENSUS_BUCKET}/{contract.DEPLOYMENT_FIT_KEY}):")
    print(f"  {'service':<15}{'desired':>8}{'max%':>6}{'surge':>7}  {'subnets (free)':<36}{'fits':<7}{'unbalanced'}")
    for service in document["services"]:
        rooms = ", ".join(f"{names.get(s['subnetId'], s['subnetId'])} ({s['free']})" for s in service["subnets"])
        print(
            f"  {service['service']:<15}{service['desiredCount']:>8}{service['maximumPercent']:>6}"
            f"{service['surge']:>7}  {rooms:<36}{'yes' if service['fits'] else 'NO':<7}"
            f"{'YES' if service['unbalanced'] else 'no'}"
        )
    at_risk = latest_value(
        cloudwatch,
        config.namespace,
        contract.SERVICES_AT_DEPLOYMENT_RISK.name,
        contract.cluster_series(DEMO_ACCOUNT, REGION, ECS_CLUSTER),
        "Maximum",
    )
    print(f"{contract.SERVICES_AT_DEPLOYMENT_RISK.name} read back for {ECS_CLUSTER}: {at_risk:.0f}")
    sqs = boto3.client("sqs", region_name=REGION)
    event = load_event("deployment_in_progress")
    event.update(account=DEMO_ACCOUNT, region=REGION, time=f"{datetime.now(UTC):%Y-%m-%dT%H:%M:%SZ}")
    outcome = _handle_event(event)
    print(f"\nECS Deployment State Change (SERVICE_DEPLOYMENT_IN_PROGRESS) for orders-api: {outcome['status']}")
    _print_emails(sqs, resources)
    notification = load_notification("ecs_services_at_deployment_risk_alarm")
    notification["detail"]["alarmContributor"]["attributes"].update(AccountId=DEMO_ACCOUNT, Region=REGION)
    notification.update(account=DEMO_ACCOUNT, region=REGION)
    alarm = composer.handler(notification, CONTEXT)  # type: ignore[arg-type]
    print(f"\nAlert composer, ALARM of {notification['detail']['alarmName']} for {ECS_CLUSTER}: {alarm['status']}")
    _print_emails(sqs, resources)


def _print_emails(sqs: Any, resources: EventResources) -> None:
    for message in drain_queue(sqs, resources.inbox_url):
        email = json.loads(message["Body"])
        print("=" * 100)
        print(f"Subject: {email['Subject']}\n")
        print(email["Message"].rstrip())
    print("=" * 100)


def _demo_environment(config: MonitorConfig) -> dict[str, str]:
    """What the stack would set on the functions, plus emulator credentials; undone when the demo ends."""
    return {
        "AWS_ACCESS_KEY_ID": "demo",
        "AWS_SECRET_ACCESS_KEY": "demo",
        "AWS_DEFAULT_REGION": REGION,
        "AWS_REGION": REGION,
        "POWERTOOLS_SERVICE_NAME": SERVICE_NAME,
        "POWERTOOLS_LOG_LEVEL": os.environ.get("DEMO_LOG_LEVEL", "ERROR"),
        METRIC_NAMESPACE: config.namespace,
        SUBNET_TAG_FILTER: config.subnet_tag_filter,
        ecs_settings.CLUSTER_NAMES: ",".join(config.cluster_names),
        ALARM_NAME_PREFIX: f"{STACK_NAME}-",
        GROUP_ABOVE: str(config.group_above),
        **threshold_environment(config),
        **forecast_environment(config),
        platform_settings.DEDUPE_WINDOW_MINUTES: str(config.dedupe_window_minutes),
        platform_settings.FREE_ADDRESS_FLOOR: str(config.free_address_floor),
        FREE_PREFIX_BLOCK_FLOOR: str(config.free_prefix_block_floor),
        MONITOR_EVENT_BUS: MONITOR_BUS,
        # The collectors keep their at-risk publish state where the stack puts it: the census bucket.
        **publish_environment(config, CENSUS_BUCKET),
        platform_settings.MONITOR_MODE: config.mode,
        platform_settings.READER_ROLE_NAME: config.reader_role_name,
        MEMBER_ACCOUNTS: ",".join(config.member_accounts),
        ORGANIZATION_UNIT_IDS: ",".join(config.organization_unit_ids),
        MAX_INCIDENTS_PER_WINDOW: str(config.max_incidents_per_window),
        # Account mode: no failure streaks (hub mode keeps them; demo/organization.py shows them).
        platform_settings.FAILURE_STREAK_TABLE: "",
    }


def _count_calls() -> dict[str, int]:
    counts: dict[str, int] = {}

    def record(event_name: str, **_: Any) -> None:
        operation = event_name.rsplit(".", 1)[-1]
        counts[operation] = counts.get(operation, 0) + 1

    for service in ("ec2", "ecs", "cloudwatch", "s3"):
        own_target(CONTEXT).client(service).meta.events.register(f"before-call.{service}", record)
    return counts


def _format_calls(calls: dict[str, int]) -> str:
    return ", ".join(f"{op} x{n}" for op, n in sorted(calls.items()))


def _print_clusters(
    cloudwatch: Any, capacities: list[ClusterEniCapacity], names: dict[str, str], config: MonitorConfig
) -> None:
    print(
        f"\nECS task-ENI slots (awsvpc tasks on EC2; alarm at {config.eni_utilization_threshold_percent:g}%, "
        "and on any untrunked trunk-capable instance)"
    )
    for capacity in capacities:
        dims = contract.cluster_series(DEMO_ACCOUNT, REGION, capacity.cluster_name)
        read = {
            metric.name: latest_value(cloudwatch, config.namespace, metric.name, dims, "Maximum")
            for metric in (
                contract.ENI_TASKS_RUNNING,
                contract.ENI_TASK_CAPACITY,
                contract.ENI_UTILIZATION,
                contract.UNTRUNKED_INSTANCES,
            )
        }
        print(
            f"\ncluster {capacity.cluster_name} (read back*): {read[contract.ENI_TASKS_RUNNING.name]:.0f} tasks / "
            f"{read[contract.ENI_TASK_CAPACITY.name]:.0f} slots = {read[contract.ENI_UTILIZATION.name]:.1f}%, "
            f"{read[contract.UNTRUNKED_INSTANCES.name]:.0f} untrunked instance(s)"
        )
        print(f"  {'instance':<18}{'type':<10}{'trunk':<7}{'slots used/limit':<18}note")
        order = {arn: index for index, arn in enumerate(names)}
        for slot in sorted(capacity.instances, key=lambda s: order.get(s.instance.arn, len(order))):
            trunk = "yes" if slot.instance.trunk_id else "no"
            notes = []
            if slot.used >= slot.limit:
                notes.append("FULL: next awsvpc task here fails placement with RESOURCE:ENI")
            if slot.untrunked:
                trunked_limit = trunk_task_limits()[slot.instance.instance_type]
                notes.append(f"UNTRUNKED: a replacement launched now gets {trunked_limit} slots")
            if slot.basis is LimitBasis.TRUNK_TYPE_UNKNOWN:
                notes.append("type not in the trunk table")
            name = names.get(slot.instance.arn, slot.instance.ec2_instance_id)
            print(
                f"  {name:<18}{slot.instance.instance_type:<10}{trunk:<7}{f'{slot.used}/{slot.limit}':<18}"
                f"{'; '.join(notes) or 'ok'}"
            )
        alarms = []
        if (read[contract.ENI_UTILIZATION.name] or 0) >= config.eni_utilization_threshold_percent:
            alarms.append("ecs-eni-utilization")
        if config.untrunked_instances_alarm and (read[contract.UNTRUNKED_INSTANCES.name] or 0) >= 1:
            alarms.append("ecs-untrunked-instances")
        print(f"  Alarms that would fire: {', '.join(alarms) or 'none'}")


def _deliver_events(
    events: list[dict[str, Any]], resources: EventResources, cloudwatch: Any, config: MonitorConfig
) -> None:
    """Deliver each event as the rules would (moto never invokes Lambda targets), then show the outcome."""
    delivered: dict[str, int] = {}
    outcomes: dict[str, int] = {}
    for event in events:
        rule = matching_rule(event) or "(no rule matches: never delivered)"
        delivered[rule] = delivered.get(rule, 0) + 1
        if rule.startswith("("):
            continue
        outcome = _handle_event(event)
        outcomes[outcome["status"]] = outcomes.get(outcome["status"], 0) + 1
    print(
        f"\nExhaustion events: a burst of {len(events)} events (ECS, and EC2 calls CloudTrail recorded), as "
        "EventBridge would deliver them (the CloudTrail rule with monitor:cloudTrailSignals on)"
    )
    for rule, count in delivered.items():
        print(f"  {rule:<45}{count:>3}")
    print(f"Handler outcomes: {', '.join(f'{status} {n}' for status, n in outcomes.items())}")
    counts = {
        # Every account the replayed events came from (the AWS documentation's examples keep theirs).
        reason: total_over_series(
            cloudwatch, config.namespace, contract.IP_EXHAUSTION_EVENTS.name, {contract.REASON: reason}
        )
        for reason in (reason for kind in registry.KINDS for reason in kind.reasons)
    }
    unparsed = sum(metric_values(cloudwatch, config.namespace, contract.UNPARSED_EVENTS.name, {}, "Sum"))
    print(
        f"{contract.IP_EXHAUSTION_EVENTS.name} read back (Sum): "
        + ", ".join(f"{reason}={count:.0f}" for reason, count in counts.items())
    )
    sqs = boto3.client("sqs", region_name=REGION)
    print(f"{contract.UNPARSED_EVENTS.name} read back: {unparsed:.0f}")
    print("\n$ subnet-ip-monitor replay --dry-run   (in process: the handler is called directly)")
    dead_letters = replay_kept_events(sqs, resources.dead_letter_queue_url, _handle_event, dry_run=True)
    print(render(dead_letters, dry_run=True))
    firing = []
    if sum(counts.values()) >= 1:
        firing.append(f"ip-exhaustion-events ({sum(counts.values()):.0f} events >= 1 in 5 min)")
    if dead_letters:
        firing.append(f"events-dead-letter-queue ({len(dead_letters)} >= 1)")
    print(f"Alarms that would fire: {', '.join(firing) or 'none'}")
    emails = [json.loads(m["Body"]) for m in drain_queue(boto3.client("sqs", region_name=REGION), resources.inbox_url)]
    window = config.dedupe_window_minutes
    print(f"\nEmails sent to the alert topic: {len(emails)} (one per incident and {window}-minute window)")
    for email in emails:
        print("\n" + "=" * 100)
        print(f"Subject: {email['Subject']}\n")
        print(email["Message"].rstrip())
    print("=" * 100)
    _replay_corrected(sqs, resources, cloudwatch, config)


def _print_pages(sqs: Any, pager_url: str) -> None:
    """The pages beside those emails (monitor:pagingEndpoints), and the first as a paging tool receives it."""
    messages = drain_queue(sqs, pager_url)
    pages = [json.loads(m["Body"]) for m in messages]
    kinds = Counter(f"{p['severity']} {p['state']}" for p in pages)
    print(f"\nPages on the paging topic: {len(pages)} ({', '.join(f'{k} {n}' for k, n in sorted(kinds.items()))})")
    if pages:
        severity = messages[0]["MessageAttributes"]["severity"]["StringValue"]
        print(f"The first, as an HTTPS endpoint gets it (message attribute severity={severity}):")
        print(json.dumps(pages[0], indent=2, ensure_ascii=False))


def _handle_event(payload: dict[str, Any]) -> dict[str, Any]:
    """The event handler called in this process, as EventBridge (or the replay command) invokes the deployed one."""
    from lambdas.events import handler as exhaustion_events  # noqa: PLC0415

    return exhaustion_events.handler(payload, CONTEXT)  # type: ignore[arg-type]


def _replay_corrected(sqs: Any, resources: EventResources, cloudwatch: Any, config: MonitorConfig) -> None:
    """What an on-call engineer does with the kept event: save it, correct it, replay it; then read it back."""
    exhaustion_before = total_over_series(cloudwatch, config.namespace, contract.IP_EXHAUSTION_EVENTS.name, {})
    with tempfile.TemporaryDirectory() as directory:
        saved = Path(directory) / "kept"
        kept = [r.kept for r in replay_kept_events(sqs, resources.dead_letter_queue_url, _handle_event, dry_run=True)]
        (path, *_) = save_events(kept, saved)
        print(f"\n$ subnet-ip-monitor replay --dry-run --save kept/   -> kept/{path.name}")
        event = json.loads(path.read_text())
        # The correction: the cluster is the one the task ARN names (.../task/<cluster>/<task id>).
        region, account, cluster = event["region"], event["account"], event["detail"]["taskArn"].split("/")[1]
        event["detail"]["clusterArn"] = f"arn:aws:ecs:{region}:{account}:cluster/{cluster}"
        path.write_text(json.dumps(event, indent=2))
        print(f"(corrected by hand: detail.clusterArn = {event['detail']['clusterArn']}, from its taskArn)")
        print("$ subnet-ip-monitor replay --from kept/")
        results = replay_kept_events(
            sqs,
            resources.dead_letter_queue_url,
            _handle_event,
            dry_run=False,
            corrections=load_corrections(saved),
        )
    print(render(results, dry_run=False))
    exhaustion_after = total_over_series(cloudwatch, config.namespace, contract.IP_EXHAUSTION_EVENTS.name, {})
    left = replay_kept_events(sqs, resources.dead_letter_queue_url, _handle_event, dry_run=True)
    emails = drain_queue(sqs, resources.inbox_url)
    print(
        f"Read back: {contract.IP_EXHAUSTION_EVENTS.name} {exhaustion_before:.0f} -> {exhaustion_after:.0f} (the "
        f"event is counted now, once); emails sent by the replay: {len(emails)} (its incident was emailed "
        f"already); dead-letter queue: {len(left)} message(s)."
    )


def _print_census(s3: Any, network: SeededNetwork, seeded: CensusConsumers) -> None:
    snapshot = json.loads(s3.get_object(Bucket=CENSUS_BUCKET, Key="census/latest.json")["Body"].read())
    names = {subnet_id: name for name, subnet_id in network.subnet_ids.items()}
    print(f"\nENI census: who holds each subnet's addresses (read back from s3://{CENSUS_BUCKET}/census/latest.json)")
    header = f"{'subnet':<14}{'usable':>7}{'free':>6}{'/28 free':>10}  top consumers: category owner addresses"
    print(header)
    print("-" * len(header))
    for subnet in sorted(snapshot["subnets"], key=lambda s: names.get(s["subnetId"], s["subnetId"])):
        if subnet["subnetId"] not in names:
            continue
        blocks = "-" if subnet["freePrefixBlocks"] is None else str(subnet["freePrefixBlocks"])
        top = [f"{c['category']} {c['owner'] or '-'} {c['addresses']}" for c in subnet["consumers"][:TOP_CONSUMERS]]
        more = len(subnet["consumers"]) - TOP_CONSUMERS
        consumers = ", ".join(top) + (f" and {more} more" if more > 0 else "")
        print(
            f"{names[subnet['subnetId']]:<14}{subnet['usableAddresses']:>7}{subnet['availableAddresses']:>6}"
            f"{blocks:>10}  {consumers or 'nothing'}"
        )
    for cluster in snapshot["eksClusters"]:
        where = ", ".join(names.get(s, s) for s in cluster["subnetIds"])
        print(
            f"EKS cluster {cluster['clusterName']}: {cluster['addresses']} addresses on {cluster['interfaces']} "
            f"interfaces ({len(seeded.eks_nodes)} nodes, warm addresses and /28 prefixes) in {where}"
        )
    print("Interfaces attached to nothing (they keep their addresses until deleted):")
    for leaked in snapshot["unattached"]:
        print(
            f"  {leaked['networkInterfaceId']} in {names.get(leaked['subnetId'], leaked['subnetId'])}, "
            f"{leaked['addresses']} address(es): {leaked['description']!r}"
        )
    print(
        "(moto does not take IPv4 prefixes out of a subnet's free count, so eks-1a's free column is 32 too high "
        "here; AWS's is right. '/28 free' is worked out only where prefixes or EKS nodes are.)"
    )


def _print_subnets(ec2: Any, cloudwatch: Any, network: SeededNetwork, config: MonitorConfig) -> None:
    thresholds = SubnetThresholds(config.utilization_threshold_percent, config.free_address_floor)
    print(f"Subnet IP Monitor demo — VPC {network.vpc_id} (ecs-prod), region {REGION}, namespace {config.namespace}")
    print(
        f"Alarm thresholds: utilization >= {thresholds.utilization_percent:g}%, "
        f"free addresses <= {thresholds.min_free_addresses}\n"
    )
    header = f"{'subnet':<14}{'id':<26}{'AZ':<12}{'CIDR':<17}{'usable':>7}{'used':>6}{'free*':>7}{'util%*':>8}  alarms"
    print(header)
    print("-" * len(header))
    firing: list[tuple[str, str, str]] = []
    subnets = ec2.describe_subnets(Filters=[{"Name": "vpc-id", "Values": [network.vpc_id]}])["Subnets"]
    names = {s["SubnetId"]: next(t["Value"] for t in s["Tags"] if t["Key"] == "Name") for s in subnets}
    for raw in sorted(subnets, key=lambda s: names[s["SubnetId"]]):
        name = names[raw["SubnetId"]]
        dims = contract.subnet_series(raw["OwnerId"], raw["VpcId"], raw["SubnetId"], raw["AvailabilityZone"])
        free = latest_value(cloudwatch, config.namespace, contract.AVAILABLE_IP_ADDRESS_COUNT.name, dims, "Minimum")
        utilization = latest_value(cloudwatch, config.namespace, contract.IP_UTILIZATION.name, dims, "Maximum")
        if free is None or utilization is None:
            print(f"{name:<14}{raw['SubnetId']:<26}  NOT PUBLISHED")
            continue
        # Evaluate the alarm rule on the values read back, as the Metrics Insights alarm would.
        published = subnet_headroom(
            Subnet(raw["SubnetId"], raw["VpcId"], raw["AvailabilityZone"], raw["CidrBlock"], int(free))
        )
        breaches = breached_thresholds(published, thresholds)
        firing.extend((name, raw["SubnetId"], b) for b in breaches)
        print(
            f"{name:<14}{raw['SubnetId']:<26}{raw['AvailabilityZone']:<12}{raw['CidrBlock']:<17}"
            f"{published.usable_addresses:>7}{published.used_addresses:>6}{free:>7.0f}{utilization:>8.1f}  "
            f"{'ALARM' if breaches else 'ok'}"
        )
    print(
        "\n* free and util% are the values read back from the emulator's CloudWatch "
        f"({contract.AVAILABLE_IP_ADDRESS_COUNT.name}, {contract.IP_UTILIZATION.name})."
    )
    print("\nAlarms that would fire (SNS email to the alert topic):")
    for name, subnet_id, breach in firing:
        print(f"  - {name} ({subnet_id}): {breach}")
    if not firing:
        print("  none")


if __name__ == "__main__":
    main()
