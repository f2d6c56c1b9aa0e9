"""The edge audit: every service-to-service edge of a synthesized template, and the grants AWS needs for it.

moto enforces no resource policy and no key policy, so an alarm that may not publish to its topic, or a rule
that may not write its dead-letter queue, passes every emulator test and fails silently in AWS. This walks the
template's edges (alarm -> topic -> key, rule -> function, rule -> dead-letter queue -> key, function ->
dead-letter queue -> key, log group -> key, bucket -> key for each reader and writer, queue -> consuming
function, member rule -> hub bus) and checks each grant against DOCUMENTED: the principal, the actions and the
only condition keys AWS documents for that path (each row with its source).
"""

from __future__ import annotations

import fnmatch
import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

Template = Mapping[str, Any]


@dataclass(frozen=True)
class Documented:
    """What AWS documents for one kind of edge: who is granted, what, and with which condition keys."""

    principal: str
    actions: frozenset[str]
    required_conditions: frozenset[str]  # the confused-deputy keys the grant must carry
    allowed_conditions: frozenset[str]  # every key AWS documents for this path; anything else may deny it
    source: str


SNS_ACCESS = "https://docs.aws.amazon.com/sns/latest/dg/sns-access-policy-use-cases.html"
SNS_KEYS = "https://docs.aws.amazon.com/sns/latest/dg/sns-key-management.html#compatibility-with-aws-services"
ALARM_TO_SNS = "https://repost.aws/knowledge-center/cloudwatch-receive-sns-for-alarm-trigger"
EVENTBRIDGE_LAMBDA = "https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-use-resource-based.html"
EVENTBRIDGE_DLQ = "https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-rule-dlq.html"
LAMBDA_ASYNC_DLQ = "https://docs.aws.amazon.com/lambda/latest/dg/invocation-async-retain-records.html"
LAMBDA_SQS = "https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-configure.html"
LOGS_KMS = "https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/encrypt-log-data-kms.html"
S3_KMS = "https://docs.aws.amazon.com/AmazonS3/latest/userguide/UsingKMSEncryption.html"
EVENTBRIDGE_CROSS_ACCOUNT = "https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-cross-account.html"
EVENTBRIDGE_KEYS = "https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazoneventbridge.html"
EVENTBRIDGE_RESOURCE_POLICY = "https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-event-bus-perms.html"
IAM_GLOBAL_KEYS = "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html"

