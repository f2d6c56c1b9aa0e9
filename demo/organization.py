"""The demo's organization part: a hub watching two member accounts in two regions (monitor:mode hub).

Its own emulator, after the single-account part: the hub (moto's default account) runs the dispatcher and the
collectors; member 111111111111 has the reader role, member 222222222222 does not (as when its member stack was
never deployed).
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import Any
from unittest.mock import patch

import boto3
from moto import mock_aws

from devkit.emulator import restoring_aws_fields_everywhere
from devkit.lambda_context import LocalLambdaContext, function_arn
from devkit.organization import (
    HUB_ACCOUNT,
    HUB_REGION,
    MEMBER_WITH_ROLE,
    MEMBER_WITHOUT_ROLE,
    REGIONS,
    create_failure_streak_table,
    deny_missing_reader_roles,
    dispatch_and_work,
    hub_environment,
    seed_member_cluster,
    seed_members,
)
from devkit.readback import drain_queue, latest_value, metric_values
from devkit.scenario import ECS_CLUSTER, seed_event_resources
from infra.core.config import MonitorConfig
from lambdas.platform import contract
from lambdas.platform import settings as platform_settings
from lambdas.platform.targets import forget_warm_state, own_target

HUB_CENSUS_BUCKET = "subnet-ip-monitor-hub-census-demo"
HUB_CONTEXT: Any = LocalLambdaContext(function_name="hub", invoked_function_arn=function_arn(HUB_REGION, HUB_ACCOUNT))


def run_organization_demo(config: MonitorConfig, environment: dict[str, str]) -> None:
    """Dispatch the subnet and ECS collectors to 2 members x 2 regions and print what the hub read back."""
    with mock_aws(), patch.dict(os.environ, {**environment, **hub_environment()}):
        _fresh_containers()
        networks = seed_members(own_target(HUB_CONTEXT).client("sts"))
        seed_member_cluster()
        bucket = environment[platform_settings.PUBLISH_STATE_BUCKET]
        if bucket:
            boto3.client("s3", region_name=HUB_REGION).create_bucket(
                Bucket=bucket, CreateBucketConfiguration={"LocationConstraint": HUB_REGION}
            )

        from lambdas.ecs import handler as ecs_collector  # noqa: PLC0415
        from lambdas.hub.dispatch import handler as dispatcher  # noqa: PLC0415
        from lambdas.subnets import handler as subnet_collector  # noqa: PLC0415

        print("\n" + "=" * 100)
        print(
            f"ORGANIZATION (monitor:mode hub): hub {HUB_ACCOUNT} in {HUB_REGION}; members {MEMBER_WITH_ROLE} "
            f"(reader role) and {MEMBER_WITHOUT_ROLE} (no role) in {', '.join(REGIONS)}"
        )
        print(
            f"Expected failure: {MEMBER_WITHOUT_ROLE} has no reader role, so each collector's AssumeRole fails in "
            f"{' and '.join(REGIONS)} (logged once per run and region)"
        )
        for collector, handler in (("subnets", subnet_collector.handler), ("ecs", ecs_collector.handler)):
            sent, retried = dispatch_and_work(collector, handler, dispatcher.handler, HUB_CONTEXT)
            print(
                f"{collector}: dispatcher sent {sent['resources']} messages ({sent['accounts']} accounts x "
                f"{sent['regions']} regions) in {sent['sendMessageBatchCalls']} SendMessageBatch call(s); "
                f"messages returned for retry: {retried}"
            )
        cloudwatch = boto3.client("cloudwatch", region_name=HUB_REGION)
        _print_members(cloudwatch, config, networks)
        failures = sum(
            metric_values(
                cloudwatch, config.namespace, contract.COLLECTOR_FAILURES.name, {contract.COLLECTOR: "subnets"}, "Sum"
            )
        )
        print(
            f"\n{MEMBER_WITHOUT_ROLE}: AssumeRole AccessDenied in each region -> CollectorFailures(subnets) read back: "
            f"{failures:.0f} (its failures alarm fires); every other target above was published in full."
        )
        published = _published_accounts(cloudwatch, config.namespace)
        print(f"Accounts with subnet series in the hub: {', '.join(published)}")
        _census_table_and_digest(config, subnet_collector.handler, dispatcher.handler)
        _fresh_containers()


def _census_table_and_digest(config: MonitorConfig, subnet_collector: Any, dispatcher: Any) -> None:
    """Three subnet schedules keeping failure streaks (the roleless member fails three in a row), a census of
    every target, the dashboard's table across them and the weekly digest that names the failing member."""
    from lambdas.alerts import digest_handler  # noqa: PLC0415
    from lambdas.census import handler as census_collector  # noqa: PLC0415
    from lambdas.census import table_handler  # noqa: PLC0415

    clients = {name: boto3.client(name, region_name=HUB_REGION) for name in ("sns", "sqs", "dynamodb", "s3")}
    resources = seed_event_resources(clients["sns"], clients["sqs"], clients["dynamodb"])
    clients["s3"].create_bucket(Bucket=HUB_CENSUS_BUCKET, CreateBucketConfiguration={"LocationConstraint": HUB_REGION})
    environment = {
        platform_settings.FAILURE_STREAK_TABLE: create_failure_streak_table(clients["dynamodb"]),
        platform_settings.SNAPSHOT_BUCKET: HUB_CENSUS_BUCKET,
        platform_settings.TOPIC_ARN: resources.topic_arn,
        platform_settings.ACCOUNT_NAMES: json.dumps({MEMBER_WITH_ROLE: "payments-prod"}),
    }
    # A new container: member sessions are made again, so the census's clients are hooked too; the hub's new STS
    # client answers for the missing role as AWS would, as the first one did.
    forget_warm_state()
    deny_missing_reader_roles(own_target(HUB_CONTEXT).client("sts"))
    with patch.dict(os.environ, environment), restoring_aws_fields_everywhere():
        platform_settings._load_from_process_environment.cache_clear()
        for _ in range(3):
            dispatch_and_work("subnets", subnet_collector, dispatcher, HUB_CONTEXT)
        dispatch_and_work("census", census_collector.handler, dispatcher, HUB_CONTEXT)
        html = table_handler.handler({}, HUB_CONTEXT)
        digest_handler.handler({}, HUB_CONTEXT)
    page = Path(tempfile.gettempdir()) / "subnet-ip-monitor-demo" / "census-table-hub.html"
    page.parent.mkdir(exist_ok=True)
    page.write_text(f"<!doctype html><meta charset=utf-8><title>census table</title>{html}")
    print(
        f"\nThree subnet schedules keeping failure streaks and a census of every target, with "
        f"monitor:accountNames naming {MEMBER_WITH_ROLE}. The dashboard's census table across the "
        f"organization, first rows (HTML: {page}):"
    )
    rows = html.split("<tr>")[2:5]
    for row in rows:
        cells = [cell.split("</td>")[0].replace("<br>", " ") for cell in row.split("<td")[1:]]
        print("  " + " | ".join(cell.split(">", 1)[1] for cell in cells[:6]))
    print(f"Weekly digest in hub mode ({config.digest_schedule} UTC in AWS):")
    for message in drain_queue(clients["sqs"], resources.inbox_url):
        email = json.loads(message["Body"])
        print("=" * 100)
        print(f"Subject: {email['Subject']}\n")
        print(email["Message"].rstrip())
    print("=" * 100)


