"""At synth, the built stack against the documented AWS limits (lambdas/platform/aws_limits.py): what CloudFormation
or CloudWatch would reject, or silently evaluate wrong, fails `cdk synth` naming the configuration key instead."""

from __future__ import annotations

from aws_cdk import Stack, Token
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_events as events
from aws_cdk import aws_lambda as lambda_

from infra.core.config import ConfigError, MonitorConfig
from infra.core.dashboard import MonitorDashboard
from infra.core.queries import is_metrics_insights
from lambdas.platform import aws_limits

# The keys that set a Metrics Insights alarm's period (each collector's schedule).
PERIOD_KEYS = "monitor:scheduleMinutes, monitor:censusMinutes or monitor:forecastMinutes"
CONCURRENCY_KEYS = "monitor:eventHandlerConcurrency and monitor:workerConcurrency"


def check_stack_limits(stack: Stack, config: MonitorConfig) -> None:
    """Raise ConfigError with one line per limit the synthesized stack would break."""
    problems = [
        *_metrics_insights_alarms(stack, config),
        *_alarm_shapes(stack),
        *_schedules(stack),
        *_reserved_concurrency(stack, config),
        *_dashboard_queries(stack),
    ]
    if problems:
        raise ConfigError("\n".join(problems))


def metrics_insights_alarms(stack: Stack) -> list[cloudwatch.CfnAlarm]:
    """The stack's alarms on a Metrics Insights query (SELECT …), which have limits and a quota of their own."""
    found = []
    for construct in stack.node.find_all():
        if isinstance(construct, cloudwatch.CfnAlarm) and construct.metrics is not None:
            queries = stack.resolve(construct.metrics)
            if any(is_metrics_insights(q.get("expression", q.get("Expression", ""))) for q in queries):
                found.append(construct)
    return found


def _metrics_insights_alarms(stack: Stack, config: MonitorConfig) -> list[str]:
    alarms = metrics_insights_alarms(stack)
    problems = []
    if len(alarms) > config.metrics_insights_alarm_quota:
        problems.append(
            f"monitor:alarmPerAccount / monitor:alarmPerVpc: this configuration makes {len(alarms)} Metrics Insights "
            f"alarms, above monitor:metricsInsightsAlarmQuota ({config.metrics_insights_alarm_quota}, CloudWatch's "
            "default per account and region). List fewer accounts or VPCs, turn the per-account alarms off, or "
            "raise the quota in Service Quotas and set monitor:metricsInsightsAlarmQuota to it."
        )
    lookback = aws_limits.METRICS_INSIGHTS_ALARM_LOOKBACK_SECONDS
    for alarm in alarms:
        period = max(int(q.get("period", 0)) for q in stack.resolve(alarm.metrics))
        seconds = period * int(stack.resolve(alarm.evaluation_periods))
        if seconds > lookback.value:
            problems.append(
                f"{PERIOD_KEYS}: alarm {stack.resolve(alarm.alarm_name)} would evaluate {seconds // 60} minutes of "
                f"data; {lookback.what} ({lookback.source})"
            )
    return problems


def _alarm_shapes(stack: Stack) -> list[str]:
    problems = []
    names, actions = aws_limits.ALARM_NAME_LENGTH, aws_limits.ALARM_ACTIONS_PER_STATE
    for construct in stack.node.find_all():
        if not isinstance(construct, cloudwatch.CfnAlarm):
            continue
        name = stack.resolve(construct.alarm_name)
        if isinstance(name, str) and len(name) > names.value:
            problems.append(f"monitor:vpcIds / monitor:memberAccounts: alarm name {name!r} is over {names.what}")
        for state, listed in (("ALARM", construct.alarm_actions), ("OK", construct.ok_actions)):
            count = len(stack.resolve(listed) or [])
            if count > actions.value:
                problems.append(f"alarm {name}: {count} {state} actions, over {actions.what}")
    return problems


