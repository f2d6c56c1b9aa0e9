"""Hub mode as synthesized: the dispatcher and work queues, collectors that read nothing themselves, the member
stack's reader role and forwarding rules, the hub's event bus policy and the StackSet."""

from __future__ import annotations

import json
from typing import Any

import aws_cdk as cdk
import pytest

from app import build_app
from infra.core.config import ConfigError, config_from_context
from infra.core.dashboard import GROUP_BY
from infra.core.hub import MEMBER_BUS_NAME, WORK_RECEIVES
from lambdas.alerts.model import alarm_kind
from lambdas.hub.dispatch.settings import DispatcherSettings
from lambdas.platform.settings import load_settings
from tests.infra.conftest import (
    DEFAULT_CONTEXT,
    HUB,
    HUB_KEYS,
    MEMBERS,
    ORGANIZATION,
    OU,
    REGIONS,
    Synthesized,
    cfn_lint,
    synthesize,
)
from tests.infra.test_environment import (
    POWERTOOLS_VARIABLES,
    REF_RETURNS,
    SET_WHEN_CONFIGURED,
    _deployed_value,
    _settings_model,
)

COLLECTOR_POLICIES = ("SubnetCollection", "EcsCollection", "EniCensusCollector", "AlertsForecaster")
READ_SERVICES = ("ec2:", "ecs:", "eks:", "autoscaling:")

# What members may put on the hub's bus: AWS's own sources the rules match, and no other (CloudTrail's aws.ec2 only
# with monitor:cloudTrailSignals).
FORWARDED_SOURCES = ["aws.autoscaling", "aws.ecs"]


@pytest.fixture(scope="module")
def member(hub: Synthesized) -> dict[str, Any]:
    return dict(json.loads((hub.outdir / "SubnetIpMonitorMember.template.json").read_text()))


def _statements(synthesized: Synthesized, prefix: str) -> list[dict[str, Any]]:
    return [
        statement
        for logical_id, policy in synthesized.of_type("AWS::IAM::Policy").items()
        if logical_id.startswith(prefix)
        for statement in policy["Properties"]["PolicyDocument"]["Statement"]
    ]


def _actions(statements: list[dict[str, Any]]) -> set[str]:
    return {a for s in statements for a in (s["Action"] if isinstance(s["Action"], list) else [s["Action"]])}


def test_given_hub_mode_then_both_templates_pass_cfn_lint(hub):
    for name in ("SubnetIpMonitor", "SubnetIpMonitorMember"):
        result = cfn_lint(hub.outdir / f"{name}.template.json")
        assert result.returncode == 0, result.stdout + result.stderr


def _reader(account: str) -> dict[str, Any]:
    return {"Fn::Join": ["", ["arn:", {"Ref": "AWS::Partition"}, f":iam::{account}:role/SubnetIpMonitorReader"]]}


# Only the targets' reader roles: the listed members' by ARN, any other only inside the organization (the
# accounts under the units are found at run time).
LISTED_READERS = [_reader(m) for m in MEMBERS]
ORGANIZATION_READERS = {"Resource": _reader("*"), "Condition": {"StringEquals": {"aws:ResourceOrgID": ORGANIZATION}}}


