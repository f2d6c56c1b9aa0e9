"""Alerts: compose one email per alarm contributor transition, forecast exhaustion hourly, send the weekly digest.

Every read that fails is named in the email (NOT IN THIS EMAIL) instead of stopping it; a notification
the composer cannot explain, and one whose email cannot be sent, is kept intact in the dead-letter queue.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass, field, replace
from datetime import datetime, timedelta
from functools import cached_property
from typing import Any

from aws_lambda_powertools import Logger

from ..domain.network import Subnet, region_of_zone, utilization_percent
from ..domain.routing import RouteSubject, choose_route, needs_tags, route_rules
from ..domain.scope import read_subnets_in_scope
from ..domain.snapshots import merged_snapshot, read_snapshots, snapshot_subnets, subnet_entry
from ..domain.subnet_reads import describe_subnet, route_subjects
from ..hub.members import TargetUnreachable, lookup_target
from ..hub.streak_table import scan_streaks
from ..hub.streaks import FailureStreak, named_in_digest
from ..platform import contract
from ..platform.aws.dynamodb import add_to_set, read_sets, remove_from_set
from ..platform.aws.s3 import get_document
from ..platform.aws.sns import publish_chat, publish_email
from ..platform.chat import chat_from_email
from ..platform.contract import MetricPoint
from ..platform.email import Email
from ..platform.errors import AwsCallError, AwsReadError, DedupeError
from ..platform.notify import Notifier
from ..platform.paging import PageState, dedup_key
from ..platform.report import Deadline, RunReport
from ..platform.run import CollectorRun, run_collector
from ..platform.targets import Target
from .chat import transition_chat
from .digest import ClusterRow, DigestInputs, closest_to_exhaustion, render_digest
from .email import render_alarm_email
from .forecast import Forecast, Sample, forecast_exhaustion, trend
from .model import (
    AlarmContributor,
    ClusterFacts,
    ContributorTransition,
    DeploymentFacts,
    Facts,
    Scope,
    SubnetFacts,
    VpcFacts,
)
from .notification import UnparsableNotification, parse_contributor_event
from .page import storm_page, transition_page
from .reads import (
    HOUR,
    SeriesQuery,
    alarm_contributors,
    free_address_queries,
    read_series,
    series_dimensions,
    vpc_name,
    zone_of,
)
from .settings import FORECASTER, ComposerSettings, DigestSettings, ForecasterSettings
from .storm import (
    NAMED,
    RECOVERED,
    REPORTED,
    STOPPED,
    StormMember,
    member_of,
    render_storm_email,
    render_storm_recovery,
    storm_key,
    storm_members,
)

logger = Logger(child=True)

HISTORY = timedelta(days=14)
LATEST = timedelta(hours=1)
# Reads of "the latest value" end a little after now, so a point published a moment ago is in even if this
# function's clock and CloudWatch's differ by seconds.
CLOCK_SLACK = timedelta(minutes=5)
FIVE_MINUTES = 300
# Time kept back for publishing: the forecaster publishes at most a few hundred points.
PUBLISH_RESERVE_MS = 10_000


# The composer ---------------------------------------------------------------------------------------------


@dataclass
class AlertOutcome:
    """What became of one notification; returned by the handler and logged."""

    event_id: str
    status: str  # unparsed | duplicate | notified | dead-lettered | grouped (named in a storm's message)
    alarm: str | None = None
    contributor: str | None = None
    state: str | None = None
    missing: list[str] = field(default_factory=list)
    problems: list[dict[str, str]] = field(default_factory=list)

    def record(self, err: AwsCallError) -> None:
        """Keep a failed call with its context and log it."""
        self.problems.append(err.as_failure())
        logger.error("AWS call failed while composing an alert", extra={"failure": err.as_failure()})


def compose_alert(raw: Any, target: Target, settings: ComposerSettings, now: datetime) -> AlertOutcome:
    """Email one contributor transition once per window, with what could be read about the contributor."""
    event_id = str(raw.get("id", "unknown")) if isinstance(raw, dict) else "unknown"
    outcome = AlertOutcome(event_id, "unparsed")
    notifier = Notifier(target, settings, now, outcome.record)
    try:
        transition = parse_contributor_event(raw, settings.alarm_name_prefix)
    except UnparsableNotification as err:
        logger.error("alarm notification not understood: kept in the dead-letter queue", extra={"why": err.reason})
        notifier.dead_letter(raw, f"unparsed: {err.reason}", event_id)
        return outcome
    outcome.alarm, outcome.contributor, outcome.state = transition.alarm_name, transition.contributor, transition.state
    transition = _located(transition, target, settings, outcome)
    outcome.status = "duplicate"
    if notifier.claim(transition.incident_key):
        if settings.group_above and Storm(raw, transition, target, settings, now, notifier, outcome).handled():
            logger.info("alarm notification handled as part of a storm", extra={"outcome": asdict(outcome)})
            return outcome
        facts = gather_facts(transition, target, settings, now)
        outcome.missing = facts.missing
        email = render_alarm_email(transition, facts, settings.thresholds, settings.dedupe_window_minutes, now)
        runbook = settings.runbook(transition.kind.stem)
        email = runbook.added_to(email)
        page = transition_page(transition, settings.thresholds, email.subject, runbook.url or "")
        chat = transition_chat(transition, facts, email, runbook)
        route = Routing(transition, target, settings, outcome).route_of(member_of(transition))
        why = notifier.send(transition.incident_key, email, page, chat, route=route)
        outcome.status = "notified"
        if why is not None:
            notifier.dead_letter(raw, why, event_id)
            outcome.status = "dead-lettered"
    logger.info("alarm notification handled", extra={"outcome": asdict(outcome)})
    return outcome


@dataclass(frozen=True)
class Routing:
    """Which route each contributor of the transition's alarm takes (monitor:routes; None: the default)."""

    transition: ContributorTransition
    target: Target
    settings: ComposerSettings
    outcome: AlertOutcome

    def route_of(self, member: StormMember) -> str | None:
        """The route of one contributor."""
        return self.routes([member])[member.key]

    def routes(self, members: Sequence[StormMember]) -> dict[str, str | None]:
        """Each member's route by its key. A subnet's tags and VPC are read (two calls per account) only when a
        route matches on them; a failed read routes by what is known (the failure is recorded)."""
        rules = route_rules(self.settings.routes)
        if not rules:
            return {m.key: None for m in members}
        scope = self.transition.kind.scope
        subjects = {m.key: _subject(scope, m) for m in members}
        if scope is Scope.SUBNET and needs_tags(rules):
            for account in sorted({m.account for m in members}):
                mine = [m for m in members if m.account == account]
                try:
                    where = lookup_target(
                        self.target, account, self.transition.contributor_region, self.settings, "alerts"
                    )
                    found = route_subjects(where.client("ec2"), account, [m.contributor for m in mine])
                except (AwsReadError, TargetUnreachable) as err:
                    self.outcome.record(err)
                    continue
                subjects.update({m.key: found[m.contributor] for m in mine if m.contributor in found})
        return {key: choose_route(rules, subject) for key, subject in subjects.items()}


