"""Cassette files on disk: the append-only crash-safe writer, streaming and whole-file readers."""

from __future__ import annotations

import os
import struct
import threading
import warnings
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from types import TracebackType
from typing import BinaryIO

import msgpack

from awsrec.cassette import (
    Cassette,
    CassetteHeader,
    Interaction,
    decode_header,
    decode_interaction,
    encode_header,
    encode_interaction,
)
from awsrec.errors import AwsrecError, CassetteFormatError

__all__ = [
    "MAX_LIST_ITEMS",
    "MAX_MAP_ITEMS",
    "MAX_RECORD_BYTES",
    "CassetteWriter",
    "Check",
    "TruncatedCassetteWarning",
    "cassette_files",
    "dump_cassette",
    "iter_cassette",
    "load_cassette",
]

# Largest record (one interaction, bodies included) written or read. msgpack's Unpacker grows
# its buffer only with bytes actually read, never by a length the file claims, so a hostile
# "2 GB bin" in a 10-byte file allocates nothing (tested); this caps what a real record may use.
MAX_RECORD_BYTES = 1 << 30
# Longest array (pairs count twice). Unlike bin/str, msgpack preallocates a list for the length
# an array *claims*, so this bounds what a crafted file can make the reader reserve: at most
# 1,023 nested levels (msgpack's depth limit) x 16,384 x 8 bytes = 128 MiB, then it fails.
MAX_LIST_ITEMS = 1 << 14
# Maps are not preallocated, so their limit only has to fit the largest placeholder table.
MAX_MAP_ITEMS = 1 << 24
_READ_SIZE = 1 << 20
# Records whose bodies total more than this are written as pieces, so a big body is not copied.
_LARGE_BODIES = 1 << 20

Check = Callable[[bytes], None]


class TruncatedCassetteWarning(UserWarning):
    """A cassette ended in a partial record (the writer died mid-write); it was dropped."""


class _Snapshot:
    """The first `size` bytes of a file: a cassette still being appended to reads consistently."""

    def __init__(self, file: BinaryIO, size: int) -> None:
        self.file = file
        self.left = size

    def read(self, n: int) -> bytes:
        data = self.file.read(min(n, self.left))
        self.left -= len(data)
        return data


def _unpacker(file: BinaryIO, size: int) -> msgpack.Unpacker:
    # The buffer holds one record at a time and grows by doubling, with bytes actually read;
    # capping it at the file size keeps a record that is most of the file from costing twice
    # its size. msgpack checks a bin/str length only once its bytes are all present, so a
    # record claiming more than the file holds reads as a torn tail, having allocated nothing.
    buffer = min(MAX_RECORD_BYTES, size + 1)
    return msgpack.Unpacker(
        _Snapshot(file, size),
        read_size=min(_READ_SIZE, buffer),
        raw=False,
        strict_map_key=True,
        max_buffer_size=buffer,
        max_bin_len=MAX_RECORD_BYTES,
        max_str_len=MAX_RECORD_BYTES,
        max_array_len=MAX_LIST_ITEMS,
        max_map_len=MAX_MAP_ITEMS,
        max_ext_len=0,  # cassettes hold no ext types
    )


class _Reader:
    """Reads records one by one, tracking where each starts, and classifies failures."""

    def __init__(self, path: Path) -> None:
        self.path = path
        try:
            self.file: BinaryIO = open(path, "rb")  # noqa: SIM115  # closed by close()
            self.size = os.fstat(self.file.fileno()).st_size
        except OSError as e:
            raise AwsrecError(f"{path}: cannot read cassette: {e.strerror}") from e
        self.unpacker = _unpacker(self.file, self.size)
        self.end = 0  # byte offset just past the last complete record
        self.index = -1  # index of the last record read; the header is -1

    def where(self) -> str:
        if self.index < 0:
            return f"header at byte {self.end}"
        return f"{self.path}: interaction #{self.index} (byte {self.end})"

    def next(self) -> object | None:
        """The next decoded object, or None at the end of the file (a torn tail is dropped)."""
        try:
            obj: object = self.unpacker.unpack()
        except msgpack.OutOfData:
            if self.end < self.size:
                self._torn_tail()
            return None
        except (ValueError, msgpack.UnpackException) as e:
            why = str(e) or type(e).__name__  # msgpack's FormatError/StackError have no text
            raise CassetteFormatError(f"{self.where()}: not valid msgpack: {why}") from e
        self.end = self.unpacker.tell()
        return obj

    def _torn_tail(self) -> None:
        if self.index < 0:
            raise CassetteFormatError(f"file ends inside the header ({self.size} bytes)")
        warnings.warn(
            f"{self.path}: dropped a truncated trailing record at byte {self.end} "
            f"({self.size - self.end} bytes)",
            TruncatedCassetteWarning,
            stacklevel=4,
        )

    def header(self) -> CassetteHeader:
        if self.size == 0:
            raise CassetteFormatError(f"{self.path}: empty file, not an awsrec cassette")
        try:
            obj = self.next()
        except CassetteFormatError as e:
            raise CassetteFormatError(f"{self.path}: not an awsrec cassette ({e})") from e
        try:
            header = decode_header(obj)
        except CassetteFormatError as e:
            raise CassetteFormatError(f"{self.path}: {e}") from e
        self.index = 0
        return header

    def interactions(self) -> Iterator[Interaction]:
        while True:
            start = self.end
            obj = self.next()
            if obj is None:
                return
            try:
                yield decode_interaction(obj)
            except CassetteFormatError as e:
                where = f"{self.path}: interaction #{self.index} (byte {start})"
                raise CassetteFormatError(f"{where}: {e}") from e
            self.index += 1

    def close(self) -> None:
        self.file.close()


