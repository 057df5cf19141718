"""Cassette files on disk: the append-only crash-safe writer, streaming and whole-file readers."""

from __future__ import annotations

import os
import struct
import threading
import warnings
import zlib
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, BinaryIO

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
    "COMPRESSION_LEVEL",
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
    "uncompressed_bytes",
]

# Largest record (one interaction, bodies included, uncompressed) written or read. msgpack's
# Unpacker grows its buffer only with bytes actually read, never by a length the file claims,
# and the inflater hands it a bounded amount per read, so a hostile "2 GB bin" or a deflate bomb
# allocates nothing beyond the bytes really present (tested); this caps what one record may use.
MAX_RECORD_BYTES = 1 << 30
# Longest array (pairs count twice). Unlike bin/str, msgpack preallocates a list for the length
# an array *claims*, so this bounds what a crafted file can make the reader reserve: at most
# 1,023 nested levels (msgpack's depth limit) x 16,384 x 8 bytes = 128 MiB, then it fails.
MAX_LIST_ITEMS = 1 << 14
# Maps are not preallocated, so their limit only has to fit the largest placeholder table.
MAX_MAP_ITEMS = 1 << 24
# zlib level of the record stream. Measured with benchmarks/cassette_io.py (10,000 S3-shaped
# records, 1 KiB bodies): levels 1-6 land within a few percent of each other in size, because
# the saving comes from headers repeating across records, which every level finds.
COMPRESSION_LEVEL = 1
_WBITS = -15  # raw deflate (RFC 1951): no zlib header, no checksum of a stream never finished
# What Z_SYNC_FLUSH ends every record with: an empty stored block, byte-aligned.
_SYNC_MARK = b"\x00\x00\xff\xff"
# A final empty fixed-Huffman block: zlib accepts it, with no output, only between blocks.
_FINAL_EMPTY_BLOCK = b"\x03\x00"
_READ_SIZE = 1 << 20
_FILE_CHUNK = 1 << 16  # compressed bytes read from the file at a time
# The shared Unpacker's buffer limit. Its buffer holds one unparsed token and grows by doubling,
# so a bin near this size is read on its own with an exactly sized buffer (_Reader._large).
_SHARED_BUFFER = 1 << 24
# Records whose bodies total more than this are written as pieces, so a big body is not copied.
_LARGE_BODIES = 1 << 20

Check = Callable[[bytes], None]


class TruncatedCassetteWarning(UserWarning):
    """A cassette ended in a partial record (the writer died mid-write); it was dropped."""


class _StreamError(Exception):
    """The record stream is damaged; the reader adds the file and interaction index."""


if TYPE_CHECKING:
    # zlib's state, compressed offset, decompressed offset, at a record boundary: a plain
    # tuple, as one is taken per record (zlib's classes are named only in its type stubs).
    _Snap = tuple[zlib._Decompress, int, int]


class _Limited:
    """The first `left` bytes of a file-like object."""

    def __init__(self, file: BinaryIO | _Inflater, left: int) -> None:
        self.file, self.left = file, left

    def read(self, n: int) -> bytes:
        data = self.file.read(min(n, self.left))
        self.left -= len(data)
        return data


