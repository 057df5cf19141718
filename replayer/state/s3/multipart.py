"""Multipart uploads: checksum configuration, parts, and completing parts into an object.

https://docs.aws.amazon.com/AmazonS3/latest/userguide/mpuoverview.html
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from typing import Any

from replayer.state.base import Headers
from replayer.state.s3 import errors
from replayer.state.s3.integrity import ALGORITHMS, CRC_ALGORITHMS
from replayer.state.s3.objects import Attributes, Part

MAX_PART_NUMBER = 10000


@dataclass(slots=True)
class Upload:
    upload_id: str
    bucket: str
    key: str
    initiated: float
    attrs: Attributes
    algorithm: str | None = None  # None: S3 gives the object its default CRC64NVME
    checksum_type: str | None = None  # COMPOSITE or FULL_OBJECT
    parts: dict[int, Part] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        a = self.attrs
        return {
            "upload_id": self.upload_id,
            "bucket": self.bucket,
            "key": self.key,
            "initiated": self.initiated,
            "attrs": [a.content_type, a.system, a.metadata, a.tags, a.storage_class],
            "algorithm": self.algorithm,
            "checksum_type": self.checksum_type,
        }

    @classmethod
    def from_json(cls, doc: dict[str, Any]) -> Upload:
        ct, system, metadata, tags, sc = doc["attrs"]
        attrs = Attributes(
            ct, dict(system), [tuple(m) for m in metadata], [tuple(t) for t in tags], sc
        )
        return cls(
            doc["upload_id"],
            doc["bucket"],
            doc["key"],
            doc["initiated"],
            attrs,
            doc["algorithm"],
            doc["checksum_type"],
        )


def new_upload_id() -> str:
    return secrets.token_urlsafe(48)


def checksum_config(headers: Headers) -> tuple[str | None, str | None]:
    """Algorithm and type for CreateMultipartUpload, with S3's allowed combinations.

    FULL_OBJECT works only for the CRCs (they combine linearly), COMPOSITE not for CRC64NVME
    (https://docs.aws.amazon.com/AmazonS3/latest/userguide/checking-object-integrity.html).
    """
    algorithm = headers.get("x-amz-checksum-algorithm")
    ctype = headers.get("x-amz-checksum-type")
    if ctype is not None and ctype not in ("COMPOSITE", "FULL_OBJECT"):
        raise errors.invalid_request("Value for x-amz-checksum-type header is invalid.")
    if algorithm is None:
        if ctype is not None:
            raise errors.invalid_request(
                "The x-amz-checksum-type header can only be used with the "
                "x-amz-checksum-algorithm header."
            )
        return None, None
    algorithm = algorithm.upper()
    if algorithm not in ALGORITHMS:
        raise errors.invalid_request(
            "Checksum algorithm provided is unsupported. Please try again with any of the valid "
            "types: [CRC32, CRC32C, CRC64NVME, SHA1, SHA256]"
        )
    if ctype is None:
        ctype = "FULL_OBJECT" if algorithm == "CRC64NVME" else "COMPOSITE"
    if ctype == "FULL_OBJECT" and algorithm not in CRC_ALGORITHMS:
        raise errors.invalid_request(
            f"The FULL_OBJECT checksum type cannot be used with the {algorithm.lower()} "
            "checksum algorithm."
        )
    if ctype == "COMPOSITE" and algorithm == "CRC64NVME":
        raise errors.invalid_request(
            "The COMPOSITE checksum type cannot be used with the crc64nvme checksum algorithm."
        )
    return algorithm, ctype


def parse_part_number(value: str | None) -> int:
    try:
        n = int(value or "")
    except ValueError:
        n = 0
    if not 1 <= n <= MAX_PART_NUMBER:
        raise errors.invalid_argument(
            "Part number must be an integer between 1 and 10000, inclusive",
            "partNumber",
            value or "",
        )
    return n


def check_part_checksum(upload: Upload, algorithm: str, explicit: bool) -> None:
    """A part of an upload with an algorithm must carry that algorithm's checksum."""
    if upload.algorithm is None:
        return
    if explicit and algorithm != upload.algorithm:
        raise errors.invalid_request(
            f"Checksum Type mismatch occurred, expected checksum Type: "
            f"{upload.algorithm.lower()}, actual checksum Type: {algorithm.lower()}"
        )
    if not explicit and upload.checksum_type == "COMPOSITE":
        raise errors.invalid_request(
            f"Checksum Type mismatch occurred, expected checksum Type: "
            f"{upload.algorithm.lower()}, actual checksum Type: null"
        )


@dataclass(slots=True)
class Listed:
    """One <Part> of a CompleteMultipartUpload request."""

    number: int
    etag: str
    checksum: str | None


def chosen_parts(upload: Upload, listed: list[Listed]) -> list[Part]:
    """Validate the request's part list against the upload, in S3's order of checks."""
    if not listed:
        raise errors.malformed_xml()
    previous = 0
    for item in listed:
        if item.number <= previous:
            raise errors.invalid_part_order(upload.upload_id)
        previous = item.number
    parts: list[Part] = []
    for item in listed:
        part = upload.parts.get(item.number)
        if part is None or part.etag != item.etag.strip().strip('"'):
            raise errors.invalid_part(upload.upload_id, item.number, item.etag)
        if upload.checksum_type == "COMPOSITE":
            if item.checksum is None:
                raise errors.invalid_request(
                    f"The upload was created using a {(upload.algorithm or '').lower()} "
                    "checksum. The complete request must include the checksum for each part. "
                    f"It was missing for part {item.number} in the request."
                )
            if item.checksum != part.checksum:
                raise errors.invalid_part(upload.upload_id, item.number, item.etag)
        parts.append(part)
    for part in parts[:-1]:
        if part.size < errors.MIN_PART_SIZE:
            raise errors.entity_too_small(part.size, part.number, f'"{part.etag}"')
    return parts
