"""The census against moto (what it keeps read back from S3 and CloudWatch) and, for paging, botocore's Stubber.

moto drops InterfaceType, IPv4 prefixes and the in-use state of interfaces no instance holds; the seeds carry
those fields as tags and devkit/emulator.py puts them back where AWS does (see its docstring).
"""

from __future__ import annotations

import ipaddress
import json
from datetime import UTC, datetime
from typing import Any, cast

import pytest
from botocore.stub import Stubber
from moto.events.models import EventPattern

from devkit.emulator import restore_aws_fields
from devkit.lambda_context import LocalLambdaContext, function_arn
from devkit.publishing import EVERY_RUN, MONITOR_BUS
from devkit.readback import drain_queue
from devkit.scenario import EKS_CLUSTER, REGION, seed_census_consumers, seed_event_resources, seed_network
from lambdas.census import table_handler
from lambdas.census.pipeline import collect_census, history_key
from lambdas.census.settings import CensusSettings
from lambdas.events.kinds import eks_nodegroup_no_addresses
from lambdas.events.pipeline import handle_exhaustion_event
from lambdas.events.settings import EventHandlerSettings
from lambdas.platform import contract
from lambdas.platform.contract import CENSUS_SNAPSHOT_KEY as LATEST_KEY
from lambdas.platform.targets import Target
from tests.integration.conftest import ACCOUNT_ID, NAMESPACE, count_calls, metric_values, target_with

pytestmark = pytest.mark.usefixtures("aws")
BUCKET = "census-snapshots"
# Now, not a fixed time: the metrics are read back over the last hour.
NOW = datetime.now(UTC).replace(microsecond=0)
TABLE_ENVIRONMENT = {
    "METRIC_NAMESPACE": NAMESPACE,
    "SNAPSHOT_BUCKET": BUCKET,
    "UTILIZATION_THRESHOLD_PERCENT": "80",
    "MONITOR_MODE": "account",
    "READER_ROLE_NAME": "SubnetIpMonitorReader",
    "ACCOUNT_NAMES": "{}",
}


def _settings(**overrides: str) -> CensusSettings:
    environment = {
        "METRIC_NAMESPACE": NAMESPACE,
        "VPC_IDS": "",
        "SUBNET_TAG_FILTER": "",
        "SNAPSHOT_BUCKET": BUCKET,
        **EVERY_RUN,
    }
    return CensusSettings.model_validate({**environment, **overrides})


@pytest.fixture
def world():
    target = Target(ACCOUNT_ID, REGION)
    ec2 = target.client("ec2")
    restore_aws_fields(ec2)
    network = seed_network(ec2)
    consumers = seed_census_consumers(ec2, network)
    target.client("s3").create_bucket(Bucket=BUCKET, CreateBucketConfiguration={"LocationConstraint": REGION})
    return target, network, consumers


def _snapshot(target: Target, key: str = LATEST_KEY) -> dict[str, Any]:
    return dict(json.loads(target.client("s3").get_object(Bucket=BUCKET, Key=key)["Body"].read()))


def _subnet(snapshot: dict[str, Any], subnet_id: str) -> dict[str, Any]:
    return next(s for s in snapshot["subnets"] if s["subnetId"] == subnet_id)


def _consumers(subnet: dict[str, Any]) -> list[tuple[str, str | None, int, int]]:
    return [(c["category"], c["owner"], c["addresses"], c["interfaces"]) for c in subnet["consumers"]]