def _fresh_containers() -> None:
    forget_warm_state()
    platform_settings._load_from_process_environment.cache_clear()


def _print_members(cloudwatch: Any, config: MonitorConfig, networks: dict[str, Any]) -> None:
    print(f"\n{'account':<14}{'region':<11}{'subnet':<9}{'id':<26}{'free*':>6}{'util%*':>8}  (expected free)")
    for region, network in networks.items():
        for name, subnet_id in sorted(network.subnets.items()):
            dims = contract.subnet_series(MEMBER_WITH_ROLE, network.vpc_id, subnet_id, network.availability_zones[name])
            free = latest_value(cloudwatch, config.namespace, contract.AVAILABLE_IP_ADDRESS_COUNT.name, dims, "Minimum")
            util = latest_value(cloudwatch, config.namespace, contract.IP_UTILIZATION.name, dims, "Maximum")
            print(
                f"{MEMBER_WITH_ROLE:<14}{region:<11}{name:<9}{subnet_id:<26}{free or 0:>6.0f}{util or 0:>8.1f}  "
                f"({network.free[name]})"
            )
    dims = contract.cluster_series(MEMBER_WITH_ROLE, HUB_REGION, ECS_CLUSTER)
    figures = {
        m.name: latest_value(cloudwatch, config.namespace, m.name, dims, "Maximum")
        for m in (contract.ENI_TASKS_RUNNING, contract.ENI_TASK_CAPACITY, contract.ENI_UTILIZATION)
    }
    tasks, slots, utilization = (figures[m] or 0 for m in figures)
    print(
        f"cluster {ECS_CLUSTER} ({MEMBER_WITH_ROLE} {HUB_REGION}, read back*): "
        f"{tasks:.0f} tasks / {slots:.0f} slots = {utilization:.1f}%"
    )
    print("* read back from the hub's CloudWatch with AccountId (and Region for the cluster).")


def _published_accounts(cloudwatch: Any, namespace: str) -> list[str]:
    listed = cloudwatch.list_metrics(Namespace=namespace, MetricName=contract.IP_UTILIZATION.name)["Metrics"]
    return sorted({d["Value"] for m in listed for d in m["Dimensions"] if d["Name"] == contract.ACCOUNT_ID})
