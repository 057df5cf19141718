"""The bounded journal of requests served, for GET /_awsrec/journal."""

from __future__ import annotations

from collections import deque
from dataclasses import asdict, dataclass
from typing import Any


@dataclass(slots=True, frozen=True)
class Entry:
    """One served request: what it was and where its answer came from."""

    seq: int
    service: str
    operation: str
    status: int
    source: str  # "recording", "model", "opaque", "admin", "error", "fault"
    outcome: str  # "ok" or the AWS error code
    ms: float
    faults: tuple[str, ...] = ()  # ids of the fault rules that fired on this request


class Journal:
    """A ring buffer of the last `size` entries; sequence numbers keep counting."""

    def __init__(self, size: int = 1000) -> None:
        self._entries: deque[Entry] = deque(maxlen=size)
        self._seq = 0

    def add(
        self,
        service: str,
        operation: str,
        status: int,
        source: str,
        outcome: str,
        ms: float,
        faults: tuple[str, ...] = (),
    ) -> None:
        self._seq += 1
        entry = Entry(self._seq, service, operation, status, source, outcome, ms, faults)
        self._entries.append(entry)

    def dump(self) -> list[dict[str, Any]]:
        return [asdict(e) for e in self._entries]

    def clear(self) -> None:
        self._entries.clear()