def test_given_the_demo_vpc_then_every_address_of_the_task_subnet_has_a_category_and_an_owner(world):
    target, network, _ = world

    report = collect_census(target, _settings(VPC_IDS=network.vpc_id), NOW).report

    assert report.status == "complete"
    snapshot = _snapshot(target)
    assert (snapshot["accountId"], snapshot["region"], snapshot["generatedAt"]) == (
        ACCOUNT_ID,
        REGION,
        NOW.isoformat(),
    )
    tasks = _subnet(snapshot, network.subnet_ids["tasks-1a"])
    assert _consumers(tasks) == [("ecs-task", "orders/checkout", 59, 59), ("ecs-task", "orders/payments", 59, 59)]
    # Every used address is attributed: consumers plus what EC2 says is free make the usable count.
    assert sum(c["addresses"] for c in tasks["consumers"]) + tasks["availableAddresses"] == tasks["usableAddresses"]
    assert (tasks["usableAddresses"], tasks["availableAddresses"], tasks["name"]) == (123, 5, "tasks-1a")
    assert tasks["freePrefixBlocks"] is None  # no prefix and no EKS node here: not worked out, not published
    # The dated copy is the same document.
    assert _snapshot(target, history_key(NOW)) == snapshot


def test_given_shared_subnets_then_lambda_load_balancer_nat_endpoint_and_leaked_interfaces_are_named(world):
    target, network, consumers = world

    collect_census(target, _settings(VPC_IDS=network.vpc_id), NOW)

    snapshot = _snapshot(target)
    assert _consumers(_subnet(snapshot, network.subnet_ids["shared-1a"])) == [
        ("lambda", "orders-api", 1, 1),
        ("load-balancer", "app/orders-alb", 1, 1),
        ("nat-gateway", "nat-0a1b2c3d4e5f60718", 1, 1),
    ]
    assert _consumers(_subnet(snapshot, network.subnet_ids["shared-1b"])) == [
        ("unattached", None, 2, 2),
        ("load-balancer", "app/orders-alb", 1, 1),
        ("vpc-endpoint", "vpce-0123456789abcdef0", 1, 1),
    ]
    assert sorted(u["networkInterfaceId"] for u in snapshot["unattached"]) == sorted(consumers.leaked_interfaces)
    instances = _subnet(snapshot, network.subnet_ids["instances-1a"])
    assert {c["category"] for c in instances["consumers"]} == {"ec2-instance"}
    cloudwatch = target.client("cloudwatch")
    assert metric_values(cloudwatch, "UnattachedEniAddresses", contract.vpc_series(ACCOUNT_ID, network.vpc_id)) == [2.0]