class _Inflater:
    """The record stream as a file-like object: inflated a bounded piece per read.

    Compressed input goes to zlib one cut at a time, each cut ending at the next 00 00 FF FF,
    so that when a record's sync flush has been consumed, `mark` holds the decompressed and the
    compressed offset of that boundary, and the state there can be snapshotted.
    """

    def __init__(self, file: BinaryIO, start: int, size: int) -> None:
        self.file, self.size = file, size
        self.pos = start  # file offset up to which compressed input has been consumed
        self.out = 0  # decompressed bytes produced
        self.finished = False  # the stream had a final block (our writer never writes one)
        self.restore((zlib.decompressobj(_WBITS), start, 0))

    def restore(self, snap: _Snap) -> None:
        """Go back to a snapshot taken at a record boundary."""
        inflate, self.pos, self.out = snap
        self.zlib = inflate.copy()
        self.mark = (self.out, self.pos)  # snapshots are taken at record boundaries only
        self.buf, self.at = b"", 0  # compressed bytes read from the file and not yet cut
        self.cut, self.cut_marked = b"", False  # input left to feed; does it end in a mark
        self.draining = False  # the last call filled its output limit: zlib may hold more
        self.file.seek(self.pos)
        self.left = self.size - self.pos

    def snapshot(self) -> _Snap:
        # zlib's state (its 32 KiB window) costs about a microsecond to copy.
        return self.zlib.copy(), self.pos, self.out

    def read(self, n: int) -> bytes:
        """At most `n` decompressed bytes (b"" only at the end of the file)."""
        while n > 0:
            if self.cut or self.draining:
                data = self._inflate(n)
                if data:
                    return data
            elif self.finished or not self._next_cut():
                break
        return b""

    def _inflate(self, n: int) -> bytes:
        cut = self.cut
        try:
            data = self.zlib.decompress(cut, n)
        except zlib.error as e:
            raise _StreamError(f"corrupt compressed data ({e})") from e
        self.cut = self.zlib.unconsumed_tail
        self.pos += len(cut) - len(self.cut)
        self.out += len(data)
        self.draining = not self.cut and len(data) == n
        if self.zlib.eof:
            self._finish()
        elif self.cut_marked and not (self.cut or self.draining):
            self.mark = (self.out, self.pos)
        return data

    def _finish(self) -> None:
        extra = len(self.zlib.unused_data) + len(self.buf) - self.at + self.left
        if extra:
            raise _StreamError(f"{extra} bytes follow the end of the compressed stream")
        self.pos -= len(self.zlib.unused_data)
        self.finished, self.draining, self.mark = True, False, (self.out, self.pos)

    def _next_cut(self) -> bool:
        """Take the input up to and including the next sync mark (or all that is left)."""
        while (end := self.buf.find(_SYNC_MARK, self.at)) < 0:
            more = self.file.read(min(_FILE_CHUNK, self.left))
            self.left -= len(more)
            rest = len(self.buf) - self.at
            if not more and not rest:
                return False
            if not more or rest >= _FILE_CHUNK:
                # No mark in sight (a big record, or the end): feed what there is, but keep
                # 3 bytes that may start a mark the next read completes.
                self._take(len(self.buf) - (3 if more else 0), marked=False)
                self.buf, self.at = self.buf[self.at :] + more, 0
                return True
            self.buf, self.at = self.buf[self.at :] + more, 0
        self._take(end + len(_SYNC_MARK), marked=True)
        return True

    def _take(self, end: int, marked: bool) -> None:
        self.cut, self.at, self.cut_marked = self.buf[self.at : end], end, marked

    def settle(self, end: int) -> bool:
        """Consume the sync flush after the record ending at decompressed offset `end`.

        False when the file ends first (a torn tail).
        """
        while self.mark != (end, self.pos):
            if self.out > end:
                raise _StreamError("record is not followed by a sync flush")
            if self.cut or self.draining:
                self._inflate(1)
            elif self.finished or not self._next_cut():
                return False
        return True

    def at_boundary(self) -> bool:
        """Whether zlib stands between blocks, where a fresh compressor's output may follow."""
        if self.finished:
            return True
        probe = self.zlib.copy()
        try:
            return probe.decompress(_FINAL_EMPTY_BLOCK) == b"" and probe.eof
        except zlib.error:
            return False


# msgpack type bytes (spec "formats") with a fixed-size payload (its size), and those with a
# length field (the field's size): bin/str lengths count bytes, array items, map pairs.
_FIXED = {0xCA: 4, 0xCB: 8, 0xCC: 1, 0xCD: 2, 0xCE: 4, 0xCF: 8, 0xD0: 1, 0xD1: 2, 0xD2: 4, 0xD3: 8}
_SIZED = {0xC4: 1, 0xC5: 2, 0xC6: 4, 0xD9: 1, 0xDA: 2, 0xDB: 4, 0xDC: 2, 0xDD: 4, 0xDE: 2, 0xDF: 4}


