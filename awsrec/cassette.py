"""Interaction / Cassette model and the v1 codec between it and msgpack maps (with versioning).

File I/O (append-only writer, streaming reader, atomic dump) lives in `awsrec.cassette_io`; its
names are re-exported here, so `from awsrec.cassette import load_cassette` works too.

Layout of a `NAME.awsrec` file, format 1: the header as one plain msgpack map, then every
interaction record in ONE raw deflate stream (RFC 1951, zlib wbits=-15).

The header map, plain so that any msgpack reader sees the marker and `format` first::

    "awsrec": "cassette"       marker: a msgpack file without it is not a cassette
    "format": 1                readers reject formats they do not know, naming the ones they do
    "records": "deflate"       how the records after the header are encoded (the only one so far)
    "awsrec_version": str      "recorded_at": str (ISO 8601)
    "upstream": str            "region": str
    "placeholders": {str: str} "rule_sets": {str: str}

Then the records: one msgpack map per interaction, in recording order, packed back to back and
compressed as one deflate stream that is sync-flushed (Z_SYNC_FLUSH) after every record. Each
record therefore ends on a byte boundary with the empty stored block 00 00 FF FF, later records
can refer back to earlier ones (headers repeat, which is where most of the saving comes from),
and the stream is never finished (no BFINAL block), so a writer reopening the file continues it
with a fresh compressor. A record without its flush is a torn tail. Each record::

    "seq": int  "service": str  "operation": str
    "request":  {"method": str, "path": str, "query": PAIRS, "headers": PAIRS, "body": bin}
    "response": {"status": int, "headers": PAIRS, "body": bin}
    "elapsed_ms": float  "placeholders": [str, ...]  "flags": {str: any msgpack value}

PAIRS is a flat array [name1, value1, name2, value2, ...] of str, in wire order (flat is
smaller and faster to decode than an array of 2-arrays). Bodies are always msgpack `bin`, even
when empty. Every key above is required and type-checked on read; unknown keys are ignored, so
a later 1.x writer may add optional keys without breaking older readers. Any other change
bumps `format`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TypeVar

from awsrec.errors import CassetteFormatError

if TYPE_CHECKING:
    from awsrec.cassette_io import (
        CassetteWriter,
        TruncatedCassetteWarning,
        cassette_files,
        dump_cassette,
        iter_cassette,
        load_cassette,
        uncompressed_bytes,
    )

__all__ = [
    "FORMAT_VERSION",
    "MAGIC",
    "RECORDS",
    "SUPPORTED_FORMATS",
    "SUPPORTED_RECORDS",
    "Cassette",
    "CassetteHeader",
    "CassetteWriter",
    "Interaction",
    "Pairs",
    "Request",
    "Response",
    "TruncatedCassetteWarning",
    "cassette_files",
    "decode_header",
    "decode_interaction",
    "dump_cassette",
    "encode_header",
    "encode_interaction",
    "header_value",
    "iter_cassette",
    "load_cassette",
    "uncompressed_bytes",
]

FORMAT_VERSION = 1
SUPPORTED_FORMATS = (1,)
# Marker key and value in the header map: tells a cassette from any other msgpack file.
MAGIC = ("awsrec", "cassette")
# How the interaction records after the header are encoded (header key "records").
RECORDS = "deflate"
SUPPORTED_RECORDS = (RECORDS,)

Pairs = list[tuple[str, str]]


def header_value(headers: Pairs, name: str, default: str | None = None) -> str | None:
    """First value of header `name` in `headers`, case-insensitively."""
    lname = name.lower()
    for key, value in headers:
        if key.lower() == lname:
            return value
    return default


@dataclass(slots=True)
class Request:
    """One HTTP request as recorded (after normalisation and redaction)."""

    method: str
    path: str
    query: Pairs = field(default_factory=list)
    headers: Pairs = field(default_factory=list)
    body: bytes = b""

    def header(self, name: str, default: str | None = None) -> str | None:
        """First value of header `name`, case-insensitively."""
        return header_value(self.headers, name, default)


@dataclass(slots=True)
class Response:
    """One HTTP response as recorded (after normalisation)."""

    status: int
    headers: Pairs = field(default_factory=list)
    body: bytes = b""

    def header(self, name: str, default: str | None = None) -> str | None:
        """First value of header `name`, case-insensitively."""
        return header_value(self.headers, name, default)


@dataclass(slots=True)
class Interaction:
    """One request/response exchange, tagged with its AWS service and operation."""

    seq: int
    service: str
    operation: str
    request: Request
    response: Response
    elapsed_ms: float = 0.0
    placeholders: list[str] = field(default_factory=list)
    # Extra facts about the exchange, e.g. {"addressing": "virtual"} for S3.
    flags: dict[str, Any] = field(default_factory=dict)


@dataclass(slots=True)
class CassetteHeader:
    """What a cassette says about itself."""

    awsrec_version: str
    recorded_at: str
    upstream: str
    region: str = "us-east-1"
    format: int = FORMAT_VERSION
    placeholders: dict[str, str] = field(default_factory=dict)
    rule_sets: dict[str, str] = field(default_factory=dict)


@dataclass(slots=True)
class Cassette:
    """A header and its interactions, in recording order."""

    header: CassetteHeader
    interactions: list[Interaction] = field(default_factory=list)


# --- codec: model <-> msgpack-ready maps ---------------------------------------------------------

T = TypeVar("T")
_IO_NAMES = frozenset(
    {
        "CassetteWriter",
        "TruncatedCassetteWarning",
        "cassette_files",
        "dump_cassette",
        "iter_cassette",
        "load_cassette",
        "uncompressed_bytes",
    }
)


def __getattr__(name: str) -> object:
    # Lazy re-export: cassette_io imports this module, so an eager import here would be circular.
    if name in _IO_NAMES:
        from awsrec import cassette_io

        return getattr(cassette_io, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def _kind(value: object) -> str:
    return "nil" if value is None else type(value).__name__


def _get(m: Mapping[object, object], key: str, kind: type[T], where: str) -> T:
    """m[key], checked to be a `kind` (an int is never a bool)."""
    try:
        value = m[key]
    except KeyError:
        raise CassetteFormatError(f"{where} has no {key!r}") from None
    if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
        raise CassetteFormatError(f"{where}.{key} is {_kind(value)}, expected {kind.__name__}")
    return value


def _number(m: Mapping[object, object], key: str, where: str) -> float:
    value = m.get(key)
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise CassetteFormatError(f"{where}.{key} is {_kind(value)}, expected a number")
    return float(value)


_STR = frozenset({str})


def _str_list(value: list[object], where: str) -> list[str]:
    if _STR.issuperset(map(type, value)):
        return value  # type: ignore[return-value]  # the common case, checked in C: all str
    for i, item in enumerate(value):
        if not isinstance(item, str):
            raise CassetteFormatError(f"{where}[{i}] is {_kind(item)}, expected str")
    return value  # type: ignore[return-value]  # every item checked above


def _str_map(value: object, where: str) -> dict[str, str]:
    if not isinstance(value, dict):
        raise CassetteFormatError(f"{where} is {_kind(value)}, expected a map")
    for key, item in value.items():
        if not isinstance(key, str) or not isinstance(item, str):
            raise CassetteFormatError(f"{where} maps {key!r} to {item!r}; expected str to str")
    return value  # type: ignore[return-value]  # every entry checked above


def _pairs(m: Mapping[object, object], key: str, where: str) -> Pairs:
    flat = _str_list(_get(m, key, list, where), f"{where}.{key}")
    if len(flat) % 2:
        raise CassetteFormatError(f"{where}.{key} has an odd number of items ({len(flat)})")
    it = iter(flat)
    return list(zip(it, it))  # noqa: B905  # the length is even (checked above)


def decode_header(obj: object) -> CassetteHeader:
    """The header from the first object of a cassette file; CassetteFormatError if it is not."""
    if not isinstance(obj, dict) or obj.get(MAGIC[0]) != MAGIC[1]:
        got = "a map without the awsrec marker" if isinstance(obj, dict) else _kind(obj)
        raise CassetteFormatError(
            f"not an awsrec cassette (first object is {got}, expected the header map)"
        )
    version = obj.get("format")
    if version not in SUPPORTED_FORMATS or isinstance(version, bool):
        supported = ", ".join(str(v) for v in SUPPORTED_FORMATS)
        raise CassetteFormatError(
            f"cassette format {version!r} is not supported (supported: {supported})"
        )
    w = "header"
    header = CassetteHeader(
        awsrec_version=_get(obj, "awsrec_version", str, w),
        recorded_at=_get(obj, "recorded_at", str, w),
        upstream=_get(obj, "upstream", str, w),
        region=_get(obj, "region", str, w),
        format=FORMAT_VERSION,
        placeholders=_str_map(_get(obj, "placeholders", dict, w), f"{w}.placeholders"),
        rule_sets=_str_map(_get(obj, "rule_sets", dict, w), f"{w}.rule_sets"),
    )
    records = _get(obj, "records", str, w)
    if records not in SUPPORTED_RECORDS:
        supported = ", ".join(SUPPORTED_RECORDS)
        raise CassetteFormatError(
            f"cassette records encoded as {records!r} are not supported (supported: {supported})"
        )
    return header


def decode_interaction(obj: object) -> Interaction:
    """An interaction from its decoded map, every field type-checked (never trust structure)."""
    if not isinstance(obj, dict):
        raise CassetteFormatError(f"interaction is {_kind(obj)}, expected a map")
    req = _get(obj, "request", dict, "interaction")
    resp = _get(obj, "response", dict, "interaction")
    flags = _get(obj, "flags", dict, "interaction")
    for key in flags:
        if not isinstance(key, str):
            raise CassetteFormatError(f"interaction.flags has a non-str key {key!r}")
    return Interaction(
        seq=_get(obj, "seq", int, "interaction"),
        service=_get(obj, "service", str, "interaction"),
        operation=_get(obj, "operation", str, "interaction"),
        request=Request(
            method=_get(req, "method", str, "request"),
            path=_get(req, "path", str, "request"),
            query=_pairs(req, "query", "request"),
            headers=_pairs(req, "headers", "request"),
            body=_get(req, "body", bytes, "request"),
        ),
        response=Response(
            status=_get(resp, "status", int, "response"),
            headers=_pairs(resp, "headers", "response"),
            body=_get(resp, "body", bytes, "response"),
        ),
        elapsed_ms=_number(obj, "elapsed_ms", "interaction"),
        placeholders=_str_list(
            _get(obj, "placeholders", list, "interaction"), "interaction.placeholders"
        ),
        flags=flags,
    )


def _flat(pairs: object, where: str) -> list[str]:
    """Pairs flattened for the file, checked so that what we write we can read back."""
    if not isinstance(pairs, list | tuple):
        raise CassetteFormatError(f"{where} is {_kind(pairs)}, expected a list of pairs")
    flat: list[str] = []
    for item in pairs:
        if not (isinstance(item, tuple | list) and len(item) == 2):
            raise CassetteFormatError(f"{where}: {item!r} is not a (name, value) pair")
        name, value = item
        if not (isinstance(name, str) and isinstance(value, str)):
            raise CassetteFormatError(f"{where}: {item!r} is not a (str, str) pair")
        flat += (name, value)
    return flat


def _body(body: object, where: str) -> bytes | bytearray | memoryview:
    if not isinstance(body, bytes | bytearray | memoryview):
        raise CassetteFormatError(f"{where} is {_kind(body)}, expected bytes")
    return body


def _check(value: object, kind: type[T], where: str) -> T:
    if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
        raise CassetteFormatError(f"{where} is {_kind(value)}, expected {kind.__name__}")
    return value


def encode_header(header: CassetteHeader) -> dict[str, object]:
    """The header map written as the first object of a cassette file."""
    if header.format not in SUPPORTED_FORMATS:
        raise CassetteFormatError(f"cannot write cassette format {header.format!r}")
    w = "header"
    return {
        MAGIC[0]: MAGIC[1],
        "format": header.format,
        "records": RECORDS,
        "awsrec_version": _check(header.awsrec_version, str, f"{w}.awsrec_version"),
        "recorded_at": _check(header.recorded_at, str, f"{w}.recorded_at"),
        "upstream": _check(header.upstream, str, f"{w}.upstream"),
        "region": _check(header.region, str, f"{w}.region"),
        "placeholders": _str_map(dict(header.placeholders), f"{w}.placeholders"),
        "rule_sets": _str_map(dict(header.rule_sets), f"{w}.rule_sets"),
    }


def encode_interaction(i: Interaction) -> dict[str, object]:
    """The map written for one interaction; bodies are referenced, not copied."""
    req, resp = i.request, i.response
    if isinstance(i.elapsed_ms, bool) or not isinstance(i.elapsed_ms, int | float):
        raise CassetteFormatError(f"interaction.elapsed_ms is {_kind(i.elapsed_ms)}")
    return {
        "seq": _check(i.seq, int, "interaction.seq"),
        "service": _check(i.service, str, "interaction.service"),
        "operation": _check(i.operation, str, "interaction.operation"),
        "request": {
            "method": _check(req.method, str, "request.method"),
            "path": _check(req.path, str, "request.path"),
            "query": _flat(req.query, "request.query"),
            "headers": _flat(req.headers, "request.headers"),
            "body": _body(req.body, "request.body"),
        },
        "response": {
            "status": _check(resp.status, int, "response.status"),
            "headers": _flat(resp.headers, "response.headers"),
            "body": _body(resp.body, "response.body"),
        },
        "elapsed_ms": float(i.elapsed_ms),
        "placeholders": _str_list(list(i.placeholders), "interaction.placeholders"),
        "flags": _check_flags(i.flags),
    }


def _check_flags(flags: object) -> dict[str, object]:
    if not isinstance(flags, dict) or not all(isinstance(k, str) for k in flags):
        raise CassetteFormatError("interaction.flags must be a dict with str keys")
    return flags
