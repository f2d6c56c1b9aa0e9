"""SNS writes."""

from __future__ import annotations

from typing import Any

from ..errors import AWS_ERRORS, NotifyError


def publish_email(sns: Any, topic_arn: str, subject: str, body: str) -> str:
    """Publish one notification (email subscribers get subject and body); return its MessageId."""
    try:
        return str(sns.publish(TopicArn=topic_arn, Subject=subject, Message=body)["MessageId"])
    except AWS_ERRORS as err:
        raise NotifyError.wrap("Publish", err, {"topic": topic_arn}) from err
