"""What `cdk deploy` would create for the ENI census, read from the synthesized template."""

from tests.infra.conftest import synthesize


def _alarms(synthesized):
    return {
        a["Properties"]["AlarmName"]: a["Properties"] for a in synthesized.of_type("AWS::CloudWatch::Alarm").values()
    }


def _census_function(synthesized):
    ((logical_id, function),) = [
        (k, f)
        for k, f in synthesized.of_type("AWS::Lambda::Function").items()
        if f["Properties"]["Handler"] == "lambdas.census.handler.handler"
    ]
    return logical_id, function["Properties"]


def test_given_defaults_then_the_census_runs_every_15_minutes_and_writes_to_its_bucket(synthesized):
    logical_id, props = _census_function(synthesized)
    (bucket_id,) = synthesized.of_type("AWS::S3::Bucket")

    assert props["Environment"]["Variables"]["SNAPSHOT_BUCKET"] == {"Ref": bucket_id}
    (rule,) = [
        r["Properties"]
        for r in synthesized.of_type("AWS::Events::Rule").values()
        if r["Properties"]["Targets"][0]["Arn"] == {"Fn::GetAtt": [logical_id, "Arn"]}
    ]
    assert rule["ScheduleExpression"] == "rate(15 minutes)"


def test_given_the_bucket_then_it_is_private_tls_only_on_the_app_key_and_keeps_35_days_of_history(synthesized):
    (key_id,) = synthesized.of_type("AWS::KMS::Key")
    (bucket,) = synthesized.of_type("AWS::S3::Bucket").values()
    props = bucket["Properties"]

    (encryption,) = props["BucketEncryption"]["ServerSideEncryptionConfiguration"]
    assert encryption["ServerSideEncryptionByDefault"] == {
        "KMSMasterKeyID": {"Fn::GetAtt": [key_id, "Arn"]},
        "SSEAlgorithm": "aws:kms",
    }
    assert props["PublicAccessBlockConfiguration"] == {
        "BlockPublicAcls": True,
        "BlockPublicPolicy": True,
        "IgnorePublicAcls": True,
        "RestrictPublicBuckets": True,
    }
    (rule,) = props["LifecycleConfiguration"]["Rules"]
    assert (rule["Prefix"], rule["ExpirationInDays"], rule["Status"]) == ("census/history/", 35, "Enabled")
    (policy,) = synthesized.of_type("AWS::S3::BucketPolicy").values()
    assert any(
        s["Effect"] == "Deny" and s["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}
        for s in policy["Properties"]["PolicyDocument"]["Statement"]
    )
    assert bucket["DeletionPolicy"] == "Retain"


def test_given_defaults_then_the_free_prefix_block_alarm_is_on_and_the_unattached_alarm_off(synthesized):
    alarms = _alarms(synthesized)

    blocks = alarms["SubnetIpMonitor-subnet-free-prefix-blocks"]
    assert blocks["Metrics"][0]["Expression"] == (
        'SELECT MIN(FreePrefixBlocks) FROM SCHEMA("SubnetIpMonitor", AccountId, AvailabilityZone, SubnetId, VpcId) '
        "GROUP BY AccountId, SubnetId ORDER BY MIN() ASC LIMIT 500"
    )
    assert (blocks["Threshold"], blocks["ComparisonOperator"]) == (2, "LessThanOrEqualToThreshold")
    assert blocks["Metrics"][0]["Period"] == 900
    assert "SubnetIpMonitor-unattached-eni-addresses" not in alarms


def test_given_an_unattached_threshold_then_that_alarm_groups_by_vpc(tmp_path):
    alarms = _alarms(synthesize(tmp_path, unattachedEniAlarmThreshold=20, censusMinutes=30))

    unattached = alarms["SubnetIpMonitor-unattached-eni-addresses"]
    assert "GROUP BY AccountId, VpcId" in unattached["Metrics"][0]["Expression"]
    assert (unattached["Threshold"], unattached["Metrics"][0]["Period"]) == (20, 1800)
    assert alarms["SubnetIpMonitor-census-collector-heartbeat"]["Period"] == 1800
