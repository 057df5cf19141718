"""Keep length and digest headers true to a body that normalisation rewrote."""

from __future__ import annotations

import base64
import hashlib
import zlib
from collections.abc import Callable

from awscrt import checksums

Pairs = list[tuple[str, str]]


def _b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode("ascii")


def _crc(fn: Callable[[bytes], int]) -> Callable[[bytes], str]:
    return lambda body: _b64(fn(body).to_bytes(4, "big"))


# Flexible checksums: https://docs.aws.amazon.com/AmazonS3/latest/userguide/checking-object-integrity.html
_DIGESTS: dict[str, Callable[[bytes], str]] = {
    "content-length": lambda body: str(len(body)),
    "content-md5": lambda body: _b64(hashlib.md5(body, usedforsecurity=False).digest()),
    "x-amz-checksum-crc32": _crc(zlib.crc32),
    "x-amz-checksum-crc32c": _crc(checksums.crc32c),
    "x-amz-checksum-sha1": lambda body: _b64(hashlib.sha1(body, usedforsecurity=False).digest()),
    "x-amz-checksum-sha256": lambda body: _b64(hashlib.sha256(body).digest()),
}


def refresh_digests(headers: Pairs, body: bytes) -> Pairs:
    """Headers with length and digests recomputed over `body`; other headers untouched.

    Content-Length, Content-MD5, x-amz-checksum-* and a hex x-amz-content-sha256 are redone.

    Without this a rewritten request would fail the replayer's integrity checks (BadDigest).
    """
    out: Pairs = []
    for name, value in headers:
        lname = name.lower()
        fn = _DIGESTS.get(lname)
        if fn is not None:
            value = fn(body)
        elif lname == "x-amz-content-sha256" and len(value) == 64:
            # Literal values (UNSIGNED-PAYLOAD, STREAMING-...) say how the body was signed.
            value = hashlib.sha256(body).hexdigest()
        out.append((name, value))
    return out
