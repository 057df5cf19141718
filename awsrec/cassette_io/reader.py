"""Reading cassettes: the header, then records one by one, a torn tail dropped with a warning."""

from __future__ import annotations

import os
import warnings
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO

import msgpack

from awsrec.cassette import Cassette, CassetteHeader, Interaction, decode_header, decode_interaction
from awsrec.cassette_io.inflate import _Inflater, _StreamError
from awsrec.cassette_io.limits import _READ_SIZE, MAX_LIST_ITEMS, MAX_MAP_ITEMS, MAX_RECORD_BYTES
from awsrec.cassette_io.measure import _measure
from awsrec.errors import AwsrecError, CassetteFormatError

if TYPE_CHECKING:
    from awsrec.cassette_io.inflate import _Snap

# The shared Unpacker's buffer limit. Its buffer holds one unparsed token and grows by doubling,
# so a bin near this size is read on its own with an exactly sized buffer (_Reader._large).
_SHARED_BUFFER = 1 << 24


class TruncatedCassetteWarning(UserWarning):
    """A cassette ended in a partial record (the writer died mid-write); it was dropped."""


class _Limited:
    """The first `left` bytes of a file-like object."""

    def __init__(self, file: BinaryIO | _Inflater, left: int) -> None:
        self.file, self.left = file, left

    def read(self, n: int) -> bytes:
        data = self.file.read(min(n, self.left))
        self.left -= len(data)
        return data


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
