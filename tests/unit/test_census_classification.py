"""Every interface in exactly one category, with its owner: shapes as AWS writes them (see lambdas/census/model.py)."""

import pytest

from lambdas.census.model import Category, Consumer, NetworkInterface, classify

EKS_INSTANCES = {"i-0eks000000000001": "prod-eks"}


def eni(**fields) -> NetworkInterface:
    defaults = {"interface_id": "eni-1", "subnet_id": "subnet-1", "vpc_id": "vpc-1", "status": "in-use"}
    return NetworkInterface(**{**defaults, **fields})


@pytest.mark.parametrize(
    ("interface", "expected"),
    [
        (eni(status="available", interface_type="lambda"), Consumer(Category.UNATTACHED)),
        (eni(interface_type="trunk", instance_id="i-0abc"), Consumer(Category.ECS_TRUNK, "i-0abc")),
        (
            eni(
                interface_type="branch",
                description="aws-k8s-branch-eni",
                tags={"cluster.k8s.amazonaws.com/name": "prod-eks"},
            ),
            Consumer(Category.EKS_POD_ENI, "prod-eks"),
        ),
        (
            eni(interface_type="branch", description="arn:aws:ecs:eu-west-1:111122223333:attachment/3f2c"),
            Consumer(Category.ECS_TASK),
        ),
        (
            eni(
                interface_type="lambda",
                description="AWS Lambda VPC ENI-orders-api-1b2c3d4e-aaaa-bbbb-cccc-0123456789ab",
            ),
            Consumer(Category.LAMBDA, "orders-api"),
        ),
        (
            eni(requester_managed=True, requester_id="amazon-elb", description="ELB app/web-alb/50dc6c495c0c9188"),
            Consumer(Category.LOAD_BALANCER, "app/web-alb"),
        ),
        (
            eni(interface_type="network_load_balancer", description="ELB net/nlb-1/abc"),
            Consumer(Category.LOAD_BALANCER, "net/nlb-1"),
        ),
        (
            eni(interface_type="natGateway", description="Interface for NAT Gateway nat-0a1b2c3d4e5f60718"),
            Consumer(Category.NAT_GATEWAY, "nat-0a1b2c3d4e5f60718"),
        ),
        (
            eni(interface_type="vpc_endpoint", description="VPC Endpoint Interface vpce-0123456789abcdef0"),
            Consumer(Category.VPC_ENDPOINT, "vpce-0123456789abcdef0"),
        ),
        (eni(interface_type="transit_gateway"), Consumer(Category.OTHER_AWS_SERVICE, "transit_gateway")),
        (
            eni(
                requester_managed=True,
                description="arn:aws:ecs:eu-west-1:111122223333:attachment/0b5b",
                tags={"aws:ecs:clusterName": "prod", "aws:ecs:serviceName": "checkout"},
            ),
            Consumer(Category.ECS_TASK, "prod/checkout"),
        ),
        (
            eni(requester_managed=True, description="Amazon EKS prod-eks"),
            Consumer(Category.EKS_CONTROL_PLANE, "prod-eks"),
        ),
        (
            eni(
                description="aws-K8S-i-0eks000000000001",
                instance_id="i-0eks000000000001",
                tags={"cluster.k8s.amazonaws.com/name": "prod-eks"},
            ),
            Consumer(Category.EKS_NODE, "prod-eks"),
        ),
        (eni(instance_id="i-0eks000000000001"), Consumer(Category.EKS_NODE, "prod-eks")),  # the node's primary ENI
        (eni(instance_id="i-0plain"), Consumer(Category.EC2_INSTANCE, "i-0plain")),
        (eni(requester_managed=True, requester_id="AIDAEXAMPLE"), Consumer(Category.OTHER_AWS_SERVICE, "AIDAEXAMPLE")),
        (eni(description="something we have never seen"), Consumer(Category.OTHER)),
    ],
)
def test_given_an_interface_then_it_has_exactly_its_category_and_owner(interface, expected):
    assert classify(interface, EKS_INSTANCES) == expected


def test_given_private_ips_and_prefixes_then_addresses_count_16_per_prefix():
    held = eni(private_ips=("10.0.0.10", "10.0.0.11"), ipv4_prefixes=("10.0.0.32/28", "10.0.0.48/28"))
    assert held.addresses == 2 + 2 * 16
