"""Object bytes: an in-memory store and a directory store that streams to disk atomically."""

from __future__ import annotations

import contextlib
import os
import uuid
from collections.abc import AsyncIterator, Iterable, Iterator
from pathlib import Path

from awsrec.atomic import atomic_write_chunks, atomic_write_stream

READ_CHUNK = 256 * 1024


class Blob:
    """Immutable bytes of one object or part; `ref` names it in persisted metadata."""

    __slots__ = ("ref", "size")

    def __init__(self, ref: str, size: int) -> None:
        self.ref = ref
        self.size = size

    def iter_range(self, start: int = 0, end: int | None = None) -> Iterator[bytes]:
        """Chunks of bytes [start, end) (end exclusive; None for the end of the blob)."""
        raise NotImplementedError

    def read_all(self) -> bytes:
        return b"".join(self.iter_range())


class MemoryBlob(Blob):
    """Bytes kept as the chunks they arrived in, so storing never joins (copies) them."""

    __slots__ = ("chunks",)

    def __init__(self, chunks: list[bytes]) -> None:
        kept = [c for c in chunks if c]
        super().__init__("", sum(len(c) for c in kept))
        self.chunks = kept

    def iter_range(self, start: int = 0, end: int | None = None) -> Iterator[bytes]:
        stop = self.size if end is None else end
        pos = 0
        for chunk in self.chunks:
            n = len(chunk)
            if pos >= stop:
                break
            if pos + n > start:
                a, b = max(start - pos, 0), min(stop - pos, n)
                yield chunk if a == 0 and b == n else chunk[a:b]
            pos += n


class FileBlob(Blob):
    __slots__ = ("path",)

    def __init__(self, path: Path, size: int) -> None:
        super().__init__(path.name, size)
        self.path = path

    def iter_range(self, start: int = 0, end: int | None = None) -> Iterator[bytes]:
        stop = self.size if end is None else end
        with open(self.path, "rb") as f:
            f.seek(start)
            remaining = stop - start
            while remaining > 0:
                chunk = f.read(min(READ_CHUNK, remaining))
                if not chunk:
                    break
                remaining -= len(chunk)
                yield chunk


class BlobStore:
    """Where bytes live. Blobs are never shared between two objects, so deleting is simple."""

    async def ingest(self, chunks: AsyncIterator[bytes]) -> Blob:
        raise NotImplementedError

    def from_chunks(self, chunks: Iterable[bytes]) -> Blob:
        raise NotImplementedError

    def duplicate(self, blob: Blob) -> Blob:
        """A blob with the same bytes that can be released independently."""
        raise NotImplementedError

    def release(self, blob: Blob) -> None:
        """The blob is no longer referenced."""

    def load(self, ref: str, size: int) -> Blob:
        raise NotImplementedError

    def clear(self) -> None:
        """Forget every blob."""


class MemoryStore(BlobStore):
    async def ingest(self, chunks: AsyncIterator[bytes]) -> Blob:
        return MemoryBlob([c async for c in chunks])

    def from_chunks(self, chunks: Iterable[bytes]) -> Blob:
        return MemoryBlob(list(chunks))

    def duplicate(self, blob: Blob) -> Blob:
        return blob  # bytes are immutable: sharing them is a copy for free

    def load(self, ref: str, size: int) -> Blob:
        raise KeyError(ref)


class DirectoryStore(BlobStore):
    """Blob files under `root`, written through atomic renames; copies are hard links."""

    def __init__(self, root: Path) -> None:
        self.root = root
        root.mkdir(parents=True, exist_ok=True)

    def _new_path(self) -> Path:
        return self.root / uuid.uuid4().hex

    async def ingest(self, chunks: AsyncIterator[bytes]) -> Blob:
        path = self._new_path()
        size = await atomic_write_stream(path, chunks)
        return FileBlob(path, size)

    def from_chunks(self, chunks: Iterable[bytes]) -> Blob:
        path = self._new_path()
        size = atomic_write_chunks(path, chunks)
        return FileBlob(path, size)

    def duplicate(self, blob: Blob) -> Blob:
        path = self._new_path()
        if isinstance(blob, FileBlob):
            os.link(blob.path, path)
            return FileBlob(path, blob.size)
        return self.from_chunks(blob.iter_range())

    def release(self, blob: Blob) -> None:
        if isinstance(blob, FileBlob):
            with contextlib.suppress(FileNotFoundError):
                blob.path.unlink()

    def load(self, ref: str, size: int) -> Blob:
        return FileBlob(self.root / ref, size)

    def clear(self) -> None:
        for path in self.root.iterdir():
            with contextlib.suppress(FileNotFoundError):
                path.unlink()

    def sweep(self, live: set[str]) -> None:
        """Delete blobs no metadata refers to (left by a crash between blob and metadata)."""
        for path in self.root.iterdir():
            if path.name not in live:
                with contextlib.suppress(FileNotFoundError):
                    path.unlink()
