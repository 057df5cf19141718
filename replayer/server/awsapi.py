"""The server's one door to AWS protocol knowledge in `awsrec.aws`, shaped for the pipeline."""

from __future__ import annotations

from collections.abc import Sequence

from awsrec.aws.detect import detect_region, detect_service
from awsrec.aws.errors import AwsError, render_error
from awsrec.aws.operations import identify_operation
from awsrec.aws.protocol import protocol_of as _protocol_of
from awsrec.aws.s3_addressing import canonical_s3

__all__ = ["AwsError", "canonical", "detect", "identify", "protocol_of", "render_error"]

Pairs = Sequence[tuple[str, str]]


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
