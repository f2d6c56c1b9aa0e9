"""Parse the two large ECS describe responses down to the fields the collector reads.

A DescribeTasks page is ~140 KB (100 tasks with containers, attachments, overrides...). botocore walks its
service model over every field of it, which was 75% of the ECS collector's CPU at 50,000 tasks. botocore's
`before-parse` hook may put fields in `customized_response_dict`, which it merges over the modeled parse:
for successful responses the hook decodes the JSON itself (C speed), keeps only the fields below, and
leaves botocore an empty object to walk. Errors are parsed by botocore as always.
"""

from __future__ import annotations

import json
from typing import Any

HTTP_OK = 200
KEPT_FIELDS = {
    "DescribeTasks": ("tasks", ("taskArn", "containerInstanceArn", "launchType", "attachments")),
    "DescribeContainerInstances": ("containerInstances", ("containerInstanceArn", "ec2InstanceId", "attributes")),
}


def _keep_only_read_fields(
    operation_model: Any, response_dict: dict[str, Any], customized_response_dict: dict[str, Any], **_: Any
) -> None:
    if response_dict.get("status_code") != HTTP_OK:
        return
    items_key, fields = KEPT_FIELDS[operation_model.name]
    document = json.loads(response_dict["body"] or b"{}")
    customized_response_dict[items_key] = [
        {f: item[f] for f in fields if f in item} for item in document.get(items_key, [])
    ]
    customized_response_dict["failures"] = document.get("failures", [])
    response_dict["body"] = b"{}"


def parse_lean(ecs: Any) -> None:
    """Make ecs's DescribeTasks and DescribeContainerInstances answers carry only the fields the collector reads."""
    for operation in KEPT_FIELDS:
        # unique_id: registering again on the same client is a no-op.
        ecs.meta.events.register(
            f"before-parse.ecs.{operation}", _keep_only_read_fields, unique_id=f"lean-parse-{operation}"
        )
