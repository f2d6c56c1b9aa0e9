"""The README and the docs site say what is there: every repository path they write exists, the architecture
page's tree matches the repository, and the configuration reference covers every key."""

from __future__ import annotations

import re
import runpy
from pathlib import Path

import pytest

from infra.core.config import CONTEXT_PREFIX, MonitorConfig

REPO_ROOT = Path(__file__).resolve().parents[2]
PAGES = [REPO_ROOT / "README.md", REPO_ROOT / "CHANGELOG.md", *sorted((REPO_ROOT / "docs").glob("*.md"))]
# What the repository holds at its top: a backticked path that starts with one of these is a repository path
# (`census/latest.json` is an S3 key, `/tmp/...` is the machine's).
TOP_LEVEL = {p.name for p in REPO_ROOT.iterdir() if not p.name.startswith(".") or p.name == ".ci"} - {
    "node_modules",
    "cdk.out",
    "site",
    "build",
    "dist",
}
CODE_SPAN = re.compile(r"`([^`\n]+)`")
NAME_COLUMN = 30  # the architecture tree's descriptions start here


def _repository_paths(text: str) -> set[str]:
    """Backticked spans that name a file or folder of the repository (placeholders and globs left out)."""
    found = set()
    for span in CODE_SPAN.findall(text):
        candidate = span.strip().rstrip(".,:;")
        shaped = re.fullmatch(r"[\w.-]+(/[\w.-]+)*/?", candidate) and ("/" in candidate or Path(candidate).suffix)
        if shaped and candidate.split("/")[0] in TOP_LEVEL:
            found.add(candidate)
    return found


@pytest.mark.parametrize("page", PAGES, ids=lambda p: str(p.relative_to(REPO_ROOT)))
def test_given_a_page_then_every_repository_path_it_names_exists(page):
    paths = _repository_paths(page.read_text())
    missing = sorted(p for p in paths if not (REPO_ROOT / p).exists())
    assert missing == []


def test_given_the_pages_then_the_path_check_sees_paths_and_would_see_a_missing_one():
    seen = set().union(*(_repository_paths(p.read_text()) for p in PAGES))
    assert {"cli/readonly.py", "infra/core/config.py", "lambdas/platform/contract.py"} <= seen
    assert _repository_paths("see `lambdas/core/run.py` and `census/latest.json`") == {"lambdas/core/run.py"}


def _tree() -> list[str]:
    text = (REPO_ROOT / "docs" / "architecture.md").read_text()
    block = text.split("## Layout", 1)[1].split("```", 2)[1]
    return block.splitlines()[1:]


def _tree_paths() -> tuple[set[str], set[str]]:
    """What the tree names: its entries (paths), and the files its folders' descriptions list (paths)."""
    entries: set[str] = set()
    listed: set[str] = set()
    folders: list[tuple[int, str]] = []
    current: str | None = None
    for line in _tree():
        indent = len(line) - len(line.lstrip())
        if line.strip() and indent < NAME_COLUMN:
            names, _, description = line.strip().partition("  ")
            while folders and folders[-1][0] >= indent:
                folders.pop()
            parent = folders[-1][1] if folders else ""
            current = None
            for name in names.split():
                entries.add(parent + name)
                if name.endswith("/"):
                    folders.append((indent, parent + name))
                    current = parent + name
        else:
            description = line
        if current is not None:
            listed |= {current + n for n in re.findall(r"(?<![\w./])(\w+\.py|\w+/)(?![\w.])", description)}
    return entries, listed


def test_given_the_architecture_tree_then_everything_it_names_exists():
    entries, listed = _tree_paths()
    assert len(entries) > 40
    assert len(listed) > 60
    missing = sorted(p for p in entries | listed if not (REPO_ROOT / p).exists())
    assert missing == []


def test_given_the_repository_then_every_package_and_module_is_in_the_architecture_tree():
    entries, listed = _tree_paths()
    named = entries | listed
    packages = {
        f"{p.parent.relative_to(REPO_ROOT)}/"
        for p in (REPO_ROOT / "lambdas").rglob("__init__.py")
        if p.parent.name != "lambdas"
    }
    modules = {
        str(p.relative_to(REPO_ROOT))
        for folder in ("lambdas/platform", "lambdas/domain", "lambdas/hub", "infra", "infra/core", "cli", "devkit")
        for p in (REPO_ROOT / folder).glob("*.py")
        if p.name not in ("__init__.py", "__main__.py")
    }
    assert sorted((packages | modules) - named) == []


def test_given_the_configuration_reference_then_it_has_one_documented_row_per_key():
    reference = runpy.run_path(str(REPO_ROOT / "docs" / "hooks.py"))["configuration_reference"]()
    rows = reference.splitlines()[2:]
    assert [row.split("`")[1] for row in rows] == [
        f"{CONTEXT_PREFIX}{f.alias}" for f in MonitorConfig.model_fields.values()
    ]
    for name, field in MonitorConfig.model_fields.items():
        assert field.description, name
        assert isinstance(field.json_schema_extra, dict), name
        assert field.json_schema_extra.get("allowed"), name
    assert "| `monitor:scheduleMinutes` | `5` | 1-60 | collector schedule and alarm period |" in rows
    assert any(r.startswith("| `monitor:readerRoleName` |") and "hub mode only" in r for r in rows)


def test_given_the_readme_then_it_is_a_front_page():
    assert len((REPO_ROOT / "README.md").read_text().splitlines()) <= 250
