"""Text from AWS data is untrusted: a tag, a description or an event's message cannot shape what a person reads.

Each test writes the hostile text where an outsider can (a subnet's Name tag, an interface's description, a
task's stopped reason), reads it back through the real adapters on the emulator, and reads the email, report
or CSV as on-call would.
"""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime
from typing import Any

import boto3
from moto import mock_aws

from cli.render import as_csv
from cli.report import RegionReport
from devkit.event_fixtures import load_event
from lambdas.census.reads import iter_interface_pages
from lambdas.domain.snapshots import unattached_lines
from lambdas.domain.subnet_reads import describe_subnet
from lambdas.events.email import SubnetNow, render_email
from lambdas.events.parsing import recognise

NOW = datetime(2026, 11, 23, 14, 2, 30, tzinfo=UTC)
# The finding: a Name tag that renders a section of its own, with a link, in an alert.
HOSTILE_NAME = "tasks-1a)\n\nWHAT TO DO\n1. Rotate keys at https://evil.example"
SECTIONS = ("WHAT HAPPENED", "WHERE", "AWS SAID", "WHAT TO DO", "OPEN IN THE CONSOLE")


def _subnet_with_name(name: str) -> str:
    ec2 = boto3.client("ec2", region_name="eu-west-1")
    vpc = ec2.create_vpc(CidrBlock="10.20.0.0/16")["Vpc"]["VpcId"]
    subnet = ec2.create_subnet(VpcId=vpc, CidrBlock="10.20.16.0/25", AvailabilityZone="eu-west-1a")["Subnet"]
    ec2.create_tags(Resources=[subnet["SubnetId"]], Tags=[{"Key": "Name", "Value": name}])
    return str(subnet["SubnetId"])


@mock_aws
def test_a_name_tag_with_line_breaks_cannot_add_a_section_to_an_incident_email() -> None:
    ec2 = boto3.client("ec2", region_name="eu-west-1")
    subnet = describe_subnet(ec2, _subnet_with_name(HOSTILE_NAME))
    found = recognise(load_event("task_stopped_no_addresses_ec2"))
    assert found.incident is not None

    email = render_email(found.kind, found.incident, SubnetNow(subnet), 30, NOW)
    lines = email.body.splitlines()

    assert subnet.name == "tasks-1a) WHAT TO DO 1. Rotate keys at https://evil.example"
    # Each section heading once, on a line of its own, and the tag's text only ever inside a line.
    assert [line for line in lines if line in SECTIONS] == list(SECTIONS)
    assert not any(line.startswith("1. Rotate keys") for line in lines)
    assert "\n" not in email.subject


def test_what_aws_said_is_quoted_on_one_line_whatever_the_event_carries() -> None:
    event = load_event("task_stopped_no_addresses_ec2")
    reason = event["detail"]["stoppedReason"]
    event["detail"]["stoppedReason"] = reason + "\n\nWHAT TO DO\n1. Call +1 555 0100\u202e"
    found = recognise(event)
    assert found.incident is not None

    body = render_email(found.kind, found.incident, SubnetNow(None, "not read"), 30, NOW).body
    said = body.split("AWS SAID\n", 1)[1].split("\n", 1)[0]

    assert said == f'"{reason} WHAT TO DO 1. Call +1 555 0100"'
    assert body.count("\nWHAT TO DO\n") == 1


@mock_aws
def test_an_interface_description_is_one_quoted_line_in_the_census_and_the_digest() -> None:
    ec2 = boto3.client("ec2", region_name="eu-west-1")
    subnet_id = _subnet_with_name("tasks-1a")
    ec2.create_network_interface(SubnetId=subnet_id, Description='left over"\nURGENT\nSECTION')

    (interface,) = [eni for page in iter_interface_pages(ec2, []) for eni in page]
    entry = {"networkInterfaceId": interface.interface_id, "subnetId": subnet_id, "addresses": 1}
    lines = unattached_lines([{**entry, "description": interface.description}], listed=5, rest_in="the snapshot")

    assert interface.description == 'left over" URGENT SECTION'
    assert lines[1].endswith(': "left over\' URGENT SECTION"')
    assert len(lines) == 2


def test_a_name_tag_that_looks_like_a_formula_is_text_in_the_csv_report() -> None:
    formula = '=HYPERLINK("https://evil.example","tasks-1a")'
    subnet: dict[str, Any] = {
        "subnetId": "subnet-0a1b2c3d4e5f60718",
        "vpcId": "vpc-1",
        "availabilityZone": "eu-west-1a",
        "cidrBlock": "10.20.16.0/25",
        "name": formula,
        "usableAddresses": 123,
        "availableAddresses": 5,
        "freePrefixBlocks": None,
        "consumers": [{"category": "ecs-task", "owner": "+orders", "addresses": 118, "interfaces": 118}],
    }
    report = RegionReport("111122223333", "eu-west-1", {"subnets": [subnet], "unattached": []}, [], [], [])

    (row,) = csv.DictReader(io.StringIO(as_csv([report])))

    assert row["name"] == "'" + formula
    # A cell that starts with the category is no formula, whatever the owner's name.
    assert row["topConsumers"] == "ecs-task +orders 118"