def _subject(scope: Scope, member: StormMember) -> RouteSubject:
    """What routing knows of a contributor without reading anything."""
    if scope is Scope.CLUSTER:
        return RouteSubject(member.account, ecs_cluster=member.contributor)
    if scope is Scope.VPC:
        return RouteSubject(member.account, vpc_id=member.contributor)
    return RouteSubject(member.account, subnet_id=member.contributor)


@dataclass(frozen=True)
class Storm:
    """One transition seen as a possible member of its alarm's storm (storm.py says what a storm is)."""

    raw: Any
    transition: ContributorTransition
    target: Target
    settings: ComposerSettings
    now: datetime
    notifier: Notifier
    outcome: AlertOutcome

    def handled(self) -> bool:
        """True if the transition belongs to a storm: its grouped message was sent (or kept), or another
        transition's names it. False: email it alone (no storm, or the storm could not be read: fail open)."""
        try:
            return self._entered() if self.transition.state == "ALARM" else self._left()
        except (AwsReadError, DedupeError) as err:
            self.outcome.record(err)
            return False

    @cached_property
    def _route(self) -> str | None:
        return self._routing.route_of(member_of(self.transition))

    @property
    def _routing(self) -> Routing:
        return Routing(self.transition, self.target, self.settings, self.outcome)

    @property
    def _key(self) -> str:
        return storm_key(self.transition, self._route)

    def _add(self, field: str, members: set[str]) -> dict[str, set[str]]:
        until = self.now + timedelta(minutes=self.settings.dedupe_window_minutes)
        return add_to_set(
            self._table(), self.settings.incident_table_name, self._key, field, members, now=self.now, until=until
        )

    def _table(self) -> Any:
        return self.target.client("dynamodb")

    def _contributors(self) -> list[AlarmContributor]:
        return alarm_contributors(self.target.home_client("cloudwatch"), self.transition.alarm_name)

    def _entered(self) -> bool:
        members = storm_members(self._contributors(), self.transition)
        if len(members) <= self.settings.group_above:
            return False
        # A storm is one route's: the others' members go to their own storms (or emails).
        routes = self._routing.routes(members)
        members = [m for m in members if routes[m.key] == self._route]
        if len(members) <= self.settings.group_above:
            return False
        keys = {m.key for m in members}
        named_before = self._add(NAMED, keys).get(NAMED, set())
        new = [m for m in members if m.key not in named_before]
        self.outcome.status = "grouped"
        if new:
            names, vpcs = self._census()
            email = render_storm_email(
                self.transition,
                new,
                len(named_before | keys),
                thresholds=self.settings.thresholds,
                group_above=self.settings.group_above,
                names=names,
                vpcs=vpcs,
                window_minutes=self.settings.dedupe_window_minutes,
                now=self.now,
            )
            self._send(email, NAMED, {m.key for m in new}, PageState.ALARM)
        return True

    def _left(self) -> bool:
        table, me = self.settings.incident_table_name, member_of(self.transition).key
        sets = read_sets(self._table(), table, self._key, self.now)
        named = sets.get(NAMED, set())
        if me not in named:
            return False
        field = STOPPED if self.transition.stopped_reporting else RECOVERED
        before = self._add(field, {me})
        recovered = before.get(RECOVERED, set()) | ({me} if field == RECOVERED else set())
        stopped = before.get(STOPPED, set()) | ({me} if field == STOPPED else set())
        current = {m.key for m in storm_members(self._contributors(), self.transition, with_own=False)}
        still = (named & current) - recovered - stopped
        self.outcome.status = "grouped"
        # Until every member has left ALARM or is seen still in it, wait: the last OK to arrive sends.
        if named - recovered - stopped - still:
            return True
        newly = (recovered | stopped) - before.get(REPORTED, set())
        newly -= self._add(REPORTED, newly).get(REPORTED, set()) if newly else newly
        if newly:
            email = render_storm_recovery(
                self.transition,
                sorted(newly & recovered),
                sorted(newly & stopped),
                sorted(still),
                names=self._census()[0],
            )
            # A page resolves only when no member is left in ALARM; stopped reporting is not a recovery.
            state = None if still else (PageState.STOPPED_REPORTING if stopped else PageState.OK)
            self._send(email, REPORTED, newly, state)
        return True

    def _send(self, email: Email, field: str, members: set[str], state: PageState | None) -> None:
        """Send the grouped message (with a page in state, if any); if it fails, forget that it named members
        (a replay names them again)."""
        t, settings = self.transition, self.settings
        runbook = settings.runbook(t.kind.stem)
        email = runbook.added_to(email)
        thread = dedup_key("storm", self._key)
        page = storm_page(t, email.subject, state, thread, runbook.url or "") if state else None
        chat = chat_from_email(
            email,
            keywords=[t.account, t.region, t.alarm_name],
            thread_id=thread,
            event_type=t.kind.stem,
            runbook=runbook.text,
        )
        why = self.notifier.send(t.incident_key, email, page, chat, route=self._route)
        if why is None:
            self.outcome.status = "notified"
            return
        try:
            remove_from_set(self._table(), settings.incident_table_name, self._key, field, members)
        except DedupeError as err:
            self.outcome.record(err)
        self.notifier.dead_letter(self.raw, why, t.event_id)
        self.outcome.status = "dead-lettered"

    def _census(self) -> tuple[dict[str, str], dict[str, str]]:
        """Each subnet's Name tag and VPC from the census snapshot of the transition's account and region (none
        without one: the message shows ids)."""
        t = self.transition
        if t.kind.scope is not Scope.SUBNET:
            return {}, {}
        key = contract.census_snapshot_key(t.contributor_account, t.contributor_region, per_target=self.settings.is_hub)
        subnets = (_snapshot(self.target, self.settings.snapshot_bucket, key)[0] or {}).get("subnets", [])
        return {s["subnetId"]: s["name"] for s in subnets if s.get("name")}, {
            s["subnetId"]: s["vpcId"] for s in subnets
        }


