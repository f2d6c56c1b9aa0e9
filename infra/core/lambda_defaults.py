"""The one place that says how every function of this app is built."""

from __future__ import annotations

from pathlib import Path
from typing import cast

from aws_cdk import Acknowledgment, Aws, CfnCondition, Duration, Fn, RemovalPolicy, Stack, Token, Validations
from aws_cdk import aws_iam as iam
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_logs as logs
from aws_cdk import aws_sqs as sqs
from constructs import Construct

from infra.core.config import ConfigError
from infra.core.keys import AppKey
from infra.core.limits import check_environment_size
from infra.core.scanners import skip_check

REPO_ROOT = Path(__file__).resolve().parents[2]
RUNTIME = lambda_.Runtime.PYTHON_3_14
# Powertools for AWS Lambda (Python) v3 public layer, with its extras (pydantic) built for this runtime and
# architecture. The tests must run what the layer ships, so requirements-lambda.txt pins exactly these
# (tests/unit/test_runtime_versions.py checks the pins and the installed packages against this table).
#
# Where the mapping comes from (it is not published as a table, so this is a deduction; verify it with
# `aws lambda get-layer-version-by-arn --arn <the ARN below>`, whose Description names the Powertools version):
# - layer 27 is the version Powertools' install page lists (docs/getting-started/install.md, and the README
#   bump in aws-powertools/powertools-lambda-python PR #7757, made after the 3.22.1 release, PR #7634);
# - each release publishes one layer version (the maintainers' "update layer version number" PRs: 3.1.0 -> 2,
#   3.2.0 -> 3, 3.3.0 -> 4, 3.4.0 -> 5, 3.4.1 -> 6), and 3.20.0's README already showed 23 (PR #7354); the
#   releases after it are 3.21.0, 3.22.0, 3.22.1 and 3.23.0, so 27 is 3.23.0;
# - the layer is built by `pip install aws-lambda-powertools[all]==<version>` (layer_v3/layer/layer_stack.py,
#   cdk-aws-lambda-powertools-layer), so its pydantic is the newest 2.x on that day: 2.12.4 (2.12.5 came later).
#   A guess from release dates, the weakest link here.
POWERTOOLS_LAYER_VERSION = 27
POWERTOOLS_LAYER_SHIPS = {"aws-lambda-powertools": "3.23.0", "pydantic": "2.12.4"}
# The accounts that publish the layer (Powertools' install page: commercial regions, "AWS China regions" and
# "AWS GovCloud regions", one account per GovCloud region). China: cn-north-1 only.
POWERTOOLS_LAYER_ACCOUNT = "017000801446"
POWERTOOLS_LAYER_ACCOUNTS_BY_REGION = {
    "cn-north-1": "498634801083",
    "us-gov-east-1": "165087284144",
    "us-gov-west-1": "165093116878",
}


def lambda_asset() -> lambda_.Code:
    """The `lambdas` package alone (no tests, infra or caches), so handler paths read lambdas.<capability>.handler."""
    return lambda_.Code.from_asset(
        str(REPO_ROOT),
        exclude=["*", ".*", "!lambdas", "!lambdas/**", "**/__pycache__", "**/*.pyc"],
    )


