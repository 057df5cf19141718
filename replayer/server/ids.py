"""Fresh, AWS-shaped request ids and HTTP dates for every response the server sends."""

from __future__ import annotations

import base64
import os
import time
import uuid
from email.utils import formatdate

# DynamoDB's x-amzn-RequestId is 52 characters of [0-9A-Z], e.g.
# 8MP9I0CE7O7J8U0A9O5IMHMAPRVV4KQNSO5AEMVJF66Q9ASUAAJG (see the "Example" responses in
# https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_GetItem.html).
_DDB_ALPHABET = b"0123456789ABCDEFGHIJKLMNOPQRSTUV"  # 32 symbols: 5 bits each


def request_ids(service: str) -> tuple[str, str]:
    """(request id, host id) as `service` writes them; host id is "" where there is none."""
    if service == "s3":
        # S3: x-amz-request-id is 16 upper-case hex characters and x-amz-id-2 an opaque
        # base64 token (https://docs.aws.amazon.com/AmazonS3/latest/API/RESTCommonResponseHeaders.html).
        return os.urandom(8).hex().upper(), base64.b64encode(os.urandom(48)).decode()
    if service in ("dynamodb", "dynamodbstreams"):
        raw = os.urandom(52)
        return bytes(_DDB_ALPHABET[b & 31] for b in raw).decode(), ""
    # Lambda, STS and the other query/rest-json services use a UUID.
    return str(uuid.uuid4()), ""


class HttpDate:
    """RFC 7231 date for the Date header, recomputed at most once per second."""

    __slots__ = ("_second", "_value")

    def __init__(self) -> None:
        self._second = -1
        self._value = ""

    def now(self) -> str:
        second = int(time.time())
        if second != self._second:
            self._second = second
            self._value = formatdate(second, usegmt=True)
        return self._value
