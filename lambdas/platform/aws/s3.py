"""S3 reads and writes of the JSON documents the monitor keeps (the census snapshot, the publish state)."""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from ..errors import AWS_ERRORS, AwsReadError, PublishError


def get_document(s3: Any, bucket: str, key: str) -> dict[str, Any] | None:
    """The JSON document under key, None if there is none yet; raise AwsReadError on any other failure."""
    try:
        body = s3.get_object(Bucket=bucket, Key=key)["Body"].read()
    except AWS_ERRORS as err:
        error = AwsReadError.wrap("GetObject", err, {"bucket": bucket, "key": key})
        if error.code == "NoSuchKey":
            return None
        raise error from err
    return dict(json.loads(body))


def put_document(s3: Any, bucket: str, keys: Iterable[str], document: dict[str, Any]) -> None:
    """Write the document as compact JSON under each key; raise PublishError naming the key that failed."""
    body = json.dumps(document, separators=(",", ":")).encode()
    for key in keys:
        try:
            s3.put_object(Bucket=bucket, Key=key, Body=body, ContentType="application/json")
        except AWS_ERRORS as err:
            raise PublishError.wrap("PutObject", err, {"bucket": bucket, "key": key}) from err


def list_keys(s3: Any, bucket: str, prefix: str) -> list[str]:
    """Every key under prefix (all pages); raise AwsReadError if the listing fails."""
    keys: list[str] = []
    try:
        for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=prefix):
            keys += [item["Key"] for item in page.get("Contents", [])]
    except AWS_ERRORS as err:
        raise AwsReadError.wrap("ListObjectsV2", err, {"bucket": bucket, "prefix": prefix}) from err
    return keys