def gather_facts(transition: ContributorTransition, target: Target, settings: ComposerSettings, now: datetime) -> Facts:
    """Read what the email says about the contributor; each failed read becomes a line of missing.

    target is where the composer runs (its metrics, the snapshot bucket); the subnet or VPC itself is looked up
    where it is: in hub mode, a member's account and region through the member's reader role.
    """
    if transition.kind.stem == contract.ALARM_CLUSTER_SERVICES_AT_DEPLOYMENT_RISK:
        return _deployment_facts(transition, target, settings)
    if transition.kind.scope is Scope.CLUSTER:
        return _cluster_facts(transition, target, settings.metric_namespace, now)
    account, region = transition.contributor_account, transition.contributor_region
    key = contract.census_snapshot_key(account, region, per_target=settings.is_hub)
    snapshot, census_problem = _snapshot(target, settings.snapshot_bucket, key)
    missing = [census_problem] if census_problem else []
    where = _where(account, region, target, settings, missing)
    if transition.kind.scope is Scope.VPC:
        name = _vpc_name(where, transition.contributor, missing) if where else None
        census = snapshot or {}
        in_vpc = {s["subnetId"] for s in census.get("subnets", []) if s["vpcId"] == transition.contributor}
        unattached = [u for u in census.get("unattached", []) if u["subnetId"] in in_vpc]
        return VpcFacts(transition.contributor, name, unattached, census.get("generatedAt"), missing)
    return _subnet_facts(
        transition.contributor,
        transition.contributor_account,
        target,
        settings,
        now,
        where=where,
        snapshot=snapshot,
        missing=missing,
    )


