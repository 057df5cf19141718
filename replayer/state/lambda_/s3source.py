"""Code from the served world's S3 (CreateFunction/UpdateFunctionCode with S3Bucket/S3Key).

The core gives a model no handle on the other models, so the Lambda model reads the object
the way a client would: a GetObject through this same server over loopback. That keeps S3's
semantics (versions, errors) in the S3 model, and works with plug-in S3 models too.
"""

from __future__ import annotations

import asyncio
import re
from urllib.parse import quote, urlsplit

from awsrec.errors import AwsrecError
from replayer.state.lambda_.common import invalid

_LOOPBACK = ("127.", "localhost", "[::1]", "::1")


class NotLoopbackError(AwsrecError):
    """The request reached the server under a name that is not a loopback address."""


def endpoint_of(host: str) -> str:
    """`http://HOST:PORT` of this server as the client reached it; loopback names only.

    Handlers get it as AWS_ENDPOINT_URL, so it must never name a real AWS endpoint.
    """
    name = urlsplit(f"http://{host}").hostname or ""
    if not name.startswith(_LOOPBACK) and name not in ("::1", "localhost"):
        raise NotLoopbackError(f"Lambda needs the server reached on a loopback address, not {host}")
    return f"http://{host}"


async def get_object(host: str, bucket: str, key: str, version: str | None) -> bytes:
    """GetObject through the server at `host`; S3 errors become Lambda's wording."""
    url = urlsplit(endpoint_of(host))
    path = f"/{quote(bucket)}/{quote(key)}"
    if version:
        path += f"?versionId={quote(version)}"
    reader, writer = await asyncio.open_connection(url.hostname, url.port or 80)
    try:
        scope = "testing/20260101/us-east-1/s3/aws4_request"
        writer.write(
            f"GET {path} HTTP/1.0\r\nHost: {host}\r\nX-Amz-Date: 20260101T000000Z\r\n"
            f"Authorization: AWS4-HMAC-SHA256 Credential={scope}, SignedHeaders=host, "
            "Signature=00\r\n\r\n".encode()
        )
        await writer.drain()
        raw = await reader.read()
    finally:
        writer.close()
    head, _, body = raw.partition(b"\r\n\r\n")
    status = int(head.split(b" ", 2)[1])
    if status == 200:
        return body
    code = _tag(body, "Code") or f"{status}"
    message = _tag(body, "Message") or ""
    # https://docs.aws.amazon.com/lambda/latest/api/API_CreateFunction.html (S3Key errors)
    raise invalid(
        f"Error occurred while GetObject. S3 Error Code: {code}. S3 Error Message: {message}"
    )


def _tag(body: bytes, name: str) -> str | None:
    m = re.search(rf"<{name}>(.*?)</{name}>".encode(), body, re.S)
    return m.group(1).decode("utf-8", "replace") if m else None
