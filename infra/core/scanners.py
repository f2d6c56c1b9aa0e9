"""Checkov's skips, written where the resource is built, each with the reason a reviewer reads.

Checkov reads `Metadata: checkov: skip: [{id, comment}]` on a CloudFormation resource; tests/infra/test_checkov.py
runs Checkov on every synthesized template and fails on a failed check without one.
"""

from __future__ import annotations

from typing import cast

from aws_cdk import CfnResource
from constructs import IConstruct


def skip_check(construct: IConstruct, check_id: str, reason: str) -> None:
    """Skip Checkov's check_id on construct's CloudFormation resource (an L2's default child), saying why."""
    resource = cast(CfnResource, construct.node.default_child or construct)
    checkov = resource.get_metadata("checkov") or {"skip": []}
    checkov["skip"] = [*checkov["skip"], {"id": check_id, "comment": reason}]
    resource.add_metadata("checkov", checkov)