def _located(
    transition: ContributorTransition, target: Target, settings: ComposerSettings, outcome: AlertOutcome
) -> ContributorTransition:
    """The transition with its subnet's or VPC's region: the alarm's own in account mode; in hub mode, from
    the zone its series carry (subnet and VPC alarms group by account and id, not region; clusters carry it)."""
    if not settings.is_hub or transition.kind.scope is Scope.CLUSTER:
        return transition
    try:
        zone = zone_of(
            target.home_client("cloudwatch"),
            settings.metric_namespace,
            transition.contributor_account,
            transition.kind.scope.value,
            transition.contributor,
        )
    except AwsReadError as err:
        outcome.record(err)  # looked up in the alarm's region instead
        return transition
    region = region_of_zone(zone) if zone else None
    return replace(transition, contributor_region=region) if region else transition


def _where(
    account_id: str, region: str, target: Target, settings: ComposerSettings, missing: list[str]
) -> Target | None:
    """Where to read the contributor: the composer's own account, or the member's through its reader role."""
    try:
        return lookup_target(target, account_id, region, settings, "alerts")
    except TargetUnreachable as err:
        missing.append(f"the subnet and VPC now: the member's reader role could not be assumed ({err.code})")
        return None


def _subnet_facts(
    subnet_id: str,
    account_id: str,
    target: Target,
    settings: ComposerSettings,
    now: datetime,
    *,
    where: Target | None,
    snapshot: dict[str, Any] | None,
    missing: list[str],
) -> SubnetFacts:
    census_at = snapshot.get("generatedAt") if snapshot else None
    census = subnet_entry(snapshot, subnet_id)
    if snapshot is not None and census is None:
        missing.append("who holds the addresses: the latest census has no entry for this subnet")
    unattached = [u for u in (snapshot or {}).get("unattached", []) if u["subnetId"] == subnet_id]
    if where is None:
        return SubnetFacts(subnet_id, None, None, census, census_at, unattached, missing=missing)
    try:
        subnet = describe_subnet(where.client("ec2"), subnet_id)
    except AwsReadError as err:
        missing.append(f"the subnet now: DescribeSubnets failed ({err.code}); history needs its VPC and AZ")
        return SubnetFacts(subnet_id, None, None, census, census_at, unattached, missing=missing)
    name = _vpc_name(where, subnet.vpc_id, missing)
    history: list[Sample] = []
    try:
        queries = free_address_queries([subnet], account_id)
        history = read_series(target.home_client("cloudwatch"), settings.metric_namespace, queries, now - HISTORY, now)[
            "s0"
        ]
    except AwsReadError as err:
        missing.append(f"trend and forecast: GetMetricData failed ({err.code})")
    if not history:
        missing.append(f"trend and forecast: no {contract.AVAILABLE_IP_ADDRESS_COUNT.name} history yet")
    return SubnetFacts(
        subnet_id,
        subnet,
        name,
        census,
        census_at,
        unattached,
        history,
        forecast_exhaustion(history, settings.free_address_floor, now),
        trend(history, subnet.available_ip_address_count, now) if history else None,
        missing,
    )


