"""Pure: which route an alert takes (monitor:routes). A route matches by account, VPC, subnet, a subnet or VPC
tag, ECS cluster or EKS cluster; every criterion a route names must hold (any of its values); the first route
that matches wins, and an alert no route matches takes the default destinations (the top-level keys).

Tags come from AWS data and may be hostile: they are only compared, never shown or used to build a name.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from ..platform.settings import RouteSetting


@dataclass(frozen=True)
class RouteSubject:
    """What an alert is about, as far as routing asks: tags are the subnet's and its VPC's (the subnet's win)."""

    account: str
    vpc_id: str | None = None
    subnet_id: str | None = None
    tags: Mapping[str, str] = field(default_factory=dict)
    ecs_cluster: str | None = None
    eks_cluster: str | None = None


@dataclass(frozen=True)
class RouteRule:
    """One route's match: each non-empty criterion must hold."""

    name: str
    accounts: frozenset[str] = frozenset()
    vpc_ids: frozenset[str] = frozenset()
    subnet_ids: frozenset[str] = frozenset()
    tags: Mapping[str, str] = field(default_factory=dict)
    ecs_clusters: frozenset[str] = frozenset()
    eks_clusters: frozenset[str] = frozenset()

    @property
    def needs_tags(self) -> bool:
        """Whether deciding it needs the subnet's or VPC's tags (or its VPC: one more read)."""
        return bool(self.tags or self.vpc_ids)

    def matches(self, subject: RouteSubject) -> bool:
        """Every criterion the rule names holds for subject (an unknown value never matches)."""
        checks = (
            (self.accounts, subject.account),
            (self.vpc_ids, subject.vpc_id),
            (self.subnet_ids, subject.subnet_id),
            (self.ecs_clusters, subject.ecs_cluster),
            (self.eks_clusters, subject.eks_cluster),
        )
        if any(wanted and value not in wanted for wanted, value in checks):
            return False
        return all(subject.tags.get(key) == value for key, value in self.tags.items())

    @classmethod
    def from_document(cls, name: str, match: Mapping[str, Any]) -> RouteRule:
        """The rule of one route of the ROUTES document (keys as monitor:routes spells them)."""
        return cls(
            name=name,
            accounts=frozenset(match.get("accounts", ())),
            vpc_ids=frozenset(match.get("vpcIds", ())),
            subnet_ids=frozenset(match.get("subnetIds", ())),
            tags=dict(match.get("tags", {})),
            ecs_clusters=frozenset(match.get("ecsClusters", ())),
            eks_clusters=frozenset(match.get("eksClusters", ())),
        )


def route_rules(routes: Sequence[RouteSetting]) -> list[RouteRule]:
    """The rules of the configured routes, in their order."""
    return [RouteRule.from_document(route.name, route.match) for route in routes]


def choose_route(rules: Sequence[RouteRule], subject: RouteSubject) -> str | None:
    """The name of the first rule subject matches; None: the default route."""
    return next((rule.name for rule in rules if rule.matches(subject)), None)


def needs_tags(rules: Sequence[RouteRule]) -> bool:
    """Whether any rule needs the subnet's or VPC's tags (read only then)."""
    return any(rule.needs_tags for rule in rules)
