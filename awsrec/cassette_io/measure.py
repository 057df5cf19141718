"""Sizes the next msgpack record in the inflated stream without holding it."""

from __future__ import annotations

from awsrec.cassette_io.inflate import _Inflater, _StreamError
from awsrec.cassette_io.limits import _READ_SIZE, MAX_LIST_ITEMS, MAX_MAP_ITEMS, MAX_RECORD_BYTES

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
