"""`subnet-ip-monitor report | plan | replay`: parse the command line, run it, print; nothing else lives here."""

from __future__ import annotations

import argparse
import json
import logging
import sys
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

import boto3
from botocore.exceptions import BotoCoreError, ClientError, NoRegionError

from cli.arguments import (
    BAD_ARGUMENTS,
    COULD_NOT_RUN,
    OneLineParser,
    UsageError,
    at_least,
    aws_problem,
    cluster_name,
    excludes,
    existing_directory,
    file_problem,
    namespace,
    needs,
    region_name,
    tag_filter,
    vpc_id,
)
from cli.emulator import EmulatorMissing, demo_session
from cli.instance_types import instance_limits
from cli.plan import PlanError, PlanInputs, plan_subnets
from cli.readonly import CallLog, watch_read_only
from cli.render import as_csv, as_json, as_table
from cli.replay import (
    STAYS,
    ReplayError,
    lambda_invoker,
    load_corrections,
    render,
    replay_kept_events,
    save_events,
    stack_outputs,
)
from cli.report import account_of, enabled_regions, read_region
from lambdas.platform.contract import DEFAULT_NAMESPACE
from lambdas.platform.errors import AWS_ERRORS
from lambdas.platform.settings import METRIC_NAMESPACE, SUBNET_TAG_FILTER, VPC_IDS, SubnetScopeSettings

