"""The server's one door to AWS protocol knowledge in `awsrec.aws` (with stand-ins until it lands).

Service detection, operation identification and error rendering belong to `awsrec.aws`. Until
`awsrec.aws.errors` lands, a minimal stand-in here renders errors per protocol.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any
from xml.sax.saxutils import escape

from awsrec.aws.detect import detect_region, detect_service
from awsrec.aws.operations import identify_operation
from awsrec.aws.protocol import protocol_of as _protocol_of
from awsrec.aws.s3_addressing import canonical_s3

__all__ = ["AwsError", "canonical", "detect", "identify", "protocol_of", "render_error"]

Pairs = Sequence[tuple[str, str]]

try:  # pragma: no cover - which branch runs depends on what has landed
    from awsrec.aws.errors import AwsError, render_error
except ImportError:  # pragma: no cover

    class AwsError(Exception):  # type: ignore[no-redef]
        """An AWS error outcome (stand-in for awsrec.aws.errors.AwsError)."""

        def __init__(
            self,
            code: str,
            message: str,
            status: int | None = None,
            extra: Mapping[str, str] | None = None,
        ) -> None:
            super().__init__(f"{code}: {message}")
            self.code = code
            self.message = message
            self.status = status or 400
            self.extra = dict(extra or {})

    def render_error(  # type: ignore[misc]
        service: str,
        err: AwsError,
        request_id: str = "",
        host_id: str = "",
        head: bool = False,
    ) -> tuple[int, list[tuple[str, str]], bytes]:
        """Stand-in renderer following each protocol's documented error shape."""
        return _fallback_render(service, err, request_id, host_id, head)


def protocol_of(service: str) -> str:
    """The wire protocol of `service` ("rest-xml", "json", "rest-json", "query")."""
    try:
        return _protocol_of(service)
    except Exception:  # a service botocore does not know: answer in S3's dialect
        return "rest-xml"


def detect(
    method: str,
    host: str,
    path: str,
    query: Pairs,
    headers: Pairs,
    body: bytes,
    default_region: str,
) -> tuple[str | None, str]:
    """(service or None, region) of a request; headers are lower-cased pairs."""
    service = detect_service(method, host, path, list(query), list(headers), body)
    region = detect_region(host, list(headers), list(query))
    return service, region or default_region


def identify(
    service: str, method: str, raw_path: str, query: Pairs, headers: Pairs, body: bytes
) -> tuple[str | None, dict[str, str]]:
    """(operation or None, decoded URI labels); `raw_path` path-style, still percent-encoded."""
    match = identify_operation(service, method, raw_path, list(query), list(headers), body)
    if match is None:
        return None, {}
    return match.name, dict(match.labels)


def canonical(host: str, raw_path: str) -> tuple[str, str]:
    """S3 path-style path (still percent-encoded) and the addressing style the client used."""
    return canonical_s3(host, raw_path)


def _fallback_render(
    service: str, err: Any, request_id: str, host_id: str, head: bool
) -> tuple[int, list[tuple[str, str]], bytes]:
    protocol = protocol_of(service)
    status = int(err.status)
    if protocol in ("json", "rest-json"):
        if protocol == "json":
            doc = {"__type": f"com.amazonaws.{service}#{err.code}", "message": err.message}
            ctype = "application/x-amz-json-1.0"
        else:
            doc = {"Type": "User", "message": err.message}
            ctype = "application/json"
        body = json.dumps(doc, separators=(",", ":")).encode()
        headers = [("x-amzn-RequestId", request_id), ("x-amzn-ErrorType", err.code)]
        return status, [*headers, ("Content-Type", ctype)], body
    if protocol == "query":
        kind = "Sender" if status < 500 else "Receiver"
        xml = (
            f"<ErrorResponse><Error><Type>{kind}</Type><Code>{escape(err.code)}</Code>"
            f"<Message>{escape(err.message)}</Message></Error>"
            f"<RequestId>{request_id}</RequestId></ErrorResponse>"
        )
        return (
            status,
            [("x-amzn-RequestId", request_id), ("Content-Type", "text/xml")],
            xml.encode(),
        )
    extra = "".join(f"<{k}>{escape(str(v))}</{k}>" for k, v in err.extra.items())
    xml = (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f"<Error><Code>{escape(err.code)}</Code><Message>{escape(err.message)}</Message>"
        f"{extra}<RequestId>{request_id}</RequestId><HostId>{host_id}</HostId></Error>"
    )
    headers = [("x-amz-request-id", request_id), ("x-amz-id-2", host_id)]
    if head:
        return status, headers, b""
    return status, [*headers, ("Content-Type", "application/xml")], xml.encode()
