"""Routing tables (monitor:routes): first match wins, no match takes the default, every criterion a route names
must hold, a subnet's tags over its VPC's, and an unknown value never matches."""

from __future__ import annotations

import pytest

from lambdas.domain.routing import RouteRule, RouteSubject, choose_route, needs_tags, route_rules
from lambdas.platform.settings import RouteSetting

PAYMENTS = RouteRule("payments", tags={"team": "payments"})
ORDERS_ACCOUNT = RouteRule("orders", accounts=frozenset({"222222222222"}))
SHARED_VPC = RouteRule("network", vpc_ids=frozenset({"vpc-0aaaaaaaaaaaaaaaa"}), tags={"env": "prod"})
CLUSTERS = RouteRule("platform", ecs_clusters=frozenset({"platform"}), eks_clusters=frozenset({"platform-eks"}))
RULES = [PAYMENTS, ORDERS_ACCOUNT, SHARED_VPC, CLUSTERS]


@pytest.mark.parametrize(
    ("subject", "route"),
    [
        (RouteSubject("111111111111", tags={"team": "payments"}), "payments"),
        # first match wins: a payments-tagged subnet in the orders account is the payments team's
        (RouteSubject("222222222222", tags={"team": "payments"}), "payments"),
        (RouteSubject("222222222222", tags={"team": "search"}), "orders"),
        (RouteSubject("111111111111", vpc_id="vpc-0aaaaaaaaaaaaaaaa", tags={"env": "prod"}), "network"),
        # every criterion must hold: the right VPC but not prod, or prod elsewhere
        (RouteSubject("111111111111", vpc_id="vpc-0aaaaaaaaaaaaaaaa", tags={"env": "dev"}), None),
        (RouteSubject("111111111111", vpc_id="vpc-0bbbbbbbbbbbbbbbb", tags={"env": "prod"}), None),
        (RouteSubject("111111111111", ecs_cluster="platform"), None),  # no EKS cluster: the rule names both
        (RouteSubject("111111111111", ecs_cluster="platform", eks_cluster="platform-eks"), "platform"),
        # unknown values never match: a subnet whose tags could not be read takes the default
        (RouteSubject("111111111111", subnet_id="subnet-0123456789abcdef0"), None),
        (RouteSubject("333333333333"), None),
        # tag values are compared exactly (case and all)
        (RouteSubject("111111111111", tags={"team": "Payments"}), None),
    ],
)
def test_given_a_subject_then_it_takes_the_first_route_that_matches_or_the_default(subject, route):
    assert choose_route(RULES, subject) == route


def test_given_no_route_then_every_alert_takes_the_default():
    assert choose_route([], RouteSubject("111111111111", tags={"team": "payments"})) is None


def test_given_rules_then_tags_are_read_only_when_one_matches_on_tags_or_a_vpc():
    assert needs_tags([PAYMENTS])
    assert needs_tags([RouteRule("v", vpc_ids=frozenset({"vpc-0aaaaaaaaaaaaaaaa"}))])
    assert not needs_tags([ORDERS_ACCOUNT, RouteRule("s", subnet_ids=frozenset({"subnet-0123456789abcdef0"}))])


def test_given_the_stacks_routes_document_then_the_rules_keep_their_order_and_criteria():
    settings = [
        RouteSetting.model_validate(
            {"name": "payments", "match": {"tags": {"team": "payments"}}, "topic": "arn:aws:sns:eu-west-1:1:t"}
        ),
        RouteSetting.model_validate(
            {"name": "orders", "match": {"accounts": ["222222222222"]}, "topic": "arn:aws:sns:eu-west-1:1:u"}
        ),
    ]
    rules = route_rules(settings)
    assert [r.name for r in rules] == ["payments", "orders"]
    assert rules[0].tags == {"team": "payments"}
    assert rules[1].accounts == frozenset({"222222222222"})