def _deployment_facts(transition: ContributorTransition, target: Target, settings: ComposerSettings) -> DeploymentFacts:
    key = contract.deployment_fit_key(
        transition.contributor_account, transition.contributor_region, per_target=settings.is_hub
    )
    try:
        document = get_document(target.client("s3"), settings.snapshot_bucket, key)
    except AwsReadError as err:
        return DeploymentFacts(transition.contributor, [], missing=[f"the services: {key} ({err.code})"])
    if document is None:
        return DeploymentFacts(transition.contributor, [], missing=[f"the services: no {key} yet"])
    at_risk = [
        s for s in document.get("services", []) if s.get("cluster") == transition.contributor and s.get("atRisk")
    ]
    return DeploymentFacts(transition.contributor, at_risk, document.get("generatedAt"))


def _cluster_facts(transition: ContributorTransition, target: Target, namespace: str, now: datetime) -> ClusterFacts:
    cluster = transition.contributor
    dims = contract.cluster_series(transition.contributor_account, transition.contributor_region, cluster)
    figures = (
        contract.ENI_UTILIZATION,
        contract.ENI_TASKS_RUNNING,
        contract.ENI_TASK_CAPACITY,
        contract.UNTRUNKED_INSTANCES,
    )
    queries = [SeriesQuery(f"f{i}", m, dims, "Maximum", FIVE_MINUTES) for i, m in enumerate(figures)]
    queries.append(SeriesQuery("week", contract.ENI_UTILIZATION, dims, "Maximum", HOUR))
    try:
        series = read_series(
            target.home_client("cloudwatch"), namespace, queries, now - HISTORY / 2 - LATEST, now + CLOCK_SLACK
        )
    except AwsReadError as err:
        return ClusterFacts(cluster, {m.name: None for m in figures}, missing=[f"figures: GetMetricData ({err.code})"])
    recent = now - LATEST
    latest = {
        m.name: next((s.value for s in reversed(series[f"f{i}"]) if s.at >= recent), None)
        for i, m in enumerate(figures)
    }
    utilization = latest[contract.ENI_UTILIZATION.name]
    history = series["week"]
    return ClusterFacts(
        cluster,
        latest,
        trend(history, utilization, now) if history and utilization is not None else None,
        [] if utilization is not None else ["figures: the ECS collector published nothing for it in the last hour"],
    )