class _Counter:
    """Reads or skips decompressed bytes, counting them, never holding more than one read."""

    def __init__(self, source: _Inflater) -> None:
        self.source, self.buf, self.at, self.count = source, b"", 0, 0

    def _fill(self, n: int) -> bool:
        while len(self.buf) - self.at < n:
            more = self.source.read(_READ_SIZE)
            if not more:
                return False
            self.buf, self.at = self.buf[self.at :] + more, 0  # what is kept is under n bytes
        return True

    def _advance(self, n: int) -> None:
        self.at += n
        self.count += n
        if self.count > MAX_RECORD_BYTES:
            raise _StreamError(f"record is larger than {MAX_RECORD_BYTES} bytes")

    def take(self, n: int) -> bytes | None:
        """The next `n` (at most 8) bytes; None at the end of the stream."""
        if not self._fill(n):
            return None
        data = self.buf[self.at : self.at + n]
        self._advance(n)
        return data

    def skip(self, n: int) -> bool:
        while n:
            if self.at == len(self.buf) and not self._fill(1):
                return False
            step = min(n, len(self.buf) - self.at)
            self._advance(step)
            n -= step
        return True


def _measure(source: _Inflater) -> tuple[int, int] | None:
    """Bytes of the next msgpack object and of its largest token; None if the stream ends first.

    Walks the object's headers and skips str/bin payloads, keeping nothing.
    """
    counter, todo, largest = _Counter(source), 1, 0
    while todo:
        todo -= 1
        start = counter.count
        head = counter.take(1)
        if head is None:
            return None
        b, payload = head[0], 0
        if 0x80 <= b <= 0x9F:
            todo += (b & 0x0F) * (2 if b < 0x90 else 1)
        elif 0xA0 <= b <= 0xBF:
            payload = b & 0x1F
        elif b in _FIXED:
            payload = _FIXED[b]
        elif b in _SIZED:
            field = counter.take(_SIZED[b])
            if field is None:
                return None
            n = int.from_bytes(field, "big")
            if b in (0xDC, 0xDD) and n > MAX_LIST_ITEMS or b >= 0xDE and n > MAX_MAP_ITEMS:
                raise _StreamError(f"a container of {n} items exceeds the limit")
            todo += n * 2 if b >= 0xDE else n if b >= 0xDC else 0
            payload = 0 if b >= 0xDC else n
        elif 0xC1 <= b <= 0xDF and b not in (0xC2, 0xC3):
            raise _StreamError(f"type byte 0x{b:02x} is not allowed in a cassette")
        if payload and not counter.skip(payload):
            return None
        largest = max(largest, counter.count - start)
    return counter.count, largest


def _unpacker(file: _Limited | _Inflater, cap: int) -> msgpack.Unpacker:
    # The buffer holds one unparsed token (parsing is incremental) and grows by doubling with
    # bytes actually read; msgpack checks a bin/str length only once its bytes are all present.
    return msgpack.Unpacker(
        file,
        read_size=min(_READ_SIZE, cap),
        raw=False,
        strict_map_key=True,
        max_buffer_size=cap,
        max_bin_len=MAX_RECORD_BYTES,
        max_str_len=MAX_RECORD_BYTES,
        max_array_len=MAX_LIST_ITEMS,
        max_map_len=MAX_MAP_ITEMS,
        max_ext_len=0,  # cassettes hold no ext types
    )


