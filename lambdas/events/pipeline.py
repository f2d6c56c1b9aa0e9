"""Exhaustion-event pipeline: recognise, count every event, email once per incident window.

Nothing is lost silently: an unparsable event and an event whose email could not be sent are kept intact
in the dead-letter queue, and if even that fails the handler raises so Lambda retries and keeps it.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, replace
from datetime import UTC, datetime, timedelta
from typing import Any

from aws_lambda_powertools import Logger

from ..domain.deployments import (
    fit_details,
    fit_summary,
    free_and_names,
    parse_service,
    plan_command,
    service_fit,
)
from ..domain.routing import RouteSubject, choose_route, needs_tags, route_rules
from ..domain.snapshots import subnet_entry
from ..domain.subnet_reads import describe_subnet, route_subjects, subnets_by_id
from ..hub.members import TargetUnreachable, lookup_target
from ..platform import contract
from ..platform.aws.cloudwatch import put_metric_batch
from ..platform.aws.dynamodb import count_in_window
from ..platform.aws.ec2 import subnet_of_interface
from ..platform.aws.ecs import describe_services
from ..platform.aws.s3 import get_document
from ..platform.contract import TARGET_ACCOUNTS_KEY, MetricPoint, census_snapshot_key
from ..platform.email import readable_time
from ..platform.errors import AwsCallError, AwsReadError, DedupeError
from ..platform.notify import Notifier
from ..platform.targets import Target
from .chat import incident_chat
from .email import SubnetNow, render_cap_summary, render_email
from .errors import UnparsableEvent
from .model import EventKind, Incident
from .page import incident_page
from .parsing import recognise
from .replay import Replay
from .settings import EventHandlerSettings

logger = Logger(child=True)


@dataclass
class EventOutcome:
    """What became of one event; returned by the handler and logged."""

    event_id: str
    # unparsed | ignored | foreign (not a target's) | duplicate | notified | capped (beyond
    # monitor:maxIncidentsPerWindow: counted, not emailed) | summarised (the first beyond it: one summary email) |
    # dead-lettered | failed (a replay not finished)
    status: str
    reason: str | None = None
    incident: str | None = None
    problems: list[dict[str, str]] = field(default_factory=list)
    why: str | None = None  # why it was kept (or, replayed, why it would be kept again)


@dataclass
class EventHandling:
    """One event on its way through: the raw event, where its writes go, and its outcome so far."""

    raw: Any
    target: Target
    settings: EventHandlerSettings
    now: datetime
    outcome: EventOutcome
    replay: Replay | None = None
    counted: bool = False  # its IpExhaustionEvents point was published (now, or when it was first handled)

    def record(self, err: AwsCallError) -> None:
        """Keep a failed call with its context and log it; the event goes on."""
        problem = err.as_failure()
        self.outcome.problems.append(problem)
        logger.error(
            "AWS call failed while handling an event", extra={"event_id": self.outcome.event_id, "failure": problem}
        )

    def count(self, point: MetricPoint) -> bool:
        """One data point for this event (True if published); a failed PutMetricData does not stop the email."""
        try:
            put_metric_batch(self.target.client("cloudwatch"), self.settings.metric_namespace, [point], self.now)
        except AwsCallError as err:
            self.record(err)
            return False
        return True

    def count_exhaustion(self, incident: Incident) -> None:
        """IpExhaustionEvents for the incident's account and reason, unless a replayed event was counted before."""
        if self.replay is not None and self.replay.counted:
            self.counted = True
            return
        # The account the event happened in (a member's, in hub mode), not the account that handles it.
        exhausted_in = {contract.ACCOUNT_ID: incident.origin.account, contract.REASON: incident.reason}
        self.counted = self.count(contract.IP_EXHAUSTION_EVENTS.point(1, exhausted_in))

    @property
    def notifier(self) -> Notifier:
        """Claims, emails and kept events of this event."""
        return Notifier(self.target, self.settings, self.now, self.record)

    def claim(self, incident: Incident) -> bool:
        """True if this event opens the incident's window (it is emailed); open on a table failure."""
        return self.notifier.claim(incident.dedupe_key)

    def from_target(self, account: str) -> bool:
        """The event happened in a target: this account, a listed member, or (organizational units) an account the
        dispatcher last found under them. Without that list (not written yet, unreadable) the hub bus policy's
        organization condition is what stands: the account is taken as a target and the read failure recorded."""
        if account == self.target.account_id or account in self.settings.member_accounts:
            return True
        if not self.settings.is_hub or not self.settings.organization_unit_ids:
            return False
        found = self._accounts_under_units()
        return found is None or account in found

    def _accounts_under_units(self) -> frozenset[str] | None:
        try:
            document = get_document(self.target.client("s3"), self.settings.snapshot_bucket, TARGET_ACCOUNTS_KEY)
        except AwsReadError as err:
            self.record(err)
            return None
        return frozenset(document.get("accounts", [])) if document is not None else None

    def drop_foreign(self, incident: Incident) -> None:
        """Count an event from an account that is not a target and drop it: no email, no lookup, not kept."""
        self.count(contract.FOREIGN_ACCOUNT_EVENTS.point(1))
        self.outcome.status = "foreign"
        logger.warning(
            "event from an account that is not a target: counted (ForeignAccountEvents) and dropped",
            extra={"event_id": self.outcome.event_id, "account": incident.origin.account, "reason": incident.reason},
        )

    def within_cap(self, kind: EventKind[Any], incident: Incident) -> bool:
        """True if the incident may be emailed: at most monitor:maxIncidentsPerWindow new incidents of one account
        and reason per window. The first one beyond it sends one summary instead; all are counted regardless. Open
        on a table failure (as the claim is)."""
        window = timedelta(minutes=self.settings.dedupe_window_minutes)
        start = window_start(self.now, window)
        key = f"cap|{incident.origin.account}|{incident.reason}|{start:%Y%m%dT%H%MZ}"
        try:
            count = count_in_window(
                self.target.client("dynamodb"), self.settings.incident_table_name, key, start + window
            )
        except DedupeError as err:
            self.record(err)
            return True
        cap = self.settings.max_incidents_per_window
        if count == cap + 1:
            account = self.settings.account_label(incident.origin.account)
            summary = render_cap_summary(kind, incident, cap, (start, start + window), account=account)
            runbook = self.settings.runbook(kind.rule_id)
            summary = runbook.added_to(summary)
            chat = incident_chat(kind, incident, summary, runbook)
            why = self.notifier.send(f"{key}|summary", summary, chat=chat, route=self.route(incident, None))
            if why is None:
                self.outcome.status = "summarised"
            else:
                self.dead_letter(why)
        elif count > cap:
            self.outcome.status = "capped"
        return count <= cap

    def deployment_fit(self, incident: Incident) -> Incident | None:
        """The deployment's incident with its shortfall in words if it will not fit its subnets, else None
        (it fits, the service is not awsvpc, or it could not be read: the failure is recorded)."""
        origin = incident.origin
        cluster, service = incident.cluster or "", incident.service or ""
        try:
            where = lookup_target(self.target, origin.account, origin.region, self.settings, "events")
            described = describe_services(where.client("ecs"), cluster, [service])
            parsed = next((s for raw in described if (s := parse_service(cluster, raw)) is not None), None)
            if parsed is None:
                return None
            free, names = free_and_names(subnets_by_id(where.client("ec2"), parsed.subnets))
            fit = service_fit(parsed, free, names=names)
        except (AwsReadError, TargetUnreachable) as err:
            self.record(err)
            return None
        if not fit.at_risk:
            return None
        # The task-ENI slots are the ECS collector's check (it reads every container instance each run).
        summary = fit_summary(fit)
        note = f"Deployment {incident.deployment_id} of {incident.service} {summary}. {fit_details(fit)}"
        return replace(incident, fit_summary=summary, note=note, plan_command=plan_command(fit.as_json()))

    def settle(self, incident: Incident) -> tuple[Incident, SubnetNow | None]:
        """An ambiguous EC2 error code becomes exhaustion if the subnet is at or below the floor now.

        Returns the incident to count and email, and the subnet lookup when one was made (the email reuses it).
        """
        if incident.if_subnet_full is None:
            return incident, None
        subnet_now = self._subnet_now(incident)
        floor = self.settings.free_address_floor
        code = incident.ec2_error_code
        if subnet_now.subnet is None:
            note = f"EC2 answered {code}. The subnet could not be read ({subnet_now.lookup_problem}), so this is "
            note += f"counted as {incident.reason}, not as exhaustion."
            return replace(incident, note=note), subnet_now
        free = subnet_now.subnet.available_ip_address_count
        if free <= floor:
            note = (
                f"EC2 answered {code}, not InsufficientFreeAddressesInSubnet, but the subnet had {free} free "
                f"addresses (floor {floor}) when this was handled: counted as {incident.if_subnet_full}. The code "
                "was ambiguous; EC2 has answered InvalidParameterValue for full subnets."
            )
            return replace(incident, reason=incident.if_subnet_full, note=note), subnet_now
        note = f"EC2 answered {code}; the subnet had {free} free addresses (floor {floor}): not exhaustion."
        return replace(incident, note=note), subnet_now

    def notify(self, kind: EventKind[Any], incident: Incident, subnet_now: SubnetNow | None = None) -> None:
        """Email the incident; if that fails, its window is released and the event kept."""
        # Named only for the email, after its window was claimed: the incident's key stays what the event said.
        incident = self._with_interface_subnet(incident)
        subnet = self._with_prefix_blocks(subnet_now or self._subnet_now(incident), incident)
        account = self.settings.account_label(incident.origin.account)
        email = render_email(kind, incident, subnet, self.settings.dedupe_window_minutes, self.now, account=account)
        runbook = self.settings.runbook(kind.rule_id)
        email = runbook.added_to(email)
        page = incident_page(kind, incident, email.subject, runbook.url or "")
        chat = incident_chat(kind, incident, email, runbook)
        why = self.notifier.send(incident.dedupe_key, email, page, chat, route=self.route(incident, subnet))
        if why is None:
            self.outcome.status = "notified"
        else:
            self.dead_letter(why)

    def dead_letter(self, why: str) -> None:
        """Put the event, intact, in the dead-letter queue with why; raise if even that fails.

        A replayed event is not kept again: the queue still holds it, and the replay leaves it there."""
        self.outcome.why = why
        if self.replay is None:
            counted = contract.IP_EXHAUSTION_EVENTS.name if self.counted else None
            self.notifier.dead_letter(self.raw, why, self.outcome.event_id, counted=counted)
        if self.outcome.status != "unparsed":
            self.outcome.status = "dead-lettered" if self.replay is None else "failed"

    def _with_prefix_blocks(self, subnet: SubnetNow, incident: Incident) -> SubnetNow:
        """The subnet's free /28 blocks from the census snapshot of the incident's account and region, if it
        counted them (a failed read is recorded)."""
        if subnet.subnet is None:
            return subnet
        origin = incident.origin
        key = census_snapshot_key(origin.account, origin.region, per_target=self.settings.is_hub)
        try:
            snapshot = get_document(self.target.client("s3"), self.settings.snapshot_bucket, key)
        except AwsReadError as err:
            self.record(err)
            return subnet
        entry = subnet_entry(snapshot, subnet.subnet.subnet_id)
        if snapshot is None or entry is None or entry.get("freePrefixBlocks") is None:
            return subnet
        return replace(
            subnet, free_prefix_blocks=entry["freePrefixBlocks"], census_at=readable_time(snapshot.get("generatedAt"))
        )

    def route(self, incident: Incident, subnet: SubnetNow | None) -> str | None:
        """The route the incident takes (monitor:routes; None: the default one). Tags are read only when a route
        matches on them; a failed read routes by what is known (the failure is recorded)."""
        rules = route_rules(self.settings.routes)
        if not rules:
            return None
        origin = incident.origin
        known = subnet.subnet if subnet is not None else None
        subject = RouteSubject(
            account=origin.account,
            vpc_id=known.vpc_id if known else None,
            subnet_id=incident.subnet_id,
            ecs_cluster=incident.cluster,
            eks_cluster=incident.eks_cluster,
        )
        if needs_tags(rules) and incident.subnet_id:
            try:
                where = lookup_target(self.target, origin.account, origin.region, self.settings, "events")
                subject = route_subjects(where.client("ec2"), origin.account, [incident.subnet_id]).get(
                    incident.subnet_id, subject
                )
                subject = replace(subject, ecs_cluster=incident.cluster, eks_cluster=incident.eks_cluster)
            except (AwsReadError, TargetUnreachable) as err:
                self.record(err)
        return choose_route(rules, subject)

    def _with_interface_subnet(self, incident: Incident) -> Incident:
        """An incident that names an interface but no subnet (a CloudTrail call on an ENI), with the interface's
        subnet, so the email names it; unchanged if it cannot be read (the failure is recorded)."""
        if incident.subnet_id is not None or incident.network_interface_id is None:
            return incident
        origin = incident.origin
        try:
            where = lookup_target(self.target, origin.account, origin.region, self.settings, "events")
            return replace(incident, subnet_id=subnet_of_interface(where.client("ec2"), incident.network_interface_id))
        except (AwsReadError, TargetUnreachable) as err:
            self.record(err)
            return incident

    def _subnet_now(self, incident: Incident) -> SubnetNow:
        """The incident's subnet now, read in its account and region (a member's through its reader role)."""
        if incident.subnet_id is None:
            return SubnetNow(None, "no subnet in the event")
        origin = incident.origin
        try:
            where = lookup_target(self.target, origin.account, origin.region, self.settings, "events")
            return SubnetNow(describe_subnet(where.client("ec2"), incident.subnet_id))
        except AwsReadError as err:
            self.record(err)
            return SubnetNow(None, f"DescribeSubnets failed: {err.code}")
        except TargetUnreachable as err:
            self.record(err)
            return SubnetNow(None, f"the member's reader role could not be assumed: {err.code}")


