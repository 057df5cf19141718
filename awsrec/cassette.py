"""Interaction / Cassette model, msgpack codec, versioning and the append-only writer."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

FORMAT_VERSION = 1
SUPPORTED_FORMATS = (1,)

Pairs = list[tuple[str, str]]


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
        lname = name.lower()
        for key, value in self.headers:
            if key.lower() == lname:
                return value
        return default


@dataclass(slots=True)
class Response:
    """One HTTP response as recorded (after normalisation)."""

    status: int
    headers: Pairs = field(default_factory=list)
    body: bytes = b""

    def header(self, name: str, default: str | None = None) -> str | None:
        """First value of header `name`, case-insensitively."""
        lname = name.lower()
        for key, value in self.headers:
            if key.lower() == lname:
                return value
        return default


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