def _snapshot(
    target: Target, bucket: str, key: str = contract.CENSUS_SNAPSHOT_KEY
) -> tuple[dict[str, Any] | None, str | None]:
    try:
        snapshot = get_document(target.client("s3"), bucket, key)
    except AwsReadError as err:
        return None, f"who holds the addresses: the census snapshot could not be read ({err.code})"
    if snapshot is None:
        return None, "who holds the addresses: no census snapshot yet (the census runs every 15 minutes)"
    return snapshot, None


def _vpc_name(target: Target, vpc_id: str, missing: list[str]) -> str | None:
    try:
        return vpc_name(target.client("ec2"), vpc_id)
    except AwsReadError as err:
        missing.append(f"the VPC's name: DescribeVpcs failed ({err.code})")
        return None


# The forecaster -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SubnetForecast:
    """One watched subnet and its forecast (None: too little history)."""

    subnet: Subnet
    forecast: Forecast | None


def watched_subnets(
    subnets: Sequence[Subnet], forecast_last_time: set[str], watch_percent: float, limit: int
) -> list[Subnet]:
    """Subnets forecast last time, then those at or above the watch level, fullest first; at most limit."""
    ipv4 = [s for s in subnets if s.cidr_block]

    def utilization(s: Subnet) -> float:
        return utilization_percent(s) or 0.0

    chosen = [s for s in ipv4 if s.subnet_id in forecast_last_time or utilization(s) >= watch_percent]
    chosen.sort(key=lambda s: (s.subnet_id not in forecast_last_time, -utilization(s), s.subnet_id))
    return chosen[:limit]


def forecast_points(forecasts: Sequence[SubnetForecast], horizon_days: int, account_id: str) -> list[MetricPoint]:
    """DaysToExhaustion for each subnet of account_id forecast to reach the floor within the horizon."""
    return [
        contract.DAYS_TO_EXHAUSTION.point(
            round(f.forecast.days_to_floor, 2),
            contract.subnet_series(account_id, f.subnet.vpc_id, f.subnet.subnet_id, f.subnet.availability_zone),
        )
        for f in forecasts
        if f.forecast is not None and f.forecast.days_to_floor is not None and f.forecast.days_to_floor <= horizon_days
    ]


def run_forecast(
    target: Target, settings: ForecasterSettings, now: datetime, deadline: Deadline | None = None
) -> CollectorRun[SubnetForecast]:
    """One hourly run: history only for the watched subnets, DaysToExhaustion for those within the horizon."""

    def read(report: RunReport) -> list[SubnetForecast]:
        cloudwatch = target.home_client("cloudwatch")
        subnets = read_subnets_in_scope(
            target.client("ec2"), settings, report, deadline, owned_by=settings.subnet_owner(target.account_id)
        ).values()
        last_time: set[str] = set()
        try:
            last_time = {
                dims[contract.SUBNET_ID]
                for dims in series_dimensions(
                    cloudwatch, settings.metric_namespace, contract.DAYS_TO_EXHAUSTION, recently_active=True
                )
                if dims[contract.ACCOUNT_ID] == target.account_id
            }
        except AwsReadError as err:
            report.record_failure(err)
        watched = watched_subnets(
            list(subnets), last_time, settings.forecast_watch_percent, settings.forecast_max_subnets
        )
        skipped = len([s for s in subnets if s.cidr_block]) - len(watched)
        report.findings.append(f"{len(watched)} subnets watched, {skipped} below the watch level or over the cap")
        try:
            series = read_series(
                cloudwatch,
                settings.metric_namespace,
                free_address_queries(watched, target.account_id),
                now - HISTORY,
                now,
            )
        except AwsReadError as err:
            report.record_failure(err)
            return []
        return [
            SubnetForecast(s, forecast_exhaustion(series[f"s{i}"], settings.free_address_floor, now))
            for i, s in enumerate(watched)
        ]

    return run_collector(
        FORECASTER,
        target,
        settings,
        now,
        read=read,
        points=lambda forecasts: forecast_points(forecasts, settings.forecast_horizon_days, target.account_id),
    )


