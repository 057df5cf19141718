"""The deflated record stream read back as a file-like object, a bounded piece per read."""

from __future__ import annotations

import zlib
from typing import TYPE_CHECKING, BinaryIO

from awsrec.cassette_io.limits import _WBITS

# What Z_SYNC_FLUSH ends every record with: an empty stored block, byte-aligned.
_SYNC_MARK = b"\x00\x00\xff\xff"
# A final empty fixed-Huffman block: zlib accepts it, with no output, only between blocks.
_FINAL_EMPTY_BLOCK = b"\x03\x00"
_FILE_CHUNK = 1 << 16  # compressed bytes read from the file at a time


class _StreamError(Exception):
    """The record stream is damaged; the reader adds the file and interaction index."""


if TYPE_CHECKING:
    # zlib's state, compressed offset, decompressed offset, at a record boundary: a plain
    # tuple, as one is taken per record (zlib's classes are named only in its type stubs).
    _Snap = tuple[zlib._Decompress, int, int]


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
