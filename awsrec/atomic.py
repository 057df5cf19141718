"""Atomic file writes (state, reports, history, rules): readers see old or new, never torn."""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
from collections.abc import AsyncIterator, Iterable, Iterator
from functools import cache
from pathlib import Path
from typing import BinaryIO


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


@cache
def _new_file_mode() -> int:
    """The mode open() gives a new file (0o666 less the umask), read once."""
    # /proc says it without changing anything; os.umask can only be read by setting it, which
    # would briefly widen the mask for every other thread.
    with contextlib.suppress(OSError, ValueError):
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("Umask:"):
                return 0o666 & ~int(line.split()[1], 8)
    mask = os.umask(0o022)
    os.umask(mask)
    return 0o666 & ~mask


def _mode_for(path: Path) -> int:
    """Keep the mode of the file being replaced, as writing it in place would."""
    try:
        return path.stat().st_mode & 0o7777
    except OSError:
        return _new_file_mode()


@contextlib.contextmanager
def _replacing(path: Path) -> Iterator[BinaryIO]:
    """A temp file beside `path`; on success it is fsynced and renamed over `path`."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
    try:
        with os.fdopen(fd, "wb") as f:
            # mkstemp makes the file 0600: a report or rules file must stay readable by others.
            os.fchmod(f.fileno(), _mode_for(path))
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
    """Replace `path` with `data` in one rename (parent directories are created)."""
    atomic_write_chunks(path, [data])


def atomic_write_json(path: Path, doc: object) -> None:
    """Replace `path` with `doc` as compact JSON, atomically."""
    atomic_write_bytes(path, json.dumps(doc, separators=(",", ":")).encode())
