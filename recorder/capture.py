"""Turn one proxied exchange into a tagged `Interaction`: service, operation, S3 addressing."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from awsrec.aws import chunked, detect, operations, s3_addressing
from awsrec.cassette import Interaction, Request, Response, header_value

Pairs = list[tuple[str, str]]
UNKNOWN = "unknown"


@dataclass(frozen=True, slots=True)
class Wire:
    """A request exactly as the SDK sent it (before routing rewrites it).

    `payload` is the body with any aws-chunked framing removed (`chunked` then says how it was
    framed, and its checksum trailers); for other bodies it is the body itself.
    """

    method: str
    host: str
    path: str  # wire form, without the query
    raw_query: str
    query: Pairs
    headers: Pairs
    body: bytes
    payload: bytes
    chunked: dict[str, Any] | None = None

    @classmethod
    def make(cls, method: str, host: str, target: str, headers: Pairs, body: bytes) -> Wire:
        parts = urlsplit(target)
        query = parse_qsl(parts.query, keep_blank_values=True)
        payload, framing = _unframe(headers, body)
        path = parts.path or "/"
        return cls(method, host, path, parts.query, query, headers, body, payload, framing)


def _unframe(headers: Pairs, body: bytes) -> tuple[bytes, dict[str, Any] | None]:
    if not chunked.is_aws_chunked(headers):
        return body, None
    content_sha256 = header_value(headers, "x-amz-content-sha256") or ""
    framing: dict[str, Any] = {"content_sha256": content_sha256}
    try:
        payload, trailers = chunked.decode_aws_chunked(body)
    except chunked.AwsChunkedError as e:
        # Recorded as sent: the upstream's answer to a malformed upload is worth keeping too.
        framing["error"] = str(e)
        return body, framing
    # x-amz-trailer-signature is a signature: like the chunk signatures, it is not kept.
    framing["trailers"] = {k: v for k, v in trailers.items() if not k.endswith("-signature")}
    return payload, framing


@dataclass(frozen=True, slots=True)
class Tag:
    """Where the request goes: AWS service and region, and the canonical (path-style) path.

    The operation is not needed to route or sign it, so the cassette writer names it
    (`operation_of`), off the proxy's answer path.
    """

    service: str
    region: str | None
    path: str
    flags: dict[str, Any] = field(default_factory=dict)

    @property
    def is_aws(self) -> bool:
        return self.service != UNKNOWN


def tag(wire: Wire) -> Tag:
    """Detect service and region; canonicalise S3 virtual-hosted paths."""
    service = detect.detect_service(
        wire.method, wire.host, wire.path, wire.query, wire.headers, wire.payload
    )
    if not service or service == UNKNOWN:
        return Tag(UNKNOWN, None, wire.path)
    region = detect.detect_region(wire.host, wire.headers, wire.query)
    path, flags = wire.path, {}
    if service == "s3":
        path, addressing = s3_addressing.canonical_s3(wire.host, wire.path)
        flags["addressing"] = addressing
    return Tag(service, region, path, flags)


def operation_of(interaction: Interaction) -> str:
    """The AWS operation of a recorded request (its service already tagged), or "unknown"."""
    if interaction.service == UNKNOWN:
        return UNKNOWN
    request = interaction.request
    match = operations.identify_operation(
        interaction.service,
        request.method,
        request.path,
        request.query,
        request.headers,
        request.body,
    )
    return match.name if match else UNKNOWN


def build(
    seq: int,
    wire: Wire,
    tagged: Tag,
    status: int,
    response_headers: Pairs,
    response_body: bytes,
    elapsed_ms: float,
) -> Interaction:
    """The interaction as recorded, before normalisation and before its operation is named.

    An aws-chunked upload is stored decoded, flagged with its form and trailers, so replay and
    diff see the object's bytes rather than one SDK's framing of them.
    """
    flags = dict(tagged.flags)
    if wire.chunked is not None:
        flags["aws_chunked"] = wire.chunked
    request = Request(wire.method, tagged.path, list(wire.query), list(wire.headers), wire.payload)
    response = Response(status, response_headers, response_body)
    return Interaction(
        seq=seq,
        service=tagged.service,
        operation=UNKNOWN,
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