# The digest -----------------------------------------------------------------------------------------------


@dataclass
class DigestOutcome:
    """The digest that was sent."""

    subject: str
    lines: int
    missing: list[str]


def send_digest(target: Target, settings: DigestSettings, now: datetime) -> DigestOutcome:
    """Read, render and send the weekly digest; what could not be read is named in it.

    Account mode reads this account's subnets live and the census snapshot; hub mode reads every target's
    census snapshot (the members' subnets as the census last counted them, no member reads of its own) and
    names the targets whose collectors failed run after run.
    """
    missing: list[str] = []
    snapshots, unread = read_snapshots(target.client("s3"), settings.snapshot_bucket, hub=settings.is_hub)
    missing += [f"a census snapshot: {err.operation} failed ({err.code})" for err in unread]
    origins: dict[str, str] = {}
    account_of: dict[str, str] = {}
    if settings.is_hub:
        located = snapshot_subnets(snapshots)
        subnets = [subnet for _, _, subnet in located]
        for account, region, subnet in located:
            origins[subnet.subnet_id] = f"{settings.account_label(account) or account} {region}"
            account_of[subnet.subnet_id] = account
        if not snapshots and not unread:
            missing.append("subnets: no census snapshot yet (hub mode reads the members' subnets from them)")
    else:
        report = RunReport(collector="digest")
        subnets = list(read_subnets_in_scope(target.client("ec2"), settings, report).values())
        missing += [f"some subnets: {f['operation']} failed ({f['code']})" for f in report.failures]
        if not snapshots and not unread:
            missing.append("who holds the addresses: no census snapshot yet (the census runs every 15 minutes)")
    cloudwatch, namespace = target.client("cloudwatch"), settings.metric_namespace
    closest = closest_to_exhaustion(subnets)
    forecasts: dict[str, Forecast | None] = {}
    try:
        queries = free_address_queries(closest, target.account_id, account_of)
        series = read_series(cloudwatch, namespace, queries, now - HISTORY, now)
        forecasts = {
            s.subnet_id: forecast_exhaustion(series[f"s{i}"], settings.free_address_floor, now)
            for i, s in enumerate(closest)
        }
    except AwsReadError as err:
        missing.append(f"forecasts: GetMetricData failed ({err.code})")
    inputs = DigestInputs(
        account=target.account_id,
        region=target.region,
        now=now,
        subnets=subnets,
        forecasts=forecasts,
        census=merged_snapshot(snapshots),
        clusters=_cluster_rows(cloudwatch, namespace, now, missing),
        # Per reason, over every account the events happened in.
        events_by_reason=_weekly_sums(
            cloudwatch,
            namespace,
            contract.IP_EXHAUSTION_EVENTS,
            now,
            missing,
            by=contract.REASON,
            what="exhaustion events",
        ),
        series_left_out=_weekly_sums(
            cloudwatch, namespace, contract.SERIES_LEFT_OUT, now, missing, by=contract.COLLECTOR, what="series left out"
        ),
        missing=missing,
        origins=origins,
        failing=_failing_targets(target, settings, now, missing),
        services_at_risk=_services_at_risk(target, settings, missing),
        account_label=settings.account_label,
    )
    email = render_digest(inputs)
    # A digest that cannot be sent raises NotifyError: the function fails and its error alarm tells someone.
    publish_email(target.client("sns"), settings.topic_arn, email.subject, email.body)
    chat = chat_from_email(
        email,
        keywords=[target.account_id, target.region],
        thread_id=f"digest-{target.account_id}-{target.region}",
        event_type="WeeklyDigest",
        runbook="",
        keep=None,
    )
    for topic_arn in settings.chat_topic_arns:
        publish_chat(target.client("sns"), topic_arn, chat.message())
    return DigestOutcome(email.subject, email.body.count("\n"), missing)


