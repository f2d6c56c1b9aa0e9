"""Synthesize the app once per configuration, the way `cdk synth` does (cdk-nag included)."""

from __future__ import annotations

import json
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import aws_cdk as cdk
import pytest
from aws_cdk.assertions import Template

from app import build_app
from infra.core.config import config_from_context

REPO_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_CONTEXT = json.loads((REPO_ROOT / "cdk.json").read_text())["context"]


@dataclass
class Synthesized:
    template: Template
    outdir: Path

    @property
    def resources(self) -> dict[str, Any]:
        return dict(self.template.to_json()["Resources"])

    def of_type(self, resource_type: str) -> dict[str, Any]:
        return {k: v for k, v in self.resources.items() if v["Type"] == resource_type}


def cfn_lint(template: Path) -> subprocess.CompletedProcess[str]:
    """cfn-lint on one synthesized template, as `make synth` runs it."""
    return subprocess.run(
        [str(Path(sys.executable).with_name("cfn-lint")), str(template)],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        check=False,
    )


def synthesize(outdir: Path, **overrides: Any) -> Synthesized:
    """Build the app with cdk.json's context plus overrides; synth runs the cdk-nag checks."""
    context = {**DEFAULT_CONTEXT, **{f"monitor:{k}": v for k, v in overrides.items()}}
    app = cdk.App(outdir=str(outdir), context=context)
    stack = build_app(app, config_from_context(context))
    app.synth()  # raises if cdk-nag reports an unacknowledged error
    return Synthesized(Template.from_stack(stack), outdir)


@pytest.fixture(scope="session")
def synthesized(tmp_path_factory: pytest.TempPathFactory) -> Synthesized:
    return synthesize(tmp_path_factory.mktemp("cdk-default"), alertEmails=["oncall@example.com"])


# Hub mode as the hub tests, the concurrency tests and Checkov synthesize it (once a session).
HUB = "123456789012"
MEMBERS = ["111111111111", "222222222222"]
REGIONS = ["eu-west-1", "us-east-1"]
OU = "ou-abcd-12345678"
ORGANIZATION = "o-abcdefghij"
HUB_KEYS: dict[str, Any] = {
    "mode": "hub",
    "hubAccountId": HUB,
    "hubRegion": "eu-west-1",
    "memberAccounts": MEMBERS,
    "regions": REGIONS,
    "workerConcurrency": 7,
}


@pytest.fixture(scope="session")
def hub(tmp_path_factory: pytest.TempPathFactory) -> Synthesized:
    return synthesize(
        tmp_path_factory.mktemp("cdk-hub"),
        **HUB_KEYS,
        organizationUnitIds=[OU],
        organizationId=ORGANIZATION,
        deployMembersWithStackSet=True,
    )