DOCUMENTED: dict[str, Documented] = {
    "alarm -> topic": Documented(
        "cloudwatch.amazonaws.com",
        frozenset({"sns:Publish"}),
        frozenset({"aws:SourceArn", "aws:SourceAccount"}),
        frozenset({"aws:SourceArn", "aws:SourceAccount"}),
        f"{ALARM_TO_SNS}; {SNS_ACCESS} (confused-deputy conditions)",
    ),
    "alarm -> topic key": Documented(
        "cloudwatch.amazonaws.com",
        frozenset({"kms:Decrypt", "kms:GenerateDataKey*"}),
        frozenset(),
        frozenset({"aws:SourceArn", "aws:SourceAccount", "kms:EncryptionContext:aws:sns:topicArn"}),
        SNS_KEYS,
    ),
    "rule -> function": Documented(
        "events.amazonaws.com",
        frozenset({"lambda:InvokeFunction"}),
        frozenset({"SourceArn"}),  # AWS::Lambda::Permission's own field: the rule
        frozenset({"SourceArn"}),
        EVENTBRIDGE_LAMBDA,
    ),
    "rule -> dead-letter queue": Documented(
        "events.amazonaws.com",
        frozenset({"sqs:SendMessage"}),
        frozenset({"aws:SourceArn"}),
        frozenset({"aws:SourceArn"}),
        EVENTBRIDGE_DLQ,
    ),
    # The SNS page says source conditions are not supported in KMS policies for EventBridge; the EventBridge
    # dead-letter page documents none for the queue's key.
    "rule -> dead-letter queue key": Documented(
        "events.amazonaws.com",
        frozenset({"kms:Decrypt", "kms:GenerateDataKey*"}),
        frozenset(),
        frozenset(),
        f"{EVENTBRIDGE_DLQ}; {SNS_KEYS}",
    ),
    "function -> dead-letter queue": Documented(
        "the function's role",
        frozenset({"sqs:SendMessage"}),
        frozenset(),
        frozenset(),
        LAMBDA_ASYNC_DLQ,
    ),
    "queue -> consuming function": Documented(
        "the function's role",
        frozenset({"sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:GetQueueAttributes"}),
        frozenset(),
        frozenset(),
        LAMBDA_SQS,
    ),
    "log group -> key": Documented(
        "logs.<region>.amazonaws.com",
        frozenset({"kms:Encrypt*", "kms:Decrypt*", "kms:GenerateDataKey*"}),
        frozenset({"kms:EncryptionContext:aws:logs:arn"}),
        frozenset({"kms:EncryptionContext:aws:logs:arn"}),
        LOGS_KMS,
    ),
    "bucket -> key": Documented(
        "each reader's and writer's role",
        frozenset({"kms:GenerateDataKey", "kms:Decrypt"}),
        frozenset(),
        frozenset({"kms:ViaService"}),
        S3_KMS,
    ),
    "member rule -> hub bus": Documented(
        "the member's forwarding role; the hub bus policy for the member account",
        frozenset({"events:PutEvents"}),
        frozenset({"events:source"}),  # only the sources members forward (aws.*)
        frozenset({"aws:PrincipalOrgID", "events:source"}),
        f"{EVENTBRIDGE_CROSS_ACCOUNT}; {EVENTBRIDGE_KEYS}",
    ),
    "census -> monitor bus": Documented(
        "the census's role; the bus policy denying every other principal",
        frozenset({"events:PutEvents"}),
        frozenset({"aws:PrincipalArn"}),
        frozenset({"aws:PrincipalArn"}),
        f"{EVENTBRIDGE_RESOURCE_POLICY}; {IAM_GLOBAL_KEYS}",
    ),
}


@dataclass
class Audit:
    """The edges checked and what is wrong with their grants."""

    edges: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    def check(self, edge: str, kind: str, ok: bool, why: str) -> None:
        """Count the edge, and keep why when its grant is missing or wrong."""
        self.edges.append(f"{kind}: {edge}")
        if not ok:
            self.problems.append(f"{kind}: {edge}: {why} (documented: {DOCUMENTED[kind].source})")


# Template reading --------------------------------------------------------------------------------------------