def _schedules(stack: Stack) -> list[str]:
    problems = []
    for construct in stack.node.find_all():
        if isinstance(construct, events.CfnRule) and construct.schedule_expression is not None:
            expression = stack.resolve(construct.schedule_expression)
            why = aws_limits.schedule_expression_problem(expression)
            if why:
                problems.append(
                    f"monitor:digestSchedule / the collectors' minutes: schedule {expression!r}: {why} "
                    f"({aws_limits.EVENTBRIDGE_SCHEDULES})"
                )
    return problems


def reserved_concurrency(stack: Stack) -> int:
    """The reserved concurrency of every function in the stack, added up."""
    total = 0
    for construct in stack.node.find_all():
        if isinstance(construct, lambda_.CfnFunction) and construct.reserved_concurrent_executions is not None:
            reserved = construct.reserved_concurrent_executions
            total += int(reserved) if not Token.is_unresolved(reserved) else 0
    return total


def _reserved_concurrency(stack: Stack, config: MonitorConfig) -> list[str]:
    reserved, floor = reserved_concurrency(stack), aws_limits.UNRESERVED_CONCURRENCY_FLOOR
    room = config.account_concurrency_limit - floor.value
    if reserved <= room:
        return []
    return [
        f"monitor:accountConcurrencyLimit: the functions reserve {reserved} concurrent executions, more than "
        f"{room} (monitor:accountConcurrencyLimit {config.account_concurrency_limit} less the {floor.value} "
        f"{floor.what}, {floor.source}). Lower {CONCURRENCY_KEYS}, or raise the account's quota in Service "
        "Quotas and set monitor:accountConcurrencyLimit to it."
    ]


def _dashboard_queries(stack: Stack) -> list[str]:
    limit, problems = aws_limits.QUERIES_PER_REQUEST, []
    for construct in stack.node.find_all():
        if isinstance(construct, MonitorDashboard):
            for title, count in construct.queries_per_widget():
                if count > limit.value:
                    problems.append(f"dashboard graph {title!r} holds {count} queries: {limit.what} ({limit.source})")
    return problems


# A topic's ARN as CloudFormation names it: arn:aws:sns:<region, up to 14>:<account>:<stack>-<logical id>-<13>.
ARN_FIXED_CHARS = len("arn:aws:sns:") + 14 + 1 + 12 + 1 + 1 + 1 + 13


def environment_bytes(stack: Stack, variables: dict[str, object]) -> int:
    """An estimate of the resolved size of a function's environment: each reference (a topic's ARN, a queue's
    URL, a table's name) counted as long as CloudFormation's generated name for it can be."""

    def size(value: object) -> int:
        if isinstance(value, str):
            return len(value.encode())
        if isinstance(value, list):
            return sum(size(v) for v in value)
        if isinstance(value, dict) and ("Ref" in value or "Fn::GetAtt" in value):
            logical_id = value.get("Ref") or value["Fn::GetAtt"][0]
            return ARN_FIXED_CHARS + len(stack.stack_name) + len(str(logical_id))
        if isinstance(value, dict):
            return sum(size(v) for v in value.values())
        return len(str(value))

    return sum(len(k) + size(v) for k, v in variables.items())


def check_environment_size(stack: Stack, function: str, variables: dict[str, str]) -> None:
    """Raise ConfigError if a function's environment would be over Lambda's 4 KB (an estimate: environment_bytes)."""
    limit = aws_limits.LAMBDA_ENVIRONMENT_BYTES
    estimate = environment_bytes(stack, {k: stack.resolve(v) for k, v in variables.items()})
    if estimate > limit.value:
        raise ConfigError(
            f"monitor:routes / monitor:chatTopicArns / monitor:accountNames: function {function} would have an "
            f"environment of about {estimate} bytes, over {limit.value} {limit.what} ({limit.source}). Use fewer "
            "routes or topics, or shorter account names."
        )
