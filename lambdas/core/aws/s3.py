"""S3 reads of the JSON documents capabilities share (the census snapshot)."""

from __future__ import annotations

import json
from typing import Any

from lambdas.core.errors import AWS_ERRORS, AwsReadError


def get_snapshot(s3: Any, bucket: str, key: str) -> dict[str, Any] | None:
    """The snapshot under key, None if there is none yet; raise AwsReadError on any other failure."""
    try:
        body = s3.get_object(Bucket=bucket, Key=key)["Body"].read()
    except AWS_ERRORS as err:
        error = AwsReadError.wrap("GetObject", err, {"bucket": bucket, "key": key})
        if error.code == "NoSuchKey":
            return None
        raise error from err
    return dict(json.loads(body))
