"""The wheel's layout (setup.py): project imports renamed under subnet_ip_monitor, the runtime relative only."""

from __future__ import annotations

import ast
import runpy
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]
SETUP = runpy.run_path(str(REPO_ROOT / "setup.py"), run_name="setup")  # not "__main__": setup() does not run
rename_imports = SETUP["rename_imports"]


def test_given_imports_of_the_projects_trees_then_each_is_renamed_under_the_package():
    source = (
        "from infra.core.config import ConfigError\n"
        "from lambdas.platform import contract  # the metric contract\n"
        "def f():\n"
        "    from devkit.demo_session import demo_session  # noqa: PLC0415\n"
        "from cli.arguments import (\n"
        "    at_least,\n"
        ")\n"
    )
    assert rename_imports(source) == (
        "from subnet_ip_monitor.infra.core.config import ConfigError\n"
        "from subnet_ip_monitor.lambdas.platform import contract  # the metric contract\n"
        "def f():\n"
        "    from subnet_ip_monitor.devkit.demo_session import demo_session  # noqa: PLC0415\n"
        "from subnet_ip_monitor.cli.arguments import (\n"
        "    at_least,\n"
        ")\n"
    )


def test_given_other_imports_and_strings_then_nothing_is_renamed():
    # Handler paths name the Lambda asset's own top-level `lambdas`, which the wheel keeps as it is.
    source = (
        "from .settings import load_settings\n"
        "from aws_cdk import Stack\n"
        "from lambdas_extra import x\n"
        'HANDLER = "lambdas.subnets.handler.handler"\n'
    )
    assert rename_imports(source) == source


def test_given_a_plain_import_of_a_tree_then_the_build_refuses_it():
    with pytest.raises(ValueError, match="write `from"):
        rename_imports("import infra.core.config\n", "infra/x.py")


def test_given_the_packages_then_every_folder_of_the_four_trees_is_one_under_subnet_ip_monitor():
    packages = SETUP["_packages"]()
    assert all(name.startswith("subnet_ip_monitor.") for name in packages)
    for tree in ("lambdas", "infra", "cli", "devkit"):
        folders = {p.parent for p in (REPO_ROOT / tree).rglob("*") if p.is_file() and "__pycache__" not in p.parts}
        assert {str(f.relative_to(REPO_ROOT)) for f in folders} <= set(packages.values())


def test_given_the_runtime_then_it_imports_itself_only_relatively():
    # What lets the same files run as the Lambda asset (top-level `lambdas`) and inside the wheel.
    absolute = [
        f"{path.relative_to(REPO_ROOT)}:{node.lineno}"
        for path in sorted((REPO_ROOT / "lambdas").rglob("*.py"))
        for node in ast.walk(ast.parse(path.read_text()))
        if (isinstance(node, ast.ImportFrom) and node.level == 0 and (node.module or "").split(".")[0] == "lambdas")
        or (isinstance(node, ast.Import) and any(a.name.split(".")[0] == "lambdas" for a in node.names))
    ]
    assert absolute == []
