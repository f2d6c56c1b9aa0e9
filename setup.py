"""The wheel's layout: lambdas/, infra/, cli/ and devkit/ become subnet_ip_monitor.lambdas, .infra, .cli, .devkit.

In the repository they are top-level packages (what app.py, the tests and the Lambda handler paths name). The
runtime imports itself only relatively, so the same files run as the Lambda asset (a top-level `lambdas`) and
inside the wheel. The other trees import across trees by absolute name (`from lambdas.platform ...`): as they
are copied into the wheel, those imports are renamed under subnet_ip_monitor (rename_imports), so the wheel adds
no generic top-level module (cli, infra, lambdas) to site-packages. docs/architecture.md says why.
"""

from __future__ import annotations

import ast
from pathlib import Path

from setuptools import find_namespace_packages, setup
from setuptools.command.build_py import build_py

PACKAGE = "subnet_ip_monitor"
TREES = ("lambdas", "infra", "cli", "devkit")


def rename_imports(source: str, path: str = "<module>") -> str:
    """source with each absolute import of a tree (`from infra.core.x import y`) under PACKAGE instead."""
    lines = source.splitlines(keepends=True)
    for node in ast.walk(ast.parse(source, filename=path)):
        if isinstance(node, ast.Import) and any(a.name.split(".")[0] in TREES for a in node.names):
            # `import infra.x` binds the name `infra`: renaming it would change what the module sees.
            raise ValueError(f"{path}:{node.lineno}: write `from ... import ...` for the project's own modules")
        if isinstance(node, ast.ImportFrom) and node.level == 0 and (node.module or "").split(".")[0] in TREES:
            # `from <module>` is on the statement's first line, however the names below it wrap.
            line, written = lines[node.lineno - 1], f"from {node.module}"
            lines[node.lineno - 1] = line.replace(written, f"from {PACKAGE}.{node.module}", 1)
    return "".join(lines)


class BuildPy(build_py):  # type: ignore[misc]  # setuptools ships no types for its commands
    """build_py, with every module's project imports renamed under PACKAGE in the built copy."""

    def build_module(self, module: str, module_file: str, package: str) -> tuple[str, bool]:
        """Copy the module, then rename its imports in the copy."""
        built, copied = super().build_module(module, module_file, package)
        target = Path(built)
        target.write_text(rename_imports(target.read_text(encoding="utf-8"), module_file), encoding="utf-8")
        return built, copied


def _packages() -> dict[str, str]:
    """Each package of the trees under PACKAGE, and the folder it is built from (data folders are packages of
    their own, so their files are package data)."""
    return {
        f"{PACKAGE}.{tree}{'.' + sub if sub else ''}": str(Path(tree, *sub.split(".")) if sub else Path(tree))
        for tree in TREES
        for sub in ["", *find_namespace_packages(tree, exclude=["__pycache__", "*.__pycache__"])]
    }


if __name__ == "__main__":
    PACKAGES = _packages()
    setup(
        packages=list(PACKAGES),
        package_dir=PACKAGES,
        package_data={f"{PACKAGE}.lambdas.ecs.data": ["*.json"], f"{PACKAGE}.cli.data": ["*.json"]},
        cmdclass={"build_py": BuildPy},
    )