def _listed(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def _statements(document: dict[str, Any]) -> list[dict[str, Any]]:
    return [s for s in document.get("Statement", []) if s.get("Effect") == "Allow"]


def _services(statement: dict[str, Any]) -> set[str]:
    principal = statement.get("Principal", {})
    if not isinstance(principal, dict):
        return set()
    return {json.dumps(p) if not isinstance(p, str) else p for p in _listed(principal.get("Service", []))}


def _condition_keys(statement: dict[str, Any]) -> set[str]:
    return {key for operator in statement.get("Condition", {}).values() for key in operator}


def _condition_values(statement: dict[str, Any], key: str) -> list[Any]:
    return [v for operator in statement.get("Condition", {}).values() for k, v in operator.items() if k == key]


def _grants(statement: dict[str, Any], actions: frozenset[str]) -> bool:
    """The statement allows every one of actions (a wildcard action covers what it matches)."""
    allowed = [str(a) for a in _listed(statement.get("Action", []))]
    return all(any(fnmatch.fnmatchcase(a, pattern) for pattern in allowed) for a in actions)


def _refers_to(value: Any, logical_id: str) -> bool:
    """value is a Ref or GetAtt of logical_id, or text joined from one (an ARN built from its parts)."""
    if _target_of(value) == logical_id:
        return True
    return isinstance(value, dict) and "Fn::Join" in value and f'"{logical_id}"' in json.dumps(value)


def _target_of(value: Any) -> str | None:
    """The logical id a Ref or GetAtt names."""
    if isinstance(value, dict):
        if "Ref" in value:
            return str(value["Ref"])
        if "Fn::GetAtt" in value:
            return str(value["Fn::GetAtt"][0])
    return None


def render(value: Any, pseudo: dict[str, str]) -> str:
    """A CloudFormation value as text: pseudo parameters substituted, other references as <logical id>."""
    if isinstance(value, str):
        return value
    if isinstance(value, dict) and "Fn::Join" in value:
        separator, parts = value["Fn::Join"]
        return str(separator).join(render(p, pseudo) for p in parts)
    if isinstance(value, dict) and "Ref" in value:
        return pseudo.get(value["Ref"], f"<{value['Ref']}>")
    if isinstance(value, dict) and "Fn::GetAtt" in value:
        return f"<{'.'.join(value['Fn::GetAtt'])}>"
    return json.dumps(value)


def _of_type(template: Template, resource_type: str) -> dict[str, dict[str, Any]]:
    return {k: v for k, v in template["Resources"].items() if v["Type"] == resource_type}


def _key_statements(template: Template, key_id: str) -> list[dict[str, Any]]:
    return _statements(template["Resources"][key_id]["Properties"]["KeyPolicy"])


def _resource_policy(template: Template, policy_type: str, list_field: str, target_id: str) -> list[dict[str, Any]]:
    return [
        statement
        for policy in _of_type(template, policy_type).values()
        if any(_refers_to(t, target_id) for t in policy["Properties"][list_field])
        for statement in _statements(policy["Properties"]["PolicyDocument"])
    ]


def _role_statements(template: Template, role_id: str) -> list[dict[str, Any]]:
    """Every Allow statement of the role: inline policies and AWS::IAM::Policy resources attached to it."""
    role = template["Resources"][role_id]["Properties"]
    found = [s for p in role.get("Policies", []) for s in _statements(p["PolicyDocument"])]
    for policy in [
        *_of_type(template, "AWS::IAM::Policy").values(),
        *_of_type(template, "AWS::IAM::ManagedPolicy").values(),
    ]:
        roles = policy["Properties"].get("Roles", [])
        if any(_refers_to(r, role_id) for r in roles):
            found += _statements(policy["Properties"]["PolicyDocument"])
    return found


def _names(statement: dict[str, Any], logical_id: str) -> bool:
    return any(_refers_to(r, logical_id) for r in _listed(statement.get("Resource", [])))


def _key_of(properties: dict[str, Any], *path: str | int) -> str | None:
    """The logical id of the key at path (property names and list positions) in properties, if any."""
    value: Any = properties
    for part in path:
        if isinstance(part, int):
            value = value[part] if isinstance(value, list) and len(value) > part else None
        else:
            value = value.get(part) if isinstance(value, dict) else None
        if value is None:
            return None
    return _target_of(value)


# The edges ---------------------------------------------------------------------------------------------------


def audit(template: Template, pseudo: dict[str, str]) -> Audit:
    """Every edge of one template and what is wrong with its grants."""
    result = Audit()
    _alarms_to_topics(template, pseudo, result)
    _rules(template, result)
    _function_dead_letters(template, result)
    _queue_consumers(template, result)
    _log_groups(template, result)
    _buckets(template, result)
    _monitor_sources(template, result)
    return result


def _monitor_sources(template: Template, result: Audit) -> None:
    """A rule on a source that is not AWS's own (aws.* is reserved) must sit on a bus only its writers may put
    on: a bus policy denying PutEvents to every principal but them (aws:PrincipalArn)."""
    edge = DOCUMENTED["census -> monitor bus"]
    for rule_id, rule in _of_type(template, "AWS::Events::Rule").items():
        sources = _listed((rule["Properties"].get("EventPattern") or {}).get("source", []))
        if all(str(s).startswith("aws.") for s in sources):
            continue
        bus_id = _target_of(rule["Properties"].get("EventBusName"))
        if bus_id is None:
            result.check(
                rule_id, "census -> monitor bus", False, f"source {sources} on the default bus: anyone may forge it"
            )
            continue
        denies = [
            s
            for p in _of_type(template, "AWS::Events::EventBusPolicy").values()
            if _refers_to(p["Properties"].get("EventBusName"), bus_id)
            for s in _listed(p["Properties"].get("Statement", []))
            if s.get("Effect") == "Deny" and s.get("Principal") in ("*", {"AWS": "*"}) and _grants(s, edge.actions)
        ]
        allowed = {
            json.dumps(v)
            for s in denies
            for values in _condition_values(s, "aws:PrincipalArn")
            for v in _listed(values)
        }
        writers = [
            role_id
            for role_id in _of_type(template, "AWS::IAM::Role")
            if any(_grants(s, edge.actions) and _names(s, bus_id) for s in _role_statements(template, role_id))
        ]
        for role_id in writers:
            admitted = json.dumps({"Fn::GetAtt": [role_id, "Arn"]}) in allowed
            result.check(
                f"{role_id} -> {bus_id} -> {rule_id}",
                "census -> monitor bus",
                admitted,
                "the bus does not deny the others",
            )
        if not writers:
            result.check(
                f"{bus_id} -> {rule_id}", "census -> monitor bus", False, "no role may put the monitor's events"
            )


def _alarms_to_topics(template: Template, pseudo: dict[str, str], result: Audit) -> None:
    edge, key_edge = DOCUMENTED["alarm -> topic"], DOCUMENTED["alarm -> topic key"]
    topics = _of_type(template, "AWS::SNS::Topic")
    for alarm in _of_type(template, "AWS::CloudWatch::Alarm").values():
        props = alarm["Properties"]
        name = props["AlarmName"]
        arn = (
            f"arn:{pseudo['AWS::Partition']}:cloudwatch:{pseudo['AWS::Region']}:{pseudo['AWS::AccountId']}:alarm:{name}"
        )
        for action in [*props.get("AlarmActions", []), *props.get("OKActions", [])]:
            topic_id = _target_of(action)
            if topic_id not in topics:
                continue
            allowed = [
                s
                for s in _resource_policy(template, "AWS::SNS::TopicPolicy", "Topics", topic_id)
                if edge.principal in _services(s) and _grants(s, edge.actions) and _names(s, topic_id)
            ]
            matching = [
                s
                for s in allowed
                if edge.required_conditions <= _condition_keys(s) <= edge.allowed_conditions
                and any(fnmatch.fnmatchcase(arn, render(v, pseudo)) for v in _condition_values(s, "aws:SourceArn"))
                and all(
                    render(v, pseudo) == pseudo["AWS::AccountId"] for v in _condition_values(s, "aws:SourceAccount")
                )
            ]
            result.check(
                f"{name} -> {topic_id}",
                "alarm -> topic",
                bool(matching),
                "no topic-policy Allow for cloudwatch.amazonaws.com sns:Publish naming this alarm and account"
                if not allowed
                else "the Allow's conditions do not match this alarm, or use keys not documented for this path",
            )
            key_id = _key_of(topics[topic_id]["Properties"], "KmsMasterKeyId")
            if key_id is None:
                continue
            grants = [
                s
                for s in _key_statements(template, key_id)
                if key_edge.principal in _services(s)
                and _grants(s, key_edge.actions)
                and _condition_keys(s) <= key_edge.allowed_conditions
            ]
            result.check(f"{name} -> {topic_id} -> {key_id}", "alarm -> topic key", bool(grants), "no key grant")


def _rules(template: Template, result: Audit) -> None:
    functions = _of_type(template, "AWS::Lambda::Function")
    queues = _of_type(template, "AWS::SQS::Queue")
    permissions = list(_of_type(template, "AWS::Lambda::Permission").values())
    for rule_id, rule in _of_type(template, "AWS::Events::Rule").items():
        for target in rule["Properties"].get("Targets", []):
            function_id = _target_of(target["Arn"])
            if function_id in functions:
                granted = [
                    p["Properties"]
                    for p in permissions
                    if _refers_to(p["Properties"]["FunctionName"], function_id)
                    and p["Properties"]["Principal"] == DOCUMENTED["rule -> function"].principal
                    and p["Properties"]["Action"] == "lambda:InvokeFunction"
                    and _refers_to(p["Properties"].get("SourceArn"), rule_id)
                ]
                result.check(
                    f"{rule_id} -> {function_id}", "rule -> function", bool(granted), "no permission from this rule"
                )
            dead_letters = _target_of((target.get("DeadLetterConfig") or {}).get("Arn"))
            if dead_letters in queues:
                _rule_dead_letters(template, rule_id, dead_letters, queues[dead_letters], result)


def _rule_dead_letters(template: Template, rule_id: str, queue_id: str, queue: dict[str, Any], result: Audit) -> None:
    edge = DOCUMENTED["rule -> dead-letter queue"]
    granted = [
        s
        for s in _resource_policy(template, "AWS::SQS::QueuePolicy", "Queues", queue_id)
        if edge.principal in _services(s)
        and _grants(s, edge.actions)
        and _condition_keys(s) == edge.required_conditions
        and any(_refers_to(v, rule_id) for v in _condition_values(s, "aws:SourceArn"))
    ]
    result.check(
        f"{rule_id} -> {queue_id}", "rule -> dead-letter queue", bool(granted), "no queue-policy Allow from this rule"
    )
    key_id = _key_of(queue["Properties"], "KmsMasterKeyId")
    if key_id is not None:
        key_edge = DOCUMENTED["rule -> dead-letter queue key"]
        grants = [
            s
            for s in _key_statements(template, key_id)
            if key_edge.principal in _services(s)
            and _grants(s, frozenset({"kms:Decrypt", "kms:GenerateDataKey"}))
            and _condition_keys(s) <= key_edge.allowed_conditions
        ]
        result.check(
            f"{rule_id} -> {queue_id} -> {key_id}",
            "rule -> dead-letter queue key",
            bool(grants),
            "no key grant for events.amazonaws.com without source conditions (KMS does not support them here)",
        )


def _role_grants(template: Template, role_id: str, actions: frozenset[str], resource_id: str) -> bool:
    """The role's statements naming resource_id allow every one of actions."""
    statements = [s for s in _role_statements(template, role_id) if _names(s, resource_id)]
    return all(any(_grants(s, frozenset({a})) for s in statements) for a in actions)


def _role_on_queue(
    template: Template, result: Audit, kind: str, *, edge: str, role_id: str | None, queue: tuple[str, dict[str, Any]]
) -> None:
    """The role may do the kind's actions on the queue, and use the queue's key as that needs."""
    queue_id, properties = queue
    assert role_id is not None
    result.check(edge, kind, _role_grants(template, role_id, DOCUMENTED[kind].actions, queue_id), "the role may not")
    key_id = _key_of(properties, "KmsMasterKeyId")
    if key_id is not None:
        # Sending encrypts (a data key) and decrypts it; receiving only decrypts.
        sends = "sqs:SendMessage" in DOCUMENTED[kind].actions
        key_actions = frozenset({"kms:GenerateDataKey", "kms:Decrypt"} if sends else {"kms:Decrypt"})
        uses = _role_grants(template, role_id, key_actions, key_id)
        result.check(f"{edge} -> {key_id}", kind, uses, "the role may not use the queue's key")


def _function_dead_letters(template: Template, result: Audit) -> None:
    queues = _of_type(template, "AWS::SQS::Queue")
    for function_id, function in _of_type(template, "AWS::Lambda::Function").items():
        queue_id = _target_of((function["Properties"].get("DeadLetterConfig") or {}).get("TargetArn"))
        if queue_id in queues:
            role_id = _target_of(function["Properties"]["Role"])
            edge = f"{function_id} -> {queue_id}"
            queue = (queue_id, queues[queue_id]["Properties"])
            _role_on_queue(template, result, "function -> dead-letter queue", edge=edge, role_id=role_id, queue=queue)


def _queue_consumers(template: Template, result: Audit) -> None:
    queues = _of_type(template, "AWS::SQS::Queue")
    functions = _of_type(template, "AWS::Lambda::Function")
    for mapping in _of_type(template, "AWS::Lambda::EventSourceMapping").values():
        queue_id = _target_of(mapping["Properties"]["EventSourceArn"])
        function_id = _target_of(mapping["Properties"]["FunctionName"])
        if queue_id in queues and function_id in functions:
            role_id = _target_of(functions[function_id]["Properties"]["Role"])
            edge = f"{queue_id} -> {function_id}"
            queue = (queue_id, queues[queue_id]["Properties"])
            _role_on_queue(template, result, "queue -> consuming function", edge=edge, role_id=role_id, queue=queue)


def _log_groups(template: Template, result: Audit) -> None:
    edge = DOCUMENTED["log group -> key"]
    for group_id, group in _of_type(template, "AWS::Logs::LogGroup").items():
        key_id = _key_of(group["Properties"], "KmsKeyId")
        if key_id is None:
            continue
        grants = [
            s
            for s in _key_statements(template, key_id)
            if any("logs." in principal for principal in _services(s))
            and _grants(s, edge.actions)
            and _condition_keys(s) == edge.required_conditions
        ]
        result.check(f"{group_id} -> {key_id}", "log group -> key", bool(grants), "CloudWatch Logs may not use the key")


def _buckets(template: Template, result: Audit) -> None:
    edge = DOCUMENTED["bucket -> key"]
    encryption = ("BucketEncryption", "ServerSideEncryptionConfiguration", 0, "ServerSideEncryptionByDefault")
    for bucket_id, bucket in _of_type(template, "AWS::S3::Bucket").items():
        key_id = _key_of(bucket["Properties"], *encryption, "KMSMasterKeyID")
        if key_id is None:
            continue
        for role_id in _of_type(template, "AWS::IAM::Role"):
            statements = _role_statements(template, role_id)
            on_objects = [s for s in statements if _names(s, bucket_id)]
            for action, key_action in (("s3:PutObject", "kms:GenerateDataKey"), ("s3:GetObject", "kms:Decrypt")):
                if not any(_grants(s, frozenset({action})) for s in on_objects):
                    continue
                uses = any(
                    _grants(s, frozenset({key_action})) and _condition_keys(s) <= edge.allowed_conditions
                    for s in statements
                    if _names(s, key_id)
                )
                result.check(f"{role_id} {action} {bucket_id} -> {key_id}", "bucket -> key", uses, f"no {key_action}")


def audit_forwarding(member: Template, hub: Template, member_account: str, organization_id: str | None) -> Audit:
    """The member's rules to the hub's bus: the forwarding role's trust and policy, and the hub bus policy."""
    result, edge = Audit(), DOCUMENTED["member rule -> hub bus"]
    (hub_bus_id, hub_bus), *_ = _of_type(hub, "AWS::Events::EventBus").items()
    bus_name = hub_bus["Properties"]["Name"]
    bus_grants = [s for p in _of_type(hub, "AWS::Events::EventBusPolicy").values() for s in _bus_statements(p)]
    for rule_id, rule in _of_type(member, "AWS::Events::Rule").items():
        for target in rule["Properties"].get("Targets", []):
            arn = render(target["Arn"], {"AWS::Partition": "aws"})
            if not arn.endswith(f":event-bus/{bus_name}"):
                continue
            role_id = _target_of(target.get("RoleArn"))
            trusted = role_id is not None and any(
                edge_service == "events.amazonaws.com"
                for s in _statements(member["Resources"][role_id]["Properties"]["AssumeRolePolicyDocument"])
                for edge_service in _services(s)
            )
            puts = role_id is not None and any(
                _grants(s, edge.actions)
                and arn in {render(r, {"AWS::Partition": "aws"}) for r in _listed(s["Resource"])}
                for s in _role_statements(member, role_id)
            )
            sources = _listed(rule["Properties"]["EventPattern"].get("source", []))
            accepted = any(
                _grants(s, edge.actions)
                and edge.required_conditions <= _condition_keys(s) <= edge.allowed_conditions
                and all(source in _listed(_condition_values(s, "events:source")[0]) for source in sources)
                and (
                    member_account in json.dumps(s.get("Principal"))
                    or (organization_id is not None and organization_id in _condition_values(s, "aws:PrincipalOrgID"))
                )
                for s in bus_grants
            )
            result.check(
                f"{rule_id} -> {hub_bus_id}",
                "member rule -> hub bus",
                trusted and puts and accepted,
                f"role trusted by EventBridge {trusted}, may put on the bus {puts}, bus accepts the member {accepted}",
            )
    return result


def _bus_statements(policy: dict[str, Any]) -> Iterator[dict[str, Any]]:
    properties = policy["Properties"]
    if "Statement" in properties:
        statement = properties["Statement"]
        yield from _statements({"Statement": _listed(statement)})
    if "Policy" in properties:
        yield from _statements(properties["Policy"])
