"""A naive reference collector, written only to show the gap: what typical tools do.

It reads the same facts the real collectors read, but the way many scripts do: one PutMetricData per
data point, one DescribeContainerInstances and one DescribeInstanceTypes per instance, one DescribeTasks
per task, and only the first page of every list call (so past 100 tasks it also counts wrong). Never shipped.
"""

from __future__ import annotations

from typing import Any

NAMESPACE = "NaiveBaseline"


def _put(cloudwatch: Any, name: str, value: float, dims: dict[str, str]) -> None:
    cloudwatch.put_metric_data(
        Namespace=NAMESPACE,
        MetricData=[
            {"MetricName": name, "Value": value, "Dimensions": [{"Name": k, "Value": v} for k, v in dims.items()]}
        ],
    )


def naive_subnets(ec2: Any, cloudwatch: Any) -> None:
    """DescribeSubnets without MaxResults, then two PutMetricData calls per subnet."""
    for subnet in ec2.describe_subnets()["Subnets"]:
        dims = {"SubnetId": subnet["SubnetId"]}
        _put(cloudwatch, "AvailableIpAddressCount", subnet["AvailableIpAddressCount"], dims)
        _put(cloudwatch, "IpUtilization", 0.0, dims)


def naive_ecs(ecs: Any, ec2: Any, cloudwatch: Any) -> None:
    """Per cluster: list, then describe every instance and every task on its own; four PutMetricData calls."""
    for cluster_arn in ecs.list_clusters()["clusterArns"]:
        cluster = cluster_arn.rsplit("/", 1)[-1]
        capacity = 0
        for arn in ecs.list_container_instances(cluster=cluster)["containerInstanceArns"]:
            (instance,) = ecs.describe_container_instances(cluster=cluster, containerInstances=[arn])[
                "containerInstances"
            ]
            instance_type = next(a["value"] for a in instance["attributes"] if a["name"] == "ecs.instance-type")
            (info,) = ec2.describe_instance_types(InstanceTypes=[instance_type])["InstanceTypes"]
            capacity += info["NetworkInfo"]["MaximumNetworkInterfaces"] - 1
        running = 0
        for arn in ecs.list_tasks(cluster=cluster)["taskArns"]:
            (task,) = ecs.describe_tasks(cluster=cluster, tasks=[arn])["tasks"]
            running += any(a["type"] == "ElasticNetworkInterface" for a in task.get("attachments", []))
        dims = {"ClusterName": cluster}
        for name, value in (
            ("EniTasksRunning", running),
            ("EniTaskCapacity", capacity),
            ("EniUtilization", 0.0),
            ("UntrunkedInstances", 0.0),
        ):
            _put(cloudwatch, name, value, dims)
