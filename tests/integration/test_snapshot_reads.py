"""Reading the census snapshots in scope: the one of account mode, every target's in hub mode, and one that
cannot be read reported beside the others rather than hiding them."""

from __future__ import annotations

import json
from typing import Any

import boto3
from botocore.awsrequest import AWSResponse

from lambdas.domain.snapshots import read_snapshots

BUCKET = "hub-census"
REGION = "eu-west-1"


def _bucket_with(keys: list[str]) -> Any:
    s3 = boto3.client("s3", region_name=REGION)
    s3.create_bucket(Bucket=BUCKET, CreateBucketConfiguration={"LocationConstraint": REGION})
    for key in keys:
        account, region = (key.split("/")[2:4]) if key.startswith("census/members/") else ("1" * 12, REGION)
        s3.put_object(Bucket=BUCKET, Key=key, Body=json.dumps({"accountId": account, "region": region}))
    return s3


def _deny_get_of(key: str) -> Any:
    def deny(params: dict[str, Any], **_: Any) -> tuple[AWSResponse, dict[str, Any]] | None:
        if params["url_path"].endswith(key):
            error = {"Code": "AccessDenied", "Message": "Access Denied"}
            return AWSResponse(key, 403, {}, None), {"Error": error, "ResponseMetadata": {"HTTPStatusCode": 403}}  # type: ignore[arg-type]
        return None

    return deny


def test_given_hub_mode_then_every_targets_latest_snapshot_is_read_and_nothing_else(aws):
    s3 = _bucket_with(
        [
            "census/latest.json",
            "census/members/111111111111/eu-west-1/latest.json",
            "census/members/111111111111/us-east-1/latest.json",
            "census/members/222222222222/eu-west-1/latest.json",
            "census/history/2026/11/29/0800.json",
        ]
    )

    snapshots, failures = read_snapshots(s3, BUCKET, hub=True)

    assert failures == []
    assert sorted((s["accountId"], s["region"]) for s in snapshots) == [
        ("111111111111", "eu-west-1"),
        ("111111111111", "us-east-1"),
        ("222222222222", "eu-west-1"),
    ]


def test_given_one_snapshot_that_cannot_be_read_then_the_others_are_still_returned(aws):
    denied = "census/members/222222222222/eu-west-1/latest.json"
    s3 = _bucket_with(["census/members/111111111111/eu-west-1/latest.json", denied])
    s3.meta.events.register("before-call.s3.GetObject", _deny_get_of(denied))

    snapshots, failures = read_snapshots(s3, BUCKET, hub=True)

    assert [s["accountId"] for s in snapshots] == ["111111111111"]
    assert [(f.operation, f.code, f.context["key"]) for f in failures] == [("GetObject", "AccessDenied", denied)]


def test_given_account_mode_then_only_census_latest_is_read_and_none_yet_is_no_failure(aws):
    s3 = _bucket_with(["census/members/111111111111/eu-west-1/latest.json"])
    assert read_snapshots(s3, BUCKET, hub=False) == ([], [])
    s3.put_object(Bucket=BUCKET, Key="census/latest.json", Body=json.dumps({"accountId": "1" * 12}))
    assert read_snapshots(s3, BUCKET, hub=False) == ([{"accountId": "1" * 12}], [])
