"""Targets: one per account and region, each with its own clients and call budgets (moto answers the calls)."""

import pytest

from devkit.lambda_context import LocalLambdaContext, function_arn
from lambdas.ecs.reads import ecs_client, ecs_read_budget
from lambdas.platform.targets import own_target

pytestmark = pytest.mark.usefixtures("aws")


def test_given_a_function_arn_then_the_target_is_its_account_and_region_and_is_kept_for_the_container():
    context = LocalLambdaContext(invoked_function_arn=function_arn("eu-west-1", "111122223333"))

    target = own_target(context)

    assert (target.account_id, target.region) == ("111122223333", "eu-west-1")
    assert own_target(context) is target  # a warm container reuses its clients
    assert target.client("ec2") is target.client("ec2")
    assert target.client("ec2").meta.region_name == "eu-west-1"


def test_given_two_targets_then_they_share_neither_clients_nor_the_ecs_budget():
    first = own_target(LocalLambdaContext(invoked_function_arn=function_arn("eu-west-1")))
    second = own_target(LocalLambdaContext(invoked_function_arn=function_arn("us-east-1")))

    assert first.client("ecs") is not second.client("ecs")
    assert ecs_read_budget(first) is not ecs_read_budget(second)
    assert ecs_read_budget(first) is ecs_read_budget(first)


def test_given_the_ecs_client_is_asked_for_every_run_then_its_budget_hook_is_registered_once():
    target = own_target(LocalLambdaContext(invoked_function_arn=function_arn("eu-west-1")))
    budget = ecs_read_budget(target)
    for _ in range(3):
        ecs = ecs_client(target)

    # One call spends one token, however many runs asked for the client.
    ecs.list_clusters()
    assert budget.waited_seconds == 0
    assert budget._tokens == budget.burst - 1