def handle_exhaustion_event(
    raw: Any, target: Target, settings: EventHandlerSettings, now: datetime, replay: Replay | None = None
) -> EventOutcome:
    """Handle one event as EventBridge delivers it (or as `subnet-ip-monitor replay` sends a kept one again);
    target is where the handler runs (its writes and lookups)."""
    try:
        recognised = recognise(raw)
    except UnparsableEvent as err:
        handling = EventHandling(raw, target, settings, now, EventOutcome(err.event_id, "unparsed"), replay)
        if replay is None:
            logger.error(
                "unparsable event: counted and kept in the dead-letter queue",
                extra={"event_id": err.event_id, "why": err.reason},
            )
            handling.count(contract.UNPARSED_EVENTS.point(1))
        handling.dead_letter(f"unparsed: {err.reason}")
        return handling.outcome
    incident = recognised.incident
    if incident is None:
        logger.info("event matched a rule but reports no exhaustion; ignored", extra={"event_id": recognised.event.id})
        return EventOutcome(recognised.event.id, "ignored")
    handling = EventHandling(raw, target, settings, now, EventOutcome(recognised.event.id, "duplicate"), replay)
    if not handling.from_target(incident.origin.account):
        handling.drop_foreign(incident)
        return handling.outcome
    if incident.deployment_id is not None:
        checked = handling.deployment_fit(incident)
        if checked is None:
            logger.info(
                "deployment fits (or could not be checked); not counted", extra={"event_id": recognised.event.id}
            )
            handling.outcome.status = "ignored"
            return handling.outcome
        incident = checked
    incident, subnet_now = handling.settle(incident)
    outcome = handling.outcome
    outcome.reason, outcome.incident = incident.reason, incident.dedupe_key
    handling.count_exhaustion(incident)
    if handling.claim(incident) and handling.within_cap(recognised.kind, incident):
        handling.notify(recognised.kind, incident, subnet_now)
    logger.info("exhaustion event handled", extra={"outcome": asdict(outcome)})
    return outcome


def window_start(now: datetime, window: timedelta) -> datetime:
    """The start of the fixed window (whole multiples of its length since the epoch, in UTC) holding now."""
    seconds = int(window.total_seconds())
    return datetime.fromtimestamp(int(now.timestamp()) // seconds * seconds, tz=UTC)
