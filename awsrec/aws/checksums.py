"""S3 additional checksums (CRC32, CRC32C, CRC64NVME, SHA1, SHA256, MD5) as S3 writes them."""

from __future__ import annotations

import base64
import functools
import hashlib
import zlib
from collections.abc import Callable, Iterable

from awsrec.errors import AwsrecError

# https://docs.aws.amazon.com/AmazonS3/latest/userguide/checking-object-integrity.html
# CRC algorithm -> digest width in bytes.
_CRC_WIDTH = {"CRC32": 4, "CRC32C": 4, "CRC64NVME": 8}
_HASH = {"SHA1": "sha1", "SHA256": "sha256", "MD5": "md5"}


@functools.cache
def _crc(name: str) -> Callable[[bytes, int], int]:
    """The incremental CRC function of `name`.

    CRC32 is zlib's (the same ISO-HDLC polynomial S3 uses, and what boto3 sends by default), so
    serving ordinary uploads never loads awscrt (~40 ms and ~5 MB at first use).
    """
    if name == "CRC32":
        return zlib.crc32
    from awscrt import checksums as crt

    functions: dict[str, Callable[[bytes, int], int]] = {
        "CRC32C": crt.crc32c,
        "CRC64NVME": crt.crc64nvme,
    }
    return functions[name]


def _combine(name: str) -> Callable[[int, int, int], int]:
    from awscrt import checksums as crt

    functions: dict[str, Callable[[int, int, int], int]] = {
        "CRC32": crt.combine_crc32,
        "CRC32C": crt.combine_crc32c,
        "CRC64NVME": crt.combine_crc64nvme,
    }
    return functions[name]


ALGORITHMS = ("CRC32", "CRC32C", "CRC64NVME", "SHA1", "SHA256")


class ChecksumError(AwsrecError):
    """An unknown checksum algorithm or a malformed checksum value."""


def header_name(algorithm: str) -> str:
    """The S3 header carrying `algorithm`'s checksum, e.g. "x-amz-checksum-crc32"."""
    return f"x-amz-checksum-{algorithm.lower()}"


class Checksummer:
    """Incremental checksum; `b64digest()` is base64 of the big-endian digest, as S3 sends."""

    __slots__ = ("_algorithm", "_crc", "_hash", "_length", "_width")

    def __init__(self, algorithm: str) -> None:
        name = algorithm.upper()
        self._algorithm = name
        self._length = 0
        self._crc = 0
        self._width = 0
        self._hash: hashlib._Hash | None = None
        if name in _CRC_WIDTH:
            self._width = _CRC_WIDTH[name]
        elif name in _HASH:
            self._hash = hashlib.new(_HASH[name])
        else:
            raise ChecksumError(f"unknown checksum algorithm {algorithm!r}")

    @classmethod
    def new(cls, algorithm: str) -> Checksummer:
        return cls(algorithm)

    @property
    def algorithm(self) -> str:
        return self._algorithm

    @property
    def length(self) -> int:
        """Bytes fed so far."""
        return self._length

    def update(self, data: bytes) -> None:
        self._length += len(data)
        if self._hash is not None:
            self._hash.update(data)
        else:
            self._crc = _crc(self._algorithm)(data, self._crc)

    def value(self) -> int:
        """The CRC as an integer (CRC algorithms only)."""
        if self._hash is not None:
            raise ChecksumError(f"{self._algorithm} is not a CRC")
        return self._crc

    def digest(self) -> bytes:
        if self._hash is not None:
            return self._hash.digest()
        return self._crc.to_bytes(self._width, "big")

    def b64digest(self) -> str:
        return base64.b64encode(self.digest()).decode()


def checksum(algorithm: str, data: bytes) -> str:
    """base64 checksum of `data`, as in S3's x-amz-checksum-* headers."""
    c = Checksummer(algorithm)
    c.update(data)
    return c.b64digest()


def combine_full_object(algorithm: str, parts: Iterable[tuple[str, int]]) -> str:
    """FULL_OBJECT checksum of a multipart object from its parts' (b64 checksum, size).

    Only CRCs combine; S3 supports FULL_OBJECT for CRC algorithms only:
    https://docs.aws.amazon.com/AmazonS3/latest/userguide/checking-object-integrity.html
    """
    name = algorithm.upper()
    if name not in _CRC_WIDTH:
        raise ChecksumError(f"{algorithm} checksums cannot be combined (FULL_OBJECT is CRC-only)")
    width = _CRC_WIDTH[name]
    combine = _combine(name)
    total = 0
    for b64, size in parts:
        try:
            crc = int.from_bytes(base64.b64decode(b64, validate=True), "big")
        except ValueError as e:
            raise ChecksumError(f"malformed {algorithm} checksum {b64!r}") from e
        total = combine(total, crc, size)
    return base64.b64encode(total.to_bytes(width, "big")).decode()


def composite(algorithm: str, part_checksums: Iterable[str]) -> str:
    """COMPOSITE checksum of a multipart upload, as S3 reports it.

    The checksum of the concatenated binary part checksums, suffixed "-<number of parts>".
    """
    c = Checksummer(algorithm)
    count = 0
    for b64 in part_checksums:
        try:
            c.update(base64.b64decode(b64, validate=True))
        except ValueError as e:
            raise ChecksumError(f"malformed {algorithm} checksum {b64!r}") from e
        count += 1
    return f"{c.b64digest()}-{count}"
