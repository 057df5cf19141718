"""Stored objects and parts: their metadata, system headers, tags and checksums."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl

from replayer.state.base import Headers
from replayer.state.s3 import errors
from replayer.state.s3.store import Blob

# System metadata S3 stores from the PUT request and returns on GET/HEAD, as AWS spells it.
SYSTEM_HEADERS = (
    "Cache-Control",
    "Content-Disposition",
    "Content-Encoding",
    "Content-Language",
    "Expires",
    "x-amz-website-redirect-location",
)
DEFAULT_CONTENT_TYPE = "binary/octet-stream"
MAX_TAGS = 10


@dataclass(slots=True)
class Checksum:
    """A stored flexible checksum: algorithm as AWS spells it, base64 value, and its type."""

    algorithm: str
    value: str
    type: str = "FULL_OBJECT"

    def header(self) -> tuple[str, str]:
        return f"x-amz-checksum-{self.algorithm.lower()}", self.value


@dataclass(slots=True)
class Part:
    """One uploaded part (of an upload in progress, or of a completed multipart object)."""

    number: int
    size: int
    etag: str  # md5 hex, unquoted
    last_modified: float
    checksum: str | None = None  # base64 value of the upload's algorithm
    blob: Blob | None = None  # None once the part is inside a completed object

    def to_json(self) -> dict[str, Any]:
        return {
            "number": self.number,
            "size": self.size,
            "etag": self.etag,
            "last_modified": self.last_modified,
            "checksum": self.checksum,
            "blob": self.blob.ref if self.blob else None,
        }


@dataclass(slots=True)
class S3Object:
    key: str
    blob: Blob
    etag: str  # unquoted: md5 hex, or md5-of-md5s "-N" for multipart
    last_modified: float
    content_type: str = DEFAULT_CONTENT_TYPE
    system: dict[str, str] = field(default_factory=dict)
    metadata: list[tuple[str, str]] = field(default_factory=list)  # ("x-amz-meta-a", "1")
    tags: list[tuple[str, str]] = field(default_factory=list)
    checksum: Checksum | None = None
    parts: list[Part] = field(default_factory=list)  # sizes/checksums for partNumber reads
    storage_class: str = "STANDARD"
    # Rendered listing entries by (encoding-type, with owner); objects are replaced, not
    # mutated, on every write that changes what a listing shows.
    listing_xml: dict[tuple[str | None, bool], str] = field(
        default_factory=dict, repr=False, compare=False
    )

    @property
    def size(self) -> int:
        return self.blob.size

    @property
    def quoted_etag(self) -> str:
        return f'"{self.etag}"'

    def to_json(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "blob": self.blob.ref,
            "size": self.blob.size,
            "etag": self.etag,
            "last_modified": self.last_modified,
            "content_type": self.content_type,
            "system": self.system,
            "metadata": self.metadata,
            "tags": self.tags,
            "checksum": (
                [self.checksum.algorithm, self.checksum.value, self.checksum.type]
                if self.checksum
                else None
            ),
            "parts": [p.to_json() for p in self.parts],
            "storage_class": self.storage_class,
        }

    @classmethod
    def from_json(cls, doc: dict[str, Any], blob: Blob) -> S3Object:
        cs = doc.get("checksum")
        return cls(
            key=doc["key"],
            blob=blob,
            etag=doc["etag"],
            last_modified=doc["last_modified"],
            content_type=doc["content_type"],
            system=dict(doc["system"]),
            metadata=[(k, v) for k, v in doc["metadata"]],
            tags=[(k, v) for k, v in doc["tags"]],
            checksum=Checksum(cs[0], cs[1], cs[2]) if cs else None,
            parts=[part_from_json(p, None) for p in doc["parts"]],
            storage_class=doc.get("storage_class", "STANDARD"),
        )


def part_from_json(doc: dict[str, Any], blob: Blob | None) -> Part:
    return Part(
        doc["number"], doc["size"], doc["etag"], doc["last_modified"], doc["checksum"], blob
    )


@dataclass(slots=True)
class Attributes:
    """What a write request says about the object besides its bytes."""

    content_type: str = DEFAULT_CONTENT_TYPE
    system: dict[str, str] = field(default_factory=dict)
    metadata: list[tuple[str, str]] = field(default_factory=list)
    tags: list[tuple[str, str]] = field(default_factory=list)
    storage_class: str = "STANDARD"


def attributes_from(headers: Headers) -> Attributes:
    """Content-Type, system headers, x-amz-meta-*, x-amz-tagging and storage class."""
    system: dict[str, str] = {}
    for name in SYSTEM_HEADERS:
        value = headers.get(name)
        if value is None:
            continue
        if name == "Content-Encoding":
            # aws-chunked is the transfer framing, not the object's encoding.
            codings = [c.strip() for c in value.split(",") if c.strip().lower() != "aws-chunked"]
            if not codings:
                continue
            value = ",".join(codings)
        system[name] = value
    metadata = [(k.lower(), v) for k, v in headers.with_prefix("x-amz-meta-")]
    tagging = headers.get("x-amz-tagging")
    tags = parse_tagging_header(tagging) if tagging is not None else []
    return Attributes(
        content_type=headers.get("Content-Type") or DEFAULT_CONTENT_TYPE,
        system=system,
        metadata=metadata,
        tags=tags,
        storage_class=headers.get("x-amz-storage-class") or "STANDARD",
    )


def parse_tagging_header(value: str) -> list[tuple[str, str]]:
    """x-amz-tagging is URL-query encoded: Key1=Value1&Key2=Value2."""
    return validate_tags(parse_qsl(value, keep_blank_values=True))


def validate_tags(tags: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """Enforce the object tag limits.

    https://docs.aws.amazon.com/AmazonS3/latest/userguide/object-tagging.html
    """
    if len(tags) > MAX_TAGS:
        raise errors.too_many_tags()
    seen: set[str] = set()
    for key, value in tags:
        if len(key) > 128:
            raise errors.invalid_tag("The TagKey you have provided is too long, max 128")
        if len(value) > 256:
            raise errors.invalid_tag("The TagValue you have provided is too long, max 256")
        if key in seen:
            raise errors.invalid_tag("Cannot provide multiple Tags with the same key")
        seen.add(key)
    return tags
