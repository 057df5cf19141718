"""Fresh, AWS-shaped request ids and HTTP dates for every response the server sends."""

from __future__ import annotations

import base64
import os
import random
import time
import uuid
from email.utils import formatdate

# DynamoDB's x-amzn-RequestId is 52 characters of [0-9A-Z], e.g.
# 8MP9I0CE7O7J8U0A9O5IMHMAPRVV4KQNSO5AEMVJF66Q9ASUAAJG (see the "Example" responses in
# https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_GetItem.html).
_DDB_ALPHABET = b"0123456789ABCDEFGHIJKLMNOPQRSTUV"  # 32 symbols: 5 bits each
_DDB_TABLE = bytes(_DDB_ALPHABET[b & 31] for b in range(256))
# Ids must be unique, not secret: a seeded PRNG costs no system call per response.
_RNG = random.Random(os.urandom(32))


def request_ids(service: str) -> tuple[str, str]:
    """(request id, host id) as `service` writes them; host id is "" where there is none."""
    if service == "s3":
        # S3: x-amz-request-id is 16 upper-case hex characters and x-amz-id-2 an opaque
        # base64 token (https://docs.aws.amazon.com/AmazonS3/latest/API/RESTCommonResponseHeaders.html).
        raw = _RNG.randbytes(56)
        return raw[:8].hex().upper(), base64.b64encode(raw[8:]).decode()
    if service in ("dynamodb", "dynamodbstreams"):
        return _RNG.randbytes(52).translate(_DDB_TABLE).decode(), ""
    # Lambda, STS and the other query/rest-json services use a UUID.
    return str(uuid.UUID(bytes=_RNG.randbytes(16), version=4)), ""


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
