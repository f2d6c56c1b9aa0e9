"""The ECS collector against moto (metrics read back) and, where moto cannot page or fail, botocore's Stubber.

moto answers ListContainerInstances/ListTasks in one page whatever maxResults says, so the paging real ECS
does (100 per page, then nextToken) is replayed with Stubber from response shapes of the real API.
"""

import json
from datetime import UTC, datetime

import pytest
from botocore.stub import ANY, Stubber

from devkit.lambda_context import LocalLambdaContext, function_arn
from devkit.publishing import ECS_DOCUMENTS, EVERY_RUN
from devkit.scenario import (
    ECS_CLUSTER,
    REGION,
    seed_awsvpc_service,
    seed_network,
    seed_orders_cluster,
)
from lambdas.ecs.handler import handler
from lambdas.ecs.pipeline import collect_ecs
from lambdas.ecs.settings import EcsCollectorSettings
from lambdas.platform import contract
from tests.integration.conftest import ACCOUNT_ID, NAMESPACE, count_calls, metric_values, published_series, target_with

pytestmark = pytest.mark.usefixtures("aws")
SETTINGS = EcsCollectorSettings.model_validate(
    {"METRIC_NAMESPACE": NAMESPACE, "CLUSTER_NAMES": "", **EVERY_RUN, **ECS_DOCUMENTS}
)


@pytest.fixture(autouse=True)
def _one_cluster_at_a_time(monkeypatch):
    # Stubber answers in the order responses were added, so clusters are read one at a time here;
    # the parallel reads run against moto in test_fault_tolerance.py.
    monkeypatch.setattr("lambdas.ecs.pipeline.CLUSTER_WORKERS", 1)


@pytest.fixture
def clients():
    import boto3

    return {s: boto3.client(s, region_name=REGION) for s in ("ecs", "ec2", "cloudwatch")}


def test_given_the_trunking_story_cluster_when_the_handler_runs_then_its_four_metrics_read_back_right(
    clients, monkeypatch
):
    # Given an m5.large without trunk (2 tasks), an m5.large with trunk (4 tasks), a c5.large without trunk
    # (1 task) and a Fargate task, in the emulator
    monkeypatch.setenv("AWS_DEFAULT_REGION", REGION)
    monkeypatch.setenv("METRIC_NAMESPACE", NAMESPACE)
    monkeypatch.setenv("CLUSTER_NAMES", "")
    for key, value in {**EVERY_RUN, **ECS_DOCUMENTS}.items():
        monkeypatch.setenv(key, value)
    network = seed_network(clients["ec2"])
    seed_orders_cluster(clients["ec2"], clients["ecs"], network)
    clients["ecs"].create_cluster(clusterName="fargate-only")
    # When the function runs in the scenario's region
    report = handler({}, LocalLambdaContext(invoked_function_arn=function_arn(REGION)))  # type: ignore[arg-type]
    # Then: 7 ENI tasks of 2 + 10 + 2 slots; the old m5 and the c5 could have a trunk and do not
    dims = contract.cluster_series(ACCOUNT_ID, REGION, ECS_CLUSTER)
    cloudwatch = clients["cloudwatch"]
    assert metric_values(cloudwatch, "EniTasksRunning", dims) == [7.0]
    assert metric_values(cloudwatch, "EniTaskCapacity", dims) == [14.0]
    assert metric_values(cloudwatch, "EniUtilization", dims) == [pytest.approx(50.0)]
    assert metric_values(cloudwatch, "UntrunkedInstances", dims) == [2.0]
    # the Fargate-only cluster publishes nothing
    assert published_series(cloudwatch, "EniUtilization") == [dims]
    assert report["status"] == "complete"
    assert any("2 trunk-capable instance(s)" in f for f in report["findings"])


def _instance(i: int, cluster: str = "big") -> dict:
    return {
        "containerInstanceArn": f"arn:aws:ecs:{REGION}:123456789012:container-instance/{cluster}/{i:032x}",
        "ec2InstanceId": f"i-{i:017x}",
        "status": "ACTIVE",
        "attributes": [{"name": "ecs.instance-type", "value": "m5.large"}]
        + ([{"name": "ecs.awsvpc-trunk-id", "value": f"eni-{i:017x}"}] if i % 2 else []),
    }


def _task(i: int, instance: dict) -> dict:
    return {
        "taskArn": f"arn:aws:ecs:{REGION}:123456789012:task/big/{i:032x}",
        "containerInstanceArn": instance["containerInstanceArn"],
        "launchType": "EC2",
        "attachments": [{"id": f"{i}", "type": "ElasticNetworkInterface", "status": "ATTACHED"}],
    }


