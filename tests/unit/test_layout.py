"""The layout's rules, read from the source: a capability imports core and itself, never another capability.

Checked on every import statement (top-level or inside functions), so a shortcut cannot creep in unnoticed.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]
CAPABILITIES = sorted(
    p.name for p in (REPO_ROOT / "lambdas").iterdir() if (p / "__init__.py").exists() and p.name != "core"
)
PROJECT_PACKAGES = ("lambdas", "infra", "cli", "demo", "bench", "tests", "app")


def _project_imports(path: Path) -> set[str]:
    """Dotted project modules imported by the file at path."""
    imported = set()
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        names = []
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [node.module]
        imported |= {n for n in names if n.split(".")[0] in PROJECT_PACKAGES}
    return imported


def _allowed(module: str, prefixes: tuple[str, ...]) -> bool:
    return any(module == p or module.startswith(p + ".") for p in prefixes)


def _violations(files: list[Path], prefixes: tuple[str, ...]) -> list[str]:
    return [
        f"{path.relative_to(REPO_ROOT)} imports {module}"
        for path in files
        for module in sorted(_project_imports(path))
        if not _allowed(module, prefixes)
    ]


def test_given_the_runtime_then_there_are_capabilities_to_check():
    assert {"subnets", "ecs", "events"} <= set(CAPABILITIES)


def test_given_lambdas_core_then_it_imports_no_capability():
    assert _violations(sorted((REPO_ROOT / "lambdas" / "core").rglob("*.py")), ("lambdas.core",)) == []


@pytest.mark.parametrize("capability", CAPABILITIES)
def test_given_a_runtime_capability_then_it_imports_only_core_and_itself(capability):
    files = sorted((REPO_ROOT / "lambdas" / capability).rglob("*.py"))
    assert _violations(files, ("lambdas.core", f"lambdas.{capability}")) == []


def test_given_infra_core_then_it_imports_no_capability():
    files = sorted((REPO_ROOT / "infra" / "core").rglob("*.py"))
    assert _violations(files, ("infra.core", "lambdas.core")) == []


@pytest.mark.parametrize("capability", CAPABILITIES)
def test_given_a_capabilitys_infra_module_then_it_imports_only_core_and_its_own_runtime(capability):
    (module,) = [REPO_ROOT / "infra" / f"{capability}.py"]
    assert _violations([module], ("infra.core", "lambdas.core", f"lambdas.{capability}")) == []


def test_given_the_command_line_tool_then_it_composes_the_runtime_and_never_the_infrastructure():
    # cli/ reuses the runtime's reads and pure logic (no second implementation); only --demo touches the
    # emulator's seeds, and nothing in it builds CDK.
    files = sorted((REPO_ROOT / "cli").rglob("*.py"))
    demo = REPO_ROOT / "cli" / "demo.py"
    assert _violations([f for f in files if f != demo], ("cli", "lambdas")) == []
    assert _violations([demo], ("cli", "lambdas", "demo", "tests.support")) == []


def test_given_the_runtime_then_nothing_in_it_imports_the_command_line_tool():
    assert _violations(sorted((REPO_ROOT / "lambdas").rglob("*.py")), ("lambdas",)) == []
