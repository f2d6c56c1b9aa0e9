"""The layering contracts in pyproject.toml ([tool.importlinter]) hold, and they fail when the layering breaks.

The tree as it is must keep every contract; a copy of the tree with one bad import added must break the
contract that names it (a test of the test: a contract that cannot fail would pass the first check too).
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]
ROOT_PACKAGES = ("lambdas", "infra", "cli", "devkit", "demo", "bench", "tests")
LINT_IMPORTS = Path(sys.executable).parent / "lint-imports"


def _lint_imports(root: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(LINT_IMPORTS), "--no-cache", "--config", str(root / "pyproject.toml")],
        cwd=root,
        capture_output=True,
        text=True,
        check=False,
    )


def _python_only(folder: str, names: list[str]) -> list[str]:
    """What copytree leaves behind: caches and every file that is not Python (fixtures, data)."""
    return [n for n in names if n == "__pycache__" or (not n.endswith(".py") and not (Path(folder) / n).is_dir())]


def _copy_of_the_tree(destination: Path) -> Path:
    for package in ROOT_PACKAGES:
        shutil.copytree(REPO_ROOT / package, destination / package, ignore=_python_only)
    shutil.copy(REPO_ROOT / "pyproject.toml", destination / "pyproject.toml")
    return destination


def test_given_the_tree_as_it_is_then_every_import_contract_is_kept():
    result = _lint_imports(REPO_ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


@pytest.mark.parametrize(
    ("module", "bad_import", "broken_contract"),
    [
        # A capability reaching into another: what the independence of the capabilities forbids.
        ("lambdas/subnets/pipeline.py", "from lambdas.ecs import model", "Runtime layers"),
        # A lower layer reaching up: the platform importing the hub.
        ("lambdas/platform/publish.py", "from lambdas.hub import members", "Runtime layers"),
        # The circle this layout broke: run -> publish -> report, and report back to run.
        ("lambdas/platform/report.py", "from lambdas.platform import run", "No import cycles"),
        # Product code importing test support or the emulator.
        ("cli/plan.py", "import devkit.scenario", "Product code imports no test support"),
        ("lambdas/events/handler.py", "import moto", "Product code imports no test support"),
        # The pure domain calling AWS.
        ("lambdas/domain/network.py", "import boto3", "Pure domain"),
        # The command line building infrastructure.
        ("cli/report.py", "import aws_cdk", "The command line builds no infrastructure"),
        # An infrastructure capability module reaching into another's.
        ("infra/ecs.py", "import infra.census", "Infrastructure layers"),
    ],
)
def test_given_a_bad_import_then_the_contract_that_forbids_it_is_broken(tmp_path, module, bad_import, broken_contract):
    root = _copy_of_the_tree(tmp_path)
    path = root / module
    path.write_text(path.read_text() + f"\n{bad_import}\n")
    result = _lint_imports(root)
    assert result.returncode == 1, result.stdout
    broken = [line for line in result.stdout.splitlines() if line.endswith("BROKEN")]
    assert any(line.startswith(broken_contract) for line in broken), result.stdout