def _stub_list_describe(stubber, *, list_op, list_key, describe_op, describe_key, items, arn_key, params):
    pages = [items[i : i + 100] for i in range(0, len(items), 100)]
    for number, page in enumerate(pages):
        expected: dict = {**params, "maxResults": 100}
        if number:
            expected["nextToken"] = f"{list_op}-{number}"
        response: dict = {list_key: [item[arn_key] for item in page]}
        if number < len(pages) - 1:
            response["nextToken"] = f"{list_op}-{number + 1}"
        stubber.add_response(list_op, response, expected)
        stubber.add_response(
            describe_op, {describe_key: page}, {"cluster": "big", describe_key: [item[arn_key] for item in page]}
        )


def test_given_250_instances_and_1000_tasks_then_calls_grow_with_pages_not_with_resources(clients):
    # Given
    instances = [_instance(i) for i in range(250)]
    tasks = [_task(i, instances[i % 250]) for i in range(1000)]
    ecs, ec2 = clients["ecs"], clients["ec2"]
    settings = EcsCollectorSettings.model_validate(
        {"METRIC_NAMESPACE": NAMESPACE, "CLUSTER_NAMES": "big", **EVERY_RUN, **ECS_DOCUMENTS}
    )
    calls = {
        op: count_calls(client, op)
        for client, op in (
            (ecs, "ListContainerInstances"),
            (ecs, "DescribeContainerInstances"),
            (ecs, "ListTasks"),
            (ecs, "DescribeTasks"),
            (ec2, "DescribeInstanceTypes"),
        )
    }
    with Stubber(ecs) as ecs_stub, Stubber(ec2) as ec2_stub:
        ecs_stub.add_response(
            "list_account_settings",
            {"settings": [{"name": "awsvpcTrunking", "value": "enabled"}]},
            {"name": "awsvpcTrunking", "effectiveSettings": True},
        )
        _stub_list_describe(
            ecs_stub,
            list_op="list_container_instances",
            list_key="containerInstanceArns",
            describe_op="describe_container_instances",
            describe_key="containerInstances",
            items=instances,
            arn_key="containerInstanceArn",
            params={"cluster": "big", "status": "ACTIVE"},
        )
        _stub_list_describe(
            ecs_stub,
            list_op="list_tasks",
            list_key="taskArns",
            describe_op="describe_tasks",
            describe_key="tasks",
            items=tasks,
            arn_key="taskArn",
            params={"cluster": "big", "desiredStatus": "RUNNING"},
        )
        ec2_stub.add_response(
            "describe_instance_types",
            {
                "InstanceTypes": [
                    {
                        "InstanceType": "m5.large",
                        "NetworkInfo": {
                            "MaximumNetworkInterfaces": 3,
                            "DefaultNetworkCardIndex": 0,
                            "NetworkCards": [{"NetworkCardIndex": 0, "MaximumNetworkInterfaces": 3}],
                        },
                    }
                ]
            },
            {"InstanceTypes": ["m5.large"]},
        )
        _stub_no_services(ecs_stub, "big")
        # When
        run = collect_ecs(target_with(REGION, **clients), settings, datetime.now(UTC))
        report, capacities = run.report, run.resources
        ecs_stub.assert_no_pending_responses()
    # Then: 3 list/describe pairs for instances, 10 for tasks, one DescribeInstanceTypes for one type
    assert {op: len(c) for op, c in calls.items()} == {
        "ListContainerInstances": 3,
        "DescribeContainerInstances": 3,
        "ListTasks": 10,
        "DescribeTasks": 10,
        "DescribeInstanceTypes": 1,
    }
    assert [len(c["containerInstances"]) for c in calls["DescribeContainerInstances"]] == [100, 100, 50]
    (capacity,) = capacities
    # 125 trunked m5.large (10 slots) + 125 untrunked (2 slots)
    assert (capacity.tasks_running, capacity.capacity, capacity.untrunked_instances) == (1000, 1500, 125)
    assert report.status == "complete"


