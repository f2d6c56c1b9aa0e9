"""report --demo finds the emulator through its entry point, and says what to install when it is missing."""

from __future__ import annotations

from importlib.metadata import EntryPoint, EntryPoints, entry_points

from cli import emulator
from cli.main import main


def _entry_points(found: list[EntryPoint]):
    def found_only(*, group: str, name: str) -> EntryPoints:
        assert (group, name) == (emulator.SESSION_PROVIDERS, emulator.DEMO_PROVIDER)
        return EntryPoints(found)

    return found_only


def test_given_this_checkout_then_the_demo_provider_is_devkits():
    (provider,) = entry_points(group=emulator.SESSION_PROVIDERS, name=emulator.DEMO_PROVIDER)
    assert provider.value == "subnet_ip_monitor.devkit.demo_session:demo_session"


def test_given_no_provider_then_report_demo_says_to_install_the_demo_extra(monkeypatch, capsys):
    monkeypatch.setattr(emulator, "entry_points", _entry_points([]))
    assert main(["report", "--demo"]) == 1
    assert capsys.readouterr().err == (
        "subnet-ip-monitor report: report --demo needs the emulator: install the [demo] extra "
        "(pip install 'subnet_ip_monitor-<version>-py3-none-any.whl[demo]')\n"
    )


def test_given_moto_missing_then_report_demo_names_it_and_the_extra(monkeypatch, capsys):
    missing = EntryPoint("demo", "no_such_module_for_the_demo:session", emulator.SESSION_PROVIDERS)
    monkeypatch.setattr(emulator, "entry_points", _entry_points([missing]))
    assert main(["report", "--demo"]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert "(no_such_module_for_the_demo is not installed): install the [demo] extra" in err