def test_given_eks_nodes_with_prefixes_then_cluster_addresses_and_free_blocks_are_published(world):
    target, network, _ = world
    eks_subnet = network.subnet_ids["eks-1a"]

    collect_census(target, _settings(VPC_IDS=network.vpc_id), NOW)

    snapshot = _snapshot(target)
    # Two nodes: a primary interface (1 address) and a VPC CNI interface (6 addresses) each, and two /28
    # prefixes (32 addresses) on the second node's CNI interface.
    assert snapshot["eksClusters"] == [
        {"clusterName": EKS_CLUSTER, "addresses": 2 * (1 + 6) + 32, "interfaces": 4, "subnetIds": [eks_subnet]}
    ]
    assert _consumers(_subnet(snapshot, eks_subnet)) == [("eks-node", EKS_CLUSTER, 46, 4)]
    # Worked out by hand from what moto assigned: blocks 0 and 15 hold reserved addresses, 12 and 13 are the
    # prefixes, 14 the explicit reservation, plus every block an assigned address falls in.
    ec2 = target.client("ec2")
    assigned = [
        a["PrivateIpAddress"]
        for eni in ec2.describe_network_interfaces(Filters=[{"Name": "subnet-id", "Values": [eks_subnet]}])[
            "NetworkInterfaces"
        ]
        for a in eni["PrivateIpAddresses"]
    ]
    base = int(ipaddress.IPv4Address("10.20.32.0"))
    used_blocks = {0, 15, 12, 13, 14} | {(int(ipaddress.IPv4Address(ip)) - base) // 16 for ip in assigned}
    expected_free = 16 - len(used_blocks)
    assert _subnet(snapshot, eks_subnet)["freePrefixBlocks"] == expected_free
    dims = contract.subnet_series(ACCOUNT_ID, network.vpc_id, eks_subnet, "eu-west-1a")
    cloudwatch = target.client("cloudwatch")
    assert metric_values(cloudwatch, "FreePrefixBlocks", dims) == [float(expected_free)]
    assert metric_values(cloudwatch, "EksAddressesInUse", contract.cluster_series(ACCOUNT_ID, REGION, EKS_CLUSTER)) == [
        46.0
    ]


def test_given_the_bucket_is_gone_then_the_metrics_still_go_out_and_the_run_is_partial(world):
    target, network, _ = world
    target.client("s3").delete_bucket(Bucket=BUCKET)

    report = collect_census(target, _settings(VPC_IDS=network.vpc_id), NOW).report

    assert report.status == "partial"
    assert report.failures[0]["operation"] == "PutObject"
    assert metric_values(
        target.client("cloudwatch"), "UnattachedEniAddresses", contract.vpc_series(ACCOUNT_ID, network.vpc_id)
    ) == [2.0]


def _eni(number: int, subnet: str, **fields: Any) -> dict[str, Any]:
    return {
        "NetworkInterfaceId": f"eni-{number:017x}",
        "SubnetId": subnet,
        "VpcId": "vpc-0123456789abcdef0",
        "Status": "in-use",
        "InterfaceType": "interface",
        "Description": "",
        "PrivateIpAddresses": [{"PrivateIpAddress": f"10.1.{number // 250}.{number % 250 + 4}"}],
        "TagSet": [],
        **fields,
    }


def test_given_1500_interfaces_then_two_pages_of_1000_and_reservations_only_where_prefixes_are():
    # Given real EC2's answers (paging at MaxResults=1000, IPv4 prefixes, InterfaceType), which moto cannot give
    target = target_with(
        REGION, ec2=Target(ACCOUNT_ID, REGION).client("ec2"), s3=Target(ACCOUNT_ID, REGION).client("s3")
    )
    ec2 = target.client("ec2")
    target.clients["cloudwatch"] = Target(ACCOUNT_ID, REGION).client("cloudwatch")
    target.client("s3").create_bucket(Bucket=BUCKET, CreateBucketConfiguration={"LocationConstraint": REGION})
    plain, eks = "subnet-0000000000000000a", "subnet-0000000000000000b"
    interfaces = [_eni(i, plain) for i in range(1499)] + [
        _eni(
            1499,
            eks,
            InterfaceType="branch",
            Description="aws-k8s-branch-eni",
            Ipv4Prefixes=[{"Ipv4Prefix": "10.2.0.32/28"}],
        )
    ]
    subnets = [
        {
            "SubnetId": s,
            "VpcId": "vpc-0123456789abcdef0",
            "AvailabilityZone": f"{REGION}a",
            "CidrBlock": cidr,
            "AvailableIpAddressCount": 100,
            "State": "available",
        }
        for s, cidr in ((plain, "10.1.0.0/20"), (eks, "10.2.0.0/24"))
    ]
    calls = count_calls(ec2, "DescribeNetworkInterfaces")
    with Stubber(ec2) as stub:
        stub.add_response("describe_subnets", {"Subnets": subnets}, {"Filters": [], "MaxResults": 1000})
        stub.add_response(
            "describe_instances",
            {"Reservations": []},
            {"Filters": [{"Name": "tag-key", "Values": ["eks:cluster-name"]}], "MaxResults": 1000},
        )
        stub.add_response(
            "describe_network_interfaces",
            {"NetworkInterfaces": interfaces[:1000], "NextToken": "t1"},
            {"Filters": [], "MaxResults": 1000},
        )
        stub.add_response(
            "describe_network_interfaces",
            {"NetworkInterfaces": interfaces[1000:]},
            {"Filters": [], "MaxResults": 1000, "NextToken": "t1"},
        )
        stub.add_response(
            "get_subnet_cidr_reservations",
            {
                "SubnetIpv4CidrReservations": [
                    {"Cidr": "10.2.0.64/27", "ReservationType": "explicit"},
                    {"Cidr": "10.2.0.128/28", "ReservationType": "prefix"},
                ]
            },
            {"SubnetId": eks},
        )
        # When
        run = collect_census(target, _settings(), NOW)
        # Then exactly these calls, in this order, and no more
        stub.assert_no_pending_responses()
    assert len(calls) == 2
    assert run.report.status == "complete"
    by_subnet = {s.subnet.subnet_id: s for s in run.resources}
    # /24: blocks 0 and 15 reserved, 2 the prefix, 4 and 5 the explicit /27; a prefix reservation is no use.
    assert by_subnet[eks].free_prefix_blocks == 16 - 5
    assert by_subnet[plain].free_prefix_blocks is None
    assert sum(share.addresses for share in by_subnet[plain].consumers) == 1499


def _envelope(entry: dict[str, Any], number: int) -> dict[str, Any]:
    """The event as EventBridge delivers a PutEvents entry to a rule's target."""
    return {
        "version": "0",
        "id": f"ce000000-0000-4000-8000-{number:012d}",
        "detail-type": entry["DetailType"],
        "source": entry["Source"],
        "account": ACCOUNT_ID,
        "time": f"{NOW:%Y-%m-%dT%H:%M:%SZ}",
        "region": REGION,
        "resources": entry["Resources"],
        "detail": json.loads(entry["Detail"]),
    }


def test_given_a_node_group_short_of_addresses_then_one_email_and_one_event_point(world):
    # Given EKS reporting InsufficientFreeAddresses on a node group in eks-1a (moto keeps no node group
    # health, so EKS answers through Stubber in the shape of the EKS API reference)
    target, network, _ = world
    eks_subnet = network.subnet_ids["eks-1a"]
    nodegroup_arn = f"arn:aws:eks:{REGION}:{ACCOUNT_ID}:nodegroup/{EKS_CLUSTER}/system/0ac1"
    sent: list[dict[str, Any]] = []
    target.client("events").meta.events.register(
        "provide-client-params.events.PutEvents", lambda params, **_: sent.extend(params["Entries"])
    )
    eks = target.client("eks")
    with Stubber(eks) as stub:
        stub.add_response("list_clusters", {"clusters": [EKS_CLUSTER, "elsewhere"]}, {"maxResults": 100})
        stub.add_response(
            "describe_cluster",
            {
                "cluster": {
                    "name": EKS_CLUSTER,
                    "resourcesVpcConfig": {"subnetIds": [eks_subnet]},
                    "health": {"issues": []},
                }
            },
            {"name": EKS_CLUSTER},
        )
        stub.add_response(
            "list_nodegroups", {"nodegroups": ["system"]}, {"clusterName": EKS_CLUSTER, "maxResults": 100}
        )
        stub.add_response(
            "describe_nodegroup",
            {
                "nodegroup": {
                    "nodegroupName": "system",
                    "nodegroupArn": nodegroup_arn,
                    "clusterName": EKS_CLUSTER,
                    "subnets": [eks_subnet],
                    "health": {
                        "issues": [
                            {
                                "code": "InsufficientFreeAddresses",
                                "message": "One or more of the subnets associated with your managed node group "
                                "does not have enough available IP addresses for new nodes.",
                                "resourceIds": [eks_subnet],
                            }
                        ]
                    },
                }
            },
            {"clusterName": EKS_CLUSTER, "nodegroupName": "system"},
        )
        # The other cluster and its node group are healthy, and in no subnet of the scope.
        stub.add_response(
            "describe_cluster", {"cluster": {"name": "elsewhere", "health": {"issues": []}}}, {"name": "elsewhere"}
        )
        stub.add_response("list_nodegroups", {"nodegroups": ["web"]}, {"clusterName": "elsewhere", "maxResults": 100})
        stub.add_response(
            "describe_nodegroup",
            {"nodegroup": {"nodegroupName": "web", "subnets": ["subnet-0ffffffffffffffff"], "health": {"issues": []}}},
            {"clusterName": "elsewhere", "nodegroupName": "web"},
        )
        # When the census runs
        report = collect_census(target, _settings(VPC_IDS=network.vpc_id), NOW).report
        stub.assert_no_pending_responses()

    # Then it says so and sends one event, which the kind's rule matches
    assert any("platform-eks/system: InsufficientFreeAddresses" in f for f in report.findings)
    (entry,) = sent
    event = _envelope(entry, 1)
    assert EventPattern.load(json.dumps(eks_nodegroup_no_addresses.KIND.pattern)).matches_event(cast(Any, event))
    assert event["detail"]["subnets"][0]["subnetId"] == eks_subnet
    # To the monitor's private bus (no one else may put there), naming where the cluster is.
    assert entry["EventBusName"] == MONITOR_BUS
    assert (event["detail"]["account"], event["detail"]["region"]) == (ACCOUNT_ID, REGION)
    # And the event path counts it and emails it once; the next run's event is a duplicate of the incident
    resources = seed_event_resources(target.client("sns"), target.client("sqs"), target.client("dynamodb"))
    settings = EventHandlerSettings.model_validate(
        {
            "METRIC_NAMESPACE": NAMESPACE,
            "TOPIC_ARN": resources.topic_arn,
            "INCIDENT_TABLE_NAME": resources.incident_table,
            "DEDUPE_WINDOW_MINUTES": "30",
            "DEAD_LETTER_QUEUE_URL": resources.dead_letter_queue_url,
            "ACCOUNT_NAMES": "{}",
            "MONITOR_MODE": "account",
            "READER_ROLE_NAME": "SubnetIpMonitorReader",
            "MEMBER_ACCOUNTS": "",
            "ORGANIZATION_UNIT_IDS": "",
            "MAX_INCIDENTS_PER_WINDOW": "20",
            "FREE_ADDRESS_FLOOR": "8",
            "SNAPSHOT_BUCKET": BUCKET,
        }
    )
    first = handle_exhaustion_event(event, target, settings, NOW)
    again = handle_exhaustion_event(_envelope(entry, 2), target, settings, NOW)
    assert (first.status, again.status) == ("notified", "duplicate")
    (email,) = [json.loads(m["Body"]) for m in drain_queue(target.client("sqs"), resources.inbox_url)]
    assert email["Subject"] == f"EKS node group system ({EKS_CLUSTER}): no free addresses in eks-1a ({eks_subnet})"
    assert "EKS node group: system" in email["Message"]
    assert f"{eks_subnet} (eks-1a): " in email["Message"]
    points = metric_values(
        target.client("cloudwatch"),
        "IpExhaustionEvents",
        {"AccountId": ACCOUNT_ID, "Reason": "EksNodegroupNoAddresses"},
        "Sum",
    )
    assert sum(points) == 2


def test_given_a_census_then_the_dashboard_table_reads_it_back_fullest_first(world, monkeypatch):
    target, network, _ = world
    collect_census(target, _settings(VPC_IDS=network.vpc_id), NOW)
    for key, value in TABLE_ENVIRONMENT.items():
        monkeypatch.setenv(key, value)
    context = LocalLambdaContext(invoked_function_arn=function_arn(REGION))

    html = table_handler.handler({}, context)  # type: ignore[arg-type]

    first_row = html.split("<tr>")[2]
    assert first_row.startswith("<td>tasks-1a<br>")
    assert '<td class="n hot">118/123 (96%)</td>' in first_row
    assert "The 15 fullest subnets" in table_handler.handler({"describe": True}, context)  # type: ignore[arg-type]


def test_given_no_census_yet_then_the_dashboard_table_says_so(world, monkeypatch):
    for key, value in TABLE_ENVIRONMENT.items():
        monkeypatch.setenv(key, value)

    html = table_handler.handler({}, LocalLambdaContext(invoked_function_arn=function_arn(REGION)))  # type: ignore[arg-type]

    assert "No census snapshot yet" in html