def test_given_a_cluster_that_vanishes_mid_run_then_it_is_skipped_and_the_others_are_published(clients):
    ecs, ec2, cloudwatch = clients["ecs"], clients["ec2"], clients["cloudwatch"]
    settings = EcsCollectorSettings.model_validate(
        {"METRIC_NAMESPACE": NAMESPACE, "CLUSTER_NAMES": "gone,big", **EVERY_RUN, **ECS_DOCUMENTS}
    )
    instance = _instance(1)
    with Stubber(ecs) as ecs_stub, Stubber(ec2) as ec2_stub:
        ecs_stub.add_response(
            "list_account_settings", {"settings": []}, {"name": "awsvpcTrunking", "effectiveSettings": True}
        )
        # "gone" is listed, then deleted before it is described
        ecs_stub.add_response(
            "list_container_instances",
            {"containerInstanceArns": ["arn:ci/gone/1"]},
            {"cluster": "gone", "status": "ACTIVE", "maxResults": 100},
        )
        ecs_stub.add_client_error("describe_container_instances", "ClusterNotFoundException", "Cluster not found.", 400)
        _stub_one_instance_cluster(ecs_stub, ec2_stub, instance)
        _stub_no_services(ecs_stub, "gone", "big", gone=("gone",))
        report = collect_ecs(target_with(REGION, **clients), settings, datetime.now(UTC)).report
    assert report.status == "complete"  # a deleted cluster is not a monitor failure
    assert published_series(cloudwatch, "EniTaskCapacity") == [contract.cluster_series(ACCOUNT_ID, REGION, "big")]
    assert metric_values(cloudwatch, "EniTaskCapacity", contract.cluster_series(ACCOUNT_ID, REGION, "big")) == [10.0]


def test_given_access_denied_on_one_cluster_then_the_other_is_published_and_the_run_is_partial(clients):
    ecs, ec2, cloudwatch = clients["ecs"], clients["ec2"], clients["cloudwatch"]
    settings = EcsCollectorSettings.model_validate(
        {"METRIC_NAMESPACE": NAMESPACE, "CLUSTER_NAMES": "locked,big", **EVERY_RUN, **ECS_DOCUMENTS}
    )
    instance = _instance(2)
    with Stubber(ecs) as ecs_stub, Stubber(ec2) as ec2_stub:
        ecs_stub.add_response(
            "list_account_settings",
            {"settings": [{"name": "awsvpcTrunking", "value": "disabled"}]},
            {"name": "awsvpcTrunking", "effectiveSettings": True},
        )
        ecs_stub.add_client_error("list_container_instances", "AccessDeniedException", "not authorized", 400)
        _stub_one_instance_cluster(ecs_stub, ec2_stub, instance)
        _stub_no_services(ecs_stub, "locked", "big")
        report = collect_ecs(target_with(REGION, **clients), settings, datetime.now(UTC)).report
    assert report.status == "partial"
    assert report.failures == [
        {"operation": "ListContainerInstances", "code": "AccessDeniedException", "cluster": "locked"}
    ]
    assert metric_values(cloudwatch, "UntrunkedInstances", contract.cluster_series(ACCOUNT_ID, REGION, "big")) == [1.0]
    assert published_series(cloudwatch, "CollectorFailures") == [{"Collector": "ecs"}]
    # trunking is disabled while a trunk-capable instance runs: the run says so, with the remedy
    assert any("awsvpcTrunking is disabled" in f and "replace the instances" in f for f in report.findings)


def _stub_no_services(ecs_stub, *clusters, gone=()):
    """The deployment fit's ListServices, after every cluster's instances and tasks: no services (a deleted
    cluster answers ClusterNotFoundException, as for its instances)."""
    for cluster in clusters:
        if cluster in gone:
            ecs_stub.add_client_error("list_services", "ClusterNotFoundException", "Cluster not found.", 400)
        else:
            ecs_stub.add_response("list_services", {"serviceArns": []}, {"cluster": cluster, "maxResults": 100})


def _stub_one_instance_cluster(ecs_stub, ec2_stub, *instances):
    """Cluster "big": the given instances (m5.large when typed), no tasks; only m5.large gets described."""
    ecs_stub.add_response(
        "list_container_instances",
        {"containerInstanceArns": [i["containerInstanceArn"] for i in instances]},
        {"cluster": "big", "status": "ACTIVE", "maxResults": 100},
    )
    ecs_stub.add_response(
        "describe_container_instances",
        {"containerInstances": list(instances)},
        {"cluster": "big", "containerInstances": ANY},
    )
    ecs_stub.add_response(
        "list_tasks", {"taskArns": []}, {"cluster": "big", "desiredStatus": "RUNNING", "maxResults": 100}
    )
    ec2_stub.add_response(
        "describe_instance_types",
        {"InstanceTypes": [{"InstanceType": "m5.large", "NetworkInfo": {"MaximumNetworkInterfaces": 3}}]},
        {"InstanceTypes": ["m5.large"]},
    )


