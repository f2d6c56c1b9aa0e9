"""Canned HTTP answers for botocore: the fault tests inject errors with them, the benchmark replays with them."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from botocore.awsrequest import AWSResponse


class _Body:
    """What botocore reads an answer from: streamed (most operations) or read (S3 GetObject's Body)."""

    def __init__(self, body: bytes):
        self._body = body
        self._offset = 0

    def stream(self, **_: Any) -> Iterator[bytes]:
        yield self._body

    def read(self, amt: int | None = None) -> bytes:
        end = len(self._body) if amt is None else min(len(self._body), self._offset + amt)
        chunk, self._offset = self._body[self._offset : end], end
        return chunk


def canned_response(url: str, status: int, headers: dict[str, str], body: bytes) -> AWSResponse:
    """An HTTP answer for botocore to parse as if the service had sent it (a `before-send` hook's return)."""
    return AWSResponse(url, status, headers, _Body(body))