# The floor forecasts run to: cdk.json's monitor:freeAddressFloor default.
DEFAULT_FREE_ADDRESS_FLOOR = 8


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command; return the exit status (0 done, 1 could not run, 2 bad arguments)."""
    args = _parser().parse_args(argv)
    # The runtime's modules log for CloudWatch; on a terminal the report itself says what went wrong.
    logging.disable(logging.WARNING if args.verbose else logging.CRITICAL)
    prog = f"subnet-ip-monitor {args.command}"
    try:
        return int(COMMANDS[args.command](args))
    except (UsageError, PlanError) as err:
        print(f"{prog}: {err} (see {prog} --help)", file=sys.stderr)
        return BAD_ARGUMENTS
    except (BotoCoreError, ClientError) as err:
        print(f"{prog}: {aws_problem(err, getattr(args, 'profile', None))}", file=sys.stderr)
        return COULD_NOT_RUN
    except (ReplayError, EmulatorMissing) as err:
        print(f"{prog}: {err}", file=sys.stderr)
        return COULD_NOT_RUN
    except OSError as err:
        print(f"{prog}: {file_problem(err)}", file=sys.stderr)
        return COULD_NOT_RUN
    except KeyboardInterrupt:
        print(f"{prog}: interrupted", file=sys.stderr)
        return INTERRUPTED


def _version() -> str:
    try:
        return version("subnet-ip-monitor")
    except PackageNotFoundError:
        return "unknown (run from a checkout that is not installed)"


def _parser() -> argparse.ArgumentParser:
    parser = OneLineParser(
        prog="subnet-ip-monitor", description="Subnet IP exhaustion: a read-only report, and subnet sizing."
    )
    parser.add_argument("--version", action="version", version=f"subnet-ip-monitor {_version()}")
    parser.add_argument("--verbose", action="store_true", help="also show the runtime's warnings and errors")
    commands = parser.add_subparsers(dest="command", required=True, metavar="report|plan|replay")
    count, floor = at_least(1), at_least(0)
    report = commands.add_parser(
        "report", help="what the monitor would say about an account, read-only, with your usual credentials"
    )
    report.add_argument("--profile", help="AWS profile (default: the usual credential chain)")
    report.add_argument("--region", action="append", default=[], type=region_name, help="a region to read (repeatable)")
    report.add_argument("--all-regions", action="store_true", help="every region enabled for the account")
    report.add_argument("--vpc-id", action="append", default=[], type=vpc_id, help="only these VPCs (repeatable)")
    report.add_argument("--subnet-tag", default="", type=tag_filter, help="only subnets with this tag, Key=Value")
    report.add_argument(
        "--cluster", action="append", default=[], type=cluster_name, help="only these ECS clusters (repeatable)"
    )
    report.add_argument(
        "--namespace", default=DEFAULT_NAMESPACE, type=namespace, help="a deployed monitor's metric namespace"
    )
    report.add_argument("--free-address-floor", type=floor, default=DEFAULT_FREE_ADDRESS_FLOOR)
    report.add_argument("--format", choices=("table", "json", "csv"), default="table")
    report.add_argument("--demo", action="store_true", help="the same report on the local emulator, no account")

    plan = commands.add_parser("plan", help="size task subnets: every step of the arithmetic printed")
    plan.add_argument("--tasks", type=count, help="peak awsvpc tasks of the services sharing the subnets")
    plan.add_argument("--max-percent", type=at_least(100), default=200, help="deployment maximumPercent (200)")
    plan.add_argument("--azs", type=count, default=3, help="Availability Zones (default 3)")
    plan.add_argument("--instances", type=count, help="EC2 container instances in the same subnets")
    plan.add_argument("--trunking", choices=("on", "off"), help="awsvpcTrunking on the instances (default off)")
    plan.add_argument("--load-balancer", action="store_true", help="the subnets also host a load balancer")
    plan.add_argument("--headroom-percent", type=floor, default=20, help="headroom on top (default 20)")
    plan.add_argument("--instance-type", help="EC2 launch type: also how many instances the tasks need")
    plan.add_argument("--pods", type=count, help="EKS pods in the subnets")
    plan.add_argument("--nodes", type=count, help="EKS nodes in the subnets")
    plan.add_argument("--prefix-delegation", action="store_true", help="EKS VPC CNI prefix delegation")
    plan.add_argument("--profile", help="AWS profile for DescribeInstanceTypes (else the shipped table)")
    plan.add_argument("--format", choices=("table", "json"), default="table")

    replay = commands.add_parser(
        "replay", help="send the events kept in the events dead-letter queue through the deployed handler again"
    )
    replay.add_argument("--dry-run", action="store_true", help="list each kept event and why; send nothing")
    replay.add_argument("--stack", default="SubnetIpMonitor", help="the monitor's stack (its outputs name both)")
    replay.add_argument("--queue-url", help="the events dead-letter queue (instead of the stack's output)")
    replay.add_argument("--function-name", help="the event handler (instead of the stack's output)")
    replay.add_argument("--save", type=Path, metavar="DIR", help="write each kept event to DIR/<message id>.json")
    replay.add_argument(
        "--from", dest="corrections", type=Path, metavar="DIR", help="replay DIR's corrected events in their place"
    )
    replay.add_argument("--profile", help="AWS profile (default: the usual credential chain)")
    replay.add_argument("--region", type=region_name, help="the stack's region")
    return parser


def _check_plan(args: argparse.Namespace) -> None:
    needs(args, "--trunking", "--instances", "--instance-type", why="it sets the addresses each instance takes")
    needs(args, "--prefix-delegation", "--pods", why="it changes how the pods' addresses are counted")
    needs(args, "--instance-type", "--tasks", "--pods", why="its limits size tasks per instance or pods per node")
    needs(args, "--profile", "--instance-type", why="the profile is used only to ask EC2 for the type's limits")


def _plan(args: argparse.Namespace) -> int:
    _check_plan(args)
    inputs = PlanInputs(
        tasks=args.tasks or 0,
        max_percent=args.max_percent,
        azs=args.azs,
        instances=args.instances or 0,
        trunking=args.trunking == "on",
        load_balancer=args.load_balancer,
        headroom_percent=args.headroom_percent,
        pods=args.pods or 0,
        nodes=args.nodes or 0,
        prefix_delegation=args.prefix_delegation,
    )
    limits = None
    if args.instance_type:
        session = boto3.Session(profile_name=args.profile)
        limits = instance_limits(args.instance_type, session)
    plan = plan_subnets(inputs, limits)
    if args.format == "json":
        print(json.dumps(plan.as_json(), indent=2))
    else:
        print("\n".join(f"{n}. {step}" for n, step in enumerate(plan.steps, 1)))
        print(
            f"\nPer AZ: {plan.addresses} addresses -> a /{plan.prefix_length} ({plan.usable} usable) in each of "
            f"{args.azs} AZs"
        )
    return 0


def _replay(args: argparse.Namespace) -> int:
    corrections = None
    if args.corrections:
        corrections = load_corrections(existing_directory(args.corrections, "--from"))
    session = boto3.Session(profile_name=args.profile, region_name=args.region)
    function_name, queue_url = args.function_name, args.queue_url
    if not (function_name and queue_url):
        found = stack_outputs(session.client("cloudformation"), args.stack)
        function_name, queue_url = function_name or found[0], queue_url or found[1]
    results = replay_kept_events(
        session.client("sqs"),
        queue_url,
        lambda_invoker(session.client("lambda"), function_name),
        dry_run=args.dry_run,
        corrections=corrections,
    )
    print(render(results, dry_run=args.dry_run))
    if args.save:
        paths = save_events([r.kept for r in results], args.save)
        print(f"Saved {len(paths)} event(s) to {args.save}/ (correct one, then: replay --from {args.save})")
    # A replay that left an event it was asked to replay exits 1 (scripts notice); a listing always 0.
    return 1 if any(r.state == STAYS for r in results) and not args.dry_run else 0


def _report(args: argparse.Namespace) -> int:
    excludes(args, "--demo", ("--profile", "--region", "--all-regions"), why="the demo reads only the local emulator")
    scope = SubnetScopeSettings.model_validate(
        {METRIC_NAMESPACE: args.namespace, VPC_IDS: ",".join(args.vpc_id), SUBNET_TAG_FILTER: args.subnet_tag}
    )
    if args.demo:
        with demo_session() as (session, region):
            return _print_report(args, session, watch_read_only(session), scope, [region])
    session = boto3.Session(profile_name=args.profile)
    log = watch_read_only(session)
    home = args.region[0] if args.region else session.region_name
    if home is None:
        raise NoRegionError
    regions = enabled_regions(session, home) if args.all_regions else (args.region or [home])
    return _print_report(args, session, log, scope, regions)


def _print_report(
    args: argparse.Namespace,
    session: boto3.Session,
    log: CallLog,
    scope: SubnetScopeSettings,
    regions: Sequence[str],
) -> int:
    try:
        output = report_output(
            session,
            regions,
            log=log,
            scope=scope,
            cluster_names=args.cluster,
            free_address_floor=args.free_address_floor,
            output_format=args.format,
        )
    except AWS_ERRORS as err:
        print(
            f"subnet-ip-monitor report: the report could not start: {aws_problem(err, args.profile)}", file=sys.stderr
        )
        return 1
    sys.stdout.write(output)
    return 0


def report_output(
    session: boto3.Session,
    regions: Sequence[str],
    *,
    log: CallLog,
    scope: SubnetScopeSettings,
    cluster_names: Sequence[str] = (),
    free_address_floor: int = DEFAULT_FREE_ADDRESS_FLOOR,
    output_format: str = "table",
) -> str:
    """The report of regions read through session (hooked by watch_read_only into log), formatted."""
    now = datetime.now(UTC)
    account = account_of(session)
    reports = [
        read_region(
            session,
            account,
            region,
            scope,
            cluster_names=cluster_names,
            free_address_floor=free_address_floor,
            now=now,
        )
        for region in regions
    ]
    if output_format == "json":
        return as_json(reports, log.denied, now)
    if output_format == "csv":
        return as_csv(reports)
    return as_table(reports, log.denied)


COMMANDS: dict[str, Callable[[argparse.Namespace], int]] = {"plan": _plan, "replay": _replay, "report": _report}
# The shell's status for a command stopped by Ctrl-C (128 + SIGINT).
INTERRUPTED = 130


def console() -> None:
    """The console script's entry point."""
    sys.exit(main())