def test_given_an_instance_without_a_type_attribute_then_it_is_left_out_and_the_rest_is_published(clients):
    # Given a cluster whose second instance reports no ecs.instance-type (describing "" would fail the whole call)
    ecs, ec2, cloudwatch = clients["ecs"], clients["ec2"], clients["cloudwatch"]
    settings = EcsCollectorSettings.model_validate(
        {"METRIC_NAMESPACE": NAMESPACE, "CLUSTER_NAMES": "big", **EVERY_RUN, **ECS_DOCUMENTS}
    )
    typed, untyped = _instance(1), {**_instance(2), "attributes": []}
    with Stubber(ecs) as ecs_stub, Stubber(ec2) as ec2_stub:
        ecs_stub.add_response(
            "list_account_settings", {"settings": []}, {"name": "awsvpcTrunking", "effectiveSettings": True}
        )
        # Then only the known type is described (the helper expects DescribeInstanceTypes for m5.large alone)
        _stub_one_instance_cluster(ecs_stub, ec2_stub, typed, untyped)
        _stub_no_services(ecs_stub, "big")
        report = collect_ecs(target_with(REGION, **clients), settings, datetime.now(UTC)).report
        ec2_stub.assert_no_pending_responses()
    assert report.status == "complete"
    assert metric_values(cloudwatch, "EniTaskCapacity", contract.cluster_series(ACCOUNT_ID, REGION, "big")) == [10.0]


def test_given_services_then_their_deployment_fit_is_published_per_cluster_and_kept_for_the_composer(clients):
    import boto3

    # Given a /28 with 4 interfaces (7 free) and a roomy /25: orders-api (10 tasks, rolling at 200 %) in the /28
    # alone does not fit; orders-worker (16 tasks) over both fits in total but the /28 cannot take its 8.
    ec2, ecs, cloudwatch = clients["ec2"], clients["ecs"], clients["cloudwatch"]
    s3 = boto3.client("s3", region_name=REGION)
    s3.create_bucket(Bucket=ECS_DOCUMENTS["SNAPSHOT_BUCKET"], CreateBucketConfiguration={"LocationConstraint": REGION})
    vpc = ec2.create_vpc(CidrBlock="10.30.0.0/16")["Vpc"]["VpcId"]
    small = ec2.create_subnet(VpcId=vpc, CidrBlock="10.30.0.0/28", AvailabilityZone=f"{REGION}a")["Subnet"]["SubnetId"]
    roomy = ec2.create_subnet(VpcId=vpc, CidrBlock="10.30.1.0/25", AvailabilityZone=f"{REGION}b")["Subnet"]["SubnetId"]
    for _ in range(4):
        ec2.create_network_interface(SubnetId=small)
    seed_awsvpc_service(ec2, ecs, cluster="shop", service="orders-api", subnet_ids=[small], desired_count=10)
    seed_awsvpc_service(ec2, ecs, cluster="shop", service="orders-worker", subnet_ids=[small, roomy], desired_count=16)
    seed_awsvpc_service(ec2, ecs, cluster="quiet", service="cron", subnet_ids=[roomy], desired_count=2)
    calls = {
        op: count_calls(c, op) for c, op in ((ecs, "ListServices"), (ecs, "DescribeServices"), (ec2, "DescribeSubnets"))
    }

    run = collect_ecs(target_with(REGION, **clients), SETTINGS, datetime.now(UTC))

    assert run.report.status == "complete"
    shop, quiet = (contract.cluster_series(ACCOUNT_ID, REGION, c) for c in ("shop", "quiet"))
    assert metric_values(cloudwatch, "ServicesAtDeploymentRisk", shop) == [2.0]
    assert metric_values(cloudwatch, "ServicesAtDeploymentRisk", quiet) == [0.0]
    # One ListServices and one DescribeServices per cluster, one DescribeSubnets for all their subnets
    assert {op: len(c) for op, c in calls.items()} == {"ListServices": 2, "DescribeServices": 2, "DescribeSubnets": 1}
    document = s3.get_object(Bucket=ECS_DOCUMENTS["SNAPSHOT_BUCKET"], Key="deployments/latest.json")["Body"].read()
    services = {s["service"]: s for s in json.loads(document)["services"]}
    api, worker = services["orders-api"], services["orders-worker"]
    assert (api["surge"], api["fits"], api["subnets"], api["atRisk"]) == (
        10,
        False,
        [{"subnetId": small, "name": None, "free": 7}],
        True,
    )
    assert (worker["surge"], worker["fits"], worker["unbalanced"], worker["atRisk"]) == (16, True, True, True)
    assert services["cron"]["atRisk"] is False


