"""Atomic file writes for the directory state backend: readers see old or new, never torn."""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
from collections.abc import AsyncIterator, Iterable, Iterator
from pathlib import Path
from typing import Any, BinaryIO


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


@contextlib.contextmanager
def _replacing(path: Path) -> Iterator[BinaryIO]:
    """A temp file beside `path`; on success it is fsynced and renamed over `path`."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
    try:
        with os.fdopen(fd, "wb") as f:
            yield f
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
        _fsync_dir(path.parent)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def atomic_write_chunks(path: Path, chunks: Iterable[bytes]) -> int:
    """Write `chunks` to a temp file beside `path`, fsync, then rename over it. Returns size."""
    size = 0
    with _replacing(path) as f:
        for chunk in chunks:
            f.write(chunk)
            size += len(chunk)
    return size


async def atomic_write_stream(path: Path, chunks: AsyncIterator[bytes]) -> int:
    """Async variant of `atomic_write_chunks` for streamed request bodies."""
    size = 0
    with _replacing(path) as f:
        async for chunk in chunks:
            f.write(chunk)
            size += len(chunk)
    return size


def atomic_write_bytes(path: Path, data: bytes) -> None:
    atomic_write_chunks(path, [data])


def atomic_write_json(path: Path, doc: Any) -> None:
    atomic_write_bytes(path, json.dumps(doc, separators=(",", ":")).encode())