def _services_at_risk(target: Target, settings: DigestSettings, missing: list[str]) -> list[dict[str, Any]]:
    """The services at deployment risk of every deployment fit document in scope, each with its origin."""
    documents, unread = read_snapshots(
        target.client("s3"),
        settings.snapshot_bucket,
        hub=settings.is_hub,
        key=contract.DEPLOYMENT_FIT_KEY,
        members_prefix=contract.MEMBER_DEPLOYMENT_FIT_PREFIX,
    )
    missing += [f"services at deployment risk: {err.operation} failed ({err.code})" for err in unread]
    return [
        {**service, "accountId": document["accountId"], "region": document["region"]}
        for document in documents
        for service in document.get("services", [])
        if service.get("atRisk")
    ]


def _failing_targets(
    target: Target, settings: DigestSettings, now: datetime, missing: list[str]
) -> list[FailureStreak]:
    if not settings.failure_streak_table:
        return []
    try:
        return named_in_digest(scan_streaks(target.client("dynamodb"), settings.failure_streak_table), now)
    except AwsReadError as err:
        missing.append(f"targets failing run after run: {err.operation} failed ({err.code})")
        return []


def _cluster_rows(cloudwatch: Any, namespace: str, now: datetime, missing: list[str]) -> list[ClusterRow]:
    figures = (
        contract.ENI_UTILIZATION,
        contract.ENI_TASKS_RUNNING,
        contract.ENI_TASK_CAPACITY,
        contract.UNTRUNKED_INSTANCES,
    )
    try:
        clusters = series_dimensions(cloudwatch, namespace, contract.ENI_UTILIZATION, recently_active=True)
        queries = [
            SeriesQuery(f"c{c}m{m}", metric, dims, "Maximum", HOUR)
            for c, dims in enumerate(clusters)
            for m, metric in enumerate(figures)
        ]
        series = read_series(cloudwatch, namespace, queries, now - LATEST, now + CLOCK_SLACK)
    except AwsReadError as err:
        missing.append(f"ECS clusters: {err.operation} failed ({err.code})")
        return []

    def latest(c: int, m: int) -> float | None:
        points = series[f"c{c}m{m}"]
        return points[-1].value if points else None

    # One account and region: the cluster's name says which; more: it needs its account and region too.
    origins = {(d[contract.ACCOUNT_ID], d[contract.REGION]) for d in clusters}

    def name(dims: dict[str, str]) -> str:
        cluster = dims[contract.CLUSTER_NAME]
        return cluster if len(origins) == 1 else f"{cluster} ({dims[contract.ACCOUNT_ID]} {dims[contract.REGION]})"

    return [
        ClusterRow(name(dims), latest(c, 0), latest(c, 1), latest(c, 2), latest(c, 3))
        for c, dims in enumerate(clusters)
    ]


def _weekly_sums(
    cloudwatch: Any, namespace: str, metric: contract.Metric, now: datetime, missing: list[str], *, by: str, what: str
) -> dict[str, float]:
    """The week's sum of every series of metric, added up per value of the dimension by."""
    week = timedelta(days=7)
    try:
        origins = series_dimensions(cloudwatch, namespace, metric, recently_active=False)
        queries = [SeriesQuery(f"r{i}", metric, dims, "Sum", HOUR) for i, dims in enumerate(origins)]
        series = read_series(cloudwatch, namespace, queries, now - week, now + CLOCK_SLACK)
    except AwsReadError as err:
        missing.append(f"{what}: {err.operation} failed ({err.code})")
        return {}
    totals: dict[str, float] = {}
    for i, dims in enumerate(origins):
        totals[dims[by]] = totals.get(dims[by], 0.0) + sum(s.value for s in series[f"r{i}"])
    return dict(sorted(totals.items()))
