"""SNS writes."""

from __future__ import annotations

from typing import Any

from ..errors import AWS_ERRORS, NotifyError
from ..paging import SEVERITY_ATTRIBUTE


def publish_email(sns: Any, topic_arn: str, subject: str, body: str) -> str:
    """Publish one notification (email subscribers get subject and body); return its MessageId."""
    try:
        return str(sns.publish(TopicArn=topic_arn, Subject=subject, Message=body)["MessageId"])
    except AWS_ERRORS as err:
        raise NotifyError.wrap("Publish", err, {"topic": topic_arn}) from err


def publish_page(sns: Any, topic_arn: str, message: str, severity: str) -> str:
    """Publish one page (its severity also as a message attribute, for filter policies); return its MessageId."""
    try:
        response = sns.publish(
            TopicArn=topic_arn,
            Message=message,
            MessageAttributes={SEVERITY_ATTRIBUTE: {"DataType": "String", "StringValue": severity}},
        )
        return str(response["MessageId"])
    except AWS_ERRORS as err:
        raise NotifyError.wrap("Publish", err, {"topic": topic_arn}) from err


def publish_chat(sns: Any, topic_arn: str, message: str) -> str:
    """Publish one chat notification (a JSON document, no subject); return its MessageId."""
    try:
        return str(sns.publish(TopicArn=topic_arn, Message=message)["MessageId"])
    except AWS_ERRORS as err:
        raise NotifyError.wrap("Publish", err, {"topic": topic_arn}) from err
