"""Function settings are validated from the environment; no silent defaults."""

import pytest

from devkit.publishing import EVERY_RUN
from lambdas.platform.errors import SettingsError
from lambdas.platform.settings import load_settings
from lambdas.subnets.settings import SubnetCollectorSettings

GOOD = {
    "METRIC_NAMESPACE": "SubnetIpMonitor",
    "VPC_IDS": "vpc-1, vpc-2",
    "SUBNET_TAG_FILTER": "Purpose=tasks",
    **EVERY_RUN,
}


def test_given_a_complete_environment_then_settings_are_parsed():
    settings = load_settings(SubnetCollectorSettings, GOOD)
    assert settings.metric_namespace == "SubnetIpMonitor"
    assert settings.vpc_ids == ("vpc-1", "vpc-2")
    assert settings.subnet_tag_filter == ("Purpose", "tasks")


def test_given_empty_scope_values_then_every_vpc_and_no_tag_filter():
    settings = load_settings(SubnetCollectorSettings, {**GOOD, "VPC_IDS": "", "SUBNET_TAG_FILTER": ""})
    assert settings.vpc_ids == ()
    assert settings.subnet_tag_filter is None


def test_given_a_missing_namespace_then_settings_error_names_the_key():
    environ = {k: v for k, v in GOOD.items() if k != "METRIC_NAMESPACE"}
    with pytest.raises(SettingsError, match="METRIC_NAMESPACE"):
        load_settings(SubnetCollectorSettings, environ)


def test_given_a_malformed_tag_filter_then_settings_error_names_the_key():
    with pytest.raises(SettingsError, match=r"SUBNET_TAG_FILTER.*Key=Value"):
        load_settings(SubnetCollectorSettings, {**GOOD, "SUBNET_TAG_FILTER": "Purpose"})
