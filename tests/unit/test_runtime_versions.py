"""The tests run what the functions run: the Powertools and pydantic of the deployed layer version."""

from __future__ import annotations

import re
from importlib import metadata
from pathlib import Path

from infra.core.lambda_defaults import POWERTOOLS_LAYER_SHIPS

REPO_ROOT = Path(__file__).resolve().parents[2]


def _pins(path: Path) -> dict[str, str]:
    pins = {}
    for line in path.read_text().splitlines():
        match = re.match(r"^([A-Za-z0-9_.-]+)(\[[^\]]*\])?==([^\s#]+)", line)
        if match:
            pins[match[1].lower()] = match[3]
    return pins


def test_requirements_pin_what_the_layer_version_ships():
    lambda_pins, cdk_pins = _pins(REPO_ROOT / "requirements-lambda.txt"), _pins(REPO_ROOT / "requirements.txt")
    for package, version in POWERTOOLS_LAYER_SHIPS.items():
        assert lambda_pins[package] == version, package
    # One environment: the CDK app's pydantic is the functions' pydantic.
    assert cdk_pins["pydantic"] == POWERTOOLS_LAYER_SHIPS["pydantic"]


def test_the_installed_packages_are_the_layers():
    for package, version in POWERTOOLS_LAYER_SHIPS.items():
        assert metadata.version(package) == version, package