def _assume_grants(statements: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [
        {k: v for k, v in s.items() if k in ("Resource", "Condition")}
        for s in statements
        if s["Action"] == "sts:AssumeRole" and s["Effect"] == "Allow"
    ]


def test_given_hub_mode_then_collectors_read_nothing_themselves_and_may_only_assume_the_targets_reader_roles(hub):
    for collector in COLLECTOR_POLICIES:
        statements = _statements(hub, collector)
        assert statements, collector
        assert not [a for a in _actions(statements) if a.startswith(READ_SERVICES)], collector
        assert _assume_grants(statements) == [{"Resource": LISTED_READERS}, ORGANIZATION_READERS], collector


def test_given_listed_members_only_then_the_hub_may_assume_no_other_accounts_reader_role(tmp_path):
    synthesized = synthesize(tmp_path, **HUB_KEYS)
    for collector in (*COLLECTOR_POLICIES, "EventWatchingHandler", "AlertsComposer"):
        assert _assume_grants(_statements(synthesized, collector)) == [{"Resource": LISTED_READERS}], collector


def test_given_hub_mode_then_the_member_role_holds_exactly_what_the_functions_read_in_account_mode(synthesized, member):
    # What the functions' own roles are granted on EC2, ECS and EKS when they read their own account: the
    # collectors', and the composer's and the event handler's lookups for their emails.
    account_mode = {a for a in _actions(_statements(synthesized, "")) if a.startswith(READ_SERVICES)}
    assert "ec2:DescribeVpcs" in account_mode  # the composer's, beside the collectors' reads
    (role,) = [
        r for r in member["Resources"].values() if r["Type"] == "AWS::IAM::Role" and "Policies" in r["Properties"]
    ]
    (policy,) = role["Properties"]["Policies"]
    granted = {a for s in policy["PolicyDocument"]["Statement"] for a in s["Action"]}
    assert granted == account_mode
    assert all(s["Effect"] == "Allow" for s in policy["PolicyDocument"]["Statement"])
    assert role["Properties"]["RoleName"] == "SubnetIpMonitorReader"
    assert role["Condition"] == "InRoleRegion"
    assert member["Conditions"]["InRoleRegion"] == {"Fn::Equals": [{"Ref": "AWS::Region"}, REGIONS[0]]}


def test_given_the_member_role_then_it_trusts_only_the_hubs_collector_and_email_roles(member):
    (role,) = [
        r for r in member["Resources"].values() if r["Type"] == "AWS::IAM::Role" and "Policies" in r["Properties"]
    ]
    (trust,) = role["Properties"]["AssumeRolePolicyDocument"]["Statement"]
    assert trust["Action"] == "sts:AssumeRole"
    assert trust["Principal"] == {"AWS": {"Fn::Join": ["", ["arn:", {"Ref": "AWS::Partition"}, f":iam::{HUB}:root"]]}}
    names = [p["Fn::Join"][1][-1] for p in trust["Condition"]["ArnEquals"]["aws:PrincipalArn"]]
    collectors = [f":iam::{HUB}:role/SubnetIpMonitor-collector-{c}" for c in ("subnets", "ecs", "census", "forecast")]
    emails = [f":iam::{HUB}:role/SubnetIpMonitor-{name}" for name in ("event-handler", "alert-composer")]
    assert names == [*collectors, *emails]


def test_given_the_member_stack_then_every_watched_aws_event_is_forwarded_to_the_hubs_bus(hub, member):
    # The event handler's rules (the composer's alarm rule is the hub's own, not a member's event).
    hub_rules = [r["Properties"] for k, r in hub.of_type("AWS::Events::Rule").items() if k.startswith("EventWatching")]
    on_member_bus = [r for r in hub_rules if _on_member_bus(r)]
    on_monitor_bus = [r for r in hub_rules if "EventBusName" in r and r not in on_member_bus]
    on_default_bus = [r for r in hub_rules if "EventBusName" not in r]
    forwarding = [r for r in member["Resources"].values() if r["Type"] == "AWS::Events::Rule"]
    patterns = sorted(json.dumps(r["EventPattern"], sort_keys=True) for r in on_default_bus)
    assert len(patterns) == 5
    # Only AWS's reserved sources travel from the members; the census's own events only its private bus.
    assert all(source.startswith("aws.") for r in forwarding for source in r["Properties"]["EventPattern"]["source"])
    assert [r["EventPattern"]["source"] for r in on_monitor_bus] == [["subnet-ip-monitor"]]
    assert sorted(json.dumps(r["Properties"]["EventPattern"], sort_keys=True) for r in forwarding) == patterns
    assert sorted(json.dumps(r["EventPattern"], sort_keys=True) for r in on_member_bus) == patterns
    bus = f":events:eu-west-1:{HUB}:event-bus/{MEMBER_BUS_NAME}"
    assert {r["Properties"]["Targets"][0]["Arn"]["Fn::Join"][1][-1] for r in forwarding} == {bus}
    forwarder = {r["Properties"]["Targets"][0]["RoleArn"]["Fn::GetAtt"][0] for r in forwarding}
    assert len(forwarder) == 1  # one role for every rule


def _member_bus_policies(synthesized: Synthesized) -> list[dict[str, Any]]:
    policies = synthesized.of_type("AWS::Events::EventBusPolicy").values()
    return [p for p in policies if _on_member_bus(p["Properties"])]


def _on_member_bus(properties: dict[str, Any]) -> bool:
    """The rule or bus policy is on the hub's member bus (MemberEventBus)."""
    return str(properties.get("EventBusName", {}).get("Ref", "")).startswith("MemberEventsBus")


def test_given_an_organization_id_then_the_hub_bus_accepts_its_members_only(hub):
    (policy,) = _member_bus_policies(hub)
    statement = policy["Properties"]["Statement"]
    assert statement["Action"] == "events:PutEvents"
    assert statement["Condition"] == {
        "StringEquals": {"aws:PrincipalOrgID": ORGANIZATION},
        "ForAllValues:StringEquals": {"events:source": FORWARDED_SOURCES},
        "Null": {"events:source": "false"},
    }


def test_given_listed_members_and_no_organization_then_the_hub_bus_accepts_those_accounts_only(tmp_path):
    synthesized = synthesize(tmp_path, **HUB_KEYS)
    (policy,) = _member_bus_policies(synthesized)
    principal = policy["Properties"]["Statement"]["Principal"]["AWS"]
    accounts = [p["Fn::Join"][1][-1] for p in (principal if isinstance(principal, list) else [principal])]
    assert accounts == [f":iam::{m}:root" for m in MEMBERS]
    assert policy["Properties"]["Statement"]["Condition"] == {
        "ForAllValues:StringEquals": {"events:source": FORWARDED_SOURCES},
        "Null": {"events:source": "false"},
    }


def test_given_hub_mode_then_each_collector_consumes_its_own_work_queue_one_message_at_a_time(hub):
    mappings = list(hub.of_type("AWS::Lambda::EventSourceMapping").values())
    assert len(mappings) == len(COLLECTOR_POLICIES)
    for mapping in mappings:
        properties = mapping["Properties"]
        assert properties["BatchSize"] == 1
        assert properties["ScalingConfig"] == {"MaximumConcurrency": 7}
        assert properties["FunctionResponseTypes"] == ["ReportBatchItemFailures"]
    queues = {k: q["Properties"] for k, q in hub.of_type("AWS::SQS::Queue").items() if "WorkQueue" in k}
    assert len(queues) == len(COLLECTOR_POLICIES)
    for queue in queues.values():
        assert "KmsMasterKeyId" in queue
        assert queue["RedrivePolicy"]["maxReceiveCount"] == WORK_RECEIVES


def test_given_hub_mode_then_every_schedule_runs_the_dispatcher_with_its_collector_and_queue(hub):
    functions = hub.of_type("AWS::Lambda::Function")
    (dispatcher,) = [
        k for k, f in functions.items() if f["Properties"]["Handler"] == "lambdas.hub.dispatch.handler.handler"
    ]
    schedules = [
        r["Properties"] for r in hub.of_type("AWS::Events::Rule").values() if "ScheduleExpression" in r["Properties"]
    ]
    dispatched = [s for s in schedules if s["Targets"][0]["Arn"]["Fn::GetAtt"][0] == dispatcher]
    inputs = sorted(json.loads(json.dumps(s["Targets"][0]["Input"]))["Fn::Join"][1][0] for s in dispatched)
    assert len(dispatched) == len(COLLECTOR_POLICIES)
    assert [i.split('"')[3] for i in inputs] == ["census", "ecs", "forecast", "subnets"]
    # The digest keeps its own schedule; no collector is run by a schedule directly.
    collectors = {
        k
        for k, f in functions.items()
        if f["Properties"]["Handler"].endswith(
            ("subnets.handler.handler", "ecs.handler.handler", "census.handler.handler", "forecast_handler.handler")
        )
    }
    assert not [s for s in schedules if s["Targets"][0]["Arn"]["Fn::GetAtt"][0] in collectors]


def test_given_hub_mode_then_the_dispatchers_environment_validates_and_it_may_only_list_send_and_publish(hub):
    (function,) = [
        f["Properties"]
        for f in hub.of_type("AWS::Lambda::Function").values()
        if f["Properties"]["Handler"] == "lambdas.hub.dispatch.handler.handler"
    ]
    resources = hub.resources
    environment = {
        k: (v if isinstance(v, str) else REF_RETURNS[resources[v["Ref"]]["Type"]])
        for k, v in function["Environment"]["Variables"].items()
    }
    settings = load_settings(DispatcherSettings, environment)
    assert (settings.member_accounts, settings.organization_unit_ids, settings.regions) == (
        tuple(MEMBERS),
        (OU,),
        tuple(REGIONS),
    )
    assert _actions(_statements(hub, "Hub")) == {
        "logs:CreateLogStream",
        "logs:PutLogEvents",
        "organizations:ListAccountsForParent",
        "organizations:ListOrganizationalUnitsForParent",
        "cloudwatch:PutMetricData",
        "sqs:SendMessage",
        "sqs:GetQueueAttributes",
        "sqs:GetQueueUrl",
        "kms:Decrypt",
        "kms:Encrypt",
        "kms:ReEncrypt*",
        "kms:GenerateDataKey*",
        # A failed or expired dispatch goes to the failed-runs queue (the key through SQS); with units, the
        # accounts it found go to the targets document (the key through S3).
        "kms:GenerateDataKey",
        "s3:PutObject",
    }
    (put,) = [s for s in _statements(hub, "Hub") if s["Action"] == "s3:PutObject"]
    assert put["Resource"]["Fn::Join"][1][-1] == "/targets/accounts.json"


def test_given_the_stack_set_then_it_deploys_the_member_template_to_the_units_in_every_region(hub):
    (stack_set,) = hub.of_type("AWS::CloudFormation::StackSet").values()
    properties = stack_set["Properties"]
    assert properties["PermissionModel"] == "SERVICE_MANAGED"
    assert properties["AutoDeployment"] == {"Enabled": True, "RetainStacksOnAccountRemoval": False}
    assert properties["Capabilities"] == ["CAPABILITY_NAMED_IAM"]
    (instances,) = properties["StackInstancesGroup"]
    assert instances == {"DeploymentTargets": {"OrganizationalUnitIds": [OU]}, "Regions": REGIONS}
    body = json.loads(properties["TemplateBody"])
    assert "BootstrapVersion" not in body.get("Parameters", {})  # member accounts need no CDK bootstrap
    assert [
        r["Properties"]["RoleName"]
        for r in body["Resources"].values()
        if r["Type"] == "AWS::IAM::Role" and "RoleName" in r["Properties"]
    ] == ["SubnetIpMonitorReader"]


@pytest.mark.parametrize(
    ("keys", "message"),
    [
        (
            {"mode": "hub", "hubAccountId": HUB, "hubRegion": "eu-west-1"},
            "needs monitor:memberAccounts or monitor:organizationUnitIds",
        ),
        ({"mode": "hub", "memberAccounts": MEMBERS}, "monitor:mode=hub needs monitor:hubAccountId"),
        ({**HUB_KEYS, "memberAccounts": [], "organizationUnitIds": [OU]}, "needs monitor:organizationId"),
        ({"memberAccounts": MEMBERS}, "monitor:memberAccounts: applies only with monitor:mode=hub"),
        (
            {**HUB_KEYS, "deployMembersWithStackSet": True},
            "deployMembersWithStackSet needs monitor:organizationUnitIds",
        ),
        (
            {**HUB_KEYS, "memberAccounts": ["1234"], "organizationId": ORGANIZATION},
            "monitor:memberAccounts: not an account id",
        ),
        ({**HUB_KEYS, "regions": ["Ireland"]}, "monitor:regions: not a region name"),
        ({**HUB_KEYS, "workerConcurrency": 1}, "monitor:workerConcurrency"),
    ],
)
def test_given_bad_hub_configuration_then_synth_fails_naming_the_key(keys, message):
    context = {**DEFAULT_CONTEXT, **{f"monitor:{k}": v for k, v in keys.items()}}
    with pytest.raises(ConfigError, match=message):
        config_from_context(context)


def _query_alarms(synthesized: Synthesized) -> dict[str, str]:
    return {
        a["Properties"]["AlarmName"]: a["Properties"]["Metrics"][0]["Expression"]
        for a in synthesized.of_type("AWS::CloudWatch::Alarm").values()
        if "Metrics" in a["Properties"]
    }


def test_given_alarm_per_account_then_each_member_gets_its_own_subnet_alarms(tmp_path):
    synthesized = synthesize(tmp_path, **HUB_KEYS, alarmPerAccount=True)
    alarms = _query_alarms(synthesized)
    for member in MEMBERS:
        utilization = alarms[f"SubnetIpMonitor-subnet-ip-utilization-{member}"]
        free = alarms[f"SubnetIpMonitor-subnet-free-addresses-{member}"]
        assert f"WHERE AccountId = '{member}' GROUP BY AccountId, SubnetId" in utilization
        assert f"WHERE AccountId = '{member}' GROUP BY AccountId, SubnetId" in free
    assert "SubnetIpMonitor-subnet-ip-utilization" not in alarms  # no organization-wide pair beside them
    # The composer explains a per-account alarm's contributors like any other's.

    kind = alarm_kind(f"SubnetIpMonitor-subnet-free-addresses-{MEMBERS[0]}", "SubnetIpMonitor-")
    assert kind is not None
    assert kind.stem == "subnet-free-addresses"


def test_given_more_alarms_than_the_quota_then_synth_fails_naming_the_keys(tmp_path):
    accounts = [f"{n:012d}" for n in range(1, 101)]  # 100 accounts: 200 subnet alarms alone
    context = {**DEFAULT_CONTEXT, **{f"monitor:{k}": v for k, v in {**HUB_KEYS, "memberAccounts": accounts}.items()}}
    context["monitor:alarmPerAccount"] = True

    with pytest.raises(
        ConfigError, match=r"makes 2\d\d Metrics Insights alarms, above monitor:metricsInsightsAlarmQuota \(200"
    ):
        build_app(cdk.App(outdir=str(tmp_path), context=context), config_from_context(context))
    # With the quota raised (and said so), the same configuration synthesizes.
    context["monitor:metricsInsightsAlarmQuota"] = 300
    build_app(cdk.App(outdir=str(tmp_path / "raised"), context=context), config_from_context(context))


def _dashboard_body(synthesized: Synthesized) -> str:
    (dashboard,) = synthesized.of_type("AWS::CloudWatch::Dashboard").values()
    return json.dumps(dashboard["Properties"]["DashboardBody"])


def test_given_hub_mode_then_the_dashboard_ranks_member_accounts_first(hub, synthesized):
    assert "Fullest subnet per member account" in _dashboard_body(hub)
    assert "GROUP BY AccountId ORDER BY MAX() DESC" in _dashboard_body(hub)
    assert "per member account" not in _dashboard_body(synthesized)


def test_given_hub_mode_then_the_email_functions_may_look_members_up_and_read_their_snapshots(hub):
    for function in ("EventWatchingHandler", "AlertsComposer"):
        statements = [s for s in _statements(hub, function) if s["Effect"] == "Allow"]
        assert _assume_grants(statements) == [{"Resource": LISTED_READERS}, ORGANIZATION_READERS], function
        reads = [s for s in statements if s["Action"] == "s3:GetObject"]
        paths = [
            r["Fn::Join"][1][-1]
            for s in reads
            for r in (s["Resource"] if isinstance(s["Resource"], list) else [s["Resource"]])
        ]
        deployments = ["/deployments/latest.json", "/deployments/members/*"] if function == "AlertsComposer" else []
        # The event handler checks an event's account against the dispatcher's list of the units' accounts.
        targets = ["/targets/accounts.json"] if function == "EventWatchingHandler" else []
        expected = ["/census/latest.json", "/census/members/*", *deployments, *targets]
        assert sorted(paths) == sorted(expected), function
    assert "cloudwatch:ListMetrics" in _actions(_statements(hub, "AlertsComposer"))


def test_given_hub_mode_then_every_functions_environment_validates_against_its_settings_model(hub):
    resources = hub.resources
    read: dict[str, Any] = {}
    for function in (f["Properties"] for f in hub.of_type("AWS::Lambda::Function").values()):
        model = _settings_model(function["Handler"])
        environment = {k: _deployed_value(v, resources) for k, v in function["Environment"]["Variables"].items()}
        settings = load_settings(model, environment)
        known = {f.alias for f in model.model_fields.values()}
        assert set(environment) - POWERTOOLS_VARIABLES == known - SET_WHEN_CONFIGURED, function["Handler"]
        read[model.__name__] = settings
    streaks = REF_RETURNS["AWS::DynamoDB::Table"]
    for collector in ("SubnetCollectorSettings", "EcsCollectorSettings", "CensusSettings", "ForecasterSettings"):
        assert read[collector].failure_streak_table == streaks, collector
    assert read["DigestSettings"].failure_streak_table == streaks
    assert read["CensusTableSettings"].is_hub
    assert read["DigestSettings"].is_hub


def _streak_table(synthesized: Synthesized) -> str:
    (logical_id,) = [k for k in synthesized.of_type("AWS::DynamoDB::Table") if k.startswith("HubFailureStreaks")]
    return logical_id


def test_given_hub_mode_then_collectors_write_streaks_and_only_the_digest_reads_them(hub):
    table = _streak_table(hub)
    users: dict[str, set[str]] = {}
    for logical_id, policy in hub.of_type("AWS::IAM::Policy").items():
        for statement in policy["Properties"]["PolicyDocument"]["Statement"]:
            resources = statement["Resource"] if isinstance(statement["Resource"], list) else [statement["Resource"]]
            if any(isinstance(r, dict) and r.get("Fn::GetAtt", [""])[0] == table for r in resources):
                owner = logical_id.split("Function")[0].split("Role")[0]
                users.setdefault(owner, set()).update(_actions([statement]))
    writes = {"dynamodb:GetItem", "dynamodb:PutItem"}
    assert users == {
        "SubnetCollectionCollector": writes,
        "EcsCollectionCollector": writes,
        "EniCensusCollector": writes,
        "AlertsForecaster": writes,
        "AlertsDigest": {"dynamodb:Scan"},
    }


def test_given_hub_mode_then_the_table_and_digest_list_and_read_only_the_members_snapshots(hub):
    deployments = {"EniCensusTableFunction": [], "AlertsDigest": ["deployments/latest.json", "deployments/members/*"]}
    for function, fit in deployments.items():
        statements = [s for s in _statements(hub, function) if s["Effect"] == "Allow"]
        (listing,) = [s for s in statements if s["Action"] == "s3:ListBucket"]
        listed = ["census/members/*", *[f for f in fit if f.endswith("*")]]
        assert listing["Condition"] == {"StringLike": {"s3:prefix": listed}}, function
        reads = [s for s in statements if s["Action"] == "s3:GetObject"]
        paths = sorted(r["Fn::Join"][1][-1] for s in reads for r in s["Resource"])
        assert paths == sorted(["/census/latest.json", "/census/members/*", *[f"/{f}" for f in fit]]), function
    # The digest reads the members' subnets from their snapshots: no EC2 read of its own in the hub.
    assert not {a for a in _actions(_statements(hub, "AlertsDigest")) if a.startswith("ec2:")}


def _dashboard(synthesized: Synthesized) -> dict[str, Any]:
    """The dashboard body as CloudWatch gets it, deploy-time values (ARNs, names) as placeholders."""
    (dashboard,) = synthesized.of_type("AWS::CloudWatch::Dashboard").values()
    body = dashboard["Properties"]["DashboardBody"]
    parts = body["Fn::Join"][1] if isinstance(body, dict) else [body]
    return dict(json.loads("".join(p if isinstance(p, str) else "DEPLOY-TIME" for p in parts)))


def test_given_hub_mode_then_the_account_selector_narrows_every_graph_and_offers_each_member(tmp_path):
    synthesized = synthesize(tmp_path, **HUB_KEYS, accountNames={MEMBERS[1]: "payments-prod"})
    dashboard = _dashboard(synthesized)
    queries = [
        metric[0]["expression"]
        for widget in dashboard["widgets"]
        for metric in widget["properties"].get("metrics", [])
        if isinstance(metric[0], dict) and metric[0]["expression"].startswith("SELECT ")
    ]

    # The text it rewrites is in every graph's query, and no query has a WHERE it would collide with.
    assert len(queries) >= 10
    assert all(GROUP_BY in q and " WHERE " not in q for q in queries)
    (variable,) = dashboard["variables"]
    assert (variable["type"], variable["pattern"], variable["inputType"]) == ("pattern", GROUP_BY, "select")
    assert [(v["label"], v["value"]) for v in variable["values"]] == [
        ("All accounts", GROUP_BY),
        (f"payments-prod ({MEMBERS[1]})", f" WHERE AccountId = '{MEMBERS[1]}' GROUP BY "),
        (MEMBERS[0], f" WHERE AccountId = '{MEMBERS[0]}' GROUP BY "),
    ]


def test_given_account_mode_then_the_dashboard_has_no_account_selector(synthesized):
    assert "variables" not in _dashboard(synthesized)
