"""Every bad input to the CLI ends in one line on stderr that names the flag, exit 2 for the flags and 1 for AWS or
files: never a traceback, never a nonsense answer with exit 0."""

from __future__ import annotations

import shlex
from pathlib import Path

import pytest
from botocore.exceptions import ClientError, EndpointConnectionError

from cli.arguments import aws_problem
from cli.main import main

# {bad}: a folder with a file that is not JSON; {empty}: a folder with none (both made per test).
REPLAY_TARGET = "--region eu-west-1 --queue-url https://sqs.eu-west-1.amazonaws.com/1/q --function-name f"

# (command line, exit status, what the one line must contain)
CASES = [
    # Tracebacks before: a profile that does not exist.
    ("report --profile nope --region eu-west-1", 1, "--profile nope: no such profile"),
    ("replay --profile nope --region eu-west-1", 1, "--profile nope: no such profile"),
    ("plan --tasks 4 --instance-type c5.large --profile nope", 1, "--profile nope: no such profile"),
    # Files.
    ("replay --from {bad} " + REPLAY_TARGET, 1, "m1.json is not JSON"),
    ("replay --from {empty} " + REPLAY_TARGET, 1, "holds no .json file"),
    ("replay --from /does-not-exist", 2, "--from /does-not-exist: no such directory"),
    # Nonsense answers before: counts must be positive.
    ("plan --tasks -5", 2, "argument --tasks: must be at least 1, got -5"),
    ("plan --tasks 0", 2, "argument --tasks: must be at least 1, got 0"),
    ("plan --instances -3", 2, "argument --instances: must be at least 1"),
    ("plan --pods -10 --nodes -2", 2, "argument --pods: must be at least 1"),
    ("plan --tasks 4 --azs 0", 2, "argument --azs: must be at least 1, got 0"),
    ("plan --tasks 4 --max-percent 50", 2, "argument --max-percent: must be at least 100, got 50"),
    ("plan --tasks 4 --headroom-percent -1", 2, "argument --headroom-percent: must be at least 0"),
    ("plan --tasks many", 2, "argument --tasks: must be a whole number, got 'many'"),
    ("plan --pods 100 --nodes 0", 2, "argument --nodes: must be at least 1, got 0"),
    # Flags that mean nothing without another, each named with the one it needs.
    ("plan --pods 100", 2, "--pods needs --nodes"),
    ("plan --nodes 3", 2, "--nodes needs --pods"),
    ("plan --tasks 4 --trunking on", 2, "--trunking needs --instances or --instance-type"),
    ("plan --tasks 4 --prefix-delegation", 2, "--prefix-delegation needs --pods"),
    ("plan --instances 3 --instance-type c5.large", 2, "--instance-type needs --tasks or --pods"),
    ("plan --tasks 4 --profile default", 2, "--profile needs --instance-type"),
    ("plan --load-balancer", 2, "nothing to place: give --tasks, --instances, or --pods with --nodes"),
    ("plan", 2, "nothing to place"),
    ("plan --tasks 4 --instance-type x9.nonsense", 2, "x9.nonsense is not in the shipped table"),
    ("plan --tasks 2000000", 2, "need more than a /16"),
    ("plan --tasks 4 --format text", 2, "argument --format: invalid choice: 'text'"),
    ("report --demo --profile x --all-regions", 2, "--demo cannot be used with --profile, --all-regions"),
    ("report --demo --region eu-west-1", 2, "--demo cannot be used with --region"),
    ("report --region mars-1", 2, "argument --region: 'mars-1' is not an AWS region"),
    ("report --region eu-wset-1", 2, "did you mean eu-west-1?"),
    ("replay --region us-east1", 2, "did you mean us-east-1?"),
    ("report --subnet-tag noequals", 2, "argument --subnet-tag: 'noequals' is not Key=Value"),
    ("report --subnet-tag =value", 2, "argument --subnet-tag: '=value' is not Key=Value"),
    ("report --vpc-id vpc-zz", 2, "argument --vpc-id: 'vpc-zz' is not a VPC id"),
    ("report --cluster 'orders prod'", 2, "argument --cluster: 'orders prod' is not an ECS cluster name"),
    ("report --namespace AWS/EC2", 2, "argument --namespace: 'AWS/EC2'"),
    ("report --free-address-floor -1", 2, "argument --free-address-floor: must be at least 0"),
    ("report --format xml", 2, "argument --format: invalid choice: 'xml'"),
    ("report --no-such-flag", 2, "unrecognized arguments: --no-such-flag"),
    ("", 2, "the following arguments are required: report|plan|replay"),
    ("deploy", 2, "argument report|plan|replay: invalid choice: 'deploy'"),
]


@pytest.fixture(autouse=True)
def _no_aws_configuration(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    # No profile, no credentials, no instance metadata: nothing on this machine decides an outcome.
    empty = tmp_path / "no-aws-config"
    empty.write_text("")
    for name in ("AWS_CONFIG_FILE", "AWS_SHARED_CREDENTIALS_FILE"):
        monkeypatch.setenv(name, str(empty))
    for name in ("AWS_PROFILE", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_REGION"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.delenv("AWS_DEFAULT_REGION", raising=False)
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")


def _run(command_line: str) -> int:
    try:
        return main(shlex.split(command_line))
    except SystemExit as stop:  # argparse's own exit (OneLineParser.error, --version, --help)
        return int(stop.code or 0)


@pytest.mark.parametrize(("command_line", "status", "expected"), CASES, ids=[c[0] or "(nothing)" for c in CASES])
def test_given_bad_input_then_one_line_names_the_flag_and_the_status_says_whose_fault(
    command_line: str, status: int, expected: str, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    (tmp_path / "bad").mkdir()
    (tmp_path / "bad" / "m1.json").write_text("{not json")
    (tmp_path / "empty").mkdir()
    got = _run(command_line.format(bad=tmp_path / "bad", empty=tmp_path / "empty"))
    out, err = capsys.readouterr()
    assert (got, out) == (status, "")
    assert "Traceback" not in err
    lines = err.splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("subnet-ip-monitor")
    assert expected in lines[0]


def test_the_table_has_at_least_25_cases() -> None:
    assert len(CASES) >= 25


def test_given_no_credentials_then_the_report_says_where_to_give_them(capsys: pytest.CaptureFixture[str]) -> None:
    assert _run("report --region eu-west-1") == 1
    (line,) = capsys.readouterr().err.splitlines()
    assert line == (
        "subnet-ip-monitor report: the report could not start: no AWS credentials found: give --profile, or set "
        "AWS_PROFILE (report --demo needs none)"
    )


def test_given_no_region_then_the_report_names_the_flag(capsys: pytest.CaptureFixture[str]) -> None:
    assert _run("report") == 1
    assert "no region: give --region" in capsys.readouterr().err


def test_given_version_then_it_prints_the_package_version(capsys: pytest.CaptureFixture[str]) -> None:
    assert _run("--version") == 0
    out = capsys.readouterr().out
    assert out.startswith("subnet-ip-monitor ")
    assert out.strip().split()[1][0].isdigit()


def test_given_aws_refusing_a_call_then_the_line_names_the_operation_and_the_code() -> None:
    refused = ClientError(
        {"Error": {"Code": "ExpiredToken", "Message": "The security token included in the request is expired"}},
        "GetCallerIdentity",
    )
    assert aws_problem(refused, None).startswith(
        "AWS refused GetCallerIdentity: ExpiredToken: The security token included in the request is expired"
    )
    unreachable = EndpointConnectionError(endpoint_url="https://sts.eu-west-1.amazonaws.com/")
    assert "check the network" in aws_problem(unreachable, None)
