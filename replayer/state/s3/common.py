"""What every S3 handler shares: the world, the owner id, clocks and small wire helpers."""

from __future__ import annotations

import hashlib
import time
from collections.abc import AsyncIterator
from pathlib import Path

from replayer.state.base import ServeRequest, ServeResponse, ServiceModel
from replayer.state.s3 import errors
from replayer.state.s3.store import Blob, MemoryBlob
from replayer.state.s3.world import S3World

XML = ("Content-Type", "application/xml")
# S3 encrypts every new object with SSE-S3 by default and says so on each object response.
SSE = ("x-amz-server-side-encryption", "AES256")
MAX_KEY_BYTES = 1024
SMALL_READ = 1024 * 1024


class S3Base(ServiceModel):
    """State and helpers for the handler mixins; S3Model assembles them."""

    world: S3World

    def __init__(self, state_dir: Path | None = None, account: str = "000000000000") -> None:
        super().__init__(state_dir, account)
        self.world = S3World(state_dir)

    @property
    def owner_id(self) -> str:
        """A canonical user id (64 hex digits) derived from the account, stable across runs."""
        return hashlib.sha256(self.account.encode()).hexdigest()

    @staticmethod
    def now() -> float:
        # S3 keeps millisecond precision.
        return round(time.time(), 3)

    @staticmethod
    def bucket_key(req: ServeRequest) -> tuple[str, str]:
        bucket = req.labels.get("Bucket", "")
        key = req.labels.get("Key", "")
        if len(key.encode()) > MAX_KEY_BYTES:
            raise errors.key_too_long(len(key.encode()))
        return bucket, key


def xml_response(
    body: bytes, status: int = 200, headers: list[tuple[str, str]] | None = None
) -> ServeResponse:
    return ServeResponse(status, [XML, *(headers or [])], body)


def body_of(blob: Blob, start: int, end: int) -> bytes | AsyncIterator[bytes]:
    """Bytes [start, end) of a blob: small reads as bytes, large ones as a chunk stream."""
    if isinstance(blob, MemoryBlob):
        if len(blob.chunks) == 1 and start == 0 and end == blob.size:
            return blob.chunks[0]  # the common small object: no copy at all
        if end - start <= SMALL_READ:
            return b"".join(blob.iter_range(start, end))
    return _stream(blob, start, end)


async def _stream(blob: Blob, start: int, end: int) -> AsyncIterator[bytes]:
    for chunk in blob.iter_range(start, end):
        yield chunk
