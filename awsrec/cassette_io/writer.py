"""Writing cassettes: the append-only crash-safe writer, reopening to append, atomic dump."""

from __future__ import annotations

import os
import struct
import threading
import warnings
import zlib
from collections.abc import Callable
from pathlib import Path
from types import TracebackType

import msgpack

from awsrec.cassette import Cassette, CassetteHeader, Interaction, encode_header, encode_interaction
from awsrec.cassette_io.limits import (
    _WBITS,
    COMPRESSION_LEVEL,
    MAX_LIST_ITEMS,
    MAX_MAP_ITEMS,
    MAX_RECORD_BYTES,
)
from awsrec.cassette_io.reader import TruncatedCassetteWarning, _Reader
from awsrec.errors import AwsrecError, CassetteFormatError

# Records whose bodies total more than this are written as pieces, so a big body is not copied.
_LARGE_BODIES = 1 << 20

Check = Callable[[bytes], None]


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


def _deflate_record(fd: int, deflate: zlib._Compress, pieces: list[bytes | memoryview]) -> None:
    """Compress one packed record and write it, ending with a sync flush.

    A record under a MiB of output goes out in one write; a bigger one in writes of about a MiB,
    so its compressed copy is never held whole (crash safety is the same: a record counts once
    its flush is on disk, and a kill before leaves a torn tail).
    """
    out: list[bytes | memoryview] = []
    held = 0
    for piece in pieces:
        view = memoryview(piece)
        for start in range(0, len(view), _LARGE_BODIES):
            out.append(deflate.compress(view[start : start + _LARGE_BODIES]))
            held += len(out[-1])
            if held >= _LARGE_BODIES:
                _write_all(fd, out)
                out, held = [], 0
    out.append(deflate.flush(zlib.Z_SYNC_FLUSH))
    _write_all(fd, out)


def _compressor() -> zlib._Compress:
    return zlib.compressobj(COMPRESSION_LEVEL, zlib.DEFLATED, _WBITS)


def _fsync_dir(path: Path) -> None:
    fd = os.open(path.parent, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _temp_for(path: Path) -> Path:
    return path.with_name(f".{path.name}.{os.getpid()}.{threading.get_ident()}.tmp")


def _rewrite_complete(path: Path) -> None:
    """Replace `path` atomically by its header and complete records, in a continuable stream.

    Used after a torn tail or on a finished stream (one with a final block).

    The records are repacked from their decoded msgpack objects, so keys this version does not
    know survive; the header's bytes are copied as they are.
    """
    tmp, reader = _temp_for(path), _Reader(path)
    try:
        reader.header()
        header = os.pread(reader.file.fileno(), reader.end, 0)
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, 0o644)
        try:
            _write_all(fd, [header])
            deflate = _compressor()
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", TruncatedCassetteWarning)  # reported already
                for obj in reader.records():
                    assert isinstance(obj, dict)  # append_to decoded every record first
                    _deflate_record(fd, deflate, _pieces(obj))
            os.fsync(fd)
        finally:
            os.close(fd)
        os.replace(tmp, path)
        _fsync_dir(path)
    except OSError as e:
        raise AwsrecError(f"{path}: cannot rewrite cassette: {e.strerror}") from e
    finally:
        tmp.unlink(missing_ok=True)
        reader.close()


class CassetteWriter:
    """Appends interactions to a cassette file; each append is on disk when it returns.

    Every record is compressed into the file's one deflate stream and sync-flushed, and goes out
    in one write system call (a record of over a MiB compressed: in pieces of a MiB), so a kill -9
    after `append()` returns never loses it (the page cache survives the process); a kill during
    a write leaves a torn tail that readers drop with a warning. There is no fsync per record
    (the recorder must sustain hundreds of interactions per second); `close()` fsyncs. `check`,
    when given, sees the packed (uncompressed) bytes of the header and of every record before
    they are written and may raise (e.g. SecretLeakError) to abort that write.
    """

    def __init__(self, path: Path, header: CassetteHeader, check: Check | None = None) -> None:
        """Create or truncate `path` and write `header` at once."""
        self._setup(Path(path), header, 0, check)
        data = bytes(_pack(encode_header(header), "header", self._packer)[0])
        if check is not None:
            check(data)
        self._fd = self._open(os.O_WRONLY | os.O_CREAT | os.O_TRUNC)
        try:
            _write_all(self._fd, [data])
        except OSError as e:
            os.close(self._fd)
            raise AwsrecError(f"{self.path}: cannot write cassette: {e.strerror}") from e

    def _setup(self, path: Path, header: CassetteHeader, count: int, check: Check | None) -> None:
        self.path, self.header = path, header
        self.count = count  # interactions in the file
        self._check, self._lock, self._packer = check, threading.Lock(), msgpack.Packer()
        self._deflate = _compressor()
        self._failed = ""  # why an earlier write failed: the stream on disk is cut short

    @classmethod
    def append_to(cls, path: Path, check: Check | None = None) -> CassetteWriter:
        """Reopen a cassette for appending, after validating it and dropping a torn tail.

        The stream ends on a sync flush, so a fresh compressor's output continues it (raw
        deflate blocks concatenate). A torn tail cannot be cut off at an offset (the end of the
        last complete record is known only as far as zlib lets one see), so the complete
        records are rewritten to a new file that replaces the old one atomically.
        """
        path = Path(path)
        reader = _Reader(path)
        try:
            header = reader.header()
            count = sum(1 for _ in reader.interactions())
            rewrite = reader.torn or reader.inflater.finished
        finally:
            reader.close()
        if rewrite:
            _rewrite_complete(path)
        self = cls.__new__(cls)
        self._setup(path, header, count, check)
        self._fd = self._open(os.O_WRONLY | os.O_APPEND)
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
            if self._failed:
                raise AwsrecError(f"{self.path}: an earlier write failed ({self._failed})")
            try:
                _deflate_record(self._fd, self._deflate, pieces)
            except BaseException as e:
                # The compressor has moved past what is on disk: this stream cannot go on.
                self._failed = getattr(e, "strerror", None) or type(e).__name__
                if isinstance(e, OSError):
                    raise AwsrecError(f"{self.path}: cannot write cassette: {e.strerror}") from e
                raise
            self.count += 1

    def close(self) -> None:
        """Flush the file to stable storage and close it.

        The deflate stream is left unfinished on purpose (no Z_FINISH, no final block): every
        record already ends on a sync flush, and an unfinished stream is what append_to continues.
        """
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


def dump_cassette(path: Path, cassette: Cassette, check: Check | None = None) -> None:
    """Write a whole cassette atomically: readers see the old file or the new, never a mix.

    `check` sees the packed bytes as in `CassetteWriter`; a recording path passes its secret
    scanner's, so that a refusal leaves the old file (or none) in place.
    """
    path = Path(path)
    tmp = _temp_for(path)
    try:
        with CassetteWriter(tmp, cassette.header, check=check) as writer:
            for interaction in cassette.interactions:
                writer.append(interaction)
        os.replace(tmp, path)
        _fsync_dir(path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
