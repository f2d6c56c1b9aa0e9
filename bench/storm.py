"""`make bench`'s event storm: 10,000 exhaustion events through the real event handler on the emulator.

50 incidents (one ECS service each, all in one full subnet) are each delivered 200 times, interleaved as a
retrying, repeating storm would arrive: every event must be counted, each incident emailed once, nothing
dead-lettered. Reported: handler CPU per event (moto's share removed), the calls the storm costs.
"""

from __future__ import annotations

import json
import os
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from unittest.mock import patch

import boto3
from moto import mock_aws

from bench.emulator import bench_environment
from bench.measure import Measurement, count_calls, measure
from devkit.event_fixtures import load_event
from devkit.lambda_context import LocalLambdaContext, function_arn
from devkit.readback import drain_queue, total_over_series
from devkit.scenario import seed_event_resources
from lambdas.events.settings import MAX_INCIDENTS_PER_WINDOW
from lambdas.hub.dispatch.settings import MEMBER_ACCOUNTS, ORGANIZATION_UNIT_IDS
from lambdas.platform import contract
from lambdas.platform import settings as platform_settings
from lambdas.platform.targets import forget_warm_state, own_target

REGION = "eu-west-1"
NAMESPACE = "SubnetIpMonitorStorm"
INCIDENTS, DELIVERIES = 50, 200
FIXTURE_SUBNET = "subnet-0a1b2c3d4e5f60718"  # the subnet the task fixture names
HANDLER_SERVICES = ("cloudwatch", "dynamodb", "sns", "sqs", "ec2", "s3")
CONTEXT: Any = LocalLambdaContext(function_name="storm", invoked_function_arn=function_arn(REGION, name="storm"))
# The account the handler runs in (the context's): the storm's events are that account's own.
ACCOUNT = CONTEXT.invoked_function_arn.split(":")[4]
STORM_HEADING = "### Event storm"


@dataclass
class StormResult:
    """What the storm cost and what it left behind."""

    incidents: int
    events: int
    measurement: Measurement
    counted: float  # IpExhaustionEvents summed back from the emulator
    emails: int
    dead_lettered: int
    outcomes: Counter[str]

    @property
    def events_per_cpu_second(self) -> float:
        """Events handled per second of the handler's own CPU."""
        return self.events / max(self.measurement.handler_cpu_s, 1e-9)


def storm_events(subnet_id: str, start: datetime) -> list[dict[str, Any]]:
    """INCIDENTS services' stopped tasks, each delivered DELIVERIES times, round-robin (ids all distinct)."""
    template = json.dumps(load_event("task_stopped_no_addresses_ec2", account=ACCOUNT)).replace(
        FIXTURE_SUBNET, subnet_id
    )
    events = []
    for delivery in range(DELIVERIES):
        for incident in range(INCIDENTS):
            event = json.loads(template)
            event["id"] = f"storm-{incident:02d}-{delivery:03d}"
            event["time"] = f"{start + timedelta(seconds=delivery):%Y-%m-%dT%H:%M:%SZ}"
            event["detail"]["group"] = f"service:storm-{incident:02d}"
            events.append(event)
    return events


def run_storm() -> StormResult:
    """Seed the handler's resources and a full subnet, deliver the storm, read back what it did."""
    with mock_aws(), patch.dict(os.environ, bench_environment(REGION)):
        ec2 = boto3.client("ec2", region_name=REGION)
        vpc = ec2.create_vpc(CidrBlock="10.60.0.0/16")["Vpc"]["VpcId"]
        subnet_id = ec2.create_subnet(VpcId=vpc, CidrBlock="10.60.0.0/28", AvailabilityZone=f"{REGION}a")["Subnet"][
            "SubnetId"
        ]
        sqs = boto3.client("sqs", region_name=REGION)
        resources = seed_event_resources(
            boto3.client("sns", region_name=REGION), sqs, boto3.client("dynamodb", region_name=REGION)
        )
        boto3.client("s3", region_name=REGION).create_bucket(
            Bucket="storm-census", CreateBucketConfiguration={"LocationConstraint": REGION}
        )
        environment = {
            platform_settings.METRIC_NAMESPACE: NAMESPACE,
            platform_settings.TOPIC_ARN: resources.topic_arn,
            platform_settings.INCIDENT_TABLE_NAME: resources.incident_table,
            platform_settings.DEDUPE_WINDOW_MINUTES: "30",
            platform_settings.DEAD_LETTER_QUEUE_URL: resources.dead_letter_queue_url,
            platform_settings.ACCOUNT_NAMES: "{}",
            platform_settings.MONITOR_MODE: platform_settings.MODE_ACCOUNT,
            platform_settings.READER_ROLE_NAME: "SubnetIpMonitorReader",
            MEMBER_ACCOUNTS: "",
            ORGANIZATION_UNIT_IDS: "",
            MAX_INCIDENTS_PER_WINDOW: "20",
            platform_settings.FREE_ADDRESS_FLOOR: "8",
            platform_settings.SNAPSHOT_BUCKET: "storm-census",
        }
        with patch.dict(os.environ, environment):
            forget_warm_state()
            platform_settings._load_from_process_environment.cache_clear()
            from lambdas.events import handler as events_handler  # noqa: PLC0415 - after the environment

            events = storm_events(subnet_id, datetime.now(UTC) - timedelta(minutes=5))
            target = own_target(CONTEXT)
            calls: Counter[str] = Counter()
            count_calls([target.client(s) for s in HANDLER_SERVICES], calls)
            outcomes: Counter[str] = Counter()

            def deliver() -> None:
                for event in events:
                    outcomes[events_handler.handler(event, CONTEXT)["status"]] += 1

            measurement, _ = measure(deliver, calls, lambda: 0.0)
            cloudwatch = boto3.client("cloudwatch", region_name=REGION)
            counted = total_over_series(cloudwatch, NAMESPACE, contract.IP_EXHAUSTION_EVENTS.name, {})
            emails = len(drain_queue(sqs, resources.inbox_url))
            dead = len(drain_queue(sqs, resources.dead_letter_queue_url))
        forget_warm_state()
    return StormResult(INCIDENTS, len(events), measurement, counted, emails, dead, outcomes)


def render_storm(result: StormResult) -> str:
    """The storm's section of BENCHMARKS.md."""
    m = result.measurement
    calls = ", ".join(f"{operation} {n:,}" for operation, n in sorted(m.calls.items()))
    outcomes = ", ".join(f"{status} {n:,}" for status, n in sorted(result.outcomes.items()))
    return "\n".join(
        [
            STORM_HEADING,
            "",
            f"{result.events:,} `ECS Task State Change` events ({result.incidents} incidents x "
            f"{result.events // result.incidents} deliveries, interleaved) through the real event handler, one "
            "invocation each, against moto in process.",
            "",
            "| events | counted (IpExhaustionEvents, summed back) | emails | dead-lettered | handler CPU s | "
            "events per handler CPU s | emulator CPU s | wall s |",
            "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
            f"| {result.events:,} | {result.counted:,.0f} | {result.emails} | {result.dead_lettered} | "
            f"{m.handler_cpu_s:.2f} | {result.events_per_cpu_second:,.0f} | {m.emulator_cpu_s:.2f} | {m.wall_s:.2f} |",
            "",
            f"Calls: {calls}. Outcomes: {outcomes}.",
            "",
        ]
    )