def iter_cassette(path: Path) -> tuple[CassetteHeader, Iterator[Interaction]]:
    """The header, and the interactions streamed one at a time (constant memory beyond one)."""
    reader = _Reader(Path(path))
    try:
        header = reader.header()
    except BaseException:
        reader.close()
        raise

    def stream() -> Iterator[Interaction]:
        try:
            yield from reader.interactions()
        finally:
            reader.close()

    return header, stream()


def load_cassette(path: Path) -> Cassette:
    """The whole cassette, decoded record by record (the file is never held twice in memory)."""
    header, interactions = iter_cassette(path)
    return Cassette(header=header, interactions=list(interactions))


def _check_limits(value: object, where: str) -> None:
    """Refuse to write what the reader's limits would reject, so every cassette reads back."""
    if isinstance(value, list | tuple):
        if len(value) > MAX_LIST_ITEMS:
            raise CassetteFormatError(f"{where} has {len(value)} items (limit {MAX_LIST_ITEMS})")
        for item in value:
            _check_limits(item, where)
    elif isinstance(value, dict):
        if len(value) > MAX_MAP_ITEMS:
            raise CassetteFormatError(f"{where} has {len(value)} entries (limit {MAX_MAP_ITEMS})")
        for key, item in value.items():
            _check_limits(item, f"{where}.{key}")


def _bin_header(n: int) -> bytes:
    # msgpack spec "bin format family": the smallest of bin 8/16/32, as msgpack.Packer picks.
    if n < 1 << 8:
        return struct.pack(">BB", 0xC4, n)
    if n < 1 << 16:
        return struct.pack(">BH", 0xC5, n)
    return struct.pack(">BI", 0xC6, n)


def _pieces(record: dict[str, object]) -> list[bytes | memoryview]:
    """The packed record as pieces, with large bodies referenced rather than copied."""
    packer = msgpack.Packer(autoreset=False)
    pieces: list[bytes | memoryview] = []

    def pack_map(m: dict[str, object]) -> None:
        packer.pack_map_header(len(m))
        for key, value in m.items():
            packer.pack(key)
            if isinstance(value, dict):
                pack_map(value)
            elif key == "body" and isinstance(value, bytes | bytearray | memoryview):
                pieces.extend((packer.bytes(), _bin_header(len(value)), memoryview(value)))
                packer.reset()
            else:
                packer.pack(value)

    pack_map(record)
    pieces.append(packer.bytes())
    return pieces


def _pack(
    record: dict[str, object], where: str, packer: msgpack.Packer | None
) -> list[bytes | memoryview]:
    """The record packed whole with `packer`, or as pieces without copying bodies (no packer)."""
    _check_limits(record, where)
    try:
        return [packer.pack(record)] if packer is not None else _pieces(record)
    except (ValueError, TypeError, OverflowError) as e:
        # e.g. a flag value msgpack cannot hold (a set, an int past 64 bits, a lone surrogate)
        raise CassetteFormatError(f"cannot write {where}: {e}") from e


def _write_all(fd: int, pieces: list[bytes | memoryview]) -> None:
    """Write every piece; a short write (disk full, signal) resumes where it stopped."""
    views = [memoryview(p) for p in pieces if len(p)]
    while views:
        written = os.writev(fd, views[:1024])  # IOV_MAX on Linux
        while written and views:
            if written >= len(views[0]):
                written -= len(views.pop(0))
            else:
                views[0] = views[0][written:]
                written = 0