def _with_strategy(strategy):
    """moto keeps a service's capacityProviderStrategy at CreateService but answers DescribeServices without
    it (and with launchType EC2); put it back as ECS answers (the ECS API reference's Service shape)."""

    def restore(parsed, **_):
        for service in parsed.get("services", []):
            service["capacityProviderStrategy"] = strategy
            service.pop("launchType", None)

    return restore


def test_given_a_capacity_provider_with_managed_scaling_then_its_group_must_have_room_for_the_new_instances(clients):
    import boto3

    # Given the trunking-story cluster (7 of 14 task-ENI slots used, 3 instances: 4 slots each on average),
    # an awsvpc service of 20 tasks on a capacity provider whose group (max 4, 3 running) has a full subnet
    ec2, ecs, cloudwatch = clients["ec2"], clients["ecs"], clients["cloudwatch"]
    autoscaling = boto3.client("autoscaling", region_name=REGION)
    network = seed_network(ec2)
    seed_orders_cluster(ec2, ecs, network)
    group_subnet = ec2.create_subnet(VpcId=network.vpc_id, CidrBlock="10.20.50.0/28", AvailabilityZone=f"{REGION}a")
    group_subnet_id = group_subnet["Subnet"]["SubnetId"]
    for _ in range(7):  # with the group's 3 instances, 1 of the /28's 11 addresses is left
        ec2.create_network_interface(SubnetId=group_subnet_id)
    autoscaling.create_launch_configuration(
        LaunchConfigurationName="lc", ImageId="ami-12c6146b", InstanceType="m5.large"
    )
    autoscaling.create_auto_scaling_group(
        AutoScalingGroupName="orders-asg",
        LaunchConfigurationName="lc",
        MinSize=0,
        MaxSize=4,
        DesiredCapacity=3,
        VPCZoneIdentifier=group_subnet_id,
    )
    group_arn = autoscaling.describe_auto_scaling_groups()["AutoScalingGroups"][0]["AutoScalingGroupARN"]
    ecs.create_capacity_provider(
        name="orders-cp",
        autoScalingGroupProvider={"autoScalingGroupArn": group_arn, "managedScaling": {"status": "ENABLED"}},
    )
    seed_awsvpc_service(
        ec2,
        ecs,
        cluster=ECS_CLUSTER,
        service="orders-api",
        subnet_ids=[network.subnet_ids["tasks-1c"]],
        desired_count=20,
    )
    ecs.meta.events.register(
        "after-call.ecs.DescribeServices", _with_strategy([{"capacityProvider": "orders-cp", "weight": 1}])
    )
    s3 = boto3.client("s3", region_name=REGION)
    s3.create_bucket(Bucket=ECS_DOCUMENTS["SNAPSHOT_BUCKET"], CreateBucketConfiguration={"LocationConstraint": REGION})

    run = collect_ecs(target_with(REGION, **clients, autoscaling=autoscaling), SETTINGS, datetime.now(UTC))

    assert run.report.status == "complete"
    document = json.loads(
        s3.get_object(Bucket=ECS_DOCUMENTS["SNAPSHOT_BUCKET"], Key="deployments/latest.json")["Body"].read()
    )
    (service,) = document["services"]
    # 20 new tasks, 7 free slots: 13 more; 14 slots / 3 instances = 4 an instance: 4 instances, 4 addresses
    # (the cluster is mostly untrunked); the group can grow by 1 and its subnet has 1 free.
    assert service["launchType"] == "CAPACITY_PROVIDER"
    assert service["scaling"] == {
        "groups": ["orders-asg"],
        "instancesNeeded": 4,
        "addressesNeeded": 4,
        "freeInGroupSubnets": 1,
        "headroomToMaxSize": 1,
        "fits": False,
    }
    assert (service["fits"], service["atRisk"]) == (True, True)
    cluster = contract.cluster_series(ACCOUNT_ID, REGION, ECS_CLUSTER)
    assert metric_values(cloudwatch, "ServicesAtDeploymentRisk", cluster) == [1.0]
