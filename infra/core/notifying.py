"""What every function that emails needs: the NotifySettings environment and the grants that go with it."""

from __future__ import annotations

import json

from aws_cdk import Stack
from aws_cdk import aws_iam as iam

from infra.core.alerting import Alerting
from infra.core.config import MonitorConfig
from infra.core.dead_letters import DeadLetterQueue
from infra.core.expiring_table import ExpiringTable
from infra.core.keys import AppKey
from lambdas.platform.settings import (
    ACCOUNT_NAMES,
    CHAT_TOPIC_ARNS,
    DEAD_LETTER_QUEUE_URL,
    DEDUPE_WINDOW_MINUTES,
    DOCS_URL,
    INCIDENT_TABLE_NAME,
    METRIC_NAMESPACE,
    MONITOR_MODE,
    PAGING_TOPIC_ARN,
    READER_ROLE_NAME,
    ROUTES,
    RUNBOOK_URL,
    TOPIC_ARN,
)


def notify_environment(
    config: MonitorConfig, alerting: Alerting, incidents: ExpiringTable, dead_letters: DeadLetterQueue
) -> dict[str, str]:
    """The topic, the incident windows and where kept messages go (lambdas.platform.settings.NotifySettings)."""
    # The paging topic and the runbook only when configured: without them, nothing changes for these functions.
    paging = {PAGING_TOPIC_ARN: alerting.paging_topic.topic_arn} if alerting.paging_topic else {}
    runbook = {RUNBOOK_URL: config.runbook_url} if config.runbook_url else {}
    docs = {DOCS_URL: config.docs_url} if config.docs_url else {}
    return {
        **organization_view_environment(config),
        TOPIC_ARN: alerting.topic.topic_arn,
        INCIDENT_TABLE_NAME: incidents.table.table_name,
        DEDUPE_WINDOW_MINUTES: str(config.dedupe_window_minutes),
        DEAD_LETTER_QUEUE_URL: dead_letters.queue.queue_url,
        **paging,
        **runbook,
        **docs,
        **chat_environment(alerting),
        **routes_environment(config, alerting),
    }


def routes_environment(config: MonitorConfig, alerting: Alerting) -> dict[str, str]:
    """monitor:routes as the functions read them: each route's match and its own topics, when there are any."""
    if not alerting.routes:
        return {}
    routes = [
        {**destinations.document(), "match": route.match.document()}
        for route, destinations in zip(config.routes, alerting.routes, strict=True)
    ]
    return {ROUTES: Stack.of(alerting).to_json_string(routes)}


def chat_environment(alerting: Alerting) -> dict[str, str]:
    """The chat topics a function publishes chat messages to, when there are any."""
    return {CHAT_TOPIC_ARNS: ",".join(t.topic_arn for t in alerting.chat_topics)} if alerting.chat_topics else {}


def grant_chat(role: iam.IRole, alerting: Alerting) -> None:
    """Publish to every chat topic (the stack's own uses the app key, granted with the functions' data keys)."""
    for topic in alerting.chat_topics:
        topic.grant_publish(role)


def organization_view_environment(config: MonitorConfig) -> dict[str, str]:
    """The mode and how accounts are named (lambdas.platform.settings.OrganizationViewSettings)."""
    return {
        METRIC_NAMESPACE: config.namespace,
        ACCOUNT_NAMES: json.dumps(config.account_names, sort_keys=True),
        MONITOR_MODE: config.mode,
        READER_ROLE_NAME: config.reader_role_name,
    }


def grant_notify(role: iam.IRole, *, alerting: Alerting, incidents: ExpiringTable, key: AppKey) -> None:
    """Publish to the topic (and the paging topic, when there is one), claim and release incident windows.

    sqs:SendMessage on the dead-letter queue (and the key's Decrypt/GenerateDataKey*) come with
    dead_letter_queue= on the function, and serve the function's own sends too.
    """
    alerting.topic.grant_publish(role)
    if alerting.paging_topic:
        alerting.paging_topic.grant_publish(role)
    grant_chat(role, alerting)
    for route in alerting.routes:
        for topic in (route.topic, *([route.paging_topic] if route.paging_topic else []), *route.chat_topics):
            topic.grant_publish(role)
    # Claim (PutItem) and release (DeleteItem) incident windows.
    incidents.grant_items(role, "dynamodb:PutItem", "dynamodb:DeleteItem")
    key.acknowledge_data_key_actions(role)
