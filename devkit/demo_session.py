"""`subnet-ip-monitor report --demo`'s emulator, seeded as `make demo` seeds it (with the demo's two services at
deployment risk). The command line finds it through the `subnet_ip_monitor.sessions` entry point
(pyproject.toml, cli/emulator.py), so it never imports this module."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from unittest.mock import patch

import boto3
from moto import mock_aws

from devkit.demo_account import seed_demo_account, seed_deployment_services
from devkit.emulator import restoring_aws_fields_everywhere
from devkit.scenario import REGION
from lambdas.platform.contract import DEFAULT_NAMESPACE

# The emulator's own credentials, so nothing on the machine (a profile, real keys) is ever used.
EMULATOR_CREDENTIALS = {
    "AWS_ACCESS_KEY_ID": "demo",
    "AWS_SECRET_ACCESS_KEY": "demo",
    "AWS_SESSION_TOKEN": "demo",
    "AWS_DEFAULT_REGION": REGION,
}


@contextmanager
def demo_session() -> Iterator[tuple[boto3.Session, str]]:
    """A session on a freshly seeded emulator (gone when the block ends), and the region it was seeded in."""
    with (
        patch.dict(os.environ, EMULATOR_CREDENTIALS),
        mock_aws(),
        restoring_aws_fields_everywhere(),
    ):
        os.environ.pop("AWS_PROFILE", None)
        seeded = seed_demo_account(DEFAULT_NAMESPACE)
        seed_deployment_services(seeded.network)
        yield boto3.Session(region_name=REGION), REGION
