"""`report --demo`'s emulator, found through an entry point, so the command line carries no test support.

devkit (installed with the `[demo]` extra, or in a checkout) registers `demo` in the SESSION_PROVIDERS group:
a context manager that yields a boto3 session on a freshly seeded emulator and the region it was seeded in.
"""

from __future__ import annotations

from contextlib import AbstractContextManager
from importlib.metadata import entry_points
from typing import Any, cast

SESSION_PROVIDERS = "subnet_ip_monitor.sessions"
DEMO_PROVIDER = "demo"
# The package is a wheel file for now (make wheel), not on an index: name the file its extras come with.
_INSTALL_DEMO = "install the [demo] extra (pip install 'subnet_ip_monitor-<version>-py3-none-any.whl[demo]')"


class EmulatorMissing(Exception):
    """The emulator is not installed; the message says how to install it."""


def demo_session() -> AbstractContextManager[tuple[Any, str]]:
    """The emulator's session provider; raise EmulatorMissing if devkit or moto is not installed."""
    found = entry_points(group=SESSION_PROVIDERS, name=DEMO_PROVIDER)
    if not found:
        raise EmulatorMissing(f"report --demo needs the emulator: {_INSTALL_DEMO}")
    try:
        provider = next(iter(found)).load()
    except ImportError as err:  # moto is the [demo] extra's
        raise EmulatorMissing(
            f"report --demo needs the emulator ({err.name or 'moto'} is not installed): {_INSTALL_DEMO}"
        ) from err
    return cast(AbstractContextManager[tuple[Any, str]], provider())
