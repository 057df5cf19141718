"""Turn one proxied exchange into a tagged `Interaction`: service, operation, S3 addressing."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from awsrec.aws import chunked, detect, operations, s3_addressing
from awsrec.cassette import Interaction, Request, Response

Pairs = list[tuple[str, str]]
UNKNOWN = "unknown"


@dataclass(frozen=True, slots=True)
class Wire:
    """A request exactly as the SDK sent it (before routing rewrites it)."""

    method: str
    host: str
    path: str  # wire form, without the query
    raw_query: str
    query: Pairs
    headers: Pairs
    body: bytes

    @classmethod
    def make(cls, method: str, host: str, target: str, headers: Pairs, body: bytes) -> Wire:
        parts = urlsplit(target)
        query = parse_qsl(parts.query, keep_blank_values=True)
        return cls(method, host, parts.path or "/", parts.query, query, headers, body)


@dataclass(frozen=True, slots=True)
class Tag:
    """What the request is: AWS service and operation, and the canonical (path-style) path."""

    service: str
    operation: str
    region: str | None
    path: str
    flags: dict[str, Any] = field(default_factory=dict)

    @property
    def is_aws(self) -> bool:
        return self.service != UNKNOWN


def tag(wire: Wire) -> Tag:
    """Detect service, region and operation; canonicalise S3 virtual-hosted paths."""
    service = detect.detect_service(wire.method, wire.host, wire.path, wire.query, wire.headers)
    if not service or service == UNKNOWN:
        return Tag(UNKNOWN, UNKNOWN, None, wire.path)
    region = detect.detect_region(wire.host, wire.headers, wire.query)
    path, flags = wire.path, {}
    if service == "s3":
        path, addressing = s3_addressing.canonical_s3(wire.host, wire.path)
        flags["addressing"] = addressing
    body = decoded_body(wire)[0]
    match = operations.identify_operation(
        service, wire.method, path, wire.query, wire.headers, body
    )
    return Tag(service, match.name if match else UNKNOWN, region, path, flags)


def decoded_body(wire: Wire) -> tuple[bytes, dict[str, str]]:
    """The payload of an aws-chunked body and its trailers; other bodies unchanged."""
    if not chunked.is_aws_chunked(wire.headers):
        return wire.body, {}
    return chunked.decode_aws_chunked(wire.body)


def build(
    seq: int,
    wire: Wire,
    tagged: Tag,
    status: int,
    response_headers: Pairs,
    response_body: bytes,
    elapsed_ms: float,
) -> Interaction:
    """The interaction as recorded, before normalisation.

    An aws-chunked upload is stored decoded, flagged with its form and trailers, so replay and
    diff see the object's bytes rather than one SDK's framing of them.
    """
    body, trailers = decoded_body(wire)
    flags = dict(tagged.flags)
    if body is not wire.body:
        content_sha = _header(wire.headers, "x-amz-content-sha256") or ""
        flags["aws_chunked"] = {"content_sha256": content_sha, "trailers": trailers}
    request = Request(wire.method, tagged.path, list(wire.query), list(wire.headers), body)
    response = Response(status, response_headers, response_body)
    return Interaction(
        seq=seq,
        service=tagged.service,
        operation=tagged.operation,
        request=request,
        response=response,
        elapsed_ms=round(elapsed_ms, 3),
        flags=flags,
    )


def header_pairs(fields: Iterable[tuple[bytes, bytes]]) -> Pairs:
    """Header bytes as text pairs, in wire order; non-UTF-8 values keep every byte (latin-1)."""
    return [(_text(k), _text(v)) for k, v in fields]


def _text(raw: bytes) -> str:
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return raw.decode("latin-1")


def _header(headers: Pairs, name: str) -> str | None:
    lname = name.lower()
    return next((v for k, v in headers if k.lower() == lname), None)