def _fsync_dir(path: Path) -> None:
    fd = os.open(path.parent, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


class CassetteWriter:
    """Appends interactions to a cassette file; each append is on disk when it returns.

    Every record goes out in one write system call, so a kill -9 after `append()` returns never
    loses it (the page cache survives the process); a kill during a write leaves a torn tail that
    readers drop with a warning. There is no fsync per record (the recorder must sustain hundreds
    of interactions per second); `close()` fsyncs. `check`, when given, sees the packed bytes of
    the header and of every record before they are written and may raise (e.g. SecretLeakError)
    to abort that write.
    """

    def __init__(self, path: Path, header: CassetteHeader, check: Check | None = None) -> None:
        """Create or truncate `path` and write `header` at once."""
        self.path = Path(path)
        self.header = header
        self.count = 0  # interactions in the file
        self._check = check
        self._lock = threading.Lock()
        self._packer = msgpack.Packer()
        data = bytes(_pack(encode_header(header), "header", self._packer)[0])
        if check is not None:
            check(data)
        self._fd = self._open(os.O_WRONLY | os.O_CREAT | os.O_TRUNC)
        try:
            _write_all(self._fd, [data])
        except OSError as e:
            os.close(self._fd)
            raise AwsrecError(f"{self.path}: cannot write cassette: {e.strerror}") from e

    @classmethod
    def append_to(cls, path: Path, check: Check | None = None) -> CassetteWriter:
        """Reopen a cassette for appending, after validating it and cutting off a torn tail."""
        path = Path(path)
        reader = _Reader(path)
        try:
            header = reader.header()
            count = sum(1 for _ in reader.interactions())
            end = reader.end
        finally:
            reader.close()
        self = cls.__new__(cls)
        self.path, self.header, self.count = path, header, count
        self._check, self._lock, self._packer = check, threading.Lock(), msgpack.Packer()
        self._fd = self._open(os.O_WRONLY | os.O_APPEND)
        if end < reader.size:
            os.ftruncate(self._fd, end)  # the torn tail was already reported by the reader
            os.fsync(self._fd)
        return self

    def _open(self, flags: int) -> int:
        try:
            return os.open(self.path, flags | getattr(os, "O_CLOEXEC", 0), 0o644)
        except OSError as e:
            raise AwsrecError(f"{self.path}: cannot open cassette: {e.strerror}") from e

    def append(self, interaction: Interaction) -> None:
        """Write one interaction as one msgpack record."""
        record = encode_interaction(interaction)
        big = len(interaction.request.body) + len(interaction.response.body) > _LARGE_BODIES
        pieces = _pack(record, "interaction", None if big else self._packer)
        size = sum(len(p) for p in pieces)
        if size > MAX_RECORD_BYTES:
            raise CassetteFormatError(
                f"{self.path}: interaction seq={interaction.seq} packs to {size} bytes, "
                f"more than the {MAX_RECORD_BYTES} a cassette record may hold"
            )
        if self._check is not None:
            # The scanner needs contiguous bytes; only here does a big record get copied.
            data = pieces[0] if len(pieces) == 1 else b"".join(pieces)
            self._check(bytes(data))
            pieces = [data]
        with self._lock:
            if self._fd < 0:
                raise AwsrecError(f"{self.path}: cassette writer is closed")
            try:
                _write_all(self._fd, pieces)
            except OSError as e:
                raise AwsrecError(f"{self.path}: cannot write cassette: {e.strerror}") from e
            self.count += 1

    def close(self) -> None:
        """Flush the file to stable storage and close it."""
        with self._lock:
            if self._fd < 0:
                return
            fd, self._fd = self._fd, -1
            try:
                os.fsync(fd)
            finally:
                os.close(fd)
            _fsync_dir(self.path)

    def __enter__(self) -> CassetteWriter:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


def dump_cassette(path: Path, cassette: Cassette) -> None:
    """Write a whole cassette atomically: readers see the old file or the new, never a mix."""
    path = Path(path)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{threading.get_ident()}.tmp")
    try:
        with CassetteWriter(tmp, cassette.header) as writer:
            for interaction in cassette.interactions:
                writer.append(interaction)
        os.replace(tmp, path)
        _fsync_dir(path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def cassette_files(paths: Iterable[Path]) -> list[Path]:
    """Files as given, directories expanded to the *.awsrec files under them (sorted)."""
    found: list[Path] = []
    for path in map(Path, paths):
        if path.is_dir():
            found.extend(sorted(p for p in path.rglob("*.awsrec") if p.is_file()))
        elif path.exists():
            found.append(path)
        else:
            raise AwsrecError(f"{path}: no such file or directory")
    return list(dict.fromkeys(found))