def monitor_function(
    scope: Construct,
    construct_id: str,
    *,
    handler: str,
    description: str,
    environment: dict[str, str],
    key: AppKey,
    timeout: Duration,
    memory_size: int,
    log_retention_days: int,
    retry_attempts: int,
    reserved_concurrency: int,
    dead_letter_queue: sqs.IQueue | None = None,
    role_name: str | None = None,
    max_event_age: Duration | None = None,
) -> tuple[lambda_.Function, iam.Role]:
    """A function with its own role (returned too, for grants), its own log group (encrypted with the app key),
    the Powertools layer and reserved_concurrency (at most that many at once, and never starved by others)."""
    # Logs hold run reports, not user data: they go with the stack. They name accounts, subnets and services,
    # so they are encrypted with the app's key like everything else it keeps.
    log_group = logs.LogGroup(
        scope, f"{construct_id}Logs", encryption_key=key.key, removal_policy=RemovalPolicy.DESTROY
    )
    # Days as configured (validated against CloudWatch's allowed values in infra.config).
    cast(logs.CfnLogGroup, log_group.node.default_child).retention_in_days = log_retention_days
    role = iam.Role(
        scope,
        f"{construct_id}Role",
        assumed_by=iam.ServicePrincipal("lambda.amazonaws.com"),
        description=f"{description} (read-only AWS access, see docs/security.md)",
        role_name=role_name,
    )
    # Instead of AWSLambdaBasicExecutionRole (logs:* on every group): write to this function's group only.
    role.add_to_policy(
        iam.PolicyStatement(
            actions=["logs:CreateLogStream", "logs:PutLogEvents"],
            resources=[log_group.log_group_arn],
        )
    )
    layer = lambda_.LayerVersion.from_layer_version_arn(
        scope,
        f"{construct_id}Powertools",
        f"arn:{Stack.of(scope).partition}:lambda:{Stack.of(scope).region}:{powertools_layer_account(scope)}:layer:"
        f"AWSLambdaPowertoolsPythonV3-{RUNTIME.name.replace('.', '')}-arm64:{POWERTOOLS_LAYER_VERSION}",
    )
    variables = {"POWERTOOLS_SERVICE_NAME": "subnet-ip-monitor", "POWERTOOLS_LOG_LEVEL": "INFO", **environment}
    check_environment_size(Stack.of(scope), f"{scope.node.path}/{construct_id}", variables)
    function = lambda_.Function(
        scope,
        construct_id,
        runtime=RUNTIME,
        architecture=lambda_.Architecture.ARM_64,
        code=lambda_asset(),
        handler=handler,
        description=description,
        role=role,
        log_group=log_group,
        layers=[layer],
        timeout=timeout,
        memory_size=memory_size,
        retry_attempts=retry_attempts,
        reserved_concurrent_executions=reserved_concurrency,
        max_event_age=max_event_age,
        # Where an asynchronous invocation goes, intact, once its retries are spent.
        dead_letter_queue=dead_letter_queue,
        environment=variables,
    )
    if dead_letter_queue is not None:
        # Lambda sends to the queue as the function's role; the queue is encrypted with the app key.
        role.add_to_policy(key.through("sqs", "kms:GenerateDataKey", "kms:Decrypt"))
    skip_check(
        function,
        "CKV_AWS_117",
        "Not in a VPC on purpose: a function in a VPC takes an address from the subnets this app watches, and "
        "it calls only AWS APIs (no private resources to reach).",
    )
    skip_check(
        function,
        "CKV_AWS_173",
        "The environment holds names, ARNs, account ids and thresholds, no secret; Lambda encrypts it at rest "
        "with an AWS-managed key, and a customer-managed one would add a KMS call to every cold start.",
    )
    return function, role


def powertools_layer_account(scope: Construct) -> str:
    """The account publishing the Powertools layer in the stack's region: looked up at synth when the region is
    known (hub mode pins it), else chosen by CloudFormation conditions on AWS::Region (one set per stack)."""
    stack = Stack.of(scope)
    if not Token.is_unresolved(stack.region):
        if stack.region.startswith("cn-") and stack.region not in POWERTOOLS_LAYER_ACCOUNTS_BY_REGION:
            # Only hub mode pins the region at synth, to monitor:hubRegion.
            raise ConfigError(
                f"monitor:hubRegion: {stack.region}: the Powertools layer is published in cn-north-1 only"
            )
        return POWERTOOLS_LAYER_ACCOUNTS_BY_REGION.get(stack.region, POWERTOOLS_LAYER_ACCOUNT)
    account = POWERTOOLS_LAYER_ACCOUNT
    for region, publisher in POWERTOOLS_LAYER_ACCOUNTS_BY_REGION.items():
        condition_id = f"PowertoolsLayerIn{region.title().replace('-', '')}"
        condition = stack.node.try_find_child(condition_id) or CfnCondition(
            stack, condition_id, expression=Fn.condition_equals(Aws.REGION, region)
        )
        account = Fn.condition_if(cast(CfnCondition, condition).logical_id, publisher, account).to_string()
    return account


def grant_read_and_publish(
    scope: Construct,
    role: iam.Role,
    *,
    namespace: str,
    reads: list[iam.PolicyStatement],
    why: str,
    publish_metrics: bool = True,
) -> iam.Policy:
    """Attach the function's read-only AWS actions and (unless told not to) PutMetricData in the app's namespace."""
    policy = iam.Policy(
        scope,
        "ReadAndPublishMetrics",
        statements=[
            *reads,
            *(
                [
                    iam.PolicyStatement(
                        actions=["cloudwatch:PutMetricData"],
                        resources=["*"],
                        conditions={"StringEquals": {"cloudwatch:namespace": namespace}},
                    )
                ]
                if publish_metrics
                else []
            ),
        ],
    )
    policy.attach_to_role(role)
    Validations.of(policy).acknowledge(
        Acknowledgment(
            id="AwsSolutions::AwsSolutions-IAM5[Resource::*]",
            reason=(
                f"Read-only actions whose resource must be '*' ({why}); cloudwatch:PutMetricData has no "
                "resource-level permissions and is limited to this app's namespace by the cloudwatch:namespace "
                "condition. No write action on EC2 or ECS is granted."
            ),
        )
    )
    return policy
