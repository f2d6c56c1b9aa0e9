"""Checkov, the scanner most teams run first on a template they did not write, on every synthesized template.

A failed check fails the test unless the resource skips it with a written reason (infra/core/scanners.py); the
docs/security.md states the counts this test reads back.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from tests.infra.conftest import REPO_ROOT, Synthesized

# What docs/security.md names as fixed rather than skipped: no resource may skip these.
FIXED = {"CKV_AWS_158": "log group encrypted by KMS", "CKV_AWS_115": "reserved concurrency"}
MIN_REASON_LENGTH = 40  # a sentence, not "n/a"


def checkov_results(templates: list[Path]) -> dict[str, Any]:
    """Checkov's JSON report for templates (offline: no guideline download, no platform)."""
    checkov = os.environ.get("CHECKOV", str(REPO_ROOT / ".venv-checkov" / "bin" / "checkov"))
    assert Path(checkov).exists(), f"{checkov} is missing: `make test` installs it (requirements-checkov.txt)"
    files = [arg for template in templates for arg in ("-f", str(template))]
    completed = subprocess.run(
        [checkov, *files, "--framework", "cloudformation", "--skip-download", "--output", "json"],
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "BC_SKIP_MAPPING": "TRUE"},
    )
    report = json.loads(completed.stdout)
    # One template gives one report; several give one per framework (here only cloudformation).
    (cloudformation,) = report if isinstance(report, list) else [report]
    return dict(cloudformation)


@pytest.fixture(scope="module")
def scans(synthesized: Synthesized, hub: Synthesized) -> dict[str, dict[str, Any]]:
    """Checkov on each mode's templates: the account-mode stack, and the hub stack with its member stack."""
    return {
        "account": checkov_results([synthesized.outdir / "SubnetIpMonitor.template.json"]),
        "hub": checkov_results(
            [hub.outdir / "SubnetIpMonitor.template.json", hub.outdir / "SubnetIpMonitorMember.template.json"]
        ),
    }


@pytest.mark.parametrize("mode", ["account", "hub"])
def test_given_every_template_then_checkov_fails_no_check(scans, mode):
    results = scans[mode]["results"]

    failed = [(c["check_id"], c["resource"], c["file_path"]) for c in results["failed_checks"]]
    assert failed == []
    assert scans[mode]["summary"]["parsing_errors"] == 0
    assert scans[mode]["summary"]["passed"] > 0


@pytest.mark.parametrize("mode", ["account", "hub"])
def test_given_every_skip_then_it_has_a_written_reason_and_none_hides_a_fix(scans, mode):
    skipped = scans[mode]["results"]["skipped_checks"]

    assert skipped, "the known skips (functions outside a VPC, ...) should be reported as skipped"
    short = [
        (c["check_id"], c["resource"])
        for c in skipped
        if len(c["check_result"]["suppress_comment"]) < MIN_REASON_LENGTH
    ]
    assert short == []
    assert {c["check_id"] for c in skipped}.isdisjoint(FIXED)


def test_given_the_fixes_then_every_log_group_and_function_passes_them(scans, synthesized):
    passed = Counter(c["check_id"] for c in scans["account"]["results"]["passed_checks"])

    assert passed["CKV_AWS_158"] == len(synthesized.of_type("AWS::Logs::LogGroup"))
    assert passed["CKV_AWS_115"] == len(synthesized.of_type("AWS::Lambda::Function"))
    # Dead-letter targets: every function but the dashboard's table (invoked synchronously, skipped with why).
    assert passed["CKV_AWS_116"] == len(synthesized.of_type("AWS::Lambda::Function")) - 1


def test_given_the_security_page_then_its_checkov_counts_are_what_checkov_reports(scans):
    page = (REPO_ROOT / "docs" / "security.md").read_text()
    stated = re.search(r"Checkov (\S+) on the account-mode template: (\d+) passed, (\d+) skipped, (\d+) failed", page)
    assert stated is not None, "docs/security.md: the Checkov counts sentence is missing"

    summary = scans["account"]["summary"]
    assert stated.groups() == (
        summary["checkov_version"],
        str(summary["passed"]),
        str(summary["skipped"]),
        str(summary["failed"]),
    )