class _Reader:
    """Reads the header, then records one by one, tracking where each starts; names failures."""

    def __init__(self, path: Path) -> None:
        self.path = path
        try:
            self.file: BinaryIO = open(path, "rb")  # noqa: SIM115  # closed by close()
            self.size = os.fstat(self.file.fileno()).st_size
        except OSError as e:
            raise AwsrecError(f"{path}: cannot read cassette: {e.strerror}") from e
        self.end = 0  # file offset just past the header, then past the last complete record
        self.index = -1  # index of the record being read; the header is -1
        self.torn = False  # the file ended inside a record, which was dropped

    def where(self) -> str:
        return f"{self.path}: interaction #{self.index} (byte {self.end})"

    def header(self) -> CassetteHeader:
        if self.size == 0:
            raise CassetteFormatError(f"{self.path}: empty file, not an awsrec cassette")
        # The header is plain msgpack, and the whole file bounds it.
        unpacker = _unpacker(_Limited(self.file, self.size), min(MAX_RECORD_BYTES, self.size + 1))
        try:
            obj = unpacker.unpack()
        except msgpack.OutOfData:
            raise CassetteFormatError(f"{self.path}: file ends inside the header") from None
        except (ValueError, msgpack.UnpackException) as e:
            why = str(e) or type(e).__name__  # msgpack's FormatError/StackError have no text
            raise CassetteFormatError(
                f"{self.path}: not an awsrec cassette (header at byte 0: not valid msgpack: {why})"
            ) from e
        try:
            header = decode_header(obj)
        except CassetteFormatError as e:
            raise CassetteFormatError(f"{self.path}: {e}") from e
        self.end, self.index = unpacker.tell(), 0
        self.inflater = _Inflater(self.file, self.end, self.size)
        return header

    def records(self) -> Iterator[object]:
        """Each complete record's decoded msgpack object; a torn tail is dropped with a warning."""
        try:
            yield from self._records()
        except _StreamError as e:
            raise CassetteFormatError(f"{self.where()}: {e}") from e
        except (ValueError, msgpack.UnpackException) as e:
            why = str(e) or type(e).__name__
            raise CassetteFormatError(f"{self.where()}: not valid msgpack: {why}") from e

    def _records(self) -> Iterator[object]:
        inflater = self.inflater
        base = last = 0  # decompressed offsets: where the unpacker started, the last record's end
        unpacker = _unpacker(inflater, _SHARED_BUFFER)
        while True:
            snap = inflater.snapshot()
            try:
                obj = unpacker.unpack()
                end = base + unpacker.tell()
            except msgpack.BufferFull:
                del unpacker  # free its buffer before reading the record on its own
                found = self._large(snap)
                if found is None:
                    return self._torn()
                obj, end = found
                unpacker, base = _unpacker(inflater, _SHARED_BUFFER), end
            except msgpack.OutOfData:
                if inflater.out != last or not inflater.at_boundary():
                    self._torn()
                return
            if not inflater.settle(end):
                return self._torn()
            self.end, last = inflater.pos, end
            yield obj
            self.index += 1

    def _large(self, snap: _Snap) -> tuple[object, int] | None:
        """The record at `snap` read on its own, measured first so that its buffer fits.

        The buffer holds one token at a time; the shared one would grow by doubling to up to
        twice a big body, this one is capped at the largest token and one read.
        """
        self.inflater.restore(snap)
        measured = _measure(self.inflater)
        if measured is None:
            return None
        size, cap = measured[0], min(measured[0], measured[1] + _READ_SIZE)
        self.inflater.restore(snap)
        try:
            return _unpacker(_Limited(self.inflater, size), cap).unpack(), snap[2] + size
        except msgpack.OutOfData:
            raise _StreamError("record does not parse as msgpack") from None

    def _torn(self) -> None:
        self.torn = True
        warnings.warn(
            f"{self.path}: dropped a truncated trailing record at byte {self.end} "
            f"({self.size - self.end} bytes)",
            TruncatedCassetteWarning,
            stacklevel=5,
        )

    def interactions(self) -> Iterator[Interaction]:
        for obj in self.records():
            try:
                yield decode_interaction(obj)
            except CassetteFormatError as e:
                raise CassetteFormatError(f"{self.where()}: {e}") from e

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


def uncompressed_bytes(path: Path) -> bytes:
    """The file with its record stream inflated, a torn tail included.

    These are the bytes a writer's `check` saw: tests assert on them what a cassette must not
    contain (the compressed file would hide a leaked secret from a plain `in`).
    """
    reader = _Reader(Path(path))
    try:
        reader.header()
        chunks = [os.pread(reader.file.fileno(), reader.end, 0)]
        while chunk := reader.inflater.read(_READ_SIZE):
            chunks.append(chunk)
    except _StreamError as e:
        raise CassetteFormatError(f"{path}: {e}") from e
    finally:
        reader.close()
    return b"".join(chunks)


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


def dump_cassette(path: Path, cassette: Cassette) -> None:
    """Write a whole cassette atomically: readers see the old file or the new, never a mix."""
    path = Path(path)
    tmp = _temp_for(path)
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
