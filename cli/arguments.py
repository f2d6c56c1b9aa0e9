"""What the command line may say: value types, the flags that need or exclude others, and the one line a person
reads when something is wrong (a bad flag exits 2, an AWS or file problem exits 1; never a traceback)."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import NoReturn

from botocore.exceptions import (
    BotoCoreError,
    ClientError,
    NoCredentialsError,
    NoRegionError,
    PartialCredentialsError,
    ProfileNotFound,
)

from lambdas.platform.regions import region_problem
from lambdas.platform.settings import (
    CLUSTER_NAME_PATTERN,
    NAMESPACE_RULE,
    VPC_ID_PATTERN,
    parse_tag_filter,
    valid_namespace,
)

BAD_ARGUMENTS = 2
COULD_NOT_RUN = 1


class UsageError(Exception):
    """A flag's value, or a combination of flags, that the command cannot act on; the message names the flags."""


class OneLineParser(argparse.ArgumentParser):
    """argparse, but a mistake is one line naming the flag (not the usage block), exit 2."""

    def error(self, message: str) -> NoReturn:
        """Print the mistake in one line and exit 2."""
        print(f"{self.prog}: {message} (see {self.prog} --help)", file=sys.stderr)
        sys.exit(BAD_ARGUMENTS)


def at_least(minimum: int) -> Callable[[str], int]:
    """An argparse type: a whole number, at least minimum."""

    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"must be a whole number, got {text!r}") from None
        if value < minimum:
            raise argparse.ArgumentTypeError(f"must be at least {minimum}, got {value}")
        return value

    return parse


def region_name(text: str) -> str:
    """An argparse type: a region name botocore knows (no call), with the nearest one suggested."""
    problem = region_problem(text)
    if problem:
        raise argparse.ArgumentTypeError(problem)
    return text


def vpc_id(text: str) -> str:
    """An argparse type: vpc- and 8 or 17 hex digits."""
    if not VPC_ID_PATTERN.match(text):
        raise argparse.ArgumentTypeError(f"{text!r} is not a VPC id (vpc- and 8 or 17 hex digits)")
    return text


def cluster_name(text: str) -> str:
    """An argparse type: an ECS cluster name."""
    if not CLUSTER_NAME_PATTERN.match(text):
        raise argparse.ArgumentTypeError(f"{text!r} is not an ECS cluster name (1-255 of A-Z a-z 0-9 - _)")
    return text


def tag_filter(text: str) -> str:
    """An argparse type: Key=Value, as monitor:subnetTagFilter takes it."""
    try:
        parse_tag_filter(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not Key=Value (for example Tier=tasks)") from None
    return text


def namespace(text: str) -> str:
    """An argparse type: a CloudWatch namespace a monitor can publish to."""
    if not valid_namespace(text):
        raise argparse.ArgumentTypeError(f"{text!r}: {NAMESPACE_RULE}")
    return text


def needs(args: argparse.Namespace, flag: str, *alternatives: str, why: str) -> None:
    """UsageError when flag is given but none of alternatives is (flag means nothing without one of them)."""
    if _given(args, flag) and not any(_given(args, other) for other in alternatives):
        raise UsageError(f"{flag} needs {' or '.join(alternatives)}: {why}")


def excludes(args: argparse.Namespace, flag: str, others: Sequence[str], why: str) -> None:
    """UsageError when flag is given with any of others (which it would silently ignore)."""
    clashing = [other for other in others if _given(args, other)]
    if _given(args, flag) and clashing:
        raise UsageError(f"{flag} cannot be used with {', '.join(clashing)}: {why}")


def _given(args: argparse.Namespace, flag: str) -> bool:
    value = getattr(args, flag.removeprefix("--").replace("-", "_"))
    return value not in (None, False, [], "")


def existing_directory(path: Path, flag: str) -> Path:
    """path, or UsageError when it is not a directory."""
    if not path.is_dir():
        raise UsageError(f"{flag} {path}: no such directory")
    return path


def aws_problem(err: Exception, profile: str | None) -> str:
    """One line: which AWS setting or call failed, and what to do."""
    if isinstance(err, ProfileNotFound):
        return f"--profile {profile}: no such profile (aws configure list-profiles lists them)"
    if isinstance(err, NoCredentialsError | PartialCredentialsError):
        return "no AWS credentials found: give --profile, or set AWS_PROFILE (report --demo needs none)"
    if isinstance(err, NoRegionError):
        return "no region: give --region, or set one in the profile (aws configure set region eu-west-1)"
    if isinstance(err, ClientError):
        error = err.response.get("Error", {})
        operation = getattr(err, "operation_name", "the call")
        return (
            f"AWS refused {operation}: {error.get('Code', 'error')}: {error.get('Message', '')} "
            "(check the credentials and their permissions; expired SSO sessions need aws sso login)"
        )
    if isinstance(err, BotoCoreError):
        return f"{err} (check the network, the profile and the region)"
    return str(err)


def file_problem(err: OSError) -> str:
    """One line: which file could not be read or written, and why."""
    return f"{err.filename or 'a file'}: {err.strerror or err}"
