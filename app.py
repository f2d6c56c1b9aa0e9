#!/usr/bin/env python3
"""CDK entry point: validate configuration, build the stack, run cdk-nag on everything."""

from __future__ import annotations

import sys

import aws_cdk as cdk
from cdk_nag import AwsSolutionsChecks

from infra.core.config import ConfigError, MonitorConfig, config_from_context
from infra.member import MEMBER_STACK_NAME, SubnetIpMonitorMemberStack
from infra.stack import SubnetIpMonitorStack

STACK_NAME = "SubnetIpMonitor"


def build_app(app: cdk.App, config: MonitorConfig) -> SubnetIpMonitorStack:
    """Add the monitor stack (and in hub mode the member stack) and the cdk-nag AwsSolutions checks to app."""
    # Hub mode pins the hub to its account and region: the members trust and forward to exactly there.
    env = cdk.Environment(account=config.hub_account_id, region=config.hub_region) if config.is_hub else None
    stack = SubnetIpMonitorStack(
        app, STACK_NAME, config=config, env=env, description="Subnet IP and ENI exhaustion monitor"
    )
    if config.is_hub:
        # Deployed with a member's credentials, in each monitored region; no bootstrap needed (no assets).
        SubnetIpMonitorMemberStack(
            app,
            MEMBER_STACK_NAME,
            config=config,
            synthesizer=cdk.BootstraplessSynthesizer(),
            description="Subnet IP Monitor member: read-only role for the hub and exhaustion-event forwarding",
        )
    cdk.Validations.of(app).add_plugins(AwsSolutionsChecks(app))
    return stack


def main() -> None:
    """Synthesize, or exit with one line per bad configuration key."""
    app = cdk.App()
    try:
        config = config_from_context(app.node.get_all_context())
    except ConfigError as err:
        sys.exit(f"Invalid configuration:\n{err}")
    try:
        build_app(app, config)
    except ConfigError as err:
        sys.exit(f"Invalid configuration:\n{err}")
    app.synth()


if __name__ == "__main__":
    main()
